package conformance

import (
	"fmt"
	"strings"
)

// schemaChecks: every answer the backup checks receive keeps the contract in
// openapi/csms.yaml: a documented status, the documented content type, body schema and
// headers. The last check sweeps up every answer the other backup checks received, so it
// runs after them.
func (s *suite) schemaChecks() {
	s.tree.describe("responses", false, func() {
		s.must("keep the contract for the backup of an existing secret", areaSchema, srcContract, opsBackup, func(c *check) {
			if ex := c.subjectBackup(); ex.schemaErr != nil {
				c.blame(ex, "%s", contractViolation(ex.schemaErr))
			}
		})
		s.must("keep the contract for every refusal the suite provokes", areaSchema, srcContract, opsProvocations, func(c *check) {
			for _, ex := range c.answers() {
				if ex.schemaErr != nil {
					c.blame(ex, "%s", contractViolation(ex.schemaErr))
				}
			}
		})
		s.must("keep the contract for every other answer of the backup checks", areaSchema, srcContract, opsBackup, func(c *check) {
			c.sweep(c.s.otherExchanges(ProfileBackup))
		})
	})
}

// sweepChecks declares the check that every answer the checks of the group's profile
// received, setup included, keeps the contract; it runs after them. operations are those
// the profile's checks send requests to.
func (s *suite) sweepChecks(operations []string) {
	s.must("every answer of the "+s.profile+" checks keeps the contract", areaSchema, srcContract, operations, func(c *check) {
		c.sweep(c.s.otherExchanges(c.profile))
	})
}

// sweep blames every answer that breaks the contract. With no answer to judge it is not
// supported when the profile's checks found an operation missing, and skipped otherwise.
func (c *check) sweep(answers []*exchange) {
	if len(answers) == 0 {
		if gap := c.s.firstGap(c.profile); gap != nil {
			c.lacks(gap, "so no check of the "+c.profile+" profile had an answer to judge")
		}
		c.skipf("no other check of the %s profile sent a request before this one in this run", c.profile)
	}
	c.touched = append(c.touched, answers...)
	for _, ex := range answers {
		if ex.schemaErr != nil {
			c.blame(ex, "%s", contractViolation(ex.schemaErr))
		}
	}
}

// srcContract is where the contract's statuses, media types and schemas come from.
const srcContract = "the vendor's reference pages, error-code page and published API definitions, " +
	"as openapi/csms.yaml records them (statuses, media types, field types and lengths)"

// otherExchanges returns the answered exchanges of a profile's checks except those the other
// schema checks judge (the subject's backup and the provocations) and the answers that mark
// an operation as absent, which are capability gaps, not violations.
func (s *suite) otherExchanges(profile string) []*exchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	judged := map[*exchange]bool{s.backup: true}
	for _, ex := range s.provoked {
		judged[ex] = true
	}
	var out []*exchange
	for _, ex := range s.log {
		if ex.answered() && ex.profile == profile && !judged[ex] && !ex.gap() {
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
		if ex.gap() && !seen[ex.operation()] {
			seen[ex.operation()] = true
			out = append(out, fmt.Sprintf("the target has no %s (%s %s → %d)", ex.operation(), ex.method, ex.path(), ex.status))
		}
	}
	return out
}

// firstGap returns the first answer of a profile's checks that marked an operation as absent.
func (s *suite) firstGap(profile string) *exchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ex := range s.log {
		if ex.profile == profile && ex.gap() {
			return ex
		}
	}
	return nil
}
