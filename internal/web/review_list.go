package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
)

// The reviewers' lists (SPEC §5): the unit's inbox, the department's list and the office's
// list, one page each with the same filters and keyset paging; the service scopes each.

// reviewScope is one of the three lists.
type reviewScope struct {
	Key, Title, Href string
	Perm             authz.Permission
	list             func(*service.Review) listFunc
}

type listFunc = func(context.Context, model.Actor, service.ReviewFilter) (service.ReviewPage, error)

var reviewScopes = []reviewScope{
	{Key: "unit", Title: "单位审核推荐", Href: "/review/unit", Perm: authz.ReviewUnit,
		list: func(r *service.Review) listFunc { return r.UnitInbox }},
	{Key: "dept", Title: "主管部门审核", Href: "/review/dept", Perm: authz.ReviewDept,
		list: func(r *service.Review) listFunc { return r.DeptList }},
	{Key: "office", Title: "职改办资格初审", Href: "/review/office", Perm: authz.OfficeWork,
		list: func(r *service.Review) listFunc { return r.OfficeList }},
}

// inboxFor is the list an actor reviews from, for back links; "" for none.
func inboxFor(a model.Actor) string {
	for _, sc := range reviewScopes {
		if authz.Allowed(a, sc.Perm) {
			return sc.Href
		}
	}
	return ""
}

// reviewFilterForm is a list's filters as the query string carries them; the list page,
// its Excel export and the batch form's way back read the same keys.
type reviewFilterForm struct {
	Plan, Unit, Status, Level, Type string
}

func readReviewFilter(get func(string) string) reviewFilterForm {
	return reviewFilterForm{Plan: get("plan"), Unit: get("unit"), Status: get("status"), Level: get("level"), Type: get("type")}
}

// filter is the service's filter; numbers that do not parse filter nothing.
func (f reviewFilterForm) filter() service.ReviewFilter {
	out := service.ReviewFilter{Status: model.AppStatus(f.Status), LevelCode: f.Level, AppType: model.AppType(f.Type)}
	out.PlanID, _ = strconv.ParseInt(f.Plan, 10, 64)
	out.OrgID, _ = strconv.ParseInt(f.Unit, 10, 64)
	return out
}

type reviewListData struct {
	Page
	Scope    reviewScope
	Filter   reviewFilterForm
	Plans    []model.Plan
	Units    []option // the units the list can be narrowed to; none in a unit's own inbox
	Statuses []option
	Levels   []option
	Types    []option
	Rows     []reviewListRow
	Next     string // the next page's URL, "" on the last
	First    string // back to the first page, when paging
	Export   string // the Excel export of the same filters
	Errors   []*model.Error
}

// reviewListRow is one row, formatted in Go: a flat struct of strings, because the template
// engine finds fields by reflection, and on a struct with embedded structs each promoted
// field is a breadth-first search — with 50 rows of 15 fields that was most of a page's
// CPU (BENCHMARKS.md §3).
type reviewListRow struct {
	ID, Version                                       int64
	Status, StatusLabel, Href, ApplicantName, OrgName string
	PlanName, Level, Type, PublicityEnd, Updated      string
	Submissions, DeptReturns                          int
	FraudProposed                                     bool
}

func newReviewListRow(r service.ReviewRow, planName string) reviewListRow {
	level := r.LevelName
	if r.Specialty != "" {
		level += " · " + r.Specialty
	}
	end := "—"
	if !r.PublicityEnd.IsZero() {
		end = rules.FormatEnd(r.PublicityEnd)
	}
	return reviewListRow{ID: r.ID, Version: r.Version, Status: string(r.Status), StatusLabel: r.StatusLabel,
		Href: "/review/applications/" + strconv.FormatInt(r.ID, 10), ApplicantName: r.ApplicantName, OrgName: r.OrgName,
		PlanName: planName, Level: level, Type: r.AppType.Label(), PublicityEnd: end, Updated: datetime(r.Updated),
		Submissions: r.Submissions, DeptReturns: r.DeptReturns, FraudProposed: r.FraudProposed}
}

// reviewStatuses are the states a reviewer may filter by (drafts are never listed).
var reviewStatuses = []model.AppStatus{model.StatusSubmitted, model.StatusUnitPublicity, model.StatusReturned,
	model.StatusRecommended, model.StatusDeptReview, model.StatusPrelimReview, model.StatusPrelimPassed,
	model.StatusNotRecommended, model.StatusRejected, model.StatusCancelledFraud, model.StatusWithdrawn, model.StatusLapsed}

// reviewList serves one of the three lists; the handler is bound to its scope.
func (s *Server) reviewList(sc reviewScope) Handler {
	return func(w http.ResponseWriter, r *http.Request, a model.Actor) error {
		q := r.URL.Query()
		d := &reviewListData{Scope: sc, Filter: readReviewFilter(q.Get)}
		f := d.Filter.filter()
		d.Export = sc.Href + "/export.xlsx?" + filterQuery(d.Filter, "")
		if c, ok := parseCursor(q.Get("after")); ok {
			f.After = &c
			d.First = sc.Href + "?" + filterQuery(d.Filter, "")
		}
		page, err := sc.list(s.svc.Review)(r.Context(), a, f)
		if err != nil {
			if status(err) == http.StatusInternalServerError {
				return err
			}
			d.Errors = userErrors(err)
		}
		plans, err := s.svc.Plans.List(r.Context())
		if err != nil {
			return err
		}
		d.Plans = plans
		units, err := s.svc.Review.ListUnits(r.Context(), a)
		if err != nil {
			return err
		}
		if sc.Key != "unit" {
			for _, u := range units {
				d.Units = append(d.Units, option{strconv.FormatInt(u.ID, 10), u.Name})
			}
		}
		names := map[int64]string{}
		levels := map[string]string{}
		for _, p := range plans {
			names[p.ID] = p.Name
			if f.PlanID == 0 || f.PlanID == p.ID {
				for _, l := range p.Levels {
					if _, ok := levels[l.Code]; !ok {
						levels[l.Code] = l.Name
						d.Levels = append(d.Levels, option{l.Code, l.Name})
					}
				}
			}
		}
		for _, st := range reviewStatuses {
			d.Statuses = append(d.Statuses, option{string(st), st.Label()})
		}
		for _, t := range []model.AppType{model.AppNormal, model.AppExceptional, model.AppTransfer} {
			d.Types = append(d.Types, option{string(t), t.Label()})
		}
		for _, row := range page.Rows {
			d.Rows = append(d.Rows, newReviewListRow(row, names[row.PlanID]))
		}
		if page.Next != nil {
			d.Next = sc.Href + "?" + filterQuery(d.Filter, formatCursor(*page.Next))
		}
		d.Page = s.page(r, a, sc.Title)
		st := http.StatusOK
		if len(d.Errors) > 0 {
			st = http.StatusUnprocessableEntity
		}
		s.render(w, r, st, "review_list.html", d)
		return nil
	}
}

func filterQuery(f reviewFilterForm, after string) string {
	v := url.Values{}
	for k, x := range map[string]string{"plan": f.Plan, "unit": f.Unit, "status": f.Status, "level": f.Level, "type": f.Type, "after": after} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v.Encode()
}

// A cursor travels as "<unix nanoseconds>-<id>".
func formatCursor(c service.Cursor) string {
	return strconv.FormatInt(c.Updated.UnixNano(), 10) + "-" + strconv.FormatInt(c.ID, 10)
}

func parseCursor(s string) (service.Cursor, bool) {
	ns, id, ok := strings.Cut(s, "-")
	if !ok {
		return service.Cursor{}, false
	}
	n, err1 := strconv.ParseInt(ns, 10, 64)
	i, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || i <= 0 {
		return service.Cursor{}, false
	}
	return service.Cursor{Updated: time.Unix(0, n), ID: i}, true
}
