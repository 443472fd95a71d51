package api

import (
	"io"
	"net/http"
	"strconv"

	"zhicheng/internal/evidence"
	"zhicheng/internal/model"
)

// The unit's own documents (推荐报告, 公示报告及公示照片, R-FLOW-01), which the applying unit's
// reviewers upload while the unit holds the application: POST …/reports takes one file as
// multipart/form-data with version and slot first, streamed into the service as the
// applicant's upload is (application_files.go: no ParseMultipartForm, the body bounded at
// 2 MiB + 64 KiB); DELETE …/reports/{file_id}?version=N takes one off.

func (x *API) reviewReportUpload(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, evidence.MaxSize+uploadOverhead)
	mr, err := r.MultipartReader()
	if err != nil {
		return bodyError(err, false)
	}
	f := uploadForm{readAt: "GET /api/v1/review/applications/{id}"}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return bodyError(err, false)
		}
		switch name := part.FormName(); name {
		case "version", "slot":
			if err := f.read(part, name); err != nil {
				return err
			}
		case "file":
			v, slot, err := f.fields()
			if err != nil {
				return err
			}
			// Anything after this part is not read: file ends the request.
			body := &readRecorder{r: part}
			ev, nv, err := x.svc.Review.UnitUpload(r.Context(), a, id, v, slot, part.FileName(), body)
			if err != nil {
				if body.err != nil {
					return bodyError(body.err, false)
				}
				return err
			}
			out := evidenceOf(ev)
			out.URL = reviewPath(id) + "/files/" + strconv.FormatInt(ev.ID, 10) // the logged reviewer download
			return writeJSON(w, http.StatusCreated, uploadResponse{Evidence: out, Version: nv})
		default:
			return model.Invalid(name, "未知的表单字段“"+name+"”", "只接受 version、slot 和一个 file")
		}
		part.Close()
	}
	_, _, err = f.fields()
	errs, _ := err.(model.Errors)
	return append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-APP-01", Field: "file", Message: "没有上传文件",
		Fix: "以表单字段 file 上传一个 JPG、JPEG 或 PDF 文件（不超过 2 MB）"})
}

func (x *API) reviewReportRemove(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, fileID, v, err := removeRequest(r)
	if err != nil {
		return err
	}
	nv, err := x.svc.Review.UnitRemoveFile(r.Context(), a, id, v, fileID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, versionResponse{Version: nv})
}
