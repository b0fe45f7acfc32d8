package conformance

import (
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2"
)

// CheckInfo describes a check without running it: what csmsconform -list prints.
type CheckInfo struct {
	// Text is the check's full text, its containers' texts and its own.
	Text string `json:"text"`
	// Level is "must" or "should".
	Level string `json:"level"`
	// Profile is the profile the check belongs to (see Profiles).
	Profile string `json:"profile"`
	// Area is the check's concern within its profile, e.g. auth, blob, schema.
	Area string `json:"area"`
	// Labels are the check's Ginkgo labels: its level, area and profile.
	Labels []string `json:"labels"`
	// Operations are the operationIds of openapi/csms.yaml the check sends requests to.
	Operations []string `json:"operations"`
	// Source names the vendor document a must-level check rests on.
	Source string `json:"source,omitempty"`
}

// Checks lists every check of the suite in the order a run makes them, without reaching a
// target.
func Checks() []CheckInfo {
	s := &suite{cfg: NewConfig(), redact: &redactor{}}
	lt := &listTree{}
	s.tree = lt
	s.register()
	return lt.checks
}

// tree is where the checks are declared: Ginkgo's tree for a run, a list for Checks.
type tree interface {
	// describe declares a container; ordered keeps its specs in order of declaration.
	describe(text string, ordered bool, body func())
	// spec declares a check.
	spec(info CheckInfo, leaf string, body func())
	beforeAll(func())
	afterAll(func())
	beforeEach(func())
}

// ginkgoTree declares the checks as Ginkgo nodes.
type ginkgoTree struct{}

func (ginkgoTree) describe(text string, ordered bool, body func()) {
	if ordered {
		ginkgo.Describe(text, ginkgo.Ordered, ginkgo.ContinueOnFailure, ginkgo.Offset(1), body)
		return
	}
	ginkgo.Describe(text, ginkgo.Offset(1), body)
}

func (ginkgoTree) spec(info CheckInfo, leaf string, body func()) {
	ginkgo.It(leaf, ginkgo.Label(info.Labels...), ginkgo.Offset(2), body)
}

func (ginkgoTree) beforeAll(f func())  { ginkgo.BeforeAll(f, ginkgo.Offset(1)) }
func (ginkgoTree) afterAll(f func())   { ginkgo.AfterAll(f, ginkgo.Offset(1)) }
func (ginkgoTree) beforeEach(f func()) { ginkgo.BeforeEach(f, ginkgo.Offset(1)) }

// listTree records the checks' declarations and runs nothing.
type listTree struct {
	path   []string
	checks []CheckInfo
}

func (l *listTree) describe(text string, _ bool, body func()) {
	if text == "" {
		body() // as Ginkgo's full texts leave out an empty container text
		return
	}
	l.path = append(l.path, text)
	body()
	l.path = l.path[:len(l.path)-1]
}

func (l *listTree) spec(info CheckInfo, leaf string, _ func()) {
	info.Text = strings.Join(append(slices.Clone(l.path), leaf), " ")
	l.checks = append(l.checks, info)
}

func (*listTree) beforeAll(func())  {}
func (*listTree) afterAll(func())   {}
func (*listTree) beforeEach(func()) {}

// group declares the container of one profile's checks.
func (s *suite) group(text, profile string, body func()) {
	s.tree.describe(text, false, func() {
		outer := s.profile
		s.profile = profile
		defer func() { s.profile = outer }()
		body()
	})
}

// declare makes a check's declaration: its labels are its level, its area and its profile.
func (s *suite) declare(level, area, source string, operations []string) CheckInfo {
	labels := []string{level, area}
	if s.profile != area {
		labels = append(labels, s.profile)
	}
	return CheckInfo{Level: level, Profile: s.profile, Area: area, Labels: labels,
		Operations: slices.Sorted(slices.Values(operations)), Source: source}
}

// must declares a must-level check. source names the vendor document that makes it a must;
// it goes into the check's report. operations are those the check sends requests to.
func (s *suite) must(text, area, source string, operations []string, body func(*check)) {
	info := s.declare(levelMust, area, source, operations)
	s.tree.spec(info, text, func() {
		ginkgo.AddReportEntry(entrySource, source, ginkgo.ReportEntryVisibilityNever)
		s.exec(info, body)
	})
}

// should declares a should-level check.
func (s *suite) should(text, area string, operations []string, body func(*check)) {
	info := s.declare(levelShould, area, "", operations)
	s.tree.spec(info, text, func() { s.exec(info, body) })
}

// setup declares a container's shared preparation: it runs once, before the container's
// first selected check, and when it cannot finish, each check of the container ends as it
// did (not supported, skipped, or failed with its problems).
func (s *suite) setup(prepare func(c *check)) {
	profile := s.profile
	var prep *check
	s.tree.beforeAll(func() { prep = s.attemptAs(profile, prepare) })
	s.tree.beforeEach(func() {
		if prep == nil || !prep.stopped {
			return
		}
		s.exec(CheckInfo{Level: levelMust, Profile: profile}, func(c *check) {
			c.missing, c.skip = prep.missing, prep.skip
			if c.missing != nil || c.skip != "" {
				panic(stopCheck{})
			}
			c.inherit("the shared setup", prep)
		})
	})
}
