package auth

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/csmskit/csmskit/mock/store"
)

// passwordBucket holds the passwords users changed through the secrets API (UpdateUserPassword),
// by user ID: a salted SHA-256 of the new password, never the password. A changed password
// outlives a restart with --data and is the one every replica on a shared store checks.
const passwordBucket = "iam/passwords"

// changedPassword is a password a user set; it replaces the one the user was configured with.
type changedPassword struct {
	Salt      string    `json:"salt"`
	Digest    string    `json:"digest"`
	ChangedAt time.Time `json:"changed_at"`
}

func (c changedPassword) matches(password string) bool {
	salt, _ := hex.DecodeString(c.Salt)
	want, _ := hex.DecodeString(c.Digest)
	got := saltedDigest(salt, password)
	return subtle.ConstantTimeCompare(got[:], want) == 1
}

func saltedDigest(salt []byte, password string) [sha256.Size]byte {
	return sha256.Sum256(append(slices.Clone(salt), password...))
}

// UserID is the ID of the user name in account domain: a digest of both, so that every process
// gives a configured user the same ID without storing one. It has the 32 hex digits of IAM's
// user IDs.
func UserID(name, domain string) string {
	sum := sha256.Sum256([]byte("user\x00" + domain + "\x00" + name))
	return hex.EncodeToString(sum[:16])
}

// UserInfo is what the account's user listing shows of a user: never its password.
type UserInfo struct {
	ID, Name, Domain string
	// PasswordChangedAt is when the user last changed its password; zero when it never did.
	PasswordChangedAt time.Time
}

// Users lists the users that may obtain tokens, here and in every process on the same store,
// once each, by name (then domain).
func (a *Authenticator) Users() ([]UserInfo, error) {
	users, changed, err := a.allUsers()
	if err != nil {
		return nil, err
	}
	var out []UserInfo
	for _, u := range users {
		id := UserID(u.Name, u.Domain)
		if slices.ContainsFunc(out, func(i UserInfo) bool { return i.ID == id }) {
			continue
		}
		out = append(out, UserInfo{ID: id, Name: u.Name, Domain: u.Domain, PasswordChangedAt: changed[id].ChangedAt})
	}
	slices.SortFunc(out, func(x, y UserInfo) int {
		return cmp.Or(strings.Compare(x.Name, y.Name), strings.Compare(x.Domain, y.Domain))
	})
	return out, nil
}

// UserByID returns the user id names; a user it does not know is refused as UnknownUser.
func (a *Authenticator) UserByID(id string) (UserInfo, error) {
	users, err := a.Users()
	if err != nil {
		return UserInfo{}, err
	}
	i := slices.IndexFunc(users, func(u UserInfo) bool { return u.ID == id })
	if i < 0 {
		return UserInfo{}, &Error{Kind: UnknownUser, Detail: "no user has the id " + id}
	}
	return users[i], nil
}

// ChangePassword sets the password of the user p speaks for to password, given its current
// one in old: from then on the new password obtains tokens and the old one does not. A
// credential that speaks for no user (a token or AK/SK from fixtures) is refused as
// Forbidden, a wrong old password or an empty new one as BadPassword. Tokens issued before
// stay valid, as IAM's do. The check and the change are one transaction, so of two changes
// from the same old password one succeeds.
func (a *Authenticator) ChangePassword(p Principal, old, password string) (UserInfo, error) {
	if p.UserID == "" {
		return UserInfo{}, forbidden("the credential speaks for no IAM user whose password could change")
	}
	if password == "" {
		return UserInfo{}, &Error{Kind: BadPassword, Detail: "the new password is empty"}
	}
	users, _, err := a.allUsers()
	if err != nil {
		return UserInfo{}, err
	}
	i := slices.IndexFunc(users, func(u User) bool { return UserID(u.Name, u.Domain) == p.UserID })
	if i < 0 {
		return UserInfo{}, forbidden("the credential's user is no longer known")
	}
	u := users[i]
	var salt [16]byte
	_, _ = rand.Read(salt[:])
	digest := saltedDigest(salt[:], password)
	c := changedPassword{Salt: hex.EncodeToString(salt[:]), Digest: hex.EncodeToString(digest[:]), ChangedAt: a.opts.Now().UTC()}
	err = a.opts.Store.Update(func(tx store.Tx) error {
		changed := map[string]changedPassword{}
		raw, found, err := tx.Get(passwordBucket, p.UserID)
		if err != nil {
			return err
		}
		if found {
			var current changedPassword
			if err := json.Unmarshal(raw, &current); err != nil {
				return err
			}
			changed[p.UserID] = current
		}
		if !currentPasswordMatches(u, changed, old) {
			return &Error{Kind: BadPassword, Detail: "the old password is wrong"}
		}
		return putJSON(tx, passwordBucket, p.UserID, c)
	})
	if err != nil {
		return UserInfo{}, err
	}
	return UserInfo{ID: p.UserID, Name: u.Name, Domain: u.Domain, PasswordChangedAt: c.ChangedAt}, nil
}

// ForgetChangedPasswords gives every user back the password it was configured with.
func (a *Authenticator) ForgetChangedPasswords() error {
	return a.opts.Store.Update(func(tx store.Tx) error { return tx.DropBuckets(passwordBucket) })
}

// currentPasswordMatches compares password with the user's changed password, or with its
// configured one when it changed none, in constant time.
func currentPasswordMatches(u User, changed map[string]changedPassword, password string) bool {
	if c, ok := changed[UserID(u.Name, u.Domain)]; ok {
		return c.matches(password)
	}
	return passwordMatches(password, u.Password)
}

// allUsers returns the users given here and to other processes, and the passwords changed
// since, by user ID.
func (a *Authenticator) allUsers() ([]User, map[string]changedPassword, error) {
	a.mu.RLock()
	users := slices.Clone(a.users)
	a.mu.RUnlock()
	shared, err := a.sharedUsers()
	if err != nil {
		return nil, nil, err
	}
	changed := map[string]changedPassword{}
	var decodeErr error
	err = a.opts.Store.View(func(tx store.Tx) error {
		return tx.Scan(passwordBucket, "", func(id string, raw []byte) bool {
			var c changedPassword
			if decodeErr = json.Unmarshal(raw, &c); decodeErr != nil {
				return false
			}
			changed[id] = c
			return true
		})
	})
	if err = cmp.Or(err, decodeErr); err != nil {
		return nil, nil, fmt.Errorf("read changed passwords: %w", err)
	}
	return append(users, shared...), changed, nil
}
