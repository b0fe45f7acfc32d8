package secrets

import (
	"encoding/base64"
	"fmt"
	"slices"
	"time"

	"github.com/csmskit/csmskit/mock/store"
	"github.com/google/uuid"
)

// Sealer encrypts backups and opens them again.
type Sealer interface {
	Seal(plaintext []byte) (string, error)
	Open(blob string) ([]byte, error)
}

// Options configure a Service.
type Options struct {
	// MaxSecrets is the per-project quota.
	MaxSecrets int
	// DefaultKMSKeyID protects secrets created without a kms_key_id.
	DefaultKMSKeyID string
	// Now is the clock.
	Now func() time.Time
}

// Service implements the CSMS operations over a store.
type Service struct {
	store  store.Store
	sealer Sealer
	opts   Options
	// notified hears of the notification records a request's transactions write (Noting).
	notified *Notified
}

// NewService returns a Service over st that seals backups with sealer.
func NewService(st store.Store, sealer Sealer, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{store: st, sealer: sealer, opts: opts}
}

func (s *Service) now() int64 { return s.opts.Now().UnixMilli() }

func notFound(name string) error { return fail(NotFound, "no secret named "+name) }

// get reads a secret, purging it first when its scheduled deletion is due.
func (s *Service) get(tx store.Tx, project, name string) (*Secret, error) {
	raw, ok, err := tx.Get(bucket(project), name)
	if err != nil {
		return nil, fmt.Errorf("read secret: %w", err)
	}
	if !ok {
		return nil, notFound(name)
	}
	sec, err := decodeRecord(raw)
	if err != nil {
		return nil, fmt.Errorf("decode secret %s: %w", name, err)
	}
	if s.deleted(sec.State, sec.ScheduledDeleteTime) {
		return nil, notFound(name)
	}
	return sec, nil
}

// deleted reports whether a secret pending deletion has reached its deletion time: from then
// on it no longer exists, whether or not its record has been removed yet.
func (s *Service) deleted(state string, scheduledDeleteTime int64) bool {
	return deletedAt(s.now(), state, scheduledDeleteTime)
}

// deletedAt is deleted at the time now.
func deletedAt(now int64, state string, scheduledDeleteTime int64) bool {
	return state == StatePendingDelete && scheduledDeleteTime > 0 && now >= scheduledDeleteTime
}

// updateByID runs fn on the secret with the given id in a write transaction and stores it.
func (s *Service) updateByID(project, id string, fn func(*Secret) error) (*Secret, error) {
	return s.change(project, func(tx store.Tx) (*Secret, error) { return s.getByID(tx, project, id) }, fn, nil)
}

// view runs a read of one secret.
func (s *Service) view(project, name string) (*Secret, error) {
	var sec *Secret
	err := s.store.View(func(tx store.Tx) error {
		var err error
		sec, err = s.get(tx, project, name)
		return err
	})
	return sec, err
}

// update runs fn on one secret in a write transaction and stores the result.
func (s *Service) update(project, name string, fn func(*Secret) error) (*Secret, error) {
	return s.updateThen(project, name, fn, nil)
}

// updateThen is update that then runs then (when not nil) on the stored secret in the same
// transaction: to record what happened to it, say.
func (s *Service) updateThen(project, name string, fn func(*Secret) error, then func(store.Tx, *Secret) error) (*Secret, error) {
	return s.change(project, func(tx store.Tx) (*Secret, error) { return s.get(tx, project, name) }, fn, then)
}

// change reads a secret with read, runs fn on it, stores it and runs then (when not nil) on
// it, in one write transaction.
func (s *Service) change(project string, read func(store.Tx) (*Secret, error), fn func(*Secret) error, then func(store.Tx, *Secret) error) (*Secret, error) {
	var sec *Secret
	err := s.write(func(tx store.Tx) error {
		var err error
		if sec, err = read(tx); err != nil {
			return err
		}
		if err := fn(sec); err != nil {
			return err
		}
		sec.UpdateTime = s.now()
		if err := put(tx, project, sec); err != nil || then == nil {
			return err
		}
		return then(tx, sec)
	})
	return sec, err
}

// NewSecret is what CreateSecret takes.
type NewSecret struct {
	Name, Description, KMSKeyID, SecretType, EnterpriseProjectID string
	Value                                                        Value
	Settings
}

// Create makes a secret whose first version, v1, is SYSCURRENT: the creation of a version its
// events hear of.
func (s *Service) Create(project string, in NewSecret) (*Secret, error) {
	var sec *Secret
	err := s.write(func(tx store.Tx) error {
		var err error
		sec, err = s.create(tx, project, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return sec, nil
}

// create makes and stores a new secret in tx, as Create does.
func (s *Service) create(tx store.Tx, project string, in NewSecret) (*Secret, error) {
	if err := checkValue(in.Value); err != nil {
		return nil, err
	}
	if err := s.checkNewName(tx, project, in.Name); err != nil {
		return nil, err
	}
	now := s.now()
	sec := &Secret{
		ID:                  uuid.NewString(),
		Name:                in.Name,
		State:               stateEnabled,
		KMSKeyID:            or(in.KMSKeyID, s.opts.DefaultKMSKeyID),
		Description:         in.Description,
		SecretType:          or(in.SecretType, defaultSecretType),
		EnterpriseProjectID: in.EnterpriseProjectID,
		Settings:            in.Settings,
		CreateTime:          now,
		UpdateTime:          now,
		StageTimes:          map[string]int64{StageCurrent: now},
		NextVersion:         2,
		Versions:            []Version{{ID: "v1", CreateTime: now, Stages: []string{StageCurrent}, Value: in.Value}},
	}
	sec.schedule(now)
	if err := putNew(tx, project, sec); err != nil {
		return nil, err
	}
	return sec, s.recordVersionEvent(tx, project, sec, EventVersionCreated, "v1")
}

// checkNewName refuses a name in use (pending deletion included) and a full project.
func (s *Service) checkNewName(tx store.Tx, project, name string) error {
	_, err := s.get(tx, project, name)
	switch {
	case err == nil:
		return fail(NameTaken, "a secret named "+name+" already exists")
	case KindOf(err) != NotFound:
		return err
	}
	n, err := tx.Count(bucket(project))
	if err != nil {
		return fmt.Errorf("count secrets: %w", err)
	}
	if s.opts.MaxSecrets > 0 && n >= s.opts.MaxSecrets {
		return fail(QuotaExceeded, fmt.Sprintf("the project holds %d secrets", n))
	}
	return nil
}

// Show returns a secret's metadata.
func (s *Service) Show(project, name string) (*Secret, error) { return s.view(project, name) }

// SecretUpdate names the metadata UpdateSecret changes; nil fields keep their values.
type SecretUpdate struct {
	KMSKeyID, Description, RotationPeriod, RotationFuncURN *string
	AutoRotation                                           *bool
	EventSubscriptions                                     *[]string
}

// Update changes an ENABLED secret's metadata; its values and versions stay as they are. A
// change of auto_rotation or rotation_period schedules the next rotation a period from now.
func (s *Service) Update(project, name string, in SecretUpdate) (*Secret, error) {
	return s.update(project, name, func(sec *Secret) error {
		if err := usable(sec); err != nil {
			return err
		}
		set(&sec.KMSKeyID, in.KMSKeyID)
		set(&sec.Description, in.Description)
		set(&sec.RotationPeriod, in.RotationPeriod)
		set(&sec.RotationFuncURN, in.RotationFuncURN)
		set(&sec.AutoRotation, in.AutoRotation)
		set(&sec.EventSubscriptions, in.EventSubscriptions)
		if in.AutoRotation != nil || in.RotationPeriod != nil {
			sec.schedule(s.now()) // a period from now, as the setting changes
		}
		return nil
	})
}

// set stores *v in dst when v is not nil.
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// Page is one page of a list and the marker of the next (empty on the last page).
type Page[T any] struct {
	Items      []T
	NextMarker string
}

// add puts item on a page of at most limit items (0: no limit) read in order; once the page is
// full it is not added, the page's last item (its key) becomes the marker of the next page, and
// add reports false, so the read stops.
func (p *Page[T]) add(item T, limit int, key func(T) string) bool {
	if limit > 0 && len(p.Items) == limit {
		p.NextMarker = key(p.Items[limit-1])
		return false
	}
	p.Items = append(p.Items, item)
	return true
}

// List returns the metadata (the secrets without what belongs to their versions: metaOf) of
// up to limit secrets (all of them when limit is 0) after marker, in name order; with
// eventName, only of those subscribed to that event. It reads the metadata records alone, so
// a page costs the same whatever the secrets' versions hold.
func (s *Service) List(project string, limit int, marker, eventName string) (Page[*Secret], error) {
	var page Page[*Secret]
	now := s.now()
	// The page's secrets are read into blocks of a few, rather than allocated one by one.
	var block []Secret
	blockSize := metaBlock
	if limit > 0 && limit < metaBlock {
		blockSize = limit + 1 // the page, and the secret after it that says there is another
	}
	var prev *Secret
	decode := func(raw []byte) (*Secret, error) {
		if len(block) == cap(block) {
			block = make([]Secret, 0, blockSize)
		}
		block = append(block, Secret{})
		sec := &block[len(block)-1]
		err := decodeMeta(sec, raw, prev)
		prev = sec
		return sec, err
	}
	want := 0
	if limit > 0 {
		want = limit + 1
	}
	err := s.store.View(func(tx store.Tx) error {
		return scanDecodedFirst(tx, metaBucket(project), marker, want, decode, func(sec *Secret) bool {
			if deletedAt(now, sec.State, sec.ScheduledDeleteTime) {
				return true
			}
			if eventName != "" && !slices.Contains(sec.EventSubscriptions, eventName) {
				return true
			}
			return page.add(sec, limit, func(s *Secret) string { return s.Name })
		})
	})
	return page, err
}

// metaBlock is how many secrets a list reads into one allocation at most.
const metaBlock = 64

// Delete removes a secret and all its versions at once. Its events hear of it unless they
// heard when its deletion was scheduled.
func (s *Service) Delete(project, name string) error {
	return s.write(func(tx store.Tx) error {
		sec, err := s.get(tx, project, name)
		if err != nil {
			return err
		}
		if sec.State != StatePendingDelete {
			if err := s.recordEvent(tx, project, sec, EventDeleted); err != nil {
				return err
			}
		}
		return remove(tx, project, sec)
	})
}

// ScheduleDeletion puts a secret in PENDING_DELETE until days from now; its events hear of its
// deletion then.
func (s *Service) ScheduleDeletion(project, name string, days int) (*Secret, error) {
	return s.updateThen(project, name, func(sec *Secret) error {
		if sec.State == StatePendingDelete {
			return fail(AlreadyScheduled, "the secret is already scheduled for deletion")
		}
		sec.State = StatePendingDelete
		sec.ScheduledDeleteTime = s.opts.Now().Add(time.Duration(days) * 24 * time.Hour).UnixMilli()
		return nil
	}, func(tx store.Tx, sec *Secret) error { return s.recordEvent(tx, project, sec, EventDeleted) })
}

// CancelDeletion returns a PENDING_DELETE secret to ENABLED.
func (s *Service) CancelDeletion(project, name string) (*Secret, error) {
	return s.update(project, name, func(sec *Secret) error {
		if sec.State != StatePendingDelete {
			return fail(NotScheduled, "the secret is not scheduled for deletion")
		}
		sec.State = stateEnabled
		sec.ScheduledDeleteTime = 0
		return nil
	})
}

// checkValue enforces "exactly one of" and base64 for binary values; the request validator
// already refused the rest.
func checkValue(v Value) error {
	if (v.String == nil) == (v.Binary == nil) {
		return fail(InvalidValue, "exactly one of secret_string and secret_binary must be given")
	}
	if v.Binary != nil {
		if _, err := base64.StdEncoding.DecodeString(*v.Binary); err != nil {
			return fail(InvalidValue, "secret_binary is not base64")
		}
	}
	return nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Now is the service's clock in epoch milliseconds.
func (s *Service) Now() int64 { return s.now() }
