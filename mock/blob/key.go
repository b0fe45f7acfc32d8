package blob

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/google/uuid"
)

// keyBits is the only RSA size the vendor's blobs show (a 256-byte encrypted key).
const keyBits = 2048

// kidNamespace separates this package's key IDs from any other SHA-256 name-based UUIDs.
var kidNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/csmskit/csmskit/mock/blob#backup-key"))

// Key is the mock's RSA-2048 backup key and its key ID (the JWE "kid"). It is safe for
// concurrent use.
type Key struct {
	priv *rsa.PrivateKey
	id   string
	pem  []byte
	// header is the base64url protected header every blob under this key carries (the JWE's
	// first segment and its additional authenticated data): it depends on the key alone.
	header string
	// overhead is the length of a sealed blob minus its base64url ciphertext, for sealedLen.
	overhead int
}

// GenerateKey makes a new RSA-2048 backup key.
func GenerateKey() (*Key, error) {
	priv, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return nil, fmt.Errorf("backup key: generating RSA-%d: %w", keyBits, err)
	}
	return NewKey(priv)
}

// NewKey wraps an RSA-2048 private key, refusing any other size; its kid is derived from the
// public key, so the same key always has the same kid. The caller must not modify priv
// afterwards.
func NewKey(priv *rsa.PrivateKey) (*Key, error) {
	if priv == nil || priv.N == nil {
		return nil, errors.New("backup key: no RSA key")
	}
	if bits := priv.N.BitLen(); bits != keyBits {
		return nil, fmt.Errorf("backup key: must be RSA-%d, got RSA-%d", keyBits, bits)
	}
	if err := priv.Validate(); err != nil {
		return nil, fmt.Errorf("backup key: invalid RSA key: %w", err)
	}
	// Keys built by hand may lack the CRT values; without them every Open is several times
	// slower. Keys from GenerateKey or x509 already have them, and then this does nothing.
	priv.Precompute()

	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("backup key: encoding the public key: %w", err)
	}
	// A UUID, like the vendor's kids, but version 8 (RFC 9562's custom, here SHA-256 name-based)
	// rather than random, so that restarting the mock with the same key file keeps the kid and
	// the blobs it sealed stay openable.
	id := uuid.NewHash(sha256.New(), kidNamespace, der, 8).String()

	pkcs8, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("backup key: encoding the private key: %w", err)
	}
	// The members in go-jose's order (it marshals a map): alg, enc, kid.
	hdr, err := json.Marshal(struct {
		Alg string `json:"alg"`
		Enc string `json:"enc"`
		Kid string `json:"kid"`
	}{string(keyAlg), string(encAlg), id})
	if err != nil {
		return nil, fmt.Errorf("backup key: %w", err)
	}
	k := &Key{
		priv:   priv,
		id:     id,
		pem:    pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}),
		header: base64.RawURLEncoding.EncodeToString(hdr),
	}

	// Measure the fixed part of a blob once, by sealing nothing, so that Seal can refuse an
	// oversized plaintext before spending any work on it. This also proves the key seals and
	// opens before the server relies on it.
	empty, err := k.Seal(nil) // overhead 0 passes Seal's size check
	if err != nil {
		return nil, fmt.Errorf("backup key: test seal: %w", err)
	}
	if _, err := k.Open(empty); err != nil {
		return nil, fmt.Errorf("backup key: test open: %w", err)
	}
	k.overhead = len(empty) - k.sealedLen(0)
	return k, nil
}

// ID returns the key ID that Seal writes as the JWE kid.
func (k *Key) ID() string { return k.id }

// marshalPEM returns the private key as a PKCS#8 PEM block ("PRIVATE KEY").
func (k *Key) marshalPEM() []byte {
	return append([]byte(nil), k.pem...) // a copy: the caller may scrub or change it
}

// ParsePEM reads a key as the mock writes one (PKCS#8 "PRIVATE KEY"); PKCS#1 "RSA PRIVATE KEY"
// is accepted too, since that is what openssl genrsa -traditional and older tools write.
func ParsePEM(data []byte) (*Key, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("backup key: no PEM block found")
	}
	var priv *rsa.PrivateKey
	switch block.Type {
	case "PRIVATE KEY":
		key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("backup key: parsing PKCS#8: %w", err)
		}
		rsaKey, ok := key.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("backup key: PKCS#8 holds a %T, want an RSA key", key)
		}
		priv = rsaKey
	case "RSA PRIVATE KEY":
		rsaKey, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("backup key: parsing PKCS#1: %w", err)
		}
		priv = rsaKey
	default:
		return nil, fmt.Errorf("backup key: PEM block is %q, want \"PRIVATE KEY\"", block.Type)
	}
	return NewKey(priv)
}

// LoadOrCreate reads the key in the PEM file at path, or makes a new key and writes it there
// with mode 0600. It refuses an existing file that group or others can access.
func LoadOrCreate(path string) (*Key, error) {
	k, err := load(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	k, err = GenerateKey()
	if err != nil {
		return nil, err
	}
	created, err := create(path, k.pem)
	if err != nil {
		return nil, err
	}
	if !created {
		// Another process created the file first; use its key, so both seal under the same one.
		return load(path)
	}
	return k, nil
}

// load reads the key file at path, refusing one that group or others can access.
func load(path string) (*Key, error) {
	// Open, then check the mode of what was opened (not of the path), so the file cannot be
	// swapped between the check and the read.
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("backup key: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("backup key: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("backup key: %s is not a regular file", path)
	}
	// Write access matters as much as read: whoever can replace the key can read later backups.
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("backup key: %s has mode %#o, which lets group or others at the private key; chmod 600 it",
			path, perm)
	}
	// Read from f, not path, for the same reason; a PKCS#8 RSA-2048 PEM is under 2 KiB, so the
	// limit only stops a wrong path from filling memory.
	data, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("backup key: %w", err)
	}
	k, err := ParsePEM(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// create writes data to path atomically with mode 0600, through a temporary file in the same
// directory, and reports whether it did; false means path appeared meanwhile and was left alone.
func create(path string, data []byte) (created bool, err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, fmt.Errorf("backup key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*") // CreateTemp makes it 0600
	if err != nil {
		return false, fmt.Errorf("backup key: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once the file has been renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return false, fmt.Errorf("backup key: writing %s: %w", tmp.Name(), err)
	}
	// Sync before publishing, so a crash cannot leave an empty or partial key under path.
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return false, fmt.Errorf("backup key: writing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return false, fmt.Errorf("backup key: writing %s: %w", tmp.Name(), err)
	}
	// A hard link publishes the file atomically like rename, but fails rather than replacing a
	// key that another process wrote meanwhile (whose blobs would then never open again).
	// Rename is the fallback for file systems without hard links.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return false, fmt.Errorf("backup key: %w", err)
		}
	}
	// Make the new directory entry durable too; not every platform can sync a directory.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return true, nil
}
