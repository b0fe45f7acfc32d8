package mock_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/mock"
)

const tasks = "/v1/" + mock.DemoProjectID + "/csms/tasks"

// rotateAnswer is RotateSecret's answer.
type rotateAnswer struct {
	VersionID  string `json:"version_id"`
	SecretName string `json:"secret_name"`
	TaskID     string `json:"rotation_task_id"`
}

// taskList is ListSecretTask's answer.
type taskList struct {
	Total int `json:"total"`
	Tasks []struct {
		ID        string `json:"task_id"`
		Secret    string `json:"secret_name"`
		Status    string `json:"task_status"`
		Operate   string `json:"operate_type"`
		Time      int64  `json:"task_time"`
		Attempts  int    `json:"attempt_nums"`
		ErrorCode string `json:"task_error_code"`
		ErrorMsg  string `json:"task_error_msg"`
	} `json:"tasks"`
	Next *string `json:"next_marker"`
}

func (c *client) createRDS(name, value, extra string) {
	c.t.Helper()
	quoted, _ := json.Marshal(value)
	c.must(200, "POST", base, `{"name":"`+name+`","secret_type":"RDS-FG","secret_string":`+string(quoted)+extra+`}`, demoToken)
}

func (c *client) tasks(query string) taskList {
	c.t.Helper()
	var out taskList
	c.must(200, "GET", tasks+query, "", demoToken).json(c.t, &out)
	return out
}

func TestRotateSecretAndListSecretTask(t *testing.T) {
	srv, c := newMock(t, nil)
	c.createRDS("db", `{"username":"app","password":"old"}`, "")
	var rotated rotateAnswer
	c.must(200, "POST", base+"/db/rotate", "", demoToken).json(t, &rotated)
	if rotated.VersionID != "v2" || rotated.SecretName != "db" || rotated.TaskID == "" {
		t.Errorf("RotateSecret answered %+v", rotated)
	}
	latest := c.version("db", "latest")
	if latest.Version.Meta.ID != "v2" || strings.Join(latest.Version.Meta.Stages, ",") != "SYSCURRENT" {
		t.Errorf("latest: %+v", latest.Version.Meta)
	}
	if v1 := c.version("db", "v1"); strings.Join(v1.Version.Meta.Stages, ",") != "SYSPREVIOUS" {
		t.Errorf("v1: %+v", v1.Version.Meta)
	}
	var value map[string]string
	if json.Unmarshal([]byte(*latest.Version.String), &value) != nil || value["username"] != "app" || len(value["password"]) != 32 {
		t.Errorf("rotated value %s", *latest.Version.String)
	}
	var shown struct {
		Secret struct {
			RotationTime int64 `json:"rotation_time"`
		} `json:"secret"`
	}
	c.must(200, "GET", base+"/db", "", demoToken).json(t, &shown)
	list := c.tasks("")
	if list.Total != 1 || len(list.Tasks) != 1 || list.Next != nil {
		t.Fatalf("ListSecretTask: %+v", list)
	}
	task := list.Tasks[0]
	if task.ID != rotated.TaskID || task.Secret != "db" || task.Status != "SUCCESS" || task.Operate != "MANUAL" ||
		task.Attempts != 1 || task.Time != shown.Secret.RotationTime || task.ErrorCode != "" {
		t.Errorf("task %+v, rotated at %d", task, shown.Secret.RotationTime)
	}

	// Refusals: the vendor's statuses and codes, nothing recorded.
	c.create("common", "v")
	if code := c.must(400, "POST", base+"/common/rotate", "", demoToken).errorCode(t); code != "CSMS.0003" {
		t.Errorf("a COMMON secret: %s, want CSMS.0003", code)
	}
	if code := c.must(404, "POST", base+"/missing/rotate", "", demoToken).errorCode(t); code != "CSMS.0106" {
		t.Errorf("a missing secret: %s", code)
	}
	c.must(400, "POST", base+"/bad.name/rotate", "", demoToken)
	c.createRDS("doomed", `{"password":"p"}`, "")
	c.must(200, "POST", base+"/doomed/scheduled-deleted-tasks/create", `{"recovery_window_in_days":7}`, demoToken)
	if code := c.must(400, "POST", base+"/doomed/rotate", "", demoToken).errorCode(t); code != "CSMS.0103" {
		t.Errorf("a secret pending deletion: %s, want CSMS.0103", code)
	}
	// A value with no password: 400 CSMS.0002, and a FAILED task that says why.
	c.createRDS("plain", "hunter2", "")
	if code := c.must(400, "POST", base+"/plain/rotate", "", demoToken).errorCode(t); code != "CSMS.0002" {
		t.Errorf("a value with no password: %s, want CSMS.0002", code)
	}
	failed := c.tasks("?status=FAILED")
	if failed.Total != 1 || failed.Tasks[0].Secret != "plain" || failed.Tasks[0].ErrorCode != "CSMS.0002" ||
		!strings.Contains(failed.Tasks[0].ErrorMsg, "password") {
		t.Errorf("failed tasks: %+v", failed)
	}
	if all := c.tasks("?limit=1"); all.Total != 2 || len(all.Tasks) != 1 || all.Next == nil || *all.Next != all.Tasks[0].ID {
		t.Errorf("a page of one: %+v", all)
	}
	if one := c.tasks("?task_id=" + rotated.TaskID); one.Total != 1 || one.Tasks[0].ID != rotated.TaskID {
		t.Errorf("by task_id: %+v", one)
	}
	if code := c.must(400, "GET", tasks+"?task_id="+rotated.TaskID+"&secret_name=db", "", demoToken).errorCode(t); code != "CSMS.0002" {
		t.Errorf("task_id with secret_name: %s", code)
	}
	c.must(400, "GET", tasks+"?status=DONE", "", demoToken)
	c.must(400, "GET", tasks+"?secret_name=bad.name", "", demoToken)
	noResponseViolations(t, srv)
}

// Moving the clock past a secret's next rotation time rotates it at once.
func TestAutomaticRotationFollowsTheClock(t *testing.T) {
	_, c := newMock(t, func(cfg *mock.Config) { cfg.AdminToken = adminToken })
	c.createRDS("auto", `{"password":"p"}`, `,"auto_rotation":true,"rotation_period":"30d"`)
	var shown struct {
		Secret struct {
			Next int64 `json:"next_rotation_time"`
		} `json:"secret"`
	}
	c.must(200, "GET", base+"/auto", "", demoToken).json(t, &shown)
	if shown.Secret.Next == 0 {
		t.Fatal("no next_rotation_time")
	}
	c.admin("POST", "/__admin/clock", `{"advance":"719h"}`, adminToken)
	if got := c.tasks(""); got.Total != 0 {
		t.Fatalf("rotated a day early: %+v", got)
	}
	c.admin("POST", "/__admin/clock", `{"advance":"2h"}`, adminToken)
	got := c.tasks("?secret_name=auto")
	if got.Total != 1 || got.Tasks[0].Operate != "AUTOMATIC" || got.Tasks[0].Status != "SUCCESS" {
		t.Fatalf("after 30 days: %+v", got)
	}
	if v := c.version("auto", "latest"); v.Version.Meta.ID != "v2" {
		t.Errorf("latest is %s", v.Version.Meta.ID)
	}
	var again struct {
		Secret struct {
			Next     int64 `json:"next_rotation_time"`
			Rotation int64 `json:"rotation_time"`
		} `json:"secret"`
	}
	c.must(200, "GET", base+"/auto", "", demoToken).json(t, &again)
	if again.Secret.Next != again.Secret.Rotation+30*24*3600*1000 {
		t.Errorf("next %d, rotated %d: want 30 days after", again.Secret.Next, again.Secret.Rotation)
	}
	// A reset forgets the tasks.
	if status, _ := c.admin("POST", "/__admin/reset", "", adminToken); status != 204 {
		t.Fatal("reset")
	}
	if got := c.tasks(""); got.Total != 0 {
		t.Errorf("tasks after a reset: %+v", got)
	}
}
