//go:build soak

// One long-running scenario with its checks; split, its phases would lose their order.

package soak

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/csmskit/csmskit/aksk"
	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/recording"
)

const secretsPath = "/v1/" + mock.DemoProjectID + "/secrets"

func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("%s=%q: want a positive Go duration", name, v)
	}
	return d
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// sample is one reading of the process after a GC.
type sample struct {
	at         time.Duration
	heap       uint64 // bytes in live heap objects
	goroutines int
	requests   int64
}

// TestSoak puts the in-process mock, behind a loopback listener with the command's server
// limits, under sustained load from SOAK_WORKERS clients for SOAK_DURATION: every worker runs
// the whole life of its own secrets (create, versions, read, backup, delete, restore, delete),
// with AK/SK-signed calls, IAM tokens, injected faults and admin reads mixed in. It fails on any
// unexpected answer, on memory or goroutines that keep growing, and on a goroutine left behind
// once everything is closed (goleak).
func TestSoak(t *testing.T) {
	leaks := goleak.IgnoreCurrent()
	duration := envDuration(t, "SOAK_DURATION", 2*time.Minute)
	workers := envInt(t, "SOAK_WORKERS", 8)

	cfg := mock.DefaultConfig()
	if os.Getenv("SOAK_DATA") == "1" {
		cfg.DataDir = t.TempDir()
	}
	srv, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{
		Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 1 << 20,
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	tr := &http.Transport{MaxIdleConnsPerHost: 2 * workers}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	var requests, failures atomic.Int64
	var failMu sync.Mutex
	var failed []string
	fail := func(format string, args ...any) {
		if failures.Add(1) <= 20 {
			failMu.Lock()
			failed = append(failed, fmt.Sprintf(format, args...))
			failMu.Unlock()
		}
	}

	ctx, stop := context.WithTimeout(context.Background(), duration)
	defer stop()
	start := time.Now()
	var samples []sample
	sampled := make(chan struct{})
	every := max(duration/15, 2*time.Second)
	go func() {
		defer close(sampled)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			samples = append(samples, sample{time.Since(start), ms.HeapAlloc, runtime.NumGoroutine(), requests.Load()})
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()

	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			s := &soaker{base: base, client: client, requests: &requests, fail: fail,
				rng: rand.New(rand.NewPCG(uint64(w), 1))}
			for cycle := 0; ctx.Err() == nil; cycle++ {
				s.cycle(ctx, fmt.Sprintf("soak-%d-%d", w, cycle%4), cycle)
			}
		})
	}
	wg.Wait()
	<-sampled
	elapsed := time.Since(start)

	// Close everything; then nothing of the mock, the server or the client may be left running.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if err := <-served; err != http.ErrServerClosed {
		t.Errorf("serve: %v", err)
	}
	tr.CloseIdleConnections()
	vs, dropped := srv.Violations()
	for _, v := range vs {
		if v.Kind == recording.KindResponse {
			t.Errorf("a response broke the contract under load: %+v", v)
			break
		}
	}
	if err := srv.Close(); err != nil {
		t.Errorf("close: %v", err)
	}

	n := requests.Load()
	t.Logf("%d requests in %s (%.0f/s) from %d workers; %d unexpected answers; %d violations kept, %d dropped",
		n, elapsed.Round(time.Second), float64(n)/elapsed.Seconds(), workers, failures.Load(), len(vs), dropped)
	for _, s := range samples {
		t.Logf("  at %6s: heap %6.1f MiB, %3d goroutines, %7d requests", s.at.Round(time.Second), float64(s.heap)/(1<<20), s.goroutines, s.requests)
	}
	if failures.Load() > 0 {
		t.Errorf("%d unexpected answers under load; the first: %s", failures.Load(), strings.Join(failed, "\n  "))
	}
	checkFlat(t, samples)
	goleak.VerifyNone(t, leaks)
}

// checkFlat compares the readings of the last third of the run with those of the first third
// after warm-up: memory and goroutines must not keep growing.
func checkFlat(t *testing.T, samples []sample) {
	t.Helper()
	if len(samples) < 6 {
		t.Fatalf("only %d samples: run longer", len(samples))
	}
	warm := samples[1:] // the first reading is before any load
	third := len(warm) / 3
	early, late := warm[:third], warm[len(warm)-third:]
	median := func(ss []sample) uint64 {
		hs := make([]uint64, len(ss))
		for i, s := range ss {
			hs[i] = s.heap
		}
		slices.Sort(hs)
		return hs[len(hs)/2]
	}
	medianG := func(ss []sample) int {
		gs := make([]int, len(ss))
		for i, s := range ss {
			gs[i] = s.goroutines
		}
		slices.Sort(gs)
		return gs[len(gs)/2]
	}
	if e, l := median(early), median(late); float64(l) > 1.5*float64(e)+4<<20 {
		t.Errorf("the heap grew from %.1f MiB to %.1f MiB (median of the first and last third)", float64(e)/(1<<20), float64(l)/(1<<20))
	}
	// A reading catches the requests in flight (a server goroutine each, while a handler
	// runs), so single readings jump by a few workers' worth; a leak moves the median.
	if e, l := medianG(early), medianG(late); l > e+16 {
		t.Errorf("goroutines grew from %d to %d (median of the first and last third)", e, l)
	}
}

// soaker is one load worker.
type soaker struct {
	base     string
	client   *http.Client
	requests *atomic.Int64
	fail     func(string, ...any)
	rng      *rand.Rand
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (s *soaker) call(ctx context.Context, method, path, body string, header ...string) (reply, bool) {
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, strings.NewReader(body))
	if err != nil {
		s.fail("%s %s: %v", method, path, err)
		return reply{}, false
	}
	req.Header.Set("X-Auth-Token", mock.DemoToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	if req.Header.Get("X-Auth-Token") == "" && req.Header.Get("X-Sdk-Date") == "sign" {
		req.Header.Del("X-Sdk-Date")
		req.Header.Set("X-Project-Id", mock.DemoProjectID)
		if err := aksk.Sign(req, mock.DemoAK, mock.DemoSK, time.Now(), "x-project-id"); err != nil {
			s.fail("sign: %v", err)
			return reply{}, false
		}
	}
	s.requests.Add(1)
	res, err := s.client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			s.fail("%s %s: %v", method, path, err)
		}
		return reply{}, false
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		if ctx.Err() == nil {
			s.fail("%s %s: reading: %v", method, path, err)
		}
		return reply{}, false
	}
	return reply{res.StatusCode, res.Header, data}, true
}

// expect calls and reports an answer other than want; it returns the reply and whether the
// cycle may go on.
func (s *soaker) expect(ctx context.Context, want int, method, path, body string, header ...string) (reply, bool) {
	r, ok := s.call(ctx, method, path, body, header...)
	if !ok {
		return r, false
	}
	if r.status != want {
		s.fail("%s %s = %d, want %d: %.200s", method, path, r.status, want, r.body)
		return r, false
	}
	return r, true
}

// cycle runs the life of one secret and a few side calls.
func (s *soaker) cycle(ctx context.Context, name string, n int) {
	p := secretsPath + "/" + name
	value := func(v int) string { return fmt.Sprintf("%s-c%d-v%d-%08x", name, n, v, s.rng.Uint32()) }
	values := []string{value(1)}
	if _, ok := s.expect(ctx, 200, "POST", secretsPath, `{"name":"`+name+`","secret_string":"`+values[0]+`"}`); !ok {
		return
	}
	for v := 2; v <= 3; v++ {
		values = append(values, value(v))
		if _, ok := s.expect(ctx, 200, "POST", p+"/versions", `{"secret_string":"`+values[v-1]+`"}`); !ok {
			return
		}
	}
	if !s.latestIs(ctx, p, values[2]) {
		return
	}
	r, ok := s.expect(ctx, 200, "GET", p+"/versions", "")
	if !ok {
		return
	}
	if c := strings.Count(string(r.body), `"id":"v`); c != 3 {
		s.fail("%s has %d versions, want 3", name, c)
	}
	r, ok = s.expect(ctx, 200, "POST", p+"/backup", "")
	if !ok {
		return
	}
	var backup struct {
		Blob string `json:"secret_blob"`
	}
	if err := json.Unmarshal(r.body, &backup); err != nil || backup.Blob == "" {
		s.fail("backup of %s: %.200s", name, r.body)
		return
	}
	if _, ok := s.expect(ctx, 200, "DELETE", p, ""); !ok {
		return
	}
	if _, ok := s.expect(ctx, 404, "GET", p, ""); !ok {
		return
	}
	if _, ok := s.expect(ctx, 200, "POST", secretsPath+"/restore", `{"secret_blob":"`+backup.Blob+`"}`); !ok {
		return
	}
	if !s.latestIs(ctx, p, values[2]) {
		return
	}
	switch n % 10 {
	case 1: // signed with AK/SK instead of the token
		s.expect(ctx, 200, "GET", secretsPath+"?limit=5", "", "X-Auth-Token", "", "X-Sdk-Date", "sign")
	case 3: // an injected gateway failure
		s.expect(ctx, 502, "GET", p, "", "X-Mock-Fault", "status=502")
	case 5: // the admin API
		s.expect(ctx, 200, "GET", "/__admin/health", "")
		s.expect(ctx, 200, "GET", "/__admin/journal", "")
	case 7: // a refusal
		s.expect(ctx, 400, "GET", secretsPath+"/bad.name", "")
		s.expect(ctx, 401, "GET", secretsPath, "", "X-Auth-Token", "MIIwrong-token-0000000000000000000000")
	case 9:
		if n%50 == 9 { // an IAM token, then a call with it
			r, ok := s.expect(ctx, 201, "POST", "/v3/auth/tokens", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"`+
				mock.DemoUser+`","password":"`+mock.DemoPassword+`","domain":{"name":"`+mock.DemoDomain+`"}}}},"scope":{"project":{"id":"`+mock.DemoProjectID+`"}}}}`,
				"X-Auth-Token", "")
			if ok {
				s.expect(ctx, 200, "GET", p, "", "X-Auth-Token", r.header.Get("X-Subject-Token"))
			}
		}
	}
	s.expect(ctx, 200, "DELETE", p, "")
}

func (s *soaker) latestIs(ctx context.Context, p, want string) bool {
	r, ok := s.expect(ctx, 200, "GET", p+"/versions/latest", "")
	if !ok {
		return false
	}
	if !strings.Contains(string(r.body), `"secret_string":"`+want+`"`) {
		s.fail("%s/versions/latest is not %s: %.200s", p, want, r.body)
		return false
	}
	return true
}

// build compiles a command of the module into dir.
func build(t *testing.T, pkg, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", bin, "./"+pkg)
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// TestBinaryCutsSlowClients starts the real csmsmock binary and checks the limits serve.go
// sets: connections that never finish their headers are closed at the 10 s header timeout while
// the mock keeps serving, a 2 MiB header is refused (431), and SIGTERM shuts it down cleanly.
func TestBinaryCutsSlowClients(t *testing.T) {
	bin := build(t, "cmd/csmsmock", t.TempDir())
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	sc := bufio.NewScanner(stdout)
	re := regexp.MustCompile(`listening on http://(\S+)`)
	addr := ""
	for addr == "" && sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
		}
	}
	go io.Copy(io.Discard, stdout)
	if addr == "" {
		t.Fatal("no banner")
	}
	get := func() int {
		req, _ := http.NewRequest("GET", "http://"+addr+secretsPath+"/"+mock.DemoSecretName, nil)
		req.Header.Set("X-Auth-Token", mock.DemoToken)
		res, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
		if err != nil {
			t.Fatalf("the mock does not serve: %v", err)
		}
		res.Body.Close()
		return res.StatusCode
	}

	const stalled = 200
	start := time.Now()
	conns := make([]net.Conn, stalled)
	for i := range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(c, "GET "+secretsPath+" HTTP/1.1\r\nHost: h\r\nX-Slow: ")
		conns[i] = c
	}
	if st := get(); st != 200 {
		t.Errorf("with %d stalled connections open: %d", stalled, st)
	}
	var wg sync.WaitGroup
	var closedLate atomic.Int64
	for _, c := range conns {
		wg.Go(func() {
			defer c.Close()
			_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
			if _, err := io.ReadAll(c); err != nil {
				closedLate.Add(1)
			}
		})
	}
	wg.Wait()
	if n := closedLate.Load(); n > 0 {
		t.Errorf("%d stalled connections were still open 20 s later", n)
	}
	if d := time.Since(start); d < 9*time.Second || d > 15*time.Second {
		t.Errorf("stalled connections were closed after %s, want about the 10 s header timeout", d)
	}

	req, _ := http.NewRequest("GET", "http://"+addr+secretsPath, nil)
	req.Header.Set("X-Padding", strings.Repeat("p", 2<<20))
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("2 MiB header: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("2 MiB header: %d, want 431", res.StatusCode)
	}
	if st := get(); st != 200 {
		t.Errorf("after the slow clients: %d", st)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Error("csmsmock did not stop within 15 s of SIGTERM")
	}
}

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
