package jsonvalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// stdDecode is encoding/json with UseNumber, as kin-openapi decodes bodies, plus the check
// for data after the value that Decode makes and kin-openapi does not.
func stdDecode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more data")
	}
	return v, nil
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, in string
		want     any
		wantErr  string // a part of the error; empty when the document is accepted
	}{
		{"a backup answer", `{"secret_blob":")CloudSecretManagementBackupV1.comeyJ.a.b.c.d"}` + "\n",
			map[string]any{"secret_blob": ")CloudSecretManagementBackupV1.comeyJ.a.b.c.d"}, ""},
		{"every kind of value", ` {"a":[1,-0.5e+3,"x",true,false,null,{}],"b":[]} `,
			map[string]any{"a": []any{json.Number("1"), json.Number("-0.5e+3"), "x", true, false, nil, map[string]any{}}, "b": []any{}}, ""},
		{"escapes", `"\" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00"`, "\" \\ / \b \f \n \r \t é 😀", ""},
		{"a repeated key keeps the last value", `{"k":1,"k":2}`, map[string]any{"k": json.Number("2")}, ""},
		{"UTF-8 as it is", `"grüße ✓"`, "grüße ✓", ""},

		{"empty", ``, nil, "end of JSON input"},
		{"only whitespace", " \n", nil, "end of JSON input"},
		{"two values", `{} {}`, nil, "more data"},
		{"trailing comma in an object", `{"a":1,}`, nil, "object key"},
		{"trailing comma in an array", `[1,]`, nil, "beginning of a value"},
		{"a cut string", `"abc`, nil, "end of JSON input"},
		{"a cut object", `{"a":1`, nil, "end of JSON input"},
		{"a leading zero", `01`, nil, "more data"},
		{"a bare minus", `-`, nil, "invalid number"},
		{"a dot without digits", `1.`, nil, "decimal point"},
		{"an exponent without digits", `1e+`, nil, "exponent"},
		{"a control character in a string", "\"a\tb\"", nil, "control character"},
		{"an unknown escape", `"\x"`, nil, "invalid escape"},
		{"a short \\u escape", `"\u12"`, nil, "escape"},
		{"a lone high surrogate", `"\ud83d"`, nil, "surrogate"},
		{"a lone low surrogate", `"\ude00"`, nil, "surrogate"},
		{"a high surrogate and a letter", `"\ud83d\u0041"`, nil, "surrogate"},
		{"invalid UTF-8", "\"\xff\"", nil, "UTF-8"},
		{"invalid UTF-8 after an escape", "\"\\n\xff\"", nil, "UTF-8"},
		{"a single quote", `'a'`, nil, "beginning of a value"},
		{"a misspelt literal", `nul`, nil, "literal"},
		{"a number key", `{1:2}`, nil, "object key"},
		{"no colon", `{"a" 1}`, nil, "':'"},
		{"too deep", strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1), nil, "depth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			checkOutcome(t, got, err, tt.want, tt.wantErr)
		})
	}
}

// checkOutcome fails the test unless a decoder returned want (wantErr empty) or an error
// saying wantErr.
func checkOutcome[V any](t *testing.T, got V, err error, want V, wantErr string) {
	t.Helper()
	switch {
	case wantErr == "" && err != nil:
		t.Fatalf("refused: %v", err)
	case wantErr != "" && err == nil:
		t.Fatalf("accepted as %#v", got)
	case wantErr != "" && !strings.Contains(err.Error(), wantErr):
		t.Fatalf("error %q does not say %q", err, wantErr)
	case wantErr == "" && !reflect.DeepEqual(got, want):
		t.Fatalf("got %#v, want %#v", got, want)
	}
}

func TestDecodeAcceptsTheDeepestNesting(t *testing.T) {
	in := strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth)
	if _, err := Decode([]byte(in)); err != nil {
		t.Fatalf("%d levels refused: %v", maxDepth, err)
	}
	if _, err := stdDecode([]byte(in)); err != nil {
		t.Fatalf("encoding/json refuses %d levels too: %v", maxDepth, err)
	}
}

// FuzzDecodeMatchesEncodingJSON: whatever Decode accepts, encoding/json accepts with an
// equal value; whatever encoding/json accepts and Decode refuses holds invalid UTF-8 or an
// unpaired surrogate escape, which encoding/json silently replaces. RawMembers and the
// Reader are held to Decode on the same documents.
func FuzzDecodeMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{
		`{"secret_blob":")CloudSecretManagementBackupV1.comeyJ.a.b.c.d"}`,
		`{"error_code":"CSMS.0106","error_msg":"The secret name not found int the db."}`,
		`{"secrets":[{"name":"a","create_time":1700000000000,"tags":null}],"page_info":{"next_marker":""}}`,
		`[1, -0.0, 1e9, 1E-9, "\u00e9\ud83d\ude00", true, false, null]`,
		`"\ud83d"`, "\"\xff\"", `{"a":1,"a":2}`, ` 0 `, `01`, `{}x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Decode(data)
		checkMembers(t, data, got, err)
		checkReader(t, data, got, err)
		want, stdErr := stdDecode(data)
		switch {
		case err == nil && stdErr != nil:
			t.Fatalf("Decode accepts what encoding/json refuses (%v): %q → %#v", stdErr, data, got)
		case err == nil && !reflect.DeepEqual(got, want):
			t.Fatalf("values differ for %q:\nDecode        %#v\nencoding/json %#v", data, got, want)
		case err != nil && stdErr == nil:
			if msg := err.Error(); !strings.Contains(msg, "UTF-8") && !strings.Contains(msg, "surrogate") {
				t.Fatalf("Decode refuses what encoding/json accepts, and not for UTF-8: %q: %v", data, err)
			}
		}
	})
}

// checkMembers holds RawMembers to Decode: the same documents accepted (objects only), and
// each named member's text decoding to Decode's member.
func checkMembers(t *testing.T, data []byte, decoded any, decodeErr error) {
	t.Helper()
	names := []string{"a", "state", "secret_blob", ""}
	raw := make([][]byte, len(names))
	err := RawMembers(data, names, raw)
	obj, isObject := decoded.(map[string]any)
	switch {
	case decodeErr == nil && isObject && err != nil:
		t.Fatalf("RawMembers refuses an object Decode accepts: %q: %v", data, err)
	case (decodeErr != nil || !isObject) && err == nil:
		t.Fatalf("RawMembers accepts what is not an object Decode accepts: %q", data)
	case err != nil:
		return
	}
	for i, n := range names {
		want, ok := obj[n]
		if (raw[i] != nil) != ok {
			t.Fatalf("member %q of %q: RawMembers %q, Decode %#v (%v)", n, data, raw[i], want, ok)
		}
		if !ok {
			continue
		}
		got, err := Decode(raw[i])
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("member %q of %q: RawMembers %q decodes to %#v (%v), Decode %#v", n, data, raw[i], got, err, want)
		}
	}
}

func TestRawMembers(t *testing.T) {
	record := `{"id":"x","state":"PENDING_DELETE","versions":[{"value":{"string":"big\nvalue"}},[1,2.5e3,true,null]],"scheduled_delete_time":1764245678000,"state":"ENABLED"}`
	tests := []struct {
		name    string
		in      string
		want    map[string]any
		wantErr string
	}{
		{"a record", record, map[string]any{"state": "ENABLED", "scheduled_delete_time": json.Number("1764245678000")}, ""},
		{"no named member", `{"id":"x"}`, map[string]any{}, ""},
		{"a nested object is built whole", `{"state":{"a":[1]}}`, map[string]any{"state": map[string]any{"a": []any{json.Number("1")}}}, ""},
		{"an array", `["state"]`, nil, "object"},
		{"a bad value in a skipped member", `{"id":"\x","state":"ENABLED"}`, nil, "escape"},
		{"a control character in a skipped member", "{\"id\":\"a\x01\"}", nil, "control"},
		{"invalid UTF-8 in a skipped member", "{\"id\":\"\xff\"}", nil, "UTF-8"},
		{"more data", `{"state":"ENABLED"} 1`, nil, "more data"},
		{"cut short", `{"state":"ENABLED"`, nil, "end of JSON input"},
		{"an escaped key is compared unescaped", `{"st\u0061te":"ENABLED","a\"b":{"c\nd":1}}`, map[string]any{"state": "ENABLED"}, ""},
		{"a nested key is checked", "{\"a\":{\"k\x01\":1}}", nil, "control"},
		{"a bad escape in a skipped key", `{"\q":1}`, nil, "escape"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			names := []string{"state", "scheduled_delete_time"}
			raw := make([][]byte, len(names))
			err := RawMembers([]byte(tt.in), names, raw)
			var got map[string]any
			if err == nil {
				got = map[string]any{}
				for i, r := range raw {
					if r != nil {
						if got[names[i]], err = Decode(r); err != nil {
							t.Fatalf("member %s: %q: %v", names[i], r, err)
						}
					}
				}
			}
			checkOutcome(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	body := []byte(`{"secret_blob":")CloudSecretManagementBackupV1.com` + strings.Repeat("eyJraWQiOiI5ZjNl", 70) + `"}` + "\n")
	b.Run("jsonvalue", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Decode(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := stdDecode(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
