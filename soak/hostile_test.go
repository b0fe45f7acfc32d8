//go:build soak

package soak

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock"
)

// hostileTargets are servers that answer the conformance suite's requests in every wrong way
// a target can: never, forever, enormously, or with garbage.
func hostileTargets(release <-chan struct{}) map[string]http.Handler {
	chunk := []byte(strings.Repeat("x", 32<<10))
	return map[string]http.Handler{
		"never answers": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Read the body first: net/http notices a client going away (and cancels the
			// request's context) only once the body is read.
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-release:
			case <-r.Context().Done():
			case <-time.After(2 * time.Minute):
			}
		}),
		"endless body": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}),
		"one byte a second": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			for r.Context().Err() == nil {
				if _, err := w.Write([]byte("{")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-time.After(time.Second):
				case <-release:
					return
				}
			}
		}),
		"20 MB error body": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			_, _ = io.WriteString(w, `{"error_code":"CSMS.0002","error_msg":"`+strings.Repeat("m", 20<<20)+`"}`)
		}),
		"deep JSON": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"secret_blob":`+strings.Repeat("[", 1<<20)+strings.Repeat("]", 1<<20)+`}`)
		}),
		"redirect loop": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.String(), http.StatusFound)
		}),
		"garbage": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\x00\xff\xfe garbage \r\n\r\n{")
			_ = buf.Flush()
			_ = c.Close()
		}),
		"endless headers": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer c.Close()
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\n")
			for i := 0; ; i++ {
				if _, err := fmt.Fprintf(buf, "X-H%d: %s\r\n", i, chunk[:1000]); err != nil || buf.Flush() != nil {
					return
				}
			}
		}),
		"reset": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
			_ = c.Close()
		}),
	}
}

// TestSuiteOnHostileTargets runs the csmsconform command against each hostile target: it must
// finish within its run timeout, report failures (exit 1) rather than crash, and keep its memory
// bounded (peak RSS under 512 MiB).
func TestSuiteOnHostileTargets(t *testing.T) {
	bin := build(t, "cmd/csmsconform", t.TempDir())
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // after the parallel subtests, not before them
	for name, h := range hostileTargets(release) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ts := httptest.NewServer(h)
			defer ts.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "-report-dir", t.TempDir())
			cmd.Env = append(os.Environ(),
				"CSMS_ENDPOINT="+ts.URL, "CSMS_PROJECT_ID="+mock.DemoProjectID, "CSMS_AUTH_TOKEN="+mock.DemoToken,
				"CSMS_REQUEST_TIMEOUT=2s", "CSMS_TIMEOUT=60s")
			start := time.Now()
			out, err := cmd.CombinedOutput()
			elapsed := time.Since(start)
			code := cmd.ProcessState.ExitCode()
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
			t.Logf("exit %d after %s, peak RSS %d MiB", code, elapsed.Round(100*time.Millisecond), rss>>10)
			// A Go panic or fatal error starts a line so (and exits 2); Ginkgo's own report of a
			// suite timeout lists goroutines too, which is not a crash.
			if crashed.Match(out) {
				t.Errorf("the suite crashed:\n%s", tail(out))
			}
			if code != 1 {
				t.Errorf("exit %d (%v), want 1 (the target fails the suite):\n%s", code, err, tail(out))
			}
			if elapsed > 90*time.Second {
				t.Errorf("the suite took %s against a 60 s run timeout", elapsed)
			}
			if rss > 512<<10 {
				t.Errorf("the suite's peak RSS was %d MiB", rss>>10)
			}
		})
	}
}

var crashed = regexp.MustCompile(`(?m)^(panic: |fatal error: )`)

func tail(b []byte) string {
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}
