package secrets

import (
	"encoding/json"
	"fmt"

	"github.com/csmskit/csmskit/mock/store"
	"github.com/google/uuid"
)

// How secrets sit in the store: a project's secrets by name, the index of their names by id,
// the projects that have held one; writing, reading by id, exporting, importing and dropping.

// The store's buckets: a project's secrets by name, and the index of their names by id (the
// tag operations address a secret by its id).
const (
	secretsPrefix = "secrets/"
	idsPrefix     = "secret-ids/"
	// projectsBucket lists the projects that have held a secret, for the state export.
	projectsBucket = "projects"
)

func bucket(project string) string   { return secretsPrefix + project }
func idBucket(project string) string { return idsPrefix + project }

func put(tx store.Tx, project string, sec *Secret) error {
	raw, err := json.Marshal(sec)
	if err != nil {
		return fmt.Errorf("encode secret %s: %w", sec.Name, err)
	}
	return tx.Put(bucket(project), sec.Name, raw)
}

// putNew stores a secret under a name that is free, replacing the record of a secret whose
// scheduled deletion has come (and its id), and indexes it by id.
func putNew(tx store.Tx, project string, sec *Secret) error {
	if raw, ok, err := tx.Get(bucket(project), sec.Name); err != nil {
		return fmt.Errorf("read secret: %w", err)
	} else if ok {
		var old Secret
		if json.Unmarshal(raw, &old) == nil && old.ID != "" {
			if err := tx.Delete(idBucket(project), old.ID); err != nil {
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
	return put(tx, project, sec)
}

// Export returns every project's secrets that exist, in name order, by project.
func (s *Service) Export() (map[string][]*Secret, error) {
	var projects []string
	err := s.store.View(func(tx store.Tx) error {
		return tx.Scan(projectsBucket, "", func(project string, _ []byte) bool {
			projects = append(projects, project)
			return true
		})
	})
	if err != nil {
		return nil, err
	}
	out := map[string][]*Secret{}
	for _, p := range projects {
		page, err := s.List(p, 0, "", "")
		if err != nil {
			return nil, err
		}
		if len(page.Items) > 0 {
			out[p] = page.Items
		}
	}
	return out, nil
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
	if sec.ID == "" {
		sec.ID = uuid.NewString()
	}
	if sec.KMSKeyID == "" {
		sec.KMSKeyID = s.opts.DefaultKMSKeyID
	}
	sec.SecretType = or(sec.SecretType, defaultSecretType)
	sec.State = or(sec.State, stateEnabled)
	stored := false
	err := s.store.Update(func(tx store.Tx) error {
		if _, ok, err := tx.Get(bucket(project), sec.Name); err != nil || ok {
			return err
		}
		stored = true
		return putNew(tx, project, &sec)
	})
	return stored, err
}

// DropAll deletes every secret of every project.
func (s *Service) DropAll() error {
	return s.store.Update(func(tx store.Tx) error {
		if err := tx.DropBuckets(idsPrefix); err != nil {
			return err
		}
		if err := tx.DropBuckets(projectsBucket); err != nil {
			return err
		}
		return tx.DropBuckets(secretsPrefix)
	})
}
