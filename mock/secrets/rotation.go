package secrets

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/csmskit/csmskit/mock/password"
	"github.com/csmskit/csmskit/mock/store"
	"github.com/google/uuid"
)

// Rotation: RotateSecret gives a secret of a type that rotates a new SYSCURRENT version whose
// value is generated here, automatic rotation does the same when a secret's next rotation time
// has come, and each rotation, done or failed, is a task that ListSecretTask lists.

// The store's buckets of rotation: each project's tasks by ID (IDs that sort by the task's
// time), and the secrets whose automatic rotation is scheduled, by project and name, each with
// the time it is due. An entry of the schedule may be stale (the secret deleted, purged, or its
// rotation turned off or moved): the pass that finds it due reads the secret and puts it right.
const (
	tasksPrefix    = "secret-tasks/"
	scheduleBucket = "rotation-schedule"
)

func tasksBucket(project string) string { return tasksPrefix + project }

// scheduleKey names a secret in the schedule; a name holds no "/", so the last one divides.
func scheduleKey(project, name string) string { return project + "/" + name }

// Task statuses, as ListSecretTask filters them.
const (
	TaskSuccess = "SUCCESS"
	TaskFailed  = "FAILED"
)

// How a rotation was started: the task's operate type. The vendor's pages give no values.
const (
	RotatedManually      = "MANUAL"
	RotatedAutomatically = "AUTOMATIC"
)

// rotatingTypes are the secret types RotateSecret rotates: the database types, the retired RDS
// among them; a COMMON secret is not rotated.
var rotatingTypes = map[string]bool{"RDS-FG": true, "GaussDB-FG": true, "RDS": true}

// Task is one rotation of a secret, done or failed. Times are epoch milliseconds.
type Task struct {
	ID              string `json:"task_id"`
	SecretName      string `json:"secret_name"`
	RotationFuncURN string `json:"rotation_func_urn,omitempty"`
	Status          string `json:"task_status"`
	OperateType     string `json:"operate_type"`
	Time            int64  `json:"task_time"`
	Attempts        int    `json:"attempt_nums"`
	// FailureKind and FailureDetail say why a FAILED task failed.
	FailureKind   Kind   `json:"failure_kind,omitempty"`
	FailureDetail string `json:"failure_detail,omitempty"`
}

// Failure is the failure that made the task fail, nil for a task that succeeded.
func (t Task) Failure() error {
	if t.Status != TaskFailed {
		return nil
	}
	return fail(t.FailureKind, t.FailureDetail)
}

// Rotate rotates a secret now: a new version with a value generated from the current one
// (rotatedValue) becomes SYSCURRENT, the former current one SYSPREVIOUS. A secret of a type
// that does not rotate, or not ENABLED, is refused and nothing is recorded; a rotation that
// cannot make the new value is recorded as a FAILED task and answered with its failure.
func (s *Service) Rotate(project, name string) (*Secret, *Version, Task, error) {
	var (
		sec   *Secret
		added *Version
		task  Task
	)
	err := s.write(func(tx store.Tx) error {
		var err error
		if sec, err = s.get(tx, project, name); err != nil {
			return err
		}
		if !rotatingTypes[sec.SecretType] {
			return fail(NotRotatable, "a secret of type "+sec.SecretType+" is not rotated")
		}
		if err := usable(sec); err != nil {
			return err
		}
		task, added, err = s.rotate(tx, project, sec, RotatedManually)
		return err
	})
	if err == nil {
		err = task.Failure()
	}
	if err != nil {
		return nil, nil, Task{}, err
	}
	return sec, added, task, nil
}

// rotate rotates sec in tx and stores it with the task that records the rotation, which it
// returns with the new version. A rotation that fails (the secret not ENABLED, a value it
// cannot rotate) stores nothing of sec, which it may have changed, but the stored secret's
// next rotation and a FAILED task; the error is the store's.
func (s *Service) rotate(tx store.Tx, project string, sec *Secret, how string) (Task, *Version, error) {
	now := s.now()
	task := Task{
		ID: taskID(now), SecretName: sec.Name, RotationFuncURN: sec.RotationFuncURN,
		Status: TaskSuccess, OperateType: how, Time: now, Attempts: 1,
	}
	added, err := s.newVersion(sec, now)
	if KindOf(err) != 0 {
		task.Status, task.FailureKind, task.FailureDetail = TaskFailed, KindOf(err), err.Error()
		stored, err := s.get(tx, project, sec.Name)
		if err != nil {
			return Task{}, nil, err
		}
		stored.schedule(now)
		if err := putTask(tx, project, task); err != nil {
			return Task{}, nil, err
		}
		if err := s.recordEvent(tx, project, stored, EventRotationFailed); err != nil {
			return Task{}, nil, err
		}
		return task, nil, put(tx, project, stored)
	}
	if err != nil {
		return Task{}, nil, err
	}
	sec.RotationTime, sec.UpdateTime = now, now
	if err := s.rotated(tx, project, sec, task); err != nil {
		return Task{}, nil, err
	}
	return task, &added, put(tx, project, sec)
}

// newVersion adds the version a rotation makes to an ENABLED secret.
func (s *Service) newVersion(sec *Secret, now int64) (Version, error) {
	if err := usable(sec); err != nil {
		return Version{}, err
	}
	current, ok := sec.version("latest")
	if !ok {
		return Version{}, fail(InvalidValue, "the secret has no SYSCURRENT version to rotate")
	}
	pw, err := password.Generate(rotationPassword)
	if err != nil {
		return Version{}, err
	}
	value, err := rotatedValue(current.Value, pw)
	if err != nil {
		return Version{}, err
	}
	return sec.addVersion(NewVersion{Value: Value{String: &value}}, now)
}

// rotated is what follows a rotation that succeeded, in its transaction, before the secret is
// stored: the next automatic rotation is scheduled from it, the task that records it is
// written, and the secret's events hear of a new version and of a rotation.
func (s *Service) rotated(tx store.Tx, project string, sec *Secret, task Task) error {
	sec.schedule(task.Time)
	if err := putTask(tx, project, task); err != nil {
		return err
	}
	if err := s.recordVersionEvent(tx, project, sec, EventVersionCreated, sec.Versions[len(sec.Versions)-1].ID); err != nil {
		return err
	}
	return s.recordEvent(tx, project, sec, EventRotated)
}

// rotationPassword asks the password generator for what a rotation puts in a value: 32
// characters of letters, digits and ASCII punctuation, at least one of each kind.
var rotationPassword = password.Options{RequireEachIncludedType: true}

// maxValueLength is the most characters a value holds, as CreateSecret takes them.
const maxValueLength = 32768

// rotatedValue returns a database secret's value with a new password: the value is a JSON
// object, and each of its members named "password" (in any case) is a string, which becomes
// pw. Every other member is kept as it is, in its place; the object is written without white
// space between its members. Any other value (binary, not an object, without a password
// member, one that is not a string) cannot be rotated.
func rotatedValue(v Value, pw string) (string, error) {
	cannot := func(why string) error { return fail(InvalidValue, "the value cannot be rotated: "+why) }
	if v.String == nil {
		return "", cannot("it is binary, not a JSON object with a password member")
	}
	dec := json.NewDecoder(strings.NewReader(*v.String))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", cannot(`it is not a JSON object with a "password" member`)
	}
	quoted, _ := json.Marshal(pw) // a string always encodes
	out := []byte{'{'}
	found := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return "", cannot(`it is not a JSON object with a "password" member`)
		}
		key, _ := t.(string)
		var member json.RawMessage
		if err := dec.Decode(&member); err != nil {
			return "", cannot(`it is not a JSON object with a "password" member`)
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		name, _ := json.Marshal(key)
		out = append(append(out, name...), ':')
		if strings.EqualFold(key, "password") {
			if member[0] != '"' { // Decode has read a whole JSON value
				return "", cannot("its " + key + " member is not a string")
			}
			member, found = quoted, true
		}
		out = append(out, member...)
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return "", cannot(`it is not a JSON object with a "password" member`)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "", cannot("something follows the JSON object")
	}
	if !found {
		return "", cannot(`it has no "password" member`)
	}
	out = append(out, '}')
	if utf8.RuneCount(out) > maxValueLength {
		return "", cannot(fmt.Sprintf("the new value would be over %d characters", maxValueLength))
	}
	return string(out), nil
}

// schedule sets when automatic rotation next rotates the secret: a rotation period after from
// when the secret rotates automatically, never otherwise.
func (sec *Secret) schedule(from int64) {
	sec.NextRotationTime = 0
	if !sec.AutoRotation || !rotatingTypes[sec.SecretType] {
		return
	}
	if period, ok := rotationPeriod(sec.RotationPeriod); ok {
		sec.NextRotationTime = from + period
	}
}

// rotationPeriod reads a rotation period (a number and a unit: d, h, m or s) in milliseconds;
// an empty, zero or unreadable period schedules nothing.
func rotationPeriod(p string) (int64, bool) {
	units := map[byte]int64{'d': 24 * 3600 * 1000, 'h': 3600 * 1000, 'm': 60 * 1000, 's': 1000}
	if len(p) < 2 {
		return 0, false
	}
	unit, ok := units[p[len(p)-1]]
	n, err := strconv.ParseInt(p[:len(p)-1], 10, 64)
	if !ok || err != nil || n <= 0 || n > (1<<53)/unit {
		return 0, false
	}
	return n * unit, true
}

// putTask stores a task among its project's.
func putTask(tx store.Tx, project string, task Task) error {
	raw, err := json.Marshal(task)
	if err != nil {
		return fmt.Errorf("encode task %s: %w", task.ID, err)
	}
	return tx.Put(tasksBucket(project), task.ID, raw)
}

// taskID returns a new task ID: a UUID of version 7 made at the service's time now, so that IDs
// sort as their tasks were made (random within a millisecond).
func taskID(now int64) string {
	var id uuid.UUID
	_, _ = rand.Read(id[6:]) // crypto/rand.Read never fails on supported platforms
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(now))
	copy(id[:6], ms[2:])
	id[6] = id[6]&0x0f | 0x70
	id[8] = id[8]&0x3f | 0x80
	return id.String()
}

// TaskFilter selects tasks; an empty field selects every task.
type TaskFilter struct {
	SecretName, Status, TaskID string
}

// ListTasks returns up to limit (all when 0) of the project's tasks the filter selects, after
// the task marker names, in the order they were made, and how many tasks it selects on every page. A
// task ID goes with no other criterion.
func (s *Service) ListTasks(project string, f TaskFilter, limit int, marker string) (Page[Task], int, error) {
	var page Page[Task]
	if f.TaskID != "" && (f.SecretName != "" || f.Status != "") {
		return page, 0, fail(InvalidFilter, "task_id cannot be given with secret_name or status")
	}
	total := 0
	var decodeErr error
	err := s.store.View(func(tx store.Tx) error {
		return tx.Scan(tasksBucket(project), "", func(id string, raw []byte) bool {
			var t Task
			if decodeErr = json.Unmarshal(raw, &t); decodeErr != nil {
				decodeErr = fmt.Errorf("decode task %s: %w", id, decodeErr)
				return false
			}
			if f.SecretName != "" && t.SecretName != f.SecretName || f.Status != "" && t.Status != f.Status ||
				f.TaskID != "" && t.ID != f.TaskID {
				return true
			}
			total++
			switch {
			case id <= marker:
			case limit <= 0 || len(page.Items) < limit:
				page.Items = append(page.Items, t)
			case page.NextMarker == "":
				page.NextMarker = page.Items[limit-1].ID
			}
			return true
		})
	})
	if err == nil {
		err = decodeErr
	}
	return page, total, err
}

// RotateDue runs every automatic rotation that is due, each in a transaction of its own that
// finds it due, rotates the secret and schedules the next: however many processes sharing a
// store run it at once, each due rotation happens once. It returns the tasks that record the
// rotations (a FAILED one for a secret it could not rotate), also when a later one fails.
func (s *Service) RotateDue() ([]Task, error) {
	now := s.now()
	var due []string
	err := s.store.View(func(tx store.Tx) error {
		return tx.Scan(scheduleBucket, "", func(key string, raw []byte) bool {
			if at, err := strconv.ParseInt(string(raw), 10, 64); err != nil || at <= now {
				due = append(due, key)
			}
			return true
		})
	})
	if err != nil {
		return nil, err
	}
	var done []Task
	for _, key := range due {
		i := strings.LastIndexByte(key, '/')
		if i < 0 {
			continue // no entry of scheduleKey's
		}
		task, err := s.rotateIfDue(key[:i], key[i+1:])
		if err != nil {
			return done, fmt.Errorf("rotate %s: %w", key, err)
		}
		if task != nil {
			done = append(done, *task)
		}
	}
	return done, nil
}

// rotateIfDue rotates a secret whose automatic rotation is due, in one transaction, and
// returns its task; nil when it is not due (any more), putting its schedule entry right.
func (s *Service) rotateIfDue(project, name string) (*Task, error) {
	var out *Task
	err := s.store.Update(func(tx store.Tx) error {
		out = nil // a shared store may run the transaction again
		key := scheduleKey(project, name)
		sec, err := s.get(tx, project, name)
		switch {
		case KindOf(err) == NotFound || err == nil && sec.NextRotationTime == 0:
			return tx.Delete(scheduleBucket, key)
		case err != nil:
			return err
		case sec.NextRotationTime > s.now():
			return tx.Put(scheduleBucket, key, []byte(strconv.FormatInt(sec.NextRotationTime, 10)))
		}
		task, _, err := s.rotate(tx, project, sec, RotatedAutomatically)
		out = &task
		return err
	})
	return out, err
}
