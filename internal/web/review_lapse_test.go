package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"zhicheng/internal/demo"
	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// R-CAL-02 on the pages, on the demo province loaded forty days ago (so its review window
// has since closed, by the real clock the sessions need): the unit's reviewer sees the
// review deadline beside the actions; after it the sweep lapses applicant2's application,
// the applicant reads the status, why and that the system did it, and the audit log names
// the system as the actor.
func TestR_CAL_02_lapsePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app, clock := newPlanAPIApp(t, db)
		ctx := context.Background()
		if _, err := app.svc.Calendar.SeedIfEmpty(ctx); err != nil {
			t.Fatal(err)
		}
		back := -40 * 24 * time.Hour
		clock.set(back)
		if _, err := demo.Load(ctx, db, app.svc, time.Now().Add(back)); err != nil {
			t.Fatalf("load demo: %v", err)
		}
		ra := &reviewApp{testApp: app}
		var a model.Application
		var plan model.Plan
		err := db.View(ctx, func(q *store.Q) error {
			c, err := q.CredentialsByLogin(ctx, "applicant2", "")
			if err != nil {
				return err
			}
			apps, err := q.ApplicationsOf(ctx, c.UserID)
			if err != nil || len(apps) != 1 {
				return fmt.Errorf("applicant2's applications: %d %v", len(apps), err)
			}
			a = apps[0]
			plan, err = q.Plan(ctx, a.PlanID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		w, _ := plan.Window(model.WindowUnitReview)
		deadline := rules.FormatEnd(w.End)

		unit := ra.demoLogin("energy_handler")
		res := unit.get(fmt.Sprintf("/review/applications/%d", a.ID))
		if got := strings.TrimSpace(doc(t, res).Find("#actions #review-deadline").Text()); !strings.Contains(got, "审核截止："+deadline) || !strings.Contains(got, "逾期未完成审核的申报将终止") {
			t.Fatalf("deadline beside the actions: %q", got)
		}

		clock.set(0)
		if n, err := app.svc.Review.LapseOverdue(ctx); n != 1 || err != nil {
			t.Fatalf("sweep: %d %v", n, err)
		}
		res = unit.get(fmt.Sprintf("/review/applications/%d", a.ID))
		d := doc(t, res)
		if d.Find("#review-deadline").Length() != 0 || d.Find("#review-status").Text() != "逾期未完成审核" {
			t.Errorf("reviewer's page after the lapse: status %q, deadline shown %v", d.Find("#review-status").Text(), d.Find("#review-deadline").Length() != 0)
		}

		applicant := ra.demoLogin("applicant2")
		d = doc(t, applicant.get(fmt.Sprintf("/applications/%d", a.ID)))
		if got := d.Find("#app-status").Text(); got != "逾期未完成审核" {
			t.Errorf("applicant's status %q", got)
		}
		if got := d.Find("#readonly-note").Text(); !strings.Contains(got, "已按规定终止") || !strings.Contains(got, "联系所在单位或职改办") {
			t.Errorf("applicant's explanation %q", got)
		}
		if got := d.Find("#history").Text(); !strings.Contains(got, "逾期终止（系统）") || !strings.Contains(got, deadline) {
			t.Errorf("applicant's history does not say who ended it and why:\n%s", got)
		}

		office := ra.demoLogin("office_admin")
		row := doc(t, office.get("/audit")).Find("#audit-table tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
			return strings.Contains(s.Text(), "application.lapse")
		})
		if row.Length() != 1 || strings.TrimSpace(row.Find("td").Eq(2).Text()) != "系统" {
			t.Fatalf("audit row of the lapse: %d rows, actor %q", row.Length(), row.Find("td").Eq(2).Text())
		}
	})
}
