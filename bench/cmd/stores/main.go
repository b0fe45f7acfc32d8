// Command stores compares csmsmock's stores in one run: it builds csmsmock, starts it as a
// process on memory, on bbolt (--data DIR) and on PostgreSQL (--data postgres://…), and drives
// each with vegeta at the same concurrency for the same time with token-authenticated backups
// of the demo secret, printing throughput and p50/p99 latency. Then it runs 1, 2 and 3 replicas
// on one database, the load spread round-robin over them, and one replica at several pool
// sizes (pool_max_conns), to size a deployment. Each PostgreSQL run gets a fresh schema. Each
// line also gives the CPU time per backup of the mock processes and, when the database runs on
// this machine, of its server processes.
//
// The database is CSMS_BENCH_POSTGRES_URL, else CSMS_TEST_POSTGRES_URL; without either the
// PostgreSQL runs are left out (and said to be).
//
//	go run ./cmd/stores [-duration 5s] [-concurrency 32] [-replicas 1,2,3] [-pools 2,4,8,16] [-smoke]
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/bench/internal/pgschema"
	"github.com/csmskit/csmskit/mock"
)

const backupPath = "/v1/" + mock.DemoProjectID + "/secrets/" + mock.DemoSecretName + "/backup"

type options struct {
	duration, warmup time.Duration
	concurrency      int
	replicas, pools  []int
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "stores:", err)
		os.Exit(1)
	}
}

func run() error {
	var o options
	smoke := flag.Bool("smoke", false, "a few-second run for CI: -duration 1s -warmup 200ms -replicas 2 -pools 4")
	replicas := flag.String("replicas", "1,2,3", "replica counts to run on one database")
	pools := flag.String("pools", "2,4,8,16", "pool sizes (pool_max_conns) to run one replica at")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "measured time of each run")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured load before each run")
	flag.IntVar(&o.concurrency, "concurrency", 32, "concurrent requests (and connections)")
	flag.Parse()
	if *smoke {
		o.duration, o.warmup, *replicas, *pools = time.Second, 200*time.Millisecond, "2", "4"
	}
	var err error
	if o.replicas, err = ints(*replicas); err != nil {
		return err
	}
	if o.pools, err = ints(*pools); err != nil {
		return err
	}

	dir, err := os.MkdirTemp("", "csmskit-bench-stores-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := harness.Build(context.Background(), harness.MainModuleDir(), harness.MockPackage, dir)
	if err != nil {
		return err
	}
	fmt.Printf("%s; %d connections, %s per run after %s of warm-up\n", harness.Machine(), o.concurrency, o.duration, o.warmup)
	fmt.Printf("%-34s %10s %10s %10s %12s %12s\n", "store", "backups/s", "p50", "p99", "mock CPU/op", "db CPU/op")

	if err := measure(o, bin, "memory", 1, nil); err != nil {
		return err
	}
	if err := measure(o, bin, "bbolt", 1, []string{"--data", dir + "/bolt"}); err != nil {
		return err
	}
	base := pgschema.BaseURL()
	if base == "" {
		fmt.Println("postgres: left out (set CSMS_BENCH_POSTGRES_URL or CSMS_TEST_POSTGRES_URL)")
		return nil
	}
	for _, n := range o.replicas {
		db, drop, err := pgschema.Fresh(base, 0)
		if err != nil {
			return err
		}
		err = measure(o, bin, fmt.Sprintf("postgres, %d replica(s)", n), n, []string{"--data", db})
		drop()
		if err != nil {
			return err
		}
	}
	for _, size := range o.pools {
		db, drop, err := pgschema.Fresh(base, size)
		if err != nil {
			return err
		}
		err = measure(o, bin, fmt.Sprintf("postgres, 1 replica, pool %d", size), 1, []string{"--data", db})
		drop()
		if err != nil {
			return err
		}
	}
	return nil
}

// measure starts n csmsmock processes with args, loads them round-robin and prints a line.
func measure(o options, bin, name string, n int, args []string) error {
	var urls []string
	var procs []*harness.Proc
	for range n {
		p, err := harness.Start(bin, 60*time.Second, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error"}, args...)...)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		defer p.Stop()
		urls = append(urls, p.URL)
		procs = append(procs, p)
	}
	var next atomic.Uint64
	tr := func(t *vegeta.Target) error {
		t.Method = http.MethodPost
		t.URL = urls[next.Add(1)%uint64(len(urls))] + backupPath
		t.Header = http.Header{"X-Auth-Token": []string{mock.DemoToken}}
		return nil
	}
	// An attacker stops for good after one attack: one each.
	atk := func() *vegeta.Attacker {
		return vegeta.NewAttacker(vegeta.Workers(uint64(o.concurrency)), vegeta.MaxWorkers(uint64(o.concurrency)),
			vegeta.Connections(o.concurrency), vegeta.MaxConnections(o.concurrency), vegeta.KeepAlive(true),
			vegeta.HTTP2(false), vegeta.Timeout(30*time.Second))
	}
	for range atk().Attack(tr, vegeta.Rate{}, o.warmup, "warmup") {
	}
	mockCPU0, dbCPU0 := cpuOf(procs), pgschema.ServerCPU()
	var m vegeta.Metrics
	for r := range atk().Attack(tr, vegeta.Rate{}, o.duration, name) {
		m.Add(r)
	}
	m.Close()
	perBackup := func(d time.Duration) string {
		if m.Requests == 0 {
			return "-"
		}
		return fmt.Sprintf("%.0f µs", float64(d.Microseconds())/float64(m.Requests))
	}
	mockCPU, dbCPU := perBackup(cpuOf(procs)-mockCPU0), perBackup(pgschema.ServerCPU()-dbCPU0)
	if m.Success < 1 {
		return fmt.Errorf("%s: %d of %d backups failed: %v", name, int(float64(m.Requests)*(1-m.Success)), m.Requests, m.Errors)
	}
	fmt.Printf("%-34s %10.0f %10s %10s %12s %12s\n", name, m.Throughput, harness.Ms(m.Latencies.P50), harness.Ms(m.Latencies.P99), mockCPU, dbCPU)
	return nil
}

// cpuOf is the CPU time the mock processes have used so far.
func cpuOf(procs []*harness.Proc) time.Duration {
	var total time.Duration
	for _, p := range procs {
		d, _ := p.CPUTime()
		total += d
	}
	return total
}

func ints(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q: want positive integers separated by commas", s)
		}
		out = append(out, n)
	}
	return out, nil
}
