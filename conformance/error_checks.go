package conformance

import (
	"bytes"
	"encoding/json"
	"strings"
)

// errorChecks: refusals have the documented statuses and every error answer the vendor's body.
// The body checks read the answers to every provocation (auth, unknown secret and route, bad
// input) that are errors.
func (s *suite) errorChecks() {
	s.tree.describe("error answers", false, func() {
		s.must("answer an unknown secret with 404 or the documented 400 CSMS.0106 or CSMS.0005", areaErrors,
			"the backup page: 404 \"The requested resource does not exist\"; the error-code page: 400 CSMS.0106 "+
				"(\"The secret name not found int the db.\") and CSMS.0005 (\"The resource does not exist.\")",
			opsBackup, s.refuses(provokeUnknownSecret))
		// No document says what a path with no operation gets; 404 is what the API gateway
		// and every HTTP server answer.
		s.should("answer an unknown route with 404", areaErrors, nil, s.refuses(provokeUnknownRoute))
		s.must("are never a 5xx for a client's mistake", areaErrors,
			"the backup page: 400 \"Invalid request parameter\" for a client's mistake; 500 is \"Internal service error\"",
			opsProvocations, func(c *check) {
				for _, ex := range c.answers() {
					if ex.status >= 500 {
						c.blame(ex, "a server error for a request the target should refuse with a 4xx")
					}
				}
			})
		s.must("are application/json", areaErrors,
			"the backup page: every error status carries a JSON body of error_code and error_msg", opsProvocations, func(c *check) {
				for _, ex := range c.errorAnswers() {
					if err := checkErrorContentType(ex.header.Get("Content-Type")); err != nil {
						c.blame(ex, "%v", err)
					}
				}
			})
		s.must("carry error_code of 8 to 36 and error_msg of 2 to 512 characters", areaErrors,
			"the backup page: error_code and error_msg on every error status; the vendor's published API definitions: "+
				"error_code 8 to 36 characters, error_msg 2 to 512", opsProvocations, func(c *check) {
				for _, ex := range c.errorAnswers() {
					if err := checkErrorFields(ex.body); err != nil {
						c.blame(ex, "%v", oneLine(err))
					}
				}
			})
		// Every documented code has this shape, but no document states it as a rule.
		s.should("shape error_code like CSMS.0106 or APIGW.0301", areaErrors, opsProvocations, func(c *check) {
			for _, ex := range c.errorAnswers() {
				if err := checkErrorCodeShape(ex.body); err != nil {
					c.blame(ex, "%v", err)
				}
			}
		})
		// No vendor document speaks of it; an echoed credential ends up in logs and reports.
		s.should("never echo the caller's credentials", areaErrors, opsProvocations, func(c *check) {
			for _, ex := range c.errorAnswers() {
				if what := c.s.echoedCredential(ex); what != "" {
					c.blame(ex, "the answer repeats %s", what)
				}
			}
		})
		s.should("carry an X-Request-Id header", areaErrors, opsProvocations, func(c *check) {
			for _, ex := range c.errorAnswers() {
				if ex.header.Get("X-Request-Id") == "" {
					c.blame(ex, "no X-Request-Id header; the vendor's SDK reports it with every error")
				}
			}
		})
	})
}

// echoedCredential names the credential an answer repeats, in its headers or body, or returns
// "" when it repeats none.
func (s *suite) echoedCredential(ex *exchange) string {
	known := []struct{ what, value string }{
		{"the X-Auth-Token", s.cfg.AuthToken},
		{"the AK", s.cfg.AK},
		{"the SK", s.cfg.SK},
		{"the garbage X-Auth-Token it was sent", garbageToken},
		{"the AK it was sent", unknownAK},
		{"the SK the request was signed with", wrongSK},
		{"the request's signature", signatureOf(ex.requestHeader.Get("Authorization"))},
	}
	texts := [][]byte{ex.body, []byte(jsonStrings(ex.body))}
	for name, values := range ex.header {
		texts = append(texts, []byte(name+": "+strings.Join(values, ", ")))
	}
	for _, k := range known {
		if k.value == "" {
			continue
		}
		for _, t := range texts {
			if bytes.Contains(t, []byte(k.value)) {
				return k.what
			}
		}
	}
	return ""
}

// jsonStrings returns every string in a JSON body, unescaped and joined, so that an echo
// written with JSON escapes (\/, \u002b) is found too.
func jsonStrings(body []byte) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			b.WriteString(v + "\n")
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return b.String()
}

// oneLine joins a multi-line error's lines with "; ".
func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }
