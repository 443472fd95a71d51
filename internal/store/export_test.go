package store

import "context"

// ExecForTest runs raw SQL on the writer, as someone editing the table by hand would.
func ExecForTest(ctx context.Context, db *DB, sql string) error {
	_, err := db.write.ExecContext(ctx, sql)
	return err
}
