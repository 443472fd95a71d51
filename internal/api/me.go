package api

import (
	"net/http"

	"zhicheng/internal/model"
)

// orgRef names an organisation inside another response.
type orgRef struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	KindLabel string `json:"kind_label"`
}

// meResponse is the caller, with the ID number and phone masked; the e-mail address is in
// clear because it is the caller's own and they set it here ("" when none).
type meResponse struct {
	ID             int64    `json:"id"`
	Username       string   `json:"username"`
	Name           string   `json:"name"`
	IDNumberMasked string   `json:"id_number_masked"`
	PhoneMasked    string   `json:"phone_masked"`
	Email          string   `json:"email"`
	Org            orgRef   `json:"org"`
	Roles          []string `json:"roles"`
}

func roleNames(rs []model.Role) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, string(r))
	}
	return out
}

func (x *API) me(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	u, err := x.svc.Accounts.User(r.Context(), a, a.UserID)
	if err != nil {
		return err
	}
	email, err := x.svc.Accounts.Email(r.Context(), a)
	if err != nil {
		return err
	}
	o, err := x.svc.Orgs.Get(r.Context(), a, u.OrgID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, meResponse{
		ID: u.ID, Username: u.Username, Name: u.Name,
		IDNumberMasked: u.IDNumberMasked, PhoneMasked: u.PhoneMasked, Email: email,
		Org:   orgRef{ID: o.ID, Name: o.Name, Kind: string(o.Kind), KindLabel: o.Kind.Label()},
		Roles: roleNames(u.Roles),
	})
}

// meEmailRequest sets the caller's e-mail address; "" removes it. The field is required,
// so that a body of {} does not silently remove the address.
type meEmailRequest struct {
	Email *string `json:"email"`
}

// meEmail changes the caller's own address (there is no way to name another account) and
// answers with the caller as /me does.
func (x *API) meEmail(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	var in meEmailRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Email == nil {
		return model.Invalid("email", "缺少 email 字段", `请发送 {"email": "邮箱地址"}；删除邮箱请发送空字符串`)
	}
	if err := x.svc.Accounts.SetEmail(r.Context(), a, *in.Email); err != nil {
		return err
	}
	return x.me(w, r, a)
}
