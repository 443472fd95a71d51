package api

import (
	"context"
	"net/http"

	"zhicheng/internal/model"
	"zhicheng/internal/report"
	"zhicheng/internal/service"
)

// The reviewers' lists as Excel workbooks (R-REP-01): the list routes' filters (before and
// limit aside: every matching row, at most report.MaxRows) and permissions, the applicant's
// name and never an ID number or a phone.

type reviewLister = func(context.Context, model.Actor, service.ReviewFilter) (service.ReviewPage, error)

func (x *API) serveReviewExport(w http.ResponseWriter, r *http.Request, a model.Actor, title string, list reviewLister) error {
	f, err := reviewFilter(r)
	if err != nil {
		return err
	}
	plans, err := x.svc.Plans.List(r.Context())
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, p := range plans {
		names[p.ID] = p.Name
	}
	rows, err := report.ReviewRows(r.Context(), func(ctx context.Context, f service.ReviewFilter) (service.ReviewPage, error) {
		return list(ctx, a, f)
	}, f, names)
	if err != nil {
		return err
	}
	return report.Serve(w, report.Filename(title, x.now()), "申报列表", report.ReviewHeaders, rows)
}

func (x *API) reviewUnitExport(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return x.serveReviewExport(w, r, a, "单位审核推荐", x.svc.Review.UnitInbox)
}

func (x *API) reviewDeptExport(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return x.serveReviewExport(w, r, a, "主管部门审核", x.svc.Review.DeptList)
}

func (x *API) reviewOfficeExport(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return x.serveReviewExport(w, r, a, "职改办资格初审", x.svc.Review.OfficeList)
}
