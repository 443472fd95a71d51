package web

import (
	"fmt"
	"net/http"
	"strings"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
)

// reviewAct takes one action on the application, from the form rules.Available offered. A
// refusal shows the page again with everything typed and every problem; a version conflict
// (another reviewer acted first) shows the application as it is now.
func (s *Server) reviewAct(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	action := rules.Action(r.PathValue("action"))
	v := formInt(r, "version")
	f := &reviewForm{Action: action, Reason: r.PostFormValue("reason"), Contact: r.PostFormValue("contact"), ObjectionID: formInt(r, "objection_id")}
	r.ParseForm()
	wheres, texts := r.PostForm["item_where"], r.PostForm["item_text"]
	var items []rules.ReturnItem
	for i := range texts {
		var where string
		if i < len(wheres) {
			where = wheres[i]
		}
		if strings.TrimSpace(where) == "" && strings.TrimSpace(texts[i]) == "" {
			continue // a blank row of the form
		}
		f.Rows = append(f.Rows, reviewItemRow{Where: where, Text: texts[i]})
		it := rules.ReturnItem{Text: texts[i]}
		it.Module, it.Slot, it.Field = reviewParseWhere(where)
		items = append(items, it)
	}
	if r.PostFormValue("more") != "" { // 增加几行: show the form again with more blank rows
		f.Rows = append(f.Rows, reviewItemRow{}, reviewItemRow{})
		return s.renderReview(w, r, a, id, http.StatusOK, f)
	}

	rv, ctx := s.svc.Review, r.Context()
	switch action {
	case rules.ActStartPublicity:
		_, err = rv.StartPublicity(ctx, a, id, v)
	case rules.ActRecommend:
		_, err = rv.Recommend(ctx, a, id, v)
	case rules.ActUnitRecall:
		_, err = rv.UnitRecall(ctx, a, id, v, f.Reason)
	case rules.ActUnitReturn:
		_, err = rv.UnitReturn(ctx, a, id, v, items)
	case rules.ActDeptReturn:
		_, err = rv.DeptReturn(ctx, a, id, v, items)
	case rules.ActUnitNotRecommend:
		_, err = rv.NotRecommend(ctx, a, id, v, f.Reason)
	case rules.ActRecordObjection:
		_, err = rv.RecordObjection(ctx, a, id, v, f.Reason, f.Contact)
	case rules.ActResolveObjection:
		_, err = rv.ResolveObjection(ctx, a, id, v, f.ObjectionID, f.Reason)
	case rules.ActDeptAccept:
		_, err = rv.DeptAccept(ctx, a, id, v)
	case rules.ActDeptPass:
		_, err = rv.DeptPass(ctx, a, id, v, f.Reason)
	case rules.ActRequestOriginals:
		_, err = rv.RequestOriginals(ctx, a, id, v, items)
	case rules.ActRecordOriginals:
		_, err = rv.RecordOriginals(ctx, a, id, v, f.Reason)
	case rules.ActPrelimPass:
		_, err = rv.PrelimPass(ctx, a, id, v, f.Reason)
	case rules.ActPrelimReject:
		_, err = rv.PrelimReject(ctx, a, id, v, f.Reason)
	case rules.ActProposeFraud:
		_, err = rv.ProposeFraud(ctx, a, id, v, f.Reason)
	case rules.ActConfirmFraud:
		_, err = rv.ConfirmFraud(ctx, a, id, v, f.Reason)
	case rules.ActDismissFraud:
		_, err = rv.DismissFraud(ctx, a, id, v, f.Reason)
	default:
		return fmt.Errorf("review action %q: %w", action, model.ErrNotFound)
	}
	if err == nil {
		s.flash(r, "已办理：“"+action.Label()+"”。")
		http.Redirect(w, r, fmt.Sprintf("/review/applications/%d", id), http.StatusSeeOther)
		return nil
	}
	st := status(err)
	if st == http.StatusInternalServerError || st == http.StatusNotFound {
		return err
	}
	f.Errors = userErrors(err)
	for _, e := range f.Errors {
		// "items.<i>" names a row of the list as sent.
		var i int
		if _, perr := fmt.Sscanf(e.Field, "items.%d", &i); perr == nil && i >= 0 && i < len(f.Rows) {
			f.Rows[i].Errors = append(f.Rows[i].Errors, e)
		}
	}
	if reviewConflict(err) {
		st = http.StatusConflict
	}
	return s.renderReview(w, r, a, id, st, f)
}
