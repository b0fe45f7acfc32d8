package main

// How one run is measured: a server started afresh and loaded at a concurrency or a rate, its
// result, the requests it is sent, and its start-up.

import (
	"fmt"
	"hash/maphash"
	"io"
	"net/http"
	"os"
	"slices"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/csmskit/csmskit/aksk"
	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/mock"
)

// server is one of the two processes under test.
type server struct {
	name string
	bin  string
	args []string
}

// pacedRun is the latency run at a fixed rate.
type pacedRun struct {
	fraction float64
	rate     int
	mock     result
}

// result is one measured run.
type result struct {
	requests, failed, distinct int
	errors                     map[string]int
	throughput                 float64
	p50, p90, p99, max         time.Duration
	peakRSS                    int64
	serverCPU, clientCPU       time.Duration // CPU time per request
	violations                 int
	isMock                     bool
}

func (r result) problems(server, mode string) []string {
	var out []string
	if r.failed > 0 {
		out = append(out, fmt.Sprintf("%s %s: %d of %d requests not answered 200: %v", mode, server, r.failed, r.requests, r.errors))
	}
	if r.isMock && r.distinct != r.requests-r.failed {
		out = append(out, fmt.Sprintf("%s mock: %d answers but only %d distinct blobs: a blob was reused", mode, r.requests-r.failed, r.distinct))
	}
	if r.violations > 0 {
		out = append(out, fmt.Sprintf("%s mock: %d contract violations recorded", mode, r.violations))
	}
	return out
}

// median returns the run of median throughput.
func median(rs []result) result {
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b result) int {
		switch {
		case a.throughput < b.throughput:
			return -1
		case a.throughput > b.throughput:
			return 1
		}
		return 0
	})
	return s[len(s)/2]
}

// load starts the server afresh, warms it up, measures one run and stops it.
func (s server) load(mode string, o options, rate vegeta.Rate) (result, error) {
	p, err := harness.Start(s.bin, 30*time.Second, s.args...)
	if err != nil {
		return result{}, err
	}
	defer p.Stop()
	url := p.URL + backupPath
	tr := targeter(mode, url)
	if o.warmup > 0 {
		for r := range attacker(o).Attack(tr, vegeta.Rate{}, o.warmup, "warmup") {
			_ = r
		}
	}
	res := result{errors: map[string]int{}, isMock: s.name == "mock"}
	seen := map[uint64]struct{}{}
	seed := maphash.MakeSeed()
	var latencies []time.Duration
	serverCPU0, err := p.CPUTime()
	if err != nil {
		return result{}, err
	}
	clientCPU0, err := harness.ProcCPUTime(0)
	if err != nil {
		return result{}, err
	}
	start := time.Now()
	for r := range attacker(o).Attack(tr, rate, o.duration, mode) {
		res.requests++
		latencies = append(latencies, r.Latency)
		if r.Code != http.StatusOK || r.Error != "" {
			res.failed++
			res.errors[fmt.Sprintf("%d %s", r.Code, r.Error)]++
			continue
		}
		seen[maphash.Bytes(seed, r.Body)] = struct{}{}
	}
	elapsed := time.Since(start)
	serverCPU1, err := p.CPUTime()
	if err != nil {
		return result{}, err
	}
	clientCPU1, _ := harness.ProcCPUTime(0)
	if res.requests > 0 {
		res.serverCPU = (serverCPU1 - serverCPU0) / time.Duration(res.requests)
		res.clientCPU = (clientCPU1 - clientCPU0) / time.Duration(res.requests)
	}
	res.distinct = len(seen)
	res.throughput = float64(res.requests-res.failed) / elapsed.Seconds()
	slices.Sort(latencies)
	if n := len(latencies); n > 0 {
		res.p50 = latencies[n*50/100]
		res.p90 = latencies[min(n-1, n*90/100)]
		res.p99 = latencies[min(n-1, n*99/100)]
		res.max = latencies[n-1]
	}
	if res.peakRSS, err = p.Status("VmHWM"); err != nil {
		return result{}, err
	}
	if res.isMock {
		if res.violations, err = harness.Violations(p.URL); err != nil {
			return result{}, err
		}
	}
	return res, nil
}

// attacker keeps exactly o.concurrency requests in flight over as many kept-alive connections.
func attacker(o options) *vegeta.Attacker {
	return vegeta.NewAttacker(
		vegeta.Workers(uint64(o.concurrency)),
		vegeta.MaxWorkers(uint64(o.concurrency)),
		vegeta.Connections(o.concurrency),
		vegeta.MaxConnections(o.concurrency),
		vegeta.KeepAlive(true),
		vegeta.HTTP2(false),
		vegeta.Timeout(30*time.Second),
		vegeta.Redirects(vegeta.NoFollow),
	)
}

// targeter makes the backup request of a mode: with the demo token, or signed afresh with the
// demo AK/SK as the official SDK signs it (X-Project-Id signed, a JSON content type).
func targeter(mode, url string) vegeta.Targeter {
	if mode == "token" {
		header := http.Header{"X-Auth-Token": {mock.DemoToken}}
		return func(t *vegeta.Target) error {
			t.Method, t.URL, t.Header = http.MethodPost, url, header
			return nil
		}
	}
	return func(t *vegeta.Target) error {
		req, err := http.NewRequest(http.MethodPost, url, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Project-Id", mock.DemoProjectID)
		if err := aksk.Sign(req, mock.DemoAK, mock.DemoSK, time.Now(), "x-project-id"); err != nil {
			return err
		}
		t.Method, t.URL, t.Header = http.MethodPost, url, req.Header
		return nil
	}
}

// tokenRequest is the token backup call against base.
func tokenRequest(base string) func() (*http.Request, error) {
	return func() (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, base+backupPath, nil)
		if err == nil {
			req.Header.Set("X-Auth-Token", mock.DemoToken)
		}
		return req, err
	}
}

// captureBackupBody starts the mock once and writes the body of one backup answer to file.
func captureBackupBody(mockBin, file string) error {
	p, err := harness.Start(mockBin, 30*time.Second, "serve", "--addr", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer p.Stop()
	req, _ := tokenRequest(p.URL)()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("backup: status %d: %s", res.StatusCode, body)
	}
	return os.WriteFile(file, body, 0o600)
}

// startupStats summarises start-up measurements.
type startupStats struct {
	listen, median, p90, max time.Duration
}

// startup starts the server n times and measures exec → listening and exec → first 200 on
// the backup call (polled every 0.5 ms from the moment the address is printed).
func (s server) startup(n int) (startupStats, error) {
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var listens, firsts []time.Duration
	for range n {
		p, err := harness.Start(s.bin, 30*time.Second, s.args...)
		if err != nil {
			return startupStats{}, err
		}
		ok, err := harness.WaitOK(client, tokenRequest(p.URL), 500*time.Microsecond, 10*time.Second)
		p.Stop()
		if err != nil {
			return startupStats{}, err
		}
		listens = append(listens, p.Listening.Sub(p.Started))
		firsts = append(firsts, ok.Sub(p.Started))
	}
	slices.Sort(listens)
	slices.Sort(firsts)
	return startupStats{
		listen: listens[len(listens)/2],
		median: firsts[len(firsts)/2],
		p90:    firsts[min(len(firsts)-1, len(firsts)*9/10)],
		max:    firsts[len(firsts)-1],
	}, nil
}
