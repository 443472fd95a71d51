package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zhicheng/internal/chsi"
	"zhicheng/internal/model"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// verifierFunc lets a test put anything behind Deps.CHSI.
type verifierFunc func(ctx context.Context, no, name string) (chsi.Record, error)

func (f verifierFunc) Lookup(ctx context.Context, no, name string) (chsi.Record, error) {
	return f(ctx, no, name)
}

// newEduFixture is newAppFixture with the records service that verifier returns for it
// (nil: none configured).
func newEduFixture(t *testing.T, db *store.DB, verifier func(*appFixture) chsi.Verifier) *appFixture {
	t.Helper()
	f := newAppFixture(t, db)
	var v chsi.Verifier
	if verifier != nil {
		v = verifier(f)
	}
	f.svc = service.New(service.Deps{DB: db, Keys: keysFor(), Password: cheap, Now: func() time.Time { return f.now }, Log: quiet, CHSI: v})
	return f
}

// simulatedAt is the simulated registry on the fixture's clock.
func simulatedAt(f *appFixture) *chsi.Simulated {
	return &chsi.Simulated{Now: func() time.Time { return f.now }}
}

// draftWith starts the applicant's draft and saves the education entries; it returns the
// application id and its version.
func (f *appFixture) draftWith(t *testing.T, a model.Actor, edu ...model.Education) (int64, int64) {
	t.Helper()
	ctx := context.Background()
	id, err := f.svc.Applications.Start(ctx, a, f.plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := f.svc.Applications.Get(ctx, a, id)
	form := v.App.Form
	form.Basic.Education = edu
	nv, err := f.svc.Applications.Save(ctx, a, id, v.App.Version, form)
	if err != nil {
		t.Fatal(err)
	}
	return id, nv
}

func refusal(t *testing.T, err error, kind model.Kind, field string, says ...string) {
	t.Helper()
	e, ok := model.AsError(err)
	if !ok || e.Kind != kind || e.Rule != "R-ELG-10" || e.Field != field {
		t.Fatalf("want %s refusal R-ELG-10 on %s, got %#v (%v)", kind, field, e, err)
	}
	t.Logf("%s: %s", field, e)
	for _, s := range says {
		if !strings.Contains(e.Message+"｜"+e.Fix, s) {
			t.Errorf("refusal lacks %q:\n%s｜%s", s, e.Message, e.Fix)
		}
	}
}

// 同步学信网: a simulated number verifies the entry, fills what was left empty, and the
// pre-submit check then asks for no proof of it.
func TestSyncEducation_verifiesAndFills(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newEduFixture(t, db, func(f *appFixture) chsi.Verifier { return simulatedAt(f) })
		ctx := context.Background()
		id, v := f.draftWith(t, f.applicant,
			model.Education{ID: "e1", Kind: model.EduDomestic, CertificateNo: " 10730 1 2018 05 000123 ", Degree: model.DegreeBachelor, DegreeNo: "1073042018000123"},
			model.Education{ID: "e2", School: "兰大", Kind: model.EduDomestic, CertificateNo: chsi.DemoMaster})
		e, nv, err := f.svc.Applications.SyncEducation(ctx, f.applicant, id, v, "e1")
		if err != nil {
			t.Fatal(err)
		}
		if nv != v+1 {
			t.Errorf("version %d after %d", nv, v)
		}
		wantCHSI := model.CHSIRecord{Verified: true, VerifiedAt: e.CHSI.VerifiedAt, Name: f.applicant.Name, School: "兰州大学", Major: "汉语言文学",
			Level: "本科", Graduated: "2018-06-30", CertificateNo: chsi.DemoBachelor, Source: model.CHSISimulated}
		if e.CHSI != wantCHSI || !e.CHSI.VerifiedAt.Equal(f.now) {
			t.Fatalf("CHSI record:\n got %+v\nwant %+v", e.CHSI, wantCHSI)
		}
		if e.CertificateNo != chsi.DemoBachelor || e.School != "兰州大学" || e.Major != "汉语言文学" || e.Level != model.EduBachelor ||
			e.Start != "2014-09-01" || e.Graduated != "2018-06-30" || e.Kind != model.EduDomestic || e.Proof() != model.ProofNone {
			t.Fatalf("entry not filled from the record: %+v", e)
		}
		got, _ := f.svc.Applications.Get(ctx, f.applicant, id)
		if got.App.Version != nv || got.App.Form.Basic.Education[0].CHSI.School != "兰州大学" || !got.App.Form.Basic.Education[0].CHSI.Verified {
			t.Fatalf("stored: v%d %+v", got.App.Version, got.App.Form.Basic.Education[0])
		}
		// The verified entry needs no proof slot and no verification code.
		for _, s := range got.Slots {
			if s.Key == "education/e1/proof" {
				t.Error("proof slot still asked for a verified entry")
			}
		}
		findings, _ := f.svc.Applications.Check(ctx, f.applicant, id)
		for _, x := range findings {
			if strings.HasPrefix(x.Field, "education.e1.") {
				t.Errorf("finding on the verified entry: %v", x)
			}
		}
		// The audit entry names the sync with the number masked.
		events, _ := f.svc.Audit.List(ctx, model.SystemActor("t"), store.AuditFilter{ObjectType: "application", ObjectID: id})
		var ev *model.AuditEvent
		for i := range events {
			if events[i].Action == "education.sync" {
				ev = &events[i]
			}
		}
		if ev == nil || !strings.Contains(ev.Detail, "10730*********0123") || strings.Contains(ev.Detail, chsi.DemoBachelor) || ev.ActorID != f.applicant.UserID {
			t.Fatalf("audit: %+v", ev)
		}

		// What the applicant typed stays; the pre-submit check points at the difference.
		e2, _, err := f.svc.Applications.SyncEducation(ctx, f.applicant, id, nv, "e2")
		if err != nil {
			t.Fatal(err)
		}
		if e2.School != "兰大" || e2.CHSI.School != "西北师范大学" || e2.Level != model.EduMaster || !e2.CHSI.Verified {
			t.Fatalf("typed school overwritten or record lost: %+v", e2)
		}
		findings, _ = f.svc.Applications.Check(ctx, f.applicant, id)
		found := false
		for _, x := range findings {
			found = found || (x.Field == "education.e2.school" && strings.Contains(x.Message, "西北师范大学"))
		}
		if !found {
			t.Errorf("school differing from the record not reported: %v", findings)
		}
	})
}

// When the sync fails the refusal says why and names the proof for the case.
func TestSyncEducation_refusalsNameTheProof(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		calls := 0
		f := newEduFixture(t, db, func(f *appFixture) chsi.Verifier {
			sim := simulatedAt(f)
			return verifierFunc(func(ctx context.Context, no, name string) (chsi.Record, error) {
				calls++
				return sim.Lookup(ctx, no, name)
			})
		})
		ctx := context.Background()
		id, v := f.draftWith(t, f.applicant,
			model.Education{ID: "mismatch", Kind: model.EduDomestic, CertificateNo: chsi.DemoMismatch},
			model.Education{ID: "gone", Kind: model.EduDomestic, CertificateNo: chsi.DemoNotFound, Graduated: "2018-07"},
			model.Education{ID: "old", Kind: model.EduDomestic, CertificateNo: "107301200005000123", Graduated: "2000-07"},
			model.Education{ID: "down", CertificateNo: chsi.DemoUnavailable},
			model.Education{ID: "abroad", Kind: model.EduForeign, School: "University of Example", CertificateNo: "X-123"},
			model.Education{ID: "tech", Kind: model.EduTechnicalSchool, Graduated: "2006-07", CertificateNo: "123"},
			model.Education{ID: "none", Kind: model.EduDomestic})

		// Another person's certificate: refused, the registration form named, nothing saved.
		_, _, err := f.svc.Applications.SyncEducation(ctx, f.applicant, id, v, "mismatch")
		refusal(t, err, model.KindInvalid, "education.mismatch.certificate_no", "持证人", f.applicant.Name,
			"请上传《教育部学历证书电子注册备案表》", "12 位验证码", "2026 年 12 月 31 日前有效")
		_, _, err = f.svc.Applications.SyncEducation(ctx, f.applicant, id, v, "gone")
		refusal(t, err, model.KindInvalid, "education.gone.certificate_no", "未查到", chsi.DemoNotFound, "核对证书编号", "电子注册备案表")
		// Graduated in 2000: the certification report instead.
		_, _, err = f.svc.Applications.SyncEducation(ctx, f.applicant, id, v, "old")
		refusal(t, err, model.KindInvalid, "education.old.certificate_no", "《中国高等教育学历认证报告》")
		// The service down: retry or upload; with no graduation date, the year of the number
		// (2018) decides the proof.
		_, _, err = f.svc.Applications.SyncEducation(ctx, f.applicant, id, v, "down")
		refusal(t, err, model.KindConflict, "education.down.certificate_no", "暂时无法访问", "请稍后重试，或上传《教育部学历证书电子注册备案表》")
		if calls != 4 {
			t.Errorf("%d lookups, want 4", calls)
		}
		// Kinds the records do not hold are not looked up at all.
		_, _, err = f.svc.Applications.SyncEducation(ctx, f.applicant, id, v, "abroad")
		refusal(t, err, model.KindInvalid, "education.abroad.kind", "国外学历学位", "《国外学历学位认证书》")
		_, _, err = f.svc.Applications.SyncEducation(ctx, f.applicant, id, v, "tech")
		refusal(t, err, model.KindInvalid, "education.tech.kind", "技工院校", "毕业生登记表")
		_, _, err = f.svc.Applications.SyncEducation(ctx, f.applicant, id, v, "none")
		refusal(t, err, model.KindInvalid, "education.none.certificate_no", "未填写学历证书编号")
		if calls != 4 {
			t.Errorf("%d lookups, want still 4", calls)
		}
		if _, _, err = f.svc.Applications.SyncEducation(ctx, f.applicant, id, v, "nope"); model.KindOf(err) != model.KindNotFound {
			t.Errorf("unknown entry: %v", err)
		}
		got, _ := f.svc.Applications.Get(ctx, f.applicant, id)
		if got.App.Version != v {
			t.Errorf("a refused sync changed the draft: v%d → v%d", v, got.App.Version)
		}
		for _, e := range got.App.Form.Basic.Education {
			if e.CHSI.Verified {
				t.Errorf("%s verified by a refused sync", e.ID)
			}
		}
	})
}

// No records service configured: the sync is unavailable and the proof is asked for.
func TestSyncEducation_notConfigured(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newEduFixture(t, db, nil)
		id, v := f.draftWith(t, f.applicant, model.Education{ID: "e1", Kind: model.EduDomestic, CertificateNo: chsi.DemoBachelor, Graduated: "2018-07"})
		_, _, err := f.svc.Applications.SyncEducation(context.Background(), f.applicant, id, v, "e1")
		refusal(t, err, model.KindConflict, "education.e1.certificate_no", "暂未接入", "《教育部学历证书电子注册备案表》")
	})
}

// A stale version conflicts, before the lookup and after it; another applicant's
// application is not found.
func TestSyncEducation_versionAndOwner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var during func()
		f := newEduFixture(t, db, func(f *appFixture) chsi.Verifier {
			sim := simulatedAt(f)
			return verifierFunc(func(ctx context.Context, no, name string) (chsi.Record, error) {
				if during != nil {
					during()
				}
				return sim.Lookup(ctx, no, name)
			})
		})
		ctx := context.Background()
		id, v := f.draftWith(t, f.applicant, model.Education{ID: "e1", Kind: model.EduDomestic, CertificateNo: chsi.DemoBachelor})
		stale := func(err error) {
			t.Helper()
			if e, ok := model.AsError(err); !ok || e.Kind != model.KindConflict || !strings.Contains(e.Message, "已在其他页面") {
				t.Fatalf("want the stale-draft conflict, got %v", err)
			}
		}
		_, _, err := f.svc.Applications.SyncEducation(ctx, f.applicant, id, v-1, "e1")
		stale(err)
		// Another tab saves while the lookup runs: the sync does not overwrite it.
		during = func() {
			during = nil
			got, _ := f.svc.Applications.Get(ctx, f.applicant, id)
			form := got.App.Form
			form.Summary = "另一个标签页"
			if _, err := f.svc.Applications.Save(ctx, f.applicant, id, got.App.Version, form); err != nil {
				t.Errorf("save during the lookup: %v", err)
			}
		}
		_, _, err = f.svc.Applications.SyncEducation(ctx, f.applicant, id, v, "e1")
		stale(err)
		got, _ := f.svc.Applications.Get(ctx, f.applicant, id)
		if got.App.Form.Summary != "另一个标签页" || got.App.Form.Basic.Education[0].CHSI.Verified {
			t.Fatalf("the other tab's save lost or the sync applied: %+v", got.App.Form.Basic.Education[0])
		}
		other := f.user(t, f.unitA, "other", model.RoleApplicant)
		if _, _, err := f.svc.Applications.SyncEducation(ctx, other, id, got.App.Version, "e1"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("another applicant syncs it: %v", err)
		}
		if _, _, err := f.svc.Applications.SyncEducation(ctx, model.Actor{}, id, got.App.Version, "e1"); model.KindOf(err) != model.KindUnauthenticated {
			t.Fatalf("anonymous: %v", err)
		}
	})
}

// Only the server records a verification: a save keeps the stored record whatever the
// browser sends, and a changed certificate number drops it.
func TestSyncEducation_serverOwned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newEduFixture(t, db, func(f *appFixture) chsi.Verifier { return simulatedAt(f) })
		ctx := context.Background()
		id, v := f.draftWith(t, f.applicant,
			model.Education{ID: "e1", Kind: model.EduDomestic, CertificateNo: chsi.DemoBachelor},
			// A browser claiming a verification it never got.
			model.Education{ID: "e2", Kind: model.EduDomestic, CertificateNo: "107361201002000999",
				CHSI: model.CHSIRecord{Verified: true, School: "西北师范大学", CertificateNo: "107361201002000999"}})
		got, _ := f.svc.Applications.Get(ctx, f.applicant, id)
		if got.App.Form.Basic.Education[1].CHSI.Verified {
			t.Fatal("a browser-set verification was stored")
		}
		synced, v, err := f.svc.Applications.SyncEducation(ctx, f.applicant, id, v, "e1")
		if err != nil {
			t.Fatal(err)
		}
		got, _ = f.svc.Applications.Get(ctx, f.applicant, id)
		form := got.App.Form
		form.Basic.Education[0].CHSI.School = "伪造大学"
		form.Basic.Education[0].CHSI.Name = "别人"
		form.Basic.Education[0].Major = "软件工程" // the applicant may still edit their own fields
		if v, err = f.svc.Applications.Save(ctx, f.applicant, id, v, form); err != nil {
			t.Fatal(err)
		}
		got, _ = f.svc.Applications.Get(ctx, f.applicant, id)
		e := got.App.Form.Basic.Education[0]
		if !e.CHSI.Verified || e.CHSI.School != "兰州大学" || e.CHSI.Name != f.applicant.Name || !e.CHSI.VerifiedAt.Equal(synced.CHSI.VerifiedAt) || e.Major != "软件工程" {
			t.Fatalf("server's record not kept: %+v", e)
		}
		// The browser drops the record: it comes back.
		form = got.App.Form
		form.Basic.Education[0].CHSI = model.CHSIRecord{}
		if v, err = f.svc.Applications.Save(ctx, f.applicant, id, v, form); err != nil {
			t.Fatal(err)
		}
		got, _ = f.svc.Applications.Get(ctx, f.applicant, id)
		if !got.App.Form.Basic.Education[0].CHSI.Verified {
			t.Fatal("verification lost when the browser omitted it")
		}
		// Another certificate number: the verification is dropped and the proof asked for.
		form = got.App.Form
		form.Basic.Education[0].CertificateNo = "107301201805000124"
		if _, err = f.svc.Applications.Save(ctx, f.applicant, id, v, form); err != nil {
			t.Fatal(err)
		}
		got, _ = f.svc.Applications.Get(ctx, f.applicant, id)
		e = got.App.Form.Basic.Education[0]
		if e.CHSI.Verified || e.CHSI != (model.CHSIRecord{}) || e.Proof() != model.ProofRegistration {
			t.Fatalf("verification kept for another number: %+v", e)
		}
	})
}
