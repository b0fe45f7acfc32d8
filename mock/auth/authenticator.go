package auth

import (
	"cmp"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/csmskit/csmskit/aksk"
	"github.com/csmskit/csmskit/mock/store"
)

// Credential is one way in: a token, or an AK/SK pair, speaking for a principal.
type Credential struct {
	Principal
	Token string
	AK    string
	SK    string
}

// User can obtain tokens from the mock's IAM with a password.
type User struct {
	Name, Password, Domain string
	// ProjectID is the project tokens are scoped to; ProjectName (a region name, e.g.
	// cn-north-4) may name it in the token request instead.
	ProjectID, ProjectName string
	Actions                []string
}

// Options configure an Authenticator.
type Options struct {
	// Store keeps issued tokens (by their SHA-256 only) so they survive restarts with --data.
	Store store.Store
	// Now is the clock.
	Now func() time.Time
	// TokenTTL is how long an issued token is valid; 24 h, as IAM's, when zero.
	TokenTTL time.Duration
	// MaxIssuedTokens bounds the issued tokens kept; 10,000 when zero.
	MaxIssuedTokens int
}

// Authenticator checks credentials against what it was given.
type Authenticator struct {
	opts Options

	// mu guards the credentials, which fixtures may add while requests are served.
	mu sync.RWMutex
	// tokens maps a token's SHA-256 to its principal: a lookup by digest does not reveal the
	// token through timing, so no constant-time scan of every token is needed.
	tokens map[[sha256.Size]byte]Principal
	keys   map[string]akCredential
	users  []User
	// projects are the account's named projects, which IAM's project lookup lists.
	projects []Project
	domain   Domain
}

type akCredential struct {
	sk        string
	principal Principal
}

// New returns an Authenticator with no credentials.
func New(opts Options) *Authenticator {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = 24 * time.Hour
	}
	if opts.MaxIssuedTokens == 0 {
		opts.MaxIssuedTokens = 10000
	}
	if opts.Store == nil {
		opts.Store = store.NewMemory()
	}
	return &Authenticator{
		opts:   opts,
		tokens: map[[sha256.Size]byte]Principal{},
		keys:   map[string]akCredential{},
	}
}

// AddCredential accepts c's token and/or AK/SK from now on.
func (a *Authenticator) AddCredential(c Credential) error {
	if c.Token == "" && c.AK == "" {
		return fmt.Errorf("credential %q has neither a token nor an AK", c.Name)
	}
	if (c.AK == "") != (c.SK == "") {
		return fmt.Errorf("credential %q needs both an AK and an SK", c.Name)
	}
	if c.Token != "" && len(c.Token) < 32 {
		return fmt.Errorf("credential %q: a token has at least 32 characters", c.Name)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if c.Token != "" {
		a.tokens[sha256.Sum256([]byte(c.Token))] = c.Principal
	}
	if c.AK != "" {
		a.keys[c.AK] = akCredential{sk: c.SK, principal: c.Principal}
	}
	return nil
}

// AddUser lets u obtain tokens from the mock's IAM.
func (a *Authenticator) AddUser(u User) error {
	if u.Name == "" || u.Password == "" || u.ProjectID == "" {
		return errors.New("a user needs a name, a password and a project")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.users = append(a.users, u)
	return nil
}

// token returns the principal of an X-Auth-Token.
func (a *Authenticator) token(token string) (Principal, error) {
	digest := sha256.Sum256([]byte(token))
	a.mu.RLock()
	p, ok := a.tokens[digest]
	a.mu.RUnlock()
	if ok {
		return p, nil
	}
	if p, ok, err := a.issuedToken(digest); err != nil || ok {
		return p, err
	}
	if p, ok, err := a.sharedToken(digest); err != nil || ok {
		return p, err
	}
	return Principal{}, failed("the token is not valid or has expired")
}

// signed returns the principal of an SDK-HMAC-SHA256 signed request.
func (a *Authenticator) signed(r *http.Request) (Principal, error) {
	var principal Principal
	var storeErr error
	lookup := func(ak string) (string, bool) {
		a.mu.RLock()
		c, ok := a.keys[ak]
		a.mu.RUnlock()
		if ok {
			principal = c.principal
			return c.sk, true
		}
		k, ok, err := a.sharedKey(ak)
		storeErr = err
		principal = k.Principal
		return k.SK, ok
	}
	_, err := aksk.Verify(r, lookup, a.opts.Now())
	switch {
	case storeErr != nil:
		return Principal{}, storeErr
	case err != nil:
		return Principal{}, failed(signatureProblem(err))
	}
	return principal, nil
}

// signatureProblem says what was wrong with a signature without revealing anything secret.
func signatureProblem(err error) string {
	switch {
	case errors.Is(err, aksk.ErrUnknownAccessKey):
		return "the access key is unknown"
	case errors.Is(err, aksk.ErrSignatureMismatch):
		return "verify aksk signature fail"
	case errors.Is(err, aksk.ErrNoDate):
		return "the X-Sdk-Date header is missing"
	case errors.Is(err, aksk.ErrClockSkew):
		return "the X-Sdk-Date is more than 15 minutes from the server's time"
	default:
		return "the Authorization header is malformed"
	}
}

// Authorize checks that the principal may perform action on project. An empty project is an
// operation on the account (IAM's lookups, the secrets API's agencies, function templates and
// users), which every accepted credential may reach, whatever projects it is for; an
// empty action is one that needs no IAM action; an action's aliases (older names the vendor
// still honours) grant it as well as the action itself.
func Authorize(p Principal, project, action string, aliases ...string) error {
	if project != "" && !p.canUse(project) {
		return forbidden("the credential is not valid for project " + project)
	}
	if action == "" || p.allows(action) || slices.ContainsFunc(aliases, p.allows) {
		return nil
	}
	return forbidden("the credential may not perform " + action)
}

// ErrNoCredentials is Authenticate's answer to a request that carries no credentials.
var ErrNoCredentials = errors.New("no credentials")

// Authenticate returns the principal of a request's credentials: an X-Auth-Token or an
// SDK-HMAC-SHA256 signature. A request may carry both, as the service accepts; either one
// that is valid is enough, else the first one's refusal is answered.
func (a *Authenticator) Authenticate(r *http.Request) (Principal, error) {
	var first error
	if token := r.Header.Get("X-Auth-Token"); token != "" {
		p, err := a.token(token)
		if err == nil {
			return p, nil
		}
		first = err
	}
	if r.Header.Get("Authorization") != "" {
		p, err := a.signed(r)
		if err == nil {
			return p, nil
		}
		first = cmp.Or(first, err)
	}
	if first == nil {
		return Principal{}, ErrNoCredentials
	}
	return Principal{}, first
}

// passwordMatches compares in constant time.
func passwordMatches(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}
