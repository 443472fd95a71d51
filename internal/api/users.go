package api

import (
	"fmt"
	"net/http"
	"strconv"

	"zhicheng/internal/model"
	"zhicheng/internal/service"
)

// userResponse is an account with its personal data masked (R-SEC-01).
type userResponse struct {
	ID             int64    `json:"id"`
	OrgID          int64    `json:"org_id"`
	Username       string   `json:"username"`
	Name           string   `json:"name"`
	IDNumberMasked string   `json:"id_number_masked"`
	PhoneMasked    string   `json:"phone_masked"`
	EmailMasked    string   `json:"email_masked"`
	Disabled       bool     `json:"disabled"`
	Roles          []string `json:"roles"`
	CreatedAt      string   `json:"created_at"`
	Version        int64    `json:"version"`
}

func userJSON(u model.User) userResponse {
	return userResponse{
		ID: u.ID, OrgID: u.OrgID, Username: u.Username, Name: u.Name,
		IDNumberMasked: u.IDNumberMasked, PhoneMasked: u.PhoneMasked, EmailMasked: u.EmailMasked, Disabled: u.Disabled,
		Roles: roleNames(u.Roles), CreatedAt: utc(u.Created), Version: u.Version,
	}
}

// orgAccountsResponse is the R-ORG-01 check of the caller's organisation.
type orgAccountsResponse struct {
	OK      bool     `json:"ok"`
	Missing []string `json:"missing"`
}

type userListResponse struct {
	Users       []userResponse      `json:"users"`
	OrgAccounts orgAccountsResponse `json:"org_accounts"`
}

func (x *API) userList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	users, check, err := x.svc.Accounts.OrgUsers(r.Context(), a)
	if err != nil {
		return err
	}
	res := userListResponse{Users: make([]userResponse, 0, len(users)), OrgAccounts: orgAccountsResponse{OK: check.OK, Missing: roleNames(check.Missing)}}
	for _, u := range users {
		res.Users = append(res.Users, userJSON(u))
	}
	return writeJSON(w, http.StatusOK, res)
}

// userCreateRequest is a new account. org_id defaults to the caller's organisation.
type userCreateRequest struct {
	OrgID    int64    `json:"org_id"`
	Username string   `json:"username"`
	Name     string   `json:"name"`
	IDNumber string   `json:"id_number"`
	Phone    string   `json:"phone"`
	Email    string   `json:"email"`
	Password string   `json:"password"`
	Roles    []string `json:"roles"`
}

func roles(names []string) []model.Role {
	out := make([]model.Role, 0, len(names))
	for _, n := range names {
		out = append(out, model.Role(n))
	}
	return out
}

func (x *API) userCreate(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	var in userCreateRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.OrgID == 0 {
		in.OrgID = a.OrgID
	}
	id, err := x.svc.Accounts.CreateUser(r.Context(), a, service.UserInput{
		OrgID: in.OrgID, Username: in.Username, Name: in.Name, IDNumber: in.IDNumber,
		Phone: in.Phone, Email: in.Email, Password: in.Password, Roles: roles(in.Roles),
	})
	if err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/users/"+strconv.FormatInt(id, 10), id)
}

// user reads an account of the caller's own organisation; any other is "not found".
func (x *API) user(r *http.Request, a model.Actor, id int64) (model.User, error) {
	u, err := x.svc.Accounts.User(r.Context(), a, id)
	if err != nil {
		return u, err
	}
	if u.OrgID != a.OrgID {
		return model.User{}, fmt.Errorf("user %d of another org: %w", id, model.ErrNotFound)
	}
	return u, nil
}

// writeUser answers with the account as it is now.
func (x *API) writeUser(w http.ResponseWriter, r *http.Request, a model.Actor, id int64) error {
	u, err := x.user(r, a, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, userJSON(u))
}

func (x *API) userShow(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return x.writeUser(w, r, a, id)
}

// userRolesRequest replaces an account's roles.
type userRolesRequest struct {
	Roles   []string `json:"roles"`
	Version *int64   `json:"version"`
}

func (x *API) userRoles(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in userRolesRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := requireVersion(in.Version)
	if err != nil {
		return err
	}
	if err := x.svc.Accounts.SetRoles(r.Context(), a, id, v, roles(in.Roles)); err != nil {
		return err
	}
	return x.writeUser(w, r, a, id)
}

// userPasswordRequest is a new password set by the administrator.
type userPasswordRequest struct {
	Password string `json:"password"`
}

func (x *API) userPassword(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in userPasswordRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := x.svc.Accounts.ResetPassword(r.Context(), a, id, in.Password); err != nil {
		return err
	}
	return noContent(w)
}

func (x *API) userDisable(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return x.setDisabled(w, r, a, true)
}

func (x *API) userEnable(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return x.setDisabled(w, r, a, false)
}

func (x *API) setDisabled(w http.ResponseWriter, r *http.Request, a model.Actor, disabled bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := x.svc.Accounts.SetDisabled(r.Context(), a, id, disabled); err != nil {
		return err
	}
	return x.writeUser(w, r, a, id)
}
