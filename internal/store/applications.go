package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zhicheng/internal/model"
)

const applicationColumns = `id, plan_id, applicant_id, org_id, status, form, version, submissions,
	pledge_version, pledge_signer, pledge_signed_ms, created_at_ms, updated_at_ms, submitted_at_ms`

func scanApplication(row interface{ Scan(...any) error }) (model.Application, error) {
	var a model.Application
	var status, form, pv, ps string
	var signed, created, updated, submitted int64
	err := row.Scan(&a.ID, &a.PlanID, &a.ApplicantID, &a.OrgID, &status, &form, &a.Version, &a.Submissions,
		&pv, &ps, &signed, &created, &updated, &submitted)
	if err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(form), &a.Form); err != nil {
		return a, fmt.Errorf("decode form of application %d: %w", a.ID, err)
	}
	a.Status = model.AppStatus(status)
	if signed != 0 {
		a.Pledge = &model.Pledge{TextVersion: pv, SignerName: ps, SignedAt: fromMS(signed)}
	}
	a.Created, a.Updated, a.Submitted = fromMS(created), fromMS(updated), fromMS(submitted)
	return a, nil
}

func encodeForm(f model.Form) (string, error) {
	b, err := json.Marshal(f)
	if err != nil {
		return "", fmt.Errorf("encode form: %w", err)
	}
	return string(b), nil
}

// CreateApplication inserts a draft; one per applicant and plan.
func (q *Q) CreateApplication(ctx context.Context, a model.Application) (int64, error) {
	form, err := encodeForm(a.Form)
	if err != nil {
		return 0, err
	}
	var id int64
	b := a.Form.Basics
	err = q.q.QueryRowContext(ctx, `INSERT INTO applications (plan_id, applicant_id, org_id, status, form, level_code, app_type, scope, specialty,
		created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`, a.PlanID, a.ApplicantID, a.OrgID,
		string(a.Status), form, b.LevelCode, string(b.AppType), string(b.Scope), b.Specialty, ms(q.now)).Scan(&id)
	if isUniqueViolation(err) {
		return 0, &model.Error{Kind: model.KindConflict, Message: "您已有该评审计划的申报，请继续填写原申报", Fix: "每人每个评审计划只能申报一次"}
	}
	if err != nil {
		return 0, fmt.Errorf("insert application: %w", err)
	}
	return id, nil
}

// Application returns one application.
func (q *Q) Application(ctx context.Context, id int64) (model.Application, error) {
	a, err := scanApplication(q.q.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM applications WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("application %d: %w", id, model.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("read application %d: %w", id, err)
	}
	return a, nil
}

// ApplicationsOf lists an applicant's applications, newest first.
func (q *Q) ApplicationsOf(ctx context.Context, applicantID int64) ([]model.Application, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+applicationColumns+` FROM applications WHERE applicant_id = $1 ORDER BY id DESC`, applicantID)
	if err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	defer rows.Close()
	var out []model.Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SaveForm replaces the working copy if it is still at version v, and returns the new
// version. Two tabs saving the same draft: the second gets ErrConflict, nothing is lost
// silently (R-APP-04). The level, type, scope and specialty are copied to their own columns
// for the reviewers' lists (migration 0007).
func (q *Q) SaveForm(ctx context.Context, id, v int64, f model.Form) (int64, error) {
	form, err := encodeForm(f)
	if err != nil {
		return 0, err
	}
	b := f.Basics
	res, err := q.q.ExecContext(ctx, `UPDATE applications SET form = $1, level_code = $2, app_type = $3, scope = $4, specialty = $5,
		version = version + 1, updated_at_ms = $6 WHERE id = $7 AND version = $8`,
		form, b.LevelCode, string(b.AppType), string(b.Scope), b.Specialty, ms(q.now), id, v)
	if err != nil {
		return 0, fmt.Errorf("save application %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, fmt.Errorf("save application %d: %w", id, model.ErrConflict)
	}
	return v + 1, nil
}

// BumpApplication advances the version of an application at version v (evidence changes
// are edits of the application too, and must conflict with a stale form).
func (q *Q) BumpApplication(ctx context.Context, id, v int64) (int64, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE applications SET version = version + 1, updated_at_ms = $1 WHERE id = $2 AND version = $3`, ms(q.now), id, v)
	if err != nil {
		return 0, fmt.Errorf("update application %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, fmt.Errorf("update application %d: %w", id, model.ErrConflict)
	}
	return v + 1, nil
}

// SignPledge records the integrity pledge (R-APP-03).
func (q *Q) SignPledge(ctx context.Context, id int64, p model.Pledge) error {
	_, err := q.q.ExecContext(ctx, `UPDATE applications SET pledge_version = $1, pledge_signer = $2, pledge_signed_ms = $3, updated_at_ms = $3 WHERE id = $4`,
		p.TextVersion, p.SignerName, ms(p.SignedAt), id)
	if err != nil {
		return fmt.Errorf("sign pledge of application %d: %w", id, err)
	}
	return nil
}

// SetStatus moves an application at version v to a status.
func (q *Q) SetStatus(ctx context.Context, id, v int64, status model.AppStatus) error {
	res, err := q.q.ExecContext(ctx, `UPDATE applications SET status = $1, version = version + 1, updated_at_ms = $2 WHERE id = $3 AND version = $4`,
		string(status), ms(q.now), id, v)
	if err != nil {
		return fmt.Errorf("set status of application %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set status of application %d: %w", id, model.ErrConflict)
	}
	return nil
}

// Submission is a frozen, numbered copy of a submitted application (R-APP-05).
type Submission struct {
	No          int
	Form        model.Form
	Evidence    map[string][]int64 // slot → evidence ids, in order
	SubmittedBy int64
	Submitted   time.Time
}

// Submit freezes the working copy and its evidence as the next numbered version and moves
// the application to submitted, if it is still at version v.
func (q *Q) Submit(ctx context.Context, a model.Application, evidence map[string][]int64, by int64) (int, error) {
	form, err := encodeForm(a.Form)
	if err != nil {
		return 0, err
	}
	ev, err := json.Marshal(evidence)
	if err != nil {
		return 0, fmt.Errorf("encode evidence: %w", err)
	}
	no := a.Submissions + 1
	res, err := q.q.ExecContext(ctx, `UPDATE applications SET status = $1, submissions = $2, submitted_at_ms = $3, updated_at_ms = $3, version = version + 1
		WHERE id = $4 AND version = $5`, string(model.StatusSubmitted), no, ms(q.now), a.ID, a.Version)
	if err != nil {
		return 0, fmt.Errorf("submit application %d: %w", a.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, fmt.Errorf("submit application %d: %w", a.ID, model.ErrConflict)
	}
	if _, err := q.q.ExecContext(ctx, `INSERT INTO application_versions (application_id, no, form, evidence, submitted_by, submitted_at_ms) VALUES ($1, $2, $3, $4, $5, $6)`,
		a.ID, no, form, string(ev), by, ms(q.now)); err != nil {
		return 0, fmt.Errorf("freeze version %d of application %d: %w", no, a.ID, err)
	}
	return no, nil
}

// Submissions lists the frozen versions of an application, oldest first.
func (q *Q) Submissions(ctx context.Context, appID int64) ([]Submission, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT no, form, evidence, submitted_by, submitted_at_ms FROM application_versions WHERE application_id = $1 ORDER BY no`, appID)
	if err != nil {
		return nil, fmt.Errorf("list versions of application %d: %w", appID, err)
	}
	defer rows.Close()
	var out []Submission
	for rows.Next() {
		var s Submission
		var form, ev string
		var at int64
		if err := rows.Scan(&s.No, &form, &ev, &s.SubmittedBy, &at); err != nil {
			return nil, fmt.Errorf("scan version: %w", err)
		}
		if err := json.Unmarshal([]byte(form), &s.Form); err != nil {
			return nil, fmt.Errorf("decode version %d: %w", s.No, err)
		}
		if err := json.Unmarshal([]byte(ev), &s.Evidence); err != nil {
			return nil, fmt.Errorf("decode version %d evidence: %w", s.No, err)
		}
		s.Submitted = fromMS(at)
		out = append(out, s)
	}
	return out, rows.Err()
}

// Evidence is one file attached to a slot of an application.
type Evidence struct {
	ID            int64
	ApplicationID int64
	Slot          string
	Position      int
	SHA256        string
	Size          int64
	Kind          string
	Pages         int
	Name          string
	UploadedBy    int64
	Created       time.Time
	Removed       time.Time
}

// AddEvidence appends a file to the end of a slot.
func (q *Q) AddEvidence(ctx context.Context, e Evidence) (int64, error) {
	var id int64
	err := q.q.QueryRowContext(ctx, `INSERT INTO evidence (application_id, slot, position, sha256, size, kind, pages, name, uploaded_by, created_at_ms)
		VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM evidence WHERE application_id = $1 AND slot = $2), $3, $4, $5, $6, $7, $8, $9)
		RETURNING id`, e.ApplicationID, e.Slot, e.SHA256, e.Size, e.Kind, e.Pages, e.Name, e.UploadedBy, ms(q.now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("attach evidence to application %d: %w", e.ApplicationID, err)
	}
	return id, nil
}

const evidenceColumns = "id, application_id, slot, position, sha256, size, kind, pages, name, uploaded_by, created_at_ms, removed_at_ms"

func scanEvidence(row interface{ Scan(...any) error }) (Evidence, error) {
	var e Evidence
	var c, r int64
	err := row.Scan(&e.ID, &e.ApplicationID, &e.Slot, &e.Position, &e.SHA256, &e.Size, &e.Kind, &e.Pages, &e.Name, &e.UploadedBy, &c, &r)
	e.Created, e.Removed = fromMS(c), fromMS(r)
	return e, err
}

// EvidenceOf lists the live files of an application by slot and position.
func (q *Q) EvidenceOf(ctx context.Context, appID int64) ([]Evidence, error) {
	return q.evidence(ctx, `WHERE application_id = $1 AND removed_at_ms = 0 ORDER BY slot, position`, appID)
}

// EvidenceByID returns one file of an application, removed or not (a frozen version may
// still show it).
func (q *Q) EvidenceByID(ctx context.Context, appID, id int64) (Evidence, error) {
	es, err := q.evidence(ctx, `WHERE application_id = $1 AND id = $2`, appID, id)
	if err != nil {
		return Evidence{}, err
	}
	if len(es) == 0 {
		return Evidence{}, fmt.Errorf("evidence %d: %w", id, model.ErrNotFound)
	}
	return es[0], nil
}

func (q *Q) evidence(ctx context.Context, tail string, args ...any) ([]Evidence, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+evidenceColumns+` FROM evidence `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("read evidence: %w", err)
	}
	defer rows.Close()
	var out []Evidence
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return nil, fmt.Errorf("scan evidence: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// RemoveEvidence hides a file from the working copy; the row stays for frozen versions.
func (q *Q) RemoveEvidence(ctx context.Context, appID, id int64) error {
	res, err := q.q.ExecContext(ctx, `UPDATE evidence SET removed_at_ms = $1 WHERE application_id = $2 AND id = $3 AND removed_at_ms = 0`, ms(q.now), appID, id)
	if err != nil {
		return fmt.Errorf("remove evidence %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("evidence %d: %w", id, model.ErrNotFound)
	}
	return nil
}

// ReorderEvidence sets the order of a slot's files to ids (which must be exactly its live files).
func (q *Q) ReorderEvidence(ctx context.Context, appID int64, slot string, ids []int64) error {
	live, err := q.evidence(ctx, `WHERE application_id = $1 AND slot = $2 AND removed_at_ms = 0`, appID, slot)
	if err != nil {
		return err
	}
	have := map[int64]bool{}
	for _, e := range live {
		have[e.ID] = true
	}
	if len(ids) != len(live) {
		return model.Invalid("order", "排序须包含该项的全部文件", "请刷新页面后重试")
	}
	for i, id := range ids {
		if !have[id] {
			return model.Invalid("order", "排序中有不属于该项的文件", "请刷新页面后重试")
		}
		delete(have, id)
		if _, err := q.q.ExecContext(ctx, `UPDATE evidence SET position = $1 WHERE id = $2`, i+1, id); err != nil {
			return fmt.Errorf("reorder evidence: %w", err)
		}
	}
	return nil
}

// Duplicate is a file of this application that another applicant's application also has.
type Duplicate struct {
	EvidenceID     int64
	SHA256         string
	Slot           string
	OtherAppID     int64
	OtherSlot      string
	OtherApplicant int64
}

// DuplicatesOf finds this application's files attached by other applicants too: the same
// scan of a certificate in two people's applications is a fraud signal.
func (q *Q) DuplicatesOf(ctx context.Context, appID int64) ([]Duplicate, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT e.id, e.sha256, e.slot, o.application_id, o.slot, oa.applicant_id
		FROM evidence e
		JOIN applications a ON a.id = e.application_id
		JOIN evidence o ON o.sha256 = e.sha256 AND o.application_id <> e.application_id
		JOIN applications oa ON oa.id = o.application_id AND oa.applicant_id <> a.applicant_id
		WHERE e.application_id = $1 AND e.removed_at_ms = 0 AND o.removed_at_ms = 0
		ORDER BY e.id, o.application_id`, appID)
	if err != nil {
		return nil, fmt.Errorf("find duplicate evidence of application %d: %w", appID, err)
	}
	defer rows.Close()
	var out []Duplicate
	for rows.Next() {
		var d Duplicate
		if err := rows.Scan(&d.EvidenceID, &d.SHA256, &d.Slot, &d.OtherAppID, &d.OtherSlot, &d.OtherApplicant); err != nil {
			return nil, fmt.Errorf("scan duplicate: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
