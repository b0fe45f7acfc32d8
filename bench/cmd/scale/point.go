package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/bench/internal/wrk"
	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/mock/secrets"
	"github.com/csmskit/csmskit/mock/store"
)

// perProject is how many secrets a project holds: the quota.
const perProject = 500

// The j-th secret's name, its project and its path; the Lua scripts of the loads name them
// alike.
func secretName(j int) string { return fmt.Sprintf("s%06d", j) }
func projectOf(j int) string  { return fmt.Sprintf("q%031d", j/perProject) }
func secretPath(j int) string { return "/v1/" + projectOf(j) + "/secrets/" + secretName(j) }

// point is what one store with n secrets measures.
type point struct {
	startup              time.Duration
	rssStarted, rssAfter int64
	perSecret            int64 // heap bytes per secret beyond its value (memory) or at all (bolt)
	fileBytes            int64
	reads, lists         float64
	backups              float64
}

func measurePoint(ctx context.Context, st string, n int, o options, mockBin, dir string, empty uint64) (point, error) {
	var p point
	values := valueMaker(o.size)
	args := []string{"serve", "--addr", "127.0.0.1:0"}
	cfg := mock.DefaultConfig()
	cfg.MaxSecrets = perProject
	switch st {
	case "memory":
		fixtures := filepath.Join(dir, fmt.Sprintf("fixtures-%d.yaml", n))
		if err := writeFixtures(fixtures, n, values); err != nil {
			return p, err
		}
		args = append(args, "--fixtures", fixtures)
		cfg.FixturesFile = fixtures
	default:
		data := filepath.Join(dir, fmt.Sprintf("bolt-%d", n))
		if err := writeBolt(data, n, values); err != nil {
			return p, err
		}
		credentials := filepath.Join(dir, "credentials.yaml")
		if err := os.WriteFile(credentials, []byte(harness.CredentialFixtures), 0o600); err != nil {
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
	if err := p.load(proc, n, o, dir); err != nil {
		return p, err
	}
	heap, err := heapOf(cfg)
	if err != nil {
		return p, err
	}
	p.perSecret = (int64(heap) - int64(empty)) / int64(n)
	if st == "memory" {
		p.perSecret -= int64(o.size)
	}
	return p, nil
}

// load reads the started process's memory, drives it with the loads, reads it again and
// stops it.
func (p *point) load(proc *harness.Proc, n int, o options, dir string) error {
	defer proc.Stop()
	var err error
	if p.rssStarted, err = proc.Status("VmRSS"); err != nil {
		return err
	}
	if p.reads, p.lists, p.backups, err = loads(proc.URL, n, o, dir); err != nil {
		return err
	}
	if v, err := harness.Violations(proc.URL); err != nil || v > 0 {
		return fmt.Errorf("%d %w (%v)", v, errViolations, err)
	}
	p.rssAfter, err = proc.Status("VmRSS")
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

// loads drives the server with reads, list pages and backups of secrets drawn at random and
// returns their throughputs.
func loads(base string, n int, o options, dir string) (reads, lists, backups float64, err error) {
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
		r, err := wrk.Run(o.wrk, script, base, o.duration)
		if err != nil {
			return 0, 0, 0, err
		}
		if r.Non2xx > 0 || r.SocketErrors > 0 {
			return 0, 0, 0, fmt.Errorf("%s: %d answers not 2xx, %d socket errors of %d requests", name, r.Non2xx, r.SocketErrors, r.Requests)
		}
		out[name] = r.Throughput
	}
	return out["read"], out["list"], out["backup"], nil
}

// heapOf makes a mock of cfg in this process and returns its heap in use after a full
// collection (the whole process's: emptyHeap is what it holds without one).
func heapOf(cfg mock.Config) (uint64, error) {
	srv, err := mock.New(cfg)
	if err != nil {
		return 0, err
	}
	heap := heapInUse()
	runtime.KeepAlive(srv)
	return heap, srv.Close()
}

// emptyHeap is heapOf a mock with no secrets but the demo's.
func emptyHeap(dir string) (uint64, error) {
	credentials := filepath.Join(dir, "credentials.yaml")
	if err := os.WriteFile(credentials, []byte(harness.CredentialFixtures), 0o600); err != nil {
		return 0, err
	}
	cfg := mock.DefaultConfig()
	cfg.FixturesFile = credentials
	return heapOf(cfg)
}

func heapInUse() uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// valueMaker returns a function that makes values of size random letters and digits.
func valueMaker(size int) func() string {
	rng := rand.New(rand.NewPCG(5, 6))
	b := make([]byte, size)
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	return func() string {
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		return string(b)
	}
}

// writeFixtures writes a fixtures file of the credential and n secrets.
func writeFixtures(path string, n int, value func() string) error {
	var b strings.Builder
	b.WriteString(harness.CredentialFixtures + "projects:\n")
	for j := range n {
		if j%perProject == 0 {
			fmt.Fprintf(&b, "  - id: %s\n    secrets:\n", projectOf(j))
		}
		fmt.Fprintf(&b, "      - name: %s\n        versions:\n          - value: %s\n", secretName(j), value())
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// writeBolt writes a bbolt database of n secrets in data, a transaction per project, as the
// mock's fixtures would store them.
func writeBolt(data string, n int, value func() string) error {
	if err := os.MkdirAll(data, 0o700); err != nil {
		return err
	}
	st, err := store.OpenBolt(filepath.Join(data, mock.DatabaseFile))
	if err != nil {
		return err
	}
	if err := importSecrets(st, n, value); err != nil {
		_ = st.Close()
		return err
	}
	return st.Close()
}

func importSecrets(st store.Store, n int, value func() string) error {
	now := time.Now().UnixMilli()
	svc := secrets.NewService(st, nil, secrets.Options{DefaultKMSKeyID: "0d0466b0-e727-4d9c-b35d-f84bb474a37f"})
	if err := svc.Migrate(); err != nil {
		return err
	}
	for first := 0; first < n; first += perProject {
		var secs []secrets.Secret
		for j := first; j < min(first+perProject, n); j++ {
			v := value()
			secs = append(secs, secrets.Secret{
				Name: secretName(j), CreateTime: now, UpdateTime: now, NextVersion: 2,
				StageTimes: map[string]int64{secrets.StageCurrent: now},
				Versions:   []secrets.Version{{ID: "v1", CreateTime: now, Stages: []string{secrets.StageCurrent}, Value: secrets.Value{String: &v}}},
			})
		}
		if _, err := svc.ImportAll(projectOf(first), secs); err != nil {
			return err
		}
	}
	return nil
}
