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

// meResponse is the caller, with personal data masked only.
type meResponse struct {
	ID             int64    `json:"id"`
	Username       string   `json:"username"`
	Name           string   `json:"name"`
	IDNumberMasked string   `json:"id_number_masked"`
	PhoneMasked    string   `json:"phone_masked"`
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
	o, err := x.svc.Orgs.Get(r.Context(), a, u.OrgID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, meResponse{
		ID: u.ID, Username: u.Username, Name: u.Name,
		IDNumberMasked: u.IDNumberMasked, PhoneMasked: u.PhoneMasked,
		Org:   orgRef{ID: o.ID, Name: o.Name, Kind: string(o.Kind), KindLabel: o.Kind.Label()},
		Roles: roleNames(u.Roles),
	})
}
