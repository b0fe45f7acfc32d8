// Package blob seals and opens the mock's CSMS secret backup blobs.
//
// The vendor documents the answer of POST /v1/{project_id}/secrets/{secret_name}/backup,
// {"secret_blob": string}, only as "encrypted and encoded and cannot be directly read". Its
// documented example is the literal Prefix followed by a JWE in compact serialization whose
// protected header is {"kid":…,"enc":"A128CBC-HS256","alg":"RSA-OAEP-256"}, with a 256-byte
// encrypted key (RSA-2048) and a 16-byte IV. This package produces blobs of exactly that shape
// under the mock's own RSA-2048 Key, and opens them again for the restore API.
//
// Open checks the structure itself before go-jose sees the blob, so that every refusal says
// what is wrong with it and wraps one of the sentinel errors ErrTooLarge, ErrMalformed,
// ErrWrongKey or ErrTampered, which the server maps onto HTTP 400 answers. Error messages never
// carry plaintext or key material, so they can be returned to clients as they are.
package blob

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// Prefix starts every backup blob. It contains a '.', so Open strips it before splitting the
// JWE on dots.
const Prefix = ")CloudSecretManagementBackupV1.com"

// MaxLen is the longest blob, in characters (bytes: a valid blob is ASCII), that Open accepts
// and Seal produces.
const MaxLen = 5242880

// The algorithms of the vendor's documented blob, the only ones Seal uses and Open accepts.
const (
	keyAlg = jose.RSA_OAEP_256
	encAlg = jose.A128CBC_HS256
)

// Sizes, in bytes, of the decoded JWE segments that RSA-OAEP-256 under RSA-2048 and
// A128CBC-HS256 produce.
const (
	encryptedKeySize = 256 // one RSA-2048 block
	ivSize           = 16  // one AES block
	tagSize          = 16  // HMAC-SHA-256 truncated to half, per RFC 7518 §5.2.3
	blockSize        = 16  // AES-CBC with PKCS#7 padding: the ciphertext is whole blocks
)

// Sentinel errors that Open (and Seal, for ErrTooLarge) wrap with a message saying what is
// wrong; test them with errors.Is.
var (
	// ErrTooLarge: the blob is longer than MaxLen, or a plaintext would seal to such a blob.
	ErrTooLarge = errors.New("backup blob too large")
	// ErrMalformed: the blob is not a complete, well-formed backup blob (including truncated ones).
	ErrMalformed = errors.New("malformed backup blob")
	// ErrWrongKey: the blob is well formed but was sealed under another key ID.
	ErrWrongKey = errors.New("backup blob sealed under another key")
	// ErrTampered: the blob names this key but does not decrypt and authenticate under it.
	ErrTampered = errors.New("backup blob failed authentication")
)

// errNoKey answers Seal and Open on a Key not made by this package, rather than a panic.
var errNoKey = errors.New("backup blob: no key (use GenerateKey, NewKey, ParsePEM or LoadOrCreate)")

// segmentNames names the five JWE compact segments, in order, for error messages.
var segmentNames = [5]string{"protected header", "encrypted key", "IV", "ciphertext", "authentication tag"}

// maxShown bounds how much of a header value an error message repeats, because the value comes
// from the client and may be megabytes long.
const maxShown = 64

// malformed returns an error wrapping ErrMalformed with the formatted detail.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// Seal encrypts plaintext to k as Prefix followed by a compact JWE (alg RSA-OAEP-256, enc
// A128CBC-HS256, kid k.ID()), with a fresh content key and IV on every call.
//
// It builds the JWE itself from the standard library's primitives (RFC 7516 §5.1 with RFC 7518
// §4.3 and §5.2.3) rather than through go-jose, whose general-purpose path marshals the same
// protected header to JSON and copies the ciphertext several times on every call; Open still
// parses with go-jose, and the tests open every blob Seal makes.
func (k *Key) Seal(plaintext []byte) (string, error) {
	if k == nil || k.header == "" {
		return "", errNoKey
	}
	n := k.sealedLen(len(plaintext))
	if n > MaxLen {
		return "", fmt.Errorf("%w: a plaintext of %d bytes would seal to a blob of %d characters, the limit is %d",
			ErrTooLarge, len(plaintext), n, MaxLen)
	}
	// A fresh 256-bit content key (the first half authenticates, the second encrypts) and IV.
	var cekIV [32 + ivSize]byte
	if _, err := rand.Read(cekIV[:]); err != nil {
		return "", fmt.Errorf("backup blob: sealing: %w", err)
	}
	cek, iv := cekIV[:32], cekIV[32:]
	encryptedKey, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, &k.priv.PublicKey, cek, nil)
	if err != nil {
		return "", fmt.Errorf("backup blob: sealing: %w", err)
	}
	block, err := aes.NewCipher(cek[16:])
	if err != nil {
		return "", fmt.Errorf("backup blob: sealing: %w", err)
	}
	// PKCS#7: always 1 to 16 bytes of padding, each holding the padding's length.
	pad := blockSize - len(plaintext)%blockSize
	ciphertext := make([]byte, len(plaintext)+pad)
	copy(ciphertext, plaintext)
	for i := len(plaintext); i < len(ciphertext); i++ {
		ciphertext[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ciphertext, ciphertext)
	// The tag: HMAC-SHA-256 over AAD || IV || ciphertext || AL, cut to its first half, where the
	// AAD is the encoded protected header and AL its length in bits as a 64-bit big-endian.
	mac := hmac.New(sha256.New, cek[:16])
	mac.Write([]byte(k.header))
	mac.Write(iv)
	mac.Write(ciphertext)
	mac.Write(binary.BigEndian.AppendUint64(nil, uint64(len(k.header))*8))
	tag := mac.Sum(nil)[:tagSize]

	// Built in a strings.Builder of the exact size, so the blob is not copied once more to
	// become a string: for a large secret, each copy is another megabyte for the collector.
	var b strings.Builder
	b.Grow(n)
	b.WriteString(Prefix)
	b.WriteString(k.header)
	for _, seg := range [][]byte{encryptedKey, iv, ciphertext, tag} {
		b.WriteByte('.')
		writeBase64URL(&b, seg)
	}
	if b.Len() > MaxLen { // sealedLen is exact; this only guards against a mistake in it
		return "", fmt.Errorf("%w: the sealed blob is %d characters, the limit is %d", ErrTooLarge, b.Len(), MaxLen)
	}
	return b.String(), nil
}

// writeBase64URL writes data to b in unpadded base64url, through a small buffer: 768 bytes
// (a multiple of 3) encode to exactly 1,024 characters, so the chunks join into the encoding
// of the whole.
func writeBase64URL(b *strings.Builder, data []byte) {
	var chunk [1024]byte
	for len(data) > 0 {
		n := min(len(data), 768)
		m := base64.RawURLEncoding.EncodedLen(n)
		base64.RawURLEncoding.Encode(chunk[:m], data[:n])
		b.Write(chunk[:m])
		data = data[n:]
	}
}

// sealedLen is the length of the blob that Seal makes from n bytes of plaintext: a fixed
// overhead (measured once in NewKey) plus the base64url ciphertext, which PKCS#7 pads to the next
// whole block.
func (k *Key) sealedLen(n int) int {
	ct := (n/blockSize + 1) * blockSize
	return k.overhead + base64.RawURLEncoding.EncodedLen(ct)
}

// Open decrypts a blob that Seal made under k. It refuses anything else with an error wrapping
// ErrTooLarge, ErrMalformed, ErrWrongKey or ErrTampered, and never panics.
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
			"it was modified, or encrypted to another key under this key's kid", ErrTampered, k.id)
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
	if len(blob) > MaxLen {
		return "", fmt.Errorf("%w: the blob is %d characters, the limit is %d", ErrTooLarge, len(blob), MaxLen)
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
		return "", fmt.Errorf("%w: the blob was sealed under key %s, this mock's key is %s", ErrWrongKey, shown(kid), k.id)
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
	return fmt.Errorf("%w: %s", ErrMalformed, msg)
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
		return 0, fmt.Errorf("%w: %s", ErrMalformed, msg)
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
		return fmt.Errorf("%w: %s", ErrMalformed, msg)
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
