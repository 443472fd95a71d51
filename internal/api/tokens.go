package api

import (
	"net/http"

	"zhicheng/internal/model"
)

// tokenResponse describes an API token; the token itself is never shown again.
type tokenResponse struct {
	ID         int64   `json:"id"`
	Name       string  `json:"name"`
	CreatedAt  string  `json:"created_at"`
	ExpiresAt  string  `json:"expires_at"`
	LastUsedAt *string `json:"last_used_at"`
	Revoked    bool    `json:"revoked"`
}

type tokenListResponse struct {
	Tokens []tokenResponse `json:"tokens"`
}

func (x *API) tokenList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	ts, err := x.svc.Accounts.Tokens(r.Context(), a)
	if err != nil {
		return err
	}
	res := tokenListResponse{Tokens: make([]tokenResponse, 0, len(ts))}
	for _, t := range ts {
		res.Tokens = append(res.Tokens, tokenResponse{
			ID: t.ID, Name: t.Name, CreatedAt: utc(t.Created), ExpiresAt: utc(t.Expires),
			LastUsedAt: utcOrNil(t.LastUsed), Revoked: t.Revoked,
		})
	}
	return writeJSON(w, http.StatusOK, res)
}

// tokenCreateRequest asks for a token valid for days.
type tokenCreateRequest struct {
	Name string `json:"name"`
	Days int    `json:"days"`
}

// tokenCreatedResponse carries the plain token, shown this once only.
type tokenCreatedResponse struct {
	ID    int64  `json:"id"`
	Token string `json:"token"`
}

func (x *API) tokenCreate(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	var in tokenCreateRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	id, token, err := x.svc.Accounts.CreateToken(r.Context(), a, in.Name, in.Days)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, tokenCreatedResponse{ID: id, Token: token})
}

func (x *API) tokenRevoke(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := x.svc.Accounts.RevokeToken(r.Context(), a, id); err != nil {
		return err
	}
	return noContent(w)
}
