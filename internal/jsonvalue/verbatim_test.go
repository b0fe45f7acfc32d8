package jsonvalue

import (
	"encoding/json"
	"testing"
)

// Verbatim reads eight bytes at a time; every byte value at every place of a word, and of
// the tail, must get the table's answer.
func TestVerbatimMatchesTheTable(t *testing.T) {
	base := []byte("eyJraWQiOiI5ZjNlZmRj") // 21 bytes: two words and a tail
	for pos := range base {
		for c := range 256 {
			b := append([]byte(nil), base...)
			b[pos] = byte(c)
			if got, want := Verbatim(string(b)), jsonVerbatim[c]; got != want {
				t.Fatalf("byte %#x at %d: Verbatim %v, the table %v", c, pos, got, want)
			}
		}
	}
}

// What Verbatim passes, encoding/json writes unchanged between quotes: every byte value, alone
// and inside a word.
func TestVerbatimIsWhatMarshalWrites(t *testing.T) {
	for c := range 256 {
		for _, s := range []string{string(rune(c)), string([]byte{byte(c)}), "eyJraWQi" + string([]byte{byte(c)}) + "OiI5ZjNl"} {
			if !Verbatim(s) {
				continue
			}
			if got, _ := json.Marshal(s); string(got) != `"`+s+`"` {
				t.Errorf("Verbatim(%q), but encoding/json writes %s", s, got)
			}
		}
	}
}
