// Package mock is csmskit's offline CSMS: a stateful, authenticated implementation of the
// contract in openapi/ that Go programs can run in-process (New returns an http.Handler) and
// that cmd/csmsmock serves on a port.
package mock

import (
	"crypto/rsa"
	"log/slog"
	"net/http"
	"time"

	"github.com/csmskit/csmskit/mock/fault"
)

// The demo identity and secret the mock serves when nothing else is configured. They are
// public by design: the mock binds to loopback and holds no real secrets.
const (
	DemoProjectID   = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	DemoToken       = "MIIcsmsmock-demo-token-0123456789abcdef"
	DemoAK          = "CSMSMOCKDEMOAK000001"
	DemoSK          = "csmsmockDemoSecretKey0000000000000000000"
	DemoUser        = "demo-user"
	DemoPassword    = "demo-password"
	DemoDomain      = "demo-domain"
	DemoDomainID    = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"
	DemoSecretName  = "demo-secret"
	DemoSecretValue = "demo-value: s3cr3t"
)

// What a mock takes when its configuration names nothing else: the region its default project
// is named after, the KMS key of a secret created without one, and the per-project quota (500
// in the vendor's user guide).
const (
	demoRegion        = "cn-north-4"
	defaultKMSKeyID   = "0d0466b0-e727-4d9c-b35d-f84bb474a37f"
	defaultMaxSecrets = 500
)

// Config is what a mock serves. DefaultConfig fills every field; a zero field of a Config made
// by hand takes the default where one makes sense.
type Config struct {
	// ProjectID, Token, AK and SK are the default identity: a token and an AK/SK pair
	// allowed every action on ProjectID. Empty Token or AK disables that way in.
	ProjectID string
	Token     string
	AK, SK    string
	// User, Password and Domain let IAM's POST /v3/auth/tokens issue tokens for ProjectID.
	// Domain also names the account IAM's GET /v3/auth/domains lists, DomainID is its ID.
	User, Password, Domain string
	DomainID               string

	// Region names ProjectID, as a region's default project is named after the region:
	// IAM's GET /v3/projects?name=<region>, which the official SDKs ask when built with a
	// region and no project ID, finds ProjectID by it. cn-north-4 when empty.
	Region string

	// DemoSecret creates DemoSecretName with DemoSecretValue when the store starts empty
	// and no fixtures are given.
	DemoSecret bool

	// FixturesFile, if set, is a YAML file of projects, credentials and secrets loaded at start
	// (see examples/fixtures.yaml).
	FixturesFile string

	// DataDir, if set, persists secrets, issued tokens and the backup key there; a postgres://
	// or postgresql:// URL keeps them in that database instead, shared with every mock on it
	// (replicas.go); empty keeps everything in memory.
	DataDir string

	// BackupKey seals and opens backups. When it is nil the key is the one kept in DataDir
	// (made there on first use); without DataDir it is the demo key when UseDemoBackupKey is
	// set, and otherwise a new key made at start.
	BackupKey *rsa.PrivateKey

	// UseDemoBackupKey seals with the published demo key (mock/demo-backup-key.pem) when
	// neither BackupKey nor DataDir gives a key: start-up then needs no RSA key generation
	// (the slowest part of starting; BENCHMARKS.md), and a backup taken from one demo mock
	// restores into another, or into the same one after a restart. Anyone can open blobs
	// sealed under it, so it is for demo values only.
	UseDemoBackupKey bool

	// UnknownSecretStatus answers an unknown secret: 404 (the backup page, the default) or 400
	// (the error-code table). Both carry CSMS.0106.
	UnknownSecretStatus int

	// MaxSecrets is the per-project quota (500 in the vendor's user guide).
	MaxSecrets int

	// JournalSize and ViolationLogSize bound the request journal and the violation log (1,000
	// entries each when zero); the oldest entries go first.
	JournalSize, ViolationLogSize int

	// AdminToken, if set, guards the admin API (/__admin/) as "Authorization: Bearer <token>".
	AdminToken string

	// FaultRules are injected from the start (more come from fixtures or the admin API).
	FaultRules []fault.Rule

	// Logger receives structured access logs; nil discards them.
	Logger *slog.Logger

	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultConfig returns the demo configuration: the demo identity, secret and backup key, in
// memory.
func DefaultConfig() Config {
	return Config{
		ProjectID:           DemoProjectID,
		Token:               DemoToken,
		AK:                  DemoAK,
		SK:                  DemoSK,
		User:                DemoUser,
		Password:            DemoPassword,
		Domain:              DemoDomain,
		DomainID:            DemoDomainID,
		Region:              demoRegion,
		DemoSecret:          true,
		UseDemoBackupKey:    true,
		UnknownSecretStatus: http.StatusNotFound,
		MaxSecrets:          defaultMaxSecrets,
	}
}
