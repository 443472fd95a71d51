package api

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
)

// POST /api/v1/review/applications/{id}/actions/{action}: one route for every reviewer
// action, dispatched through reviewActions to its use case. The body is one shape for all
// (reviewActionRequest); each action names the fields it takes, and a field it does not
// take is refused rather than silently ignored. Which actions the caller may take now, and
// why the others are disabled, is in the reviewer view's actions. The applicant's own steps
// (withdraw, resubmit) have their own routes under /api/v1/applications/{id}.

// reviewActionRequest is the body of every reviewer action.
type reviewActionRequest struct {
	Version *int64 `json:"version"`
	// Reason is the text the action records: a not-recommendation's or rejection's reason,
	// a recall's, a note on a pass, an objection's resolution, a fraud proposal's facts, a
	// dismissal's reason.
	Reason string `json:"reason"`
	// Items is the consolidated return list (unit_return, dept_return, R-FLOW-03) or the
	// materials whose originals are wanted (request_originals, R-FLOW-05).
	Items       []reviewItemJSON `json:"items"`
	ObjectionID int64            `json:"objection_id"` // resolve_objection
	Text        string           `json:"text"`         // record_objection
	Contact     string           `json:"contact"`      // record_objection
	Result      string           `json:"result"`       // record_originals
	Source      string           `json:"source"`       // confirm_fraud: the decision's document number
}

// given lists the optional fields the request sets.
func (in reviewActionRequest) given() []string {
	var out []string
	add := func(name string, set bool) {
		if set {
			out = append(out, name)
		}
	}
	add("reason", in.Reason != "")
	add("items", in.Items != nil)
	add("objection_id", in.ObjectionID != 0)
	add("text", in.Text != "")
	add("contact", in.Contact != "")
	add("result", in.Result != "")
	add("source", in.Source != "")
	return out
}

func (in reviewActionRequest) items() []rules.ReturnItem {
	out := make([]rules.ReturnItem, 0, len(in.Items))
	for _, it := range in.Items {
		out = append(out, rules.ReturnItem{Module: it.Module, Slot: it.Slot, Field: it.Field, Text: it.Text})
	}
	return out
}

// reviewAction is one entry of the dispatch table: the fields it takes and its use case.
type reviewAction struct {
	fields []string
	do     func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error)
}

// reviewActions maps each reviewer action to its use case.
var reviewActions = map[rules.Action]reviewAction{
	rules.ActStartPublicity: {nil, func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error) {
		return r.StartPublicity(ctx, a, id, v)
	}},
	rules.ActUnitReturn: {[]string{"items"}, func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error) {
		return r.UnitReturn(ctx, a, id, v, in.items())
	}},
	rules.ActUnitNotRecommend: {[]string{"reason"}, func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error) {
		return r.NotRecommend(ctx, a, id, v, in.Reason)
	}},
	rules.ActRecordObjection: {[]string{"text", "contact"}, nil}, // answered by recordObjection: it returns the objection's id
	rules.ActResolveObjection: {[]string{"objection_id", "reason"}, func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error) {
		if in.ObjectionID <= 0 {
			return service.Outcome{}, &model.Error{Kind: model.KindInvalid, Rule: "R-FLOW-01", Field: "objection_id",
				Message: "请指明处理的是哪一条异议", Fix: "objection_id 为异议编号（见审核视图的 objections）"}
		}
		return r.ResolveObjection(ctx, a, id, v, in.ObjectionID, in.Reason)
	}},
	// The grassroots senior quota (R-ELG-09) is counted from the unit's registered posts by
	// the server; the client does not send posts.
	rules.ActRecommend: {nil, func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error) {
		return r.Recommend(ctx, a, id, v)
	}},
	rules.ActUnitRecall: {[]string{"reason"}, func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error) {
		return r.UnitRecall(ctx, a, id, v, in.Reason)
	}},
	rules.ActDeptAccept: {nil, func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error) {
		return r.DeptAccept(ctx, a, id, v)
	}},
	rules.ActDeptPass: {[]string{"reason"}, func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error) {
		return r.DeptPass(ctx, a, id, v, in.Reason)
	}},
	rules.ActDeptReturn: {[]string{"items"}, func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error) {
		return r.DeptReturn(ctx, a, id, v, in.items())
	}},
	rules.ActRequestOriginals: {[]string{"items"}, func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error) {
		return r.RequestOriginals(ctx, a, id, v, in.items())
	}},
	rules.ActRecordOriginals: {[]string{"result"}, func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error) {
		return r.RecordOriginals(ctx, a, id, v, in.Result)
	}},
	rules.ActPrelimPass: {[]string{"reason"}, func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error) {
		return r.PrelimPass(ctx, a, id, v, in.Reason)
	}},
	rules.ActPrelimReject: {[]string{"reason"}, func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error) {
		return r.PrelimReject(ctx, a, id, v, in.Reason)
	}},
	rules.ActProposeFraud: {[]string{"reason"}, func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error) {
		return r.ProposeFraud(ctx, a, id, v, in.Reason)
	}},
	rules.ActConfirmFraud: {[]string{"source"}, func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error) {
		return r.ConfirmFraud(ctx, a, id, v, in.Source)
	}},
	rules.ActDismissFraud: {[]string{"reason"}, func(ctx context.Context, r *service.Review, a model.Actor, id, v int64, in reviewActionRequest) (service.Outcome, error) {
		return r.DismissFraud(ctx, a, id, v, in.Reason)
	}},
}

// reviewActionNames lists the actions the route dispatches, sorted (for the document's
// enum and its test).
func reviewActionNames() []string {
	out := make([]string, 0, len(reviewActions))
	for k := range reviewActions {
		out = append(out, string(k))
	}
	sort.Strings(out)
	return out
}

// outcomeResponse is where an action left the application.
type outcomeResponse struct {
	Action      string `json:"action"`
	From        string `json:"from"`
	To          string `json:"to"`
	StatusLabel string `json:"status_label"`
	Level       int    `json:"level"`
	Version     int64  `json:"version"`
	// ObjectionID is the objection a record_objection registered.
	ObjectionID *int64 `json:"objection_id,omitempty"`
}

func outcomeJSON(action rules.Action, o service.Outcome) outcomeResponse {
	return outcomeResponse{Action: string(action), From: string(o.From), To: string(o.To), StatusLabel: o.To.Label(), Level: o.Level, Version: o.Version}
}

func (x *API) reviewAct(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	action := rules.Action(r.PathValue("action"))
	entry, ok := reviewActions[action]
	if !ok {
		return fmt.Errorf("review action %q: %w", action, &model.Error{Kind: model.KindNotFound,
			Message: fmt.Sprintf("没有审核操作“%s”", action), Fix: "可用的操作：" + strings.Join(reviewActionNames(), "、")})
	}
	var in reviewActionRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := requireVersion(in.Version)
	if err != nil {
		return err
	}
	var es model.Errors
	for _, f := range in.given() {
		found := false
		for _, t := range entry.fields {
			found = found || t == f
		}
		if !found {
			es = append(es, model.Invalid(f, fmt.Sprintf("“%s”不需要字段 %s", action.Label(), f), "请去掉该字段；各操作所需字段见 /api/v1/openapi.json"))
		}
	}
	if len(es) == 1 {
		return es[0]
	} else if len(es) > 1 {
		return es
	}
	if action == rules.ActRecordObjection {
		oid, err := x.svc.Review.RecordObjection(r.Context(), a, id, v, in.Text, in.Contact)
		if err != nil {
			return err
		}
		view, err := x.svc.Review.View(r.Context(), a, id)
		if err != nil {
			return err
		}
		s := view.App.Status
		return writeJSON(w, http.StatusOK, outcomeResponse{Action: string(action), From: string(s), To: string(s), StatusLabel: s.Label(), Version: view.App.Version, ObjectionID: &oid})
	}
	out, err := entry.do(r.Context(), x.svc.Review, a, id, v, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, outcomeJSON(action, out))
}
