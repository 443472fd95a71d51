package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"zhicheng/internal/model"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// The posts of the grassroots senior quota (R-ELG-09): the office registers them on the
// organisation's edit page and through PUT /api/v1/orgs/{id}; the reviewer's page shows the
// quota a grassroots-scope senior application is counted against.

// formOf collects the values a form on the page would send as it is.
func formOf(d *goquery.Document, sel string) url.Values {
	vals := url.Values{}
	d.Find(sel + " input, " + sel + " select").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		switch {
		case name == "":
		case goquery.NodeName(s) == "select":
			vals.Set(name, s.Find("option[selected]").AttrOr("value", ""))
		default:
			vals.Set(name, s.AttrOr("value", ""))
		}
	})
	return vals
}

// R-ELG-09: the edit page has both numbers with the 10 % hint for a unit and none for a
// department; held above the total and negative numbers are refused next to their field,
// naming the rule; good numbers are stored.
func TestR_ELG_09_orgEditPagePosts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		c := app.client().login(app.users["sysadmin@office"])
		unit := app.orgs[model.OrgUnit]
		path := "/admin/orgs/" + itoa(unit)

		res := c.get(path)
		d := doc(t, res)
		if d.Find("#professional_posts").Length() != 1 || d.Find("#grassroots_senior_posts").Length() != 1 {
			t.Fatalf("the unit's edit page has no post fields:\n%s", bodyOf(res))
		}
		if hint := d.Find("#unit-posts").Text(); !strings.Contains(hint, "基层有效高级岗位不超过专业技术岗位总量的 10%") {
			t.Errorf("no 10 %% hint: %q", hint)
		}
		if d := doc(t, c.get("/admin/orgs/"+itoa(app.orgs[model.OrgCity]))); d.Find("#unit-posts").Length() != 0 {
			t.Error("a city bureau's edit page asks for posts")
		}

		form := formOf(d, "#org-form")
		fieldError := func(form url.Values, field string) string {
			t.Helper()
			res := c.post(path, form)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%v: status %d, want 422", form, res.StatusCode)
			}
			return doc(t, res).Find("#" + field).Parent().Find(".field-error").Text()
		}
		form.Set("professional_posts", "20")
		form.Set("grassroots_senior_posts", "21")
		if e := fieldError(form, "grassroots_senior_posts"); !strings.Contains(e, "超过专业技术岗位总量") || !strings.Contains(e, "R-ELG-09") {
			t.Errorf("held above total: error %q", e)
		}
		form.Set("professional_posts", "-3")
		form.Set("grassroots_senior_posts", "0")
		if e := fieldError(form, "professional_posts"); !strings.Contains(e, "R-ELG-09") {
			t.Errorf("negative total: error %q", e)
		}

		form.Set("professional_posts", "30")
		form.Set("grassroots_senior_posts", "2")
		if res := c.post(path, form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("good posts: status %d\n%s", res.StatusCode, bodyOf(res))
		}
		o, err := app.svc.Orgs.Get(context.Background(), model.SystemActor("test"), unit)
		if err != nil || o.ProfessionalPosts != 30 || o.GrassrootsSeniorPosts != 2 {
			t.Fatalf("stored %d/%d, %v", o.GrassrootsSeniorPosts, o.ProfessionalPosts, err)
		}
	})
}

// R-ELG-09: PUT /api/v1/orgs/{id} registers the posts and GET returns them; bad numbers are
// refused with the rule and the field; a recommendation cannot bring its own posts.
func TestR_ELG_09_apiOrgPosts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		c := app.client().login(app.users["sysadmin@office"])
		city, unit := app.orgs[model.OrgCity], app.orgs[model.OrgUnit]
		path := "/api/v1/orgs/" + itoa(unit)
		type orgPosts struct {
			ProfessionalPosts     *int  `json:"professional_posts"`
			GrassrootsSeniorPosts *int  `json:"grassroots_senior_posts"`
			Version               int64 `json:"version"`
		}
		got := readJSON[orgPosts](t, c.api("GET", path, nil), http.StatusOK)
		if got.ProfessionalPosts == nil || *got.ProfessionalPosts != 0 || got.GrassrootsSeniorPosts == nil || *got.GrassrootsSeniorPosts != 0 {
			t.Fatalf("unregistered posts = %+v", got)
		}
		put := func(total, held int) *http.Response {
			return c.api("PUT", path, map[string]any{"name": "测试用人单位", "code": "T-UNIT", "unit_type": "state_enterprise", "review_chain": []int64{city},
				"professional_posts": total, "grassroots_senior_posts": held, "version": got.Version})
		}
		for _, tt := range []struct {
			total, held int
			field       string
		}{{20, 21, "grassroots_senior_posts"}, {-1, 0, "professional_posts"}, {20, -2, "grassroots_senior_posts"}} {
			e := readError(t, put(tt.total, tt.held), http.StatusUnprocessableEntity, "invalid")
			found := false
			for _, d := range e.Error.Details {
				found = found || d.Rule == "R-ELG-09" && d.Field == tt.field && d.Fix != ""
			}
			if !found {
				t.Errorf("%d/%d: %+v, want R-ELG-09 on %s", tt.held, tt.total, e.Error.Details, tt.field)
			}
		}
		after := readJSON[orgPosts](t, put(30, 2), http.StatusOK)
		if *after.ProfessionalPosts != 30 || *after.GrassrootsSeniorPosts != 2 {
			t.Errorf("after PUT: %+v", after)
		}
		if again := readJSON[orgPosts](t, c.api("GET", path, nil), http.StatusOK); *again.ProfessionalPosts != 30 || *again.GrassrootsSeniorPosts != 2 {
			t.Errorf("GET after PUT: %+v", again)
		}

		// The server counts the quota; a client sending posts with a recommendation is refused.
		u := app.client().login(app.users["handler@unit"])
		readError(t, u.api("POST", "/api/v1/review/applications/1/actions/recommend",
			map[string]any{"version": 1, "unit_posts": map[string]int{"professional_posts": 1000, "senior_grassroots_posts": 0}}),
			http.StatusUnprocessableEntity, "invalid")
	})
}

// R-ELG-09: the reviewer's page of a grassroots-scope senior application shows the unit's
// quota, or that the posts are not registered and who registers them.
func TestR_ELG_09_reviewPageShowsQuota(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pa := newPageApp(t, db)
		ctx, sys := context.Background(), model.SystemActor("test")
		unit := pa.orgs[model.OrgUnit]
		setPosts := func(total, held int) {
			t.Helper()
			o, err := pa.svc.Orgs.Get(ctx, sys, unit)
			if err != nil {
				t.Fatal(err)
			}
			o.ProfessionalPosts, o.GrassrootsSeniorPosts = total, held
			if err := pa.svc.Orgs.Update(ctx, sys, o); err != nil {
				t.Fatal(err)
			}
		}
		setPosts(30, 2)
		id := pa.start()
		pa.submitCompleteWith(id, func(f *model.Form) { f.Basics.Scope = model.ScopeGrassroots })

		reviewer := pa.client().login(pa.users["handler@unit"])
		quota := func() string {
			t.Helper()
			res := reviewer.get("/review/applications/" + strconv.FormatInt(id, 10))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("review page: status %d", res.StatusCode)
			}
			return doc(t, res).Find("#grassroots-quota").Text()
		}
		if got, want := quota(), "已用 2（含本年度已推荐 0）/ 上限 3（专业技术岗位总量 30 的 10%"; !strings.Contains(got, want) {
			t.Errorf("quota = %q, want %q", got, want)
		}
		setPosts(0, 0)
		if got := quota(); !strings.Contains(got, "未登记") || !strings.Contains(got, "职改办") || !strings.Contains(got, "机构管理") {
			t.Errorf("unregistered quota = %q", got)
		}
	})
}
