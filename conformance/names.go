package conformance

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"regexp"
)

// secretNamePattern is the API's rule for secret names (the console's extra "." is not the API's).
var secretNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// namePrefix starts every name the suite makes up, so that anything it leaves behind is
// recognisable.
const namePrefix = "csmsconform-"

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// newName returns a fresh secret name for what the suite needs it for.
func newName(purpose string) string { return namePrefix + purpose + "-" + randomHex(6) }

// newValue returns a fresh secret value, long and random enough that finding it in a blob
// cannot be a coincidence.
func newValue() string { return namePrefix + "value-" + randomHex(16) }

// otherProjectID returns a well-formed project ID that is not projectID.
func otherProjectID(projectID string) string {
	const a, b = "c0f0a1e5c0f0a1e5c0f0a1e5c0f0a1e5", "5e1a0f0c5e1a0f0c5e1a0f0c5e1a0f0c"
	if projectID == a {
		return b
	}
	return a
}

// secretPath is the path of a secret or, with more, of something below it.
func secretPath(projectID, name string, more ...string) string {
	p := "/v1/" + url.PathEscape(projectID) + "/secrets/" + url.PathEscape(name)
	for _, m := range more {
		p += "/" + url.PathEscape(m)
	}
	return p
}

// backupPath is the path of DownloadSecretBlob.
func backupPath(projectID, name string) string { return secretPath(projectID, name, "backup") }

// secretsPath is the collection path: CreateSecret, ListSecrets; with "restore", UploadSecretBlob.
func secretsPath(projectID string, more ...string) string {
	p := "/v1/" + url.PathEscape(projectID) + "/secrets"
	for _, m := range more {
		p += "/" + url.PathEscape(m)
	}
	return p
}
