package conformance

import (
	"context"
	"sync"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/csmskit/csmskit/openapi"
)

// suiteDescription names the suite in Ginkgo's output and reports.
const suiteDescription = "CSMS conformance"

// suite is one run's state: the target, the client, what the checks share and what the
// suite created and must delete.
type suite struct {
	cfg    Config
	target *target
	client *client
	redact *redactor
	ctx    context.Context

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

// newSuite prepares a run against t.
func newSuite(ctx context.Context, cfg Config, t *target) (*suite, error) {
	s := &suite{
		cfg:      cfg,
		target:   t,
		redact:   &redactor{},
		ctx:      ctx,
		created:  map[string]bool{},
		provoked: map[string]*exchange{},
	}
	s.redact.add(t.creds.token, t.creds.ak, t.creds.sk, cfg.SecretValue, garbageToken, wrongSK)
	s.provocations = s.makeProvocations()
	contract, err := openapi.Load()
	if err != nil {
		return nil, err
	}
	s.client, err = newClient(cfg, t.endpoint, t.projectID, contract, s.record)
	if err != nil {
		return nil, err
	}
	return s, nil
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

// register declares every check with Ginkgo. All sit in one top-level container so that
// Ginkgo keeps their order, which lets the schema sweep run last.
func (s *suite) register() {
	ginkgo.Describe("Download Secret Backup", func() {
		s.authChecks()
		s.errorChecks()
		s.inputChecks()
		s.blobChecks()
		s.roundTripChecks()
		s.schemaChecks()
	})
	ginkgo.AfterSuite(s.cleanup)
	ginkgo.ReportAfterSuite("csmsconform result", func(r types.Report) { s.report = r })
}

// creds returns the configured credentials.
func (s *suite) creds() credentials { return s.target.creds }

// projectID returns the configured project.
func (s *suite) projectID() string { return s.target.projectID }
