// Command ops measures every CSMS operation of the contract against its own floor. For each
// operation it starts two processes on loopback and gives both the same secrets:
//
//   - floor: bench/cmd/floor -ops, net/http doing the operation's store work (the mock's own
//     secrets service over the in-memory store) and encoding its answer with encoding/json;
//   - mock: csmsmock serve with the contract kept in full (request checked, credentials
//     verified, journaled, access-logged, answer checked against the spec).
//
// It then drives them with wrk (-t2 -c32) in rounds of floor, mock, floor; a round's ratio is
// the mock's throughput over the mean of the floor runs beside it, the median of the rounds is
// reported, with each server's CPU time per request from its own process. A write that cannot
// repeat on one resource (a delete, a scheduled deletion, a restore, a stage's removal, an
// event's or a grant's creation, a password change) runs in pairs over what each wrk thread
// owns (a project, a grantee, a user): the write, then its undoing, of a resource done with
// long before; the row measures both, and -only selects it by either name. A run fails on any answer but a 2xx and on any contract violation the
// mock recorded.
//
//	go run ./cmd/ops [-rounds 3] [-duration 5s] [-warmup 1s] [-only ShowSecret,ListSecrets] [-smoke] [-check] [-out FILE]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/bench/internal/wrk"
)

// floorTarget is the least ratio to its floor an operation should keep (BENCHMARKS.md says
// why those below it are).
const floorTarget = 0.5

// listTarget is the least throughput of a list page of 50 over that of a single read.
const listTarget = 0.25

type options struct {
	rounds          int
	duration        time.Duration
	warmup          time.Duration
	wrk             wrk.Options
	only            map[string]bool
	check, oneFloor bool
	out             string
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ops:", err)
		os.Exit(1)
	}
}

func run() error {
	var o options
	smoke := flag.Bool("smoke", false, "a quick run for CI: one floor and one mock run of 1 s per operation")
	only := flag.String("only", "", "comma-separated operations to measure (all when empty)")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds per operation, each floor, mock, floor")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "measured time of each run")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured load before each run")
	flag.IntVar(&o.wrk.Connections, "connections", 32, "wrk's connections")
	flag.IntVar(&o.wrk.Threads, "threads", 2, "wrk's threads")
	flag.BoolVar(&o.check, "check", false, "exit 1 when an operation is below its target")
	flag.StringVar(&o.out, "out", "", "also write the report to this `file`")
	flag.Parse()
	if *smoke {
		o.rounds, o.duration, o.warmup, o.oneFloor = 1, time.Second, 0, true
	}
	if *only != "" {
		o.only = map[string]bool{}
		for name := range strings.SplitSeq(*only, ",") {
			o.only[strings.TrimSpace(name)] = true
		}
	}
	if err := wrk.Installed(); err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	tmp, mockBin, cleanup, err := harness.BuildMock(ctx, "ops")
	if err != nil {
		return err
	}
	defer cleanup()
	floorBin, err := harness.Build(ctx, harness.ModuleDir(), "./cmd/floor", tmp)
	if err != nil {
		return err
	}
	fixtures := filepath.Join(tmp, "fixtures.yaml")
	// A user per connection, for a paired write runs as many wrk threads.
	if err := os.WriteFile(fixtures, []byte(harness.CredentialFixtures+userFixtures(o.wrk.Connections)), 0o600); err != nil {
		return err
	}
	servers := []server{
		{name: "floor", bin: floorBin, args: []string{"-ops", "-addr", "127.0.0.1:0", "-users", strconv.Itoa(o.wrk.Connections)}},
		{name: "mock", bin: mockBin, args: []string{"serve", "--addr", "127.0.0.1:0", "--fixtures", fixtures}, isMock: true},
	}

	var rep strings.Builder
	w := io.MultiWriter(os.Stdout, &rep)
	runs := "floor, mock, floor"
	if o.oneFloor {
		runs = "floor, mock"
	}
	fmt.Fprintf(w, "## Operations against their floors\n\nMachine: %s. wrk -t%d -c%d, %s per run after %s of warm-up, %d round(s) of %s; medians.\n\n",
		harness.Machine(), o.wrk.Threads, o.wrk.Connections, o.duration, o.warmup, o.rounds, runs)
	fmt.Fprintf(w, "| operation | kind | mock req/s | floor req/s | mock/floor | mock CPU/req | floor CPU/req | rounds |\n|---|---|---:|---:|---:|---:|---:|---|\n")
	var below []string
	mockThroughput := map[string]float64{}
	for _, op := range operations() {
		if o.only != nil && !o.only[op.name] && (op.partner == "" || !o.only[op.partner]) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		m, err := measure(op, servers, o, tmp)
		if err != nil {
			return fmt.Errorf("%s: %w", op.name, err)
		}
		ratio := harness.Median(m.ratios)
		mockThroughput[op.name] = m.mock.Throughput
		fmt.Fprintf(w, "| %s | %s | %.0f | %.0f | **%.2f** | %s | %s | %s |\n", op.name, op.kind, m.mock.Throughput, m.floor.Throughput,
			ratio, harness.Us(m.mock.cpu), harness.Us(m.floor.cpu), harness.FormatRatios(m.ratios))
		if ratio < floorTarget {
			below = append(below, fmt.Sprintf("%s %.2f", op.name, ratio))
		}
	}
	fmt.Fprintf(w, "\nBelow %.1f of the floor: %s.\n", floorTarget, orNone(below))
	if list, read := mockThroughput["ListSecrets"], mockThroughput["ShowSecretVersion"]; list > 0 && read > 0 {
		fmt.Fprintf(w, "\nA list page of 50 against a read (ListSecrets over ShowSecretVersion, the mock's): **%.2f** (target ≥ %.2f: %s).\n",
			list/read, listTarget, harness.Verdict(list/read >= listTarget))
		if o.check && list/read < listTarget {
			below = append(below, fmt.Sprintf("ListSecrets %.2f of a read", list/read))
		}
	}
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(rep.String()), 0o644); err != nil {
			return err
		}
	}
	if o.check && len(below) > 0 {
		return errors.New("operations below their target: " + strings.Join(below, ", "))
	}
	return nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
