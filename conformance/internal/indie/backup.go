package indie

import (
	"encoding/json"
	"net/http"
	"slices"
)

// backup answers a sealed snapshot of the secret with every version, its metadata and tags.
// A secret pending deletion is not backed up: the backup page's 400 CSMS.0103.
func (s *Server) backup(w http.ResponseWriter, _ *request, name string, sec *secret) {
	if sec.state == statePendingDelete && s.defect != DefectPendingBackup {
		s.fail(w, http.StatusBadRequest, "CSMS.0103", "The secret is scheduled for deletion.")
		return
	}
	if last, ok := s.last[name]; ok && s.defect == DefectSameBlob {
		s.writeBlob(w, last)
		return
	}
	snap := snapshot{Name: name, Description: sec.description, SecretType: sec.secretType, KMSKeyID: sec.kmsKeyID,
		Versions: slices.Clone(sec.versions), Next: sec.nextVersion, Tags: slices.Clone(sec.tags), Extra: sec.extra}
	blob, err := s.seal(snap)
	if err != nil {
		s.fail(w, http.StatusInternalServerError, "CSMS.0001", "Sealing the backup failed.")
		return
	}
	s.issued[blob] = snap
	if segs := splitDots(blob); len(segs) > 1 {
		s.issued[segs[1]] = snap
	}
	s.last[name] = blob
	s.writeBlob(w, blob)
}

func (s *Server) writeBlob(w http.ResponseWriter, blob string) {
	status := http.StatusOK
	if s.defect == DefectBackup201 {
		status = http.StatusCreated
	}
	if s.defect == DefectBackupAsText {
		b, _ := json.Marshal(map[string]string{"secret_blob": blob})
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		_, _ = w.Write(b)
		return
	}
	s.json(w, status, map[string]string{"secret_blob": blob})
}

// restore recreates a secret from a backup this server sealed, unless one of that name exists.
func (s *Server) restore(w http.ResponseWriter, q *request) {
	var req struct {
		Blob string `json:"secret_blob"`
	}
	if json.Unmarshal(q.body, &req) != nil || req.Blob == "" {
		s.fail(w, http.StatusBadRequest, "CSMS.0004", "The body must be JSON with secret_blob.")
		return
	}
	snap, err := s.open(req.Blob)
	if err != nil {
		if s.defect != DefectRestoreAnyString {
			s.invalid(w, "That is not a backup this service can restore.")
			return
		}
		snap = snapshot{Name: "restored-" + randomHex(4), SecretType: "COMMON", KMSKeyID: defaultKMSKey}
	}
	if s.secrets[snap.Name] != nil && s.defect != DefectRestoreOverwrites {
		s.fail(w, http.StatusBadRequest, "CSMS.0003", "A secret of that name exists; delete it first.")
		return
	}
	if len(s.secrets) >= quota {
		s.fail(w, http.StatusBadRequest, "CSMS.0202", "The project holds 500 secrets, the most it may.")
		return
	}
	vs := slices.Clone(snap.Versions)
	switch s.defect {
	case DefectRestoreNewestOnly:
		if len(vs) > 1 {
			vs = vs[len(vs)-1:]
		}
	case DefectRestoreLosesStage:
		for i := range vs {
			vs[i].Stages = nil
		}
	}
	now := nowMillis()
	sec := &secret{id: uuid(), created: now, updated: now, description: snap.Description, kmsKeyID: snap.KMSKeyID,
		secretType: snap.SecretType, state: stateEnabled, extra: snap.Extra, versions: vs, nextVersion: snap.Next,
		stageTimes: map[string]int64{}, tags: slices.Clone(snap.Tags)}
	if n := len(sec.tags); n > 1 && s.defect == DefectRestoreForgetsTag {
		sec.tags = sec.tags[:n-1]
	}
	if sec.extra == nil {
		sec.extra = map[string]json.RawMessage{}
	}
	for _, st := range sec.stageNames() {
		sec.stageTimes[st] = now
	}
	s.secrets[snap.Name] = sec
	s.json(w, http.StatusOK, map[string]any{"secret": s.secretJSON(snap.Name, sec)})
}
