package web

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"zhicheng/internal/model"
	"zhicheng/internal/report"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// readXLSX checks an export response and returns its sheet's rows.
func readXLSX(t *testing.T, res *http.Response) [][]string {
	t.Helper()
	body := bodyOf(res)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != report.ContentType {
		t.Fatalf("export: status %d type %q\n%.500s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatalf("export is not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != strings.Join(report.ReviewHeaders, ",") {
		t.Fatalf("header row = %q", rows)
	}
	return rows
}

func xlsxHas(rows [][]string, name string) bool {
	for _, r := range rows[1:] {
		if len(r) > 1 && r[1] == name {
			return true
		}
	}
	return false
}

// R-REP-01: a unit exports its inbox with the list's scope, and never an ID number or a phone.
func TestR_REP_01_reviewExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ra := newReviewApp(t, db)
		unit := ra.demoLogin("energy_handler")
		if href, ok := doc(t, unit.get("/review/unit?status=submitted")).Find("#review-export").Attr("href"); !ok || !strings.HasPrefix(href, "/review/unit/export.xlsx?") || !strings.Contains(href, "status=submitted") {
			t.Errorf("export link = %q", href)
		}
		rows := readXLSX(t, unit.get("/review/unit/export.xlsx"))
		if !xlsxHas(rows, "彭宇航") {
			t.Fatalf("applicant2's application not in the export: %q", rows)
		}
		for _, r := range rows {
			for _, c := range r {
				if m := regexp.MustCompile(`\d{17}[\dXx]|1\d{10}`).FindString(c); m != "" {
					t.Errorf("export shows %q (an ID number or a phone)", m)
				}
			}
		}
		if rows := readXLSX(t, unit.get("/review/unit/export.xlsx?status=unit_publicity")); xlsxHas(rows, "彭宇航") {
			t.Error("the status filter is not applied to the export")
		}
		if rows := readXLSX(t, ra.demoLogin("school_handler").get("/review/unit/export.xlsx")); xlsxHas(rows, "彭宇航") {
			t.Error("another unit's export contains applicant2's application")
		}
		if res := ra.demoLogin("applicant2").get("/review/unit/export.xlsx"); res.StatusCode != http.StatusForbidden {
			t.Errorf("applicant export: status %d", res.StatusCode)
		}
	})
}

// Batch pass on the department's list: each application on its own; a stale version is
// refused with the conflict and does not stop the others.
func TestReviewBatch_deptPassWithStaleVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app, clock, planID, plan := reviewAPIApp(t, db)
		applicant := app.caller(app.users["applicant@unit"])
		unit := app.caller(app.users["handler@unit"])
		city := app.caller(app.users["handler@city"])
		id := applicant.submittedApp(planID, plan.Year).ID
		v := unit.view(id)
		unit.done(id, "start_publicity", map[string]any{"version": v.Version}, "unit_publicity")
		unit.unitReports(id)
		v = unit.view(id)
		clock.freeze(apiInstant(t, *v.PublicityEnd))
		unit.done(id, "recommend", map[string]any{"version": v.Version}, "recommended")
		acc := city.done(id, "dept_accept", map[string]any{"version": city.view(id).Version}, "dept_review")
		clock.freeze(time.Now()) // the browser's session lives in real time

		web := app.client().login(app.users["handler@city"])
		d := doc(t, web.get("/review/dept"))
		if d.Find("#review-batch #pick-"+itoa(id)).Length() != 1 || d.Find("#btn-batch-pass").Length() != 1 {
			t.Fatalf("no batch form on the department's list:\n%s", bodyOf(web.get("/review/dept")))
		}
		// The unit filter offers the units whose chain passes through the city, and narrows
		// the list and its export.
		units := map[string]string{}
		d.Find("#f-unit option").Each(func(_ int, o *goquery.Selection) { units[o.Text()], _ = o.Attr("value") })
		unitID, agencyID := units["测试"+model.OrgUnit.Label()], units["测试"+model.OrgAgency.Label()]
		if len(units) != 3 || unitID == "" || agencyID == "" {
			t.Fatalf("unit filter options = %v", units)
		}
		byUnit := doc(t, web.get("/review/dept?unit="+unitID))
		if byUnit.Find("#app-"+itoa(id)).Length() != 1 {
			t.Error("the unit filter hides the unit's application")
		}
		if href, _ := byUnit.Find("#review-export").Attr("href"); !strings.Contains(href, "unit="+unitID) {
			t.Errorf("export link %q does not carry the unit filter", href)
		}
		if doc(t, web.get("/review/dept?unit="+agencyID)).Find("#app-"+itoa(id)).Length() != 0 {
			t.Error("the agency's filter shows the unit's application")
		}
		// The same application twice with the version seen: the first passes, the second is
		// stale by then.
		ver := itoa(acc.Version)
		res := web.post("/review/dept/batch", url.Values{"ids[]": {itoa(id), itoa(id)}, "versions[]": {ver, ver}})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/review/dept") {
			t.Fatalf("batch: status %d location %q\n%s", res.StatusCode, res.Header.Get("Location"), bodyOf(res))
		}
		flash := doc(t, web.get(res.Header.Get("Location"))).Find("#flash").Text()
		if !strings.Contains(flash, "1 件通过，1 件未通过") || !strings.Contains(flash, "申报 "+itoa(id)+"：已通过") ||
			!strings.Contains(flash, "申报 "+itoa(id)+"：未通过——该申报已被他人处理") {
			t.Errorf("flash = %q", flash)
		}
		if st := city.view(id).Status; st != "prelim_review" {
			t.Errorf("status after the batch = %q", st)
		}
		// The unit's list has no batch form.
		if doc(t, app.client().login(app.users["handler@unit"]).get("/review/unit")).Find("#review-batch").Length() != 0 {
			t.Error("batch form on the unit's list")
		}
	})
}
