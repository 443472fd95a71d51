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

// The review records of an application (SPEC §5): the facts the workflow's guards read
// besides the status (ReviewState), the chain snapshot, objections, returns with their
// items, originals checks, fraud cases, and the evidence access log (R-SEC-01).

// ReviewState is what the workflow table needs to know about an application besides its
// status. The zero value (no row yet) is the state of an application no reviewer has
// acted on.
type ReviewState struct {
	ApplicationID int64
	// Chain is the unit's review chain as it was when the unit recommended (dept ids; the
	// level of Chain[i] is i+1). Empty until the unit recommends.
	Chain         []int64
	ChainLevel    int // level in dept_review, 0 elsewhere
	ReachedLevel  int // the highest level the application ever entered
	DeptReturns   int // R-FLOW-04
	ReturnedFrom  model.AppStatus
	ReturnedLevel int
	// PublicityStart and PublicityEnd are the current submission's unit publicity
	// (R-FLOW-01); zero when not started.
	PublicityStart   time.Time
	PublicityEnd     time.Time
	OriginalsPending bool
	FraudProposed    bool
	RecommendedBy    int64 // the unit that recommended (R-FLOW-11 records it)
	RecommendedAt    time.Time
}

// DeptAt is the department at level l of the chain snapshot, 0 when there is none.
func (s ReviewState) DeptAt(l int) int64 {
	if l < 1 || l > len(s.Chain) {
		return 0
	}
	return s.Chain[l-1]
}

// ReviewState reads the review state of an application; the zero state when no reviewer
// has acted yet.
func (q *Q) ReviewState(ctx context.Context, appID int64) (ReviewState, error) {
	s := ReviewState{ApplicationID: appID}
	var from string
	var pubStart, pubEnd, recAt, recBy int64
	err := q.q.QueryRowContext(ctx, `SELECT chain_level, reached_level, dept_returns, returned_from_status, returned_from_level,
		publicity_start_ms, publicity_end_ms, originals_pending, fraud_proposed, COALESCE(recommended_by, 0), recommended_at_ms
		FROM application_review WHERE application_id = $1`, appID).Scan(&s.ChainLevel, &s.ReachedLevel, &s.DeptReturns, &from, &s.ReturnedLevel,
		&pubStart, &pubEnd, &s.OriginalsPending, &s.FraudProposed, &recBy, &recAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("read review state of application %d: %w", appID, err)
	}
	s.ReturnedFrom = model.AppStatus(from)
	s.PublicityStart, s.PublicityEnd, s.RecommendedAt, s.RecommendedBy = fromMS(pubStart), fromMS(pubEnd), fromMS(recAt), recBy
	rows, err := q.q.QueryContext(ctx, `SELECT dept_id FROM application_chain WHERE application_id = $1 ORDER BY level`, appID)
	if err != nil {
		return s, fmt.Errorf("read chain of application %d: %w", appID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			return s, fmt.Errorf("scan chain: %w", err)
		}
		s.Chain = append(s.Chain, d)
	}
	return s, rows.Err()
}

// SaveReviewState writes the review state (not the chain: SetApplicationChain does).
func (q *Q) SaveReviewState(ctx context.Context, s ReviewState) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO application_review (application_id, chain_level, reached_level, dept_returns,
		returned_from_status, returned_from_level, publicity_start_ms, publicity_end_ms, originals_pending, fraud_proposed,
		recommended_by, recommended_at_ms, updated_at_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (application_id) DO UPDATE SET chain_level = excluded.chain_level, reached_level = excluded.reached_level,
		dept_returns = excluded.dept_returns, returned_from_status = excluded.returned_from_status,
		returned_from_level = excluded.returned_from_level, publicity_start_ms = excluded.publicity_start_ms,
		publicity_end_ms = excluded.publicity_end_ms, originals_pending = excluded.originals_pending,
		fraud_proposed = excluded.fraud_proposed, recommended_by = excluded.recommended_by,
		recommended_at_ms = excluded.recommended_at_ms, updated_at_ms = excluded.updated_at_ms`,
		s.ApplicationID, s.ChainLevel, s.ReachedLevel, s.DeptReturns, string(s.ReturnedFrom), s.ReturnedLevel,
		ms(s.PublicityStart), ms(s.PublicityEnd), s.OriginalsPending, s.FraudProposed, nullID(s.RecommendedBy), ms(s.RecommendedAt), ms(q.now))
	if err != nil {
		return fmt.Errorf("save review state of application %d: %w", s.ApplicationID, err)
	}
	// The department whose turn it is, for the department list's index (migration 0007):
	// the chain snapshot's first level while recommended, the current level in dept_review,
	// nobody otherwise. Derived here, where every step of the review ends, so that no step
	// can forget it.
	if _, err := q.q.ExecContext(ctx, `UPDATE applications SET holder_dept_id = (SELECT c.dept_id FROM application_chain c
		WHERE c.application_id = applications.id
		  AND c.level = CASE applications.status WHEN 'recommended' THEN 1 WHEN 'dept_review' THEN $1 ELSE -1 END)
		WHERE id = $2`, s.ChainLevel, s.ApplicationID); err != nil {
		return fmt.Errorf("set the department holding application %d: %w", s.ApplicationID, err)
	}
	return nil
}

// SetApplicationChain replaces the chain snapshot of an application (at recommendation).
func (q *Q) SetApplicationChain(ctx context.Context, appID int64, chain []int64) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM application_chain WHERE application_id = $1`, appID); err != nil {
		return fmt.Errorf("clear chain of application %d: %w", appID, err)
	}
	for i, d := range chain {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO application_chain (application_id, level, dept_id) VALUES ($1, $2, $3)`, appID, i+1, d); err != nil {
			return fmt.Errorf("set chain of application %d: %w", appID, err)
		}
	}
	return nil
}

// Objection is one objection to a unit publicity (R-FLOW-01).
type Objection struct {
	ID            int64
	ApplicationID int64
	Text          string
	Contact       string // optional, as the objector gave it; shown to the unit only
	FiledBy       int64  // 0: the public
	Filed         time.Time
	Resolved      time.Time // zero while open
	Resolution    string
	ResolvedBy    int64
	ResolverName  string
}

// Open reports whether the objection still waits for its resolution.
func (o Objection) Open() bool { return o.Resolved.IsZero() }

// AddObjection records an objection and returns its id.
func (q *Q) AddObjection(ctx context.Context, o Objection) (int64, error) {
	var id int64
	err := q.q.QueryRowContext(ctx, `INSERT INTO objections (application_id, text, contact, filed_by, filed_at_ms) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		o.ApplicationID, o.Text, o.Contact, nullID(o.FiledBy), ms(q.now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record objection to application %d: %w", o.ApplicationID, err)
	}
	return id, nil
}

// ResolveObjection records the resolution of an open objection of the application.
func (q *Q) ResolveObjection(ctx context.Context, appID, id int64, resolution string, by int64) error {
	res, err := q.q.ExecContext(ctx, `UPDATE objections SET resolved_at_ms = $1, resolution = $2, resolved_by = $3
		WHERE id = $4 AND application_id = $5 AND resolved_at_ms = 0`, ms(q.now), resolution, by, id, appID)
	if err != nil {
		return fmt.Errorf("resolve objection %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("open objection %d of application %d: %w", id, appID, model.ErrNotFound)
	}
	return nil
}

// Objections lists an application's objections, oldest first.
func (q *Q) Objections(ctx context.Context, appID int64) ([]Objection, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT o.id, o.application_id, o.text, o.contact, COALESCE(o.filed_by, 0), o.filed_at_ms,
		o.resolved_at_ms, o.resolution, COALESCE(o.resolved_by, 0), COALESCE(u.name, '')
		FROM objections o LEFT JOIN users u ON u.id = o.resolved_by WHERE o.application_id = $1 ORDER BY o.id`, appID)
	if err != nil {
		return nil, fmt.Errorf("list objections of application %d: %w", appID, err)
	}
	defer rows.Close()
	var out []Objection
	for rows.Next() {
		var o Objection
		var filed, resolved int64
		if err := rows.Scan(&o.ID, &o.ApplicationID, &o.Text, &o.Contact, &o.FiledBy, &filed, &resolved, &o.Resolution, &o.ResolvedBy, &o.ResolverName); err != nil {
			return nil, fmt.Errorf("scan objection: %w", err)
		}
		o.Filed, o.Resolved = fromMS(filed), fromMS(resolved)
		out = append(out, o)
	}
	return out, rows.Err()
}

// OpenObjections counts the objections of an application not yet resolved.
func (q *Q) OpenObjections(ctx context.Context, appID int64) (int, error) {
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM objections WHERE application_id = $1 AND resolved_at_ms = 0`, appID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count objections of application %d: %w", appID, err)
	}
	return n, nil
}

// ReviewItem is one entry of a return list or an originals request: where (a module, an
// upload slot or a form field) and what (R-FLOW-03).
type ReviewItem struct {
	Module int    `json:"module"`
	Slot   string `json:"slot,omitempty"`
	Field  string `json:"field,omitempty"`
	Text   string `json:"text"`
}

// Return is one return for modification with its consolidated list (R-FLOW-03, R-APP-08).
type Return struct {
	ID            int64
	ApplicationID int64
	SubmissionNo  int // the submitted version that was returned
	Stage         model.AppStatus
	Level         int
	OrgID         int64
	OrgName       string
	UserID        int64
	UserName      string
	At            time.Time
	Items         []ReviewItem
}

// AddReturn records a return and its items.
func (q *Q) AddReturn(ctx context.Context, r Return) (int64, error) {
	var id int64
	err := q.q.QueryRowContext(ctx, `INSERT INTO review_returns (application_id, submission_no, stage_status, stage_level, org_id, user_id, at_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, r.ApplicationID, r.SubmissionNo, string(r.Stage), r.Level, r.OrgID, r.UserID, ms(q.now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record return of application %d: %w", r.ApplicationID, err)
	}
	for i, it := range r.Items {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO review_return_items (return_id, position, module, slot, field, text) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, i+1, it.Module, it.Slot, it.Field, it.Text); err != nil {
			return 0, fmt.Errorf("record return item %d: %w", i+1, err)
		}
	}
	return id, nil
}

// Returns lists the returns of an application with their items, oldest first.
func (q *Q) Returns(ctx context.Context, appID int64) ([]Return, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT r.id, r.application_id, r.submission_no, r.stage_status, r.stage_level, r.org_id, o.name,
		r.user_id, u.name, r.at_ms FROM review_returns r JOIN orgs o ON o.id = r.org_id JOIN users u ON u.id = r.user_id
		WHERE r.application_id = $1 ORDER BY r.id`, appID)
	if err != nil {
		return nil, fmt.Errorf("list returns of application %d: %w", appID, err)
	}
	defer rows.Close()
	var out []Return
	index := map[int64]int{}
	for rows.Next() {
		var r Return
		var stage string
		var at int64
		if err := rows.Scan(&r.ID, &r.ApplicationID, &r.SubmissionNo, &stage, &r.Level, &r.OrgID, &r.OrgName, &r.UserID, &r.UserName, &at); err != nil {
			return nil, fmt.Errorf("scan return: %w", err)
		}
		r.Stage, r.At = model.AppStatus(stage), fromMS(at)
		index[r.ID] = len(out)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	items, err := q.q.QueryContext(ctx, `SELECT i.return_id, i.module, i.slot, i.field, i.text FROM review_return_items i
		JOIN review_returns r ON r.id = i.return_id WHERE r.application_id = $1 ORDER BY i.return_id, i.position`, appID)
	if err != nil {
		return nil, fmt.Errorf("list return items of application %d: %w", appID, err)
	}
	defer items.Close()
	for items.Next() {
		var rid int64
		var it ReviewItem
		if err := items.Scan(&rid, &it.Module, &it.Slot, &it.Field, &it.Text); err != nil {
			return nil, fmt.Errorf("scan return item: %w", err)
		}
		if i, ok := index[rid]; ok {
			out[i].Items = append(out[i].Items, it)
		}
	}
	return out, items.Err()
}

// OriginalsCheck is a request to see the originals of some materials and its result
// (查验原件, R-FLOW-05).
type OriginalsCheck struct {
	ID            int64
	ApplicationID int64
	Stage         model.AppStatus
	Level         int
	OrgID         int64
	OrgName       string
	RequestedBy   int64
	RequesterName string
	Requested     time.Time
	Items         []ReviewItem
	Result        string
	RecordedBy    int64
	RecorderName  string
	Recorded      time.Time // zero while pending
}

// AddOriginalsRequest records a request for originals.
func (q *Q) AddOriginalsRequest(ctx context.Context, c OriginalsCheck) (int64, error) {
	items, err := json.Marshal(c.Items)
	if err != nil {
		return 0, fmt.Errorf("encode originals items: %w", err)
	}
	var id int64
	err = q.q.QueryRowContext(ctx, `INSERT INTO originals_checks (application_id, stage_status, stage_level, org_id, requested_by, requested_at_ms, items)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, c.ApplicationID, string(c.Stage), c.Level, c.OrgID, c.RequestedBy, ms(q.now), string(items)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record originals request of application %d: %w", c.ApplicationID, err)
	}
	return id, nil
}

// RecordOriginals records the result of the application's pending originals check and
// returns its id.
func (q *Q) RecordOriginals(ctx context.Context, appID int64, result string, by int64) (int64, error) {
	var id int64
	err := q.q.QueryRowContext(ctx, `SELECT id FROM originals_checks WHERE application_id = $1 AND recorded_at_ms = 0 ORDER BY id DESC LIMIT 1`, appID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("pending originals check of application %d: %w", appID, model.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("find originals check of application %d: %w", appID, err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE originals_checks SET result = $1, recorded_by = $2, recorded_at_ms = $3 WHERE id = $4`, result, by, ms(q.now), id); err != nil {
		return 0, fmt.Errorf("record originals result: %w", err)
	}
	return id, nil
}

// OriginalsChecks lists an application's originals checks, oldest first.
func (q *Q) OriginalsChecks(ctx context.Context, appID int64) ([]OriginalsCheck, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT c.id, c.application_id, c.stage_status, c.stage_level, c.org_id, o.name, c.requested_by, u.name,
		c.requested_at_ms, c.items, c.result, COALESCE(c.recorded_by, 0), COALESCE(v.name, ''), c.recorded_at_ms
		FROM originals_checks c JOIN orgs o ON o.id = c.org_id JOIN users u ON u.id = c.requested_by LEFT JOIN users v ON v.id = c.recorded_by
		WHERE c.application_id = $1 ORDER BY c.id`, appID)
	if err != nil {
		return nil, fmt.Errorf("list originals checks of application %d: %w", appID, err)
	}
	defer rows.Close()
	var out []OriginalsCheck
	for rows.Next() {
		var c OriginalsCheck
		var stage, items string
		var req, rec int64
		if err := rows.Scan(&c.ID, &c.ApplicationID, &stage, &c.Level, &c.OrgID, &c.OrgName, &c.RequestedBy, &c.RequesterName,
			&req, &items, &c.Result, &c.RecordedBy, &c.RecorderName, &rec); err != nil {
			return nil, fmt.Errorf("scan originals check: %w", err)
		}
		if err := json.Unmarshal([]byte(items), &c.Items); err != nil {
			return nil, fmt.Errorf("decode originals items: %w", err)
		}
		c.Stage, c.Requested, c.Recorded = model.AppStatus(stage), fromMS(req), fromMS(rec)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Fraud decisions.
const (
	FraudConfirmed = "confirmed"
	FraudDismissed = "dismissed"
)

// FraudCase is a proposed cancellation for fraud and the office's decision (R-FLOW-11).
type FraudCase struct {
	ID              int64
	ApplicationID   int64
	Stage           model.AppStatus
	Level           int
	ProposedBy      int64
	ProposerName    string
	ProposedOrg     int64
	ProposedOrgName string
	Proposed        time.Time
	Facts           string
	Decision        string // "" pending, FraudConfirmed, FraudDismissed
	DecidedBy       int64
	Decided         time.Time
	DecisionReason  string
	RecommendingOrg int64 // the unit that recommended the application, on confirmation
	BlacklistID     int64
}

// AddFraudProposal records a proposal.
func (q *Q) AddFraudProposal(ctx context.Context, c FraudCase) (int64, error) {
	var id int64
	err := q.q.QueryRowContext(ctx, `INSERT INTO fraud_cases (application_id, stage_status, stage_level, proposed_by, proposed_org, proposed_at_ms, facts)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, c.ApplicationID, string(c.Stage), c.Level, c.ProposedBy, c.ProposedOrg, ms(q.now), c.Facts).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record fraud proposal on application %d: %w", c.ApplicationID, err)
	}
	return id, nil
}

// DecideFraud records the office's decision on the application's pending proposal and
// returns the proposal.
func (q *Q) DecideFraud(ctx context.Context, appID int64, decision, reason string, by, recommendingOrg, blacklistID int64) (FraudCase, error) {
	cases, err := q.FraudCases(ctx, appID)
	if err != nil {
		return FraudCase{}, err
	}
	for i := len(cases) - 1; i >= 0; i-- {
		c := cases[i]
		if c.Decision != "" {
			continue
		}
		if _, err := q.q.ExecContext(ctx, `UPDATE fraud_cases SET decision = $1, decision_reason = $2, decided_by = $3, decided_at_ms = $4,
			recommending_org = $5, blacklist_id = $6 WHERE id = $7`, decision, reason, by, ms(q.now), nullID(recommendingOrg), nullID(blacklistID), c.ID); err != nil {
			return c, fmt.Errorf("record fraud decision: %w", err)
		}
		c.Decision, c.DecisionReason, c.DecidedBy, c.Decided, c.RecommendingOrg, c.BlacklistID = decision, reason, by, q.now, recommendingOrg, blacklistID
		return c, nil
	}
	return FraudCase{}, fmt.Errorf("pending fraud proposal on application %d: %w", appID, model.ErrNotFound)
}

// FraudCases lists an application's fraud proposals, oldest first.
func (q *Q) FraudCases(ctx context.Context, appID int64) ([]FraudCase, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT f.id, f.application_id, f.stage_status, f.stage_level, f.proposed_by, u.name, f.proposed_org, o.name,
		f.proposed_at_ms, f.facts, f.decision, COALESCE(f.decided_by, 0), f.decided_at_ms, f.decision_reason,
		COALESCE(f.recommending_org, 0), COALESCE(f.blacklist_id, 0)
		FROM fraud_cases f JOIN users u ON u.id = f.proposed_by JOIN orgs o ON o.id = f.proposed_org
		WHERE f.application_id = $1 ORDER BY f.id`, appID)
	if err != nil {
		return nil, fmt.Errorf("list fraud cases of application %d: %w", appID, err)
	}
	defer rows.Close()
	var out []FraudCase
	for rows.Next() {
		var c FraudCase
		var stage string
		var proposed, decided int64
		if err := rows.Scan(&c.ID, &c.ApplicationID, &stage, &c.Level, &c.ProposedBy, &c.ProposerName, &c.ProposedOrg, &c.ProposedOrgName,
			&proposed, &c.Facts, &c.Decision, &c.DecidedBy, &decided, &c.DecisionReason, &c.RecommendingOrg, &c.BlacklistID); err != nil {
			return nil, fmt.Errorf("scan fraud case: %w", err)
		}
		c.Stage, c.Proposed, c.Decided = model.AppStatus(stage), fromMS(proposed), fromMS(decided)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Evidence access kinds (R-SEC-01).
const (
	AccessView     = "view"
	AccessDownload = "download"
)

// EvidenceAccess is one view or download of an applicant's evidence by a reviewer.
type EvidenceAccess struct {
	ID            int64
	ApplicationID int64
	EvidenceID    int64
	EvidenceName  string
	Slot          string
	UserID        int64
	UserName      string
	OrgID         int64
	OrgName       string
	At            time.Time
	Kind          string
}

// LogEvidenceAccess appends an access row.
func (q *Q) LogEvidenceAccess(ctx context.Context, e EvidenceAccess) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO evidence_access (application_id, evidence_id, user_id, org_id, at_ms, kind) VALUES ($1, $2, $3, $4, $5, $6)`,
		e.ApplicationID, e.EvidenceID, e.UserID, e.OrgID, ms(q.now), e.Kind)
	if err != nil {
		return fmt.Errorf("log access to evidence %d: %w", e.EvidenceID, err)
	}
	return nil
}

// EvidenceAccessOf lists who looked at an application's evidence, newest first.
func (q *Q) EvidenceAccessOf(ctx context.Context, appID int64) ([]EvidenceAccess, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT x.id, x.application_id, x.evidence_id, e.name, e.slot, x.user_id, u.name, x.org_id, o.name, x.at_ms, x.kind
		FROM evidence_access x JOIN evidence e ON e.id = x.evidence_id JOIN users u ON u.id = x.user_id JOIN orgs o ON o.id = x.org_id
		WHERE x.application_id = $1 ORDER BY x.at_ms DESC, x.id DESC`, appID)
	if err != nil {
		return nil, fmt.Errorf("list evidence access of application %d: %w", appID, err)
	}
	defer rows.Close()
	var out []EvidenceAccess
	for rows.Next() {
		var e EvidenceAccess
		var at int64
		if err := rows.Scan(&e.ID, &e.ApplicationID, &e.EvidenceID, &e.EvidenceName, &e.Slot, &e.UserID, &e.UserName, &e.OrgID, &e.OrgName, &at, &e.Kind); err != nil {
			return nil, fmt.Errorf("scan evidence access: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
