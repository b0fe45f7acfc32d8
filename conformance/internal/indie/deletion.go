package indie

import "net/http"

// dayMillis is a day in the service's epoch milliseconds.
const dayMillis = 24 * 60 * 60 * 1000

// scheduleDeletion puts a secret in PENDING_DELETE for a recovery window of 7 to 30 days.
func (s *Server) scheduleDeletion(w http.ResponseWriter, q *request, name string, sec *secret) {
	var req struct {
		Days *int `json:"recovery_window_in_days"`
	}
	if !s.decode(w, q, &req) {
		return
	}
	switch {
	case req.Days == nil || (*req.Days < 7 || *req.Days > 30) && s.defect != DefectWindowUnchecked:
		s.invalid(w, "recovery_window_in_days is required, 7 to 30.")
		return
	case sec.state == statePendingDelete && s.defect != DefectScheduleTwice:
		s.fail(w, http.StatusBadRequest, "CSMS.0107", "The secret is already scheduled for deletion.")
		return
	}
	sec.state, sec.deleteAt, sec.updated = statePendingDelete, nowMillis()+int64(*req.Days)*dayMillis, nowMillis()
	if s.defect == DefectDueNow {
		sec.deleteAt = nowMillis()
	}
	if s.defect != DefectNoDeletionNotice {
		s.happened(name, sec, "SECRET_DELETED")
	}
	s.json(w, http.StatusOK, map[string]any{"secret": s.secretJSON(name, sec)})
}

// cancelDeletion returns a secret pending deletion to ENABLED.
func (s *Server) cancelDeletion(w http.ResponseWriter, _ *request, name string, sec *secret) {
	if sec.state != statePendingDelete && s.defect != DefectCancelAnything {
		s.fail(w, http.StatusBadRequest, "CSMS.0108", "No deletion of the secret is scheduled.")
		return
	}
	sec.state, sec.updated = stateEnabled, nowMillis()
	if s.defect != DefectCancelKeepsTime {
		sec.deleteAt = 0
	}
	s.json(w, http.StatusOK, map[string]any{"secret": s.secretJSON(name, sec)})
}
