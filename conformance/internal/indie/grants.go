package indie

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"unicode"
)

// Grants, batch import and the secrets checker, from the CreateGrants, ListGrants, UpdateGrant,
// DeleteGrant, BatchImportSecrets, CheckSecrets, ShowSecretsConfig and UpdateSecretsConfig
// pages and the SDK's models. Where the pages leave a choice, this server takes the other
// reading from the mock's: granting a grantee again replaces its grant, and strength checking
// is off until a project turns it on.

// grant is one grant of a secret to a user or user group.
type grant struct {
	uuid, kind, granteeType, grantee string
	created, updated, validity       int64
}

// grantRequest is the body of CreateGrants and UpdateGrant.
type grantRequest struct {
	ResourceID  string `json:"resource_id"`
	Type        string `json:"type"`
	GranteeType string `json:"grantee_type"`
	Grantee     string `json:"grantee_target_id"`
	Validity    string `json:"validity_time"`
}

// secretByID returns the secret with the given id, nil when there is none.
func (s *Server) secretByID(id string) (string, *secret) {
	for name, sec := range s.secrets {
		if sec.id == id {
			return name, sec
		}
	}
	return "", nil
}

// readGrant reads a grant's body and finds its secret; it answers 4xx and reports false when
// it cannot.
func (s *Server) readGrant(w http.ResponseWriter, q *request) (grantRequest, int64, bool) {
	var req grantRequest
	if !s.decode(w, q, &req) {
		return req, 0, false
	}
	var validity int64
	if req.Validity != "" {
		n, err := strconv.ParseInt(req.Validity, 10, 64)
		if err != nil {
			s.invalid(w, "validity_time is a time in milliseconds.")
			return req, 0, false
		}
		validity = n
	}
	switch {
	case req.ResourceID == "" || req.Grantee == "" || (req.GranteeType != "0" && req.GranteeType != "2"):
		s.invalid(w, "resource_id, grantee_target_id and grantee_type (0 or 2) are mandatory.")
		return req, 0, false
	case req.Type != "SECRET" && req.Type != "GROUP":
		s.invalid(w, "type is SECRET or GROUP.")
		return req, 0, false
	}
	if _, sec := s.secretByID(req.ResourceID); sec == nil || req.Type != "SECRET" {
		s.unknownResource(w, "resource")
		return req, 0, false
	}
	return req, validity, true
}

func grantJSON(resourceID string, g grant) map[string]any {
	m := map[string]any{"uuid": g.uuid, "resourceId": resourceID, "type": g.kind, "granteeUser": g.grantee,
		"createTime": g.created, "updateTime": g.updated}
	if g.validity != 0 {
		m["validityTime"] = g.validity
	}
	return m
}

func (s *Server) createGrant(w http.ResponseWriter, q *request) {
	req, validity, ok := s.readGrant(w, q)
	if !ok {
		return
	}
	now := nowMillis()
	g := grant{uuid: uuid(), kind: req.Type, granteeType: req.GranteeType, grantee: req.Grantee, created: now, updated: now, validity: validity}
	grants := slices.DeleteFunc(s.grants[req.ResourceID], func(x grant) bool { return x.grantee == req.Grantee })
	s.grants[req.ResourceID] = append(grants, g)
	if s.defect == DefectGrantToResource {
		g.grantee = req.ResourceID
	}
	s.json(w, http.StatusOK, map[string]any{"data": grantJSON(req.ResourceID, g)})
}

func (s *Server) updateGrant(w http.ResponseWriter, q *request) {
	req, validity, ok := s.readGrant(w, q)
	if !ok {
		return
	}
	if q.r.URL.Query().Get("resource_id") != req.ResourceID {
		s.invalid(w, "The query and the body name different resources.")
		return
	}
	grants := s.grants[req.ResourceID]
	i := slices.IndexFunc(grants, func(g grant) bool { return g.grantee == req.Grantee })
	if i < 0 {
		s.unknownResource(w, "grant")
		return
	}
	changed := grants[i]
	changed.validity, changed.updated = validity, nowMillis()
	if s.defect != DefectUpdateGrantNotKept {
		grants[i] = changed
	}
	s.json(w, http.StatusOK, map[string]any{"data": grantJSON(req.ResourceID, changed)})
}

func (s *Server) deleteGrant(w http.ResponseWriter, q *request) {
	id, grantee := q.r.URL.Query().Get("resource_id"), q.r.URL.Query().Get("grantee_user")
	if _, sec := s.secretByID(id); sec == nil {
		s.unknownResource(w, "resource")
		return
	}
	if grantee == "" || s.defect == DefectDeleteGrantAll {
		delete(s.grants, id)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	grants := s.grants[id]
	i := slices.IndexFunc(grants, func(g grant) bool { return g.grantee == grantee })
	if i < 0 {
		s.unknownResource(w, "grant")
		return
	}
	s.grants[id] = slices.Delete(grants, i, i+1)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listGrants(w http.ResponseWriter, q *request) {
	id := q.r.URL.Query().Get("resource_id")
	name, sec := s.secretByID(id)
	if sec == nil && s.defect != DefectGrantsOfDeleted {
		s.unknownResource(w, "resource")
		return
	}
	grants := s.grants[id]
	if s.defect == DefectGrantNotListed && len(grants) > 0 {
		grants = grants[:len(grants)-1]
	}
	users := []map[string]any{}
	created, updated := nowMillis(), int64(0)
	for _, g := range grants {
		u := map[string]any{"user_id": g.grantee, "user_name": g.grantee, "create_time": g.created}
		if g.validity != 0 {
			u["validity_time"] = g.validity
		}
		users = append(users, u)
		created, updated = min(created, g.created), max(updated, g.updated)
	}
	data := map[string]any{"id": id, "type": "SECRET", "grantee_user": users, "create_time": created}
	if name != "" {
		data["name"] = name
	}
	if updated != 0 {
		data["update_time"] = updated
	}
	s.json(w, http.StatusOK, map[string]any{"data": data})
}

// batchImport creates each secret of the batch as CreateSecret would, on its own, and counts
// them.
func (s *Server) batchImport(w http.ResponseWriter, q *request) {
	var req struct {
		Secrets []json.RawMessage `json:"secrets"`
	}
	if !s.decode(w, q, &req) {
		return
	}
	if req.Secrets == nil {
		s.invalid(w, "secrets is mandatory.")
		return
	}
	type failure struct {
		Name string `json:"name"`
		Msg  string `json:"error_msg"`
	}
	failures := []failure{}
	var admitted []string
	for i, raw := range req.Secrets {
		name, sec, no := s.admit(raw)
		if no != nil {
			var named struct {
				Name string `json:"name"`
			}
			_ = json.Unmarshal(raw, &named)
			failures = append(failures, failure{Name: named.Name, Msg: no.code + ": " + no.msg})
			continue
		}
		if s.defect == DefectImportFirstOnly && i > 0 {
			continue
		}
		s.secrets[name] = sec
		admitted = append(admitted, name)
	}
	if s.defect == DefectImportAllOrNothing && len(failures) > 0 {
		for _, name := range admitted {
			delete(s.secrets, name)
		}
		failures = failures[:0]
		for _, raw := range req.Secrets {
			var named struct {
				Name string `json:"name"`
			}
			_ = json.Unmarshal(raw, &named)
			failures = append(failures, failure{Name: named.Name, Msg: "The batch holds a secret that cannot be created."})
		}
	}
	total := len(req.Secrets)
	s.json(w, http.StatusOK, map[string]any{"total": total, "success": total - len(failures), "failed": len(failures),
		"error_list": failures})
}

func (s *Server) showCheckerConfig(w http.ResponseWriter, _ *request) {
	s.json(w, http.StatusOK, map[string]any{"checking_secret_strength": s.checking && s.defect != DefectConfigShownOff})
}

func (s *Server) updateCheckerConfig(w http.ResponseWriter, q *request) {
	var req struct {
		On *bool `json:"checking_secret_strength"`
	}
	if !s.decode(w, q, &req) {
		return
	}
	answer := s.checking
	if req.On != nil {
		answer = *req.On
		if s.defect != DefectConfigNotKept {
			s.checking = *req.On
		}
	}
	s.json(w, http.StatusOK, map[string]any{"checking_secret_strength": answer})
}

// checkSecrets judges every secret's current value when strength checking is on: weak under
// 8 characters or with fewer than three of lower case, upper case, digits and others.
func (s *Server) checkSecrets(w http.ResponseWriter, q *request) {
	var req struct {
		Type string          `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if !s.decode(w, q, &req) {
		return
	}
	var data map[string]any
	if (req.Type != "1" && s.defect != DefectCheckAnyType) || json.Unmarshal(req.Data, &data) != nil || data == nil {
		s.invalid(w, "type is 1 and data an object.")
		return
	}
	weak := []string{}
	if s.checking {
		for name, sec := range s.secrets {
			i := sec.holder(stageCurrent)
			if i < 0 {
				continue
			}
			if v := sec.versions[i].Value; len([]rune(v)) < 8 || kinds(v) < 3 {
				weak = append(weak, name)
			}
		}
		slices.Sort(weak)
	}
	answer := map[string]any{"type": req.Type}
	if s.defect != DefectCheckNoData {
		answer["data"] = map[string]any{"weak_secrets": weak}
	}
	s.json(w, http.StatusOK, answer)
}

// kinds counts the kinds of character in v: lower case, upper case, digits, others.
func kinds(v string) int {
	seen := map[int]bool{}
	for _, r := range v {
		switch {
		case unicode.IsLower(r):
			seen[0] = true
		case unicode.IsUpper(r):
			seen[1] = true
		case unicode.IsDigit(r):
			seen[2] = true
		default:
			seen[3] = true
		}
	}
	return len(seen)
}
