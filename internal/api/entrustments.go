package api

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"zhicheng/internal/authz"
	"zhicheng/internal/evidence"
	"zhicheng/internal/model"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
)

// Entrustment letters (委托函, R-ELG-05): a central unit without its own review authority
// uploads one per plan; the office approves or refuses it.

var entrustStatusLabels = map[string]string{
	store.EntrustPending:  "待审核",
	store.EntrustApproved: "已批准",
	store.EntrustRefused:  "不予批准",
}

type entrustmentResponse struct {
	ID             int64   `json:"id"`
	OrgID          int64   `json:"org_id"`
	PlanID         int64   `json:"plan_id"`
	Status         string  `json:"status"`
	StatusLabel    string  `json:"status_label"`
	LetterName     string  `json:"letter_name"`
	LetterSize     int64   `json:"letter_size"`
	LetterSHA256   string  `json:"letter_sha256"`
	LetterURL      string  `json:"letter_url"`
	Note           string  `json:"note"`
	SubmittedAt    string  `json:"submitted_at"`
	DecidedAt      *string `json:"decided_at"`
	DecisionReason string  `json:"decision_reason"`
	Version        int64   `json:"version"`
}

func entrustmentJSON(e store.Entrustment) entrustmentResponse {
	return entrustmentResponse{
		ID: e.ID, OrgID: e.OrgID, PlanID: e.PlanID, Status: e.Status, StatusLabel: entrustStatusLabels[e.Status],
		LetterName: e.LetterName, LetterSize: e.LetterSize, LetterSHA256: e.LetterSHA256,
		LetterURL: "/api/v1/entrustments/" + strconv.FormatInt(e.ID, 10) + "/letter", Note: e.Note,
		SubmittedAt: utc(e.Submitted), DecidedAt: utcOrNil(e.Decided), DecisionReason: e.DecisionReason, Version: e.Version,
	}
}

type entrustmentListResponse struct {
	Entrustments []entrustmentResponse `json:"entrustments"`
}

func (x *API) entrustmentList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	res := entrustmentListResponse{Entrustments: []entrustmentResponse{}}
	// The office sees every letter and a unit's reviewers their own; any other account has
	// none to see. The route is open to every account so that an integration can ask
	// without knowing its roles, which is why this answers an empty list rather than 403.
	if !authz.Allowed(a, authz.ManagePlans) && !authz.Allowed(a, authz.Entrust) {
		return writeJSON(w, http.StatusOK, res)
	}
	es, err := x.svc.Entrustments.List(r.Context(), a)
	if err != nil {
		return err
	}
	for _, e := range es {
		res.Entrustments = append(res.Entrustments, entrustmentJSON(e))
	}
	return writeJSON(w, http.StatusOK, res)
}

// entrustment finds one letter in what the caller may list.
func (x *API) entrustment(r *http.Request, a model.Actor, id int64) (store.Entrustment, error) {
	es, err := x.svc.Entrustments.List(r.Context(), a)
	if err != nil {
		return store.Entrustment{}, err
	}
	for _, e := range es {
		if e.ID == id {
			return e, nil
		}
	}
	return store.Entrustment{}, fmt.Errorf("entrustment %d: %w", id, model.ErrNotFound)
}

const (
	// uploadOverhead is what a multipart body may carry besides the file: boundaries,
	// headers, plan_id and note.
	uploadOverhead = 64 << 10
	maxNoteBytes   = 4 << 10
)

func tooLarge() error {
	return &model.Error{Kind: model.KindInvalid, Rule: "R-APP-01", Field: "file",
		Message: fmt.Sprintf("上传内容超过 %d MB 上限", evidence.MaxSize>>20),
		Fix:     "请上传 JPG、JPEG 或 PDF 格式、不超过 2 MB 的清晰文件；多张图片可合并为一个 PDF"}
}

// multipartError explains a body that cannot be read as the form.
func multipartError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge()
	}
	return &model.Error{Kind: model.KindInvalid, Message: "请求体不是有效的 multipart/form-data：" + err.Error(),
		Fix: "请以 multipart/form-data 提交 plan_id、note 和文件 file"}
}

// readField reads a small form field, refusing one longer than max bytes.
func readField(p io.Reader, name string, max int64) (string, error) {
	b, err := io.ReadAll(io.LimitReader(p, max+1))
	if err != nil {
		return "", multipartError(err)
	}
	if int64(len(b)) > max {
		return "", model.Invalid(name, fmt.Sprintf("字段 %s 过长", name), fmt.Sprintf("不超过 %d 字节", max))
	}
	return string(b), nil
}

func (x *API) entrustmentSubmit(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	r.Body = http.MaxBytesReader(w, r.Body, evidence.MaxSize+uploadOverhead)
	mr, err := r.MultipartReader()
	if err != nil {
		return multipartError(err)
	}
	var (
		planText, note, name string
		data                 []byte
		haveFile             bool
	)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return multipartError(err)
		}
		switch part.FormName() {
		case "plan_id":
			if planText, err = readField(part, "plan_id", 32); err != nil {
				return err
			}
		case "note":
			if note, err = readField(part, "note", maxNoteBytes); err != nil {
				return err
			}
		case "file":
			// At most one byte more than allowed: enough for the service to refuse the size
			// (R-APP-01) without holding more in memory.
			name, haveFile = part.FileName(), true
			if data, err = io.ReadAll(io.LimitReader(part, evidence.MaxSize+1)); err != nil {
				return multipartError(err)
			}
		default:
			return model.Invalid(part.FormName(), "未知的表单字段“"+part.FormName()+"”", "只接受 plan_id、note 和 file")
		}
		part.Close()
	}
	var errs model.Errors
	planID, err := strconv.ParseInt(strings.TrimSpace(planText), 10, 64)
	if err != nil || planID <= 0 {
		errs = append(errs, model.Invalid("plan_id", "请选择评审计划", "plan_id 为评审计划编号（见 GET /api/v1/plans）"))
	}
	if !haveFile {
		errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-APP-01", Field: "file", Message: "请上传委托函",
			Fix: "以表单字段 file 上传加盖公章的委托函（JPG、JPEG 或 PDF，不超过 2 MB）"})
	}
	if len(errs) > 0 {
		return errs
	}
	id, err := x.svc.Entrustments.Submit(r.Context(), a, planID, service.Letter{Name: name, Data: data}, note)
	if err != nil {
		return err
	}
	e, err := x.entrustment(r, a, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, entrustmentJSON(e))
}

// entrustmentDecisionRequest approves or refuses a pending letter (a refusal needs a reason).
type entrustmentDecisionRequest struct {
	Approve *bool  `json:"approve"`
	Reason  string `json:"reason"`
	Version *int64 `json:"version"`
}

func (x *API) entrustmentDecide(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in entrustmentDecisionRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Approve == nil {
		return model.Invalid("approve", "请选择是否批准", "approve 为 true（批准）或 false（不予批准，须写明 reason）")
	}
	v, err := requireVersion(in.Version)
	if err != nil {
		return err
	}
	if err := x.svc.Entrustments.Decide(r.Context(), a, id, v, *in.Approve, in.Reason); err != nil {
		return err
	}
	e, err := x.entrustment(r, a, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, entrustmentJSON(e))
}

func (x *API) entrustmentLetter(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, rc, err := x.svc.Entrustments.Letter(r.Context(), a, id)
	if err != nil {
		return err
	}
	defer rc.Close()
	br := bufio.NewReader(rc)
	head, _ := br.Peek(8)
	ctype := "application/octet-stream"
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		ctype = string(evidence.PDF)
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		ctype = string(evidence.JPEG)
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.FormatInt(e.LetterSize, 10))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": e.LetterName}))
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	io.Copy(w, br) // a failed copy means the client went away: nothing left to tell it
	return nil
}
