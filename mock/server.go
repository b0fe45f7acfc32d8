package mock

import (
	"cmp"
	"crypto/rsa"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/csmskit/csmskit/mock/account"
	"github.com/csmskit/csmskit/mock/auth"
	"github.com/csmskit/csmskit/mock/blob"
	"github.com/csmskit/csmskit/mock/fault"
	"github.com/csmskit/csmskit/mock/fixtures"
	"github.com/csmskit/csmskit/mock/secrets"
	"github.com/csmskit/csmskit/mock/store"
	"github.com/csmskit/csmskit/openapi"
	"github.com/csmskit/csmskit/recording"
)

// Files the mock keeps under Config.DataDir.
const (
	DatabaseFile  = "csmsmock.db"
	BackupKeyFile = "backup-key.pem"
)

// Server is a running mock: an http.Handler over its store. Close releases the store.
type Server struct {
	cfg      Config
	contract *openapi.Contract
	// operations are the contract's operations with their handlers and IAM actions.
	operations map[*openapi3.Operation]operation
	admin      http.Handler
	store      store.Store
	service    *secrets.Service
	account    *account.Service
	auth       *auth.Authenticator
	key        *blob.Key
	logger     *slog.Logger
	recorder   *recording.Recorder
	faults     *fault.Rules
	adminToken string
	clock      *Clock
	// ready says the mock has loaded what it starts with and is not resetting.
	ready atomic.Bool
	// identities and users are the credentials the mock was given (configuration, fixtures),
	// kept for the state export.
	identities []fixtures.Credential
	users      []fixtures.User
	// stopDueWork ends what the mock runs in the background (due.go).
	stopDueWork func()
}

// New builds a mock from cfg: its store (memory, a database file under DataDir, or the
// PostgreSQL database DataDir names), its backup key, its credentials, and its fixtures or demo
// secret.
func New(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	// An in-memory mock makes a fresh RSA-2048 key, whose prime search takes a while and
	// varies: make it while the contract loads, on another core.
	var fresh chan keyOrErr
	if cfg.BackupKey == nil && cfg.DataDir == "" && !cfg.UseDemoBackupKey {
		fresh = make(chan keyOrErr, 1)
		go func() {
			k, err := blob.GenerateKey()
			fresh <- keyOrErr{k, err}
		}()
	}
	contract, err := openapi.Load()
	if err != nil {
		return nil, fmt.Errorf("load contract: %w", err)
	}
	s := &Server{
		cfg:        cfg,
		contract:   contract,
		clock:      newClock(cfg.Now),
		logger:     cfg.Logger,
		recorder:   recording.NewRecorder(cfg.JournalSize, cfg.ViolationLogSize),
		faults:     &fault.Rules{},
		adminToken: cfg.AdminToken,
	}
	s.recorder.Logger = cfg.Logger
	if s.store, err = openStore(cfg.DataDir); err != nil {
		return nil, err
	}
	s.useSharedRules() // replicas.go: fault rules and counters in a shared store
	if err := s.setUp(cfg, fresh); err != nil {
		s.store.Close()
		return nil, err
	}
	s.ready.Store(true)
	s.startDueWork() // due.go: automatic rotations and, on a shared database, the purge
	return s, nil
}

// keyOrErr is what the key generation New starts sends back.
type keyOrErr struct {
	key *blob.Key
	err error
}

func (s *Server) setUp(cfg Config, fresh <-chan keyOrErr) error {
	var err error
	if fresh != nil {
		r := <-fresh
		s.key, err = r.key, r.err
	} else {
		s.key, err = backupKey(cfg.BackupKey, cfg.DataDir, cfg.UseDemoBackupKey, s.store)
	}
	if err != nil {
		return err
	}
	s.service = secrets.NewService(s.store, s.key, secrets.Options{
		MaxSecrets:      cfg.MaxSecrets,
		DefaultKMSKeyID: defaultKMSKeyID,
		Now:             s.clock.now,
	})
	if err := s.service.Migrate(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	s.auth = auth.New(auth.Options{Store: s.store, Now: s.clock.now})
	s.account = account.New(s.store, s.clock.now)
	if err := s.addIdentity(cfg); err != nil {
		return err
	}
	if err := s.loadInitial(); err != nil {
		return err
	}
	s.operations = s.contractOperations()
	s.admin = s.adminRoutes()
	return nil
}

// loadInitial loads what the mock starts with: the fixtures file and fault rules, or the
// demo secret.
func (s *Server) loadInitial() error {
	for i, r := range s.cfg.FaultRules {
		if _, err := s.addStartRule(r, "config", i); err != nil {
			return fmt.Errorf("fault rule %q: %w", r.ID, err)
		}
	}
	switch {
	case s.cfg.FixturesFile != "":
		return s.loadFixtures(s.cfg.FixturesFile)
	case s.cfg.DemoSecret:
		return s.addDemoSecret(s.cfg.ProjectID)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.UnknownSecretStatus == 0 {
		c.UnknownSecretStatus = http.StatusNotFound
	}
	if c.MaxSecrets == 0 {
		c.MaxSecrets = defaultMaxSecrets
	}
	if c.ProjectID == "" {
		c.ProjectID = DemoProjectID
	}
	if c.Region == "" {
		c.Region = demoRegion
	}
	if c.DomainID == "" {
		c.DomainID = DemoDomainID
	}
	return c
}

func openStore(dataDir string) (store.Store, error) {
	if dataDir == "" {
		return store.NewMemory(), nil
	}
	if store.IsPostgresURL(dataDir) {
		return openSharedStore(dataDir)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	return store.OpenBolt(filepath.Join(dataDir, DatabaseFile))
}

func backupKey(given *rsa.PrivateKey, dataDir string, demo bool, st store.Store) (*blob.Key, error) {
	var (
		k   *blob.Key
		err error
	)
	switch {
	case given != nil:
		k, err = blob.NewKey(given)
	case store.IsPostgresURL(dataDir):
		k, err = blob.LoadOrCreateIn(st)
	case dataDir != "":
		k, err = blob.LoadOrCreate(filepath.Join(dataDir, BackupKeyFile))
	case demo:
		k, err = demoBackupKey()
	default:
		k, err = blob.GenerateKey()
	}
	// The blob package's errors already say "backup key: …".
	return k, err
}

// addIdentity accepts the configured token, AK/SK and IAM user for the configured project,
// which it names after the region, in the configured account.
func (s *Server) addIdentity(cfg Config) error {
	s.auth.SetDomain(auth.Domain{ID: cfg.DomainID, Name: cmp.Or(cfg.Domain, DemoDomain)})
	if err := s.auth.AddProject(auth.Project{ID: cfg.ProjectID, Name: cfg.Region}); err != nil {
		return fmt.Errorf("default project: %w", err)
	}
	all := auth.Principal{Name: "default", Projects: []string{cfg.ProjectID}, Actions: []string{auth.AnyAction}}
	if cfg.User != "" {
		// The configured token and AK/SK are the configured user's, as IAM's credentials
		// always belong to a user: UpdateUserPassword with them changes that user's password.
		all.UserID = auth.UserID(cfg.User, cfg.Domain)
	}
	if cfg.Token != "" || cfg.AK != "" {
		if err := s.auth.AddCredential(auth.Credential{Principal: all, Token: cfg.Token, AK: cfg.AK, SK: cfg.SK}); err != nil {
			return fmt.Errorf("default identity: %w", err)
		}
		s.identities = append(s.identities, fixtures.Credential{Name: all.Name, Token: cfg.Token, AK: cfg.AK, SK: cfg.SK,
			Projects: all.Projects, Actions: all.Actions})
	}
	if cfg.User != "" {
		err := s.auth.AddUser(auth.User{
			Name: cfg.User, Password: cfg.Password, Domain: cfg.Domain,
			ProjectID: cfg.ProjectID, ProjectName: cfg.Region, Actions: []string{auth.AnyAction},
		})
		if err != nil {
			return fmt.Errorf("default user: %w", err)
		}
		s.users = append(s.users, fixtures.User{Name: cfg.User, Password: cfg.Password, Domain: cfg.Domain,
			ProjectID: cfg.ProjectID, ProjectName: cfg.Region, Actions: []string{auth.AnyAction}})
	}
	return nil
}

func (s *Server) addDemoSecret(project string) error {
	value := DemoSecretValue
	_, err := s.service.Create(project, secrets.NewSecret{
		Name:        DemoSecretName,
		Description: "Demo secret of csmsmock",
		Value:       secrets.Value{String: &value},
	})
	if secrets.KindOf(err) == secrets.NameTaken {
		return nil // kept from an earlier run under the same DataDir
	}
	if err != nil {
		return fmt.Errorf("demo secret: %w", err)
	}
	return nil
}

// BackupKeyID is the kid of the key that seals this mock's backups.
func (s *Server) BackupKeyID() string { return s.key.ID() }

// Journal returns the served requests (oldest first) and how many the bound dropped.
func (s *Server) Journal() ([]recording.Entry, uint64) { return s.recorder.Requests.Snapshot() }

// Violations returns the recorded contract violations (oldest first) and how many were dropped.
func (s *Server) Violations() ([]recording.Violation, uint64) {
	return s.recorder.Violations.Snapshot()
}

// Clock is the mock's time, which tests may advance (and the admin API set).
func (s *Server) Clock() *Clock { return s.clock }

// Close releases the store (and its database file, with DataDir).
func (s *Server) Close() error {
	if s.stopDueWork != nil {
		s.stopDueWork()
	}
	return s.store.Close()
}
