// Command load is csmskit's load benchmark. In one run it builds the csmsmock binary and a bare
// net/http baseline (bench/cmd/bare), starts each as a process of its own on the loopback
// interface, and drives both with vegeta at the same concurrency for the same time:
//
//   - token: POST /v1/{project_id}/secrets/demo-secret/backup with the demo X-Auth-Token;
//   - aksk: the same call signed afresh with the demo AK/SK (SDK-HMAC-SHA256) for every request.
//
// The mock authenticates every call, validates it against the contract, seals a fresh
// RSA-OAEP-256 + A128CBC-HS256 blob, journals it and checks its own answer; the baseline writes a
// fixed body of the same size. For each it prints throughput, p50/p99 latency and peak RSS
// (VmHWM), and the ratio mock/bare. Then it paces both servers, over the same connections, at
// fixed fractions of the bare server's token throughput and prints their latency there (the
// p99 target is judged at half of it). Last it measures start-up (exec to the first 200 on the
// backup call). It fails on any non-200 answer, on two equal blobs from the mock (a cached blob)
// and on any contract violation the mock recorded; with -check also on a missed target.
//
//	go run ./cmd/load [-duration 10s] [-concurrency 32] [-rounds 5] [-pace 0.25,0.375,0.5] [-startups 10] [-smoke] [-check]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/mock"
)

// The targets this benchmark checks (BENCHMARKS.md).
const (
	tokenRatioTarget = 0.50
	akskRatioTarget  = 0.40
	p99Target        = 5 * time.Millisecond
	startupTarget    = 100 * time.Millisecond
)

const backupPath = "/v1/" + mock.DemoProjectID + "/secrets/" + mock.DemoSecretName + "/backup"

type options struct {
	duration, warmup time.Duration
	concurrency      int
	rounds           int
	startups         int
	modes            []string
	paceFractions    []float64
	check            bool
	out              string
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// run is the benchmark's steps in the order they run: build, load, pace, start-up, report. It is
// one function on purpose: split, the steps would only pass their options and findings to one
// another.
func run() error {
	var o options
	smoke := flag.Bool("smoke", false, "a few-second run for CI: -duration 1s -warmup 200ms -rounds 1 -startups 3 -pace 0.5")
	modes := flag.String("modes", "token,aksk", "comma-separated modes: token, aksk")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measured time of each run")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured load before each run")
	flag.IntVar(&o.concurrency, "concurrency", 32, "concurrent requests (and connections)")
	flag.IntVar(&o.rounds, "rounds", 5, "rounds per mode, each bare, mock, bare; the median runs and the median of the rounds' ratios are reported")
	flag.IntVar(&o.startups, "startups", 10, "start-up measurements per server")
	pace := flag.String("pace", "0.25,0.375,0.5", "comma-separated fractions of bare's token throughput to pace both servers at (empty: none); the p99 target is judged at 0.5")
	flag.BoolVar(&o.check, "check", false, "exit 1 when a target is missed")
	flag.StringVar(&o.out, "out", "", "also write the report to this `file`")
	flag.Parse()
	if *smoke {
		o.duration, o.warmup, o.rounds, o.startups = time.Second, 200*time.Millisecond, 1, 3
		*pace = "0.5"
	}
	for _, f := range strings.Split(*pace, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || v <= 0 || v > 1 {
			return fmt.Errorf("-pace: %q is not a fraction in (0, 1]", f)
		}
		o.paceFractions = append(o.paceFractions, v)
	}
	o.modes = strings.Split(*modes, ",")
	for _, m := range o.modes {
		if m != "token" && m != "aksk" {
			return fmt.Errorf("unknown mode %q", m)
		}
	}
	if o.duration <= 0 || o.concurrency < 1 || o.rounds < 1 || o.startups < 0 {
		return errors.New("-duration, -concurrency and -rounds must be positive")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	tmp, err := os.MkdirTemp("", "csmskit-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	mockBin, bareBin, err := harness.BuildServers(ctx, tmp)
	if err != nil {
		return err
	}

	var rep strings.Builder
	w := io.MultiWriter(os.Stdout, &rep)
	fmt.Fprintf(w, "## Load benchmark\n\nMachine: %s. Concurrency %d, %s per run after %s of warm-up, %d round(s), the median round shown.\n\n",
		harness.Machine(), o.concurrency, o.duration, o.warmup, o.rounds)

	// The baseline answers with a body of exactly the size of one of the mock's.
	bodyFile := filepath.Join(tmp, "body.json")
	if err := captureBackupBody(mockBin, bodyFile); err != nil {
		return err
	}
	body, _ := os.ReadFile(bodyFile)
	fmt.Fprintf(w, "Body: %d bytes (`{\"secret_blob\":…}` of the demo secret).\n\n", len(body))

	servers := []server{
		{name: "bare", bin: bareBin, args: []string{"-addr", "127.0.0.1:0", "-body", bodyFile}},
		{name: "mock", bin: mockBin, args: []string{"serve", "--addr", "127.0.0.1:0"}},
	}
	var failures, missed []string
	var paced []pacedRun

	fmt.Fprintln(w, "| mode | server | requests | non-200 | distinct bodies | req/s | p50 | p99 | peak RSS | server CPU/req | client CPU/req |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	var summary []string
	for _, mode := range o.modes {
		// The machine's speed drifts from one minute to the next, so each round runs
		// bare, mock, bare, and compares the mock with the mean of the two bare runs around
		// it (which cancels a drift that is steady over the round); the ratio judged is the
		// median of the rounds' ratios.
		runs := map[string][]result{}
		var ratios []float64
		for range o.rounds {
			var round []result
			for _, s := range []server{servers[0], servers[1], servers[0]} {
				res, err := s.load(mode, o, vegeta.Rate{})
				if err != nil {
					return fmt.Errorf("%s %s: %w", mode, s.name, err)
				}
				runs[s.name] = append(runs[s.name], res)
				failures = append(failures, res.problems(s.name, mode)...)
				round = append(round, res)
			}
			ratios = append(ratios, round[1].throughput/((round[0].throughput+round[2].throughput)/2))
		}
		bare, mck := median(runs["bare"]), median(runs["mock"])
		for _, r := range []struct {
			name string
			res  result
		}{{"bare", bare}, {"mock", mck}} {
			fmt.Fprintf(w, "| %s | %s | %d | %d | %d | %.0f | %s | %s | %s | %s | %s |\n", mode, r.name, r.res.requests,
				r.res.failed, r.res.distinct, r.res.throughput, harness.Ms(r.res.p50), harness.Ms(r.res.p99), harness.MiB(r.res.peakRSS),
				us(r.res.serverCPU), us(r.res.clientCPU))
		}
		sorted := slices.Sorted(slices.Values(ratios))
		ratio := sorted[len(sorted)/2]
		target := tokenRatioTarget
		if mode == "aksk" {
			target = akskRatioTarget
		}
		line := fmt.Sprintf("%s: mock/bare throughput %.2f, the median of %d rounds' ratios %s (target ≥ %.2f: %s)",
			mode, ratio, len(ratios), formatRatios(ratios), target, harness.Verdict(ratio >= target))
		if ratio < target {
			missed = append(missed, line)
		}
		line += fmt.Sprintf("; peak RSS mock/bare %.1f×", float64(mck.peakRSS)/float64(bare.peakRSS))
		summary = append(summary, line)
		if mode == "token" {
			for _, f := range o.paceFractions {
				paced = append(paced, pacedRun{fraction: f, rate: int(math.Round(f * bare.throughput))})
			}
		}
	}
	fmt.Fprintln(w)
	for _, s := range summary {
		fmt.Fprintln(w, "- "+s)
	}

	// Latency is judged at the throughput the target asks for: in a closed loop the server is
	// always saturated and the latency is mostly queueing (requests in flight / throughput), so
	// the p99 above says how long a request waits behind the others in flight, not how fast the
	// server answers at a given load. Here the same connections send at fixed rates, fractions of
	// the bare server's throughput measured above; a run counts only if its rate was kept.
	if len(paced) > 0 {
		fmt.Fprintf(w, "\n### token, paced at fractions of bare's throughput, %d connections\n\n", o.concurrency)
		fmt.Fprintln(w, "| fraction | server | offered req/s | answered req/s | p50 | p90 | p99 | max | server CPU/req | client CPU/req |")
		fmt.Fprintln(w, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	}
	var pacedLines []string
	p99Judged := false
	for i := range paced {
		pr := &paced[i]
		for _, s := range servers {
			res, err := s.load("token", o, vegeta.Rate{Freq: pr.rate, Per: time.Second})
			if err != nil {
				return fmt.Errorf("paced token %s: %w", s.name, err)
			}
			failures = append(failures, res.problems(s.name, "paced token")...)
			fmt.Fprintf(w, "| %.3g | %s | %d | %.0f | %s | %s | %s | %s | %s | %s |\n", pr.fraction, s.name, pr.rate, res.throughput,
				harness.Ms(res.p50), harness.Ms(res.p90), harness.Ms(res.p99), harness.Ms(res.max), us(res.serverCPU), us(res.clientCPU))
			if s.name == "mock" {
				pr.mock = res
			}
		}
		kept := pr.mock.throughput >= 0.98*float64(pr.rate)
		met := kept && pr.mock.p99 <= p99Target
		rate := "rate kept"
		if !kept {
			rate = "rate NOT kept"
		}
		line := fmt.Sprintf("token paced at %.3g of bare (%d req/s): mock answered %.0f req/s (%s), p99 %s (≤ %s: %s)",
			pr.fraction, pr.rate, pr.mock.throughput, rate, harness.Ms(pr.mock.p99), harness.Ms(p99Target), harness.Verdict(met))
		if pr.fraction == tokenRatioTarget {
			p99Judged = true
			if !met {
				missed = append(missed, line)
			}
		}
		pacedLines = append(pacedLines, line)
	}
	if !p99Judged && slices.Contains(o.modes, "token") {
		pacedLines = append(pacedLines, fmt.Sprintf("the p99 target was not judged: -pace has no %.2g", tokenRatioTarget))
		missed = append(missed, "p99 not judged")
	}
	if len(pacedLines) > 0 {
		fmt.Fprintln(w)
		for _, l := range pacedLines {
			fmt.Fprintln(w, "- "+l)
		}
	}

	if o.startups > 0 {
		fmt.Fprintf(w, "\n## Start-up (exec to the first 200 on the backup call), %d starts each\n\n", o.startups)
		fmt.Fprintln(w, "| server | exec → listening (median) | exec → first 200: median | p90 | max |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|")
		// The mock as it starts by default (the demo backup key, in memory), with --data (the
		// key read from its PEM file, which the first, unmeasured start writes, and a bbolt
		// database opened) and with --fresh-key (an RSA-2048 key generated at every start).
		dataDir := filepath.Join(tmp, "data")
		kept := server{name: "mock --data (key kept)", bin: mockBin, args: []string{"serve", "--addr", "127.0.0.1:0", "--data", dataDir}}
		if _, err := kept.startup(1); err != nil {
			return fmt.Errorf("start-up of %s: %w", kept.name, err)
		}
		fresh := server{name: "mock --fresh-key", bin: mockBin, args: []string{"serve", "--addr", "127.0.0.1:0", "--fresh-key"}}
		verdict := ""
		for _, s := range append(servers, kept, fresh) {
			st, err := s.startup(o.startups)
			if err != nil {
				return fmt.Errorf("start-up of %s: %w", s.name, err)
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", s.name, harness.Ms(st.listen), harness.Ms(st.median), harness.Ms(st.p90), harness.Ms(st.max))
			if s.name == "mock" {
				met := st.median <= startupTarget
				verdict = fmt.Sprintf("\n- mock start-up median %s (target ≤ %s: %s; max %s)\n", harness.Ms(st.median), harness.Ms(startupTarget), harness.Verdict(met), harness.Ms(st.max))
				if !met {
					missed = append(missed, "start-up median "+harness.Ms(st.median))
				}
			}
		}
		fmt.Fprint(w, verdict)
	}

	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(rep.String()), 0o644); err != nil {
			return err
		}
	}
	if len(failures) > 0 {
		return fmt.Errorf("the run failed:\n  %s", strings.Join(failures, "\n  "))
	}
	if o.check && len(missed) > 0 {
		return fmt.Errorf("targets missed:\n  %s", strings.Join(missed, "\n  "))
	}
	return nil
}

// formatRatios lists ratios in round order.
func formatRatios(rs []float64) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%.2f", r)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// us formats a duration in microseconds.
func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond)) }
