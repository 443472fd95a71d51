package web

import (
	"fmt"
	"net/http"
	"strconv"

	"zhicheng/internal/model"
)

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("path id %q: %w", r.PathValue("id"), model.ErrNotFound)
	}
	return id, nil
}

func formInt(r *http.Request, name string) int64 {
	v, _ := strconv.ParseInt(r.PostFormValue(name), 10, 64)
	return v
}

func formRoles(r *http.Request) []model.Role {
	r.ParseForm()
	var roles []model.Role
	for _, v := range r.PostForm["roles"] {
		roles = append(roles, model.Role(v))
	}
	return roles
}
