package conformance

import (
	"strings"
	"testing"
)

func TestCheckErrorContentType(t *testing.T) {
	for ct, ok := range map[string]bool{
		"application/json":                true,
		"application/json; charset=utf-8": true,
		"text/plain":                      false,
		"application/problem+json":        false,
		"":                                false,
	} {
		if err := checkErrorContentType(ct); (err == nil) != ok {
			t.Errorf("checkErrorContentType(%q) = %v, want ok=%v", ct, err, ok)
		}
	}
}

func TestErrorBodyChecks(t *testing.T) {
	tests := []struct {
		name                string
		body                string
		fieldsErr, shapeErr string // parts of each check's error; "" when it passes
	}{
		{"a documented error", `{"error_code":"CSMS.0106","error_msg":"The secret name not found int the db."}`, "", ""},
		{"the gateway's error with request_id", `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","request_id":"r"}`, "", ""},
		{"no error_msg", `{"error_code":"CSMS.0106"}`, "error_msg is missing", ""},
		{"no error_code", `{"error_msg":"gone"}`, "error_code is missing", "no error_code"},
		{"a 7-character code", `{"error_code":"KM.0001","error_msg":"gone"}`, "error_code is 7 characters", ""},
		{"a 37-character code", `{"error_code":"CSMS` + strings.Repeat("X", 28) + `.0001","error_msg":"gone"}`, "error_code is 37 characters", ""},
		{"a 1-character message", `{"error_code":"CSMS.0106","error_msg":"x"}`, "error_msg is 1 characters", ""},
		{"a 513-character message", `{"error_code":"CSMS.0106","error_msg":"` + strings.Repeat("é", 513) + `"}`, "error_msg is 513 characters", ""},
		{"a code that is a number", `{"error_code":106,"error_msg":"gone"}`, "error_code is not a string", "no error_code"},
		{"a code with an underscore", `{"error_code":"CSMS_0106","error_msg":"gone"}`, "", "not shaped like"},
		{"a code in lower case", `{"error_code":"csms.0106","error_msg":"gone"}`, "", "not shaped like"},
		{"plain text", `CSMS.0106: not found`, "not a JSON object", "no error_code"},
		{"an empty body", ``, "the body is empty", "no error_code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []struct {
				check string
				err   error
				want  string
			}{{"fields", checkErrorFields([]byte(tt.body)), tt.fieldsErr}, {"shape", checkErrorCodeShape([]byte(tt.body)), tt.shapeErr}} {
				switch {
				case c.want == "" && c.err != nil:
					t.Errorf("%s check rejected it: %v", c.check, c.err)
				case c.want != "" && c.err == nil:
					t.Errorf("%s check accepted it", c.check)
				case c.want != "" && !strings.Contains(c.err.Error(), c.want):
					t.Errorf("%s check said %q, not %q", c.check, c.err, c.want)
				}
			}
		})
	}
}
