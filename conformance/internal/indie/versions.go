package indie

import (
	"net/http"
	"slices"
	"strconv"
)

// The rules of versions and stages, from the reference pages.
const (
	// maxVersions is how many versions a secret keeps; a newer one retires the oldest that
	// has no stage.
	maxVersions = 20
	// maxStages is how many stages a secret has.
	maxStages    = 12
	stageCurrent = "SYSCURRENT"
	// stagePrevious marks the version that was current before the current one.
	stagePrevious = "SYSPREVIOUS"
	// latest names the SYSCURRENT version in ShowSecretVersion.
	latest = "latest"
)

// add appends a version holding value with the given stages, each taken from the version
// that held it; SYSCURRENT leaves SYSPREVIOUS on the version it leaves. Then the oldest
// versions without a stage retire until the secret keeps maxVersions. d is the server's
// defect, which may break the stages or the retirement.
func (sec *secret) add(value string, binary bool, stages []string, d Defect) version {
	sec.nextVersion++
	v := version{ID: "v" + strconv.Itoa(sec.nextVersion), Value: value, Binary: binary, Created: nowMillis()}
	sec.versions = append(sec.versions, v)
	for _, st := range stages {
		sec.move(st, v.ID)
	}
	if d == DefectPreviousOnOldest && len(sec.versions) > 1 {
		sec.move(stagePrevious, sec.versions[0].ID)
	}
	for len(sec.versions) > maxVersions && d != DefectNoRetention {
		i := slices.IndexFunc(sec.versions, func(v version) bool { return len(v.Stages) == 0 })
		if d == DefectRetiresStaged {
			i = 0
		}
		if i < 0 {
			break
		}
		sec.versions = slices.Delete(sec.versions, i, i+1)
	}
	return sec.versions[sec.find(v.ID)]
}

// find returns the index of a version, or -1.
func (sec *secret) find(id string) int {
	if id == latest {
		return sec.holder(stageCurrent)
	}
	return slices.IndexFunc(sec.versions, func(v version) bool { return v.ID == id })
}

// holder returns the index of the version that holds a stage, or -1.
func (sec *secret) holder(stage string) int {
	return slices.IndexFunc(sec.versions, func(v version) bool { return slices.Contains(v.Stages, stage) })
}

// move puts a stage on a version, taking it from the version that held it. Moving SYSCURRENT
// gives the version it leaves SYSPREVIOUS.
func (sec *secret) move(stage, id string) {
	from := sec.holder(stage)
	if from >= 0 {
		if sec.versions[from].ID == id {
			return
		}
		sec.versions[from].Stages = slices.DeleteFunc(slices.Clone(sec.versions[from].Stages), func(s string) bool { return s == stage })
	}
	to := sec.find(id)
	sec.versions[to].Stages = append(slices.Clone(sec.versions[to].Stages), stage)
	sec.stageTimes[stage] = nowMillis()
	if stage == stageCurrent && from >= 0 {
		sec.move(stagePrevious, sec.versions[from].ID)
	}
}

// stageNames returns every stage the secret's versions hold.
func (sec *secret) stageNames() []string {
	var out []string
	for _, v := range sec.versions {
		out = append(out, v.Stages...)
	}
	return out
}

func metadataJSON(name string, sec *secret, v version) map[string]any {
	m := map[string]any{"id": v.ID, "secret_name": name, "create_time": v.Created, "kms_key_id": sec.kmsKeyID}
	if len(v.Stages) > 0 {
		m["version_stages"] = v.Stages
	}
	if v.Expire != nil {
		m["expire_time"] = *v.Expire
	}
	return m
}

func (s *Server) addVersion(w http.ResponseWriter, q *request, name string, sec *secret) {
	var req struct {
		valueBody
		Stages *[]string `json:"version_stages"`
		Expire *int64    `json:"expire_time"`
	}
	if !s.decode(w, q, &req) || !s.enabled(w, sec) {
		return
	}
	value, binary, ok := req.value()
	if !ok {
		s.invalid(w, "Give exactly one of secret_string and secret_binary, of at most 32,768 characters.")
		return
	}
	// The API reference's reading: a new version becomes SYSCURRENT, and gets the stages
	// listed too.
	stages := []string{stageCurrent}
	if req.Stages != nil && s.defect != DefectVersionStagesIgnored {
		if len(*req.Stages) == 0 || len(*req.Stages) > maxStages {
			s.invalid(w, "version_stages holds 1 to 12 stages.")
			return
		}
		for _, st := range *req.Stages {
			if !namePattern.MatchString(st) {
				s.invalid(w, "A stage name matches ^[a-zA-Z0-9_-]{1,64}$.")
				return
			}
			if !slices.Contains(stages, st) {
				stages = append(stages, st)
			}
		}
		if n := len(unique(append(sec.stageNames(), stages...))); n > maxStages {
			s.invalid(w, "A secret has at most 12 stages.")
			return
		}
	}
	if req.Expire != nil && *req.Expire < 0 {
		s.invalid(w, "expire_time is not negative.")
		return
	}
	if len(sec.versions) == maxVersions && !slices.ContainsFunc(sec.versions, func(v version) bool { return len(v.Stages) == 0 }) {
		s.invalid(w, "Every one of the 20 versions has a stage; none can retire.")
		return
	}
	v := sec.add(value, binary, stages, s.defect)
	if req.Expire != nil {
		i := sec.find(v.ID)
		sec.versions[i].Expire = req.Expire
		v = sec.versions[i]
	}
	if s.defect != DefectNoVersionNotice {
		s.happened(name, sec, "SECRET_VERSION_CREATED")
	}
	s.json(w, http.StatusOK, map[string]any{"version_metadata": metadataJSON(name, sec, v)})
}

// unique returns the distinct strings of ss.
func unique(ss []string) []string { return slices.Compact(slices.Sorted(slices.Values(ss))) }

func (s *Server) showVersion(w http.ResponseWriter, q *request, name string, sec *secret) {
	if !s.enabled(w, sec) {
		return
	}
	i := sec.find(q.params["version"])
	switch {
	case s.defect == DefectAnyVersionCurrent:
		i = sec.holder(stageCurrent)
	case s.defect == DefectLatestIsFirst && q.params["version"] == latest:
		i = 0
	}
	if i < 0 {
		s.unknownResource(w, "version")
		return
	}
	v := sec.versions[i]
	out := map[string]any{"version_metadata": metadataJSON(name, sec, v)}
	if v.Binary && s.defect != DefectBinaryAsString {
		out["secret_binary"] = v.Value
	} else {
		out["secret_string"] = v.Value
	}
	s.json(w, http.StatusOK, map[string]any{"version": out})
}

// listVersions answers a secret's versions in creation order, limit (default 50) after the
// version marker names.
func (s *Server) listVersions(w http.ResponseWriter, q *request, name string, sec *secret) {
	query := q.r.URL.Query()
	limit := 50
	if query.Has("limit") {
		n, err := strconv.Atoi(query.Get("limit"))
		if err != nil || n < 1 && !(n == 0 && s.defect == DefectVersionsLimitZero) || n > 1000 {
			s.invalid(w, "limit is an integer from 1 to 1000.")
			return
		}
		if n > 0 {
			limit = n
		}
	}
	all := slices.Clone(sec.versions)
	if s.defect == DefectVersionsNewestFirst {
		slices.Reverse(all)
	}
	rest := all
	if m := query.Get("marker"); m != "" {
		i := slices.IndexFunc(all, func(v version) bool { return v.ID == m })
		if i < 0 {
			s.unknownResource(w, "version")
			return
		}
		rest = all[i+1:]
	}
	page := rest[:min(limit, len(rest))]
	list := []any{}
	for _, v := range page {
		list = append(list, metadataJSON(name, sec, v))
	}
	info := map[string]any{"current_count": len(page)}
	if len(rest) > len(page) || len(page) > 0 && s.defect == DefectVersionsNextOnLast {
		info["next_marker"] = page[len(page)-1].ID
	}
	s.json(w, http.StatusOK, map[string]any{"version_metadatas": list, "page_info": info})
}

func (s *Server) updateVersion(w http.ResponseWriter, q *request, name string, sec *secret) {
	var req struct {
		Expire *int64 `json:"expire_time"`
	}
	if !s.decode(w, q, &req) || !s.enabled(w, sec) {
		return
	}
	if req.Expire == nil || *req.Expire < 0 {
		s.invalid(w, "expire_time is required and not negative.")
		return
	}
	i := sec.find(q.params["version"])
	if i < 0 && s.defect == DefectUpdateUnknownVersion {
		s.json(w, http.StatusOK, map[string]any{"version_metadata": map[string]any{"id": q.params["version"], "expire_time": *req.Expire}})
		return
	}
	if i < 0 {
		s.unknownResource(w, "version")
		return
	}
	v := sec.versions[i]
	v.Expire = req.Expire
	if s.defect != DefectExpireNotKept {
		sec.versions[i] = v
	}
	s.json(w, http.StatusOK, map[string]any{"version_metadata": metadataJSON(name, sec, v)})
}

// stageJSON is a Stage and the version that holds it.
func stageJSON(name string, sec *secret, stage string) map[string]any {
	return map[string]any{"stage": map[string]any{
		"name": stage, "secret_name": name, "version_id": sec.versions[sec.holder(stage)].ID,
		"update_time": sec.stageTimes[stage],
	}}
}

// stageName returns the path's stage, having answered 400 when it breaks the rule.
func (s *Server) stageName(w http.ResponseWriter, q *request) (string, bool) {
	st := q.params["stage"]
	if !namePattern.MatchString(st) {
		s.invalid(w, "stage_name must match ^[a-zA-Z0-9_-]{1,64}$.")
		return "", false
	}
	return st, true
}

func (s *Server) showStage(w http.ResponseWriter, q *request, name string, sec *secret) {
	st, ok := s.stageName(w, q)
	if !ok {
		return
	}
	if sec.holder(st) < 0 {
		s.unknownResource(w, "stage")
		return
	}
	answer := stageJSON(name, sec, st)
	if st == stagePrevious && s.defect == DefectPreviousShowsCurrent {
		answer = stageJSON(name, sec, stageCurrent)
		answer["stage"].(map[string]any)["name"] = stagePrevious
	}
	s.json(w, http.StatusOK, answer)
}

func (s *Server) updateStage(w http.ResponseWriter, q *request, name string, sec *secret) {
	var req struct {
		VersionID string `json:"version_id"`
	}
	st, ok := s.stageName(w, q)
	if !ok || !s.decode(w, q, &req) || !s.enabled(w, sec) {
		return
	}
	switch {
	case req.VersionID == "":
		s.invalid(w, "version_id is required.")
		return
	case sec.find(req.VersionID) < 0:
		s.unknownResource(w, "version")
		return
	case sec.holder(st) < 0 && len(unique(sec.stageNames())) >= maxStages:
		s.invalid(w, "A secret has at most 12 stages.")
		return
	}
	to := sec.find(req.VersionID)
	switch {
	case s.defect == DefectStageCopied && st != stageCurrent:
		if !slices.Contains(sec.versions[to].Stages, st) {
			sec.versions[to].Stages = append(slices.Clone(sec.versions[to].Stages), st)
		}
	case s.defect == DefectCurrentMoveNoPrevious && st == stageCurrent:
		from := sec.holder(st)
		sec.versions[from].Stages = slices.DeleteFunc(slices.Clone(sec.versions[from].Stages), func(s string) bool { return s == st })
		sec.versions[to].Stages = append(slices.Clone(sec.versions[to].Stages), st)
	default:
		sec.move(st, sec.versions[to].ID)
	}
	s.json(w, http.StatusOK, map[string]any{"stage": map[string]any{
		"name": st, "secret_name": name, "version_id": sec.versions[to].ID, "update_time": sec.stageTimes[st]}})
}

func (s *Server) deleteStage(w http.ResponseWriter, q *request, _ string, sec *secret) {
	st, ok := s.stageName(w, q)
	switch {
	case !ok || !s.enabled(w, sec):
		return
	case st == stagePrevious || st == stageCurrent && s.defect != DefectDeleteCurrentStage:
		s.invalid(w, "SYSCURRENT and SYSPREVIOUS cannot be deleted.")
		return
	case sec.holder(st) < 0:
		s.unknownResource(w, "stage")
		return
	}
	if s.defect != DefectDeleteStageKeeps {
		i := sec.holder(st)
		sec.versions[i].Stages = slices.DeleteFunc(slices.Clone(sec.versions[i].Stages), func(s string) bool { return s == st })
		delete(sec.stageTimes, st)
	}
	// The older edition of the page answers 200 (the newer ones 204).
	w.WriteHeader(http.StatusOK)
}
