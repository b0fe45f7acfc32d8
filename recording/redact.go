package recording

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/csmskit/csmskit/internal/redact"
)

// Redacted replaces every secret a record would otherwise hold.
const Redacted = redact.Placeholder

// maxBodyBytes bounds the (redacted) body a journal entry keeps.
const maxBodyBytes = 4096

// keptHeaders are journaled; others are left out as noise.
var keptHeaders = []string{"Authorization", "Content-Type", "Content-Length", "User-Agent", "X-Auth-Token",
	"X-Project-Id", "X-Sdk-Date", "X-Sdk-Content-Sha256", "X-Mock-Fault", "X-Security-Token"}

// Headers returns the journaled headers of h with credentials redacted.
func Headers(h http.Header) map[string]string {
	out := make(map[string]string, 4)
	for _, name := range keptHeaders {
		// The names are canonical already: a map lookup, not Get's canonicalisation each time.
		vs := h[name]
		if len(vs) == 0 || vs[0] == "" {
			continue
		}
		v := vs[0]
		switch {
		case name == redact.Authorization:
			v = redactAuthorization(v)
		case redact.IsSecretHeader(name):
			v = Redacted
		}
		out[name] = v
	}
	return out
}

// redactAuthorization keeps the scheme and the access key, which say who called, and hides the
// signature, which is derived from the secret key.
func redactAuthorization(v string) string {
	scheme, params, ok := strings.Cut(v, " ")
	if !ok {
		return Redacted
	}
	var b strings.Builder
	b.Grow(len(v) + len(Redacted))
	b.WriteString(scheme)
	b.WriteByte(' ')
	for p := range strings.SplitSeq(params, ",") {
		p = strings.TrimSpace(p)
		if strings.HasPrefix(p, "Access=") || strings.HasPrefix(p, "SignedHeaders=") {
			b.WriteString(p)
			b.WriteString(", ")
		}
	}
	b.WriteString("Signature=" + Redacted)
	return b.String()
}

// Body returns a JSON body with every secret member's value redacted, cut to maxBodyBytes. A
// body that is not JSON is not kept: it could hold anything.
func Body(data []byte) string {
	if len(data) == 0 {
		return ""
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return "[not JSON, " + strconv.Itoa(len(data)) + " bytes]"
	}
	out, err := json.Marshal(redactValue(v))
	if err != nil {
		return Redacted
	}
	return cut(string(out), maxBodyBytes)
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if redact.IsSecretField(k) {
				t[k] = Redacted
			} else {
				t[k] = redactValue(val)
			}
		}
	case []any:
		for i := range t {
			t[i] = redactValue(t[i])
		}
	}
	return v
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
