package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"zhicheng/internal/model"
	"zhicheng/internal/service"
)

type orgFormData struct {
	Page
	Org       model.Org
	New       bool
	Tree      []service.TreeNode
	Depts     []service.TreeNode
	Kinds     []model.OrgKind
	UnitTypes []model.UnitType
	Errors    []*model.Error
}

// InChain reports the 1-based position of dept in the edited chain, or 0.
func (d *orgFormData) InChain(dept int64) int { return slices.Index(d.Org.ReviewChain, dept) + 1 }

func (s *Server) orgForm(w http.ResponseWriter, r *http.Request, a model.Actor, st int, o model.Org, isNew bool, errs []*model.Error) error {
	tree, err := s.svc.Orgs.Tree(r.Context(), a)
	if err != nil {
		return err
	}
	var depts []service.TreeNode
	for _, n := range tree {
		if n.Kind.IsDepartment() {
			depts = append(depts, n)
		}
	}
	title := "编辑机构"
	if isNew {
		title = "新建机构"
	}
	s.render(w, r, st, "org_form.html", &orgFormData{Page: s.page(r, a, title), Org: o, New: isNew, Tree: tree, Depts: depts,
		Kinds: model.OrgKinds, UnitTypes: model.UnitTypes, Errors: errs})
	return nil
}

func (s *Server) orgNew(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return s.orgForm(w, r, a, http.StatusOK, model.Org{ParentID: formQueryInt(r, "parent")}, true, nil)
}

func (s *Server) orgEdit(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	o, err := s.svc.Orgs.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	return s.orgForm(w, r, a, http.StatusOK, o, false, nil)
}

// orgFromForm reads the organisation form. The review chain comes as one number per
// department ("chain_<id>" = position); blank or 0 means not in the chain.
func orgFromForm(r *http.Request) model.Org {
	r.ParseForm()
	o := model.Org{
		ParentID: formInt(r, "parent_id"), Kind: model.OrgKind(r.PostFormValue("kind")), UnitType: model.UnitType(r.PostFormValue("unit_type")),
		Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), Version: formInt(r, "version"),
		ProfessionalPosts: formPosts(r, "professional_posts"), GrassrootsSeniorPosts: formPosts(r, "grassroots_senior_posts"),
	}
	type step struct{ pos, id int64 }
	var steps []step
	for k, vs := range r.PostForm {
		if id, ok := strings.CutPrefix(k, "chain_"); ok && len(vs) > 0 {
			pos, _ := strconv.ParseInt(strings.TrimSpace(vs[0]), 10, 64)
			dept, _ := strconv.ParseInt(id, 10, 64)
			if pos > 0 && dept > 0 {
				steps = append(steps, step{pos, dept})
			}
		}
	}
	slices.SortFunc(steps, func(a, b step) int { return int(a.pos - b.pos) })
	for _, st := range steps {
		o.ReviewChain = append(o.ReviewChain, st.id)
	}
	return o
}

func (s *Server) orgCreate(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	o := orgFromForm(r)
	id, err := s.svc.Orgs.Create(r.Context(), a, o)
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		return s.orgForm(w, r, a, status(err), o, true, userErrors(err))
	}
	s.flash(r, "机构“"+strings.TrimSpace(o.Name)+"”已创建。")
	http.Redirect(w, r, "/admin/orgs#org-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

func (s *Server) orgUpdate(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	o := orgFromForm(r)
	o.ID = id
	if err := s.svc.Orgs.Update(r.Context(), a, o); err != nil {
		if status(err) == http.StatusInternalServerError || status(err) == http.StatusNotFound {
			return err
		}
		old, gerr := s.svc.Orgs.Get(r.Context(), a, id)
		if gerr != nil {
			return gerr
		}
		o.Kind, o.ParentID = old.Kind, old.ParentID
		if model.KindOf(err) == model.KindConflict && errors.Is(err, model.ErrConflict) {
			// Someone saved first: show what is stored now rather than letting a second
			// click overwrite their change unseen.
			o = old
		}
		return s.orgForm(w, r, a, status(err), o, false, userErrors(err))
	}
	s.flash(r, "机构已保存。")
	http.Redirect(w, r, "/admin/orgs#org-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// formPosts reads a post count: blank is 0 (not registered); anything but a whole number is
// -1, which the service refuses with the field's message.
func formPosts(r *http.Request, name string) int {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return n
}

func formQueryInt(r *http.Request, name string) int64 {
	v, _ := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	return v
}
