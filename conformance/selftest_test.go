package conformance

import (
	"context"
	"encoding/json"
	"maps"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/csmskit/csmskit/mock"
)

// childEnv marks a test binary started by TestBrokenServers: its TestSuite takes its target
// from the CSMS_* environment, as a vendor's run would.
const childEnv = "CSMSCONFORM_SELFTEST_CHILD"

// suiteRan guards Ginkgo's one suite per process (go test -count=2 would run TestSuite twice).
var suiteRan atomic.Bool

// TestSuite runs the whole suite against the in-process mock, which must pass it. As a child
// of TestBrokenServers it runs against the target its environment names.
func TestSuite(t *testing.T) {
	if !suiteRan.CompareAndSwap(false, true) {
		t.Skip("Ginkgo runs one suite per process")
	}
	if os.Getenv(childEnv) != "" {
		cfg, err := ConfigFromEnv()
		if err != nil {
			t.Fatal(err)
		}
		Run(t, cfg)
		return
	}
	cfg := NewConfig()
	cfg.ReportDir = t.TempDir()
	Run(t, cfg)
}

// The checks' texts, as the self-test expects them to fail.
const (
	specAuth200        = "answers 200 to the configured credentials for an existing secret"
	specNoCredentials  = "refuses a request without credentials with 401"
	specGarbageToken   = "refuses a garbage X-Auth-Token with 401 or the documented 400 CSMS.0301"
	specBadSignature   = "refuses a bad AK/SK signature with 401 or the documented 400 CSMS.0301"
	specOtherProject   = "refuses a request on another project's path with 403 or 401"
	specUnknownSecret  = "answer an unknown secret with 404 or the documented 400 CSMS.0106 or CSMS.0005"
	specUnknownRoute   = "answer an unknown route with 404"
	specNo5xx          = "are never a 5xx for a client's mistake"
	specErrorJSON      = "are application/json"
	specErrorFields    = "carry error_code of 8 to 36 and error_msg of 2 to 512 characters"
	specErrorCodeShape = "shape error_code like CSMS.0106 or APIGW.0301"
	specNoEcho         = "never echo the caller's credentials"
	specRequestID      = "carry an X-Request-Id header"
	specBlobPrefix     = "starts with the documented prefix )CloudSecretManagementBackupV1.com"
	specBlobJWE        = "continues with a complete JWE compact serialization: five base64url segments without padding"
	specBlobHeader     = "names alg, enc and kid in the JWE protected header"
	specBlobSizes      = "sizes each JWE segment as its alg and enc require"
	specBlobMax        = "is at most 5,242,880 characters long"
	specBlobOpaque     = "holds neither the secret's value nor a plain encoding of it"
	specBlobFresh      = "is fresh on every call"
	specBlobLengthByte = "starts with a length byte that matches the magic after it"
	specRestoreOnto    = "refuses to restore onto an existing secret with a 4xx"
	specTampered       = "refuses a backup with one character of its ciphertext changed with a 4xx"
	specExample        = "refuses the documented, truncated example blob with a 4xx"
	specRestore        = "restores a deleted secret with the same versions and values"
	specSchemaBackup   = "keep the contract for the backup of an existing secret"
	specSchemaRefusals = "keep the contract for every refusal the suite provokes"
	specSchemaOthers   = "keep the contract for every other answer of the run"
)

// inputCheck is the text of the input check for a bad value.
func inputCheck(what string) string { return "refuses " + what + " with 400" }

// brokenCase is one run of the suite against a fake with one fault.
type brokenCase struct {
	fault  fault
	labels string
	// focus, if set, narrows the run to the checks whose text matches it.
	focus  string
	strict bool
	// env adds settings once the fake is running.
	env func(f *fake) map[string]string
	// The checks that must fail, report a finding, or be skipped; every other check that ran
	// must pass.
	failed, findings, skipped []string
}

var roundTripChecks = []string{specRestoreOnto, specTampered, specExample, specRestore}

var brokenCases = []brokenCase{
	{fault: faultNone, strict: true},
	{fault: faultBackupStatus201, labels: "auth", failed: []string{specAuth200}},
	{fault: faultPlainTextErrors, labels: "errors", failed: []string{specErrorJSON, specErrorFields, specErrorCodeShape}},
	{fault: faultNoErrorMsg, labels: "errors", failed: []string{specErrorFields}},
	{fault: faultShortErrorCode, labels: "errors", failed: []string{specErrorFields}},
	{fault: faultMisshapenErrorCode, labels: "errors", failed: []string{specErrorCodeShape}},
	{fault: faultEchoToken, labels: "errors", failed: []string{specNoEcho}},
	{fault: faultNoRequestID, labels: "errors", findings: []string{specRequestID}},
	{fault: faultNoRequestID, labels: "errors", strict: true, failed: []string{specRequestID}},
	{fault: faultBlobNoPrefix, labels: "blob", failed: []string{specBlobPrefix}, findings: []string{specBlobLengthByte}},
	{fault: faultBlobTruncated, labels: "blob", failed: []string{specBlobJWE, specBlobSizes}},
	{fault: faultBlobPadded, labels: "blob", failed: []string{specBlobJWE}},
	{fault: faultBlobWrongIV, labels: "blob", failed: []string{specBlobSizes}},
	{fault: faultBlobPlaintext, labels: "blob", failed: []string{specBlobOpaque}},
	{fault: faultBlobBase64Value, labels: "blob", failed: []string{specBlobOpaque}},
	{fault: faultBlobNoKid, labels: "blob", failed: []string{specBlobHeader}},
	{fault: faultBlobSameEveryCall, labels: "blob", findings: []string{specBlobFresh}},
	{fault: faultBlobSameEveryCall, labels: "blob", strict: true, failed: []string{specBlobFresh}},
	{fault: faultBlobDocumentedPrefix, labels: "blob", findings: []string{specBlobLengthByte}},
	// Focused: every check that reads a 5 MB blob would make the self-test slow.
	{fault: faultBlobOversized, labels: "blob", focus: "at most", failed: []string{specBlobMax}},
	// The second download, of the freshness check, is one of the "other" answers.
	{fault: faultBlobAsText, labels: "schema || blob || auth", failed: []string{specSchemaBackup, specSchemaOthers}},
	{fault: faultDottedName500, labels: "errors || input", failed: []string{specNo5xx, inputCheck("a secret_name with a dot")}},
	{fault: faultLongName200, labels: "input", failed: []string{inputCheck("a secret_name of 65 characters")}},
	{fault: faultNoInputValidation, labels: "input", failed: allInputChecks()},
	{fault: faultNoCredentialsOK, labels: "auth", failed: []string{specNoCredentials}},
	{fault: faultAnyTokenOK, labels: "auth", failed: []string{specGarbageToken}},
	{fault: faultAnySignatureOK, labels: "auth", failed: []string{specBadSignature}},
	{fault: faultOtherProjectOK, labels: "auth", failed: []string{specOtherProject}},
	{fault: faultUnknownRoute200, labels: "errors", failed: []string{specUnknownRoute}},
	{fault: faultUnknownSecret410, labels: "errors || schema", failed: []string{specUnknownSecret, specSchemaRefusals}},
	{fault: faultCreate201, labels: "schema", failed: []string{specSchemaOthers}},
	{fault: faultTamperedRestoreOK, labels: "roundtrip", failed: []string{specTampered}},
	{fault: faultAnyBlobRestoreOK, labels: "roundtrip", failed: []string{specTampered, specExample}},
	// The round trip's setup probes UploadSecretBlob with a string that is no backup.
	{fault: faultAnyStringRestoreOK, labels: "roundtrip", failed: roundTripChecks},
	{fault: faultRestoreOverwrites, labels: "roundtrip", failed: []string{specRestoreOnto}},
	{fault: faultRestoreDropsVersion, labels: "roundtrip", failed: []string{specRestore}},
	{fault: faultNoRestore, labels: "roundtrip", skipped: roundTripChecks},
	{
		fault: faultNoCreate, labels: "roundtrip || blob", skipped: roundTripChecks,
		env: func(f *fake) map[string]string {
			f.seed("existing-secret", "an existing secret's value")
			return map[string]string{EnvSecretName: "existing-secret", EnvSecretValue: "an existing secret's value"}
		},
	},
}

func allInputChecks() []string {
	var out []string
	for _, b := range badSecretNames {
		out = append(out, inputCheck(b.what))
	}
	for _, b := range badProjectIDs {
		out = append(out, inputCheck(b.what))
	}
	return out
}

// TestBrokenServers runs the suite against fakes that each break the contract in one way,
// and checks that exactly the checks meant to notice each fault fail (or report a finding),
// and that every check is meant to notice at least one: no check that cannot fail.
func TestBrokenServers(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("a child runs only TestSuite")
	}
	var (
		mu      sync.Mutex
		all     []string // every check, from the conforming run
		noticed = map[string]bool{}
	)
	t.Run("faults", func(t *testing.T) {
		for _, bc := range brokenCases {
			name := string(bc.fault)
			if name == "" {
				name = "no fault"
			}
			if bc.strict {
				name += ", strict"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f := newFake(bc.fault)
				srv := httptest.NewServer(f)
				defer srv.Close()
				env := map[string]string{
					EnvEndpoint: srv.URL, EnvProjectID: f.projectID, EnvAuthToken: f.token,
					EnvLabelFilter: bc.labels,
				}
				if bc.strict {
					env[EnvStrict] = "true"
				}
				if bc.focus != "" {
					env[EnvFocus] = bc.focus
				}
				if bc.env != nil {
					maps.Copy(env, bc.env(f))
				}
				specs := runChild(t, env)
				checkOutcomes(t, specs, bc)
				mu.Lock()
				defer mu.Unlock()
				for _, c := range slices.Concat(bc.failed, bc.findings) {
					noticed[c] = true
				}
				if bc.fault == faultNone {
					for _, sr := range specs {
						all = append(all, sr.LeafNodeText)
					}
				}
			})
		}
		t.Run("the mock, signed with AK/SK", func(t *testing.T) {
			t.Parallel()
			specs := runChild(t, map[string]string{EnvAK: mock.DemoAK, EnvSK: mock.DemoSK})
			checkOutcomes(t, specs, brokenCase{findings: findingsOf(specs)})
		})
	})
	if t.Failed() {
		return
	}
	if len(all) == 0 {
		t.Fatal("the conforming run reported no checks")
	}
	for _, c := range all {
		if !noticed[c] {
			t.Errorf("no fault makes %q fail: a check that cannot fail checks nothing", c)
		}
	}
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

// checkOutcomes compares what the checks that ran did with what the case expects.
func checkOutcomes(t *testing.T, specs []types.SpecReport, bc brokenCase) {
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
		case sr.State == types.SpecStateSkipped:
			continue // not selected by the label filter
		case hasFinding(sr):
			findings = append(findings, sr.LeafNodeText)
		}
		ran = append(ran, sr.LeafNodeText)
	}
	if len(ran) == 0 {
		t.Fatalf("no check ran with label filter %q", bc.labels)
	}
	for _, want := range slices.Concat(bc.failed, bc.findings, bc.skipped) {
		if !slices.Contains(ran, want) {
			t.Errorf("no check %q ran; is the text right?", want)
		}
	}
	same := func(what string, got, want []string) {
		slices.Sort(got)
		want = slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got  %q\n want %q", what, got, want)
		}
	}
	same("failed checks", failed, bc.failed)
	same("checks with findings", findings, bc.findings)
	same("skipped checks", skipped, bc.skipped)
	if t.Failed() {
		for _, sr := range specs {
			if sr.State.Is(types.SpecStateFailureStates) {
				t.Logf("%s: %s", sr.LeafNodeText, sr.Failure.Message)
			}
		}
	}
}

func hasFinding(sr types.SpecReport) bool {
	return slices.ContainsFunc(sr.ReportEntries, func(e types.ReportEntry) bool { return e.Name == entryFinding })
}

// findingsOf lists the checks with findings: for the mock, whose should-level choices are its
// own, the self-test requires only that no check fails.
func findingsOf(specs []types.SpecReport) []string {
	var out []string
	for _, sr := range specs {
		if sr.State == types.SpecStatePassed && hasFinding(sr) {
			out = append(out, sr.LeafNodeText)
		}
	}
	return out
}
