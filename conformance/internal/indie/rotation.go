package indie

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
)

// task is one rotation, as ListSecretTask answers it.
type task struct {
	ID     string `json:"task_id"`
	Secret string `json:"secret_name"`
	Status string `json:"task_status"`
	Type   string `json:"operate_type"`
	Time   int64  `json:"task_time"`
	Tries  int    `json:"attempt_nums"`
}

// rotate answers RotateSecret: a database secret gets a new version with a value this server
// makes up and SYSCURRENT on it; a common secret is refused, as the page says.
func (s *Server) rotate(w http.ResponseWriter, _ *request, name string, sec *secret) {
	if sec.secretType == "COMMON" && s.defect != DefectRotateCommon {
		s.fail(w, http.StatusBadRequest, "CSMS.0003", "Common secrets are not rotated.")
		return
	}
	if s.defect != DefectRotatePending && !s.enabled(w, sec) {
		return
	}
	value := "rotated-" + randomHex(16)
	var fields map[string]any
	current := sec.versions[max(sec.find(latest), 0)]
	if json.Unmarshal([]byte(current.Value), &fields) == nil && fields != nil {
		fields["password"] = randomHex(16)
		raw, _ := json.Marshal(fields)
		value = string(raw)
	}
	stages := []string{stageCurrent}
	if s.defect == DefectRotateKeepsCurrent {
		stages = nil
	}
	v := sec.add(value, false, stages, s.defect)
	t := task{ID: uuid(), Secret: name, Status: "SUCCESS", Type: "MANUAL", Time: nowMillis(), Tries: 1}
	s.tasks = append(s.tasks, t)
	s.json(w, http.StatusOK, map[string]string{"version_id": v.ID, "secret_name": name, "rotation_task_id": t.ID})
}

// listTasks answers ListSecretTask: the tasks secret_name and status select (task_id alone
// selects one), in the order they were made, limit (default 50) after the task marker names.
func (s *Server) listTasks(w http.ResponseWriter, q *request) {
	query := q.r.URL.Query()
	name, status, id := query.Get("secret_name"), query.Get("status"), query.Get("task_id")
	switch {
	case query.Has("secret_name") && !s.names.MatchString(name):
		s.invalid(w, "secret_name must match ^[a-zA-Z0-9_-]{1,64}$.")
		return
	case status != "" && status != "SUCCESS" && status != "FAILED":
		s.invalid(w, "status is SUCCESS or FAILED.")
		return
	case id != "" && (name != "" || status != ""):
		s.invalid(w, "task_id goes with no other criterion.")
		return
	}
	limit := 50
	if query.Has("limit") {
		n, err := strconv.ParseInt(query.Get("limit"), 10, 32)
		if err != nil {
			s.invalid(w, "limit is an integer.")
			return
		}
		if n > 0 {
			limit = int(n)
		}
	}
	var picked []task
	for _, t := range s.tasks {
		if (name == "" || t.Secret == name || s.defect == DefectTaskFilterIgnored) &&
			(status == "" || t.Status == status || s.defect == DefectTaskStatusIgnored) && (id == "" || t.ID == id) {
			picked = append(picked, t)
		}
	}
	from := 0
	if m := query.Get("marker"); m != "" {
		from = slices.IndexFunc(picked, func(t task) bool { return t.ID == m }) + 1
		if s.defect == DefectTasksRepeat && from > 0 {
			from--
		}
	}
	page := picked[from:min(from+limit, len(picked))]
	answer := map[string]any{"total": len(picked), "tasks": append([]task{}, page...)}
	if from+limit < len(picked) {
		answer["next_marker"] = page[len(page)-1].ID
	}
	s.json(w, http.StatusOK, answer)
}
