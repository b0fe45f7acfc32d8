package conformance

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/csmskit/csmskit/aksk"
)

// userAgent names the suite in the target's logs.
const userAgent = "csmsconform (+https://github.com/csmskit/csmskit)"

// call is one request the suite sends.
type call struct {
	// what the request is for, as reports show it, e.g. "backup without credentials".
	what string
	// profile is the profile of the check that sends it, whose contract sweep judges the answer.
	profile string
	method  string
	// path is the escaped path below the endpoint, e.g. /v1/{project_id}/secrets/x/backup.
	path  string
	body  any // sent as JSON when not nil
	creds credentials
	// optional marks a call to an operation the target may lack (ListSecretVersions,
	// ShowSecret, a capability probe): an answer that says it is absent is a capability gap,
	// not a contract violation.
	optional bool
	// signedAt, when not zero, is the X-Sdk-Date an AK/SK request is signed with.
	signedAt time.Time
	// afterSign changes the request once it is signed, as someone tampering with it would.
	afterSign func(*http.Request)
}

// exchange is a request and its answer as the suite saw them. It holds secrets; reports get
// it only through the redactor.
type exchange struct {
	what          string
	method, url   string
	requestHeader http.Header
	requestBody   []byte
	// status is 0 when no answer came.
	status  int
	header  http.Header
	body    []byte
	elapsed time.Duration
	// err says why there is no answer, or why the body was not read to the end.
	err error
	// schemaErr says how the answer breaks the contract.
	schemaErr error
	// optional is the call's: see call.optional.
	optional bool
	// profile is the call's: see call.profile.
	profile string
	// op is the operationId of the contract's operation the request was routed to, if any.
	op string
	// code caches errorCode of the body once read (codeRead).
	code     string
	codeRead bool
	// rendered is the body as a report shows it, kept in place of a large body once the
	// check that sent it has ended (see suite.compact).
	rendered string
}

// errorCode returns the error_code of the answer's body, "" when it has none.
func (ex *exchange) errorCode() string {
	if !ex.codeRead {
		ex.code, ex.codeRead = errorCode(ex.body), true
	}
	return ex.code
}

// operation names the exchange's operation: its operationId, or what it was for.
func (ex *exchange) operation() string {
	if ex.op != "" {
		return ex.op
	}
	return ex.what
}

// gap reports an answer that says an optional operation is absent.
func (ex *exchange) gap() bool { return ex.optional && ex.answered() && notImplemented(ex) }

// answered reports whether a complete answer came.
func (ex *exchange) answered() bool { return ex.status != 0 && ex.err == nil }

// String names the exchange in a problem: what it was for and its status.
func (ex *exchange) String() string {
	if ex.status == 0 {
		return fmt.Sprintf("%s (%s %s): no answer", ex.what, ex.method, ex.path())
	}
	return fmt.Sprintf("%s (%s %s → %d)", ex.what, ex.method, ex.path(), ex.status)
}

// path is the exchange's URL path, as sent.
func (ex *exchange) path() string {
	if u, err := url.Parse(ex.url); err == nil {
		return u.EscapedPath()
	}
	return ex.url
}

// client sends the suite's requests with bounded time and memory and checks each answer
// against the contract.
type client struct {
	base      *url.URL
	projectID string
	http      *http.Client
	contract  *contract
	maxBody   int64
	// record receives every exchange, for the run's log.
	record func(*exchange)
}

// newClient returns a client for endpoint. Redirects are not followed: the suite judges the
// target's own answers.
func newClient(cfg Config, endpoint, projectID string, contract *contract, record func(*exchange)) (*client, error) {
	base, err := url.Parse(strings.TrimRight(endpoint, "/"))
	if err != nil {
		return nil, fmt.Errorf("endpoint: %w", err)
	}
	transport := &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  cfg.RequestTimeout,
		MaxResponseHeaderBytes: 1 << 20,
		IdleConnTimeout:        30 * time.Second,
		ForceAttemptHTTP2:      true,
		TLSClientConfig: &tls.Config{
			MinVersion:         tls.VersionTLS12,
			InsecureSkipVerify: cfg.InsecureSkipVerify, // only when the user asks for it
		},
	}
	return &client{
		base:      base,
		projectID: projectID,
		http: &http.Client{
			Transport:     transport,
			Timeout:       cfg.RequestTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		contract: contract,
		maxBody:  cfg.MaxResponseBytes,
		record:   record,
	}, nil
}

// close releases idle connections.
func (cl *client) close() { cl.http.CloseIdleConnections() }

// do sends c and returns the exchange; a failure to get an answer is in its err.
func (cl *client) do(ctx context.Context, c call) *exchange {
	ex := &exchange{what: c.what, method: c.method, url: cl.base.String() + c.path, optional: c.optional, profile: c.profile}
	defer func() {
		if cl.record != nil {
			cl.record(ex)
		}
	}()
	req, err := cl.request(ctx, c)
	if err != nil {
		ex.err = err
		return ex
	}
	ex.requestHeader = req.Header.Clone()
	ex.url = req.URL.String()
	start := time.Now()
	resp, err := cl.http.Do(req)
	if err != nil {
		ex.elapsed = time.Since(start)
		ex.err = err
		return ex
	}
	defer resp.Body.Close()
	ex.status, ex.header = resp.StatusCode, resp.Header
	ex.body, ex.err = readLimited(resp.Body, cl.maxBody)
	ex.elapsed = time.Since(start)
	if ex.err == nil {
		ex.op, ex.schemaErr = cl.validate(ctx, req, ex)
	}
	return ex
}

// request builds and authenticates the HTTP request for c.
func (cl *client) request(ctx context.Context, c call) (*http.Request, error) {
	var body []byte
	if c.body != nil {
		var err error
		if body, err = json.Marshal(c.body); err != nil {
			return nil, fmt.Errorf("encode %s body: %w", c.what, err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, c.method, cl.base.String()+c.path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build %s request: %w", c.what, err)
	}
	if len(body) == 0 {
		req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
	}
	req.Header.Set("User-Agent", userAgent)
	if c.method == http.MethodPost || c.method == http.MethodPut {
		// The vendor's SDK sends a JSON content type even with no body (backup).
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case c.creds.token != "":
		req.Header.Set("X-Auth-Token", c.creds.token)
	case c.creds.ak != "":
		// Sign what the vendor's Go SDK signs.
		req.Header.Set("X-Project-Id", cl.projectID)
		at := c.signedAt
		if at.IsZero() {
			at = time.Now()
		}
		if err := aksk.Sign(req, c.creds.ak, c.creds.sk, at, "user-agent", "x-project-id"); err != nil {
			return nil, fmt.Errorf("sign %s request: %w", c.what, err)
		}
	}
	if c.afterSign != nil {
		c.afterSign(req)
	}
	return req, nil
}

// errBodyTooLarge reports a body the suite stopped reading.
var errBodyTooLarge = errors.New("response body too large")

// readLimited reads at most limit bytes of r; more is an error wrapping errBodyTooLarge.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return b, fmt.Errorf("read response body: %w", err)
	}
	if int64(len(b)) > limit {
		return b[:limit], fmt.Errorf("%w: more than %d bytes, the suite stopped reading", errBodyTooLarge, limit)
	}
	return b, nil
}

// validate checks an answer against the contract and returns the operation it answers.
func (cl *client) validate(ctx context.Context, req *http.Request, ex *exchange) (string, error) {
	op, err := cl.contract.check(ctx, req, ex.status, ex.header, ex.body)
	if err != nil {
		return op, fmt.Errorf("the answer breaks the contract: %w", err)
	}
	return op, nil
}
