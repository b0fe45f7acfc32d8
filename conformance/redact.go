package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/csmskit/csmskit/internal/redact"
)

// Reports are meant to be shared, so nothing secret reaches them: credentials, secret values
// and blobs are replaced wherever the suite can recognise them.

// redactedHeaders never appear in a report with their value: the list the mock's journal
// hides too.
var redactedHeaders = redact.Headers()

// redactedFields are JSON members whose string values are secret (values, blobs, passwords):
// the list the mock's journal hides too.
var redactedFields = redact.Fields()

// blobText matches a secret_blob, or a JWE-like run of base64url segments, in text that is
// not a JSON secret member; the magic alone, as messages quote it, stays.
var blobText = regexp.MustCompile(`\)?CloudSecretManagementBackupV1\.com[A-Za-z0-9_.=-]{16,}|eyJ[A-Za-z0-9_=-]*(\.[A-Za-z0-9_=-]*){2,}`)

// minRedactedChars is the shortest string replaced wherever it occurs; a shorter one would
// blank out ordinary text. Values reach reports through redactedFields regardless.
const minRedactedChars = 6

// maxReportedBody bounds the body text a report keeps per message.
const maxReportedBody = 16 << 10

// redactor hides the secrets the suite knows of from what it reports.
type redactor struct {
	mu      sync.Mutex
	secrets []string
	// replacer replaces every secret in one pass; nil until text needs it after an add.
	replacer *strings.Replacer
}

// add registers strings to hide wherever they appear.
func (r *redactor) add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		if len(s) >= minRedactedChars && !slices.Contains(r.secrets, s) {
			r.secrets = append(r.secrets, s)
			r.replacer = nil
		}
	}
	// Longest first, so that a secret containing another is replaced whole: the replacer
	// tries its strings in this order at each place.
	slices.SortFunc(r.secrets, func(a, b string) int { return len(b) - len(a) })
}

// text hides every known secret and every blob-like string in s. One pass replaces them all,
// however many values the run has written: a hostile target's body may be megabytes long.
func (r *redactor) text(s string) string {
	r.mu.Lock()
	if r.replacer == nil {
		pairs := make([]string, 0, 2*len(r.secrets))
		for _, secret := range r.secrets {
			pairs = append(pairs, secret, "[redacted]")
		}
		r.replacer = strings.NewReplacer(pairs...)
	}
	replacer := r.replacer
	r.mu.Unlock()
	s = replacer.Replace(s)
	return blobText.ReplaceAllStringFunc(s, func(m string) string {
		return fmt.Sprintf("[redacted blob, %d characters]", len(m))
	})
}

// header renders h one line per value, sorted, with credentials hidden.
func (r *redactor) header(h http.Header) string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[name] {
			if slices.ContainsFunc(redactedHeaders, func(x string) bool { return strings.EqualFold(x, name) }) {
				scheme, _, found := strings.Cut(v, " ")
				if found && strings.EqualFold(name, "Authorization") {
					v = scheme + " [redacted]"
				} else {
					v = "[redacted]"
				}
			}
			fmt.Fprintf(&b, "%s: %s\n", name, r.text(v))
		}
	}
	return b.String()
}

// body renders a body for a report: JSON with secret members replaced and the rest hidden as
// text would be; cut to maxReportedBody.
func (r *redactor) body(b []byte) string {
	if len(bytes.TrimSpace(b)) == 0 {
		return ""
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	s := string(b)
	if dec.Decode(&v) == nil && !dec.More() {
		if out, err := json.MarshalIndent(redactJSON(v), "", "  "); err == nil {
			s = string(out)
		}
	}
	s = r.text(s)
	if len(s) > maxReportedBody {
		s = s[:maxReportedBody] + fmt.Sprintf("\n[… %d more characters]", len(s)-maxReportedBody)
	}
	return s
}

// redactJSON replaces the string values of redactedFields, at any depth.
func redactJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && slices.Contains(redactedFields, k) {
				v[k] = fmt.Sprintf("[redacted, %d characters]", len(s))
				continue
			}
			v[k] = redactJSON(x)
		}
	case []any:
		for i, x := range v {
			v[i] = redactJSON(x)
		}
	}
	return v
}

// Traffic is one request and its answer as a report shows them: redacted, readable, and
// serialisable into the JSON report.
type Traffic struct {
	// What says what the request was for.
	What string `json:"what"`
	// Request is the request line, headers and body.
	Request string `json:"request"`
	// Response is the status line, headers and body, or why no answer came.
	Response string `json:"response"`
}

// String renders the exchange for the console.
func (t Traffic) String() string {
	return t.What + "\n--- request\n" + t.Request + "\n--- response\n" + t.Response
}

// traffic renders ex for a report.
func (r *redactor) traffic(ex *exchange) Traffic {
	t := Traffic{What: ex.what}
	var req strings.Builder
	fmt.Fprintf(&req, "%s %s\n%s", ex.method, r.text(ex.url), r.header(ex.requestHeader))
	if body := r.body(ex.requestBody); body != "" {
		req.WriteString("\n" + body + "\n")
	}
	t.Request = req.String()
	var resp strings.Builder
	switch {
	case ex.status == 0:
		fmt.Fprintf(&resp, "no answer: %s\n", r.text(ex.err.Error()))
	default:
		fmt.Fprintf(&resp, "%d %s (after %s)\n%s", ex.status, http.StatusText(ex.status), ex.elapsed.Round(100*time.Microsecond), r.header(ex.header))
		body := ex.rendered
		if body == "" {
			body = r.body(ex.body)
		}
		if body != "" {
			resp.WriteString("\n" + body + "\n")
		}
		if ex.err != nil {
			fmt.Fprintf(&resp, "\n(reading stopped: %s)\n", r.text(ex.err.Error()))
		}
	}
	t.Response = resp.String()
	return t
}
