package jsonvalue

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// build reads a whole document with a Reader into the values Decode returns.
func build(data []byte) (any, error) {
	r := NewReader(data)
	v, err := buildValue(&r)
	if err != nil {
		return nil, err
	}
	return v, r.End()
}

func buildValue(r *Reader) (any, error) {
	switch r.Kind() {
	case Object:
		obj := map[string]any{}
		more, err := r.Object()
		for more && err == nil {
			var key []byte
			if key, err = r.Key(); err != nil {
				break
			}
			if obj[string(key)], err = buildValue(r); err != nil {
				break
			}
			more, err = r.NextMember()
		}
		return obj, err
	case Array:
		arr := []any{}
		more, err := r.Array()
		for more && err == nil {
			var v any
			if v, err = buildValue(r); err != nil {
				break
			}
			arr = append(arr, v)
			more, err = r.NextElement()
		}
		return arr, err
	case String:
		s, err := r.String()
		return string(s), err
	case Number:
		n, err := r.Number()
		return json.Number(n), err
	case Bool:
		return r.Bool()
	case Null:
		return nil, r.Null()
	}
	// Nothing can start here: Skip words the error as Decode does.
	return nil, r.Skip()
}

// checkReader holds the Reader to Decode: a document read value by value, and one skipped
// whole, are accepted exactly when Decode accepts it, the first with an equal value.
func checkReader(t *testing.T, data []byte, decoded any, decodeErr error) {
	t.Helper()
	got, err := build(data)
	switch {
	case (err == nil) != (decodeErr == nil):
		t.Fatalf("reading %q value by value: %v; Decode: %v", data, err, decodeErr)
	case err == nil && !reflect.DeepEqual(got, decoded):
		t.Fatalf("reading %q value by value gives %#v, Decode %#v", data, got, decoded)
	}
	r := NewReader(data)
	if err := r.Skip(); err == nil {
		err = r.End()
		if (err == nil) != (decodeErr == nil) {
			t.Fatalf("skipping %q: %v; Decode: %v", data, err, decodeErr)
		}
	} else if decodeErr == nil {
		t.Fatalf("skipping %q: %v; Decode accepts it", data, err)
	}
}

func TestReader(t *testing.T) {
	for _, in := range []string{
		` {"a":[1,-0.5e+3,"x",true,false,null,{}],"b":[], "c" : { "d" : [ [ ] ] } } `,
		`"\" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00"`, `{"k":1,"k":2}`, `{"st\u0061te":"x"}`,
		``, ` `, `{} {}`, `{"a":1,}`, `[1,]`, `"abc`, `{"a":1`, `[1 2]`, `{"a" 1}`, `{1:2}`, `-`,
		`1.`, "\"a\tb\"", `"\x"`, `"\ud83d"`, "\"\xff\"", `nul`, `tru`, `x`, `]`, `}`,
		strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth),
		strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1),
		strings.Repeat(`{"a":`, maxDepth+1) + "1" + strings.Repeat("}", maxDepth+1),
	} {
		decoded, err := Decode([]byte(in))
		checkReader(t, []byte(in), decoded, err)
	}
}

// A string without escapes is a slice of the document: reading it copies nothing.
func TestReaderStringsAreSlices(t *testing.T) {
	data := []byte(`{"name":"plain","other":"esc\u0061ped"}`)
	r := NewReader(data)
	if more, err := r.Object(); !more || err != nil {
		t.Fatal(more, err)
	}
	key, _ := r.Key()
	s, err := r.String()
	if err != nil || string(key) != "name" || string(s) != "plain" || &s[0] != &data[9] {
		t.Fatalf("key %q, string %q (%v): not the document's own bytes", key, s, err)
	}
	if _, err := r.NextMember(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Key(); err != nil {
		t.Fatal(err)
	}
	if s, err = r.String(); err != nil || string(s) != "escaped" {
		t.Fatalf("escaped string %q, %v", s, err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		r := NewReader(data)
		_, _ = r.Object()
		_, _ = r.Key()
		_, _ = r.String()
	})
	if allocs != 0 {
		t.Errorf("reading a key and a plain string allocates %v times", allocs)
	}
}

// Reading a value of another kind than the next one is an error.
func TestReaderRefusesTheWrongKind(t *testing.T) {
	for name, read := range map[string]func(*Reader) error{
		"String": func(r *Reader) error { _, err := r.String(); return err },
		"Number": func(r *Reader) error { _, err := r.Number(); return err },
		"Bool":   func(r *Reader) error { _, err := r.Bool(); return err },
		"Null":   func(r *Reader) error { return r.Null() },
		"Object": func(r *Reader) error { _, err := r.Object(); return err },
		"Array":  func(r *Reader) error { _, err := r.Array(); return err },
	} {
		for _, in := range []string{`"s"`, `1`, `true`, `null`, `{}`, `[]`} {
			r := NewReader([]byte(in))
			kind := r.Kind()
			err := read(&r)
			if wanted := map[string]Kind{"String": String, "Number": Number, "Bool": Bool, "Null": Null, "Object": Object, "Array": Array}[name]; (err == nil) != (kind == wanted) {
				t.Errorf("%s on %s: %v", name, in, err)
			}
		}
	}
}
