package service

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/pii"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
)

// Blacklist owns the list of people barred from applying (R-ELG-04, R-FLOW-11).
type Blacklist struct{ d Deps }

// BlacklistInput is a new entry as the office types it.
type BlacklistInput struct {
	IDNumber string
	Name     string
	Reason   string
	Source   string // the decision, e.g. 甘职改办〔2024〕12号
	PlanID   int64  // the plan whose term applies, if any
	OrgID    int64  // the recommending unit, for fraud
	Start    time.Time
	Years    int // 0: the plan's blacklist term
}

// Add puts a person on the blacklist from Start for the term.
func (s *Blacklist) Add(ctx context.Context, a model.Actor, in BlacklistInput) (int64, error) {
	if err := require(a, authz.ManagePlans); err != nil {
		return 0, err
	}
	var errs model.Errors
	id, err := rules.ParseIDNumber(in.IDNumber, s.d.Now().In(rules.Shanghai()))
	if err != nil {
		if e, ok := model.AsError(err); ok {
			errs = append(errs, e)
		}
	}
	in.Name, in.Reason, in.Source = strings.TrimSpace(in.Name), strings.TrimSpace(in.Reason), strings.TrimSpace(in.Source)
	if n := utf8.RuneCountInString(in.Name); n < 2 || n > 30 {
		errs = append(errs, model.Invalid("name", "请填写姓名", "与身份证一致"))
	}
	if utf8.RuneCountInString(in.Reason) < 4 {
		errs = append(errs, model.Invalid("reason", "请写明列入黑名单的原因", "如“申报材料弄虚作假（伪造论文）”，至少 4 个字"))
	}
	if utf8.RuneCountInString(in.Source) < 2 {
		errs = append(errs, model.Invalid("source", "请填写处理决定文号", "如“甘职改办〔2024〕12号”"))
	}
	if in.Start.IsZero() {
		in.Start = s.d.Now()
	}
	var entryID int64
	err = s.d.DB.Update(ctx, func(q *store.Q) error {
		if in.Years == 0 && in.PlanID != 0 {
			p, err := q.Plan(ctx, in.PlanID)
			if err != nil {
				return err
			}
			in.Years = p.Policy.BlacklistYears
		}
		if in.Years < 1 || in.Years > 10 {
			errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-ELG-04", Field: "years", Message: "请填写黑名单期限（年）", Fix: "1–10 年；选择评审计划则按计划设置（3 年，政工系列 5 年）"})
		}
		if len(errs) > 0 {
			return errs
		}
		in.IDNumber = id.Number
		var err error
		entryID, err = addBlacklist(ctx, q, s.d, a, in)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("add blacklist entry: %w", err)
	}
	return entryID, nil
}

// addBlacklist writes a validated entry and its audit record inside the caller's
// transaction (fraud cancellation will call it too).
func addBlacklist(ctx context.Context, q *store.Q, d Deps, a model.Actor, in BlacklistInput) (int64, error) {
	enc, err := d.Keys.Encrypt(in.IDNumber, ctxBlacklistID)
	if err != nil {
		return 0, fmt.Errorf("encrypt id number: %w", err)
	}
	// The term's last day is the same date N years on (rules.BlacklistEnd, inclusive); the
	// stored instant is the end of that day.
	start := in.Start.In(rules.Shanghai())
	last := rules.BlacklistEnd(time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC), in.Years)
	until := rules.DayEnd(last.Year(), last.Month(), last.Day())
	id, err := q.AddBlacklist(ctx, store.BlacklistEntry{
		IDNumberIndex: d.Keys.BlindIndex(ctxIDNumber, in.IDNumber), IDNumberEnc: enc, IDNumberMasked: pii.MaskIDNumber(in.IDNumber),
		Name: in.Name, Reason: in.Reason, Source: in.Source, PlanID: in.PlanID, OrgID: in.OrgID,
		Start: in.Start, Until: until, CreatedBy: a.UserID,
	})
	if err != nil {
		return 0, err
	}
	e := event(a, "blacklist.add", "blacklist", id)
	e.Reason = in.Reason
	e.Detail = detail(map[string]any{"name": in.Name, "id_number": pii.MaskIDNumber(in.IDNumber), "source": in.Source,
		"plan_id": in.PlanID, "org_id": in.OrgID, "until": last.Format("2006-01-02")})
	_, err = q.Audit(ctx, e)
	return id, err
}

// ctxBlacklistID is the encryption context of blacklist ID numbers; the blind index shares
// the users' context so that one look-up finds a person in both tables.
const ctxBlacklistID = "blacklist.id_number"

// Lift ends an entry early, with the reason (e.g. the decision was overturned).
func (s *Blacklist) Lift(ctx context.Context, a model.Actor, id int64, reason string) error {
	if err := require(a, authz.ManagePlans); err != nil {
		return err
	}
	if utf8.RuneCountInString(strings.TrimSpace(reason)) < 4 {
		return model.Invalid("reason", "请写明解除原因", "如“经复核，原处理决定撤销”，至少 4 个字")
	}
	return s.d.DB.Update(ctx, func(q *store.Q) error {
		if err := q.LiftBlacklist(ctx, id, strings.TrimSpace(reason)); err != nil {
			return err
		}
		e := event(a, "blacklist.lift", "blacklist", id)
		e.Reason = strings.TrimSpace(reason)
		_, err := q.Audit(ctx, e)
		return err
	})
}

// List returns every entry (ID numbers masked) for the office.
func (s *Blacklist) List(ctx context.Context, a model.Actor) ([]store.BlacklistEntry, error) {
	if err := require(a, authz.ManagePlans); err != nil {
		return nil, err
	}
	var out []store.BlacklistEntry
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) { out, err = q.Blacklist(ctx); return err })
	return out, err
}

// inForce returns the refusal for a person on the blacklist at now, or nil (R-ELG-04): it
// names the end date, which is what the person needs to know.
func inForce(ctx context.Context, q *store.Q, d Deps, idNumber string, now time.Time) error {
	entries, err := q.BlacklistFor(ctx, d.Keys.BlindIndex(ctxIDNumber, idNumber))
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Lifted.IsZero() && now.Before(e.Until) {
			return &model.Error{Kind: model.KindForbidden, Rule: "R-ELG-04", Field: "id_number",
				Message: fmt.Sprintf("您已被列入职称申报失信黑名单（%s），期限至 %s", e.Source, lastDay(e.Until)),
				Fix:     "黑名单期满后方可注册和申报；如有异议请联系职改办"}
		}
	}
	return nil
}

// lastDay is the date of the last day of a term whose end instant is exclusive.
func lastDay(until time.Time) string {
	return until.Add(-time.Millisecond).In(rules.Shanghai()).Format("2006-01-02")
}
