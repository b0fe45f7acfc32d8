// Command floorload measures the mock against the physical floor. In one run it builds three
// servers, starts each as a process of its own on loopback, and drives them with wrk (a light
// client, -t2 -c32) in interleaved rounds:
//
//   - bare: net/http answering a fixed body of the mock's size (bench/cmd/bare);
//   - floor: net/http that only seals a fresh backup per request, as every backup must
//     (bench/cmd/floor: a new content key under RSA-OAEP-256, A128CBC-HS256, the JSON answer);
//   - mock: csmsmock serve with the contract kept in full (request checked, credentials
//     verified, a fresh blob sealed, journaled, answer checked against the spec).
//
// Each round runs floor, mock, floor (and bare once); a round's ratio is the mock's throughput
// over the mean of the two floor runs beside it, and the median of the rounds is reported, for
// token-authenticated and AK/SK-signed backups. It reports throughput, p50/p99 and the CPU per
// request of each server and of wrk itself, from their own processes. Then it paces floor and
// mock at half the floor's throughput (a constant-rate client) and compares their p99.
//
//	floorload [-rounds 5] [-duration 10s] [-smoke] [-check]
package main

import (
	"cmp"
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/csmskit/csmskit/aksk"
	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/bench/internal/wrk"
	"github.com/csmskit/csmskit/mock"
)

const backupPath = "/v1/" + mock.DemoProjectID + "/secrets/" + mock.DemoSecretName + "/backup"

// The targets against the floor that BENCHMARKS.md judges.
const (
	tokenTarget = 0.90
	akskTarget  = 0.85
	p99Target   = 1.5
)

type options struct {
	rounds      int
	duration    time.Duration
	warmup      time.Duration
	connections int
	threads     int
	check       bool
	out         string
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "floorload:", err)
		os.Exit(1)
	}
}

func run() error {
	var o options
	smoke := flag.Bool("smoke", false, "a few-second run for CI: -rounds 1 -duration 1s")
	flag.IntVar(&o.rounds, "rounds", 5, "rounds per mode, each floor, mock, floor, bare")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measured time of each run")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured load before each run")
	flag.IntVar(&o.connections, "connections", 32, "wrk's connections")
	flag.IntVar(&o.threads, "threads", 2, "wrk's threads")
	flag.BoolVar(&o.check, "check", false, "exit 1 when a target is missed")
	flag.StringVar(&o.out, "out", "", "also write the report to this `file`")
	flag.Parse()
	if *smoke {
		o.rounds, o.duration, o.warmup = 1, time.Second, 200*time.Millisecond
	}
	if err := wrk.Installed(); err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	tmp, err := os.MkdirTemp("", "csmskit-floor-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	mockBin, bareBin, err := harness.BuildServers(ctx, tmp)
	if err != nil {
		return err
	}
	floorBin, err := harness.Build(ctx, harness.ModuleDir(), "./cmd/floor", tmp)
	if err != nil {
		return err
	}
	body, plain, err := mockAnswer(mockBin)
	if err != nil {
		return err
	}
	bodyFile := filepath.Join(tmp, "body.json")
	if err := os.WriteFile(bodyFile, body, 0o600); err != nil {
		return err
	}
	servers := map[string]server{
		"bare":  {name: "bare", bin: bareBin, args: []string{"-addr", "127.0.0.1:0", "-body", bodyFile}},
		"floor": {name: "floor", bin: floorBin, args: []string{"-addr", "127.0.0.1:0", "-size", strconv.Itoa(plain)}},
		"mock":  {name: "mock", bin: mockBin, args: []string{"serve", "--addr", "127.0.0.1:0"}},
	}

	var rep strings.Builder
	w := io.MultiWriter(os.Stdout, &rep)
	fmt.Fprintf(w, "## Floor benchmark\n\nMachine: %s. wrk -t%d -c%d, %s per run after %s of warm-up, %d round(s) of floor, mock, floor, bare; medians. Answer %d bytes; the floor seals %d bytes of plaintext, as the mock does for the demo secret.\n\n",
		harness.Machine(), o.threads, o.connections, o.duration, o.warmup, o.rounds, len(body), plain)
	var missed []string
	for _, mode := range []string{"token", "aksk"} {
		script, err := wrkScript(tmp, mode)
		if err != nil {
			return err
		}
		runs := map[string][]result{}
		var ratios []float64
		for range o.rounds {
			var round []result
			for _, name := range []string{"floor", "mock", "floor", "bare"} {
				r, err := servers[name].load(o, script)
				if err != nil {
					return fmt.Errorf("%s %s: %w", mode, name, err)
				}
				if r.Non2xx > 0 || r.SocketErrors > 0 {
					return fmt.Errorf("%s %s: %d non-2xx answers, %d socket errors", mode, name, r.Non2xx, r.SocketErrors)
				}
				runs[name] = append(runs[name], r)
				round = append(round, r)
			}
			ratios = append(ratios, round[1].Throughput/((round[0].Throughput+round[2].Throughput)/2))
		}
		fmt.Fprintf(w, "### %s\n\n| server | req/s | p50 | p99 | server CPU/req | wrk CPU/req |\n|---|---:|---:|---:|---:|---:|\n", mode)
		for _, name := range []string{"bare", "floor", "mock"} {
			r := median(runs[name])
			fmt.Fprintf(w, "| %s | %.0f | %s | %s | %s | %s |\n", name, r.Throughput, harness.Ms(r.P50), harness.Ms(r.P99), harness.Us(r.serverCPU), harness.Us(r.ClientCPU))
		}
		ratio := harness.Median(ratios)
		target := tokenTarget
		if mode == "aksk" {
			target = akskTarget
		}
		bare, floor, mck := median(runs["bare"]), median(runs["floor"]), median(runs["mock"])
		fmt.Fprintf(w, "\n- mock/floor throughput **%.3f** (rounds %s; target ≥ %.2f: %s); mock/bare %.2f; floor/bare %.2f\n",
			ratio, harness.FormatRatios(ratios), target, harness.Verdict(ratio >= target), mck.Throughput/bare.Throughput, floor.Throughput/bare.Throughput)
		fmt.Fprintf(w, "- CPU per backup beyond the floor's: %s (mock %s, floor %s)\n\n", harness.Us(mck.serverCPU-floor.serverCPU), harness.Us(mck.serverCPU), harness.Us(floor.serverCPU))
		if ratio < target {
			missed = append(missed, fmt.Sprintf("%s mock/floor %.3f < %.2f", mode, ratio, target))
		}
		if mode == "token" {
			pf, pm, err := paced(ctx, servers, floor.Throughput/2, o)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "### token, paced at half the floor's throughput (%.0f req/s)\n\n| server | p50 | p99 |\n|---|---:|---:|\n| floor | %s | %s |\n| mock | %s | %s |\n\n",
				floor.Throughput/2, harness.Ms(pf.P50), harness.Ms(pf.P99), harness.Ms(pm.P50), harness.Ms(pm.P99))
			pr := float64(pm.P99) / float64(pf.P99)
			fmt.Fprintf(w, "- mock p99 / floor p99 **%.2f** (target ≤ %.1f: %s)\n\n", pr, p99Target, harness.Verdict(pr <= p99Target))
			if pr > p99Target {
				missed = append(missed, fmt.Sprintf("paced p99 ratio %.2f > %.1f", pr, p99Target))
			}
		}
	}
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(rep.String()), 0o644); err != nil {
			return err
		}
	}
	if o.check && len(missed) > 0 {
		return fmt.Errorf("targets missed: %s", strings.Join(missed, "; "))
	}
	return nil
}

type server struct {
	name, bin string
	args      []string
}

// result is a run of wrk against a server, with the server's CPU time per request.
type result struct {
	wrk.Result
	serverCPU  time.Duration
	firstError string
}

// load starts the server, warms it up, and runs wrk against it once.
func (s server) load(o options, script string) (result, error) {
	p, err := harness.Start(s.bin, 30*time.Second, s.args...)
	if err != nil {
		return result{}, err
	}
	defer p.Stop()
	url := p.URL + backupPath
	wo := wrk.Options{Threads: o.threads, Connections: o.connections}
	if o.warmup > 0 {
		if _, err := wrk.Run(wo, script, url, o.warmup); err != nil {
			return result{}, err
		}
	}
	r, cpu, err := harness.Measure(p, func() (wrk.Result, error) { return wrk.Run(wo, script, url, o.duration) })
	return result{Result: r, serverCPU: cpu}, err
}

// wrkScript writes the Lua script that makes each request a backup of the demo secret, with
// the demo token or signed with the demo AK/SK as the official SDK signs (X-Project-Id and the
// date signed). A signature stays valid for the run: the mock verifies it on every request.
func wrkScript(dir, mode string) (string, error) {
	headers := map[string]string{"Content-Type": "application/json"}
	if mode == "token" {
		headers["X-Auth-Token"] = mock.DemoToken
	} else {
		req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1"+backupPath, nil)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Project-Id", mock.DemoProjectID)
		if err := aksk.Sign(req, mock.DemoAK, mock.DemoSK, time.Now(), "x-project-id"); err != nil {
			return "", err
		}
		for _, h := range []string{"Authorization", "X-Sdk-Date", "X-Project-Id"} {
			headers[h] = req.Header.Get(h)
		}
	}
	var b strings.Builder
	b.WriteString("wrk.method = \"POST\"\n")
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range headers {
			if !yield(k) {
				return
			}
		}
	}) {
		fmt.Fprintf(&b, "wrk.headers[%q] = %q\n", k, headers[k])
	}
	file := filepath.Join(dir, mode+".lua")
	return file, os.WriteFile(file, []byte(b.String()), 0o600)
}

// mockAnswer starts the mock once and returns the body of one backup answer and the size of
// the plaintext it sealed (the ciphertext's length less its CBC padding, to the block).
func mockAnswer(mockBin string) ([]byte, int, error) {
	p, err := harness.Start(mockBin, 30*time.Second, "serve", "--addr", "127.0.0.1:0")
	if err != nil {
		return nil, 0, err
	}
	defer p.Stop()
	req, _ := http.NewRequest(http.MethodPost, p.URL+backupPath, nil)
	req.Header.Set("X-Auth-Token", mock.DemoToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		return nil, 0, fmt.Errorf("backup: %d %v: %s", res.StatusCode, err, body)
	}
	segs := strings.Split(string(body), ".")
	if len(segs) < 6 {
		return nil, 0, fmt.Errorf("backup: not a JWE: %.80s", body)
	}
	ct, err := base64.RawURLEncoding.DecodeString(segs[len(segs)-2])
	if err != nil {
		return nil, 0, err
	}
	return body, len(ct) - 8, nil
}

func median(rs []result) result {
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b result) int { return cmp.Compare(a.Throughput, b.Throughput) })
	return s[len(s)/2]
}
