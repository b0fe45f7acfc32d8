package interop

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/recording"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	csms "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1"
)

// clientTimeout bounds every SDK call. The SDK's default is 120 s; the mock answers loopback
// requests in milliseconds, so a hang fails the test quickly instead of stalling it.
const clientTimeout = 5 * time.Second

// otherProjectID is a well-formed project ID the demo credentials are not allowed on.
const otherProjectID = "ffffffffffffffffffffffffffffffff"

// backupKey is generated once for the package: RSA key generation dominates a mock's start-up,
// and every test's mock may share the key without sharing any state.
var backupKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// exchange is what the recorder saw of one request and its response.
type exchange struct {
	method, path string
	status       int
	requestID    string
}

// recorder wraps the mock and remembers every exchange, so that tests can compare what the
// SDK reports (e.g. ServiceResponseError.RequestId) with what the mock actually sent.
type recorder struct {
	next http.Handler

	mu        sync.Mutex
	exchanges []exchange
}

// ServeHTTP implements http.Handler.
func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	rec.next.ServeHTTP(sw, r)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.exchanges = append(rec.exchanges, exchange{
		method:    r.Method,
		path:      r.URL.Path,
		status:    sw.status,
		requestID: w.Header().Get("X-Request-Id"),
	})
}

// last returns the most recent exchange.
func (rec *recorder) last(t *testing.T) exchange {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.exchanges) == 0 {
		t.Fatal("the mock saw no request")
	}
	return rec.exchanges[len(rec.exchanges)-1]
}

// statusWriter notes the status a handler writes.
type statusWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// fixture is one mock served on loopback with a recorder in front of it.
type fixture struct {
	url string
	rec *recorder
	srv *mock.Server
}

// startMock starts a mock on a loopback port, built from mock.DefaultConfig (with the package's
// shared backup key) as edit changes it, if edit is not nil. Cleanup stops the server and
// closes the mock.
func startMock(t *testing.T, edit func(*mock.Config)) *fixture {
	t.Helper()
	key, err := backupKey()
	if err != nil {
		t.Fatalf("backup key: %v", err)
	}
	cfg := mock.DefaultConfig()
	cfg.BackupKey = key
	if edit != nil {
		edit(&cfg)
	}
	srv, err := mock.New(cfg)
	if err != nil {
		t.Fatalf("mock.New: %v", err)
	}
	rec := &recorder{next: srv}
	ts := httptest.NewServer(rec)
	t.Cleanup(func() {
		ts.Close()
		// Every answer the SDK got was within the contract.
		for _, v := range violations(srv, "response") {
			t.Errorf("the mock's answer broke the contract: %+v", v)
		}
		if err := srv.Close(); err != nil {
			t.Errorf("close mock: %v", err)
		}
	})
	return &fixture{url: ts.URL, rec: rec, srv: srv}
}

// client builds the SDK's CSMS client for the mock with the demo credentials.
func (f *fixture) client(t *testing.T) *csms.CsmsClient {
	t.Helper()
	return f.clientAs(t, mock.DemoAK, mock.DemoSK, mock.DemoProjectID)
}

// clientAs builds the SDK's CSMS client for the mock with the given AK/SK and project.
//
// It is built exactly as an application would, with two differences: the endpoint is the
// mock's http:// URL (the SDK keeps a scheme it is given and prefixes https:// only to a bare
// host), and WithRegion is never called, because a region makes SafeBuild ask IAM for the
// project. The SDK's default HTTP config has no retries (Retries = 0, and the field is not
// read by the core client) and a 120 s timeout, shortened here; the transport is the test's
// own, without a proxy, so its idle connections can be closed when the test ends.
func (f *fixture) clientAs(t *testing.T, ak, sk, projectID string) *csms.CsmsClient {
	t.Helper()
	cred, err := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithProjectId(projectID).SafeBuild()
	if err != nil {
		t.Fatalf("credentials: %v", err)
	}
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	httpConfig := config.DefaultHttpConfig().
		WithTimeout(clientTimeout).
		WithHttpTransport(transport)
	hc, err := csms.CsmsClientBuilder().
		WithEndpoints([]string{f.url}).
		WithCredential(cred).
		WithHttpConfig(httpConfig).
		SafeBuild()
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	return csms.NewCsmsClient(hc)
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

// violations returns the mock's recorded contract violations of one kind.
func violations(srv *mock.Server, kind string) []recording.Violation {
	all, _ := srv.Violations()
	var out []recording.Violation
	for _, v := range all {
		if v.Kind == kind {
			out = append(out, v)
		}
	}
	return out
}

// requestsKeptTheContract fails t if any request the SDK sent broke the contract.
func (f *fixture) requestsKeptTheContract(t *testing.T) {
	t.Helper()
	for _, v := range violations(f.srv, "request") {
		t.Errorf("the SDK sent a request the contract refuses: %+v", v)
	}
}
