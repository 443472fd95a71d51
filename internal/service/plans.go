package service

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/presets"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
)

// Plans owns the year's plans and their windows (SPEC §2, R-CAL-01, R-CAL-02).
type Plans struct {
	d Deps
	// list is the last list read, with the stamp it was read at. Almost every page shows the
	// plans, which change a few times a year; decoding every plan's definition for every
	// request was a sixth of an applicant's home page (BENCHMARKS.md §1). The stamp is read in
	// the same transaction each time, so a change by any instance is seen at once.
	mu    sync.Mutex
	stamp store.PlansStamp
	list  []model.Plan
}

// List returns every plan; plans are public (R-PUB-01: policy and procedure are open).
func (s *Plans) List(ctx context.Context) ([]model.Plan, error) {
	var ps []model.Plan
	err := s.d.DB.View(ctx, func(q *store.Q) error {
		st, err := q.PlansStamp(ctx)
		if err != nil {
			return err
		}
		s.mu.Lock()
		if s.list != nil && s.stamp == st {
			ps = clonePlans(s.list)
		}
		s.mu.Unlock()
		if ps != nil {
			return nil
		}
		if ps, err = q.Plans(ctx); err != nil {
			return err
		}
		s.mu.Lock()
		s.stamp, s.list = st, clonePlans(ps)
		s.mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	return ps, nil
}

// clonePlans copies a list of plans, so that the kept list never shares its slices with a
// caller. An empty list is a non-nil empty slice (nil means "not read" above).
func clonePlans(ps []model.Plan) []model.Plan {
	out := make([]model.Plan, len(ps))
	for i, p := range ps {
		out[i] = p.Clone()
	}
	return out
}

// Get returns one plan.
func (s *Plans) Get(ctx context.Context, id int64) (model.Plan, error) {
	var p model.Plan
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) { p, err = q.Plan(ctx, id); return err })
	return p, err
}

// Presets lists the shipped plan templates.
func (s *Plans) Presets() []presets.Preset { return presets.All() }

// checkCommittee makes sure the plan names a committee.
func checkCommittee(ctx context.Context, q *store.Q, p model.Plan) model.Errors {
	if p.CommitteeID == 0 {
		return nil // ValidatePlan reports it
	}
	o, err := q.Org(ctx, p.CommitteeID)
	if err != nil || o.Kind != model.OrgCommittee {
		return model.Errors{model.Invalid("committee_id", "所选机构不是评审委员会", "请从列表中选择评审委员会")}
	}
	return nil
}

func normalisePlan(p *model.Plan) {
	p.Series, p.Name = strings.TrimSpace(p.Series), strings.TrimSpace(p.Name)
	for i := range p.Windows {
		p.Windows[i].Start, p.Windows[i].End = p.Windows[i].Start.UTC().Truncate(time.Millisecond), p.Windows[i].End.UTC().Truncate(time.Millisecond)
	}
}

// Create adds a plan. A plan may be created with windows in the past (the presets of
// earlier years are records of what happened), but never edited into one later.
func (s *Plans) Create(ctx context.Context, a model.Actor, p model.Plan) (int64, error) {
	if err := require(a, authz.ManagePlans); err != nil {
		return 0, err
	}
	normalisePlan(&p)
	var id int64
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		errs := append(rules.ValidatePlan(p), checkCommittee(ctx, q, p)...)
		if len(errs) > 0 {
			return errs
		}
		var err error
		if id, err = q.CreatePlan(ctx, p); err != nil {
			return err
		}
		e := event(a, "plan.create", "plan", id)
		e.Detail = detail(planSummary(p))
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("create plan %q: %w", p.Name, err)
	}
	return id, nil
}

// CreateFromPreset creates the plan of a shipped preset for a committee.
func (s *Plans) CreateFromPreset(ctx context.Context, a model.Actor, key string, committeeID int64) (int64, error) {
	pr, ok := presets.ByKey(key)
	if !ok {
		return 0, model.Invalid("preset", "未知的预置计划", "请从列表中选择")
	}
	p := pr.Plan
	p.CommitteeID = committeeID
	return s.Create(ctx, a, p)
}

// Copy creates next year's plan from an existing one: same definition, every window moved
// by whole years to the new year. The office then adjusts the dates in the form.
func (s *Plans) Copy(ctx context.Context, a model.Actor, id int64, year int) (int64, error) {
	if err := require(a, authz.ManagePlans); err != nil {
		return 0, err
	}
	src, err := s.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	if year < 2000 || year > 2100 {
		return 0, model.Invalid("year", fmt.Sprintf("年度 %d 无效", year), "请填写四位年份")
	}
	dy := year - src.Year
	p := src
	p.ID, p.Year, p.Version, p.ResetAt = 0, year, 0, time.Time{}
	p.Name = strings.Replace(src.Name, fmt.Sprint(src.Year), fmt.Sprint(year), 1)
	if p.Name == src.Name {
		p.Name = fmt.Sprintf("%d年度%s", year, src.Series+"专业职称申报评审")
	}
	p.Windows = nil
	for _, w := range src.Windows {
		// Shift the Shanghai civil dates, so that "00:00" stays midnight.
		st, en := w.Start.In(rules.Shanghai()), w.End.In(rules.Shanghai())
		p.Windows = append(p.Windows, model.PlanWindow{Kind: w.Kind, Start: st.AddDate(dy, 0, 0), End: en.AddDate(dy, 0, 0)})
	}
	return s.Create(ctx, a, p)
}

// Update replaces a plan's definition and windows. A closed window is never changed and
// nothing is moved into the past (R-CAL-02); every refused window is named.
func (s *Plans) Update(ctx context.Context, a model.Actor, p model.Plan) error {
	if err := require(a, authz.ManagePlans); err != nil {
		return err
	}
	normalisePlan(&p)
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		old, err := q.Plan(ctx, p.ID)
		if err != nil {
			return err
		}
		if old.Version != p.Version {
			return fmt.Errorf("plan %d: %w", p.ID, model.ErrConflict)
		}
		errs := append(rules.ValidatePlan(p), checkCommittee(ctx, q, p)...)
		errs = append(errs, rules.CheckPlanEdit(old, p, s.d.Now())...)
		if len(errs) > 0 {
			return errs
		}
		if err := q.UpdatePlan(ctx, p); err != nil {
			return err
		}
		e := event(a, "plan.update", "plan", p.ID)
		e.Detail = detail(map[string]any{"from": planSummary(old), "to": planSummary(p)})
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return fmt.Errorf("update plan %d: %w", p.ID, err)
	}
	return nil
}

// planSummary is what the audit log keeps of a plan: enough to see what changed.
func planSummary(p model.Plan) map[string]any {
	ws := map[string]string{}
	for _, w := range p.Windows {
		ws[string(w.Kind)] = rules.PlanWindow(w).String()
	}
	var levels []string
	for _, l := range p.Levels {
		levels = append(levels, l.Name)
	}
	return map[string]any{"year": p.Year, "series": p.Series, "name": p.Name, "committee_id": p.CommitteeID,
		"levels": levels, "specialties": p.Specialties, "scopes": p.Scopes, "app_types": p.AppTypes, "windows": ws, "policy": p.Policy}
}

// CheckWindow says whether now is inside window k of the plan; outside, the error names
// the window and when it closed or opens (R-CAL-02). Later use cases call it first.
func (s *Plans) CheckWindow(p model.Plan, k model.WindowKind, now time.Time) error {
	w, ok := p.Window(k)
	if !ok {
		return &model.Error{Kind: model.KindClosed, Rule: "R-CAL-01", Message: "评审计划“" + p.Name + "”未设置" + k.Label() + "时间", Fix: "请联系职改办"}
	}
	return rules.PlanWindow(w).Check(now)
}

// CommitteeNames maps committee ids to names; public, as the notices name the committee of
// each plan (R-PUB-01).
func (s *Plans) CommitteeNames(ctx context.Context) (map[int64]string, error) {
	var orgs []model.Org
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) { orgs, err = q.Orgs(ctx); return err })
	if err != nil {
		return nil, fmt.Errorf("list committees: %w", err)
	}
	names := map[int64]string{}
	for _, o := range orgs {
		if o.Kind == model.OrgCommittee {
			names[o.ID] = o.Name
		}
	}
	return names, nil
}

// Now is the services' clock, for pages that show where a window stands.
func (s *Plans) Now() time.Time { return s.d.Now() }
