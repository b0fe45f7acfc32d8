package openapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// validatePath and validateRest split openapi3filter.ValidateRequest in two so that a malformed
// path is answered before credentials are weighed. These tests hold the split to the library:
// on every request, the two together refuse exactly what ValidateRequest refuses (its security
// check aside, which is the server's), with the same vendor code.

const eqProject = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

type eqCase struct {
	method, target, contentType, body string
}

var eqCases = func() []eqCase {
	base := "/v1/" + eqProject + "/secrets"
	long := strings.Repeat("v", 32769)
	return []eqCase{
		{"POST", base + "/db-password/backup", "", ""},
		{"POST", base + "/" + strings.Repeat("n", 65) + "/backup", "", ""},
		{"POST", base + "/db.password/backup", "", ""},
		{"POST", base + "/a%00b/backup", "", ""},
		{"POST", "/v1/" + strings.Repeat("a", 31) + "/secrets/s/backup", "", ""},
		{"GET", base + "?limit=10", "", ""},
		{"GET", base + "?limit=0", "", ""},
		{"GET", base + "?limit=abc", "", ""},
		{"GET", base + "?limit=1001", "", ""},
		{"GET", base + "?marker=", "", ""},
		{"GET", base + "/n/versions?limit=5&marker=v1", "", ""},
		{"GET", base + "/n/versions/v1", "", ""},
		{"POST", base, "application/json", `{"name":"n","secret_string":"v"}`},
		{"POST", base, "application/json", `{"name":"n","secret_string":"v","secret_binary":"dg=="}`},
		{"POST", base, "application/json", `{"name":"n"}`},
		{"POST", base, "application/json", `{"secret_string":"v"}`},
		{"POST", base, "application/json", `{"name":"a b","secret_string":"v"}`},
		{"POST", base, "application/json", `{"name":"n","secret_string":"` + long + `"}`},
		{"POST", base, "application/json", `{"name":"n","secret_string":"v","secret_type":"COMMON"}`},
		{"POST", base, "application/json", `{"name":5,"secret_string":"v"}`},
		{"POST", base, "application/json", ``},
		{"POST", base, "text/plain", `name=n`},
		{"POST", base + "/n/versions", "application/json", `{"secret_string":"v","version_stages":["a"]}`},
		{"POST", base + "/n/versions", "application/json", `{"secret_string":"v","secret_binary":"dg=="}`},
		{"POST", base + "/n/scheduled-deleted-tasks/create", "application/json", `{"recovery_window_in_days":6}`},
		{"POST", base + "/n/scheduled-deleted-tasks/create", "application/json", `{"recovery_window_in_days":7}`},
		{"POST", base + "/restore", "application/json", `{"secret_blob":"x"}`},
		{"POST", base + "/restore", "application/json", `{}`},
		{"POST", "/v3/auth/tokens", "application/json", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"u","password":"p","domain":{"name":"d"}}}},"scope":{"project":{"id":"` + eqProject + `"}}}}`},
		{"POST", "/v3/auth/tokens", "application/json", `{"auth":{}}`},
	}
}()

func eqRequest(c eqCase) *http.Request {
	r := httptest.NewRequest(c.method, "http://csms.test"+c.target, strings.NewReader(c.body))
	if c.body == "" {
		r.Body = http.NoBody
	}
	if c.contentType != "" {
		r.Header.Set("Content-Type", c.contentType)
	}
	r.Header.Set("X-Auth-Token", "MII"+strings.Repeat("x", 40))
	return r
}

// checkBoth runs the split checks and the library's ValidateRequest on two copies of one
// request and fails t when their verdicts differ.
func checkBoth(t *testing.T, contract *Contract, c eqCase) {
	t.Helper()
	ours := eqRequest(c)
	route, params, err := contract.findRoute(ours)
	if err != nil {
		return // routing is findRoute's, tested on its own
	}
	ctx := context.Background()
	q := &Request{HTTP: ours, Route: route, Params: params}
	got := q.CheckPath(ctx)
	if got == nil {
		got = q.CheckRest(ctx)
	}
	lib := eqRequest(c)
	libErr := openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{
		Request: lib, PathParams: params, Route: route, Options: filterOptions,
	})
	switch {
	case (got == nil) != (libErr == nil):
		t.Errorf("%s %.80s %.80s: split checks say %v, ValidateRequest says %v", c.method, c.target, c.body, got, libErr)
	case got != nil && got.Code != requestError(libErr).Code:
		t.Errorf("%s %.80s %.80s: split checks answer %s, ValidateRequest's error maps to %s", c.method, c.target, c.body, got.Code, requestError(libErr).Code)
	}
}

func TestSplitChecksMatchValidateRequest(t *testing.T) {
	contract := MustLoad()
	for _, c := range eqCases {
		checkBoth(t, contract, c)
	}
}

func FuzzSplitChecksMatchValidateRequest(f *testing.F) {
	for i, c := range eqCases {
		f.Add(uint8(i), c.target, c.body)
	}
	contract := MustLoad()
	f.Fuzz(func(t *testing.T, pick uint8, target, body string) {
		c := eqCases[int(pick)%len(eqCases)]
		if _, err := url.ParseRequestURI("http://csms.test" + target); err != nil || !strings.HasPrefix(target, "/") ||
			strings.ContainsAny(target, " \r\n\t#") {
			return // not a request a client can send
		}
		c.target, c.body = target, body
		checkBoth(t, contract, c)
	})
}
