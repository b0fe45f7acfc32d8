package blob

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// Open decrypts a blob that Seal made under k. It refuses anything else with an error wrapping
// errTooLarge, errMalformed, errWrongKey or errTampered, and never panics.
func (k *Key) Open(blob string) ([]byte, error) {
	if k == nil || k.priv == nil {
		return nil, errNoKey
	}
	jwe, err := k.check(blob)
	if err != nil {
		return nil, err
	}
	obj, err := jose.ParseEncryptedCompact(jwe, []jose.KeyAlgorithm{keyAlg}, []jose.ContentEncryption{encAlg})
	if err != nil {
		// check has already verified everything go-jose parses, so this is not expected.
		return nil, malformed("the JWE does not parse: %v", err)
	}
	plaintext, err := obj.Decrypt(k.priv)
	if err != nil {
		// go-jose deliberately says no more than "cryptographic failure": whether the RSA
		// unwrap or the HMAC failed must not be observable (Bleichenbacher, padding oracles).
		return nil, fmt.Errorf("%w: it names this key (kid %s) but does not decrypt and authenticate under it: "+
			"it was modified, or encrypted to another key under this key's kid", errTampered, k.id)
	}
	return plaintext, nil
}

// check validates everything about blob that can be checked without the private key, in the
// order a person would look, and returns the JWE after the prefix. Every segment is checked
// for strict base64url here because go-jose's decoder is lenient: it skips '\r' and '\n' and
// ignores non-zero trailing bits, so without this check many strings would open to the same
// plaintext.
func (k *Key) check(blob string) (string, error) {
	// The length first, so that nothing below ever works on an oversized input.
	if len(blob) > maxLen {
		return "", fmt.Errorf("%w: the blob is %d characters, the limit is %d", errTooLarge, len(blob), maxLen)
	}
	jwe, err := stripPrefix(blob)
	if err != nil {
		return "", err
	}

	// Count before splitting, so that a blob of millions of dots costs no allocation.
	if n := strings.Count(jwe, ".") + 1; n != 5 {
		return "", segmentCountError(jwe, n)
	}
	var segs [5]string
	rest := jwe
	for i := range 4 {
		segs[i], rest, _ = strings.Cut(rest, ".")
	}
	segs[4] = rest

	var decodedLen [5]int
	for i, s := range segs {
		n, err := checkSegment(i, s)
		if err != nil {
			return "", err
		}
		decodedLen[i] = n
	}

	kid, err := checkHeader(segs[0])
	if err != nil {
		return "", err
	}

	if err := checkSizes(decodedLen); err != nil {
		return "", err
	}

	// Only now is the blob known to be well formed, so a foreign kid means "another key" and not
	// "garbage".
	if kid != k.id {
		return "", fmt.Errorf("%w: the blob was sealed under key %s, this mock's key is %s", errWrongKey, shown(kid), k.id)
	}
	return jwe, nil
}

// stripPrefix returns blob without Prefix, or says how the start of blob is wrong.
func stripPrefix(blob string) (string, error) {
	switch {
	case blob == "":
		return "", malformed("the blob is empty")
	case strings.HasPrefix(blob, Prefix):
		jwe := blob[len(Prefix):]
		if jwe == "" {
			return "", malformed("truncated: the blob is only the prefix %s, the JWE after it is missing", Prefix)
		}
		return jwe, nil
	case strings.HasPrefix(Prefix, blob):
		return "", malformed("truncated: the blob ends inside the prefix %s, after %d of its %d characters",
			Prefix, len(blob), len(Prefix))
	}
	if i := strings.Index(blob, Prefix); i > 0 {
		return "", malformed("the blob has %d characters before the prefix %s (stray whitespace or quotes?)", i, Prefix)
	}
	if strings.HasPrefix(blob, "eyJ") { // base64url of `{"`: a JWE header
		return "", malformed("the blob does not start with %s; it looks like a bare JWE, which is not a backup blob", Prefix)
	}
	return "", malformed("the blob does not start with %s", Prefix)
}

// segmentCountError describes a JWE of n != 5 segments; fewer than five is a truncated blob,
// and a last segment of impossible base64url length shows it was cut mid-segment.
func segmentCountError(jwe string, n int) error {
	if n > 5 {
		return malformed("the blob has %d JWE segments after the prefix, a complete JWE has 5 (%s)",
			n, strings.Join(segmentNames[:], ", "))
	}
	msg := fmt.Sprintf("truncated: the blob has %d JWE segments after the prefix, a complete JWE has 5 (%s)",
		n, strings.Join(segmentNames[:], ", "))
	last := jwe[strings.LastIndexByte(jwe, '.')+1:]
	if len(last)%4 == 1 {
		msg += fmt.Sprintf("; segment %d (%s) is not base64url either: length %d is impossible, so the blob was cut off inside it",
			n, segmentNames[n-1], len(last))
	}
	return fmt.Errorf("%w: %s", errMalformed, msg)
}

// b64url marks the characters of the base64url alphabet (RFC 4648 §5).
var b64url = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") {
		t[c] = true
	}
	return t
}()

// checkSegment verifies that segment i is non-empty, canonical, unpadded base64url without
// decoding it all, and returns its decoded length.
func checkSegment(i int, s string) (int, error) {
	name := fmt.Sprintf("segment %d (%s)", i+1, segmentNames[i])
	if s == "" {
		return 0, malformed("%s is empty", name)
	}
	for j := 0; j < len(s); j++ {
		c := s[j]
		if b64url[c] {
			continue
		}
		switch {
		case c == '=':
			return 0, malformed("%s has '=' padding at offset %d; JWE compact segments are unpadded base64url", name, j)
		case c == '+' || c == '/':
			return 0, malformed("%s has %q at offset %d: that is standard base64, JWE segments are base64url ('-' and '_')", name, c, j)
		case c < 0x80:
			return 0, malformed("%s is not base64url: it has %q at offset %d", name, c, j)
		default:
			return 0, malformed("%s is not base64url: it has a non-ASCII byte at offset %d", name, j)
		}
	}
	if len(s)%4 == 1 {
		msg := fmt.Sprintf("%s is not base64url: length %d is impossible (one character past a whole group of 4)", name, len(s))
		if i == 4 { // the end of the blob: most likely cut off there
			msg = "truncated: " + msg
		}
		return 0, fmt.Errorf("%w: %s", errMalformed, msg)
	}
	// Only the last, partial group can be non-canonical: its unused low bits must be zero.
	if tail := s[len(s)-len(s)%4:]; tail != "" {
		if _, err := base64.RawURLEncoding.Strict().DecodeString(tail); err != nil {
			return 0, malformed("%s is not canonical base64url: its last character has non-zero unused bits", name)
		}
	}
	return base64.RawURLEncoding.DecodedLen(len(s)), nil
}

// checkHeader decodes and checks the protected header and returns its kid. The header must be a
// JSON object of exactly the string members alg, enc and kid: that is what the vendor's blobs
// and Seal produce, and refusing anything else keeps zip (decompression) and crit away from
// go-jose. The JSON is read token by token so that member names match exactly (encoding/json
// would match "ALG" to alg) and duplicates are refused (each parser picks its own winner).
func checkHeader(seg string) (string, error) {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(seg)
	if err != nil { // checkSegment has vetted seg; kept so a mistake there cannot slip through
		return "", malformed("segment 1 (protected header) is not base64url")
	}
	const where = "segment 1 (protected header)"
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", malformed("%s is not a JSON object", where)
	}
	vals := map[string]string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", malformed("%s is not valid JSON", where)
		}
		name, _ := tok.(string) // inside an object, More and Token yield only string keys
		switch name {
		case "alg", "enc", "kid":
		default:
			return "", malformed("%s has member %s; a backup blob header has only alg, enc and kid", where, shown(name))
		}
		if _, dup := vals[name]; dup {
			return "", malformed("%s has member %s twice", where, name)
		}
		tok, err = dec.Token()
		if err != nil {
			return "", malformed("%s is not valid JSON", where)
		}
		v, ok := tok.(string)
		if !ok {
			return "", malformed("%s member %s is not a string", where, name)
		}
		vals[name] = v
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return "", malformed("%s is not valid JSON", where)
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", malformed("%s has data after its JSON object", where)
	}

	alg, ok := vals["alg"]
	if !ok {
		return "", malformed("protected header has no alg, want %s", keyAlg)
	}
	if alg != string(keyAlg) {
		return "", malformed("protected header alg is %s, want %s", shown(alg), keyAlg)
	}
	enc, ok := vals["enc"]
	if !ok {
		return "", malformed("protected header has no enc, want %s", encAlg)
	}
	if enc != string(encAlg) {
		return "", malformed("protected header enc is %s, want %s", shown(enc), encAlg)
	}
	kid := vals["kid"]
	if kid == "" {
		return "", malformed("protected header has no kid, so it names no key")
	}
	return kid, nil
}

// checkSizes checks the decoded sizes of segments 2-5 against RSA-2048 and A128CBC-HS256. A
// short last segment most likely means the blob was cut off, so its message says so.
func checkSizes(n [5]int) error {
	want := func(i, size int, why string) error {
		if n[i] == size {
			return nil
		}
		msg := fmt.Sprintf("segment %d (%s) is %d bytes, %s gives %d", i+1, segmentNames[i], n[i], why, size)
		if i == 4 && n[i] < size {
			msg = "truncated: " + msg
		}
		return fmt.Errorf("%w: %s", errMalformed, msg)
	}
	if err := want(1, encryptedKeySize, "RSA-OAEP-256 under an RSA-2048 key"); err != nil {
		return err
	}
	if err := want(2, ivSize, "A128CBC-HS256"); err != nil {
		return err
	}
	if n[3]%blockSize != 0 {
		return malformed("segment 4 (ciphertext) is %d bytes, A128CBC-HS256 gives a whole number of %d-byte blocks",
			n[3], blockSize)
	}
	return want(4, tagSize, "A128CBC-HS256")
}

// shown quotes a client-supplied header value for an error message, cut to maxShown bytes.
func shown(s string) string {
	if len(s) > maxShown {
		return fmt.Sprintf("%q… (%d bytes)", s[:maxShown], len(s))
	}
	return fmt.Sprintf("%q", s)
}
