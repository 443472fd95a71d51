package web

import (
	"context"
	"net/http"

	"zhicheng/internal/model"
	"zhicheng/internal/report"
	"zhicheng/internal/service"
)

// reviewExport serves a reviewer's list as an Excel workbook (R-REP-01): every row the list's
// filters select, through all its pages (at most report.MaxRows), with the list's permission
// and the service's scope. The columns carry the applicant's name, never an ID number or a
// phone (R-PUB-02, R-SEC-01).
func (s *Server) reviewExport(sc reviewScope) Handler {
	return func(w http.ResponseWriter, r *http.Request, a model.Actor) error {
		f := readReviewFilter(r.URL.Query().Get).filter()
		plans, err := s.svc.Plans.List(r.Context())
		if err != nil {
			return err
		}
		names := map[int64]string{}
		for _, p := range plans {
			names[p.ID] = p.Name
		}
		list := sc.list(s.svc.Review)
		rows, err := report.ReviewRows(r.Context(), func(ctx context.Context, f service.ReviewFilter) (service.ReviewPage, error) {
			return list(ctx, a, f)
		}, f, names)
		if err != nil {
			return err
		}
		return report.Serve(w, report.Filename(sc.Title, s.appNow()), "申报列表", report.ReviewHeaders, rows)
	}
}
