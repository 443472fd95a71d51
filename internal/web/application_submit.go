package web

import (
	"net/http"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
)

type applicationSubmitData struct {
	Page
	App           model.Application
	Plan          model.Plan
	Modules       []appModule
	Groups        []findingGroup
	Findings      int
	Block         string
	PledgeText    string
	PledgeVersion string
	Signer        string
	SignerErrors  []*model.Error
	Errors        []*model.Error // refusals of the submission other than the check's findings
	Refused       bool           // the submission was refused for the findings listed
	ApplyUntil    string
	Unit          string
}

// Editable reports whether the pledge may be signed and the application submitted.
func (d *applicationSubmitData) Editable() bool { return d.Block == "" }

// applicationSubmitForm shows the integrity pledge (R-APP-03) with its signature, the
// result of the pre-submit check and the submit button.
func (s *Server) applicationSubmitForm(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.renderSubmit(w, r, a, http.StatusOK, id, &applicationSubmitData{})
}

func (s *Server) renderSubmit(w http.ResponseWriter, r *http.Request, a model.Actor, st int, id int64, d *applicationSubmitData) error {
	v, err := s.svc.Applications.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	findings, err := s.svc.Applications.Check(r.Context(), a, id)
	if err != nil {
		return err
	}
	d.App, d.Plan, d.Block = v.App, v.Plan, s.editBlock(&v)
	d.Modules, d.Groups, d.Findings = appModules(&v, findings, -1), groupFindings(id, findings), len(findings)
	d.PledgeText, d.PledgeVersion, d.Unit = service.PledgeText, service.PledgeVersion, holderOrg(v.App, a)
	if wd, ok := v.Plan.Window(model.WindowApply); ok {
		d.ApplyUntil = rules.FormatEnd(wd.End)
	}
	d.Page = s.page(r, a, "签署承诺并提交 - "+v.Plan.Name)
	s.render(w, r, st, "application_submit.html", d)
	return nil
}

// applicationPledge signs the integrity pledge with the applicant's real name (R-APP-03).
func (s *Server) applicationPledge(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	signer := r.PostFormValue("signer")
	if err := s.svc.Applications.Sign(r.Context(), a, id, signer); err != nil {
		if st := status(err); st == http.StatusInternalServerError || st == http.StatusNotFound {
			return err
		}
		d := &applicationSubmitData{Signer: signer}
		for _, e := range userErrors(err) {
			if e.Field == "signer" {
				d.SignerErrors = append(d.SignerErrors, e)
			} else {
				d.Errors = append(d.Errors, e)
			}
		}
		return s.renderSubmit(w, r, a, status(err), id, d)
	}
	s.flash(r, "已签署申报诚信承诺书。")
	http.Redirect(w, r, "/applications/"+itoa64(id)+"/submit#submit", http.StatusSeeOther)
	return nil
}

// applicationSubmit submits the application to the unit (or archive agency), inside the
// window only (R-CAL-02) and only when the check finds nothing and the pledge is signed;
// a refusal lists every finding at once (R-ELG-10).
func (s *Server) applicationSubmit(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.svc.Applications.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	version := formInt(r, "version")
	if v.App.Status == model.StatusReturned {
		// A returned application goes back to the step that returned it (R-APP-05).
		out, err := s.svc.Review.Resubmit(r.Context(), a, id, version)
		if err != nil {
			return s.submitRefused(w, r, a, id, err)
		}
		s.flash(r, "已重新提交（"+out.To.Label()+"），申报回到退回它的审核环节。")
		http.Redirect(w, r, "/applications/"+itoa64(id), http.StatusSeeOther)
		return nil
	}
	no, err := s.svc.Applications.Submit(r.Context(), a, id, version)
	if err != nil {
		return s.submitRefused(w, r, a, id, err)
	}
	unit := a.OrgName
	if unit == "" {
		unit = "所在单位"
	}
	s.flash(r, "申报已提交（第 "+itoa64(int64(no))+" 版），已送"+unit+"审核。提交后不能修改；如被退回修改，可修改后再次提交。")
	http.Redirect(w, r, "/applications/"+itoa64(id), http.StatusSeeOther)
	return nil
}

// submitRefused shows the submit page with why: the findings are on the page already,
// grouped; other refusals (the window has closed, R-CAL-02; saved elsewhere meanwhile) are
// said on their own.
func (s *Server) submitRefused(w http.ResponseWriter, r *http.Request, a model.Actor, id int64, err error) error {
	if st := status(err); st == http.StatusInternalServerError || st == http.StatusNotFound {
		return err
	}
	d := &applicationSubmitData{}
	for _, e := range userErrors(err) {
		if e.Kind == model.KindInvalid {
			d.Refused = true
		} else {
			d.Errors = append(d.Errors, e)
		}
	}
	return s.renderSubmit(w, r, a, status(err), id, d)
}
