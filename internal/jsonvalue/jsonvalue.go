// One recursive-descent decoder: value, object, array, number and string call one another and
// share its cursor, its depth bound and its RawMembers mode, so they are read together here.

// Package jsonvalue decodes one JSON document into the generic values kin-openapi validates
// (map[string]any, []any, string, json.Number, bool and nil), as encoding/json does with
// Decoder.UseNumber, but in one pass and copying a string only when it holds escapes.
//
// The response check decodes every answer the mock sends; encoding/json scans a document
// three times (a validating scan, a second to build the values, one for trailing data), a
// measurable part of each backup's cost (BENCHMARKS.md). Decode is stricter than encoding/json, never looser: it
// refuses invalid UTF-8 and unpaired surrogate escapes, which encoding/json replaces with
// U+FFFD, and it refuses anything but whitespace after the value. Where both accept a
// document, they return equal values (FuzzDecodeMatchesEncodingJSON).
//
// For writers, Verbatim tells when encoding/json would write a string unchanged, so that it
// can be copied between quotes as it is.
package jsonvalue

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds the nesting of arrays and objects, as encoding/json does (10,000).
const maxDepth = 10000

// syntaxError says where and why a document is not JSON.
type syntaxError struct {
	offset int // the byte at which decoding stopped
	msg    string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("%s at offset %d", e.msg, e.offset) }

// Decode returns the value of data, which must hold exactly one JSON value, with optional
// whitespace around it.
func Decode(data []byte) (any, error) {
	d := decoder{data: data}
	d.skipSpace()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos != len(d.data) {
		return nil, d.fail("more data after the JSON value")
	}
	return v, nil
}

// RawMembers checks that data holds exactly one JSON object, as Decode would, and sets
// raw[i] to the JSON text of its member names[i] (the last one, if the name repeats, as in
// encoding/json), or to nil when it has none. Nothing is built or copied: the slices point
// into data, and every value was checked, so each decodes with Decode. For a record holding
// large values this is a small part of the work Decode would do. raw must be as long as
// names.
func RawMembers(data []byte, names []string, raw [][]byte) error {
	clear(raw)
	d := decoder{data: data, discard: true, rawNames: names, raw: raw}
	d.skipSpace()
	if d.pos >= len(d.data) || d.data[d.pos] != '{' {
		return d.fail("want a JSON object")
	}
	if _, err := d.object(1); err != nil {
		return err
	}
	d.skipSpace()
	if d.pos != len(d.data) {
		return d.fail("more data after the JSON value")
	}
	return nil
}

type decoder struct {
	data []byte
	pos  int
	// discard checks values without building them (RawMembers); rawNames are the top-level
	// members RawMembers wants, raw where their text goes.
	discard  bool
	rawNames []string
	raw      [][]byte
	// escaped says whether the last string read held an escape; without one, its characters
	// are the input's bytes between its quotes.
	escaped bool
}

func (d *decoder) fail(msg string) error { return &syntaxError{offset: d.pos, msg: msg} }

func (d *decoder) skipSpace() {
	// Nothing above the space character is white space: most calls end at the first test.
	for d.pos < len(d.data) && d.data[d.pos] <= ' ' {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (any, error) {
	if d.pos >= len(d.data) {
		return nil, d.fail("unexpected end of JSON input")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(depth + 1)
	case c == '[':
		return d.array(depth + 1)
	case c == '"':
		return d.string()
	case c == '-' || ('0' <= c && c <= '9'):
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	default:
		return nil, d.fail(fmt.Sprintf("invalid character %q looking for the beginning of a value", c))
	}
}

func (d *decoder) literal(word string) error {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return d.fail("invalid literal, want " + word)
	}
	d.pos += len(word)
	return nil
}

// object reads an object. At the top level of RawMembers (depth 1) it notes where the wanted
// members' values lie.
func (d *decoder) object(depth int) (any, error) {
	if depth > maxDepth {
		return nil, d.fail("exceeded the maximum nesting depth")
	}
	d.pos++ // {
	var obj map[string]any
	if !d.discard {
		obj = map[string]any{}
	}
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return obj, nil
	}
	for {
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, d.fail("want a string for an object key")
		}
		var key string
		wanted := -1
		if d.discard {
			// Only compared: no string is built for it.
			raw, err := d.rawKey()
			if err != nil {
				return nil, err
			}
			if depth == 1 {
				for i, n := range d.rawNames {
					if n == string(raw) {
						wanted = i
						break
					}
				}
			}
		} else {
			var err error
			if key, err = d.string(); err != nil {
				return nil, err
			}
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.fail("want ':' after an object key")
		}
		d.pos++
		d.skipSpace()
		start := d.pos
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		switch {
		case wanted >= 0:
			d.raw[wanted] = d.data[start:d.pos]
		case obj != nil:
			obj[key] = v
		}
		if done, err := d.afterItem('}', "an object member"); done || err != nil {
			return obj, err
		}
	}
}

// afterItem reads what follows an object member or an array element: a comma, after which
// the next item comes, or the container's closing byte, which ends it (done).
func (d *decoder) afterItem(closing byte, item string) (done bool, err error) {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return false, d.fail("unexpected end of JSON input")
	}
	switch d.data[d.pos] {
	case ',':
		d.pos++
		d.skipSpace()
		return false, nil
	case closing:
		d.pos++
		return true, nil
	default:
		return false, d.fail(fmt.Sprintf("want ',' or '%c' after %s", closing, item))
	}
}

func (d *decoder) array(depth int) (any, error) {
	if depth > maxDepth {
		return nil, d.fail("exceeded the maximum nesting depth")
	}
	d.pos++ // [
	var arr []any
	if !d.discard {
		arr = []any{}
	}
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return arr, nil
	}
	for {
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		if !d.discard {
			arr = append(arr, v)
		}
		if done, err := d.afterItem(']', "an array element"); done || err != nil {
			return arr, err
		}
	}
}

// number reads the RFC 8259 number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *decoder) number() (any, error) {
	start := d.pos
	if d.data[d.pos] == '-' {
		d.pos++
	}
	switch {
	case d.pos < len(d.data) && d.data[d.pos] == '0':
		d.pos++
	case d.pos < len(d.data) && '1' <= d.data[d.pos] && d.data[d.pos] <= '9':
		d.digits()
	default:
		return nil, d.fail("invalid number")
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if d.digits() == 0 {
			return nil, d.fail("want a digit after the decimal point")
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if d.digits() == 0 {
			return nil, d.fail("want a digit in the exponent")
		}
	}
	if d.discard {
		return nil, nil
	}
	return json.Number(d.data[start:d.pos]), nil
}

func (d *decoder) digits() int {
	start := d.pos
	for d.pos < len(d.data) && '0' <= d.data[d.pos] && d.data[d.pos] <= '9' {
		d.pos++
	}
	return d.pos - start
}

// rawKey reads an object key whose opening quote is at d.pos, checked as any string is, and
// returns its text: a slice of the input when it holds no escape, so that a key RawMembers
// only compares costs no allocation. (A Reader reads every string so.)
func (d *decoder) rawKey() ([]byte, error) {
	start := d.pos
	s, err := d.string()
	if err != nil {
		return nil, err
	}
	if !d.escaped {
		return d.data[start+1 : d.pos-1], nil
	}
	return []byte(s), nil
}

// string reads a string whose opening quote is at d.pos. A string without escapes is found
// with the standard library's vectorised searches and copied once; escapes send it to the
// slower unescape.
func (d *decoder) string() (string, error) {
	d.pos++ // "
	start := d.pos
	d.escaped = false
	// A short ASCII string without escapes (a key, a state, an id: most of a record) is read
	// in one loop; setting up the searches below would cost more than it.
	for i := start; i < len(d.data) && i-start < shortString; i++ {
		c := d.data[i]
		if plain[c] {
			continue
		}
		if c == '"' {
			d.pos = i + 1
			if d.discard {
				return "", nil
			}
			return string(d.data[start:i]), nil
		}
		break
	}
	end := bytes.IndexByte(d.data[start:], '"')
	if end < 0 {
		end = len(d.data) - start
	}
	raw := d.data[start : start+end]
	// Up to the first backslash the string is copied as it is, so it is checked here: a
	// control character there is an error whether or not an escape follows.
	head := raw
	escape := bytes.IndexByte(raw, '\\')
	if escape >= 0 {
		head = raw[:escape]
	}
	if i := indexControl(head); i >= 0 {
		d.pos = start + i
		return "", d.fail("control character in a string")
	}
	if escape >= 0 {
		d.pos = start + escape
		d.escaped = true
		return d.unescape(start)
	}
	if start+end == len(d.data) {
		d.pos = len(d.data)
		return "", d.fail("unexpected end of JSON input in a string")
	}
	if !utf8.Valid(raw) {
		return "", d.fail("invalid UTF-8 in a string")
	}
	d.pos = start + end + 1
	if d.discard {
		return "", nil
	}
	return string(raw), nil
}

// shortString is how many bytes string reads one by one before it searches: a name, an id, a
// time's digits are shorter.
const shortString = 64

// plain holds the bytes a string holds as they are: ASCII but for control characters, the
// quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// indexControl returns the index of the first byte below 0x20 in b, or -1. It tests eight
// bytes at a time.
func indexControl(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if hasControl(binary.LittleEndian.Uint64(b[i:])) {
			break
		}
	}
	for ; i < len(b); i++ {
		if b[i] < 0x20 {
			return i
		}
	}
	return -1
}

// unescape finishes a string that holds escapes; start is just after its opening quote.
func (d *decoder) unescape(start int) (string, error) {
	buf := make([]byte, 0, d.pos-start+64)
	buf = append(buf, d.data[start:d.pos]...)
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			if !utf8.Valid(buf) {
				return "", d.fail("invalid UTF-8 in a string")
			}
			d.pos++
			return string(buf), nil
		case c < 0x20:
			return "", d.fail("control character in a string")
		case c != '\\':
			buf = append(buf, c)
			d.pos++
			continue
		}
		if d.pos+1 >= len(d.data) {
			return "", d.fail("unexpected end of JSON input in a string")
		}
		esc := d.data[d.pos+1]
		d.pos += 2
		switch esc {
		case '"', '\\', '/':
			buf = append(buf, esc)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, err := d.hex4()
			if err != nil {
				return "", err
			}
			if utf16.IsSurrogate(r) {
				// Only a high surrogate followed by an escaped low one makes a character.
				if r >= 0xDC00 || d.pos+1 >= len(d.data) || d.data[d.pos] != '\\' || d.data[d.pos+1] != 'u' {
					return "", d.fail("unpaired surrogate escape in a string")
				}
				d.pos += 2
				low, err := d.hex4()
				if err != nil {
					return "", err
				}
				if r = utf16.DecodeRune(r, low); r == utf8.RuneError {
					return "", d.fail("unpaired surrogate escape in a string")
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", d.fail(fmt.Sprintf("invalid escape %q in a string", esc))
		}
	}
	return "", d.fail("unexpected end of JSON input in a string")
}

// hex4 reads the four hex digits of a \u escape.
func (d *decoder) hex4() (rune, error) {
	if len(d.data)-d.pos < 4 {
		return 0, d.fail("unexpected end of JSON input in a \\u escape")
	}
	v, err := strconv.ParseUint(string(d.data[d.pos:d.pos+4]), 16, 32)
	if err != nil {
		return 0, d.fail("invalid \\u escape")
	}
	d.pos += 4
	return rune(v), nil
}
