package conformance

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// Wherever a value sits in a longer text, one of its base64 cores appears in that text's
// encoding: the property the opacity check rests on.
func TestBase64CoreFindsTheValueAtAnyOffset(t *testing.T) {
	value := []byte("csmsconform-value-0123456789abcdef")
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		for before := range 7 {
			for after := range 4 {
				text := append(append(bytes.Repeat([]byte{'x'}, before), value...), bytes.Repeat([]byte{'y'}, after)...)
				encoded := []byte(enc.EncodeToString(text))
				found := false
				for _, e := range plainEncodings(value) {
					found = found || bytes.Contains(encoded, e.text)
				}
				if !found {
					t.Errorf("%d bytes before, %d after: no encoding of the value found in %s", before, after, encoded)
				}
			}
		}
	}
}

func TestFindPlainValue(t *testing.T) {
	value := []byte("csmsconform-value-0123456789abcdef")
	enc := base64.RawURLEncoding.EncodeToString
	jwe := func(ct []byte) string {
		return blobPrefix + strings.Join([]string{enc([]byte(`{"alg":"dir","enc":"A128GCM","kid":"k"}`)), "", enc(randomBytes(12)), enc(ct), enc(randomBytes(16))}, ".")
	}
	tests := []struct {
		name, blob, want string // want: part of the finding; "" when the value is hidden
	}{
		{"random ciphertext", jwe(randomBytes(64)), ""},
		{"the value in the blob's text", blobPrefix + "x." + string(value), "the blob's text carries the secret's value as the value itself"},
		// Its segment's encoding is base64url of the value, which the text search finds first.
		{"the value in clear inside the ciphertext", jwe(append([]byte(`{"v":"`), value...)), "carries the secret's value as base64"},
		{"base64 of a JSON holding the value", jwe([]byte(base64.StdEncoding.EncodeToString(append([]byte(`{"versions":[{"v":"`), value...)))), "as base64"},
		{"hex of the value inside the ciphertext", jwe([]byte(hex.EncodeToString(value))), "segment 4 (ciphertext) once decoded carries the secret's value as hex"},
		{"upper-case hex of the value", blobPrefix + strings.ToUpper(hex.EncodeToString(value)), "upper-case hex"},
		{"base64url of the value in the text", blobPrefix + base64.URLEncoding.EncodeToString(value), "as base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findPlainValue(tt.blob, value)
			switch {
			case tt.want == "" && got != "":
				t.Fatalf("a hidden value was reported: %s", got)
			case tt.want != "" && !strings.Contains(got, tt.want):
				t.Fatalf("finding %q does not say %q", got, tt.want)
			}
		})
	}
}
