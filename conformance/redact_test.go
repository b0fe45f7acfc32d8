package conformance

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestTrafficIsRedacted(t *testing.T) {
	const (
		token = "MIIsecret-token-0123456789"
		value = "csmsconform-value-topsecret"
		sig   = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		blob  = blobPrefix + "eyJhbGciOiJkaXIifQ..AAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBB.CCCCCCCCCCCCCCCCCCCCCC"
	)
	r := &redactor{}
	r.add(token, value, sig, "short")
	ex := &exchange{
		what: "a request", method: http.MethodPost, url: "https://csms.test/v1/p/secrets",
		requestHeader: http.Header{
			"X-Auth-Token":  {token},
			"Authorization": {"SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date, Signature=" + sig},
			"X-Sdk-Date":    {"20260101T000000Z"},
		},
		requestBody: []byte(`{"name":"n","secret_string":"` + value + `"}`),
		status:      http.StatusBadRequest,
		header:      http.Header{"X-Subject-Token": {"MIIother"}, "Content-Type": {"text/plain"}},
		body:        []byte("token " + token + " is bad; blob " + blob + "; magic " + blobMagic + "; short stays"),
		elapsed:     time.Millisecond,
		err:         errors.New("stopped"),
	}
	got := r.traffic(ex).String()
	for _, secret := range []string{token, value, sig, "MIIother", "eyJhbGci", "BBBB"} {
		if strings.Contains(got, secret) {
			t.Errorf("the report shows %q:\n%s", secret, got)
		}
	}
	for _, kept := range []string{"SDK-HMAC-SHA256 [redacted]", "X-Sdk-Date: 20260101T000000Z", `"secret_string": "[redacted, 27 characters]"`,
		"[redacted blob, ", "magic " + blobMagic, "short stays", "400 Bad Request", "(reading stopped: stopped)"} {
		if !strings.Contains(got, kept) {
			t.Errorf("the report lacks %q:\n%s", kept, got)
		}
	}
}

func TestRedactedBodyIsBounded(t *testing.T) {
	got := (&redactor{}).body([]byte(strings.Repeat("x ", maxReportedBody)))
	if len(got) > maxReportedBody+100 || !strings.Contains(got, "more characters]") {
		t.Errorf("a %d-byte body became %d bytes without saying it was cut", 2*maxReportedBody, len(got))
	}
}

func TestRedactJSONReachesNestedMembers(t *testing.T) {
	got := (&redactor{}).body([]byte(`{"version":{"secret_binary":"c2VjcmV0","version_metadata":{"id":"v1"}},"list":[{"secret_blob":"x"}]}`))
	if strings.Contains(got, "c2VjcmV0") || !strings.Contains(got, `"id": "v1"`) || !strings.Contains(got, `"secret_blob": "[redacted, 1 characters]"`) {
		t.Errorf("nested secret members were not redacted, or too much was:\n%s", got)
	}
}

func TestRedactorReplacesTheLongestSecretWholeAndLearnsNewOnes(t *testing.T) {
	r := &redactor{}
	r.add("secret-value")
	if got := r.text("a secret-value here"); got != "a [redacted] here" {
		t.Errorf("text = %q", got)
	}
	r.add("secret-value-longer")
	if got := r.text("x secret-value-longer y secret-value"); got != "x [redacted] y [redacted]" {
		t.Errorf("after a longer secret was added, text = %q", got)
	}
}
