package web

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"zhicheng/internal/evidence"
	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

// reviewReportUpload puts files into one of the unit's own documents (推荐报告, 公示报告及公示照片,
// R-FLOW-01). The body is read as a stream, as the applicant's upload is: the version and the
// slot come first, then each file goes straight to the service, which checks it by content
// while it arrives (R-APP-01). The page's script sends it with a progress bar and reads JSON;
// without the script the page comes back with the file listed, or with the refusal at the slot.
func (s *Server) reviewReportUpload(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadFiles*evidence.MaxSize+uploadOverhead)
	var up reportUpload
	err = s.readReportUpload(r, a, id, &up)
	if err != nil {
		io.Copy(io.Discard, r.Body) // so that the browser, still sending, gets the answer
	}
	if appWantsJSON(r) {
		if err != nil {
			s.writeAPIError(w, r, err)
			return nil
		}
		return writeUploadedFiles(w, up.version, up.slot, up.files)
	}
	if err == nil {
		s.flash(r, fmt.Sprintf("已上传 %d 个文件。", len(up.files)))
		http.Redirect(w, r, fmt.Sprintf("/review/applications/%d#%s", id, fieldAnchor("slot:"+up.slot)), http.StatusSeeOther)
		return nil
	}
	st := status(err)
	if st == http.StatusInternalServerError || st == http.StatusNotFound {
		return err
	}
	if reviewConflict(err) {
		st = http.StatusConflict
	}
	return s.renderReview(w, r, a, id, st, &reviewForm{Slot: up.slot, Errors: userErrors(err)})
}

// reportUpload is what an upload of the unit's documents carried.
type reportUpload struct {
	version int64
	slot    string
	files   []store.Evidence
}

func (s *Server) readReportUpload(r *http.Request, a model.Actor, id int64, up *reportUpload) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return model.Invalid("file", "没有收到上传的文件", "请选择 JPG、JPEG 或 PDF 文件后再上传")
	}
	n := 0
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return uploadReadError(err)
		}
		switch p.FormName() {
		case "version":
			up.version, _ = strconv.ParseInt(strings.TrimSpace(smallPart(p)), 10, 64)
		case "slot":
			up.slot = strings.TrimSpace(smallPart(p))
		case "file":
			if p.FileName() == "" {
				continue // an empty file input
			}
			if up.slot == "" || up.version == 0 {
				return model.Invalid("file", "上传请求不完整", "请刷新页面后重新上传")
			}
			if n++; n > maxUploadFiles {
				return errUploadTooBig
			}
			ev, nv, err := s.svc.Review.UnitUpload(r.Context(), a, id, up.version, up.slot, p.FileName(), p)
			if err != nil {
				return numberedUpload(n, err)
			}
			up.version, up.files = nv, append(up.files, ev)
		}
		p.Close()
	}
	if len(up.files) == 0 {
		return model.Invalid("file", "没有选择文件", "请选择 JPG、JPEG 或 PDF 文件（每个不超过 2 MB）后再上传")
	}
	return nil
}
