// Package embedded_test runs the conformance checks inside a Ginkgo suite of its own, as a
// user who embeds them with conformance.GinkgoTest would; Ginkgo allows one suite per test
// binary, hence a package of its own.
package embedded_test

import (
	"testing"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/csmskit/csmskit/conformance"
	"github.com/csmskit/csmskit/mock"
)

var target = func() *mock.Server {
	m, err := mock.New(mock.DefaultConfig())
	if err != nil {
		panic(err)
	}
	return m
}()

// The user's own spec beside the suite's checks.
var _ = ginkgo.Describe("the user's own specs", func() {
	ginkgo.It("run beside the conformance checks", func() {
		if target.BackupKeyID() == "" {
			ginkgo.Fail("the mock has no backup key")
		}
	})
})

var _ = ginkgo.Describe("CSMS conformance, embedded", func() {
	cfg := conformance.NewConfig()
	cfg.Handler = target
	cfg.ProjectID = mock.DemoProjectID
	cfg.AuthToken = mock.DemoToken
	conformance.GinkgoTest(cfg)
})

var report types.Report

var _ = ginkgo.ReportAfterSuite("count the checks", func(r types.Report) { report = r })

func TestGinkgoTestEmbedsTheChecks(t *testing.T) {
	t.Cleanup(func() { _ = target.Close() })
	if !ginkgo.RunSpecs(t, "embedded conformance") {
		t.Fatal("the embedded suite failed against the mock")
	}
	passed := 0
	for _, spec := range report.SpecReports {
		if spec.LeafNodeType == types.NodeTypeIt && spec.State == types.SpecStatePassed {
			passed++
		}
	}
	// The suite's checks ran (not only the user's spec) and passed.
	if passed < 30 {
		t.Fatalf("%d specs passed; the embedded checks did not run", passed)
	}
}
