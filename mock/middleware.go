package mock

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/csmskit/csmskit/mock/auth"
	"github.com/csmskit/csmskit/openapi"
	"github.com/csmskit/csmskit/openapi/apierror"
)

// requestInfo is what inner steps learn of a request for the outer ones (the access log):
// contexts flow inward only, so inner steps fill this shared record instead.
type requestInfo struct {
	id        string
	operation string
	fault     string // the injected fault and its source, if any
}

type requestInfoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	if info, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		return info
	}
	return &requestInfo{}
}

// RequestID returns the ID the mock gave the request (also its X-Request-Id response header).
func RequestID(ctx context.Context) string { return infoFrom(ctx).id }

// withRequestID names every request and every response, errors included.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := &requestInfo{id: apierror.NewRequestID()}
		w.Header().Set(apierror.RequestIDHeader, info.id)
		ctx := context.WithValue(r.Context(), requestInfoKey{}, info)
		next.ServeHTTP(w, r.WithContext(auth.WithSlot(ctx)))
	})
}

// recordOperation notes the operation the request validator matched.
func recordOperation(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if route, ok := openapi.RouteFromContext(r.Context()); ok {
			infoFrom(r.Context()).operation = route.Operation.OperationID
		}
		next.ServeHTTP(w, r)
	})
}

// withRecovery turns a panic into the vendor's 500 body, so the client gets JSON and the
// server keeps serving. http.ErrAbortHandler is passed on: it is a deliberate abort.
func withRecovery(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			// The panic value is not logged: it could hold request data.
			logger.Error("handler panicked", "request_id", RequestID(r.Context()), "method", r.Method, "path", r.URL.Path)
			if !rec.wroteHeader {
				apierror.Write(w, apierror.New(apierror.InternalError, ""))
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// withAccessLog logs one structured line per request: never headers, bodies or credentials.
func withAccessLog(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := rec.statusOr200()
		attrs := []slog.Attr{
			slog.String("request_id", RequestID(r.Context())),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", status),
			slog.Int64("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
		}
		if op := infoFrom(r.Context()).operation; op != "" {
			attrs = append(attrs, slog.String("operation", op))
		}
		if p, ok := auth.PrincipalFrom(r.Context()); ok {
			attrs = append(attrs, slog.String("principal", p.Name))
		}
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		logger.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// statusRecorder remembers what was written through it and, when body is set, keeps a
// bounded copy of the body.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
	body        *capture
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if !s.wroteHeader {
		s.WriteHeader(http.StatusOK)
	}
	if s.body != nil {
		_, _ = s.body.Write(b)
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// statusOr200 is the status sent, or the one net/http sends when the handler wrote nothing.
func (s *statusRecorder) statusOr200() int {
	if s.wroteHeader {
		return s.status
	}
	return http.StatusOK
}

// Unwrap lets http.ResponseController reach the connection (flush, hijack, deadlines).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
