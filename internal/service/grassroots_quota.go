package service

import (
	"context"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
)

// GrassrootsQuota is a unit's grassroots-valid senior posts in one plan (R-ELG-09, seed 003
// 五(三)): 基层有效高级岗位, normal and exceptional alike, take at most Pct % of the unit's
// professional posts. The office registers the posts (机构管理); the count of this year's
// recommendations is the system's.
type GrassrootsQuota struct {
	ProfessionalPosts int     // 专业技术岗位总量 as registered; 0: not registered
	Held              int     // 基层有效高级岗位 held before this year's recommendations, as registered
	Recommended       int     // the plan's grassroots senior applications the unit recommended that have not ended
	Pct               float64 // the plan's cap, in percent
	Max               int     // the posts the cap allows
}

// Registered reports whether the office has registered the unit's posts.
func (g GrassrootsQuota) Registered() bool { return g.ProfessionalPosts > 0 }

// Used is the posts taken: those held, and this year's recommendations still under way.
func (g GrassrootsQuota) Used() int { return g.Held + g.Recommended }

// posts is the quota as the workflow's guard reads it; nil when not registered, which the
// guard refuses naming what to register.
func (g GrassrootsQuota) posts() *rules.UnitPosts {
	if !g.Registered() {
		return nil
	}
	return &rules.UnitPosts{ProfessionalPosts: g.ProfessionalPosts, SeniorGrassrootsPosts: g.Used()}
}

// bound reports whether the unit's grassroots senior quota binds app: grassroots-scope
// applications at a senior level only (a 全省有效 one, exceptional or not, is outside it).
func bound(plan model.Plan, app model.Application) bool {
	level, _ := plan.Level(app.Form.Basics.LevelCode)
	return app.Form.Basics.Scope == model.ScopeGrassroots && level.Senior()
}

// grassrootsQuota counts org's grassroots senior posts in plan, from the posts the office
// registered and the applications in the store.
func grassrootsQuota(ctx context.Context, q *store.Q, org model.Org, plan model.Plan) (GrassrootsQuota, error) {
	g := GrassrootsQuota{ProfessionalPosts: org.ProfessionalPosts, Held: org.GrassrootsSeniorPosts, Pct: plan.Policy.GrassrootsSeniorQuotaPct}
	if g.Pct <= 0 {
		g.Pct = rules.GrassrootsSeniorCapPercent
	}
	g.Max = rules.GrassrootsSeniorMax(g.ProfessionalPosts, g.Pct)
	var senior []string
	for _, l := range plan.Levels {
		if l.Senior() {
			senior = append(senior, l.Code)
		}
	}
	stages, err := q.UnitAppStages(ctx, org.ID, plan.ID, model.ScopeGrassroots, senior)
	if err != nil {
		return g, err
	}
	for _, s := range stages {
		if holdsPost(s) {
			g.Recommended++
		}
	}
	return g, nil
}

// holdsPost reports whether an application takes one of its unit's posts: the unit has
// recommended it and it has not ended. A department's return keeps the post, since the
// resubmission goes back to the department without a new recommendation; the unit's recall
// or return frees it, since the application has to be recommended again.
func holdsPost(s store.AppStage) bool {
	st := s.Status
	if st == model.StatusReturned {
		st = s.ReturnedFrom
	}
	switch st {
	case "", model.StatusDraft, model.StatusSubmitted, model.StatusUnitPublicity, model.StatusReturned:
		return false
	}
	return !rules.IsEnd(st)
}
