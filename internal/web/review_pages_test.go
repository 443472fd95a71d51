package web

import (
	"context"
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
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// The reviewers' pages and the public publicity page (SPEC §5, R-PUB-02, R-SEC-01), on the
// demo province: applicant2's complete application submitted to 甘肃示范能源集团.

// reviewApp is the demo loaded into the real server.
type reviewApp struct {
	*testApp
	appID int64
}

func newReviewApp(t *testing.T, db *store.DB) *reviewApp {
	t.Helper()
	app, _ := newPlanAPIApp(t, db)
	ctx := context.Background()
	if _, err := app.svc.Calendar.SeedIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, app.svc, time.Now()); err != nil {
		t.Fatalf("load demo: %v", err)
	}
	return &reviewApp{testApp: app}
}

// demoLogin signs a demo account in.
func (ra *reviewApp) demoLogin(username string) *client {
	ra.t.Helper()
	c := ra.client()
	res := c.post("/login", url.Values{"login": {username}, "password": {demo.Password}})
	if res.StatusCode != http.StatusSeeOther {
		ra.t.Fatalf("login %s: status %d", username, res.StatusCode)
	}
	return c
}

// version reads the version a form of the review page carries.
func reviewVersion(t *testing.T, res *http.Response, action string) string {
	t.Helper()
	v, ok := doc(t, res).Find("#act-" + action + " input[name=version]").Attr("value")
	if !ok {
		t.Fatalf("no %s form on the page", action)
	}
	return v
}

func (ra *reviewApp) accessCount(id int64) int {
	ra.t.Helper()
	log, err := ra.svc.Review.AccessLog(context.Background(), model.SystemActor("test"), id)
	if err != nil {
		ra.t.Fatal(err)
	}
	return len(log)
}

func TestReviewPages_unitInboxViewAndPublicity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ra := newReviewApp(t, db)
		unit := ra.demoLogin("energy_handler")

		// The inbox lists the submitted application, linking to its page.
		res := unit.get("/review/unit")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("inbox: status %d", res.StatusCode)
		}
		row := doc(t, res).Find("#review-table tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
			return strings.Contains(s.Text(), "彭宇航")
		})
		href, ok := row.Find("a.review-open").Attr("href")
		if !ok {
			t.Fatalf("applicant2's application not in the inbox:\n%s", bodyOf(res))
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(href, "/review/applications/"), 10, 64)

		// The page shows the form and the files; choosing a file shows it in the viewer, and
		// fetching it is logged (R-SEC-01).
		res = unit.get(href)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("review page: status %d\n%s", res.StatusCode, bodyOf(res))
		}
		d := doc(t, res)
		if got := d.Find("#review-org").Text(); !strings.HasPrefix(got, "甘肃示范能源集团") {
			t.Errorf("org = %q", got)
		}
		fileLink, ok := d.Find("a.review-file").First().Attr("href")
		if !ok {
			t.Fatal("no evidence link on the review page")
		}
		before := ra.accessCount(id)
		res = unit.get(strings.TrimSuffix(fileLink, "#viewer"))
		src, ok := doc(t, res).Find("#viewer-img").Attr("src")
		if !ok {
			t.Fatalf("viewer shows no image for %s", fileLink)
		}
		if n := ra.accessCount(id); n != before {
			t.Errorf("choosing a file logged %d accesses; only fetching it should", n-before)
		}
		res = unit.get(src)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("evidence: status %d type %q", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if n := ra.accessCount(id); n != before+1 {
			t.Errorf("access log grew by %d, want 1", n-before)
		}

		// Another unit's reviewer: no such application, on the page and the file URL.
		other := ra.demoLogin("school_handler")
		for _, path := range []string{href, src} {
			res := other.get(path)
			if res.StatusCode != http.StatusNotFound || strings.Contains(bodyOf(res), "彭宇航") {
				t.Errorf("%s as another unit: status %d (want 404, no data)", path, res.StatusCode)
			}
		}
		if n := ra.accessCount(id); n != before+1 {
			t.Errorf("a refused access was logged")
		}

		// A return with no item is refused with R-FLOW-03, the form shown again.
		res = unit.get(href)
		v := reviewVersion(t, res, "unit_return")
		res = unit.post(href+"/actions/unit_return", url.Values{"version": {v}, "item_where": {"", ""}, "item_text": {"", ""}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("empty return: status %d", res.StatusCode)
		}
		if got := doc(t, res).Find("#act-unit_return .error-summary").Text(); !strings.Contains(got, "R-FLOW-03") || !strings.Contains(got, "一条也没有") {
			t.Errorf("empty return's errors = %q", got)
		}

		// A stale version is a conflict that shows the current state.
		res = unit.post(href+"/actions/start_publicity", url.Values{"version": {"1"}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(doc(t, res).Find("#conflict").Text(), "该申报已被他人处理") {
			t.Errorf("stale start_publicity: status %d", res.StatusCode)
		}

		// Start publicity.
		res = unit.post(href+"/actions/start_publicity", url.Values{"version": {v}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("start publicity: status %d\n%s", res.StatusCode, bodyOf(res))
		}
		res = unit.get(href)
		if st, _ := doc(t, res).Find("#review-status").Attr("data-status"); st != string(model.StatusUnitPublicity) {
			t.Fatalf("status after start = %q", st)
		}

		// The public page: name, unit, level; never an ID number or a phone (R-PUB-02).
		public := ra.client()
		res = public.get("/publicity")
		body := bodyOf(res)
		item := doc(t, res).Find("#pub-" + strconv.FormatInt(id, 10))
		if item.Length() == 0 || item.Find(".pub-name").Text() != "彭宇航" || !strings.HasPrefix(item.Find(".pub-unit").Text(), "甘肃示范能源集团") || item.Find(".pub-level").Text() == "" {
			t.Fatalf("publicity entry missing or incomplete:\n%s", body)
		}
		if m := regexp.MustCompile(`\d{17}[\dXx]|1\d{10}`).FindString(body); m != "" {
			t.Errorf("public page shows %q (an ID number or a phone)", m)
		}

		// An objection: text required; once filed it is on the review page and blocks the
		// recommendation.
		res = public.post("/publicity/"+strconv.FormatInt(id, 10)+"/objection", url.Values{"text": {"  "}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bodyOf(res), "请填写异议内容") {
			t.Errorf("empty objection: status %d", res.StatusCode)
		}
		res = public.post("/publicity/"+strconv.FormatInt(id, 10)+"/objection", url.Values{"text": {"论文代表作与他人雷同"}, "contact": {"匿名"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("objection: status %d\n%s", res.StatusCode, bodyOf(res))
		}
		if got := doc(t, public.get("/publicity")).Find("#flash").Text(); !strings.Contains(got, "感谢") {
			t.Errorf("flash = %q", got)
		}
		d = doc(t, unit.get(href))
		if !strings.Contains(d.Find("#objections").Text(), "论文代表作与他人雷同") {
			t.Error("objection not on the review page")
		}
		if _, disabled := d.Find("#btn-recommend").Attr("disabled"); !disabled {
			t.Error("recommend is not disabled with an open objection")
		}
		if why := d.Find("#why-recommend").Text(); !strings.Contains(why, "异议尚未处理") {
			t.Errorf("recommend's reason = %q", why)
		}

		// The applicant sees the status and who looked at the evidence (R-SEC-01); the
		// objection, a third party's words, is not among the steps.
		applicant := ra.demoLogin("applicant2")
		res = applicant.get("/applications/" + strconv.FormatInt(id, 10) + "/status")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status page: %d", res.StatusCode)
		}
		d = doc(t, res)
		if got := d.Find("#access-log tbody").Text(); !strings.Contains(got, "冯雪") {
			t.Errorf("access log = %q", got)
		}
		if strings.Contains(d.Find("#steps").Text(), "论文代表作") {
			t.Error("the objection's text is shown to the applicant")
		}
		if res := other.get("/applications/" + strconv.FormatInt(id, 10) + "/status"); res.StatusCode != http.StatusForbidden {
			t.Errorf("status page as a reviewer: %d", res.StatusCode)
		}
	})
}
