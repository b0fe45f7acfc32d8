package secrets_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock/secrets"
	"github.com/csmskit/csmskit/mock/store"
	"github.com/csmskit/csmskit/mock/store/storetest"
)

// A list reads each secret's metadata record, kept beside the record that holds its versions:
// every way of writing a secret must keep the two in step, and a store written before there
// were metadata records must gain them when it is opened.

// asListed is a secret as a list returns it: without what belongs to its versions (the
// versions, their stages' times, the next version's number).
func asListed(sec *secrets.Secret) secrets.Secret {
	out := *sec
	out.Versions, out.StageTimes, out.NextVersion = nil, nil, 0
	return out
}

// checkListIsShow fails t unless, in every project, List returns exactly the secrets that
// exist, each as Show returns it without what belongs to its versions, and pages through them
// alike.
func checkListIsShow(t *testing.T, svc *secrets.Service, step string) {
	t.Helper()
	all, err := svc.Export() // the records, versions and all
	if err != nil {
		t.Fatalf("%s: export: %v", step, err)
	}
	for _, p := range []string{project, otherProject} {
		page, err := svc.List(p, 0, "", "")
		if err != nil {
			t.Fatalf("%s: list: %v", step, err)
		}
		var listed, want []string
		for _, sec := range page.Items {
			listed = append(listed, sec.Name)
		}
		for _, sec := range all[p] {
			want = append(want, sec.Name)
		}
		if !slices.Equal(listed, want) {
			t.Fatalf("%s: %s lists %v, holds %v", step, p, listed, want)
		}
		for _, got := range page.Items {
			shown, err := svc.Show(p, got.Name)
			if err != nil {
				t.Fatalf("%s: show %s: %v", step, got.Name, err)
			}
			if !reflect.DeepEqual(*got, asListed(shown)) {
				t.Errorf("%s: %s listed as\n%+v\nshown as\n%+v", step, got.Name, *got, asListed(shown))
			}
		}
		// Pages of two, marker by marker, give the same secrets.
		var paged []string
		for marker := ""; ; {
			page, err := svc.List(p, 2, marker, "")
			if err != nil {
				t.Fatalf("%s: list a page: %v", step, err)
			}
			for _, sec := range page.Items {
				paged = append(paged, sec.Name)
			}
			if marker = page.NextMarker; marker == "" {
				break
			}
		}
		if !slices.Equal(paged, listed) {
			t.Errorf("%s: pages of two list %v, one page %v", step, paged, listed)
		}
	}
}

const otherProject = "ffffffffffffffffffffffffffffffff"

// TestListKeepsInStepWithShow runs every operation that writes a secret, on every store, and
// after each compares what List says of every secret with what Show says.
func TestListKeepsInStepWithShow(t *testing.T) {
	for name, st := range storetest.All(t) {
		t.Run(name, func(t *testing.T) {
			clk := &clock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
			svc := secrets.NewService(st, testSealer{}, secrets.Options{DefaultKMSKeyID: "k", Now: clk.now})
			if err := svc.Migrate(); err != nil {
				t.Fatal(err)
			}
			must := func(step string, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				checkListIsShow(t, svc, step)
			}
			var blob string
			desc, on, events := "described", true, []string{"ev"}
			steps := []struct {
				name string
				do   func() error
			}{
				{"create", func() error {
					for _, n := range []string{"a", "b", "c", "d", "e"} {
						if _, err := svc.Create(project, secrets.NewSecret{Name: n, Value: str("v-" + n), Description: "first"}); err != nil {
							return err
						}
					}
					_, err := svc.Create(otherProject, secrets.NewSecret{Name: "a", Value: str("elsewhere")})
					return err
				}},
				{"update", func() error {
					_, err := svc.Update(project, "a", secrets.SecretUpdate{Description: &desc, AutoRotation: &on, EventSubscriptions: &events})
					return err
				}},
				{"add a version", func() error {
					_, _, err := svc.AddVersion(project, "b", secrets.NewVersion{Value: str("two")})
					return err
				}},
				{"add a version with a stage", func() error {
					_, _, err := svc.AddVersion(project, "b", secrets.NewVersion{Value: str("three"), Stages: []string{"blue"}})
					return err
				}},
				{"update a version", func() error {
					_, _, err := svc.UpdateVersion(project, "b", "v1", 1893456000)
					return err
				}},
				{"move a stage", func() error {
					_, err := svc.UpdateStage(project, "b", secrets.StageCurrent, "v3")
					return err
				}},
				{"delete a stage", func() error { return svc.DeleteStage(project, "b", "blue") }},
				{"rotate now and on a schedule", func() error {
					_, err := svc.Create(project, secrets.NewSecret{Name: "r", SecretType: "RDS-FG", Value: str(`{"password":"p"}`),
						Settings: secrets.Settings{AutoRotation: true, RotationPeriod: "1h"}})
					if err == nil {
						_, _, _, err = svc.Rotate(project, "r")
					}
					if err == nil {
						clk.t = clk.t.Add(2 * time.Hour)
						_, err = svc.RotateDue()
					}
					return err
				}},
				{"set tags", func() error {
					sec, err := svc.Show(project, "c")
					if err != nil {
						return err
					}
					return svc.SetTags(project, sec.ID, secrets.Tag{Key: "team", Value: "db"}, secrets.Tag{Key: "env", Value: "prod"})
				}},
				{"delete a tag", func() error {
					sec, err := svc.Show(project, "c")
					if err != nil {
						return err
					}
					return svc.DeleteTagKey(project, sec.ID, "env")
				}},
				{"schedule a deletion", func() error {
					if _, err := svc.ScheduleDeletion(project, "d", 7); err != nil {
						return err
					}
					_, err := svc.ScheduleDeletion(project, "e", 7)
					return err
				}},
				{"cancel a deletion", func() error {
					_, err := svc.CancelDeletion(project, "d")
					return err
				}},
				{"a scheduled deletion comes due", func() error {
					clk.t = clk.t.Add(8 * 24 * time.Hour)
					return nil
				}},
				{"create over a due secret", func() error {
					_, err := svc.Create(project, secrets.NewSecret{Name: "e", Value: str("new e")})
					return err
				}},
				{"back up and delete", func() error {
					var err error
					if blob, err = svc.Backup(project, "a"); err != nil {
						return err
					}
					return svc.Delete(project, "a")
				}},
				{"restore", func() error {
					_, err := svc.Restore(project, blob)
					return err
				}},
				{"import", func() error {
					_, err := svc.Import(project, secrets.Secret{Name: "imported", State: "DISABLED", Tags: map[string]string{"k": "v"},
						Versions: []secrets.Version{{ID: "v1", Stages: []string{secrets.StageCurrent}, Value: str("v")}}})
					return err
				}},
				{"import many at once", func() error {
					n, err := svc.ImportAll(otherProject, []secrets.Secret{
						{Name: "m1", Versions: []secrets.Version{{ID: "v1", Stages: []string{secrets.StageCurrent}, Value: str("1")}}},
						{Name: "m2", Description: "second", Versions: []secrets.Version{{ID: "v1", Stages: []string{secrets.StageCurrent}, Value: str("2")}}},
						{Name: "m1", Description: "a name already given", Versions: []secrets.Version{{ID: "v1", Value: str("x")}}},
					})
					if err == nil && n != 2 {
						err = fmt.Errorf("stored %d of three, two of one name; want 2", n)
					}
					return err
				}},
				{"import over an existing name, which keeps it", func() error {
					_, err := svc.Import(project, secrets.Secret{Name: "b", Description: "not stored",
						Versions: []secrets.Version{{ID: "v1", Stages: []string{secrets.StageCurrent}, Value: str("v")}}})
					return err
				}},
				{"delete", func() error { return svc.Delete(project, "c") }},
				{"migrate again", svc.Migrate},
				{"drop everything", svc.DropAll},
				{"create after the drop", func() error {
					_, err := svc.Create(project, secrets.NewSecret{Name: "z", Value: str("v")})
					return err
				}},
			}
			for _, s := range steps {
				must(s.name, s.do())
			}
		})
	}
}

// TestPurgeKeepsListInStep: a shared store's purge of due secrets removes their metadata too,
// on PostgreSQL (when a test database is configured) as on a store that purges as it does.
func TestPurgeKeepsListInStep(t *testing.T) {
	purgers := map[string]store.Store{"purging memory": &purgingStore{Memory: store.NewMemory(), projects: []string{project, otherProject}}}
	if p := storetest.Postgres(t); p != nil {
		purgers["postgres"] = p
	}
	for name, st := range purgers {
		t.Run(name, func(t *testing.T) {
			clk := &clock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
			svc := secrets.NewService(st, testSealer{}, secrets.Options{DefaultKMSKeyID: "k", Now: clk.now})
			for _, n := range []string{"a", "b", "c"} {
				mustCreate(t, svc, n, "v")
			}
			if _, err := svc.ScheduleDeletion(project, "b", 7); err != nil {
				t.Fatal(err)
			}
			clk.t = clk.t.Add(8 * 24 * time.Hour)
			if purged, err := svc.PurgeDue(1); err != nil || len(purged) != 1 {
				t.Fatalf("purged %v, %v; want b", purged, err)
			}
			checkListIsShow(t, svc, "purge")
			err := st.View(func(tx store.Tx) error {
				_, ok, err := tx.Get(secrets.MetaBucket(project), "b")
				if ok {
					t.Error("the purged secret's metadata is still stored")
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			// A name once purged is free for a new secret, listed as it is.
			mustCreate(t, svc, "b", "again")
			checkListIsShow(t, svc, "create after the purge")
		})
	}
}

// writeOldLayout stores secrets as versions before the metadata records did: the record in
// secrets/<project>, the name in secret-ids/<project> and the project in projects, and
// nothing else.
func writeOldLayout(t *testing.T, st store.Store, project string, secs ...secrets.Secret) {
	t.Helper()
	err := st.Update(func(tx store.Tx) error {
		for _, sec := range secs {
			raw, err := json.Marshal(sec)
			if err != nil {
				return err
			}
			if err := tx.Put("secrets/"+project, sec.Name, raw); err != nil {
				return err
			}
			if err := tx.Put("secret-ids/"+project, sec.ID, []byte(sec.Name)); err != nil {
				return err
			}
			if err := tx.Put("projects", project, []byte{}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// oldSecret is a secret as an earlier version stored it.
func oldSecret(name string, versions int) secrets.Secret {
	sec := secrets.Secret{
		ID: "id-" + name, Name: name, State: secrets.StateEnabled, KMSKeyID: "k", SecretType: "COMMON",
		Description: "written before metadata records", CreateTime: 1764417600000, UpdateTime: 1764417600000,
		Tags: map[string]string{"old": "yes"}, StageTimes: map[string]int64{secrets.StageCurrent: 1764417600000},
		NextVersion: versions + 1,
	}
	for i := range versions {
		stages := []string{}
		if i == versions-1 {
			stages = []string{secrets.StageCurrent}
		}
		sec.Versions = append(sec.Versions, secrets.Version{ID: "v" + string(rune('1'+i)), CreateTime: 1764417600000, Stages: stages, Value: str("value")})
	}
	return sec
}

// TestMigrateAddsMetadata opens stores written the old way, on every store: Migrate gives each
// secret its metadata, after which List and Show agree and writes keep them so.
func TestMigrateAddsMetadata(t *testing.T) {
	for name, st := range storetest.All(t) {
		t.Run(name, func(t *testing.T) {
			writeOldLayout(t, st, project, oldSecret("alpha", 1), oldSecret("beta", 3), oldSecret("gamma", 2))
			writeOldLayout(t, st, otherProject, oldSecret("delta", 1))
			clk := &clock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
			svc := secrets.NewService(st, testSealer{}, secrets.Options{DefaultKMSKeyID: "k", Now: clk.now})
			if page, err := svc.List(project, 0, "", ""); err != nil || len(page.Items) != 0 {
				t.Fatalf("before the migration the list reads metadata only: %d items, %v", len(page.Items), err)
			}
			if err := svc.Migrate(); err != nil {
				t.Fatal(err)
			}
			checkListIsShow(t, svc, "migrate")
			page, err := svc.List(project, 0, "", "")
			if err != nil || len(page.Items) != 3 {
				t.Fatalf("after the migration: %d items, %v", len(page.Items), err)
			}
			if _, _, err := svc.AddVersion(project, "beta", secrets.NewVersion{Value: str("new")}); err != nil {
				t.Fatal(err)
			}
			checkListIsShow(t, svc, "add a version after the migration")
			// Once done, a migration does not run again: a record written the old way now
			// is a store an earlier version wrote after this one, which is not supported.
			writeOldLayout(t, st, project, oldSecret("late", 1))
			if err := svc.Migrate(); err != nil {
				t.Fatal(err)
			}
			if page, _ := svc.List(project, 0, "", ""); len(page.Items) != 3 {
				t.Errorf("a second migration ran: %d items", len(page.Items))
			}
		})
	}
}
