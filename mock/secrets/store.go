package secrets

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/csmskit/csmskit/mock/store"
	"github.com/google/uuid"
)

// How secrets sit in the store: a project's secrets by name, their metadata by name, the index
// of their names by id, the projects that have held one; writing, reading by id, exporting,
// importing and dropping.

// The store's buckets: a project's secrets by name (the record: the secret with every
// version), their metadata by name (the record without its versions, which a list reads, so
// that a page costs what it answers and not every value of every version), and the index of
// their names by id (the tag operations address a secret by its id). A secret's record and
// metadata are written and removed in one transaction.
const (
	secretsPrefix = "secrets/"
	metaPrefix    = "secret-meta/"
	idsPrefix     = "secret-ids/"
	// projectsBucket lists the projects that have held a secret or an event, for the state
	// export.
	projectsBucket = "projects"
	// layoutBucket notes the changes of layout a store has been given (Migrate).
	layoutBucket = "secrets-layout"
	// metadataLayout marks a store whose every secret has its metadata record.
	metadataLayout = "metadata"
)

func bucket(project string) string     { return secretsPrefix + project }
func metaBucket(project string) string { return metaPrefix + project }
func idBucket(project string) string   { return idsPrefix + project }

// put stores a secret's record and its metadata, and its entry in the rotation schedule when
// its automatic rotation is scheduled (an entry it no longer needs is left to RotateDue).
func put(tx store.Tx, project string, sec *Secret) error {
	raw, err := json.Marshal(sec)
	if err != nil {
		return fmt.Errorf("encode secret %s: %w", sec.Name, err)
	}
	meta, err := encodeMeta(sec)
	if err != nil {
		return err
	}
	if err := tx.Put(bucket(project), sec.Name, raw); err != nil {
		return err
	}
	if sec.NextRotationTime > 0 {
		due := strconv.FormatInt(sec.NextRotationTime, 10)
		if err := tx.Put(scheduleBucket, scheduleKey(project, sec.Name), []byte(due)); err != nil {
			return err
		}
	}
	return tx.Put(metaBucket(project), sec.Name, meta)
}

// remove deletes a secret's record, its metadata, its entries in the index by id and the
// expiry index, and its grants.
func remove(tx store.Tx, project string, sec *Secret) error {
	if err := dropID(tx, project, sec.ID); err != nil {
		return err
	}
	for _, v := range sec.Versions {
		if err := unindexExpiry(tx, project, sec.Name, v.ID, v.ExpireTime); err != nil {
			return err
		}
	}
	if err := tx.Delete(metaBucket(project), sec.Name); err != nil {
		return err
	}
	return tx.Delete(bucket(project), sec.Name)
}

// dropID removes what is kept of a secret by its id: its entry in the index and its grants.
func dropID(tx store.Tx, project, id string) error {
	if err := tx.Delete(grantBucket(project), id); err != nil {
		return err
	}
	return tx.Delete(idBucket(project), id)
}

// putNew stores a secret under a name that is free, replacing the record of a secret whose
// scheduled deletion has come (and its id), and indexes it by id and its versions' expiry.
func putNew(tx store.Tx, project string, sec *Secret) error {
	if raw, ok, err := tx.Get(bucket(project), sec.Name); err != nil {
		return fmt.Errorf("read secret: %w", err)
	} else if ok {
		var old Secret
		if json.Unmarshal(raw, &old) == nil && old.ID != "" {
			if err := dropID(tx, project, old.ID); err != nil {
				return err
			}
		}
	}
	if err := tx.Put(idBucket(project), sec.ID, []byte(sec.Name)); err != nil {
		return err
	}
	if err := tx.Put(projectsBucket, project, []byte{}); err != nil {
		return err
	}
	for i := range sec.Versions {
		if err := indexExpiry(tx, project, sec, &sec.Versions[i]); err != nil {
			return err
		}
	}
	return put(tx, project, sec)
}

// Migrate brings a store written by an earlier version to this one's layout: every secret
// without a metadata record is given one, a transaction per project (a shared database bounds
// each transaction's time). A mark in the store then says it is done, and Migrate only reads
// it. A store this version has written must not be written by an earlier one again, which
// would leave the metadata behind.
func (s *Service) Migrate() error {
	var (
		done     bool
		projects []string
	)
	err := s.store.View(func(tx store.Tx) error {
		var err error
		if _, done, err = tx.Get(layoutBucket, metadataLayout); err != nil || done {
			return err
		}
		projects, err = allProjects(tx)
		return err
	})
	if err != nil || done {
		return err
	}
	for _, p := range projects {
		if err := s.store.Update(func(tx store.Tx) error { return addMissingMeta(tx, p) }); err != nil {
			return fmt.Errorf("add the metadata of project %s: %w", p, err)
		}
	}
	return s.store.Update(func(tx store.Tx) error { return tx.Put(layoutBucket, metadataLayout, []byte{}) })
}

// addMissingMeta writes the metadata record of each of a project's secrets that has none. The
// records are all read before any metadata is written, so that no store has a bucket written
// while it scans another.
func addMissingMeta(tx store.Tx, project string) error {
	missing := map[string][]byte{}
	var failed error
	err := scanDecoded(tx, bucket(project), "", decodeRecord, func(sec *Secret) bool {
		_, ok, err := tx.Get(metaBucket(project), sec.Name)
		if err == nil && !ok {
			missing[sec.Name], err = encodeMeta(sec)
		}
		failed = err
		return err == nil
	})
	if err = cmp.Or(err, failed); err != nil {
		return err
	}
	for name, meta := range missing {
		if err := tx.Put(metaBucket(project), name, meta); err != nil {
			return err
		}
	}
	return nil
}

// Export returns every project's secrets that exist, with their versions, in name order, by
// project.
func (s *Service) Export() (map[string][]*Secret, error) {
	out := map[string][]*Secret{}
	now := s.now()
	err := s.store.View(func(tx store.Tx) error {
		projects, err := allProjects(tx)
		if err != nil {
			return err
		}
		for _, p := range projects {
			err := scanDecoded(tx, bucket(p), "", decodeRecord, func(sec *Secret) bool {
				if !deletedAt(now, sec.State, sec.ScheduledDeleteTime) {
					out[p] = append(out[p], sec)
				}
				return true
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// allProjects returns the projects that have held a secret.
func allProjects(tx store.Tx) ([]string, error) {
	var projects []string
	err := tx.Scan(projectsBucket, "", func(project string, _ []byte) bool {
		projects = append(projects, project)
		return true
	})
	return projects, err
}

// scanDecoded calls fn with each record of a bucket after `after`, decoded by decode, until
// fn returns false.
func scanDecoded(tx store.Tx, bucket, after string, decode func([]byte) (*Secret, error), fn func(*Secret) bool) error {
	return scanDecodedFirst(tx, bucket, after, 0, decode, fn)
}

// scanDecodedFirst is scanDecoded that expects to stop after about want secrets (none: 0), which a
// store that reads in batches reads first.
func scanDecodedFirst(tx store.Tx, bucket, after string, want int, decode func([]byte) (*Secret, error), fn func(*Secret) bool) error {
	var decodeErr error
	scan := tx.Scan
	if b, ok := tx.(store.BatchScanner); ok && want > 0 {
		scan = func(bucket, after string, fn func(string, []byte) bool) error {
			return b.ScanFirst(bucket, after, want, fn)
		}
	}
	err := scan(bucket, after, func(name string, raw []byte) bool {
		sec, err := decode(raw)
		if err != nil {
			decodeErr = fmt.Errorf("decode secret %s: %w", name, err)
			return false
		}
		return fn(sec)
	})
	if err != nil {
		return err
	}
	return decodeErr
}

// decodeRecord decodes a secret's record.
func decodeRecord(raw []byte) (*Secret, error) {
	var sec Secret
	if err := json.Unmarshal(raw, &sec); err != nil {
		return nil, err
	}
	return &sec, nil
}

// nameOf returns the name of the secret with the given id.
func (s *Service) nameOf(tx store.Tx, project, id string) (string, error) {
	raw, ok, err := tx.Get(idBucket(project), id)
	if err != nil {
		return "", fmt.Errorf("read secret index: %w", err)
	}
	if !ok {
		return "", fail(NotFound, "no secret with id "+id)
	}
	return string(raw), nil
}

// getByID reads a secret by its id.
func (s *Service) getByID(tx store.Tx, project, id string) (*Secret, error) {
	name, err := s.nameOf(tx, project, id)
	if err != nil {
		return nil, err
	}
	sec, err := s.get(tx, project, name)
	if err == nil && sec.ID != id {
		// The name now belongs to a secret created after the one with this id was deleted.
		err = fail(NotFound, "no secret with id "+id)
	}
	return sec, err
}

// Import stores a secret as given (fixtures), unless one of its name exists; it reports
// whether it stored it.
func (s *Service) Import(project string, sec Secret) (bool, error) {
	n, err := s.ImportAll(project, []Secret{sec})
	return n == 1, err
}

// ImportAll is Import for many secrets of one project, in one transaction: a store that
// writes every transaction to disk (bbolt) then commits a large state once, not once per
// secret. It returns how many it stored.
func (s *Service) ImportAll(project string, secs []Secret) (int, error) {
	stored := 0
	err := s.store.Update(func(tx store.Tx) error {
		stored = 0 // a shared store may run the transaction again
		for _, sec := range secs {
			if sec.ID == "" {
				sec.ID = uuid.NewString()
			}
			if sec.KMSKeyID == "" {
				sec.KMSKeyID = s.opts.DefaultKMSKeyID
			}
			sec.SecretType = or(sec.SecretType, defaultSecretType)
			sec.State = or(sec.State, stateEnabled)
			if sec.NextRotationTime == 0 {
				sec.schedule(s.now())
			}
			if _, ok, err := tx.Get(bucket(project), sec.Name); err != nil {
				return err
			} else if ok {
				continue
			}
			if err := putNew(tx, project, &sec); err != nil {
				return err
			}
			stored++
		}
		return nil
	})
	return stored, err
}

// DropAll deletes every secret of every project, with the grants, the checker configurations,
// the rotation tasks and schedule, the events and the notification records.
func (s *Service) DropAll() error {
	return s.store.Update(func(tx store.Tx) error {
		for _, prefix := range []string{idsPrefix, projectsBucket, metaPrefix, secretsPrefix, grantsPrefix, checkerBucket,
			tasksPrefix, scheduleBucket, eventsPrefix, recordsPrefix, expiryPrefix} {
			if err := tx.DropBuckets(prefix); err != nil {
				return err
			}
		}
		return nil
	})
}
