package indie

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
)

// secretJSON is a Secret as the reference pages describe it; an unscheduled deletion is null.
func secretJSON(name string, sec *secret) map[string]any {
	return map[string]any{
		"id": sec.id, "name": name, "state": "ENABLED", "secret_type": "COMMON",
		"create_time": sec.created, "update_time": sec.created, "scheduled_delete_time": nil,
	}
}

func metadataJSON(name string, v version) map[string]any {
	m := map[string]any{"id": v.ID, "secret_name": name, "create_time": v.Created}
	if len(v.Stages) > 0 {
		m["version_stages"] = v.Stages
	}
	return m
}

func (s *Server) create(w http.ResponseWriter, body []byte) {
	var req struct {
		Name  string  `json:"name"`
		Value *string `json:"secret_string"`
	}
	if json.Unmarshal(body, &req) != nil || req.Value == nil || !s.names.MatchString(req.Name) {
		s.fail(w, http.StatusBadRequest, "CSMS.0004", "The body must be JSON with name and secret_string.")
		return
	}
	if s.secrets[req.Name] != nil {
		s.fail(w, http.StatusBadRequest, "CSMS.0003", "A secret of that name exists.")
		return
	}
	sec := &secret{id: uuid(), created: nowMillis(), versions: []version{{ID: "v1", Value: *req.Value, Stages: []string{"SYSCURRENT"}, Created: nowMillis()}}}
	s.secrets[req.Name] = sec
	status := http.StatusOK
	if s.defect == DefectCreate201 {
		status = http.StatusCreated
	}
	s.json(w, status, map[string]any{"secret": secretJSON(req.Name, sec)})
}

func uuid() string {
	h := randomHex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (s *Server) remove(w http.ResponseWriter, name string) {
	switch s.defect {
	case DefectDeleteKeeps:
	case DefectDeleteKeepsVer:
		// The name is gone from the index, but its versions still answer.
		s.ghosts = append(s.ghosts, ghost{name, s.secrets[name]})
		delete(s.secrets, name)
	default:
		delete(s.secrets, name)
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) backup(w http.ResponseWriter, name string, sec *secret) {
	if last, ok := s.last[name]; ok && s.defect == DefectSameBlob {
		s.writeBlob(w, last)
		return
	}
	snap := snapshot{Name: name, Versions: slices.Clone(sec.versions)}
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

func (s *Server) addVersion(w http.ResponseWriter, name string, sec *secret, body []byte) {
	var req struct {
		Value *string `json:"secret_string"`
	}
	if json.Unmarshal(body, &req) != nil || req.Value == nil {
		s.fail(w, http.StatusBadRequest, "CSMS.0004", "The body must be JSON with secret_string.")
		return
	}
	for i := range sec.versions {
		sec.versions[i].Stages = nil
	}
	if n := len(sec.versions); n > 0 {
		sec.versions[n-1].Stages = []string{"SYSPREVIOUS"}
	}
	v := version{ID: "v" + strconv.Itoa(len(sec.versions)+1), Value: *req.Value, Stages: []string{"SYSCURRENT"}, Created: nowMillis()}
	sec.versions = append(sec.versions, v)
	s.json(w, http.StatusOK, map[string]any{"version_metadata": metadataJSON(name, v)})
}

func (s *Server) showVersion(w http.ResponseWriter, name string, sec *secret, id string) {
	for _, v := range sec.versions {
		if v.ID == id {
			s.json(w, http.StatusOK, map[string]any{"version": map[string]any{
				"version_metadata": metadataJSON(name, v), "secret_string": v.Value,
			}})
			return
		}
	}
	s.fail(w, http.StatusBadRequest, "CSMS.0005", "No version of that ID.")
}

func (s *Server) restore(w http.ResponseWriter, body []byte) {
	var req struct {
		Blob string `json:"secret_blob"`
	}
	if json.Unmarshal(body, &req) != nil || req.Blob == "" {
		s.fail(w, http.StatusBadRequest, "CSMS.0004", "The body must be JSON with secret_blob.")
		return
	}
	snap, err := s.open(req.Blob)
	if err != nil {
		if s.defect != DefectRestoreAnyString {
			s.fail(w, http.StatusBadRequest, "CSMS.0002", "That is not a backup this service can restore.")
			return
		}
		snap = snapshot{Name: "restored-" + randomHex(4)}
	}
	if s.secrets[snap.Name] != nil && s.defect != DefectRestoreOverwrites {
		s.fail(w, http.StatusBadRequest, "CSMS.0003", "A secret of that name exists; delete it first.")
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
	sec := &secret{id: uuid(), created: nowMillis(), versions: vs}
	s.secrets[snap.Name] = sec
	s.json(w, http.StatusOK, map[string]any{"secret": secretJSON(snap.Name, sec)})
}
