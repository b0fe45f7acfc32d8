// Command memory measures what the mock's in-memory store costs: it builds a mock in-process
// (mock.New, as a Go test would), creates -secrets secrets of -versions versions of -size
// random characters each through the mock's own HTTP handler (CreateSecret, then
// CreateSecretVersion; every request authenticated and validated), and compares the memory the
// process then holds with the raw payload (secrets × versions × size).
//
// The figure judged is the live heap after a full collection (HeapInuse); the resident set
// after returning free pages to the OS (VmRSS) and its peak during the fill (VmHWM, which also
// holds the garbage a collector at GOGC=100 lets grow to about the live heap) are printed too.
// Under a soft memory limit (GOMEMLIMIT) the collector keeps that peak below the limit.
//
//	go run ./cmd/memory [-secrets 100000] [-versions 3] [-size 1024] [-smoke] [-check]
package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/mock"
)

// overheadAllowance is the target's fixed allowance on top of twice the raw payload.
const overheadAllowance = 50 << 20

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "memory:", err)
		os.Exit(1)
	}
}

func run() error {
	n := flag.Int("secrets", 100000, "secrets to create")
	versions := flag.Int("versions", 3, "versions per secret (at most 20)")
	size := flag.Int("size", 1024, "characters per version value (at most 32768)")
	smoke := flag.Bool("smoke", false, "a quick run for CI: -secrets 2000")
	check := flag.Bool("check", false, "exit 1 when the target is missed")
	flag.Parse()
	if *smoke {
		*n = 2000
	}
	if *n < 1 || *versions < 1 || *versions > 20 || *size < 1 || *size > 32768 {
		return errors.New("-secrets ≥ 1, 1 ≤ -versions ≤ 20, 1 ≤ -size ≤ 32768")
	}

	cfg := mock.DefaultConfig()
	cfg.MaxSecrets = *n + 1 // the demo secret is there too
	srv, err := mock.New(cfg)
	if err != nil {
		return err
	}
	defer srv.Close()
	empty := measure()

	rng := rand.New(rand.NewPCG(1, 2))
	value := make([]byte, *size)
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	fresh := func() string {
		for i := range value {
			value[i] = letters[rng.IntN(len(letters))]
		}
		return string(value)
	}
	base := "/v1/" + mock.DemoProjectID + "/secrets"
	start := time.Now()
	for i := range *n {
		name := "mem-" + strconv.Itoa(i)
		if err := call(srv, base, `{"name":"`+name+`","secret_string":"`+fresh()+`"}`); err != nil {
			return fmt.Errorf("create %s: %w", name, err)
		}
		for range *versions - 1 {
			if err := call(srv, base+"/"+name+"/versions", `{"secret_string":"`+fresh()+`"}`); err != nil {
				return fmt.Errorf("version of %s: %w", name, err)
			}
		}
	}
	fill := time.Since(start)
	// Every secret must still answer: a spot check that the store holds what was written.
	if err := call(srv, base+"/mem-"+strconv.Itoa(*n-1)+"/backup", ""); err != nil {
		return fmt.Errorf("backup after the fill: %w", err)
	}
	full := measure()

	raw := int64(*n) * int64(*versions) * int64(*size)
	limit := 2*raw + overheadAllowance
	held := int64(full.heapInuse - empty.heapInuse)
	fmt.Printf("## Memory: %d secrets × %d versions × %d bytes\n\n", *n, *versions, *size)
	memLimit := "none"
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		memLimit = harness.MiB(l) + " (GOMEMLIMIT)"
	}
	fmt.Printf("Machine: %s. Soft memory limit: %s. Filled through the handler in %s (%.0f requests/s).\n\n",
		harness.Machine(), memLimit, fill.Round(time.Millisecond), float64(*n**versions)/fill.Seconds())
	fmt.Println("| measure | empty mock | filled mock |")
	fmt.Println("|---|---:|---:|")
	fmt.Printf("| heap in use after GC (HeapInuse) | %s | %s |\n", harness.MiB(int64(empty.heapInuse)), harness.MiB(int64(full.heapInuse)))
	fmt.Printf("| live heap objects (HeapAlloc) | %s | %s |\n", harness.MiB(int64(empty.heapAlloc)), harness.MiB(int64(full.heapAlloc)))
	fmt.Printf("| resident after GC and FreeOSMemory (VmRSS) | %s | %s |\n", harness.MiB(empty.rss), harness.MiB(full.rss))
	fmt.Printf("| peak resident (VmHWM) | %s | %s |\n", harness.MiB(empty.hwm), harness.MiB(full.hwm))
	fmt.Printf("\nRaw payload %s; target ≤ 2 × raw + 50 MiB = %s.\n\n", harness.MiB(raw), harness.MiB(limit))
	met := int64(full.heapInuse) <= limit
	fmt.Printf("- heap in use %s = %.2f × raw (%.2f × raw for the data alone, %s of it above the empty mock): %s\n",
		harness.MiB(int64(full.heapInuse)), float64(full.heapInuse)/float64(raw), float64(held)/float64(raw), harness.MiB(held), harness.Verdict(met))
	fmt.Printf("- resident %s: %s; peak resident %s: %s\n", harness.MiB(full.rss), harness.Verdict(full.rss <= limit),
		harness.MiB(full.hwm), harness.Verdict(full.hwm <= limit))
	if *check && !met {
		return errors.New("memory target missed")
	}
	return nil
}

// call sends one request with the demo token through srv and fails unless it is answered 200.
func call(srv http.Handler, path, body string) error {
	var req *http.Request
	if body == "" {
		req = httptest.NewRequest(http.MethodPost, path, nil)
	} else {
		req = httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-Auth-Token", mock.DemoToken)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return fmt.Errorf("status %d: %.300s", rec.Code, rec.Body.String())
	}
	return nil
}

type memory struct {
	heapInuse, heapAlloc uint64
	rss, hwm             int64
}

// measure collects garbage, returns free pages to the OS and reads the process's memory.
func measure() memory {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss, _ := harness.ProcStatus(0, "VmRSS")
	hwm, _ := harness.ProcStatus(0, "VmHWM")
	return memory{heapInuse: ms.HeapInuse, heapAlloc: ms.HeapAlloc, rss: rss, hwm: hwm}
}
