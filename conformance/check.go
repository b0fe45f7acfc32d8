package conformance

import (
	"context"
	"fmt"
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

// Areas group checks by concern; each check carries one as a label.
const (
	areaAuth      = "auth"
	areaErrors    = "errors"
	areaBlob      = "blob"
	areaSchema    = "schema"
	areaRoundTrip = "roundtrip"
	areaInput     = "input"
)

// Report entry names the summary and the HTML report look for.
const (
	entryFinding = "finding"
	entryTraffic = "traffic"
	entrySource  = "source"
)

// maxProblemChars bounds one problem's text: a hostile target must not fill the report.
const maxProblemChars = 4000

// check is what a check's body reports to: its problems and the exchanges behind them.
type check struct {
	s        *suite
	ctx      context.Context
	problems []string
	// sent is every exchange the check sent itself; blamed are those a problem points at.
	sent, blamed []*exchange
	// skip, when set, says why the check cannot be made: what the target or the run lacks.
	skip string
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

// send sends a request on the check's behalf.
func (c *check) send(cl call) *exchange {
	ex := c.s.client.do(c.ctx, cl)
	c.sent = append(c.sent, ex)
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

// must declares a must-level check. source names the vendor document that makes it a must;
// it goes into the check's report.
func (s *suite) must(text, area, source string, body func(*check)) {
	ginkgo.It(text, ginkgo.Label(levelMust, area), ginkgo.Offset(1), func() {
		ginkgo.AddReportEntry(entrySource, source, ginkgo.ReportEntryVisibilityNever)
		s.exec(levelMust, body)
	})
}

// should declares a should-level check.
func (s *suite) should(text, area string, body func(*check)) {
	ginkgo.It(text, ginkgo.Label(levelShould, area), ginkgo.Offset(1), func() { s.exec(levelShould, body) })
}

// exec runs a check's body and settles its problems: a failure for a must-level check or a
// strict run, a finding otherwise; either way with the traffic behind it in the report.
func (s *suite) exec(level string, body func(*check)) {
	c := s.attempt(body)
	if c.skip != "" {
		ginkgo.Skip(c.skip)
	}
	s.settle(level, c)
}

// attempt runs body until it ends or calls fatalf or skipf and returns what it found. A
// panic from a bug goes on to Ginkgo.
func (s *suite) attempt(body func(*check)) *check { return s.attemptIn(s.ctx, body) }

// attemptIn is attempt with the check's requests bound to ctx instead of the run's.
func (s *suite) attemptIn(ctx context.Context, body func(*check)) (c *check) {
	c = &check{s: s, ctx: ctx}
	defer func() {
		if r := recover(); r != nil {
			if _, stopped := r.(stopCheck); !stopped {
				panic(r)
			}
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
