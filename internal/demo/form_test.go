package demo

import (
	"testing"
	"time"

	"zhicheng/internal/model"
	"zhicheng/internal/presets"
	"zhicheng/internal/rules"
)

// The example application passes the whole pre-submit check of the demo's open plan, once
// every slot the applicant fills has a file (the unit's reports come later, from the unit): if
// a rule changes, the demo's complete application must change too.
func TestExampleFormPassesPreSubmit(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	plan := presets.OpenToday(now)
	f := ExampleForm(plan.Year)
	level, ok := plan.Level(f.Basics.LevelCode)
	if !ok {
		t.Fatalf("level %q not in the plan", f.Basics.LevelCode)
	}
	filled := map[string]int{}
	for _, s := range f.Slots(plan) {
		if !s.ByUnit {
			filled[s.Key] = 1
		}
	}
	profile := rules.Profile{Birth: time.Date(1991, 10, 22, 0, 0, 0, 0, time.UTC), Male: true, ApplyingOrgKind: model.OrgUnit, UnitType: model.UnitStateEnterprise}
	if es := rules.PreSubmit(f, plan, level, profile, filled, now); len(es) > 0 {
		for _, e := range es {
			t.Errorf("[%s] %s: %s（%s）", e.Rule, e.Field, e.Message, e.Fix)
		}
	}
}
