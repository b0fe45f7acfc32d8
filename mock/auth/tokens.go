package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/csmskit/csmskit/mock/store"
)

// tokenBucket holds issued tokens by the hex SHA-256 of the token: the store never holds a
// usable token.
const tokenBucket = "iam/tokens"

// IssuedToken is a token the mock's IAM issued.
type IssuedToken struct {
	Principal Principal `json:"principal"`
	User      string    `json:"user"`
	Domain    string    `json:"domain"`
	ProjectID string    `json:"project_id"`
	IssuedAt  time.Time `json:"issued_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// TokenRequest is what POST /v3/auth/tokens carries.
type TokenRequest struct {
	User, Password, Domain string
	// ProjectID or ProjectName (a region name) scopes the token.
	ProjectID, ProjectName string
}

// Issue checks a user's password and returns a new token scoped to the user's project, valid
// for the token TTL. The token has IAM's "MII" prefix.
func (a *Authenticator) Issue(req TokenRequest) (string, IssuedToken, error) {
	user, ok, err := a.user(req)
	if err != nil {
		return "", IssuedToken{}, err
	}
	if !ok {
		return "", IssuedToken{}, failed("the user name, password or domain is wrong")
	}
	if req.ProjectID != "" && req.ProjectID != user.ProjectID ||
		req.ProjectID == "" && req.ProjectName != "" && req.ProjectName != user.ProjectName {
		return "", IssuedToken{}, forbidden("the user has no role in that project")
	}
	var raw [48]byte
	_, _ = rand.Read(raw[:])
	token := "MII" + base64.RawURLEncoding.EncodeToString(raw[:])
	now := a.opts.Now().UTC()
	issued := IssuedToken{
		Principal: Principal{Name: "user:" + user.Name, Projects: []string{user.ProjectID}, Actions: user.Actions,
			UserID: UserID(user.Name, user.Domain)},
		User:      user.Name,
		Domain:    user.Domain,
		ProjectID: user.ProjectID,
		IssuedAt:  now,
		ExpiresAt: now.Add(a.opts.TokenTTL),
	}
	value, err := json.Marshal(issued)
	if err != nil {
		return "", IssuedToken{}, fmt.Errorf("encode token: %w", err)
	}
	digest := sha256.Sum256([]byte(token))
	err = a.opts.Store.Update(func(tx store.Tx) error {
		if err := a.makeRoom(tx, now); err != nil {
			return err
		}
		return tx.Put(tokenBucket, hex.EncodeToString(digest[:]), value)
	})
	if err != nil {
		return "", IssuedToken{}, fmt.Errorf("store token: %w", err)
	}
	return token, issued, nil
}

func (a *Authenticator) user(req TokenRequest) (User, bool, error) {
	users, changed, err := a.allUsers()
	if err != nil {
		return User{}, false, err
	}
	for _, u := range users {
		// Every field is compared, the password in constant time, whatever matched before. A
		// password the user changed replaces the configured one.
		nameOK := u.Name == req.User
		domainOK := u.Domain == "" || req.Domain == "" || u.Domain == req.Domain
		if currentPasswordMatches(u, changed, req.Password) && nameOK && domainOK {
			return u, true, nil
		}
	}
	return User{}, false, nil
}

// makeRoom keeps the issued tokens under the bound: expired ones go first, then the oldest.
func (a *Authenticator) makeRoom(tx store.Tx, now time.Time) error {
	n, err := tx.Count(tokenBucket)
	if err != nil || n < a.opts.MaxIssuedTokens {
		return err
	}
	var expired []string
	oldestKey, oldest := "", time.Time{}
	var decodeErr error
	err = tx.Scan(tokenBucket, "", func(key string, value []byte) bool {
		var t IssuedToken
		if decodeErr = json.Unmarshal(value, &t); decodeErr != nil {
			return false
		}
		if !now.Before(t.ExpiresAt) {
			expired = append(expired, key)
		}
		if oldestKey == "" || t.IssuedAt.Before(oldest) {
			oldestKey, oldest = key, t.IssuedAt
		}
		return true
	})
	if err = errors.Join(err, decodeErr); err != nil {
		return err
	}
	if len(expired) == 0 && oldestKey != "" {
		expired = []string{oldestKey}
	}
	for _, key := range expired {
		if err := tx.Delete(tokenBucket, key); err != nil {
			return err
		}
	}
	return nil
}

// issuedToken looks a token up among the issued ones; an expired token is not valid.
func (a *Authenticator) issuedToken(digest [sha256.Size]byte) (Principal, bool, error) {
	var issued IssuedToken
	var found bool
	err := a.opts.Store.View(func(tx store.Tx) error {
		value, ok, err := tx.Get(tokenBucket, hex.EncodeToString(digest[:]))
		if err != nil || !ok {
			return err
		}
		found = true
		return json.Unmarshal(value, &issued)
	})
	if err != nil {
		return Principal{}, false, fmt.Errorf("read token: %w", err)
	}
	if !found || !a.opts.Now().Before(issued.ExpiresAt) {
		return Principal{}, false, nil
	}
	return issued.Principal, true, nil
}
