package service_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// The unit's own documents (issue #5 item 3, R-FLOW-01): the recommendation report and the
// publicity report with its photos are uploaded by the applying unit while it reviews, not
// by the applicant, and the unit recommends only with both.

const (
	recSlot = "basic/recommendation"
	pubSlot = "moral/publicity"
)

// unitFiles are the live files of the application's unit slots, as its applicant reads them.
func (f *reviewFixture) unitFiles(t *testing.T, a model.Actor, id int64, slot string) []store.Evidence {
	t.Helper()
	v, err := f.svc.Applications.Get(context.Background(), a, id)
	if err != nil {
		t.Fatal(err)
	}
	return v.Files(slot)
}

// recommendRefusal is the reason the unit's page gives for the disabled recommend button.
func (f *reviewFixture) recommendRefusal(t *testing.T, id int64) error {
	t.Helper()
	v, err := f.svc.Review.View(context.Background(), f.unitA, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range v.Options {
		if o.Action == rules.ActRecommend {
			return o.Err
		}
	}
	t.Fatal("recommend not offered to the unit")
	return nil
}

// TestR_FLOW_01_unitReportsBeforeRecommend: the applicant submits without the two reports
// (the frozen version has neither); after the publicity the recommendation is refused naming
// both, then the one still missing; each upload is one audit entry and advances the version;
// a stale version conflicts and stores nothing; a removal is audited and blocks the
// recommendation again; with both, the unit recommends, and then the reports are frozen.
func TestR_FLOW_01_unitReportsBeforeRecommend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		a, id := f.submitted(t, f.fixture.unitA, "app1")
		subs, _, err := f.svc.Applications.Versions(ctx, a, id)
		if err != nil || len(subs) != 1 {
			t.Fatalf("versions: %d %v", len(subs), err)
		}
		if _, ok := subs[0].Evidence[recSlot]; ok || len(subs[0].Evidence) == 0 {
			t.Fatalf("submitted version's files: %v", subs[0].Evidence)
		}
		if _, ok := subs[0].Evidence[pubSlot]; ok {
			t.Fatalf("the applicant submitted a publicity report: %v", subs[0].Evidence)
		}

		f.now = sh(2024, 9, 27, 9, 30)
		ok(t, model.StatusUnitPublicity)(f.svc.Review.StartPublicity(ctx, f.unitA, id, f.version(t, id)))
		f.now = sh(2024, 10, 10, 9, 0) // the publicity has ended
		_, err = f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id))
		refused(t, err, model.KindConflict, "R-FLOW-01")
		if s := refusalText(err); !strings.Contains(s, "推荐报告、公示报告及公示照片") || !strings.Contains(s, "请上传单位出具的推荐报告和公示报告（含公示照片）后再推荐上报") {
			t.Errorf("refusal with neither report: %s", s)
		}
		if s := refusalText(f.recommendRefusal(t, id)); !strings.Contains(s, "推荐报告、公示报告及公示照片") {
			t.Errorf("the disabled button's reason: %s", s)
		}

		// The recommendation report: one audit entry, the version advanced.
		v := f.version(t, id)
		before := len(f.audits(t, id))
		ev, nv, err := f.svc.Review.UnitUpload(ctx, f.unitA, id, v, recSlot, "推荐报告.jpg", bytes.NewReader(jpegBytes(t)))
		if err != nil {
			t.Fatal(err)
		}
		if nv != v+1 || f.version(t, id) != nv || ev.Slot != recSlot || ev.UploadedBy != f.unitA.UserID || ev.Created.IsZero() || ev.Name != "推荐报告.jpg" {
			t.Fatalf("upload: %+v, version %d (was %d)", ev, nv, v)
		}
		es := f.audits(t, id)
		if len(es) != before+1 || es[0].Action != "application.unit_upload" || es[0].ActorID != f.unitA.UserID || !strings.Contains(es[0].Detail, recSlot) {
			t.Fatalf("audit after the upload: %d new, newest %+v", len(es)-before, es[0])
		}
		if files := f.unitFiles(t, a, id, recSlot); len(files) != 1 || files[0].ID != ev.ID {
			t.Fatalf("the applicant sees the unit's files %+v", files)
		}
		_, err = f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id))
		refused(t, err, model.KindConflict, "R-FLOW-01")
		if s := refusalText(err); !strings.Contains(s, "尚未上传单位出具的公示报告及公示照片，") {
			t.Errorf("refusal with the recommendation report only: %s", s)
		}

		// A stale version (the page before the first upload) conflicts; nothing is stored.
		before = len(f.audits(t, id))
		if _, _, err := f.svc.Review.UnitUpload(ctx, f.unitA2, id, v, pubSlot, "公示报告.jpg", bytes.NewReader(jpegBytes(t))); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("stale upload: %v", err)
		}
		if len(f.unitFiles(t, a, id, pubSlot)) != 0 || len(f.audits(t, id)) != before {
			t.Fatal("the stale upload changed the application")
		}
		// The unit's leader uploads it at the current version.
		pub, _, err := f.svc.Review.UnitUpload(ctx, f.unitA2, id, f.version(t, id), pubSlot, "公示照片.jpg", bytes.NewReader(jpegBytes(t)))
		if err != nil {
			t.Fatal(err)
		}

		// Removal: audited, the version advanced, and the recommendation blocked again.
		v, before = f.version(t, id), len(f.audits(t, id))
		nv, err = f.svc.Review.UnitRemoveFile(ctx, f.unitA, id, v, pub.ID)
		if err != nil || nv != v+1 {
			t.Fatalf("remove: v%d %v", nv, err)
		}
		if es := f.audits(t, id); len(es) != before+1 || es[0].Action != "application.unit_remove_file" || !strings.Contains(es[0].Detail, pubSlot) {
			t.Fatalf("audit after the removal: %d new, newest %+v", len(es)-before, es[0])
		}
		if len(f.unitFiles(t, a, id, pubSlot)) != 0 {
			t.Fatal("the removed file is still live")
		}
		if _, err := f.svc.Review.UnitRemoveFile(ctx, f.unitA, id, nv, pub.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("removing it twice: %v", err)
		}
		_, err = f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id))
		refused(t, err, model.KindConflict, "R-FLOW-01")

		// Both present: recommended; the unit's documents are then closed.
		if _, _, err := f.svc.Review.UnitUpload(ctx, f.unitA, id, f.version(t, id), pubSlot, "公示报告.pdf", bytes.NewReader(jpegBytes(t))); err != nil {
			t.Fatal(err)
		}
		if err := f.recommendRefusal(t, id); err != nil {
			t.Errorf("the recommend button is disabled with both reports: %v", err)
		}
		ok(t, model.StatusRecommended)(f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id)))
		_, _, err = f.svc.Review.UnitUpload(ctx, f.unitA, id, f.version(t, id), pubSlot, "补充.jpg", bytes.NewReader(jpegBytes(t)))
		refused(t, err, model.KindConflict, "R-FLOW-01")
		_, err = f.svc.Review.UnitRemoveFile(ctx, f.unitA, id, f.version(t, id), ev.ID)
		refused(t, err, model.KindConflict, "R-FLOW-01")
	})
}

// R-FLOW-01, R-ORG-02: only the application's own unit uploads or removes its documents.
// Another unit and a department the application has not reached do not see it (404); the
// applicant and the office see it but may not (403); the unit may not put anything into the
// applicant's slots nor take the applicant's files off. Nothing is written for any of them.
func TestR_FLOW_01_unitReportsOnlyByTheUnit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		a, id := f.submitted(t, f.fixture.unitA, "app1")
		applicantFile := firstEvidence(t, f, a, id)
		before := len(f.audits(t, id))
		upload := func(who model.Actor, slot string) error {
			_, _, err := f.svc.Review.UnitUpload(ctx, who, id, f.version(t, id), slot, "报告.jpg", bytes.NewReader(jpegBytes(t)))
			return err
		}
		for _, tt := range []struct {
			name string
			who  model.Actor
			kind model.Kind
		}{
			{"another unit", f.unitB, model.KindNotFound},
			{"a department not reached", f.city, model.KindNotFound},
			{"the applicant", a, model.KindForbidden},
			{"the office", f.officer, model.KindForbidden},
		} {
			if err := upload(tt.who, recSlot); model.KindOf(err) != tt.kind {
				t.Errorf("%s uploads: %v, want %s", tt.name, err, tt.kind)
			}
			if _, err := f.svc.Review.UnitRemoveFile(ctx, tt.who, id, f.version(t, id), applicantFile); model.KindOf(err) != tt.kind {
				t.Errorf("%s removes: %v, want %s", tt.name, err, tt.kind)
			}
		}
		if err := upload(f.unitA, "basic/photo"); !hasRuleAny(err, "R-FLOW-01") || model.KindOf(err) != model.KindInvalid {
			t.Errorf("the unit uploads into the applicant's slot: %v", err)
		}
		if err := upload(f.unitA, "nope/slot"); model.KindOf(err) != model.KindInvalid {
			t.Errorf("the unit uploads into no slot: %v", err)
		}
		_, err := f.svc.Review.UnitRemoveFile(ctx, f.unitA, id, f.version(t, id), applicantFile)
		refused(t, err, model.KindForbidden, "R-FLOW-01")
		if got := len(f.audits(t, id)); got != before {
			t.Fatalf("refusals wrote %d audit entries", got-before)
		}
		// Once recommended, the department sees the reports but may not change them.
		f.now = sh(2024, 9, 27, 9, 30)
		ok(t, model.StatusUnitPublicity)(f.svc.Review.StartPublicity(ctx, f.unitA, id, f.version(t, id)))
		f.unitReports(t, f.unitA, id)
		f.now = sh(2024, 10, 10, 9, 0)
		ok(t, model.StatusRecommended)(f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id)))
		if err := upload(f.city, pubSlot); model.KindOf(err) != model.KindForbidden {
			t.Errorf("the department uploads: %v", err)
		}
		rv, err := f.svc.Review.View(ctx, f.city, id)
		if err != nil || rv.UnitReports || len(rv.Files(recSlot)) != 1 || len(rv.Files(pubSlot)) != 1 {
			t.Fatalf("the department's view: may upload %v, files %d/%d, %v", rv.UnitReports, len(rv.Files(recSlot)), len(rv.Files(pubSlot)), err)
		}
	})
}

// R-FLOW-01, R-APP-05: the applicant cannot upload into the unit's slots, nor combine,
// reorder or remove their files, in a draft or after a return; a resubmission freezes the
// applicant's files only, and the unit's stay where they are.
func TestR_FLOW_01_applicantCannotChangeUnitReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		unitSlot := func(t *testing.T, err error) {
			t.Helper()
			refused(t, err, model.KindForbidden, "R-FLOW-01")
			if e, _ := model.AsError(err); e == nil || e.Message != "该材料由所在单位在审核时上传" || e.Fix == "" {
				t.Errorf("refusal %v", err)
			}
		}
		// A draft.
		draftee := f.user(t, f.fixture.unitA, "drafter", model.RoleApplicant)
		did, err := f.svc.Applications.Start(ctx, draftee, f.plan.ID)
		if err != nil {
			t.Fatal(err)
		}
		dv, _ := f.svc.Applications.Get(ctx, draftee, did)
		_, _, err = f.svc.Applications.Upload(ctx, draftee, did, dv.App.Version, recSlot, "推荐报告.jpg", bytes.NewReader(jpegBytes(t)))
		unitSlot(t, err)
		_, _, err = f.svc.Applications.UploadImages(ctx, draftee, did, dv.App.Version, pubSlot, []io.Reader{bytes.NewReader(jpegBytes(t)), bytes.NewReader(jpegBytes(t))})
		unitSlot(t, err)
		_, err = f.svc.Applications.Reorder(ctx, draftee, did, dv.App.Version, pubSlot, nil)
		unitSlot(t, err)
		_, _, err = f.svc.Applications.Combine(ctx, draftee, did, dv.App.Version, pubSlot, []int64{1, 2})
		unitSlot(t, err)
		if got, _ := f.svc.Applications.Get(ctx, draftee, did); got.App.Version != dv.App.Version || len(got.Evidence) != 0 {
			t.Fatalf("refusals changed the draft: v%d, %d files", got.App.Version, len(got.Evidence))
		}

		// Returned by the unit after it uploaded its reports.
		a, id := f.submitted(t, f.fixture.unitA, "app1")
		f.unitReports(t, f.unitA, id)
		ok(t, model.StatusReturned)(f.svc.Review.UnitReturn(ctx, f.unitA, id, f.version(t, id), []rules.ReturnItem{{Module: 1, Text: "推荐报告以外的基本信息需核对"}}))
		rep := f.unitFiles(t, a, id, recSlot)
		if len(rep) != 1 {
			t.Fatalf("the unit's report after the return: %+v", rep)
		}
		_, err = f.svc.Applications.RemoveEvidence(ctx, a, id, f.version(t, id), rep[0].ID)
		unitSlot(t, err)
		_, _, err = f.svc.Applications.Upload(ctx, a, id, f.version(t, id), pubSlot, "公示报告.jpg", bytes.NewReader(jpegBytes(t)))
		unitSlot(t, err)
		ok(t, model.StatusSubmitted)(f.svc.Review.Resubmit(ctx, a, id, f.version(t, id)))
		subs, _, err := f.svc.Applications.Versions(ctx, a, id)
		if err != nil || len(subs) != 2 {
			t.Fatalf("versions: %d %v", len(subs), err)
		}
		if _, ok := subs[1].Evidence[recSlot]; ok {
			t.Errorf("the resubmission froze the unit's report: %v", subs[1].Evidence)
		}
		if len(f.unitFiles(t, a, id, recSlot)) != 1 || len(f.unitFiles(t, a, id, pubSlot)) != 1 {
			t.Error("the unit's reports did not survive the return")
		}
	})
}

// R-FLOW-11, R-FLOW-01: one publicity report naming several of the unit's applicants may be
// uploaded into each of their applications; the reviewer's duplicate-evidence hints (a fraud
// signal) leave the unit's documents out, and still show the applicants' own files.
func TestR_FLOW_01_unitReportsAreNoDuplicateSignal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		_, first := f.submitted(t, f.fixture.unitA, "app1")
		_, second := f.submitted(t, f.fixture.unitA, "app2")
		f.unitReports(t, f.unitA, first)
		f.unitReports(t, f.unitA, second) // the same bytes
		v, err := f.svc.Review.View(context.Background(), f.unitA, first)
		if err != nil {
			t.Fatal(err)
		}
		own := 0
		for _, d := range v.Duplicates {
			if d.Slot == recSlot || d.Slot == pubSlot {
				t.Errorf("the unit's report flagged as a duplicate: %+v", d)
			} else if d.OtherAppID == second {
				own++
			}
		}
		if own == 0 {
			t.Error("the applicants' identical scans are no longer flagged")
		}
	})
}
