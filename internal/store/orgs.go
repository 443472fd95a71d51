package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"zhicheng/internal/model"
)

const orgColumns = "id, COALESCE(parent_id, 0), kind, unit_type, code, name, created_at_ms, version, professional_posts, grassroots_senior_posts"

func scanOrg(row interface{ Scan(...any) error }) (model.Org, error) {
	var o model.Org
	var parent, created int64
	var kind, unitType string
	if err := row.Scan(&o.ID, &parent, &kind, &unitType, &o.Code, &o.Name, &created, &o.Version, &o.ProfessionalPosts, &o.GrassrootsSeniorPosts); err != nil {
		return o, err
	}
	o.ParentID, o.Kind, o.UnitType, o.Created = parent, model.OrgKind(kind), model.UnitType(unitType), fromMS(created)
	return o, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateOrg inserts o and its review chain and returns its id.
func (q *Q) CreateOrg(ctx context.Context, o model.Org) (int64, error) {
	var id int64
	err := q.q.QueryRowContext(ctx,
		`INSERT INTO orgs (parent_id, kind, unit_type, code, name, created_at_ms, professional_posts, grassroots_senior_posts)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		nullID(o.ParentID), string(o.Kind), string(o.UnitType), o.Code, o.Name, ms(q.now), o.ProfessionalPosts, o.GrassrootsSeniorPosts).Scan(&id)
	if isUniqueViolation(err) {
		return 0, &model.Error{Kind: model.KindConflict, Field: "code", Message: "机构代码 " + o.Code + " 已被使用", Fix: "请填写本机构唯一的统一社会信用代码或机构代码"}
	}
	if err != nil {
		return 0, fmt.Errorf("insert org %q: %w", o.Name, err)
	}
	if err := q.setReviewChain(ctx, id, o.ReviewChain); err != nil {
		return 0, err
	}
	return id, nil
}

// UpdateOrg changes name, code, unit type, posts and review chain of o.ID, if its version is
// still o.Version (optimistic concurrency).
func (q *Q) UpdateOrg(ctx context.Context, o model.Org) error {
	res, err := q.q.ExecContext(ctx,
		`UPDATE orgs SET name = $1, code = $2, unit_type = $3, professional_posts = $4, grassroots_senior_posts = $5,
		version = version + 1 WHERE id = $6 AND version = $7`,
		o.Name, o.Code, string(o.UnitType), o.ProfessionalPosts, o.GrassrootsSeniorPosts, o.ID, o.Version)
	if isUniqueViolation(err) {
		return &model.Error{Kind: model.KindConflict, Field: "code", Message: "机构代码 " + o.Code + " 已被使用", Fix: "请填写本机构唯一的代码"}
	}
	if err != nil {
		return fmt.Errorf("update org %d: %w", o.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update org %d: %w", o.ID, model.ErrConflict)
	}
	return q.setReviewChain(ctx, o.ID, o.ReviewChain)
}

func (q *Q) setReviewChain(ctx context.Context, orgID int64, chain []int64) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM org_review_chain WHERE org_id = $1`, orgID); err != nil {
		return fmt.Errorf("clear review chain of org %d: %w", orgID, err)
	}
	for i, dept := range chain {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO org_review_chain (org_id, position, dept_id) VALUES ($1, $2, $3)`, orgID, i+1, dept); err != nil {
			return fmt.Errorf("set review chain of org %d: %w", orgID, err)
		}
	}
	return nil
}

// Org returns one organisation with its review chain.
func (q *Q) Org(ctx context.Context, id int64) (model.Org, error) {
	o, err := scanOrg(q.q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM orgs WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("org %d: %w", id, model.ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("read org %d: %w", id, err)
	}
	o.ReviewChain, err = q.reviewChain(ctx, id)
	return o, err
}

// LockedOrg reads one organisation (without its review chain) and, on PostgreSQL, locks its
// row until the transaction ends, so that two checks against the organisation's registered
// numbers take turns: the second sees what the first committed (SQLite's write transactions
// are exclusive already). NO KEY UPDATE, so that rows referring to the organisation can
// still be written meanwhile.
func (q *Q) LockedOrg(ctx context.Context, id int64) (model.Org, error) {
	lock := ""
	if q.dialect == Postgres {
		lock = " FOR NO KEY UPDATE"
	}
	o, err := scanOrg(q.q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM orgs WHERE id = $1`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("org %d: %w", id, model.ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("lock org %d: %w", id, err)
	}
	return o, nil
}

// OrgByCode finds an organisation by its code.
func (q *Q) OrgByCode(ctx context.Context, code string) (model.Org, error) {
	var id int64
	err := q.q.QueryRowContext(ctx, `SELECT id FROM orgs WHERE code = $1`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return model.Org{}, fmt.Errorf("org %q: %w", code, model.ErrNotFound)
	}
	if err != nil {
		return model.Org{}, fmt.Errorf("find org %q: %w", code, err)
	}
	return q.Org(ctx, id)
}

func (q *Q) reviewChain(ctx context.Context, orgID int64) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT dept_id FROM org_review_chain WHERE org_id = $1 ORDER BY position`, orgID)
	if err != nil {
		return nil, fmt.Errorf("read review chain of org %d: %w", orgID, err)
	}
	defer rows.Close()
	var chain []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan review chain: %w", err)
		}
		chain = append(chain, id)
	}
	return chain, rows.Err()
}

// Orgs lists every organisation (with review chains) in tree order of ids. The tree is
// small (thousands of units in a province), so one query and one pass are enough.
func (q *Q) Orgs(ctx context.Context) ([]model.Org, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+orgColumns+` FROM orgs ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list orgs: %w", err)
	}
	defer rows.Close()
	var orgs []model.Org
	index := map[int64]int{}
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, fmt.Errorf("scan org: %w", err)
		}
		index[o.ID] = len(orgs)
		orgs = append(orgs, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list orgs: %w", err)
	}
	rows.Close()
	chains, err := q.q.QueryContext(ctx, `SELECT org_id, dept_id FROM org_review_chain ORDER BY org_id, position`)
	if err != nil {
		return nil, fmt.Errorf("list review chains: %w", err)
	}
	defer chains.Close()
	for chains.Next() {
		var org, dept int64
		if err := chains.Scan(&org, &dept); err != nil {
			return nil, fmt.Errorf("scan review chain: %w", err)
		}
		if i, ok := index[org]; ok {
			orgs[i].ReviewChain = append(orgs[i].ReviewChain, dept)
		}
	}
	return orgs, chains.Err()
}
