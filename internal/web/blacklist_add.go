package web

import (
	"net/http"
	"strconv"
	"strings"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
)

// blacklistAdd puts a person on the blacklist (R-ELG-04); a refusal shows the form again as
// typed, with every problem.
func (s *Server) blacklistAdd(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := blacklistForm{IDNumber: v("id_number"), Name: v("name"), Reason: v("reason"), Source: v("source"), PlanID: v("plan_id"), Years: v("years"), Start: v("start")}
	in := service.BlacklistInput{IDNumber: f.IDNumber, Name: f.Name, Reason: f.Reason, Source: f.Source}
	in.PlanID, _ = strconv.ParseInt(f.PlanID, 10, 64)
	if f.Years != "" {
		if n, err := strconv.Atoi(f.Years); err == nil {
			in.Years = n
		} else {
			in.Years = -1 // not a number: the service refuses it with the term's rule
		}
	}
	var err error
	if f.Start != "" {
		// A date input sends YYYY-MM-DD or nothing; anything else is refused on its own.
		d, perr := rules.ParseDate(f.Start)
		if perr != nil {
			err = model.Errors{model.Invalid("start", "起始日期“"+f.Start+"”格式不正确", "请按 YYYY-MM-DD 填写；不填则从今天起算")}
		}
		in.Start = d.Time()
	}
	if err == nil {
		if _, err = s.svc.Blacklist.Add(r.Context(), a, in); err == nil {
			s.flash(r, "已将“"+in.Name+"”列入失信黑名单。")
			http.Redirect(w, r, "/office/blacklist", http.StatusSeeOther)
			return nil
		}
	}
	if status(err) == http.StatusInternalServerError {
		return err
	}
	return s.renderBlacklist(w, r, a, status(err), &blacklistData{Form: f, Errors: userErrors(err)})
}
