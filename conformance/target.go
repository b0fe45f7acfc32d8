package conformance

import (
	"net/http/httptest"
)

// target is what the suite checks: where it is, who the suite is there, and how to stop it.
type target struct {
	endpoint  string
	projectID string
	// ways are the ways in the run has, the one every check but the authentication checks
	// uses first.
	ways []way
	// inProcess says the target is a handler the suite serves itself.
	inProcess bool
	close     func() error
}

// describe names the target for summaries.
func (t *target) describe() string {
	if t.inProcess {
		return t.endpoint + " (in-process)"
	}
	return t.endpoint
}

// startTarget returns the configured endpoint or serves the configured handler on a loopback
// listener. The library starts no server of its own: it imports none of csmskit's mock.
func startTarget(cfg Config) *target {
	t := &target{projectID: cfg.ProjectID, ways: waysOf(cfg), close: func() error { return nil }}
	if cfg.Endpoint != "" {
		t.endpoint = cfg.Endpoint
		return t
	}
	srv := httptest.NewServer(cfg.Handler)
	t.endpoint, t.inProcess = srv.URL, true
	t.close = func() error { srv.Close(); return nil }
	return t
}
