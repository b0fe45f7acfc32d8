package main

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"

	"github.com/csmskit/csmskit/openapi/apierror"
)

// The stages the service manages itself.
const (
	stageCurrent  = "SYSCURRENT"
	stagePrevious = "SYSPREVIOUS"
)

// blobPrefix opens every backup, as the vendor's backup page shows; the JWE follows it.
const blobPrefix = ")CloudSecretManagementBackupV1.com"

// The backup's JWE: RSA-OAEP-256 wraps a fresh A128CBC-HS256 content key for every backup,
// so two backups of the same secret never look alike.
const (
	keyAlgorithm = jose.RSA_OAEP_256
	encryption   = jose.A128CBC_HS256
)

// secret is one secret with every version; a backup holds exactly this, as JSON.
type secret struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Type     string    `json:"secret_type"`
	Created  int64     `json:"create_time"`
	Updated  int64     `json:"update_time"`
	Versions []version `json:"versions"`
}

// value is a version's value: exactly one of the two is set (the contract checks it).
type value struct {
	String *string `json:"secret_string,omitempty"`
	Binary *string `json:"secret_binary,omitempty"`
}

// version is one version of a secret.
type version struct {
	ID string `json:"id"`
	value
	Stages  []string `json:"version_stages"`
	Created int64    `json:"create_time"`
}

// clone returns v with stages of its own: the stored ones change when a stage moves.
func (v version) clone() version {
	v.Stages = slices.Clone(v.Stages)
	return v
}

// store keeps the secrets of the server's project in memory, and the RSA key their backups
// are sealed to. A real implementation keeps both somewhere durable: a database, and a key in
// a KMS or HSM so that backups outlive the process.
type store struct {
	key *rsa.PrivateKey
	kid string

	mu      sync.Mutex
	secrets map[string]*secret
}

func newStore() (*store, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return &store{key: key, kid: uuid.NewString(), secrets: map[string]*secret{}}, nil
}

func nowMillis() int64 { return time.Now().UnixMilli() }

func errNoSecret() error { return apierror.New(apierror.SecretNotFound, "") }

// create makes a secret whose first version, v1, is SYSCURRENT.
func (st *store) create(name, secretType string, v value) (secret, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.secrets[name] != nil {
		return secret{}, apierror.New(apierror.InvalidRequest, "a secret of that name exists")
	}
	now := nowMillis()
	sec := &secret{ID: uuid.NewString(), Name: name, Type: secretType, Created: now, Updated: now,
		Versions: []version{{ID: "v1", value: v, Stages: []string{stageCurrent}, Created: now}}}
	st.secrets[name] = sec
	return *sec, nil
}

// addVersion adds a version. Without stages it becomes SYSCURRENT; with stages it gets exactly
// those, each moved from the version that held it. When SYSCURRENT moves, the version that
// held it becomes SYSPREVIOUS.
func (st *store) addVersion(name string, v value, stages []string) (version, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	sec := st.secrets[name]
	if sec == nil {
		return version{}, errNoSecret()
	}
	if len(stages) == 0 {
		stages = []string{stageCurrent}
	}
	if slices.Contains(stages, stageCurrent) {
		for i := range sec.Versions {
			if slices.Contains(sec.Versions[i].Stages, stageCurrent) {
				sec.moveStage(stagePrevious, i)
			}
		}
	}
	now := nowMillis()
	nv := version{ID: "v" + strconv.Itoa(len(sec.Versions)+1), value: v, Created: now}
	sec.Versions = append(sec.Versions, nv)
	for _, stage := range slices.Compact(slices.Sorted(slices.Values(stages))) {
		sec.moveStage(stage, len(sec.Versions)-1)
	}
	sec.Updated = now
	return sec.Versions[len(sec.Versions)-1].clone(), nil
}

// moveStage puts stage on the i-th version only.
func (sec *secret) moveStage(stage string, i int) {
	for j := range sec.Versions {
		sec.Versions[j].Stages = slices.DeleteFunc(sec.Versions[j].Stages, func(s string) bool { return s == stage })
	}
	sec.Versions[i].Stages = append(sec.Versions[i].Stages, stage)
}

// version returns a version by ID, or the SYSCURRENT one for "latest".
func (st *store) version(name, id string) (version, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	sec := st.secrets[name]
	if sec == nil {
		return version{}, errNoSecret()
	}
	for _, v := range sec.Versions {
		if v.ID == id || id == "latest" && slices.Contains(v.Stages, stageCurrent) {
			return v.clone(), nil
		}
	}
	return version{}, apierror.New(apierror.ResourceNotFound, "no version "+id)
}

// delete deletes a secret with all its versions.
func (st *store) delete(name string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.secrets[name] == nil {
		return errNoSecret()
	}
	delete(st.secrets, name)
	return nil
}

// backup seals the secret, every version, into a blob: the prefix, then a compact JWE.
func (st *store) backup(name string) (string, error) {
	st.mu.Lock()
	sec := st.secrets[name]
	var plain []byte
	var err error
	if sec != nil {
		plain, err = json.Marshal(sec)
	}
	st.mu.Unlock()
	switch {
	case sec == nil:
		return "", errNoSecret()
	case err != nil:
		return "", err
	}
	enc, err := jose.NewEncrypter(encryption,
		jose.Recipient{Algorithm: keyAlgorithm, Key: &st.key.PublicKey, KeyID: st.kid}, nil)
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
	return blobPrefix + compact, nil
}

// restore opens a blob this server sealed and puts its secret back, unless the name is taken.
// A blob that is not one, was sealed to another key or was changed in any way is refused:
// the JWE's authentication tag covers the ciphertext and the protected header.
func (st *store) restore(blob string) (secret, error) {
	sec, err := st.open(blob)
	if err != nil {
		return secret{}, apierror.New(apierror.InvalidParameter, "secret_blob is not a backup of this service: "+err.Error())
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.secrets[sec.Name] != nil {
		return secret{}, apierror.New(apierror.InvalidRequest, "a secret of that name exists; delete it first")
	}
	st.secrets[sec.Name] = &sec
	return sec, nil
}

func (st *store) open(blob string) (secret, error) {
	compact, ok := strings.CutPrefix(blob, blobPrefix)
	if !ok {
		return secret{}, fmt.Errorf("it does not start with %s", blobPrefix)
	}
	obj, err := jose.ParseEncryptedCompact(compact, []jose.KeyAlgorithm{keyAlgorithm}, []jose.ContentEncryption{encryption})
	if err != nil {
		return secret{}, errors.New("malformed JWE")
	}
	plain, err := obj.Decrypt(st.key)
	if err != nil {
		return secret{}, errors.New("it does not decrypt")
	}
	var sec secret
	if err := json.Unmarshal(plain, &sec); err != nil || sec.Name == "" {
		return secret{}, errors.New("it holds no secret")
	}
	return sec, nil
}
