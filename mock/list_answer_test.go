package mock

import (
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/csmskit/csmskit/generated/csmsapi"
	"github.com/csmskit/csmskit/mock/secrets"
)

// generatedList is the answer the generated type makes of a page, as ListSecrets made it
// before listAnswer.
func generatedList(page secrets.Page[*secrets.Secret]) csmsapi.ListSecrets200JSONResponse {
	list := make([]csmsapi.Secret, len(page.Items))
	for i, s := range page.Items {
		list[i] = toAPISecret(s)
	}
	return csmsapi.ListSecrets200JSONResponse{Body: csmsapi.ListSecretsResponse{
		Secrets:  &list,
		PageInfo: pageInfo(len(list), page.NextMarker),
	}}
}

// checkListAnswer fails t unless listAnswer writes, header and bytes, what the generated type
// writes of page, and announces the length of what it writes.
func checkListAnswer(t *testing.T, page secrets.Page[*secrets.Secret]) {
	t.Helper()
	want := httptest.NewRecorder()
	if err := generatedList(page).VisitListSecretsResponse(want); err != nil {
		t.Fatal(err)
	}
	got := httptest.NewRecorder()
	if err := listAnswer(page).VisitListSecretsResponse(got); err != nil {
		t.Fatal(err)
	}
	if got.Code != want.Code || got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
		t.Errorf("status %d %q, the generated type sends %d %q", got.Code, got.Header().Get("Content-Type"), want.Code, want.Header().Get("Content-Type"))
	}
	if cl := got.Header().Get("Content-Length"); cl != strconv.Itoa(got.Body.Len()) {
		t.Errorf("Content-Length %q for a body of %d bytes", cl, got.Body.Len())
	}
	if got.Body.String() != want.Body.String() {
		t.Errorf("body\n%s\nthe generated type writes\n%s", got.Body, want.Body)
	}
}

// listSamples are secrets with every member set, none set, and strings that need escapes.
func listSamples() []*secrets.Secret {
	return []*secrets.Secret{
		{},
		{ID: "5ad79b4f-1605-4105-a5b3-ae0da51454e1", Name: "db-password", State: "ENABLED", KMSKeyID: "k", SecretType: "COMMON",
			CreateTime: 1764417600000, UpdateTime: 1764417600001},
		{ID: "id", Name: "all", State: secrets.StatePendingDelete, KMSKeyID: "kms", Description: "html <b> & </b>",
			SecretType: "RDS-FG", EnterpriseProjectID: "0", CreateTime: -1, UpdateTime: 9223372036854775807,
			ScheduledDeleteTime: 1765022400000, RotationTime: 1764417600002, NextRotationTime: 1767009600002,
			Settings: secrets.Settings{AutoRotation: true, RotationPeriod: "30d", RotationConfig: `{"a":"b"}`,
				RotationFuncURN: "urn:fss:x", EventSubscriptions: []string{"ev", "", "é ✓ 😀 \u2028"}},
			Tags: map[string]string{"not": "listed"}, Versions: []secrets.Version{{ID: "v1"}}},
		{Name: "control \x00 \t \n \x1f del \x7f", Description: "quote \" backslash \\ slash /", State: "invalid UTF-8 \xff\xfe"},
	}
}

func TestListAnswerWritesWhatTheGeneratedTypeWrites(t *testing.T) {
	all := listSamples()
	for _, page := range []secrets.Page[*secrets.Secret]{
		{},
		{Items: []*secrets.Secret{}},
		{Items: all},
		{Items: all[1:2], NextMarker: "db-password"},
		{Items: all[3:], NextMarker: "a <marker>"},
	} {
		checkListAnswer(t, page)
	}
}

// FuzzListAnswer: whatever the strings and times of a listed secret, listAnswer writes what
// the generated type writes.
func FuzzListAnswer(f *testing.F) {
	f.Add("db", "ENABLED", "desc", "", "ev", int64(1764417600000), int64(0), true, "")
	f.Add("<&>", "\u2028", "\xff", "0", "", int64(-1), int64(1), false, "next")
	f.Fuzz(func(t *testing.T, name, state, desc, optional, event string, created, scheduled int64, auto bool, next string) {
		sec := &secrets.Secret{ID: name + state, Name: name, State: state, KMSKeyID: optional, Description: desc,
			SecretType: state, EnterpriseProjectID: optional, CreateTime: created, UpdateTime: -created,
			ScheduledDeleteTime: scheduled, RotationTime: -scheduled, NextRotationTime: scheduled + created,
			Settings: secrets.Settings{AutoRotation: auto, RotationPeriod: optional,
				RotationConfig: desc, RotationFuncURN: optional}}
		if event != "" {
			sec.EventSubscriptions = []string{event, name}
		}
		checkListAnswer(t, secrets.Page[*secrets.Secret]{Items: []*secrets.Secret{sec, {Name: next}}, NextMarker: next})
	})
}
