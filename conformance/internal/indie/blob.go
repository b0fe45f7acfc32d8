package indie

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// magic follows the length byte: ")" is 41, and this magic is 41 characters long, as the
// format this one mirrors (Azure Key Vault's secret backups) has them agree.
const (
	magic  = "CloudSecretManagementBackupV1.com.example"
	prefix = ")" + magic
)

// snapshot is what a backup holds: the secret's name, metadata, every version and its tags.
type snapshot struct {
	Name        string                     `json:"name"`
	Description *string                    `json:"description,omitempty"`
	SecretType  string                     `json:"secret_type"`
	KMSKeyID    string                     `json:"kms_key_id"`
	Extra       map[string]json.RawMessage `json:"extra,omitempty"`
	Versions    []version                  `json:"versions"`
	Next        int                        `json:"next_version"`
	Tags        []tag                      `json:"tags,omitempty"`
}

// seal encrypts a snapshot to the server's key: RSA-OAEP-256 wraps a fresh A128CBC-HS256
// content key, so every backup differs.
func (s *Server) seal(snap snapshot) (string, error) {
	plain, err := json.Marshal(snap)
	if err != nil {
		return "", err
	}
	opts := &jose.EncrypterOptions{}
	if len(snap.Versions) > 0 {
		switch s.defect {
		case DefectValueInHeader:
			opts = opts.WithHeader("x-hint", snap.Versions[len(snap.Versions)-1].Value)
		case DefectBase64Value:
			opts = opts.WithHeader("x-hint", base64.StdEncoding.EncodeToString([]byte(snap.Versions[len(snap.Versions)-1].Value)))
		}
	}
	kid := s.kid
	if s.defect == DefectNoKid {
		kid = ""
	}
	enc, err := jose.NewEncrypter(jose.A128CBC_HS256, jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: &s.key.PublicKey, KeyID: kid}, opts)
	if err != nil {
		return "", err
	}
	obj, err := enc.Encrypt(plain)
	if err != nil {
		return "", err
	}
	compact, err := obj.CompactSerialize()
	if err != nil {
		return "", err
	}
	segs := strings.Split(compact, ".")
	switch s.defect {
	case DefectTruncatedJWE:
		segs = segs[:4]
	case DefectPaddedJWE:
		for i, seg := range segs {
			b, _ := base64.RawURLEncoding.DecodeString(seg)
			segs[i] = base64.URLEncoding.EncodeToString(b)
		}
	case DefectHugeBlob:
		// A ciphertext padded past the documented maximum, still well-formed base64url.
		segs[3] += strings.Repeat("A", 5242880)
	case DefectWrongIV:
		iv := make([]byte, 12)
		_, _ = rand.Read(iv)
		segs[2] = base64.RawURLEncoding.EncodeToString(iv)
	}
	p := prefix
	if s.defect == DefectNoPrefix {
		p = ""
	}
	return p + strings.Join(segs, "."), nil
}

// open decrypts a backup this server sealed, refusing anything else.
func (s *Server) open(blob string) (snapshot, error) {
	if formatDefect(s.defect) {
		if snap, ok := s.issued[blob]; ok {
			return snap, nil
		}
	}
	compact, ok := strings.CutPrefix(blob, prefix)
	if !ok {
		return snapshot{}, errors.New("no backup prefix")
	}
	obj, err := jose.ParseEncryptedCompact(compact, []jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A128CBC_HS256})
	if err != nil {
		return snapshot{}, err
	}
	plain, err := obj.Decrypt(s.key)
	if err != nil {
		if s.defect == DefectRestoreTampered {
			// The broken server knows the encrypted key it issued and ignores the tag.
			if segs := strings.Split(compact, "."); len(segs) > 1 {
				if snap, ok := s.issued[segs[1]]; ok {
					return snap, nil
				}
			}
		}
		return snapshot{}, err
	}
	var snap snapshot
	if err := json.Unmarshal(plain, &snap); err != nil {
		return snapshot{}, err
	}
	return snap, nil
}

// splitDots splits a blob's JWE into its segments; the prefix has dots of its own.
func splitDots(blob string) []string {
	return strings.Split(strings.TrimPrefix(blob, prefix), ".")
}
