package mock

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/csmskit/csmskit/mock/auth"
	"github.com/csmskit/csmskit/mock/secrets"
	"github.com/csmskit/csmskit/openapi"
	"github.com/csmskit/csmskit/openapi/apierror"
	"github.com/csmskit/csmskit/recording"
)

// call is one request on its way through the mock. ServeHTTP makes it; the steps fill it in;
// finish journals and logs it.
type call struct {
	id    string
	start time.Time // when it arrived, for its duration
	at    time.Time // the same moment by the mock's clock, for the journal
	r     *http.Request
	// w is the writer every step answers through; it keeps a copy of the answer in resp.
	w responseCapture
	// arrived is the request as it came (handlers may change r), for the response check; its
	// URL is arrivedURL. Both live in the call, which is recycled, as does resp's buffer.
	arrived    http.Request
	arrivedURL url.URL
	resp       *recording.Capture
	// headers are the arrived headers, redacted for the journal.
	headers map[string]string
	// body counts the request body as it is read and keeps its head for the journal.
	body *bodyTap

	admin         bool
	req           *matched
	allow         []string // the path's methods, when the method was wrong
	principal     auth.Principal
	authenticated bool
	fault         string // the injected fault and its source, if any
	// notified are the notification records the request wrote, for its journal entry.
	notified secrets.Notified
}

// matched is the operation a request is for, with what the pipeline knows of it.
type matched struct {
	*openapi.Request
	operation
}

// maxJournaledRequestBody is how much of a request body is kept to redact for the journal; a
// larger body (a blob) is journaled by its size only.
const maxJournaledRequestBody = 64 << 10

// initialCapture is the room the response copy starts with: most answers (errors, metadata, a
// backup of a small secret) fit in one allocation.
const initialCapture = 2 << 10

// calls recycles the per-request values: every answer is copied for the response check, and
// reusing the copy's buffer spares an allocation of the answer's size per request.
var calls = sync.Pool{New: func() any { return new(call) }}

// maxPooledCapture bounds the buffer a recycled call keeps; a larger one (a large backup's) is
// dropped.
const maxPooledCapture = 64 << 10

// begin names the request (X-Request-Id on every answer) and starts its journal entry.
func (s *Server) begin(w http.ResponseWriter, r *http.Request) *call {
	c := calls.Get().(*call)
	resp := c.resp
	if resp == nil {
		resp = &recording.Capture{}
		resp.Buf.Grow(initialCapture)
	}
	resp.Buf.Reset()
	resp.Total, resp.Limit = 0, openapi.MaxResponseBytes
	*c = call{id: apierror.NewRequestID(), start: time.Now(), at: s.clock.now(), r: r, resp: resp,
		headers: recording.Headers(r.Header), arrivedURL: *r.URL,
		w: responseCapture{ResponseWriter: w, body: resp}}
	c.arrived = http.Request{Method: r.Method, URL: &c.arrivedURL, Host: r.Host, Header: r.Header}
	w.Header().Set(apierror.RequestIDHeader, c.id)
	if r.Body != nil && r.Body != http.NoBody {
		c.body = &bodyTap{src: r.Body, limit: openapi.DefaultMaxBodyBytes, kept: recording.Capture{Limit: maxJournaledRequestBody}}
		r.Body = c.body
		// The mock may answer before it has read the body (a refusal, a body over the bound);
		// it then reads the rest after answering, so that the client can read the answer.
		_ = http.NewResponseController(w).EnableFullDuplex()
	}
	return c
}

// finish ends every request: a panic becomes the vendor's 500, the answer is checked against
// the contract, the request is journaled and logged, and a body the client is still sending
// is read to its end (within a bound) so that the client sees the answer rather than a reset.
func (s *Server) finish(c *call) {
	v := recover()
	if v != nil && v != http.ErrAbortHandler {
		// The panic value is not logged: it could hold request data.
		s.logger.Error("handler panicked", "request_id", c.id, "method", c.r.Method, "path", c.r.URL.Path)
		if !c.w.wroteHeader {
			c.closeIfUnread()
			s.writeError(&c.w, refused(failedHere, ""))
		}
	}
	if !c.admin {
		s.checkResponse(c)
	}
	end := time.Now()
	s.journal(c, end)
	s.accessLog(c, end)
	if v == http.ErrAbortHandler {
		panic(v)
	}
	c.drainBody(&c.w)
	c.release()
}

// release recycles the call, keeping only its answer buffer when it is small: nothing reads
// the call once finish has journaled and logged it.
func (c *call) release() {
	resp := c.resp
	if resp.Buf.Cap() > maxPooledCapture {
		resp = nil
	}
	*c = call{resp: resp}
	calls.Put(c)
}

// checkResponse records a violation when the answer breaks the contract. An injected fault
// breaks it on purpose.
func (s *Server) checkResponse(c *call) {
	if c.fault != "" {
		return
	}
	status := c.w.statusOr200()
	if c.w.body.Overflowed() {
		s.recorder.Violation(c.violation(recording.KindResponse, status, "the response body exceeds the largest the contract allows"))
		return
	}
	ctx, header, body := context.WithoutCancel(c.r.Context()), c.w.Header(), c.w.body.Buf.Bytes()
	var err error
	if c.req != nil {
		// Routed already: checked as the request arrived, without routing it again.
		answered := *c.req.Request
		answered.HTTP = &c.arrived
		err = answered.CheckResponse(ctx, status, header, body)
	} else {
		err = s.contract.CheckResponse(ctx, &c.arrived, status, header, body)
	}
	if err != nil {
		s.recorder.Violation(c.violation(recording.KindResponse, status, err.Error()))
	}
}

func (s *Server) journal(c *call, end time.Time) {
	status := c.w.statusOr200()
	entry := recording.Entry{
		Time: c.at.UTC(), RequestID: c.id, Method: c.arrived.Method, Path: c.arrived.URL.Path,
		Query: c.arrived.URL.RawQuery, Operation: c.operation(), Headers: c.headers, Status: status,
		DurationMS: float64(end.Sub(c.start).Microseconds()) / 1000, Fault: c.fault,
	}
	if c.authenticated {
		entry.Principal = c.principal.Name
	}
	if c.body != nil {
		entry.Body = c.body.kept.JournalBody()
	}
	if status >= 400 {
		entry.ErrorCode = errorCode(c.w.body.Buf.Bytes())
	}
	for _, r := range c.notified.Records {
		entry.Notifications = append(entry.Notifications, recording.Notification{
			Event: r.EventName, Type: r.EventType, Secret: r.SecretName, Status: r.Status,
			TargetType: r.TargetType, TargetID: r.TargetID, TargetName: r.TargetName,
		})
	}
	s.recorder.Requests.Add(entry)
}

// accessLog writes one structured line per request: never headers, bodies or credentials.
// The record goes straight to the handler: Logger.LogAttrs would also record the caller's
// program counter, which the mock's handlers never print, at a cost on every request.
func (s *Server) accessLog(c *call, end time.Time) {
	status := c.w.statusOr200()
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	ctx := c.r.Context()
	h := s.logger.Handler()
	if !h.Enabled(ctx, level) {
		return
	}
	rec := slog.NewRecord(end, level, "request", 0)
	rec.AddAttrs(
		slog.String("request_id", c.id),
		slog.String("method", c.arrived.Method),
		slog.String("path", c.arrived.URL.Path),
		slog.Int("status", status),
		slog.Int64("bytes", c.w.bytes),
		slog.Duration("duration", end.Sub(c.start)),
	)
	if op := c.operation(); op != "" {
		rec.AddAttrs(slog.String("operation", op))
	}
	if c.authenticated {
		rec.AddAttrs(slog.String("principal", c.principal.Name))
	}
	_ = h.Handle(ctx, rec)
}

// operation names the matched operation, or "" before routing.
func (c *call) operation() string {
	if c.req == nil {
		return ""
	}
	return c.req.OperationID()
}

func (c *call) violation(kind string, status int, reason string) recording.Violation {
	return recording.Violation{
		RequestID: c.id, Method: c.arrived.Method, Path: c.arrived.URL.Path,
		Operation: c.operation(), Kind: kind, Status: status, Reason: reason,
	}
}

func errorCode(body []byte) string {
	var b apierror.Body
	if err := json.Unmarshal(body, &b); err != nil {
		return ""
	}
	return b.ErrorCode
}

// The bound on reading what a client still sends after its answer: enough for any body an
// ordinary client sends by mistake (ten times the largest documented one), never forever.
const (
	maxDrainBytes = 64 << 20
	maxDrainTime  = 5 * time.Second
)

// bodyTap is the request body as the mock reads it: bounded (a read past the bound fails with
// *http.MaxBytesError, whoever reads first: the signature check or the body check), keeping
// its head for the journal, and knowing whether the client's body was read to its end.
type bodyTap struct {
	src   io.ReadCloser
	limit int64
	read  int64
	kept  recording.Capture
	eof   bool
	over  bool
}

func (b *bodyTap) Read(p []byte) (int, error) {
	if b.over {
		return 0, &http.MaxBytesError{Limit: b.limit}
	}
	if room := b.limit + 1 - b.read; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := b.src.Read(p)
	b.read += int64(n)
	_, _ = b.kept.Write(p[:n])
	if err == io.EOF {
		b.eof = true
	}
	if b.read > b.limit {
		b.over = true
		return n, &http.MaxBytesError{Limit: b.limit}
	}
	return n, err
}

func (b *bodyTap) Close() error { return b.src.Close() }

// closeIfUnread marks an answer sent before the request body was read to its end as the
// connection's last: what is left of the body is drained, not served.
func (c *call) closeIfUnread() {
	if c.body != nil && !c.body.eof {
		c.w.Header().Set("Connection", "close")
	}
}

// drainBody reads and discards what is left of the request body, within maxDrainBytes and
// maxDrainTime, after the answer has been sent: closing a connection with unread data makes
// the kernel reset it, and a client still sending would see "connection reset" instead of
// the answer (nginx's lingering close does the same).
func (c *call) drainBody(w http.ResponseWriter) {
	if c.body == nil || c.body.eof {
		return
	}
	rc := http.NewResponseController(w)
	if rc.Flush() != nil {
		return
	}
	_ = rc.SetReadDeadline(time.Now().Add(maxDrainTime))
	_, _ = io.CopyN(io.Discard, c.body.src, maxDrainBytes)
}

// responseCapture remembers what was written through it and keeps a bounded copy of the body
// for the response check and the journal.
type responseCapture struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
	body        *recording.Capture
}

func (s *responseCapture) WriteHeader(code int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *responseCapture) Write(b []byte) (int, error) {
	if !s.wroteHeader {
		s.WriteHeader(http.StatusOK)
	}
	_, _ = s.body.Write(b)
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// WriteString is Write for a string: io.WriteString, which the answers use, would otherwise
// copy each answer into a byte slice first.
func (s *responseCapture) WriteString(str string) (int, error) {
	if !s.wroteHeader {
		s.WriteHeader(http.StatusOK)
	}
	_, _ = s.body.WriteString(str)
	n, err := io.WriteString(s.ResponseWriter, str)
	s.bytes += int64(n)
	return n, err
}

// statusOr200 is the status sent, or the one net/http sends when the handler wrote nothing.
func (s *responseCapture) statusOr200() int {
	if s.wroteHeader {
		return s.status
	}
	return http.StatusOK
}

// Unwrap lets http.ResponseController reach the connection (flush, hijack, deadlines).
func (s *responseCapture) Unwrap() http.ResponseWriter { return s.ResponseWriter }
