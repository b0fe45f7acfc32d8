package conformance

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// minOpaqueValueBytes is the shortest value the opacity check searches for: a shorter one
// turns up in random ciphertext by chance too often to mean anything.
const minOpaqueValueBytes = 8

// plainEncoding is one way a value can appear in a blob without being encrypted.
type plainEncoding struct {
	name string
	text []byte
}

// plainEncodings lists the forms of value an unencrypted blob would carry: the value itself,
// hex, and base64 (standard and URL alphabets). A value embedded in a longer encoded text
// encodes differently depending on its offset modulo 3, so each base64 form is given for the
// three offsets, cut to the characters that do not depend on the neighbouring bytes.
func plainEncodings(value []byte) []plainEncoding {
	encs := []plainEncoding{
		{"the value itself", value},
		{"hex", []byte(hex.EncodeToString(value))},
		{"upper-case hex", []byte(strings.ToUpper(hex.EncodeToString(value)))},
	}
	for _, alphabet := range []struct {
		name string
		enc  *base64.Encoding
	}{{"base64", base64.StdEncoding}, {"base64url", base64.URLEncoding}} {
		for offset := range 3 {
			core := base64Core(alphabet.enc, value, offset)
			if len(core) < minOpaqueValueBytes {
				continue
			}
			name := alphabet.name
			if offset > 0 {
				name = fmt.Sprintf("%s at offset %d mod 3", alphabet.name, offset)
			}
			encs = append(encs, plainEncoding{name, core})
		}
	}
	return encs
}

// base64Core returns the characters of value's encoding, when value starts offset bytes into
// an encoded text, that depend on value's bytes alone.
func base64Core(enc *base64.Encoding, value []byte, offset int) []byte {
	shifted := append(bytes.Repeat([]byte{0}, offset), value...)
	full := []byte(strings.TrimRight(enc.EncodeToString(shifted), "="))
	// A character encodes 6 bits: the first ones mix the zero bytes in front with value,
	// the last one may mix value with what follows it.
	skip := (offset*8 + 5) / 6
	end := (len(shifted) * 8) / 6
	if skip >= end {
		return nil
	}
	return full[skip:end]
}

// findPlainValue reports where and how value shows in blob: in its text, or inside one of its
// JWE segments once decoded. It returns "" when the value shows nowhere.
func findPlainValue(blob string, value []byte) string {
	encs := plainEncodings(value)
	places := []struct {
		name string
		data []byte
	}{{"the blob's text", []byte(blob)}}
	if j, _ := parseJWE(splitBlob(blob).jwe); j != nil {
		for i, d := range j.decoded {
			if d != nil {
				places = append(places, struct {
					name string
					data []byte
				}{fmt.Sprintf("segment %d (%s) once decoded", i+1, segmentName(i)), d})
			}
		}
	}
	for _, p := range places {
		for _, e := range encs {
			if bytes.Contains(p.data, e.text) {
				return fmt.Sprintf("%s carries the secret's value as %s", p.name, e.name)
			}
		}
	}
	return ""
}
