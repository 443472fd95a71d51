package service_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// The grassroots senior quota (R-ELG-09, seed 003 五(三)): at recommendation the unit's
// 基层有效高级岗位 — those the office registered as held, plus the unit's recommendations of
// the plan still under way — may not exceed 10 % of its registered professional posts.

// setPosts registers an organisation's posts as the office does.
func (f *reviewFixture) setPosts(t *testing.T, org int64, total, held int) {
	t.Helper()
	ctx, sys := context.Background(), model.SystemActor("t")
	o, err := f.svc.Orgs.Get(ctx, sys, org)
	if err != nil {
		t.Fatal(err)
	}
	o.ProfessionalPosts, o.GrassrootsSeniorPosts = total, held
	if err := f.svc.Orgs.Update(ctx, sys, o); err != nil {
		t.Fatalf("register posts: %v", err)
	}
}

// publicized submits an application of org with the example form changed by edit (a
// deputy-senior level, so senior), starts its publicity on 2024-09-27 by unit, which uploads
// its reports, and moves the clock to 10-12 09:00, when even a grassroots publicity (7
// working days) has ended.
func (f *reviewFixture) publicized(t *testing.T, org int64, unit model.Actor, username string, edit func(*model.Form)) int64 {
	t.Helper()
	_, id := f.submittedWith(t, org, username, edit)
	f.now = sh(2024, 9, 27, 9, 30)
	ok(t, model.StatusUnitPublicity)(f.svc.Review.StartPublicity(context.Background(), unit, id, f.version(t, id)))
	f.unitReports(t, unit, id)
	f.now = sh(2024, 10, 12, 9, 0)
	return id
}

func grassroots(form *model.Form) { form.Basics.Scope = model.ScopeGrassroots }

// unitPostsAudited is the unit_posts the recommendation's audit entry recorded.
func (f *reviewFixture) unitPostsAudited(t *testing.T, id int64) rules.UnitPosts {
	t.Helper()
	for _, e := range f.audits(t, id) {
		if e.Action != "application.recommend" {
			continue
		}
		var d struct {
			UnitPosts rules.UnitPosts `json:"unit_posts"`
		}
		if err := json.Unmarshal([]byte(e.Detail), &d); err != nil {
			t.Fatal(err)
		}
		return d.UnitPosts
	}
	t.Fatal("no recommend entry in the audit log")
	return rules.UnitPosts{}
}

// refusalText is every message and fix of a refusal, to check what it says.
func refusalText(err error) string {
	var list []*model.Error
	var es model.Errors
	if errors.As(err, &es) {
		list = es
	} else if e, ok := model.AsError(err); ok {
		list = []*model.Error{e}
	}
	var b strings.Builder
	for _, e := range list {
		b.WriteString(e.Message + "；" + e.Fix + "\n")
	}
	return b.String()
}

// R-ELG-09: 30 posts and 2 held allow 3; the first grassroots senior recommendation takes the
// third, the next one of the same unit in the same plan is refused saying the posts used,
// the limit and what would satisfy it. The server counts: nobody supplies the numbers.
// Another unit's quota is its own.
func TestR_ELG_09_quotaFromRegisteredPosts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		f.setPosts(t, f.fixture.unitA, 30, 2)
		f.setPosts(t, f.fixture.unitB, 10, 0)
		id1 := f.publicized(t, f.fixture.unitA, f.unitA, "app1", grassroots)
		id2 := f.publicized(t, f.fixture.unitA, f.unitA, "app2", grassroots)
		idB := f.publicized(t, f.fixture.unitB, f.unitB, "appb", grassroots)

		v, err := f.svc.Review.View(ctx, f.unitA, id1)
		if err != nil {
			t.Fatal(err)
		}
		if q := v.Quota; q == nil || q.ProfessionalPosts != 30 || q.Held != 2 || q.Recommended != 0 || q.Max != 3 || q.Pct != 10 {
			t.Fatalf("quota before recommending: %+v", v.Quota)
		}

		ok(t, model.StatusRecommended)(f.svc.Review.Recommend(ctx, f.unitA, id1, f.version(t, id1)))
		if got := f.unitPostsAudited(t, id1); got != (rules.UnitPosts{ProfessionalPosts: 30, SeniorGrassrootsPosts: 2}) {
			t.Errorf("audited unit_posts %+v, want 30 posts, 2 used before this one", got)
		}

		_, err = f.svc.Review.Recommend(ctx, f.unitA, id2, f.version(t, id2))
		refused(t, err, "", "R-ELG-09")
		for _, want := range []string{"已用 3 个", "上限 3 个", "专业技术岗位总量 30 个的 10%", "须再空出 1 个岗位"} {
			if !strings.Contains(refusalText(err), want) {
				t.Errorf("refusal does not say %q: %s", want, refusalText(err))
			}
		}
		if f.status(t, id2) != model.StatusUnitPublicity {
			t.Fatalf("refused recommendation moved the application to %s", f.status(t, id2))
		}

		// The page shows the same numbers, and the recommend button disabled with the reason.
		v, err = f.svc.Review.View(ctx, f.unitA, id2)
		if err != nil {
			t.Fatal(err)
		}
		if q := v.Quota; q == nil || q.Used() != 3 || q.Recommended != 1 || q.Max != 3 {
			t.Fatalf("quota after one recommendation: %+v", v.Quota)
		}
		for _, o := range v.Options {
			if o.Action == rules.ActRecommend && !hasRuleAny(o.Err, "R-ELG-09") {
				t.Errorf("recommend offered without the quota's reason: %v", o.Err)
			}
		}

		// Unit B's 10 posts allow 1, unaffected by unit A's.
		ok(t, model.StatusRecommended)(f.svc.Review.Recommend(ctx, f.unitB, idB, f.version(t, idB)))
	})
}

// R-ELG-09: a unit whose posts the office has not registered cannot recommend a grassroots
// senior application; the refusal names what to register, and the page says who registers it.
func TestR_ELG_09_unregisteredUnitRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		id := f.publicized(t, f.fixture.unitA, f.unitA, "app1", grassroots)
		_, err := f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id))
		refused(t, err, model.KindInvalid, "R-ELG-09")
		if !strings.Contains(refusalText(err), "专业技术岗位总量") {
			t.Errorf("refusal does not name what to register: %s", refusalText(err))
		}
		v, err := f.svc.Review.View(ctx, f.unitA, id)
		if err != nil {
			t.Fatal(err)
		}
		if v.Quota == nil || v.Quota.Registered() {
			t.Fatalf("quota of an unregistered unit: %+v", v.Quota)
		}
	})
}

// R-ELG-09: only grassroots-scope senior applications are bound. With the quota full, an
// exceptional (破格) application for a 全省有效 title is recommended all the same (seed 003
// "破格申报全省有效职称的,可不受本单位岗位结构比例限制"), as is an ordinary 全省有效 one; an
// exceptional grassroots one is bound. None of them counts while it is not recommended.
func TestR_ELG_09_provinceExceptionalNotBound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		f.setPosts(t, f.fixture.unitA, 10, 1) // 10 % of 10 is 1: full
		exceptional := func(form *model.Form) {
			form.Basics.AppType, form.Basics.ExceptionalBasis = model.AppExceptional, "评价条件标准第十二条：主持完成省级重点培训项目并获评优秀"
		}
		province := f.publicized(t, f.fixture.unitA, f.unitA, "app1", exceptional)
		normal := f.publicized(t, f.fixture.unitA, f.unitA, "app2", nil)
		bound := f.publicized(t, f.fixture.unitA, f.unitA, "app3", func(form *model.Form) { exceptional(form); grassroots(form) })

		ok(t, model.StatusRecommended)(f.svc.Review.Recommend(ctx, f.unitA, province, f.version(t, province)))
		ok(t, model.StatusRecommended)(f.svc.Review.Recommend(ctx, f.unitA, normal, f.version(t, normal)))
		if v, _ := f.svc.Review.View(ctx, f.unitA, province); v.Quota != nil {
			t.Errorf("a 全省有效 application shows the grassroots quota: %+v", v.Quota)
		}
		_, err := f.svc.Review.Recommend(ctx, f.unitA, bound, f.version(t, bound))
		refused(t, err, "", "R-ELG-09")
		if !strings.Contains(refusalText(err), "已用 1 个") {
			t.Errorf("the 全省有效 recommendations were counted: %s", refusalText(err))
		}
	})
}

// R-ELG-09: a recommendation that ended (recalled, then not recommended) frees its post;
// one a department returned keeps it, since it goes back to the department without being
// recommended again.
func TestR_ELG_09_endedNoLongerCounted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		f.setPosts(t, f.fixture.unitA, 20, 1) // 2 allowed: one left for this year
		id1 := f.publicized(t, f.fixture.unitA, f.unitA, "app1", grassroots)
		id2 := f.publicized(t, f.fixture.unitA, f.unitA, "app2", grassroots)
		id3 := f.publicized(t, f.fixture.unitA, f.unitA, "app3", grassroots)

		ok(t, model.StatusRecommended)(f.svc.Review.Recommend(ctx, f.unitA, id1, f.version(t, id1)))
		_, err := f.svc.Review.Recommend(ctx, f.unitA, id2, f.version(t, id2))
		refused(t, err, "", "R-ELG-09")

		ok(t, model.StatusUnitPublicity)(f.svc.Review.UnitRecall(ctx, f.unitA, id1, f.version(t, id1), "公示期间收到新的情况反映"))
		ok(t, model.StatusNotRecommended)(f.svc.Review.NotRecommend(ctx, f.unitA, id1, f.version(t, id1), "经核查不符合推荐条件"))
		ok(t, model.StatusRecommended)(f.svc.Review.Recommend(ctx, f.unitA, id2, f.version(t, id2)))
		if got := f.unitPostsAudited(t, id2); got.SeniorGrassrootsPosts != 1 {
			t.Errorf("the ended application was counted: %+v", got)
		}

		ok(t, model.StatusDeptReview)(f.svc.Review.DeptAccept(ctx, f.city, id2, f.version(t, id2)))
		ok(t, model.StatusReturned)(f.svc.Review.DeptReturn(ctx, f.city, id2, f.version(t, id2), anItem))
		_, err = f.svc.Review.Recommend(ctx, f.unitA, id3, f.version(t, id3))
		refused(t, err, "", "R-ELG-09")
	})
}

// R-ELG-09: the office registers posts only for units and agencies, never negative, and
// never more held than the total; every refusal names the rule and the field.
func TestR_ELG_09_orgPostsValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx, sys := context.Background(), model.SystemActor("t")
		unit, err := f.svc.Orgs.Get(ctx, sys, f.unitA)
		if err != nil {
			t.Fatal(err)
		}
		city, err := f.svc.Orgs.Get(ctx, sys, f.city)
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name        string
			city        bool // the city bureau instead of the unit
			total, held int
			field       string // "" when accepted
		}{
			{"held above total", false, 20, 21, "grassroots_senior_posts"},
			{"held without total", false, 0, 1, "grassroots_senior_posts"},
			{"negative total", false, -1, 0, "professional_posts"},
			{"negative held", false, 20, -1, "grassroots_senior_posts"},
			{"not a unit", true, 20, 0, "professional_posts"},
			{"all held", false, 20, 20, ""},
			{"registered", false, 30, 2, ""},
		}
		for _, tt := range tests {
			o := unit
			if tt.city {
				o = city
			}
			o.ProfessionalPosts, o.GrassrootsSeniorPosts = tt.total, tt.held
			err := f.svc.Orgs.Update(ctx, sys, o)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("%s: %v", tt.name, err)
				}
				got, _ := f.svc.Orgs.Get(ctx, sys, o.ID)
				if got.ProfessionalPosts != tt.total || got.GrassrootsSeniorPosts != tt.held {
					t.Fatalf("%s: stored %d/%d", tt.name, got.GrassrootsSeniorPosts, got.ProfessionalPosts)
				}
				unit = got // the next update carries the new version
				continue
			}
			if !hasRule(err, "R-ELG-09", tt.field) {
				t.Errorf("%s: %v, want R-ELG-09 on %s", tt.name, err, tt.field)
			}
		}
		// A new unit may be created with its posts.
		id, err := f.svc.Orgs.Create(ctx, sys, model.Org{ParentID: f.city, Kind: model.OrgUnit, UnitType: model.UnitSocialOrg, Code: "UC", Name: "丙单位",
			ReviewChain: []int64{f.city}, ProfessionalPosts: 12, GrassrootsSeniorPosts: 1})
		if err != nil {
			t.Fatal(err)
		}
		if o, _ := f.svc.Orgs.Get(ctx, sys, id); o.ProfessionalPosts != 12 || o.GrassrootsSeniorPosts != 1 {
			t.Errorf("created with posts %d/%d", o.GrassrootsSeniorPosts, o.ProfessionalPosts)
		}
	})
}
