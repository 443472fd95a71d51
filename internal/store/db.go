// Package store is zhicheng's database: plain database/sql over SQLite (embedded default)
// and PostgreSQL (scale-out), with the same SQL on both wherever the engines agree and
// forward-only migrations per dialect. A use case runs inside Update (one write
// transaction) or View (a read transaction); the exported methods on *Q hold the SQL.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers "sqlite"
)

//go:embed migrations
var migrations embed.FS

// Dialect names the engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database. SQLite gets one writer connection (SQLite allows one writer at a
// time; queuing in Go is cheaper than busy-looping in SQLite) and a pool of readers;
// PostgreSQL uses one pool for both.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	now     func() time.Time
	// Prepared statements per SQLite pool (stmtcache.go); nil on PostgreSQL.
	writeStmts, readStmts *stmtCache
}

// Open opens the database named by dsn: a postgres:// or postgresql:// URL, or a path to
// a SQLite file (optionally prefixed with sqlite: or file:). It does not migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{now: time.Now}
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db.dialect = Postgres
		pool, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		pool.SetMaxOpenConns(32)
		pool.SetMaxIdleConns(32)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		db.write, db.read = pool, pool
	default:
		db.dialect = SQLite
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("create database directory: %w", err)
			}
		}
		// synchronous(FULL): a committed transaction survives power loss, not only a crash
		// of the process. Evidence of a submission is worth the extra fsync.
		pragmas := "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
		w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		w.SetMaxOpenConns(1)
		w.SetConnMaxIdleTime(0)
		r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&mode=ro")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite %s for reading: %w", path, err)
		}
		r.SetMaxOpenConns(8)
		db.write, db.read = w, r
		db.writeStmts, db.readStmts = newStmtCache(w), newStmtCache(r)
	}
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", db.dialect, err)
	}
	return db, nil
}

// Dialect reports the engine.
func (db *DB) Dialect() Dialect { return db.dialect }

// SetClock replaces the clock used for timestamps the store writes itself (tests).
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// Close closes all connections.
func (db *DB) Close() error {
	for _, c := range []*stmtCache{db.writeStmts, db.readStmts} {
		if c != nil {
			c.close()
		}
	}
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks that the database answers (for /healthz).
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping %s: %w", db.dialect, err)
	}
	return nil
}

// readRow runs a one-row query on the read pool outside any transaction (the session lookup
// of every request), prepared once per connection on SQLite (stmtcache.go).
func (db *DB) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	if db.readStmts != nil {
		if st := db.readStmts.prepared(ctx, query); st != nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return db.read.QueryRowContext(ctx, query, args...)
}

// Migrate applies every pending forward migration of the dialect.
func (db *DB) Migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return fmt.Errorf("migrations for %s: %w", db.dialect, err)
	}
	dialect := goose.DialectSQLite3
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.write, sub)
	if err != nil {
		return fmt.Errorf("prepare migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", db.dialect, err)
	}
	return nil
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Q runs queries inside one transaction. Its exported methods are the store's vocabulary.
type Q struct {
	q       queryer
	dialect Dialect
	now     time.Time // the transaction's instant, one for every row it writes
}

// Now is the instant of the transaction.
func (q *Q) Now() time.Time { return q.now }

// Update runs fn in one write transaction, committed if fn returns nil.
func (db *DB) Update(ctx context.Context, fn func(*Q) error) error {
	return db.inTx(ctx, db.write, db.writeStmts, false, fn)
}

// View runs fn in one read-only transaction, so that several reads see one snapshot.
func (db *DB) View(ctx context.Context, fn func(*Q) error) error {
	return db.inTx(ctx, db.read, db.readStmts, true, fn)
}

func (db *DB) inTx(ctx context.Context, pool *sql.DB, stmts *stmtCache, readOnly bool, fn func(*Q) error) (err error) {
	opts := &sql.TxOptions{}
	if db.dialect == Postgres {
		opts.ReadOnly = readOnly // SQLite's read pool is opened read-only instead
	}
	if stmts != nil {
		stmts.warm(ctx) // before BeginTx: preparing needs a connection, and we hold none yet
	}
	tx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	var q queryer = tx
	if stmts != nil {
		q = cachedTx{tx: tx, cache: stmts}
	}
	if err = fn(&Q{q: q, dialect: db.dialect, now: db.now().UTC().Truncate(time.Millisecond)}); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// forUpdate locks the selected rows on PostgreSQL; SQLite's write transactions are already
// exclusive (_txlock=immediate), and it has no such clause.
func (q *Q) forUpdate() string {
	if q.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// isUniqueViolation reports whether err is a unique-constraint failure on either engine.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// WithSearchPath returns dsn with a PostgreSQL search_path set, used by tests to give each
// test its own schema.
func WithSearchPath(dsn, schema string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("parse postgres url: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}
