package conformance

// blobChecks: the backup is the documented prefix and a complete, well-sized JWE that reveals
// nothing of the secret. Each check judges one concern of the same download, so that a broken
// blob fails the check that names its fault.
func (s *suite) blobChecks() {
	s.tree.describe("secret_blob", false, func() {
		s.must("starts with the documented prefix "+blobPrefix, areaBlob,
			"the backup page's example answer", opsBackup, func(c *check) {
				ex := c.subjectBackup()
				if err := checkPrefix(c.blobOf(ex)); err != nil {
					c.blame(ex, "%v", err)
				}
			})
		s.must("continues with a complete JWE compact serialization: five base64url segments without padding", areaBlob,
			"the backup page's example (a JWE protected header after the prefix) and RFC 7516 §7.1", opsBackup, func(c *check) {
				ex := c.subjectBackup()
				if _, err := parseJWE(splitBlob(c.blobOf(ex)).jwe); err != nil {
					c.blame(ex, "%s", oneLine(err))
				}
			})
		s.must("names alg, enc and kid in the JWE protected header", areaBlob,
			"the backup page's example header {kid, enc A128CBC-HS256, alg RSA-OAEP-256}; RFC 7516 §4.1", opsBackup, func(c *check) {
				ex := c.subjectBackup()
				j, _ := parseJWE(splitBlob(c.blobOf(ex)).jwe)
				if _, err := j.header(); err != nil {
					c.blame(ex, "%s", oneLine(err))
				}
			})
		s.must("sizes each JWE segment as its alg and enc require", areaBlob,
			"RFC 7518 §4.3 (RSA-OAEP: a key the modulus's size), §5.2 (AES-CBC-HMAC: 16-byte IV, whole blocks, tag half the key) and §5.3 (GCM: 12-byte IV)", opsBackup, func(c *check) {
				ex := c.subjectBackup()
				j, _ := parseJWE(splitBlob(c.blobOf(ex)).jwe)
				if len(j.segments) != len(jweParts) || containsNil(j.decoded) {
					c.fatalOn(ex, "not checked: the JWE is not five decodable segments (the check of a complete JWE says why)")
				}
				h, err := j.header()
				if h.Alg == "" || h.Enc == "" {
					c.fatalOn(ex, "not checked: the protected header names no alg or enc (%s)", oneLine(err))
				}
				if err := j.checkSizes(h); err != nil {
					c.blame(ex, "%s", oneLine(err))
				}
			})
		s.must("is at most 5,242,880 characters long", areaBlob,
			"the vendor's published API definitions: secret_blob at most 5,242,880 characters", opsBackup, func(c *check) {
				ex := c.subjectBackup()
				if n := len(c.blobOf(ex)); n > maxBlobChars {
					c.blame(ex, "secret_blob is %d characters, more than the documented %d", n, maxBlobChars)
				}
			})
		s.must("holds neither the secret's value nor a plain encoding of it", areaBlob,
			"the backup page: \"The content is encrypted and cannot be read\"", opsBackup, func(c *check) {
				sub := c.subjectFor()
				switch {
				case sub.value == "":
					c.skipf("the value of %s is not known: set %s to check that the blob hides it", sub.name, EnvSecretValue)
				case len(sub.value) < minOpaqueValueBytes:
					c.skipf("the value of %s is shorter than %d bytes: finding it in a blob could be chance", sub.name, minOpaqueValueBytes)
				}
				ex := c.subjectBackup()
				if where := findPlainValue(c.blobOf(ex), []byte(sub.value)); where != "" {
					c.blame(ex, "the blob is not encrypted: %s", where)
				}
			})
		s.should("is fresh on every call", areaBlob, opsBackup, func(c *check) {
			first := c.blobOf(c.subjectBackup())
			ex := c.downloadBackup("a second backup of the same secret", c.subjectFor().name)
			if c.blobOf(ex) == first {
				c.blame(ex, "two backups of the same secret are the same string; a fresh content key and IV per backup make them differ")
			}
		})
		s.should("starts with a length byte that matches the magic after it", areaBlob, opsBackup, func(c *check) {
			ex := c.subjectBackup()
			if err := checkLengthByte(c.blobOf(ex)); err != nil {
				c.blame(ex, "%v", err)
			}
		})
	})
}

// containsNil reports whether any of bs is nil.
func containsNil(bs [][]byte) bool {
	for _, b := range bs {
		if b == nil {
			return true
		}
	}
	return false
}
