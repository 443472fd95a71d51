package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"zhicheng/internal/model"
)

// status maps an error to its HTTP status; an error without a Kind is an internal failure.
func status(err error) int {
	// A client that went away mid-request (a phone losing signal during an upload) is not a
	// server failure: answer 400 and log it as a refusal, not an error.
	if errors.Is(err, context.Canceled) || errors.Is(err, io.ErrUnexpectedEOF) {
		return http.StatusBadRequest
	}
	var es model.Errors
	if errors.As(err, &es) {
		return http.StatusUnprocessableEntity
	}
	switch model.KindOf(err) {
	case model.KindInvalid:
		return http.StatusUnprocessableEntity
	case model.KindNotFound:
		return http.StatusNotFound
	case model.KindForbidden, model.KindClosed:
		return http.StatusForbidden
	case model.KindUnauthenticated:
		return http.StatusUnauthorized
	case model.KindConflict:
		return http.StatusConflict
	case model.KindTooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// userErrors lists the refusals in err for display; an internal error becomes one generic
// message, its details going to the log only.
func userErrors(err error) []*model.Error {
	var es model.Errors
	if errors.As(err, &es) {
		return es
	}
	if e, ok := model.AsError(err); ok {
		return []*model.Error{e}
	}
	return []*model.Error{{Message: "系统内部错误，请稍后重试；如持续出现请联系管理员"}}
}

// apiError is the JSON shape of every API error.
type apiError struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Details []apiProblem `json:"details,omitempty"`
}

type apiProblem struct {
	Rule    string `json:"rule,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	st := status(err)
	s.logError(r, st, err)
	code := string(model.KindOf(err))
	var es model.Errors
	if errors.As(err, &es) {
		code = string(model.KindInvalid)
	}
	if code == "" {
		code = "internal"
	}
	body := apiError{Code: code}
	for _, e := range userErrors(err) {
		body.Details = append(body.Details, apiProblem{Rule: e.Rule, Field: e.Field, Message: e.Message, Fix: e.Fix})
	}
	body.Message = body.Details[0].Message
	if len(body.Details) > 1 {
		body.Message = "提交的内容有多处问题，详见 details"
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(st)
	json.NewEncoder(w).Encode(map[string]any{"error": body})
}

func (s *Server) logError(r *http.Request, st int, err error) {
	if st >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", st, "err", err)
	} else {
		s.log.Info("request refused", "method", r.Method, "path", r.URL.Path, "status", st, "kind", model.KindOf(err))
	}
}

// errorPage renders a full-page error for HTML requests.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, a model.Actor, err error) {
	st := status(err)
	s.logError(r, st, err)
	if st == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	title := map[int]string{400: "请求无效", 401: "请先登录", 403: "无权访问", 404: "页面不存在", 409: "内容已被修改", 422: "填写有误", 429: "操作过于频繁"}[st]
	if title == "" {
		title = "系统错误"
	}
	s.render(w, r, st, "error.html", &errorData{Page: s.page(r, a, title), Status: st, Errors: userErrors(err)})
}

type errorData struct {
	Page
	Status int
	Errors []*model.Error
}
