package conformance

import (
	"fmt"
	"net/http"
)

// Vendor sources the authentication checks rest on.
const (
	srcRefusedCredentials = "the API gateway answers 401 APIGW.0301 (\"Incorrect IAM authentication information\"); " +
		"the error-code page documents 400 CSMS.0301 (\"Invalid X-Auth-Token.\")"
	srcSigning = "the AK/SK signing page: SDK-HMAC-SHA256 signs the method, the canonical path and query, " +
		"the signed headers and the body's SHA-256, and X-Sdk-Date must be within 15 minutes of the server's clock; " +
		srcRefusedCredentials
)

// authChecks: each configured way in opens the backup, and nothing else does. With a token
// and AK/SK both configured, the checks of each way run; a way the run lacks is skipped,
// saying which setting would enable it.
func (s *suite) authChecks() {
	s.tree.describe("authentication", false, func() {
		for _, name := range []string{wayToken, wayAKSK} {
			s.must(fmt.Sprintf("answers 200 to an %s for an existing secret", name), areaAuth,
				"the backup page: 200 with secret_blob; the token page (X-Auth-Token) and the AK/SK signing page",
				opsBackup, func(c *check) {
					w, ok := c.s.target.wayNamed(name)
					if !ok {
						c.skipf("%s", c.s.missingWay(name))
					}
					ex := c.subjectBackup()
					if w.creds != c.s.creds() {
						ex = c.mustAnswer(call{what: "backup with an " + name, method: http.MethodPost,
							path: backupPath(c.s.projectID(), c.subjectFor().name), creds: w.creds})
					}
					if ex.status != http.StatusOK {
						c.blame(ex, "want 200")
					}
				})
		}
		s.must("refuses a request without credentials with 401 or the documented 400 CSMS.0301", areaAuth,
			"the backup page: 401 \"A username and password are required\"; "+srcRefusedCredentials, opsBackup, s.refuses(provokeNoCredentials))
		s.must("refuses a garbage X-Auth-Token with 401 or the documented 400 CSMS.0301", areaAuth,
			srcRefusedCredentials, opsBackup, s.refuses(provokeGarbageToken))
		s.must("refuses a bad AK/SK signature with 401 or the documented 400 CSMS.0301", areaAuth,
			srcSigning, opsBackup, s.refuses(provokeBadSignature))
		for _, name := range []string{wayToken, wayAKSK} {
			s.must("refuses another project's path to an "+name+" with 403 or 401", areaAuth,
				"the backup page: 403 \"Authentication failed\" and 401; a token and an X-Project-Id are scoped to one project",
				opsBackup, s.refuses(provokeOtherProject(name)))
		}
		for _, p := range []struct {
			text, what string
			ops        []string
		}{
			{"refuses an AK/SK signature whose X-Sdk-Date is 20 minutes old", provokeStaleDate, opsBackup},
			{"refuses a body changed after signing", provokeBodyChanged, ops(opCreateSecret)},
			{"refuses a path changed after signing", provokePathChanged, opsBackup},
			{"refuses a query changed after signing", provokeQueryChanged, opsBackup},
			{"refuses a signed header changed after signing", provokeHeaderChanged, opsBackup},
		} {
			s.must(p.text+" with 401 or the documented 400 CSMS.0301", areaAuth, srcSigning, p.ops, s.refuses(p.what))
		}
	})
}

// missingWay says, in the vendor's terms, why a check of a way in cannot run.
func (s *suite) missingWay(name string) string {
	if name == wayToken {
		return fmt.Sprintf("the run has no IAM token (%s), so what the target does with an X-Auth-Token it issued is not checked", EnvAuthToken)
	}
	return fmt.Sprintf("the run has no access key pair (%s, %s), so what the target does with an SDK-HMAC-SHA256 signature is not checked", EnvAK, EnvSK)
}

// missingWayFor says why the named provocation cannot be made.
func (s *suite) missingWayFor(what string) string {
	if what == provokeOtherProject(wayToken) {
		return s.missingWay(wayToken)
	}
	return s.missingWay(wayAKSK)
}
