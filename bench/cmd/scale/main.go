// Command scale measures the mock as its store grows: for each store (memory, bbolt, and
// PostgreSQL with one replica and with three) and each
// number of secrets (1k, 10k, 100k by default, spread over projects of 500, the quota, each
// secret one version of -size characters) it reports
//
//   - start-up: exec of csmsmock to the first 200 on a read, median of -starts starts: for the
//     memory store this loads the secrets from a fixtures file; for bbolt it opens a database
//     written before (in one transaction per project, secrets.ImportAll);
//   - resident memory (VmRSS) of that process once started, and after the loads below;
//   - memory per secret beyond its value: the live heap (the objects still reachable) after a
//     full collection of a mock holding the secrets, in this process (mock.New), less an empty
//     mock's, less the values' bytes, per secret; beside it the same of the heap's spans in use
//     (HeapInuse, as cmd/memory measures), which is more by the gaps the garbage of the load
//     leaves among them; for bbolt, whose records the operating system maps rather than the
//     heap holding them, also the database file per secret;
//   - the throughput of a read (ShowSecretVersion), a list page (ListSecrets, 50 of a project
//     of 500) and a backup (DownloadSecretBlob) of secrets drawn at random, with wrk -t2 -c32;
//     three replicas are driven together, each by a wrk with a third of the connections, and
//     their throughputs added, to set against one replica's.
//
// The PostgreSQL database is CSMS_BENCH_POSTGRES_URL, else CSMS_TEST_POSTGRES_URL (each point a
// fresh schema); without either, the PostgreSQL points are left out and said to be.
//
// A run fails on any answer but a 200 and on any contract violation the mock recorded.
//
//	go run ./cmd/scale [-secrets 1000,10000,100000] [-stores memory,bolt,postgres] [-size 64] [-duration 5s] [-starts 3] [-smoke] [-out FILE]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/bench/internal/pgschema"
	"github.com/csmskit/csmskit/bench/internal/wrk"
)

// The targets BENCHMARKS.md judges.
const (
	perSecretTarget = 1 << 10         // bytes of memory per secret beyond its value
	startTarget     = 2 * time.Second // start-up from bbolt with the most secrets
)

type options struct {
	sizes    []int
	stores   []string
	size     int
	duration time.Duration
	starts   int
	wrk      wrk.Options
	out      string
	postgres string // the database's URL; empty leaves PostgreSQL out
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

func run() error {
	o := options{wrk: wrk.Options{Threads: 2, Connections: 32}}
	sizes := flag.String("secrets", "1000,10000,100000", "comma-separated numbers of secrets")
	stores := flag.String("stores", "memory,bolt,postgres", "comma-separated stores: memory, bolt, postgres")
	flag.IntVar(&o.size, "size", 64, "characters of each secret's value")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "measured time of each load")
	flag.IntVar(&o.starts, "starts", 3, "starts measured per point")
	flag.StringVar(&o.out, "out", "", "also write the report to this `file`")
	smoke := flag.Bool("smoke", false, "a quick run for CI: 1,000 secrets, loads of 1 s, one start")
	flag.Parse()
	if *smoke {
		*sizes, o.duration, o.starts = "1000", time.Second, 1
	}
	for s := range strings.SplitSeq(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-secrets: %q is not a number of secrets", s)
		}
		o.sizes = append(o.sizes, n)
	}
	var left string
	var err error
	if o.stores, o.postgres, left, err = pgschema.Stores(*stores); err != nil {
		return err
	}
	if err := wrk.Installed(); err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	tmp, mockBin, cleanup, err := harness.BuildMock(ctx, "scale")
	if err != nil {
		return err
	}
	defer cleanup()
	empty, err := emptyHeap(tmp)
	if err != nil {
		return err
	}

	var rep strings.Builder
	w := io.MultiWriter(os.Stdout, &rep)
	fmt.Fprintf(w, "## The mock as its store grows\n\nMachine: %s. Secrets of one version of %d characters, in projects of 500; wrk -t%d -c%d, %s per load of secrets drawn at random; start-up the median of %d.\n\n",
		harness.Machine(), o.size, o.wrk.Threads, o.wrk.Connections, o.duration, o.starts)
	fmt.Fprintf(w, "| store | secrets | start-up | resident, started / after the loads | live heap per secret beyond its value | heap in use per secret beyond its value | file per secret | reads/s | list pages/s | backups/s |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	var missed, together []string
	for _, st := range o.stores {
		replicaCounts := []int{1}
		if st == "postgres" {
			replicaCounts = []int{1, 3}
		}
		alone := map[int]point{}
		for _, replicas := range replicaCounts {
			for _, n := range o.sizes {
				if err := ctx.Err(); err != nil {
					return err
				}
				p, err := measurePoint(ctx, st, replicas, n, o, mockBin, tmp, empty)
				if err != nil {
					return fmt.Errorf("%s, %d replica(s), %d secrets: %w", st, replicas, n, err)
				}
				label := st
				if st == "postgres" {
					label = fmt.Sprintf("postgres ×%d", replicas)
				}
				if replicas == 1 {
					alone[n] = p
				} else {
					one := alone[n]
					together = append(together, fmt.Sprintf("%d secrets: reads %.2f, list pages %.2f, backups %.2f", n, p.reads/one.reads, p.lists/one.lists, p.backups/one.backups))
				}
				file := "—"
				if p.fileBytes > 0 {
					file = strconv.FormatInt(p.fileBytes/int64(n), 10) + " B"
				}
				fmt.Fprintf(w, "| %s | %d | %s | %s / %s | %d B | %d B | %s | %.0f | %.0f | %.0f |\n", label, n, harness.Ms(p.startup),
					harness.MiB(p.rssStarted), harness.MiB(p.rssAfter), p.perSecret, p.inUsePerSecret, file, p.reads, p.lists, p.backups)
				if p.perSecret > perSecretTarget {
					missed = append(missed, fmt.Sprintf("%s %d: %d B per secret beyond its value", st, n, p.perSecret))
				}
				if st == "bolt" && n == o.sizes[len(o.sizes)-1] && n >= 100000 && p.startup > startTarget {
					missed = append(missed, fmt.Sprintf("bolt %d: start-up %s", n, harness.Ms(p.startup)))
				}
			}
		}
	}
	if len(together) > 0 {
		fmt.Fprintf(w, "\nThree replicas on PostgreSQL against one, throughput of the three together: %s.\n", strings.Join(together, "; "))
	}
	if left != "" {
		fmt.Fprintf(w, "\n%s.\n", left)
	}
	fmt.Fprintf(w, "\nTargets (live heap per secret beyond its value ≤ %d B; 100,000 secrets start from bbolt in under %s): %s.\n", perSecretTarget, startTarget, missedOrMet(missed))
	if o.out != "" {
		return os.WriteFile(o.out, []byte(rep.String()), 0o644)
	}
	return nil
}

func missedOrMet(missed []string) string {
	if len(missed) == 0 {
		return "met"
	}
	return "MISSED: " + strings.Join(missed, "; ")
}

var errViolations = errors.New("contract violations recorded")
