package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/csmskit/csmskit/internal/linearizability"
	"github.com/csmskit/csmskit/internal/pgtest"
	"github.com/csmskit/csmskit/mock"
)

// Replicas on one database serve one CSMS: a history of random calls made by concurrent
// clients through several replicas must be linearizable, that is, explained by the calls
// taking effect one at a time, each at some instant between its invocation and its return, in
// a sequential model of the store written from the contract (internal/linearizability).
//
// The replicas are csmsmock processes (this test binary re-executed as `csmsmock serve`, as
// the crash tests do), each behind a front of its own that the clients reach: a load balancer
// that spreads calls at random. During the run the replicas are killed and restarted, the
// database is restarted and its connections are cut and slowed; a final read of every name at
// every replica goes into the history, so acknowledged writes that were lost fail the check.
//
// CSMS_LINEARIZABLE_DURATION sets how long the clients run (10 s by default; make
// test-linearizable runs longer). The run is cut into epochs of 5 s, each on names of its
// own: the checker's work grows fast with the calls on one name whose outcome is unknown, and
// names are checked apart. The final reads still read every name of every epoch, so what a
// later fault loses is found all the same.

const (
	linearizableClients  = 8
	linearizableReplicas = 3
	epochLength          = 5 * time.Second
)

// epochNames are the secrets the clients share in an epoch: few, so that calls meet often.
func epochNames(epoch int) []string {
	return []string{
		fmt.Sprintf("lin%d-a", epoch), fmt.Sprintf("lin%d-b", epoch),
		fmt.Sprintf("lin%d-c", epoch), fmt.Sprintf("lin%d-d", epoch),
	}
}

func TestLinearizableReplicasUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills csmsmock processes and restarts PostgreSQL")
	}
	duration := 10 * time.Second
	if s := os.Getenv("CSMS_LINEARIZABLE_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("CSMS_LINEARIZABLE_DURATION: %v", err)
		}
		duration = d
	}
	db := newFaultyDatabase(t)
	c := startCluster(t, db.url, 0)
	history := linearizability.NewHistory()

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var runs []*linearizability.Workload
	clientsDone := make(chan struct{})
	go func() {
		defer close(clientsDone)
		for epoch := 0; ctx.Err() == nil; epoch++ {
			run := c.workload(epochNames(epoch), uint64(epoch), history)
			runs = append(runs, run)
			epochCtx, cancel := context.WithTimeout(ctx, epochLength)
			run.Run(epochCtx)
			cancel()
		}
	}()
	faults := []struct {
		name string
		do   func(t *testing.T, i int)
	}{
		{"SIGKILL a replica and restart it", func(t *testing.T, i int) { c.restartReplica(t, i%linearizableReplicas) }},
		{"slow the database (25 ms each way)", func(*testing.T, int) { db.slow(1500 * time.Millisecond) }},
		{"cut every database connection, twice", func(*testing.T, int) { db.cut() }},
		{db.restartName(), func(t *testing.T, _ int) { db.restart(t) }},
	}
	// A fault a second, each at least once: on a slow machine the run lasts longer than asked.
	deadline := time.Now().Add(duration)
	for i := 0; ; i++ {
		time.Sleep(time.Second)
		if i >= len(faults) && !time.Now().Before(deadline) {
			break
		}
		f := faults[i%len(faults)]
		start := history.Now()
		f.do(t, i/len(faults))
		history.Event(f.name, start, history.Now())
		t.Logf("%5.1fs %s", time.Duration(start).Seconds(), f.name)
	}
	stop()
	<-clientsDone
	c.finish(t, history, runs, max(2*time.Minute, 2*duration), true)
}

// The checker can fail: with a read cache in each front, which answers a read it answered
// less than a second ago from memory, the same clients see stale values and the check must
// report a violation. Porcupine's page of it is written for a reader to look at.
func TestLinearizableCheckerCatchesStaleReads(t *testing.T) {
	if testing.Short() {
		t.Skip("starts csmsmock processes")
	}
	c := startCluster(t, pgtest.URL(t), time.Second)
	history := linearizability.NewHistory()
	run := c.workload(epochNames(0), 0, history)
	ctx, stop := context.WithTimeout(context.Background(), 3*time.Second)
	defer stop()
	run.Run(ctx)
	c.finish(t, history, []*linearizability.Workload{run}, time.Minute, false)
}

// cluster is the replicas, each behind its front.
type cluster struct {
	dbURL    string
	replicas []*mockProcess
	fronts   []*front
}

// startCluster starts the replicas on the database at dbURL, each behind a front that caches
// reads for staleFor (0: none).
func startCluster(t *testing.T, dbURL string, staleFor time.Duration) *cluster {
	t.Helper()
	c := &cluster{dbURL: dbURL}
	for range linearizableReplicas {
		p := startProcess(t, "--addr", "127.0.0.1:0", "--data", dbURL)
		c.replicas = append(c.replicas, p)
		c.fronts = append(c.fronts, newFront(t, p.url, staleFor))
	}
	return c
}

// restartReplica SIGKILLs replica i, calls in flight included, and starts another in its
// place.
func (c *cluster) restartReplica(t *testing.T, i int) {
	c.replicas[i].kill()
	time.Sleep(200 * time.Millisecond)
	c.replicas[i] = startProcess(t, "--addr", "127.0.0.1:0", "--data", c.dbURL)
	c.fronts[i].point(c.replicas[i].url)
}

func (c *cluster) endpoints() []string {
	out := make([]string, len(c.fronts))
	for i, f := range c.fronts {
		out[i] = f.srv.URL
	}
	return out
}

// workload is clients on names whose calls go into history.
func (c *cluster) workload(names []string, seed uint64, history *linearizability.History) *linearizability.Workload {
	endpoints := c.endpoints()
	return &linearizability.Workload{
		Client: &linearizability.Client{
			HTTP:    &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}},
			Project: mock.DemoProjectID,
			Token:   mock.DemoToken,
		},
		Endpoints: func() []string { return endpoints },
		Names:     names,
		Clients:   linearizableClients,
		Seed:      seed,
		History:   history,
	}
}

// finish reads every name of the runs at every front, checks the history (for at most
// timeout) and, when it is not linearizable, writes porcupine's page of it; wantOK says which
// verdict the test expects.
func (c *cluster) finish(t *testing.T, history *linearizability.History, runs []*linearizability.Workload, timeout time.Duration, wantOK bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, run := range runs {
		if err := run.FinalReads(ctx, c.endpoints()); err != nil {
			t.Fatalf("final reads: %v", err)
		}
	}
	t.Logf("%d calls; %s", history.Len(), history.Summary())
	res := history.Check(timeout)
	t.Logf("porcupine: %s in %s", res.CheckResult, res.Took.Round(time.Millisecond))
	for _, e := range res.Explain() {
		t.Log(e)
	}
	if res.CheckResult != porcupine.Ok {
		path := reportPath(t)
		if err := res.Visualize(path); err != nil {
			t.Errorf("writing the visualisation: %v", err)
		} else {
			t.Logf("visualisation of the history: %s", path)
		}
	}
	switch {
	case wantOK && res.CheckResult != porcupine.Ok:
		t.Errorf("the history is not linearizable (%s)", res.CheckResult)
	case !wantOK && res.CheckResult != porcupine.Illegal:
		t.Errorf("the checker found no violation (%s) in a history with stale reads", res.CheckResult)
	}
}

// reportPath is where the test's visualisation goes: CSMS_LINEARIZABLE_REPORTS, or
// reports/linearizability/ in the repository (which git ignores).
func reportPath(t *testing.T) string {
	dir := os.Getenv("CSMS_LINEARIZABLE_REPORTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "reports", "linearizability")
	}
	p, err := filepath.Abs(filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".html"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
