package web

import (
	"net/http"

	"zhicheng/internal/model"
	"zhicheng/internal/service"
)

// The public unit-publicity page (R-FLOW-01, R-PUB-02): who is in publicity, for every plan,
// showing only name, unit, level, specialty, scope and period, with an objection form per
// entry that anyone may use.

type publicityGroup struct {
	Plan model.Plan
	Rows []service.PublicityRow
}

type publicityData struct {
	Page
	Groups []publicityGroup
	// The refused objection, shown again at its entry.
	FormID  int64
	Text    string
	Contact string
	Errors  []*model.Error
}

// publicityList shows every plan's applications in unit publicity.
func (s *Server) publicityList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return s.renderPublicity(w, r, a, http.StatusOK, &publicityData{})
}

func (s *Server) renderPublicity(w http.ResponseWriter, r *http.Request, a model.Actor, st int, d *publicityData) error {
	plans, err := s.svc.Plans.List(r.Context())
	if err != nil {
		return err
	}
	for _, p := range plans {
		rows, err := s.svc.Review.Publicity(r.Context(), p.ID)
		if err != nil {
			return err
		}
		if len(rows) > 0 {
			d.Groups = append(d.Groups, publicityGroup{Plan: p, Rows: rows})
		}
	}
	d.Page = s.page(r, a, "单位推荐公示")
	s.render(w, r, st, "publicity.html", d)
	return nil
}

// publicityObjection files an objection to one entry (R-FLOW-01); the unit sees it on the
// review page and must resolve it before recommending.
func (s *Server) publicityObjection(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	text, contact := r.PostFormValue("text"), r.PostFormValue("contact")
	if _, err := s.svc.Review.FileObjection(r.Context(), id, text, contact); err != nil {
		st := status(err)
		if st == http.StatusInternalServerError || st == http.StatusNotFound {
			return err
		}
		return s.renderPublicity(w, r, a, st, &publicityData{FormID: id, Text: text, Contact: contact, Errors: userErrors(err)})
	}
	s.flash(r, "感谢您的监督！异议已提交，公示单位将核查处理。")
	http.Redirect(w, r, "/publicity", http.StatusSeeOther)
	return nil
}
