package mock_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/mock"
)

// view is what a client can see of a project's secrets and events, without ids and times (a
// fixtures file carries neither).
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
		var grants struct {
			Data struct {
				Grantees []map[string]any `json:"grantee_user"`
			} `json:"data"`
		}
		c.must(200, "GET", "/v1/"+mock.DemoProjectID+"/csms/grants?resource_id="+id, "", demoToken).json(t, &grants)
		for _, g := range grants.Data.Grantees {
			delete(g, "create_time")
		}
		out[name] = map[string]any{"secret": s, "versions": versions.List, "tags": tags["tags"], "grants": grants.Data.Grantees}
	}
	var checker map[string]any
	c.must(200, "GET", base+"/checker/config", "", demoToken).json(t, &checker)
	out["(checker)"] = checker
	var events struct {
		List []map[string]any `json:"events"`
	}
	c.must(200, "GET", eventsBase, "", demoToken).json(t, &events)
	for _, e := range events.List {
		for _, k := range []string{"event_id", "create_time", "update_time"} {
			delete(e, k)
		}
	}
	out["(events)"] = events.List // not a secret name
	return out
}

func TestStateExportRoundTrip(t *testing.T) {
	_, a := newMock(t, func(cfg *mock.Config) { cfg.AdminToken = adminToken })
	a.must(200, "POST", eventsBase, eventBody("ev", "DISABLED", "SECRET_VERSION_CREATED", "SECRET_DELETED"), demoToken)
	a.must(200, "POST", eventsBase, eventBody("unused", "ENABLED", "SECRET_ROTATED"), demoToken)
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
	a.must(200, "POST", "/v1/"+mock.DemoProjectID+"/csms/grants", grantJSON(made.Secret.ID, "alice", "1893456000000"), demoToken)
	a.must(200, "POST", "/v1/"+mock.DemoProjectID+"/csms/grants", strings.Replace(grantJSON(made.Secret.ID, "readers", ""), `"0"`, `"2"`, 1), demoToken)
	a.must(200, "POST", base+"/checker/config", `{"checking_secret_strength":false}`, demoToken)
	a.create("going", "soon")
	a.must(200, "POST", base+"/going/scheduled-deleted-tasks/create", `{"recovery_window_in_days":9}`, demoToken)
	before := view(t, a)

	status, exported := a.admin("GET", "/__admin/state?values=true", "", adminToken)
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
	status, body := open.admin("GET", "/__admin/state", "", "")
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
	if status, body := open.admin("GET", "/__admin/state?values=true", "", ""); status != 403 {
		t.Errorf("values from an unguarded admin API: %d %s", status, body)
	}
}
