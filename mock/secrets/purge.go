package secrets

import (
	"strings"

	"github.com/csmskit/csmskit/mock/store"
)

// dueMarker is the piece of a stored secret's JSON that every secret pending deletion holds
// (Secret's "state" member), and dueField the member that says when it is due: a store that
// purges on its own side picks due secrets by them.
const (
	dueMarker = `"state":"` + StatePendingDelete + `"`
	dueField  = "scheduled_delete_time"
)

// Purged names a secret PurgeDue removed.
type Purged struct{ Project, Name string }

// PurgeDue removes the secrets whose scheduled deletion is due, batch at a time, and returns
// what it removed (also when a later batch fails). Only a store shared by several processes
// does it (store.DuePurger), each due secret removed by exactly one of them; with another
// store it removes nothing, since reads treat a due secret as deleted already.
//
// The records go first, then their metadata, which holds the same two members: between the
// two, and for any metadata a failed pass leaves, a list passes over the due metadata as it
// passes over a due secret's record, and a later pass removes it.
func (s *Service) PurgeDue(batch int) ([]Purged, error) {
	p, ok := s.store.(store.DuePurger)
	if !ok {
		return nil, nil
	}
	var out []Purged
	err := purgeAll(p, secretsPrefix, s.now(), batch, func(d store.Due) {
		out = append(out, Purged{Project: strings.TrimPrefix(d.Bucket, secretsPrefix), Name: d.Key})
	})
	if err != nil {
		return out, err
	}
	return out, purgeAll(p, metaPrefix, s.now(), batch, func(store.Due) {})
}

// purgeAll purges the due records under prefix, batch at a time until one comes back short,
// calling each with what it removed.
func purgeAll(p store.DuePurger, prefix string, now int64, batch int, each func(store.Due)) error {
	for {
		done, err := p.PurgeDue(prefix, dueMarker, dueField, now, batch)
		for _, d := range done {
			each(d)
		}
		if err != nil || len(done) < batch {
			return err
		}
	}
}
