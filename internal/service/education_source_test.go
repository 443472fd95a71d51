package service_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"

	"zhicheng/internal/chsi"
	"zhicheng/internal/model"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// A verification records which verifier made it: the simulated registry's is stored, kept
// across saves, audited and shown as 学信网校验（模拟，仅供演示）; the gateway's (the real
// HTTP client against a test gateway) as 学信网核验通过.
func TestSyncEducation_recordsItsSource(t *testing.T) {
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"certificate_no": path.Base(r.URL.Path), "name": r.URL.Query().Get("name"),
			"school": "兰州大学", "major": "汉语言文学", "level": "本科", "graduated": "2018-06-30"})
	}))
	defer gateway.Close()
	cases := []struct {
		name     string
		verifier func(*appFixture) chsi.Verifier
		source   model.CHSISource
		heading  string
	}{
		{"simulated", func(f *appFixture) chsi.Verifier { return simulatedAt(f) }, model.CHSISimulated, "学信网校验（模拟，仅供演示）"},
		{"gateway", func(*appFixture) chsi.Verifier { return chsi.NewHTTP(gateway.URL, "token", gateway.Client()) }, model.CHSIGateway, "学信网核验通过"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				f := newEduFixture(t, db, c.verifier)
				ctx := context.Background()
				id, v := f.draftWith(t, f.applicant, model.Education{ID: "e1", Kind: model.EduDomestic, CertificateNo: chsi.DemoBachelor})
				e, nv, err := f.svc.Applications.SyncEducation(ctx, f.applicant, id, v, "e1")
				if err != nil {
					t.Fatal(err)
				}
				if e.CHSI.Source != c.source || e.CHSI.Heading() != c.heading || e.CHSI.Simulated() != (c.source == model.CHSISimulated) {
					t.Fatalf("record: source %q, heading %q", e.CHSI.Source, e.CHSI.Heading())
				}
				// A later save of the form keeps the stored record, source included.
				got, _ := f.svc.Applications.Get(ctx, f.applicant, id)
				form := got.App.Form
				form.Summary = "保存一次"
				if _, err := f.svc.Applications.Save(ctx, f.applicant, id, nv, form); err != nil {
					t.Fatal(err)
				}
				got, _ = f.svc.Applications.Get(ctx, f.applicant, id)
				stored := got.App.Form.Basic.Education[0].CHSI
				if stored.Source != c.source {
					t.Fatalf("stored source %q, want %q", stored.Source, c.source)
				}
				// The API's JSON (the form as stored and as served) names the source and says
				// what the pages say.
				b, err := json.Marshal(got.App.Form.Basic.Education[0])
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(b), `"source":"`+string(c.source)+`"`) || !strings.Contains(string(b), `"label":"`+c.heading+`"`) {
					t.Fatalf("JSON: %s", b)
				}
				var back model.Education
				if err := json.Unmarshal(b, &back); err != nil || back.CHSI != stored {
					t.Fatalf("JSON round trip: %+v %v", back.CHSI, err)
				}
				events, _ := f.svc.Audit.List(ctx, model.SystemActor("t"), store.AuditFilter{ObjectType: "application", ObjectID: id})
				audited := false
				for _, ev := range events {
					audited = audited || ev.Action == "education.sync" && strings.Contains(ev.Detail, `"source":"`+string(c.source)+`"`)
				}
				if !audited {
					t.Errorf("the audit entry does not name the source: %+v", events)
				}
			})
		})
	}
}

// Records stored before the source was kept still read, and do not pass for either kind.
func TestCHSIRecord_withoutSource(t *testing.T) {
	var r model.CHSIRecord
	if err := json.Unmarshal([]byte(`{"verified":true,"verified_at":"2026-11-20T02:00:00Z","name":"王小明","school":"兰州大学","major":"汉语言文学","level":"本科","graduated":"2018-06-30","certificate_no":"107301201805000123"}`), &r); err != nil {
		t.Fatal(err)
	}
	if !r.Verified || r.Source != "" || r.Simulated() || r.Heading() != "学信网核验通过（核验来源未记录）" {
		t.Fatalf("old record: %+v, heading %q", r, r.Heading())
	}
	b, _ := json.Marshal(model.CHSIRecord{})
	if strings.Contains(string(b), "label") || strings.Contains(string(b), "source") {
		t.Fatalf("an unverified record claims a source: %s", b)
	}
}
