package conformance

import "github.com/onsi/ginkgo/v2"

// inputChecks: every documented constraint on the path parameters is enforced with a 400.
// The cases are hand-chosen from the documents, one violation each, so that none is a false
// positive.
func (s *suite) inputChecks() {
	ginkgo.Describe("input validation", func() {
		for _, b := range badSecretNames {
			s.must("refuses "+b.what+" with 400", areaInput, s.refuses(b.what))
		}
		for _, b := range badProjectIDs {
			s.must("refuses "+b.what+" with 400", areaInput, s.refuses(b.what))
		}
	})
}
