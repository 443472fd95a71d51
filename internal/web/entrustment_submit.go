package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"zhicheng/internal/evidence"
	"zhicheng/internal/model"
	"zhicheng/internal/service"
)

// uploadOverhead is what a multipart body may carry besides the file: the other fields
// and the part headers.
const uploadOverhead = 64 << 10

// entrustmentSubmit uploads the unit's letter for a plan. The body is bounded before it is
// read; the service judges the file (R-APP-01: JPG or PDF by content, at most 2 MB).
func (s *Server) entrustmentSubmit(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	r.Body = http.MaxBytesReader(w, r.Body, evidence.MaxSize+uploadOverhead)
	d := &entrustmentUnitData{}
	var errs model.Errors
	tooBig := &model.Error{Kind: model.KindInvalid, Rule: "R-APP-01", Field: "file", Message: "文件超过 2 MB 上限",
		Fix: "请上传不超过 2 MB 的 JPG、JPEG 或 PDF 文件；扫描件可降低分辨率后重新导出"}
	var data []byte
	var name string
	if err := r.ParseMultipartForm(256 << 10); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			errs = append(errs, tooBig)
		} else {
			errs = append(errs, model.Invalid("file", "没有收到上传的文件", "请选择委托函文件后再提交"))
		}
	} else {
		defer r.MultipartForm.RemoveAll()
		d.PlanID, _ = strconv.ParseInt(r.PostFormValue("plan_id"), 10, 64)
		d.Note = strings.TrimSpace(r.PostFormValue("note"))
		if d.PlanID == 0 {
			errs = append(errs, model.Invalid("plan_id", "请选择评审计划", "委托函针对某一年度的评审计划"))
		}
		file, hdr, err := r.FormFile("file")
		switch {
		case errors.Is(err, http.ErrMissingFile):
			errs = append(errs, model.Invalid("file", "请选择委托函文件", "JPG、JPEG 或 PDF，不超过 2 MB"))
		case err != nil:
			return err
		default:
			defer file.Close()
			// The form is parsed already; the limit keeps the read bounded all the same, and
			// one byte over the maximum is enough for the service to refuse it (R-APP-01).
			if data, err = io.ReadAll(io.LimitReader(file, evidence.MaxSize+1)); err != nil {
				return err
			}
			name = hdr.Filename
		}
	}
	var err error = errs.Err()
	if err == nil {
		if _, err = s.svc.Entrustments.Submit(r.Context(), a, d.PlanID, service.Letter{Name: name, Data: data}, d.Note); err == nil {
			s.flash(r, "委托函已提交，等待职改办审批。")
			http.Redirect(w, r, "/entrustments", http.StatusSeeOther)
			return nil
		}
	}
	if status(err) == http.StatusInternalServerError {
		return err
	}
	d.Errors = userErrors(err)
	return s.renderEntrustmentUnit(w, r, a, status(err), d)
}
