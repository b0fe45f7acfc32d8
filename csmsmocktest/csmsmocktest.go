// Package csmsmocktest starts csmskit's mock inside a Go test, as net/http/httptest starts a
// server: one line gives a test a CSMS endpoint on a free loopback port with its project,
// credentials and an HTTP client, and the test fails itself when the mock saw the contract
// broken.
//
//	srv := csmsmocktest.Start(t)
//	srv.Seed(t, "db-password", "s3cr3t")
//	res, err := srv.Client().Post(srv.URL+"/v1/"+srv.ProjectID+"/secrets/db-password/backup", "application/json", nil)
//
// The vendor's Go SDK is not imported here, so that tests which do not use it do not build it;
// the interop module's csmsmocksdk package builds SDK clients for a Server.
package csmsmocktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/recording"
)

// Server is a running mock with what a test needs to call it.
type Server struct {
	// URL is the endpoint, e.g. http://127.0.0.1:41234 (no trailing slash).
	URL string
	// ProjectID is the project the credentials may use.
	ProjectID string
	// Token is an X-Auth-Token; AK and SK sign requests (SDK-HMAC-SHA256).
	Token, AK, SK string
	// Region names the project for the SDKs' project lookup (cn-north-4 by default).
	Region string
	// Mock is the mock itself: its clock, fault rules, journal and state.
	Mock *mock.Server

	http     *httptest.Server
	opts     options
	closeErr error
}

type options struct {
	edit                   []func(*mock.Config)
	allowRequestViolations bool
}

// Option changes how Start builds the mock.
type Option func(*options)

// WithConfig edits the mock's configuration (DefaultConfig) before it starts.
func WithConfig(edit func(*mock.Config)) Option {
	return func(o *options) { o.edit = append(o.edit, edit) }
}

// WithFixtures starts the mock with a fixtures file instead of the demo secret.
func WithFixtures(path string) Option {
	return WithConfig(func(c *mock.Config) { c.FixturesFile = path })
}

// AllowRequestViolations is for tests that send requests the contract forbids on purpose:
// those no longer fail the test. Answers that break the contract still do.
func AllowRequestViolations() Option {
	return func(o *options) { o.allowRequestViolations = true }
}

// Start starts a mock for t and closes it when t ends. t fails when the mock recorded a
// contract violation: any answer of its own, and any request unless AllowRequestViolations.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := New(opts...)
	if err != nil {
		t.Fatalf("csmsmocktest: %v", err)
	}
	t.Cleanup(func() {
		for _, v := range s.violations() {
			t.Errorf("csmsmocktest: the contract was broken: %s %s %s (%s): %s", v.Kind, v.Method, v.Path, v.Operation, v.Reason)
		}
		s.Close()
	})
	return s
}

// New starts a mock outside a test (an example, a program); Close stops it.
func New(opts ...Option) (*Server, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	cfg := mock.DefaultConfig()
	for _, edit := range o.edit {
		edit(&cfg)
	}
	m, err := mock.New(cfg)
	if err != nil {
		return nil, err
	}
	hs := httptest.NewServer(m)
	return &Server{
		URL: hs.URL, ProjectID: cfg.ProjectID, Token: cfg.Token, AK: cfg.AK, SK: cfg.SK,
		Region: cfg.Region, Mock: m, http: hs, opts: o,
	}, nil
}

// Close stops the server and releases the mock's store.
func (s *Server) Close() {
	s.http.Close()
	s.closeErr = s.Mock.Close()
}

// Client returns an HTTP client that sends the server's X-Auth-Token on every request that
// carries no credentials of its own.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: tokenTransport{token: s.Token, next: s.http.Client().Transport}}
}

type tokenTransport struct {
	token string
	next  http.RoundTripper
}

func (t tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("X-Auth-Token") == "" && r.Header.Get("Authorization") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("X-Auth-Token", t.token)
	}
	return t.next.RoundTrip(r)
}

// Secret is what Seed made: the secret's id (which the tag operations take) and name.
type Secret struct {
	ID, Name string
}

// Seed creates a secret through the API, with one version per value (the last one current),
// and fails t if the mock refuses it.
func (s *Server) Seed(t testing.TB, name string, values ...string) Secret {
	t.Helper()
	if len(values) == 0 {
		values = []string{"value of " + name}
	}
	var created struct {
		Secret struct {
			ID string `json:"id"`
		} `json:"secret"`
	}
	body, _ := json.Marshal(map[string]string{"name": name, "secret_string": values[0]})
	s.call(t, "POST", "/secrets", body, &created)
	for _, v := range values[1:] {
		body, _ := json.Marshal(map[string]string{"secret_string": v})
		s.call(t, "POST", "/secrets/"+name+"/versions", body, nil)
	}
	return Secret{ID: created.Secret.ID, Name: name}
}

func (s *Server) call(t testing.TB, method, path string, body []byte, out any) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+"/v1/"+s.ProjectID+path, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("csmsmocktest: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("csmsmocktest: %s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("csmsmocktest: %s %s: %d %s", method, path, res.StatusCode, strings.TrimSpace(string(data)))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("csmsmocktest: %s %s: %v", method, path, err)
		}
	}
}

// Journal returns the requests the mock served, oldest first.
func (s *Server) Journal() []recording.Entry {
	entries, _ := s.Mock.Journal()
	return entries
}

// Violations returns the contract violations the mock recorded, oldest first.
func (s *Server) Violations() []recording.Violation {
	vs, _ := s.Mock.Violations()
	return vs
}

// violations are the ones that fail the test.
func (s *Server) violations() []recording.Violation {
	var out []recording.Violation
	for _, v := range s.Violations() {
		if v.Kind == recording.KindRequest && s.opts.allowRequestViolations {
			continue
		}
		out = append(out, v)
	}
	return out
}

// Clock is the mock's clock: Set or Advance it to make time pass.
func (s *Server) Clock() *mock.Clock { return s.Mock.Clock() }

// String names the server in test output.
func (s *Server) String() string {
	return fmt.Sprintf("csmsmock at %s (project %s)", s.URL, s.ProjectID)
}
