package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
)

// Run runs the suite from a go test, the way kubernetes-csi/csi-test's sanity.Test does: t
// fails when a must-level check fails (or, with cfg.Strict, a should-level one), and the
// summary goes to t.Log. Ginkgo flags given to go test (-ginkgo.label-filter, -ginkgo.v, …)
// apply too. Ginkgo runs one suite per process, so call Run once per test binary and register
// no other Ginkgo specs in that package; to add the checks to a Ginkgo suite of your own, use
// GinkgoTest instead.
func Run(t testing.TB, cfg Config) {
	t.Helper()
	res, err := run(context.Background(), cfg, t)
	if res.Checks != nil {
		t.Log("\n" + res.Summary())
	}
	if err != nil {
		t.Error(err)
	}
}

// GinkgoTest registers the suite's checks in the caller's Ginkgo tree, as kubernetes-csi's
// sanity.GinkgoTest does: call it while the tree is built (at package level or inside a
// Describe), and run the tree with RunSpecs. The target is reached when the first check runs,
// and what the suite created is deleted when the last one has; failures are the caller's
// Ginkgo failures. Config.ReportDir is not used: Ginkgo's own reporters apply.
func GinkgoTest(cfg Config) {
	s, err := newSuite(context.Background(), cfg)
	if err != nil {
		ginkgo.Describe(suiteDescription, func() {
			ginkgo.It("loads the contract", func() { ginkgo.Fail(err.Error()) })
		})
		return
	}
	ginkgo.Describe(suiteDescription, func() { s.register() })
}

// Execute runs the suite outside go test, as cmd/csmsconform does, and prints its summary to
// out. It returns an error only when the suite could not run or write its reports; whether the
// target conforms is in the Result. Like Run, it can be called once per process.
func Execute(ctx context.Context, cfg Config, out io.Writer) (Result, error) {
	res, err := run(ctx, cfg, noopFailer{})
	if res.Checks != nil {
		fmt.Fprint(out, "\n"+res.Summary())
	}
	return res, err
}

// noopFailer stands in for a testing.T outside go test; the Result carries the outcome.
type noopFailer struct{}

func (noopFailer) Fail() {}

// run starts the target, runs the specs with Ginkgo and writes the reports.
func run(ctx context.Context, cfg Config, t ginkgo.GinkgoTestingT) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	s, err := newSuite(ctx, cfg)
	if err != nil {
		return Result{}, fmt.Errorf("conformance: %w", err)
	}
	if err := s.start(); err != nil {
		return Result{}, fmt.Errorf("conformance: %w", err)
	}
	defer s.finish()
	s.register()
	ginkgo.ReportAfterSuite("csmsconform result", func(r types.Report) { s.report = r })

	suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
	if cfg.LabelFilter != "" {
		if suiteConfig.LabelFilter != "" {
			suiteConfig.LabelFilter = "(" + suiteConfig.LabelFilter + ") && (" + cfg.LabelFilter + ")"
		} else {
			suiteConfig.LabelFilter = cfg.LabelFilter
		}
	}
	if cfg.Focus != "" {
		suiteConfig.FocusStrings = append(suiteConfig.FocusStrings, cfg.Focus)
	}
	suiteConfig.Timeout = cfg.Timeout
	reporterConfig.Verbose = reporterConfig.Verbose || cfg.Verbose
	if !isTerminal(os.Stdout) {
		reporterConfig.NoColor = true
	}

	start := time.Now()
	passed := ginkgo.RunSpecs(t, suiteDescription, suiteConfig, reporterConfig)
	res := s.result(passed, time.Since(start))
	if cfg.ReportDir != "" {
		files, err := s.writeReports(cfg.ReportDir, res)
		res.Reports = files
		if err != nil {
			return res, fmt.Errorf("conformance: write reports: %w", err)
		}
	}
	return res, nil
}

// isTerminal reports whether f is a character device, where colour codes render.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// errNoReport reports a run whose Ginkgo report never arrived.
var errNoReport = errors.New("ginkgo produced no report")
