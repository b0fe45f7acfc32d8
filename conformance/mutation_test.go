package conformance

import (
	"encoding/json"
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
	// The checks that must fail, report a finding, be skipped or be not supported; every
	// other check that ran must pass.
	failed, findings, skipped, unsupported []string
	labels                                 string
	// env adds settings to the run (strict mode, a secret the user names).
	env map[string]string
	// name tells apart runs of the same target, defect and ways.
	name string
	// dots makes the independent server accept a '.' in secret names (a documented conflict).
	dots bool
	// lacks are operations the independent server answers 405, as a service without them.
	lacks []string
	// operation is the operationId a defect breaks, "" for one that breaks every operation
	// (authentication, error answers), as the coverage table in README.md lists them.
	operation string
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
				var srv *indie.Server
				if bc.mock {
					env[childMockEnv] = cmpOr(bc.ways, "both")
				} else {
					var err error
					srv, err = indie.New(bc.defect)
					if err != nil {
						t.Fatal(err)
					}
					if bc.dots {
						srv.AcceptDots()
					}
					srv.Lack(bc.lacks...)
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
				if srv != nil && bc.defect == indie.DefectNone {
					// Everything the suite created, it deleted.
					if left := srv.Names(); len(left) > 0 {
						t.Errorf("the suite left %d secrets behind: %v", len(left), left)
					}
				}
				if !bc.mock && bc.defect == indie.DefectNone && bc.ways == "" && bc.name == "" {
					checkDeclaredOperations(t, specs)
				}
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
	var failed, findings, skipped, unsupported, ran []string
	for _, sr := range specs {
		if sr.State != types.SpecStatePassed && sr.State != types.SpecStateFailed && sr.State != types.SpecStateSkipped {
			t.Errorf("%q ended %s, not passed, failed or skipped: a bug in the suite? %s", sr.LeafNodeText, sr.State, sr.Failure.Message)
		}
		switch {
		case sr.State.Is(types.SpecStateFailureStates):
			failed = append(failed, sr.LeafNodeText)
		case sr.State == types.SpecStateSkipped && sr.Failure.Message != "" && hasEntry(sr, entryUnsupported):
			unsupported = append(unsupported, sr.LeafNodeText)
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
	same("checks not supported", unsupported, bc.unsupported)
	if !ok {
		for _, sr := range specs {
			if sr.State.Is(types.SpecStateFailureStates) {
				t.Logf("%s: %s", sr.LeafNodeText, sr.Failure.Message)
			}
		}
	}
	return ok
}

// setupOperations are those any check may call to make or remove what it works on, beyond
// the operations it declares.
var setupOperations = []string{"CreateSecret", "DeleteSecret"}

// checkDeclaredOperations compares the operations each check declares (what -list prints)
// with those it sent requests to in a run where every check runs: each declared one must
// have been exercised, and none but the setup's left undeclared.
func checkDeclaredOperations(t *testing.T, specs []types.SpecReport) {
	t.Helper()
	declared := map[string][]string{}
	for _, info := range Checks() {
		declared[info.Text] = info.Operations
	}
	for _, sr := range specs {
		want, ok := declared[sr.FullText()]
		if !ok {
			t.Errorf("%q ran but Checks does not list it", sr.FullText())
			continue
		}
		var used []string
		for _, e := range sr.ReportEntries {
			if e.Name == entryOperations {
				if err := json.Unmarshal([]byte(e.Value.AsJSON), &used); err != nil {
					t.Errorf("%q: cannot read its operations: %v", sr.LeafNodeText, err)
				}
			}
		}
		for _, op := range want {
			if !slices.Contains(used, op) {
				t.Errorf("%q declares %s but sent it no request", sr.LeafNodeText, op)
			}
		}
		for _, op := range used {
			if !slices.Contains(want, op) && !slices.Contains(setupOperations, op) {
				t.Errorf("%q sent requests to %s, which it does not declare", sr.LeafNodeText, op)
			}
		}
	}
}
