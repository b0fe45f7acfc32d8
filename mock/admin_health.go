package mock

import (
	"errors"
	"net/http"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/csmskit/csmskit/mock/store"
	"github.com/csmskit/csmskit/openapi/apierror"
	"github.com/csmskit/csmskit/recording"
)

// Health is what GET /__admin/health answers.
type Health struct {
	Status      string `json:"status"` // "ok", or "not ready"
	Live        bool   `json:"live"`
	Ready       bool   `json:"ready"`
	Store       string `json:"store"`    // "ok", or why the store cannot be read
	Fixtures    string `json:"fixtures"` // "loaded", or "loading" during a reset
	BackupKeyID string `json:"backup_key_id"`
}

// health checks the store with a read and reports whether what the mock starts with is loaded.
func (s *Server) health() Health {
	h := Health{Live: true, Store: "ok", Fixtures: "loaded", BackupKeyID: s.key.ID()}
	if err := s.store.View(func(store.Tx) error { return nil }); err != nil {
		h.Store = "unreachable: " + err.Error()
	}
	if !s.ready.Load() {
		h.Fixtures = "loading"
	}
	h.Ready = h.Store == "ok" && h.Fixtures == "loaded"
	h.Status = "ok"
	if !h.Ready {
		h.Status = "not ready"
	}
	return h
}

// healthRoutes: /__admin/health (everything), /live (the process answers) and /ready (the
// store answers and the fixtures are loaded), for liveness and readiness probes.
func (s *Server) healthRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /__admin/health", func(w http.ResponseWriter, _ *http.Request) {
		h := s.health()
		recording.WriteJSON(w, statusOf(h.Ready), h)
	})
	mux.HandleFunc("GET /__admin/health/live", func(w http.ResponseWriter, _ *http.Request) {
		recording.WriteJSON(w, http.StatusOK, map[string]string{"status": "live"})
	})
	mux.HandleFunc("GET /__admin/health/ready", func(w http.ResponseWriter, _ *http.Request) {
		h := s.health()
		recording.WriteJSON(w, statusOf(h.Ready), h)
	})
}

func statusOf(ready bool) int {
	if ready {
		return http.StatusOK
	}
	return http.StatusServiceUnavailable
}

// ClockState is what the clock endpoints answer.
type ClockState struct {
	Now    time.Time `json:"now"`
	Offset string    `json:"offset"` // from the configured clock, as a Go duration
	Real   bool      `json:"real"`   // no offset
}

// clockChange is what POST /__admin/clock takes: exactly one of the two.
type clockChange struct {
	Set     *time.Time `json:"set"`     // RFC 3339
	Advance string     `json:"advance"` // a Go duration, e.g. "168h" or "-15m"
}

// clockRoutes: GET /__admin/clock, POST it to set or advance the time, DELETE it to return to
// the configured clock.
func (s *Server) clockRoutes(mux *http.ServeMux) {
	answer := func(w http.ResponseWriter) {
		off := s.clock.Offset()
		recording.WriteJSON(w, http.StatusOK, ClockState{Now: s.clock.Now().UTC(), Offset: off.String(), Real: off == 0})
	}
	mux.HandleFunc("GET /__admin/clock", func(w http.ResponseWriter, _ *http.Request) { answer(w) })
	mux.HandleFunc("POST /__admin/clock", func(w http.ResponseWriter, r *http.Request) {
		var c clockChange
		if err := decodeJSON(w, r, &c); err != nil {
			apierror.Write(w, apierror.New(apierror.MalformedBody, err.Error()))
			return
		}
		switch {
		case (c.Set == nil) == (c.Advance == ""):
			apierror.Write(w, apierror.New(apierror.InvalidParameter, `give exactly one of "set" (RFC 3339) and "advance" (a duration such as "168h")`))
			return
		case c.Set != nil:
			s.clock.Set(*c.Set)
		default:
			d, err := time.ParseDuration(c.Advance)
			if err != nil {
				apierror.Write(w, apierror.New(apierror.InvalidParameter, "advance: "+err.Error()))
				return
			}
			s.clock.Advance(d)
		}
		answer(w)
	})
	mux.HandleFunc("DELETE /__admin/clock", func(w http.ResponseWriter, _ *http.Request) {
		s.clock.Reset()
		answer(w)
	})
}

// errUnguardedValues refuses an export of values from an admin API anyone may call.
var errUnguardedValues = errors.New("values are exported only when the admin API is guarded (--admin-token)")

// stateRoutes: GET /__admin/state answers the state as a fixtures file; ?values=true adds the
// secrets' values and the credentials, and needs a guarded admin API.
func (s *Server) stateRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /__admin/state", func(w http.ResponseWriter, r *http.Request) {
		values := r.URL.Query().Get("values") == "true"
		if values && s.adminToken == "" {
			apierror.Write(w, apierror.New(apierror.AccessDenied, errUnguardedValues.Error()))
			return
		}
		fx, err := s.State(values)
		if err != nil {
			s.logger.Error("state export failed", "error", err)
			apierror.Write(w, apierror.New(apierror.InternalError, ""))
			return
		}
		out, err := yaml.Marshal(fx)
		if err != nil {
			s.logger.Error("state export failed", "error", err)
			apierror.Write(w, apierror.New(apierror.InternalError, ""))
			return
		}
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(out)
	})
}
