// Package account holds what the mock keeps for its account as a whole rather than for one
// project: the service agencies that rotating secrets through FunctionGraph needs, and the
// rotation function templates the service serves. It knows no HTTP; its failures are kinds.
package account

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/csmskit/csmskit/mock/store"
)

// Kind is a kind of failure; the mock's error table maps each to the vendor's code.
type Kind int

// The failures.
const (
	// InvalidValue: a value, or a combination of values, the operation does not take.
	InvalidValue Kind = iota + 1
)

// Error is a failure: its kind and what, in words, was wrong.
type Error struct {
	Kind   Kind
	Detail string
}

// Error implements error.
func (e *Error) Error() string { return e.Detail }

func invalid(format string, args ...any) error {
	return &Error{Kind: InvalidValue, Detail: fmt.Sprintf(format, args...)}
}

// The secret types that rotate through FunctionGraph.
const (
	RDS     = "RDS-FG"
	GaussDB = "GaussDB-FG"
)

// agencyBucket holds the account's agencies ("agency/<name>" → storedAgency) and the secret
// types they were created for ("granted/<secret type>"), in the store so that every replica
// on a shared store sees them and they outlive a restart with --data.
const agencyBucket = "account/agencies"

// agencyNames are the two agencies rotation needs: CSMS's, to invoke the rotation function,
// and FunctionGraph's, for the function to reach CSMS, KMS and the database. The vendor
// documents that both are created, not their names: these are csmskit's.
var agencyNames = []string{"csms_functiongraph_agency", "functiongraph_csms_agency"}

type storedAgency struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
}

// Agency is one of the account's agencies as CreateAgencies reports it.
type Agency struct {
	Name, ID string
	// Existed says the agency was there already, so it was not created again.
	Existed bool
}

// Service keeps the account's agencies in a store.
type Service struct {
	store store.Store
	now   func() time.Time
}

// New returns the account's service over st; now is the mock's clock.
func New(st store.Store, now func() time.Time) *Service {
	return &Service{store: st, now: now}
}

// CreateAgencies creates, once per account, the agencies that rotating secrets of secretType
// needs, and records that they serve that type. An agency that exists already is reported
// as such, with its ID, and is not created again.
func (s *Service) CreateAgencies(secretType string) ([]Agency, error) {
	if err := checkType(secretType); err != nil {
		return nil, err
	}
	var out []Agency
	err := s.store.Update(func(tx store.Tx) error {
		out = out[:0]
		for _, name := range agencyNames {
			var a storedAgency
			raw, found, err := tx.Get(agencyBucket, "agency/"+name)
			if err != nil {
				return err
			}
			if found {
				if err := json.Unmarshal(raw, &a); err != nil {
					return err
				}
				out = append(out, Agency{Name: name, ID: a.ID, Existed: true})
				continue
			}
			a = storedAgency{ID: newID(), CreatedAt: s.now().UTC()}
			if raw, err = json.Marshal(a); err != nil {
				return err
			}
			if err := tx.Put(agencyBucket, "agency/"+name, raw); err != nil {
				return err
			}
			out = append(out, Agency{Name: name, ID: a.ID})
		}
		return tx.Put(agencyBucket, "granted/"+secretType, []byte("{}"))
	})
	return out, err
}

// Granted reports whether CreateAgencies has created the agencies for secretType.
func (s *Service) Granted(secretType string) (bool, error) {
	if err := checkType(secretType); err != nil {
		return false, err
	}
	var granted bool
	err := s.store.View(func(tx store.Tx) error {
		_, found, err := tx.Get(agencyBucket, "granted/"+secretType)
		granted = found
		return err
	})
	return granted, err
}

// DropAll forgets the account's agencies.
func (s *Service) DropAll() error {
	return s.store.Update(func(tx store.Tx) error { return tx.DropBuckets(agencyBucket) })
}

func checkType(secretType string) error {
	if secretType != RDS && secretType != GaussDB {
		return invalid("secret_type %q does not rotate through FunctionGraph", secretType)
	}
	return nil
}

// newID has the 32 hex digits of IAM's agency IDs.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
