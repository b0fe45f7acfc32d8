// Package wrk runs wrk, a load generator in C whose own CPU per request is small beside any
// server's, and reads its report: what the benchmarks against a floor drive servers with.
package wrk

import (
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"time"
)

// Options are wrk's threads and connections.
type Options struct {
	Threads, Connections int
}

// Result is what one run of wrk reports.
type Result struct {
	Throughput           float64 // requests per second
	P50, P99             time.Duration
	Requests             int
	Non2xx, SocketErrors int
	// ClientCPU is wrk's own CPU time per request.
	ClientCPU time.Duration
}

var (
	reqsPerSec = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	total      = regexp.MustCompile(`([0-9]+) requests in`)
	non2xx     = regexp.MustCompile(`Non-2xx or 3xx responses:\s+([0-9]+)`)
	sockErrs   = regexp.MustCompile(`Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)`)
	percentile = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)`)
)

// Run runs wrk once for d (whole seconds, at least one) with the Lua script against url, and
// reads its report; the client's CPU per request comes from its own process times.
func Run(o Options, script, url string, d time.Duration) (Result, error) {
	cmd := exec.Command("wrk", "-t"+strconv.Itoa(o.Threads), "-c"+strconv.Itoa(o.Connections),
		"-d"+strconv.Itoa(max(1, int(d.Seconds())))+"s", "--latency", "-s", script, url)
	out, err := cmd.Output()
	if err != nil {
		return Result{}, fmt.Errorf("wrk: %w: %s", err, out)
	}
	text := string(out)
	var r Result
	if m := reqsPerSec.FindStringSubmatch(text); m != nil {
		r.Throughput, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := total.FindStringSubmatch(text); m != nil {
		r.Requests, _ = strconv.Atoi(m[1])
	}
	if m := non2xx.FindStringSubmatch(text); m != nil {
		r.Non2xx, _ = strconv.Atoi(m[1])
	}
	if m := sockErrs.FindStringSubmatch(text); m != nil {
		for _, n := range m[1:] {
			v, _ := strconv.Atoi(n)
			r.SocketErrors += v
		}
	}
	for _, m := range percentile.FindAllStringSubmatch(text, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[3]]
		d := time.Duration(v * float64(unit))
		if m[1] == "50" {
			r.P50 = d
		} else {
			r.P99 = d
		}
	}
	if r.Requests == 0 || r.Throughput == 0 {
		return Result{}, fmt.Errorf("wrk reported no requests:\n%s", text)
	}
	if st := cmd.ProcessState; st != nil {
		r.ClientCPU = (st.UserTime() + st.SystemTime()) / time.Duration(r.Requests)
	}
	return r, nil
}

// Installed reports an error unless wrk is on the PATH.
func Installed() error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return fmt.Errorf("wrk is not installed (make bench installs it from Debian's packages)")
	}
	return nil
}
