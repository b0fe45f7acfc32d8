package conformance

import (
	"fmt"
	"maps"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/csmskit/csmskit/conformance/internal/indie"
)

// brokenCase is one run of the suite in a child process: against the independent server with
// at most one defect, or against the mock.
type brokenCase struct {
	defect indie.Defect
	// ways are the ways in the run uses: "token", "aksk" or "both" (the default).
	ways string
	// mock checks csmskit's mock instead of the independent server.
	mock bool
	// The checks that must fail, report a finding, or be skipped; every other check that ran
	// must pass.
	failed, findings, skipped []string
	labels                    string
	// env adds settings to the run (strict mode, a secret the user names).
	env map[string]string
	// name tells apart runs of the same target, defect and ways.
	name string
	// dots makes the independent server accept a '.' in secret names (a documented conflict).
	dots bool
}

func TestMutations(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("a child runs only TestSuite")
	}
	var (
		mu     sync.Mutex
		caught = map[indie.Defect]bool{}
	)
	t.Run("cases", func(t *testing.T) {
		for _, bc := range allCases() {
			name := fmt.Sprintf("%s/%s", map[bool]string{true: "mock", false: "indie"}[bc.mock], cmpOr(string(bc.defect), "no defect"))
			name += ", " + cmpOr(bc.ways, "both")
			if bc.name != "" {
				name += ", " + bc.name
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				env := map[string]string{}
				maps.Copy(env, bc.env)
				if bc.labels != "" {
					env[EnvLabelFilter] = bc.labels
				}
				if bc.mock {
					env[childMockEnv] = cmpOr(bc.ways, "both")
				} else {
					srv, err := indie.New(bc.defect)
					if err != nil {
						t.Fatal(err)
					}
					if bc.dots {
						srv.AcceptDots()
					}
					hs := httptest.NewServer(srv)
					defer hs.Close()
					env[EnvEndpoint], env[EnvProjectID] = hs.URL, indie.ProjectID
					if bc.ways != "aksk" {
						env[EnvAuthToken] = indie.Token
					}
					if bc.ways != "token" {
						env[EnvAK], env[EnvSK] = indie.AK, indie.SK
					}
				}
				specs := runChild(t, env)
				if !checkOutcomes(t, specs, bc) {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if bc.defect != indie.DefectNone && len(bc.failed)+len(bc.findings) > 0 {
					caught[bc.defect] = true
				}
			})
		}
	})
	survivors := []string{}
	for _, d := range indie.Defects {
		if !caught[d] {
			survivors = append(survivors, string(d))
		}
	}
	sort.Strings(survivors)
	t.Logf("mutation score: %d of %d single defects of the independent server caught", len(indie.Defects)-len(survivors), len(indie.Defects))
	fmt.Printf("conformance mutation score: %d/%d defects caught\n", len(indie.Defects)-len(survivors), len(indie.Defects))
	if len(survivors) > 0 {
		t.Errorf("defects no check noticed (a bug in the suite): %s", strings.Join(survivors, "; "))
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// checkOutcomes compares what the checks that ran did with what the case expects, and
// reports whether they matched.
func checkOutcomes(t *testing.T, specs []types.SpecReport, bc brokenCase) bool {
	t.Helper()
	var failed, findings, skipped, ran []string
	for _, sr := range specs {
		if sr.State != types.SpecStatePassed && sr.State != types.SpecStateFailed && sr.State != types.SpecStateSkipped {
			t.Errorf("%q ended %s, not passed, failed or skipped: a bug in the suite? %s", sr.LeafNodeText, sr.State, sr.Failure.Message)
		}
		switch {
		case sr.State.Is(types.SpecStateFailureStates):
			failed = append(failed, sr.LeafNodeText)
		case sr.State == types.SpecStateSkipped && sr.Failure.Message != "":
			skipped = append(skipped, sr.LeafNodeText)
			if strings.Contains(sr.Failure.Message, "Skip()") || strings.Contains(sr.Failure.Message, "BeforeAll") {
				t.Errorf("%q was skipped with a framework message, not a reason: %s", sr.LeafNodeText, sr.Failure.Message)
			}
		case sr.State == types.SpecStateSkipped:
			continue // not selected
		case hasFinding(sr):
			findings = append(findings, sr.LeafNodeText)
		}
		ran = append(ran, sr.LeafNodeText)
	}
	if len(ran) == 0 {
		t.Fatalf("no check ran")
	}
	ok := true
	same := func(what string, got, want []string) {
		slices.Sort(got)
		want = slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			ok = false
			t.Errorf("%s:\n got  %q\n want %q", what, got, want)
		}
	}
	same("failed checks", failed, bc.failed)
	same("checks with findings", findings, bc.findings)
	same("skipped checks", skipped, bc.skipped)
	if !ok {
		for _, sr := range specs {
			if sr.State.Is(types.SpecStateFailureStates) {
				t.Logf("%s: %s", sr.LeafNodeText, sr.Failure.Message)
			}
		}
	}
	return ok
}
