package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"zhicheng/internal/model"
	"zhicheng/internal/presets"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// The office's pages of issue #3 — plans, the working-day calendar, the test-period reset,
// the blacklist and entrustment letters — through the real server on every engine. Dates
// are relative to today, since the services run on the real clock here.

// uiDate is the Shanghai civil date n days from today.
func uiDate(n int) rules.Date { return rules.FromTime(time.Now()).AddDays(n) }

// uiPlanValues is the plan form as a browser would send it for p.
func uiPlanValues(p model.Plan) url.Values {
	f := formFromPlan(p)
	v := url.Values{"version": {strconv.FormatInt(f.Version, 10)}, "year": {f.Year}, "series": {f.Series}, "name": {f.Name},
		"committee_id": {f.CommitteeID}, "specialties": {f.Specialties}}
	for _, l := range f.Levels {
		v.Add("level_code", l.Code)
		v.Add("level_name", l.Name)
		v.Add("level_rank", l.Rank)
		v.Add("level_total", l.Total)
		v.Add("level_current", l.Current)
		v.Add("level_exceptional", l.Exceptional)
	}
	for _, s := range f.Scopes {
		v.Add("scopes", string(s))
	}
	for _, t := range f.AppTypes {
		v.Add("app_types", string(t))
	}
	for _, w := range f.Windows {
		v.Set("window_"+string(w.Kind)+"_start", w.Start)
		v.Set("window_"+string(w.Kind)+"_last", w.Last)
	}
	for _, in := range f.Policy {
		v.Set("policy_"+in.Key, in.Value)
	}
	return v
}

// uiPlan is a valid plan for the test committee whose windows start `from` days from today
// (negative: in the past), in the order of the 2024 notice.
func uiPlan(app *testApp, name string, from int) model.Plan {
	p := presets.OpenToday(time.Now())
	// The series is the name, so that several test plans of one committee and year may exist.
	p.Name, p.Series, p.CommitteeID = name, name, app.orgs[model.OrgCommittee]
	p.Year = uiDate(from).Year
	win := func(k model.WindowKind, a, b int) model.PlanWindow {
		return model.PlanWindow{Kind: k, Start: uiDate(from + a).Time(), End: uiDate(from + b).End()}
	}
	p.Windows = []model.PlanWindow{
		win(model.WindowTest, 0, 9), win(model.WindowApply, 10, 49), win(model.WindowUnitReview, 50, 64), win(model.WindowCommitteeIntake, 10, 64),
	}
	return p
}

func uiCreatePlan(t *testing.T, app *testApp, p model.Plan) model.Plan {
	t.Helper()
	id, err := app.svc.Plans.Create(context.Background(), model.SystemActor("test"), p)
	if err != nil {
		t.Fatalf("create plan %q: %v", p.Name, err)
	}
	p, err = app.svc.Plans.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func errorFields(res *http.Response, t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	d := doc(t, res)
	d.Find("#errors li").Each(func(_ int, li *goquery.Selection) {
		f, _ := li.Attr("data-field")
		out[f] += li.Text()
	})
	return out
}

// R-ELG-10 style for the plan form, and R-PUB-01: a plan the office creates is public.
func TestPlanFormAllProblemsThenPublic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		c := app.client().login("p_handler_office")
		if res := c.get("/office/plans/new"); res.StatusCode != http.StatusOK || doc(t, res).Find(`#presets form.preset-form`).Length() != 2 {
			t.Fatalf("new plan page: %d", res.StatusCode)
		}
		bad := url.Values{"year": {"20x5"}, "series": {"人"}, "name": {""}, "committee_id": {""},
			"level_code": {"", ""}, "level_name": {"", ""}, "level_rank": {"", ""}, "level_total": {"", ""}, "level_current": {"", ""}, "level_exceptional": {"", ""},
			"specialties": {"\n"}, "window_apply_start": {"2027-09-11"}, "window_apply_last": {""},
			"window_test_start": {"2027-09-10"}, "window_test_last": {"2027-09-01"}, "policy_blacklist_years": {"三"}}
		res := c.post("/office/plans", bad)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad plan: status %d", res.StatusCode)
		}
		got := errorFields(res, t)
		for _, f := range []string{"year", "series", "name", "committee_id", "levels", "specialties", "scopes", "app_types", "window_apply", "window_test", "policy_blacklist_years", "policy_paper_max"} {
			if got[f] == "" {
				t.Errorf("no error listed for %s; listed: %v", f, got)
			}
		}
		d := doc(t, c.post("/office/plans", bad))
		if v, _ := d.Find(`#plan-form input[name=year]`).Attr("value"); v != "20x5" {
			t.Errorf("typed year not kept: %q", v)
		}
		if v, _ := d.Find(`#policy-blacklist_years`).Attr("value"); v != "三" {
			t.Errorf("typed policy not kept: %q", v)
		}
		if d.Find(`[data-window="apply"] .field-error`).Length() == 0 {
			t.Errorf("window error not next to the window")
		}

		// Fixed: created, listed for the office and shown to the public.
		y := uiDate(0).Year + 1
		good := uiPlanValues(model.Plan{Year: y, Series: "人力资源培训", Name: fmt.Sprintf("%d年度测试计划", y), CommitteeID: app.orgs[model.OrgCommittee],
			Levels:      []model.Level{{Code: "deputy_senior", Name: "副高级", Rank: 4, MinTotalYears: 10, MinYearsInCurrent: 5, ExceptionalYearsInCurrent: 3}},
			Specialties: []string{"人力资源培训"}, Scopes: []model.Scope{model.ScopeProvince}, AppTypes: []model.AppType{model.AppNormal},
			Policy: presets.DefaultPolicy()})
		good.Set("window_apply_start", fmt.Sprintf("%d-09-11", y))
		good.Set("window_apply_last", fmt.Sprintf("%d-10-20", y))
		good.Add("level_code", "") // an empty row is ignored
		good.Add("level_name", "")
		res = c.post("/office/plans", good)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("good plan: %d %v", res.StatusCode, errorFields(res, t))
		}
		if d := doc(t, c.get("/office/plans")); !strings.Contains(d.Find("#flash").Text(), "已创建") || !strings.Contains(d.Find("#plan-table").Text(), "测试计划") {
			t.Fatalf("office list after create: %q", d.Find("#plan-table").Text())
		}
		public := app.client()
		d = doc(t, public.get("/plans"))
		item := d.Find("#plan-list .plan-item").First()
		if !strings.Contains(item.Text(), fmt.Sprintf("%d年度测试计划", y)) || !strings.Contains(item.Find(".plan-status").Text(), "未开始") {
			t.Fatalf("public list: %q", d.Find("#plan-list").Text())
		}
		href, _ := item.Find("a.plan-name").Attr("href")
		d = doc(t, public.get(href))
		want := fmt.Sprintf("%d-09-11 00:00 至 %d-10-20 24:00", y, y)
		if !strings.Contains(d.Find(`#plan-windows [data-window="apply"]`).Text(), want) {
			t.Fatalf("public plan windows: %q, want %q", d.Find("#plan-windows").Text(), want)
		}
		if !strings.Contains(d.Find(`#plan-policy [data-policy="blacklist_years"]`).Text(), "R-ELG-04") || !strings.Contains(d.Find("#plan-levels").Text(), "副高级") {
			t.Fatalf("public plan details: %q", d.Find("#plan-policy").Text())
		}
	})
}

// R-CAL-02 in the UI: a closed window is shown read-only, and a change to it sent anyway is
// refused with a message naming the window; nothing changes.
func TestR_CAL_02_editClosedWindowRefusedInUI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		p := uiCreatePlan(t, app, uiPlan(app, "申报已截止的测试计划", -80)) // applications closed 30 days ago
		c := app.client().login("p_handler_office")
		path := "/office/plans/" + itoa(p.ID)
		d := doc(t, c.get(path+"/edit"))
		apply := d.Find(`#windows [data-window="apply"]`)
		if apply.Find(`input[type=date][disabled]`).Length() != 2 || !strings.Contains(apply.Find(".closed-note").Text(), "R-CAL-02") {
			t.Fatalf("closed window not read-only: %s", apply.Text())
		}
		if v, _ := apply.Find(`input[type=hidden][name=window_apply_last]`).Attr("value"); v != uiDate(-80+49).String() {
			t.Fatalf("closed window's value not carried: %q", v)
		}
		if d.Find("#plan-fixed").Length() != 1 {
			t.Fatalf("year, series and committee editable after applications opened")
		}

		// Saving unchanged works (the closed windows are carried as they are) …
		res := c.post(path, uiPlanValues(p))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save unchanged: %d %v", res.StatusCode, errorFields(res, t))
		}
		p, _ = app.svc.Plans.Get(context.Background(), p.ID)
		// … but extending the closed application window is refused, naming it.
		v := uiPlanValues(p)
		v.Set("window_apply_last", uiDate(10).String())
		res = c.post(path, v)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("reopen closed window: status %d", res.StatusCode)
		}
		msg := errorFields(res, t)["window_apply"]
		if !strings.Contains(msg, "个人申报") || !strings.Contains(msg, "R-CAL-02") {
			t.Fatalf("refusal does not name the window and rule: %q", msg)
		}
		after, _ := app.svc.Plans.Get(context.Background(), p.ID)
		if after.Version != p.Version || !after.Updated.Equal(p.Updated) {
			t.Fatalf("plan changed after a refused edit")
		}
		w, _ := after.Window(model.WindowApply)
		if lastDay(w.End) != uiDate(-80+49).String() {
			t.Fatalf("closed window moved to %s", lastDay(w.End))
		}
		// A stale version shows the stored plan and says so.
		v = uiPlanValues(p)
		v.Set("version", "0")
		if res := c.post(path, v); res.StatusCode != http.StatusConflict {
			t.Fatalf("stale version: %d", res.StatusCode)
		}
	})
}

// R-CAL-04: the office edits the holiday table; every bad line is named with its number,
// and a good edit is what the calculator uses.
func TestR_CAL_04_calendarEditInUI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		c := app.client().login("p_leader_office")
		if d := doc(t, c.get("/office/calendar/2026")); d.Find("#not-covered").Length() != 1 {
			t.Fatalf("uncovered year not said")
		}
		text := "2026-10-01 休 国庆节\n2026-02-30 休 x\n2026-03-02 班 x\n"
		res := c.post("/office/calendar/2026", url.Values{"days": {text}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad lines: %d", res.StatusCode)
		}
		d := doc(t, res)
		errs := d.Find("#errors").Text()
		if !strings.Contains(errs, "第 2 行") || !strings.Contains(errs, "2026-02-30") || !strings.Contains(errs, "第 3 行") || !strings.Contains(errs, "星期一") {
			t.Fatalf("errors: %q", errs)
		}
		if d.Find("#days").Text() != text {
			t.Fatalf("typed lines not kept: %q", d.Find("#days").Text())
		}
		good := "# 2026 国庆\n2026-10-01 休 国庆节\n2026-10-02 休 国庆节\n2026-10-05 休 国庆节\n2026-10-10 班 国庆节调休\n"
		res = c.post("/office/calendar/2026", url.Values{"days": {good}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/office/calendar/2026" {
			t.Fatalf("good lines: %d %q", res.StatusCode, doc(t, res).Find("#errors").Text())
		}
		d = doc(t, c.get("/office/calendar/2026"))
		if !strings.Contains(d.Find("#flash").Text(), "节假日 3 天，调休上班 1 天") || d.Find("#calendar-days tbody tr").Length() != 4 {
			t.Fatalf("saved table: %q", d.Find("#calendar-days").Text())
		}
		if !strings.Contains(d.Find("#days").Text(), "2026-10-10 班 国庆节调休") {
			t.Fatalf("editor not prefilled: %q", d.Find("#days").Text())
		}
		// 3 working days from Wednesday 09-30: 09-30, 10-06, 10-07 (10-01, 10-02, 10-05 off).
		d = doc(t, c.get("/office/calendar?start=2026-09-30&n=3"))
		if got := d.Find("#calc-result").Text(); !strings.Contains(got, "2026-10-08 00:00") || !strings.Contains(got, "10-07 24:00") {
			t.Fatalf("calculator: %q", got)
		}
		if d.Find("#calc-days .day-work").Length() != 3 || !strings.Contains(d.Find("#calc-days").Text(), "国庆节") {
			t.Fatalf("calculator days: %q", d.Find("#calc-days").Text())
		}
		if d.Find(`#calendar-years #year-2026`).Length() != 1 {
			t.Fatalf("covered years: %q", d.Find("#calendar-years").Text())
		}
		// A year with no data is an error shown inline, not a guess.
		d = doc(t, c.get("/office/calendar?start=2026-12-30&n=5"))
		if !strings.Contains(d.Find(".calc-error").Text(), "缺少 2027 年") {
			t.Fatalf("uncovered year in the calculator: %q", d.Find("#calculator").Text())
		}
		if res := c.get("/office/calendar?year=2027"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/office/calendar/2027" {
			t.Fatalf("add a year: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

// R-CAL-03: the office sees what the reset would purge; only its leader gets the button,
// and running it clears the roles and records when it ran.
func TestR_CAL_03_resetPreviewInUI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		p := uiCreatePlan(t, app, uiPlan(app, "测试期已结束的测试计划", -15)) // test period ended 5 days ago
		running := uiCreatePlan(t, app, uiPlan(app, "测试期进行中的测试计划", -3))
		path := "/office/plans/" + itoa(p.ID) + "/reset"
		handler := app.client().login("p_handler_office")
		d := doc(t, handler.get(path))
		rows := d.Find("#reset-counts tbody tr")
		if rows.Length() < 2 || !strings.Contains(rows.Text(), "清除的账号角色") || !strings.Contains(d.Find("#reset-window").Text(), uiDate(-15).String()+" 00:00") {
			t.Fatalf("preview: %q %q", rows.Text(), d.Find("#reset-window").Text())
		}
		if d.Find("#reset-execute").Length() != 0 || !strings.Contains(d.Find("#reset-ready").Text(), "审核领导") {
			t.Fatalf("a handler is offered the reset")
		}
		if res := handler.post(path, nil); res.StatusCode != http.StatusForbidden {
			t.Fatalf("handler runs the reset: %d", res.StatusCode)
		}
		if res := app.client().login("p_sysadmin_office").get(path); res.StatusCode != http.StatusForbidden {
			t.Fatalf("administrator sees the reset preview: %d", res.StatusCode)
		}
		leader := app.client().login("p_leader_office")
		// While the test period runs, the leader is told why it cannot run yet.
		d = doc(t, leader.get("/office/plans/"+itoa(running.ID)+"/reset"))
		if d.Find("#reset-execute").Length() != 0 || !strings.Contains(d.Find("#reset-ready").Text(), "测试期尚未结束") {
			t.Fatalf("running test period: %q", d.Find("#reset-ready").Text())
		}
		if d := doc(t, leader.get(path)); d.Find("#reset-execute[data-confirm]").Length() != 1 {
			t.Fatalf("leader has no reset button: %q", d.Find("#reset-ready").Text())
		}
		res := leader.post(path, nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/home" {
			t.Fatalf("reset: %d %q", res.StatusCode, doc(t, res).Find("#errors").Text())
		}
		if flash := doc(t, leader.get("/home")).Find("#flash").Text(); !strings.Contains(flash, "测试期重置已完成") {
			t.Fatalf("reset flash: %q", flash)
		}
		if after, _ := app.svc.Plans.Get(context.Background(), p.ID); after.ResetAt.IsZero() {
			t.Fatal("reset not recorded")
		}
		// The leader's own role went with everyone else's (R-CAL-03).
		if res := leader.get(path); res.StatusCode != http.StatusForbidden {
			t.Fatalf("leader still has the role after the reset: %d", res.StatusCode)
		}
	})
}

// R-ELG-04 and R-SEC-01: the office lists people on the blacklist with masked ID numbers.
func TestR_ELG_04_blacklistPageMasksIDNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		p := uiCreatePlan(t, app, uiPlan(app, "黑名单用测试计划", 5))
		c := app.client().login("p_handler_office")
		res := c.post("/office/blacklist", url.Values{"id_number": {"620102199001011234"}, "name": {"王"}, "reason": {"假"}, "source": {""}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad entry: %d", res.StatusCode)
		}
		got := errorFields(res, t)
		for _, f := range []string{"id_number", "name", "reason", "source", "years"} {
			if got[f] == "" {
				t.Errorf("no error for %s: %v", f, got)
			}
		}
		id := validID(t, "62010219850315246")
		res = c.post("/office/blacklist", url.Values{"id_number": {id}, "name": {"王小明"}, "reason": {"申报材料弄虚作假（伪造论文）"},
			"source": {"甘职改办〔2026〕12号"}, "plan_id": {itoa(p.ID)}, "start": {uiDate(-10).String()}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: %d %v", res.StatusCode, errorFields(res, t))
		}
		res = c.get("/office/blacklist")
		html := bodyOf(res)
		if strings.Contains(html, id) || strings.Contains(html, id[6:14]) {
			t.Fatal("the full ID number is on the page")
		}
		row := doc(t, res).Find("#blacklist-table tbody tr").First()
		if row.Find(".id-masked").Text() != "6201**********"+id[14:] || !strings.Contains(row.Text(), rules.FromTime(uiDate(-10).Time().AddDate(3, 0, 0)).String()) || !strings.Contains(row.Text(), "生效中") {
			t.Fatalf("entry row: %q", row.Text())
		}
		entryPath, _ := row.Find("form.lift-form").Attr("action")
		if res := c.post(entryPath, url.Values{"reason": {"撤"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("lift without a reason: %d", res.StatusCode)
		}
		if res := c.post(entryPath, url.Values{"reason": {"经复核，原处理决定撤销"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("lift: %d", res.StatusCode)
		}
		if row := doc(t, c.get("/office/blacklist")).Find("#blacklist-table tbody tr").First(); !strings.Contains(row.Text(), "已解除") {
			t.Fatalf("lifted row: %q", row.Text())
		}
	})
}

// uiAppWithBlobs is the test app with a blob store, which entrustment letters need.
func uiAppWithBlobs(t *testing.T, db *store.DB) *testApp {
	t.Helper()
	return newTestApp(t, db)
}

func uiUpload(c *client, path string, fields map[string]string, name string, data []byte) *http.Response {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.app.ts.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// R-ELG-05 in the UI: a central unit uploads its letter (R-APP-01 refusals shown in
// Chinese), the office refuses without a reason in vain, then approves; both read the file.
func TestR_ELG_05_entrustmentPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := uiAppWithBlobs(t, db).withPersonas()
		ctx, sys := context.Background(), model.SystemActor("test")
		city := app.orgs[model.OrgCity]
		central, err := app.svc.Orgs.Create(ctx, sys, model.Org{ParentID: city, Kind: model.OrgUnit, UnitType: model.UnitCentral,
			Code: "T-CENTRAL", Name: "中央驻甘测试单位", ReviewChain: []int64{city}})
		if err != nil {
			t.Fatal(err)
		}
		app.orgs["central"] = central
		app.addUser("central", "u_central", model.RoleHandler)
		p := uiCreatePlan(t, app, uiPlan(app, "委托函用测试计划", 5))

		// A unit that is not central is told it needs no letter.
		if d := doc(t, app.client().login("p_handler_unit").get("/entrustments")); d.Find("#not-central").Length() != 1 || d.Find("#entrust-form").Length() != 0 {
			t.Fatal("non-central unit offered the upload")
		}
		u := app.client().login("u_central")
		d := doc(t, u.get("/entrustments"))
		if d.Find(`#entrust-form select[name=plan_id] option[value="`+itoa(p.ID)+`"]`).Length() != 1 {
			t.Fatalf("open plan not offered: %q", d.Find("#entrust-form").Text())
		}
		res := uiUpload(u, "/entrustments", map[string]string{"plan_id": itoa(p.ID), "note": "请审批"}, "委托函.jpg", []byte("\x89PNG\r\n\x1a\nnot a jpeg"))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(errorFields(res, t)["file"], "PNG") {
			t.Fatalf("disguised PNG: %d %v", res.StatusCode, errorFields(res, t))
		}
		res = uiUpload(u, "/entrustments", map[string]string{"plan_id": itoa(p.ID)}, "big.pdf", bytes.Repeat([]byte("0"), 3<<20))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(errorFields(res, t)["file"], "2 MB") {
			t.Fatalf("oversize: %d %v", res.StatusCode, errorFields(res, t))
		}
		res = uiUpload(u, "/entrustments", map[string]string{}, "", nil)
		if got := errorFields(res, t); got["file"] == "" || got["plan_id"] == "" {
			t.Fatalf("empty upload: %v", got)
		}
		var jpg bytes.Buffer
		jpeg.Encode(&jpg, image.NewGray(image.Rect(0, 0, 8, 8)), nil)
		res = uiUpload(u, "/entrustments", map[string]string{"plan_id": itoa(p.ID), "note": "请审批"}, "委托函.jpg", jpg.Bytes())
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d %v", res.StatusCode, errorFields(res, t))
		}
		row := doc(t, u.get("/entrustments")).Find("#letter-table tbody tr").First()
		if !strings.Contains(row.Text(), "待审批") {
			t.Fatalf("unit's letter: %q", row.Text())
		}
		unitLetter, _ := row.Find("a").Attr("href")

		office := app.client().login("p_handler_office")
		letter := doc(t, office.get("/office/entrustments")).Find("#letter-list .letter").First()
		if !strings.Contains(letter.Text(), "中央驻甘测试单位") || !strings.Contains(letter.Text(), "委托函用测试计划") {
			t.Fatalf("office list: %q", letter.Text())
		}
		refuse, _ := letter.Find("form.refuse-form").Attr("action")
		version, _ := letter.Find("form.refuse-form input[name=version]").Attr("value")
		res = office.post(refuse, url.Values{"decision": {"refuse"}, "version": {version}, "reason": {""}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, res).Find("#errors").Text(), "理由") {
			t.Fatalf("refuse without reason: %d", res.StatusCode)
		}
		if res := office.post(refuse, url.Values{"decision": {"approve"}, "version": {version}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", res.StatusCode)
		}
		letter = doc(t, office.get("/office/entrustments")).Find("#letter-list .letter").First()
		if !strings.Contains(letter.Find(".letter-status").Text(), "已批准") || letter.Find("form").Length() != 0 {
			t.Fatalf("approved letter: %q", letter.Text())
		}
		href, _ := letter.Find("a").Attr("href")
		for _, get := range []struct {
			c    *client
			path string
		}{{office, href}, {u, unitLetter}} {
			res := get.c.get(get.path)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "inline") ||
				res.Header.Get("X-Content-Type-Options") != "nosniff" || bodyOf(res) != jpg.String() {
				t.Fatalf("letter %s: %d %v", get.path, res.StatusCode, res.Header)
			}
		}
		// Another unit's reviewer cannot read it.
		if res := app.client().login("p_handler_unit").get(unitLetter); res.StatusCode != http.StatusNotFound {
			t.Fatalf("other unit reads the letter: %d", res.StatusCode)
		}
	})
}
