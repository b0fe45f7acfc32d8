package apierror

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"unicode/utf8"
)

// Error is a vendor-shaped failure: a catalogue code, the status it is answered with and a
// message that says what was wrong.
type Error struct {
	Code   Code
	Status int
	Msg    string
}

// Limits of error_msg the published definitions give.
const (
	minMsgLen = 2
	maxMsgLen = 512
)

// New returns the code's error with the vendor's message followed by detail, if any.
func New(code Code, detail string) *Error {
	msg := code.Message()
	if detail != "" {
		msg = msg[:len(msg)-1] + ": " + detail
	}
	return &Error{Code: code, Status: code.Status(), Msg: clip(msg)}
}

// WithStatus returns a copy of e answered with another documented status.
func (e *Error) WithStatus(status int) *Error {
	c := *e
	c.Status = status
	return &c
}

// Error implements error.
func (e *Error) Error() string { return string(e.Code) + ": " + e.Msg }

// As returns err as an *Error, or an internal error that hides err's text from the client.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return New(InternalError, "")
}

// Body is the vendor's JSON error body.
type Body struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
}

// Write answers with e as the vendor's JSON error body, keeping or setting X-Request-Id.
func Write(w http.ResponseWriter, e *Error) {
	EnsureRequestID(w)
	var buf bytes.Buffer
	// Encoding two strings cannot fail.
	_ = json.NewEncoder(&buf).Encode(Body{ErrorCode: string(e.Code), ErrorMsg: e.Msg})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Del("Content-Length")
	w.WriteHeader(e.Status)
	_, _ = buf.WriteTo(w)
}

// RequestIDHeader is the response header that names the request.
const RequestIDHeader = "X-Request-Id"

// EnsureRequestID returns the response's X-Request-Id, setting a new one when there is none.
func EnsureRequestID(w http.ResponseWriter) string {
	if id := w.Header().Get(RequestIDHeader); id != "" {
		return id
	}
	id := NewRequestID()
	w.Header().Set(RequestIDHeader, id)
	return id
}

// NewRequestID returns 32 random hexadecimal characters, the shape of the vendor's request IDs.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
	return hex.EncodeToString(b[:])
}

// clip keeps a message within the documented 2–512 characters, cutting on a rune boundary.
func clip(msg string) string {
	if utf8.RuneCountInString(msg) < minMsgLen {
		return "Internal service error."
	}
	if utf8.RuneCountInString(msg) <= maxMsgLen {
		return msg
	}
	r := []rune(msg)
	return string(r[:maxMsgLen-3]) + "..."
}
