package web

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"zhicheng/internal/holidays"
	"zhicheng/internal/model"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// The JSON API of issue #5: every reviewer action, through the real server on every engine,
// on a plan whose unit has a one-level chain (the city bureau). The callers use API tokens,
// since the tests move the clock past the unit publicity.

// reviewAPIApp is newAppAPIApp with the working calendar the publicity is counted in
// (R-CAL-04) and an open plan.
func reviewAPIApp(t *testing.T, db *store.DB) (*testApp, *appClock, int64, model.Plan) {
	t.Helper()
	app, clock := newAppAPIApp(t, db)
	ctx := context.Background()
	if _, err := app.svc.Calendar.SeedIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	for _, y := range []int{time.Now().Year(), time.Now().Year() + 1} {
		if !slices.Contains(holidays.Years(), y) {
			if err := app.svc.Calendar.SetYear(ctx, model.SystemActor("t"), y, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	planID, plan := app.openPlan()
	return app, clock, planID, plan
}

// submittedApp has the applicant fill in the example application and submit it.
func (c *tokenCaller) submittedApp(planID int64, year int) apiApplication {
	c.t.Helper()
	a := c.fillExample(c.start(planID).ID, year)
	readJSON[map[string]any](c.t, c.call("POST", appPath(a.ID)+"/submit", map[string]any{"version": a.Version}), http.StatusOK)
	return c.get(a.ID)
}

func reviewPathOf(id int64) string { return "/api/v1/review/applications/" + itoa(id) }

type apiReviewRow struct {
	ID            int64  `json:"id"`
	ApplicantName string `json:"applicant_name"`
	Status        string `json:"status"`
	Version       int64  `json:"version"`
	URL           string `json:"url"`
}

type apiReviewList struct {
	Applications []apiReviewRow `json:"applications"`
	NextBefore   *string        `json:"next_before"`
}

func (l apiReviewList) has(id int64) bool {
	return slices.ContainsFunc(l.Applications, func(r apiReviewRow) bool { return r.ID == id })
}

type apiProblemJSON struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

type apiReviewView struct {
	ID            int64     `json:"id"`
	Status        string    `json:"status"`
	Version       int64     `json:"version"`
	ApplicantName string    `json:"applicant_name"`
	Holder        string    `json:"holder"`
	Slots         []apiSlot `json:"slots"`
	PublicityEnd  *string   `json:"publicity_end"`
	ReviewEnds    *string   `json:"review_ends"`
	DeptReturns   int       `json:"dept_returns"`
	DeptLimit     int       `json:"dept_return_limit"`
	Returns       []struct {
		Items []struct {
			Module int    `json:"module"`
			Slot   string `json:"slot"`
			Text   string `json:"text"`
		} `json:"items"`
	} `json:"returns"`
	Objections []struct {
		ID         int64   `json:"id"`
		Text       string  `json:"text"`
		Contact    string  `json:"contact"`
		ResolvedAt *string `json:"resolved_at"`
	} `json:"objections"`
	Actions []struct {
		Action   string           `json:"action"`
		Enabled  bool             `json:"enabled"`
		Disabled []apiProblemJSON `json:"disabled_reasons"`
	} `json:"actions"`
}

// action finds the view's action; ok is false when it is not offered.
func (v apiReviewView) action(name string) (enabled bool, reasons []apiProblemJSON, ok bool) {
	for _, a := range v.Actions {
		if a.Action == name {
			return a.Enabled, a.Disabled, true
		}
	}
	return false, nil, false
}

type apiOutcome struct {
	Action  string `json:"action"`
	From    string `json:"from"`
	To      string `json:"to"`
	Level   int    `json:"level"`
	Version int64  `json:"version"`
}

type apiStatus struct {
	Status string `json:"status"`
	Holder string `json:"holder"`
	Steps  []struct {
		Label  string `json:"label"`
		From   string `json:"from"`
		To     string `json:"to"`
		Reason string `json:"reason"`
	} `json:"steps"`
	Returned *struct {
		Items []struct {
			Slot string `json:"slot"`
			Text string `json:"text"`
		} `json:"items"`
	} `json:"returned"`
	Returns []struct {
		ID int64 `json:"id"`
	} `json:"returns"`
}

func (c *tokenCaller) view(id int64) apiReviewView {
	c.t.Helper()
	return readJSON[apiReviewView](c.t, c.call("GET", reviewPathOf(id), nil), http.StatusOK)
}

// act posts the action with the body.
func (c *tokenCaller) act(id int64, action string, body map[string]any) *http.Response {
	c.t.Helper()
	return c.call("POST", reviewPathOf(id)+"/actions/"+action, body)
}

// unitReports has the unit's reviewer upload the unit's own documents (推荐报告, 公示报告及公示照片)
// through the API, as the unit does before it recommends (R-FLOW-01).
func (c *tokenCaller) unitReports(id int64) {
	c.t.Helper()
	v := c.view(id).Version
	for i, slot := range []string{"basic/recommendation", "moral/publicity"} {
		up := c.upload(reviewPathOf(id)+"/reports", field("version", itoa(v)), field("slot", slot), filePart("file", "单位报告.jpg", testJPEG(c.t, 20+i)))
		v = readJSON[apiUploaded](c.t, up, http.StatusCreated).Version
	}
}

func (c *tokenCaller) done(id int64, action string, body map[string]any, to string) apiOutcome {
	c.t.Helper()
	out := readJSON[apiOutcome](c.t, c.act(id, action, body), http.StatusOK)
	if out.To != to || out.Action != action {
		c.t.Fatalf("%s: %+v, want to %s", action, out, to)
	}
	return out
}

var phoneLike = regexp.MustCompile(`1380000\d{4}`)

// noPersonalData fails if body carries an ID number or a phone number.
func noPersonalData(t *testing.T, what, body string) {
	t.Helper()
	if fullIDNumber.MatchString(body) || phoneLike.MatchString(body) {
		t.Errorf("%s carries an ID number or a phone: %s", what, body)
	}
}

// TestR_FLOW_03_apiReviewPath: the whole path through the API on a one-level chain — the
// unit lists and views the submitted application (its evidence download is logged and the
// applicant sees it in the access log), returns it with one consolidated list of two items
// (a return without items is refused, R-FLOW-03), the applicant reads both and resubmits; the
// unit starts the publicity, where a public objection must be resolved and recommending is
// refused until the publicity has ended (R-FLOW-01); then the city accepts and passes it, the
// office passes the preliminary review, and the applicant's status shows the whole history.
func TestR_FLOW_03_apiReviewPath(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app, clock, planID, plan := reviewAPIApp(t, db)
		applicant := app.caller(app.users["applicant@unit"])
		unit := app.caller(app.users["handler@unit"])
		city := app.caller(app.users["handler@city"])
		office := app.caller(app.users["handler@office"])
		a := applicant.submittedApp(planID, plan.Year)
		id := a.ID

		// The unit's inbox, with filters.
		res := unit.call("GET", "/api/v1/review/unit?plan_id="+itoa(planID), nil)
		body := bodyOf(res)
		inbox := readJSON[apiReviewList](t, res, http.StatusOK)
		if !inbox.has(id) || inbox.Applications[0].Status != "submitted" || inbox.Applications[0].ApplicantName == "" || inbox.Applications[0].URL != reviewPathOf(id) {
			t.Fatalf("unit inbox = %+v", inbox)
		}
		noPersonalData(t, "the inbox", body)
		if l := readJSON[apiReviewList](t, unit.call("GET", "/api/v1/review/unit?status=unit_publicity", nil), http.StatusOK); l.has(id) {
			t.Errorf("status filter: %+v", l)
		}
		readError(t, unit.call("GET", "/api/v1/review/unit?limit=0&status=nope", nil), http.StatusUnprocessableEntity, "invalid")
		readError(t, applicant.call("GET", "/api/v1/review/unit", nil), http.StatusForbidden, "forbidden")

		// The reviewer's view: actions with their state, no personal data.
		res = unit.call("GET", reviewPathOf(id), nil)
		body = bodyOf(res)
		v := readJSON[apiReviewView](t, res, http.StatusOK)
		noPersonalData(t, "the reviewer view", body)
		if on, _, ok := v.action("start_publicity"); !ok || !on || v.Status != "submitted" || v.ApplicantName == "" || v.Holder == "" {
			t.Fatalf("view = %+v", v)
		}
		if w, _ := plan.Window(model.WindowUnitReview); v.ReviewEnds == nil || !apiInstant(t, *v.ReviewEnds).Equal(w.End) {
			t.Errorf("review_ends = %v, want the unit review window's end %v (R-CAL-02)", v.ReviewEnds, w.End)
		}
		if _, _, ok := v.action("unit_return"); !ok {
			t.Errorf("unit_return not offered: %+v", v.Actions)
		}
		// The applicant is no reviewer: refused by the table before the service looks (R-ORG-02).
		readError(t, applicant.call("GET", reviewPathOf(id), nil), http.StatusForbidden, "forbidden")

		// An evidence download is logged; the applicant sees who looked.
		file := v.Slots[0].Files[0]
		if !strings.HasPrefix(file.URL, reviewPathOf(id)+"/files/") {
			t.Fatalf("file URL %s", file.URL)
		}
		res = unit.call("GET", file.URL+"?download=1", nil)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") || len(bodyOf(res)) != int(file.Size) {
			t.Fatalf("download: %d %v", res.StatusCode, res.Header)
		}
		log := readJSON[struct {
			Accesses []struct {
				Kind     string `json:"kind"`
				FileID   int64  `json:"file_id"`
				UserName string `json:"user_name"`
				Org      struct {
					ID int64 `json:"id"`
				} `json:"org"`
			} `json:"accesses"`
		}](t, applicant.call("GET", appPath(id)+"/access-log", nil), http.StatusOK)
		if len(log.Accesses) != 1 || log.Accesses[0].FileID != file.ID || log.Accesses[0].Kind != "download" ||
			log.Accesses[0].Org.ID != app.orgs[model.OrgUnit] || log.Accesses[0].UserName == "" {
			t.Errorf("access log = %+v", log.Accesses)
		}

		// A return needs the consolidated list; with two items it goes back to the applicant.
		e := readError(t, unit.act(id, "unit_return", map[string]any{"version": v.Version}), http.StatusUnprocessableEntity, "invalid")
		if !apiHasProblem(e, "R-FLOW-03", "items") {
			t.Errorf("return without items: %+v", e.Error.Details)
		}
		readError(t, unit.act(id, "unit_return", map[string]any{"version": v.Version, "result": "x"}), http.StatusUnprocessableEntity, "invalid")
		readError(t, unit.act(id, "no_such_action", map[string]any{"version": v.Version}), http.StatusNotFound, "not_found")
		items := []map[string]any{
			{"slot": v.Slots[0].Key, "text": "扫描件不清晰，请重新扫描上传"},
			{"module": 4, "text": "论文的刊物信息不完整，请补充刊号"},
		}
		unit.done(id, "unit_return", map[string]any{"version": v.Version, "items": items}, "returned")

		st := readJSON[apiStatus](t, applicant.call("GET", appPath(id)+"/status", nil), http.StatusOK)
		if st.Status != "returned" || st.Returned == nil || len(st.Returned.Items) != 2 ||
			st.Returned.Items[0].Text != "扫描件不清晰，请重新扫描上传" || st.Returned.Items[1].Text != "论文的刊物信息不完整，请补充刊号" {
			t.Fatalf("status after the return = %+v", st)
		}
		readError(t, applicant.call("POST", appPath(id)+"/resubmit", map[string]any{}), http.StatusUnprocessableEntity, "invalid")
		out := readJSON[apiOutcome](t, applicant.call("POST", appPath(id)+"/resubmit", map[string]any{"version": applicant.get(id).Version}), http.StatusOK)
		if out.To != "submitted" || out.From != "returned" {
			t.Fatalf("resubmit = %+v", out)
		}

		// Publicity; a public objection; recommending waits for its end.
		v = unit.view(id)
		unit.done(id, "start_publicity", map[string]any{"version": v.Version}, "unit_publicity")
		unit.unitReports(id)
		anon := app.client()
		pub := readJSON[struct {
			Applications []struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
				End  string `json:"end"`
			} `json:"applications"`
		}](t, anon.get("/api/v1/publicity?plan_id="+itoa(planID)), http.StatusOK)
		if len(pub.Applications) != 1 || pub.Applications[0].ID != id || pub.Applications[0].Name == "" {
			t.Fatalf("publicity = %+v", pub)
		}
		noPersonalData(t, "the publicity", bodyOf(anon.get("/api/v1/publicity?plan_id="+itoa(planID))))
		readJSON[apiCreated](t, anon.api("POST", "/api/v1/publicity/"+itoa(id)+"/objections", map[string]any{"text": "该同志论文存在代写嫌疑", "contact": "王先生"}), http.StatusCreated)
		readError(t, anon.api("POST", "/api/v1/publicity/"+itoa(id)+"/objections", map[string]any{"text": ""}), http.StatusUnprocessableEntity, "invalid")
		readError(t, anon.api("POST", "/api/v1/publicity/999999/objections", map[string]any{"text": "异议"}), http.StatusNotFound, "not_found")

		v = unit.view(id)
		if on, reasons, ok := v.action("recommend"); !ok || on || !slices.ContainsFunc(reasons, func(p apiProblemJSON) bool { return p.Rule == "R-FLOW-01" }) {
			t.Errorf("recommend during publicity: offered %v enabled %v reasons %+v", ok, on, reasons)
		}
		if len(v.Objections) != 1 || v.Objections[0].Contact != "王先生" || v.PublicityEnd == nil {
			t.Fatalf("objections = %+v, publicity end %v", v.Objections, v.PublicityEnd)
		}
		// Two refusals at once (the publicity runs, an objection is open) come as one 422 listing
		// both; a single one keeps its own kind (409 below).
		e = readError(t, unit.act(id, "recommend", map[string]any{"version": v.Version}), http.StatusUnprocessableEntity, "invalid")
		if len(e.Error.Details) != 2 || e.Error.Details[0].Rule != "R-FLOW-01" || e.Error.Details[1].Rule != "R-FLOW-01" {
			t.Errorf("recommend during publicity with an open objection: %+v", e.Error.Details)
		}
		resolved := unit.done(id, "resolve_objection", map[string]any{"version": v.Version, "objection_id": v.Objections[0].ID, "reason": "经核实，论文为本人撰写，异议不成立"}, "unit_publicity")

		end := apiInstant(t, *v.PublicityEnd)
		clock.freeze(end.Add(-time.Minute))
		e = readError(t, unit.act(id, "recommend", map[string]any{"version": resolved.Version}), http.StatusConflict, "conflict")
		if !apiHasProblem(e, "R-FLOW-01", "") {
			t.Errorf("recommend a minute before the end: %+v", e.Error.Details)
		}
		clock.freeze(end)
		unit.done(id, "recommend", map[string]any{"version": resolved.Version}, "recommended")

		// The city bureau (the chain's only level), then the office.
		dl := readJSON[apiReviewList](t, city.call("GET", "/api/v1/review/dept", nil), http.StatusOK)
		if !dl.has(id) {
			t.Fatalf("dept list = %+v", dl)
		}
		// org_id narrows the department's list to one applying unit.
		if l := readJSON[apiReviewList](t, city.call("GET", "/api/v1/review/dept?org_id="+itoa(app.orgs[model.OrgUnit]), nil), http.StatusOK); !l.has(id) {
			t.Errorf("org_id of the unit hides its application: %+v", l)
		}
		if l := readJSON[apiReviewList](t, city.call("GET", "/api/v1/review/dept?org_id="+itoa(app.orgs[model.OrgAgency]), nil), http.StatusOK); l.has(id) {
			t.Errorf("org_id of another unit shows the application: %+v", l)
		}
		readError(t, city.call("GET", "/api/v1/review/dept?org_id=x", nil), http.StatusUnprocessableEntity, "invalid")
		cv := city.view(id)
		if cv.Objections[0].Contact != "" {
			t.Errorf("the department sees the objector's contact: %+v", cv.Objections)
		}
		acc := city.done(id, "dept_accept", map[string]any{"version": cv.Version}, "dept_review")
		if acc.Level != 1 {
			t.Errorf("accepted at level %d", acc.Level)
		}
		passed := city.done(id, "dept_pass", map[string]any{"version": acc.Version, "reason": "材料齐全，符合申报条件"}, "prelim_review")
		ol := readJSON[apiReviewList](t, office.call("GET", "/api/v1/review/office", nil), http.StatusOK)
		if !ol.has(id) {
			t.Fatalf("office list = %+v", ol)
		}
		office.done(id, "prelim_pass", map[string]any{"version": passed.Version}, "prelim_passed")

		st = readJSON[apiStatus](t, applicant.call("GET", appPath(id)+"/status", nil), http.StatusOK)
		var path []string
		for _, s := range st.Steps {
			path = append(path, s.To)
		}
		want := []string{"draft", "submitted", "returned", "submitted", "unit_publicity", "recommended", "dept_review", "prelim_review", "prelim_passed"}
		if st.Status != "prelim_passed" || !slices.Equal(path, want) || st.Returned != nil || len(st.Returns) != 1 {
			t.Errorf("final status %s, steps %v (want %v), returns %d", st.Status, path, want, len(st.Returns))
		}
		for _, s := range st.Steps {
			if s.Label == "" || strings.Contains(s.Reason, "代写") {
				t.Errorf("step %+v", s)
			}
		}
	})
}

// TestR_ORG_02_apiReviewScope: another unit's handler gets 404 for the application, its file
// and its actions, and does not list it; two reviewers of the unit acting on the same version
// get one success and one 409, and only the first is applied.
func TestR_ORG_02_apiReviewScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app, _, planID, plan := reviewAPIApp(t, db)
		ctx := context.Background()
		other, err := app.svc.Orgs.Create(ctx, model.SystemActor("t"), model.Org{ParentID: app.orgs[model.OrgCity], Kind: model.OrgUnit,
			Code: "T-UNIT-2", Name: "测试另一单位", UnitType: model.UnitStateEnterprise, ReviewChain: []int64{app.orgs[model.OrgCity]}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := app.svc.Accounts.CreateUser(ctx, model.SystemActor("t"), service.UserInput{OrgID: other, Username: "p_other_handler", Name: "另一单位经办人",
			IDNumber: validIDNumber(3), Phone: "13900000003", Password: testPassword, Roles: []model.Role{model.RoleHandler}}); err != nil {
			t.Fatal(err)
		}
		applicant := app.caller(app.users["applicant@unit"])
		a := applicant.submittedApp(planID, plan.Year)
		stranger := app.caller("p_other_handler")
		handler := app.caller(app.users["handler@unit"])
		leader := app.caller(app.users["leader@unit"])
		v := handler.view(a.ID)
		file := v.Slots[0].Files[0]

		for _, res := range []*http.Response{
			stranger.call("GET", reviewPathOf(a.ID), nil),
			stranger.call("GET", file.URL, nil),
			stranger.act(a.ID, "start_publicity", map[string]any{"version": v.Version}),
			app.caller(app.users["handler@industry"]).call("GET", reviewPathOf(a.ID), nil),
		} {
			body := bodyOf(res)
			readError(t, res, http.StatusNotFound, "not_found")
			if strings.Contains(body, file.SHA256) || strings.Contains(body, "测试用户") {
				t.Errorf("%s %s tells about the application: %s", res.Request.Method, res.Request.URL.Path, body)
			}
		}
		if l := readJSON[apiReviewList](t, stranger.call("GET", "/api/v1/review/unit", nil), http.StatusOK); l.has(a.ID) {
			t.Errorf("another unit lists it: %+v", l)
		}
		// The stranger's look was not logged.
		if log := bodyOf(applicant.call("GET", appPath(a.ID)+"/access-log", nil)); strings.Contains(log, `"file_id"`) {
			t.Errorf("access log after refusals: %s", log)
		}

		handler.done(a.ID, "start_publicity", map[string]any{"version": v.Version}, "unit_publicity")
		e := readError(t, leader.act(a.ID, "unit_return", map[string]any{"version": v.Version, "items": []map[string]any{{"module": 1, "text": "学历证书不清晰"}}}),
			http.StatusConflict, "conflict")
		if !strings.Contains(e.Error.Message, "已被他人处理") {
			t.Errorf("second reviewer: %+v", e.Error)
		}
		if got := leader.view(a.ID); got.Status != "unit_publicity" || got.Version != v.Version+1 || len(got.Returns) != 0 {
			t.Errorf("after the race: %s at version %d, %d returns", got.Status, got.Version, len(got.Returns))
		}
		// The applicant may no longer withdraw once the unit acted.
		readError(t, applicant.call("POST", appPath(a.ID)+"/withdraw", map[string]any{"version": v.Version + 1}), http.StatusConflict, "conflict")
	})
}
