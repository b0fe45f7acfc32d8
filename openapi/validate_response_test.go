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

func TestValidateResponse(t *testing.T) {
	backup := base + "/db-password/backup"
	const blob = `{"secret_blob":")CloudSecretManagementBackupV1.comx.y.z.w.v"}`
	const errBody = `{"error_code":"CSMS.0106","error_msg":"The secret name not found int the db."}`
	tests := []struct {
		name        string
		method      string
		path        string
		status      int
		contentType string
		body        string
		wantErr     string // a part of the error; empty when the response keeps the contract
	}{
		{"a blob", "POST", backup, 200, "application/json", blob, ""},
		{"a blob with a charset", "POST", backup, 200, "application/json; charset=utf-8", blob, ""},
		{"a documented error", "POST", backup, 404, "application/json", errBody, ""},
		{"the table's 400 for an unknown secret", "POST", backup, 400, "application/json", errBody, ""},
		{"delete's empty 200", "DELETE", base + "/db-password", 200, "", "", ""},
		{"an error on an unknown route", "GET", "/nowhere", 404, "application/json", errBody, ""},

		{"a blob with the encoder's newline", "POST", backup, 200, "application/json", blob + "\n", ""},

		// What the vendor documents as null, and answers without the fields its definitions do
		// not require.
		{"times null when none is set", "GET", base + "/db-password", 200, "application/json",
			`{"secret":{"id":"i","name":"db-password","state":"ENABLED","scheduled_delete_time":null,"rotation_time":null,"next_rotation_time":null}}`, ""},
		{"a secret with no field", "GET", base + "/db-password", 200, "application/json", `{"secret":{}}`, ""},
		{"a version without stages, expire_time null", "GET", base + "/db-password/versions/v1", 200, "application/json",
			`{"version":{"version_metadata":{"id":"v1","secret_name":"db-password","expire_time":null},"secret_string":"x"}}`, ""},
		{"a last page without next_marker", "GET", base, 200, "application/json", `{"secrets":[],"page_info":{"current_count":0}}`, ""},
		{"the retired RDS type in an answer", "GET", base + "/db-password", 200, "application/json", `{"secret":{"secret_type":"RDS"}}`, ""},
		{"a secret type no source lists", "GET", base + "/db-password", 200, "application/json", `{"secret":{"secret_type":"OTHER"}}`, "secret_type"},
		{"a state no source lists", "GET", base + "/db-password", 200, "application/json", `{"secret":{"state":"GONE"}}`, "state"},
		{"DeleteSecretStage's 204", "DELETE", base + "/db-password/stages/blue", 204, "", "", ""},
		{"DeleteSecretStage's 200 of the older pages", "DELETE", base + "/db-password/stages/blue", 200, "", "", ""},

		{"a body cut short", "POST", backup, 200, "application/json", blob[:20], "decode"},
		{"two JSON values", "POST", backup, 200, "application/json", blob + blob, "more data"},
		{"an empty JSON body", "POST", backup, 200, "application/json", "", "decode"},
		{"a body that is not JSON", "POST", backup, 200, "application/json", "gone", "decode"},
		{"an undocumented JSON media type", "POST", backup, 200, "application/problem+json", blob, "Content-Type"},
		{"an undocumented status", "POST", backup, 418, "application/json", errBody, "418"},
		{"201 where 200 is documented", "POST", backup, 201, "application/json", blob, "201"},
		{"no secret_blob", "POST", backup, 200, "application/json", `{"blob":"x"}`, "secret_blob"},
		{"secret_blob not a string", "POST", backup, 200, "application/json", `{"secret_blob":5}`, "secret_blob"},
		{"a blob over 5242880 characters", "POST", backup, 200, "application/json", `{"secret_blob":"` + strings.Repeat("b", 5242881) + `"}`, "5242880"},
		{"a plain-text blob", "POST", backup, 200, "text/plain", "blob", "Content-Type"},
		{"a plain-text error", "POST", backup, 500, "text/plain", "internal error", "Content-Type"},
		{"an error without error_msg", "POST", backup, 404, "application/json", `{"error_code":"CSMS.0106"}`, "error_msg"},
		{"an error code too short", "POST", backup, 404, "application/json", `{"error_code":"E1","error_msg":"gone"}`, "error_code"},
		{"a plain-text error on an unknown route", "GET", "/nowhere", 404, "text/plain", "404 page not found", "Content-Type"},
		{"a 200 on an unknown route", "GET", "/nowhere", 200, "application/json", `{}`, "not a 4xx"},
		{"an unknown route's error without error_code", "GET", "/nowhere", 404, "application/json", `{"error_msg":"gone"}`, "error_code"},
	}
	c := openapi.MustLoad()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "http://csms.test"+tt.path, nil)
			res := &http.Response{
				StatusCode: tt.status,
				Header:     http.Header{},
				Body:       io.NopCloser(strings.NewReader(tt.body)),
				Request:    req,
			}
			if tt.contentType != "" {
				res.Header.Set("Content-Type", tt.contentType)
			}
			err := c.ValidateResponse(context.Background(), res)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("a conforming response was rejected: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatal("a non-conforming response was accepted")
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("error %q does not mention %q", err, tt.wantErr)
			}
			// Reports and logs carry this error: it must not repeat the body's values.
			if err != nil && strings.Contains(tt.body, "gone") && strings.Contains(err.Error(), "gone") {
				t.Errorf("the error repeats the body's value: %v", err)
			}
			// The body stays readable for the caller.
			if got, _ := io.ReadAll(res.Body); string(got) != tt.body {
				t.Error("the response body was not put back")
			}
		})
	}
}

// A backup's blob that is not the documented prefix and a five-segment JWE breaks the
// contract, and the error names the field without repeating the blob.
func TestValidateResponseBlobFormat(t *testing.T) {
	c := openapi.MustLoad()
	for want, blobs := range map[bool]map[string]string{false: openapi.BlobDefects, true: openapi.BlobsWellFormed} {
		for name, blob := range blobs {
			body, _ := json.Marshal(map[string]string{"secret_blob": blob})
			req := httptest.NewRequest("POST", "http://csms.test"+base+"/db-password/backup", nil)
			err := c.CheckResponse(context.Background(), req, 200, http.Header{"Content-Type": {"application/json"}}, body)
			switch {
			case want && err != nil:
				t.Errorf("%s: a well-formed blob was refused: %v", name, err)
			case !want && (err == nil || !strings.Contains(err.Error(), "secret_blob")):
				t.Errorf("%s: %v, want a violation that names secret_blob", name, err)
			case !want && len(blob) > 40 && strings.Contains(err.Error(), blob[len(blob)-20:]):
				t.Errorf("%s: the error repeats the blob: %v", name, err)
			}
		}
	}
}

func TestValidateResponseNeedsTheRequest(t *testing.T) {
	res := &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody}
	if err := openapi.MustLoad().ValidateResponse(context.Background(), res); err == nil {
		t.Fatal("a response without its request was accepted")
	}
}
