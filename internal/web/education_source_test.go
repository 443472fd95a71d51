package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"zhicheng/internal/auth"
	"zhicheng/internal/blob"
	"zhicheng/internal/chsi"
	"zhicheng/internal/model"
	"zhicheng/internal/pii"
	"zhicheng/internal/presets"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

const simulatedHeading = "学信网校验（模拟，仅供演示）"

// newPageAppCHSI is newPageApp with an education-records verifier behind [同步学信网].
func newPageAppCHSI(t *testing.T, db *store.DB, v chsi.Verifier) *pageApp {
	t.Helper()
	keys, err := pii.NewKeys([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	clock := &planClock{}
	db.SetClock(clock.Now)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(service.Deps{DB: db, Blobs: blobs, Keys: keys, Password: auth.Params{Memory: 1024, Time: 1, Threads: 1}, Log: log, Now: clock.Now, CHSI: v})
	srv, err := New(Config{Version: "test"}, svc, db, log)
	if err != nil {
		t.Fatal(err)
	}
	app := &testApp{t: t, db: db, svc: svc, srv: srv, orgs: map[model.OrgKind]int64{}, users: map[string]string{}}
	app.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(app.ts.Close)
	app.withPersonas()
	p := presets.OpenToday(time.Now())
	p.CommitteeID = app.orgs[model.OrgCommittee]
	id, err := svc.Plans.Create(context.Background(), model.SystemActor("test"), p)
	if err != nil {
		t.Fatalf("create open plan: %v", err)
	}
	if p, err = svc.Plans.Get(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	pa := &pageApp{testApp: app, plan: p, c: app.client().login(app.users["applicant@unit"]), clock: clock}
	pa.actor = pa.actorOf(app.users["applicant@unit"])
	return pa
}

// [同步学信网] on the applicant's page: the simulated registry's answer is shown — in the
// flash, on the entry and in the API's JSON — as 学信网校验（模拟，仅供演示）, never as a
// check; the gateway's (the real HTTP client against a test gateway) as 学信网核验通过.
func TestEducationSourceOnApplicantPageAndAPI(t *testing.T) {
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"certificate_no": path.Base(r.URL.Path), "name": r.URL.Query().Get("name"),
			"school": "兰州大学", "major": "汉语言文学", "level": "本科", "graduated": "2018-06-30"})
	}))
	defer gateway.Close()
	cases := []struct {
		name      string
		verifier  chsi.Verifier
		source    model.CHSISource
		heading   string
		selector  string // the entry's record
		notThere  string // what must not show
		flashText string
	}{
		{"simulated", chsi.NewSimulated(), model.CHSISimulated, simulatedHeading, ".chsi-simulated", ".chsi-ok", "已保存，" + simulatedHeading + "：兰州大学"},
		{"gateway", chsi.NewHTTP(gateway.URL, "token", gateway.Client()), model.CHSIGateway, "学信网核验通过", ".chsi-ok", ".chsi-simulated", "已保存，并通过学信网核验：兰州大学"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				pa := newPageAppCHSI(t, db, c.verifier)
				id := pa.start()
				v := pa.view(id)
				form := v.App.Form
				form.Basic.Education = []model.Education{{ID: "e1", Kind: model.EduDomestic, CertificateNo: chsi.DemoBachelor}}
				if _, err := pa.svc.Applications.Save(context.Background(), pa.actor, id, v.App.Version, form); err != nil {
					t.Fatal(err)
				}
				_, vals := pa.moduleForm(id, 1)
				vals.Set("action", "sync:e1")
				res := pa.c.post(fmt.Sprintf("/applications/%d/m/1", id), vals)
				if res.StatusCode != http.StatusSeeOther {
					t.Fatalf("sync: status %d\n%s", res.StatusCode, bodyOf(res))
				}
				d := doc(t, pa.c.get(res.Header.Get("Location")))
				if flash := d.Find("#flash").Text(); !strings.Contains(flash, c.flashText) {
					t.Errorf("flash %q, want %q", flash, c.flashText)
				}
				rec := d.Find("#f-education-e1 " + c.selector)
				if rec.Length() != 1 || !strings.HasPrefix(strings.TrimSpace(rec.Text()), c.heading+"（") || !strings.Contains(rec.Text(), "兰州大学") {
					t.Errorf("entry shows %q, want it to start with %q", rec.Text(), c.heading)
				}
				if d.Find("#f-education-e1 "+c.notThere).Length() != 0 {
					t.Errorf("%s shown for a %s verification", c.notThere, c.name)
				}
				if c.source == model.CHSIGateway && strings.Contains(d.Find("#f-education-e1").Text(), "模拟") {
					t.Error("a gateway verification is called simulated")
				}

				res = pa.c.api("GET", fmt.Sprintf("/api/v1/applications/%d", id), nil)
				var got struct {
					Form struct {
						Basic struct {
							Education []struct {
								CHSI struct {
									Verified bool   `json:"verified"`
									Source   string `json:"source"`
									Label    string `json:"label"`
								} `json:"chsi"`
							} `json:"education"`
						} `json:"basic"`
					} `json:"form"`
				}
				if err := json.Unmarshal([]byte(bodyOf(res)), &got); err != nil || len(got.Form.Basic.Education) != 1 {
					t.Fatalf("API: %v\n%s", err, bodyOf(res))
				}
				if r := got.Form.Basic.Education[0].CHSI; !r.Verified || r.Source != string(c.source) || r.Label != c.heading {
					t.Errorf("API record %+v, want source %q and label %q", r, c.source, c.heading)
				}
			})
		})
	}
}

// The reviewer's page shows a verified education entry with its source: a simulated
// verification as 学信网校验（模拟，仅供演示）, a gateway's as 学信网核验通过. The record is
// written into the demo's submitted application directly: what is tested is the page.
func TestEducationSourceOnReviewPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ra := newReviewApp(t, db)
		ctx := context.Background()
		unit := ra.demoLogin("energy_handler")
		row := doc(t, unit.get("/review/unit")).Find("#review-table tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
			return strings.Contains(s.Text(), "彭宇航")
		})
		href, ok := row.Find("a.review-open").Attr("href")
		if !ok {
			t.Fatal("applicant2's application not in the inbox")
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(href, "/review/applications/"), 10, 64)
		for _, c := range []struct {
			source            model.CHSISource
			heading, selector string
		}{
			{model.CHSISimulated, simulatedHeading, ".chsi-simulated"},
			{model.CHSIGateway, "学信网核验通过", ".chsi-ok"},
		} {
			err := db.Update(ctx, func(q *store.Q) error {
				app, err := q.Application(ctx, id)
				if err != nil {
					return err
				}
				e := &app.Form.Basic.Education[0]
				e.CHSI = model.CHSIRecord{Verified: true, VerifiedAt: time.Now(), Name: "彭宇航", School: e.School, Major: e.Major,
					Level: "本科", Graduated: e.Graduated, CertificateNo: e.CertificateNo, Source: c.source}
				_, err = q.SaveForm(ctx, id, app.Version, app.Form)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			res := unit.get(href)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("review page: status %d", res.StatusCode)
			}
			d := doc(t, res)
			rec := d.Find("#review-form " + c.selector)
			if rec.Length() != 1 || !strings.HasPrefix(strings.TrimSpace(rec.Text()), c.heading+"（") {
				t.Errorf("%s: the review page shows %q, want it to start with %q", c.source, rec.Text(), c.heading)
			}
			if c.source == model.CHSIGateway && strings.Contains(d.Find("#review-form").Text(), "模拟") {
				t.Error("a gateway verification is called simulated")
			}
		}
	})
}
