package conformance

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// Result is what a run found.
type Result struct {
	// Target is what was checked.
	Target string
	// Strict says whether should-level findings failed the run.
	Strict bool
	// Passed is false when a must-level check failed, a should-level one failed in a strict
	// run, or the suite's own setup or cleanup failed.
	Passed bool
	// Checks lists every check in the order they ran, including those not selected.
	Checks []CheckResult
	// Credentials says which ways in the run used, and for which checks.
	Credentials string
	// Gaps lists the operations the target answered as absent (405, 501, a 404 without a
	// CSMS code, or APIGW.0101), each once with the route: capabilities it lacks, which are
	// not violations unless a required profile needs them.
	Gaps []string
	// SuiteProblems are failures outside any check, such as a failed cleanup.
	SuiteProblems []string
	// Reports lists the report files written.
	Reports []string
	// Duration is how long the checks took.
	Duration time.Duration
}

// CheckResult is one check's outcome.
type CheckResult struct {
	// Text is the check's full text, e.g. "Download Secret Backup secret_blob is fresh on every call".
	Text string
	// Level is "must" or "should".
	Level string
	// Area is the check's concern within its profile, e.g. auth, blob, roundtrip or schema.
	Area string
	// Profile is the profile the check belongs to (see Profiles).
	Profile string
	// Outcome says how the check ended.
	Outcome Outcome
	// Message is why it failed, what it found, or why it was skipped.
	Message string
	// Source names the vendor document a must-level check rests on.
	Source string
	// Traffic is the redacted exchanges behind a failure or finding.
	Traffic []Traffic
	// Duration is how long the check took.
	Duration time.Duration
}

// Outcome is how a check ended.
type Outcome string

// The outcomes of a check.
const (
	// OutcomePassed: the target did what the check asks.
	OutcomePassed Outcome = "passed"
	// OutcomeFailed: a must-level check failed, or a should-level one in a strict run.
	OutcomeFailed Outcome = "failed"
	// OutcomeFinding: a should-level check found a problem in a run that is not strict.
	OutcomeFinding Outcome = "finding"
	// OutcomeSkipped: something the check needs is missing, a setting or a way in; the
	// message says what.
	OutcomeSkipped Outcome = "skipped"
	// OutcomeNotSupported: the target lacks an operation the check needs, and the check's
	// profile is not required; the message names the operation and its route.
	OutcomeNotSupported Outcome = "not supported"
	// OutcomeNotSelected: the label filter or focus left the check out.
	OutcomeNotSelected Outcome = "not selected"
)

// result turns Ginkgo's report into a Result.
func (s *suite) result(passed bool, d time.Duration) Result {
	res := Result{Target: s.target.describe(), Strict: s.cfg.Strict, Passed: passed, Duration: d,
		Credentials: s.target.describeWays(), Gaps: s.gaps()}
	if s.report.SuiteDescription == "" {
		res.Passed = false
		res.SuiteProblems = append(res.SuiteProblems, errNoReport.Error())
		return res
	}
	for _, sr := range s.report.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			if sr.State.Is(types.SpecStateFailureStates) {
				res.SuiteProblems = append(res.SuiteProblems, fmt.Sprintf("%s: %s", sr.LeafNodeType, failureText(sr)))
			}
			continue
		}
		res.Checks = append(res.Checks, checkResult(sr))
	}
	return res
}

// checkResult reads one spec's outcome, level, area and traffic.
func checkResult(sr types.SpecReport) CheckResult {
	cr := CheckResult{Text: sr.FullText(), Duration: sr.RunTime}
	for _, l := range sr.Labels() {
		switch {
		case l == levelMust || l == levelShould:
			cr.Level = l
		case slices.Contains(Profiles(), l):
			cr.Profile = l
		default:
			cr.Area = l
		}
	}
	if cr.Area == "" {
		cr.Area = cr.Profile
	}
	var findings []string
	unsupported := false
	for _, e := range sr.ReportEntries {
		switch e.Name {
		case entryTraffic:
			if t, ok := e.GetRawValue().(Traffic); ok {
				cr.Traffic = append(cr.Traffic, t)
			}
		case entrySource:
			if src, ok := e.GetRawValue().(string); ok {
				cr.Source = src
			}
		case entryFinding:
			if f, ok := e.GetRawValue().(finding); ok {
				findings = append(findings, string(f))
			}
		case entryUnsupported:
			unsupported = true
		}
	}
	switch {
	case sr.State.Is(types.SpecStateFailureStates):
		cr.Outcome, cr.Message = OutcomeFailed, failureText(sr)
	case sr.State == types.SpecStateSkipped && sr.Failure.Message == "":
		cr.Outcome = OutcomeNotSelected
	case sr.State == types.SpecStateSkipped && unsupported:
		cr.Outcome, cr.Message = OutcomeNotSupported, sr.Failure.Message
	case sr.State == types.SpecStateSkipped, sr.State == types.SpecStatePending:
		cr.Outcome, cr.Message = OutcomeSkipped, sr.Failure.Message
	case len(findings) > 0:
		cr.Outcome, cr.Message = OutcomeFinding, strings.Join(findings, "\n")
	default:
		cr.Outcome = OutcomePassed
	}
	return cr
}

// failureText is a failed spec's message, with a panic's value when there was one.
func failureText(sr types.SpecReport) string {
	msg := sr.Failure.Message
	if sr.Failure.ForwardedPanic != "" {
		msg += "\npanic: " + sr.Failure.ForwardedPanic
	}
	return msg
}

// count returns how many checks of a level ended with an outcome.
func (r Result) count(level string, o Outcome) int {
	n := 0
	for _, c := range r.Checks {
		if c.Level == level && c.Outcome == o {
			n++
		}
	}
	return n
}

// Summary renders the result for a terminal: the counts, then every failure, finding and
// skip with its reason.
func (r Result) Summary() string {
	var b strings.Builder
	strict := "not strict: should-level findings do not fail the run"
	if r.Strict {
		strict = "strict: should-level findings fail the run"
	}
	fmt.Fprintf(&b, "CSMS conformance of %s, %s (%s)\n", r.Target, r.Duration.Round(time.Millisecond), strict)
	if r.Credentials != "" {
		fmt.Fprintf(&b, "Credentials: %s\n", r.Credentials)
	}
	for _, level := range []string{levelMust, levelShould} {
		fmt.Fprintf(&b, "  %-6s  %3d passed  %3d failed  %3d findings  %3d skipped  %3d not supported  %3d not selected\n", level,
			r.count(level, OutcomePassed), r.count(level, OutcomeFailed), r.count(level, OutcomeFinding),
			r.count(level, OutcomeSkipped), r.count(level, OutcomeNotSupported), r.count(level, OutcomeNotSelected))
	}
	sections := []struct {
		outcome Outcome
		title   string
	}{
		{OutcomeFailed, "Failed"},
		{OutcomeFinding, "Findings (should-level; --strict makes them failures)"},
		{OutcomeSkipped, "Skipped (what the check needs is missing)"},
		{OutcomeNotSupported, "Not supported (the target lacks an operation of a profile the run does not require)"},
	}
	for _, sec := range sections {
		i := slices.IndexFunc(r.Checks, func(c CheckResult) bool { return c.Outcome == sec.outcome })
		if i < 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s:\n", sec.title)
		for _, c := range r.Checks[i:] {
			if c.Outcome != sec.outcome {
				continue
			}
			fmt.Fprintf(&b, "  [%s, %s] %s\n", c.Level, c.labels(), c.Text)
			for line := range strings.SplitSeq(strings.TrimSpace(c.Message), "\n") {
				fmt.Fprintf(&b, "      %s\n", line)
			}
		}
	}
	if len(r.Gaps) > 0 {
		fmt.Fprintf(&b, "\nCapability gaps (operations the target lacks; violations only in a required profile):\n")
		for _, g := range r.Gaps {
			fmt.Fprintf(&b, "  %s\n", g)
		}
	}
	if len(r.SuiteProblems) > 0 {
		fmt.Fprintf(&b, "\nSuite problems:\n")
		for _, p := range r.SuiteProblems {
			fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(strings.TrimSpace(p), "\n", "\n  "))
		}
	}
	if len(r.Reports) > 0 {
		fmt.Fprintf(&b, "\nReports: %s\n", strings.Join(r.Reports, ", "))
	}
	fmt.Fprintf(&b, "\n%s\n", r.verdict())
	return b.String()
}

// labels names a check's area and, when it differs, its profile.
func (c CheckResult) labels() string {
	if c.Profile == "" || c.Profile == c.Area {
		return c.Area
	}
	return c.Area + ", " + c.Profile
}

// verdict is the summary's last line.
func (r Result) verdict() string {
	if r.Passed {
		if n := r.count(levelShould, OutcomeFinding); n > 0 {
			return fmt.Sprintf("PASS, with %d should-level finding(s)", n)
		}
		return "PASS"
	}
	var why []string
	if n := r.count(levelMust, OutcomeFailed); n > 0 {
		why = append(why, fmt.Sprintf("%d must-level check(s) failed", n))
	}
	if n := r.count(levelShould, OutcomeFailed); n > 0 {
		why = append(why, fmt.Sprintf("%d should-level check(s) failed in strict mode", n))
	}
	if len(r.SuiteProblems) > 0 {
		why = append(why, "the suite itself had problems")
	}
	if len(why) == 0 {
		why = append(why, "see Ginkgo's output above")
	}
	return "FAIL: " + strings.Join(why, "; ")
}
