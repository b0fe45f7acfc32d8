package secrets_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock/secrets"
	"github.com/csmskit/csmskit/mock/store"
)

// purgingStore is a memory store that purges due records the way a shared database does
// (store.DuePurger), over the buckets of the projects it is told of.
type purgingStore struct {
	*store.Memory
	projects []string
	calls    int
}

func (p *purgingStore) PurgeDue(prefix, marker, field string, now int64, limit int) ([]store.Due, error) {
	p.calls++
	var done []store.Due
	err := p.Update(func(tx store.Tx) error {
		for _, project := range p.projects {
			bucket := prefix + project
			var due []string
			err := tx.Scan(bucket, "", func(key string, value []byte) bool {
				var rec map[string]any
				if !bytes.Contains(value, []byte(marker)) || json.Unmarshal(value, &rec) != nil {
					return true
				}
				if at, ok := rec[field].(float64); ok && int64(at) <= now && len(done)+len(due) < limit {
					due = append(due, key)
				}
				return true
			})
			if err != nil {
				return err
			}
			for _, key := range due {
				if err := tx.Delete(bucket, key); err != nil {
					return err
				}
				done = append(done, store.Due{Bucket: bucket, Key: key})
			}
		}
		return nil
	})
	return done, err
}

// The purge names what a shared store must look for (the bucket prefix, the marker of a
// pending deletion, the member that says when) as secrets are stored, and goes on batch by
// batch until one comes back short.
func TestPurgeDueRemovesOnlyDueSecrets(t *testing.T) {
	const other = "ffffffffffffffffffffffffffffffff"
	st := &purgingStore{Memory: store.NewMemory(), projects: []string{project, other}}
	clk := &clock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	svc := secrets.NewService(st, testSealer{}, secrets.Options{DefaultKMSKeyID: "k", Now: clk.now})
	for _, name := range []string{"a", "b", "c", "kept", "later"} {
		mustCreate(t, svc, name, "v")
	}
	if _, err := svc.Create(other, secrets.NewSecret{Name: "elsewhere", Value: str("v")}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []struct {
		project, name string
		days          int
	}{{project, "a", 7}, {project, "b", 7}, {project, "c", 8}, {other, "elsewhere", 7}, {project, "later", 30}} {
		if _, err := svc.ScheduleDeletion(d.project, d.name, d.days); err != nil {
			t.Fatal(err)
		}
	}
	clk.t = clk.t.Add(9 * 24 * time.Hour)

	purged, err := svc.PurgeDue(2)
	if err != nil {
		t.Fatal(err)
	}
	want := []secrets.Purged{{project, "a"}, {project, "b"}, {project, "c"}, {other, "elsewhere"}}
	sortPurged := func(p []secrets.Purged) {
		slices.SortFunc(p, func(x, y secrets.Purged) int {
			return cmp.Or(strings.Compare(x.Project, y.Project), strings.Compare(x.Name, y.Name))
		})
	}
	sortPurged(purged)
	sortPurged(want)
	if !slices.Equal(purged, want) {
		t.Errorf("purged %v, want %v", purged, want)
	}
	if st.calls != 6 {
		t.Errorf("%d batches of 2 for 4 due secrets, want 3 (the last one short) for their records and 3 for their metadata", st.calls)
	}
	if again, err := svc.PurgeDue(2); len(again) != 0 || err != nil {
		t.Errorf("a second pass purged %v (%v)", again, err)
	}
	// The secret not yet due and the one never scheduled are still stored.
	all, err := svc.Export()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, sec := range all[project] {
		names = append(names, sec.Name)
	}
	if !slices.Equal(names, []string{"kept", "later"}) {
		t.Errorf("left %v, want kept and later", names)
	}
	// Their metadata went with them.
	for _, p := range st.projects {
		var left []string
		err := st.View(func(tx store.Tx) error {
			return tx.Scan(secrets.MetaBucket(p), "", func(name string, _ []byte) bool {
				left = append(left, name)
				return true
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string][]string{project: {"kept", "later"}}[p]; !slices.Equal(left, want) {
			t.Errorf("metadata left in %s: %v, want %v", p, left, want)
		}
	}
}

// A store that does not purge on its own side leaves due secrets to the reads, which treat
// them as deleted already.
func TestPurgeDueWithoutAPurgingStore(t *testing.T) {
	svc, clk := newService(t, 0)
	mustCreate(t, svc, "db", "v")
	if _, err := svc.ScheduleDeletion(project, "db", 7); err != nil {
		t.Fatal(err)
	}
	clk.t = clk.t.Add(8 * 24 * time.Hour)
	if purged, err := svc.PurgeDue(10); purged != nil || err != nil {
		t.Errorf("PurgeDue on a memory store = %v, %v; want nothing", purged, err)
	}
}
