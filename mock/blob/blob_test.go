// The blob format's cases, most of the file one table of refused blobs; kept whole so the
// table reads as one list.

package blob

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

// docExample is the vendor's documented backup blob, verbatim. It is truncated: 4 segments after
// the prefix, the last of an impossible base64url length (305).
const docExample = ")CloudSecretManagementBackupV1.comeyJraWQiOiI5ZjNlZmRjNS0zZjVlLTRiZWQtYThkMS05NjE2ZTUwNDQzYWIiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiUlNBLU9BRVAtMjU2In0.CtrOcFMSeW_qMdQjgKzNaWtC6hkSTdjOSMSr2IOKNa8OpbJH8rOaCt9l4LYLHKw8CF70YLWOODgaYrLiWuHgdR-O9hlALkT6CbXxJ-Cbmf6qpJF61kXKHX4TBe6-oV8t4PaPaSDDR_oeyt4Xl2EOOlHxs9PnU1st9Fkd7wOHNa4ueM16Ze5ICEdQK3cN1hnelid0zlb1qq58KhsSroNeI8B5RnoYDB-0eiFWD0XWJLppgkLnewXpuPLmLN_c558yUQ0u0VoUyBGB6EFePPbbT-Z1_LUCSRyiP9Y2S0Vz5jzzeabWZ4vZkW8JX57Wc-onHplUpsUUpIqcdHLjp40NEQ.VtA6Sg--jeA1QavYxY9z7Q.Mr6dLyontoJCaDaRFMAYg_qUdEPzd-aIIrCHWH7wvYayNpSFUjR5QJd3XPpGGy93y22jN-DoHZHclgMeureQwKq39QQF0xIdRqhOR2Lxy69PkgRaNtpz7ikLOlsbjh1wd7mbSmyolsK_0t1X9OlvOSmUMjxUXpXLzqLXxPY0R_MUxEanHb3V_vsLArF9sN1X7Km-fdUKXTV1EzVUq1eC5aSYqg3rGkLHPHG6lPXOetPWNsVCE1bX0Voh0XnlyFLSSoYzX45l04hR8JXgcP42FXfD7GugcNi7jTKuvxu4l2Q2v7wnk"

// RSA key generation dominates this package's test time, so each test binary makes its two keys
// once and shares them.
var (
	keysOnce   sync.Once
	keyA, keyB *Key
	keysErr    error
)

// testKeys returns the shared key the tests open with (a) and a second, foreign key (b).
func testKeys(tb testing.TB) (a, b *Key) {
	tb.Helper()
	keysOnce.Do(func() {
		if keyA, keysErr = GenerateKey(); keysErr == nil {
			keyB, keysErr = GenerateKey()
		}
	})
	if keysErr != nil {
		tb.Fatal(keysErr)
	}
	return keyA, keyB
}

func seal(tb testing.TB, k *Key, plaintext []byte) string {
	tb.Helper()
	blob, err := k.Seal(plaintext)
	if err != nil {
		tb.Fatal(err)
	}
	return blob
}

// segments splits a well-formed blob into its five JWE segments.
func segments(tb testing.TB, blob string) []string {
	tb.Helper()
	jwe, ok := strings.CutPrefix(blob, Prefix)
	if !ok {
		tb.Fatalf("blob does not start with the prefix: %.40q", blob)
	}
	segs := strings.Split(jwe, ".")
	if len(segs) != 5 {
		tb.Fatalf("blob has %d segments after the prefix, want 5", len(segs))
	}
	return segs
}

func assemble(segs ...string) string { return Prefix + strings.Join(segs, ".") }

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func unb64(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		tb.Fatalf("segment %.20q…: %v", s, err)
	}
	return b
}

// replace returns blob with segment i (0-based) set to seg.
func replace(tb testing.TB, blob string, i int, seg string) string {
	tb.Helper()
	segs := segments(tb, blob)
	segs[i] = seg
	return assemble(segs...)
}

// withHeader returns blob with its protected header replaced by the JSON header.
func withHeader(tb testing.TB, blob, header string) string {
	tb.Helper()
	return replace(tb, blob, 0, b64(header))
}

// flipBit returns blob with one bit of the decoded segment i flipped, canonically re-encoded.
func flipBit(tb testing.TB, blob string, i, bit int) string {
	tb.Helper()
	b := unb64(tb, segments(tb, blob)[i])
	b[bit/8] ^= 1 << (bit % 8)
	return replace(tb, blob, i, base64.RawURLEncoding.EncodeToString(b))
}

var sentinels = []error{errTooLarge, errMalformed, errWrongKey, errTampered}

// wantErr fails unless err wraps want, and only want of the sentinels, and its message contains
// every one of subs.
func wantErr(tb testing.TB, err, want error, subs ...string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("got no error, want %v", want)
	}
	for _, s := range sentinels {
		if got := errors.Is(err, s); got != (s == want) {
			tb.Fatalf("errors.Is(err, %v) = %v; err: %v", s, got, err)
		}
	}
	for _, s := range subs {
		if !strings.Contains(err.Error(), s) {
			tb.Errorf("error %q does not contain %q", err, s)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	k, _ := testKeys(t)
	mib := make([]byte, 1<<20)
	if _, err := rand.Read(mib); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		plaintext []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"1 byte", []byte{0}},
		{"15 bytes", bytes.Repeat([]byte{'x'}, 15)},
		{"16 bytes", bytes.Repeat([]byte{'x'}, 16)},
		{"text", []byte(`{"secret":"demo-value: s3cr3t"}`)},
		{"1 MiB", mib},
	} {
		t.Run(tc.name, func(t *testing.T) {
			blob := seal(t, k, tc.plaintext)
			if want := k.sealedLen(len(tc.plaintext)); len(blob) != want {
				t.Errorf("blob is %d characters, sealedLen says %d", len(blob), want)
			}
			got, err := k.Open(blob)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.plaintext) {
				t.Fatalf("Open returned %d bytes, want the %d sealed", len(got), len(tc.plaintext))
			}
		})
	}
}

func TestSealShape(t *testing.T) {
	k, _ := testKeys(t)
	for _, n := range []int{0, 1, 15, 16, 17, 1000} {
		blob := seal(t, k, make([]byte, n))
		if !strings.HasPrefix(blob, Prefix) {
			t.Fatalf("blob does not start with %s", Prefix)
		}
		segs := segments(t, blob)

		var header map[string]any
		if err := json.Unmarshal(unb64(t, segs[0]), &header); err != nil {
			t.Fatalf("header: %v", err)
		}
		want := map[string]any{"alg": "RSA-OAEP-256", "enc": "A128CBC-HS256", "kid": k.ID()}
		if fmt.Sprint(header) != fmt.Sprint(want) {
			t.Errorf("header = %v, want %v", header, want)
		}
		if got := len(unb64(t, segs[1])); got != 256 {
			t.Errorf("encrypted key is %d bytes, want 256", got)
		}
		if got := len(unb64(t, segs[2])); got != 16 {
			t.Errorf("IV is %d bytes, want 16", got)
		}
		if got := len(unb64(t, segs[3])); got == 0 || got%16 != 0 || got != (n/16+1)*16 {
			t.Errorf("ciphertext of %d bytes of plaintext is %d bytes, want %d", n, got, (n/16+1)*16)
		}
		if got := len(unb64(t, segs[4])); got != 16 {
			t.Errorf("tag is %d bytes, want 16", got)
		}
	}
}

// TestDocExampleShape pins down what the vendor's example shows, which Seal imitates.
func TestDocExampleShape(t *testing.T) {
	jwe := strings.TrimPrefix(docExample, Prefix)
	segs := strings.Split(jwe, ".")
	if len(segs) != 4 {
		t.Fatalf("the documented example has %d segments, want 4", len(segs))
	}
	if got := string(unb64(t, segs[0])); got != `{"kid":"9f3efdc5-3f5e-4bed-a8d1-9616e50443ab","enc":"A128CBC-HS256","alg":"RSA-OAEP-256"}` {
		t.Errorf("header = %s", got)
	}
	if got := len(unb64(t, segs[1])); got != 256 {
		t.Errorf("encrypted key is %d bytes, want 256", got)
	}
	if got := len(unb64(t, segs[2])); got != 16 {
		t.Errorf("IV is %d bytes, want 16", got)
	}
	if got := len(segs[3]); got != 305 || got%4 != 1 {
		t.Errorf("segment 4 is %d characters, want 305 (≡ 1 mod 4)", got)
	}
}

func TestSealsDiffer(t *testing.T) {
	k, _ := testKeys(t)
	plaintext := []byte("the same secret")
	a, b := seal(t, k, plaintext), seal(t, k, plaintext)
	if a == b {
		t.Fatal("two seals of the same plaintext are equal")
	}
	sa, sb := segments(t, a), segments(t, b)
	for i, what := range []string{"", "encrypted key (CEK)", "IV", "ciphertext", "tag"} {
		if i > 0 && sa[i] == sb[i] {
			t.Errorf("two seals share the %s", what)
		}
	}
}

func TestSealTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("seals a 3.9 MB plaintext")
	}
	k, _ := testKeys(t)
	// The longest plaintext whose blob fits maxLen.
	n := (maxLen - k.overhead) * 3 / 4
	for k.sealedLen(n) > maxLen {
		n--
	}
	for k.sealedLen(n+1) <= maxLen {
		n++
	}
	blob := seal(t, k, make([]byte, n))
	if len(blob) > maxLen {
		t.Fatalf("Seal made a blob of %d characters, over maxLen", len(blob))
	}
	if _, err := k.Open(blob); err != nil {
		t.Fatalf("Open of the largest blob: %v", err)
	}
	_, err := k.Seal(make([]byte, n+16))
	wantErr(t, err, errTooLarge, fmt.Sprintf("a plaintext of %d bytes", n+16), "5242880")
}

func TestOpenRefuses(t *testing.T) {
	k, other := testKeys(t)
	valid := seal(t, k, []byte("secret value"))
	segs := segments(t, valid)
	header := func(h string) string { return withHeader(t, valid, h) }
	hdr := func(alg, enc, kid string) string {
		return header(fmt.Sprintf(`{"alg":%q,"enc":%q,"kid":%q}`, alg, enc, kid))
	}
	kid := k.ID()

	// The last IV character carries 2 bits of data and 4 unused bits; setting one unused bit
	// makes a non-canonical encoding of the same IV.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	iv := segs[2]
	nonCanonicalIV := iv[:len(iv)-1] + string(alphabet[strings.IndexByte(alphabet, iv[len(iv)-1])|1])

	for _, tc := range []struct {
		name string
		blob string
		want error
		subs []string
	}{
		{"documented truncated example", docExample, errMalformed, []string{
			"truncated", "the blob has 4 JWE segments after the prefix, a complete JWE has 5",
			"segment 4 (ciphertext) is not base64url either: length 305 is impossible"}},
		{"empty", "", errMalformed, []string{"the blob is empty"}},
		{"prefix only", Prefix, errMalformed, []string{"truncated", "only the prefix"}},
		{"cut inside prefix", Prefix[:10], errMalformed, []string{"truncated", "ends inside the prefix", "after 10 of its 34"}},
		{"missing prefix (bare JWE)", strings.TrimPrefix(valid, Prefix), errMalformed, []string{"does not start with " + Prefix, "bare JWE"}},
		{"missing prefix (garbage)", "hello", errMalformed, []string{"does not start with " + Prefix}},
		{"leading whitespace", " " + valid, errMalformed, []string{"1 characters before the prefix"}},
		{"lowercase prefix", strings.ToLower(Prefix) + segs[0], errMalformed, []string{"does not start with"}},
		{"over maxLen", Prefix + strings.Repeat("A", maxLen+1-len(Prefix)), errTooLarge, []string{"5242881 characters", "limit is 5242880"}},
		{"over maxLen, no prefix", strings.Repeat(".", maxLen+1), errTooLarge, []string{"5242881"}},
		{"exactly maxLen of dots", Prefix + strings.Repeat(".", maxLen-len(Prefix)), errMalformed, []string{"5242847 JWE segments"}},
		{"1 segment", assemble(segs[0]), errMalformed, []string{"truncated", "1 JWE segments"}},
		{"3 segments", assemble(segs[:3]...), errMalformed, []string{"truncated", "3 JWE segments", "a complete JWE has 5"}},
		{"4 segments", assemble(segs[:4]...), errMalformed, []string{"truncated", "4 JWE segments"}},
		{"4 segments, last cut mid-group", assemble(segs[0], segs[1], segs[2], segs[3][:5]), errMalformed, []string{"truncated", "4 JWE segments", "length 5 is impossible"}},
		{"6 segments", valid + ".AAAA", errMalformed, []string{"6 JWE segments", "a complete JWE has 5"}},
		{"trailing dot", valid + ".", errMalformed, []string{"6 JWE segments"}},
		{"empty segment", assemble(segs[0], "", segs[2], segs[3], segs[4]), errMalformed, []string{"segment 2 (encrypted key) is empty"}},
		{"tag cut to impossible length", valid[:len(valid)-1], errMalformed, []string{"truncated", "segment 5 (authentication tag) is not base64url: length 21 is impossible"}},
		{"tag cut short", valid[:len(valid)-2], errMalformed, []string{"truncated", "segment 5 (authentication tag) is 15 bytes", "gives 16"}},
		{"padding =", replace(t, valid, 2, iv+"=="), errMalformed, []string{"segment 3 (IV) has '=' padding at offset 22", "unpadded"}},
		{"standard base64 +", replace(t, valid, 3, "+"+segs[3][1:]), errMalformed, []string{"segment 4 (ciphertext) has '+' at offset 0", "standard base64"}},
		{"standard base64 /", replace(t, valid, 1, segs[1][:7]+"/"+segs[1][8:]), errMalformed, []string{"segment 2 (encrypted key) has '/' at offset 7"}},
		{"trailing newline", valid + "\n", errMalformed, []string{"segment 5 (authentication tag) is not base64url: it has '\\n' at offset 22"}},
		{"inner CRLF", replace(t, valid, 1, segs[1][:76]+"\r\n"+segs[1][76:]), errMalformed, []string{"segment 2 (encrypted key) is not base64url: it has '\\r' at offset 76"}},
		{"space", replace(t, valid, 3, segs[3][:4]+" "+segs[3][4:]), errMalformed, []string{"segment 4 (ciphertext) is not base64url: it has ' ' at offset 4"}},
		{"non-ASCII", replace(t, valid, 2, "é"+iv[2:]), errMalformed, []string{"segment 3 (IV) is not base64url: it has a non-ASCII byte at offset 0"}},
		{"non-canonical trailing bits", replace(t, valid, 2, nonCanonicalIV), errMalformed, []string{"segment 3 (IV) is not canonical base64url"}},

		{"header not JSON", header("not json"), errMalformed, []string{"segment 1 (protected header) is not a JSON object"}},
		{"header JSON array", header(`["alg"]`), errMalformed, []string{"not a JSON object"}},
		{"header JSON string", header(`"x"`), errMalformed, []string{"not a JSON object"}},
		{"header unterminated", header(`{"alg":"RSA-OAEP-256"`), errMalformed, []string{"not valid JSON"}},
		{"header missing comma", header(`{"alg":"RSA-OAEP-256" "enc":"A128CBC-HS256"}`), errMalformed, []string{"not valid JSON"}},
		{"header trailing data", header(`{"alg":"RSA-OAEP-256","enc":"A128CBC-HS256","kid":"` + kid + `"}x`), errMalformed, []string{"data after its JSON object"}},
		{"header two objects", header(`{"alg":"RSA-OAEP-256","enc":"A128CBC-HS256","kid":"` + kid + `"}{}`), errMalformed, []string{"data after its JSON object"}},
		{"header duplicate member", header(`{"alg":"RSA-OAEP-256","enc":"A128CBC-HS256","kid":"` + kid + `","alg":"RSA-OAEP-256"}`), errMalformed, []string{"has member alg twice"}},
		{"header zip", header(`{"alg":"RSA-OAEP-256","enc":"A128CBC-HS256","kid":"` + kid + `","zip":"DEF"}`), errMalformed, []string{`has member "zip"`, "only alg, enc and kid"}},
		{"header crit", header(`{"crit":["exp"],"alg":"RSA-OAEP-256","enc":"A128CBC-HS256","kid":"` + kid + `"}`), errMalformed, []string{`has member "crit"`}},
		{"header ALG uppercase", header(`{"ALG":"RSA-OAEP-256","enc":"A128CBC-HS256","kid":"` + kid + `"}`), errMalformed, []string{`has member "ALG"`}},
		{"header kid not string", header(`{"alg":"RSA-OAEP-256","enc":"A128CBC-HS256","kid":42}`), errMalformed, []string{"member kid is not a string"}},
		{"header kid object", header(`{"alg":"RSA-OAEP-256","enc":"A128CBC-HS256","kid":{"a":1}}`), errMalformed, []string{"member kid is not a string"}},
		{"header empty object", header(`{}`), errMalformed, []string{"protected header has no alg"}},
		{"alg RSA1_5", hdr("RSA1_5", "A128CBC-HS256", kid), errMalformed, []string{`protected header alg is "RSA1_5", want RSA-OAEP-256`}},
		{"alg RSA-OAEP", hdr("RSA-OAEP", "A128CBC-HS256", kid), errMalformed, []string{`alg is "RSA-OAEP"`}},
		{"alg none", hdr("none", "A128CBC-HS256", kid), errMalformed, []string{`alg is "none"`}},
		{"alg dir", hdr("dir", "A128CBC-HS256", kid), errMalformed, []string{`alg is "dir"`}},
		{"alg empty", hdr("", "A128CBC-HS256", kid), errMalformed, []string{`alg is ""`}},
		{"alg long", hdr(strings.Repeat("A", 1000), "A128CBC-HS256", kid), errMalformed, []string{"… (1000 bytes)"}},
		{"enc A256GCM", hdr("RSA-OAEP-256", "A256GCM", kid), errMalformed, []string{`protected header enc is "A256GCM", want A128CBC-HS256`}},
		{"enc A128GCM", hdr("RSA-OAEP-256", "A128GCM", kid), errMalformed, []string{`enc is "A128GCM"`}},
		{"enc A256CBC-HS512", hdr("RSA-OAEP-256", "A256CBC-HS512", kid), errMalformed, []string{`enc is "A256CBC-HS512"`}},
		{"enc none", hdr("RSA-OAEP-256", "none", kid), errMalformed, []string{`enc is "none"`}},
		{"alg and enc swapped", hdr("A128CBC-HS256", "RSA-OAEP-256", kid), errMalformed, []string{`alg is "A128CBC-HS256"`}},
		{"missing alg", header(`{"enc":"A128CBC-HS256","kid":"` + kid + `"}`), errMalformed, []string{"protected header has no alg"}},
		{"missing enc", header(`{"alg":"RSA-OAEP-256","kid":"` + kid + `"}`), errMalformed, []string{"protected header has no enc"}},
		{"missing kid", header(`{"alg":"RSA-OAEP-256","enc":"A128CBC-HS256"}`), errMalformed, []string{"protected header has no kid"}},
		{"empty kid", hdr("RSA-OAEP-256", "A128CBC-HS256", ""), errMalformed, []string{"protected header has no kid"}},

		{"encrypted key 128 bytes", replace(t, valid, 1, b64(strings.Repeat("k", 128))), errMalformed, []string{"segment 2 (encrypted key) is 128 bytes, RSA-OAEP-256 under an RSA-2048 key gives 256"}},
		{"IV 12 bytes", replace(t, valid, 2, b64(strings.Repeat("i", 12))), errMalformed, []string{"segment 3 (IV) is 12 bytes, A128CBC-HS256 gives 16"}},
		{"ciphertext 17 bytes", replace(t, valid, 3, b64(strings.Repeat("c", 17))), errMalformed, []string{"segment 4 (ciphertext) is 17 bytes", "whole number of 16-byte blocks"}},
		{"tag 32 bytes", replace(t, valid, 4, b64(strings.Repeat("t", 32))), errMalformed, []string{"segment 5 (authentication tag) is 32 bytes, A128CBC-HS256 gives 16"}},

		{"sealed under another key", seal(t, other, []byte("secret value")), errWrongKey, []string{
			fmt.Sprintf("the blob was sealed under key %q, this mock's key is %s", other.ID(), kid)}},
		{"foreign kid", hdr("RSA-OAEP-256", "A128CBC-HS256", "9f3efdc5-3f5e-4bed-a8d1-9616e50443ab"), errWrongKey, []string{`"9f3efdc5-3f5e-4bed-a8d1-9616e50443ab"`}},
		{"other key's blob, kid edited to ours", func() string {
			b := seal(t, other, []byte("secret value"))
			return withHeader(t, b, `{"alg":"RSA-OAEP-256","enc":"A128CBC-HS256","kid":"`+kid+`"}`)
		}(), errTampered, []string{"does not decrypt and authenticate", kid}},
		{"encrypted to another key under our kid", func() string {
			// A genuine JWE, not an edited one: only the recipient key is wrong.
			enc, err := jose.NewEncrypter(jose.A128CBC_HS256, jose.Recipient{
				Algorithm: jose.RSA_OAEP_256, Key: &other.priv.PublicKey, KeyID: kid}, nil)
			if err != nil {
				t.Fatal(err)
			}
			obj, err := enc.Encrypt([]byte("secret value"))
			if err != nil {
				t.Fatal(err)
			}
			s, err := obj.CompactSerialize()
			if err != nil {
				t.Fatal(err)
			}
			return Prefix + s
		}(), errTampered, []string{"does not decrypt and authenticate"}},
		{"header members reordered", header(`{"kid":"` + kid + `","enc":"A128CBC-HS256","alg":"RSA-OAEP-256"}`), errTampered, nil},
		{"header with whitespace", header(`{"alg": "RSA-OAEP-256", "enc": "A128CBC-HS256", "kid": "` + kid + `"}`), errTampered, nil},
		{"header with escaped alg", header(`{"\u0061lg":"RSA-OAEP-256","enc":"A128CBC-HS256","kid":"` + kid + `"}`), errTampered, nil},
		{"segments from two blobs", assemble(append(segs[:3:3], segments(t, seal(t, k, []byte("secret value")))[3:]...)...), errTampered, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := k.Open(tc.blob)
			wantErr(t, err, tc.want, tc.subs...)
			if got != nil {
				t.Errorf("Open returned %d bytes along with the error", len(got))
			}
			if strings.Contains(err.Error(), "secret value") {
				t.Errorf("error carries the plaintext: %v", err)
			}
		})
	}
}

// TestOpenBitFlips flips bits in each segment of a valid blob. Encrypted key, IV, ciphertext and
// tag are authenticated, so any flip there is errTampered; a header flip changes alg, enc or kid
// or breaks the JSON, so it is errMalformed or errWrongKey, and never opens.
func TestOpenBitFlips(t *testing.T) {
	k, _ := testKeys(t)
	plaintext := bytes.Repeat([]byte("0123456789abcdef"), 4) // 4 blocks, so the middle is inside
	valid := seal(t, k, plaintext)

	t.Run("header, every bit", func(t *testing.T) {
		n := len(unb64(t, segments(t, valid)[0])) * 8
		for bit := range n {
			_, err := k.Open(flipBit(t, valid, 0, bit))
			switch {
			case err == nil:
				t.Fatalf("flipping header bit %d opened", bit)
			case errors.Is(err, errMalformed), errors.Is(err, errWrongKey):
			default:
				t.Fatalf("flipping header bit %d: %v", bit, err)
			}
		}
		// Bit 0 of byte 0 turns '{' into 'z': not JSON. A flip inside the kid value is a kid
		// this key does not have.
		_, err := k.Open(flipBit(t, valid, 0, 0))
		wantErr(t, err, errMalformed, "not a JSON object")
		hdr := string(unb64(t, segments(t, valid)[0]))
		at := strings.Index(hdr, k.ID()) + 1 // the second kid character, so the result stays a string
		_, err = k.Open(flipBit(t, valid, 0, at*8+1))
		wantErr(t, err, errWrongKey, "this mock's key is "+k.ID())
	})

	for i, name := range segmentNames[1:] {
		seg := i + 1
		t.Run(name, func(t *testing.T) {
			n := len(unb64(t, segments(t, valid)[seg])) * 8
			for _, bit := range []int{0, 7, n/2 + 3, n - 8, n - 1} {
				_, err := k.Open(flipBit(t, valid, seg, bit))
				wantErr(t, err, errTampered, "does not decrypt and authenticate")
			}
		})
	}
}

func TestConcurrentSealOpen(t *testing.T) {
	k, _ := testKeys(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 5 {
				pt := fmt.Appendf(nil, "goroutine %d seal %d", g, i)
				blob, err := k.Seal(pt)
				if err != nil {
					t.Error(err)
					return
				}
				got, err := k.Open(blob)
				if err != nil || !bytes.Equal(got, pt) {
					t.Errorf("round trip: %q, %v", got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func benchSizes() []struct {
	name string
	n    int
} {
	return []struct {
		name string
		n    int
	}{{"1KiB", 1 << 10}, {"640KiB", 640 << 10}}
}

func BenchmarkSeal(b *testing.B) {
	k, _ := testKeys(b)
	for _, sz := range benchSizes() {
		b.Run(sz.name, func(b *testing.B) {
			pt := make([]byte, sz.n)
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.Seal(pt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	k, _ := testKeys(b)
	for _, sz := range benchSizes() {
		b.Run(sz.name, func(b *testing.B) {
			blob := seal(b, k, make([]byte, sz.n))
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.Open(blob); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// rsaKey returns a fresh RSA key of the given size, for the tests that need a size other than the
// shared keys'.
func rsaKey(tb testing.TB, bits int) *rsa.PrivateKey {
	tb.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		tb.Fatal(err)
	}
	return priv
}

func TestZeroKey(t *testing.T) {
	var k *Key
	if _, err := k.Seal(nil); err == nil {
		t.Error("Seal on a nil Key succeeded")
	}
	if _, err := (&Key{}).Open(docExample); err == nil {
		t.Error("Open on a zero Key succeeded")
	}
}

// writeBase64URL must write exactly what encoding the whole at once writes, at every length
// around its chunk size.
func TestWriteBase64URLMatchesTheWholeEncoding(t *testing.T) {
	data := make([]byte, 3*768+5)
	for i := range data {
		data[i] = byte(i*7 + 3)
	}
	for _, n := range []int{0, 1, 2, 3, 767, 768, 769, 1535, 1536, 1537, len(data)} {
		var b strings.Builder
		writeBase64URL(&b, data[:n])
		if want := base64.RawURLEncoding.EncodeToString(data[:n]); b.String() != want {
			t.Errorf("%d bytes: %d characters written, the whole encoding has %d (or differs)", n, b.Len(), len(want))
		}
	}
}
