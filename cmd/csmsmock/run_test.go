package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock"
)

// started is a csmsmock serve running in the test.
type started struct {
	url    string
	banner string
	log    *lockedBuffer // stderr
	stop   func() error
}

// start runs `csmsmock serve --addr 127.0.0.1:0 args…` until the test stops it, and waits for
// its banner.
func start(t *testing.T, args ...string) *started {
	t.Helper()
	return startWith(t, noEnv, append([]string{"--addr", "127.0.0.1:0"}, args...)...)
}

// startWith runs `csmsmock serve args…` in the environment getenv until the test stops it,
// and waits for its banner.
func startWith(t *testing.T, getenv func(string) string, args ...string) *started {
	t.Helper()
	return startCommand(t, getenv, io.Discard, append([]string{"serve"}, args...)...)
}

// startCommand runs `csmsmock args…` with env, its log kept and also written to stderr, until
// the test stops it, and waits for its banner.
func startCommand(t *testing.T, env func(string) string, stderr io.Writer, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	log := new(lockedBuffer)
	go func() {
		err := run(ctx, args, env, pw, io.MultiWriter(log, stderr))
		pw.CloseWithError(errors.New("csmsmock stopped"))
		done <- err
	}()
	sc := bufio.NewScanner(pr)
	var banner strings.Builder
	urlRE := regexp.MustCompile(`listening on (https?://[^\s,]+)`)
	var url string
	for sc.Scan() {
		banner.WriteString(sc.Text() + "\n")
		if m := urlRE.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
		if sc.Text() == bannerEnd {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if url == "" {
		cancel()
		t.Fatalf("no listening line; output:\n%s\nerr: %v", banner.String(), <-done)
	}
	s := &started{url: url, banner: banner.String(), log: log}
	stopped := false
	s.stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(15 * time.Second):
			return errors.New("csmsmock did not stop")
		}
	}
	t.Cleanup(func() { _ = s.stop() })
	return s
}

var client = &http.Client{
	Timeout:   10 * time.Second,
	Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
}

func call(t *testing.T, method, url, token, body string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("X-Auth-Token", token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, data
}

func TestServeDefaults(t *testing.T) {
	s := start(t)
	if !strings.HasPrefix(s.url, "http://127.0.0.1:") {
		t.Errorf("default listener %s is not loopback", s.url)
	}
	// The banner's curl command is ready to paste: run what it says.
	m := regexp.MustCompile(`curl -s -X POST -H 'X-Auth-Token: (\S+)' (\S+)`).FindStringSubmatch(s.banner)
	if m == nil {
		t.Fatalf("no curl command in the banner:\n%s", s.banner)
	}
	status, _, body := call(t, "POST", m[2], m[1], "")
	if status != 200 || !strings.Contains(string(body), `"secret_blob":")CloudSecretManagementBackupV1.com`) {
		t.Errorf("the banner's command: %d %s", status, body)
	}
	if err := s.stop(); err != nil {
		t.Errorf("graceful stop: %v", err)
	}
}

func TestServeTLS(t *testing.T) {
	s := start(t, "--tls")
	if !strings.HasPrefix(s.url, "https://") {
		t.Fatalf("--tls serves %s", s.url)
	}
	if !strings.Contains(s.banner, "curl -s -k") {
		t.Errorf("the banner's command lacks -k for the self-signed certificate:\n%s", s.banner)
	}
	status, _, _ := call(t, "POST", s.url+"/v1/"+mock.DemoProjectID+"/secrets/"+mock.DemoSecretName+"/backup", mock.DemoToken, "")
	if status != 200 {
		t.Errorf("backup over TLS: %d", status)
	}
}

func TestServeFlagsReplaceTheDemoIdentity(t *testing.T) {
	const project, token = "11112222333344445555666677778888", "MIIflag-token-0000000000000000000000000"
	s := start(t, "--project-id", project, "--token", token)
	if strings.Contains(s.banner, token) {
		t.Error("the banner prints a user-supplied token")
	}
	if status, _, _ := call(t, "POST", s.url+"/v1/"+project+"/secrets/"+mock.DemoSecretName+"/backup", token, ""); status != 200 {
		t.Errorf("flag identity: %d", status)
	}
	if status, _, _ := call(t, "POST", s.url+"/v1/"+project+"/secrets/"+mock.DemoSecretName+"/backup", mock.DemoToken, ""); status != 401 {
		t.Errorf("the demo token still works after --token: %d", status)
	}
}

// TestServePersistsAcrossRestarts restarts on the same --data and finds the secrets, their
// versions, an issued token and a working backup key.
func TestServePersistsAcrossRestarts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s := start(t, "--data", dir)
	base := s.url + "/v1/" + mock.DemoProjectID + "/secrets"
	if st, _, b := call(t, "POST", base, mock.DemoToken, `{"name":"kept","secret_string":"one"}`); st != 200 {
		t.Fatalf("create: %d %s", st, b)
	}
	if st, _, b := call(t, "POST", base+"/kept/versions", mock.DemoToken, `{"secret_string":"two"}`); st != 200 {
		t.Fatalf("add version: %d %s", st, b)
	}
	st, h, _ := call(t, "POST", s.url+"/v3/auth/tokens", "", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo-user","password":"demo-password","domain":{"name":"demo-domain"}}}},"scope":{"project":{"id":"`+mock.DemoProjectID+`"}}}}`)
	issued := h.Get("X-Subject-Token")
	if st != 201 || issued == "" {
		t.Fatalf("token: %d", st)
	}
	_, _, raw := call(t, "POST", base+"/kept/backup", mock.DemoToken, "")
	var backup struct {
		Blob string `json:"secret_blob"`
	}
	if err := json.Unmarshal(raw, &backup); err != nil {
		t.Fatal(err)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	for _, f := range []string{mock.DatabaseFile, mock.BackupKeyFile} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", f, fi.Mode().Perm())
		}
	}

	s = start(t, "--data", dir)
	base = s.url + "/v1/" + mock.DemoProjectID + "/secrets"
	for v, want := range map[string]string{"v1": "one", "v2": "two"} {
		st, _, b := call(t, "GET", base+"/kept/versions/"+v, issued, "")
		if st != 200 || !strings.Contains(string(b), `"secret_string":"`+want+`"`) {
			t.Errorf("after restart, %s with the issued token: %d %s", v, st, b)
		}
	}
	if st, _, b := call(t, "DELETE", base+"/kept", mock.DemoToken, ""); st != 200 {
		t.Fatalf("delete: %d %s", st, b)
	}
	if st, _, b := call(t, "POST", base+"/restore", mock.DemoToken, `{"secret_blob":"`+backup.Blob+`"}`); st != 200 {
		t.Errorf("a backup from before the restart: %d %s", st, b)
	}
}

func TestServeRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--unknown-secret-status", "500"},
		{"serve", "--cert", "c.pem"},
		{"serve", "--log-format", "xml"},
		{"serve", "--addr", "0.0.0.0:0"},
		{"serve", "--addr", ":8080"},
		{"proxy", "--upstream", "http://127.0.0.1:1", "--addr", "0.0.0.0:0"},
		{"serve", "extra"},
		{"serve", "--tls-cert-out", "ca.pem"},
		{"serve", "--tls", "--cert", "c.pem", "--key", "k.pem", "--tls-cert-out", "ca.pem"},
		{"serve", "--region", "CN North 4"},
		{"serve", "--region", ""},
		{"bogus"},
		{},
	} {
		if err := run(context.Background(), args, noEnv, io.Discard, io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

func noEnv(string) string { return "" }

// The published demo key seals the demo secret only: fixtures, a data directory or
// --fresh-key give the mock a key of its own.
func TestServeChoosesTheBackupKey(t *testing.T) {
	demoID, err := mock.DemoBackupKeyID()
	if err != nil {
		t.Fatal(err)
	}
	fixtures, err := filepath.Abs("../../examples/fixtures.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantDemo bool
	}{
		{"defaults", nil, true},
		{"--fresh-key", []string{"--fresh-key"}, false},
		{"--fixtures", []string{"--fixtures", fixtures}, false},
		{"--data", []string{"--data", filepath.Join(t.TempDir(), "data")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, tt.args...)
			st, _, body := call(t, "GET", s.url+"/__admin/health", "", "")
			var health struct {
				BackupKeyID string `json:"backup_key_id"`
			}
			if err := json.Unmarshal(body, &health); st != 200 || err != nil || health.BackupKeyID == "" {
				t.Fatalf("health: %d %s", st, body)
			}
			if got := health.BackupKeyID == demoID; got != tt.wantDemo {
				t.Errorf("sealing under the demo key = %v, want %v", got, tt.wantDemo)
			}
			if got := strings.Contains(s.banner, "public demo key"); got != tt.wantDemo {
				t.Errorf("the banner names the demo key = %v, want %v:\n%s", got, tt.wantDemo, s.banner)
			}
		})
	}
}

// The access log is gathered in memory; stopping the server writes what is left.
func TestServeWritesTheAccessLogWhenItStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, noEnv, pw, &stderr)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var url string
	for url == "" && sc.Scan() {
		if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
	}
	go io.Copy(io.Discard, pr)
	if url == "" {
		t.Fatal("no listening line")
	}
	if st, _, _ := call(t, "POST", url+"/v1/"+mock.DemoProjectID+"/secrets/"+mock.DemoSecretName+"/backup", mock.DemoToken, ""); st != 200 {
		t.Fatalf("backup: %d", st)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	logged := stderr.String()
	if !strings.Contains(logged, "msg=request") || !strings.Contains(logged, "operation=DownloadSecretBlob") {
		t.Errorf("the backup's access-log line is missing after the stop:\n%s", logged)
	}
	if !strings.Contains(logged, "shutting down") {
		t.Errorf("the shutdown line is missing:\n%s", logged)
	}
}
