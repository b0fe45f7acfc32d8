package interop

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock"
)

// TestUnmodifiedApplicationThroughTheGate runs the application's lifecycle through
// `csmsmock proxy`, the CI gate, in front of a mock of its own: CSMS calls go to the proxy
// (the SDK's region override), the project lookup straight to the mock's IAM, as it goes to
// the real IAM when the proxy stands in front of a real endpoint. The Go SDK does not sign
// host, so its signatures pass the proxy intact without the access key; with it the proxy
// verifies them and signs them again. Neither end records a violation.
func TestUnmodifiedApplicationThroughTheGate(t *testing.T) {
	for name, keys := range map[string][]string{
		"without the access key": nil,
		"with the access key":    {"CSMSMOCK_AK=" + mock.DemoAK, "CSMSMOCK_SK=" + mock.DemoSK},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := serveMock(t)
			gate := &served{url: startProgram(t, keys, "proxy", "--addr", "127.0.0.1:0", "--upstream", s.url, "--insecure-skip-verify"),
				admin: &http.Client{Timeout: 10 * time.Second}}
			env := s.appEnv(t, mock.DemoAK, mock.DemoSK)
			for i, v := range env {
				if strings.HasPrefix(v, "HUAWEICLOUD_SDK_REGION_CSMS_CN_NORTH_4=") {
					env[i] = "HUAWEICLOUD_SDK_REGION_CSMS_CN_NORTH_4=" + gate.url
				}
			}
			out, code := runApp(t, program(t, "app-v0.1.207"), env, "lifecycle")
			if code != 0 || !strings.Contains(out, "read restored: v1 and v2 as written\n") {
				t.Fatalf("exit %d:\n%s", code, out)
			}
			var operations []string
			for _, e := range gate.journal(t) {
				operations = append(operations, e.Operation)
			}
			for _, want := range []string{"CreateSecret", "CreateSecretVersion", "ListSecretVersions", "ShowSecretVersion",
				"DownloadSecretBlob", "DeleteSecret", "ShowSecret", "UploadSecretBlob"} {
				if !strings.Contains(strings.Join(operations, " "), want) {
					t.Errorf("the gate journaled %v, no %s", operations, want)
				}
			}
			if lookups := s.journal(t)[0]; lookups.Operation != "KeystoneListProjects" {
				t.Errorf("the mock's first request is %+v, want the project lookup", lookups)
			}
			gate.noViolations(t)
			s.noViolations(t)
		})
	}
}
