package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/conformance"
)

// The example's one identity in the tests.
const (
	testProjectID = "7c0e5a9d3b1f4e2a8d6c0b9a7e5f3d1c"
	testToken     = "MIIexample-server-token-3f9a1c7e5b2d8f4a"
	testAK        = "EXAMPLESERVERAK00001"
	testSK        = "exampleServerSecretKey7t2Yp9Lm4Qx8Vz1Nc6"
)

// TestConformance runs the conformance suite's backup and restore profiles, the operations the
// example implements, against it, with a token and AK/SK both, so that every authentication
// check runs for each way in. The example must pass with no must-level failure, and every
// check must have run: a skipped check never fails a run, so a server without
// UploadSecretBlob, say, would otherwise pass with its round trip skipped.
// Ginkgo allows one suite per process: this is the package's only run of it.
func TestConformance(t *testing.T) {
	srv, err := New(Config{ProjectID: testProjectID, Token: testToken, AK: testAK, SK: testSK},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()

	cfg := conformance.NewConfig()
	cfg.Endpoint, cfg.ProjectID = hs.URL, testProjectID
	cfg.AuthToken, cfg.AK, cfg.SK = testToken, testAK, testSK
	cfg.LabelFilter = "backup || restore"
	cfg.Require = []string{"backup", "restore"}
	var summary bytes.Buffer
	res, err := conformance.Execute(context.Background(), cfg, &summary)
	t.Log(summary.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Checks {
		switch {
		case c.Outcome == conformance.OutcomeFailed:
			t.Errorf("%s-level check failed: %s: %s", c.Level, c.Text, c.Message)
		case c.Outcome == conformance.OutcomeSkipped:
			t.Errorf("check skipped: %s: %s", c.Text, c.Message)
		}
	}
	for _, p := range res.SuiteProblems {
		t.Errorf("suite problem: %s", p)
	}
	if !res.Passed {
		t.Error("the suite did not pass")
	}
	if len(res.Checks) == 0 {
		t.Error("no check ran")
	}
}

// The example is what an implementer outside csmskit writes: it imports only public packages
// (an outside module cannot import internal/ ones) and depends on nothing of the mock.
func TestImportsOnlyPublicPackages(t *testing.T) {
	const module = "github.com/csmskit/csmskit/"
	for _, imp := range goList(t, "{{.Imports}}") {
		if strings.HasPrefix(imp, module+"internal/") {
			t.Errorf("the example imports %s, which an outside module cannot", imp)
		}
	}
	for _, dep := range goList(t, "{{.Deps}}") {
		if dep == module+"mock" || strings.HasPrefix(dep, module+"mock/") {
			t.Errorf("the example depends on %s", dep)
		}
	}
}

// goList returns the list of package paths format prints for this package.
func goList(t *testing.T, format string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", format, ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	paths := strings.Fields(strings.Trim(strings.TrimSpace(string(out)), "[]"))
	if len(paths) == 0 {
		t.Fatalf("go list %s printed nothing", format)
	}
	return paths
}
