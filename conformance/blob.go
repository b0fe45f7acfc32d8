package conformance

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The secret_blob format, as the vendor's backup page shows it: a prefix, then a JWE in compact
// serialization. This reader is the suite's own, written from those documents;
// it shares no code with any implementation it checks.
const (
	// blobPrefix is the documented start of every secret_blob.
	blobPrefix = ")CloudSecretManagementBackupV1.com"
	// blobMagic is the prefix without its first byte, which in the design the format mirrors
	// (Azure Key Vault's backups) is the length of the magic that follows it.
	blobMagic = "CloudSecretManagementBackupV1.com"
	// maxBlobChars is the documented bound on secret_blob.
	maxBlobChars = 5242880
)

// blobLayout is how a secret_blob splits into its prefix and its JWE.
type blobLayout struct {
	// hasPrefix says whether the blob starts with blobPrefix.
	hasPrefix bool
	// magic is the text between the first byte and the JWE: blobMagic, or more when the
	// first byte announces a longer magic that starts with blobMagic.
	magic string
	// jwe is the compact serialization after the magic, or, without the prefix, from the
	// first character that can start a JWE header.
	jwe string
}

// splitBlob finds the prefix, the magic and the JWE of a secret_blob. The JWE starts right
// after blobPrefix, as in the documented example, unless the first byte announces a longer
// magic that starts with blobMagic and a JWE header follows it: the layout of the design the
// format mirrors, where the documented example would have had its domain redacted.
func splitBlob(blob string) blobLayout {
	if !strings.HasPrefix(blob, blobPrefix) {
		// Without the prefix there is no rule for where the JWE starts; a JSON header always
		// encodes to "eyJ", so take the JWE from there and let the other checks judge it.
		if i := strings.Index(blob, "eyJ"); i >= 0 {
			return blobLayout{jwe: blob[i:]}
		}
		return blobLayout{jwe: blob}
	}
	if n := int(blob[0]); n > len(blobMagic) && 1+n < len(blob) && startsWithJWEHeader(blob[1+n:]) {
		return blobLayout{hasPrefix: true, magic: blob[1 : 1+n], jwe: blob[1+n:]}
	}
	return blobLayout{hasPrefix: true, magic: blobMagic, jwe: blob[len(blobPrefix):]}
}

// startsWithJWEHeader reports whether s starts with a segment that decodes to a JSON object.
// Padding is tolerated here: whether it belongs is the structure check's to say.
func startsWithJWEHeader(s string) bool {
	seg, _, _ := strings.Cut(s, ".")
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	var obj map[string]any
	return err == nil && json.Unmarshal(b, &obj) == nil
}

// checkPrefix reports a blob that does not start with the documented prefix.
func checkPrefix(blob string) error {
	if strings.HasPrefix(blob, blobPrefix) {
		return nil
	}
	common := 0
	for common < len(blob) && common < len(blobPrefix) && blob[common] == blobPrefix[common] {
		common++
	}
	if len(blob) < len(blobPrefix) && common == len(blob) {
		return fmt.Errorf("secret_blob is %d characters, shorter than the documented prefix %q", len(blob), blobPrefix)
	}
	// Quote nothing of the blob past the common part: it may be a secret in clear.
	return fmt.Errorf("secret_blob does not start with the documented prefix %q: it differs at character %d", blobPrefix, common+1)
}

// checkLengthByte reports a first byte that is not the length of the magic after it. The
// documented example itself fails this (41 against 33), hence a should-level check.
func checkLengthByte(blob string) error {
	l := splitBlob(blob)
	if !l.hasPrefix {
		return errors.New("secret_blob has no documented prefix, so no length byte to compare")
	}
	// The message quotes nothing of the blob: whatever follows the prefix may be a secret.
	if n := int(blob[0]); n != len(l.magic) {
		return fmt.Errorf("the first byte ')' announces a %d-character magic, but the documented magic after it has %d; "+
			"in the design this format mirrors (Azure Key Vault's backups) the two agree", n, len(l.magic))
	}
	return nil
}

// jwe is a JWE in compact serialization (RFC 7516 §7.1), split and decoded.
type jwe struct {
	// segments are the five parts as sent: protected header, encrypted key, IV, ciphertext and
	// authentication tag.
	segments []string
	// decoded are the segments base64url-decoded, padding tolerated so that the other checks
	// can still look inside; nil where a segment does not decode.
	decoded [][]byte
}

// The parts of a compact JWE, in order.
var jweParts = [...]string{"protected header", "encrypted key", "initialization vector", "ciphertext", "authentication tag"}

// parseJWE splits and decodes a compact JWE. It returns what it could read with every
// structural problem it found (count, alphabet, padding, impossible lengths), joined.
func parseJWE(s string) (*jwe, error) {
	j := &jwe{segments: strings.Split(s, ".")}
	var errs []error
	if n := len(j.segments); n != len(jweParts) {
		errs = append(errs, fmt.Errorf("the JWE has %d dot-separated segments, a compact serialization has %d "+
			"(header, encrypted key, IV, ciphertext, tag): the blob is truncated or not a JWE", n, len(jweParts)))
	}
	j.decoded = make([][]byte, len(j.segments))
	for i, seg := range j.segments {
		name := segmentName(i)
		b, err := decodeSegment(seg)
		if err != nil {
			errs = append(errs, fmt.Errorf("segment %d (%s): %w", i+1, name, err))
		}
		j.decoded[i] = b // padded segments still decode, for the other checks to examine
	}
	if len(j.segments) > 0 && j.segments[0] == "" {
		errs = append(errs, errors.New("segment 1 (protected header) is empty"))
	}
	return j, errors.Join(errs...)
}

// segmentName names segment i of a JWE, or says it is one too many.
func segmentName(i int) string {
	if i < len(jweParts) {
		return jweParts[i]
	}
	return "extra segment"
}

// decodeSegment decodes one base64url segment without padding (RFC 7515 §2). Padding is a
// problem but is stripped so the bytes can still be examined.
func decodeSegment(seg string) ([]byte, error) {
	trimmed := strings.TrimRight(seg, "=")
	padded := len(trimmed) != len(seg)
	for i := 0; i < len(trimmed); i++ {
		if !isBase64URL(trimmed[i]) {
			return nil, fmt.Errorf("character %d is %q, outside the base64url alphabet", i+1, trimmed[i])
		}
	}
	if len(trimmed)%4 == 1 {
		return nil, fmt.Errorf("its length %d is one more than a multiple of 4, which no base64url encoding has", len(trimmed))
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(trimmed)
	if err != nil {
		return nil, fmt.Errorf("not canonical base64url: %w", err)
	}
	if padded {
		return b, errors.New("ends with '=' padding; JWE segments are base64url without padding (RFC 7515 §2)")
	}
	return b, nil
}

func isBase64URL(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// joseHeader is the protected header's members the suite checks.
type joseHeader struct {
	Alg, Enc, Kid string
}

// header decodes the protected header and requires alg, enc and kid as non-empty strings.
func (j *jwe) header() (joseHeader, error) {
	var h joseHeader
	if len(j.decoded) == 0 || j.decoded[0] == nil {
		return h, errors.New("the protected header (segment 1) does not decode")
	}
	var members map[string]any
	if err := json.Unmarshal(j.decoded[0], &members); err != nil {
		return h, fmt.Errorf("the protected header is not a JSON object: %w", err)
	}
	var errs []error
	for _, m := range []struct {
		name string
		dst  *string
	}{{"alg", &h.Alg}, {"enc", &h.Enc}, {"kid", &h.Kid}} {
		v, ok := members[m.name]
		s, isString := v.(string)
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("the protected header has no %q", m.name))
		case !isString || s == "":
			errs = append(errs, fmt.Errorf("the protected header's %q is not a non-empty string", m.name))
		default:
			*m.dst = s
		}
	}
	return h, errors.Join(errs...)
}

// contentEncryption is what an "enc" value fixes about a JWE's segments (RFC 7518 §5).
type contentEncryption struct {
	keyBytes, ivBytes, tagBytes int
	// blockBytes, when non-zero, is the cipher's block size: CBC ciphertext is a whole
	// number of blocks.
	blockBytes int
}

var contentEncryptions = map[string]contentEncryption{
	"A128CBC-HS256": {keyBytes: 32, ivBytes: 16, tagBytes: 16, blockBytes: 16},
	"A192CBC-HS384": {keyBytes: 48, ivBytes: 16, tagBytes: 24, blockBytes: 16},
	"A256CBC-HS512": {keyBytes: 64, ivBytes: 16, tagBytes: 32, blockBytes: 16},
	"A128GCM":       {keyBytes: 16, ivBytes: 12, tagBytes: 16},
	"A192GCM":       {keyBytes: 24, ivBytes: 12, tagBytes: 16},
	"A256GCM":       {keyBytes: 32, ivBytes: 12, tagBytes: 16},
}

// keyManagement says how long an "alg" makes the encrypted key (RFC 7518 §4), given the
// content-encryption key's length.
type keyManagement func(cekBytes int) (allowed []int, what string)

var keyManagements = map[string]keyManagement{
	"RSA1_5":       rsaModulus,
	"RSA-OAEP":     rsaModulus,
	"RSA-OAEP-256": rsaModulus,
	"RSA-OAEP-384": rsaModulus,
	"RSA-OAEP-512": rsaModulus,
	"A128KW":       keyWrap, "A192KW": keyWrap, "A256KW": keyWrap,
	"ECDH-ES+A128KW": keyWrap, "ECDH-ES+A192KW": keyWrap, "ECDH-ES+A256KW": keyWrap,
	"PBES2-HS256+A128KW": keyWrap, "PBES2-HS384+A192KW": keyWrap, "PBES2-HS512+A256KW": keyWrap,
	"A128GCMKW": gcmKeyWrap, "A192GCMKW": gcmKeyWrap, "A256GCMKW": gcmKeyWrap,
	"dir":     noEncryptedKey,
	"ECDH-ES": noEncryptedKey,
}

func rsaModulus(int) ([]int, string) {
	return []int{256, 384, 512}, "the RSA modulus size (2048, 3072 or 4096 bits)"
}
func keyWrap(cek int) ([]int, string) {
	return []int{cek + 8}, "the content key plus 8 bytes of AES key wrap (RFC 3394)"
}
func gcmKeyWrap(cek int) ([]int, string) { return []int{cek}, "the content key's length" }
func noEncryptedKey(int) ([]int, string) { return []int{0}, "empty: the key is agreed, not sent" }

// checkSizes checks that each segment has the length the header's alg and enc require.
func (j *jwe) checkSizes(h joseHeader) error {
	ce, ok := contentEncryptions[h.Enc]
	if !ok {
		return fmt.Errorf("enc %q is not a JWE content encryption algorithm (RFC 7518 §5.1)", h.Enc)
	}
	km, ok := keyManagements[h.Alg]
	if !ok {
		return fmt.Errorf("alg %q is not a JWE key management algorithm (RFC 7518 §4.1)", h.Alg)
	}
	ek, iv, ct, tag := j.decoded[1], j.decoded[2], j.decoded[3], j.decoded[4]
	var errs []error
	if allowed, what := km(ce.keyBytes); !contains(allowed, len(ek)) {
		errs = append(errs, fmt.Errorf("the encrypted key is %d bytes; %s takes %s: %v bytes", len(ek), h.Alg, what, allowed))
	}
	if len(iv) != ce.ivBytes {
		errs = append(errs, fmt.Errorf("the IV is %d bytes; %s takes %d", len(iv), h.Enc, ce.ivBytes))
	}
	if len(tag) != ce.tagBytes {
		errs = append(errs, fmt.Errorf("the authentication tag is %d bytes; %s makes %d", len(tag), h.Enc, ce.tagBytes))
	}
	switch {
	case len(ct) == 0:
		errs = append(errs, errors.New("the ciphertext is empty, yet a backup holds at least one version"))
	case ce.blockBytes > 0 && len(ct)%ce.blockBytes != 0:
		errs = append(errs, fmt.Errorf("the ciphertext is %d bytes, not a whole number of %d-byte %s blocks", len(ct), ce.blockBytes, h.Enc))
	}
	return errors.Join(errs...)
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
