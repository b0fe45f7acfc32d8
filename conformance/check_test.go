package conformance

import (
	"slices"
	"testing"
)

func TestAttemptStopsAtFatalAndKeepsEveryProblem(t *testing.T) {
	s := &suite{redact: &redactor{}}
	reached := false
	c := s.attemptAs(ProfileBackup, func(c *check) {
		c.errorf("first")
		c.fatalf("second")
		reached = true
	})
	if reached {
		t.Error("the check went on after fatalf")
	}
	if c == nil || !slices.Equal(c.problems, []string{"first", "second"}) {
		t.Fatalf("problems = %v, want [first second]", c)
	}
}

func TestAttemptLetsOtherPanicsThrough(t *testing.T) {
	defer func() {
		if r := recover(); r != "a bug" {
			t.Errorf("recovered %v, want the body's own panic", r)
		}
	}()
	(&suite{redact: &redactor{}}).attemptAs(ProfileBackup, func(*check) { panic("a bug") })
	t.Error("a panic in a check's body was swallowed")
}

func TestProblemsAreRedactedAndBounded(t *testing.T) {
	s := &suite{redact: &redactor{}}
	s.redact.add("MIIsecret-token")
	c := s.attemptAs(ProfileBackup, func(c *check) {
		c.errorf("echoed MIIsecret-token")
		c.errorf("%s", make([]byte, 2*maxProblemChars))
	})
	if c.problems[0] != "echoed [redacted]" {
		t.Errorf("problem = %q", c.problems[0])
	}
	if len(c.problems[1]) > maxProblemChars+10 {
		t.Errorf("a %d-character problem was kept whole", len(c.problems[1]))
	}
}
