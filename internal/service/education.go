package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"zhicheng/internal/authz"
	"zhicheng/internal/chsi"
	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
)

// SyncEducation is [同步学信网] on an education entry (SPEC §4 module 1, seed 003
// 填报须知三(一)5): it looks the entry's certificate number up with the applicant's real name
// in the national records (Deps.CHSI) and, when the record is found, stores it on the entry
// as verified — only the server ever sets that (keepServerOwned) — and fills the school,
// major, level, kind, enrolment and graduation the applicant left empty. Values the applicant
// typed are kept; where they differ from the record the pre-submit check says so
// (rules.CheckEducation).
//
// When the sync fails or does not apply, the refusal (R-ELG-10, on
// education.<id>.certificate_no) says what happened and its Fix names the proof to upload
// instead, by the entry's kind and graduation year (model.Education.Proof): not found or not
// this person's → Invalid; the service unavailable, or not configured → Conflict (retry, or
// upload the proof).
//
// The draft is at version; the sync saves the form and returns the new version. The lookup
// runs outside any transaction (it may take seconds); the form is then saved only if nobody
// saved in between.
func (s *Applications) SyncEducation(ctx context.Context, a model.Actor, appID, version int64, entryID string) (model.Education, int64, error) {
	if err := require(a, authz.Apply); err != nil {
		return model.Education{}, 0, err
	}
	var entry model.Education
	var plan model.Plan
	err := s.d.DB.View(ctx, func(q *store.Q) error {
		app, err := s.own(ctx, q, a, appID)
		if err != nil {
			return err
		}
		if plan, err = q.Plan(ctx, app.PlanID); err != nil {
			return err
		}
		if err := s.editable(plan, app, q.Now()); err != nil {
			return err
		}
		if app.Version != version {
			return errStaleDraft
		}
		entry, _, err = findEducation(app.Form, entryID)
		return err
	})
	if err != nil {
		return model.Education{}, 0, fmt.Errorf("sync education of application %d: %w", appID, err)
	}
	no := chsi.Normalize(entry.CertificateNo)
	year := plan.Year
	if year == 0 {
		year = s.d.Now().In(shanghai).Year()
	}
	if err := s.canSync(entry, no, year); err != nil {
		return model.Education{}, 0, err
	}
	rec, err := s.d.CHSI.Lookup(ctx, no, a.Name)
	if err != nil {
		return model.Education{}, 0, s.syncRefusal(appID, entry, no, a.Name, year, err)
	}

	var out model.Education
	var nv int64
	err = s.d.DB.Update(ctx, func(q *store.Q) error {
		app, err := s.own(ctx, q, a, appID)
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
		if app.Version != version {
			return errStaleDraft
		}
		_, i, err := findEducation(app.Form, entryID)
		if err != nil {
			return err
		}
		e := &app.Form.Basic.Education[i]
		if chsi.Normalize(e.CertificateNo) != no {
			return errStaleDraft
		}
		applyRecord(e, rec, no, q)
		// The record's values are checked like the applicant's own: only findings about this
		// entry can be new (the rest of the form passed at its last save).
		var bad model.Errors
		for _, f := range rules.ValidateDraft(app.Form, p) {
			if strings.HasPrefix(f.Field, "education."+entryID+".") {
				bad = append(bad, f)
			}
		}
		if len(bad) > 0 {
			return bad
		}
		if nv, err = q.SaveForm(ctx, appID, version, app.Form); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return errStaleDraft
			}
			return err
		}
		out = *e
		ev := event(a, "education.sync", "application", appID)
		ev.Detail = detail(map[string]any{"entry_id": entryID, "certificate_no": chsi.Mask(no), "school": rec.School,
			"level": rec.Level, "graduated": rec.Graduated, "source": rec.Source})
		_, err = q.Audit(ctx, ev)
		return err
	})
	if err != nil {
		return model.Education{}, 0, fmt.Errorf("sync education of application %d: %w", appID, err)
	}
	return out, nv, nil
}

// findEducation finds an education entry by its ID.
func findEducation(f model.Form, id string) (model.Education, int, error) {
	for i, e := range f.Basic.Education {
		if e.ID == id && id != "" {
			return e, i, nil
		}
	}
	return model.Education{}, -1, &model.Error{Kind: model.KindNotFound, Field: "education", Message: "没有这条学习经历",
		Fix: "请先保存学习经历，再点击[同步学信网]"}
}

// applyRecord stores the record as the entry's verification and fills what the applicant
// left empty.
func applyRecord(e *model.Education, r chsi.Record, no string, q *store.Q) {
	e.CertificateNo = no
	e.CHSI = model.CHSIRecord{Verified: true, VerifiedAt: q.Now(), Name: r.Name, School: r.School, Major: r.Major,
		Level: r.Level, Graduated: r.Graduated, CertificateNo: no, Source: r.Source}
	if strings.TrimSpace(e.School) == "" {
		e.School = r.School
	}
	if strings.TrimSpace(e.Major) == "" {
		e.Major = r.Major
	}
	if e.Level == "" {
		e.Level = r.EduLevel()
	}
	if e.Kind == "" {
		e.Kind = model.EduDomestic // the records hold domestic higher education only
	}
	if e.Graduated.IsZero() {
		e.Graduated = r.Graduated
	}
	if e.Start.IsZero() && !r.Enrolled.IsZero() {
		// Only where it keeps the span in order with a graduation the applicant typed.
		start, _ := r.Enrolled.First()
		if end, ok := e.Graduated.Last(); !ok || !start.After(end) {
			e.Start = r.Enrolled
		}
	}
}

// certField is the field a sync refusal points at.
func certField(e model.Education) string { return "education." + e.ID + ".certificate_no" }

// canSync refuses before any lookup: no number, a kind the records do not hold, no service.
func (s *Applications) canSync(e model.Education, no string, year int) error {
	switch e.Kind {
	case "", model.EduDomestic:
	default:
		return &model.Error{Kind: model.KindInvalid, Rule: "R-ELG-10", Field: "education." + e.ID + ".kind",
			Message: e.Kind.Label() + "不在学信网高等教育学历库中，无法同步",
			Fix:     "请" + proofAction(e, no, year)}
	}
	if no == "" {
		return &model.Error{Kind: model.KindInvalid, Rule: "R-ELG-10", Field: certField(e), Message: "未填写学历证书编号，无法同步学信网",
			Fix: "请填写毕业证书上的证书编号后再点击[同步学信网]；无法同步的，请" + proofAction(e, no, year)}
	}
	if s.d.CHSI == nil {
		return &model.Error{Kind: model.KindConflict, Rule: "R-ELG-10", Field: certField(e), Message: "本系统暂未接入学信网学历核验，无法同步",
			Fix: "请" + proofAction(e, no, year)}
	}
	return nil
}

// syncRefusal turns a failed lookup into what the applicant reads, and logs it.
func (s *Applications) syncRefusal(appID int64, e model.Education, no, name string, year int, err error) error {
	log := s.d.Log.With("application", appID, "entry", e.ID, "certificate", chsi.Mask(no), "err", err)
	action := proofAction(e, no, year)
	switch {
	case errors.Is(err, chsi.ErrNotFound):
		log.Info("education sync: certificate not found")
		return &model.Error{Kind: model.KindInvalid, Rule: "R-ELG-10", Field: certField(e),
			Message: fmt.Sprintf("学信网未查到证书编号为 %s 的学历记录", no),
			Fix:     "请核对证书编号是否与毕业证书一致后重试；如仍无法同步，请" + action}
	case errors.Is(err, chsi.ErrMismatch):
		log.Info("education sync: certificate of another name")
		return &model.Error{Kind: model.KindInvalid, Rule: "R-ELG-10", Field: certField(e),
			Message: fmt.Sprintf("学信网中证书编号 %s 的持证人与您的姓名“%s”不一致", no, name),
			Fix:     "请核对证书编号；如姓名曾变更或记录有误，请" + action}
	default:
		// ErrUnavailable, and anything unexpected: nothing is known about the certificate.
		log.Warn("education sync: records service unavailable")
		return &model.Error{Kind: model.KindConflict, Rule: "R-ELG-10", Field: certField(e),
			Message: "学信网学历核验服务暂时无法访问，本次未能同步",
			Fix:     "请稍后重试，或" + action}
	}
}

// proofAction is what to do instead of the sync, by the proof the entry needs (seed 000
// 三(一), seed 003 填报须知三(一)5), phrased to follow "请" or "或". An entry without a
// graduation date is judged by the year in its certificate number, and one without a kind
// as domestic higher education (it is being synced with the domestic records).
func proofAction(e model.Education, no string, year int) string {
	e.CHSI = model.CHSIRecord{}
	if e.Kind == "" || e.Kind == model.EduDomestic {
		e.Kind = model.EduDomestic
		if e.Graduated.Year() == 0 {
			if y, ok := chsi.YearOf(no); ok {
				e.Graduated = model.Date(fmt.Sprintf("%04d-07", y))
			}
		}
	}
	switch p := e.Proof(); p {
	case model.ProofRegistration:
		return fmt.Sprintf("上传%s并填写 12 位验证码（须在 %d 年 12 月 31 日前有效）", p.Label(), year)
	case model.ProofCertReport:
		return "在学信网免费申请并上传" + p.Label()
	case model.ProofStudentCard:
		return "上传" + p.Label() + "等相关材料"
	case model.ProofForeign, model.ProofHMT, model.ProofTechOnline:
		return "上传" + p.Label()
	default:
		if e.Kind == "" {
			return "填写学历类别和毕业时间后，按提示上传相应的学历证明材料"
		}
		return "填写毕业时间后，按提示上传相应的学历证明材料"
	}
}
