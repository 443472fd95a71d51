package web

import (
	"net/http"

	"zhicheng/internal/model"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
)

// The applicant's view of the procedure (R-APP-08, R-FLOW-12): where the application is,
// every step, every return with its consolidated list, and who looked at the evidence
// (R-SEC-01). The overview page (application_show) shows the current state; this page adds
// the full return history and the access log.

type reviewStatusData struct {
	Page
	AppID   int64
	St      service.AppStatus
	Returns []reviewReturn
	Access  []store.EvidenceAccess
}

// reviewStatus serves GET /applications/{id}/status to the applicant.
func (s *Server) reviewStatus(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	// Get scopes to the applicant's own applications (404 for anyone else's).
	v, err := s.svc.Applications.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	st, err := s.svc.Review.Status(r.Context(), a, id)
	if err != nil {
		return err
	}
	access, err := s.svc.Review.AccessLog(r.Context(), a, id)
	if err != nil {
		return err
	}
	labels := map[string]string{}
	for _, sl := range v.Slots {
		labels[sl.Key] = sl.Label
	}
	d := &reviewStatusData{AppID: id, St: st, Access: access}
	for _, ret := range st.Returns {
		rv := reviewReturn{Return: ret, StageLabel: ret.Stage.Label()}
		for _, it := range ret.Items {
			where := reviewFieldLabel(it.Field)
			switch {
			case it.Slot != "":
				where = "材料：" + labels[it.Slot]
			case it.Module > 0:
				where = "模块 " + itoa64(int64(it.Module))
			}
			rv.Items = append(rv.Items, reviewLine{Where: where, Text: it.Text})
		}
		d.Returns = append(d.Returns, rv)
	}
	for i := range d.Access {
		if d.Access[i].Slot != "" && labels[d.Access[i].Slot] != "" {
			d.Access[i].Slot = labels[d.Access[i].Slot]
		}
	}
	d.Page = s.page(r, a, "办理进度 - "+v.Plan.Name)
	s.render(w, r, http.StatusOK, "review_status.html", d)
	return nil
}
