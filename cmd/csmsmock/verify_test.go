package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/mock"
)

func runVerify(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"verify"}, args...), noEnv, &out, io.Discard)
	return out.String(), err
}

// TestVerifyGate is the CI gate: clean traffic passes, an invalid request fails the gate.
func TestVerifyGate(t *testing.T) {
	s := start(t)
	backup := s.url + "/v1/" + mock.DemoProjectID + "/secrets/" + mock.DemoSecretName + "/backup"
	call(t, "POST", backup, mock.DemoToken, "")
	call(t, "POST", s.url+"/v1/"+mock.DemoProjectID+"/secrets/unknown/backup", mock.DemoToken, "") // valid, 404
	if out, err := runVerify(t, "--admin", s.url); err != nil || !strings.Contains(out, "no contract violations") {
		t.Fatalf("after a clean run: %v\n%s", err, out)
	}

	call(t, "POST", s.url+"/v1/"+mock.DemoProjectID+"/secrets/bad.name/backup", mock.DemoToken, "")
	out, err := runVerify(t, "--admin", s.url+"/__admin/", "--clear")
	if !errors.Is(err, errViolations) || !strings.Contains(out, "1 contract violation") || !strings.Contains(out, "secret_name") {
		t.Fatalf("after an invalid request: %v\n%s", err, out)
	}
	if out, err := runVerify(t, "--admin", s.url); err != nil {
		t.Errorf("after --clear: %v\n%s", err, out)
	}
}

func TestVerifyWithAdminToken(t *testing.T) {
	s := start(t, "--admin-token", "gate-token")
	if _, err := runVerify(t, "--admin", s.url); err == nil || errors.Is(err, errViolations) {
		t.Errorf("without the token: %v, want an admin API error", err)
	}
	if _, err := runVerify(t, "--admin", s.url, "--admin-token", "gate-token"); err != nil {
		t.Errorf("with the token: %v", err)
	}
	env := func(k string) string {
		if k == adminTokenEnv {
			return "gate-token"
		}
		return ""
	}
	if err := run(context.Background(), []string{"verify", "--admin", s.url}, env, io.Discard, io.Discard); err != nil {
		t.Errorf("with the token from %s: %v", adminTokenEnv, err)
	}
}

func TestVerifyUnreachable(t *testing.T) {
	if _, err := runVerify(t, "--admin", "http://127.0.0.1:1"); err == nil || errors.Is(err, errViolations) {
		t.Errorf("an unreachable admin API: %v, want a connection error", err)
	}
}

// TestProxyCommand puts csmsmock proxy in front of csmsmock serve and checks both ends.
func TestProxyCommand(t *testing.T) {
	upstream := start(t)
	p, _ := startProxyCommand(t, noEnv, "--upstream", upstream.url)
	proxyURL := p.url
	backup := proxyURL + "/v1/" + mock.DemoProjectID + "/secrets/" + mock.DemoSecretName + "/backup"
	if status, _, body := call(t, "POST", backup, mock.DemoToken, ""); status != 200 {
		t.Fatalf("through the proxy: %d %s", status, body)
	}
	if out, err := runVerify(t, "--admin", proxyURL); err != nil {
		t.Errorf("proxy gate after clean traffic: %v\n%s", err, out)
	}
	call(t, "GET", proxyURL+"/v1/"+mock.DemoProjectID+"/secrets?limit=5000", mock.DemoToken, "")
	if out, err := runVerify(t, "--admin", proxyURL); !errors.Is(err, errViolations) || !strings.Contains(out, "limit") {
		t.Errorf("proxy gate after an invalid request: %v\n%s", err, out)
	}
	if err := p.stop(); err != nil {
		t.Errorf("proxy stop: %v", err)
	}
}
