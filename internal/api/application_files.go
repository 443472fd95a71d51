package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"

	"zhicheng/internal/evidence"
	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

// Evidence files of an application (SPEC §4, R-APP-01, R-APP-02): upload into a slot, take
// off, reorder, combine images into one PDF, download.
//
// An upload is multipart/form-data with the fields version and slot first, then either one
// part named file (streamed straight into the service, which checks the content while it
// arrives) or up to maxImageParts parts named image (several photos of one document, combined
// in that order into one PDF). The parser is r.MultipartReader, part by part: nothing is
// buffered by net/http (no ParseMultipartForm). Image parts must all have arrived before they
// can be combined, so each is spooled to one unlinked temporary file (never to memory) and
// the service reads them back from there.
//
// The whole body is bounded at evidence.MaxSize + uploadOverhead (2 MiB + 64 KiB) for both
// kinds: a single file over 2 MiB is refused anyway (R-APP-01), and so are images that add up
// to more than 2 MiB, since the PDF that embeds them unchanged would be larger (R-APP-02).
// The 64 KiB carry the boundaries, part headers and small fields.

// maxImageParts bounds how many images one request may combine.
const maxImageParts = 50

// Field sizes of an upload.
const (
	maxVersionBytes = 20
	maxSlotBytes    = 300
)

// uploadResponse answers an upload or a combine.
type uploadResponse struct {
	Evidence evidenceJSON `json:"evidence"`
	Version  int64        `json:"version"`
}

// uploadForm is what the small fields said.
type uploadForm struct {
	versionText, slot     string
	haveVersion, haveSlot bool
	images                *imageSpool
	// readAt is where the caller reads the version, for the refusal without one; the
	// applicant's application when empty.
	readAt string
}

// read takes the small field name (version or slot) from its part.
func (f *uploadForm) read(p io.Reader, name string) error {
	limit := int64(maxVersionBytes)
	if name == "slot" {
		limit = maxSlotBytes
	}
	text, err := readUploadField(p, name, limit)
	if err != nil {
		return err
	}
	if name == "version" {
		f.versionText, f.haveVersion = text, true
	} else {
		f.slot, f.haveSlot = text, true
	}
	return nil
}

// fields parses version and slot, reporting every problem at once; they must precede the
// file parts.
func (f *uploadForm) fields() (int64, string, error) {
	var errs model.Errors
	v, err := strconv.ParseInt(strings.TrimSpace(f.versionText), 10, 64)
	if !f.haveVersion || err != nil || v <= 0 {
		readAt := f.readAt
		if readAt == "" {
			readAt = "GET /api/v1/applications/{id}"
		}
		errs = append(errs, model.Invalid("version", "缺少 version，或 version 不在文件之前",
			"先读取申报（"+readAt+"），把其中的 version 作为第一个表单字段提交，再放文件"))
	}
	slot := strings.TrimSpace(f.slot)
	if !f.haveSlot || slot == "" {
		errs = append(errs, model.Invalid("slot", "缺少 slot，或 slot 不在文件之前",
			"slot 为上传项的 key（见申报的 slots），须在文件之前提交"))
	}
	if len(errs) > 0 {
		return 0, "", errs
	}
	return v, slot, nil
}

// bodyError explains a body that could not be read: too large, or not multipart.
func bodyError(err error, images bool) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		if images {
			return &model.Error{Kind: model.KindInvalid, Rule: "R-APP-02", Field: "image",
				Message: fmt.Sprintf("图片合计超过 %d MB，合并后的 PDF 会超过上限", evidence.MaxSize>>20),
				Fix:     "请减少图片数量，或先压缩图片（降低分辨率或画质）后再合并；也可分成几个文件分别上传"}
		}
		return tooLarge()
	}
	return &model.Error{Kind: model.KindInvalid, Message: "请求体不是有效的 multipart/form-data，或未传完：" + err.Error(),
		Fix: "请以 multipart/form-data 依次提交 version、slot，再提交一个 file 或若干个 image"}
}

// readUploadField reads a small field of an upload, refusing one longer than max bytes.
func readUploadField(p io.Reader, name string, max int64) (string, error) {
	b, err := io.ReadAll(io.LimitReader(p, max+1))
	if err != nil {
		return "", bodyError(err, false)
	}
	if int64(len(b)) > max {
		return "", model.Invalid(name, fmt.Sprintf("字段 %s 过长", name), fmt.Sprintf("不超过 %d 字节", max))
	}
	return string(b), nil
}

// readRecorder remembers the first error reading the body gave (other than its end), so
// that a failure inside the service can be told apart from a broken or oversize request.
type readRecorder struct {
	r   io.Reader
	err error
}

func (rr *readRecorder) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	if err != nil && err != io.EOF && rr.err == nil {
		rr.err = err
	}
	return n, err
}

// imageSpool holds image parts in one unlinked temporary file.
type imageSpool struct {
	f     *os.File
	spans [][2]int64 // offset, length
	size  int64
}

func newImageSpool() (*imageSpool, error) {
	f, err := os.CreateTemp("", "zhicheng-images-*")
	if err != nil {
		return nil, fmt.Errorf("spool images: %w", err)
	}
	// Unlinked at once where the system allows it, so a crash leaves nothing behind; else
	// close removes it.
	os.Remove(f.Name())
	return &imageSpool{f: f}, nil
}

// add copies one image part, at most one byte over the size limit (enough for the
// service to refuse it by size, numbered, without keeping more).
func (s *imageSpool) add(part io.Reader) error {
	if len(s.spans) == maxImageParts {
		return &model.Error{Kind: model.KindInvalid, Rule: "R-APP-02", Field: "image",
			Message: fmt.Sprintf("一次最多合并 %d 张图片", maxImageParts), Fix: "请分成几个文件分别上传"}
	}
	n, err := io.Copy(s.f, io.LimitReader(part, evidence.MaxSize+1))
	if err != nil {
		return bodyError(err, true)
	}
	s.spans = append(s.spans, [2]int64{s.size, n})
	s.size += n
	return nil
}

func (s *imageSpool) readers() []io.Reader {
	out := make([]io.Reader, 0, len(s.spans))
	for _, sp := range s.spans {
		out = append(out, io.NewSectionReader(s.f, sp[0], sp[1]))
	}
	return out
}

func (s *imageSpool) close() {
	if s == nil {
		return
	}
	s.f.Close()
	os.Remove(s.f.Name()) // already gone where the system allowed unlinking an open file
}

// renameField points a service refusal at the API's name for the field.
func renameField(err error, from, to string) error {
	rename := func(e *model.Error) *model.Error {
		if e.Field != from {
			return e
		}
		c := *e
		c.Field = to
		return &c
	}
	var es model.Errors
	if errors.As(err, &es) {
		out := make(model.Errors, len(es))
		for i, e := range es {
			out[i] = rename(e)
		}
		return out
	}
	if e, ok := model.AsError(err); ok && e.Field == from {
		return rename(e)
	}
	return err
}

// writeUploaded answers an upload with the file as stored (the view has its time) and the
// new version.
func (x *API) writeUploaded(w http.ResponseWriter, r *http.Request, a model.Actor, ev store.Evidence, version int64) error {
	if v, err := x.svc.Applications.Get(r.Context(), a, ev.ApplicationID); err == nil {
		for _, e := range v.Evidence {
			if e.ID == ev.ID {
				ev = e
			}
		}
	}
	return writeJSON(w, http.StatusCreated, uploadResponse{Evidence: evidenceOf(ev), Version: version})
}

func (x *API) applicationUpload(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, evidence.MaxSize+uploadOverhead)
	mr, err := r.MultipartReader()
	if err != nil {
		return bodyError(err, false)
	}
	var f uploadForm
	defer func() { f.images.close() }()
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return bodyError(err, f.images != nil)
		}
		switch name := part.FormName(); name {
		case "version", "slot":
			if f.images != nil {
				return model.Invalid(name, "version 和 slot 须在文件之前提交", "请把 version、slot 放在请求体最前面")
			}
			if err := f.read(part, name); err != nil {
				return err
			}
		case "file":
			if f.images != nil {
				return model.Invalid("file", "不能同时上传 file 和 image", "一个文件用 file；几张图片合并为一个 PDF 用若干个 image")
			}
			v, slot, err := f.fields()
			if err != nil {
				return err
			}
			// The part goes straight to the service, which reads at most one byte over the limit
			// (R-APP-01). Anything after this part is not read: file ends the request.
			body := &readRecorder{r: part}
			ev, nv, err := x.svc.Applications.Upload(r.Context(), a, id, v, slot, part.FileName(), body)
			if err != nil {
				if body.err != nil {
					return bodyError(body.err, false)
				}
				return err
			}
			return x.writeUploaded(w, r, a, ev, nv)
		case "image":
			if _, _, err := f.fields(); err != nil {
				return err
			}
			if f.images == nil {
				if f.images, err = newImageSpool(); err != nil {
					return err
				}
			}
			if err := f.images.add(part); err != nil {
				return err
			}
		default:
			return model.Invalid(name, "未知的表单字段“"+name+"”", "只接受 version、slot，以及一个 file 或若干个 image")
		}
		part.Close()
	}
	if f.images == nil {
		_, _, err := f.fields()
		errs, _ := err.(model.Errors)
		return append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-APP-01", Field: "file", Message: "没有上传文件",
			Fix: "以表单字段 file 上传一个 JPG、JPEG 或 PDF 文件（不超过 2 MB），或以若干个 image 上传要合并的 JPG 图片"})
	}
	v, slot, err := f.fields()
	if err != nil {
		return err
	}
	ev, nv, err := x.svc.Applications.UploadImages(r.Context(), a, id, v, slot, f.images.readers())
	if err != nil {
		return renameField(err, "file", "image")
	}
	return x.writeUploaded(w, r, a, ev, nv)
}

func (x *API) applicationRemoveFile(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, fileID, v, err := removeRequest(r)
	if err != nil {
		return err
	}
	nv, err := x.svc.Applications.RemoveEvidence(r.Context(), a, id, v, fileID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, versionResponse{Version: nv})
}

// removeRequest reads what a file's DELETE names: the application {id}, the {file_id} and
// the version seen (?version=N).
func removeRequest(r *http.Request) (id, fileID, version int64, err error) {
	if id, err = pathID(r, "id"); err != nil {
		return
	}
	if fileID, err = pathID(r, "file_id"); err != nil {
		return
	}
	version, err = queryVersion(r)
	return
}

// queryVersion reads the version a DELETE names in its query (?version=N).
func queryVersion(r *http.Request) (int64, error) {
	var version *int64
	if s := r.URL.Query().Get("version"); s != "" {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			version = &v
		}
	}
	return requireVersion(version)
}

// slotFilesRequest names files of one slot in order (reorder, combine).
type slotFilesRequest struct {
	Version *int64  `json:"version"`
	Slot    string  `json:"slot"`
	FileIDs []int64 `json:"file_ids"`
}

func (in slotFilesRequest) check() (int64, error) {
	v, err := requireVersion(in.Version)
	if err != nil {
		return 0, err
	}
	if strings.TrimSpace(in.Slot) == "" {
		return 0, model.Invalid("slot", "缺少 slot", "slot 为上传项的 key（见申报的 slots）")
	}
	return v, nil
}

func (x *API) applicationReorder(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in slotFilesRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := in.check()
	if err != nil {
		return err
	}
	nv, err := x.svc.Applications.Reorder(r.Context(), a, id, v, in.Slot, in.FileIDs)
	if err != nil {
		return renameField(err, "order", "file_ids")
	}
	return writeJSON(w, http.StatusOK, versionResponse{Version: nv})
}

func (x *API) applicationCombine(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in slotFilesRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := in.check()
	if err != nil {
		return err
	}
	ev, nv, err := x.svc.Applications.Combine(r.Context(), a, id, v, in.Slot, in.FileIDs)
	if err != nil {
		return renameField(err, "ids", "file_ids")
	}
	return x.writeUploaded(w, r, a, ev, nv)
}

func (x *API) applicationFile(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	fileID, err := pathID(r, "file_id")
	if err != nil {
		return err
	}
	ev, rc, err := x.svc.Applications.File(r.Context(), a, id, fileID)
	if err != nil {
		return err
	}
	defer rc.Close()
	ctype := "application/octet-stream"
	switch evidence.Kind(ev.Kind) {
	case evidence.PDF, evidence.JPEG:
		ctype = ev.Kind
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.FormatInt(ev.Size, 10))
	disposition := mime.FormatMediaType("inline", map[string]string{"filename": ev.Name})
	if disposition == "" {
		disposition = "inline"
	}
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	io.Copy(w, rc) // a failed copy means the client went away: nothing left to tell it
	return nil
}
