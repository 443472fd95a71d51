package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"zhicheng/internal/evidence"
	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

// maxUploadFiles is how many files one upload may carry (each is checked and stored as it
// arrives, so the bound is on time, not memory).
const maxUploadFiles = 10

var errUploadTooBig = &model.Error{Kind: model.KindInvalid, Rule: "R-APP-01", Field: "file",
	Message: fmt.Sprintf("一次上传的文件合计过大（最多 %d 个文件，每个不超过 2 MB）", maxUploadFiles),
	Fix:     "每个文件不超过 2 MB；扫描件可降低分辨率（150–200 dpi）后重新导出，材料较多时分几次上传"}

// applicationUpload puts files into a slot (R-APP-01, R-APP-02). The body is read as a
// stream: the version and the slot come first, then each file goes straight to the service,
// which checks it by content while it arrives and stores it; nothing is buffered but the
// images to be combined into one PDF, whose total may not pass 2 MB anyway. The page's script
// sends it with a progress bar and reads JSON; without the script the page comes back with
// the file listed, or with the refusal next to the slot.
func (s *Server) applicationUpload(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadFiles*evidence.MaxSize+uploadOverhead)
	up := &appUpload{s: s, r: r, a: a, id: id}
	err = up.run()
	if err != nil {
		// Read what is left of the body (bounded above) so that the browser, still sending,
		// gets the answer rather than a reset connection.
		io.Copy(io.Discard, r.Body)
	}
	back := moduleHref(id, up.module)
	if appWantsJSON(r) {
		if err != nil {
			s.writeAPIError(w, r, err)
			return nil
		}
		return writeUploadedFiles(w, up.version, up.slot, up.files)
	}
	if err == nil {
		s.flash(r, fmt.Sprintf("已上传 %d 个文件。", len(up.files)))
		http.Redirect(w, r, back+"#"+fieldAnchor("slot:"+up.slot), http.StatusSeeOther)
		return nil
	}
	if st := status(err); st == http.StatusInternalServerError || up.slot == "" {
		return err
	}
	return s.slotRefused(w, r, a, id, up.slot, err)
}

// writeUploadedFiles answers the page's script (application.js) after an upload: the new
// version and the files stored.
func writeUploadedFiles(w http.ResponseWriter, version int64, slot string, files []store.Evidence) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	out := make([]map[string]any, 0, len(files))
	for _, f := range files {
		out = append(out, map[string]any{"id": f.ID, "name": f.Name, "kind": f.Kind, "pages": f.Pages, "size": f.Size})
	}
	return json.NewEncoder(w).Encode(map[string]any{"version": version, "slot": slot, "files": out})
}

// slotRefused shows the module page of a slot with a refusal next to it.
func (s *Server) slotRefused(w http.ResponseWriter, r *http.Request, a model.Actor, id int64, slot string, err error) error {
	v, gerr := s.svc.Applications.Get(r.Context(), a, id)
	if gerr != nil {
		return gerr
	}
	errs := userErrors(err)
	for i, e := range errs {
		c := *e
		if c.Field == "" || c.Field == "file" || c.Field == "slot" || c.Field == "ids" || c.Field == "order" {
			c.Field = "slot:" + slot
		}
		errs[i] = &c
	}
	return s.renderModule(w, r, a, status(err), &v, v.App.Form, slotModule(&v.App.Form, v.Plan, slot), moduleState{errs: errs})
}

// slotModule is the module page a slot is on.
func slotModule(f *model.Form, p model.Plan, key string) int {
	for _, sl := range f.Slots(p) {
		if sl.Key == key {
			return sl.Module
		}
	}
	return 0
}

// appUpload is one upload request being read.
type appUpload struct {
	s       *Server
	r       *http.Request
	a       model.Actor
	id      int64
	version int64
	slot    string
	module  int
	files   []store.Evidence
}

func (u *appUpload) run() error {
	ctx := u.r.Context()
	mr, err := u.r.MultipartReader()
	if err != nil {
		return model.Invalid("file", "没有收到上传的文件", "请选择 JPG、JPEG 或 PDF 文件后再上传")
	}
	var combine bool
	var images [][]byte
	var names []string
	var total, n int
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
			u.version, _ = strconv.ParseInt(strings.TrimSpace(smallPart(p)), 10, 64)
		case "slot":
			u.slot = strings.TrimSpace(smallPart(p))
			v, err := u.s.svc.Applications.Get(ctx, u.a, u.id)
			if err != nil {
				return err
			}
			u.module = slotModule(&v.App.Form, v.Plan, u.slot)
			// A single-file slot takes several images as one PDF (R-APP-02).
			for _, sl := range v.Slots {
				if sl.Key == u.slot && !sl.Multi {
					combine = true
				}
			}
		case "combine":
			combine = combine || smallPart(p) != ""
		case "file":
			if p.FileName() == "" {
				continue // an empty file input
			}
			if u.slot == "" || u.version == 0 {
				return model.Invalid("file", "上传请求不完整", "请刷新页面后重新上传")
			}
			if n++; n > maxUploadFiles {
				return errUploadTooBig
			}
			if combine {
				data, err := io.ReadAll(io.LimitReader(p, evidence.MaxSize+1-int64(total)))
				if err != nil {
					return uploadReadError(err)
				}
				if total += len(data); total > evidence.MaxSize {
					return &model.Error{Kind: model.KindInvalid, Rule: "R-APP-02", Field: "file", Message: "所选图片合计超过 2 MB，合并后的 PDF 会超过上限",
						Fix: "请减少图片数量，或先压缩图片后再合并；也可分成几个文件分别上传"}
				}
				images, names = append(images, data), append(names, p.FileName())
				continue
			}
			ev, nv, err := u.s.svc.Applications.Upload(ctx, u.a, u.id, u.version, u.slot, p.FileName(), p)
			if err != nil {
				return numberedUpload(n, err)
			}
			u.version = nv
			u.files = append(u.files, ev)
		}
		p.Close()
	}
	switch {
	case len(images) == 1:
		ev, nv, err := u.s.svc.Applications.Upload(ctx, u.a, u.id, u.version, u.slot, names[0], bytes.NewReader(images[0]))
		if err != nil {
			return err
		}
		u.version, u.files = nv, append(u.files, ev)
	case len(images) > 1:
		rs := make([]io.Reader, len(images))
		for i, b := range images {
			rs[i] = bytes.NewReader(b)
		}
		ev, nv, err := u.s.svc.Applications.UploadImages(ctx, u.a, u.id, u.version, u.slot, rs)
		if err != nil {
			return err
		}
		u.version, u.files = nv, append(u.files, ev)
	}
	if len(u.files) == 0 {
		return model.Invalid("file", "没有选择文件", "请选择 JPG、JPEG 或 PDF 文件（每个不超过 2 MB）后再上传")
	}
	return nil
}

// smallPart reads a form field of the upload (the version, the slot key).
func smallPart(p io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(p, 512))
	return string(b)
}

func uploadReadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errUploadTooBig
	}
	return model.Invalid("file", "上传中断，文件没有完整收到", "请检查网络后重新上传")
}

// numberedUpload names which file of several was refused; the earlier ones are kept.
func numberedUpload(n int, err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errUploadTooBig
	}
	e, ok := model.AsError(err)
	if !ok || n == 1 {
		return err
	}
	c := *e
	c.Message = fmt.Sprintf("第 %d 个文件：%s（前 %d 个已上传）", n, e.Message, n-1)
	return &c
}
