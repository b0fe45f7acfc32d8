package auth_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock/auth"
)

func TestPrincipalAllows(t *testing.T) {
	tests := []struct {
		actions []string
		action  string
		want    bool
	}{
		{[]string{"*"}, "csms:secret:get", true},
		{[]string{"csms:*"}, "csms:secret:get", true},
		{[]string{"csms:secret:*"}, "csms:secret:get", true},
		{[]string{"csms:secret:*"}, "csms:secretVersion:get", false},
		{[]string{"csms:secret:get"}, "csms:secret:get", true},
		{[]string{"csms:secret:get"}, "csms:secret:create", false},
		{[]string{"csms:secret:ge"}, "csms:secret:get", false},
		{nil, "csms:secret:get", false},
	}
	for _, tt := range tests {
		// An operation on the account (no project) weighs the action alone.
		p := auth.Principal{Actions: tt.actions}
		if got := auth.Authorize(p, "", tt.action) == nil; got != tt.want {
			t.Errorf("%v allows %s = %v, want %v", tt.actions, tt.action, got, tt.want)
		}
	}
}

func TestAuthorize(t *testing.T) {
	p := auth.Principal{Name: "r", Projects: []string{"p1"}, Actions: []string{"csms:secret:get"}}
	if err := auth.Authorize(p, "p1", "csms:secret:get"); err != nil {
		t.Errorf("allowed: %v", err)
	}
	for _, tt := range []struct{ project, action string }{{"p2", "csms:secret:get"}, {"p1", "csms:secret:delete"}} {
		err := auth.Authorize(p, tt.project, tt.action)
		var refusal *auth.Error
		if !errors.As(err, &refusal) || refusal.Kind != auth.Forbidden {
			t.Errorf("%s on %s: %v, want a refusal of kind Forbidden", tt.action, tt.project, err)
		}
	}
	if err := auth.Authorize(auth.Principal{Projects: []string{auth.AnyProject}, Actions: []string{"*"}}, "any", "csms:x"); err != nil {
		t.Errorf("wildcards: %v", err)
	}
}

func TestCredentialsAreChecked(t *testing.T) {
	a := auth.New(auth.Options{})
	for _, c := range []auth.Credential{
		{Principal: auth.Principal{Name: "none"}},
		{Principal: auth.Principal{Name: "short"}, Token: "MIIshort"},
		{Principal: auth.Principal{Name: "half"}, AK: "AK"},
	} {
		if err := a.AddCredential(c); err == nil {
			t.Errorf("credential %q accepted", c.Name)
		}
	}
}

func TestIssuedTokensAreBounded(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	a := auth.New(auth.Options{MaxIssuedTokens: 3, Now: func() time.Time { return now }})
	if err := a.AddUser(auth.User{Name: "u", Password: "pw", ProjectID: strings.Repeat("a", 32), Actions: []string{"*"}}); err != nil {
		t.Fatal(err)
	}
	var tokens []string
	for range 5 {
		tok, _, err := a.Issue(auth.TokenRequest{User: "u", Password: "pw"})
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok)
		now = now.Add(time.Second)
	}
	valid := 0
	for _, tok := range tokens {
		if _, err := a.Authenticate(withToken(tok)); err == nil {
			valid++
		}
	}
	if valid != 3 {
		t.Errorf("%d issued tokens still valid, want the bound of 3", valid)
	}
	if _, err := a.Authenticate(withToken(tokens[4])); err != nil {
		t.Errorf("the newest token was evicted: %v", err)
	}
	var refusal *auth.Error
	if _, _, err := a.Issue(auth.TokenRequest{User: "u", Password: "wrong"}); !errors.As(err, &refusal) || refusal.Kind != auth.Unauthenticated {
		t.Errorf("a wrong password: %v, want a refusal of kind Unauthenticated", err)
	}
}

func TestProjectsOf(t *testing.T) {
	a := auth.New(auth.Options{})
	for _, p := range []auth.Project{{ID: "p1", Name: "cn-north-4"}, {ID: "p2", Name: "cn-east-3"}, {ID: "p1", Name: "cn-north-4"}} {
		if err := a.AddProject(p); err != nil {
			t.Fatalf("AddProject(%v): %v", p, err)
		}
	}
	for _, p := range []auth.Project{{ID: "p3", Name: "cn-north-4"}, {ID: "p1", Name: "other"}, {ID: "", Name: "x"}} {
		if err := a.AddProject(p); err == nil {
			t.Errorf("AddProject(%v) accepted", p)
		}
	}
	one := auth.Principal{Projects: []string{"p1"}}
	all := auth.Principal{Projects: []string{auth.AnyProject}}
	if got := a.ProjectsOf(one, ""); len(got) != 1 || got[0].ID != "p1" {
		t.Errorf("projects of p1's principal = %v", got)
	}
	if got := a.ProjectsOf(one, "cn-east-3"); len(got) != 0 {
		t.Errorf("a project the principal may not use was listed: %v", got)
	}
	if got := a.ProjectsOf(all, ""); len(got) != 2 || got[0].Name != "cn-east-3" {
		t.Errorf("every project = %v, want two sorted by name", got)
	}
	// An account-wide operation names no project; the action is still checked.
	if err := auth.Authorize(one, "", ""); err != nil {
		t.Errorf("account-wide operation refused: %v", err)
	}
	if err := auth.Authorize(auth.Principal{Projects: []string{"p1"}, Actions: []string{"csms:*"}}, "", "iam:projects:list"); err == nil {
		t.Error("an account-wide operation let an action through that the principal lacks")
	}
}

// withToken is a request that carries token as its X-Auth-Token.
func withToken(token string) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-Auth-Token", token)
	return r
}
