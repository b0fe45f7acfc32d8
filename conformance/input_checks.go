package conformance

// inputChecks: every documented constraint on the path parameters is enforced: a bad secret
// name with a 400, a project ID no credentials cover with a 400 or a refusal of the credentials.
// The cases are hand-chosen from the documents, one violation each, so that none is a false
// positive.
func (s *suite) inputChecks() {
	s.tree.describe("input validation", false, func() {
		for _, b := range badSecretNames {
			s.must("refuses "+b.what+" with 400", areaInput,
				"the API reference and the SDK: secret_name matches ^[a-zA-Z0-9_-]{1,64}$; the backup page: 400 \"Invalid request parameter\"",
				opsBackup, s.refuses(b.what))
		}
		s.must("answers "+provokeDottedName+" with 400, or as an unknown secret", areaInput,
			"a documented conflict: the API reference and the SDK give ^[a-zA-Z0-9_-]{1,64}$ (400), "+
				"one regional CreateSecret page and the console allow a dot (then no such secret: 404, or 400 CSMS.0106)",
			opsBackup, s.refuses(provokeDottedName))
		for _, b := range badProjectIDs {
			s.must("refuses "+b.what+" with 400, 403 or 401", areaInput,
				"the reference pages: a project ID of 32 characters (32 to 64 in the definitions), no character set given; "+
					"the backup page: 400, 403 and 401, without saying which layer refuses an ID the credentials do not cover",
				opsBackup, s.refuses(b.what))
		}
	})
}
