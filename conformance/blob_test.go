package conformance

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// readBlob applies every must-level blob check in order, as a reader of a whole blob would,
// and returns the first failure.
func readBlob(blob string) error {
	if err := checkPrefix(blob); err != nil {
		return err
	}
	j, err := parseJWE(splitBlob(blob).jwe)
	if err != nil {
		return err
	}
	h, err := j.header()
	if err != nil {
		return err
	}
	return j.checkSizes(h)
}

// jweOf builds a compact JWE with the given header and segment sizes, random contents.
func jweOf(t *testing.T, header map[string]string, ek, iv, ct, tag int) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return strings.Join([]string{enc(h), enc(randomBytes(ek)), enc(randomBytes(iv)), enc(randomBytes(ct)), enc(randomBytes(tag))}, ".")
}

var documentedHeader = map[string]string{"kid": "9f3efdc5-3f5e-4bed-a8d1-9616e50443ab", "enc": "A128CBC-HS256", "alg": "RSA-OAEP-256"}

// The vendor's example is truncated; the reader must say so, precisely, and not accept it.
func TestDocumentedExampleIsRejected(t *testing.T) {
	blob := documentedBlob()
	if err := checkPrefix(blob); err != nil {
		t.Fatalf("the documented example lacks the documented prefix: %v", err)
	}
	err := readBlob(blob)
	if err == nil {
		t.Fatal("the truncated example was accepted as a complete blob")
	}
	for _, want := range []string{"4 dot-separated segments", "compact serialization has 5", "segment 4 (ciphertext)", "length 305", "no base64url encoding has"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the reader's message does not say %q:\n%v", want, err)
		}
	}
	// What the example does show is read correctly: the header and the sizes it documents.
	j, _ := parseJWE(splitBlob(blob).jwe)
	h, err := j.header()
	if err != nil {
		t.Fatalf("the example's header: %v", err)
	}
	if want := (joseHeader{Alg: "RSA-OAEP-256", Enc: "A128CBC-HS256", Kid: documentedHeader["kid"]}); h != want {
		t.Errorf("header = %+v, want %+v", h, want)
	}
	if n := len(j.decoded[1]); n != 256 {
		t.Errorf("encrypted key = %d bytes, want 256 (RSA-2048)", n)
	}
	if n := len(j.decoded[2]); n != 16 {
		t.Errorf("IV = %d bytes, want 16", n)
	}
}

func TestReadBlob(t *testing.T) {
	good := jweOf(t, documentedHeader, 256, 16, 64, 16)
	tests := []struct {
		name    string
		blob    string
		wantErr string // part of the error; "" for a blob every check accepts
	}{
		{"the documented layout", blobPrefix + good, ""},
		{"a 41-character magic, as the length byte announces", blobPrefix + ".example" + good, ""},
		{"no prefix", good, "does not start with the documented prefix"},
		{"another prefix", ")CloudSecretManagementBackupV2.com" + good, "differs at character 30"},
		{"shorter than the prefix", ")Cloud", "shorter than the documented prefix"},
		{"four segments", blobPrefix + good[:strings.LastIndex(good, ".")], "4 dot-separated segments"},
		{"six segments", blobPrefix + good + ".AAAA", "6 dot-separated segments"},
		{"padding", blobPrefix + good + "==", "'=' padding"},
		{"a character outside base64url", blobPrefix + strings.Replace(good, ".", ".+", 1), "outside the base64url alphabet"},
		{"an empty header", blobPrefix + "." + good[strings.Index(good, ".")+1:], "protected header"},
		{"no kid", blobPrefix + jweOf(t, map[string]string{"alg": "RSA-OAEP-256", "enc": "A128CBC-HS256"}, 256, 16, 64, 16), `no "kid"`},
		{"an empty alg", blobPrefix + jweOf(t, map[string]string{"alg": "", "enc": "A128CBC-HS256", "kid": "k"}, 256, 16, 64, 16), `"alg" is not a non-empty string`},
		{"a header that is not JSON", blobPrefix + base64.RawURLEncoding.EncodeToString([]byte("kid=1")) + good[strings.Index(good, "."):], "not a JSON object"},
		{"a 12-byte IV with CBC", blobPrefix + jweOf(t, documentedHeader, 256, 12, 64, 16), "the IV is 12 bytes; A128CBC-HS256 takes 16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := readBlob(tt.blob)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("a good blob was rejected: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatal("a bad blob was accepted")
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("error %q does not say %q", err, tt.wantErr)
			}
		})
	}
}

func TestCheckSizes(t *testing.T) {
	hdr := func(alg, enc string) map[string]string { return map[string]string{"alg": alg, "enc": enc, "kid": "k"} }
	tests := []struct {
		name            string
		header          map[string]string
		ek, iv, ct, tag int
		wantErr         string
	}{
		{"RSA-OAEP-256, A128CBC-HS256", hdr("RSA-OAEP-256", "A128CBC-HS256"), 256, 16, 32, 16, ""},
		{"RSA-OAEP with RSA-3072", hdr("RSA-OAEP", "A256GCM"), 384, 12, 17, 16, ""},
		{"RSA1_5 with RSA-4096", hdr("RSA1_5", "A192CBC-HS384"), 512, 16, 48, 24, ""},
		{"A256CBC-HS512", hdr("RSA-OAEP-256", "A256CBC-HS512"), 256, 16, 16, 32, ""},
		{"A128KW wraps the 32-byte CBC key", hdr("A128KW", "A128CBC-HS256"), 40, 16, 16, 16, ""},
		{"A256GCMKW carries the 32-byte GCM key", hdr("A256GCMKW", "A256GCM"), 32, 12, 5, 16, ""},
		{"dir sends no key", hdr("dir", "A128GCM"), 0, 12, 5, 16, ""},
		{"an RSA key of no modulus size", hdr("RSA-OAEP-256", "A128CBC-HS256"), 255, 16, 32, 16, "the encrypted key is 255 bytes"},
		{"a GCM IV with CBC", hdr("RSA-OAEP-256", "A128CBC-HS256"), 256, 12, 32, 16, "the IV is 12 bytes"},
		{"a CBC IV with GCM", hdr("RSA-OAEP-256", "A256GCM"), 256, 16, 32, 16, "A256GCM takes 12"},
		{"a short tag", hdr("RSA-OAEP-256", "A256CBC-HS512"), 256, 16, 32, 16, "the authentication tag is 16 bytes; A256CBC-HS512 makes 32"},
		{"CBC ciphertext not whole blocks", hdr("RSA-OAEP-256", "A128CBC-HS256"), 256, 16, 33, 16, "not a whole number of 16-byte"},
		{"empty ciphertext", hdr("RSA-OAEP-256", "A256GCM"), 256, 12, 0, 16, "the ciphertext is empty"},
		{"a key with dir", hdr("dir", "A128GCM"), 16, 12, 5, 16, "the encrypted key is 16 bytes"},
		{"an unknown enc", hdr("RSA-OAEP-256", "A128CTR"), 256, 16, 32, 16, `enc "A128CTR" is not`},
		{"an unknown alg", hdr("RSA-OAEP-1024", "A128GCM"), 256, 12, 32, 16, `alg "RSA-OAEP-1024" is not`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, err := parseJWE(jweOf(t, tt.header, tt.ek, tt.iv, tt.ct, tt.tag))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			h, err := j.header()
			if err != nil {
				t.Fatalf("header: %v", err)
			}
			err = j.checkSizes(h)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("consistent sizes were rejected: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatal("inconsistent sizes were accepted")
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("error %q does not say %q", err, tt.wantErr)
			}
		})
	}
}

func TestCheckLengthByte(t *testing.T) {
	good := jweOf(t, documentedHeader, 256, 16, 32, 16)
	if err := checkLengthByte(blobPrefix + ".example" + good); err != nil {
		t.Errorf("a 41-character magic after ')' (41) was rejected: %v", err)
	}
	err := checkLengthByte(blobPrefix + good)
	if err == nil || !strings.Contains(err.Error(), "41-character magic, but the documented magic after it has 33") {
		t.Errorf("the documented 33-character magic after ')' (41) was not reported: %v", err)
	}
	if err := checkLengthByte(good); err == nil {
		t.Error("a blob without the prefix passed the length-byte check")
	}
}

func TestSplitBlobKeepsThePrefixOutOfTheJWE(t *testing.T) {
	good := jweOf(t, documentedHeader, 256, 16, 32, 16)
	for name, blob := range map[string]string{
		"documented layout":  blobPrefix + good,
		"41-character magic": blobPrefix + ".example" + good,
		"no prefix":          good,
		"padded":             blobPrefix + ".example" + base64.URLEncoding.EncodeToString([]byte(`{"alg":"dir"}`)) + good[strings.Index(good, "."):],
	} {
		l := splitBlob(blob)
		if !strings.HasPrefix(l.jwe, "eyJ") {
			t.Errorf("%s: the JWE starts %.10q, not with its header", name, l.jwe)
		}
	}
}

func TestTamperChangesOneCiphertextCharacter(t *testing.T) {
	blob := blobPrefix + jweOf(t, documentedHeader, 256, 16, 64, 16)
	tampered, err := tamper(blob)
	if err != nil {
		t.Fatal(err)
	}
	if len(tampered) != len(blob) {
		t.Fatalf("length changed from %d to %d", len(blob), len(tampered))
	}
	diffs := 0
	for i := range blob {
		if blob[i] != tampered[i] {
			diffs++
		}
	}
	if diffs != 1 {
		t.Fatalf("%d characters differ, want 1", diffs)
	}
	before, _ := parseJWE(splitBlob(blob).jwe)
	after, err := parseJWE(splitBlob(tampered).jwe)
	if err != nil {
		t.Fatalf("the tampered blob no longer parses: %v", err)
	}
	for i := range jweParts {
		if changed := before.segments[i] != after.segments[i]; changed != (i == 3) {
			t.Errorf("segment %d (%s) changed = %v", i+1, jweParts[i], changed)
		}
	}
	if _, err := tamper(blobPrefix + "eyJ9.a.b"); err == nil {
		t.Error("tampering with a three-segment blob did not fail")
	}
}

func TestDecodeSegmentNamesPadding(t *testing.T) {
	b, err := decodeSegment("YWJjZA==")
	if string(b) != "abcd" || err == nil || !strings.Contains(err.Error(), "padding") {
		t.Fatalf("decodeSegment(padded) = %q, %v; want the bytes and a padding problem", b, err)
	}
	if _, err := decodeSegment("YWJjZB"); err == nil {
		t.Fatal("a non-canonical encoding was accepted")
	}
}
