// Package proxy is a validating reverse proxy: it forwards CSMS traffic to a real endpoint
// and checks every request and response against the contract, recording violations in the
// same journal and admin API as the mock, with credentials and blobs redacted. Given the
// applications' AK/SK it verifies their signatures and signs each request again for the
// upstream's host (resign.go).
package proxy

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"time"

	"github.com/csmskit/csmskit/openapi"
	"github.com/csmskit/csmskit/openapi/apierror"
	"github.com/csmskit/csmskit/recording"
)

// Config is what a proxy forwards to and how it records.
type Config struct {
	// Upstream is the real endpoint, e.g. https://kms.cn-north-4.myhuaweicloud.com.
	Upstream *url.URL
	// InsecureSkipVerify accepts any upstream certificate (for test endpoints only).
	InsecureSkipVerify bool
	// Recorder receives the journal and the violations; nil makes one with default bounds.
	Recorder *recording.Recorder
	// AdminToken guards /__admin/ when set.
	AdminToken string
	// Logger receives one line per request and per violation; nil discards them.
	Logger *slog.Logger
	// Timeout bounds one upstream exchange; 60 s when zero.
	Timeout time.Duration
	// AK and SK are the access key the applications sign with, both or neither. With them the
	// proxy verifies each AK/SK signature and signs the request again for the upstream; it
	// never logs or journals them.
	AK, SK string
}

// Proxy is the running proxy.
type Proxy struct {
	cfg      Config
	contract *openapi.Contract
	recorder *recording.Recorder
	logger   *slog.Logger
	handler  http.Handler
}

// New returns a proxy to cfg.Upstream.
func New(cfg Config) (*Proxy, error) {
	if cfg.Upstream == nil || cfg.Upstream.Scheme == "" || cfg.Upstream.Host == "" {
		return nil, errors.New("proxy: the upstream needs a scheme and a host, e.g. https://csms.example.com")
	}
	if (cfg.AK == "") != (cfg.SK == "") {
		return nil, errors.New("proxy: give both the access key and the secret key, or neither")
	}
	contract, err := openapi.Load()
	if err != nil {
		return nil, fmt.Errorf("proxy: load contract: %w", err)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Recorder == nil {
		cfg.Recorder = recording.NewRecorder(0, 0)
	}
	if cfg.Recorder.Logger == nil {
		cfg.Recorder.Logger = cfg.Logger
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 60 * time.Second
	}
	p := &Proxy{
		cfg:      cfg,
		contract: contract,
		recorder: cfg.Recorder,
		logger:   cfg.Logger,
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(cfg.Upstream)
			pr.Out.Host = cfg.Upstream.Host
		},
		Transport: &signingTransport{ak: cfg.AK, sk: cfg.SK, next: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
			TLSClientConfig:       &tls.Config{InsecureSkipVerify: cfg.InsecureSkipVerify, MinVersion: tls.VersionTLS12}, //nolint:gosec // opt-in for test endpoints
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: cfg.Timeout,
			MaxIdleConnsPerHost:   32,
		}},
		ModifyResponse: p.checkResponse,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if sa := (*signAgainError)(nil); errors.As(err, &sa) {
				x := r.Context().Value(exchangeKey{}).(*exchange)
				p.refuse(w, x, x.inbound, &refusal{answer: apierror.New(apierror.AuthenticationFailed, sa.Error())})
				return
			}
			p.logger.Warn("upstream failed", "method", r.Method, "path", r.URL.Path, "error", err)
			apierror.Write(w, apierror.New(apierror.BackendUnavailable, "the upstream did not answer"))
		},
	}
	adminMux := cfg.Recorder.AdminMux()
	adminMux.HandleFunc("GET /__admin/health", func(w http.ResponseWriter, _ *http.Request) {
		recording.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "upstream": cfg.Upstream.Redacted()})
	})
	admin := recording.Guard(cfg.AdminToken, adminMux)
	forward := p.forward(rp)
	p.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if recording.IsAdmin(r) {
			admin.ServeHTTP(w, r)
			return
		}
		forward.ServeHTTP(w, r)
	})
	return p, nil
}

// ServeHTTP implements http.Handler.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.handler.ServeHTTP(w, r) }

type exchangeKey struct{}

// exchange is what the proxy learns of one request on its way through.
type exchange struct {
	id        string
	start     time.Time
	operation string
	inbound   *http.Request // as the client sent it, for the response check
	entry     recording.Entry
	signing   *signing // how the request is signed again, or nil to send it as it came
}

// forward checks the request, journals it, and sends it upstream whatever the check found:
// the proxy observes, the upstream answers. Only a signature it cannot forward intact, or one
// it verified and found wrong, is answered by the proxy itself.
func (p *Proxy) forward(rp *httputil.ReverseProxy) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		x := &exchange{id: apierror.NewRequestID(), start: time.Now()}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, openapi.DefaultMaxBodyBytes))
		if err != nil {
			p.violation(x, r, recording.KindRequest, 0, "request body: "+err.Error())
			apierror.Write(w, apierror.New(apierror.RequestTooLarge, fmt.Sprintf("the request body exceeds %d bytes", openapi.DefaultMaxBodyBytes)))
			return
		}
		x.inbound = recording.Arrival(r)
		x.entry = recording.Entry{
			Time: x.start.UTC(), RequestID: x.id, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			Headers: p.journalHeaders(r.Header), Body: recording.Body(body),
		}
		check := r.Clone(r.Context())
		check.Body = io.NopCloser(bytes.NewReader(body))
		q, _, rej := p.contract.Check(nil, check)
		if q != nil {
			x.operation = q.OperationID()
		}
		if rej != nil {
			p.violation(x, r, recording.KindRequest, 0, string(rej.Code)+": "+rej.Msg)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		// Verify, when it runs, reads the body and puts an unread equivalent back.
		var ref *refusal
		if x.signing, ref = p.admitSigned(r); ref != nil {
			p.refuse(w, x, r, ref)
			return
		}
		rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x)))
	})
}

// checkResponse validates what the upstream answered, journals the exchange, and hands the
// response on unchanged.
func (p *Proxy) checkResponse(res *http.Response) error {
	x, ok := res.Request.Context().Value(exchangeKey{}).(*exchange)
	if !ok {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, openapi.MaxResponseBytes+1))
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(body))
	res.ContentLength = int64(len(body))
	res.Header.Set("Content-Length", strconv.Itoa(len(body)))

	x.entry.Operation = x.operation
	x.entry.Status = res.StatusCode
	x.entry.DurationMS = float64(time.Since(x.start).Microseconds()) / 1000
	if upstreamID := res.Header.Get(apierror.RequestIDHeader); upstreamID != "" {
		x.entry.RequestID = upstreamID
	}
	p.recorder.Requests.Add(x.entry)
	p.logger.Info("proxied", "request_id", x.entry.RequestID, "method", x.inbound.Method,
		"path", x.inbound.URL.Path, "operation", x.operation, "status", res.StatusCode, "duration_ms", x.entry.DurationMS)

	switch {
	case err != nil:
		p.violation(x, x.inbound, recording.KindResponse, res.StatusCode, "read response body: "+err.Error())
	case len(body) > openapi.MaxResponseBytes:
		p.violation(x, x.inbound, recording.KindResponse, res.StatusCode, "the response body exceeds the largest the contract allows")
	default:
		check := &http.Response{StatusCode: res.StatusCode, Header: res.Header, Request: x.inbound,
			Body: io.NopCloser(bytes.NewReader(body))}
		if verr := p.contract.ValidateResponse(context.WithoutCancel(res.Request.Context()), check); verr != nil {
			p.violation(x, x.inbound, recording.KindResponse, res.StatusCode, verr.Error())
		}
	}
	return nil
}

func (p *Proxy) violation(x *exchange, r *http.Request, kind string, status int, reason string) {
	p.recorder.Violation(recording.Violation{
		RequestID: x.id, Method: r.Method, Path: r.URL.Path,
		Operation: x.operation, Kind: kind, Status: status, Reason: reason,
	})
}
