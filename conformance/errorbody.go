package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"regexp"
	"unicode/utf8"
)

// The error body every non-2xx answer carries, as the vendor documents it: a JSON object with
// error_code (8 to 36 characters, e.g. CSMS.0106, or APIGW.0301 from the API gateway) and
// error_msg (2 to 512 characters). This reader is the suite's own.
const (
	minErrorCodeChars, maxErrorCodeChars = 8, 36
	minErrorMsgChars, maxErrorMsgChars   = 2, 512
)

// errorCodePattern is the shape of every documented code: a service name in capitals, a dot,
// four digits.
var errorCodePattern = regexp.MustCompile(`^[A-Z][A-Z0-9]*\.[0-9]{4}$`)

// errorBody is an error answer's body as far as it could be read.
type errorBody struct {
	code, msg       string
	hasCode, hasMsg bool
}

// checkErrorContentType reports a Content-Type other than application/json.
func checkErrorContentType(contentType string) error {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "application/json" {
		return fmt.Errorf("the Content-Type is %q, not application/json", contentType)
	}
	return nil
}

// readErrorBody decodes an error body, whatever its Content-Type claims, and reports one that
// is not a JSON object or has error_code or error_msg missing or of another type.
func readErrorBody(body []byte) (errorBody, error) {
	var e errorBody
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil {
		if len(bytes.TrimSpace(body)) == 0 {
			return e, errors.New("the body is empty, not a JSON error object")
		}
		return e, errors.New("the body is not a JSON object")
	}
	var errs []error
	for _, f := range []struct {
		name string
		dst  *string
		has  *bool
	}{{"error_code", &e.code, &e.hasCode}, {"error_msg", &e.msg, &e.hasMsg}} {
		raw, ok := members[f.name]
		if !ok {
			errs = append(errs, fmt.Errorf("%s is missing", f.name))
			continue
		}
		if err := json.Unmarshal(raw, f.dst); err != nil {
			errs = append(errs, fmt.Errorf("%s is not a string", f.name))
			continue
		}
		*f.has = true
	}
	return e, errors.Join(errs...)
}

// checkErrorFields reports an error body whose fields are missing or outside the documented
// lengths.
func checkErrorFields(body []byte) error {
	e, err := readErrorBody(body)
	errs := []error{err}
	if e.hasCode {
		errs = append(errs, checkLength("error_code", e.code, minErrorCodeChars, maxErrorCodeChars))
	}
	if e.hasMsg {
		errs = append(errs, checkLength("error_msg", e.msg, minErrorMsgChars, maxErrorMsgChars))
	}
	return errors.Join(errs...)
}

func checkLength(field, v string, lo, hi int) error {
	if n := utf8.RuneCountInString(v); n < lo || n > hi {
		return fmt.Errorf("%s is %d characters, outside the documented %d to %d", field, n, lo, hi)
	}
	return nil
}

// checkErrorCodeShape reports an error_code not shaped like CSMS.0106 or APIGW.0301.
func checkErrorCodeShape(body []byte) error {
	e, err := readErrorBody(body)
	if !e.hasCode {
		return fmt.Errorf("no error_code to check: %w", err)
	}
	if !errorCodePattern.MatchString(e.code) {
		return fmt.Errorf("error_code %q is not shaped like CSMS.0106 or APIGW.0301 (%s)", e.code, errorCodePattern)
	}
	return nil
}

// errorCode returns an error body's error_code, or "" when it has none.
func errorCode(body []byte) string {
	e, _ := readErrorBody(body)
	return e.code
}
