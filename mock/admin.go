package mock

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/csmskit/csmskit/mock/fault"
	"github.com/csmskit/csmskit/mock/fixtures"
	"github.com/csmskit/csmskit/recording"
)

// maxAdminBody bounds an admin request body (a fixtures file or a rule).
const maxAdminBody = fixtures.MaxFileBytes

// adminRoutes serves the admin API (under recording.AdminPrefix): health, clock, state export,
// journal, violations, fault rules, fixtures, reset.
func (s *Server) adminRoutes() http.Handler {
	mux := s.recorder.AdminMux()
	s.healthRoutes(mux)
	s.clockRoutes(mux)
	s.stateExportRoutes(mux)
	mux.HandleFunc("GET /__admin/faults", func(w http.ResponseWriter, _ *http.Request) {
		rules, err := s.faults.List()
		if err != nil {
			s.adminFailed(w, "list fault rules", err)
			return
		}
		recording.WriteJSON(w, http.StatusOK, map[string]any{"rules": rules})
	})
	mux.HandleFunc("POST /__admin/faults", func(w http.ResponseWriter, r *http.Request) {
		var rule fault.Rule
		if err := decodeJSON(w, r, &rule); err != nil {
			s.writeError(w, refused(badBody, err.Error()))
			return
		}
		added, err := s.faults.Add(rule)
		if err != nil {
			s.refuseRule(w, err)
			return
		}
		recording.WriteJSON(w, http.StatusCreated, added)
	})
	mux.HandleFunc("DELETE /__admin/faults", func(w http.ResponseWriter, _ *http.Request) {
		if err := s.faults.Clear(); err != nil {
			s.adminFailed(w, "clear fault rules", err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("DELETE /__admin/faults/{id}", func(w http.ResponseWriter, r *http.Request) {
		found, err := s.faults.Remove(r.PathValue("id"))
		if err != nil {
			s.adminFailed(w, "remove a fault rule", err)
			return
		}
		if !found {
			s.writeError(w, refused(unknownRule, "no fault rule "+r.PathValue("id")))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /__admin/fixtures", func(w http.ResponseWriter, r *http.Request) {
		data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAdminBody))
		if err != nil {
			s.writeError(w, refused(adminBodyTooLarge, err.Error()))
			return
		}
		fx, err := fixtures.Parse(data)
		if err != nil {
			s.writeError(w, refused(badParameter, "fixtures: "+err.Error()))
			return
		}
		if err := s.applyFixtures(fx, false); err != nil {
			s.refuseFixtures(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /__admin/reset", func(w http.ResponseWriter, _ *http.Request) {
		if err := s.reset(); err != nil {
			s.adminFailed(w, "reset", err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	return recording.Guard(s.adminToken, mux)
}

func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAdminBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON value")
	}
	return nil
}

// reset returns the mock to how it started: the secrets, the account's agencies, journal,
// violations and fault rules are dropped, users get back the passwords they were given, then
// the configured fixtures (or the demo secret) are loaded again. Credentials and the backup
// key stay.
// The mock is not ready while it resets. The clock stays where it is.
func (s *Server) reset() error {
	s.ready.Store(false)
	if err := s.service.DropAll(); err != nil {
		return err
	}
	if err := s.account.DropAll(); err != nil {
		return err
	}
	if err := s.auth.ForgetChangedPasswords(); err != nil {
		return err
	}
	s.recorder.Clear()
	if err := s.faults.Clear(); err != nil {
		return err
	}
	if err := s.loadInitial(); err != nil {
		return err
	}
	s.ready.Store(true)
	return nil
}
