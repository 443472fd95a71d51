package service_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"

	"zhicheng/internal/blob"
	"zhicheng/internal/model"
	"zhicheng/internal/presets"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

type appFixture struct {
	*fixture
	plan      model.Plan
	applicant model.Actor
}

// newAppFixture has an applicant in unit A and the 2024-style plan whose application window
// is open at f.now.
func newAppFixture(t *testing.T, db *store.DB) *appFixture {
	t.Helper()
	f := newFixture(t, db)
	blobs, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f.svc = service.New(service.Deps{DB: db, Blobs: blobs, Keys: keysFor(), Password: cheap, Now: func() time.Time { return f.now }, Log: quiet})
	office := f.user(t, f.office, "officehandler", model.RoleHandler)
	p := presets.OpenToday(f.now)
	p.CommitteeID = f.committee(t)
	id, err := f.svc.Plans.Create(context.Background(), office, p)
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := f.svc.Plans.Get(context.Background(), id)
	return &appFixture{fixture: f, plan: plan, applicant: f.user(t, f.unitA, "applicant", model.RoleApplicant)}
}

func jpegBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 40, 30)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// R-APP-04: every save is durable and versioned; a second tab saving an old version gets
// a clear conflict. Values wrong even in a draft are refused at once.
func TestR_APP_04_draftSaveAndConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		ctx := context.Background()
		id, err := f.svc.Applications.Start(ctx, f.applicant, f.plan.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Applications.Start(ctx, f.applicant, f.plan.ID); model.KindOf(err) != model.KindConflict {
			t.Fatalf("second application to one plan: %v", err)
		}
		v, _ := f.svc.Applications.Get(ctx, f.applicant, id)
		form := v.App.Form
		form.Summary = "本人从事人力资源培训工作十余年。"
		nv, err := f.svc.Applications.Save(ctx, f.applicant, id, v.App.Version, form)
		if err != nil {
			t.Fatal(err)
		}
		// The other tab still holds the old version.
		form.Summary = "另一个标签页的内容"
		if _, err := f.svc.Applications.Save(ctx, f.applicant, id, v.App.Version, form); model.KindOf(err) != model.KindConflict {
			t.Fatalf("stale save: %v", err)
		}
		got, _ := f.svc.Applications.Get(ctx, f.applicant, id)
		if got.App.Form.Summary != "本人从事人力资源培训工作十余年。" || got.App.Version != nv {
			t.Fatalf("saved draft: %q v%d", got.App.Form.Summary, got.App.Version)
		}
		// R-APP-07 even in a draft: 801 characters refused, and nothing changes.
		form.Summary = strings.Repeat("字", 801)
		if _, err := f.svc.Applications.Save(ctx, f.applicant, id, nv, form); !hasRule(err, "R-APP-07", "summary") {
			t.Fatalf("801-character summary: %v", err)
		}
		// Someone else's application is not found.
		other := f.user(t, f.unitA, "other", model.RoleApplicant)
		if _, err := f.svc.Applications.Get(ctx, other, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("another applicant reads it: %v", err)
		}
	})
}

// R-APP-01: uploads judged by content; a disguised PNG refused; single-file slots replace.
func TestR_APP_01_uploadsIntoSlots(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		ctx := context.Background()
		id, _ := f.svc.Applications.Start(ctx, f.applicant, f.plan.ID)
		v, _ := f.svc.Applications.Get(ctx, f.applicant, id)
		slot := v.Slots[0]
		ev, nv, err := f.svc.Applications.Upload(ctx, f.applicant, id, v.App.Version, slot.Key, "照片.jpg", bytes.NewReader(jpegBytes(t)))
		if err != nil {
			t.Fatalf("upload to %s: %v", slot.Key, err)
		}
		var pngBuf bytes.Buffer
		png.Encode(&pngBuf, image.NewRGBA(image.Rect(0, 0, 4, 4)))
		if _, _, err := f.svc.Applications.Upload(ctx, f.applicant, id, nv, slot.Key, "照片.jpg", &pngBuf); !hasRuleAny(err, "R-APP-01") {
			t.Fatalf("PNG named .jpg: %v", err)
		}
		if _, _, err := f.svc.Applications.Upload(ctx, f.applicant, id, nv, "nope/slot", "a.jpg", bytes.NewReader(jpegBytes(t))); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("unknown slot: %v", err)
		}
		got, _ := f.svc.Applications.Get(ctx, f.applicant, id)
		if files := got.Files(slot.Key); len(files) != 1 || files[0].ID != ev.ID || files[0].Name != "照片.jpg" {
			t.Fatalf("files in %s: %+v", slot.Key, files)
		}
		// The same scan in another applicant's application is flagged to both.
		f2 := f.user(t, f.unitB, "applicant2", model.RoleApplicant)
		id2, err := f.svc.Applications.Start(ctx, f2, f.plan.ID)
		if err != nil {
			t.Fatal(err)
		}
		v2, _ := f.svc.Applications.Get(ctx, f2, id2)
		if _, _, err := f.svc.Applications.Upload(ctx, f2, id2, v2.App.Version, slot.Key, "x.jpg", bytes.NewReader(jpegBytes(t))); err != nil {
			t.Fatal(err)
		}
		reviewer := f.user(t, f.unitA, "unitreviewer", model.RoleHandler)
		dups, err := f.svc.Applications.DuplicatesForReview(ctx, reviewer, id)
		if err != nil || len(dups) != 1 || dups[0].OtherAppID != id2 {
			t.Fatalf("duplicate evidence not flagged to the unit: %+v %v", dups, err)
		}
		// Not to the applicant, nor to another unit's reviewer.
		if _, err := f.svc.Applications.DuplicatesForReview(ctx, f.applicant, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("applicant sees duplicate hints: %v", err)
		}
		otherReviewer := f.user(t, f.unitB, "unitbreviewer", model.RoleHandler)
		if _, err := f.svc.Applications.DuplicatesForReview(ctx, otherReviewer, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("another unit sees duplicate hints: %v", err)
		}
	})
}

func hasRuleAny(err error, rule string) bool {
	if e, ok := model.AsError(err); ok && e.Rule == rule {
		return true
	}
	var es model.Errors
	if errors.As(err, &es) {
		for _, e := range es {
			if e.Rule == rule {
				return true
			}
		}
	}
	return false
}

// R-ELG-10: the pre-submit check of an empty draft lists every problem at once, and
// submission is refused with that list; R-CAL-02: after the window, nothing moves.
func TestR_ELG_10_submitRefusedWithAllFindings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		ctx := context.Background()
		id, _ := f.svc.Applications.Start(ctx, f.applicant, f.plan.ID)
		findings, err := f.svc.Applications.Check(ctx, f.applicant, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(findings) < 10 || !hasRuleAny(findings, "R-APP-03") {
			t.Fatalf("findings of an empty draft (%d): %v", len(findings), findings)
		}
		v, _ := f.svc.Applications.Get(ctx, f.applicant, id)
		_, err = f.svc.Applications.Submit(ctx, f.applicant, id, v.App.Version)
		var es model.Errors
		if !errors.As(err, &es) || len(es) != len(findings) {
			t.Fatalf("submit of an empty draft: %v", err)
		}
		if err := f.svc.Applications.Sign(ctx, f.applicant, id, "别人"); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("pledge signed with another name: %v", err)
		}
		if err := f.svc.Applications.Sign(ctx, f.applicant, id, f.applicant.Name); err != nil {
			t.Fatal(err)
		}
		if findings, _ = f.svc.Applications.Check(ctx, f.applicant, id); hasRuleAny(findings, "R-APP-03") {
			t.Fatal("pledge still reported missing after signing")
		}
		// After the application window: refused, naming when it closed.
		w, _ := f.plan.Window(model.WindowApply)
		f.now = w.End
		v, _ = f.svc.Applications.Get(ctx, f.applicant, id)
		_, err = f.svc.Applications.Submit(ctx, f.applicant, id, v.App.Version)
		if e, ok := model.AsError(err); !ok || e.Kind != model.KindClosed || !strings.Contains(e.Message, rules.FormatEnd(w.End)) {
			t.Fatalf("submit after the window: %v", err)
		}
		if _, err := f.svc.Applications.Save(ctx, f.applicant, id, v.App.Version, v.App.Form); model.KindOf(err) != model.KindClosed {
			t.Fatalf("save after the window: %v", err)
		}
	})
}
