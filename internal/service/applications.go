package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"zhicheng/internal/authz"
	"zhicheng/internal/evidence"
	"zhicheng/internal/jobs"
	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
)

// Applications owns an applicant's application: the draft, its evidence, the pre-submit
// check, the integrity pledge and submission (SPEC §4, R-APP-*, R-ELG-10).
type Applications struct {
	d Deps
	// checks bounds how many uploads are checked at once: decoding a large JPEG takes memory
	// in proportion to its pixels, and at the deadline thousands arrive together. Uploads
	// beyond the bound wait (streaming to disk is cheap; decoding is not).
	checks chan struct{}
}

// acquire waits for a check slot, or for the request to end.
func (s *Applications) acquire(ctx context.Context) (func(), error) {
	select {
	case s.checks <- struct{}{}:
		return func() { <-s.checks }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// PledgeVersion names the wording of the integrity pledge shown to applicants (R-APP-03).
// Change it whenever PledgeText changes, so that each signature records what was signed.
const PledgeVersion = "2024-1"

// PledgeText is the integrity pledge (诚信承诺书).
const PledgeText = `本人郑重承诺：所填报的个人信息和上传的申报材料全部真实、准确、完整，学历、资历、业绩成果等均为本人取得，不存在伪造、变造、冒用他人材料或剽窃他人成果等弄虚作假行为。如有不实，本人自愿接受取消申报资格、撤销已取得的职称、记入职称申报评审失信黑名单等处理，并承担由此产生的一切后果。`

// View is an application with what its pages need.
type View struct {
	App      model.Application
	Plan     model.Plan
	Level    model.Level
	Slots    []model.Slot
	Evidence []store.Evidence
}

// Files returns the live files of a slot, in order.
func (v *View) Files(slot string) []store.Evidence {
	var out []store.Evidence
	for _, e := range v.Evidence {
		if e.Slot == slot {
			out = append(out, e)
		}
	}
	return out
}

// Filled counts the live files per slot.
func (v *View) Filled() map[string]int {
	m := map[string]int{}
	for _, e := range v.Evidence {
		m[e.Slot]++
	}
	return m
}

// own loads an application the actor may work on as its applicant.
func (s *Applications) own(ctx context.Context, q *store.Q, a model.Actor, id int64) (model.Application, error) {
	app, err := q.Application(ctx, id)
	if err != nil {
		return app, err
	}
	if app.ApplicantID != a.UserID {
		// Not found, not forbidden: other people's application ids are not confirmed (R-ORG-02).
		return model.Application{}, fmt.Errorf("application %d: %w", id, model.ErrNotFound)
	}
	return app, nil
}

// editWindow is the window in which the applicant may change the application: the
// application window for a draft; for an application returned for modification, until the
// later of the application and review windows (the reviewer returned it to be fixed).
func editWindow(p model.Plan, app model.Application) rules.Window {
	w, _ := p.Window(model.WindowApply)
	win := rules.PlanWindow(w)
	if app.Status == model.StatusReturned {
		if r, ok := p.Window(model.WindowUnitReview); ok && r.End.After(win.End) {
			win.End = r.End
		}
	}
	return win
}

func (s *Applications) editable(p model.Plan, app model.Application, now time.Time) error {
	if !app.Status.Editable() {
		return &model.Error{Kind: model.KindConflict, Rule: "R-APP-05", Message: "申报已提交（" + app.Status.Label() + "），不能修改",
			Fix: "提交后只有在被“退回修改”时才能修改"}
	}
	return editWindow(p, app).Check(now)
}

// Start creates the actor's draft for a plan, inside the application window, after the
// checks that do not depend on the form: the channel (an applicant of a central unit needs
// the approved entrustment letter, R-ELG-05) and the blacklist (R-ELG-04).
func (s *Applications) Start(ctx context.Context, a model.Actor, planID int64) (int64, error) {
	if err := require(a, authz.Apply); err != nil {
		return 0, err
	}
	var id int64
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		p, err := q.Plan(ctx, planID)
		if err != nil {
			return err
		}
		if err := s.CheckApplyWindow(p, q.Now()); err != nil {
			return err
		}
		org, err := q.Org(ctx, a.OrgID)
		if err != nil {
			return err
		}
		if org.UnitType == model.UnitCentral {
			e, err := q.EntrustmentFor(ctx, org.ID, planID)
			if err != nil || e.Status != store.EntrustApproved {
				return &model.Error{Kind: model.KindForbidden, Rule: "R-ELG-05", Message: "本单位尚未获得职改办批准的委托函，不能申报该评审计划",
					Fix: "请本单位人事部门在“委托函”中提交委托函，职改办批准后即可申报"}
			}
		}
		idNumber, err := s.idNumber(ctx, q, a.UserID)
		if err != nil {
			return err
		}
		if err := inForce(ctx, q, s.d, idNumber, q.Now()); err != nil {
			return err
		}
		app := model.Application{PlanID: planID, ApplicantID: a.UserID, OrgID: a.OrgID, Status: model.StatusDraft}
		if len(p.Levels) == 1 {
			app.Form.Basics.LevelCode = p.Levels[0].Code
		}
		if len(p.Specialties) == 1 {
			app.Form.Basics.Specialty = p.Specialties[0]
		}
		if id, err = q.CreateApplication(ctx, app); err != nil {
			return err
		}
		e := event(a, "application.start", "application", id)
		e.ToState = string(model.StatusDraft)
		e.Detail = detail(map[string]any{"plan_id": planID, "org_id": a.OrgID})
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("start application: %w", err)
	}
	return id, nil
}

// CheckApplyWindow refuses outside the plan's application window, naming when it closed.
func (s *Applications) CheckApplyWindow(p model.Plan, now time.Time) error {
	w, ok := p.Window(model.WindowApply)
	if !ok {
		return &model.Error{Kind: model.KindClosed, Rule: "R-CAL-01", Message: "该评审计划未设置个人申报时间"}
	}
	return rules.PlanWindow(w).Check(now)
}

func (s *Applications) idNumber(ctx context.Context, q *store.Q, userID int64) (string, error) {
	enc, _, err := q.PersonalEnc(ctx, userID)
	if err != nil {
		return "", err
	}
	return s.d.Keys.Decrypt(enc, ctxIDNumber)
}

// Mine lists the actor's applications.
func (s *Applications) Mine(ctx context.Context, a model.Actor) ([]model.Application, error) {
	if err := require(a, authz.Apply); err != nil {
		return nil, err
	}
	var out []model.Application
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) { out, err = q.ApplicationsOf(ctx, a.UserID); return err })
	return out, err
}

// Get returns the actor's application with its plan, slots, files and duplicate hints.
func (s *Applications) Get(ctx context.Context, a model.Actor, id int64) (View, error) {
	var v View
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) {
		if v.App, err = s.own(ctx, q, a, id); err != nil {
			return err
		}
		return s.fill(ctx, q, &v)
	})
	return v, err
}

func (s *Applications) fill(ctx context.Context, q *store.Q, v *View) (err error) {
	if v.Plan, err = q.Plan(ctx, v.App.PlanID); err != nil {
		return err
	}
	v.Level, _ = v.Plan.Level(v.App.Form.Basics.LevelCode)
	v.Slots = v.App.Form.Slots(v.Plan)
	v.Evidence, err = q.EvidenceOf(ctx, v.App.ID)
	return err
}

// DuplicatesForReview lists the application's files that other applicants' applications
// also carry — a fraud signal for reviewers (never shown to the applicant, whom it would tell
// about someone else's application). The unit the application went through and the office
// may see it; the review chain's departments join with the review workflow.
func (s *Applications) DuplicatesForReview(ctx context.Context, a model.Actor, id int64) ([]store.Duplicate, error) {
	var out []store.Duplicate
	err := s.d.DB.View(ctx, func(q *store.Q) error {
		app, err := q.Application(ctx, id)
		if err != nil {
			return err
		}
		unitReviewer := authz.Allowed(a, authz.ReviewUnit) && app.OrgID == a.OrgID
		if !unitReviewer && !authz.Allowed(a, authz.OfficeWork) {
			return fmt.Errorf("application %d: %w", id, model.ErrNotFound)
		}
		out, err = q.DuplicatesOf(ctx, id)
		return err
	})
	return out, err
}

// Save replaces the working copy of the form if nobody saved since version v (two tabs
// editing one draft get a clear conflict, not a silent overwrite — R-APP-04). Values that are
// wrong even in a draft (a sixth paper, an 801-character summary, a malformed date) are
// refused, all at once; incomplete is fine.
func (s *Applications) Save(ctx context.Context, a model.Actor, id, v int64, f model.Form) (int64, error) {
	if err := require(a, authz.Apply); err != nil {
		return 0, err
	}
	var nv int64
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		app, err := s.own(ctx, q, a, id)
		if err != nil {
			return err
		}
		p, err := q.Plan(ctx, app.PlanID)
		if err != nil {
			return err
		}
		if err := s.editable(p, app, q.Now()); err != nil {
			return err
		}
		if app.Version != v {
			return fmt.Errorf("application %d: %w", id, errStaleDraft)
		}
		keepServerOwned(app.Form, &f)
		if errs := rules.ValidateDraft(f, p); len(errs) > 0 {
			return errs
		}
		items, err := returnedItems(ctx, q, app)
		if err != nil {
			return err
		}
		if items != nil {
			if errs := rules.CheckReturnedChanges(rules.DiffForms(app.Form, f), items); len(errs) > 0 {
				return errs
			}
		}
		nv, err = q.SaveForm(ctx, id, v, f)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("save application %d: %w", id, err)
	}
	return nv, nil
}

// errStaleDraft is the conflict of two tabs or devices editing one draft.
var errStaleDraft = &model.Error{Kind: model.KindConflict, Rule: "R-APP-04", Message: "申报表已在其他页面或设备上保存过，本页内容不是最新",
	Fix: "请复制本页尚未保存的内容，刷新页面后再修改保存"}

// Upload streams one file into a slot of the form: checked by content and size while it
// arrives (R-APP-01), stored by hash, then attached at the end of the slot. A single-file slot
// is replaced. The draft's version advances, so a form open in another tab sees the change.
func (s *Applications) Upload(ctx context.Context, a model.Actor, id, v int64, slot, name string, r io.Reader) (store.Evidence, int64, error) {
	if err := require(a, authz.Apply); err != nil {
		return store.Evidence{}, 0, err
	}
	var view View
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) {
		if view.App, err = s.own(ctx, q, a, id); err != nil {
			return err
		}
		return s.fill(ctx, q, &view)
	})
	if err != nil {
		return store.Evidence{}, 0, err
	}
	if err := s.editable(view.Plan, view.App, s.d.Now()); err != nil {
		return store.Evidence{}, 0, err
	}
	sl, ok := findSlot(view.Slots, slot)
	if !ok {
		return store.Evidence{}, 0, errNoSlot
	}
	if sl.ByUnit {
		return store.Evidence{}, 0, errUnitSlot
	}
	if err := s.checkReturnedSlot(ctx, view, sl); err != nil {
		return store.Evidence{}, 0, err
	}
	ev, err := s.receive(ctx, a, id, slot, name, r)
	if err != nil {
		return store.Evidence{}, 0, err
	}
	var nv int64
	err = s.d.DB.Update(ctx, func(q *store.Q) error {
		if nv, err = q.BumpApplication(ctx, id, v); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return errStaleDraft
			}
			return err
		}
		if !sl.Multi {
			for _, old := range view.Files(slot) {
				if err := q.RemoveEvidence(ctx, id, old.ID); err != nil {
					return err
				}
			}
		}
		if ev.ID, err = q.AddEvidence(ctx, ev); err != nil {
			return err
		}
		e := event(a, "evidence.upload", "application", id)
		e.Detail = detail(map[string]any{"slot": slot, "evidence_id": ev.ID, "sha256": ev.SHA256, "size": ev.Size, "pages": ev.Pages})
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return store.Evidence{}, 0, fmt.Errorf("upload to application %d: %w", id, err)
	}
	return ev, nv, nil
}

// receive checks one upload by content and size while it arrives (R-APP-01) and stores it by
// hash, returning the row that attaches it to the slot. It receives at the client's pace
// first; only the check takes one of the bounded slots, so slow connections cannot hold them
// (BENCHMARKS.md §2).
func (s *Applications) receive(ctx context.Context, a model.Actor, id int64, slot, name string, r io.Reader) (store.Evidence, error) {
	up, err := evidence.Receive(ctx, r)
	if err != nil {
		return store.Evidence{}, err
	}
	defer up.Close()
	release, err := s.acquire(ctx)
	if err != nil {
		return store.Evidence{}, err
	}
	acc, err := up.Check(ctx, s.d.Blobs)
	release()
	if err != nil {
		return store.Evidence{}, err
	}
	return store.Evidence{ApplicationID: id, Slot: slot, SHA256: acc.Ref.SHA256, Size: acc.Ref.Size, Kind: string(acc.Kind),
		Pages: acc.Pages, Name: cleanName(name), UploadedBy: a.UserID}, nil
}

var errNoSlot = model.Invalid("slot", "没有这个上传项", "请在申报表中先填写对应条目，再上传材料")

// errUnitSlot refuses the applicant a change of the unit's documents (model.Slot.ByUnit).
var errUnitSlot = &model.Error{Kind: model.KindForbidden, Rule: "R-FLOW-01", Field: "slot", Message: "该材料由所在单位在审核时上传",
	Fix: "推荐报告和公示报告（含公示照片）由所在单位出具，在审核推荐时上传，申报人无需上传；如有疑问请联系所在单位"}

func findSlot(slots []model.Slot, key string) (model.Slot, bool) {
	for _, s := range slots {
		if s.Key == key {
			return s, true
		}
	}
	return model.Slot{}, false
}

// cleanName keeps the base of an uploaded file's name, for display only.
func cleanName(name string) string {
	name = strings.TrimSpace(filepath.Base(strings.ReplaceAll(name, "\\", "/")))
	if name == "" || name == "." || name == "/" {
		return "未命名文件"
	}
	if utf8.RuneCountInString(name) > 120 {
		name = string([]rune(name)[:120])
	}
	return name
}

// RemoveEvidence takes a file off the working copy (it stays in any submitted version).
func (s *Applications) RemoveEvidence(ctx context.Context, a model.Actor, id, v, evidenceID int64) (int64, error) {
	return s.changeEvidence(ctx, a, id, v, "", evidenceID, "evidence.remove", map[string]any{"evidence_id": evidenceID}, func(q *store.Q) error {
		return q.RemoveEvidence(ctx, id, evidenceID)
	})
}

// Reorder sets the order of a slot's files.
func (s *Applications) Reorder(ctx context.Context, a model.Actor, id, v int64, slot string, ids []int64) (int64, error) {
	return s.changeEvidence(ctx, a, id, v, slot, 0, "evidence.reorder", map[string]any{"slot": slot, "order": ids}, func(q *store.Q) error {
		return q.ReorderEvidence(ctx, id, slot, ids)
	})
}

// changeEvidence applies a change to the files of one slot (named, or found from the file
// being changed) with the version check, the window, the returned-items rule and the audit.
func (s *Applications) changeEvidence(ctx context.Context, a model.Actor, id, v int64, slot string, evidenceID int64, action string, d map[string]any, change func(*store.Q) error) (int64, error) {
	if err := require(a, authz.Apply); err != nil {
		return 0, err
	}
	var nv int64
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		app, err := s.own(ctx, q, a, id)
		if err != nil {
			return err
		}
		p, err := q.Plan(ctx, app.PlanID)
		if err != nil {
			return err
		}
		if err := s.editable(p, app, q.Now()); err != nil {
			return err
		}
		if slot == "" {
			ev, err := q.EvidenceByID(ctx, id, evidenceID)
			if err != nil {
				return err
			}
			slot = ev.Slot
		}
		sl, ok := findSlot(app.Form.Slots(p), slot)
		if !ok {
			sl = model.Slot{Key: slot, Label: slot} // the files of an entry taken off the form
		}
		if sl.ByUnit {
			return errUnitSlot
		}
		if items, err := returnedItems(ctx, q, app); err != nil {
			return err
		} else if items != nil {
			if err := rules.ReturnedSlotError(items, sl); err != nil {
				return err
			}
		}
		if nv, err = q.BumpApplication(ctx, id, v); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return errStaleDraft
			}
			return err
		}
		if err := change(q); err != nil {
			return err
		}
		e := event(a, action, "application", id)
		e.Detail = detail(d)
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("%s on application %d: %w", action, id, err)
	}
	return nv, nil
}

// Check is the pre-submit check (R-ELG-10): every missing item, failed eligibility rule and
// bad value, at once.
func (s *Applications) Check(ctx context.Context, a model.Actor, id int64) (model.Errors, error) {
	var findings model.Errors
	err := s.d.DB.View(ctx, func(q *store.Q) error {
		var v View
		var err error
		if v.App, err = s.own(ctx, q, a, id); err != nil {
			return err
		}
		if err := s.fill(ctx, q, &v); err != nil {
			return err
		}
		findings, err = s.check(ctx, q, v)
		return err
	})
	return findings, err
}

func (s *Applications) check(ctx context.Context, q *store.Q, v View) (model.Errors, error) {
	base, err := s.profile(ctx, q, v.App)
	if err != nil {
		return nil, err
	}
	today := s.d.Now()
	level, ok := v.Plan.Level(v.App.Form.Basics.LevelCode)
	if !ok {
		level = model.Level{Name: "（未选择级别）"}
	}
	findings := rules.PreSubmit(v.App.Form, v.Plan, level, base, v.Filled(), today)
	if e := rules.CheckPledge(v.App.Pledge); e != nil {
		findings = append(findings, e)
	}
	return findings, nil
}

// profile is the part of the eligibility profile that does not come from the form: the
// person (from the ID number), the blacklist, the applying organisation and entrustment.
func (s *Applications) profile(ctx context.Context, q *store.Q, app model.Application) (rules.Profile, error) {
	var p rules.Profile
	idNumber, err := s.idNumber(ctx, q, app.ApplicantID)
	if err != nil {
		return p, err
	}
	if id, err := rules.ParseIDNumber(idNumber, s.d.Now().In(rules.Shanghai())); err == nil {
		p.Birth, p.Male = id.Birth, id.Male
	}
	entries, err := q.BlacklistFor(ctx, s.d.Keys.BlindIndex(ctxIDNumber, idNumber))
	if err != nil {
		return p, err
	}
	for _, e := range entries {
		if e.Lifted.IsZero() {
			// The rules take the last day inclusive; the store keeps the exclusive end.
			last := e.Until.In(rules.Shanghai()).AddDate(0, 0, -1)
			p.Blacklist = append(p.Blacklist, rules.BlacklistEntry{Until: time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, time.UTC), Reason: e.Reason})
		}
	}
	org, err := q.Org(ctx, app.OrgID)
	if err != nil {
		return p, err
	}
	p.ApplyingOrgKind, p.UnitType = org.Kind, org.UnitType
	if org.UnitType == model.UnitCentral {
		p.CentralUnit = true
		e, err := q.EntrustmentFor(ctx, org.ID, app.PlanID)
		p.EntrustmentApproved = err == nil && e.Status == store.EntrustApproved
	}
	return p, nil
}

// Sign records the integrity pledge, signed with the applicant's real name (R-APP-03).
func (s *Applications) Sign(ctx context.Context, a model.Actor, id int64, signer string) error {
	if err := require(a, authz.Apply); err != nil {
		return err
	}
	signer = strings.TrimSpace(signer)
	if signer != a.Name {
		return &model.Error{Kind: model.KindInvalid, Rule: "R-APP-03", Field: "signer", Message: "签名须与账号的实名一致", Fix: "请输入您的姓名“" + a.Name + "”"}
	}
	return s.d.DB.Update(ctx, func(q *store.Q) error {
		app, err := s.own(ctx, q, a, id)
		if err != nil {
			return err
		}
		p, err := q.Plan(ctx, app.PlanID)
		if err != nil {
			return err
		}
		if err := s.editable(p, app, q.Now()); err != nil {
			return err
		}
		pl := model.Pledge{TextVersion: PledgeVersion, SignerName: signer, SignedAt: q.Now()}
		if err := q.SignPledge(ctx, id, pl); err != nil {
			return err
		}
		e := event(a, "application.pledge", "application", id)
		e.Detail = detail(map[string]any{"text_version": PledgeVersion})
		_, err = q.Audit(ctx, e)
		return err
	})
}

// Submit freezes the application and sends it to the applicant's unit (or archive agency),
// inside the window, only when the pre-submit check finds nothing (R-ELG-10) and the pledge
// is signed (R-APP-03). Nothing counts as submitted before this (R-APP-04); afterwards the
// applicant cannot change it unless it is returned (R-APP-05).
func (s *Applications) Submit(ctx context.Context, a model.Actor, id, v int64) (int, error) {
	if err := require(a, authz.Apply); err != nil {
		return 0, err
	}
	var no int
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		var view View
		var err error
		if view.App, err = s.own(ctx, q, a, id); err != nil {
			return err
		}
		if err := s.fill(ctx, q, &view); err != nil {
			return err
		}
		if view.App.Status == model.StatusReturned {
			// A returned application goes back to the step that returned it, through the
			// workflow table (Review.Resubmit), not to the unit as a first submission.
			return &model.Error{Kind: model.KindConflict, Rule: "R-APP-05", Message: "该申报已被退回修改，请使用“重新提交”",
				Fix: "修改退回的项目后，在申报页面点击“重新提交”，申报将回到退回它的审核环节"}
		}
		if err := s.editable(view.Plan, view.App, q.Now()); err != nil {
			return err
		}
		if view.App.Version != v {
			return errStaleDraft
		}
		findings, err := s.check(ctx, q, view)
		if err != nil {
			return err
		}
		if len(findings) > 0 {
			return findings
		}
		frozen := frozenEvidence(view.App.Form, view.Plan, view.Evidence)
		from := view.App.Status
		if no, err = q.Submit(ctx, view.App, frozen, a.UserID); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return errStaleDraft
			}
			return err
		}
		e := event(a, "application.submit", "application", id)
		e.FromState, e.ToState = string(from), string(model.StatusSubmitted)
		e.Detail = detail(map[string]any{"version": no, "org_id": view.App.OrgID, "files": len(view.Evidence)})
		if _, err = q.Audit(ctx, e); err != nil {
			return err
		}
		if err := jobs.Notify(ctx, q, jobs.Message{UserID: view.App.ApplicantID, Subject: "职称申报已提交",
			Body: "您的职称申报已提交，等待单位审核"}); err != nil {
			return err
		}
		// The unit reviews as applications arrive (随报随审, R-FLOW-02): its reviewers are told.
		return notifyWaiting(ctx, q, view.App.OrgID, model.StatusSubmitted)
	})
	if err != nil {
		return 0, fmt.Errorf("submit application %d: %w", id, err)
	}
	return no, nil
}

// File opens one of the application's files for its applicant.
func (s *Applications) File(ctx context.Context, a model.Actor, id, evidenceID int64) (store.Evidence, io.ReadCloser, error) {
	var ev store.Evidence
	err := s.d.DB.View(ctx, func(q *store.Q) error {
		if _, err := s.own(ctx, q, a, id); err != nil {
			return err
		}
		var err error
		ev, err = q.EvidenceByID(ctx, id, evidenceID)
		return err
	})
	if err != nil {
		return ev, nil, err
	}
	r, err := s.d.Blobs.Open(ctx, ev.SHA256)
	return ev, r, err
}

// Versions lists the submitted versions of the actor's application, with the field-level
// changes between consecutive ones.
func (s *Applications) Versions(ctx context.Context, a model.Actor, id int64) ([]store.Submission, [][]rules.FieldChange, error) {
	var subs []store.Submission
	err := s.d.DB.View(ctx, func(q *store.Q) error {
		if _, err := s.own(ctx, q, a, id); err != nil {
			return err
		}
		var err error
		subs, err = q.Submissions(ctx, id)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	diffs := make([][]rules.FieldChange, len(subs))
	for i := 1; i < len(subs); i++ {
		diffs[i] = rules.DiffForms(subs[i-1].Form, subs[i].Form)
	}
	return subs, diffs, nil
}

// keepServerOwned stops a browser from claiming what only the server may record: an
// education entry's CHSI verification (同步学信网) is kept from the stored form while the
// certificate number and school are unchanged, and dropped otherwise.
func keepServerOwned(old model.Form, f *model.Form) {
	prev := map[string]model.Education{}
	for _, e := range old.Basic.Education {
		prev[e.ID] = e
	}
	for i := range f.Basic.Education {
		e := &f.Basic.Education[i]
		o, ok := prev[e.ID]
		if ok && o.CHSI.Verified && o.CertificateNo == e.CertificateNo && o.School == e.School {
			e.CHSI = o.CHSI
		} else {
			e.CHSI = model.CHSIRecord{}
		}
	}
}

// Combine turns several JPEG files of a slot, in the order given, into one PDF that
// replaces them in the slot (R-APP-02: several ordered images for one item → one PDF).
func (s *Applications) Combine(ctx context.Context, a model.Actor, id, v int64, slot string, ids []int64) (store.Evidence, int64, error) {
	if err := require(a, authz.Apply); err != nil {
		return store.Evidence{}, 0, err
	}
	if len(ids) < 2 {
		return store.Evidence{}, 0, model.Invalid("ids", "请至少选择两张图片", "合并时按所选顺序，每张图片一页")
	}
	view, err := s.Get(ctx, a, id)
	if err != nil {
		return store.Evidence{}, 0, err
	}
	if err := s.editable(view.Plan, view.App, s.d.Now()); err != nil {
		return store.Evidence{}, 0, err
	}
	if sl, ok := findSlot(view.Slots, slot); ok {
		if sl.ByUnit {
			return store.Evidence{}, 0, errUnitSlot
		}
		if err := s.checkReturnedSlot(ctx, view, sl); err != nil {
			return store.Evidence{}, 0, err
		}
	}
	byID := map[int64]store.Evidence{}
	for _, e := range view.Files(slot) {
		byID[e.ID] = e
	}
	var readers []io.Reader
	for _, eid := range ids {
		e, ok := byID[eid]
		if !ok || e.Kind != string(evidence.JPEG) {
			return store.Evidence{}, 0, model.Invalid("ids", "只能合并本项中的 JPG 图片", "PDF 文件无需合并")
		}
		r, err := s.d.Blobs.Open(ctx, e.SHA256)
		if err != nil {
			return store.Evidence{}, 0, err
		}
		defer r.Close()
		readers = append(readers, r)
	}
	acc, err := evidence.CombineImages(ctx, s.d.Blobs, readers)
	if err != nil {
		return store.Evidence{}, 0, err
	}
	ev := store.Evidence{ApplicationID: id, Slot: slot, SHA256: acc.Ref.SHA256, Size: acc.Ref.Size, Kind: string(acc.Kind),
		Pages: acc.Pages, Name: "合并文件.pdf", UploadedBy: a.UserID}
	var nv int64
	err = s.d.DB.Update(ctx, func(q *store.Q) error {
		if nv, err = q.BumpApplication(ctx, id, v); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return errStaleDraft
			}
			return err
		}
		for _, eid := range ids {
			if err := q.RemoveEvidence(ctx, id, eid); err != nil {
				return err
			}
		}
		if ev.ID, err = q.AddEvidence(ctx, ev); err != nil {
			return err
		}
		e := event(a, "evidence.combine", "application", id)
		e.Detail = detail(map[string]any{"slot": slot, "from": ids, "evidence_id": ev.ID, "pages": ev.Pages})
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return store.Evidence{}, 0, fmt.Errorf("combine images of application %d: %w", id, err)
	}
	return ev, nv, nil
}

// UploadImages combines several ordered JPEGs sent at once into one PDF and attaches it to a
// slot like Upload does: the way to put a multi-page paper document photographed page by
// page into a single-file slot (R-APP-02).
func (s *Applications) UploadImages(ctx context.Context, a model.Actor, id, v int64, slot string, images []io.Reader) (store.Evidence, int64, error) {
	if err := require(a, authz.Apply); err != nil {
		return store.Evidence{}, 0, err
	}
	view, err := s.Get(ctx, a, id)
	if err != nil {
		return store.Evidence{}, 0, err
	}
	if err := s.editable(view.Plan, view.App, s.d.Now()); err != nil {
		return store.Evidence{}, 0, err
	}
	if sl, ok := findSlot(view.Slots, slot); !ok {
		return store.Evidence{}, 0, errNoSlot
	} else if sl.ByUnit {
		return store.Evidence{}, 0, errUnitSlot
	}
	release, err := s.acquire(ctx)
	if err != nil {
		return store.Evidence{}, 0, err
	}
	acc, err := evidence.CombineImages(ctx, s.d.Blobs, images)
	release()
	if err != nil {
		return store.Evidence{}, 0, err
	}
	r, err := s.d.Blobs.Open(ctx, acc.Ref.SHA256)
	if err != nil {
		return store.Evidence{}, 0, err
	}
	defer r.Close()
	// Attach through Upload, so replacement, version and audit work the same way; the PDF
	// is stored once (content-addressed), so this costs no second copy.
	return s.Upload(ctx, a, id, v, slot, "合并文件.pdf", r)
}

// frozenEvidence is what a submission freezes: the files of the slots the form still has,
// in order. Files left in the slot of a removed entry (a deleted paper's cover) stay out of
// the submitted version, and so do the unit's documents (model.Slot.ByUnit): the unit
// uploads them after the submission, and a resubmission is the applicant's, not the unit's.
func frozenEvidence(f model.Form, p model.Plan, evidence []store.Evidence) map[string][]int64 {
	keep := map[string]bool{}
	for _, s := range f.Slots(p) {
		keep[s.Key] = !s.ByUnit
	}
	frozen := map[string][]int64{}
	for _, e := range evidence {
		if keep[e.Slot] {
			frozen[e.Slot] = append(frozen[e.Slot], e.ID)
		}
	}
	return frozen
}

// returnedItems is the item list of the latest return of a returned application, nil for
// any other status: after a return the applicant may change only those items (R-APP-08).
func returnedItems(ctx context.Context, q *store.Q, app model.Application) ([]rules.ReturnItem, error) {
	if app.Status != model.StatusReturned {
		return nil, nil
	}
	rs, err := q.Returns(ctx, app.ID)
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	last := rs[len(rs)-1]
	items := make([]rules.ReturnItem, 0, len(last.Items))
	for _, it := range last.Items {
		items = append(items, rules.ReturnItem{Module: it.Module, Slot: it.Slot, Field: it.Field, Text: it.Text})
	}
	return items, nil
}

// checkReturnedSlot refuses a change of files in a slot that the latest return does not cover.
func (s *Applications) checkReturnedSlot(ctx context.Context, view View, sl model.Slot) error {
	if view.App.Status != model.StatusReturned {
		return nil
	}
	var items []rules.ReturnItem
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) { items, err = returnedItems(ctx, q, view.App); return err })
	if err != nil || items == nil {
		return err
	}
	return rules.ReturnedSlotError(items, sl)
}
