// The crash test re-executes the test binary as a child; the parent's and the child's parts
// are kept together so the protocol between them reads in one place.

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/csmskit/csmskit/mock"
)

// Crash safety with --data: the mock is SIGKILLed in the middle of a burst of writes and
// restarted on the same directory. Every write it acknowledged (200) must be there, every write
// it did not acknowledge must be there entirely or not at all, and the database must open and
// pass bbolt's consistency check.
//
// The mock runs as a separate process: this test binary re-executed as `csmsmock serve`
// (TestCrashHelperProcess), which is the same code as the command without a second build. Set
// CSMSMOCK_BIN to a built csmsmock (go build -o /tmp/csmsmock ./cmd/csmsmock) to crash that
// binary instead.

const crashHelperEnv = "CSMSMOCK_CRASH_HELPER"

// TestCrashHelperProcess is not a test: it is the mock process of TestCrashSafety.
func TestCrashHelperProcess(t *testing.T) {
	if os.Getenv(crashHelperEnv) != "1" {
		t.Skip("the mock process of TestCrashSafety")
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	if err := run(context.Background(), args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "csmsmock:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// mockProcess is a csmsmock serve running as a child process.
type mockProcess struct {
	cmd *exec.Cmd
	url string
}

func startProcess(t *testing.T, args ...string) *mockProcess {
	t.Helper()
	var cmd *exec.Cmd
	if bin := os.Getenv("CSMSMOCK_BIN"); bin != "" {
		cmd = exec.Command(bin, append([]string{"serve"}, args...)...)
	} else {
		cmd = exec.Command(os.Args[0], append([]string{"-test.run=^TestCrashHelperProcess$", "--", "serve"}, args...)...)
		cmd.Env = append(os.Environ(), crashHelperEnv+"=1")
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &mockProcess{cmd: cmd}
	t.Cleanup(func() { p.kill() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		re := regexp.MustCompile(`csmsmock listening on (http://\S+)`)
		sent := false
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
		if !sent {
			close(found)
		}
	}()
	select {
	case u, ok := <-found:
		if !ok {
			t.Fatal("csmsmock exited without its banner")
		}
		p.url = u
	case <-time.After(60 * time.Second):
		t.Fatal("csmsmock printed no banner in 60 s")
	}
	return p
}

// kill sends SIGKILL: no shutdown, no deferred Close, no flush.
func (p *mockProcess) kill() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
}

var crashClient = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}

func crashCall(ctx context.Context, base, method, path, body string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, base+"/v1/"+mock.DemoProjectID+"/secrets"+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("X-Auth-Token", mock.DemoToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := crashClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return res.StatusCode, data, err
}

// secretState is what the test knows of one secret: what was acknowledged, and the one write
// in flight when the mock died (acknowledged or not, it may or may not have happened).
type secretState struct {
	exists   bool
	versions []string // values, oldest first
	pending  string   // "", "create", "version" or "delete"
	pendingV string   // the value of a pending create or version
}

// writer owns some names and writes to them in sequence until the mock dies.
func writer(ctx context.Context, base string, w int, mu *sync.Mutex, states map[string]*secretState, acks *int) {
	own := []string{}
	for i := 0; ctx.Err() == nil; i++ {
		var name, method, path, body, kind, value string
		switch {
		case i%5 == 4 && len(own) > 0: // delete one of ours
			name = own[0]
			own = own[1:]
			method, path, kind = "DELETE", "/"+name, "delete"
		case i%2 == 1 && len(own) > 0: // a new version of one of ours
			name = own[i%len(own)]
			mu.Lock()
			n := len(states[name].versions)
			mu.Unlock()
			if n >= 20 {
				continue
			}
			value = fmt.Sprintf("%s-v%d", name, n+1)
			method, path, body, kind = "POST", "/"+name+"/versions", `{"secret_string":"`+value+`"}`, "version"
		default:
			name = fmt.Sprintf("crash-w%d-%d", w, i)
			value = name + "-v1"
			method, path, body, kind = "POST", "", `{"name":"`+name+`","secret_string":"`+value+`"}`, "create"
		}
		mu.Lock()
		st := states[name]
		if st == nil {
			st = &secretState{}
			states[name] = st
		}
		st.pending, st.pendingV = kind, value
		mu.Unlock()
		status, _, err := crashCall(context.Background(), base, method, path, body)
		if err != nil {
			return // the mock died with this write in flight: it stays pending
		}
		mu.Lock()
		if status == 200 {
			switch kind {
			case "create":
				st.exists, st.versions = true, []string{value}
				own = append(own, name)
			case "version":
				st.versions = append(st.versions, value)
			case "delete":
				st.exists, st.versions = false, nil
			}
			*acks++
			st.pending, st.pendingV = "", ""
		} else {
			st.pending = "refused " + strconv.Itoa(status)
		}
		mu.Unlock()
	}
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills csmsmock processes")
	}
	dir := filepath.Join(t.TempDir(), "data")
	var mu sync.Mutex
	states := map[string]*secretState{}
	for cycle := range 2 {
		p := startProcess(t, "--addr", "127.0.0.1:0", "--data", dir)
		if cycle > 0 {
			verifyAfterCrash(t, p.url, states)
		}
		acks := 0
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := range 6 {
			wg.Go(func() { writer(ctx, p.url, cycle*10+w, &mu, states, &acks) })
		}
		// SIGKILL once enough writes are acknowledged, with the writers still writing.
		deadline := time.Now().Add(20 * time.Second)
		for {
			mu.Lock()
			n := acks
			mu.Unlock()
			if n >= 120 || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		p.kill()
		stop()
		wg.Wait()
		mu.Lock()
		refused := []string{}
		inFlight := 0
		for name, st := range states {
			if strings.HasPrefix(st.pending, "refused") {
				refused = append(refused, name+": "+st.pending)
			} else if st.pending != "" {
				inFlight++
			}
		}
		mu.Unlock()
		if len(refused) > 0 {
			t.Fatalf("writes refused before the crash: %v", refused)
		}
		if acks < 20 {
			t.Fatalf("only %d writes acknowledged before the kill", acks)
		}
		t.Logf("cycle %d: %d writes acknowledged before SIGKILL, %d in flight", cycle, acks, inFlight)
		checkDatabase(t, dir)
	}
	p := startProcess(t, "--addr", "127.0.0.1:0", "--data", dir)
	verifyAfterCrash(t, p.url, states)
}

// checkDatabase opens the killed mock's files directly: modes 0600, and a database that bbolt's
// consistency check passes.
func checkDatabase(t *testing.T, dir string) {
	t.Helper()
	for _, f := range []string{mock.DatabaseFile, mock.BackupKeyFile} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", f, fi.Mode().Perm())
		}
	}
	db, err := bolt.Open(filepath.Join(dir, mock.DatabaseFile), 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("the database of the killed mock does not open: %v", err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		var errs []error
		for e := range tx.Check() {
			errs = append(errs, e)
		}
		return errors.Join(errs...)
	})
	if err != nil {
		t.Fatalf("bbolt's consistency check fails after SIGKILL: %v", err)
	}
}

// verifyAfterCrash compares the restarted mock with what was acknowledged, and folds each
// write that was in flight into the known state as it turned out.
func verifyAfterCrash(t *testing.T, base string, states map[string]*secretState) {
	t.Helper()
	ctx := context.Background()
	listed := map[string]bool{}
	marker := ""
	for {
		q := "?limit=200"
		if marker != "" {
			q += "&marker=" + marker
		}
		status, body, err := crashCall(ctx, base, "GET", q, "")
		if err != nil || status != 200 {
			t.Fatalf("list after restart: %v %d %s", err, status, body)
		}
		var page struct {
			Secrets []struct {
				Name string `json:"name"`
			} `json:"secrets"`
			PageInfo struct {
				Next string `json:"next_marker"`
			} `json:"page_info"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Secrets {
			listed[s.Name] = true
		}
		if page.PageInfo.Next == "" {
			break
		}
		marker = page.PageInfo.Next
	}
	for name, st := range states {
		got := listed[name]
		switch {
		case st.pending == "create" && !st.exists:
			st.exists = got
			if got {
				st.versions = []string{st.pendingV}
			}
		case st.pending == "delete" && st.exists:
			st.exists = got
			if !got {
				st.versions = nil
			}
		}
		if got != st.exists {
			t.Errorf("%s: exists after restart %v, acknowledged %v (in flight: %q)", name, got, st.exists, st.pending)
			continue
		}
		if !got {
			st.pending = ""
			continue
		}
		values := readValues(t, base, name)
		switch {
		case slices.Equal(values, st.versions):
		case st.pending == "version" && slices.Equal(values, append(slices.Clone(st.versions), st.pendingV)):
			st.versions = values
		default:
			t.Errorf("%s: versions after restart %q, acknowledged %q (in flight: %q %q)", name, values, st.versions, st.pending, st.pendingV)
		}
		st.pending, st.pendingV = "", ""
	}
	if _, ok := listed[mock.DemoSecretName]; !ok {
		t.Error("the demo secret is gone after restart")
	}
}

// readValues returns a secret's version values, oldest first, checking the versions are whole.
func readValues(t *testing.T, base, name string) []string {
	t.Helper()
	status, body, err := crashCall(context.Background(), base, "GET", "/"+name+"/versions?limit=50", "")
	if err != nil || status != 200 {
		t.Fatalf("versions of %s: %v %d %s", name, err, status, body)
	}
	var list struct {
		Versions []struct {
			ID     string   `json:"id"`
			Stages []string `json:"version_stages"`
		} `json:"version_metadatas"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	var values []string
	current := 0
	for i, v := range list.Versions {
		if v.ID != "v"+strconv.Itoa(i+1) {
			t.Fatalf("%s: version %d is %s", name, i, v.ID)
		}
		if slices.Contains(v.Stages, "SYSCURRENT") {
			current++
		}
		status, body, err := crashCall(context.Background(), base, "GET", "/"+name+"/versions/"+v.ID, "")
		if err != nil || status != 200 {
			t.Fatalf("%s %s: %v %d %s", name, v.ID, err, status, body)
		}
		var sv struct {
			Version struct {
				String string `json:"secret_string"`
			} `json:"version"`
		}
		if err := json.Unmarshal(body, &sv); err != nil {
			t.Fatal(err)
		}
		values = append(values, sv.Version.String)
	}
	if len(list.Versions) > 0 && current != 1 {
		t.Errorf("%s: %d versions are SYSCURRENT", name, current)
	}
	return values
}
