// Package redact names what must never reach a journal, a log or a report with its value:
// the credential headers and the JSON members that hold secret values. The mock, the proxy
// and the conformance suite all hide the same things because they all read these lists.
package redact

import (
	"net/http"
	"slices"
)

// Placeholder stands where a secret was.
const Placeholder = "[redacted]"

// Authorization is the one credential header whose scheme and access key are kept: they say
// who called, while the signature (derived from the secret key) is hidden.
const Authorization = "Authorization"

// headers carry credentials whole: tokens, cookies, temporary security tokens.
var headers = []string{
	"X-Auth-Token", "X-Subject-Token", "X-Security-Token",
	"Proxy-Authorization", "Cookie", "Set-Cookie",
}

// fields are JSON members whose values are secrets: a version's value, a backup, a password.
var fields = []string{"secret_string", "secret_binary", "secret_blob", "password", "old_password"}

// Headers returns the canonical names of the headers hidden whole, Authorization included.
func Headers() []string {
	return append([]string{Authorization}, headers...)
}

// IsSecretHeader reports whether a header's value is hidden whole.
func IsSecretHeader(name string) bool {
	return slices.Contains(headers, http.CanonicalHeaderKey(name))
}

// Fields returns the JSON member names whose values are hidden.
func Fields() []string { return slices.Clone(fields) }

// IsSecretField reports whether a JSON member's value is hidden.
func IsSecretField(name string) bool { return slices.Contains(fields, name) }
