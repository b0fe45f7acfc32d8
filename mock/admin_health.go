package mock

import (
	"net/http"

	"github.com/csmskit/csmskit/mock/store"
	"github.com/csmskit/csmskit/recording"
)

// healthReport is what GET /__admin/health answers.
type healthReport struct {
	Status      string `json:"status"` // "ok", or "not ready"
	Live        bool   `json:"live"`
	Ready       bool   `json:"ready"`
	Store       string `json:"store"`    // "ok", or why the store cannot be read
	Fixtures    string `json:"fixtures"` // "loaded", or "loading" during a reset
	BackupKeyID string `json:"backup_key_id"`
}

// health checks the store with a read and reports whether what the mock starts with is loaded.
func (s *Server) health() healthReport {
	h := healthReport{Live: true, Store: "ok", Fixtures: "loaded", BackupKeyID: s.key.ID()}
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
