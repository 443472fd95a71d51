package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"zhicheng/internal/authz"
	"zhicheng/internal/evidence"
	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

// Entrustments owns the entrustment letters of central units (R-ELG-05): a central unit in
// the province without its own review authority uploads a 委托函 for a plan; the office
// approves or refuses it; only then may its staff apply in that plan.
type Entrustments struct{ d Deps }

// Letter is an uploaded file, already bounded in size by the caller's reader.
type Letter struct {
	Name string
	Data []byte
}

// Submit uploads (or replaces a pending or refused) letter for the actor's unit.
func (s *Entrustments) Submit(ctx context.Context, a model.Actor, planID int64, l Letter, note string) (int64, error) {
	if err := require(a, authz.Entrust); err != nil {
		return 0, err
	}
	if _, err := evidence.Check(l.Data); err != nil {
		return 0, err
	}
	name := strings.TrimSpace(filepath.Base(strings.ReplaceAll(l.Name, "\\", "/")))
	if name == "" || name == "." || utf8.RuneCountInString(name) > 120 {
		name = "委托函"
	}
	ref, err := s.d.Blobs.Put(ctx, bytes.NewReader(l.Data), evidence.MaxSize)
	if err != nil {
		return 0, fmt.Errorf("store entrustment letter: %w", err)
	}
	var id int64
	err = s.d.DB.Update(ctx, func(q *store.Q) error {
		org, err := q.Org(ctx, a.OrgID)
		if err != nil {
			return err
		}
		if org.UnitType != model.UnitCentral {
			return &model.Error{Kind: model.KindForbidden, Rule: "R-ELG-05", Message: "只有本系列（专业）无评审权限的中央驻甘单位需要提交委托函",
				Fix: "本单位人员直接通过本单位申报即可"}
		}
		p, err := q.Plan(ctx, planID)
		if errors.Is(err, model.ErrNotFound) {
			return model.Invalid("plan_id", "请选择评审计划", "委托函针对某一年度的评审计划")
		} else if err != nil {
			return err
		}
		if w, ok := p.Window(model.WindowApply); ok && !q.Now().Before(w.End) {
			return &model.Error{Kind: model.KindClosed, Rule: "R-CAL-02", Message: "“" + p.Name + "”个人申报已截止，不再受理委托函", Fix: "请在下一年度计划开放后提交"}
		}
		if old, err := q.EntrustmentFor(ctx, a.OrgID, planID); err == nil && old.Status == store.EntrustApproved {
			return &model.Error{Kind: model.KindConflict, Rule: "R-ELG-05", Message: "本单位的委托函已获批准，无需重复提交"}
		}
		id, err = q.SubmitEntrustment(ctx, store.Entrustment{OrgID: a.OrgID, PlanID: planID, LetterSHA256: ref.SHA256, LetterName: name,
			LetterSize: ref.Size, Note: strings.TrimSpace(note), SubmittedBy: a.UserID})
		if err != nil {
			return err
		}
		e := event(a, "entrustment.submit", "entrustment", id)
		e.ToState = store.EntrustPending
		e.Detail = detail(map[string]any{"plan_id": planID, "letter": name, "sha256": ref.SHA256, "size": ref.Size})
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("submit entrustment: %w", err)
	}
	return id, nil
}

// Decide approves or refuses a pending letter (a refusal needs a reason).
func (s *Entrustments) Decide(ctx context.Context, a model.Actor, id, version int64, approve bool, reason string) error {
	if err := require(a, authz.ManagePlans); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	status := store.EntrustApproved
	if !approve {
		status = store.EntrustRefused
		if utf8.RuneCountInString(reason) < 4 {
			return model.Invalid("reason", "不予批准时请写明理由", "至少 4 个字，如“委托函未加盖单位公章”")
		}
	}
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		old, err := q.Entrustment(ctx, id)
		if err != nil {
			return err
		}
		if old.Status != store.EntrustPending {
			return &model.Error{Kind: model.KindConflict, Message: "该委托函已处理，请刷新后查看"}
		}
		if err := q.DecideEntrustment(ctx, id, version, status, a.UserID, reason); err != nil {
			return err
		}
		e := event(a, "entrustment.decide", "entrustment", id)
		e.FromState, e.ToState, e.Reason = store.EntrustPending, status, reason
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return fmt.Errorf("decide entrustment %d: %w", id, err)
	}
	return nil
}

// List returns all letters to the office, and the unit's own to a unit.
func (s *Entrustments) List(ctx context.Context, a model.Actor) ([]store.Entrustment, error) {
	org := int64(0)
	if !authz.Allowed(a, authz.ManagePlans) {
		if err := require(a, authz.Entrust); err != nil {
			return nil, err
		}
		org = a.OrgID
	}
	var out []store.Entrustment
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) { out, err = q.Entrustments(ctx, org); return err })
	return out, err
}

// Letter opens a letter's file for the office or for the unit that sent it.
func (s *Entrustments) Letter(ctx context.Context, a model.Actor, id int64) (store.Entrustment, io.ReadCloser, error) {
	var e store.Entrustment
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) { e, err = q.Entrustment(ctx, id); return err })
	if err != nil {
		return e, nil, err
	}
	if !authz.Allowed(a, authz.ManagePlans) && !(authz.Allowed(a, authz.Entrust) && a.OrgID == e.OrgID) {
		return e, nil, fmt.Errorf("entrustment %d: %w", id, model.ErrNotFound)
	}
	r, err := s.d.Blobs.Open(ctx, e.LetterSHA256)
	return e, r, err
}

// Approved reports whether a unit may apply in a plan through its entrustment (R-ELG-05).
func (s *Entrustments) Approved(ctx context.Context, orgID, planID int64) (bool, error) {
	var e store.Entrustment
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) { e, err = q.EntrustmentFor(ctx, orgID, planID); return err })
	if errors.Is(err, model.ErrNotFound) {
		return false, nil
	}
	return err == nil && e.Status == store.EntrustApproved, err
}
