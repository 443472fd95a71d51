package service

import (
	"context"
	"errors"
	"fmt"
	"io"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

// The unit's own documents (R-FLOW-01): the recommendation report and the publicity report
// with its photos (model.Slot.ByUnit). The seed notice lists them among the application's
// uploads, but the applying unit issues them, the publicity report only after its publicity,
// which follows the submission (SPEC §5). So the unit's reviewers upload them into the
// application while it is with the unit, and the workflow table refuses the recommendation
// until both are there (rules: unit_reports). Each upload or removal is one transaction with
// the application's version and one audit entry, like the applicant's own.

// unitReportsOpen reports whether the unit holds the application in state st, and so may
// change its documents: in unit review and in publicity, before it recommends.
func unitReportsOpen(st model.AppStatus) bool {
	return st == model.StatusSubmitted || st == model.StatusUnitPublicity
}

var errUnitReportsForbidden = &model.Error{Kind: model.KindForbidden, Rule: "R-ORG-02", Message: "无权上传或删除单位出具的材料",
	Fix: "推荐报告和公示报告（含公示照片）由申报人所在单位的经办人或审核领导上传"}

var errNotUnitSlot = &model.Error{Kind: model.KindInvalid, Rule: "R-FLOW-01", Field: "slot", Message: "该上传项不是单位出具的材料",
	Fix: "单位只上传推荐报告和公示报告（含公示照片）；其他材料由申报人本人上传，有问题的请退回修改"}

var errNotUnitFile = &model.Error{Kind: model.KindForbidden, Rule: "R-FLOW-01", Field: "file_id", Message: "该文件不是单位出具的材料，单位不能删除",
	Fix: "申报人上传的材料有问题的，请退回修改，由申报人更换"}

// unitReportCase loads the application for a change of the unit's documents by a, and
// refuses one a may not make now: not found outside a's scope (R-ORG-02, as every review
// step), forbidden to anyone but the unit's reviewers, a conflict once the unit no longer
// holds it.
func (s *Review) unitReportCase(ctx context.Context, q *store.Q, a model.Actor, id int64) (reviewCase, error) {
	rc, err := s.load(ctx, q, id)
	if errors.Is(err, model.ErrNotFound) {
		return rc, notFound(id)
	}
	if err != nil {
		return rc, err
	}
	if !sees(a, rc.app, rc.st) {
		return rc, notFound(id)
	}
	if !authz.Allowed(a, authz.ReviewUnit) {
		return rc, errUnitReportsForbidden
	}
	if !holds(a, rc, authz.ReviewUnit) || !unitReportsOpen(rc.app.Status) {
		return rc, &model.Error{Kind: model.KindConflict, Rule: "R-FLOW-01",
			Message: fmt.Sprintf("申报当前为“%s”，不能再更改单位出具的材料", rc.app.Status.Label()),
			Fix:     "推荐报告和公示报告（含公示照片）在单位审核和公示期间、推荐上报之前上传；已推荐的可先撤回推荐"}
	}
	return rc, nil
}

// unitSlot is the unit's slot key of the application's form.
func unitSlot(rc reviewCase, key string) (model.Slot, error) {
	sl, ok := findSlot(rc.app.Form.Slots(rc.plan), key)
	if !ok || !sl.ByUnit {
		return model.Slot{}, errNotUnitSlot
	}
	return sl, nil
}

// UnitUpload streams one file into a slot of the unit's documents of application id,
// checked by content and size as the applicant's uploads are (R-APP-01), for the unit's
// reviewers while the unit holds it, if nobody changed the application since version v. The
// file joins the end of the slot; the application's version advances. It returns the file
// as stored and the new version.
func (s *Review) UnitUpload(ctx context.Context, a model.Actor, id, v int64, slot, name string, r io.Reader) (store.Evidence, int64, error) {
	// Refused before the body is read: nothing is stored for a request that cannot succeed.
	check := func(q *store.Q) error {
		rc, err := s.unitReportCase(ctx, q, a, id)
		if err != nil {
			return err
		}
		if _, err := unitSlot(rc, slot); err != nil {
			return err
		}
		if rc.app.Version != v {
			return taken(id)
		}
		return nil
	}
	if err := s.d.DB.View(ctx, check); err != nil {
		return store.Evidence{}, 0, fmt.Errorf("unit upload to application %d: %w", id, err)
	}
	ev, err := s.apps.receive(ctx, a, id, slot, name, r)
	if err != nil {
		return store.Evidence{}, 0, fmt.Errorf("unit upload to application %d: %w", id, err)
	}
	var nv int64
	err = s.d.DB.Update(ctx, func(q *store.Q) error {
		// Again: the application may have moved on while the file arrived.
		if err := check(q); err != nil {
			return err
		}
		var err error
		if nv, err = q.BumpApplication(ctx, id, v); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return taken(id)
			}
			return err
		}
		if ev.ID, err = q.AddEvidence(ctx, ev); err != nil {
			return err
		}
		if ev, err = q.EvidenceByID(ctx, id, ev.ID); err != nil {
			return err
		}
		e := event(a, "application.unit_upload", "application", id)
		e.Detail = detail(map[string]any{"slot": slot, "evidence_id": ev.ID, "sha256": ev.SHA256, "size": ev.Size, "pages": ev.Pages, "version": nv})
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return store.Evidence{}, 0, fmt.Errorf("unit upload to application %d: %w", id, err)
	}
	return ev, nv, nil
}

// UnitRemoveFile takes one of the unit's documents off the application, on the same terms
// as UnitUpload; the file's row stays (removal only hides it). It returns the new version.
func (s *Review) UnitRemoveFile(ctx context.Context, a model.Actor, id, v, fileID int64) (int64, error) {
	var nv int64
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		rc, err := s.unitReportCase(ctx, q, a, id)
		if err != nil {
			return err
		}
		ev, err := q.EvidenceByID(ctx, id, fileID)
		if err != nil {
			return err
		}
		if _, err := unitSlot(rc, ev.Slot); err != nil {
			return errNotUnitFile
		}
		if rc.app.Version != v {
			return taken(id)
		}
		if nv, err = q.BumpApplication(ctx, id, v); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return taken(id)
			}
			return err
		}
		if err := q.RemoveEvidence(ctx, id, fileID); err != nil {
			return err
		}
		e := event(a, "application.unit_remove_file", "application", id)
		e.Detail = detail(map[string]any{"slot": ev.Slot, "evidence_id": fileID, "version": nv})
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("remove unit file %d of application %d: %w", fileID, id, err)
	}
	return nv, nil
}
