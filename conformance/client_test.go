package conformance

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/csmskit/csmskit/aksk"
)

// testClient returns a client for h with the given request timeout.
func testClient(t *testing.T, h http.Handler, timeout time.Duration) *client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := NewConfig()
	cfg.RequestTimeout = timeout
	cl, err := newClient(cfg, srv.URL, "0a1b2c3d4e5f60718293a4b5c6d7e8f9", mustContract(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.close)
	return cl
}

var backupCall = call{what: "backup", method: http.MethodPost, path: backupPath("0a1b2c3d4e5f60718293a4b5c6d7e8f9", "s")}

// A hostile target cannot hold the suite: a request that gets no headers, or a body that
// never ends, is cut off at the request timeout.
func TestClientGivesUpOnAStalledTarget(t *testing.T) {
	stalls := map[string]func(release <-chan struct{}) http.HandlerFunc{
		"no headers": func(release <-chan struct{}) http.HandlerFunc {
			return func(http.ResponseWriter, *http.Request) { <-release }
		},
		"a body that never ends": func(release <-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusOK)
				w.(http.Flusher).Flush()
				<-release
			}
		},
	}
	for name, stall := range stalls {
		t.Run(name, func(t *testing.T) {
			release := make(chan struct{})
			cl := testClient(t, stall(release), 300*time.Millisecond)
			t.Cleanup(func() { close(release) }) // before the server's Close, which waits for handlers
			start := time.Now()
			ex := cl.do(context.Background(), backupCall)
			if ex.err == nil {
				t.Fatal("a stalled request returned without an error")
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("the client waited %s for a stalled target", d)
			}
		})
	}
}

func TestClientBoundsTheBody(t *testing.T) {
	cl := testClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := strings.Repeat("x", 1<<16)
		for range 200 { // 12.5 MiB, more than the bound
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
	}), time.Minute)
	ex := cl.do(context.Background(), backupCall)
	if !errors.Is(ex.err, errBodyTooLarge) {
		t.Fatalf("err = %v, want a too-large body", ex.err)
	}
	if int64(len(ex.body)) != cl.maxBody {
		t.Errorf("kept %d bytes of the body, want the bound %d", len(ex.body), cl.maxBody)
	}
	if ex.answered() {
		t.Error("a body cut short counts as an answer")
	}
}

func TestClientDoesNotFollowRedirects(t *testing.T) {
	cl := testClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	}), time.Minute)
	if ex := cl.do(context.Background(), backupCall); ex.status != http.StatusFound {
		t.Fatalf("status = %d, want the target's own 302", ex.status)
	}
}

// Signed requests verify with the AK/SK scheme's own verifier, as a CSMS endpoint would.
func TestClientSignsWithAKSK(t *testing.T) {
	const ak, sk = "CSMSCONFORMTESTAK001", "test-secret-key"
	var verifyErr error
	cl := testClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, verifyErr = aksk.Verify(r, func(a string) (string, bool) { return sk, a == ak }, time.Now())
		w.WriteHeader(http.StatusNoContent)
	}), time.Minute)
	c := backupCall
	c.creds = credentials{ak: ak, sk: sk}
	c.body = map[string]string{"secret_blob": "x"}
	if ex := cl.do(context.Background(), c); ex.err != nil {
		t.Fatal(ex.err)
	}
	if verifyErr != nil {
		t.Fatalf("the signature does not verify: %v", verifyErr)
	}
}

func TestClientValidatesAgainstTheContract(t *testing.T) {
	cl := testClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Auth-Token") != "MIItoken" {
			t.Errorf("X-Auth-Token = %q", r.Header.Get("X-Auth-Token"))
		}
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusNotFound)
	}), time.Minute)
	c := backupCall
	c.creds = credentials{token: "MIItoken"}
	ex := cl.do(context.Background(), c)
	if ex.schemaErr == nil || !strings.Contains(ex.schemaErr.Error(), "Content-Type") {
		t.Fatalf("schemaErr = %v, want the text/plain error body reported", ex.schemaErr)
	}
}
