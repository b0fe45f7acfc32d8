package secrets

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/csmskit/csmskit/mock/store"
	"github.com/google/uuid"
)

// Grants of a project's resources to users and user groups. A resource's grants are one
// record, keyed by the resource's id, so that a list reads one record and deleting a secret
// drops its grants with one write.

// grantsPrefix starts the buckets of a project's grants.
const grantsPrefix = "grants/"

func grantBucket(project string) string { return grantsPrefix + project }

// The kinds of resource a grant grants.
const (
	GrantSecret = "SECRET"
	GrantGroup  = "GROUP"
)

// Grant is a resource's grant to one user or user group. Times are epoch milliseconds.
type Grant struct {
	ID          string `json:"id"`
	ResourceID  string `json:"resource_id"`
	Type        string `json:"type"`
	GranteeType string `json:"grantee_type"`
	Grantee     string `json:"grantee"`
	CreateTime  int64  `json:"create_time"`
	UpdateTime  int64  `json:"update_time"`
	// ValidityTime is when the grant ends; 0: it does not.
	ValidityTime int64 `json:"validity_time,omitempty"`
}

// InEffect reports whether the grant has not ended at now.
func (g Grant) InEffect(now int64) bool { return g.ValidityTime == 0 || now < g.ValidityTime }

// GrantRequest is what CreateGrants and UpdateGrant take; ValidityTime is as sent (epoch
// milliseconds, or empty for none).
type GrantRequest struct {
	ResourceID, Type, GranteeType, Grantee, ValidityTime string
}

// Granted is a secret with its grants, in the order they were made.
type Granted struct {
	Secret *Secret
	Grants []Grant
}

// CreateGrant grants a secret to a user or user group. A grantee has at most one grant of a
// resource: UpdateGrant changes it.
func (s *Service) CreateGrant(project string, in GrantRequest) (Grant, error) {
	validity, err := validityOf(in.ValidityTime)
	if err != nil {
		return Grant{}, err
	}
	var g Grant
	err = s.changeGrants(project, in.Type, in.ResourceID, func(grants []Grant) ([]Grant, error) {
		if slices.ContainsFunc(grants, func(g Grant) bool { return g.Grantee == in.Grantee }) {
			return nil, fail(GrantExists, "the resource is already granted to "+in.Grantee)
		}
		now := s.now()
		g = Grant{ID: uuid.NewString(), ResourceID: in.ResourceID, Type: in.Type, GranteeType: in.GranteeType,
			Grantee: in.Grantee, CreateTime: now, UpdateTime: now, ValidityTime: validity}
		return append(grants, g), nil
	})
	return g, err
}

// UpdateGrant changes the validity of a grantee's grant of the resource resourceID, which the
// request must name too.
func (s *Service) UpdateGrant(project, resourceID string, in GrantRequest) (Grant, error) {
	if in.ResourceID != resourceID {
		return Grant{}, fail(InvalidValue, "the body names resource "+in.ResourceID+", the query "+resourceID)
	}
	validity, err := validityOf(in.ValidityTime)
	if err != nil {
		return Grant{}, err
	}
	var g Grant
	err = s.changeGrants(project, in.Type, resourceID, func(grants []Grant) ([]Grant, error) {
		i := slices.IndexFunc(grants, func(g Grant) bool { return g.Grantee == in.Grantee })
		if i < 0 {
			return nil, grantNotFound(in.Grantee)
		}
		grants[i].GranteeType = in.GranteeType
		grants[i].ValidityTime = validity
		grants[i].UpdateTime = s.now()
		g = grants[i]
		return grants, nil
	})
	return g, err
}

// DeleteGrant revokes a grantee's grant of a secret, or every grant of it when grantee is
// empty.
func (s *Service) DeleteGrant(project, resourceID, grantee string) error {
	return s.changeGrants(project, GrantSecret, resourceID, func(grants []Grant) ([]Grant, error) {
		if grantee == "" {
			return nil, nil
		}
		i := slices.IndexFunc(grants, func(g Grant) bool { return g.Grantee == grantee })
		if i < 0 {
			return nil, grantNotFound(grantee)
		}
		return slices.Delete(grants, i, i+1), nil
	})
}

// Grants returns a secret, by its id, with its grants.
func (s *Service) Grants(project, resourceID string) (Granted, error) {
	var out Granted
	err := s.store.View(func(tx store.Tx) error {
		sec, err := s.getByID(tx, project, resourceID)
		if err != nil {
			return err
		}
		grants, err := readGrants(tx, project, resourceID)
		out = Granted{Secret: sec, Grants: grants}
		return err
	})
	return out, err
}

func grantNotFound(grantee string) error {
	return fail(ResourceNotFound, "the resource is not granted to "+grantee)
}

// validityOf reads a grant's end in epoch milliseconds, as it is answered.
func validityOf(sent string) (int64, error) {
	if sent == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(sent, 10, 64)
	if err != nil || n <= 0 {
		return 0, fail(InvalidValue, "validity_time must be a time in epoch milliseconds")
	}
	return n, nil
}

// changeGrants runs fn on the grants of a resource, which must exist, and stores what it
// returns, in one write transaction. The mock keeps no groups of secrets: a GROUP resource is
// never found.
func (s *Service) changeGrants(project, kind, resourceID string, fn func([]Grant) ([]Grant, error)) error {
	if kind != GrantSecret {
		return fail(ResourceNotFound, "no group of secrets with id "+resourceID)
	}
	return s.store.Update(func(tx store.Tx) error {
		if _, err := s.getByID(tx, project, resourceID); err != nil {
			return err
		}
		grants, err := readGrants(tx, project, resourceID)
		if err != nil {
			return err
		}
		if grants, err = fn(grants); err != nil {
			return err
		}
		if len(grants) == 0 {
			return tx.Delete(grantBucket(project), resourceID)
		}
		raw, err := json.Marshal(grants)
		if err != nil {
			return fmt.Errorf("encode grants: %w", err)
		}
		return tx.Put(grantBucket(project), resourceID, raw)
	})
}

// readGrants returns a resource's grants, in the order they were made.
func readGrants(tx store.Tx, project, resourceID string) ([]Grant, error) {
	raw, ok, err := tx.Get(grantBucket(project), resourceID)
	if err != nil || !ok {
		return nil, err
	}
	var grants []Grant
	if err := json.Unmarshal(raw, &grants); err != nil {
		return nil, fmt.Errorf("decode grants of %s: %w", resourceID, err)
	}
	return grants, nil
}
