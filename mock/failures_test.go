package mock_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/csmskit/csmskit/mock"
)

// TestDocumentedFailures drives every documented failure of the operations through the HTTP
// stack and checks its status and code from the catalogue.
func TestDocumentedFailures(t *testing.T) {
	_, c := newMock(t, func(cfg *mock.Config) { cfg.FixturesFile = "../examples/fixtures.yaml"; cfg.MaxSecrets = 5 })
	// The fixtures project holds db-password, tls-key and retired-api-key (PENDING_DELETE).
	c.create("disabled-later", "x")
	c.create("full", "x")
	for i := 2; i <= 20; i++ {
		c.must(200, "POST", base+"/full/versions", fmt.Sprintf(`{"secret_string":"v%d"}`, i), demoToken)
	}
	tests := []struct {
		name         string
		method, path string
		body         string
		wantStatus   int
		wantCode     string
	}{
		{"show an unknown secret", "GET", base + "/nope", "", 404, "CSMS.0106"},
		{"back up an unknown secret", "POST", base + "/nope/backup", "", 404, "CSMS.0106"},
		{"delete an unknown secret", "DELETE", base + "/nope", "", 404, "CSMS.0106"},
		{"add a version to an unknown secret", "POST", base + "/nope/versions", `{"secret_string":"x"}`, 404, "CSMS.0106"},
		{"list versions of an unknown secret", "GET", base + "/nope/versions", "", 404, "CSMS.0106"},
		{"show a version of an unknown secret", "GET", base + "/nope/versions/v1", "", 404, "CSMS.0106"},
		{"schedule deletion of an unknown secret", "POST", base + "/nope/scheduled-deleted-tasks/create", `{"recovery_window_in_days":7}`, 404, "CSMS.0106"},
		{"cancel deletion of an unknown secret", "POST", base + "/nope/scheduled-deleted-tasks/cancel", "", 404, "CSMS.0106"},
		{"show an unknown version", "GET", base + "/db-password/versions/v9", "", 400, "CSMS.0005"},
		{"create a name in use", "POST", base, `{"name":"db-password","secret_string":"x"}`, 400, "CSMS.0003"},
		{"create beyond the quota", "POST", base, `{"name":"sixth","secret_string":"x"}`, 400, "CSMS.0202"},
		{"a 21st version", "POST", base + "/full/versions", `{"secret_string":"x"}`, 400, "CSMS.0003"},
		{"back up a secret pending deletion", "POST", base + "/retired-api-key/backup", "", 400, "CSMS.0103"},
		{"add a version to a secret pending deletion", "POST", base + "/retired-api-key/versions", `{"secret_string":"x"}`, 400, "CSMS.0103"},
		{"read a secret pending deletion", "GET", base + "/retired-api-key/versions/latest", "", 400, "CSMS.0103"},
		{"schedule deletion twice", "POST", base + "/retired-api-key/scheduled-deleted-tasks/create", `{"recovery_window_in_days":7}`, 400, "CSMS.0107"},
		{"cancel a deletion never scheduled", "POST", base + "/db-password/scheduled-deleted-tasks/cancel", "", 400, "CSMS.0108"},
		{"binary value that is not base64", "POST", base + "/db-password/versions", `{"secret_binary":"not base64!"}`, 400, "CSMS.0002"},
		{"a name with a dot", "GET", base + "/db.password", "", 400, "CSMS.0002"},
		{"a 65-character name", "POST", base + "/" + string(make65()) + "/backup", "", 400, "CSMS.0002"},
		{"a short project ID", "POST", "/v1/0a1b/secrets/db-password/backup", "", 400, "CSMS.0002"},
		{"a body that is not JSON", "POST", base, `{"name":`, 400, "CSMS.0004"},
		{"both value fields", "POST", base, `{"name":"n","secret_string":"a","secret_binary":"YQ=="}`, 400, "CSMS.0002"},
		{"an unknown route", "GET", "/v1/" + mock.DemoProjectID + "/keys", "", 404, "APIGW.0101"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.must(tt.wantStatus, tt.method, tt.path, tt.body, demoToken)
			if code := r.errorCode(t); code != tt.wantCode {
				t.Errorf("error_code = %s, want %s (%s)", code, tt.wantCode, r.body)
			}
		})
	}
	// A wrong method is 405 with Allow; the contract has no 405, so it is checked apart.
	req, _ := http.NewRequest("PUT", c.url+base+"/db-password/backup", nil)
	req.Header.Set("X-Auth-Token", mock.DemoToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 405 || res.Header.Get("Allow") != "POST" || res.Header.Get("Content-Type") != "application/json" {
		t.Errorf("wrong method: %d, Allow %q, %q", res.StatusCode, res.Header.Get("Allow"), res.Header.Get("Content-Type"))
	}
}

func make65() []byte {
	b := make([]byte, 65)
	for i := range b {
		b[i] = 'n'
	}
	return b
}

func TestDisabledSecretIsNotEnabled(t *testing.T) {
	_, c := newMock(t, func(cfg *mock.Config) { cfg.FixturesFile = "testdata/disabled.yaml" })
	if code := c.must(403, "GET", base+"/off/versions/latest", "", demoToken).errorCode(t); code != "CSMS.0109" {
		t.Errorf("reading a DISABLED secret: %s, want CSMS.0109", code)
	}
	if code := c.must(403, "POST", base+"/off/versions", `{"secret_string":"x"}`, demoToken).errorCode(t); code != "CSMS.0109" {
		t.Errorf("adding to a DISABLED secret: %s, want CSMS.0109", code)
	}
}

func TestUnknownSecretAsTheErrorTableSays(t *testing.T) {
	_, c := newMock(t, func(cfg *mock.Config) { cfg.UnknownSecretStatus = http.StatusBadRequest })
	if code := c.must(400, "POST", base+"/nope/backup", "", demoToken).errorCode(t); code != "CSMS.0106" {
		t.Errorf("error_code = %s, want CSMS.0106", code)
	}
}
