package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zhicheng/internal/evidence"
	"zhicheng/internal/model"
	"zhicheng/internal/presets"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// The JSON API of issue #3: plans, the working-day calendar, the eligibility check, the
// blacklist, entrustment letters and the test-period reset, through the real server on every
// engine.

// planClock is real time moved by an offset, shared by the services and the store so that a
// test can act inside a past window (the test period) and come back.
type planClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *planClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *planClock) set(off time.Duration) {
	c.mu.Lock()
	c.off = off
	c.mu.Unlock()
}

// newPlanAPIApp is newTestApp with a blob store on disk (entrustment letters) and the clock.
func newPlanAPIApp(t *testing.T, db *store.DB) (*testApp, *planClock) {
	t.Helper()
	clock := &planClock{}
	return newTestAppClock(t, db, clock.Now), clock
}

type apiWindow struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	Start string `json:"start"`
	End   string `json:"end"`
	Text  string `json:"text"`
	State string `json:"state"`
}

type apiPlan struct {
	ID          int64            `json:"id"`
	CommitteeID int64            `json:"committee_id"`
	Year        int              `json:"year"`
	Series      string           `json:"series"`
	Name        string           `json:"name"`
	Levels      []map[string]any `json:"levels"`
	Specialties []string         `json:"specialties"`
	Scopes      []string         `json:"scopes"`
	AppTypes    []string         `json:"app_types"`
	Windows     []apiWindow      `json:"windows"`
	Policy      map[string]any   `json:"policy"`
	ResetAt     *string          `json:"reset_at"`
	Version     int64            `json:"version"`
}

func (p apiPlan) window(t *testing.T, kind string) apiWindow {
	t.Helper()
	i := slices.IndexFunc(p.Windows, func(w apiWindow) bool { return w.Kind == kind })
	if i < 0 {
		t.Fatalf("plan %d has no %s window: %+v", p.ID, kind, p.Windows)
	}
	return p.Windows[i]
}

// updateBody is the PUT body of p with the window ends replaced as given.
func (p apiPlan) updateBody(ends map[string]time.Time) map[string]any {
	var ws []map[string]any
	for _, w := range p.Windows {
		end := w.End
		if e, ok := ends[w.Kind]; ok {
			end = e.Format(time.RFC3339)
		}
		ws = append(ws, map[string]any{"kind": w.Kind, "start": w.Start, "end": end})
	}
	return map[string]any{"year": p.Year, "series": p.Series, "name": p.Name, "committee_id": p.CommitteeID,
		"levels": p.Levels, "specialties": p.Specialties, "scopes": p.Scopes, "app_types": p.AppTypes,
		"windows": ws, "policy": p.Policy, "version": p.Version}
}

func apiInstant(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("%q is not RFC 3339: %v", s, err)
	}
	return v
}

func planPathOf(id int64) string { return "/api/v1/plans/" + strconv.FormatInt(id, 10) }

// apiHasProblem reports whether the error lists a problem with the rule and field.
func apiHasProblem(e apiErrorBody, rule, field string) bool {
	for _, d := range e.Error.Details {
		if d.Rule == rule && (field == "" || d.Field == field) {
			return true
		}
	}
	return false
}

// day is 00:00 Shanghai of today + n days.
func apiDay(n int) time.Time { return rules.FromTime(time.Now()).AddDays(n).Time() }

// TestR_CAL_02_apiEditClosedWindowRefused: through PUT /api/v1/plans/{id}, a closed window
// cannot be extended (every refusal names R-CAL-02 and the window), the plan stays as it was,
// and an open window's end can still move later.
func TestR_CAL_02_apiEditClosedWindowRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		ctx := context.Background()
		p := presets.OpenToday(time.Now())
		p.CommitteeID = app.orgs[model.OrgCommittee]
		p.Name = "接口测试计划（R-CAL-02）"
		p.Windows = []model.PlanWindow{
			{Kind: model.WindowApply, Start: apiDay(-30), End: apiDay(-5)},           // closed
			{Kind: model.WindowUnitReview, Start: apiDay(-5), End: apiDay(10)},       // open
			{Kind: model.WindowCommitteeIntake, Start: apiDay(-30), End: apiDay(15)}, // open
		}
		id, err := app.svc.Plans.Create(ctx, model.SystemActor("t"), p) // past windows are allowed at creation
		if err != nil {
			t.Fatal(err)
		}
		path := planPathOf(id)

		// Plans are public; the window states are computed now.
		got := readJSON[apiPlan](t, app.client().get(path), http.StatusOK)
		for kind, state := range map[string]string{"apply": "closed", "unit_review": "open", "committee_intake": "open"} {
			if w := got.window(t, kind); w.State != state || w.Label == "" || !strings.Contains(w.Text, "至") {
				t.Errorf("window %s = %+v, want state %s", kind, w, state)
			}
		}
		if !apiInstant(t, got.window(t, "apply").End).Equal(apiDay(-5)) || got.Version != 1 || got.CommitteeID != p.CommitteeID {
			t.Fatalf("plan as read = %+v", got)
		}

		c := app.client().login(app.users["handler@office"])
		// Extending the closed application window is refused, with the rule and the window.
		e := readError(t, c.api("PUT", path, got.updateBody(map[string]time.Time{"apply": apiDay(-3)})), http.StatusUnprocessableEntity, "invalid")
		if !apiHasProblem(e, "R-CAL-02", "window_apply") {
			t.Errorf("closed window extended: details %+v, want R-CAL-02 on window_apply", e.Error.Details)
		}
		for _, d := range e.Error.Details {
			if d.Message == "" || d.Fix == "" {
				t.Errorf("detail without message or fix: %+v", d)
			}
		}
		after := readJSON[apiPlan](t, c.get(path), http.StatusOK)
		if !apiInstant(t, after.window(t, "apply").End).Equal(apiDay(-5)) || after.Version != got.Version {
			t.Fatalf("a refused edit changed the plan: %+v", after)
		}

		// An open window's end moves later.
		moved := readJSON[apiPlan](t, c.api("PUT", path, got.updateBody(map[string]time.Time{"unit_review": apiDay(12)})), http.StatusOK)
		if !apiInstant(t, moved.window(t, "unit_review").End).Equal(apiDay(12)) || moved.Version != got.Version+1 {
			t.Errorf("after moving the open window: %+v", moved)
		}
		if w := moved.window(t, "apply"); !apiInstant(t, w.End).Equal(apiDay(-5)) || w.State != "closed" {
			t.Errorf("the closed window changed: %+v", w)
		}
		// The version read before is stale now.
		readError(t, c.api("PUT", path, got.updateBody(map[string]time.Time{"unit_review": apiDay(13)})), http.StatusConflict, "conflict")

		// Bad instants are named with their window; someone outside the office may not edit.
		body := moved.updateBody(nil)
		body["windows"] = []map[string]any{{"kind": "apply", "start": "2024-09-11 00:00", "end": moved.window(t, "apply").End}}
		if e := readError(t, c.api("PUT", path, body), http.StatusUnprocessableEntity, "invalid"); !apiHasProblem(e, "R-CAL-01", "window_apply") {
			t.Errorf("bad instant: %+v", e.Error.Details)
		}
		readError(t, app.client().login(app.users["handler@unit"]).api("PUT", path, moved.updateBody(nil)), http.StatusForbidden, "forbidden")
		readError(t, app.client().api("PUT", path, moved.updateBody(nil)), http.StatusUnauthorized, "unauthenticated")
	})
}

// TestAPI_planCreateCopyAndPresets: a plan from a full body, from a preset, and a copy to the
// next year, all listed publicly.
func TestAPI_planCreateCopyAndPresets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		c := app.client().login(app.users["leader@office"])
		committee := app.orgs[model.OrgCommittee]

		presetList := readJSON[struct {
			Presets []struct {
				Key    string  `json:"key"`
				Source string  `json:"source"`
				Plan   apiPlan `json:"plan"`
			} `json:"presets"`
		}](t, c.get("/api/v1/presets"), http.StatusOK)
		if len(presetList.Presets) != 2 || presetList.Presets[1].Key != "2024-hr-training" || presetList.Presets[1].Plan.Year != 2024 {
			t.Fatalf("presets = %+v", presetList.Presets)
		}
		// Seed 003: the applicant window is 09-11 00:00 to 10-20 24:00 Shanghai.
		apply := presetList.Presets[1].Plan.window(t, "apply")
		if !apiInstant(t, apply.Start).Equal(rules.DayStart(2024, 9, 11)) || !apiInstant(t, apply.End).Equal(rules.DayEnd(2024, 10, 20)) ||
			apply.Text != "个人申报 2024-09-11 00:00 至 2024-10-20 24:00" || apply.State != "closed" {
			t.Errorf("seed 003 apply window = %+v", apply)
		}
		readError(t, app.client().login(app.users["handler@unit"]).get("/api/v1/presets"), http.StatusForbidden, "forbidden")

		res := c.api("POST", "/api/v1/plans/from-preset", map[string]any{"preset": "2024-hr-training", "committee_id": committee})
		fromPreset := readJSON[apiCreated](t, res, http.StatusCreated).ID
		if res.Header.Get("Location") != planPathOf(fromPreset) {
			t.Errorf("Location = %q", res.Header.Get("Location"))
		}
		readError(t, c.api("POST", "/api/v1/plans/from-preset", map[string]any{"preset": "2024-hr-training", "committee_id": committee}), http.StatusConflict, "conflict")
		readError(t, c.api("POST", "/api/v1/plans/from-preset", map[string]any{"preset": "nope", "committee_id": committee}), http.StatusUnprocessableEntity, "invalid")

		copied := readJSON[apiCreated](t, c.api("POST", planPathOf(fromPreset)+"/copy", map[string]any{"year": 2025}), http.StatusCreated).ID
		cp := readJSON[apiPlan](t, app.client().get(planPathOf(copied)), http.StatusOK)
		if cp.Year != 2025 || !strings.HasPrefix(cp.Name, "2025") || !apiInstant(t, cp.window(t, "apply").End).Equal(rules.DayEnd(2025, 10, 20)) {
			t.Errorf("copy = %+v", cp)
		}

		// A full body; the policy defaults when left out. Every problem at once otherwise.
		body := map[string]any{
			"year": 2030, "series": "人力资源培训", "name": "2030年度接口测试计划", "committee_id": committee,
			"levels":      []map[string]any{{"code": "deputy_senior", "name": "副高级", "rank": 4, "min_total_years": 10, "min_years_in_current": 5}},
			"specialties": []string{"人力资源培训"}, "scopes": []string{"province"}, "app_types": []string{"normal"},
			"windows": []map[string]any{{"kind": "apply", "start": "2030-09-11T00:00:00+08:00", "end": "2030-10-21T00:00:00+08:00"}},
		}
		created := readJSON[apiCreated](t, c.api("POST", "/api/v1/plans", body), http.StatusCreated).ID
		p := readJSON[apiPlan](t, c.get(planPathOf(created)), http.StatusOK)
		if p.Policy["blacklist_years"] != float64(3) || p.window(t, "apply").State != "not_started" || p.ResetAt != nil {
			t.Errorf("created = %+v", p)
		}
		body["year"], body["levels"], body["windows"] = 1990, []map[string]any{}, []map[string]any{{"kind": "apply", "start": "2030-10-21T00:00:00+08:00", "end": "2030-09-11T00:00:00+08:00"}}
		e := readError(t, c.api("POST", "/api/v1/plans", body), http.StatusUnprocessableEntity, "invalid")
		if len(e.Error.Details) < 3 || !apiHasProblem(e, "", "year") || !apiHasProblem(e, "", "levels") || !apiHasProblem(e, "R-CAL-01", "window_apply") {
			t.Errorf("bad plan: %+v", e.Error.Details)
		}

		list := readJSON[struct {
			Plans []apiPlan `json:"plans"`
		}](t, app.client().get("/api/v1/plans"), http.StatusOK)
		if len(list.Plans) != 3 || list.Plans[0].Year != 2030 {
			t.Errorf("plans = %+v", list.Plans)
		}
		readError(t, app.client().get("/api/v1/plans/999999"), http.StatusNotFound, "not_found")
	})
}

// TestR_CAL_04_apiWorkdayCalculator: 5 working days from Friday 2024-09-27 skip the National
// Day holiday and count the adjusted Sunday, ending at 2024-10-10 00:00; a year the calendar
// does not cover is refused, never guessed; the office enters a year and every bad day is
// named.
func TestR_CAL_04_apiWorkdayCalculator(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		if _, err := app.svc.Calendar.SeedIfEmpty(context.Background()); err != nil {
			t.Fatal(err)
		}
		type period struct {
			Start       string   `json:"start"`
			N           int      `json:"n"`
			Days        []string `json:"days"`
			EndsAt      string   `json:"ends_at"`
			EndsAtLocal string   `json:"ends_at_local"`
		}
		anon := app.client()
		got := readJSON[period](t, anon.get("/api/v1/workdays?start=2024-09-27&n=5"), http.StatusOK)
		if want := []string{"2024-09-27", "2024-09-29", "2024-09-30", "2024-10-08", "2024-10-09"}; !slices.Equal(got.Days, want) {
			t.Errorf("days = %v, want %v", got.Days, want)
		}
		if !apiInstant(t, got.EndsAt).Equal(apiInstant(t, "2024-10-10T00:00:00+08:00")) || got.EndsAtLocal != "2024-10-10 00:00" || got.N != 5 || got.Start != "2024-09-27" {
			t.Errorf("period = %+v", got)
		}

		e := readError(t, anon.get("/api/v1/workdays?start=2031-03-03&n=5"), http.StatusUnprocessableEntity, "invalid")
		if !apiHasProblem(e, "R-CAL-04", "") || !strings.Contains(e.Error.Message, "2031") {
			t.Errorf("uncovered year: %+v", e.Error)
		}
		if e := readError(t, anon.get("/api/v1/workdays?start=2024-02-30&n=0"), http.StatusUnprocessableEntity, "invalid"); len(e.Error.Details) != 2 {
			t.Errorf("bad query: %+v", e.Error.Details)
		}

		type calendar struct {
			Years []int `json:"years"`
			Days  []struct {
				Date string `json:"date"`
				Kind string `json:"kind"`
				Name string `json:"name"`
			} `json:"days"`
		}
		cal := readJSON[calendar](t, anon.get("/api/v1/calendar"), http.StatusOK)
		kinds := map[string]string{}
		for _, d := range cal.Days {
			kinds[d.Date] = d.Kind + " " + d.Name
		}
		if !slices.Contains(cal.Years, 2024) || slices.Contains(cal.Years, 2031) || kinds["2024-10-01"] != "holiday 国庆节" || !strings.HasPrefix(kinds["2024-09-29"], "workday") {
			t.Errorf("calendar: years %v, 10-01 %q, 09-29 %q", cal.Years, kinds["2024-10-01"], kinds["2024-09-29"])
		}

		// The office enters 2031: every bad day at once, nothing stored.
		c := app.client().login(app.users["handler@office"])
		bad := []map[string]string{
			{"date": "2031-02-30", "kind": "holiday", "name": "春节"},   // no such date
			{"date": "2031-03-04", "kind": "workday", "name": ""},     // a Tuesday cannot be an adjusted workday
			{"date": "2030-05-01", "kind": "holiday", "name": "劳动节"},  // another year
			{"date": "2031-10-01", "kind": "holiday", "name": "国庆节"},  // fine…
			{"date": "2031-10-01", "kind": "workday", "name": "国庆节"},  // …but given twice
			{"date": "2031-10-02", "kind": "vacation", "name": "国庆节"}, // unknown kind
		}
		e = readError(t, c.api("PUT", "/api/v1/calendar/2031", map[string]any{"days": bad}), http.StatusUnprocessableEntity, "invalid")
		for _, field := range []string{"days[0]", "2031-03-04", "2030-05-01", "2031-10-01", "2031-10-02"} {
			if !apiHasProblem(e, "R-CAL-04", field) {
				t.Errorf("no R-CAL-04 problem for %s in %+v", field, e.Error.Details)
			}
		}
		if len(e.Error.Details) != 5 {
			t.Errorf("want 5 problems, got %+v", e.Error.Details)
		}
		readError(t, anon.get("/api/v1/workdays?start=2031-01-01&n=1"), http.StatusUnprocessableEntity, "invalid")

		good := []map[string]string{{"date": "2031-01-01", "kind": "holiday", "name": "元旦"}, {"date": "2031-03-08", "kind": "workday", "name": "测试调休"}}
		cal = readJSON[calendar](t, c.api("PUT", "/api/v1/calendar/2031", map[string]any{"days": good}), http.StatusOK)
		if !slices.Contains(cal.Years, 2031) {
			t.Errorf("2031 not covered after the edit: %v", cal.Years)
		}
		if got := readJSON[period](t, anon.get("/api/v1/workdays?start=2031-01-01&n=1"), http.StatusOK); !slices.Equal(got.Days, []string{"2031-01-02"}) {
			t.Errorf("after the edit: %+v", got)
		}
		readError(t, app.client().login(app.users["handler@unit"]).api("PUT", "/api/v1/calendar/2031", map[string]any{"days": good}), http.StatusForbidden, "forbidden")
		readError(t, anon.api("PUT", "/api/v1/calendar/2031", map[string]any{"days": good}), http.StatusUnauthorized, "unauthenticated")
	})
}

// eligibilityProfile is a deputy-senior applicant of seed 003's plan who meets every condition.
func eligibilityProfile() map[string]any {
	return map[string]any{
		"birth": "1980-05-01", "male": true,
		"applying_org_kind": "unit", "unit_type": "state_enterprise", "employment": "regular",
		"app_type": "normal", "scope": "province",
		"current_series": "人力资源培训", "current_level_rank": 3,
		"career_start": "2005-07-01", "current_title_obtained": "2015-06-01", "appointed": "2015-07-01",
		"continuing_education": map[string]int{"2019": 90, "2020": 90, "2021": 90, "2022": 90, "2023": 90},
		"achievements":         []map[string]string{{"title": "论企业培训体系建设", "date": "2023-05-01"}},
	}
}

type apiEligibility struct {
	Eligible bool   `json:"eligible"`
	PlanYear int    `json:"plan_year"`
	Today    string `json:"today"`
	Findings []struct {
		Rule    string `json:"rule"`
		Field   string `json:"field"`
		Message string `json:"message"`
		Fix     string `json:"fix"`
	} `json:"findings"`
}

// TestR_ELG_10_apiEligibilityAllFindings: a profile failing several rules gets one finding
// per failed rule at once, each with its rule, message and fix; a clean profile gets none.
func TestR_ELG_10_apiEligibilityAllFindings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		planID, err := app.svc.Plans.CreateFromPreset(context.Background(), model.SystemActor("t"), "2024-hr-training", app.orgs[model.OrgCommittee])
		if err != nil {
			t.Fatal(err)
		}
		c := app.client().login(app.users["applicant@unit"])

		failing := eligibilityProfile()
		failing["civil_servant"] = true                                                                                                            // R-ELG-01
		failing["blacklist"] = []map[string]string{{"until": "2027-10-20", "reason": "申报材料弄虚作假"}}                                                  // R-ELG-04
		failing["continuing_education"].(map[string]int)["2022"] = 60                                                                              // R-ELG-07
		failing["achievements"] = append(failing["achievements"].([]map[string]string), map[string]string{"title": "晚到的论文", "date": "2024-10-01"}) // R-CAL-05
		req := map[string]any{"plan_id": planID, "level": "deputy_senior", "profile": failing, "today": "2024-10-10"}
		got := readJSON[apiEligibility](t, c.api("POST", "/api/v1/eligibility", req), http.StatusOK)
		var ruleList []string
		for _, f := range got.Findings {
			ruleList = append(ruleList, f.Rule)
			if !han.MatchString(f.Message) || !han.MatchString(f.Fix) || f.Field == "" {
				t.Errorf("finding without a Chinese message, fix or field: %+v", f)
			}
		}
		if want := []string{"R-ELG-01", "R-ELG-04", "R-ELG-07", "R-CAL-05"}; got.Eligible || !slices.Equal(ruleList, want) {
			t.Fatalf("eligible=%v findings %v, want not eligible with %v: %+v", got.Eligible, ruleList, want, got.Findings)
		}
		if f := got.Findings[1]; !strings.Contains(f.Message, "2027-10-20") {
			t.Errorf("blacklist finding does not name the end: %+v", f)
		}
		if f := got.Findings[2]; f.Field != "continuing_education[2022]" || !strings.Contains(f.Message, "30 学时") {
			t.Errorf("CE finding: %+v", f)
		}
		if got.PlanYear != 2024 || got.Today != "2024-10-10" {
			t.Errorf("plan_year %d today %q", got.PlanYear, got.Today)
		}

		req["profile"] = eligibilityProfile()
		clean := readJSON[apiEligibility](t, c.api("POST", "/api/v1/eligibility", req), http.StatusOK)
		if !clean.Eligible || clean.Findings == nil || len(clean.Findings) != 0 {
			t.Errorf("clean profile: %+v", clean)
		}

		// A request that cannot be checked is a 422 naming each problem.
		if e := readError(t, c.api("POST", "/api/v1/eligibility", map[string]any{"plan_id": 999999, "level": "deputy_senior", "profile": eligibilityProfile()}),
			http.StatusUnprocessableEntity, "invalid"); !apiHasProblem(e, "", "plan_id") {
			t.Errorf("unknown plan: %+v", e.Error.Details)
		}
		bad := eligibilityProfile()
		bad["birth"], bad["scope"] = "1980-02-30", "nationwide"
		e := readError(t, c.api("POST", "/api/v1/eligibility", map[string]any{"plan_id": planID, "level": "boss", "profile": bad, "today": "yesterday"}),
			http.StatusUnprocessableEntity, "invalid")
		for _, field := range []string{"level", "today", "profile.birth", "profile.scope"} {
			if !apiHasProblem(e, "", field) {
				t.Errorf("no problem for %s: %+v", field, e.Error.Details)
			}
		}
		bad = eligibilityProfile()
		bad["civil_servent"] = true
		readError(t, c.api("POST", "/api/v1/eligibility", map[string]any{"plan_id": planID, "level": "deputy_senior", "profile": bad}), http.StatusUnprocessableEntity, "invalid")
		readError(t, app.client().api("POST", "/api/v1/eligibility", req), http.StatusUnauthorized, "unauthenticated")
	})
}

// TestR_ELG_04_blacklistBlocksRegistration: the office lists a person through the API; that
// ID number cannot register until the end date, which the refusal names; the list shows the
// number masked only; once lifted, the person can register.
func TestR_ELG_04_blacklistBlocksRegistration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		office := app.client().login(app.users["handler@office"])
		idNumber := validIDNumber(7)

		// Without a plan the term must be given.
		e := readError(t, office.api("POST", "/api/v1/blacklist", map[string]any{"id_number": idNumber, "name": "李四", "reason": "x", "source": ""}),
			http.StatusUnprocessableEntity, "invalid")
		if !apiHasProblem(e, "R-ELG-04", "years") || !apiHasProblem(e, "", "reason") || !apiHasProblem(e, "", "source") {
			t.Errorf("bad entry: %+v", e.Error.Details)
		}
		entry := map[string]any{"id_number": idNumber, "name": "李四", "reason": "申报材料弄虚作假（伪造论文）", "source": "甘职改办〔2024〕12号", "start": "2024-10-20", "years": 3}
		id := readJSON[apiCreated](t, office.api("POST", "/api/v1/blacklist", entry), http.StatusCreated).ID

		form := url.Values{"org_id": {itoa(app.orgs[model.OrgUnit])}, "username": {"li_si"}, "name": {"李四"}, "id_number": {idNumber},
			"phone": {"13912345678"}, "password": {"Abcdefg1!"}, "password2": {"Abcdefg1!"}}
		res := app.client().post("/register", form)
		errs := doc(t, res).Find("#errors").Text()
		if res.StatusCode != http.StatusForbidden || !strings.Contains(errs, "R-ELG-04") || !strings.Contains(errs, "2027-10-20") {
			t.Fatalf("blacklisted registration: status %d, errors %q", res.StatusCode, errs)
		}

		type entries struct {
			Entries []struct {
				ID             int64  `json:"id"`
				IDNumberMasked string `json:"id_number_masked"`
				UntilDate      string `json:"until_date"`
				InForce        bool   `json:"in_force"`
			} `json:"entries"`
		}
		res = office.get("/api/v1/blacklist")
		if body := bodyOf(res); strings.Contains(body, idNumber) || fullIDNumber.MatchString(body) {
			t.Errorf("the blacklist shows an ID number in clear: %s", body)
		}
		list := readJSON[entries](t, res, http.StatusOK)
		if len(list.Entries) != 1 || list.Entries[0].ID != id || !maskedIDNumber.MatchString(list.Entries[0].IDNumberMasked) ||
			list.Entries[0].UntilDate != "2027-10-20" || !list.Entries[0].InForce {
			t.Errorf("blacklist = %+v", list.Entries)
		}
		readError(t, app.client().login(app.users["handler@unit"]).get("/api/v1/blacklist"), http.StatusForbidden, "forbidden")

		// Lifted with a reason, the entry stops applying.
		lift := "/api/v1/blacklist/" + strconv.FormatInt(id, 10) + "/lift"
		readError(t, office.api("POST", lift, map[string]any{"reason": ""}), http.StatusUnprocessableEntity, "invalid")
		lifted := readJSON[struct {
			InForce  bool    `json:"in_force"`
			LiftedAt *string `json:"lifted_at"`
		}](t, office.api("POST", lift, map[string]any{"reason": "经复核，原处理决定撤销"}), http.StatusOK)
		if lifted.InForce || lifted.LiftedAt == nil {
			t.Errorf("after lifting: %+v", lifted)
		}
		readError(t, office.api("POST", lift, map[string]any{"reason": "经复核，原处理决定撤销"}), http.StatusNotFound, "not_found")
		if res := app.client().post("/register", form); res.StatusCode != http.StatusSeeOther {
			t.Errorf("registration after lifting: %d %s", res.StatusCode, doc(t, res).Find("#errors").Text())
		}
	})
}

// Test files: a minimal PDF the content check accepts, a PNG named .pdf, and an oversize PDF.
var (
	apiLetterPDF = []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\nstartxref\n9\n%%EOF\n")
	apiLetterPNG = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 64)...)
)

func apiOversizePDF(size int) []byte {
	tail := []byte("\nstartxref\n9\n%%EOF\n")
	b := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), size-9-len(tail))...)
	return append(b, tail...)
}

// upload posts a multipart form with the client's session.
func (c *client) apiUpload(path string, fields map[string]string, fileName string, data []byte) *http.Response {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileName != "" {
		fw, err := mw.CreateFormFile("file", fileName)
		if err != nil {
			c.t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.app.ts.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

type apiEntrustment struct {
	ID         int64  `json:"id"`
	OrgID      int64  `json:"org_id"`
	PlanID     int64  `json:"plan_id"`
	Status     string `json:"status"`
	LetterName string `json:"letter_name"`
	LetterSize int64  `json:"letter_size"`
	LetterURL  string `json:"letter_url"`
	Version    int64  `json:"version"`
}

type apiEntrustments struct {
	Entrustments []apiEntrustment `json:"entrustments"`
}

// centralUnit creates a central unit (中央驻甘单位) with one handler and returns both ids.
func (app *testApp) apiCentralUnit(code string, n int) (org int64, username string) {
	app.t.Helper()
	ctx, sys := context.Background(), model.SystemActor("t")
	city := app.orgs[model.OrgCity]
	org, err := app.svc.Orgs.Create(ctx, sys, model.Org{ParentID: city, Kind: model.OrgUnit, UnitType: model.UnitCentral,
		Code: code, Name: "中央驻甘测试单位" + code, ReviewChain: []int64{city}})
	if err != nil {
		app.t.Fatal(err)
	}
	username = "p_handler_" + strings.ToLower(strings.ReplaceAll(code, "-", "_"))
	_, err = app.svc.Accounts.CreateUser(ctx, sys, service.UserInput{OrgID: org, Username: username, Name: "中央单位经办人",
		IDNumber: validIDNumber(100 + n), Phone: "138000099" + strconv.Itoa(10+n), Password: testPassword, Roles: []model.Role{model.RoleHandler}})
	if err != nil {
		app.t.Fatal(err)
	}
	return org, username
}

// TestR_ELG_05_apiEntrustmentFlow: a central unit uploads its letter (type and size checked
// from the content, R-APP-01), the office approves it, the unit downloads it; other units
// cannot see it, and a unit that is not central needs none.
func TestR_ELG_05_apiEntrustmentFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app, _ := newPlanAPIApp(t, db)
		app.withPersonas()
		ctx := context.Background()
		p := presets.OpenToday(time.Now())
		p.CommitteeID = app.orgs[model.OrgCommittee]
		planID, err := app.svc.Plans.Create(ctx, model.SystemActor("t"), p)
		if err != nil {
			t.Fatal(err)
		}
		plan := map[string]string{"plan_id": strconv.FormatInt(planID, 10), "note": "本单位无人力资源培训专业评审权"}
		centralOrg, centralUser := app.apiCentralUnit("T-CENTRAL-A", 1)
		_, otherUser := app.apiCentralUnit("T-CENTRAL-B", 2)
		unit := app.client().login(centralUser)

		// Refused uploads: a PNG named .pdf, one byte over 2 MiB, a body over the bound, nothing at all.
		for name, data := range map[string][]byte{"委托函.pdf": apiLetterPNG, "大文件.pdf": apiOversizePDF(evidence.MaxSize + 1), "更大.pdf": apiOversizePDF(3 << 20)} {
			e := readError(t, unit.apiUpload("/api/v1/entrustments", plan, name, data), http.StatusUnprocessableEntity, "invalid")
			if !apiHasProblem(e, "R-APP-01", "file") {
				t.Errorf("%s (%d bytes): %+v", name, len(data), e.Error.Details)
			}
		}
		if e := readError(t, unit.apiUpload("/api/v1/entrustments", map[string]string{"note": "x"}, "", nil), http.StatusUnprocessableEntity, "invalid"); len(e.Error.Details) != 2 {
			t.Errorf("empty upload: %+v", e.Error.Details)
		}
		readError(t, unit.api("POST", "/api/v1/entrustments", map[string]any{"plan_id": planID}), http.StatusUnprocessableEntity, "invalid")

		res := unit.apiUpload("/api/v1/entrustments", plan, "委托函.pdf", apiLetterPDF)
		ent := readJSON[apiEntrustment](t, res, http.StatusCreated)
		if ent.Status != "pending" || ent.OrgID != centralOrg || ent.PlanID != planID || ent.LetterName != "委托函.pdf" || ent.LetterSize != int64(len(apiLetterPDF)) {
			t.Fatalf("submitted = %+v", ent)
		}

		// A unit that is not central needs no letter.
		e := readError(t, app.client().login(app.users["handler@unit"]).apiUpload("/api/v1/entrustments", plan, "委托函.pdf", apiLetterPDF), http.StatusForbidden, "forbidden")
		if !apiHasProblem(e, "R-ELG-05", "") {
			t.Errorf("non-central unit: %+v", e.Error.Details)
		}

		// The office sees it and approves it with the version read.
		office := app.client().login(app.users["handler@office"])
		all := readJSON[apiEntrustments](t, office.get("/api/v1/entrustments"), http.StatusOK)
		if len(all.Entrustments) != 1 || all.Entrustments[0].ID != ent.ID {
			t.Fatalf("office list = %+v", all)
		}
		decision := "/api/v1/entrustments/" + strconv.FormatInt(ent.ID, 10) + "/decision"
		readError(t, office.api("POST", decision, map[string]any{"approve": false, "reason": "", "version": ent.Version}), http.StatusUnprocessableEntity, "invalid")
		approved := readJSON[apiEntrustment](t, office.api("POST", decision, map[string]any{"approve": true, "version": ent.Version}), http.StatusOK)
		if approved.Status != "approved" || approved.Version != ent.Version+1 {
			t.Errorf("approved = %+v", approved)
		}
		readError(t, office.api("POST", decision, map[string]any{"approve": true, "version": approved.Version}), http.StatusConflict, "conflict")
		if ok, err := app.svc.Entrustments.Approved(ctx, centralOrg, planID); err != nil || !ok {
			t.Errorf("Approved = %v, %v", ok, err)
		}
		readError(t, unit.apiUpload("/api/v1/entrustments", plan, "委托函.pdf", apiLetterPDF), http.StatusConflict, "conflict")
		readError(t, unit.api("POST", decision, map[string]any{"approve": true, "version": approved.Version}), http.StatusForbidden, "forbidden")

		// The unit sees its own letter and downloads it.
		own := readJSON[apiEntrustments](t, unit.get("/api/v1/entrustments"), http.StatusOK)
		if len(own.Entrustments) != 1 || own.Entrustments[0].Status != "approved" {
			t.Errorf("unit list = %+v", own)
		}
		res = unit.get(ent.LetterURL)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || bodyOf(res) != string(apiLetterPDF) ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("download: %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
		}
		if res := office.get(ent.LetterURL); res.StatusCode != http.StatusOK || bodyOf(res) != string(apiLetterPDF) {
			t.Errorf("office download: %d", res.StatusCode)
		}

		// Another unit: not its letter, nothing in its list; other accounts list nothing.
		other := app.client().login(otherUser)
		readError(t, other.get(ent.LetterURL), http.StatusNotFound, "not_found")
		if l := readJSON[apiEntrustments](t, other.get("/api/v1/entrustments"), http.StatusOK); len(l.Entrustments) != 0 {
			t.Errorf("another unit lists %+v", l)
		}
		applicant := app.client().login(app.users["applicant@unit"])
		readError(t, applicant.get(ent.LetterURL), http.StatusNotFound, "not_found")
		if l := readJSON[apiEntrustments](t, applicant.get("/api/v1/entrustments"), http.StatusOK); l.Entrustments == nil || len(l.Entrustments) != 0 {
			t.Errorf("an applicant lists %+v", l)
		}
		readError(t, app.client().get("/api/v1/entrustments"), http.StatusUnauthorized, "unauthenticated")
	})
}

// TestR_CAL_03_apiReset: after the test period the office previews the reset (it counts the
// letter submitted during the test period), its handler may not run it, its leader does, once:
// the test-period letter is gone, the later one stays, working roles are cleared while system
// administrators and applicants keep theirs, and one plan.reset entry is in the audit log.
func TestR_CAL_03_apiReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app, clock := newPlanAPIApp(t, db)
		app.withPersonas()
		ctx, sys := context.Background(), model.SystemActor("t")
		p := presets.OpenToday(time.Now()) // test period from 20 to 10 days ago, applications open
		p.CommitteeID = app.orgs[model.OrgCommittee]
		planID, err := app.svc.Plans.Create(ctx, sys, p)
		if err != nil {
			t.Fatal(err)
		}
		path := planPathOf(planID) + "/reset"
		form := map[string]string{"plan_id": strconv.FormatInt(planID, 10)}
		_, userA := app.apiCentralUnit("T-CENTRAL-A", 1)
		orgB, userB := app.apiCentralUnit("T-CENTRAL-B", 2)
		handler := app.client().login(app.users["handler@office"])
		leader := app.client().login(app.users["leader@office"])

		type preview struct {
			TestWindow *apiWindow `json:"test_window"`
			Counts     []struct {
				Label string `json:"label"`
				N     int    `json:"n"`
			} `json:"counts"`
			Ready   bool    `json:"ready"`
			Reason  *string `json:"reason"`
			Rule    *string `json:"rule"`
			ResetAt *string `json:"reset_at"`
		}

		// During the test period: unit A submits a letter; the reset cannot run yet.
		clock.set(-15 * 24 * time.Hour)
		readJSON[apiEntrustment](t, app.client().login(userA).apiUpload("/api/v1/entrustments", form, "委托函.pdf", apiLetterPDF), http.StatusCreated)
		early := readJSON[preview](t, handler.get(path), http.StatusOK)
		if early.Ready || early.Reason == nil || !strings.Contains(*early.Reason, "测试期尚未结束") || early.Rule == nil || *early.Rule != "R-CAL-03" {
			t.Errorf("preview during the test period = %+v", early)
		}
		readError(t, leader.api("POST", path, nil), http.StatusForbidden, "window_closed")

		// After it: unit B submits; the preview counts A's letter only.
		clock.set(0)
		readJSON[apiEntrustment](t, app.client().login(userB).apiUpload("/api/v1/entrustments", form, "委托函.pdf", apiLetterPDF), http.StatusCreated)
		pv := readJSON[preview](t, handler.get(path), http.StatusOK)
		if !pv.Ready || pv.Reason != nil || pv.TestWindow == nil || pv.TestWindow.State != "closed" || len(pv.Counts) != 2 ||
			pv.Counts[0].Label != "测试期提交的委托函" || pv.Counts[0].N != 1 || pv.Counts[1].N == 0 {
			t.Fatalf("preview = %+v", pv)
		}

		readError(t, handler.api("POST", path, nil), http.StatusForbidden, "forbidden")
		readError(t, app.client().login(app.users["handler@unit"]).get(path), http.StatusForbidden, "forbidden")
		done := readJSON[struct {
			Done []struct {
				Label string `json:"label"`
				N     int    `json:"n"`
			} `json:"done"`
		}](t, leader.api("POST", path, nil), http.StatusOK)
		if len(done.Done) != 2 || done.Done[0].N != 1 || done.Done[1].N != pv.Counts[1].N {
			t.Errorf("done = %+v, preview was %+v", done.Done, pv.Counts)
		}

		// Roles: working roles gone at once, administrators and applicants keep theirs.
		for persona, want := range map[string][]string{
			"handler@office": {}, "leader@office": {}, "expert@unit": {}, "leader@unit": {},
			"sysadmin@office": {"sysadmin"}, "sysadmin@unit": {"sysadmin"}, "applicant@unit": {"applicant"},
		} {
			me := readJSON[apiMe](t, app.client().login(app.users[persona]).get("/api/v1/me"), http.StatusOK)
			if !slices.Equal(me.Roles, want) {
				t.Errorf("%s after the reset: roles %v, want %v", persona, me.Roles, want)
			}
		}
		readError(t, handler.get(path), http.StatusForbidden, "forbidden")

		// A leader re-assigned for real sees B's letter only, and cannot reset again.
		app.addUser(model.OrgOffice, "p_leader2_office", model.RoleLeader)
		leader2 := app.client().login("p_leader2_office")
		left := readJSON[apiEntrustments](t, leader2.get("/api/v1/entrustments"), http.StatusOK)
		if len(left.Entrustments) != 1 || left.Entrustments[0].OrgID != orgB {
			t.Errorf("letters after the reset = %+v", left)
		}
		if e := readError(t, leader2.api("POST", path, nil), http.StatusConflict, "conflict"); !apiHasProblem(e, "R-CAL-03", "") {
			t.Errorf("second reset: %+v", e.Error.Details)
		}
		if again := readJSON[preview](t, leader2.get(path), http.StatusOK); again.Ready || again.ResetAt == nil {
			t.Errorf("preview after the reset = %+v", again)
		}
		if plan := readJSON[apiPlan](t, app.client().get(planPathOf(planID)), http.StatusOK); plan.ResetAt == nil {
			t.Errorf("plan after the reset = %+v", plan)
		}

		events, err := app.svc.Audit.List(ctx, sys, store.AuditFilter{ObjectType: "plan", ObjectID: planID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range events {
			if e.Action == "plan.reset" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d plan.reset audit entries, want 1", n)
		}
	})
}
