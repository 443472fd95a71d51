package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps one prepared statement per SQL text for a SQLite pool. modernc.org/sqlite
// parses and plans every query it is handed as a string, which was about a fifth of the CPU
// of a simple page (BENCHMARKS.md §1); a prepared statement is parsed once per connection.
// PostgreSQL does not need it: pgx caches prepared statements per connection itself.
//
// The catch is that preparing takes a connection from the pool, and the write pool has a
// single connection: preparing from inside a transaction would wait for the connection the
// transaction holds, for ever. So a transaction never prepares. A query the cache does not
// know runs unprepared and is noted as wanted; the next transaction prepares what is wanted
// before it begins, when its goroutine holds no connection (warm). Inside a transaction,
// tx.StmtContext binds a cached statement to the transaction's connection, preparing it on
// that connection once if it was prepared on another.
type stmtCache struct {
	pool *sql.DB

	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	wanted map[string]bool
}

// stmtCacheMax bounds the statements kept per pool. The store's SQL is a fixed set of texts
// with a few variants (IN lists, filters), far fewer than this; the bound only guards
// against a caller that builds unbounded variants.
const stmtCacheMax = 1000

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, stmts: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// lookup returns the cached statement for query, or nil after noting it as wanted.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.stmts[query]; ok {
		return s
	}
	if len(c.stmts)+len(c.wanted) < stmtCacheMax {
		c.wanted[query] = true
	}
	return nil
}

// warm prepares the wanted statements. It must be called without holding a connection of
// the pool. A statement that fails to prepare is dropped: running it unprepared reports the
// same error where it belongs.
func (c *stmtCache) warm(ctx context.Context) {
	c.mu.Lock()
	if len(c.wanted) == 0 {
		c.mu.Unlock()
		return
	}
	wanted := make([]string, 0, len(c.wanted))
	for q := range c.wanted {
		wanted = append(wanted, q)
	}
	clear(c.wanted)
	c.mu.Unlock()
	for _, q := range wanted {
		s, err := c.pool.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, dup := c.stmts[q]; dup {
			s.Close() // another goroutine prepared it meanwhile
		} else {
			c.stmts[q] = s
		}
		c.mu.Unlock()
	}
}

// prepared returns the statement for query, preparing it now if needed; nil when it cannot
// be prepared or the cache is full. Only for callers outside a transaction of the pool.
func (c *stmtCache) prepared(ctx context.Context, query string) *sql.Stmt {
	if s := c.lookup(query); s != nil {
		return s
	}
	c.warm(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stmts[query]
}

// close closes every cached statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, s := range c.stmts {
		s.Close()
		delete(c.stmts, q)
	}
}

// cachedTx is a transaction that runs cached statements where it can.
type cachedTx struct {
	tx    *sql.Tx
	cache *stmtCache
}

func (t cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := t.cache.lookup(query); s != nil {
		return t.tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.cache.lookup(query); s != nil {
		return t.tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := t.cache.lookup(query); s != nil {
		return t.tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}
