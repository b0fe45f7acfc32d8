// Package storetest gives tests an empty store of every kind, so that a test holds each one to
// the same behaviour.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/csmskit/csmskit/internal/pgtest"
	"github.com/csmskit/csmskit/mock/store"
)

// All returns an empty store of each kind by name: memory, bolt, and postgres when a test
// database is configured (pgtest). They are closed when t ends.
func All(t testing.TB) map[string]store.Store {
	t.Helper()
	b, err := store.OpenBolt(filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	all := map[string]store.Store{"memory": store.NewMemory(), "bolt": b}
	if p := Postgres(t); p != nil {
		all["postgres"] = p
	}
	return all
}

// Postgres returns an empty PostgreSQL store in a schema of its own when a test database is
// configured, or nil.
func Postgres(t testing.TB) *store.Postgres {
	t.Helper()
	base := pgtest.Available(t)
	if base == "" {
		return nil
	}
	p, err := store.OpenPostgres(context.Background(), pgtest.NewSchema(t, base), store.PostgresOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}
