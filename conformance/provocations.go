package conformance

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// A provocation is a backup request the target must refuse, with the documented answers the
// suite accepts. Each is sent once per run, by the first check that needs it; the status,
// error-body, no-5xx and schema checks all judge the same answer.
type provocation struct {
	// what names the request in check texts and reports.
	what string
	// build returns the request; it may need the subject, whose name makes an auth failure
	// the only reason to refuse.
	build func(c *check) call
	// accept reports whether an answer is a documented refusal, and wants says which those are.
	accept func(ex *exchange) bool
	wants  string
}

// Provocation names, which are also their reports' "what".
const (
	provokeNoCredentials = "a backup without credentials"
	provokeGarbageToken  = "a backup with a garbage X-Auth-Token"
	provokeBadSignature  = "a backup with a bad AK/SK signature"
	provokeStaleDate     = "a backup signed with an X-Sdk-Date 20 minutes old"
	provokeBodyChanged   = "a CreateSecret whose body was changed after signing"
	provokePathChanged   = "a backup whose path was changed after signing"
	provokeQueryChanged  = "a backup whose query was changed after signing"
	provokeHeaderChanged = "a backup whose signed User-Agent was changed after signing"
	provokeUnknownSecret = "a backup of an unknown secret"
	provokeUnknownRoute  = "a request to an unknown route"
	provokeDottedName    = "a secret_name with a dot"
)

// opsBackup are the operations of the backup profile's checks: the backup itself (the secret
// it backs up is made with CreateSecret as part of the setup).
var opsBackup = ops(opDownloadSecretBlob)

// opsProvocations are the operations the provocations are sent to: the backup, and
// CreateSecret for a body changed after signing.
var opsProvocations = ops(opCreateSecret, opDownloadSecretBlob)

// provokeOtherProject names the request on another project's path made with a way in.
func provokeOtherProject(wayName string) string {
	return "a backup on another project's path with an " + wayName
}

// badSecretNames break the API's rule ^[a-zA-Z0-9_-]{1,64}$, one way each.
var badSecretNames = []struct{ what, name string }{
	{"a secret_name of 65 characters", strings.Repeat("a", 65)},
	{"a secret_name with a space", namePrefix + "spaced name"},
	{"a secret_name with an asterisk", namePrefix + "star*name"},
	{"a secret_name with a non-ASCII letter", namePrefix + "caf\u00e9"},
}

// badProjectIDs are project IDs no credentials cover: of a length no document allows (32 on
// the newest pages, 32 to 64 in the definitions), or with a character no project ID has.
// The documents give no character set and do not say which layer refuses a malformed ID, so
// a 400, or a gateway's 403 or 401 because the credentials do not cover it, are all right.
var badProjectIDs = []struct{ what, id string }{
	{"a project_id of 31 characters", strings.Repeat("a1", 15) + "a"},
	{"a project_id of 65 characters", strings.Repeat("a1", 32) + "a"},
	{"a project_id with a '!'", "0a1b2c3d4e5f6071829!a4b5c6d7e8f9"},
}

// garbageToken is token-shaped (IAM tokens start with MII) but issued by no one.
var garbageToken = "MII" + namePrefix + "garbage-token-" + randomHex(16)

// wrongSK signs the bad-signature provocation.
var wrongSK = namePrefix + "wrong-sk-" + randomHex(12)

// unknownAK signs it when the run has no AK of its own.
const unknownAK = "CSMSCONFORMUNKNOWNAK"

// staleBy is how old the stale X-Sdk-Date is: the signing page allows 15 minutes of skew.
const staleBy = 20 * time.Minute

// makeProvocations returns every provocation the run's ways in allow, in a fixed order.
func (s *suite) makeProvocations() []provocation {
	withCreds := func(path string) func(*check) call {
		return func(c *check) call { return call{method: http.MethodPost, path: path, creds: c.s.creds()} }
	}
	subjectBackup := func(creds func(*check) credentials) func(*check) call {
		return func(c *check) call {
			return call{method: http.MethodPost, path: backupPath(s.projectID(), c.subjectFor().name), creds: creds(c)}
		}
	}
	ps := []provocation{
		{
			what:   provokeNoCredentials,
			build:  subjectBackup(func(*check) credentials { return credentials{} }),
			accept: rejectedCredentials, wants: "401, or the documented 400 CSMS.0301",
		},
		{
			what:   provokeGarbageToken,
			build:  subjectBackup(func(*check) credentials { return credentials{token: garbageToken} }),
			accept: rejectedCredentials, wants: "401, or the documented 400 CSMS.0301",
		},
		{
			what: provokeBadSignature,
			build: subjectBackup(func(c *check) credentials {
				ak := c.s.cfg.AK
				if ak == "" {
					ak = unknownAK
				}
				return credentials{ak: ak, sk: wrongSK}
			}),
			accept: rejectedCredentials, wants: "401, or the documented 400 CSMS.0301",
		},
	}
	for _, w := range s.target.ways {
		ps = append(ps, provocation{
			what: provokeOtherProject(w.name),
			build: func(c *check) call {
				return call{method: http.MethodPost, path: backupPath(otherProjectID(s.projectID()), c.subjectFor().name), creds: w.creds}
			},
			accept: statusIs(http.StatusForbidden, http.StatusUnauthorized), wants: "403 (or 401)",
		})
	}
	if w, ok := s.target.wayNamed(wayAKSK); ok {
		ps = append(ps, s.signatureProvocations(w.creds)...)
	}
	ps = append(ps,
		provocation{
			what:   provokeUnknownSecret,
			build:  withCreds(backupPath(s.projectID(), newName("absent"))),
			accept: isUnknownSecret, wants: "404, or the documented 400 CSMS.0106 or CSMS.0005",
		},
		provocation{
			what: provokeUnknownRoute,
			build: func(c *check) call {
				return call{method: http.MethodGet, path: "/v1/" + s.projectID() + "/" + namePrefix + "no-such-route", creds: c.s.creds()}
			},
			accept: statusIs(http.StatusNotFound), wants: "404",
		},
	)
	for _, b := range badSecretNames {
		ps = append(ps, provocation{
			what: b.what, build: withCreds(backupPath(s.projectID(), b.name)),
			accept: statusIs(http.StatusBadRequest), wants: "400",
		})
	}
	// The dot is a documented conflict: most pages and the SDK refuse it, one regional
	// CreateSecret page and the console allow it. A server that refuses it answers 400; one
	// that accepts it finds no such secret.
	ps = append(ps, provocation{
		what: provokeDottedName, build: withCreds(backupPath(s.projectID(), namePrefix+"dotted.name")),
		accept: func(ex *exchange) bool { return ex.status == http.StatusBadRequest || isUnknownSecret(ex) },
		wants:  "400, or the unknown-secret answers where the dot is accepted",
	})
	for _, b := range badProjectIDs {
		ps = append(ps, provocation{
			what: b.what, build: withCreds(backupPath(b.id, namePrefix+"any")),
			accept: statusIs(http.StatusBadRequest, http.StatusForbidden, http.StatusUnauthorized),
			wants:  "400, or a refusal of the credentials (403 or 401)",
		})
	}
	return ps
}

// signatureProvocations are requests signed with the run's AK/SK and then made stale or
// changed: a verifier must refuse each, as if the signature were wrong.
func (s *suite) signatureProvocations(creds credentials) []provocation {
	backup := func(c *check) string { return backupPath(s.projectID(), c.subjectFor().name) }
	refused := func(what string, build func(c *check) call) provocation {
		return provocation{what: what, build: build, accept: rejectedCredentials, wants: "401, or the documented 400 CSMS.0301"}
	}
	return []provocation{
		refused(provokeStaleDate, func(c *check) call {
			return call{method: http.MethodPost, path: backup(c), creds: creds, signedAt: time.Now().Add(-staleBy)}
		}),
		refused(provokeBodyChanged, func(c *check) call {
			// A request the target would carry out if it ignored the body hash: a new secret
			// (tracked, so that it is deleted if the target accepts the changed body).
			name := newName("tampered")
			signed, sent := newValue(), newValue()
			c.s.redact.add(signed, sent)
			c.s.track(name, true)
			return call{
				method: http.MethodPost, path: secretsPath(s.projectID()), creds: creds,
				body: map[string]string{"name": name, "secret_string": signed},
				afterSign: func(r *http.Request) {
					b, _ := json.Marshal(map[string]string{"name": name, "secret_string": sent})
					r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
					r.GetBody = nil
				},
			}
		}),
		refused(provokePathChanged, func(c *check) call {
			// Signed for the subject's backup, sent for the same name in capitals: another
			// secret, which a canonicaliser that folds case would take for the signed one.
			return call{
				method: http.MethodPost, path: backup(c), creds: creds,
				afterSign: func(r *http.Request) {
					r.URL.Path, r.URL.RawPath = backupPath(s.projectID(), strings.ToUpper(c.subjectFor().name)), ""
				},
			}
		}),
		refused(provokeQueryChanged, func(c *check) call {
			return call{
				method: http.MethodPost, path: backup(c) + "?csmsconform=signed", creds: creds,
				afterSign: func(r *http.Request) { r.URL.RawQuery = "csmsconform=sent" },
			}
		}),
		refused(provokeHeaderChanged, func(c *check) call {
			return call{
				method: http.MethodPost, path: backup(c), creds: creds,
				afterSign: func(r *http.Request) { r.Header.Set("User-Agent", userAgent+" (changed after signing)") },
			}
		}),
	}
}

// provocation returns the named provocation; ok is false when the run's ways in do not allow it.
func (s *suite) provocation(what string) (p provocation, ok bool) {
	i := slices.IndexFunc(s.provocations, func(p provocation) bool { return p.what == what })
	if i < 0 {
		return provocation{}, false
	}
	return s.provocations[i], true
}

// provoked returns the answer to the named provocation, sending it on first use.
func (c *check) provoked(what string) *exchange {
	if ex := c.s.provoked[what]; ex != nil {
		c.touched = append(c.touched, ex)
		return ex
	}
	p, ok := c.s.provocation(what)
	if !ok {
		c.skipf("%s", c.s.missingWayFor(what))
	}
	cl := p.build(c)
	cl.what, cl.profile = what, c.profile
	ex := c.s.client.do(c.ctx, cl)
	c.s.provoked[what] = ex
	c.touched = append(c.touched, ex)
	return ex
}

// provoke is provoked, ending the check if no answer came.
func (c *check) provoke(what string) *exchange {
	ex := c.provoked(what)
	if !ex.answered() {
		c.fatalOn(ex, "no answer: %v", ex.err)
	}
	return ex
}

// refuses checks that the named provocation is refused as documented.
func (s *suite) refuses(what string) func(*check) {
	return func(c *check) {
		ex := c.provoke(what)
		if p, _ := s.provocation(what); !p.accept(ex) {
			c.blame(ex, "want %s", p.wants)
		}
	}
}

// answers returns the answers to every provocation; those that did not come are problems.
func (c *check) answers() []*exchange {
	var out []*exchange
	for _, p := range c.s.provocations {
		ex := c.provoked(p.what)
		if !ex.answered() {
			c.blame(ex, "no answer: %v", ex.err)
			continue
		}
		out = append(out, ex)
	}
	return out
}

// errorAnswers returns the answers to every provocation that are errors (4xx, 5xx): the
// material of the error-body checks. Answers that are not errors are for the status checks.
func (c *check) errorAnswers() []*exchange {
	var out []*exchange
	for _, ex := range c.answers() {
		if ex.status >= 400 {
			out = append(out, ex)
		}
	}
	return out
}

// statusIs accepts the given statuses.
func statusIs(statuses ...int) func(*exchange) bool {
	return func(ex *exchange) bool { return slices.Contains(statuses, ex.status) }
}

// rejectedCredentials accepts the gateway's 401 and the error-code table's 400 CSMS.0301.
func rejectedCredentials(ex *exchange) bool {
	return ex.status == http.StatusUnauthorized ||
		ex.status == http.StatusBadRequest && ex.errorCode() == "CSMS.0301"
}
