//go:build soak

// One long-running scenario with its checks; split, its phases would lose their order.

package soak

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
