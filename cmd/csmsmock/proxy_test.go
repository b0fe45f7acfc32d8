package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/csmskit/csmskit/aksk"
	"github.com/csmskit/csmskit/mock"
)

// startProxyCommand runs `csmsmock proxy args…` with env on a free loopback port until the
// test stops it, and returns it with what it logs.
func startProxyCommand(t *testing.T, env func(string) string, args ...string) (*started, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	return startCommand(t, env, logs, append([]string{"proxy", "--addr", "127.0.0.1:0"}, args...)...), logs
}

// The access key comes from the environment; a request signed with host passes, is signed
// again for the upstream, and neither key shows in the banner, the log or the journal.
func TestProxyCommandSignsAgain(t *testing.T) {
	upstream := start(t)
	env := func(name string) string {
		return map[string]string{proxyAKEnv: mock.DemoAK, proxySKEnv: mock.DemoSK}[name]
	}
	p, logs := startProxyCommand(t, env, "--upstream", upstream.url, "--log-level", "debug")
	if !strings.Contains(p.banner, "signed again for 127.0.0.1:") {
		t.Errorf("the banner does not say that the proxy signs again:\n%s", p.banner)
	}
	req, err := http.NewRequest("POST", p.url+"/v1/"+mock.DemoProjectID+"/secrets/"+mock.DemoSecretName+"/backup", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if err := aksk.Sign(req, mock.DemoAK, mock.DemoSK, time.Now(), "content-type", "host"); err != nil {
		t.Fatal(err)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("host signed, through the proxy: %d %s", res.StatusCode, body)
	}
	if out, err := runVerify(t, "--admin", p.url); err != nil {
		t.Errorf("proxy gate: %v\n%s", err, out)
	}
	_, _, journal := call(t, "GET", p.url+"/__admin/journal", "", "")
	if err := p.stop(); err != nil {
		t.Error(err)
	}
	for name, text := range map[string]string{"banner": p.banner, "log": logs.String(), "journal": string(journal)} {
		if strings.Contains(text, mock.DemoAK) || strings.Contains(text, mock.DemoSK) {
			t.Errorf("the %s holds a key the proxy was given:\n%s", name, text)
		}
	}
}

func TestProxyCommandWithoutKeys(t *testing.T) {
	p, _ := startProxyCommand(t, noEnv, "--upstream", "http://127.0.0.1:1")
	if !strings.Contains(p.banner, "--ak/--sk") {
		t.Errorf("the banner does not say how host-signed requests are treated:\n%s", p.banner)
	}
	for _, args := range [][]string{
		{"proxy", "--upstream", "http://127.0.0.1:1", "--ak", mock.DemoAK},
		{"proxy", "--upstream", "http://127.0.0.1:1", "--sk", mock.DemoSK},
	} {
		if err := run(context.Background(), args, noEnv, io.Discard, io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want a usage error", args[3], err)
		}
	}
}
