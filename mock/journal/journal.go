// Package journal keeps the mock's bounded records: the requests it served and the contract
// violations it saw, each in a ring that drops the oldest entry when full, so a long CI run
// cannot exhaust memory.
package journal

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/csmskit/csmskit/openapi/apierror"
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

// Ring is a bounded, concurrency-safe list that keeps the newest entries.
type Ring[T any] struct {
	mu      sync.Mutex
	items   []T
	next    int // where the next item goes once the ring is full
	dropped uint64
	size    int
}

// NewRing returns a ring holding at most size items (at least 1).
func NewRing[T any](size int) *Ring[T] {
	size = max(size, 1)
	return &Ring[T]{size: size, items: make([]T, 0, min(size, 1024))}
}

// Add appends v, dropping the oldest item when the ring is full.
func (r *Ring[T]) Add(v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.items) < r.size {
		r.items = append(r.items, v)
		return
	}
	r.items[r.next] = v
	r.next = (r.next + 1) % r.size
	r.dropped++
}

// Snapshot returns the items, oldest first, and how many were dropped to keep the bound.
func (r *Ring[T]) Snapshot() ([]T, uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]T, 0, len(r.items))
	out = append(out, r.items[r.next:]...)
	out = append(out, r.items[:r.next]...)
	return out, r.dropped
}

// Len returns how many items the ring holds.
func (r *Ring[T]) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.items)
}

// Clear empties the ring.
func (r *Ring[T]) Clear() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.items, r.next, r.dropped = r.items[:0], 0, 0
}

// Recorder holds a server's journal and violations.
type Recorder struct {
	Requests   *Ring[Entry]
	Violations *Ring[Violation]
}

// Default bounds.
const (
	DefaultJournalSize   = 1000
	DefaultViolationSize = 1000
)

// NewRecorder returns a recorder with the given bounds (defaults for zero).
func NewRecorder(journalSize, violationSize int) *Recorder {
	if journalSize == 0 {
		journalSize = DefaultJournalSize
	}
	if violationSize == 0 {
		violationSize = DefaultViolationSize
	}
	return &Recorder{Requests: NewRing[Entry](journalSize), Violations: NewRing[Violation](violationSize)}
}

// Register serves the recorder's admin endpoints on mux: GET and DELETE of
// /__admin/journal and /__admin/violations.
func (rec *Recorder) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /__admin/journal", func(w http.ResponseWriter, _ *http.Request) {
		items, dropped := rec.Requests.Snapshot()
		WriteJSON(w, http.StatusOK, map[string]any{"requests": items, "dropped": dropped})
	})
	mux.HandleFunc("DELETE /__admin/journal", func(w http.ResponseWriter, _ *http.Request) {
		rec.Requests.Clear()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /__admin/violations", func(w http.ResponseWriter, _ *http.Request) {
		items, dropped := rec.Violations.Snapshot()
		WriteJSON(w, http.StatusOK, ViolationReport{Violations: items, Dropped: dropped})
	})
	mux.HandleFunc("DELETE /__admin/violations", func(w http.ResponseWriter, _ *http.Request) {
		rec.Violations.Clear()
		w.WriteHeader(http.StatusNoContent)
	})
}

// ViolationReport is what GET /__admin/violations answers.
type ViolationReport struct {
	Violations []Violation `json:"violations"`
	Dropped    uint64      `json:"dropped"`
}

// WriteJSON answers v as indented JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// Guard requires token, when it is not empty, as "Authorization: Bearer <token>", compared in
// constant time; others get the vendor's 401 body.
func Guard(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(got))
		if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 || !bearer {
			apierror.Write(w, apierror.New(apierror.AuthenticationFailed, "the admin API needs its token as Authorization: Bearer <token>"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
