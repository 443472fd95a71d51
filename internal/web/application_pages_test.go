package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"zhicheng/internal/demo"
	"zhicheng/internal/model"
	"zhicheng/internal/presets"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// The applicant's pages of issue #4 — start, the form module by module with its uploads, the
// pre-submit check, the pledge and submission — through the real server on every engine.

// pageApp is the server with a blob store, the personas, an open plan of the example form's
// series, and the applicant signed in.
type pageApp struct {
	*testApp
	plan  model.Plan
	c     *client
	actor model.Actor
	clock *planClock
}

func newPageApp(t *testing.T, db *store.DB) *pageApp {
	t.Helper()
	app, clock := newPlanAPIApp(t, db)
	app.withPersonas()
	p := presets.OpenToday(time.Now())
	p.CommitteeID = app.orgs[model.OrgCommittee]
	id, err := app.svc.Plans.Create(context.Background(), model.SystemActor("test"), p)
	if err != nil {
		t.Fatalf("create open plan: %v", err)
	}
	if p, err = app.svc.Plans.Get(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	pa := &pageApp{testApp: app, plan: p, c: app.client().login(app.users["applicant@unit"]), clock: clock}
	pa.actor = pa.actorOf(app.users["applicant@unit"])
	return pa
}

func (pa *pageApp) actorOf(username string) model.Actor {
	pa.t.Helper()
	var uid int64
	err := pa.db.View(context.Background(), func(q *store.Q) error {
		c, err := q.CredentialsByLogin(context.Background(), username, "")
		uid = c.UserID
		return err
	})
	if err != nil {
		pa.t.Fatal(err)
	}
	a, err := pa.svc.Accounts.Actor(context.Background(), uid)
	if err != nil {
		pa.t.Fatal(err)
	}
	return a
}

// start starts the application through the list page's button and returns its id.
func (pa *pageApp) start() int64 {
	pa.t.Helper()
	res := pa.c.post("/applications", url.Values{"plan_id": {strconv.FormatInt(pa.plan.ID, 10)}})
	loc := res.Header.Get("Location")
	m := regexp.MustCompile(`^/applications/(\d+)/m/0$`).FindStringSubmatch(loc)
	if res.StatusCode != http.StatusSeeOther || m == nil {
		pa.t.Fatalf("start: status %d location %q\n%s", res.StatusCode, loc, bodyOf(res))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func (pa *pageApp) view(id int64) service.View {
	pa.t.Helper()
	v, err := pa.svc.Applications.Get(context.Background(), pa.actor, id)
	if err != nil {
		pa.t.Fatal(err)
	}
	return v
}

// moduleValues is module m's form as the page renders it: every named input, select and
// textarea with its value (checkboxes only when checked), as a browser would post it.
func moduleValues(t *testing.T, d *goquery.Document) url.Values {
	t.Helper()
	v := url.Values{}
	d.Find("#module-form input, #module-form select, #module-form textarea").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		if name == "" || name == "action" || s.AttrOr("form", "") != "" {
			return
		}
		switch {
		case goquery.NodeName(s) == "select":
			v.Add(name, s.Find("option[selected]").AttrOr("value", ""))
		case goquery.NodeName(s) == "textarea":
			v.Add(name, s.Text())
		case s.AttrOr("type", "") == "checkbox":
			if _, ok := s.Attr("checked"); ok {
				v.Add(name, s.AttrOr("value", "1"))
			}
		default:
			v.Add(name, s.AttrOr("value", ""))
		}
	})
	return v
}

func (pa *pageApp) moduleForm(id int64, m int) (*goquery.Document, url.Values) {
	pa.t.Helper()
	res := pa.c.get(fmt.Sprintf("/applications/%d/m/%d", id, m))
	if res.StatusCode != http.StatusOK {
		pa.t.Fatalf("module %d: status %d", m, res.StatusCode)
	}
	d := doc(pa.t, res)
	return d, moduleValues(pa.t, d)
}

// pageJPEG is a small real JPEG.
func pageJPEG(t *testing.T, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 56))
	for y := range 56 {
		for x := range 40 {
			img.Set(x, y, color.RGBA{uint8(x * 6), uint8(y*4 + seed*13), uint8(seed * 31), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// uploadPage posts files to a slot as the page's upload form does (version and slot first).
func (pa *pageApp) uploadPage(id, version int64, slot string, accept string, files map[string][]byte, combine bool) *http.Response {
	pa.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("version", strconv.FormatInt(version, 10))
	mw.WriteField("slot", slot)
	if combine {
		mw.WriteField("combine", "1")
	}
	for name, data := range files {
		w, _ := mw.CreateFormFile("file", name)
		w.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/applications/%d/files", pa.ts.URL, id), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return pa.c.do(req)
}

func TestApplicationPages_startAndList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pa := newPageApp(t, db)
		d := doc(t, pa.c.get("/applications"))
		if d.Find(fmt.Sprintf("#open-plan-%d form.start-form", pa.plan.ID)).Length() != 1 {
			t.Fatalf("open plan has no start button:\n%s", d.Find("#open-plans").Text())
		}
		id := pa.start()

		d = doc(t, pa.c.get("/applications"))
		if got := strings.TrimSpace(d.Find(fmt.Sprintf("#app-%d .app-status", id)).Text()); got != "草稿" {
			t.Errorf("my applications show status %q, want 草稿", got)
		}
		if d.Find(fmt.Sprintf("#open-plan-%d", pa.plan.ID)).Length() != 0 {
			t.Error("a started plan is still offered to start")
		}
		// The basics page: the plan's levels as choices, the person from the account.
		d, _ = pa.moduleForm(id, 0)
		if n := d.Find(`select[name="basics.level_code"] option`).Length(); n != len(pa.plan.Levels)+1 {
			t.Errorf("level choices: %d options for %d levels", n, len(pa.plan.Levels))
		}
		if got := d.Find("#applicant-name").Text(); got != pa.actor.Name {
			t.Errorf("applicant name %q, want %q", got, pa.actor.Name)
		}
		if d.Find("#module-nav a").Length() != 8 {
			t.Errorf("module navigation: %d links, want 6 modules, check and submit", d.Find("#module-nav a").Length())
		}
		// The overview names the status and who holds it.
		d = doc(t, pa.c.get(fmt.Sprintf("/applications/%d", id)))
		if got := d.Find("#app-status").Text(); got != "草稿" {
			t.Errorf("overview status %q", got)
		}
		if got := d.Find("#app-holder").Text(); !strings.Contains(got, "本人") {
			t.Errorf("overview holder %q", got)
		}
	})
}

// Saving module 1 changes module 1 only, keeps list order, and "添加一条" adds an entry with a
// server-made ID and comes back to it.
func TestApplicationPages_saveModuleAndAddEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pa := newPageApp(t, db)
		id := pa.start()
		_, vals := pa.moduleForm(id, 5)
		vals.Set("summary", "本人从事培训工作。")
		if res := pa.c.post(fmt.Sprintf("/applications/%d/m/5", id), vals); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save summary: %d\n%s", res.StatusCode, bodyOf(res))
		}

		_, vals = pa.moduleForm(id, 1)
		vals.Set("basic.ethnicity", "汉族")
		vals.Set("basic.career_start", "2011年7月")
		vals.Set("basic.not_civil_servant", "1")
		vals.Set("action", "add:education")
		res := pa.c.post(fmt.Sprintf("/applications/%d/m/1", id), vals)
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !regexp.MustCompile(`/m/1#f-education-[0-9a-f]{16}$`).MatchString(loc) {
			t.Fatalf("add education: %d %q\n%s", res.StatusCode, loc, bodyOf(res))
		}
		v := pa.view(id)
		b := v.App.Form.Basic
		if b.Ethnicity != "汉族" || b.CareerStart != "2011-07" || !b.NotCivilServant || len(b.Education) != 1 {
			t.Fatalf("saved module 1: %+v", b)
		}
		if v.App.Form.Summary != "本人从事培训工作。" {
			t.Errorf("module 5 changed by saving module 1: %q", v.App.Form.Summary)
		}
		eid := b.Education[0].ID
		d, vals := pa.moduleForm(id, 1)
		if d.Find("#f-education-"+eid).Length() != 1 || d.Find(`#f-education-`+eid+`-school`).Length() != 1 {
			t.Fatalf("new entry not on the page")
		}
		vals.Set("education."+eid+".school", "兰州大学")
		vals.Set("education."+eid+".level", string(model.EduBachelor))
		vals.Set("action", "next")
		res = pa.c.post(fmt.Sprintf("/applications/%d/m/1", id), vals)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/applications/%d/m/2", id) {
			t.Fatalf("save and next: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if e := pa.view(id).App.Form.Basic.Education[0]; e.School != "兰州大学" || e.Level != model.EduBachelor || e.ID != eid {
			t.Errorf("entry after save: %+v", e)
		}
	})
}

func TestR_APP_07_summaryLimitOnPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pa := newPageApp(t, db)
		id := pa.start()
		_, vals := pa.moduleForm(id, 5)
		typed := strings.Repeat("职", 801)
		vals.Set("summary", typed)
		res := pa.c.post(fmt.Sprintf("/applications/%d/m/5", id), vals)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("801 characters: status %d, want 422", res.StatusCode)
		}
		d := doc(t, res)
		fieldErr := d.Find("#f-summary").Parent().Find(".field-error").Text()
		if !strings.Contains(fieldErr, "801") || !strings.Contains(fieldErr, "R-APP-07") {
			t.Errorf("error next to the summary: %q", fieldErr)
		}
		if got := d.Find("#f-summary").Text(); got != typed {
			t.Errorf("typed summary not kept: %d characters", len([]rune(got)))
		}
		if href := d.Find(`#errors a`).AttrOr("href", ""); href != "#f-summary" {
			t.Errorf("error summary links to %q", href)
		}
		if pa.view(id).App.Form.Summary != "" {
			t.Error("refused summary was saved")
		}
		// 800 is allowed.
		vals.Set("summary", strings.Repeat("职", 800))
		if res := pa.c.post(fmt.Sprintf("/applications/%d/m/5", id), vals); res.StatusCode != http.StatusSeeOther {
			t.Errorf("800 characters: status %d", res.StatusCode)
		}
	})
}

// R-APP-04: a save from a page loaded before another save is a conflict; the page keeps
// what was typed, says where the stored form differs, and names the stored version.
func TestR_APP_04_staleVersionKeepsTypedValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pa := newPageApp(t, db)
		id := pa.start()
		_, tab1 := pa.moduleForm(id, 1)
		_, tab2 := pa.moduleForm(id, 1)
		tab1.Set("basic.ethnicity", "汉族")
		if res := pa.c.post(fmt.Sprintf("/applications/%d/m/1", id), tab1); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("first tab: %d", res.StatusCode)
		}
		tab2.Set("basic.ethnicity", "回族")
		tab2.Set("basic.career_start", "2012-09")
		res := pa.c.post(fmt.Sprintf("/applications/%d/m/1", id), tab2)
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("stale tab: status %d, want 409", res.StatusCode)
		}
		d := doc(t, res)
		if !strings.Contains(d.Find("#conflict").Text(), "其他页面或设备上修改") {
			t.Errorf("conflict message: %q", d.Find("#conflict").Text())
		}
		if !strings.Contains(d.Find("#conflict .conflict-list").Text(), "汉族") {
			t.Errorf("conflict does not show the other tab's value: %q", d.Find("#conflict").Text())
		}
		if got := d.Find("#f-basic-ethnicity").AttrOr("value", ""); got != "回族" {
			t.Errorf("typed ethnicity not kept: %q", got)
		}
		if got := d.Find("#f-basic-career_start").AttrOr("value", ""); got != "2012-09" {
			t.Errorf("typed career start not kept: %q", got)
		}
		v := pa.view(id)
		if v.App.Form.Basic.Ethnicity != "汉族" {
			t.Errorf("the first tab's save was overwritten: %q", v.App.Form.Basic.Ethnicity)
		}
		if got := d.Find(`#module-form input[name=version]`).AttrOr("value", ""); got != strconv.FormatInt(v.App.Version, 10) {
			t.Errorf("page names version %s, stored is %d", got, v.App.Version)
		}
		// Saving again is a deliberate choice: the page's values win for this module.
		if res := pa.c.post(fmt.Sprintf("/applications/%d/m/1", id), moduleValues(t, d)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save after conflict: %d", res.StatusCode)
		}
		if got := pa.view(id).App.Form.Basic.Ethnicity; got != "回族" {
			t.Errorf("after the second save: %q", got)
		}

		// The autosave gets JSON: the new version, or the conflict.
		_, vals := pa.moduleForm(id, 0)
		auto := func(vals url.Values) (*http.Response, map[string]any) {
			req, _ := http.NewRequest("POST", fmt.Sprintf("%s/applications/%d/m/0", pa.ts.URL, id), strings.NewReader(vals.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Autosave", "1")
			res := pa.c.do(req)
			var body map[string]any
			json.Unmarshal([]byte(bodyOf(res)), &body)
			return res, body
		}
		vals.Set("basics.scope", string(model.ScopeProvince))
		res, body := auto(vals)
		if res.StatusCode != http.StatusOK || body["version"] == nil || body["saved_at_text"] == nil {
			t.Fatalf("autosave: %d %v", res.StatusCode, body)
		}
		res, body = auto(vals) // the same, stale, version again
		if res.StatusCode != http.StatusConflict || body["error"] == nil {
			t.Errorf("stale autosave: %d %v", res.StatusCode, body)
		}
	})
}

func TestR_APP_01_uploadOnPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pa := newPageApp(t, db)
		id := pa.start()
		v := pa.view(id)
		res := pa.uploadPage(id, v.App.Version, "basic/photo", "", map[string][]byte{"照片.jpg": pageJPEG(t, 1)}, false)
		if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "/m/1#slot-basic-photo") {
			t.Fatalf("upload: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), bodyOf(res))
		}
		d, _ := pa.moduleForm(id, 1)
		img := d.Find("#slot-basic-photo .file .thumb img")
		src := img.AttrOr("src", "")
		if !regexp.MustCompile(fmt.Sprintf(`^/applications/%d/files/\d+$`, id)).MatchString(src) {
			t.Fatalf("no thumbnail for the photo: %q\n%s", src, d.Find("#slot-basic-photo").Text())
		}
		if !strings.Contains(d.Find("#slot-basic-photo .file-name").Text(), "照片.jpg") {
			t.Errorf("file name not listed: %q", d.Find("#slot-basic-photo").Text())
		}
		file := pa.c.get(src)
		if file.StatusCode != http.StatusOK || file.Header.Get("Content-Type") != "image/jpeg" ||
			file.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(file.Header.Get("Content-Disposition"), "inline") {
			t.Errorf("file: %d %v", file.StatusCode, file.Header)
		}

		// A PNG named .jpg is refused by its content, with the reason next to the slot.
		var pngData bytes.Buffer
		png.Encode(&pngData, image.NewRGBA(image.Rect(0, 0, 16, 16)))
		res = pa.uploadPage(id, pa.view(id).App.Version, "qualification/certificate", "", map[string][]byte{"资格证书.jpg": pngData.Bytes()}, false)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("PNG as .jpg: status %d", res.StatusCode)
		}
		d = doc(t, res)
		refusal := d.Find("#slot-qualification-certificate .field-error").Text()
		if !strings.Contains(refusal, "PNG") || !strings.Contains(refusal, "R-APP-01") {
			t.Errorf("refusal next to the slot: %q", refusal)
		}
		// The script's upload reads JSON: the new version, or the refusal.
		res = pa.uploadPage(id, pa.view(id).App.Version, "qualification/certificate", "application/json", map[string][]byte{"a.jpg": pageJPEG(t, 2), "b.jpg": pageJPEG(t, 3)}, true)
		var body struct {
			Version int64
			Files   []struct{ Kind string }
		}
		if err := json.Unmarshal([]byte(bodyOf(res)), &body); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("JSON upload: %d %s", res.StatusCode, bodyOf(res))
		}
		if body.Version != pa.view(id).App.Version || len(body.Files) != 1 || body.Files[0].Kind != "application/pdf" {
			t.Errorf("combined upload: %+v", body)
		}
		res = pa.uploadPage(id, 1, "qualification/certificate", "application/json", map[string][]byte{"c.jpg": pageJPEG(t, 4)}, false)
		if res.StatusCode != http.StatusConflict || !strings.Contains(bodyOf(res), "conflict") {
			t.Errorf("stale upload: %d %s", res.StatusCode, bodyOf(res))
		}
	})
}

// R-ELG-10: the check page lists every finding grouped by module, and each link leads to an
// element of that id on the page it names.
func TestR_ELG_10_checkPageLinksToEveryFix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pa := newPageApp(t, db)
		id := pa.start()
		f := demo.ExampleForm(pa.plan.Year)
		f.Achievements.Papers[0].Title = ""
		f.Basic.Qualification.Obtained = ""
		f.Summary = ""
		v := pa.view(id)
		if _, err := pa.svc.Applications.Save(context.Background(), pa.actor, id, v.App.Version, f); err != nil {
			t.Fatal(err)
		}
		res := pa.c.get(fmt.Sprintf("/applications/%d/check", id))
		d := doc(t, res)
		groups := d.Find(".check-group")
		if groups.Length() < 4 {
			t.Fatalf("findings grouped in %d modules:\n%s", groups.Length(), d.Find("#check-groups").Text())
		}
		pages := map[string]*goquery.Document{}
		checked := 0
		d.Find("a.finding-link").Each(func(_ int, a *goquery.Selection) {
			href := a.AttrOr("href", "")
			page, anchor, _ := strings.Cut(href, "#")
			if anchor == "" {
				t.Errorf("finding %q links to %q without an anchor", a.Parent().Find(".finding-msg").Text(), href)
				return
			}
			if pages[page] == nil {
				pages[page] = doc(t, pa.c.get(page))
			}
			if pages[page].Find("#"+anchor).Length() != 1 {
				t.Errorf("finding %q: %s has no element #%s", strings.TrimSpace(a.Parent().Find(".finding-msg").Text()), page, anchor)
			}
			checked++
		})
		if checked < 10 {
			t.Errorf("only %d finding links", checked)
		}
		for _, want := range []string{"#f-papers-p1-title", "#f-qualification-obtained", "#f-summary", "#slot-basic-photo", "#pledge"} {
			if d.Find(`a.finding-link[href$="`+want+`"]`).Length() == 0 {
				t.Errorf("no finding links to %s", want)
			}
		}
	})
}

// R-APP-03, R-APP-05, R-APP-08: the pledge is signed with the real name, the complete
// application is submitted, the overview says so and to whom, and the form is read-only.
func TestR_APP_03_pledgeSubmitAndReadOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pa := newPageApp(t, db)
		id := pa.start()
		ctx := context.Background()
		v := pa.view(id)
		version, err := pa.svc.Applications.Save(ctx, pa.actor, id, v.App.Version, demo.ExampleForm(pa.plan.Year))
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range pa.view(id).Slots {
			if s.ByUnit {
				continue
			}
			if _, version, err = pa.svc.Applications.Upload(ctx, pa.actor, id, version, s.Key, "scan.jpg", bytes.NewReader(pageJPEG(t, i))); err != nil {
				t.Fatalf("upload %s: %v", s.Key, err)
			}
		}
		d := doc(t, pa.c.get(fmt.Sprintf("/applications/%d/submit", id)))
		if d.Find("#check-groups, .check-group").Length() != 1 || !strings.Contains(d.Find(".check-group").Text(), "诚信承诺") {
			t.Errorf("before signing, the only finding should be the pledge:\n%s", d.Find("#check-result").Text())
		}
		res := pa.c.post(fmt.Sprintf("/applications/%d/pledge", id), url.Values{"signer": {"别人"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, res).Find("#pledge .field-error").Text(), "实名") {
			t.Fatalf("wrong signer: %d", res.StatusCode)
		}
		if res := pa.c.post(fmt.Sprintf("/applications/%d/pledge", id), url.Values{"signer": {pa.actor.Name}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign: %d\n%s", res.StatusCode, bodyOf(res))
		}
		d = doc(t, pa.c.get(fmt.Sprintf("/applications/%d/submit", id)))
		if !strings.Contains(d.Find("#pledge-signed").Text(), pa.actor.Name) || d.Find(".check-group").Length() != 0 {
			t.Fatalf("after signing:\n%s", d.Find("#check-result, #pledge").Text())
		}
		res = pa.c.post(fmt.Sprintf("/applications/%d/submit", id), url.Values{"version": {d.Find(`#submit-form input[name=version]`).AttrOr("value", "")}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/applications/%d", id) {
			t.Fatalf("submit: %d\n%s", res.StatusCode, bodyOf(res))
		}
		d = doc(t, pa.c.get(fmt.Sprintf("/applications/%d", id)))
		if got := d.Find("#app-status").Text(); !strings.Contains(got, "已提交") {
			t.Errorf("status after submit: %q", got)
		}
		if got := d.Find("#app-holder").Text(); !strings.Contains(got, pa.actor.OrgName) {
			t.Errorf("holder after submit: %q, want the unit %q", got, pa.actor.OrgName)
		}
		if d.Find("#app-submitted").Text() == "" || !strings.Contains(d.Find("#history").Text(), "提交申报（"+pa.actor.OrgName+"），第 1 版") {
			t.Errorf("submission time and history: %q", d.Find("#history").Text())
		}
		for m := 0; m <= lastModule; m++ {
			d := doc(t, pa.c.get(fmt.Sprintf("/applications/%d/m/%d", id, m)))
			if n := d.Find("main input, main select, main textarea, main .upload, main form[action*='/files']").Length(); n != 0 {
				t.Errorf("module %d of a submitted application has %d inputs or upload forms", m, n)
			}
			if d.Find("#readonly-note").Length() != 1 {
				t.Errorf("module %d does not say why it is read-only", m)
			}
		}
		if d := doc(t, pa.c.get(fmt.Sprintf("/applications/%d/m/1", id))); d.Find("#slot-basic-photo .thumb img").Length() != 1 {
			t.Error("files of a submitted application are not shown")
		}
		vals := url.Values{"version": {strconv.FormatInt(pa.view(id).App.Version, 10)}, "basic.ethnicity": {"回族"}}
		if res := pa.c.post(fmt.Sprintf("/applications/%d/m/1", id), vals); res.StatusCode != http.StatusConflict {
			t.Errorf("saving a submitted application: %d", res.StatusCode)
		}
		if d := doc(t, pa.c.get(fmt.Sprintf("/applications/%d/versions", id))); d.Find("#v1").Length() != 1 {
			t.Error("versions page does not list version 1")
		}
	})
}

// R-ORG-02: another applicant sees none of it.
func TestR_ORG_02_applicationPagesOwnOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pa := newPageApp(t, db)
		id := pa.start()
		if _, _, err := pa.svc.Applications.Upload(context.Background(), pa.actor, id, pa.view(id).App.Version, "basic/photo", "p.jpg", bytes.NewReader(pageJPEG(t, 1))); err != nil {
			t.Fatal(err)
		}
		fid := pa.view(id).Evidence[0].ID
		pa.addUser(model.OrgUnit, "other_applicant", model.RoleApplicant)
		other := pa.client().login("other_applicant")
		for _, path := range []string{"", "/m/1", "/check", "/submit", "/versions", fmt.Sprintf("/files/%d", fid)} {
			if res := other.get(fmt.Sprintf("/applications/%d%s", id, path)); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s as another applicant: %d", path, res.StatusCode)
			}
		}
		if res := other.post(fmt.Sprintf("/applications/%d/m/1", id), url.Values{"version": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("save as another applicant: %d", res.StatusCode)
		}
		if res := other.post(fmt.Sprintf("/applications/%d/files/%d/delete", id, fid), url.Values{"version": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("delete as another applicant: %d", res.StatusCode)
		}
	})
}

// R-APP-04: every field survives the pages. Each module page of a complete form, posted back
// as rendered, leaves the stored form exactly as it was, and every date input has the type
// its value needs (a month input would blank a full date).
func TestR_APP_04_everyFieldRoundTrips(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pa := newPageApp(t, db)
		id := pa.start()
		want := demo.ExampleForm(pa.plan.Year)
		want.Basic.Education = append(want.Basic.Education, model.Education{ID: "edu2", Kind: model.EduForeign, School: "墨尔本大学",
			Graduated: "2015-12", Degree: model.DegreeMaster})
		want.Achievements.ThinkTank = []model.ThinkTank{{ID: "tt1", Title: "关于职工培训的建议", Type: model.ThinkTankInstruction,
			Date: "2023-05-06", OfficialRank: model.OfficialBureauMain, Wording: "\n很有参考价值。\n请研究吸收。"}}
		want.Basic.Qualification.Transferred = true
		want.Basic.Qualification.OriginalSeries = "经济"
		if _, err := pa.svc.Applications.Save(context.Background(), pa.actor, id, pa.view(id).App.Version, want); err != nil {
			t.Fatal(err)
		}
		stored := pa.view(id).App.Form
		for m := 0; m <= lastModule; m++ {
			d, vals := pa.moduleForm(id, m)
			d.Find(`#module-form input[type=date], #module-form input[type=month]`).Each(func(_ int, s *goquery.Selection) {
				v := model.Date(s.AttrOr("value", ""))
				if v != "" && (s.AttrOr("type", "") == "month") != v.MonthOnly() {
					t.Errorf("module %d: %s has value %q in a %s input", m, s.AttrOr("name", ""), v, s.AttrOr("type", ""))
				}
			})
			if res := pa.c.post(fmt.Sprintf("/applications/%d/m/%d", id, m), vals); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("module %d posted back: %d\n%s", m, res.StatusCode, doc(t, res).Find("#errors").Text())
			}
		}
		got := pa.view(id).App.Form
		a, _ := json.Marshal(stored)
		b, _ := json.Marshal(got)
		if !bytes.Equal(a, b) {
			t.Errorf("the form changed by saving every page unchanged:\nbefore %s\nafter  %s", a, b)
		}
	})
}

// Typed numbers that do not parse come back as typed, with every other problem of the page.
func TestApplicationPages_badNumbersKeptAsTyped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pa := newPageApp(t, db)
		id := pa.start()
		_, vals := pa.moduleForm(id, 4)
		vals.Set("action", "add:papers")
		pa.c.post(fmt.Sprintf("/applications/%d/m/4", id), vals)
		pid := pa.view(id).App.Form.Achievements.Papers[0].ID
		_, vals = pa.moduleForm(id, 4)
		vals.Set("papers."+pid+".plagiarism_rate", "十二")
		vals.Set("papers."+pid+".issn", "1234")
		vals.Set("papers."+pid+".published", "2023年5月")
		res := pa.c.post(fmt.Sprintf("/applications/%d/m/4", id), vals)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad rate: %d", res.StatusCode)
		}
		d := doc(t, res)
		if got := d.Find("#f-papers-"+pid+"-plagiarism_rate").AttrOr("value", ""); got != "十二" {
			t.Errorf("typed rate not kept: %q", got)
		}
		for _, f := range []string{"plagiarism_rate", "issn"} {
			if d.Find("#f-papers-"+pid+"-"+f).Parent().Find(".field-error").Length() == 0 {
				t.Errorf("no error next to %s", f)
			}
		}
		if got := d.Find("#f-papers-"+pid+"-published").AttrOr("value", ""); got != "2023-05" {
			t.Errorf("date typed as 2023年5月 shown as %q", got)
		}
	})
}

// R-CAL-02: once the application window has closed, the pages say so, offer no inputs, and a
// submission is refused with the closing time.
func TestR_CAL_02_closedWindowOnPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pa := newPageApp(t, db)
		// A plan whose application window closes within the hour (sessions outlive it).
		p := presets.OpenToday(time.Now())
		p.CommitteeID, p.Series, p.Name = pa.orgs[model.OrgCommittee], "人力资源培训（即将截止）", "即将截止的评审计划"
		end := time.Now().Add(time.Hour)
		for i := range p.Windows {
			if p.Windows[i].Kind == model.WindowApply {
				p.Windows[i].End = end
			}
		}
		pid, err := pa.svc.Plans.Create(context.Background(), model.SystemActor("test"), p)
		if err != nil {
			t.Fatal(err)
		}
		pa.plan.ID = pid
		id := pa.start()
		version := pa.view(id).App.Version
		pa.clock.set(time.Until(end) + time.Millisecond)
		d := doc(t, pa.c.get(fmt.Sprintf("/applications/%d/m/1", id)))
		if note := d.Find("#readonly-note").Text(); !strings.Contains(note, "R-CAL-02") {
			t.Errorf("closed window note: %q", note)
		}
		if d.Find("#module-form").Length() != 0 {
			t.Error("the form is still editable after the window closed")
		}
		res := pa.c.post(fmt.Sprintf("/applications/%d/submit", id), url.Values{"version": {strconv.FormatInt(version, 10)}})
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("late submission: %d", res.StatusCode)
		}
		if msg := doc(t, res).Find("#errors").Text(); !strings.Contains(msg, "R-CAL-02") {
			t.Errorf("late submission refused with %q", msg)
		}
		if d := doc(t, pa.c.get("/applications")); d.Find(fmt.Sprintf("#open-plan-%d", pa.plan.ID)).Length() != 0 {
			t.Error("a closed plan is offered to start")
		}
	})
}

// [同步学信网] saves the page first, then asks the records service; when it cannot verify,
// the reason and what to upload instead show next to the certificate number.
func TestApplicationPages_educationSyncRefusalNextToField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pa := newPageApp(t, db)
		id := pa.start()
		_, vals := pa.moduleForm(id, 1)
		vals.Set("action", "add:education")
		pa.c.post(fmt.Sprintf("/applications/%d/m/1", id), vals)
		eid := pa.view(id).App.Form.Basic.Education[0].ID
		d, vals := pa.moduleForm(id, 1)
		sync := d.Find(fmt.Sprintf(`#f-education-%s button[value="sync:%s"]`, eid, eid))
		if sync.Length() != 1 {
			t.Fatal("no [同步学信网] button on the education entry")
		}
		vals.Set("education."+eid+".certificate_no", "107301201305001234")
		vals.Set("education."+eid+".school", "兰州大学")
		vals.Set("action", "sync:"+eid)
		res := pa.c.post(fmt.Sprintf("/applications/%d/m/1", id), vals)
		if res.StatusCode == http.StatusSeeOther || res.StatusCode >= 500 {
			t.Fatalf("sync without a records service: %d", res.StatusCode)
		}
		d = doc(t, res)
		if d.Find("#f-education-"+eid+"-certificate_no").Parent().Find(".field-error").Length() == 0 {
			t.Errorf("sync refusal not next to the certificate number:\n%s", d.Find("#errors").Text())
		}
		if e := pa.view(id).App.Form.Basic.Education[0]; e.School != "兰州大学" || e.CertificateNo != "107301201305001234" {
			t.Errorf("the page was not saved before the sync: %+v", e)
		}
	})
}

// The files of a slot are reordered, combined into one PDF (R-APP-02) and deleted from the
// module page's buttons, each naming the version the page was loaded at.
func TestR_APP_02_reorderCombineDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pa := newPageApp(t, db)
		id := pa.start()
		const slot = "qualification/certificate"
		for i, name := range []string{"第1页.jpg", "第2页.jpg"} {
			if res := pa.uploadPage(id, pa.view(id).App.Version, slot, "", map[string][]byte{name: pageJPEG(t, i)}, false); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("upload %s: %d", name, res.StatusCode)
			}
		}
		names := func() []string {
			v := pa.view(id)
			var out []string
			for _, e := range v.Files(slot) {
				out = append(out, e.Name)
			}
			return out
		}
		d, _ := pa.moduleForm(id, 1)
		version := d.Find(`#file-actions input[name=version]`).AttrOr("value", "")
		down := d.Find(`#slot-qualification-certificate .file-down`).First()
		res := pa.c.post(down.AttrOr("formaction", ""), url.Values{"version": {version}, "dir": {"down"}})
		if res.StatusCode != http.StatusSeeOther || fmt.Sprint(names()) != "[第2页.jpg 第1页.jpg]" {
			t.Fatalf("move down: %d, files %v", res.StatusCode, names())
		}
		d, _ = pa.moduleForm(id, 1)
		combine := d.Find(`#slot-qualification-certificate .slot-combine`)
		if combine.Length() != 1 {
			t.Fatal("no combine button for two images")
		}
		version = d.Find(`#file-actions input[name=version]`).AttrOr("value", "")
		res = pa.c.post(combine.AttrOr("formaction", ""), url.Values{"version": {version}, "slot": {slot}})
		v := pa.view(id)
		files := v.Files(slot)
		if res.StatusCode != http.StatusSeeOther || len(files) != 1 || files[0].Kind != "application/pdf" || files[0].Pages != 2 {
			t.Fatalf("combine: %d, files %+v", res.StatusCode, files)
		}
		d, _ = pa.moduleForm(id, 1)
		if info := d.Find(`#slot-qualification-certificate .file-info`).Text(); !strings.Contains(info, "2 页") {
			t.Errorf("PDF shown as %q", info)
		}
		del := d.Find(`#slot-qualification-certificate .file-delete`)
		// A stale version is refused next to the slot, and nothing is deleted.
		res = pa.c.post(del.AttrOr("formaction", ""), url.Values{"version": {version}})
		if res.StatusCode != http.StatusConflict || doc(t, res).Find("#slot-qualification-certificate .field-error").Length() == 0 || len(names()) != 1 {
			t.Fatalf("stale delete: %d, files %v", res.StatusCode, names())
		}
		version = d.Find(`#file-actions input[name=version]`).AttrOr("value", "")
		res = pa.c.post(del.AttrOr("formaction", ""), url.Values{"version": {version}})
		if res.StatusCode != http.StatusSeeOther || len(names()) != 0 {
			t.Fatalf("delete: %d, files %v", res.StatusCode, names())
		}
	})
}

// submitComplete fills the example form, uploads a file into every slot but the unit's
// reports, signs and submits, through the service as the applicant.
func (pa *pageApp) submitComplete(id int64) { pa.submitCompleteWith(id, nil) }

// submitCompleteWith is submitComplete with the example form changed by edit first.
func (pa *pageApp) submitCompleteWith(id int64, edit func(*model.Form)) {
	pa.t.Helper()
	ctx := context.Background()
	form := demo.ExampleForm(pa.plan.Year)
	if edit != nil {
		edit(&form)
	}
	version, err := pa.svc.Applications.Save(ctx, pa.actor, id, pa.view(id).App.Version, form)
	if err != nil {
		pa.t.Fatal(err)
	}
	for i, s := range pa.view(id).Slots {
		if s.ByUnit {
			continue
		}
		if _, version, err = pa.svc.Applications.Upload(ctx, pa.actor, id, version, s.Key, "scan.jpg", bytes.NewReader(pageJPEG(pa.t, i))); err != nil {
			pa.t.Fatalf("upload %s: %v", s.Key, err)
		}
	}
	if err := pa.svc.Applications.Sign(ctx, pa.actor, id, pa.actor.Name); err != nil {
		pa.t.Fatal(err)
	}
	if _, err := pa.svc.Applications.Submit(ctx, pa.actor, id, version); err != nil {
		pa.t.Fatal(err)
	}
}

// R-APP-08, R-APP-05: a returned application shows the full list of reasons, each linking to
// where it is fixed, on the overview and on the module it concerns; the applicant fixes it
// and resubmits; the history has every step and the versions page the field-level diff.
func TestR_APP_08_returnedReasonsAndResubmit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pa := newPageApp(t, db)
		id := pa.start()
		pa.submitComplete(id)
		unit := pa.actorOf(pa.users["handler@unit"])
		items := []rules.ReturnItem{
			{Slot: "basic/photo", Text: "证件照片不清晰，请重新上传 2 寸彩色证件照"},
			{Module: 5, Field: "summary", Text: "工作小结过于简略，请补充近五年的主要业绩"},
		}
		if _, err := pa.svc.Review.UnitReturn(context.Background(), unit, id, pa.view(id).App.Version, items); err != nil {
			t.Fatalf("unit return: %v", err)
		}
		d := doc(t, pa.c.get(fmt.Sprintf("/applications/%d", id)))
		if got := d.Find("#app-status").Text(); got != "退回修改" {
			t.Errorf("status %q", got)
		}
		links := d.Find("#returned a.finding-link")
		if links.Length() != 2 || links.Eq(0).AttrOr("href", "") != fmt.Sprintf("/applications/%d/m/1#slot-basic-photo", id) ||
			links.Eq(1).AttrOr("href", "") != fmt.Sprintf("/applications/%d/m/5#f-summary", id) {
			t.Fatalf("return reasons: %q", d.Find("#returned").Text())
		}
		if !strings.Contains(d.Find("#history").Text(), "退回修改") {
			t.Errorf("history has no return: %q", d.Find("#history").Text())
		}
		// The module the reason concerns says so, and may be edited again.
		d, vals := pa.moduleForm(id, 5)
		if !strings.Contains(d.Find("#returned").Text(), "过于简略") || d.Find("#module-form").Length() != 1 {
			t.Fatalf("module 5 of a returned application:\n%s", d.Find("main").Text())
		}
		vals.Set("summary", vals.Get("summary")+"近五年主持省级课题 1 项。")
		if res := pa.c.post(fmt.Sprintf("/applications/%d/m/5", id), vals); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save the fix: %d", res.StatusCode)
		}
		d = doc(t, pa.c.get(fmt.Sprintf("/applications/%d/submit", id)))
		if !strings.Contains(d.Find("#submit-btn").Text(), "重新提交") {
			t.Errorf("submit button of a returned application: %q", d.Find("#submit-btn").Text())
		}
		res := pa.c.post(fmt.Sprintf("/applications/%d/submit", id), url.Values{"version": {d.Find(`#submit-form input[name=version]`).AttrOr("value", "")}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("resubmit: %d\n%s", res.StatusCode, doc(t, res).Find("#errors, #check-result").Text())
		}
		d = doc(t, pa.c.get(fmt.Sprintf("/applications/%d", id)))
		if got := d.Find("#app-status").Text(); !strings.Contains(got, "已提交") || d.Find("#returned").Length() != 0 {
			t.Errorf("after resubmitting: status %q, returned shown %d", got, d.Find("#returned").Length())
		}
		d = doc(t, pa.c.get(fmt.Sprintf("/applications/%d/versions", id)))
		diff := d.Find("#v2 .diff-table").Text()
		if !strings.Contains(diff, "专业技术工作小结") || !strings.Contains(diff, "近五年主持省级课题") {
			t.Errorf("version 2's changes: %q", diff)
		}
	})
}
