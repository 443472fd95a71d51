package store

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"zhicheng/internal/model"
)

func openSQLite(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "zhicheng.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// The statement cache: a query runs unprepared the first time and prepared from the next
// transaction on, on the writer's single connection without waiting for itself, and a
// bad query still reports its error where it is run.
func TestStmtCache(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	var id int64
	create := func(code string) error {
		return db.Update(ctx, func(q *Q) (err error) {
			id, err = q.CreateOrg(ctx, model.Org{Kind: model.OrgOffice, Code: code, Name: "职改办"})
			return err
		})
	}
	for i, code := range []string{"A", "B", "C"} { // the writer: one connection
		if err := create(code); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	const insert = "INSERT INTO orgs (parent_id, kind, unit_type, code, name"
	cached := func(c *stmtCache, prefix string) bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		for q := range c.stmts {
			if strings.HasPrefix(strings.TrimSpace(q), prefix) {
				return true
			}
		}
		return false
	}
	if !cached(db.writeStmts, insert) {
		t.Errorf("the insert is not prepared after three transactions: %d statements", len(db.writeStmts.stmts))
	}
	// Readers, concurrently, through the cache.
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 20 {
				if err := db.View(ctx, func(q *Q) error { _, err := q.Org(ctx, id); return err }); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if len(db.readStmts.stmts) == 0 {
		t.Error("no statement of the readers is prepared")
	}
	// A statement that cannot be prepared is dropped and reports its error each time.
	for range 3 {
		err := db.View(ctx, func(q *Q) error { _, err := q.q.ExecContext(ctx, "SELECT nope FROM nowhere"); return err })
		if err == nil || !strings.Contains(err.Error(), "nowhere") {
			t.Fatalf("bad query: %v", err)
		}
	}
	// A duplicate is still the Chinese conflict through a prepared statement.
	if err := create("A"); model.KindOf(err) != model.KindConflict {
		t.Fatalf("duplicate code through the cache: %v", err)
	}
}

// BenchmarkStmtCache reads one organisation per read transaction, with and without the
// statement cache, on the same database (go test ./internal/store -run '^$' -bench StmtCache).
func BenchmarkStmtCache(b *testing.B) {
	db := openSQLite(b)
	ctx := context.Background()
	var id int64
	if err := db.Update(ctx, func(q *Q) (err error) {
		id, err = q.CreateOrg(ctx, model.Org{Kind: model.OrgOffice, Code: "A", Name: "职改办"})
		return err
	}); err != nil {
		b.Fatal(err)
	}
	read := func(b *testing.B) {
		for b.Loop() {
			if err := db.View(ctx, func(q *Q) error { _, err := q.Org(ctx, id); return err }); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("cached", read)
	cache := db.readStmts
	db.readStmts = nil
	b.Run("unprepared", read)
	db.readStmts = cache
}
