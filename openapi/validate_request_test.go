package openapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/openapi"
)

const (
	project = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	base    = "/v1/" + project + "/secrets"
)

// reached answers 200 with the matched operation's ID, so a test sees which route passed.
var reached = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	q, _ := openapi.RequestFromContext(r.Context())
	w.Header().Set("X-Operation", q.OperationID())
	w.WriteHeader(http.StatusOK)
})

type errorBody struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
}

func TestRequestValidator(t *testing.T) {
	h := openapi.MustLoad().RequestValidator(nil)(reached)
	token := map[string]string{"X-Auth-Token": "MII" + strings.Repeat("x", 40)}
	signed := map[string]string{"Authorization": "SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date, Signature=00"}
	jsonBody := map[string]string{"X-Auth-Token": token["X-Auth-Token"], "Content-Type": "application/json"}

	tests := []struct {
		name         string
		method, path string
		headers      map[string]string
		body         string
		wantStatus   int
		wantOp       string // on success: the operation reached
		wantCode     string // on failure: error_code
		wantMsg      string // on failure: a part of error_msg
	}{
		{name: "backup with a token", method: "POST", path: base + "/db-password/backup", headers: token, wantStatus: 200, wantOp: "DownloadSecretBlob"},
		{name: "backup signed", method: "POST", path: base + "/db-password/backup", headers: signed, wantStatus: 200, wantOp: "DownloadSecretBlob"},
		{name: "backup as the SDK sends it", method: "POST", path: base + "/db_pass-1/backup", headers: jsonBody, wantStatus: 200, wantOp: "DownloadSecretBlob"},
		{name: "64-character name", method: "POST", path: base + "/" + strings.Repeat("n", 64) + "/backup", headers: token, wantStatus: 200, wantOp: "DownloadSecretBlob"},
		{name: "64-character project", method: "POST", path: "/v1/" + strings.Repeat("a", 64) + "/secrets/s/backup", headers: token, wantStatus: 200, wantOp: "DownloadSecretBlob"},
		{name: "a secret named restore", method: "GET", path: base + "/restore", headers: token, wantStatus: 200, wantOp: "ShowSecret"},
		{name: "restore from a blob", method: "POST", path: base + "/restore", headers: jsonBody, body: `{"secret_blob":"x"}`, wantStatus: 200, wantOp: "UploadSecretBlob"},
		// The answered blob's format is not asked of a restore: the service judges the blob.
		{name: "restore from the documented, truncated example", method: "POST", path: base + "/restore", headers: jsonBody,
			body: `{"secret_blob":")CloudSecretManagementBackupV1.comeyJraWQiOiJhIn0.QUJD.REVG.R0hJ"}`, wantStatus: 200, wantOp: "UploadSecretBlob"},
		// The literal segments of batch import and the checker are those operations with their
		// methods; with another method the segment is a secret's name.
		{name: "batch import", method: "POST", path: base + "/batch-import", headers: jsonBody, body: `{"secrets":[{"name":"n","secret_string":"v"}]}`, wantStatus: 200, wantOp: "BatchImportSecrets"},
		{name: "a secret named batch-import", method: "GET", path: base + "/batch-import", headers: token, wantStatus: 200, wantOp: "ShowSecret"},
		{name: "a secret named batch-import deleted", method: "DELETE", path: base + "/batch-import", headers: token, wantStatus: 200, wantOp: "DeleteSecret"},
		{name: "check secrets", method: "POST", path: base + "/checker/check", headers: jsonBody, body: `{"type":"1","data":{}}`, wantStatus: 200, wantOp: "CheckSecrets"},
		{name: "show the checker's configuration", method: "GET", path: base + "/checker/config", headers: token, wantStatus: 200, wantOp: "ShowSecretsConfig"},
		{name: "update the checker's configuration", method: "POST", path: base + "/checker/config", headers: jsonBody, body: `{"checking_secret_strength":false}`, wantStatus: 200, wantOp: "UpdateSecretsConfig"},
		{name: "a secret named checker", method: "GET", path: base + "/checker", headers: token, wantStatus: 200, wantOp: "ShowSecret"},
		{name: "the versions of a secret named checker", method: "GET", path: base + "/checker/versions", headers: token, wantStatus: 200, wantOp: "ListSecretVersions"},
		{name: "backup of a secret named checker", method: "POST", path: base + "/checker/backup", headers: token, wantStatus: 200, wantOp: "DownloadSecretBlob"},
		{name: "check secrets of another type", method: "POST", path: base + "/checker/check", headers: jsonBody, body: `{"type":"2","data":{}}`, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "type"},
		{name: "a batch import with a malformed secret", method: "POST", path: base + "/batch-import", headers: jsonBody, body: `{"secrets":[{"name":"a.b","secret_string":"v"}]}`, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "name"},
		{name: "list grants without resource_id", method: "GET", path: "/v1/" + project + "/csms/grants", headers: token, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "resource_id"},
		{name: "list grants", method: "GET", path: "/v1/" + project + "/csms/grants?resource_id=r", headers: token, wantStatus: 200, wantOp: "ListGrants"},
		{name: "a grant to a grantee type of 1", method: "POST", path: "/v1/" + project + "/csms/grants", headers: jsonBody, body: `{"resource_id":"r","type":"SECRET","grantee_type":"1","grantee_target_id":"u"}`, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "grantee_type"},
		{name: "create", method: "POST", path: base, headers: jsonBody, body: `{"name":"n","secret_string":"v"}`, wantStatus: 200, wantOp: "CreateSecret"},
		{name: "list with a limit", method: "GET", path: base + "?limit=200", headers: token, wantStatus: 200, wantOp: "ListSecrets"},
		{name: "token issuance needs no credentials", method: "POST", path: "/v3/auth/tokens", headers: map[string]string{"Content-Type": "application/json"},
			body:       `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"u","password":"p","domain":{"name":"d"}}}},"scope":{"project":{"id":"` + project + `"}}}}`,
			wantStatus: 200, wantOp: "KeystoneCreateUserTokenByPassword"},

		{name: "no credentials", method: "POST", path: base + "/db-password/backup", wantStatus: 401, wantCode: "APIGW.0301", wantMsg: "X-Auth-Token"},
		// The contract names the header; the scheme inside it is for the server's authenticator.
		{name: "Authorization of another scheme", method: "POST", path: base + "/db-password/backup", headers: map[string]string{"Authorization": "Bearer abc"}, wantStatus: 200, wantOp: "DownloadSecretBlob"},
		{name: "65-character name", method: "POST", path: base + "/" + strings.Repeat("n", 65) + "/backup", headers: token, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "secret_name"},
		{name: "name with a dot", method: "POST", path: base + "/db.password/backup", headers: token, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "secret_name"},
		{name: "name with a space", method: "POST", path: base + "/db%20password/backup", headers: token, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "secret_name"},
		{name: "name with an encoded slash", method: "POST", path: base + "/a%2Fb/backup", headers: token, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "secret_name"},
		{name: "name with a NUL", method: "POST", path: base + "/a%00b/backup", headers: token, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "secret_name"},
		{name: "31-character project", method: "POST", path: "/v1/" + strings.Repeat("a", 31) + "/secrets/s/backup", headers: token, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "project_id"},
		{name: "65-character project", method: "POST", path: "/v1/" + strings.Repeat("a", 65) + "/secrets/s/backup", headers: token, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "project_id"},
		// No character set is documented for project_id: only its length is checked.
		{name: "project with a dot", method: "POST", path: "/v1/" + strings.Repeat("a", 31) + "./secrets/s/backup", headers: token, wantStatus: 200, wantOp: "DownloadSecretBlob"},
		{name: "limit of 1,000", method: "GET", path: base + "?limit=1000", headers: token, wantStatus: 200, wantOp: "ListSecrets"},
		{name: "empty marker", method: "GET", path: base + "?marker=", headers: token, wantStatus: 200, wantOp: "ListSecrets"},
		{name: "limit out of range", method: "GET", path: base + "?limit=1001", headers: token, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "limit"},
		{name: "version limit of 1,000", method: "GET", path: base + "/n/versions?limit=1000", headers: token, wantStatus: 200, wantOp: "ListSecretVersions"},
		{name: "version limit out of range", method: "GET", path: base + "/n/versions?limit=1001", headers: token, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "limit"},
		{name: "secret_type outside the enum", method: "POST", path: base, headers: jsonBody, body: `{"name":"n","secret_string":"v","secret_type":"OTHER"}`, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "secret_type"},
		{name: "enterprise_project_id of 37", method: "POST", path: base, headers: jsonBody, body: `{"name":"n","secret_string":"v","enterprise_project_id":"` + strings.Repeat("e", 37) + `"}`, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "enterprise_project_id"},
		{name: "two event subscriptions", method: "POST", path: base, headers: jsonBody, body: `{"name":"n","secret_string":"v","event_subscriptions":["a","b"]}`, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "event_subscriptions"},
		{name: "rotation fields", method: "POST", path: base, headers: jsonBody, body: `{"name":"n","secret_string":"v","auto_rotation":true,"rotation_period":"30d","rotation_config":"{}","event_subscriptions":["ev"],"rotation_func_urn":"urn:fss:x"}`, wantStatus: 200, wantOp: "CreateSecret"},
		{name: "a version with expire_time", method: "POST", path: base + "/n/versions", headers: jsonBody, body: `{"secret_string":"v","expire_time":1893456000}`, wantStatus: 200, wantOp: "CreateSecretVersion"},
		{name: "create without a name", method: "POST", path: base, headers: jsonBody, body: `{"secret_string":"v"}`, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "name"},
		{name: "create with both values", method: "POST", path: base, headers: jsonBody, body: `{"name":"n","secret_string":"v","secret_binary":"dg=="}`, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "exactly one of secret_string and secret_binary"},
		{name: "create with neither value", method: "POST", path: base, headers: jsonBody, body: `{"name":"n"}`, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "exactly one of secret_string and secret_binary"},
		{name: "create with a bad name", method: "POST", path: base, headers: jsonBody, body: `{"name":"a b","secret_string":"v"}`, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "name"},
		{name: "value over 32768 characters", method: "POST", path: base, headers: jsonBody, body: `{"name":"n","secret_string":"` + strings.Repeat("v", 32769) + `"}`, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "secret_string"},
		{name: "version with both values", method: "POST", path: base + "/n/versions", headers: jsonBody, body: `{"secret_string":"v","secret_binary":"dg=="}`, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "exactly one"},
		{name: "recovery window too short", method: "POST", path: base + "/n/scheduled-deleted-tasks/create", headers: jsonBody, body: `{"recovery_window_in_days":6}`, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "recovery_window_in_days"},
		{name: "oversized blob", method: "POST", path: base + "/restore", headers: jsonBody, body: `{"secret_blob":"` + strings.Repeat("b", 5242881) + `"}`, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "secret_blob"},
		{name: "body over the read limit", method: "POST", path: base + "/restore", headers: jsonBody, body: `{"secret_blob":"` + strings.Repeat("b", openapi.DefaultMaxBodyBytes) + `"}`, wantStatus: 400, wantCode: "APIGW.0201", wantMsg: "exceeds"},
		{name: "restore without a blob", method: "POST", path: base + "/restore", headers: jsonBody, body: `{}`, wantStatus: 400, wantCode: "CSMS.0002", wantMsg: "secret_blob"},
		{name: "body that is not JSON", method: "POST", path: base, headers: jsonBody, body: `{"name":`, wantStatus: 400, wantCode: "CSMS.0004"},
		{name: "no body where one is required", method: "POST", path: base, headers: jsonBody, wantStatus: 400, wantCode: "CSMS.0004", wantMsg: "required"},
		{name: "body of another content type", method: "POST", path: base, headers: map[string]string{"X-Auth-Token": token["X-Auth-Token"], "Content-Type": "text/plain"}, body: `name=n`, wantStatus: 400, wantCode: "CSMS.0004"},
		{name: "unknown route", method: "GET", path: "/v1/" + project + "/keys", headers: token, wantStatus: 404, wantCode: "APIGW.0101"},
		{name: "wrong method", method: "DELETE", path: base + "/n/backup", headers: token, wantStatus: 404, wantCode: "APIGW.0101", wantMsg: "method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "http://csms.test"+tt.path, strings.NewReader(tt.body))
			if tt.body == "" {
				req.Body = http.NoBody
				req.ContentLength = 0
			}
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %.300s", res.StatusCode, tt.wantStatus, rec.Body.String())
			}
			if tt.wantOp != "" {
				if got := res.Header.Get("X-Operation"); got != tt.wantOp {
					t.Fatalf("reached %q, want %q", got, tt.wantOp)
				}
				return
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if res.Header.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id")
			}
			var body errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body is not JSON: %v: %q", err, rec.Body.String())
			}
			if body.ErrorCode != tt.wantCode {
				t.Errorf("error_code = %q, want %q (%s)", body.ErrorCode, tt.wantCode, body.ErrorMsg)
			}
			if !strings.Contains(body.ErrorMsg, tt.wantMsg) {
				t.Errorf("error_msg %q does not name %q", body.ErrorMsg, tt.wantMsg)
			}
			if tt.name == "wrong method" && res.Header.Get("Allow") == "" {
				t.Error("a wrong method without an Allow header")
			}
			// What the validator answers must itself keep the contract.
			res.Request = req
			res.Body = io.NopCloser(strings.NewReader(rec.Body.String()))
			{
				if err := openapi.MustLoad().ValidateResponse(context.Background(), res); err != nil {
					t.Errorf("the validator's own answer breaks the contract: %v", err)
				}
			}
		})
	}
}
