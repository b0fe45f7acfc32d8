// Command flat measures whether a list page costs what it returns: one csmsmock process per
// store (memory, bbolt, PostgreSQL) holds four projects, of 5 and of 500 secrets whose
// secrets hold 1 or 20 versions of 4 KiB, and wrk asks each for the same page of five
// (GET …/secrets?limit=5) in turn, the order turning each round. A project's ratio in a round is
// its throughput over the small project's (5 secrets of 1 version) in that round; the median
// over the rounds is reported. The page is flat when every ratio is within 10% of 1.
//
// The PostgreSQL database is CSMS_BENCH_POSTGRES_URL, else CSMS_TEST_POSTGRES_URL (a fresh
// schema); without either it is left out and said to be. A run fails on any answer but a 200
// and on any contract violation the mock recorded.
//
//	go run ./cmd/flat [-rounds 5] [-duration 3s] [-stores memory,bolt,postgres] [-check] [-smoke] [-out FILE]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/bench/internal/pgschema"
	"github.com/csmskit/csmskit/bench/internal/seed"
	"github.com/csmskit/csmskit/bench/internal/wrk"
)

// The projects every store holds; the first is the one the others are set against.
var projects = []seed.Project{
	{ID: "f5v1" + strings.Repeat("0", 28), First: 0, Count: 5, Versions: 1, Size: 4 << 10},
	{ID: "f5v20" + strings.Repeat("0", 27), First: 0, Count: 5, Versions: 20, Size: 4 << 10},
	{ID: "f500v1" + strings.Repeat("0", 26), First: 0, Count: 500, Versions: 1, Size: 4 << 10},
	{ID: "f500v20" + strings.Repeat("0", 25), First: 0, Count: 500, Versions: 20, Size: 4 << 10},
}

// tolerance is how far from the small project's throughput a page may be.
const tolerance = 0.10

type options struct {
	rounds   int
	duration time.Duration
	stores   []string
	postgres string
	check    bool
	out      string
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "flat:", err)
		os.Exit(1)
	}
}

func run() error {
	var o options
	flag.IntVar(&o.rounds, "rounds", 5, "rounds over the four projects")
	flag.DurationVar(&o.duration, "duration", 3*time.Second, "measured time of each page's load")
	stores := flag.String("stores", "memory,bolt,postgres", "comma-separated stores: memory, bolt, postgres")
	flag.BoolVar(&o.check, "check", false, "exit 1 when a page is not flat")
	flag.StringVar(&o.out, "out", "", "also write the report to this `file`")
	smoke := flag.Bool("smoke", false, "a quick run for CI: one round of 1 s")
	flag.Parse()
	if *smoke {
		o.rounds, o.duration = 1, time.Second
	}
	var left string
	var err error
	if o.stores, o.postgres, left, err = pgschema.Stores(*stores); err != nil {
		return err
	}
	if err := wrk.Installed(); err != nil {
		return err
	}
	ctx := context.Background()
	tmp, bin, cleanup, err := harness.BuildMock(ctx, "flat")
	if err != nil {
		return err
	}
	defer cleanup()

	var rep strings.Builder
	w := io.MultiWriter(os.Stdout, &rep)
	fmt.Fprintf(w, "## A page of five as the project grows\n\nMachine: %s. wrk -t2 -c32, %s per load, %d round(s); ratios to the project of 5 secrets of 1 version, medians.\n\n",
		harness.Machine(), o.duration, o.rounds)
	fmt.Fprintf(w, "| store | 5 secrets × 1 version | 5 × 20 versions | 500 × 1 | 500 × 20 |\n|---|---:|---:|---:|---:|\n")
	var unflat []string
	for _, st := range o.stores {
		thr, ratios, err := measure(ctx, st, bin, tmp, o)
		if err != nil {
			return fmt.Errorf("%s: %w", st, err)
		}
		cells := []string{fmt.Sprintf("%.0f pages/s", thr)}
		for i, r := range ratios[1:] {
			cells = append(cells, fmt.Sprintf("%.2f", r))
			if math.Abs(r-1) > tolerance {
				p := projects[i+1]
				unflat = append(unflat, fmt.Sprintf("%s %d×%d: %.2f", st, p.Count, p.Versions, r))
			}
		}
		fmt.Fprintf(w, "| %s | %s |\n", st, strings.Join(cells, " | "))
	}
	verdict := "met"
	if len(unflat) > 0 {
		verdict = "MISSED: " + strings.Join(unflat, "; ")
	}
	fmt.Fprintf(w, "\nTarget (every page within %.0f%% of the small project's throughput): %s.\n", tolerance*100, verdict)
	if left != "" {
		fmt.Fprintf(w, "\n%s.\n", left)
	}
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(rep.String()), 0o644); err != nil {
			return err
		}
	}
	if o.check && len(unflat) > 0 {
		return errors.New("a page is not flat")
	}
	return nil
}

// measure serves the projects from store st and returns the small project's median
// throughput and each project's median ratio to it.
func measure(ctx context.Context, st, bin, dir string, o options) (float64, []float64, error) {
	credentials := filepath.Join(dir, "credentials.yaml")
	if err := os.WriteFile(credentials, []byte(harness.CredentialFixtures), 0o600); err != nil {
		return 0, nil, err
	}
	args := []string{"serve", "--addr", "127.0.0.1:0"}
	switch st {
	case "memory":
		fixtures := filepath.Join(dir, "fixtures.yaml")
		if err := seed.Fixtures(fixtures, projects); err != nil {
			return 0, nil, err
		}
		args = append(args, "--fixtures", fixtures)
	case "bolt":
		data := filepath.Join(dir, "bolt")
		if err := seed.Bolt(data, projects); err != nil {
			return 0, nil, err
		}
		args = append(args, "--data", data, "--fixtures", credentials)
	case "postgres":
		db, drop, err := pgschema.Fresh(o.postgres, 0)
		if err != nil {
			return 0, nil, err
		}
		defer drop()
		if err := seed.Postgres(ctx, db, projects); err != nil {
			return 0, nil, err
		}
		args = append(args, "--data", db, "--fixtures", credentials)
	}
	proc, err := harness.Start(bin, 2*time.Minute, args...)
	if err != nil {
		return 0, nil, err
	}
	defer proc.Stop()
	client := &http.Client{Timeout: 5 * time.Second}
	last := projects[len(projects)-1]
	if _, err := harness.WaitOK(client, func() (*http.Request, error) {
		req, err := http.NewRequest(http.MethodGet, proc.URL+"/v1/"+last.ID+"/secrets?limit=5", nil)
		if err == nil {
			req.Header.Set("X-Auth-Token", harness.Token)
		}
		return req, err
	}, 10*time.Millisecond, 2*time.Minute); err != nil {
		return 0, nil, err
	}

	scripts := make([]string, len(projects))
	for i, p := range projects {
		scripts[i] = filepath.Join(dir, p.ID+".lua")
		lua := fmt.Sprintf("wrk.method = \"GET\"\nwrk.path = \"/v1/%s/secrets?limit=5\"\nwrk.headers[\"X-Auth-Token\"] = %q\n", p.ID, harness.Token)
		if err := os.WriteFile(scripts[i], []byte(lua), 0o600); err != nil {
			return 0, nil, err
		}
	}
	opts := wrk.Options{Threads: 2, Connections: 32}
	// A warm-up of each page, unmeasured.
	for _, s := range scripts {
		if _, err := wrk.Run(opts, s, proc.URL, time.Second); err != nil {
			return 0, nil, err
		}
	}
	base := make([]float64, 0, o.rounds)
	ratios := make([][]float64, len(projects))
	for round := range o.rounds {
		thr := make([]float64, len(projects))
		for k := range projects {
			i := (k + round) % len(projects)
			r, err := wrk.Run(opts, scripts[i], proc.URL, o.duration)
			if err != nil {
				return 0, nil, err
			}
			if r.Non2xx > 0 || r.SocketErrors > 0 {
				return 0, nil, fmt.Errorf("%s: %d answers not 2xx, %d socket errors of %d requests", projects[i].ID, r.Non2xx, r.SocketErrors, r.Requests)
			}
			thr[i] = r.Throughput
		}
		base = append(base, thr[0])
		for i := range projects {
			ratios[i] = append(ratios[i], thr[i]/thr[0])
		}
	}
	if v, err := harness.Violations(proc.URL); err != nil || v > 0 {
		return 0, nil, fmt.Errorf("%d contract violations recorded (%v)", v, err)
	}
	medians := make([]float64, len(projects))
	for i := range projects {
		medians[i] = harness.Median(ratios[i])
	}
	return harness.Median(base), medians, nil
}
