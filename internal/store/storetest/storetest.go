// Package storetest opens real, migrated, throw-away databases for tests: SQLite always,
// and PostgreSQL whenever ZHICHENG_TEST_POSTGRES holds a DSN (each test gets a schema of
// its own, dropped afterwards, so tests can run in parallel).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"zhicheng/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL DSN for tests.
const EnvPostgres = "ZHICHENG_TEST_POSTGRES"

// Engines lists the engines available to this test run.
func Engines() []store.Dialect {
	if os.Getenv(EnvPostgres) != "" {
		return []store.Dialect{store.SQLite, store.Postgres}
	}
	return []store.Dialect{store.SQLite}
}

// Each runs fn once per available engine, as a subtest named after it.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Engines() {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a migrated empty database of the given engine, closed at the end of t.
func Open(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	dsn := DSN(t, d)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	return db
}

// DSN returns a connection string for a fresh, empty database of engine d (a new SQLite
// file, or a new PostgreSQL schema), removed at the end of t. Two Opens of the same DSN
// share the data, as two server instances would.
func DSN(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "zhicheng.db")
	}
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skipf("%s not set", EnvPostgres)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	dsn, err := store.WithSearchPath(base, schema)
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}
