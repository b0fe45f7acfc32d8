package conformance

import (
	"cmp"
	"fmt"
	"net/http/httptest"

	"github.com/csmskit/csmskit/mock"
)

// target is what the suite checks: where it is, who the suite is there, and how to stop it.
type target struct {
	endpoint  string
	projectID string
	creds     credentials
	// inProcess says the target is the mock the suite started itself.
	inProcess bool
	close     func() error
}

// describe names the target for summaries.
func (t *target) describe() string {
	if t.inProcess {
		return t.endpoint + " (the in-process mock)"
	}
	return t.endpoint
}

// startTarget returns the configured endpoint or, without one, starts csmskit's mock
// in-process with its demo identity. The suite imports the mock for this alone: it reads the
// mock's answers with its own code, never with the mock's.
func startTarget(cfg Config) (*target, error) {
	creds := credentials{token: cfg.AuthToken, ak: cfg.AK, sk: cfg.SK}
	if cfg.Endpoint != "" {
		return &target{endpoint: cfg.Endpoint, projectID: cfg.ProjectID, creds: creds, close: func() error { return nil }}, nil
	}
	m, err := mock.New(mock.DefaultConfig())
	if err != nil {
		return nil, fmt.Errorf("start the in-process mock: %w", err)
	}
	srv := httptest.NewServer(m)
	if creds == (credentials{}) {
		creds.token = mock.DemoToken
	}
	return &target{
		endpoint:  srv.URL,
		projectID: cmp.Or(cfg.ProjectID, mock.DemoProjectID),
		creds:     creds,
		inProcess: true,
		close: func() error {
			srv.Close()
			return m.Close()
		},
	}, nil
}
