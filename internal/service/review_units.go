package service

import (
	"context"
	"fmt"
	"slices"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

// ListUnits are the applying units a reviewer's list can be filtered by (SPEC §5 item 9,
// R-REP-01): for a department, the units whose review chain passes through it (R-FLOW-06);
// for the office, every unit and agency. A unit's own inbox has no unit filter: nil.
func (s *Review) ListUnits(ctx context.Context, a model.Actor) ([]model.Org, error) {
	office, dept := authz.Allowed(a, authz.OfficeWork), authz.Allowed(a, authz.ReviewDept)
	if !office && !dept {
		return nil, nil
	}
	var all []model.Org
	if err := s.d.DB.View(ctx, func(q *store.Q) (err error) { all, err = q.Orgs(ctx); return err }); err != nil {
		return nil, fmt.Errorf("list units for the review filter: %w", err)
	}
	var out []model.Org
	for _, o := range all {
		if o.Kind.Applies() && (office || slices.Contains(o.ReviewChain, a.OrgID)) {
			out = append(out, o)
		}
	}
	// In pinyin order, as a Chinese reader looks a name up in a long list.
	c := collate.New(language.Chinese)
	slices.SortStableFunc(out, func(x, y model.Org) int { return c.CompareString(x.Name, y.Name) })
	return out, nil
}
