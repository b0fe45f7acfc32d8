package conformance

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// childEnv marks a test binary started by TestMutations: its TestSuite takes its target from
// the CSMS_* environment, as a vendor's run would. childMockEnv makes it check the mock
// instead, with the ways in it names: "token", "aksk" or "both".
const (
	childEnv     = "CSMSCONFORM_SELFTEST_CHILD"
	childMockEnv = "CSMSCONFORM_SELFTEST_MOCK"
)

// suiteRan guards Ginkgo's one suite per process (go test -count=2 would run TestSuite twice).
var suiteRan atomic.Bool

// TestSuite runs the whole suite against the in-process mock, which must pass it. As a child
// of TestMutations it runs against the target its environment names.
func TestSuite(t *testing.T) {
	if !suiteRan.CompareAndSwap(false, true) {
		t.Skip("Ginkgo runs one suite per process")
	}
	if os.Getenv(childEnv) != "" {
		cfg, err := ConfigFromEnv()
		if err != nil {
			t.Fatal(err)
		}
		if ways := os.Getenv(childMockEnv); ways != "" {
			m := mockConfig(t)
			cfg.Handler, cfg.ProjectID = m.Handler, m.ProjectID
			if ways != "aksk" {
				cfg.AuthToken = m.AuthToken
			}
			if ways != "token" {
				cfg.AK, cfg.SK = m.AK, m.SK
			}
		}
		Run(t, cfg)
		return
	}
	cfg := mockConfig(t)
	cfg.ReportDir = t.TempDir()
	Run(t, cfg)
}

// runChild runs TestSuite in a child process with env and returns the checks it reported.
func runChild(t *testing.T, env map[string]string) []types.SpecReport {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestSuite$", "-test.count=1")
	// A race-enabled child otherwise sleeps a second at exit, waiting for stray goroutines.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	cmd.Env = append(withoutCSMS(os.Environ()), childEnv+"=1", EnvReportDir+"="+dir, "GORACE="+gorace)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, _ := cmd.CombinedOutput() // the child fails whenever a check does; the report says which
	data, err := os.ReadFile(filepath.Join(dir, ReportJSON))
	if err != nil {
		t.Fatalf("the child wrote no report (%v); its output:\n%s", err, out)
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil || len(reports) != 1 {
		t.Fatalf("cannot read the child's report (%v); its output:\n%s", err, out)
	}
	var specs []types.SpecReport
	for _, sr := range reports[0].SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			if sr.State.Is(types.SpecStateFailureStates) {
				t.Errorf("%s failed: %s", sr.LeafNodeType, sr.Failure.Message)
			}
			continue
		}
		specs = append(specs, sr)
	}
	if t.Failed() {
		t.Logf("the child's output:\n%s", out)
	}
	return specs
}

// withoutCSMS drops the CSMS_* variables, so that a developer's own target settings never
// reach a child.
func withoutCSMS(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, "CSMS_") })
}

func hasFinding(sr types.SpecReport) bool { return hasEntry(sr, entryFinding) }

// hasEntry reports whether a check's report has an entry of that name.
func hasEntry(sr types.SpecReport, name string) bool {
	return slices.ContainsFunc(sr.ReportEntries, func(e types.ReportEntry) bool { return e.Name == name })
}
