package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
)

// The companion operations the suite uses to set up and undo what it needs, and the shared
// answers several checks read.

// signatureOf returns the Signature parameter of an SDK-HMAC-SHA256 Authorization header.
func signatureOf(authorization string) string {
	_, sig, ok := strings.Cut(authorization, "Signature=")
	if !ok {
		return ""
	}
	sig, _, _ = strings.Cut(sig, ",")
	return strings.TrimSpace(sig)
}

// notImplemented reports an answer that says the target has no such operation: the route is
// unknown (404 without a CSMS error code, or the gateway's APIGW.0101 "no such API" at any
// status), the method is not allowed, or it is not implemented. A 404 with a CSMS.* code is
// the operation answering.
func notImplemented(ex *exchange) bool {
	if ex.errorCode() == "APIGW.0101" {
		return true
	}
	switch ex.status {
	case http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return true
	case http.StatusNotFound:
		return !strings.HasPrefix(ex.errorCode(), "CSMS.")
	}
	return false
}

// is2xx reports a successful answer.
func is2xx(ex *exchange) bool { return ex.status >= 200 && ex.status <= 299 }

// is4xx reports a client-error answer.
func is4xx(ex *exchange) bool { return ex.status >= 400 && ex.status <= 499 }

// createSecret creates a secret with its first version and tracks it for deletion;
// implemented is false when the target does not implement CreateSecret.
func (c *check) createSecret(name, value string) (ex *exchange, implemented bool) {
	c.s.redact.add(value)
	ex = c.mustAnswer(call{
		what: "CreateSecret", method: http.MethodPost, path: secretsPath(c.s.projectID()),
		body:  map[string]string{"name": name, "secret_string": value},
		creds: c.s.creds(),
	})
	if is2xx(ex) {
		c.s.track(name, true)
	}
	return ex, !notImplemented(ex)
}

// addVersion adds a version to a secret.
func (c *check) addVersion(name, value string) *exchange {
	c.s.redact.add(value)
	return c.mustAnswer(call{
		what: "CreateSecretVersion", method: http.MethodPost, path: secretPath(c.s.projectID(), name, "versions"),
		body:  map[string]string{"secret_string": value},
		creds: c.s.creds(),
	})
}

// deleteSecret deletes a secret and reports whether it is gone; a secret that is not there
// is as good as deleted.
func (c *check) deleteSecret(name string) (*exchange, bool) {
	ex := c.mustAnswer(call{
		what: "DeleteSecret", method: http.MethodDelete, path: secretPath(c.s.projectID(), name),
		creds: c.s.creds(),
	})
	gone := is2xx(ex) || isUnknownSecret(ex)
	if gone {
		c.s.track(name, false)
	}
	return ex, gone
}

// mustDelete deletes a secret or ends the check.
func (c *check) mustDelete(name string) {
	if ex, gone := c.deleteSecret(name); !gone {
		c.fatalOn(ex, "cannot delete the suite's secret %s", name)
	}
}

// downloadBackup sends DownloadSecretBlob for name with the configured credentials.
func (c *check) downloadBackup(what, name string) *exchange {
	return c.mustAnswer(call{
		what: what, method: http.MethodPost, path: backupPath(c.s.projectID(), name),
		creds: c.s.creds(),
	})
}

// restore sends UploadSecretBlob with blob.
func (c *check) restore(what, blob string) *exchange {
	return c.mustAnswer(call{
		what: what, method: http.MethodPost, path: secretsPath(c.s.projectID(), "restore"),
		body:  map[string]string{"secret_blob": blob},
		creds: c.s.creds(),
	})
}

// blobOf returns the secret_blob of a backup answer, or ends the check saying why there is none.
func (c *check) blobOf(ex *exchange) string {
	if !is2xx(ex) {
		c.fatalOn(ex, "the backup was answered %d, so there is no secret_blob to check", ex.status)
	}
	var body struct {
		Blob *string `json:"secret_blob"`
	}
	if err := json.Unmarshal(ex.body, &body); err != nil || body.Blob == nil {
		c.fatalOn(ex, "the answer has no secret_blob string")
	}
	return *body.Blob
}

// track records that the suite created (true) or deleted (false) a secret.
func (s *suite) track(name string, created bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if created {
		s.created[name] = true
	} else {
		delete(s.created, name)
	}
}

// subjectFor returns the secret the backup checks examine: the configured one, or one the
// suite creates on first use. Every check after a failed creation fails with its reason.
func (c *check) subjectFor() *subject {
	s := c.s
	if s.subject == nil {
		s.subject = c.makeSubject()
	}
	if s.subject.err != nil {
		c.fatalf("%v", s.subject.err)
	}
	return s.subject
}

func (c *check) makeSubject() *subject {
	if name := c.s.cfg.SecretName; name != "" {
		return &subject{name: name, value: c.s.cfg.SecretValue}
	}
	name, value := newName("backup"), newValue()
	ex, implemented := c.createSecret(name, value)
	if !is2xx(ex) {
		c.blamed = append(c.blamed, ex)
		why := "it failed"
		if !implemented {
			why = "the target does not implement it"
		}
		return &subject{err: fmt.Errorf("no secret to back up: %s is not set and CreateSecret, "+
			"which the suite uses to make one, was answered %d (%s); set %s to an existing secret",
			EnvSecretName, ex.status, why, EnvSecretName)}
	}
	return &subject{name: name, value: value}
}

// subjectBackup returns the answer to the backup of the subject, downloaded once per run.
func (c *check) subjectBackup() *exchange {
	sub := c.subjectFor()
	if c.s.backup == nil {
		c.s.backup = c.downloadBackup("backup of an existing secret", sub.name)
	} else {
		c.touched = append(c.touched, c.s.backup)
	}
	return c.s.backup
}

// cleanupTimeout bounds the deletion of what the suite created.
const cleanupTimeout = time.Minute

// cleanup deletes every secret the suite created and has not deleted yet.
func (s *suite) cleanup() {
	s.mu.Lock()
	var names []string
	for name := range s.created {
		names = append(names, name)
	}
	s.mu.Unlock()
	if len(names) == 0 {
		return
	}
	// The run's context may be over (interrupted, timed out); the cleanup still gets its turn.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(s.ctx), cleanupTimeout)
	defer cancel()
	s.settle(levelMust, s.attemptIn(ctx, "", func(c *check) {
		for _, name := range names {
			if ex, gone := c.deleteSecret(name); !gone {
				c.blame(ex, "the suite could not delete the secret %s it created; delete it by hand", name)
			}
		}
	}))
	ginkgo.GinkgoWriter.Printf("deleted the %d secret(s) the suite created\n", len(names))
}

// isUnknownSecret reports an answer that says the secret does not exist, in any documented
// way: 404, or 400 with CSMS.0106 or CSMS.0005.
func isUnknownSecret(ex *exchange) bool {
	if ex.status == http.StatusNotFound {
		return true
	}
	code := ex.errorCode()
	return ex.status == http.StatusBadRequest && (code == "CSMS.0106" || code == "CSMS.0005")
}
