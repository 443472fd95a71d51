package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

// auditEventResponse is one entry of the audit chain, with everything needed to recompute
// its hash outside the system.
type auditEventResponse struct {
	ID         int64           `json:"id"`
	At         string          `json:"at"`
	ActorID    *int64          `json:"actor_id"`
	ActorName  string          `json:"actor_name"`
	OrgID      *int64          `json:"org_id"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   int64           `json:"object_id"`
	FromState  string          `json:"from_state"`
	ToState    string          `json:"to_state"`
	Reason     string          `json:"reason"`
	Detail     json.RawMessage `json:"detail"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func auditJSON(e model.AuditEvent) auditEventResponse {
	// Detail is JSON written by the services; anything else (or nothing) is passed on as a
	// JSON string or null rather than breaking the response.
	detail := json.RawMessage("null")
	if d := strings.TrimSpace(e.Detail); d != "" {
		if json.Valid([]byte(d)) {
			detail = json.RawMessage(d)
		} else if b, err := json.Marshal(d); err == nil {
			detail = b
		}
	}
	return auditEventResponse{
		ID: e.ID, At: utc(e.At), ActorID: optionalID(e.ActorID), ActorName: e.ActorName, OrgID: optionalID(e.OrgID),
		Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID, FromState: e.FromState, ToState: e.ToState,
		Reason: e.Reason, Detail: detail, PrevHash: e.PrevHash, Hash: e.Hash,
	}
}

type auditListResponse struct {
	Events []auditEventResponse `json:"events"`
	// NextBefore is the "before" value of the next (older) page; null on the last page.
	NextBefore *int64 `json:"next_before"`
}

const (
	auditDefaultLimit = 100
	auditMaxLimit     = 500
)

// auditFilter reads the query; every bad parameter is reported at once.
func auditFilter(r *http.Request) (store.AuditFilter, error) {
	q := r.URL.Query()
	f := store.AuditFilter{Limit: auditDefaultLimit, ObjectType: strings.TrimSpace(q.Get("object_type"))}
	var errs model.Errors
	positive := func(name string, max int64) int64 {
		s := q.Get(name)
		if s == "" {
			return 0
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v <= 0 || (max > 0 && v > max) {
			fix := "请填写正整数"
			if max > 0 {
				fix = "请填写 1–" + strconv.FormatInt(max, 10) + " 之间的整数"
			}
			errs = append(errs, model.Invalid(name, "查询参数 "+name+" 无效："+s, fix))
			return 0
		}
		return v
	}
	f.BeforeID = positive("before", 0)
	f.ObjectID = positive("object_id", 0)
	if l := positive("limit", auditMaxLimit); l > 0 {
		f.Limit = int(l)
	}
	if f.ObjectID != 0 && f.ObjectType == "" {
		errs = append(errs, model.Invalid("object_type", "按 object_id 查询时须同时给出 object_type", "例如 object_type=user&object_id=12"))
	}
	return f, errs.Err()
}

func (x *API) auditList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	events, err := x.svc.Audit.List(r.Context(), a, f)
	if err != nil {
		return err
	}
	res := auditListResponse{Events: make([]auditEventResponse, 0, len(events))}
	for _, e := range events {
		res.Events = append(res.Events, auditJSON(e))
	}
	if len(events) == f.Limit {
		next := events[len(events)-1].ID
		res.NextBefore = &next
	}
	return writeJSON(w, http.StatusOK, res)
}

type auditHeadResponse struct {
	LastID   int64  `json:"last_id"`
	LastHash string `json:"last_hash"`
}

type auditProblemResponse struct {
	ID      int64  `json:"id"`
	Message string `json:"message"`
}

type auditVerifyResponse struct {
	Rows     int64                  `json:"rows"`
	Head     auditHeadResponse      `json:"head"`
	OK       bool                   `json:"ok"`
	Problems []auditProblemResponse `json:"problems"`
}

func (x *API) auditVerify(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	v, err := x.svc.Audit.Verify(r.Context(), a)
	if err != nil {
		return err
	}
	res := auditVerifyResponse{
		Rows: v.Rows, Head: auditHeadResponse{LastID: v.Head.LastID, LastHash: v.Head.LastHash},
		OK: len(v.Problems) == 0, Problems: make([]auditProblemResponse, 0, len(v.Problems)),
	}
	for _, p := range v.Problems {
		res.Problems = append(res.Problems, auditProblemResponse{ID: p.ID, Message: p.Message})
	}
	return writeJSON(w, http.StatusOK, res)
}
