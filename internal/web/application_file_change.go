package web

import (
	"net/http"
	"slices"

	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

// appFileChange is a change to a slot's files from the module page: the file, the slot it is
// in and the version the page was loaded at.
type appFileChange struct {
	id, fid, version int64
	file             store.Evidence
	files            []store.Evidence // the slot's files, in order
}

func (s *Server) readAppFileChange(w http.ResponseWriter, r *http.Request, a model.Actor) (appFileChange, error) {
	var c appFileChange
	var err error
	if c.id, err = pathID(r); err != nil {
		return c, err
	}
	if c.fid, err = fileID(r); err != nil {
		return c, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	c.version = formInt(r, "version")
	v, err := s.svc.Applications.Get(r.Context(), a, c.id)
	if err != nil {
		return c, err
	}
	i := slices.IndexFunc(v.Evidence, func(e store.Evidence) bool { return e.ID == c.fid })
	if i < 0 {
		return c, &model.Error{Kind: model.KindNotFound, Message: "该文件已删除或不存在", Fix: "请刷新页面查看最新的材料"}
	}
	c.file = v.Evidence[i]
	c.files = v.Files(c.file.Slot)
	return c, nil
}

// appFileChanged returns to the slot on the module page, or shows the refusal next to it.
func (s *Server) appFileChanged(w http.ResponseWriter, r *http.Request, a model.Actor, c appFileChange, err error, msg string) error {
	if err != nil {
		if st := status(err); st == http.StatusInternalServerError || st == http.StatusNotFound || c.file.Slot == "" {
			return err
		}
		return s.slotRefused(w, r, a, c.id, c.file.Slot, err)
	}
	v, gerr := s.svc.Applications.Get(r.Context(), a, c.id)
	if gerr != nil {
		return gerr
	}
	s.flash(r, msg)
	http.Redirect(w, r, moduleHref(c.id, slotModule(&v.App.Form, v.Plan, c.file.Slot))+"#"+fieldAnchor("slot:"+c.file.Slot), http.StatusSeeOther)
	return nil
}

// applicationFileDelete takes a file off the draft (it stays in any submitted version).
func (s *Server) applicationFileDelete(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	c, err := s.readAppFileChange(w, r, a)
	if err != nil {
		return err
	}
	_, err = s.svc.Applications.RemoveEvidence(r.Context(), a, c.id, c.version, c.fid)
	return s.appFileChanged(w, r, a, c, err, "已删除“"+c.file.Name+"”。")
}

// applicationFileMove moves a file one place up or down in its slot.
func (s *Server) applicationFileMove(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	c, err := s.readAppFileChange(w, r, a)
	if err != nil {
		return err
	}
	ids := make([]int64, len(c.files))
	at := -1
	for i, e := range c.files {
		ids[i] = e.ID
		if e.ID == c.fid {
			at = i
		}
	}
	to := at - 1
	if r.PostFormValue("dir") == "down" {
		to = at + 1
	}
	if to < 0 || to >= len(ids) {
		return s.appFileChanged(w, r, a, c, nil, "顺序未变。")
	}
	ids[at], ids[to] = ids[to], ids[at]
	_, err = s.svc.Applications.Reorder(r.Context(), a, c.id, c.version, c.file.Slot, ids)
	return s.appFileChanged(w, r, a, c, err, "已调整“"+c.file.Name+"”的顺序。")
}

// applicationCombine turns the JPEG files of a slot, in their order, into one PDF (R-APP-02).
func (s *Server) applicationCombine(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	slot := r.PostFormValue("slot")
	if slot == "" {
		return model.Invalid("slot", "没有这个上传项", "请刷新页面后重试")
	}
	v, err := s.svc.Applications.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	var ids []int64
	for _, e := range v.Files(slot) {
		if e.Kind == "image/jpeg" {
			ids = append(ids, e.ID)
		}
	}
	c := appFileChange{id: id, file: store.Evidence{Slot: slot}}
	_, _, err = s.svc.Applications.Combine(r.Context(), a, id, formInt(r, "version"), slot, ids)
	return s.appFileChanged(w, r, a, c, err, "已将本项的图片按顺序合并为一个 PDF。")
}
