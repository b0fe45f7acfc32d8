package secrets

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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
}

// NewService returns a Service over st that seals backups with sealer.
func NewService(st store.Store, sealer Sealer, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{store: st, sealer: sealer, opts: opts}
}

// bucket names a project's secrets.
func bucket(project string) string { return "secrets/" + project }

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
	var sec Secret
	if err := json.Unmarshal(raw, &sec); err != nil {
		return nil, fmt.Errorf("decode secret %s: %w", name, err)
	}
	if s.deleted(sec.State, sec.ScheduledDeleteTime) {
		return nil, notFound(name)
	}
	return &sec, nil
}

// deleted reports whether a secret pending deletion has reached its deletion time: from then
// on it no longer exists, whether or not its record has been removed yet.
func (s *Service) deleted(state string, scheduledDeleteTime int64) bool {
	return state == StatePendingDelete && scheduledDeleteTime > 0 && s.now() >= scheduledDeleteTime
}

func put(tx store.Tx, project string, sec *Secret) error {
	raw, err := json.Marshal(sec)
	if err != nil {
		return fmt.Errorf("encode secret %s: %w", sec.Name, err)
	}
	return tx.Put(bucket(project), sec.Name, raw)
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
	var sec *Secret
	err := s.store.Update(func(tx store.Tx) error {
		var err error
		if sec, err = s.get(tx, project, name); err != nil {
			return err
		}
		if err := fn(sec); err != nil {
			return err
		}
		sec.UpdateTime = s.now()
		return put(tx, project, sec)
	})
	return sec, err
}

// NewSecret is what CreateSecret takes.
type NewSecret struct {
	Name, Description, KMSKeyID, SecretType, EnterpriseProjectID string
	Value                                                        Value
	// State and Stages are for fixtures; the API creates ENABLED secrets.
	State string
}

// Create makes a secret whose first version, v1, is SYSCURRENT.
func (s *Service) Create(project string, in NewSecret) (*Secret, error) {
	if err := checkValue(in.Value); err != nil {
		return nil, err
	}
	now := s.now()
	sec := &Secret{
		ID:                  uuid.NewString(),
		Name:                in.Name,
		State:               or(in.State, StateEnabled),
		KMSKeyID:            or(in.KMSKeyID, s.opts.DefaultKMSKeyID),
		Description:         in.Description,
		SecretType:          or(in.SecretType, DefaultSecretType),
		EnterpriseProjectID: in.EnterpriseProjectID,
		CreateTime:          now,
		UpdateTime:          now,
		NextVersion:         2,
		Versions:            []Version{{ID: "v1", CreateTime: now, Stages: []string{StageCurrent}, Value: in.Value}},
	}
	err := s.store.Update(func(tx store.Tx) error {
		if err := s.checkNewName(tx, project, in.Name); err != nil {
			return err
		}
		return put(tx, project, sec)
	})
	if err != nil {
		return nil, err
	}
	return sec, nil
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

// Page is one page of a list and the marker of the next (empty on the last page).
type Page[T any] struct {
	Items      []T
	NextMarker string
}

// List returns up to limit secrets after marker, in name order.
func (s *Service) List(project string, limit int, marker string) (Page[*Secret], error) {
	var page Page[*Secret]
	now := s.now()
	err := s.store.View(func(tx store.Tx) error {
		var decodeErr error
		err := tx.Scan(bucket(project), marker, func(name string, raw []byte) bool {
			var sec Secret
			if decodeErr = json.Unmarshal(raw, &sec); decodeErr != nil {
				return false
			}
			if sec.State == StatePendingDelete && sec.ScheduledDeleteTime > 0 && now >= sec.ScheduledDeleteTime {
				return true
			}
			if len(page.Items) == limit {
				page.NextMarker = page.Items[limit-1].Name
				return false
			}
			page.Items = append(page.Items, &sec)
			return true
		})
		return errors.Join(err, decodeErr)
	})
	return page, err
}

// Delete removes a secret and all its versions at once.
func (s *Service) Delete(project, name string) error {
	return s.store.Update(func(tx store.Tx) error {
		if _, err := s.get(tx, project, name); err != nil {
			return err
		}
		return tx.Delete(bucket(project), name)
	})
}

// AddVersion adds a version to an ENABLED secret. Without stages it becomes SYSCURRENT and the
// former current one SYSPREVIOUS; with stages it gets exactly those (each moved from the version
// holding it), so SYSCURRENT moves only when it is listed.
func (s *Service) AddVersion(project, name string, value Value, stages []string) (*Secret, *Version, error) {
	if err := checkValue(value); err != nil {
		return nil, nil, err
	}
	var added Version
	sec, err := s.update(project, name, func(sec *Secret) error {
		if err := usable(sec); err != nil {
			return err
		}
		if len(sec.Versions) >= MaxVersions {
			return fail(TooManyVersions, fmt.Sprintf("a secret keeps at most %d versions", MaxVersions))
		}
		added = Version{ID: "v" + strconv.Itoa(sec.NextVersion), CreateTime: s.now(), Value: value}
		sec.NextVersion++
		previous, hasCurrent := sec.Version("latest")
		previousID := ""
		if hasCurrent {
			previousID = previous.ID
		}
		sec.Versions = append(sec.Versions, added)
		if len(stages) == 0 {
			stages = []string{StageCurrent}
		}
		for _, stage := range stages {
			if stage == StageCurrent && previousID != "" {
				sec.moveStage(StagePrevious, previousID)
			}
			sec.moveStage(stage, added.ID)
		}
		v, _ := sec.Version(added.ID)
		added = *v
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return sec, &added, nil
}

// usable refuses to read or change the values of a secret that is not ENABLED.
func usable(sec *Secret) error {
	switch sec.State {
	case StateEnabled:
		return nil
	case StatePendingDelete:
		return fail(PendingDeletion, "the secret is scheduled for deletion")
	default:
		return fail(NotEnabled, "the secret is "+sec.State)
	}
}

// ShowVersion returns one version with its value ("latest" is the current one).
func (s *Service) ShowVersion(project, name, versionID string) (*Secret, *Version, error) {
	sec, err := s.view(project, name)
	if err != nil {
		return nil, nil, err
	}
	if err := usable(sec); err != nil {
		return nil, nil, err
	}
	v, ok := sec.Version(versionID)
	if !ok {
		return nil, nil, fail(VersionNotFound, "no version "+versionID+" of secret "+name)
	}
	return sec, v, nil
}

// ListVersions returns up to limit versions after marker, in creation order.
func (s *Service) ListVersions(project, name string, limit int, marker string) (*Secret, Page[Version], error) {
	var page Page[Version]
	sec, err := s.view(project, name)
	if err != nil {
		return nil, page, err
	}
	start := 0
	if marker != "" {
		start = len(sec.Versions)
		for i, v := range sec.Versions {
			if v.ID == marker {
				start = i + 1
			}
		}
	}
	end := min(start+limit, len(sec.Versions))
	page.Items = sec.Versions[start:end]
	if end < len(sec.Versions) {
		page.NextMarker = sec.Versions[end-1].ID
	}
	return sec, page, nil
}

// ScheduleDeletion puts a secret in PENDING_DELETE until days from now.
func (s *Service) ScheduleDeletion(project, name string, days int) (*Secret, error) {
	return s.update(project, name, func(sec *Secret) error {
		if sec.State == StatePendingDelete {
			return fail(AlreadyScheduled, "the secret is already scheduled for deletion")
		}
		sec.State = StatePendingDelete
		sec.ScheduledDeleteTime = s.opts.Now().Add(time.Duration(days) * 24 * time.Hour).UnixMilli()
		return nil
	})
}

// CancelDeletion returns a PENDING_DELETE secret to ENABLED.
func (s *Service) CancelDeletion(project, name string) (*Secret, error) {
	return s.update(project, name, func(sec *Secret) error {
		if sec.State != StatePendingDelete {
			return fail(NotScheduled, "the secret is not scheduled for deletion")
		}
		sec.State = StateEnabled
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

// Import stores a secret as given (fixtures), unless one of its name exists; it reports
// whether it stored it.
func (s *Service) Import(project string, sec Secret) (bool, error) {
	if sec.ID == "" {
		sec.ID = uuid.NewString()
	}
	if sec.KMSKeyID == "" {
		sec.KMSKeyID = s.opts.DefaultKMSKeyID
	}
	sec.SecretType = or(sec.SecretType, DefaultSecretType)
	sec.State = or(sec.State, StateEnabled)
	stored := false
	err := s.store.Update(func(tx store.Tx) error {
		if _, ok, err := tx.Get(bucket(project), sec.Name); err != nil || ok {
			return err
		}
		stored = true
		return put(tx, project, &sec)
	})
	return stored, err
}

// Now is the service's clock in epoch milliseconds.
func (s *Service) Now() int64 { return s.now() }

// DropAll deletes every secret of every project.
func (s *Service) DropAll() error {
	return s.store.Update(func(tx store.Tx) error { return tx.DropBuckets(bucket("")) })
}
