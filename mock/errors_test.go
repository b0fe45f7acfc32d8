package mock_test

import (
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
	tags := "/v1/" + mock.DemoProjectID + "/csms/"
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
		{"delete SYSCURRENT", "DELETE", base + "/full/stages/SYSCURRENT", "", 400, "CSMS.0002"},
		{"delete SYSPREVIOUS", "DELETE", base + "/full/stages/SYSPREVIOUS", "", 400, "CSMS.0002"},
		{"show an unknown stage", "GET", base + "/full/stages/blue", "", 400, "CSMS.0005"},
		{"delete an unknown stage", "DELETE", base + "/full/stages/blue", "", 400, "CSMS.0005"},
		{"put a stage on an unknown version", "PUT", base + "/full/stages/blue", `{"version_id":"v9"}`, 400, "CSMS.0005"},
		{"show a stage of an unknown secret", "GET", base + "/nope/stages/SYSCURRENT", "", 404, "CSMS.0106"},
		{"update an unknown secret", "PUT", base + "/nope", `{"description":"d"}`, 404, "CSMS.0106"},
		{"update a secret pending deletion", "PUT", base + "/retired-api-key", `{"description":"d"}`, 400, "CSMS.0103"},
		{"expire an unknown version", "PUT", base + "/full/versions/v9", `{"expire_time":1}`, 400, "CSMS.0005"},
		{"tags of an unknown secret id", "GET", tags + "00000000-0000-4000-8000-000000000000/tags", "", 404, "CSMS.0106"},
		{"a tag key with the system prefix", "POST", tags + "00000000-0000-4000-8000-000000000000/tags", `{"tag":{"key":"_sys_x","value":"v"}}`, 400, "CSMS.0002"},
		{"a password of no characters", "POST", tags + "generate-password", `{"exclude_lowercase":true,"exclude_uppercase":true,"exclude_numbers":true,"exclude_punctuation":true}`, 400, "CSMS.0002"},
		{"a page of 1,001", "GET", base + "?limit=1001", "", 400, "CSMS.0002"},
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
		{"an unknown event", "GET", "/v1/" + mock.DemoProjectID + "/csms/events/no-such-event", "", 400, "CSMS.0005"},
		{"a batch import without secrets", "POST", base + "/batch-import", `{}`, 400, "CSMS.0002"},
		{"a grant of a secret id that does not exist", "POST", "/v1/" + mock.DemoProjectID + "/csms/grants",
			`{"resource_id":"no-such-id","type":"SECRET","grantee_type":"0","grantee_target_id":"u"}`, 404, "CSMS.0106"},
		{"rotate a COMMON secret", "POST", base + "/db-password/rotate", "", 400, "CSMS.0003"},
		// A known path with a method the contract does not give it answers as the gateway
		// answers an API it does not publish.
		{"a wrong method", "PUT", base + "/db-password/backup", "", 404, "APIGW.0101"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.must(tt.wantStatus, tt.method, tt.path, tt.body, demoToken)
			if code := r.errorCode(t); code != tt.wantCode {
				t.Errorf("error_code = %s, want %s (%s)", code, tt.wantCode, r.body)
			}
		})
	}
	// A wrong method also names the path's methods in Allow.
	req, _ := http.NewRequest("PUT", c.url+base+"/db-password/backup", nil)
	req.Header.Set("X-Auth-Token", mock.DemoToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get("Allow") != "POST" {
		t.Errorf("wrong method: Allow %q", res.Header.Get("Allow"))
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
