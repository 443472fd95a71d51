package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
)

// The reviewer's page of one application (SPEC §5): the form module by module beside the
// evidence, the findings, duplicate-evidence hints, the history of returns, objections,
// originals and fraud cases, and a form for every action rules.Available lists, disabled
// with its reason when it cannot be taken now.

// reviewActionKind says what an action's form asks for.
type reviewActionKind string

const (
	reviewPlainKind     reviewActionKind = "plain"     // a button
	reviewReasonKind    reviewActionKind = "reason"    // a required text
	reviewNoteKind      reviewActionKind = "note"      // an optional text
	reviewItemsKind     reviewActionKind = "items"     // the consolidated list (R-FLOW-03, R-FLOW-05)
	reviewObjectionKind reviewActionKind = "objection" // an objection received otherwise
	reviewResolveKind   reviewActionKind = "resolve"   // shown next to each open objection
)

var reviewActionKinds = map[rules.Action]reviewActionKind{
	rules.ActUnitReturn: reviewItemsKind, rules.ActDeptReturn: reviewItemsKind, rules.ActRequestOriginals: reviewItemsKind,
	rules.ActUnitNotRecommend: reviewReasonKind, rules.ActPrelimReject: reviewReasonKind, rules.ActProposeFraud: reviewReasonKind,
	rules.ActDismissFraud: reviewReasonKind, rules.ActRecordOriginals: reviewReasonKind, rules.ActUnitRecall: reviewReasonKind,
	rules.ActDeptPass: reviewNoteKind, rules.ActPrelimPass: reviewNoteKind, rules.ActConfirmFraud: reviewNoteKind,
	rules.ActRecordObjection: reviewObjectionKind, rules.ActResolveObjection: reviewResolveKind,
}

// reviewReasonLabels name the text an action's form asks for.
var reviewReasonLabels = map[rules.Action]string{
	rules.ActUnitNotRecommend: "不予推荐的理由（申报人可见）",
	rules.ActPrelimReject:     "不通过的理由及依据（申报人可见）",
	rules.ActProposeFraud:     "弄虚作假的事实和依据",
	rules.ActDismissFraud:     "驳回的理由",
	rules.ActRecordOriginals:  "原件查验结果",
	rules.ActUnitRecall:       "撤回推荐的原因",
	rules.ActDeptPass:         "审核意见（可选）",
	rules.ActPrelimPass:       "初审意见（可选）",
	rules.ActConfirmFraud:     "处理决定文号（可选，不填则引用申报编号）",
}

// ending actions ask for confirmation before they are sent.
var reviewEndingActions = map[rules.Action]bool{rules.ActUnitNotRecommend: true, rules.ActPrelimReject: true, rules.ActConfirmFraud: true}

// reviewActionView is one action's form.
type reviewActionView struct {
	Action      rules.Action
	Label       string
	Kind        reviewActionKind
	ReasonLabel string
	Disabled    bool
	Why         []*model.Error // why it cannot be taken now
	Errors      []*model.Error // the refusal of this request
	Reason      string         // as typed
	Contact     string
	Rows        []reviewItemRow // the item list as typed, with blank rows to fill
	Confirm     string
	Danger      bool
	Post        string // where the form goes
	Version     int64  // the application's version the page shows (optimistic concurrency)
	Wheres      []reviewWhereGroup
}

// reviewItemRow is one line of a return or originals list.
type reviewItemRow struct {
	No     int
	Where  string // "m:<module>", "s:<slot key>" or "f:<field path>"
	Text   string
	Errors []*model.Error
}

// reviewForm is what the reviewer sent with a refused action, to show it again.
type reviewForm struct {
	Action      rules.Action
	Slot        string // a refused change of the unit's documents: the slot the errors are shown at
	Reason      string
	Contact     string
	ObjectionID int64
	Rows        []reviewItemRow
	Errors      []*model.Error
}

type reviewModule struct {
	No       int
	Name     string
	Sections []sectionView
	Rest     []slotView
}

type reviewReturn struct {
	store.Return
	StageLabel string
	Items      []reviewLine
}

type reviewLine struct{ Where, Text string }

type reviewCheck struct {
	store.OriginalsCheck
	Items []reviewLine
}

type reviewDup struct {
	store.Duplicate
	SlotLabel string
}

type reviewObjection struct {
	store.Objection
	Errors     []*model.Error
	Resolution string // as typed
}

// reviewViewerFile is the file shown in the viewer pane.
type reviewViewerFile struct {
	store.Evidence
	URL, Download, SlotLabel string
	Image                    bool
}

type reviewShowData struct {
	Page
	V       service.ReviewView
	Back    string
	Self    string
	Modules []reviewModule
	// Reports are the unit's own documents (model.Slot.ByUnit), shown apart from the
	// applicant's materials; Edit when the actor may upload and remove them now.
	Reports    []slotView
	Viewer     *reviewViewerFile
	Actions    []reviewActionView
	Resolve    *reviewActionView // resolve_objection, when listed
	Objections []reviewObjection
	Returns    []reviewReturn
	Checks     []reviewCheck
	Duplicates []reviewDup
	Wheres     []reviewWhereGroup
	Errors     []*model.Error
	Conflict   bool
}

type reviewWhereGroup struct {
	Label   string
	Options []option
}

// reviewShow shows the application to a reviewer in scope; anyone else gets 404.
func (s *Server) reviewShow(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.renderReview(w, r, a, id, http.StatusOK, nil)
}

// renderReview loads the application afresh and renders its page; form is a refused
// submission to show again.
func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, a model.Actor, id int64, st int, form *reviewForm) error {
	v, err := s.svc.Review.View(r.Context(), a, id)
	if err != nil {
		return err
	}
	d := &reviewShowData{V: v, Back: inboxFor(a), Self: fmt.Sprintf("/review/applications/%d", id)}
	if form != nil {
		d.Conflict = st == http.StatusConflict
	}
	slotLabels := map[string]string{}
	for _, sl := range v.Slots {
		slotLabels[sl.Key] = sl.Label
	}
	where := func(it store.ReviewItem) string {
		var parts []string
		if it.Module > 0 {
			parts = append(parts, fmt.Sprintf("模块 %d %s", it.Module, rules.ModuleName(it.Module)))
		}
		if it.Slot != "" {
			l := slotLabels[it.Slot]
			if l == "" {
				l = it.Slot
			}
			parts = append(parts, "材料："+l)
		}
		if it.Field != "" {
			parts = append(parts, reviewFieldLabel(it.Field))
		}
		return strings.Join(parts, " · ")
	}
	lines := func(items []store.ReviewItem) []reviewLine {
		var out []reviewLine
		for _, it := range items {
			out = append(out, reviewLine{Where: where(it), Text: it.Text})
		}
		return out
	}

	// The form, module by module, its files opening in the viewer; the unit's own documents
	// apart, with the unit's upload form while it may change them (Review.UnitUpload).
	b := &viewBuilder{v: &v.View, form: v.App.Form, findings: v.Findings, version: v.App.Version}
	for m := 0; m <= lastModule; m++ {
		secs, rest := b.moduleView(m)
		for i := range secs {
			secs[i].Slots = s.reviewLinks(d.Self, secs[i].Slots)
			for j := range secs[i].Entries {
				secs[i].Entries[j].Slots = s.reviewLinks(d.Self, secs[i].Entries[j].Slots)
			}
		}
		rest = s.reviewLinks(d.Self, rest)
		d.Modules = append(d.Modules, reviewModule{No: m, Name: rules.ModuleName(m), Sections: secs, Rest: rest})
	}
	atSlot := false // a refused upload's errors are shown at the slot, not at the top
	for _, sl := range v.Slots {
		if !sl.ByUnit {
			continue
		}
		sv := b.slot(sl)
		for j := range sv.Files {
			sv.Files[j].URL = reviewViewerURL(d.Self, sv.Files[j].ID)
		}
		sv.Edit = v.UnitReports
		if form != nil && form.Slot == sl.Key {
			sv.Errors, atSlot = form.Errors, true
		}
		d.Reports = append(d.Reports, sv)
	}
	if form != nil && !atSlot {
		d.Errors = form.Errors
	}
	if fid, _ := strconv.ParseInt(r.URL.Query().Get("file"), 10, 64); fid > 0 {
		for _, e := range v.Evidence {
			if e.ID == fid {
				raw := fmt.Sprintf("%s/files/%d", d.Self, e.ID)
				d.Viewer = &reviewViewerFile{Evidence: e, URL: raw, Download: raw + "?download=1", SlotLabel: slotLabels[e.Slot], Image: e.Kind == "image/jpeg"}
			}
		}
	}

	for _, ret := range v.Returns {
		d.Returns = append(d.Returns, reviewReturn{Return: ret, StageLabel: ret.Stage.Label(), Items: lines(ret.Items)})
	}
	for _, c := range v.Originals {
		d.Checks = append(d.Checks, reviewCheck{OriginalsCheck: c, Items: lines(c.Items)})
	}
	for _, dup := range v.Duplicates {
		d.Duplicates = append(d.Duplicates, reviewDup{Duplicate: dup, SlotLabel: slotLabels[dup.Slot]})
	}
	for _, o := range v.Objections {
		ov := reviewObjection{Objection: o}
		if form != nil && form.Action == rules.ActResolveObjection && form.ObjectionID == o.ID {
			ov.Errors, ov.Resolution = form.Errors, form.Reason
		}
		d.Objections = append(d.Objections, ov)
	}

	// Where a return item may point: the modules, the basics, every upload slot.
	mods := reviewWhereGroup{Label: "申报表模块"}
	for m := 1; m <= lastModule; m++ {
		mods.Options = append(mods.Options, option{fmt.Sprintf("m:%d", m), fmt.Sprintf("模块 %d %s", m, rules.ModuleName(m))})
	}
	mods.Options = append(mods.Options, option{"f:basics", rules.ModuleName(0)})
	d.Wheres = append(d.Wheres, mods)
	for m := 0; m <= lastModule; m++ {
		g := reviewWhereGroup{Label: "上传材料 · " + rules.ModuleName(m)}
		for _, sl := range v.Slots {
			if sl.Module == m && !sl.ByUnit { // the applicant cannot change the unit's documents
				g.Options = append(g.Options, option{"s:" + sl.Key, sl.Label})
			}
		}
		if len(g.Options) > 0 {
			d.Wheres = append(d.Wheres, g)
		}
	}

	for _, o := range v.Options {
		av := reviewActionView{Action: o.Action, Label: o.Label, Kind: reviewActionKinds[o.Action], ReasonLabel: reviewReasonLabels[o.Action],
			Danger: reviewEndingActions[o.Action], Post: d.Self + "/actions/" + string(o.Action), Version: v.App.Version, Wheres: d.Wheres}
		if av.Label == "" {
			av.Label = o.Action.Label()
		}
		if av.Kind == "" {
			av.Kind = reviewPlainKind
		}
		if av.Danger {
			av.Confirm = "确定“" + av.Label + "”吗？此操作将结束该申报。"
		}
		if o.Err != nil {
			av.Disabled, av.Why = true, userErrors(o.Err)
		}
		if form != nil && form.Action == o.Action {
			av.Errors, av.Reason, av.Contact, av.Rows = form.Errors, form.Reason, form.Contact, form.Rows
		}
		if av.Kind == reviewItemsKind {
			av.Rows = reviewBlankRows(av.Rows, 3)
		}
		if av.Kind == reviewResolveKind {
			av := av
			d.Resolve = &av
			continue
		}
		d.Actions = append(d.Actions, av)
	}
	d.Page = s.page(r, a, v.ApplicantName+"的申报")
	s.render(w, r, st, "review_show.html", d)
	return nil
}

// reviewBlankRows numbers the rows and adds n empty ones to fill.
func reviewBlankRows(rows []reviewItemRow, n int) []reviewItemRow {
	out := append([]reviewItemRow(nil), rows...)
	for range n {
		out = append(out, reviewItemRow{})
	}
	for i := range out {
		out[i].No = i + 1
	}
	return out
}

// reviewLinks points the slots' files at the reviewer's viewer instead of the applicant's
// file route, and leaves out the unit's own documents, which the page shows apart.
func (s *Server) reviewLinks(self string, slots []slotView) []slotView {
	var out []slotView
	for _, sl := range slots {
		if sl.ByUnit {
			continue
		}
		sl.Edit = false
		for j := range sl.Files {
			sl.Files[j].URL = reviewViewerURL(self, sl.Files[j].ID)
		}
		out = append(out, sl)
	}
	return out
}

// reviewViewerURL is the review page showing file id in its viewer.
func reviewViewerURL(self string, id int64) string { return fmt.Sprintf("%s?file=%d#viewer", self, id) }

func reviewFieldLabel(field string) string {
	if field == "basics" || strings.HasPrefix(field, "basics.") {
		return rules.ModuleName(0)
	}
	return "栏目：" + field
}

// reviewParseWhere turns an item's "where" choice into its item fields.
func reviewParseWhere(where string) (module int, slot, field string) {
	kind, val, _ := strings.Cut(where, ":")
	switch kind {
	case "m":
		module, _ = strconv.Atoi(val)
	case "s":
		slot = val
	case "f":
		field = val
	}
	return
}

// reviewConflict reports a refusal because the application moved on meanwhile.
func reviewConflict(err error) bool {
	return errors.Is(err, model.ErrConflict) || model.KindOf(err) == model.KindConflict
}
