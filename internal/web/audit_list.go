package web

import (
	"net/http"
	"strconv"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
)

type auditData struct {
	Page
	Events    []model.AuditEvent
	Next      int64 // keyset cursor for the next page, 0 if none
	CanVerify bool
	Result    *service.Verification
}

const auditPage = 50

func (s *Server) auditList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return s.renderAudit(w, r, a, nil)
}

func (s *Server) renderAudit(w http.ResponseWriter, r *http.Request, a model.Actor, res *service.Verification) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	events, err := s.svc.Audit.List(r.Context(), a, store.AuditFilter{BeforeID: before, Limit: auditPage})
	if err != nil {
		return err
	}
	d := &auditData{Page: s.page(r, a, "审计日志"), Events: events, CanVerify: authz.Allowed(a, authz.ViewAudit), Result: res}
	if len(events) == auditPage {
		d.Next = events[len(events)-1].ID
	}
	s.render(w, r, http.StatusOK, "audit.html", d)
	return nil
}

// auditVerify checks the whole chain and shows the outcome above the log.
func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	res, err := s.svc.Audit.Verify(r.Context(), a)
	if err != nil {
		return err
	}
	return s.renderAudit(w, r, a, &res)
}
