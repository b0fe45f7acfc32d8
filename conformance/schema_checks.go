package conformance

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"
)

// schemaChecks: every answer the suite receives keeps the contract in openapi/csms.yaml:
// a documented status, the documented content type, body schema and headers. The last check
// sweeps up every answer the other checks received, so it runs after them.
func (s *suite) schemaChecks() {
	ginkgo.Describe("responses", func() {
		s.must("keep the contract for the backup of an existing secret", areaSchema, srcContract, func(c *check) {
			if ex := c.subjectBackup(); ex.schemaErr != nil {
				c.blame(ex, "%s", contractViolation(ex.schemaErr))
			}
		})
		s.must("keep the contract for every refusal the suite provokes", areaSchema, srcContract, func(c *check) {
			for _, ex := range c.answers() {
				if ex.schemaErr != nil {
					c.blame(ex, "%s", contractViolation(ex.schemaErr))
				}
			}
		})
		s.must("keep the contract for every other answer of the run", areaSchema, srcContract, func(c *check) {
			others := c.s.otherExchanges()
			if len(others) == 0 {
				c.skipf("no other check sent a request before this one in this run")
			}
			for _, ex := range others {
				if ex.schemaErr != nil {
					c.blame(ex, "%s", contractViolation(ex.schemaErr))
				}
			}
		})
	})
}

// srcContract is where the contract's statuses, media types and schemas come from.
const srcContract = "the vendor's reference pages, error-code page and published API definitions, " +
	"as openapi/csms.yaml records them (statuses, media types, field types and lengths)"

// otherExchanges returns the run's answered exchanges except those the other schema checks
// judge (the subject's backup and the provocations) and the answers that mark an optional
// operation as absent, which are capability gaps, not violations.
func (s *suite) otherExchanges() []*exchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	judged := map[*exchange]bool{s.backup: true}
	for _, ex := range s.provoked {
		judged[ex] = true
	}
	var out []*exchange
	for _, ex := range s.log {
		if ex.answered() && !judged[ex] && !ex.gap() {
			out = append(out, ex)
		}
	}
	return out
}

// contractViolation shortens kin-openapi's report of a violation to what a reader needs: it
// drops the schema and value dumps, which can be long and may hold a secret.
func contractViolation(err error) string {
	var kept []string
	for line := range strings.SplitSeq(err.Error(), "\n") {
		t := strings.TrimSpace(line)
		if t == "Schema:" || t == "Value:" {
			break
		}
		if t != "" {
			kept = append(kept, t)
		}
	}
	return strings.Join(kept, " ")
}

// gaps describes, once per operation, every answer of the run that marked an optional
// operation as absent.
func (s *suite) gaps() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, ex := range s.log {
		if ex.gap() && !seen[ex.what] {
			seen[ex.what] = true
			out = append(out, fmt.Sprintf("the target has no %s (%s %s → %d)", ex.what, ex.method, ex.path(), ex.status))
		}
	}
	return out
}
