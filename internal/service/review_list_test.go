package service_test

import (
	"context"
	"testing"

	"zhicheng/internal/model"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// R-FLOW-06: the department list holds exactly the applications whose turn it is at that
// department — it follows the application through return, resubmission and pass — and the
// department's and office's lists narrow by applying unit and level (SPEC §5 item 9).
func TestR_FLOW_06_deptListFollowsTheHolder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		ids := func(a model.Actor, list func(context.Context, model.Actor, service.ReviewFilter) (service.ReviewPage, error), flt service.ReviewFilter) []int64 {
			t.Helper()
			page, err := list(ctx, a, flt)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, r := range page.Rows {
				out = append(out, r.ID)
			}
			return out
		}
		dept := func(flt service.ReviewFilter) []int64 { return ids(f.city, f.svc.Review.DeptList, flt) }
		office := func(flt service.ReviewFilter) []int64 { return ids(f.officer, f.svc.Review.OfficeList, flt) }
		one := func(got []int64, want int64) bool { return len(got) == 1 && got[0] == want }

		a, id := f.atDept(t, "app1")
		f.inPublicity(t, "app2") // in the unit: never in the department's list
		if got := dept(service.ReviewFilter{}); !one(got, id) {
			t.Fatalf("department list at level 1: %v, want [%d]", got, id)
		}
		for _, tc := range []struct {
			flt  service.ReviewFilter
			want bool
		}{
			{service.ReviewFilter{OrgID: f.fixture.unitA}, true},
			{service.ReviewFilter{OrgID: f.fixture.unitB}, false},
			{service.ReviewFilter{LevelCode: "deputy_senior"}, true},
			{service.ReviewFilter{LevelCode: "senior"}, false},
			{service.ReviewFilter{AppType: model.AppNormal, Scope: model.ScopeProvince}, true},
			{service.ReviewFilter{Scope: model.ScopeGrassroots}, false},
		} {
			if got := dept(tc.flt); one(got, id) != tc.want {
				t.Errorf("filter %+v: %v, want listed=%v", tc.flt, got, tc.want)
			}
		}

		ok(t, model.StatusReturned)(f.svc.Review.DeptReturn(ctx, f.city, id, f.version(t, id), anItem))
		if got := dept(service.ReviewFilter{}); len(got) != 0 {
			t.Fatalf("returned application still in the department list: %v", got)
		}
		ok(t, model.StatusDeptReview)(f.svc.Review.Resubmit(ctx, a, id, f.version(t, id)))
		if got := dept(service.ReviewFilter{}); !one(got, id) {
			t.Fatalf("resubmitted application not back in the department list: %v", got)
		}
		ok(t, model.StatusPrelimReview)(f.svc.Review.DeptPass(ctx, f.city, id, f.version(t, id), ""))
		if got := dept(service.ReviewFilter{}); len(got) != 0 {
			t.Fatalf("passed application still in the department list: %v", got)
		}
		if got := office(service.ReviewFilter{OrgID: f.fixture.unitA}); !one(got, id) {
			t.Fatalf("office list by unit A: %v", got)
		}
		if got := office(service.ReviewFilter{OrgID: f.fixture.unitB}); len(got) != 0 {
			t.Fatalf("office list by unit B: %v", got)
		}
	})
}

// The unit filter's choices: a department sees the units whose chain passes through it, the
// office every unit, a unit none (its inbox is its own).
func TestR_FLOW_06_listUnitChoices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		names := func(a model.Actor) []string {
			t.Helper()
			units, err := f.svc.Review.ListUnits(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, u := range units {
				out = append(out, u.Name)
			}
			return out
		}
		if got := names(f.city); len(got) != 2 || got[0] != "甲单位" || got[1] != "乙单位" {
			t.Fatalf("city's units: %v", got)
		}
		if got := names(f.officer); len(got) < 2 {
			t.Fatalf("office's units: %v", got)
		}
		if got := names(f.unitA); got != nil {
			t.Fatalf("a unit gets unit choices: %v", got)
		}
	})
}
