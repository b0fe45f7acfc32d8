package conformance

import (
	"net/http"

	"github.com/onsi/ginkgo/v2"
)

// authChecks: the configured credentials open the backup, and nothing else does.
func (s *suite) authChecks() {
	ginkgo.Describe("authentication", func() {
		s.must("answers 200 to the configured credentials for an existing secret", areaAuth, func(c *check) {
			if ex := c.subjectBackup(); ex.status != http.StatusOK {
				c.blame(ex, "want 200")
			}
		})
		s.must("refuses a request without credentials with 401", areaAuth, s.refuses(provokeNoCredentials))
		s.must("refuses a garbage X-Auth-Token with 401 or the documented 400 CSMS.0301", areaAuth, s.refuses(provokeGarbageToken))
		s.must("refuses a bad AK/SK signature with 401 or the documented 400 CSMS.0301", areaAuth, s.refuses(provokeBadSignature))
		s.must("refuses a request on another project's path with 403 or 401", areaAuth, s.refuses(provokeOtherProject))
	})
}
