package mock_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/recording"
)

func (c *client) admin(method, path, body, token string) (int, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.url+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, data
}

func TestAdminJournal(t *testing.T) {
	_, c := newMock(t, func(cfg *mock.Config) { cfg.JournalSize = 3 })
	c.must(200, "POST", base, `{"name":"j","secret_string":"journal-secret-value"}`, demoToken)
	c.must(200, "POST", backupPath, "", demoAKSK)
	for range 3 {
		c.must(200, "GET", base, "", demoToken)
	}
	status, body := c.admin("GET", "/__admin/journal", "", "")
	var got struct {
		Requests []recording.Entry `json:"requests"`
		Dropped  uint64            `json:"dropped"`
	}
	if err := json.Unmarshal(body, &got); err != nil || status != 200 {
		t.Fatalf("journal: %d %v %s", status, err, body)
	}
	if len(got.Requests) != 3 || got.Dropped != 2 {
		t.Errorf("journal bounded at 3 holds %d, dropped %d", len(got.Requests), got.Dropped)
	}
	if got.Requests[2].Operation != "ListSecrets" || got.Requests[2].Principal != "default" {
		t.Errorf("newest entry: %+v", got.Requests[2])
	}
	c.admin("DELETE", "/__admin/journal", "", "")
	c.must(200, "POST", base, `{"name":"k","secret_string":"journal-secret-value"}`, demoToken)
	c.must(200, "POST", backupPath, "", demoAKSK)
	_, body = c.admin("GET", "/__admin/journal", "", "")
	for _, secret := range []string{"journal-secret-value", mock.DemoToken, mock.DemoSK} {
		if strings.Contains(string(body), secret) {
			t.Errorf("the journal holds %q", secret)
		}
	}
	for _, want := range []string{`"body": "{\"name\":\"k\",\"secret_string\":\"[redacted]\"}"`, `"X-Auth-Token": "[redacted]"`, "Access=" + mock.DemoAK, "Signature=[redacted]"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the journal lacks %s:\n%s", want, body)
		}
	}
}

func TestAdminViolations(t *testing.T) {
	_, c := newMock(t, nil)
	c.must(200, "POST", backupPath, "", demoToken)
	c.must(404, "POST", base+"/unknown/backup", "", demoToken) // a valid request
	c.must(401, "POST", backupPath, "", creds{token: "MIIwrong-wrong-wrong-wrong-wrong-wrong"})
	if _, body := c.admin("GET", "/__admin/violations", "", ""); strings.Contains(string(body), `"kind"`) {
		t.Fatalf("valid requests were recorded as violations: %s", body)
	}
	c.must(400, "POST", base+"/bad.name/backup", "", demoToken)
	c.must(401, "POST", backupPath, "", noCreds)
	c.must(404, "GET", "/v1/nowhere", "", demoToken)
	_, body := c.admin("GET", "/__admin/violations", "", "")
	var got struct {
		Violations []recording.Violation `json:"violations"`
	}
	_ = json.Unmarshal(body, &got)
	if len(got.Violations) != 3 {
		t.Fatalf("%d violations, want 3: %s", len(got.Violations), body)
	}
	for i, want := range []string{"secret_name", "no credentials", "APIGW.0101"} {
		if v := got.Violations[i]; v.Kind != "request" || !strings.Contains(v.Reason, want) {
			t.Errorf("violation %d = %+v, want a request violation about %s", i, v, want)
		}
	}
	if status, _ := c.admin("DELETE", "/__admin/violations", "", ""); status != 204 {
		t.Errorf("clear: %d", status)
	}
	if _, body := c.admin("GET", "/__admin/violations", "", ""); strings.Contains(string(body), `"kind"`) {
		t.Errorf("violations after clearing: %s", body)
	}
}

func TestAdminFaultsFixturesReset(t *testing.T) {
	_, c := newMock(t, nil)
	status, body := c.admin("POST", "/__admin/faults", `{"operation":"DownloadSecretBlob","every":1,"times":1,"fault":"status=502"}`, "")
	if status != 201 || !strings.Contains(string(body), `"id": "rule-1"`) {
		t.Fatalf("add rule: %d %s", status, body)
	}
	if status, body := c.admin("POST", "/__admin/faults", `{"fault":"status=418"}`, ""); status != 400 || !strings.Contains(string(body), "CSMS.0002") {
		t.Errorf("a bad rule: %d %s", status, body)
	}
	c.must(502, "POST", backupPath, "", demoToken)
	c.must(200, "POST", backupPath, "", demoToken)
	if _, body := c.admin("GET", "/__admin/faults", "", ""); !strings.Contains(string(body), `"injected": 1`) {
		t.Errorf("rule list: %s", body)
	}
	if status, _ := c.admin("DELETE", "/__admin/faults/rule-1", "", ""); status != 204 {
		t.Errorf("remove: %d", status)
	}
	if status, _ := c.admin("DELETE", "/__admin/faults/rule-1", "", ""); status != 404 {
		t.Errorf("remove again: %d", status)
	}

	fx := fmt.Sprintf("projects: [{id: %s, secrets: [{name: loaded, versions: [{value: x}]}]}]\nfaults: [{operation: ShowSecret, fault: status=500}]", mock.DemoProjectID)
	if status, body := c.admin("POST", "/__admin/fixtures", fx, ""); status != 204 {
		t.Fatalf("load fixtures: %d %s", status, body)
	}
	c.must(500, "GET", base+"/loaded", "", demoToken)
	if status, body := c.admin("POST", "/__admin/fixtures", "projects: [{id: short}]", ""); status != 400 {
		t.Errorf("bad fixtures: %d %s", status, body)
	}

	c.create("made-by-test", "x")
	if status, _ := c.admin("POST", "/__admin/reset", "", ""); status != 204 {
		t.Fatalf("reset: %d", status)
	}
	c.must(404, "GET", base+"/made-by-test", "", demoToken)
	c.must(404, "GET", base+"/loaded", "", demoToken) // no rule any more: a plain 404
	c.must(200, "POST", backupPath, "", demoToken)    // the demo secret is back
	if status, body := c.admin("GET", "/__admin/health", "", ""); status != 200 || !strings.Contains(string(body), `"ok"`) {
		t.Errorf("health: %d %s", status, body)
	}
	if status, body := c.admin("GET", "/__admin/nothing", "", ""); status != 404 || !strings.Contains(string(body), "APIGW.0101") {
		t.Errorf("unknown admin path: %d %s", status, body)
	}
}

func TestAdminToken(t *testing.T) {
	_, c := newMock(t, func(cfg *mock.Config) { cfg.AdminToken = "admin-secret" })
	for _, tok := range []string{"", "wrong"} {
		if status, body := c.admin("GET", "/__admin/journal", "", tok); status != 401 || !strings.Contains(string(body), "APIGW.0301") {
			t.Errorf("token %q: %d %s", tok, status, body)
		}
	}
	if status, _ := c.admin("GET", "/__admin/journal", "", "admin-secret"); status != 200 {
		t.Errorf("right token: %d", status)
	}
	// The admin token is not a CSMS credential, and the CSMS routes are not behind it.
	c.must(401, "POST", backupPath, "", creds{token: "admin-secret-admin-secret-admin-secret"})
	c.must(200, "POST", backupPath, "", demoToken)
}

func TestAdminTokenNeedsTheBearerScheme(t *testing.T) {
	_, c := newMock(t, func(cfg *mock.Config) { cfg.AdminToken = "admin-secret" })
	req, _ := http.NewRequest("GET", c.url+"/__admin/journal", nil)
	req.Header.Set("Authorization", "admin-secret")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("the bare token without Bearer: %d, want 401", res.StatusCode)
	}
}

// adminToken guards the admin API of the tests that need a guarded one.
const adminToken = "state-test-admin-token-0123456789"
