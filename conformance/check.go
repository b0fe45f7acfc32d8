package conformance

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/onsi/ginkgo/v2"
)

// Levels say how much a failed check weighs: a must-level failure always fails the run; a
// should-level one is a finding, reported but not failing unless the run is strict.
const (
	levelMust   = "must"
	levelShould = "should"
)

// Areas group checks by concern within a profile; each check carries one as a label. The
// checks of the profiles beyond backup and restore have their profile as their area, but for
// their contract sweeps (schema) and the quota check.
const (
	areaAuth      = "auth"
	areaErrors    = "errors"
	areaBlob      = "blob"
	areaSchema    = "schema"
	areaRoundTrip = "roundtrip"
	areaInput     = "input"
	areaQuota     = "quota"
)

// Report entry names the summary and the HTML report look for.
const (
	entryFinding = "finding"
	entryTraffic = "traffic"
	entrySource  = "source"
	// entryUnsupported marks a check that ended "not supported"; its value is the operation.
	entryUnsupported = "unsupported"
	// entryOperations lists the operations a check sent requests to, for the suite's tests.
	entryOperations = "operations"
)

// maxProblemChars bounds one problem's text: a hostile target must not fill the report.
const maxProblemChars = 4000

// check is what a check's body reports to: its problems and the exchanges behind them.
type check struct {
	s   *suite
	ctx context.Context
	// profile is the check's profile; its requests are swept by that profile's contract check.
	profile  string
	problems []string
	// sent is every exchange the check sent itself; blamed are those a problem points at;
	// touched are those it read, its own and those it shares (the subject's backup, provocations).
	sent, blamed, touched []*exchange
	// skip, when set, says why the check cannot be made: what the run lacks.
	skip string
	// missing, when set, is the answer that showed the target lacks an operation the check needs.
	missing *lack
	// stopped says the check ended early: fatalf, skipf or a missing operation.
	stopped bool
}

// lack is an operation the target does not have, as an answer showed.
type lack struct {
	ex *exchange
	// why says what the check needed the operation for; empty for the check itself.
	why string
}

// String says which operation is missing and where.
func (l *lack) String() string {
	s := fmt.Sprintf("not supported: the target has no %s (%s %s → %d)", l.ex.operation(), l.ex.method, l.ex.path(), l.ex.status)
	if l.why != "" {
		s += ", " + l.why
	}
	return s
}

// stopCheck is the panic fatalf ends a check with; attempt recovers it.
type stopCheck struct{}

// errorf records a problem and lets the check go on, so that one run shows all of them.
func (c *check) errorf(format string, args ...any) {
	msg := c.s.redact.text(fmt.Sprintf(format, args...))
	if len(msg) > maxProblemChars {
		cut := maxProblemChars
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + " […]"
	}
	c.problems = append(c.problems, msg)
}

// blame records a problem with the exchange it was seen in, which the report then shows.
func (c *check) blame(ex *exchange, format string, args ...any) {
	c.blamed = append(c.blamed, ex)
	c.errorf("%s: %s", ex, fmt.Sprintf(format, args...))
}

// fatalf records a problem and ends the check.
func (c *check) fatalf(format string, args ...any) {
	c.errorf(format, args...)
	panic(stopCheck{})
}

// fatalOn ends the check with a problem blamed on ex.
func (c *check) fatalOn(ex *exchange, format string, args ...any) {
	c.blame(ex, format, args...)
	panic(stopCheck{})
}

// skipf ends the check as skipped, saying what the target (or the configuration) lacks.
func (c *check) skipf(format string, args ...any) {
	c.skip = c.s.redact.text(fmt.Sprintf(format, args...))
	panic(stopCheck{})
}

// lacks ends the check as not supported: ex shows the target has no such operation. why, if
// not empty, says what the check needed it for.
func (c *check) lacks(ex *exchange, why string) {
	c.missing = &lack{ex: ex, why: why}
	panic(stopCheck{})
}

// send sends a request on the check's behalf.
func (c *check) send(cl call) *exchange {
	cl.profile = c.profile
	ex := c.s.client.do(c.ctx, cl)
	c.sent = append(c.sent, ex)
	c.touched = append(c.touched, ex)
	return ex
}

// mustAnswer sends a request and ends the check if no complete answer comes.
func (c *check) mustAnswer(cl call) *exchange {
	ex := c.send(cl)
	if !ex.answered() {
		c.fatalOn(ex, "no answer: %v", ex.err)
	}
	return ex
}

// exec runs a check's body and settles its problems: a failure for a must-level check or a
// strict run, a finding otherwise; either way with the traffic behind it in the report. A
// check that found an operation missing is not supported: a failure when its profile is
// required, else a skip that says which operation.
func (s *suite) exec(info CheckInfo, body func(*check)) {
	c := s.attemptAs(info.Profile, body)
	defer s.compact(c)
	ginkgo.AddReportEntry(entryOperations, c.operations(), ginkgo.ReportEntryVisibilityNever)
	if c.missing != nil {
		s.notSupported(info.Profile, c)
	}
	if c.skip != "" {
		ginkgo.Skip(c.skip)
	}
	s.settle(info.Level, c)
}

// notSupported ends a check whose operation the target lacks.
func (s *suite) notSupported(profile string, c *check) {
	msg := c.s.redact.text(c.missing.String())
	if s.required(profile) {
		ginkgo.AddReportEntry(entryTraffic, s.redact.traffic(c.missing.ex), ginkgo.ReportEntryVisibilityFailureOrVerbose)
		ginkgo.Fail(fmt.Sprintf("%s; the run requires the %s profile (%s)", msg, profile, EnvRequire), 2)
	}
	ginkgo.AddReportEntry(entryUnsupported, c.missing.ex.operation(), ginkgo.ReportEntryVisibilityNever)
	ginkgo.Skip(msg)
}

// maxKeptBody is the largest answer body the run keeps whole after the check that sent the
// request has ended; a larger one is kept as a report would show it. A hostile target's
// bodies of megabytes each would otherwise pile up in the run's log.
const maxKeptBody = 64 << 10

// compact replaces the large bodies of a finished check's own answers with their redacted
// renderings. The answers checks share (the subject's backup, the provocations) stay whole.
func (s *suite) compact(c *check) {
	for _, ex := range c.sent {
		if len(ex.body) <= maxKeptBody || ex == s.backup || s.isProvoked(ex) {
			continue
		}
		ex.errorCode()
		ex.rendered, ex.body = s.redact.body(ex.body), nil
	}
}

// isProvoked reports whether ex is the answer to a provocation.
func (s *suite) isProvoked(ex *exchange) bool {
	for _, p := range s.provoked {
		if p == ex {
			return true
		}
	}
	return false
}

// operations returns the operations the check sent requests to, sorted.
func (c *check) operations() []string {
	var out []string
	for _, ex := range c.touched {
		if op := ex.op; op != "" && !slices.Contains(out, op) {
			out = append(out, op)
		}
	}
	slices.Sort(out)
	return out
}

// attemptAs runs body until it ends or calls fatalf, skipf or lacks, and returns what it
// found. A panic from a bug goes on to Ginkgo.
func (s *suite) attemptAs(profile string, body func(*check)) *check {
	return s.attemptIn(s.ctx, profile, body)
}

// attemptIn is attemptAs with the check's requests bound to ctx instead of the run's.
func (s *suite) attemptIn(ctx context.Context, profile string, body func(*check)) (c *check) {
	c = &check{s: s, ctx: ctx, profile: profile}
	defer func() {
		if r := recover(); r != nil {
			if _, stopped := r.(stopCheck); !stopped {
				panic(r)
			}
			c.stopped = true
		}
	}()
	body(c)
	return c
}

// settle reports a check's problems with the traffic behind them.
func (s *suite) settle(level string, c *check) {
	if len(c.problems) == 0 {
		return
	}
	behind := c.blamed
	if len(behind) == 0 {
		behind = c.sent
	}
	for _, ex := range behind {
		ginkgo.AddReportEntry(entryTraffic, s.redact.traffic(ex), ginkgo.ReportEntryVisibilityFailureOrVerbose)
	}
	msg := strings.Join(c.problems, "\n")
	if level == levelMust || s.cfg.Strict {
		ginkgo.Fail(msg, 2)
	}
	ginkgo.AddReportEntry(entryFinding, finding(msg), ginkgo.ReportEntryVisibilityAlways)
}

// inherit ends c with the problems of an earlier check it depends on, such as a shared setup.
func (c *check) inherit(what string, earlier *check) {
	if len(earlier.problems) == 0 {
		return
	}
	c.blamed = append(c.blamed, earlier.blamed...)
	c.sent = append(c.sent, earlier.sent...)
	c.fatalf("%s failed: %s", what, strings.Join(earlier.problems, "; "))
}

// finding is a should-level problem in a run that is not strict.
type finding string

// String renders the finding for the console.
func (f finding) String() string {
	return "SHOULD-level finding (not failing without --strict):\n" + string(f)
}
