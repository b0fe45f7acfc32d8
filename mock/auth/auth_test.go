package auth_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock/auth"
	"github.com/csmskit/csmskit/openapi/apierror"
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
		p := auth.Principal{Actions: tt.actions}
		if got := p.Allows(tt.action); got != tt.want {
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
		var apiErr *apierror.Error
		if !errors.As(err, &apiErr) || apiErr.Code != apierror.AccessDenied || apiErr.Status != 403 {
			t.Errorf("%s on %s: %v, want 403 APIGW.0302", tt.action, tt.project, err)
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
		if _, err := a.Token(tok); err == nil {
			valid++
		}
	}
	if valid != 3 {
		t.Errorf("%d issued tokens still valid, want the bound of 3", valid)
	}
	if _, err := a.Token(tokens[4]); err != nil {
		t.Errorf("the newest token was evicted: %v", err)
	}
	if _, _, err := a.Issue(auth.TokenRequest{User: "u", Password: "wrong"}); err == nil {
		t.Error("a wrong password got a token")
	}
}
