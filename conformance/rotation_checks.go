package conformance

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Vendor sources of the rotation checks.
const (
	srcRotate = "the RotateSecret page: a new version holding a value the service generates becomes SYSCURRENT; the answer " +
		"names version_id, secret_name and rotation_task_id; the API does not rotate common secrets"
	srcRotateRefused = "the RotateSecret page: common secrets are not rotated, and its error statuses start at 400; no error " +
		"code is documented for it, so any 400 with a CSMS.* code"
	srcRotatePending = "the error-code page: 400 CSMS.0103 (scheduled deletion) and 403 CSMS.0109 (\"The secret state is not enabled.\")"
	srcTasks         = "the ListSecretTask page: the tasks with task_id, secret_name and task_status (SUCCESS, FAILED), " +
		"selected by secret_name and status, limit at a time after marker, the last task ID of the previous page"
)

// rotatedAnswer is RotateSecret's answer.
type rotatedAnswer struct {
	VersionID  string `json:"version_id"`
	SecretName string `json:"secret_name"`
	TaskID     string `json:"rotation_task_id"`
}

// taskFields is a SecretTask as ListSecretTask answers it.
type taskFields struct {
	ID         string `json:"task_id"`
	SecretName string `json:"secret_name"`
	Status     string `json:"task_status"`
}

// taskList is ListSecretTask's answer.
type taskList struct {
	Tasks []taskFields `json:"tasks"`
	Next  *string      `json:"next_marker"`
}

// newDatabaseSecret creates an RDS-FG secret whose value is JSON with a username and a
// password, the shape a database secret holds, and returns its name and value.
func (c *check) newDatabaseSecret(purpose string) (name, value string) {
	raw, _ := json.Marshal(map[string]string{"username": "csmsconform", "password": randomHex(12)})
	value = string(raw)
	name, _ = c.newSecret(purpose, map[string]any{"secret_type": "RDS-FG", "secret_string": value})
	return name, value
}

// rotatePath is the path of RotateSecret.
func (c *check) rotatePath(name string) string { return secretPath(c.s.projectID(), name, "rotate") }

// rotate rotates a secret and returns the answer; the check ends unless it is a 2xx naming the
// new version and the task.
func (c *check) rotate(name string) (rotatedAnswer, *exchange) {
	ex := c.ok(opRotateSecret, http.MethodPost, c.rotatePath(name), nil)
	var out rotatedAnswer
	c.decode(ex, &out)
	if out.VersionID == "" || out.TaskID == "" {
		c.fatalOn(ex, "the answer names no version_id or rotation_task_id")
	}
	return out, ex
}

// tasks lists the tasks a query selects, one page of up to 1,000.
func (c *check) tasks(query url.Values) ([]taskFields, *exchange) {
	query.Set("limit", "1000")
	ex := c.ok(opListSecretTask, http.MethodGet, csmsPath(c.s.projectID(), "tasks")+"?"+query.Encode(), nil)
	var out taskList
	c.decode(ex, &out)
	return out.Tasks, ex
}

// rotationChecks: RotateSecret and ListSecretTask as their pages say.
func (s *suite) rotationChecks() {
	s.must("RotateSecret gives a database secret a new SYSCURRENT version with a new value, the former one SYSPREVIOUS",
		ProfileRotation, srcRotate, ops(opRotateSecret, opShowSecretVersion), func(c *check) {
			name, value := c.newDatabaseSecret("rotated")
			before := c.currentID(name)
			rotated, ex := c.rotate(name)
			if rotated.SecretName != name {
				c.blame(ex, "secret_name is %q, not %q", rotated.SecretName, name)
			}
			latest, lex := c.readVersion(name, "latest")
			if latest.meta.ID != rotated.VersionID || !slices.Contains(latest.meta.Stages, "SYSCURRENT") {
				c.blame(lex, "latest is %s with stages %v, not the rotation's version %s as SYSCURRENT", latest.meta.ID, latest.meta.Stages, rotated.VersionID)
			}
			if latest.value == "string:"+value {
				c.blame(lex, "the rotated version holds the value the secret held before")
			}
			if former, fex := c.readVersion(name, before); !slices.Contains(former.meta.Stages, "SYSPREVIOUS") {
				c.blame(fex, "the former current version %s has stages %v, not SYSPREVIOUS", before, former.meta.Stages)
			}
		})
	s.must("RotateSecret refuses a COMMON secret with 400 and adds no version", ProfileRotation, srcRotateRefused,
		ops(opRotateSecret, opShowSecretVersion), func(c *check) {
			name, _ := c.newStringSecret("common-rotated")
			before := c.currentID(name)
			ex := c.op(opRotateSecret, http.MethodPost, c.rotatePath(name), nil)
			if ex.status != http.StatusBadRequest || !strings.HasPrefix(ex.errorCode(), "CSMS.") {
				c.blame(ex, "want 400 with a CSMS.* code: RotateSecret does not rotate common secrets")
			}
			if after := c.currentID(name); after != before {
				c.blame(ex, "the current version moved from %s to %s", before, after)
			}
		})
	s.must("RotateSecret refuses a secret pending deletion with 400 CSMS.0103 or 403 CSMS.0109", ProfileRotation, srcRotatePending,
		ops(opRotateSecret, opDeleteSecretForSchedule), func(c *check) {
			name, _ := c.newDatabaseSecret("pending-rotated")
			c.schedule(name)
			defer c.discard(name)
			if ex := c.op(opRotateSecret, http.MethodPost, c.rotatePath(name), nil); !hasCode(ex, http.StatusBadRequest, "CSMS.0103") &&
				!hasCode(ex, http.StatusForbidden, "CSMS.0109") {
				c.blame(ex, "want 400 CSMS.0103 or 403 CSMS.0109: the secret is pending deletion")
			}
		})
	s.must("ListSecretTask lists a rotation's task as SUCCESS, and secret_name and status select tasks", ProfileRotation, srcTasks,
		ops(opRotateSecret, opListSecretTask), func(c *check) {
			one, _ := c.newDatabaseSecret("tasks-one")
			other, _ := c.newDatabaseSecret("tasks-other")
			rotated, _ := c.rotate(one)
			elsewhere, _ := c.rotate(other)
			listed, ex := c.tasks(url.Values{"secret_name": {one}})
			i := slices.IndexFunc(listed, func(t taskFields) bool { return t.ID == rotated.TaskID })
			if i < 0 {
				c.fatalOn(ex, "the rotation's task %s is not listed for secret_name %s", rotated.TaskID, one)
			}
			if t := listed[i]; t.SecretName != one || t.Status != "SUCCESS" {
				c.blame(ex, "the task names secret %q with status %q, not %q and SUCCESS", t.SecretName, t.Status, one)
			}
			for _, t := range listed {
				if t.SecretName != one || t.ID == elsewhere.TaskID {
					c.blame(ex, "secret_name=%s lists task %s of secret %q", one, t.ID, t.SecretName)
				}
			}
			failed, fex := c.tasks(url.Values{"secret_name": {one}, "status": {"FAILED"}})
			if slices.ContainsFunc(failed, func(t taskFields) bool { return t.ID == rotated.TaskID || t.Status != "FAILED" }) {
				c.blame(fex, "status=FAILED lists a task that is not FAILED")
			}
		})
	s.must("ListSecretTask pages with limit and marker: every task once, no next_marker on the last page", ProfileRotation, srcTasks,
		ops(opRotateSecret, opListSecretTask), func(c *check) {
			name, _ := c.newDatabaseSecret("tasks-paged")
			var mine []string
			for range 3 {
				rotated, _ := c.rotate(name)
				mine = append(mine, rotated.TaskID)
			}
			w := c.walkList(&walk{}, opListSecretTask, csmsPath(c.s.projectID(), "tasks"), walkLimit, func(ex *exchange) ([]string, pageInfo) {
				var body taskList
				c.decode(ex, &body)
				var ids []string
				for _, t := range body.Tasks {
					ids = append(ids, t.ID)
				}
				return ids, pageInfo{Next: body.Next}
			})
			c.checkRepeats(w, "task")
			c.checkLastPage(w)
			for _, id := range mine {
				if !slices.Contains(w.names, id) {
					c.blame(w.pages[len(w.pages)-1].ex, "task %s is on no page", id)
				}
			}
		})
	s.sweepChecks(ops(opRotateSecret, opListSecretTask, opShowSecretVersion, opDeleteSecretForSchedule, opRestoreSecret))
}
