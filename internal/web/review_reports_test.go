package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhicheng/internal/model"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// The unit's own documents (issue #5 item 3, R-FLOW-01): 推荐报告 and 公示报告及公示照片 are
// uploaded by the applying unit on its review page and through the API, never by the
// applicant, and the unit recommends only with both.

// multipart posts the parts as multipart/form-data with the client's session; accept is the
// Accept header ("" for a browser without the page's script).
func (c *client) multipart(path, accept string, parts ...part) *http.Response {
	c.t.Helper()
	req := multipartRequest(c.t, c.app.ts.URL+path, parts...)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return c.do(req)
}

// TestR_FLOW_01_unitReportsOnReviewPage: the unit's review page shows the two reports apart
// from the applicant's materials, each with the applicant pages' upload box aimed at the
// reports route; a file uploaded without the script comes back listed, opening in the
// viewer (logged, R-SEC-01); a refused file is named at its slot; the script's upload reads
// JSON; the remove button takes a file off; the recommend button says which reports are
// missing. The applicant sees the slots read-only with the note, even in a draft. The
// department sees the reports read-only.
func TestR_FLOW_01_unitReportsOnReviewPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app, clock, planID, plan := reviewAPIApp(t, db)
		applicant := app.caller(app.users["applicant@unit"])
		unitAPI := app.caller(app.users["handler@unit"])
		id := applicant.submittedApp(planID, plan.Year).ID
		unitAPI.done(id, "start_publicity", map[string]any{"version": unitAPI.view(id).Version}, "unit_publicity")
		unit := app.client().login(app.users["handler@unit"])
		self := "/review/applications/" + itoa(id)

		d := doc(t, unit.get(self))
		for _, slot := range []string{"basic-recommendation", "moral-publicity"} {
			box := d.Find("#unit-reports #slot-" + slot)
			if box.Length() != 1 || box.Find("#file-slot-"+slot+".upload-input").Length() != 1 || box.Find(".upload-progress").Length() != 1 {
				t.Fatalf("no upload box for %s:\n%s", slot, d.Find("#unit-reports").Text())
			}
			if action, _ := box.Find("form#up-" + slot + ".upload-form").Attr("action"); action != self+"/reports" {
				t.Errorf("%s's upload form goes to %q", slot, action)
			}
			if d.Find("#review-form #slot-"+slot).Length() != 0 {
				t.Errorf("%s is listed among the applicant's materials", slot)
			}
		}
		if d.Find(`script[src="/static/application.js"]`).Length() != 1 || d.Find("#actions[data-refresh]").Length() != 1 {
			t.Error("the page lacks the upload script, or the actions are not refreshed after an upload")
		}
		if why := d.Find("#why-recommend").Text(); !strings.Contains(why, "尚未上传单位出具的推荐报告、公示报告及公示照片") || !strings.Contains(why, "请上传单位出具的推荐报告和公示报告（含公示照片）后再推荐上报") {
			t.Errorf("recommend's reasons = %q", why)
		}

		// Without the script: back to the page at the slot, the file listed for the viewer.
		version := func() string {
			t.Helper()
			v, _ := doc(t, unit.get(self)).Find("#slot-basic-recommendation input[name=version]").Attr("value")
			return v
		}
		res := unit.multipart(self+"/reports", "", field("version", version()), field("slot", "basic/recommendation"), filePart("file", "推荐报告.jpg", testJPEG(t, 30)))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != self+"#slot-basic-recommendation" {
			t.Fatalf("upload: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), bodyOf(res))
		}
		d = doc(t, unit.get(self))
		link := d.Find("#slot-basic-recommendation a.review-file")
		href, _ := link.Attr("href")
		if link.Text() != "推荐报告.jpg" || !strings.HasPrefix(href, self+"?file=") {
			t.Fatalf("uploaded file listed as %q → %q", link.Text(), href)
		}
		if why := d.Find("#why-recommend").Text(); !strings.Contains(why, "尚未上传单位出具的公示报告及公示照片，") {
			t.Errorf("recommend's reasons with one report = %q", why)
		}
		before := accessCount(t, app, id)
		src, _ := doc(t, unit.get(strings.TrimSuffix(href, "#viewer"))).Find("#viewer-img").Attr("src")
		if res := unit.get(src); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("the report in the viewer: %d %q", res.StatusCode, src)
		}
		if n := accessCount(t, app, id); n != before+1 {
			t.Errorf("viewing the report logged %d accesses, want 1 (R-SEC-01)", n-before)
		}

		// A PNG named .jpg is refused at its slot.
		res = unit.multipart(self+"/reports", "", field("version", version()), field("slot", "moral/publicity"), filePart("file", "公示.jpg", testPNG(t)))
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("PNG: status %d", res.StatusCode)
		}
		if got := doc(t, res).Find("#slot-moral-publicity .field-error").Text(); !strings.Contains(got, "R-APP-01") {
			t.Errorf("refusal at the slot = %q", got)
		}
		// The script's upload: JSON with the new version; a stale one is a conflict.
		v := version()
		res = unit.multipart(self+"/reports", "application/json", field("version", v), field("slot", "moral/publicity"), filePart("file", "公示照片.jpg", testJPEG(t, 31)))
		var up struct {
			Version int64 `json:"version"`
			Files   []struct {
				ID int64 `json:"id"`
			} `json:"files"`
		}
		if err := json.Unmarshal([]byte(bodyOf(res)), &up); err != nil || res.StatusCode != http.StatusOK || len(up.Files) != 1 || itoa(up.Version) != version() {
			t.Fatalf("JSON upload: %d %s", res.StatusCode, bodyOf(res))
		}
		res = unit.multipart(self+"/reports", "application/json", field("version", v), field("slot", "moral/publicity"), filePart("file", "又一张.jpg", testJPEG(t, 32)))
		if res.StatusCode != http.StatusConflict {
			t.Errorf("stale JSON upload: %d %s", res.StatusCode, bodyOf(res))
		}
		if why := doc(t, unit.get(self)).Find("#why-recommend").Text(); strings.Contains(why, "尚未上传单位出具") {
			t.Errorf("recommend still asks for the reports: %q", why)
		}

		// The remove button, with the page's version.
		form := doc(t, unit.get(self)).Find("#slot-moral-publicity form.report-remove")
		action, _ := form.Attr("action")
		fv, _ := form.Find("input[name=version]").Attr("value")
		if action != self+"/reports/"+itoa(up.Files[0].ID)+"/remove" {
			t.Fatalf("remove form: %q", action)
		}
		res = unit.post(action, url.Values{"version": {fv}})
		if res.StatusCode != http.StatusSeeOther || doc(t, unit.get(self)).Find("#slot-moral-publicity a.review-file").Length() != 0 {
			t.Fatalf("remove: %d\n%s", res.StatusCode, bodyOf(res))
		}
		res = unit.multipart(self+"/reports", "", field("version", version()), field("slot", "moral/publicity"), filePart("file", "公示报告.jpg", testJPEG(t, 33)))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload again: %d", res.StatusCode)
		}

		// The applicant: read-only with the note and the unit's file; in a draft too.
		own := app.client().login(app.users["applicant@unit"])
		d = doc(t, own.get("/applications/"+itoa(id)+"/m/1"))
		if s := d.Find("#slot-basic-recommendation"); !strings.Contains(s.Find(".slot-unit-note").Text(), "由单位在审核推荐时上传") || !strings.Contains(s.Find(".file-name").Text(), "推荐报告.jpg") {
			t.Errorf("the applicant's slot:\n%s", s.Text())
		}
		if got := doc(t, own.get("/applications/"+itoa(id))).Find("#uploads").Text(); !strings.Contains(got, "单位已上传 1 个") {
			t.Errorf("the overview's uploads: %q", got)
		}
		app.addUser(model.OrgUnit, "p_drafter", model.RoleApplicant)
		draft := app.caller("p_drafter").start(planID)
		d = doc(t, app.client().login("p_drafter").get("/applications/"+itoa(draft.ID)+"/m/1"))
		if d.Find("#slot-basic-photo .upload-input").Length() != 1 {
			t.Fatal("the draft's page offers no upload at all")
		}
		if s := d.Find("#slot-basic-recommendation"); s.Length() != 1 || s.Find(".upload-input, .file-delete").Length() != 0 || d.Find("form#up-basic-recommendation").Length() != 0 ||
			!strings.Contains(s.Find(".slot-unit-note").Text(), "由单位在审核推荐时上传") {
			t.Errorf("the draft's recommendation slot:\n%s", s.Text())
		}

		// The department, once it has the application: the reports, read-only.
		clock.freeze(apiInstant(t, *unitAPI.view(id).PublicityEnd))
		unitAPI.done(id, "recommend", map[string]any{"version": unitAPI.view(id).Version}, "recommended")
		clock.freeze(time.Now()) // the browser's session lives in real time
		d = doc(t, app.client().login(app.users["handler@city"]).get(self))
		if n := d.Find("#unit-reports a.review-file").Length(); n != 2 {
			t.Errorf("the department sees %d report files, want 2", n)
		}
		if d.Find("#unit-reports .upload-input, #unit-reports form").Length() != 0 || d.Find(`script[src="/static/application.js"]`).Length() != 0 {
			t.Error("the department is offered to change the unit's reports")
		}
		if res := app.client().login(app.users["handler@city"]).multipart(self+"/reports", "", field("version", "1"), field("slot", "moral/publicity"), filePart("file", "x.jpg", testJPEG(t, 34))); res.StatusCode != http.StatusForbidden {
			t.Errorf("the department posts a report: %d", res.StatusCode)
		}
	})
}

func accessCount(t *testing.T, app *testApp, id int64) int {
	t.Helper()
	log, err := app.svc.Review.AccessLog(context.Background(), model.SystemActor("test"), id)
	if err != nil {
		t.Fatal(err)
	}
	return len(log)
}

// TestR_FLOW_01_apiUnitReports: the unit uploads and removes its reports through the API
// (version and slot first, the file streamed); the view marks them by_unit; the recommendation
// is refused naming the missing one until both are there; another unit gets 404, the
// applicant, the department and the office 403; an applicant's draft cannot take them; a
// stale version is 409 and a slot of the applicant's 422.
func TestR_FLOW_01_apiUnitReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app, clock, planID, plan := reviewAPIApp(t, db)
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
		unit := app.caller(app.users["handler@unit"])
		id := applicant.submittedApp(planID, plan.Year).ID
		reports := reviewPathOf(id) + "/reports"

		v := unit.view(id)
		for _, s := range v.Slots {
			if unitSlot := s.Key == "basic/recommendation" || s.Key == "moral/publicity"; s.ByUnit != unitSlot || s.ByUnit && (s.Required || len(s.Files) != 0) {
				t.Errorf("slot %+v", s)
			}
		}
		send := func(c *tokenCaller, version int64, slot string, seed int) *http.Response {
			return c.upload(reports, field("version", itoa(version)), field("slot", slot), filePart("file", "单位报告.jpg", testJPEG(t, seed)))
		}
		// Who may not.
		readError(t, send(app.caller("p_other_handler"), v.Version, "basic/recommendation", 1), http.StatusNotFound, "not_found")
		for _, who := range []string{app.users["applicant@unit"], app.users["handler@city"], app.users["handler@office"]} {
			readError(t, send(app.caller(who), v.Version, "basic/recommendation", 1), http.StatusForbidden, "forbidden")
		}
		// What may not.
		e := readError(t, send(unit, v.Version, "basic/photo", 1), http.StatusUnprocessableEntity, "invalid")
		if !apiHasProblem(e, "R-FLOW-01", "slot") {
			t.Errorf("the applicant's slot: %+v", e.Error.Details)
		}
		e = readError(t, unit.upload(reports, field("slot", "basic/recommendation"), filePart("file", "a.jpg", testJPEG(t, 1))), http.StatusUnprocessableEntity, "invalid")
		if !apiHasProblem(e, "", "version") {
			t.Errorf("no version: %+v", e.Error.Details)
		}
		readError(t, send(unit, v.Version-1, "basic/recommendation", 1), http.StatusConflict, "conflict")
		if got := unit.view(id); got.Version != v.Version {
			t.Fatalf("refusals changed the application: version %d", got.Version)
		}

		// The unit uploads: 201, the reviewer's download address, the version advanced.
		up := readJSON[apiUploaded](t, send(unit, v.Version, "basic/recommendation", 2), http.StatusCreated)
		if up.Version != v.Version+1 || up.Evidence.Slot != "basic/recommendation" || !strings.HasPrefix(up.Evidence.URL, reviewPathOf(id)+"/files/") || up.Evidence.CreatedAt == nil {
			t.Fatalf("upload = %+v", up)
		}
		if res := unit.call("GET", up.Evidence.URL, nil); res.StatusCode != http.StatusOK {
			t.Errorf("download of the report: %d", res.StatusCode)
		}
		// The applicant's draft cannot take the unit's documents.
		app.addUser(model.OrgUnit, "p_drafter", model.RoleApplicant)
		drafter := app.caller("p_drafter")
		draft := drafter.start(planID)
		e = readError(t, drafter.uploadFile(draft.ID, draft.Version, "moral/publicity", "公示.jpg", testJPEG(t, 3)), http.StatusForbidden, "forbidden")
		if !apiHasProblem(e, "R-FLOW-01", "slot") || e.Error.Message != "该材料由所在单位在审核时上传" {
			t.Errorf("the applicant uploads the unit's report: %+v", e.Error)
		}

		// Recommending waits for both.
		unit.done(id, "start_publicity", map[string]any{"version": up.Version}, "unit_publicity")
		v = unit.view(id)
		clock.freeze(apiInstant(t, *v.PublicityEnd))
		e = readError(t, unit.act(id, "recommend", map[string]any{"version": v.Version}), http.StatusConflict, "conflict")
		if !apiHasProblem(e, "R-FLOW-01", "") || !strings.Contains(e.Error.Message, "尚未上传单位出具的公示报告及公示照片，") {
			t.Errorf("recommend with one report: %+v", e.Error)
		}
		pub := readJSON[apiUploaded](t, send(unit, v.Version, "moral/publicity", 4), http.StatusCreated)
		// Removal: DELETE with the version; without one 422, stale 409.
		readError(t, unit.call("DELETE", reports+"/"+itoa(pub.Evidence.ID), nil), http.StatusUnprocessableEntity, "invalid")
		readError(t, unit.call("DELETE", reports+"/"+itoa(pub.Evidence.ID)+"?version="+itoa(v.Version), nil), http.StatusConflict, "conflict")
		e = readError(t, unit.call("DELETE", reports+"/"+itoa(unit.view(id).Slots[0].Files[0].ID)+"?version="+itoa(pub.Version), nil), http.StatusForbidden, "forbidden")
		if !apiHasProblem(e, "R-FLOW-01", "file_id") {
			t.Errorf("the unit removes the applicant's file: %+v", e.Error.Details)
		}
		removed := readJSON[apiVersion](t, unit.call("DELETE", reports+"/"+itoa(pub.Evidence.ID)+"?version="+itoa(pub.Version), nil), http.StatusOK)
		if removed.Version != pub.Version+1 {
			t.Errorf("version after removal: %d", removed.Version)
		}
		readError(t, unit.act(id, "recommend", map[string]any{"version": removed.Version}), http.StatusConflict, "conflict")
		again := readJSON[apiUploaded](t, send(unit, removed.Version, "moral/publicity", 5), http.StatusCreated)
		unit.done(id, "recommend", map[string]any{"version": again.Version}, "recommended")
		// Recommended: the unit's documents are closed.
		e = readError(t, send(unit, again.Version+1, "moral/publicity", 6), http.StatusConflict, "conflict")
		if !apiHasProblem(e, "R-FLOW-01", "") {
			t.Errorf("upload after recommending: %+v", e.Error.Details)
		}
	})
}
