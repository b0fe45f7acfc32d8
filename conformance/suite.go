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

// register declares every check with Ginkgo, in one ordered container: the schema sweep must
// run last, and the secrets the suite made are deleted when the container ends. A failed check
// does not stop the others.
func (s *suite) register() {
	ginkgo.Describe("Download Secret Backup", ginkgo.Ordered, ginkgo.ContinueOnFailure, func() {
		ginkgo.BeforeAll(func() {
			if err := s.start(); err != nil {
				ginkgo.Fail(fmt.Sprintf("the suite cannot start: %v", err))
			}
		})
		ginkgo.AfterAll(s.finish)
		s.authChecks()
		s.errorChecks()
		s.inputChecks()
		s.blobChecks()
		s.roundTripChecks()
		s.schemaChecks()
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
