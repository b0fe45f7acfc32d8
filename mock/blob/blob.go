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
// what is wrong with it (too large, malformed, another key's, tampered with); the secret
// service answers each as an invalid backup. Error messages never carry plaintext or key
// material, so they can be returned to clients as they are.
package blob

import (
	"errors"
	"fmt"

	"github.com/csmskit/csmskit/internal/limits"
	jose "github.com/go-jose/go-jose/v4"
)

// Prefix starts every backup blob. It contains a '.', so Open strips it before splitting the
// JWE on dots.
const Prefix = ")CloudSecretManagementBackupV1.com"

// maxLen is the longest blob, in characters (bytes: a valid blob is ASCII), that Open accepts
// and Seal produces.
const maxLen = limits.MaxBlobChars

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

// The kinds of refusal Open (and Seal, for errTooLarge) wrap with a message saying what is
// wrong.
var (
	// errTooLarge: the blob is longer than maxLen, or a plaintext would seal to such a blob.
	errTooLarge = errors.New("backup blob too large")
	// errMalformed: the blob is not a complete, well-formed backup blob (including truncated ones).
	errMalformed = errors.New("malformed backup blob")
	// errWrongKey: the blob is well formed but was sealed under another key ID.
	errWrongKey = errors.New("backup blob sealed under another key")
	// errTampered: the blob names this key but does not decrypt and authenticate under it.
	errTampered = errors.New("backup blob failed authentication")
)

// errNoKey answers Seal and Open on a Key not made by this package, rather than a panic.
var errNoKey = errors.New("backup blob: no key (use GenerateKey, NewKey, ParsePEM or LoadOrCreate)")

// segmentNames names the five JWE compact segments, in order, for error messages.
var segmentNames = [5]string{"protected header", "encrypted key", "IV", "ciphertext", "authentication tag"}

// maxShown bounds how much of a header value an error message repeats, because the value comes
// from the client and may be megabytes long.
const maxShown = 64

// malformed returns an error wrapping errMalformed with the formatted detail.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errMalformed, fmt.Sprintf(format, args...))
}
