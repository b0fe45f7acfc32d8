package secrets

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/csmskit/csmskit/mock/store"
	"github.com/google/uuid"
)

// Notification records: what an event would have sent when something happened to a secret
// subscribed to it. Nothing is sent anywhere; the records are the evidence, kept in the store
// (so replicas on one database share them) by the time they were made.

// The store's buckets: a project's notification records, by a key that sorts them by time, and
// the index of its versions' expiry times, by a key that sorts them by when they fall due.
const (
	recordsPrefix = "event-records/"
	expiryPrefix  = "version-expiry/"
)

func recordBucket(project string) string { return recordsPrefix + project }
func expiryBucket(project string) string { return expiryPrefix + project }

// Record statuses. The mock sends nothing: a record whose topic is of the one kind the console
// offers (SMN) says what would have been sent; any other kind is a topic nothing can be sent to.
const (
	RecordSent    = "SUCCESS"
	RecordInvalid = "INVALID"
)

// smnTarget is the target type of a topic of the Simple Message Notification service.
const smnTarget = "SMN"

// Record is one notification an event triggered. Nothing of a secret's value is in it.
type Record struct {
	EventName  string `json:"event_name"`
	EventType  string `json:"trigger_event_type"`
	CreateTime int64  `json:"create_time"`
	SecretName string `json:"secret_name"`
	SecretType string `json:"secret_type"`
	TargetType string `json:"notification_target_type"`
	TargetID   string `json:"notification_target_id"`
	TargetName string `json:"notification_target_name"`
	Content    string `json:"notification_content"`
	Status     string `json:"notification_status"`
}

// recordContent is what a notification says: which event, what happened, to which secret and
// version, and when.
type recordContent struct {
	EventName  string `json:"event_name"`
	EventType  string `json:"event_type"`
	SecretName string `json:"secret_name"`
	SecretID   string `json:"secret_id"`
	VersionID  string `json:"version_id,omitempty"`
	Time       int64  `json:"time"`
}

// Recorded is a record and the project it belongs to.
type Recorded struct {
	Project string
	Record
}

// Notified collects the notification records a request's transactions wrote, for the request's
// journal entry.
type Notified struct {
	Records []Record
	// pending are those of the transaction under way, which a shared store may run again.
	pending []Record
}

// Noting returns the service as one request uses it: every notification record it writes is
// also handed to n.
func (s *Service) Noting(n *Notified) *Service {
	c := *s
	c.notified = n
	return &c
}

// write runs fn in a write transaction; once it commits, the records it wrote are handed to the
// request's Notified.
func (s *Service) write(fn func(store.Tx) error) error {
	n := s.notified
	err := s.store.Update(func(tx store.Tx) error {
		if n != nil {
			n.pending = n.pending[:0]
		}
		return fn(tx)
	})
	if n != nil {
		if err == nil {
			n.Records = append(n.Records, n.pending...)
		}
		n.pending = nil
	}
	return err
}

// recordEvent writes, in tx, a notification record for every ENABLED event the secret
// subscribes to whose basic event types include eventType. Rotation records EventRotated or
// EventRotationFailed with it.
func (s *Service) recordEvent(tx store.Tx, project string, sec *Secret, eventType string) error {
	_, err := s.recordAt(tx, project, sec, eventType, "", s.now())
	return err
}

// recordVersionEvent is recordEvent for what happened to one version.
func (s *Service) recordVersionEvent(tx store.Tx, project string, sec *Secret, eventType, versionID string) error {
	_, err := s.recordAt(tx, project, sec, eventType, versionID, s.now())
	return err
}

// recordAt is recordEvent of something that happened at the time at, to versionID ("" for the
// whole secret); it returns the records it wrote. A subscription to an event that does not
// exist notifies no one.
func (s *Service) recordAt(tx store.Tx, project string, sec *Secret, eventType, versionID string, at int64) ([]Record, error) {
	var made []Record
	for _, name := range sec.EventSubscriptions {
		e, err := getEvent(tx, project, name)
		switch {
		case KindOf(err) == EventNotFound:
			continue
		case err != nil:
			return nil, err
		case !e.triggers(eventType):
			continue
		}
		content, err := json.Marshal(recordContent{EventName: e.Name, EventType: eventType, SecretName: sec.Name,
			SecretID: sec.ID, VersionID: versionID, Time: at})
		if err != nil {
			return nil, err
		}
		r := Record{EventName: e.Name, EventType: eventType, CreateTime: at, SecretName: sec.Name,
			SecretType: sec.SecretType, TargetType: e.Notification.TargetType, TargetID: e.Notification.TargetID,
			TargetName: e.Notification.TargetName, Content: string(content), Status: RecordSent}
		if !strings.EqualFold(r.TargetType, smnTarget) {
			r.Status = RecordInvalid
		}
		raw, err := json.Marshal(&r)
		if err != nil {
			return nil, err
		}
		if err := tx.Put(recordBucket(project), recordKey(at), raw); err != nil {
			return nil, err
		}
		if s.notified != nil {
			s.notified.pending = append(s.notified.pending, r)
		}
		made = append(made, r)
	}
	return made, nil
}

// recordKey is a record's key: records sort by the time they record, and those of one
// millisecond in the order this process wrote them (a version-7 UUID grows with each one).
func recordKey(at int64) string { return timeKey(at) + "-" + uuid.Must(uuid.NewV7()).String() }

// timeKey is a time as a key that sorts as the time does.
func timeKey(at int64) string { return fmt.Sprintf("%020d", max(at, 0)) }

// recordRetention is how far back ListRecords answers: "only event notification records
// generated within three months are stored".
const recordRetention = 90 * 24 * time.Hour

// MaxRecords is the most records ListRecords answers (the published definitions' maxItems).
const MaxRecords = 1000

// ListRecords returns the project's notification records of the last three months, oldest
// first; of more than MaxRecords, the newest MaxRecords.
func (s *Service) ListRecords(project string) ([]Record, error) {
	var out []Record
	var decodeErr error
	since := timeKey(s.opts.Now().Add(-recordRetention).UnixMilli())
	err := s.store.View(func(tx store.Tx) error {
		return tx.Scan(recordBucket(project), since, func(key string, raw []byte) bool {
			var r Record
			if decodeErr = json.Unmarshal(raw, &r); decodeErr != nil {
				decodeErr = fmt.Errorf("decode notification record %s: %w", key, decodeErr)
				return false
			}
			if len(out) == MaxRecords {
				out = append(out[:0], out[1:]...)
			}
			out = append(out, r)
			return true
		})
	})
	if err == nil {
		err = decodeErr
	}
	return out, err
}

// secondsBelow is where expire_time stops being read as epoch seconds: the pages give it in
// seconds, the service's own times are milliseconds, and it is kept as the client sent it. A
// value below 1e11 would be a time in 1973 in milliseconds, and is one in 5138 in seconds.
const secondsBelow = 100_000_000_000

// expiresAt is when a version whose expire_time is expireTime expires, in epoch milliseconds.
func expiresAt(expireTime int64) int64 {
	if expireTime < secondsBelow {
		return expireTime * 1000
	}
	return expireTime
}

// expiryKey names a version's expiry in the index: when it falls due, the secret (a name has no
// "/") and the version.
func expiryKey(due int64, secret, version string) string {
	return timeKey(due) + "/" + secret + "/" + version
}

// indexExpiry notes when a version expires, so that the expiry pass finds the versions that
// fall due without reading every secret. The entry holds the secret's id: a secret created
// later under the same name is another secret.
func indexExpiry(tx store.Tx, project string, sec *Secret, v *Version) error {
	if v.ExpireTime == nil {
		return nil
	}
	return tx.Put(expiryBucket(project), expiryKey(expiresAt(*v.ExpireTime), sec.Name, v.ID), []byte(sec.ID))
}

// unindexExpiry removes a version's entry in the expiry index.
func unindexExpiry(tx store.Tx, project, secret, version string, expireTime *int64) error {
	if expireTime == nil {
		return nil
	}
	return tx.Delete(expiryBucket(project), expiryKey(expiresAt(*expireTime), secret, version))
}

// NotifyExpired records SECRET_VERSION_EXPIRED for every version of every project whose expiry
// time the clock has passed, batch entries of the index per transaction, and returns the
// records it wrote. Each expiry is recorded once however many processes run it at the same
// time on one database: its index entry is removed in the transaction that records it, and of
// two transactions that remove the same entry only one commits (the other runs again, and
// finds it gone).
func (s *Service) NotifyExpired(batch int) ([]Recorded, error) {
	now := s.now()
	var projects []string
	err := s.store.View(func(tx store.Tx) error {
		all, err := allProjects(tx)
		if err != nil {
			return err
		}
		for _, p := range all {
			due, err := dueExpiries(tx, p, now, 1)
			if err != nil {
				return err
			}
			if len(due) > 0 {
				projects = append(projects, p)
			}
		}
		return nil
	})
	var out []Recorded
	for _, p := range projects {
		if err != nil {
			break
		}
		var made []Record
		made, err = s.NotifyExpiredIn(p, batch)
		for _, r := range made {
			out = append(out, Recorded{Project: p, Record: r})
		}
	}
	return out, err
}

// NotifyExpiredIn is NotifyExpired for one project, which a list of its records runs first so
// that it answers what the clock says has happened.
func (s *Service) NotifyExpiredIn(project string, batch int) ([]Record, error) {
	var out []Record
	for {
		// A look first: most lists find nothing due, and need no write transaction.
		due := false
		err := s.store.View(func(tx store.Tx) error {
			keys, err := dueExpiries(tx, project, s.now(), 1)
			due = len(keys) > 0
			return err
		})
		if err != nil || !due {
			return out, err
		}
		var made []Record
		n := 0
		err = s.store.Update(func(tx store.Tx) error {
			made = made[:0]
			due, err := dueExpiries(tx, project, s.now(), batch)
			if err != nil {
				return err
			}
			n = len(due)
			for _, key := range due {
				recs, err := s.expire(tx, project, key)
				if err != nil {
					return err
				}
				made = append(made, recs...)
			}
			return nil
		})
		out = append(out, made...)
		if err != nil || n < batch {
			return out, err
		}
	}
}

// dueExpiries returns up to limit keys of the expiry index that have fallen due by now.
func dueExpiries(tx store.Tx, project string, now int64, limit int) ([]string, error) {
	var keys []string
	last := timeKey(now)
	err := tx.Scan(expiryBucket(project), "", func(key string, _ []byte) bool {
		if len(key) < len(last) || key[:len(last)] > last {
			return false
		}
		keys = append(keys, key)
		return len(keys) < limit
	})
	return keys, err
}

// expire removes an entry of the expiry index and records the version's expiry, when the
// version is still there with that expiry time.
func (s *Service) expire(tx store.Tx, project, key string) ([]Record, error) {
	id, ok, err := tx.Get(expiryBucket(project), key)
	if err != nil || !ok {
		return nil, err
	}
	if err := tx.Delete(expiryBucket(project), key); err != nil {
		return nil, err
	}
	digits := len(timeKey(0))
	name, version, _ := strings.Cut(key[digits+1:], "/")
	due, err := strconv.ParseInt(key[:digits], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("expiry index key %q: %w", key, err)
	}
	sec, err := s.get(tx, project, name)
	if KindOf(err) == NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v, ok := sec.version(version)
	if sec.ID != string(id) || !ok || v.ExpireTime == nil || expiresAt(*v.ExpireTime) != due {
		return nil, nil // the secret, the version or its expiry time has changed since
	}
	return s.recordAt(tx, project, sec, EventVersionExpired, version, due)
}
