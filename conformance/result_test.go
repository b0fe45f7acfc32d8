package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var sampleResult = Result{
	Target:   "https://csms.example.com",
	Duration: 1500 * time.Millisecond,
	Checks: []CheckResult{
		{Text: "Download Secret Backup a passing check", Level: levelMust, Area: areaAuth, Outcome: OutcomePassed},
		{Text: "Download Secret Backup a failing <check>", Level: levelMust, Area: areaBlob, Outcome: OutcomeFailed,
			Message: "line one\nline two", Traffic: []Traffic{{What: "backup", Request: "POST /backup", Response: "500 <b>"}}},
		{Text: "Download Secret Backup a finding", Level: levelShould, Area: areaBlob, Outcome: OutcomeFinding, Message: "same blob"},
		{Text: "Download Secret Backup a skipped check", Level: levelMust, Area: areaRoundTrip, Outcome: OutcomeSkipped, Message: "no UploadSecretBlob"},
		{Text: "Download Secret Backup an unselected check", Level: levelMust, Area: areaInput, Outcome: OutcomeNotSelected},
		{Text: "tags a check of an operation the target lacks", Level: levelMust, Area: ProfileTags, Profile: ProfileTags,
			Outcome: OutcomeNotSupported, Message: "not supported: the target has no ListSecretTags (GET /v1/p/csms/i/tags → 404)"},
	},
}

func TestSummary(t *testing.T) {
	got := sampleResult.Summary()
	for _, want := range []string{
		"CSMS conformance of https://csms.example.com, 1.5s (not strict",
		"must      1 passed    1 failed    0 findings    1 skipped    1 not supported    1 not selected",
		"should    0 passed    0 failed    1 findings",
		"Failed:\n  [must, blob] Download Secret Backup a failing <check>\n      line one\n      line two",
		"Findings (should-level; --strict makes them failures):\n  [should, blob]",
		"Skipped (what the check needs is missing):\n  [must, roundtrip] Download Secret Backup a skipped check\n      no UploadSecretBlob",
		"Not supported (the target lacks an operation of a profile the run does not require):\n  [must, tags] tags a check",
		"FAIL: 1 must-level check(s) failed",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the summary lacks %q:\n%s", want, got)
		}
	}
	passed := Result{Passed: true, Checks: sampleResult.Checks[2:3]}
	if v := passed.verdict(); v != "PASS, with 1 should-level finding(s)" {
		t.Errorf("verdict = %q", v)
	}
}

func TestHTMLReport(t *testing.T) {
	path := filepath.Join(t.TempDir(), ReportHTML)
	if err := writeHTML(path, sampleResult); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, want := range []string{
		"<!DOCTYPE html>", "FAIL: 1 must-level check(s) failed", "a failing &lt;check&gt;",
		"<summary>backup</summary>", "500 &lt;b&gt;", `class="outcome finding"`, "no UploadSecretBlob",
		`class="outcome not-selected"`, `class="outcome not-supported"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	if strings.Contains(html, "<check>") || strings.Contains(html, "500 <b>") {
		t.Error("the HTML report does not escape what the target sent")
	}
}
