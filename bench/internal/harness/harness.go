// Package harness builds, starts, measures and stops the servers the benchmarks drive: the
// csmsmock binary and the bare net/http baseline, each in a process of its own so that its
// peak resident memory is its own. Every address is on the loopback interface.
package harness

import (
	"bufio"
	"bytes"
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
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/csmskit/csmskit/bench/internal/wrk"
)

// Packages the benchmarks build into binaries: the mock from the main module exactly as a
// user builds it, the baseline from this module.
const (
	MockPackage = "./cmd/csmsmock"
	barePackage = "./cmd/bare"
)

// Token is the credential of CredentialFixtures: every action on every project, so that a
// benchmark may spread its secrets over projects beyond one project's quota.
const Token = "csmskit-bench-credential-0123456789abcdef"

// CredentialFixtures is a fixtures file (csmsmock serve --fixtures) that adds Token.
const CredentialFixtures = `credentials:
  - name: bench
    token: ` + Token + `
    projects: ["*"]
`

// UserPasswords are the two passwords a benchmark's user changes between, the first the one
// it starts with.
var UserPasswords = [2]string{"bench-password-one", "bench-password-two"}

// UserName is the name of a benchmark's t-th user, from 1: each wrk thread that changes a
// password changes its own user's.
func UserName(t int) string { return fmt.Sprintf("bench-%02d", t) }

// Build compiles the main package pkg of the module in moduleDir into dir, as a binary named
// after the package's last path element, and returns its path.
func Build(ctx context.Context, moduleDir, pkg, dir string) (string, error) {
	bin := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, pkg)
	cmd.Dir = moduleDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, stderr.String())
	}
	return bin, nil
}

// BuildMock makes a working directory named after the program and builds csmsmock into it,
// as a user builds it; cleanup removes the directory.
func BuildMock(ctx context.Context, program string) (dir, bin string, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", "csmskit-"+program+"-")
	if err != nil {
		return "", "", nil, err
	}
	cleanup = func() { _ = os.RemoveAll(dir) }
	if bin, err = Build(ctx, MainModuleDir(), MockPackage, dir); err != nil {
		cleanup()
		return "", "", nil, err
	}
	return dir, bin, cleanup, nil
}

// BuildServers builds csmsmock (from the main module) and the bare baseline (from this one)
// into dir and returns their paths.
func BuildServers(ctx context.Context, dir string) (mockBin, bareBin string, err error) {
	if mockBin, err = Build(ctx, MainModuleDir(), MockPackage, dir); err != nil {
		return "", "", err
	}
	if bareBin, err = Build(ctx, ModuleDir(), barePackage, dir); err != nil {
		return "", "", err
	}
	return mockBin, bareBin, nil
}

// MainModuleDir is the main module's directory, the bench module's parent.
func MainModuleDir() string { return filepath.Dir(ModuleDir()) }

// ModuleDir is the bench module's directory: the one holding this source file when run with
// go run from the source tree, else the working directory.
func ModuleDir() string {
	if _, file, _, ok := runtime.Caller(0); ok {
		dir := filepath.Join(filepath.Dir(file), "..", "..")
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
	}
	wd, _ := os.Getwd()
	return wd
}

// Proc is a server process the benchmark started.
type Proc struct {
	// URL is the base URL the server printed when it began to listen.
	URL string
	// Started is when the process was started (just before exec).
	Started time.Time
	// Listening is when its banner was read, i.e. when it listened.
	Listening time.Time

	cmd  *exec.Cmd
	done chan error
}

// urlPattern finds the base URL in a server's banner.
var urlPattern = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`)

// Start runs bin with args, reads its standard output until it prints a loopback base URL,
// and returns the running process. The rest of its output and all of its standard error are
// discarded, so logging costs it a write to /dev/null, as under a CI job's redirect. It gives
// up after timeout.
func Start(bin string, timeout time.Duration, args ...string) (*Proc, error) {
	cmd := exec.Command(bin, args...)
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return nil, err
	}
	defer devnull.Close()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	defer null.Close()
	cmd.Stdin = devnull
	cmd.Stderr = null
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &Proc{cmd: cmd, done: make(chan error, 1)}
	p.Started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			if u := urlPattern.FindString(sc.Text()); u != "" && !sent {
				found <- u
				sent = true
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		p.done <- cmd.Wait()
	}()
	select {
	case u := <-found:
		p.URL, p.Listening = u, time.Now()
		return p, nil
	case err := <-p.done:
		return nil, fmt.Errorf("%s exited before listening: %v", filepath.Base(bin), err)
	case <-time.After(timeout):
		_ = cmd.Process.Kill()
		<-p.done
		return nil, fmt.Errorf("%s printed no address within %s", filepath.Base(bin), timeout)
	}
}

// pid is the process ID.
func (p *Proc) pid() int { return p.cmd.Process.Pid }

// Status reads a kB field of /proc/<pid>/status (VmHWM, VmRSS, …) in bytes.
func (p *Proc) Status(field string) (int64, error) { return ProcStatus(p.pid(), field) }

// Stop asks the process to shut down (SIGTERM), waits for it, and kills it after 5 s.
func (p *Proc) Stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// CPUTime returns the user plus system CPU time the process has used so far.
func (p *Proc) CPUTime() (time.Duration, error) { return ProcCPUTime(p.pid()) }

// ProcCPUTime returns the user plus system CPU time of a process (pid 0: this process) so
// far, from /proc/<pid>/stat (in clock ticks of 10 ms, the kernel's USER_HZ of 100).
func ProcCPUTime(pid int) (time.Duration, error) {
	path := "/proc/self/stat"
	if pid != 0 {
		path = "/proc/" + strconv.Itoa(pid) + "/stat"
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold blanks: count after it.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, fmt.Errorf("%s: no command name", path)
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("%s: too few fields", path)
	}
	// utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	const tick = 10 * time.Millisecond
	return time.Duration(utime+stime) * tick, nil
}

// ProcStatus reads a kB field of /proc/<pid>/status (pid 0: this process) in bytes.
func ProcStatus(pid int, field string) (int64, error) {
	path := "/proc/self/status"
	if pid != 0 {
		path = "/proc/" + strconv.Itoa(pid) + "/status"
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || name != field {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s %s: %w", path, field, err)
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("%s has no %s", path, field)
}

// WaitOK sends req (made afresh by newReq) until it is answered 200 and returns when that
// answer arrived. It retries connection errors and other statuses every interval, until timeout.
func WaitOK(client *http.Client, newReq func() (*http.Request, error), interval, timeout time.Duration) (time.Time, error) {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		req, err := newReq()
		if err != nil {
			return time.Time{}, err
		}
		res, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return time.Now(), nil
			}
			last = fmt.Errorf("status %d", res.StatusCode)
		} else {
			last = err
		}
		time.Sleep(interval)
	}
	return time.Time{}, errors.Join(errors.New("no 200 before the time-out"), last)
}

// Machine describes where the benchmark ran, for the report.
func Machine() string {
	model := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if name, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	load := ""
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = ", load average " + strings.Join(strings.Fields(string(data))[:3], " ")
	}
	return fmt.Sprintf("%d CPUs (%s), GOMAXPROCS %d, %s %s/%s%s",
		runtime.NumCPU(), model, runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH, load)
}

// Measure runs run, a load of wrk on the process p, and returns its result with the CPU time
// p spent per request meanwhile.
func Measure(p *Proc, run func() (wrk.Result, error)) (wrk.Result, time.Duration, error) {
	cpu0, err := p.CPUTime()
	if err != nil {
		return wrk.Result{}, 0, err
	}
	r, err := run()
	if err != nil {
		return wrk.Result{}, 0, err
	}
	cpu1, err := p.CPUTime()
	if err != nil {
		return wrk.Result{}, 0, err
	}
	return r, (cpu1 - cpu0) / time.Duration(r.Requests), nil
}

// Violations returns how many contract violations the mock at base has recorded.
func Violations(base string) (int, error) {
	res, err := http.Get(base + "/__admin/violations")
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	var v struct {
		Violations []json.RawMessage `json:"violations"`
		Dropped    int               `json:"dropped"`
	}
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
		return 0, fmt.Errorf("violations: %w", err)
	}
	return len(v.Violations) + v.Dropped, nil
}

// Median returns the median of v (the upper one of an even count).
func Median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// FormatRatios lists ratios with three places: a median of 0.897 is not 0.90.
func FormatRatios(rs []float64) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%.3f", r)
	}
	return strings.Join(parts, ", ")
}

// Us formats a duration in whole microseconds.
func Us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond)) }

// MiB formats bytes as mebibytes.
func MiB(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// Ms formats a duration in milliseconds.
func Ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// Verdict says whether a target was met.
func Verdict(met bool) string {
	if met {
		return "met"
	}
	return "MISSED"
}
