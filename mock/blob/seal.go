package blob

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
)

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
	if n > maxLen {
		return "", fmt.Errorf("%w: a plaintext of %d bytes would seal to a blob of %d characters, the limit is %d",
			errTooLarge, len(plaintext), n, maxLen)
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
	if b.Len() > maxLen { // sealedLen is exact; this only guards against a mistake in it
		return "", fmt.Errorf("%w: the sealed blob is %d characters, the limit is %d", errTooLarge, b.Len(), maxLen)
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
