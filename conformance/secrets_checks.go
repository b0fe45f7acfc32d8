package conformance

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
)

// Vendor sources of the secrets checks.
const (
	srcCreateSecret = "the CreateSecret page: a name and exactly one of secret_string and secret_binary (at most 32,768 " +
		"characters); the first version gets the stage SYSCURRENT; secret_type COMMON by default (the SDK)"
	srcShowSecret   = "the ShowSecret page: a secret's metadata, which never carries its value"
	srcUpdateSecret = "the UpdateSecret page: the fields the body names change, the rest and the values and versions stay"
	srcDeleteSecret = "the DeleteSecret page: the secret and all its versions are deleted at once and for good"
	srcUnknown      = "the reference pages: 404 \"The requested resource does not exist\"; the error-code page: 400 " +
		"CSMS.0106 (\"The secret name not found int the db.\") and CSMS.0005 (\"The resource does not exist.\")"
	srcQuota = "the user guide: at most 500 secrets per project; the error-code page: 400 CSMS.0202 " +
		"(\"The number of secret has reached the upper limit.\")"
)

// quota is the most secrets a project holds, as the user guide documents it.
const quota = 500

// maxValueChars is the longest secret_string or secret_binary the CreateSecret page allows.
const maxValueChars = 32768

// stageCurrent and stagePrevious are the built-in stages.
const (
	stageCurrent  = "SYSCURRENT"
	stagePrevious = "SYSPREVIOUS"
)

// written is a secret the suite made, with what it wrote: its name and id, its first value
// and its description.
type written struct {
	name, id, value, description string
	// created is CreateSecret's answer.
	created *exchange
}

// newWritten creates a secret with a fresh value and description.
func (c *check) newWritten(purpose string) *written {
	w := &written{value: newValue(), description: "csmsconform " + purpose + " " + randomHex(4)}
	w.name, w.created = c.newSecret(purpose, map[string]any{"secret_string": w.value, "description": w.description})
	w.id = secretOf(w.created).ID
	return w
}

// compareSecret blames every field of got that is not what the suite wrote.
func (c *check) compareSecret(ex *exchange, got secretFields, w *written, state string) {
	if got.Name != w.name {
		c.blame(ex, "secret.name is %q, not %q, the name it was created with", got.Name, w.name)
	}
	if w.id != "" && got.ID != w.id {
		c.blame(ex, "secret.id is %q, not %q, the id CreateSecret answered", got.ID, w.id)
	}
	if got.State != state {
		c.blame(ex, "secret.state is %q, not %s", got.State, state)
	}
	if got.Description == nil || *got.Description != w.description {
		c.blame(ex, "secret.description is not %q, the description the suite wrote", w.description)
	}
}

// secretsChecks: CreateSecret, ShowSecret, UpdateSecret and DeleteSecret do what their pages
// say, with the values and fields the suite wrote, and refuse what the pages refuse.
func (s *suite) secretsChecks() {
	var w *written
	s.setup(func(c *check) { w = c.newWritten("secrets") })
	s.must("CreateSecret answers the secret as created: its name, ENABLED, COMMON and the description sent", ProfileSecrets,
		srcCreateSecret, ops(opCreateSecret), func(c *check) {
			c.touched = append(c.touched, w.created)
			sec := secretOf(w.created)
			c.compareSecret(w.created, sec, &written{name: w.name, description: w.description}, "ENABLED")
			if sec.SecretType != "COMMON" {
				c.blame(w.created, "secret.secret_type is %q, not COMMON, the default", sec.SecretType)
			}
		})
	s.must("ShowSecret answers the secret as created, and never its value", ProfileSecrets, srcShowSecret,
		ops(opShowSecret), func(c *check) {
			sec, ex := c.showSecretOf(w.name)
			c.compareSecret(ex, sec, w, "ENABLED")
			if strings.Contains(string(ex.body), w.value) {
				c.blame(ex, "the metadata carries the secret's value")
			}
		})
	s.must("CreateSecret gives the first version the value written and the stage SYSCURRENT", ProfileSecrets, srcCreateSecret,
		ops(opShowSecretVersion), func(c *check) {
			v, ex := c.readVersion(w.name, "latest")
			if v.value != "string:"+w.value {
				c.blame(ex, "the SYSCURRENT version does not hold the secret_string CreateSecret was given")
			}
			if !slices.Contains(v.meta.Stages, stageCurrent) {
				c.blame(ex, "the first version has stages %v, without SYSCURRENT", v.meta.Stages)
			}
		})
	s.must("CreateSecret keeps secret_binary as sent", ProfileSecrets, srcCreateSecret,
		ops(opCreateSecret, opShowSecretVersion), func(c *check) {
			value := base64.StdEncoding.EncodeToString([]byte(newValue()))
			name, _ := c.newSecret("binary", map[string]any{"secret_binary": value})
			defer c.deleteSecret(name)
			v, ex := c.readVersion(name, "latest")
			if v.value != "binary:"+value {
				c.blame(ex, "the version does not hold the secret_binary CreateSecret was given")
			}
		})
	s.must("UpdateSecret changes the description and leaves the rest, the value included", ProfileSecrets, srcUpdateSecret,
		ops(opUpdateSecret, opShowSecret, opShowSecretVersion), func(c *check) {
			u := c.newWritten("update")
			defer c.deleteSecret(u.name)
			before := c.currentID(u.name)
			u.description = "csmsconform updated " + randomHex(4)
			ex := c.ok(opUpdateSecret, http.MethodPut, secretPath(c.s.projectID(), u.name), map[string]string{"description": u.description})
			c.compareSecret(ex, secretOf(ex), u, "ENABLED")
			sec, ex := c.showSecretOf(u.name)
			c.compareSecret(ex, sec, u, "ENABLED")
			v, ex := c.readVersion(u.name, "latest")
			if v.value != "string:"+u.value || v.meta.ID != before {
				c.blame(ex, "after UpdateSecret, the SYSCURRENT version is not %s holding the value written", before)
			}
		})
	s.must("CreateSecret refuses a name in use with a 4xx and leaves the secret as it was", ProfileSecrets,
		srcCreateSecret+"; the reference pages: a name is unique in a project", ops(opCreateSecret, opShowSecretVersion), func(c *check) {
			other := newValue()
			c.s.redact.add(other)
			ex := c.op(opCreateSecret, http.MethodPost, secretsPath(c.s.projectID()), map[string]string{"name": w.name, "secret_string": other})
			if !is4xx(ex) {
				c.blame(ex, "want a 4xx: a secret of that name exists")
			}
			if v, ex := c.readVersion(w.name, "latest"); v.value != "string:"+w.value {
				c.blame(ex, "the secret no longer holds the value it was created with")
			}
		})
	s.must("CreateSecret refuses a name that breaks ^[a-zA-Z0-9_-]{1,64}$ with 400", ProfileSecrets,
		"the API reference and the SDK: a name matches ^[a-zA-Z0-9_-]{1,64}$; 400 \"Invalid request parameter\"",
		ops(opCreateSecret), func(c *check) {
			for _, b := range badSecretNames {
				c.wantRefused(opCreateSecret, secretsPath(c.s.projectID()), map[string]string{"name": b.name, "secret_string": newValue()},
					b.name, "CreateSecret with "+b.what)
			}
		})
	s.must("CreateSecret refuses both secret_string and secret_binary, or neither, or a value over 32,768 characters, with 400",
		ProfileSecrets, srcCreateSecret, ops(opCreateSecret), func(c *check) {
			for _, b := range []struct {
				what string
				body map[string]string
			}{
				{"both values", map[string]string{"secret_string": newValue(), "secret_binary": "Y3Ntc2NvbmZvcm0="}},
				{"no value", map[string]string{}},
				{"a secret_string of 32,769 characters", map[string]string{"secret_string": strings.Repeat("x", maxValueChars+1)}},
			} {
				name := newName("refused")
				b.body["name"] = name
				c.wantRefused(opCreateSecret, secretsPath(c.s.projectID()), b.body, name, "CreateSecret with "+b.what)
			}
		})
	s.must("ShowSecret, UpdateSecret and DeleteSecret answer an unknown secret with 404 or the documented 400 CSMS.0106",
		ProfileSecrets, srcUnknown, ops(opShowSecret, opUpdateSecret, opDeleteSecret), func(c *check) {
			// Each operation first shows that it is there, so that its unknown-secret answer is
			// not a missing route's 404.
			c.showSecretOf(w.name)
			c.ok(opUpdateSecret, http.MethodPut, secretPath(c.s.projectID(), w.name), map[string]string{"description": w.description})
			name, _ := c.newStringSecret("delete")
			c.ok(opDeleteSecret, http.MethodDelete, secretPath(c.s.projectID(), name), nil)
			c.s.track(name, false)
			absent := newName("absent")
			for _, cl := range []call{
				{what: "ShowSecret of an unknown secret", method: http.MethodGet},
				{what: "UpdateSecret of an unknown secret", method: http.MethodPut, body: map[string]string{"description": "x"}},
				{what: "DeleteSecret of an unknown secret", method: http.MethodDelete},
			} {
				cl.path, cl.creds = secretPath(c.s.projectID(), absent), c.s.creds()
				if ex := c.mustAnswer(cl); !isUnknownSecret(ex) {
					c.blame(ex, "want 404 or the documented 400 CSMS.0106: there is no such secret")
				}
			}
		})
	s.must("DeleteSecret deletes at once and for good: the secret and its value are unknown, and the name is free again",
		ProfileSecrets, srcDeleteSecret, ops(opDeleteSecret, opShowSecret, opShowSecretVersion, opCreateSecret), func(c *check) {
			name, _ := c.newStringSecret("deleted")
			ex := c.ok(opDeleteSecret, http.MethodDelete, secretPath(c.s.projectID(), name), nil)
			c.s.track(name, false)
			if ex.status != http.StatusOK {
				c.blame(ex, "want 200, the status the DeleteSecret page documents")
			}
			if ex := c.op(opShowSecret, http.MethodGet, secretPath(c.s.projectID(), name), nil); !isUnknownSecret(ex) {
				c.blame(ex, "want 404 or the documented 400 CSMS.0106: the secret was deleted")
			}
			ex = c.mustAnswer(call{what: "ShowSecretVersion of the deleted secret", method: http.MethodGet,
				path: secretPath(c.s.projectID(), name, "versions", "latest"), creds: c.s.creds()})
			if !isUnknownSecret(ex) {
				c.blame(ex, "want 404 or the documented 400 CSMS.0106 or CSMS.0005: the secret was deleted")
			}
			again := newValue()
			c.s.redact.add(again)
			ex = c.op(opCreateSecret, http.MethodPost, secretsPath(c.s.projectID()), map[string]string{"name": name, "secret_string": again})
			if !is2xx(ex) {
				c.fatalOn(ex, "want 200: the name of a deleted secret is free")
			}
			c.s.track(name, true)
			if v, ex := c.readVersion(name, "latest"); v.value != "string:"+again {
				c.blame(ex, "the secret made again under the name does not hold its own value")
			}
			c.deleteSecret(name)
		})
	s.sweepChecks(ops(opCreateSecret, opShowSecret, opUpdateSecret, opDeleteSecret, opShowSecretVersion))
}

// quotaChecks: the project's quota of secrets. It runs last, after every other profile: it
// fills the project, and a target that cannot delete would leave it full for the checks after.
func (s *suite) quotaChecks() {
	s.must("CreateSecret refuses a secret beyond the project's 500 with 400 CSMS.0202", areaQuota, srcQuota,
		ops(opListSecrets, opCreateSecret), func(c *check) { c.checkQuota() })
}

// wantRefused sends a request the target must refuse with 400; what it made anyway, a
// secret of that name, is tracked for deletion.
func (c *check) wantRefused(operation, path string, body any, name, what string) {
	ex := c.mustAnswer(call{what: what, method: http.MethodPost, path: path, body: body, creds: c.s.creds(), optional: true})
	if ex.gap() {
		c.lacks(ex, "")
	}
	if is2xx(ex) && name != "" {
		c.s.track(name, true)
	}
	if ex.status != http.StatusBadRequest {
		c.blame(ex, "want 400: %s breaks a documented rule", strings.TrimPrefix(what, operation+" with "))
	}
}

// checkQuota fills the project up to its quota, counting the secrets it has with ListSecrets,
// and checks that one more is refused; it deletes what it made.
func (c *check) checkQuota() {
	have := len(c.walkSecrets(1000).names)
	var made []string
	defer func() {
		for _, name := range made {
			c.deleteSecret(name)
		}
	}()
	for n := have; n < quota; n++ {
		name := newName("quota")
		ex := c.op(opCreateSecret, http.MethodPost, secretsPath(c.s.projectID()), map[string]string{"name": name, "secret_string": "q"})
		if !is2xx(ex) {
			c.fatalOn(ex, "the project held %d secrets, fewer than the documented 500, and CreateSecret refused one more", n)
		}
		c.s.track(name, true)
		made = append(made, name)
	}
	name := newName("quota")
	ex := c.op(opCreateSecret, http.MethodPost, secretsPath(c.s.projectID()), map[string]string{"name": name, "secret_string": "q"})
	if is2xx(ex) {
		c.s.track(name, true)
		made = append(made, name)
	}
	if !hasCode(ex, http.StatusBadRequest, "CSMS.0202") {
		c.blame(ex, "want 400 CSMS.0202: the project holds 500 secrets, the documented quota")
	}
}
