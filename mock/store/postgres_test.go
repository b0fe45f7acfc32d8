package store_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csmskit/csmskit/internal/pgtest"
	"github.com/csmskit/csmskit/mock/store"
)

// openReplicas opens n stores on one database, as n mock processes would.
func openReplicas(t *testing.T, url string, n int) []*store.Postgres {
	t.Helper()
	out := make([]*store.Postgres, n)
	for i := range out {
		p, err := store.OpenPostgres(context.Background(), url, store.PostgresOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		out[i] = p
	}
	return out
}

// A read-check-write on several stores at once loses nothing: serializable transactions
// and their retries make each increment count, and a bounded insert stays within its bound.
func TestPostgresReadCheckWriteAcrossReplicas(t *testing.T) {
	reps := openReplicas(t, pgtest.URL(t), 3)
	const workers, each, bound = 9, 20, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	for w := range workers {
		s := reps[w%len(reps)]
		wg.Go(func() {
			for i := range each {
				errs <- s.Update(func(tx store.Tx) error {
					v, _, err := tx.Get("counters", "n")
					if err != nil {
						return err
					}
					n, _ := strconv.Atoi(string(v))
					return tx.Put("counters", "n", []byte(strconv.Itoa(n+1)))
				})
				// A quota: insert only while the bucket holds fewer than bound keys.
				errs <- s.Update(func(tx store.Tx) error {
					n, err := tx.Count("bounded")
					if err != nil || n >= bound {
						return err
					}
					return tx.Put("bounded", fmt.Sprintf("%d-%d", w, i), []byte("x"))
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	_ = reps[0].View(func(tx store.Tx) error {
		if v, _, _ := tx.Get("counters", "n"); string(v) != strconv.Itoa(workers*each) {
			t.Errorf("counter = %s, want %d: an update was lost", v, workers*each)
		}
		if n, _ := tx.Count("bounded"); n != bound {
			t.Errorf("bounded bucket holds %d keys, want exactly %d", n, bound)
		}
		return nil
	})
}

// Replicas starting together migrate once; a database a newer build migrated is refused.
func TestPostgresMigrations(t *testing.T) {
	url := pgtest.URL(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			p, err := store.OpenPostgres(context.Background(), url, store.PostgresOptions{})
			if err == nil {
				p.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("a replica starting with the others: %v", err)
		}
	}
	p := openReplicas(t, url, 1)[0]
	var versions []int
	rows, err := p.Pool().Query(context.Background(), `SELECT version FROM csms_schema_version ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var v int
		_ = rows.Scan(&v)
		versions = append(versions, v)
	}
	rows.Close()
	if len(versions) != store.SchemaVersion() || versions[len(versions)-1] != store.SchemaVersion() {
		t.Errorf("schema versions %v, want 1…%d once each", versions, store.SchemaVersion())
	}
	pgtest.Exec(t, url, `INSERT INTO csms_schema_version (version, name) VALUES ($1, 'from the future')`, store.SchemaVersion()+1)
	_, err = store.OpenPostgres(context.Background(), url, store.PostgresOptions{})
	if err == nil || !strings.Contains(err.Error(), "newer than this build") {
		t.Errorf("opening a database of a newer schema: %v", err)
	}
}

// A bad URL or an unreachable database is a clear error at start, never a panic, and never
// shows the password. No database is needed.
func TestPostgresRefusesBadURLs(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"postgres://csms:hunter2@127.0.0.1:notaport/db", "not a valid PostgreSQL URL"},
		{"postgres://csms:hunter2@127.0.0.1:5432/db?sslmode=sometimes", "not a valid PostgreSQL URL"},
		{"postgres://csms:hunter2@127.0.0.1:1/db?sslmode=disable", "unreachable"},
		{"postgresql://csms@127.0.0.1:1/db?password=hunter2&sslmode=disable", "unreachable"},
	} {
		start := time.Now()
		_, err := store.OpenPostgres(context.Background(), tc.url, store.PostgresOptions{OpTimeout: time.Second})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", store.RedactURL(tc.url), err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error shows the password: %v", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: refused after %v", store.RedactURL(tc.url), d)
		}
	}
	if got := store.RedactURL("postgres://u:hunter2@h/db?password=hunter2"); strings.Contains(got, "hunter2") {
		t.Errorf("RedactURL = %s", got)
	}
}

// Purges started together on several replicas delete each due row exactly once, and leave
// rows that are not due (or no longer pending) alone.
func TestPostgresPurgeDueOnce(t *testing.T) {
	reps := openReplicas(t, pgtest.URL(t), 3)
	const due = 150
	err := reps[0].Update(func(tx store.Tx) error {
		for i := range due + 20 {
			when := 1000
			if i >= due {
				when = 5000 // not yet
			}
			rec := fmt.Sprintf(`{"name":"s%d","state":"PENDING_DELETE","scheduled_delete_time":%d}`, i, when)
			if err := tx.Put("secrets/p"+strconv.Itoa(i%3), fmt.Sprintf("s%03d", i), []byte(rec)); err != nil {
				return err
			}
		}
		// Not pending: never purged, whatever its time says.
		return tx.Put("secrets/p0", "kept", []byte(`{"state":"ENABLED","scheduled_delete_time":1}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[store.Due]int{}
	var wg sync.WaitGroup
	for r := range 6 {
		p := reps[r%len(reps)]
		wg.Go(func() {
			for {
				got, err := p.PurgeDue("secrets/", `"state":"PENDING_DELETE"`, "scheduled_delete_time", 2000, 7)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, d := range got {
					seen[d]++
				}
				mu.Unlock()
				if len(got) == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	if len(seen) != due {
		t.Errorf("%d rows purged, want %d", len(seen), due)
	}
	for d, n := range seen {
		if n != 1 {
			t.Errorf("%v purged %d times", d, n)
		}
	}
	_ = reps[1].View(func(tx store.Tx) error {
		n := 0
		for _, b := range []string{"secrets/p0", "secrets/p1", "secrets/p2"} {
			c, _ := tx.Count(b)
			n += c
		}
		if n != 21 {
			t.Errorf("%d rows left, want the 20 not due and the enabled one", n)
		}
		return nil
	})
}
