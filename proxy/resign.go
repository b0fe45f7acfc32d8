package proxy

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/csmskit/csmskit/aksk"
	"github.com/csmskit/csmskit/openapi/apierror"
	"github.com/csmskit/csmskit/recording"
)

// The vendor's Python, Java and Node signers put host among the signed headers. The proxy
// must send the upstream's Host, so a signature made for the proxy's address cannot reach the
// upstream intact. Given the AK/SK the applications sign with, the proxy verifies each
// signature as the service would and signs the request again for the upstream's host; without
// them it forwards what survives forwarding and refuses, saying why, what does not.

// Refusals of requests the proxy's setup cannot forward; the client broke nothing.
const (
	noCredentials = "the request's AK/SK signature covers the Host header, which the proxy must change to " +
		"reach the upstream; start the proxy with the application's access key (--ak/--sk, or CSMSMOCK_AK and " +
		"CSMSMOCK_SK) so that it verifies the signature and signs the request again"
	otherAccessKey = "the request is signed with an access key other than the one the proxy was given " +
		"(--ak or CSMSMOCK_AK); it verifies and signs again only for that one"
	cannotSignAgain = "the proxy cannot sign the request again for the upstream"
)

// signing is how one verified request is signed again: with the client's date, which keeps the
// upstream's 15-minute window a check of when the client signed, and its signed headers, host
// now valued as the upstream sees it.
type signing struct {
	date    time.Time
	headers []string
}

// refusal is a request the proxy answers itself instead of forwarding it.
type refusal struct {
	answer *apierror.Error
	// broken marks a request the service would refuse too: a request violation. Otherwise the
	// proxy's setup stops it, which is logged, not counted against the client.
	broken bool
}

// admitSigned decides what becomes of an AK/SK-signed request: forwarded as it is (both nil:
// no signature, a token beside it, or no credentials and a signature the forwarding leaves
// intact), signed again (a signing), or refused.
func (p *Proxy) admitSigned(r *http.Request) (*signing, *refusal) {
	if !aksk.Signed(r) || r.Header.Get("X-Auth-Token") != "" {
		// The upstream judges it: the service takes either credential that is valid, and a
		// token passes any proxy intact.
		return nil, nil
	}
	claim, err := aksk.ReadClaim(r)
	if p.cfg.AK == "" {
		if err != nil || !slices.Contains(claim.SignedHeaders, "host") || r.Host == p.cfg.Upstream.Host {
			return nil, nil
		}
		return nil, &refusal{answer: apierror.New(apierror.AuthenticationFailed, noCredentials)}
	}
	lookup := func(ak string) (string, bool) { return p.cfg.SK, ak == p.cfg.AK }
	if _, err := aksk.Verify(r, lookup, time.Now()); err != nil {
		if errors.Is(err, aksk.ErrUnknownAccessKey) {
			return nil, &refusal{answer: apierror.New(apierror.AuthenticationFailed, otherAccessKey)}
		}
		return nil, &refusal{answer: apierror.New(apierror.AuthenticationFailed, aksk.Problem(err)), broken: true}
	}
	return &signing{date: claim.Date, headers: claim.SignedHeaders}, nil
}

// refuse answers a refused request with the vendor's error body, records it and journals it.
func (p *Proxy) refuse(w http.ResponseWriter, x *exchange, r *http.Request, ref *refusal) {
	if ref.broken {
		p.violation(x, r, recording.KindRequest, ref.answer.Status, ref.answer.Msg)
	} else {
		p.logger.Warn("refused", "request_id", x.id, "method", r.Method, "path", r.URL.Path, "reason", ref.answer.Msg)
	}
	x.entry.Operation, x.entry.Status, x.entry.ErrorCode = x.operation, ref.answer.Status, string(ref.answer.Code)
	x.entry.DurationMS = float64(time.Since(x.start).Microseconds()) / 1000
	p.recorder.Requests.Add(x.entry)
	w.Header().Set(apierror.RequestIDHeader, x.id)
	apierror.Write(w, ref.answer)
}

// journalHeaders are the journaled headers with the access key the proxy holds hidden too: the
// journal keeps other callers' AKs, which say who called, but never writes down a credential
// the proxy was given.
func (p *Proxy) journalHeaders(h http.Header) map[string]string {
	headers := recording.Headers(h)
	if a, ok := headers["Authorization"]; ok && p.cfg.AK != "" {
		headers["Authorization"] = strings.ReplaceAll(a, "Access="+p.cfg.AK+",", "Access="+recording.Redacted+",")
	}
	return headers
}

// signingTransport signs again, as it leaves for the upstream, each request admitSigned chose
// to; the rest it sends as they are.
type signingTransport struct {
	next   http.RoundTripper
	ak, sk string
}

// signAgainError is Sign's refusal of a verified request (a signed header the forwarding
// dropped), for the error handler to answer as a refusal, not as an unreachable upstream.
type signAgainError struct{ err error }

func (e *signAgainError) Error() string { return cannotSignAgain + ": " + e.err.Error() }

func (t *signingTransport) RoundTrip(out *http.Request) (*http.Response, error) {
	x, _ := out.Context().Value(exchangeKey{}).(*exchange)
	if x == nil || x.signing == nil {
		return t.next.RoundTrip(out)
	}
	// A RoundTripper must not change the request it is given: the copy is signed.
	signed := out.Clone(out.Context())
	if err := aksk.Sign(signed, t.ak, t.sk, x.signing.date, x.signing.headers...); err != nil {
		return nil, &signAgainError{err}
	}
	return t.next.RoundTrip(signed)
}
