package store

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// ExecForTest runs raw SQL on the writer, as someone editing the table by hand would.
func ExecForTest(ctx context.Context, db *DB, sql string, args ...any) error {
	_, err := db.write.ExecContext(ctx, sql, args...)
	return err
}

// MigrateToForTest applies the migrations up to and including version, as a database
// last migrated by an older release would be.
func MigrateToForTest(ctx context.Context, db *DB, version int64) error {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.write, sub)
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("migrate to %d: %w", version, err)
	}
	return nil
}
