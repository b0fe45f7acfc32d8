package mock_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/csmskit/csmskit/aksk"
	"github.com/csmskit/csmskit/mock"
)

const adminToken = "state-test-admin-token-0123456789"

// adminGet calls the guarded admin API (which the contract does not describe).
func adminGet(t *testing.T, c *client, method, path, body string) (int, []byte) {
	t.Helper()
	return adminCall(t, c, method, path, body, adminToken)
}

// adminCall calls the admin API with token, if any.
func adminCall(t *testing.T, c *client, method, path, body, token string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, data
}

// view is what a client can see of a project's secrets, without ids and times (a fixtures
// file carries neither).
func view(t *testing.T, c *client) map[string]any {
	t.Helper()
	out := map[string]any{}
	var list struct {
		Secrets []map[string]any `json:"secrets"`
	}
	c.must(200, "GET", base+"?limit=1000", "", demoToken).json(t, &list)
	for _, s := range list.Secrets {
		name := s["name"].(string)
		id := s["id"].(string)
		for _, k := range []string{"id", "create_time", "update_time"} {
			delete(s, k)
		}
		var versions struct {
			List []map[string]any `json:"version_metadatas"`
		}
		c.must(200, "GET", base+"/"+name+"/versions?limit=50", "", demoToken).json(t, &versions)
		for _, v := range versions.List {
			delete(v, "create_time")
			if s["state"] == "ENABLED" {
				var full map[string]any
				c.must(200, "GET", base+"/"+name+"/versions/"+v["id"].(string), "", demoToken).json(t, &full)
				v["value"] = full["version"].(map[string]any)["secret_string"]
			}
		}
		var tags map[string]any
		c.must(200, "GET", "/v1/"+mock.DemoProjectID+"/csms/"+id+"/tags", "", demoToken).json(t, &tags)
		out[name] = map[string]any{"secret": s, "versions": versions.List, "tags": tags["tags"]}
	}
	return out
}

func TestStateExportRoundTrip(t *testing.T) {
	_, a := newMock(t, func(cfg *mock.Config) { cfg.AdminToken = adminToken })
	a.must(200, "POST", base, `{"name":"settings","secret_string":"one","description":"d","auto_rotation":true,"rotation_period":"30d","event_subscriptions":["ev"],"enterprise_project_id":"0"}`, demoToken)
	a.must(200, "POST", base+"/settings/versions", `{"secret_string":"two","expire_time":1893456000}`, demoToken)
	a.must(200, "POST", base+"/settings/versions", `{"secret_string":"three","version_stages":["blue"]}`, demoToken)
	var made struct {
		Secret struct {
			ID string `json:"id"`
		} `json:"secret"`
	}
	a.must(200, "GET", base+"/settings", "", demoToken).json(t, &made)
	a.must(204, "POST", "/v1/"+mock.DemoProjectID+"/csms/"+made.Secret.ID+"/tags", `{"tag":{"key":"team","value":"payments"}}`, demoToken)
	a.create("going", "soon")
	a.must(200, "POST", base+"/going/scheduled-deleted-tasks/create", `{"recovery_window_in_days":9}`, demoToken)
	before := view(t, a)

	status, exported := adminGet(t, a, "GET", "/__admin/state?values=true", "")
	if status != 200 {
		t.Fatalf("export: %d %s", status, exported)
	}
	file := filepath.Join(t.TempDir(), "state.yaml")
	if err := os.WriteFile(file, exported, 0o600); err != nil {
		t.Fatal(err)
	}
	_, b := newMock(t, func(cfg *mock.Config) { cfg.FixturesFile = file })
	if after := view(t, b); !reflect.DeepEqual(before, after) {
		a, _ := json.MarshalIndent(before, "", " ")
		b, _ := json.MarshalIndent(after, "", " ")
		t.Fatalf("a fresh mock loaded from the export differs:\nbefore %s\nafter  %s", a, b)
	}
}

func TestStateExportKeepsSecretsOut(t *testing.T) {
	_, open := newMock(t, nil)
	status, body := adminCall(t, open, "GET", "/__admin/state", "", "")
	if status != 200 {
		t.Fatalf("export: %d %s", status, body)
	}
	for _, secret := range []string{mock.DemoSecretValue, mock.DemoToken, mock.DemoSK, mock.DemoPassword} {
		if strings.Contains(string(body), secret) {
			t.Errorf("the export without values holds %q:\n%s", secret, body)
		}
	}
	if !strings.Contains(string(body), mock.DemoSecretName) {
		t.Errorf("the export lists no demo secret:\n%s", body)
	}
	// Values only from a guarded admin API.
	if status, body := adminCall(t, open, "GET", "/__admin/state?values=true", "", ""); status != 403 {
		t.Errorf("values from an unguarded admin API: %d %s", status, body)
	}
}

func TestClock(t *testing.T) {
	_, c := newMock(t, func(cfg *mock.Config) { cfg.AdminToken = adminToken })
	c.create("scheduled", "v")
	c.must(200, "POST", base+"/scheduled/scheduled-deleted-tasks/create", `{"recovery_window_in_days":7}`, demoToken)

	// A week later the secret is gone.
	if status, body := adminGet(t, c, "POST", "/__admin/clock", `{"advance":"167h"}`); status != 200 {
		t.Fatalf("advance: %d %s", status, body)
	}
	c.must(200, "GET", base+"/scheduled", "", demoToken)
	adminGet(t, c, "POST", "/__admin/clock", `{"advance":"1h"}`)
	c.must(404, "GET", base+"/scheduled", "", demoToken)

	// The journal shows the mock's time.
	_, body := adminGet(t, c, "GET", "/__admin/journal", "")
	var journal struct {
		Requests []struct {
			Time time.Time `json:"time"`
		} `json:"requests"`
	}
	_ = json.Unmarshal(body, &journal)
	if last := journal.Requests[len(journal.Requests)-1].Time; time.Until(last) < 167*time.Hour {
		t.Errorf("the journal's time %v is not the mock's, a week ahead", last)
	}

	// A signature dated by the real clock is 168 hours off the mock's: refused.
	req, _ := http.NewRequest("GET", c.url+base, nil)
	if err := aksk.Sign(req, mock.DemoAK, mock.DemoSK, time.Now()); err != nil {
		t.Fatal(err)
	}
	if res, _ := http.DefaultClient.Do(req); res == nil || res.StatusCode != 401 {
		t.Errorf("a signature outside the mock's date window: %v", res)
	}

	// Set, and back to real time.
	status, body := adminGet(t, c, "POST", "/__admin/clock", `{"set":"2030-01-02T03:04:05Z"}`)
	var st mock.ClockState
	_ = json.Unmarshal(body, &st)
	if status != 200 || st.Now.Sub(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)).Abs() > time.Minute || st.Real {
		t.Errorf("set: %d %s", status, body)
	}
	for _, bad := range []string{`{}`, `{"advance":"soon"}`, `{"advance":"1h","set":"2030-01-01T00:00:00Z"}`} {
		if status, body := adminGet(t, c, "POST", "/__admin/clock", bad); status != 400 {
			t.Errorf("clock %s: %d %s", bad, status, body)
		}
	}
	_, body = adminGet(t, c, "DELETE", "/__admin/clock", "")
	_ = json.Unmarshal(body, &st)
	if !st.Real || time.Since(st.Now).Abs() > time.Minute {
		t.Errorf("back to real time: %s", body)
	}
}

func TestTokenExpiresByTheMocksClock(t *testing.T) {
	m, c := newMock(t, nil)
	res := c.must(201, "POST", "/v3/auth/tokens", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"`+mock.DemoUser+
		`","password":"`+mock.DemoPassword+`","domain":{"name":"`+mock.DemoDomain+`"}}}},"scope":{"project":{"id":"`+mock.DemoProjectID+`"}}}}`, noCreds)
	token := creds{token: res.header.Get("X-Subject-Token")}
	c.must(200, "GET", base, "", token)
	m.Clock().Advance(24*time.Hour + time.Second)
	c.must(401, "GET", base, "", token)
}

func TestHealth(t *testing.T) {
	m, c := newMock(t, func(cfg *mock.Config) { cfg.DataDir = t.TempDir() })
	for _, path := range []string{"/__admin/health", "/__admin/health/live", "/__admin/health/ready"} {
		if status, body := adminCall(t, c, "GET", path, "", ""); status != 200 {
			t.Errorf("%s: %d %s", path, status, body)
		}
	}
	var h mock.Health
	_, body := adminCall(t, c, "GET", "/__admin/health", "", "")
	_ = json.Unmarshal(body, &h)
	if !h.Live || !h.Ready || h.Store != "ok" || h.Fixtures != "loaded" {
		t.Errorf("health = %+v", h)
	}
	// With its database closed the mock is live but not ready.
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if status, _ := adminCall(t, c, "GET", "/__admin/health/live", "", ""); status != 200 {
		t.Errorf("live with the store closed: %d", status)
	}
	if status, body := adminCall(t, c, "GET", "/__admin/health/ready", "", ""); status != 503 || !strings.Contains(string(body), "unreachable") {
		t.Errorf("ready with the store closed: %d %s", status, body)
	}
}
