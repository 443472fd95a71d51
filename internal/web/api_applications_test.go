package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zhicheng/internal/demo"
	"zhicheng/internal/evidence"
	"zhicheng/internal/evidence/evidencetest"
	"zhicheng/internal/model"
	"zhicheng/internal/presets"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// The JSON API of issue #4: an applicant's application — create, fill, upload, check, sign,
// submit, status and versions — through the real server on every engine. The callers use API
// tokens, as the units' HR systems do; a token outlives the clock jumps these tests make
// (a browser session is bounded by real time, not the test clock).

// appClock is planClock (real time moved by an offset) that can also be stopped at an exact
// instant: a window's last millisecond cannot be hit while real time runs.
type appClock struct {
	mu  sync.Mutex
	off time.Duration
	at  time.Time
}

func (c *appClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() {
		return c.at
	}
	return time.Now().Add(c.off)
}

// freeze stops the clock at t.
func (c *appClock) freeze(t time.Time) {
	c.mu.Lock()
	c.at = t
	c.mu.Unlock()
}

// newAppAPIApp is newPlanAPIApp (a blob store on disk for the evidence) with an appClock.
func newAppAPIApp(t *testing.T, db *store.DB) (*testApp, *appClock) {
	t.Helper()
	clock := &appClock{}
	app := newTestAppClock(t, db, clock.Now)
	app.withPersonas()
	return app, clock
}

// openPlan creates a plan whose application window is open now and returns it with its id.
func (app *testApp) openPlan() (int64, model.Plan) {
	app.t.Helper()
	p := presets.OpenToday(time.Now())
	p.CommitteeID = app.orgs[model.OrgCommittee]
	id, err := app.svc.Plans.Create(context.Background(), model.SystemActor("t"), p)
	if err != nil {
		app.t.Fatal(err)
	}
	return id, p
}

// tokenCaller is an integration calling the API with an account's token.
type tokenCaller struct {
	t     *testing.T
	app   *testApp
	token string
}

// caller issues an API token to the account and returns a caller that uses it.
func (app *testApp) caller(username string) *tokenCaller {
	app.t.Helper()
	ctx := context.Background()
	var uid int64
	err := app.db.View(ctx, func(q *store.Q) error {
		c, err := q.CredentialsByLogin(ctx, username, "")
		uid = c.UserID
		return err
	})
	if err != nil {
		app.t.Fatal(err)
	}
	a, err := app.svc.Accounts.Actor(ctx, uid)
	if err != nil {
		app.t.Fatal(err)
	}
	_, token, err := app.svc.Accounts.CreateToken(ctx, a, "人事系统对接测试", 366)
	if err != nil {
		app.t.Fatal(err)
	}
	return &tokenCaller{t: app.t, app: app, token: token}
}

func (c *tokenCaller) call(method, path string, body any) *http.Response {
	c.t.Helper()
	return c.app.bearer(c.token, method, path, body)
}

// part is one part of a multipart body: a field when fileName is empty.
type part struct {
	name, fileName string
	data           []byte
}

func field(name, value string) part { return part{name: name, data: []byte(value)} }

func filePart(name, fileName string, data []byte) part {
	return part{name: name, fileName: fileName, data: data}
}

// upload posts the parts in order as multipart/form-data.
func (c *tokenCaller) upload(path string, parts ...part) *http.Response {
	c.t.Helper()
	req := multipartRequest(c.t, c.app.ts.URL+path, parts...)
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := (&http.Client{}).Do(req)
	if err != nil {
		c.t.Fatalf("upload to %s: %v", path, err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(body))
	return res
}

// multipartRequest is a POST of the parts, in order, as multipart/form-data.
func multipartRequest(t *testing.T, url string, parts ...part) *http.Request {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.fileName == "" {
			w, err = mw.CreateFormField(p.name)
		} else {
			w, err = mw.CreateFormFile(p.name, p.fileName)
		}
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", url, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

// uploadFile uploads one file into a slot at version v.
func (c *tokenCaller) uploadFile(appID, v int64, slot, name string, data []byte) *http.Response {
	c.t.Helper()
	return c.upload(appPath(appID)+"/files", field("version", itoa(v)), field("slot", slot), filePart("file", name, data))
}

type apiEvidence struct {
	ID        int64   `json:"id"`
	Slot      string  `json:"slot"`
	Name      string  `json:"name"`
	Kind      string  `json:"kind"`
	Size      int64   `json:"size"`
	Pages     int     `json:"pages"`
	SHA256    string  `json:"sha256"`
	CreatedAt *string `json:"created_at"`
	URL       string  `json:"url"`
}

type apiUploaded struct {
	Evidence apiEvidence `json:"evidence"`
	Version  int64       `json:"version"`
}

type apiSlot struct {
	Key      string        `json:"key"`
	Label    string        `json:"label"`
	Required bool          `json:"required"`
	Multi    bool          `json:"multi"`
	Module   int           `json:"module"`
	ByUnit   bool          `json:"by_unit"`
	Files    []apiEvidence `json:"files"`
}

type apiApplication struct {
	ID          int64   `json:"id"`
	PlanID      int64   `json:"plan_id"`
	Status      string  `json:"status"`
	StatusLabel string  `json:"status_label"`
	Version     int64   `json:"version"`
	Submissions int     `json:"submissions"`
	SubmittedAt *string `json:"submitted_at"`
	Pledge      *struct {
		TextVersion string `json:"text_version"`
		SignedAt    string `json:"signed_at"`
		Signer      string `json:"signer"`
	} `json:"pledge"`
	Form          model.Form    `json:"form"`
	Slots         []apiSlot     `json:"slots"`
	UnlinkedFiles []apiEvidence `json:"unlinked_files"`
}

func (a apiApplication) slot(t *testing.T, key string) apiSlot {
	t.Helper()
	i := slices.IndexFunc(a.Slots, func(s apiSlot) bool { return s.Key == key })
	if i < 0 {
		t.Fatalf("application %d has no slot %s", a.ID, key)
	}
	return a.Slots[i]
}

type apiVersion struct {
	Version int64 `json:"version"`
}

type apiCheck struct {
	OK       bool `json:"ok"`
	Findings []struct {
		Rule    string `json:"rule"`
		Field   string `json:"field"`
		Module  int    `json:"module"`
		Message string `json:"message"`
		Fix     string `json:"fix"`
	} `json:"findings"`
}

func appPath(id int64) string { return "/api/v1/applications/" + strconv.FormatInt(id, 10) }

// start creates the caller's draft for the plan and reads it.
func (c *tokenCaller) start(planID int64) apiApplication {
	c.t.Helper()
	res := c.call("POST", "/api/v1/applications", map[string]any{"plan_id": planID})
	id := readJSON[apiCreated](c.t, res, http.StatusCreated).ID
	if res.Header.Get("Location") != appPath(id) {
		c.t.Errorf("Location = %q", res.Header.Get("Location"))
	}
	return c.get(id)
}

func (c *tokenCaller) get(id int64) apiApplication {
	c.t.Helper()
	return readJSON[apiApplication](c.t, c.call("GET", appPath(id), nil), http.StatusOK)
}

// saveForm saves f at version v and returns the new version.
func (c *tokenCaller) saveForm(id, v int64, f model.Form) int64 {
	c.t.Helper()
	return readJSON[apiVersion](c.t, c.call("PUT", appPath(id)+"/form", map[string]any{"version": v, "form": f}), http.StatusOK).Version
}

// testJPEG is a small real JPEG, different for each seed.
func testJPEG(t testing.TB, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 48+seed%5, 64))
	for y := range 64 {
		for x := range img.Bounds().Dx() {
			img.Set(x, y, color.RGBA{uint8(x * 5), uint8(y*4 + seed*17), uint8(seed * 29), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testPNG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 32, 24))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestR_APP_01_apiUploadSizeAndType: through POST /api/v1/applications/{id}/files, a PDF of
// exactly 2 MiB is accepted and one byte more is refused; a PNG named .jpg and a truncated
// PDF are refused by their content; refusals leave the version alone, and the slot holds only
// the accepted file, which downloads as it was uploaded.
func TestR_APP_01_apiUploadSizeAndType(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app, _ := newAppAPIApp(t, db)
		planID, _ := app.openPlan()
		c := app.caller(app.users["applicant@unit"])
		draft := c.start(planID)
		const slot = "moral/assessment" // a multi-file slot: nothing is replaced
		if s := draft.slot(t, slot); !s.Multi || len(s.Files) != 0 {
			t.Fatalf("slot %s = %+v", slot, s)
		}

		exact := evidencetest.SizedPDF(t, evidence.MaxSize)
		up := readJSON[apiUploaded](t, c.uploadFile(draft.ID, draft.Version, slot, "品德考核.pdf", exact), http.StatusCreated)
		if e := up.Evidence; e.Size != evidence.MaxSize || e.Kind != "application/pdf" || e.Pages != 1 || e.Slot != slot ||
			e.Name != "品德考核.pdf" || e.CreatedAt == nil || e.URL != appPath(draft.ID)+"/files/"+itoa(e.ID) || up.Version != draft.Version+1 {
			t.Fatalf("2 MiB upload = %+v", up)
		}
		v := up.Version

		half := evidencetest.SizedPDF(t, 64<<10)
		for _, tc := range []struct {
			name string
			data []byte
			want string
		}{
			{"大文件.pdf", evidencetest.SizedPDF(t, evidence.MaxSize+1), "超过 2 MB"},
			{"更大.pdf", apiOversizePDF(3 << 20), "超过 2 MB"}, // past the body bound too: refused at 2 MiB + 1 byte
			{"证书.jpg", testPNG(t), "PNG"},
			{"截断.pdf", half[:len(half)/2], "不完整"},
		} {
			e := readError(t, c.uploadFile(draft.ID, v, slot, tc.name, tc.data), http.StatusUnprocessableEntity, "invalid")
			if !apiHasProblem(e, "R-APP-01", "file") || !strings.Contains(e.Error.Message, tc.want) || e.Error.Details[0].Fix == "" {
				t.Errorf("%s (%d bytes): %+v", tc.name, len(tc.data), e.Error)
			}
		}

		// The small fields must come first; a stale version is a conflict.
		e := readError(t, c.upload(appPath(draft.ID)+"/files", filePart("file", "a.jpg", testJPEG(t, 1)), field("version", itoa(v)), field("slot", slot)),
			http.StatusUnprocessableEntity, "invalid")
		if !apiHasProblem(e, "", "version") || !apiHasProblem(e, "", "slot") {
			t.Errorf("file before the fields: %+v", e.Error.Details)
		}
		if e := readError(t, c.uploadFile(draft.ID, v, "no/such/slot", "a.jpg", testJPEG(t, 1)), http.StatusUnprocessableEntity, "invalid"); !apiHasProblem(e, "", "slot") {
			t.Errorf("unknown slot: %+v", e.Error.Details)
		}
		if e := readError(t, c.uploadFile(draft.ID, v-1, slot, "a.jpg", testJPEG(t, 1)), http.StatusConflict, "conflict"); !apiHasProblem(e, "R-APP-04", "") {
			t.Errorf("stale upload: %+v", e.Error.Details)
		}

		got := c.get(draft.ID)
		files := got.slot(t, slot).Files
		if got.Version != v || len(files) != 1 || files[0].ID != up.Evidence.ID || files[0].Size != evidence.MaxSize {
			t.Fatalf("after the refusals: version %d (want %d), files %+v", got.Version, v, files)
		}

		res := c.call("GET", files[0].URL, nil)
		h := res.Header
		if res.StatusCode != http.StatusOK || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(h.Get("Content-Disposition"), "inline") ||
			!strings.Contains(h.Get("Content-Disposition"), "filename") || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(h.Get("Cache-Control"), "private") || !bytes.Equal([]byte(bodyOf(res)), exact) {
			t.Errorf("download: %d %v", res.StatusCode, h)
		}
	})
}

// TestR_APP_07_apiSummaryAndPapers: PUT …/form takes a summary of 800 Chinese characters and
// refuses 801 (counted as characters, not bytes) and a sixth paper, each naming R-APP-07 and
// the field; a refused form is not saved, and a form with an unknown field is refused.
func TestR_APP_07_apiSummaryAndPapers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app, _ := newAppAPIApp(t, db)
		planID, _ := app.openPlan()
		c := app.caller(app.users["applicant@unit"])
		draft := c.start(planID)
		path := appPath(draft.ID) + "/form"

		f := draft.Form
		f.Summary = strings.Repeat("职", 800)
		v := c.saveForm(draft.ID, draft.Version, f)
		if got := c.get(draft.ID); v != draft.Version+1 || got.Version != v || got.Form.Summary != f.Summary {
			t.Fatalf("800 characters: version %d, stored %d characters", v, len([]rune(got.Form.Summary)))
		}

		f.Summary = strings.Repeat("职", 801)
		e := readError(t, c.call("PUT", path, map[string]any{"version": v, "form": f}), http.StatusUnprocessableEntity, "invalid")
		if !apiHasProblem(e, "R-APP-07", "summary") || !strings.Contains(e.Error.Message, "801") {
			t.Errorf("801 characters: %+v", e.Error)
		}

		f.Summary = "小结"
		for i := range 6 {
			f.Achievements.Papers = append(f.Achievements.Papers, model.Paper{ID: fmt.Sprintf("p%d", i+1), Title: fmt.Sprintf("论文%d", i+1)})
		}
		e = readError(t, c.call("PUT", path, map[string]any{"version": v, "form": f}), http.StatusUnprocessableEntity, "invalid")
		if !apiHasProblem(e, "R-APP-07", "papers") {
			t.Errorf("6 papers: %+v", e.Error.Details)
		}
		f.Achievements.Papers = f.Achievements.Papers[:5]
		v = c.saveForm(draft.ID, v, f)
		if got := c.get(draft.ID); len(got.Form.Achievements.Papers) != 5 || got.Form.Summary != "小结" || got.Version != v {
			t.Errorf("5 papers: %+v", got.Form.Achievements.Papers)
		}

		readError(t, c.call("PUT", path, map[string]any{"version": v, "form": map[string]any{"summery": "拼错的字段"}}), http.StatusUnprocessableEntity, "invalid")
		readError(t, c.call("PUT", path, map[string]any{"form": f}), http.StatusUnprocessableEntity, "invalid")
	})
}

// TestR_APP_04_apiStaleVersion: two clients of one applicant read the same version; the first
// save wins, the second gets 409 with R-APP-04's message, and the first one's form is kept.
func TestR_APP_04_apiStaleVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app, _ := newAppAPIApp(t, db)
		planID, _ := app.openPlan()
		phone := app.caller(app.users["applicant@unit"])
		desk := app.caller(app.users["applicant@unit"])
		draft := phone.start(planID)
		seen := desk.get(draft.ID)

		f := draft.Form
		f.Summary = "手机上保存的小结"
		v := phone.saveForm(draft.ID, draft.Version, f)
		f.Summary = "电脑上保存的小结"
		e := readError(t, desk.call("PUT", appPath(draft.ID)+"/form", map[string]any{"version": seen.Version, "form": f}), http.StatusConflict, "conflict")
		if !apiHasProblem(e, "R-APP-04", "") || !strings.Contains(e.Error.Message, "其他页面或设备") || e.Error.Details[0].Fix == "" {
			t.Errorf("stale save: %+v", e.Error)
		}
		if got := desk.get(draft.ID); got.Form.Summary != "手机上保存的小结" || got.Version != v {
			t.Errorf("after the conflict: %q at version %d", got.Form.Summary, got.Version)
		}
		// Evidence changes conflict the same way: the version covers the whole application.
		readError(t, desk.uploadFile(draft.ID, seen.Version, "basic/photo", "照片.jpg", testJPEG(t, 2)), http.StatusConflict, "conflict")
		readError(t, desk.call("POST", appPath(draft.ID)+"/submit", map[string]any{"version": seen.Version}), http.StatusConflict, "conflict")
	})
}

// fillExample saves the example application, uploads a small JPEG into every slot the
// applicant fills (not the unit's reports), signs the pledge and checks that nothing is left
// to do; it returns the application as read.
func (c *tokenCaller) fillExample(id int64, planYear int) apiApplication {
	c.t.Helper()
	draft := c.get(id)
	v := c.saveForm(id, draft.Version, demo.ExampleForm(planYear))
	full := c.get(id)
	for i, s := range full.Slots {
		if s.ByUnit {
			continue
		}
		up := readJSON[apiUploaded](c.t, c.uploadFile(id, v, s.Key, fmt.Sprintf("扫描件%d.jpg", i+1), testJPEG(c.t, i)), http.StatusCreated)
		v = up.Version
	}
	pledge := readJSON[struct {
		Signer string `json:"signer"`
	}](c.t, c.call("POST", appPath(id)+"/pledge", map[string]any{"signer": "测试用户"}), http.StatusOK)
	if pledge.Signer != "测试用户" {
		c.t.Errorf("pledge = %+v", pledge)
	}
	if chk := readJSON[apiCheck](c.t, c.call("GET", appPath(id)+"/check", nil), http.StatusOK); !chk.OK || len(chk.Findings) != 0 {
		c.t.Fatalf("the example application is not ready to submit: %+v", chk.Findings)
	}
	return c.get(id)
}

// TestR_CAL_02_apiSubmitAtWindowEdge: a complete application submitted at the application
// window's last millisecond is accepted; another applicant's, at the end instant itself, is
// refused with window_closed naming the end. Once submitted the form is frozen (R-APP-05) and
// the versions list holds version 1.
func TestR_CAL_02_apiSubmitAtWindowEdge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app, clock := newAppAPIApp(t, db)
		planID, plan := app.openPlan()
		w, _ := plan.Window(model.WindowApply)
		app.addUser(model.OrgUnit, "p_applicant_late", model.RoleApplicant)
		early := app.caller(app.users["applicant@unit"])
		late := app.caller("p_applicant_late")
		a := early.fillExample(early.start(planID).ID, plan.Year)
		b := late.fillExample(late.start(planID).ID, plan.Year)
		if a.Pledge == nil || a.Pledge.Signer != "测试用户" || a.Pledge.TextVersion != service.PledgeVersion {
			t.Errorf("pledge as read: %+v", a.Pledge)
		}

		clock.freeze(w.End.Add(-time.Millisecond))
		done := readJSON[struct {
			VersionNo int    `json:"version_no"`
			Status    string `json:"status"`
			Version   int64  `json:"version"`
		}](t, early.call("POST", appPath(a.ID)+"/submit", map[string]any{"version": a.Version}), http.StatusOK)
		if done.VersionNo != 1 || done.Status != "submitted" || done.Version != a.Version+1 {
			t.Errorf("submitted at the last millisecond: %+v", done)
		}

		clock.freeze(w.End)
		e := readError(t, late.call("POST", appPath(b.ID)+"/submit", map[string]any{"version": b.Version}), http.StatusForbidden, "window_closed")
		if end := rules.FormatEnd(w.End); !apiHasProblem(e, "R-CAL-02", "") || !strings.Contains(e.Error.Message, end) {
			t.Errorf("submitted at the end: %+v, want R-CAL-02 naming %s", e.Error, end)
		}
		if got := late.get(b.ID); got.Status != "draft" || got.Submissions != 0 || got.SubmittedAt != nil {
			t.Errorf("the late application: %+v", got)
		}
		// Nor can anyone start an application any more.
		app.addUser(model.OrgUnit, "p_applicant_later", model.RoleApplicant)
		e = readError(t, app.caller("p_applicant_later").call("POST", "/api/v1/applications", map[string]any{"plan_id": planID}), http.StatusForbidden, "window_closed")
		if !apiHasProblem(e, "R-CAL-02", "") {
			t.Errorf("start after the end: %+v", e.Error.Details)
		}

		// Frozen after submission, whatever the clock says.
		clock.freeze(w.End.Add(-time.Hour))
		after := early.get(a.ID)
		if after.Status != "submitted" || after.StatusLabel == "" || after.Submissions != 1 || after.SubmittedAt == nil {
			t.Errorf("after submission: %+v", after)
		}
		f := after.Form
		f.Summary = "提交后再改"
		e = readError(t, early.call("PUT", appPath(a.ID)+"/form", map[string]any{"version": after.Version, "form": f}), http.StatusConflict, "conflict")
		if !apiHasProblem(e, "R-APP-05", "") {
			t.Errorf("edit after submission: %+v", e.Error.Details)
		}
		readError(t, early.uploadFile(a.ID, after.Version, "basic/photo", "新照片.jpg", testJPEG(t, 99)), http.StatusConflict, "conflict")

		own := 0 // the version freezes the applicant's slots, not the unit's reports
		for _, s := range a.Slots {
			if !s.ByUnit {
				own++
			}
		}
		versions := readJSON[struct {
			Versions []struct {
				No          int                 `json:"no"`
				SubmittedAt string              `json:"submitted_at"`
				Changes     []rules.FieldChange `json:"changes"`
				Files       map[string][]int64  `json:"files"`
			} `json:"versions"`
		}](t, early.call("GET", appPath(a.ID)+"/versions", nil), http.StatusOK)
		if len(versions.Versions) != 1 || versions.Versions[0].No != 1 || versions.Versions[0].Changes == nil || len(versions.Versions[0].Changes) != 0 ||
			!apiInstant(t, versions.Versions[0].SubmittedAt).Equal(w.End.Add(-time.Millisecond)) || len(versions.Versions[0].Files) != own {
			t.Errorf("versions = %+v", versions.Versions)
		}
		list := readJSON[struct {
			Applications []struct {
				ID   int64 `json:"id"`
				Plan struct {
					ID   int64  `json:"id"`
					Name string `json:"name"`
				} `json:"plan"`
				Status      string  `json:"status"`
				Submissions int     `json:"submissions"`
				SubmittedAt *string `json:"submitted_at"`
			} `json:"applications"`
		}](t, early.call("GET", "/api/v1/applications", nil), http.StatusOK)
		if len(list.Applications) != 1 || list.Applications[0].ID != a.ID || list.Applications[0].Plan.ID != planID || list.Applications[0].Plan.Name != plan.Name ||
			list.Applications[0].Status != "submitted" || list.Applications[0].Submissions != 1 || list.Applications[0].SubmittedAt == nil {
			t.Errorf("list = %+v", list.Applications)
		}
	})
}

// TestR_ELG_10_apiCheckAllAtOnce: the pre-submit check of an empty draft lists every problem
// at once — the unsigned pledge (R-APP-03) among them — each with its module, message and
// fix; submitting it answers 422 with the same findings.
func TestR_ELG_10_apiCheckAllAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app, _ := newAppAPIApp(t, db)
		planID, _ := app.openPlan()
		c := app.caller(app.users["applicant@unit"])
		draft := c.start(planID)

		chk := readJSON[apiCheck](t, c.call("GET", appPath(draft.ID)+"/check", nil), http.StatusOK)
		if chk.OK || len(chk.Findings) < 10 {
			t.Fatalf("empty draft: ok %v with %d findings", chk.OK, len(chk.Findings))
		}
		modules, pledge := map[int]bool{}, false
		for _, f := range chk.Findings {
			if f.Rule == "" || f.Message == "" || f.Fix == "" || f.Module != rules.FieldModule(f.Field) {
				t.Errorf("finding %+v", f)
			}
			modules[f.Module] = true
			pledge = pledge || f.Rule == "R-APP-03"
		}
		if !pledge || !modules[1] || !modules[5] {
			t.Errorf("findings lack the pledge or modules 1 and 5: %+v", chk.Findings)
		}

		e := readError(t, c.call("POST", appPath(draft.ID)+"/submit", map[string]any{"version": draft.Version}), http.StatusUnprocessableEntity, "invalid")
		if len(e.Error.Details) != len(chk.Findings) || !apiHasProblem(e, "R-APP-03", "") {
			t.Errorf("submit of an empty draft: %d details, check has %d", len(e.Error.Details), len(chk.Findings))
		}

		// The pledge text is there to read; a signature in another name is refused.
		text := readJSON[struct {
			TextVersion string `json:"text_version"`
			Text        string `json:"text"`
		}](t, c.call("GET", "/api/v1/pledge", nil), http.StatusOK)
		if text.TextVersion != service.PledgeVersion || !strings.Contains(text.Text, "承诺") {
			t.Errorf("pledge text = %+v", text)
		}
		if e := readError(t, c.call("POST", appPath(draft.ID)+"/pledge", map[string]any{"signer": "别人"}), http.StatusUnprocessableEntity, "invalid"); !apiHasProblem(e, "R-APP-03", "signer") {
			t.Errorf("signed in another name: %+v", e.Error.Details)
		}
		readJSON[map[string]any](t, c.call("POST", appPath(draft.ID)+"/pledge", map[string]any{"signer": "测试用户"}), http.StatusOK)
		after := readJSON[apiCheck](t, c.call("GET", appPath(draft.ID)+"/check", nil), http.StatusOK)
		for _, f := range after.Findings {
			if f.Rule == "R-APP-03" {
				t.Errorf("still asks for the pledge after signing: %+v", f)
			}
		}

		// One application per plan; a plan must be named.
		readError(t, c.call("POST", "/api/v1/applications", map[string]any{"plan_id": planID}), http.StatusConflict, "conflict")
		readError(t, c.call("POST", "/api/v1/applications", map[string]any{}), http.StatusUnprocessableEntity, "invalid")
	})
}

// TestR_APP_02_apiCombineImages: three image parts become one PDF of three pages in the slot;
// two JPEGs uploaded one by one are reordered and combined into one two-page PDF; a PNG among
// the images is refused with its position; a file is deleted with the version read.
func TestR_APP_02_apiCombineImages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app, _ := newAppAPIApp(t, db)
		planID, _ := app.openPlan()
		c := app.caller(app.users["applicant@unit"])
		draft := c.start(planID)
		files := appPath(draft.ID) + "/files"

		up := readJSON[apiUploaded](t, c.upload(files, field("version", itoa(draft.Version)), field("slot", "moral/assessment"),
			filePart("image", "1.jpg", testJPEG(t, 1)), filePart("image", "2.jpg", testJPEG(t, 2)), filePart("image", "3.jpg", testJPEG(t, 3))), http.StatusCreated)
		if up.Evidence.Kind != "application/pdf" || up.Evidence.Pages != 3 || up.Version != draft.Version+1 {
			t.Fatalf("three images = %+v", up)
		}
		v := up.Version
		got := c.get(draft.ID)
		if fs := got.slot(t, "moral/assessment").Files; len(fs) != 1 || fs[0].ID != up.Evidence.ID || fs[0].Pages != 3 {
			t.Fatalf("slot after combining = %+v", fs)
		}
		res := c.call("GET", up.Evidence.URL, nil)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(bodyOf(res), "%PDF-") {
			t.Errorf("download of the combined PDF: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
		}

		e := readError(t, c.upload(files, field("version", itoa(v)), field("slot", "moral/assessment"),
			filePart("image", "1.jpg", testJPEG(t, 4)), filePart("image", "2.jpg", testPNG(t))), http.StatusUnprocessableEntity, "invalid")
		if !apiHasProblem(e, "R-APP-01", "image") || !strings.Contains(e.Error.Message, "第 2 张") {
			t.Errorf("a PNG among the images: %+v", e.Error)
		}

		// Images adding up to more than the bound are refused as they arrive.
		big := bytes.Repeat([]byte{0xFF}, 1<<20)
		e = readError(t, c.upload(files, field("version", itoa(v)), field("slot", "moral/assessment"),
			filePart("image", "1.jpg", big), filePart("image", "2.jpg", big), filePart("image", "3.jpg", big)), http.StatusUnprocessableEntity, "invalid")
		if !apiHasProblem(e, "R-APP-02", "image") {
			t.Errorf("3 MiB of images: %+v", e.Error)
		}
		if got := c.get(draft.ID); got.Version != v || len(got.slot(t, "moral/assessment").Files) != 1 {
			t.Errorf("a refused upload changed the application: version %d, files %+v", got.Version, got.slot(t, "moral/assessment").Files)
		}

		// Two JPEGs one by one, reordered, then combined through /combine.
		const slot = "moral/integrity"
		first := readJSON[apiUploaded](t, c.uploadFile(draft.ID, v, slot, "第一页.jpg", testJPEG(t, 5)), http.StatusCreated)
		second := readJSON[apiUploaded](t, c.uploadFile(draft.ID, first.Version, slot, "第二页.jpg", testJPEG(t, 6)), http.StatusCreated)
		v = second.Version
		order := []int64{second.Evidence.ID, first.Evidence.ID}
		v = readJSON[apiVersion](t, c.call("PUT", appPath(draft.ID)+"/slots/order", map[string]any{"version": v, "slot": slot, "file_ids": order}), http.StatusOK).Version
		if fs := c.get(draft.ID).slot(t, slot).Files; len(fs) != 2 || fs[0].ID != order[0] || fs[1].ID != order[1] {
			t.Fatalf("after reordering: %+v", fs)
		}
		e = readError(t, c.call("PUT", appPath(draft.ID)+"/slots/order", map[string]any{"version": v, "slot": slot, "file_ids": order[:1]}), http.StatusUnprocessableEntity, "invalid")
		if !apiHasProblem(e, "", "file_ids") {
			t.Errorf("partial order: %+v", e.Error.Details)
		}
		combined := readJSON[apiUploaded](t, c.call("POST", appPath(draft.ID)+"/combine", map[string]any{"version": v, "slot": slot, "file_ids": order}), http.StatusCreated)
		if combined.Evidence.Pages != 2 || combined.Evidence.Kind != "application/pdf" || combined.Version != v+1 {
			t.Errorf("combined = %+v", combined)
		}
		v = combined.Version
		if fs := c.get(draft.ID).slot(t, slot).Files; len(fs) != 1 || fs[0].ID != combined.Evidence.ID {
			t.Errorf("slot after /combine = %+v", fs)
		}

		// Deleting needs the version.
		del := combined.Evidence.URL
		readError(t, c.call("DELETE", del, nil), http.StatusUnprocessableEntity, "invalid")
		readError(t, c.call("DELETE", del+"?version="+itoa(v-1), nil), http.StatusConflict, "conflict")
		v = readJSON[apiVersion](t, c.call("DELETE", del+"?version="+itoa(v), nil), http.StatusOK).Version
		if got := c.get(draft.ID); len(got.slot(t, slot).Files) != 0 || got.Version != v {
			t.Errorf("after deleting: %+v", got.slot(t, slot))
		}
		readError(t, c.call("DELETE", del+"?version="+itoa(v), nil), http.StatusNotFound, "not_found")
	})
}

// TestR_ORG_02_apiApplicationsOwnOnly: another applicant of the same unit cannot read, change,
// check, sign, submit or download from someone's application — every route answers 404,
// saying nothing about it — and accounts that do not apply are refused by role.
func TestR_ORG_02_apiApplicationsOwnOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app, _ := newAppAPIApp(t, db)
		planID, _ := app.openPlan()
		app.addUser(model.OrgUnit, "p_applicant_other", model.RoleApplicant)
		owner := app.caller(app.users["applicant@unit"])
		other := app.caller("p_applicant_other")
		draft := owner.start(planID)
		f := draft.Form
		f.Summary = "只属于申报人本人的小结"
		v := owner.saveForm(draft.ID, draft.Version, f)
		up := readJSON[apiUploaded](t, owner.uploadFile(draft.ID, v, "basic/photo", "本人照片.jpg", testJPEG(t, 7)), http.StatusCreated)
		v = up.Version
		path := appPath(draft.ID)

		for _, res := range []*http.Response{
			other.call("GET", path, nil),
			other.call("PUT", path+"/form", map[string]any{"version": v, "form": model.Form{Summary: "篡改"}}),
			other.call("GET", up.Evidence.URL, nil),
			other.call("DELETE", up.Evidence.URL+"?version="+itoa(v), nil),
			other.uploadFile(draft.ID, v, "basic/photo", "冒充.jpg", testJPEG(t, 8)),
			other.call("PUT", path+"/slots/order", map[string]any{"version": v, "slot": "basic/photo", "file_ids": []int64{up.Evidence.ID}}),
			other.call("POST", path+"/combine", map[string]any{"version": v, "slot": "basic/photo", "file_ids": []int64{up.Evidence.ID, up.Evidence.ID}}),
			other.call("GET", path+"/check", nil),
			other.call("POST", path+"/pledge", map[string]any{"signer": "测试用户"}),
			other.call("POST", path+"/submit", map[string]any{"version": v}),
			other.call("GET", path+"/versions", nil),
			other.call("POST", path+"/education/edu1/sync", map[string]any{"version": v}),
		} {
			body := bodyOf(res)
			readError(t, res, http.StatusNotFound, "not_found")
			if strings.Contains(body, "只属于") || strings.Contains(body, "本人照片") || strings.Contains(body, up.Evidence.SHA256) {
				t.Errorf("%s %s tells about the application: %s", res.Request.Method, res.Request.URL.Path, body)
			}
		}
		if l := bodyOf(other.call("GET", "/api/v1/applications", nil)); strings.Contains(l, `"id":`+itoa(draft.ID)) {
			t.Errorf("another applicant lists it: %s", l)
		}
		got := owner.get(draft.ID)
		if got.Version != v || got.Form.Summary != f.Summary || len(got.slot(t, "basic/photo").Files) != 1 || got.Pledge != nil {
			t.Errorf("the application changed: %+v", got)
		}

		// Accounts that do not apply are refused by role, before any lookup.
		handler := app.caller(app.users["handler@unit"])
		readError(t, handler.call("GET", path, nil), http.StatusForbidden, "forbidden")
		readError(t, handler.call("GET", "/api/v1/applications", nil), http.StatusForbidden, "forbidden")
		readError(t, app.client().get(path), http.StatusUnauthorized, "unauthenticated")
	})
}

// TestAPI_applicationEducationSync: [同步学信网] on a saved entry: without a records service
// configured the refusal is a conflict on the entry's certificate number (R-ELG-10) whose fix
// names the proof to upload; an entry that does not exist is not found; the form is unchanged.
func TestAPI_applicationEducationSync(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app, _ := newAppAPIApp(t, db)
		planID, plan := app.openPlan()
		c := app.caller(app.users["applicant@unit"])
		draft := c.start(planID)
		v := c.saveForm(draft.ID, draft.Version, demo.ExampleForm(plan.Year))
		sync := appPath(draft.ID) + "/education/"

		e := readError(t, c.call("POST", sync+"edu1/sync", map[string]any{"version": v}), http.StatusConflict, "conflict")
		if !apiHasProblem(e, "R-ELG-10", "education.edu1.certificate_no") || !strings.Contains(e.Error.Details[0].Fix, "备案表") {
			t.Errorf("sync without the records service: %+v", e.Error)
		}
		readError(t, c.call("POST", sync+"nope/sync", map[string]any{"version": v}), http.StatusNotFound, "not_found")
		readError(t, c.call("POST", sync+"edu1/sync", map[string]any{"version": v - 1}), http.StatusConflict, "conflict")
		readError(t, c.call("POST", sync+"edu1/sync", map[string]any{}), http.StatusUnprocessableEntity, "invalid")
		if got := c.get(draft.ID); got.Version != v || got.Form.Basic.Education[0].CHSI.Verified {
			t.Errorf("after the refused sync: %+v", got.Form.Basic.Education)
		}
	})
}
