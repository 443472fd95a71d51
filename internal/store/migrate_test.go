package store_test

import (
	"context"
	"database/sql"
	"testing"

	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// Migration 0007 on a database of the previous release: the list columns are filled from
// the stored forms, and the department holding each application from its chain snapshot —
// nothing already under review drops out of a department's list by the upgrade.
func TestMigration0007BackfillsListColumns(t *testing.T) {
	for _, d := range storetest.Engines() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, storetest.DSN(t, d))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := store.MigrateToForTest(ctx, db, 6); err != nil {
				t.Fatal(err)
			}
			exec := func(q string, args ...any) {
				t.Helper()
				if err := store.ExecForTest(ctx, db, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			exec(`INSERT INTO orgs (id, kind, code, name, created_at_ms) VALUES (1, 'office', 'O', '职改办', 1), (2, 'city', 'C', '市人社局', 1),
				(3, 'industry', 'I', '行业主管部门', 1), (4, 'unit', 'U', '甲单位', 1), (5, 'committee', 'W', '评委会', 1)`)
			exec(`INSERT INTO users (id, org_id, username, name, id_number_enc, id_number_idx, id_number_masked, phone_enc, phone_masked, password_hash, created_at_ms, updated_at_ms)
				VALUES (1, 4, 'a1', '甲', $1, 'i1', 'm', $1, 'p', '!', 1, 1), (2, 4, 'a2', '乙', $1, 'i2', 'm', $1, 'p', '!', 1, 1),
				(3, 4, 'a3', '丙', $1, 'i3', 'm', $1, 'p', '!', 1, 1)`, []byte{0})
			exec(`INSERT INTO plans (id, year, series, name, committee_id, definition, created_at_ms, updated_at_ms) VALUES (1, 2026, 's', '计划', 5, '{}', 1, 1)`)
			form := `{"basics":{"level_code":"deputy_senior","app_type":"exceptional","scope":"grassroots","specialty":"人力资源管理"}}`
			exec(`INSERT INTO applications (id, plan_id, applicant_id, org_id, status, form, created_at_ms, updated_at_ms) VALUES
				(1, 1, 1, 4, 'dept_review', $1, 1, 1), (2, 1, 2, 4, 'recommended', $1, 1, 1), (3, 1, 3, 4, 'submitted', $1, 1, 1)`, form)
			exec(`INSERT INTO application_review (application_id, chain_level, reached_level, updated_at_ms) VALUES (1, 2, 2, 1), (2, 0, 0, 1)`)
			exec(`INSERT INTO application_chain (application_id, level, dept_id) VALUES (1, 1, 2), (1, 2, 3), (2, 1, 2), (2, 2, 3)`)

			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			var n int
			err = db.View(ctx, func(q *store.Q) error {
				for _, want := range []struct {
					id     int64
					holder sql.NullInt64
				}{{1, sql.NullInt64{Int64: 3, Valid: true}}, {2, sql.NullInt64{Int64: 2, Valid: true}}, {3, sql.NullInt64{}}} {
					rows, err := q.ReviewRows(ctx, store.ReviewQuery{Office: true, LevelCode: "deputy_senior", AppType: "exceptional", Scope: "grassroots", Limit: 10})
					if err != nil {
						return err
					}
					n = len(rows)
					for _, r := range rows {
						if r.ID == want.id && r.Specialty != "人力资源管理" {
							t.Errorf("application %d: specialty %q", r.ID, r.Specialty)
						}
					}
					holder := func(dept int64) bool {
						rows, err := q.ReviewRows(ctx, store.ReviewQuery{DeptID: dept, Limit: 10})
						if err != nil {
							t.Fatal(err)
						}
						for _, r := range rows {
							if r.ID == want.id {
								return true
							}
						}
						return false
					}
					for _, dept := range []int64{2, 3} {
						if got := holder(dept); got != (want.holder.Valid && want.holder.Int64 == dept) {
							t.Errorf("application %d in department %d's list: %v, want holder %v", want.id, dept, got, want.holder)
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if n != 3 {
				t.Errorf("filter by the backfilled level, type and scope: %d rows, want 3", n)
			}
		})
	}
}
