// Package pgtest gives tests a PostgreSQL database of their own: a fresh schema in the
// database CSMS_TEST_POSTGRES_URL names, dropped when the test ends. Without that variable a
// test is skipped with a message that says how to run it, except in CI (CI=true), where it
// fails: the tests of the shared store are never skipped there.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// env names the database the tests use.
const env = "CSMS_TEST_POSTGRES_URL"

// howTo says how to get one.
const howTo = "set " + env + "=postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=disable, " +
	"or run eval \"$(bash scripts/test-postgres.sh start)\" to start a local one"

// Available returns the test database's URL, or "" when there is none (failing the test in
// CI instead).
func Available(t testing.TB) string {
	t.Helper()
	u := os.Getenv(env)
	if u == "" && os.Getenv("CI") == "true" {
		t.Fatalf("PostgreSQL tests must run in CI: %s", howTo)
	}
	return u
}

// URL returns the URL of a schema made for this test alone (search_path in the URL), or skips
// the test when no database is configured.
func URL(t testing.TB) string {
	t.Helper()
	base := Available(t)
	if base == "" {
		t.Skipf("skipping a PostgreSQL test: %s", howTo)
	}
	return NewSchema(t, base)
}

// NewSchema creates an empty schema in the database at base and returns base with its
// search_path set to it; the schema is dropped when t ends.
func NewSchema(t testing.TB, base string) string {
	t.Helper()
	var raw [6]byte
	_, _ = rand.Read(raw[:])
	schema := "csmstest_" + hex.EncodeToString(raw[:])
	exec(t, base, `CREATE SCHEMA `+schema)
	t.Cleanup(func() { exec(t, base, `DROP SCHEMA `+schema+` CASCADE`) })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s does not parse: %v", env, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Exec runs one statement on the database at dbURL.
func Exec(t testing.TB, dbURL, sql string, args ...any) {
	t.Helper()
	exec(t, dbURL, sql, args...)
}

func exec(t testing.TB, dbURL, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect to the test database: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
