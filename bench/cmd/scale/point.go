package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"sync"
	"time"

	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/bench/internal/pgschema"
	"github.com/csmskit/csmskit/bench/internal/seed"
	"github.com/csmskit/csmskit/bench/internal/wrk"
	"github.com/csmskit/csmskit/mock"
)

// perProject is how many secrets a project holds: the quota.
const perProject = 500

// The j-th secret's project and path; the Lua scripts of the loads name them alike.
func projectOf(j int) string  { return fmt.Sprintf("q%031d", j/perProject) }
func secretPath(j int) string { return "/v1/" + projectOf(j) + "/secrets/" + seed.SecretName(j) }

// projects spreads n secrets of one version of size characters over projects of perProject.
func projects(n, size int) []seed.Project {
	var ps []seed.Project
	for first := 0; first < n; first += perProject {
		ps = append(ps, seed.Project{ID: projectOf(first), First: first, Count: min(perProject, n-first), Versions: 1, Size: size})
	}
	return ps
}

// point is what one store with n secrets measures.
type point struct {
	startup              time.Duration
	rssStarted, rssAfter int64
	perSecret            int64 // live heap bytes per secret beyond its value (memory) or at all (bolt, postgres)
	inUsePerSecret       int64 // the same of the heap's spans in use
	fileBytes            int64
	reads, lists         float64
	backups              float64
}

// measurePoint measures store st with n secrets, served by replicas processes (more than one
// only on PostgreSQL).
func measurePoint(ctx context.Context, st string, replicas, n int, o options, mockBin, dir string, empty heap) (point, error) {
	var p point
	ps := projects(n, o.size)
	args := []string{"serve", "--addr", "127.0.0.1:0"}
	cfg := mock.DefaultConfig()
	cfg.MaxSecrets = perProject
	credentials := filepath.Join(dir, "credentials.yaml")
	if err := os.WriteFile(credentials, []byte(harness.CredentialFixtures), 0o600); err != nil {
		return p, err
	}
	switch st {
	case "memory":
		fixtures := filepath.Join(dir, fmt.Sprintf("fixtures-%d.yaml", n))
		if err := seed.Fixtures(fixtures, ps); err != nil {
			return p, err
		}
		args = append(args, "--fixtures", fixtures)
		cfg.FixturesFile = fixtures
	case "postgres":
		db, drop, err := pgschema.Fresh(o.postgres, 0)
		if err != nil {
			return p, err
		}
		defer drop()
		if err := seed.Postgres(ctx, db, ps); err != nil {
			return p, err
		}
		args = append(args, "--data", db, "--fixtures", credentials)
		cfg.DataDir, cfg.FixturesFile = db, credentials
	default:
		data := filepath.Join(dir, fmt.Sprintf("bolt-%d", n))
		if err := seed.Bolt(data, ps); err != nil {
			return p, err
		}
		args = append(args, "--data", data, "--fixtures", credentials)
		cfg.DataDir, cfg.FixturesFile = data, credentials
		// The first start makes the backup key, which later starts read.
		first, err := startOnce(mockBin, args, n)
		if err != nil {
			return p, err
		}
		first.Stop()
		if info, err := os.Stat(filepath.Join(data, mock.DatabaseFile)); err == nil {
			p.fileBytes = info.Size()
		}
	}

	var starts []time.Duration
	var proc *harness.Proc
	for i := range o.starts {
		if err := ctx.Err(); err != nil {
			return p, err
		}
		started, err := startOnce(mockBin, args, n)
		if err != nil {
			return p, err
		}
		starts = append(starts, started.firstOK)
		if i < o.starts-1 {
			started.Stop()
		} else {
			proc = started.Proc
		}
	}
	slices.Sort(starts)
	p.startup = starts[len(starts)/2]
	procs := []*harness.Proc{proc}
	for range replicas - 1 {
		more, err := startOnce(mockBin, args, n)
		if err != nil {
			for _, p := range procs {
				p.Stop()
			}
			return p, err
		}
		procs = append(procs, more.Proc)
	}
	if err := p.load(procs, n, o, dir); err != nil {
		return p, err
	}
	h, err := heapOf(cfg)
	if err != nil {
		return p, err
	}
	p.perSecret = (h.live - empty.live) / int64(n)
	p.inUsePerSecret = (h.inUse - empty.inUse) / int64(n)
	if st == "memory" {
		p.perSecret -= int64(o.size)
		p.inUsePerSecret -= int64(o.size)
	}
	return p, nil
}

// load reads the first started process's memory, drives the processes together with the
// loads, reads it again and stops them.
func (p *point) load(procs []*harness.Proc, n int, o options, dir string) error {
	defer func() {
		for _, proc := range procs {
			proc.Stop()
		}
	}()
	var err error
	if p.rssStarted, err = procs[0].Status("VmRSS"); err != nil {
		return err
	}
	var urls []string
	for _, proc := range procs {
		urls = append(urls, proc.URL)
	}
	if p.reads, p.lists, p.backups, err = loads(urls, n, o, dir); err != nil {
		return err
	}
	for _, u := range urls {
		if v, err := harness.Violations(u); err != nil || v > 0 {
			return fmt.Errorf("%d %w (%v)", v, errViolations, err)
		}
	}
	p.rssAfter, err = procs[0].Status("VmRSS")
	return err
}

// started is a csmsmock process and when it first answered.
type started struct {
	*harness.Proc
	firstOK time.Duration
}

// startOnce starts csmsmock and waits for its first 200 on a read of the last secret.
func startOnce(bin string, args []string, n int) (started, error) {
	p, err := harness.Start(bin, time.Minute, args...)
	if err != nil {
		return started{}, err
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	at, err := harness.WaitOK(client, func() (*http.Request, error) {
		req, err := http.NewRequest(http.MethodGet, p.URL+secretPath(n-1)+"/versions/latest", nil)
		if err == nil {
			req.Header.Set("X-Auth-Token", harness.Token)
		}
		return req, err
	}, 500*time.Microsecond, time.Minute)
	if err != nil {
		p.Stop()
		return started{}, err
	}
	return started{Proc: p, firstOK: at.Sub(p.Started)}, nil
}

// loads drives the servers with reads, list pages and backups of secrets drawn at random and
// returns their throughputs. Several servers are driven at once, each by a wrk of its own with
// a share of the connections, and their throughputs added.
func loads(bases []string, n int, o options, dir string) (reads, lists, backups float64, err error) {
	projects := (n + perProject - 1) / perProject
	steps := map[string]string{
		"read": `local j = math.random(0, N - 1)
  return wrk.format("GET", string.format("/v1/q%031d/secrets/s%06d/versions/latest", math.floor(j / 500), j), headers)`,
		"list": `return wrk.format("GET", string.format("/v1/q%031d/secrets?limit=50", math.random(0, PROJECTS - 1)), headers)`,
		"backup": `local j = math.random(0, N - 1)
  return wrk.format("POST", string.format("/v1/q%031d/secrets/s%06d/backup", math.floor(j / 500), j), headers)`,
	}
	out := map[string]float64{}
	for name, step := range steps {
		script := filepath.Join(dir, name+".lua")
		lua := fmt.Sprintf("N, PROJECTS = %d, %d\nlocal headers = {[\"X-Auth-Token\"] = %q}\nfunction request()\n  %s\nend\n", n, projects, harness.Token, step)
		if err := os.WriteFile(script, []byte(lua), 0o600); err != nil {
			return 0, 0, 0, err
		}
		results, err := wrkTogether(o, script, bases)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("%s: %w", name, err)
		}
		for _, r := range results {
			if r.Non2xx > 0 || r.SocketErrors > 0 {
				return 0, 0, 0, fmt.Errorf("%s: %d answers not 2xx, %d socket errors of %d requests", name, r.Non2xx, r.SocketErrors, r.Requests)
			}
			out[name] += r.Throughput
		}
	}
	return out["read"], out["list"], out["backup"], nil
}

// wrkTogether runs one wrk per server at the same time, the threads and connections of
// o.wrk shared among them.
func wrkTogether(o options, script string, bases []string) ([]wrk.Result, error) {
	results := make([]wrk.Result, len(bases))
	errs := make([]error, len(bases))
	var wg sync.WaitGroup
	for i, base := range bases {
		share := wrk.Options{
			Threads:     max(1, o.wrk.Threads/len(bases)),
			Connections: o.wrk.Connections / len(bases),
		}
		if i < o.wrk.Connections%len(bases) {
			share.Connections++
		}
		wg.Go(func() { results[i], errs[i] = wrk.Run(share, script, base, o.duration) })
	}
	wg.Wait()
	return results, errors.Join(errs...)
}

// heap is what a process's heap holds after a full collection.
type heap struct {
	// live is the bytes of the objects still reachable: what the mock keeps.
	live int64
	// inUse is the bytes of the spans that hold them, which is more by the gaps that the
	// garbage of a bulk load leaves among them until those spans are reused.
	inUse int64
}

// heapOf makes a mock of cfg in this process and returns its heap after a full collection
// (the whole process's: emptyHeap is what it holds without one).
func heapOf(cfg mock.Config) (heap, error) {
	srv, err := mock.New(cfg)
	if err != nil {
		return heap{}, err
	}
	h := heapNow()
	runtime.KeepAlive(srv)
	return h, srv.Close()
}

// emptyHeap is heapOf a mock with no secrets but the demo's.
func emptyHeap(dir string) (heap, error) {
	credentials := filepath.Join(dir, "credentials.yaml")
	if err := os.WriteFile(credentials, []byte(harness.CredentialFixtures), 0o600); err != nil {
		return heap{}, err
	}
	cfg := mock.DefaultConfig()
	cfg.FixturesFile = credentials
	return heapOf(cfg)
}

func heapNow() heap {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	return heap{live: int64(live[0].Value.Uint64()), inUse: int64(ms.HeapInuse)}
}
