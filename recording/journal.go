// Package recording keeps what the mock and the proxy saw: a bounded journal of the requests
// served, a bounded log of contract violations, the redaction that keeps secrets out of both,
// and the admin API (with its guard) that reads them.
package recording

import (
	"log/slog"
	"net/http"
	"time"
)

// Entry is one served request, with nothing secret in it.
type Entry struct {
	Time       time.Time         `json:"time"`
	RequestID  string            `json:"request_id"`
	Method     string            `json:"method"`
	Path       string            `json:"path"`
	Query      string            `json:"query,omitempty"`
	Operation  string            `json:"operation,omitempty"`
	Principal  string            `json:"principal,omitempty"`
	Headers    map[string]string `json:"headers,omitempty"` // redacted
	Body       string            `json:"body,omitempty"`    // redacted and cut
	Status     int               `json:"status"`
	ErrorCode  string            `json:"error_code,omitempty"`
	DurationMS float64           `json:"duration_ms"`
	Fault      string            `json:"fault,omitempty"`
	// Notifications are the notification records the request made (the mock sends none):
	// which event, for what, of which secret, to which target. Never a secret's value.
	Notifications []Notification `json:"notifications,omitempty"`
}

// Notification is a notification record a request made, as its journal entry names it.
type Notification struct {
	Event      string `json:"event"`
	Type       string `json:"type"`
	Secret     string `json:"secret"`
	TargetType string `json:"target_type"`
	TargetID   string `json:"target_id"`
	TargetName string `json:"target_name"`
	Status     string `json:"status"`
}

// Violation is a request or response that breaks the contract.
type Violation struct {
	Time      time.Time `json:"time"`
	RequestID string    `json:"request_id"`
	Method    string    `json:"method"`
	Path      string    `json:"path"`
	Operation string    `json:"operation,omitempty"`
	// Kind is "request" (the client broke the contract) or "response" (the server did).
	Kind   string `json:"kind"`
	Status int    `json:"status,omitempty"`
	Reason string `json:"reason"`
}

// Violation kinds.
const (
	KindRequest  = "request"
	KindResponse = "response"
)

// Default bounds.
const (
	DefaultJournalSize   = 1000
	DefaultViolationSize = 1000
)

// Recorder holds a server's journal and violations.
type Recorder struct {
	Requests   *Ring[Entry]
	Violations *Ring[Violation]
	// Logger hears of every violation; nil discards.
	Logger *slog.Logger
}

// NewRecorder returns a recorder with the given bounds (defaults for zero).
func NewRecorder(journalSize, violationSize int) *Recorder {
	if journalSize == 0 {
		journalSize = DefaultJournalSize
	}
	if violationSize == 0 {
		violationSize = DefaultViolationSize
	}
	return &Recorder{Requests: newRing[Entry](journalSize), Violations: newRing[Violation](violationSize)}
}

// Violation records v and logs it as a warning.
func (rec *Recorder) Violation(v Violation) {
	if v.Time.IsZero() {
		v.Time = time.Now().UTC()
	}
	rec.Violations.Add(v)
	if rec.Logger != nil {
		rec.Logger.Warn("contract violation", "request_id", v.RequestID, "kind", v.Kind, "method", v.Method,
			"path", v.Path, "status", v.Status, "reason", v.Reason)
	}
}

// Clear empties the journal and the violation log.
func (rec *Recorder) Clear() {
	rec.Requests.reset()
	rec.Violations.reset()
}

// Arrival is a request as it arrived, kept for the journal and the response check: handlers
// may change the request they are given.
func Arrival(r *http.Request) *http.Request {
	u := *r.URL
	return &http.Request{Method: r.Method, URL: &u, Host: r.Host, Header: r.Header}
}
