// Package api is the JSON API under /api/v1 over the same services as the HTML pages,
// for units' HR systems to integrate with and for tests to drive. Every route declares its
// permission; the web package mounts them behind the same authorization and session
// middleware as the pages, and turns errors into {"error": {code, message, ...}}.
package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/service"
)

// Handler serves one API route for an already-authorized actor.
type Handler func(w http.ResponseWriter, r *http.Request, a model.Actor) error

// Route is one API endpoint.
type Route struct {
	Method  string
	Pattern string // net/http pattern path, e.g. /api/v1/orgs/{id}
	Perm    authz.Permission
	Handler Handler
}

// API holds the handlers' dependencies.
type API struct {
	svc *service.Services
	// now is the clock for what the API computes itself at request time: the state of a
	// plan's windows and the default "today" of an eligibility check. The use cases keep
	// their own clock.
	now func() time.Time
}

// New returns the API over the services.
func New(svc *service.Services) *API { return &API{svc: svc, now: time.Now} }

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// decode reads a JSON body of at most 1 MiB into v, refusing unknown fields so that a
// typo in an integration is an error, not a silently ignored field.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &model.Error{Kind: model.KindInvalid, Message: "请求体不是有效的 JSON：" + err.Error(), Fix: "请按 /api/v1/openapi.json 中的格式发送"}
	}
	if dec.More() {
		return &model.Error{Kind: model.KindInvalid, Message: "请求体在 JSON 对象之后还有多余内容", Fix: "请求体只能是一个 JSON 对象"}
	}
	return nil
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("path %s %q: %w", name, r.PathValue(name), model.ErrNotFound)
	}
	return id, nil
}

// timeFormat is RFC 3339 in UTC with milliseconds, the precision the store keeps.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

// utc formats t for a response.
func utc(t time.Time) string { return t.UTC().Format(timeFormat) }

// utcOrNil is utc for times that may not have happened yet (zero: null).
func utcOrNil(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := utc(t)
	return &s
}

// idResponse answers a create.
type idResponse struct {
	ID int64 `json:"id"`
}

// writeCreated answers a create with 201, the new resource's address and its id.
func writeCreated(w http.ResponseWriter, location string, id int64) error {
	w.Header().Set("Location", location)
	return writeJSON(w, http.StatusCreated, idResponse{ID: id})
}

// noContent answers a change that has nothing to return.
func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// requireVersion refuses a change request without the version it was based on: optimistic
// concurrency only protects those who say which version they saw.
func requireVersion(v *int64) (int64, error) {
	if v == nil || *v <= 0 {
		return 0, model.Invalid("version", "缺少 version", "请先读取该记录，把其中的 version 原样提交；若已被他人修改会返回 409")
	}
	return *v, nil
}

// nonNil keeps empty lists as [] rather than null in responses.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
