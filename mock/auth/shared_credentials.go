package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/csmskit/csmskit/mock/store"
)

// Credentials and users added while the mock runs (a fixtures body posted to the admin API) are
// kept in the store as well as in memory, so that every process on a shared store accepts them,
// not only the one that was told. Those given at start stay in memory: every process loads the
// same ones. The store holds a token only by its SHA-256, as it holds issued tokens; it must
// hold a secret key as it is, to verify signatures with it.
const (
	sharedTokenBucket = "iam/shared-tokens" // hex SHA-256 of the token → Principal
	sharedKeyBucket   = "iam/shared-keys"   // AK → sharedKey
	sharedUserBucket  = "iam/shared-users"  // hex SHA-256 of name, NUL, domain → User
)

type sharedKey struct {
	SK        string    `json:"sk"`
	Principal Principal `json:"principal"`
}

// ShareCredential accepts c from now on, here and in every process on the same store.
func (a *Authenticator) ShareCredential(c Credential) error {
	if err := a.AddCredential(c); err != nil {
		return err
	}
	return a.opts.Store.Update(func(tx store.Tx) error {
		if c.Token != "" {
			digest := sha256.Sum256([]byte(c.Token))
			if err := putJSON(tx, sharedTokenBucket, hex.EncodeToString(digest[:]), c.Principal); err != nil {
				return err
			}
		}
		if c.AK != "" {
			return putJSON(tx, sharedKeyBucket, c.AK, sharedKey{SK: c.SK, Principal: c.Principal})
		}
		return nil
	})
}

// ShareUser lets u obtain tokens, here and in every process on the same store.
func (a *Authenticator) ShareUser(u User) error {
	if err := a.AddUser(u); err != nil {
		return err
	}
	return a.opts.Store.Update(func(tx store.Tx) error {
		// A digest keeps the key printable: a database's text keys may not hold a NUL.
		key := sha256.Sum256([]byte(u.Name + "\x00" + u.Domain))
		return putJSON(tx, sharedUserBucket, hex.EncodeToString(key[:]), u)
	})
}

func putJSON(tx store.Tx, bucket, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Put(bucket, key, raw)
}

// getJSON reads one shared record; ok is false when there is none.
func (a *Authenticator) getJSON(bucket, key string, v any) (ok bool, err error) {
	err = a.opts.Store.View(func(tx store.Tx) error {
		raw, found, err := tx.Get(bucket, key)
		if err != nil || !found {
			return err
		}
		ok = true
		return json.Unmarshal(raw, v)
	})
	if err != nil {
		return false, fmt.Errorf("read shared credential: %w", err)
	}
	return ok, nil
}

// sharedToken looks a token up among those another process was given.
func (a *Authenticator) sharedToken(digest [sha256.Size]byte) (Principal, bool, error) {
	var p Principal
	ok, err := a.getJSON(sharedTokenBucket, hex.EncodeToString(digest[:]), &p)
	return p, ok, err
}

// sharedKey looks an access key up among those another process was given.
func (a *Authenticator) sharedKey(ak string) (sharedKey, bool, error) {
	var k sharedKey
	ok, err := a.getJSON(sharedKeyBucket, ak, &k)
	return k, ok, err
}

// sharedUsers lists the users another process was given.
func (a *Authenticator) sharedUsers() ([]User, error) {
	var users []User
	var decodeErr error
	err := a.opts.Store.View(func(tx store.Tx) error {
		return tx.Scan(sharedUserBucket, "", func(_ string, raw []byte) bool {
			var u User
			if decodeErr = json.Unmarshal(raw, &u); decodeErr != nil {
				return false
			}
			users = append(users, u)
			return true
		})
	})
	if err = errors.Join(err, decodeErr); err != nil {
		return nil, fmt.Errorf("read shared users: %w", err)
	}
	return users, nil
}
