package secrets_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock/secrets"
)

// createRDS creates a database secret with the value given and the rotation settings.
func createRDS(t *testing.T, svc *secrets.Service, name, value string, settings secrets.Settings) *secrets.Secret {
	t.Helper()
	sec, err := svc.Create(project, secrets.NewSecret{Name: name, SecretType: "RDS-FG", Value: str(value), Settings: settings})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return sec
}

// credentials reads the string members of a database secret's value.
func credentials(t *testing.T, v *secrets.Version) map[string]string {
	t.Helper()
	var members map[string]any
	if v.Value.String == nil || json.Unmarshal([]byte(*v.Value.String), &members) != nil {
		t.Fatalf("version %s holds %v, not a JSON object", v.ID, v.Value)
	}
	out := map[string]string{}
	for k, m := range members {
		if s, ok := m.(string); ok {
			out[k] = s
		}
	}
	return out
}

func allTasks(t *testing.T, svc *secrets.Service, f secrets.TaskFilter) []secrets.Task {
	t.Helper()
	page, total, err := svc.ListTasks(project, f, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if total != len(page.Items) || page.NextMarker != "" {
		t.Fatalf("all tasks: %d listed, total %d, next %q", len(page.Items), total, page.NextMarker)
	}
	return page.Items
}

func TestRotateMakesANewCurrentVersion(t *testing.T) {
	svc, clk := newService(t, 0)
	createRDS(t, svc, "db", `{"username":"app", "password":"old", "host":{"name":"db.local","port":3306}}`, secrets.Settings{})
	clk.t = clk.t.Add(time.Hour)
	sec, v, task, err := svc.Rotate(project, "db")
	if err != nil {
		t.Fatal(err)
	}
	if v.ID != "v2" || !v.HasStage(secrets.StageCurrent) {
		t.Errorf("new version %s with stages %v, want v2 SYSCURRENT", v.ID, v.Stages)
	}
	if got := stagesOf(sec); fmt.Sprint(got) != "map[v1:[SYSPREVIOUS] v2:[SYSCURRENT]]" {
		t.Errorf("stages after the rotation: %v", got)
	}
	quoted, _ := json.Marshal(credentials(t, v)["password"])
	want := `{"username":"app","password":` + string(quoted) + `,"host":{"name":"db.local","port":3306}}`
	if *v.Value.String != want {
		t.Errorf("rotated value %s, want the members kept in place: %s", *v.Value.String, want)
	}
	if pw := credentials(t, v)["password"]; len(pw) != 32 || pw == "old" {
		t.Errorf("new password %q: want 32 new characters", pw)
	}
	now := clk.t.UnixMilli()
	if sec.RotationTime != now || sec.UpdateTime != now {
		t.Errorf("rotation_time %d, update_time %d, want %d", sec.RotationTime, sec.UpdateTime, now)
	}
	if task.Status != secrets.TaskSuccess || task.OperateType != secrets.RotatedManually || task.SecretName != "db" ||
		task.Time != now || task.Attempts != 1 || task.Failure() != nil {
		t.Errorf("task %+v", task)
	}
	if got := allTasks(t, svc, secrets.TaskFilter{}); len(got) != 1 || got[0] != task {
		t.Errorf("tasks %+v, want the rotation's %+v", got, task)
	}
	// A second rotation keeps the JSON again and moves the stages on.
	sec, v, _, err = svc.Rotate(project, "db")
	if err != nil || v.ID != "v3" || fmt.Sprint(stagesOf(sec)) != "map[v1:[] v2:[SYSPREVIOUS] v3:[SYSCURRENT]]" {
		t.Fatalf("second rotation: %v, %v", err, stagesOf(sec))
	}
}

func TestRotateRefuses(t *testing.T) {
	svc, _ := newService(t, 0)
	mustCreate(t, svc, "common", `{"password":"p"}`)
	_, _, _, err := svc.Rotate(project, "common")
	wantKind(t, err, secrets.NotRotatable)
	_, _, _, err = svc.Rotate(project, "missing")
	wantKind(t, err, secrets.NotFound)
	createRDS(t, svc, "doomed", `{"password":"p"}`, secrets.Settings{})
	if _, err := svc.ScheduleDeletion(project, "doomed", 7); err != nil {
		t.Fatal(err)
	}
	_, _, _, err = svc.Rotate(project, "doomed")
	wantKind(t, err, secrets.PendingDeletion)
	if got := allTasks(t, svc, secrets.TaskFilter{}); len(got) != 0 {
		t.Errorf("refused rotations recorded tasks: %+v", got)
	}
	for _, name := range []string{"common", "doomed"} {
		if _, _, err := svc.ShowVersion(project, name, "v2"); secrets.KindOf(err) == 0 {
			t.Errorf("%s gained a version", name)
		}
	}

	// A value that holds no password is a rotation that fails: recorded, and nothing changes.
	createRDS(t, svc, "plain", "just a password", secrets.Settings{})
	_, _, _, err = svc.Rotate(project, "plain")
	wantKind(t, err, secrets.InvalidValue)
	failed := allTasks(t, svc, secrets.TaskFilter{Status: secrets.TaskFailed})
	if len(failed) != 1 || failed[0].SecretName != "plain" || secrets.KindOf(failed[0].Failure()) != secrets.InvalidValue {
		t.Errorf("failed tasks %+v", failed)
	}
	if sec, v, err := svc.ShowVersion(project, "plain", "latest"); err != nil || v.ID != "v1" || len(sec.Versions) != 1 ||
		*v.Value.String != "just a password" || sec.RotationTime != 0 {
		t.Errorf("after a failed rotation: %v, %+v", err, v)
	}
}

func TestRotatedValue(t *testing.T) {
	svc, _ := newService(t, 0)
	for value, want := range map[string]string{
		`{"Password":"a","PASSWORD":"b","passwd":"c"}`:     `{"Password":"*","PASSWORD":"*","passwd":"c"}`,
		"{\n  \"password\" : \"x\",\n  \"n\": [1, 2]\n}\n": `{"password":"*","n":[1, 2]}`,
		`{"user":"\u00e9\"","password":""}`:                `{"user":"\u00e9\"","password":"*"}`,
	} {
		createRDS(t, svc, "v", value, secrets.Settings{})
		_, v, _, err := svc.Rotate(project, "v")
		if err != nil {
			t.Fatalf("%s: %v", value, err)
		}
		pw := credentials(t, v)
		masked := *v.Value.String
		for _, k := range []string{"password", "Password", "PASSWORD"} {
			if p, ok := pw[k]; ok {
				quoted, _ := json.Marshal(p)
				masked = strings.ReplaceAll(masked, string(quoted), `"*"`)
			}
		}
		if masked != want {
			t.Errorf("%s rotated to %s, want %s", value, *v.Value.String, want)
		}
		if err := svc.Delete(project, "v"); err != nil {
			t.Fatal(err)
		}
	}
	for _, value := range []string{
		`{"user":"u"}`, `{"password":1}`, `{"password":null}`, `["password"]`, `"password"`, `{"password":"p"} {}`,
		`{"password":"p"`, `{password:"p"}`, ``,
	} {
		createRDS(t, svc, "v", value, secrets.Settings{})
		_, _, _, err := svc.Rotate(project, "v")
		wantKind(t, err, secrets.InvalidValue)
		if err := svc.Delete(project, "v"); err != nil {
			t.Fatal(err)
		}
	}
	bin := "cGFzc3dvcmQ="
	if _, err := svc.Create(project, secrets.NewSecret{Name: "bin", SecretType: "GaussDB-FG", Value: secrets.Value{Binary: &bin}}); err != nil {
		t.Fatal(err)
	}
	_, _, _, err := svc.Rotate(project, "bin")
	wantKind(t, err, secrets.InvalidValue)
}

func TestAutomaticRotation(t *testing.T) {
	svc, clk := newService(t, 0)
	on, off, week := true, false, "7d"
	sec := createRDS(t, svc, "auto", `{"password":"p"}`, secrets.Settings{AutoRotation: true, RotationPeriod: "1d"})
	created := clk.t
	if want := created.Add(24 * time.Hour).UnixMilli(); sec.NextRotationTime != want {
		t.Fatalf("next_rotation_time %d, want a day after creation %d", sec.NextRotationTime, want)
	}
	// Neither a COMMON secret nor one without a period is scheduled.
	common, _ := svc.Create(project, secrets.NewSecret{Name: "common", Value: str("x"),
		Settings: secrets.Settings{AutoRotation: true, RotationPeriod: "1d"}})
	noPeriod := createRDS(t, svc, "no-period", `{"password":"p"}`, secrets.Settings{AutoRotation: true})
	if common.NextRotationTime != 0 || noPeriod.NextRotationTime != 0 {
		t.Errorf("scheduled: COMMON at %d, without a period at %d", common.NextRotationTime, noPeriod.NextRotationTime)
	}

	rotateDue := func(want int) []secrets.Task {
		t.Helper()
		done, err := svc.RotateDue()
		if err != nil || len(done) != want {
			t.Fatalf("RotateDue at %s: %d rotations (%v), want %d", clk.t, len(done), err, want)
		}
		return done
	}
	clk.t = created.Add(24*time.Hour - time.Second)
	rotateDue(0)
	clk.t = created.Add(25 * time.Hour)
	task := rotateDue(1)[0]
	if task.OperateType != secrets.RotatedAutomatically || task.Status != secrets.TaskSuccess || task.SecretName != "auto" {
		t.Errorf("task %+v", task)
	}
	sec, _ = svc.Show(project, "auto")
	if v, _ := sec.Version("latest"); v.ID != "v2" || sec.NextRotationTime != clk.t.Add(24*time.Hour).UnixMilli() ||
		sec.RotationTime != clk.t.UnixMilli() {
		t.Errorf("after the rotation: current %s, rotated %d, next %d", v.ID, sec.RotationTime, sec.NextRotationTime)
	}
	rotateDue(0) // done until the next period

	// A manual rotation, and a change of period, schedule the next a period from then.
	clk.t = clk.t.Add(time.Hour)
	if _, _, _, err := svc.Rotate(project, "auto"); err != nil {
		t.Fatal(err)
	}
	if sec, _ = svc.Show(project, "auto"); sec.NextRotationTime != clk.t.Add(24*time.Hour).UnixMilli() {
		t.Errorf("after a manual rotation, next %d", sec.NextRotationTime)
	}
	if sec, _ = svc.Update(project, "auto", secrets.SecretUpdate{RotationPeriod: &week}); sec.NextRotationTime != clk.t.Add(7*24*time.Hour).UnixMilli() {
		t.Errorf("after a new period, next %d", sec.NextRotationTime)
	}
	clk.t = clk.t.Add(2 * 24 * time.Hour)
	rotateDue(0)

	// Turned off, it is not rotated; turned on again, a period from then.
	if sec, _ = svc.Update(project, "auto", secrets.SecretUpdate{AutoRotation: &off}); sec.NextRotationTime != 0 {
		t.Errorf("turned off, next %d", sec.NextRotationTime)
	}
	clk.t = clk.t.Add(30 * 24 * time.Hour)
	rotateDue(0)
	if sec, _ = svc.Update(project, "auto", secrets.SecretUpdate{AutoRotation: &on}); sec.NextRotationTime != clk.t.Add(7*24*time.Hour).UnixMilli() {
		t.Errorf("turned on, next %d", sec.NextRotationTime)
	}

	// A due secret that cannot be rotated gets a FAILED task and its next time; a deleted one
	// leaves the schedule.
	if _, err := svc.ScheduleDeletion(project, "auto", 30); err != nil {
		t.Fatal(err)
	}
	clk.t = clk.t.Add(8 * 24 * time.Hour)
	if failed := rotateDue(1)[0]; failed.Status != secrets.TaskFailed || secrets.KindOf(failed.Failure()) != secrets.PendingDeletion {
		t.Errorf("rotation of a secret pending deletion: %+v", failed)
	}
	clk.t = clk.t.Add(30 * 24 * time.Hour)
	rotateDue(0)
	if got := len(allTasks(t, svc, secrets.TaskFilter{SecretName: "auto"})); got != 3 {
		t.Errorf("%d tasks of auto, want 3: automatic, manual, failed", got)
	}
}

func TestListTasks(t *testing.T) {
	svc, clk := newService(t, 0)
	createRDS(t, svc, "a", `{"password":"p"}`, secrets.Settings{})
	createRDS(t, svc, "b", `{"password":"p"}`, secrets.Settings{})
	createRDS(t, svc, "bad", `not json`, secrets.Settings{})
	var ids []string
	for i := range 7 {
		clk.t = clk.t.Add(time.Minute)
		name := []string{"a", "b", "bad"}[i%3]
		_, _, task, err := svc.Rotate(project, name)
		if name == "bad" {
			page, _, _ := svc.ListTasks(project, secrets.TaskFilter{Status: secrets.TaskFailed}, 0, "")
			task = page.Items[len(page.Items)-1]
		} else if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, task.ID)
	}
	// Pages of three, in the order the tasks were made, every one counted in total.
	var got []string
	marker := ""
	for {
		page, total, err := svc.ListTasks(project, secrets.TaskFilter{}, 3, marker)
		if err != nil || total != 7 {
			t.Fatalf("page after %q: total %d, %v", marker, total, err)
		}
		for _, task := range page.Items {
			got = append(got, task.ID)
		}
		if page.NextMarker == "" {
			break
		}
		if page.NextMarker != got[len(got)-1] {
			t.Fatalf("next_marker %q, want the page's last task %q", page.NextMarker, got[len(got)-1])
		}
		marker = page.NextMarker
	}
	if fmt.Sprint(got) != fmt.Sprint(ids) {
		t.Errorf("listed %v, made %v", got, ids)
	}
	for _, tt := range []struct {
		f    secrets.TaskFilter
		want int
	}{
		{secrets.TaskFilter{SecretName: "a"}, 3}, {secrets.TaskFilter{SecretName: "b", Status: secrets.TaskSuccess}, 2},
		{secrets.TaskFilter{Status: secrets.TaskFailed}, 2}, {secrets.TaskFilter{TaskID: ids[4]}, 1},
		{secrets.TaskFilter{SecretName: "missing"}, 0}, {secrets.TaskFilter{TaskID: "none"}, 0},
	} {
		page, total, err := svc.ListTasks(project, tt.f, 50, "")
		if err != nil || total != tt.want || len(page.Items) != tt.want {
			t.Errorf("%+v: %d listed, total %d, %v; want %d", tt.f, len(page.Items), total, err, tt.want)
		}
	}
	_, _, err := svc.ListTasks(project, secrets.TaskFilter{TaskID: ids[0], SecretName: "a"}, 50, "")
	wantKind(t, err, secrets.InvalidFilter)
}

// TestRotationNotifiesItsEvents: a rotation is heard by the events its secret subscribes to, as
// a new version and as a rotation; a rotation that fails, as a failed rotation; a secret not
// subscribed leaves no record.
func TestRotationNotifiesItsEvents(t *testing.T) {
	svc, _ := newService(t, 0)
	mustCreateEvent(t, svc, "rotations", secrets.EventEnabled,
		secrets.EventVersionCreated, secrets.EventRotated, secrets.EventRotationFailed)
	subscribedTo := secrets.Settings{EventSubscriptions: []string{"rotations"}}
	createRDS(t, svc, "db", `{"username":"app","password":"old"}`, subscribedTo)
	createRDS(t, svc, "quiet", `{"username":"app","password":"old"}`, secrets.Settings{})
	createRDS(t, svc, "broken", `not json`, subscribedTo)

	if _, _, _, err := svc.Rotate(project, "db"); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := svc.Rotate(project, "quiet"); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := svc.Rotate(project, "broken"); err == nil {
		t.Fatal("rotating a value that is not JSON succeeded")
	}
	want := []string{
		"rotations " + secrets.EventVersionCreated + " db",     // v1, at creation
		"rotations " + secrets.EventVersionCreated + " broken", // v1, at creation
		"rotations " + secrets.EventVersionCreated + " db",     // v2, the rotation's
		"rotations " + secrets.EventRotated + " db",
		"rotations " + secrets.EventRotationFailed + " broken",
	}
	if got := kinds(records(t, svc)); !slices.Equal(got, want) {
		t.Errorf("records = %q, want %q", got, want)
	}
}
