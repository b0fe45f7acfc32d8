package interop

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"debug/buildinfo"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock"
)

// The programs these tests run, built once per test binary: csmsmock from this repository,
// and the application of cmd/csmsapp against each SDK version.
var programs = sync.OnceValues(func() (map[string]string, error) {
	dir, err := os.MkdirTemp("", "csmskit-interop-")
	if err != nil {
		return nil, err
	}
	// One source for the application: sdk0156.mod pins the older SDK in place of go.mod's.
	builds := []struct {
		name, dir string
		args      []string
	}{
		{"csmsmock", "..", []string{"./cmd/csmsmock"}},
		{"app-v0.1.207", ".", []string{"./cmd/csmsapp"}},
		{"app-v0.1.56", ".", []string{"-modfile=sdk0156.mod", "./cmd/csmsapp"}},
	}
	out := map[string]string{}
	for _, b := range builds {
		bin := filepath.Join(dir, b.name)
		cmd := exec.Command("go", append([]string{"build", "-o", bin}, b.args...)...)
		cmd.Dir = b.dir
		if msg, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build %s in %s: %v\n%s", strings.Join(b.args, " "), b.dir, err, msg)
		}
		out[b.name] = bin
	}
	return out, nil
})

func program(t *testing.T, name string) string {
	t.Helper()
	bins, err := programs()
	if err != nil {
		t.Fatal(err)
	}
	return bins[name]
}

// served is a csmsmock serve process of the test's own, over TLS.
type served struct {
	url    string
	caFile string
	admin  *http.Client
}

// serveMock starts `csmsmock serve --tls --tls-cert-out …` on a free loopback port and stops
// it when the test ends.
func serveMock(t *testing.T, args ...string) *served {
	t.Helper()
	caFile := filepath.Join(t.TempDir(), "csmsmock-ca.pem")
	url := startProgram(t, nil, append([]string{"serve", "--addr", "127.0.0.1:0", "--tls", "--tls-cert-out", caFile}, args...)...)
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	t.Cleanup(tr.CloseIdleConnections)
	return &served{url: url, caFile: caFile, admin: &http.Client{Transport: tr, Timeout: 10 * time.Second}}
}

// startProgram runs `csmsmock args…`, with env added to the test's environment, until the
// test ends, and returns the address its banner names.
func startProgram(t *testing.T, env []string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, program(t, "csmsmock"), args...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		if err := cmd.Wait(); err != nil && !errors.Is(err, context.Canceled) {
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != -1 {
				t.Errorf("csmsmock %s: %v\n%s", args[0], err, logs.String())
			}
		}
	})
	sc := bufio.NewScanner(stdout)
	url := ""
	for sc.Scan() {
		if m := regexp.MustCompile(`listening on (https?://[^\s,]+)`).FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
		if sc.Text() == "Stop with Ctrl-C." {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	if url == "" {
		t.Fatalf("csmsmock %s printed no address", args[0])
	}
	return url
}

// appEnv is all an application is given: the SDK's region and IAM endpoint overrides, the
// certificate to trust and its access key, nothing else from the test's environment (no
// proxy, no profile: HOME is empty).
func (s *served) appEnv(t *testing.T, ak, sk string) []string {
	return []string{
		"HOME=" + t.TempDir(),
		"HUAWEICLOUD_SDK_REGION_CSMS_CN_NORTH_4=" + s.url,
		"HUAWEICLOUD_SDK_IAM_ENDPOINT=" + s.url,
		"SSL_CERT_FILE=" + s.caFile,
		"CLOUD_SDK_AK=" + ak,
		"CLOUD_SDK_SK=" + sk,
	}
}

// runApp runs an application with exactly env and returns its output and exit code.
func runApp(t *testing.T, bin string, env []string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	default:
		t.Fatalf("run %s: %v", bin, err)
		return "", 0
	}
}

// journal reads the mock's request journal through its admin API.
func (s *served) journal(t *testing.T) []journalEntry {
	t.Helper()
	var body struct {
		Requests []journalEntry `json:"requests"`
	}
	s.adminGet(t, "/__admin/journal", &body)
	return body.Requests
}

type journalEntry struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	Query     string `json:"query"`
	Operation string `json:"operation"`
	Principal string `json:"principal"`
	Status    int    `json:"status"`
}

func (s *served) adminGet(t *testing.T, path string, v any) {
	t.Helper()
	res, err := s.admin.Get(s.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil || res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", path, res.StatusCode, err)
	}
}

// noViolations fails the test when the mock recorded a contract violation.
func (s *served) noViolations(t *testing.T) {
	t.Helper()
	var body struct {
		Violations []json.RawMessage `json:"violations"`
	}
	s.adminGet(t, "/__admin/violations", &body)
	for _, v := range body.Violations {
		t.Errorf("contract violation: %s", v)
	}
}

// sdkVersions are the SDK releases the unmodified application is built against: the one
// pinned in go.mod and an older one that integrations still pin, which reaches IAM over
// https only.
var sdkVersions = []string{"app-v0.1.207", "app-v0.1.56"}

// TestUnmodifiedApplication runs an application that builds its client with WithRegion and
// no project ID, configured by environment variables only, against a mock of its own over
// TLS: the SDK looks the project up at the mock's IAM and runs the whole lifecycle.
func TestUnmodifiedApplication(t *testing.T) {
	for _, app := range sdkVersions {
		t.Run(app, func(t *testing.T) {
			t.Parallel()
			s := serveMock(t)
			out, code := runApp(t, program(t, app), s.appEnv(t, mock.DemoAK, mock.DemoSK), "lifecycle")
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, out)
			}
			for _, want := range []string{
				"create: app-db-password ENABLED\n",
				"versions: v1=SYSPREVIOUS v2=SYSCURRENT\n",
				"read: latest is v2\n",
				"restore: app-db-password\n",
				"read restored: v1 and v2 as written\n",
				"done\n",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			// The unknown secret reaches the application as the SDK's error with the
			// mock's status and code.
			if m := regexp.MustCompile(`read deleted: .*"status_code":404.*"error_code":"CSMS.0106"`).FindString(out); m == "" {
				t.Errorf("reading the deleted secret did not report 404 CSMS.0106:\n%s", out)
			}

			entries := s.journal(t)
			if len(entries) == 0 {
				t.Fatal("the journal is empty")
			}
			first := entries[0]
			if first.Operation != "KeystoneListProjects" || first.Query != "name=cn-north-4" || first.Status != 200 || first.Principal != "default" {
				t.Errorf("first request = %+v, want the project lookup by the default identity", first)
			}
			for _, e := range entries[1:] {
				if !strings.HasPrefix(e.Path, "/v1/"+mock.DemoProjectID+"/") {
					t.Errorf("%s %s: not under the project the lookup found", e.Method, e.Path)
				}
			}
			s.noViolations(t)
		})
	}
}

// TestUnmodifiedApplicationWrongSK: a wrong SK fails the project lookup with IAM's 401, which
// the SDK reports when the client is built.
func TestUnmodifiedApplicationWrongSK(t *testing.T) {
	for _, app := range sdkVersions {
		t.Run(app, func(t *testing.T) {
			t.Parallel()
			s := serveMock(t)
			out, code := runApp(t, program(t, app), s.appEnv(t, mock.DemoAK, "wrong-secret-key"), "lifecycle")
			if code == 0 {
				t.Fatalf("a wrong SK ran:\n%s", out)
			}
			if !strings.Contains(out, `"status_code":401`) || !strings.Contains(out, `"error_code":"APIGW.0301"`) {
				t.Errorf("the failure does not carry IAM's 401 APIGW.0301:\n%s", out)
			}
			entries := s.journal(t)
			if len(entries) != 1 || entries[0].Operation != "KeystoneListProjects" || entries[0].Status != 401 {
				t.Errorf("journal = %+v, want only the refused project lookup", entries)
			}
		})
	}
}

// TestUnmodifiedApplicationChecksTheCertificate: without the mock's certificate authority the
// SDK refuses the connection, so the runs above verified the certificate.
func TestUnmodifiedApplicationChecksTheCertificate(t *testing.T) {
	s := serveMock(t)
	env := s.appEnv(t, mock.DemoAK, mock.DemoSK)
	env[3] = "SSL_CERT_FILE=" + filepath.Join(t.TempDir(), "none.pem")
	out, code := runApp(t, program(t, "app-v0.1.207"), env, "lifecycle")
	if code == 0 || !strings.Contains(out, "certificate") {
		t.Errorf("exit %d without the certificate authority, want a certificate error:\n%s", code, out)
	}
}

// TestApplicationPaging lists 251 secrets in pages of 100 as clients loop: while the page
// names a next marker, and until a page holds fewer than the limit. Both stop after the
// third page, with every secret seen once.
func TestApplicationPaging(t *testing.T) {
	s := serveMock(t)
	out, code := runApp(t, program(t, "app-v0.1.207"), s.appEnv(t, mock.DemoAK, mock.DemoSK), "paging", "250")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{
		"list while next_marker: 251 secrets in 3 pages\n",
		"list until current_count < limit: 251 secrets in 3 pages\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	s.noViolations(t)
}

// TestEachApplicationLinksItsSDK: each build of the one application links the SDK version
// it is named after, so the runs above compare SDKs.
func TestEachApplicationLinksItsSDK(t *testing.T) {
	for _, app := range sdkVersions {
		info, err := buildinfo.ReadFile(program(t, app))
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, dep := range info.Deps {
			if dep.Path == "github.com/huaweicloud/huaweicloud-sdk-go-v3" {
				got = dep.Version
			}
		}
		if want := strings.TrimPrefix(app, "app-"); got != want {
			t.Errorf("%s links SDK %q, want %s", app, got, want)
		}
	}
}
