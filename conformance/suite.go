package conformance

import (
	"context"
	"fmt"
	"sync"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
)

// suiteDescription names the suite in Ginkgo's output and reports.
const suiteDescription = "CSMS conformance"

// suite is one run's state: the target, the client, what the checks share and what the
// suite created and must delete.
type suite struct {
	cfg      Config
	target   *target
	client   *client
	contract *contract
	redact   *redactor
	ctx      context.Context
	// tree is where register declares the checks; profile is the profile of the group being
	// declared.
	tree    tree
	profile string

	// startErr says why the target could not be reached; every check fails with it.
	startOnce sync.Once
	startErr  error
	// finishOnce: run's deferred finish and the container's AfterAll both call finish.
	finishOnce sync.Once

	mu sync.Mutex
	// log is every exchange of the run, for the check that validates them all.
	log []*exchange
	// created holds the secrets the suite made and has not deleted yet.
	created map[string]bool
	// Shared answers, fetched once by whichever check first needs them.
	subject  *subject
	backup   *exchange
	provoked map[string]*exchange
	// listing is the walk through ListSecrets the listing checks share.
	listing *walk
	// provocations are the requests the target must refuse.
	provocations []provocation

	report types.Report
}

// subject is the secret whose backup most checks examine.
type subject struct {
	name string
	// value is its current value; empty when the user named a secret without giving it.
	value string
	// err says why there is no subject; every check that needs one fails with it.
	err error
}

// newSuite prepares a run of cfg; start reaches the target.
func newSuite(ctx context.Context, cfg Config) (*suite, error) {
	c, err := loadContract()
	if err != nil {
		return nil, err
	}
	return &suite{
		cfg:      cfg,
		contract: c,
		redact:   &redactor{},
		ctx:      ctx,
		tree:     ginkgoTree{},
		created:  map[string]bool{},
		provoked: map[string]*exchange{},
	}, nil
}

// start validates the settings, reaches the target and prepares the client, once.
func (s *suite) start() error {
	s.startOnce.Do(func() {
		if err := s.cfg.Validate(); err != nil {
			s.startErr = err
			return
		}
		s.target = startTarget(s.cfg)
		s.redact.add(s.cfg.AuthToken, s.cfg.AK, s.cfg.SK, s.cfg.SecretValue, garbageToken, wrongSK)
		s.provocations = s.makeProvocations()
		s.client, s.startErr = newClient(s.cfg, s.target.endpoint, s.target.projectID, s.contract, s.record)
	})
	return s.startErr
}

// finish deletes what the suite created and stops an in-process target.
func (s *suite) finish() {
	s.finishOnce.Do(func() {
		if s.target == nil {
			return
		}
		if s.client != nil {
			s.cleanup()
			s.client.close()
		}
		_ = s.target.close()
	})
}

// record keeps an exchange in the run's log and hides the credentials it carried from reports.
func (s *suite) record(ex *exchange) {
	if a := ex.requestHeader.Get("Authorization"); a != "" {
		s.redact.add(signatureOf(a))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, ex)
}

// register declares every check with Ginkgo, in one ordered container of one group per
// profile: each group ends with the check that sweeps its answers for contract violations, and
// the secrets the suite made are deleted when the container ends. A failed check does not
// stop the others.
func (s *suite) register() {
	s.tree.describe("", true, func() {
		s.tree.beforeAll(func() {
			if err := s.start(); err != nil {
				ginkgo.Fail(fmt.Sprintf("the suite cannot start: %v", err))
			}
		})
		s.tree.afterAll(s.finish)
		s.group("Download Secret Backup", ProfileBackup, func() {
			s.authChecks()
			s.errorChecks()
			s.inputChecks()
			s.blobChecks()
			s.group("round trip through UploadSecretBlob", ProfileRestore, s.roundTripChecks)
			s.schemaChecks()
		})
		s.group("secrets", ProfileSecrets, s.secretsChecks)
		s.group("versions", ProfileVersions, s.versionsChecks)
		s.group("stages", ProfileStages, s.stagesChecks)
		s.group("listing", ProfileListing, s.listingChecks)
		s.group("scheduled deletion", ProfileDeletion, s.deletionChecks)
		s.group("tags", ProfileTags, s.tagsChecks)
		s.group("random passwords", ProfilePassword, s.passwordChecks)
		s.group("the account", ProfileAccount, s.accountChecks)
		s.group("grants", ProfileGrants, s.grantsChecks)
		s.group("batch import", ProfileImport, s.importChecks)
		s.group("secrets checker", ProfileChecker, s.checkerChecks)
		s.group("rotation", ProfileRotation, s.rotationChecks)
		s.group("events", ProfileEvents, s.eventsChecks)
		s.group("quota", ProfileSecrets, s.quotaChecks)
	})
}

// creds returns the credentials every check but the authentication checks uses.
func (s *suite) creds() credentials {
	if len(s.target.ways) == 0 {
		return credentials{}
	}
	return s.target.ways[0].creds
}

// projectID returns the configured project.
func (s *suite) projectID() string { return s.target.projectID }
