package store_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/csmskit/csmskit/mock/store"
	"github.com/csmskit/csmskit/mock/store/storetest"
)

// stores runs each test against every implementation, so they keep one contract.
// PostgreSQL joins when a test database is configured (TestPostgres* say how otherwise).
func stores(t *testing.T) map[string]store.Store { return storetest.All(t) }

func scanAll(t *testing.T, s store.Store, bucket, after string) []string {
	t.Helper()
	var keys []string
	err := s.View(func(tx store.Tx) error {
		return tx.Scan(bucket, after, func(k string, _ []byte) bool { keys = append(keys, k); return true })
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestStoreContract(t *testing.T) {
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			err := s.Update(func(tx store.Tx) error {
				for _, k := range []string{"c", "a", "b", "e"} {
					if err := tx.Put("p1", k, []byte("v"+k)); err != nil {
						return err
					}
				}
				if err := tx.Put("p1", "empty", nil); err != nil {
					return err
				}
				// A transaction sees its own writes.
				if v, ok, _ := tx.Get("p1", "c"); !ok || string(v) != "vc" {
					return fmt.Errorf("own write not seen: %q %v", v, ok)
				}
				if n, _ := tx.Count("p1"); n != 5 {
					return fmt.Errorf("count in tx = %d, want 5", n)
				}
				return tx.Delete("p1", "e")
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := scanAll(t, s, "p1", ""); !slices.Equal(got, []string{"a", "b", "c", "empty"}) {
				t.Errorf("scan = %v", got)
			}
			if got := scanAll(t, s, "p1", "b"); !slices.Equal(got, []string{"c", "empty"}) {
				t.Errorf("scan after b = %v", got)
			}
			if got := scanAll(t, s, "p1", "bb"); !slices.Equal(got, []string{"c", "empty"}) {
				t.Errorf("scan after bb = %v", got)
			}
			if got := scanAll(t, s, "nobucket", ""); len(got) != 0 {
				t.Errorf("scan of a missing bucket = %v", got)
			}
			_ = s.View(func(tx store.Tx) error {
				if v, ok, _ := tx.Get("p1", "empty"); !ok || len(v) != 0 {
					t.Errorf("empty value: %q %v", v, ok)
				}
				for _, k := range []string{"a", "c", "empty", "e"} {
					got, gotOK, err := tx.Peek("p1", k)
					want, wantOK, _ := tx.Get("p1", k)
					if err != nil || gotOK != wantOK || string(got) != string(want) {
						t.Errorf("Peek(%q) = %q %v %v, Get = %q %v", k, got, gotOK, err, want, wantOK)
					}
				}
				if _, ok, _ := tx.Peek("nobucket", "a"); ok {
					t.Error("Peek found a key in a missing bucket")
				}
				if _, ok, _ := tx.Get("p1", "e"); ok {
					t.Error("deleted key still there")
				}
				if n, _ := tx.Count("p1"); n != 4 {
					t.Errorf("count = %d, want 4", n)
				}
				if n, _ := tx.Count("p2"); n != 0 {
					t.Errorf("count of another bucket = %d", n)
				}
				if err := tx.Put("p1", "x", nil); !errors.Is(err, store.ErrReadOnly) {
					t.Errorf("Put in View: %v, want ErrReadOnly", err)
				}
				return nil
			})
		})
	}
}

func TestStoreUpdateErrorDiscardsWrites(t *testing.T) {
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			_ = s.Update(func(tx store.Tx) error { return tx.Put("b", "keep", []byte("1")) })
			boom := errors.New("boom")
			err := s.Update(func(tx store.Tx) error {
				_ = tx.Put("b", "new", []byte("2"))
				_ = tx.Delete("b", "keep")
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("Update = %v, want fn's error", err)
			}
			if got := scanAll(t, s, "b", ""); !slices.Equal(got, []string{"keep"}) {
				t.Errorf("after a failed update: %v, want [keep]", got)
			}
		})
	}
}

func TestStoreValuesAreCopies(t *testing.T) {
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			v := []byte("abc")
			_ = s.Update(func(tx store.Tx) error { return tx.Put("b", "k", v) })
			v[0] = 'X'
			_ = s.View(func(tx store.Tx) error {
				got, _, _ := tx.Get("b", "k")
				if string(got) != "abc" {
					t.Errorf("stored value changed with the caller's slice: %q", got)
				}
				got[1] = 'Y'
				return nil
			})
			_ = s.View(func(tx store.Tx) error {
				if got, _, _ := tx.Get("b", "k"); string(got) != "abc" {
					t.Errorf("stored value changed with a returned slice: %q", got)
				}
				return nil
			})
		})
	}
}

func TestMemoryConcurrentReadersAndWriters(t *testing.T) {
	s := store.NewMemory()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 200 {
				_ = s.Update(func(tx store.Tx) error { return tx.Put("b", fmt.Sprintf("%d-%03d", w, i), []byte("v")) })
			}
		})
		wg.Go(func() {
			for range 200 {
				_ = s.View(func(tx store.Tx) error {
					prev := ""
					return tx.Scan("b", "", func(k string, _ []byte) bool {
						if k <= prev {
							t.Errorf("scan out of order: %q after %q", k, prev)
							return false
						}
						prev = k
						return true
					})
				})
			}
		})
	}
	wg.Wait()
	if got := len(scanAll(t, s, "b", "")); got != 800 {
		t.Errorf("%d keys, want 800", got)
	}
}

func TestBoltPersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	b, err := store.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	_ = b.Update(func(tx store.Tx) error { return tx.Put("b", "k", []byte("v")) })
	b.Close()
	b, err = store.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got := scanAll(t, b, "b", ""); !slices.Equal(got, []string{"k"}) {
		t.Errorf("after reopening: %v", got)
	}
}

func TestDropBuckets(t *testing.T) {
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			_ = s.Update(func(tx store.Tx) error {
				_ = tx.Put("secrets/a", "k", []byte("1"))
				_ = tx.Put("secrets/b", "k", []byte("1"))
				return tx.Put("tokens", "k", []byte("1"))
			})
			if err := s.Update(func(tx store.Tx) error { return tx.DropBuckets("secrets/") }); err != nil {
				t.Fatal(err)
			}
			if got := scanAll(t, s, "secrets/a", ""); len(got) != 0 {
				t.Errorf("secrets/a kept %v", got)
			}
			if got := scanAll(t, s, "tokens", ""); len(got) != 1 {
				t.Errorf("tokens = %v, want it untouched", got)
			}
		})
	}
}

// TestScanFirst: a store that reads a scan in batches finds the same keys, in the same order,
// whatever the first batch's size, across the later batches' bounds too.
func TestScanFirst(t *testing.T) {
	var want []string
	for i := range 150 {
		want = append(want, fmt.Sprintf("k%03d", i))
	}
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			if err := s.Update(func(tx store.Tx) error {
				for _, k := range want {
					if err := tx.Put("first", k, []byte(k)); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for _, first := range []int{0, 1, 6, 64, 65, 149, 150, 151, 1000} {
				for _, after := range []string{"", "k000", "k063", "k148", "k149"} {
					start, _ := slices.BinarySearch(want, after)
					if start < len(want) && want[start] == after {
						start++
					}
					var got []string
					err := s.View(func(tx store.Tx) error {
						b, ok := tx.(store.BatchScanner)
						if !ok {
							t.Skip("the store reads a scan at once")
						}
						return b.ScanFirst("first", after, first, func(k string, v []byte) bool {
							if string(v) != k {
								t.Errorf("value of %s = %q", k, v)
							}
							got = append(got, k)
							return true
						})
					})
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(got, want[start:]) {
						t.Errorf("ScanFirst(after %q, first %d) = %d keys from %v, want %d", after, first, len(got), got[:min(1, len(got))], len(want)-start)
					}
				}
			}
		})
	}
}
