package openapi_test

import (
	"net/http/httptest"
	"testing"

	"github.com/csmskit/csmskit/openapi"
)

// A path that two operations' templates match goes to the one with a literal segment where the
// other has a variable: /csms/events/tags is an event's, not the tags of a secret whose id is
// "events"; a secret's tags are still reached by its id.
func TestRoutingPrefersALiteralSegment(t *testing.T) {
	c := openapi.MustLoad()
	const project = "/v1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/csms/"
	for _, tc := range []struct{ method, path, want string }{
		{"GET", project + "events/tags", "ShowSecretEvent"},
		{"PUT", project + "events/tags", "UpdateSecretEvent"},
		{"DELETE", project + "events/tags", "DeleteSecretEvent"},
		{"GET", project + "events", "ListSecretEvents"},
		{"POST", project + "events", "CreateSecretEvent"},
		{"GET", project + "notification-records", "ListNotificationRecords"},
		{"GET", project + "7c0b3a51-3b0c-4c5c-9b3e-2f0a6b0d9c11/tags", "ListSecretTags"},
		{"POST", project + "events/tags", "CreateSecretTag"},
		{"GET", project + "tags", "ListProjectSecretsTags"},
		{"DELETE", project + "events/tags/team", "DeleteSecretTag"},
	} {
		q, _, err := c.Match(httptest.NewRequest(tc.method, tc.path, nil))
		if err != nil {
			t.Errorf("%s %s: %v", tc.method, tc.path, err)
			continue
		}
		if got := q.OperationID(); got != tc.want {
			t.Errorf("%s %s routes to %s, want %s", tc.method, tc.path, got, tc.want)
		}
	}
}
