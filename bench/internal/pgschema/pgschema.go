// Package pgschema gives each benchmark run on PostgreSQL a fresh schema of its own, so that
// runs never see each other's records, and measures the database server's CPU time.
package pgschema

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/csmskit/csmskit/bench/internal/harness"
)

// BaseURL is the database the benchmarks use: CSMS_BENCH_POSTGRES_URL, else
// CSMS_TEST_POSTGRES_URL, else empty (the PostgreSQL runs are left out).
func BaseURL() string {
	if u := os.Getenv("CSMS_BENCH_POSTGRES_URL"); u != "" {
		return u
	}
	return os.Getenv("CSMS_TEST_POSTGRES_URL")
}

// Fresh makes a new schema in the database at base and returns a URL that uses it (with
// pool_max_conns when pool > 0) and a function that drops it.
func Fresh(base string, pool int) (string, func(), error) {
	ctx := context.Background()
	var raw [6]byte
	_, _ = rand.Read(raw[:])
	name := "csmsbench_" + hex.EncodeToString(raw[:])
	exec := func(sql string) error {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := exec("CREATE SCHEMA " + name); err != nil {
		return "", nil, fmt.Errorf("bench schema: %w", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", name)
	if pool > 0 {
		q.Set("pool_max_conns", strconv.Itoa(pool))
	}
	u.RawQuery = q.Encode()
	return u.String(), func() { _ = exec("DROP SCHEMA " + name + " CASCADE") }, nil
}

// ServerCPU is the CPU time every process named postgres on this machine has used so far:
// the server's share of the work, when the database runs here (0 otherwise).
func ServerCPU() time.Duration {
	entries, _ := os.ReadDir("/proc")
	var total time.Duration
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if comm, _ := os.ReadFile("/proc/" + e.Name() + "/comm"); strings.TrimSpace(string(comm)) != "postgres" {
			continue
		}
		d, _ := harness.ProcCPUTime(pid)
		total += d
	}
	return total
}

// Stores reads a -stores flag (memory, bolt, postgres, separated by commas) and returns the
// stores to measure, PostgreSQL's base URL (empty without one) and, when PostgreSQL was asked
// for but no database is set, the line that says it is left out.
func Stores(flag string) (stores []string, base, leftOut string, err error) {
	base = BaseURL()
	for s := range strings.SplitSeq(flag, ",") {
		switch s = strings.TrimSpace(s); s {
		case "memory", "bolt":
			stores = append(stores, s)
		case "postgres":
			if base == "" {
				leftOut = "PostgreSQL left out: set CSMS_BENCH_POSTGRES_URL or CSMS_TEST_POSTGRES_URL"
				continue
			}
			stores = append(stores, s)
		default:
			return nil, "", "", fmt.Errorf("-stores: %q is none of memory, bolt, postgres", s)
		}
	}
	return stores, base, leftOut, nil
}
