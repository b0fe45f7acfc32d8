package interop

import (
	"errors"
	"testing"

	"github.com/csmskit/csmskit/csmsmocktest"
	"github.com/csmskit/csmskit/recording"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

// otherProjectID is a well-formed project ID the demo credentials are not allowed on.
const otherProjectID = "ffffffffffffffffffffffffffffffff"

// lastRequest is the mock's journal entry of the latest request it served, so that tests can
// compare what the SDK reports (e.g. ServiceResponseError.RequestId) with what the mock sent.
func lastRequest(t *testing.T, srv *csmsmocktest.Server) recording.Entry {
	t.Helper()
	entries := srv.Journal()
	if len(entries) == 0 {
		t.Fatal("the mock saw no request")
	}
	return entries[len(entries)-1]
}

// serviceError asserts that err is the SDK's *sdkerr.ServiceResponseError and returns it.
func serviceError(t *testing.T, err error) *sdkerr.ServiceResponseError {
	t.Helper()
	if err == nil {
		t.Fatal("the call succeeded; want a service error")
	}
	var se *sdkerr.ServiceResponseError
	if !errors.As(err, &se) {
		t.Fatalf("error %T %v; want *sdkerr.ServiceResponseError", err, err)
	}
	return se
}

// must fails the test at once when an SDK call failed, showing the SDK's error in full.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// str dereferences an optional string of an SDK model ("" for nil).
func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// ptr returns a pointer to v, for the SDK's optional request fields.
func ptr[T any](v T) *T { return &v }
