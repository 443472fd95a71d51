package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
)

// What the review deadline does (R-CAL-02): an application still with its unit or a
// department, or returned to its applicant, when the plan's unit_review window ends (or,
// with the departments, when the committee stops receiving materials) can never move again,
// since the window never reopens. The system ends it (lapsed) through the workflow table like
// every other step, so that the applicant and the reviewers see that it ended and why.

// sweeper is who lapses applications: the system, the only actor holding authz.Sweep. Its
// audit entries carry no user and no organisation, and read "系统".
var sweeper = model.SystemActor("系统")

// LapseOverdue lapses every application a closed window has overtaken and returns how many
// it lapsed. Each lapses in its own transaction, at the version the search found it at, with
// one audit entry (the window and its end in the reason) and a notification to the
// applicant. What a reviewer changed since the search, and what the table refuses now (a
// fraud proposal made meanwhile), is skipped: the next sweep looks again. So several
// instances may sweep at once; of two lapsing the same application one wins and the other
// skips it. Failures other than refusals do not stop the sweep; they are returned together.
func (s *Review) LapseOverdue(ctx context.Context) (n int, err error) {
	now := s.d.Now()
	apps, plans, err := s.overdue(ctx, now)
	if err != nil {
		return 0, fmt.Errorf("find overdue applications: %w", err)
	}
	var failed []error
	for _, o := range apps {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		w, ok := rules.Overdue(rules.Case{Status: o.Status, Now: now, Plan: plans[o.PlanID]})
		if !ok {
			continue // cannot happen: the search compared the same windows with the same instant
		}
		switch err := s.lapse(ctx, o, w); {
		case err == nil:
			n++
		case errors.Is(err, model.ErrConflict):
			// Changed since the search, by a reviewer or another instance's sweep.
			s.d.Log.Debug("overdue application changed meanwhile; the next sweep looks again", "application", o.ID)
		case model.KindOf(err) != "":
			s.d.Log.Warn("overdue application refused by the workflow", "application", o.ID, "err", err)
		default:
			failed = append(failed, err)
		}
	}
	if err := errors.Join(failed...); err != nil {
		return n, fmt.Errorf("lapse overdue applications: %w", err)
	}
	return n, nil
}

// overdue finds the applications to lapse, in id order and each once, with their plans.
func (s *Review) overdue(ctx context.Context, now time.Time) ([]store.OverdueApp, map[int64]model.Plan, error) {
	// One search per window: the same window ends the same states in every plan.
	byWindow := map[model.WindowKind][]model.AppStatus{}
	var kinds []model.WindowKind
	for _, l := range rules.Lapses() {
		for _, k := range l.Windows {
			if _, ok := byWindow[k]; !ok {
				kinds = append(kinds, k)
			}
			byWindow[k] = append(byWindow[k], l.From)
		}
	}
	var apps []store.OverdueApp
	plans := map[int64]model.Plan{}
	err := s.d.DB.View(ctx, func(q *store.Q) error {
		seen := map[int64]bool{}
		for _, k := range kinds {
			found, err := q.OverdueApplications(ctx, k, byWindow[k], now)
			if err != nil {
				return err
			}
			for _, o := range found {
				if seen[o.ID] {
					continue // overtaken by both windows
				}
				seen[o.ID] = true
				apps = append(apps, o)
				if _, ok := plans[o.PlanID]; !ok {
					if plans[o.PlanID], err = q.Plan(ctx, o.PlanID); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	slices.SortFunc(apps, func(a, b store.OverdueApp) int { return cmp.Compare(a.ID, b.ID) })
	return apps, plans, nil
}

// lapse ends one application overtaken by window w, if it is still at the version found.
func (s *Review) lapse(ctx context.Context, o store.OverdueApp, w model.PlanWindow) error {
	_, err := s.do(ctx, sweeper, o.ID, step{action: rules.ActLapse, v: o.Version, reason: rules.LapseReason(w),
		record: func(ctx context.Context, q *store.Q, rc *reviewCase, tr rules.Transition, d map[string]any) error {
			d["window"], d["deadline"] = w.Kind, rules.FormatEnd(w.End)
			if l := rc.c.Stage().Level; l > 0 {
				d["from_level"] = l
			}
			return nil
		}})
	return err
}
