package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/csmskit/csmskit/mock/auth"
	"github.com/csmskit/csmskit/mock/journal"
	"github.com/csmskit/csmskit/openapi"
	"github.com/csmskit/csmskit/openapi/apierror"
)

// maxJournaledRequestBody is how much of a request body is kept to redact for the journal; a
// larger body (a blob) is journaled by its size only.
const maxJournaledRequestBody = 64 << 10

// initialCapture is the room the response copy starts with: most answers (errors, metadata, a
// backup of a small secret) fit, so the copy is one allocation rather than a series of growths.
const initialCapture = 2 << 10

// withRecording journals every request and checks every response against the contract,
// recording the ones that break it. The response is sent as the handler wrote it.
func (s *Server) withRecording(contract *openapi.Contract, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		reqBody := &capture{limit: maxJournaledRequestBody}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.TeeReader(r.Body, reqBody), r.Body}
		}
		// The request as it arrived, for the journal and the response check: handlers may
		// change r. The journal keeps a redacted copy of the headers; the check needs only the
		// method and the URL.
		headers := journal.Headers(r.Header)
		arrived := &http.Request{Method: r.Method, URL: cloneURL(r.URL), Host: r.Host}
		rec := &statusRecorder{ResponseWriter: w, body: &capture{limit: openapi.MaxResponseBytes}}
		rec.body.buf.Grow(initialCapture)
		next.ServeHTTP(rec, r)

		info := infoFrom(r.Context())
		status := rec.statusOr200()
		entry := journal.Entry{
			Time: start.UTC(), RequestID: info.id, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			Operation: info.operation, Headers: headers, Status: status,
			DurationMS: float64(time.Since(start).Microseconds()) / 1000, Fault: info.fault,
		}
		if p, ok := auth.PrincipalFrom(r.Context()); ok {
			entry.Principal = p.Name
		}
		if reqBody.overflow {
			entry.Body = "[" + strconv.Itoa(reqBody.total) + " bytes]"
		} else {
			entry.Body = journal.Body(reqBody.buf.Bytes())
		}
		if status >= 400 {
			entry.ErrorCode = errorCode(rec.body.buf.Bytes())
		}
		s.recorder.Requests.Add(entry)

		if info.fault != "" {
			return // an injected fault breaks the contract on purpose
		}
		if rec.body.overflow {
			s.violation(r, info, journal.KindResponse, status, "the response body exceeds the largest the contract allows")
			return
		}
		err := contract.CheckResponse(context.WithoutCancel(r.Context()), arrived, status, rec.Header(), rec.body.buf.Bytes())
		if err != nil {
			s.violation(r, info, journal.KindResponse, status, err.Error())
		}
	})
}

func (s *Server) violation(r *http.Request, info *requestInfo, kind string, status int, reason string) {
	s.recorder.Violations.Add(journal.Violation{
		Time: time.Now().UTC(), RequestID: info.id, Method: r.Method, Path: r.URL.Path,
		Operation: info.operation, Kind: kind, Status: status, Reason: reason,
	})
	s.logger.Warn("contract violation", "request_id", info.id, "kind", kind, "method", r.Method,
		"path", r.URL.Path, "status", status, "reason", reason)
}

// requestViolation is the request validator's OnViolation hook.
func (s *Server) requestViolation(r *http.Request, e *apierror.Error) {
	s.violation(r, infoFrom(r.Context()), journal.KindRequest, e.Status, string(e.Code)+": "+e.Msg)
}

func errorCode(body []byte) string {
	var b apierror.Body
	if err := json.Unmarshal(body, &b); err != nil {
		return ""
	}
	return b.ErrorCode
}

func cloneURL(u *url.URL) *url.URL {
	c := *u
	return &c
}

// capture keeps the first limit bytes written to it and counts the rest.
type capture struct {
	buf      bytes.Buffer
	limit    int
	total    int
	overflow bool
}

func (c *capture) Write(p []byte) (int, error) {
	c.total += len(p)
	if room := c.limit - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(room, len(p))])
	}
	if c.total > c.limit {
		c.overflow = true
	}
	return len(p), nil
}
