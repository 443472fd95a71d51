// Command zhicheng-seed fills a zhicheng database that already holds the demo (run
// `zhicheng serve --demo` once on it first) with many applications, for load measurements
// of the reviewers' lists (BENCHMARKS.md section 3). It is a benchmark tool: never run it on
// a real database.
//
// It opens the database as zhicheng does (--data DIR for SQLite, --database postgres://…
// or ZHICHENG_DATABASE for PostgreSQL), applies pending migrations, and then inserts -n
// applicant accounts and one application each into the demo's open plan, spread over the
// demo's units and agencies, with batched multi-row INSERTs in large transactions, directly
// in SQL (not through the use cases: 100,000 applications through them would take hours).
//
// What the rows are, and are not:
//   - Applicants are accounts "seed<n>" with the applicant role at their unit. Their
//     encrypted ID number and phone are fixed placeholder bytes, not ciphertext, and their
//     blind index is "seed-<n>" (unique, matches nobody); their password hash is "!", so they
//     cannot sign in. Opening such an account's personal data would fail to decrypt.
//   - Every application carries the same form: demo.ExampleForm of the plan's year.
//   - Statuses are spread like a busy plan: about 8 % drafts, then submitted, unit
//     publicity, recommended and department review (at every level of the unit's chain),
//     fewer in the office's review, and a few returned, withdrawn or ended. Applications
//     past the unit have their application_review row and a snapshot of the unit's chain
//     in application_chain, as the workflow would have written them. No submitted versions,
//     evidence, returns or audit entries are written: the lists do not read them, but the
//     reviewer's view of a seeded application is incomplete.
//   - updated_at_ms is spread over the last 60 days, so a list's first page is the newest.
//
// On PostgreSQL it runs ANALYZE at the end (autovacuum would, soon after a bulk load). On
// SQLite it does not: zhicheng never runs ANALYZE, so the planner works without statistics
// there, as it would in production.
//
//	zhicheng-seed --data ./data -n 100000
//	zhicheng-seed --database postgres://postgres@127.0.0.1/zhicheng_bench -n 100000
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"zhicheng/internal/demo"
	"zhicheng/internal/store" // also registers the "sqlite" and "pgx" drivers
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "zhicheng-seed:", err)
		os.Exit(1)
	}
}

type status struct {
	name   string
	weight int
	review bool // has an application_review row (acted on by a reviewer)
	chain  bool // past the unit's recommendation: has a chain snapshot
}

// A busy plan a few weeks before its deadline (weights in per mille).
var statuses = []status{
	{"draft", 80, false, false},
	{"submitted", 220, false, false},
	{"returned", 30, true, false},
	{"withdrawn", 10, false, false},
	{"unit_publicity", 160, true, false},
	{"not_recommended", 10, true, false},
	{"recommended", 170, true, true},
	{"dept_review", 220, true, true},
	{"prelim_review", 60, true, true},
	{"prelim_passed", 30, true, true},
	{"rejected", 5, true, true},
	{"cancelled_fraud", 5, true, true},
}

type unit struct {
	id    int64
	chain []int64
}

func run() error {
	dataDir := flag.String("data", envOr("ZHICHENG_DATA", "./data"), "data directory (the SQLite database zhicheng.db is in it)")
	database := flag.String("database", os.Getenv("ZHICHENG_DATABASE"), "PostgreSQL URL postgres://…; empty: SQLite in the data directory")
	n := flag.Int("n", 100000, "applications (and applicant accounts) to insert")
	batch := flag.Int("batch", 400, "rows per INSERT statement")
	txRows := flag.Int("tx", 20000, "applications per transaction")
	seed := flag.Uint64("seed", 1, "random seed (the spread of units, statuses and times)")
	flag.Parse()
	if *n <= 0 || *batch <= 0 || *txRows <= 0 {
		return errors.New("-n, -batch and -tx must be positive")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	dsn := *database
	if dsn == "" {
		dsn = filepath.Join(*dataDir, "zhicheng.db")
	}
	// Open and migrate exactly as zhicheng does, then write through a connection of our own:
	// the store offers no bulk insert, and this tool may relax SQLite's per-commit fsync.
	sdb, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	if err := sdb.Migrate(ctx); err != nil {
		sdb.Close()
		return err
	}
	pg := sdb.Dialect() == store.Postgres
	sdb.Close()
	var db *sql.DB
	if pg {
		db, err = sql.Open("pgx", dsn)
	} else {
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
		db, err = sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	}
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	start := time.Now()
	s := &seeder{db: db, pg: pg, rng: rand.New(rand.NewPCG(*seed, *seed^0x5eed)), now: time.Now().UnixMilli()}
	if err := s.load(ctx); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "zhicheng-seed: %s, plan %d (year %d), %d units, %d applications to insert\n",
		map[bool]string{true: "PostgreSQL", false: "SQLite"}[pg], s.planID, s.year, len(s.units), *n)
	for done := 0; done < *n; done += *txRows {
		k := min(*txRows, *n-done)
		if err := s.insertTx(ctx, k, *batch); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "zhicheng-seed: %d/%d (%.1fs)\n", done+k, *n, time.Since(start).Seconds())
	}
	if pg {
		// Explicit ids were inserted: move the identity sequences past them.
		for _, t := range []string{"users", "applications"} {
			if _, err := db.ExecContext(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT MAX(id) FROM %s))`, t, t)); err != nil {
				return fmt.Errorf("reset %s sequence: %w", t, err)
			}
		}
		if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT status, COUNT(*) FROM applications GROUP BY status ORDER BY status`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var st string
		var c int
		if err := rows.Scan(&st, &c); err != nil {
			return err
		}
		parts = append(parts, fmt.Sprintf("%s %d", st, c))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	fmt.Printf("seeded %d applications in %.1fs; now in the database: %s\n", *n, time.Since(start).Seconds(), strings.Join(parts, ", "))
	return nil
}

type seeder struct {
	db     *sql.DB
	pg     bool
	rng    *rand.Rand
	now    int64
	planID int64
	year   int
	form   string
	basics [4]string // the form's level code, type, scope and specialty, for their list columns
	units  []unit
	nextU  int64 // next user id
	nextA  int64 // next application id
	serial int64 // next "seed<n>" number
	total  int   // sum of the status weights
}

// load reads what the rows refer to: the open plan, the units and agencies with their
// chains, and where the ids continue.
func (s *seeder) load(ctx context.Context) error {
	// The demo's open plan is the one its example application is in; else the newest plan.
	err := s.db.QueryRowContext(ctx, `SELECT p.id, p.year FROM plans p
		WHERE p.id = COALESCE((SELECT plan_id FROM applications ORDER BY id LIMIT 1), (SELECT MAX(id) FROM plans))`).Scan(&s.planID, &s.year)
	if errors.Is(err, sql.ErrNoRows) {
		return errors.New("no plan in the database: load the demo first (zhicheng serve --demo, once)")
	}
	if err != nil {
		return fmt.Errorf("find the open plan: %w", err)
	}
	f := demo.ExampleForm(s.year)
	form, err := json.Marshal(f)
	if err != nil {
		return err
	}
	s.form = string(form)
	s.basics = [4]string{f.Basics.LevelCode, string(f.Basics.AppType), string(f.Basics.Scope), f.Basics.Specialty}
	rows, err := s.db.QueryContext(ctx, `SELECT o.id, c.dept_id FROM orgs o LEFT JOIN org_review_chain c ON c.org_id = o.id
		WHERE o.kind IN ('unit', 'agency') ORDER BY o.id, c.position`)
	if err != nil {
		return fmt.Errorf("read units: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var dept sql.NullInt64
		if err := rows.Scan(&id, &dept); err != nil {
			return err
		}
		if len(s.units) == 0 || s.units[len(s.units)-1].id != id {
			s.units = append(s.units, unit{id: id})
		}
		if dept.Valid {
			u := &s.units[len(s.units)-1]
			u.chain = append(u.chain, dept.Int64)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(s.units) == 0 {
		return errors.New("no units in the database: load the demo first")
	}
	var seeded int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM users`).Scan(&s.nextU); err != nil {
		return err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM applications`).Scan(&s.nextA); err != nil {
		return err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE username LIKE 'seed%'`).Scan(&seeded); err != nil {
		return err
	}
	s.serial = seeded + 1
	for _, st := range statuses {
		s.total += st.weight
	}
	return nil
}

func (s *seeder) pick() status {
	r := s.rng.IntN(s.total)
	for _, st := range statuses {
		if r < st.weight {
			return st
		}
		r -= st.weight
	}
	return statuses[0]
}

// insertTx inserts k applicants and applications in one transaction.
func (s *seeder) insertTx(ctx context.Context, k, batch int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	users := newBulk(tx, "users", "id, org_id, username, name, id_number_enc, id_number_idx, id_number_masked, phone_enc, phone_masked, password_hash, created_at_ms, updated_at_ms", batch)
	roles := newBulk(tx, "user_roles", "user_id, role, granted_at_ms", batch)
	apps := newBulk(tx, "applications", "id, plan_id, applicant_id, org_id, status, form, level_code, app_type, scope, specialty, holder_dept_id, version, submissions, created_at_ms, updated_at_ms, submitted_at_ms", batch)
	reviews := newBulk(tx, "application_review", "application_id, chain_level, reached_level, publicity_start_ms, publicity_end_ms, recommended_by, recommended_at_ms, updated_at_ms", batch)
	chains := newBulk(tx, "application_chain", "application_id, level, dept_id", batch)
	// Flushed together, parents first: foreign keys are checked at each statement.
	all := []*bulk{users, roles, apps, reviews, chains}
	enc := []byte("seed: not ciphertext")
	const day = int64(24 * time.Hour / time.Millisecond)
	for range k {
		u := s.units[s.rng.IntN(len(s.units))]
		st := s.pick()
		uid, aid, no := s.nextU, s.nextA, s.serial
		s.nextU, s.nextA, s.serial = uid+1, aid+1, no+1
		created := s.now - 60*day + s.rng.Int64N(30*day)
		updated := created + s.rng.Int64N(s.now-created)
		if err := users.add(ctx, uid, u.id, fmt.Sprintf("seed%d", no), fmt.Sprintf("申报人%d", no),
			enc, fmt.Sprintf("seed-%d", no), "6201**********0000", enc, "139****0000", "!", created, created); err != nil {
			return err
		}
		if err := roles.add(ctx, uid, "applicant", created); err != nil {
			return err
		}
		submissions, submitted := 1, created+s.rng.Int64N(updated-created+1)
		if st.name == "draft" {
			submissions, submitted = 0, 0
		}
		// Where the application is in the unit's chain, and so which department holds it.
		chainLevel, reached := 0, 0
		var holder any
		if st.chain && len(u.chain) > 0 {
			reached = len(u.chain)
			switch st.name {
			case "recommended":
				reached, holder = 1, u.chain[0]
			case "dept_review":
				chainLevel = 1 + s.rng.IntN(len(u.chain))
				reached, holder = chainLevel, u.chain[chainLevel-1]
			}
		}
		if err := apps.add(ctx, aid, s.planID, uid, u.id, st.name, s.form, s.basics[0], s.basics[1], s.basics[2], s.basics[3], holder,
			3+s.rng.IntN(6), submissions, created, updated, submitted); err != nil {
			return err
		}
		if !st.review {
			if apps.full() {
				if err := flushAll(ctx, all); err != nil {
					return err
				}
			}
			continue
		}
		var recBy any
		var recAt int64
		if st.chain && len(u.chain) > 0 {
			recBy, recAt = u.id, submitted+(updated-submitted)/2
			for i, d := range u.chain {
				if err := chains.add(ctx, aid, i+1, d); err != nil {
					return err
				}
			}
		}
		pubStart := submitted + (updated-submitted)/4
		if err := reviews.add(ctx, aid, chainLevel, reached, pubStart, pubStart+5*day, recBy, recAt, updated); err != nil {
			return err
		}
		if apps.full() || chains.full() {
			if err := flushAll(ctx, all); err != nil {
				return err
			}
		}
	}
	if err := flushAll(ctx, all); err != nil {
		return err
	}
	return tx.Commit()
}

func flushAll(ctx context.Context, bs []*bulk) error {
	for _, b := range bs {
		if err := b.flush(ctx); err != nil {
			return err
		}
	}
	return nil
}

// bulk gathers rows for one multi-row INSERT of up to max rows.
type bulk struct {
	tx    *sql.Tx
	table string
	cols  string
	ncol  int
	max   int
	args  []any
	rows  int
}

func newBulk(tx *sql.Tx, table, cols string, max int) *bulk {
	return &bulk{tx: tx, table: table, cols: cols, ncol: strings.Count(cols, ",") + 1, max: max}
}

func (b *bulk) add(ctx context.Context, vals ...any) error {
	if len(vals) != b.ncol {
		panic(fmt.Sprintf("%s: %d values for %d columns", b.table, len(vals), b.ncol))
	}
	b.args = append(b.args, vals...)
	b.rows++
	return nil
}

// full reports whether the next row should wait for a flush.
func (b *bulk) full() bool { return b.rows >= b.max }

func (b *bulk) flush(ctx context.Context) error {
	if b.rows == 0 {
		return nil
	}
	var q strings.Builder
	fmt.Fprintf(&q, "INSERT INTO %s (%s) VALUES ", b.table, b.cols)
	p := 0
	for r := range b.rows {
		if r > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for c := range b.ncol {
			if c > 0 {
				q.WriteString(", ")
			}
			p++
			fmt.Fprintf(&q, "$%d", p)
		}
		q.WriteByte(')')
	}
	if _, err := b.tx.ExecContext(ctx, q.String(), b.args...); err != nil {
		return fmt.Errorf("insert into %s: %w", b.table, err)
	}
	b.args, b.rows = b.args[:0], 0
	return nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
