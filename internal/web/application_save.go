package web

import (
	"encoding/json"
	"net/http"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
)

// maxFormBody bounds a module page's form: the longest module is far below it.
const maxFormBody = 1 << 20

// applicationSave saves one page of the form (R-APP-04). Its inputs are read onto the
// stored form, so the other pages stay as stored, and saved with the version the page was
// loaded at: a save from another tab or device in between is a conflict, shown with what was
// typed kept and where the stored form differs, never overwritten unseen. A refusal shows the
// page as typed with every problem next to its input. Buttons of the form add, remove or move
// list entries and sync an education entry with CHSI after saving; the page's script
// autosaves through the same handler (X-Autosave: 1) and reads JSON.
func (s *Server) applicationSave(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := moduleParam(r)
	if err != nil {
		return err
	}
	auto := r.Header.Get("X-Autosave") == "1"
	fail := func(err error) error {
		if auto {
			s.writeAPIError(w, r, err)
			return nil
		}
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return fail(model.Invalid("", "提交的内容过多或格式有误", "请刷新页面后重试"))
	}
	v, err := s.svc.Applications.Get(r.Context(), a, id)
	if err != nil {
		return fail(err)
	}
	version := formInt(r, "version")
	form := v.App.Form
	typed, bad := decodeModule(r.PostForm, m, &form)
	act := parseAction(r.PostFormValue("action"))
	if auto {
		act = formAction{Verb: "save"}
	}
	anchor := act.apply(&form, m, v.Plan)

	var nv int64
	if len(bad) > 0 {
		err = withDraftRules(bad, form, v.Plan)
	} else {
		nv, err = s.svc.Applications.Save(r.Context(), a, id, version, form)
	}
	if err != nil {
		if auto {
			s.writeAPIError(w, r, err)
			return nil
		}
		if st := status(err); st == http.StatusInternalServerError || st == http.StatusNotFound {
			return err
		}
		ms := moduleState{typed: typed, errs: userErrors(err), version: version}
		if model.KindOf(err) == model.KindConflict {
			now, gerr := s.svc.Applications.Get(r.Context(), a, id)
			if gerr != nil {
				return gerr
			}
			if now.App.Status.Editable() && now.App.Version != version {
				// Saved elsewhere meanwhile: what was typed goes onto the form as stored now,
				// and the next save (a deliberate click) names the stored version.
				form = now.App.Form
				typed, _ = decodeModule(r.PostForm, m, &form)
				act.apply(&form, m, now.Plan)
				ms.typed, ms.version = typed, now.App.Version
				ms.conflict = moduleConflict(now.App.Form, form, m)
			}
			v = now
		}
		return s.renderModule(w, r, a, status(err), &v, form, m, ms)
	}

	if act.Verb == "sync" {
		rec, _, serr := s.svc.Applications.SyncEducation(r.Context(), a, id, nv, act.ID)
		if serr != nil {
			if st := status(serr); st == http.StatusInternalServerError {
				return serr
			}
			now, gerr := s.svc.Applications.Get(r.Context(), a, id)
			if gerr != nil {
				return gerr
			}
			return s.renderModule(w, r, a, status(serr), &now, now.App.Form, m, moduleState{errs: userErrors(serr)})
		}
		said := "已保存，并通过学信网核验："
		if rec.CHSI.Simulated() {
			said = "已保存，" + rec.CHSI.Heading() + "：" // not a check: say so
		}
		s.flash(r, said+rec.CHSI.School+" "+rec.CHSI.Major+" "+rec.CHSI.Level+"，该学历无需再上传证明材料。")
		http.Redirect(w, r, moduleHref(id, m)+"#"+fieldAnchor("education."+act.ID), http.StatusSeeOther)
		return nil
	}
	now := s.appNow().In(rules.Shanghai())
	if auto {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		return json.NewEncoder(w).Encode(map[string]any{"version": nv, "saved_at": now.Format("2006-01-02T15:04:05Z07:00"), "saved_at_text": now.Format("15:04:05")})
	}
	s.flash(r, "已保存（"+now.Format("15:04:05")+"）。")
	target := moduleHref(id, m)
	switch {
	case act.Verb == "next" && m < lastModule:
		target = moduleHref(id, m+1)
	case act.Verb == "next":
		target = "/applications/" + itoa64(id) + "/check"
	case anchor != "":
		target += "#" + anchor
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// withDraftRules adds the draft check's refusals to the inputs that did not parse, except
// for those fields (a number that did not parse is not also "invalid"), so that every
// problem shows at once.
func withDraftRules(bad model.Errors, f model.Form, p model.Plan) model.Errors {
	seen := map[string]bool{}
	for _, e := range bad {
		seen[e.Field] = true
	}
	out := bad
	for _, e := range rules.ValidateDraft(f, p) {
		if !seen[e.Field] {
			out = append(out, e)
		}
	}
	return out
}
