package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
)

// The blacklist (R-ELG-04, R-FLOW-11): people barred from applying until their term ends.
// ID numbers are only ever shown masked (R-SEC-01).

type blacklistEntryResponse struct {
	ID             int64  `json:"id"`
	IDNumberMasked string `json:"id_number_masked"`
	Name           string `json:"name"`
	Reason         string `json:"reason"`
	Source         string `json:"source"`
	PlanID         *int64 `json:"plan_id"`
	OrgID          *int64 `json:"org_id"`
	Start          string `json:"start"`
	Until          string `json:"until"`
	// UntilDate is the Shanghai date of Until, the date the registration refusal names.
	UntilDate  string  `json:"until_date"`
	InForce    bool    `json:"in_force"`
	LiftedAt   *string `json:"lifted_at"`
	LiftReason string  `json:"lift_reason"`
	CreatedAt  string  `json:"created_at"`
}

func blacklistJSON(e store.BlacklistEntry, now time.Time) blacklistEntryResponse {
	return blacklistEntryResponse{
		ID: e.ID, IDNumberMasked: e.IDNumberMasked, Name: e.Name, Reason: e.Reason, Source: e.Source,
		PlanID: optionalID(e.PlanID), OrgID: optionalID(e.OrgID), Start: utc(e.Start), Until: utc(e.Until),
		UntilDate: rules.FromTime(e.LastDay()).String(), InForce: e.Lifted.IsZero() && now.Before(e.Until),
		LiftedAt: utcOrNil(e.Lifted), LiftReason: e.LiftReason, CreatedAt: utc(e.Created),
	}
}

type blacklistResponse struct {
	Entries []blacklistEntryResponse `json:"entries"`
}

func (x *API) blacklistList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	es, err := x.svc.Blacklist.List(r.Context(), a)
	if err != nil {
		return err
	}
	now := x.now()
	res := blacklistResponse{Entries: make([]blacklistEntryResponse, 0, len(es))}
	for _, e := range es {
		res.Entries = append(res.Entries, blacklistJSON(e, now))
	}
	return writeJSON(w, http.StatusOK, res)
}

// blacklistAddRequest is a new entry. start is the date of the decision (YYYY-MM-DD, read in
// Shanghai) or an RFC 3339 instant, default now; years defaults to the plan's term.
type blacklistAddRequest struct {
	IDNumber string `json:"id_number"`
	Name     string `json:"name"`
	Reason   string `json:"reason"`
	Source   string `json:"source"`
	PlanID   int64  `json:"plan_id"`
	OrgID    int64  `json:"org_id"`
	Start    string `json:"start"`
	Years    int    `json:"years"`
}

// instantOrDate reads a YYYY-MM-DD date (as its 00:00 in Shanghai) or an RFC 3339 instant.
func instantOrDate(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := rules.ParseDate(s); err == nil {
		return d.Time(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, model.Invalid(field, fmt.Sprintf("时间“%s”格式不正确", s), "请填写日期 YYYY-MM-DD（如 2024-10-20），或带时区的 RFC 3339 时间")
	}
	return t, nil
}

func (x *API) blacklistAdd(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	var in blacklistAddRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	start, err := instantOrDate("start", in.Start)
	if err != nil {
		return err
	}
	id, err := x.svc.Blacklist.Add(r.Context(), a, service.BlacklistInput{
		IDNumber: strings.TrimSpace(in.IDNumber), Name: in.Name, Reason: in.Reason, Source: in.Source,
		PlanID: in.PlanID, OrgID: in.OrgID, Start: start, Years: in.Years,
	})
	if err != nil {
		return err
	}
	// No Location: entries are read in the list, not one by one.
	return writeJSON(w, http.StatusCreated, idResponse{ID: id})
}

// blacklistLiftRequest ends an entry early, with the reason.
type blacklistLiftRequest struct {
	Reason string `json:"reason"`
}

func (x *API) blacklistLift(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in blacklistLiftRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := x.svc.Blacklist.Lift(r.Context(), a, id, in.Reason); err != nil {
		return err
	}
	es, err := x.svc.Blacklist.List(r.Context(), a)
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.ID == id {
			return writeJSON(w, http.StatusOK, blacklistJSON(e, x.now()))
		}
	}
	return noContent(w)
}
