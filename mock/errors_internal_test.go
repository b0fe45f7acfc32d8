package mock

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/csmskit/csmskit/mock/auth"
	"github.com/csmskit/csmskit/mock/fault"
	"github.com/csmskit/csmskit/mock/password"
	"github.com/csmskit/csmskit/mock/secrets"
	"github.com/csmskit/csmskit/openapi/apierror"
)

// Every refusal, whoever makes it, is answered with a code of the catalogue and the status
// that goes with it; a failure the table does not know is left to the mock's 500.
func TestErrorTable(t *testing.T) {
	wrapped := func(err error) error { return fmt.Errorf("context: %w", err) }
	tests := []struct {
		name   string
		err    error
		status int
		code   apierror.Code
		msg    string // the detail the message ends with
	}{
		{"unknown credentials", wrapped(&auth.Error{Kind: auth.Unauthenticated, Detail: "no such token"}), 401, apierror.AuthenticationFailed, "no such token"},
		{"an action the credential lacks", &auth.Error{Kind: auth.Forbidden, Detail: "may not"}, 403, apierror.AccessDenied, "may not"},
		{"an unknown secret", &secrets.Error{Kind: secrets.NotFound, Detail: "no secret"}, 499, apierror.SecretNotFound, "no secret"},
		{"a version that is not there", &secrets.Error{Kind: secrets.VersionNotFound, Detail: "v9"}, 400, apierror.ResourceNotFound, "v9"},
		{"password options that leave nothing", password.ErrNothingToDrawFrom, 400, apierror.InvalidParameter, password.ErrNothingToDrawFrom.Error()},
		{"an injected 502", &injectedFault{status: http.StatusBadGateway}, 502, apierror.BackendUnavailable, "injected fault"},
		{"a fault header that does not parse", &badFaultHeader{errors.New("status=7")}, 400, apierror.InvalidParameter, fault.Header + ": status=7"},
		{"an unknown fault rule", refused(unknownRule, "no fault rule r1"), 404, apierror.ResourceNotFound, "no fault rule r1"},
		{"an admin body over its bound", refused(adminBodyTooLarge, "too big"), 400, apierror.RequestTooLarge, "too big"},
		{"values from an unguarded admin API", refused(unguardedValues, "guard it"), 403, apierror.AccessDenied, "guard it"},
		{"the contract layer's own", breach(apierror.New(apierror.APINotFound, "")), 404, apierror.APINotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := vendorError(tt.err, 499)
			if e == nil {
				t.Fatalf("%v is not in the table", tt.err)
			}
			want := apierror.New(tt.code, tt.msg).WithStatus(tt.status)
			if *e != *want {
				t.Errorf("got %+v, want %+v", e, want)
			}
		})
	}
	if e := vendorError(errors.New("the disk is full"), 404); e != nil {
		t.Errorf("a failure of the mock's own became %v, want none (the 500 with the cause logged)", e)
	}
}

// Each table covers its whole domain with codes of the catalogue.
func TestErrorTablesAreComplete(t *testing.T) {
	known := apierror.Codes()
	check := func(what string, code apierror.Code) {
		if !slices.Contains(known, code) {
			t.Errorf("%s maps to %q, which is not in the catalogue", what, code)
		}
	}
	for k := secrets.NotFound; k <= secrets.TooManyTags; k++ {
		check(fmt.Sprintf("secrets kind %d", k), domainCodes[k])
	}
	for k := auth.Unauthenticated; k <= auth.Forbidden; k++ {
		check(fmt.Sprintf("auth kind %d", k), authCodes[k])
	}
	for k := badParameter; k <= failedHere; k++ {
		check(fmt.Sprintf("refusal kind %d", k), refusalCodes[k])
	}
	for _, status := range fault.Statuses {
		if code := faultCodes[status]; code.Status() != status {
			t.Errorf("an injected %d answers %q, whose status is %d", status, code, code.Status())
		}
	}
}
