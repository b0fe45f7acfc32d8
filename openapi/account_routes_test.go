package openapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/openapi"
)

// The operations on the account live below /v1/csms/, which is also where a project named
// "csms" would be: neither is taken for the other.
func TestAccountPathsAreNotAProject(t *testing.T) {
	c := openapi.MustLoad()
	for _, tt := range []struct{ method, path, want string }{
		{"GET", "/v1/csms/function-templates?secret_type=RDS-FG&secret_sub_type=SingleUser&engine=mysql", "ShowSecretFunctionTemplates"},
		{"POST", "/v1/csms/agencies", "CreateAgency"},
		{"GET", "/v1/csms/agencies?secret_type=RDS-FG", "ShowAgency"},
		{"GET", "/v1/csms/users?offset=0&limit=10", "ListUsers"},
		{"GET", "/v1/csms/users/6b8d1e2f3a4c5d6e7f8091a2b3c4d5e6", "ShowUserDetail"},
		{"POST", "/v1/csms/users/change-password", "UpdateUserPassword"},
		// A literal path wins over a user_id: a GET of it is a user so named.
		{"GET", "/v1/csms/users/change-password", "ShowUserDetail"},
		// The project's operations at a project named csms stay the project's.
		{"GET", "/v1/csms/secrets", "ListSecrets"},
		{"GET", "/v1/csms/csms/tags", "ListProjectSecretsTags"},
		{"POST", "/v1/csms/csms/generate-password", "GenerateRandomPassword"},
		{"GET", "/v1/" + project + "/secrets/users", "ShowSecret"},
	} {
		r := httptest.NewRequest(tt.method, tt.path, nil)
		q, _, err := c.Match(r)
		if err != nil {
			t.Errorf("%s %s: %v", tt.method, tt.path, err)
			continue
		}
		if got := q.OperationID(); got != tt.want {
			t.Errorf("%s %s = %s, want %s", tt.method, tt.path, got, tt.want)
		}
	}
	for _, path := range []string{"/v1/" + project + "/agencies", "/v1/" + project + "/users", "/v1/" + project + "/function-templates"} {
		if _, _, err := c.Match(httptest.NewRequest("GET", path, nil)); err == nil || err.Status != http.StatusNotFound {
			t.Errorf("GET %s: %v, want 404: no project has agencies, users or templates", path, err)
		}
	}
}

// Through the validator, a project named csms breaks project_id's bound and is refused;
// the account's operations pass with any credentials and their own parameters checked.
func TestAccountRequestsAreValidated(t *testing.T) {
	h := openapi.MustLoad().RequestValidator(nil)(reached)
	for _, tt := range []struct {
		method, path, body string
		want               int
		op                 string
	}{
		{"GET", "/v1/csms/secrets", "", 400, ""},
		{"GET", "/v1/csms/users?offset=0&limit=10", "", 200, "ListUsers"},
		{"GET", "/v1/csms/users?offset=0&limit=101", "", 400, ""},
		{"GET", "/v1/csms/users?limit=10", "", 400, ""},
		{"GET", "/v1/csms/function-templates?secret_type=COMMON&secret_sub_type=SingleUser", "", 400, ""},
		{"POST", "/v1/csms/agencies", `{"secret_type":"GaussDB-FG"}`, 200, "CreateAgency"},
		{"POST", "/v1/csms/agencies", `{"secret_type":"COMMON"}`, 400, ""},
		{"POST", "/v1/csms/users/change-password", `{"password":"n"}`, 400, ""},
		{"POST", "/v1/csms/users/change-password", `{"password":"n","old_password":"o"}`, 200, "UpdateUserPassword"},
	} {
		r := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
		r.Header.Set("X-Auth-Token", "MII"+strings.Repeat("x", 40))
		if tt.body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tt.want || w.Header().Get("X-Operation") != tt.op {
			t.Errorf("%s %s %s = %d %q, want %d %q: %s", tt.method, tt.path, tt.body, w.Code, w.Header().Get("X-Operation"), tt.want, tt.op, w.Body)
		}
	}
}
