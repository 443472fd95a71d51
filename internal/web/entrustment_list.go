package web

import (
	"fmt"
	"net/http"
	"strconv"

	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

// fileSize is a byte count as people read it ("1.2 MB", "350 KB").
func fileSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+1023)>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}

type entrustmentRow struct {
	store.Entrustment
	OrgName, PlanName string
	Status            planStatus // shadows the stored status word, which Pending tells
	Pending           bool
	LetterURL         string
}

var entrustStatus = map[string]planStatus{
	store.EntrustPending:  {"待审批", "badge-soon"},
	store.EntrustApproved: {"已批准", "badge-ok"},
	store.EntrustRefused:  {"未批准", "badge-bad"},
}

// entrustmentRows names each letter's unit and plan; base is where the letters are read
// ("/office/entrustments" or "/entrustments").
func entrustmentRows(es []store.Entrustment, orgs map[int64]string, plans []model.Plan, base string) []entrustmentRow {
	planNames := map[int64]string{}
	for _, p := range plans {
		planNames[p.ID] = p.Name
	}
	rows := make([]entrustmentRow, 0, len(es))
	for _, e := range es {
		rows = append(rows, entrustmentRow{Entrustment: e, OrgName: orgs[e.OrgID], PlanName: planNames[e.PlanID], Status: entrustStatus[e.Status],
			Pending: e.Status == store.EntrustPending, LetterURL: base + "/" + strconv.FormatInt(e.ID, 10) + "/letter"})
	}
	return rows
}

type entrustmentListData struct {
	Page
	Letters      []entrustmentRow
	DecideID     int64 // the letter whose decision form was refused
	DecideReason string
	Errors       []*model.Error
}

// entrustmentList is the office's list of entrustment letters to approve or refuse
// (R-ELG-05).
func (s *Server) entrustmentList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return s.renderEntrustmentList(w, r, a, http.StatusOK, &entrustmentListData{})
}

func (s *Server) renderEntrustmentList(w http.ResponseWriter, r *http.Request, a model.Actor, st int, d *entrustmentListData) error {
	es, err := s.svc.Entrustments.List(r.Context(), a)
	if err != nil {
		return err
	}
	plans, err := s.svc.Plans.List(r.Context())
	if err != nil {
		return err
	}
	tree, err := s.svc.Orgs.Tree(r.Context(), a)
	if err != nil {
		return err
	}
	orgs := map[int64]string{}
	for _, n := range tree {
		orgs[n.ID] = n.Name
	}
	d.Letters = entrustmentRows(es, orgs, plans, "/office/entrustments")
	d.Page = s.page(r, a, "委托函审批")
	s.render(w, r, st, "entrustments.html", d)
	return nil
}
