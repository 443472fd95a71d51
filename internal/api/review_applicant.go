package api

import (
	"net/http"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
)

// The applicant's side of the procedure: where the application is and what happened to it
// (R-APP-08, R-FLOW-12), who looked at the evidence (R-SEC-01), and the applicant's own steps
// (withdraw before the unit acts, resubmit after a return, R-APP-05). Another person's
// application answers 404 (R-ORG-02).

// stepJSON is one step of the application's history.
type stepJSON struct {
	At      string `json:"at"`
	Label   string `json:"label"`
	From    string `json:"from"`
	To      string `json:"to"`
	ToLabel string `json:"to_label"`
	OrgName string `json:"org_name"`
	Reason  string `json:"reason"`
}

// appStatusResponse is the procedure's state as the applicant reads it.
type appStatusResponse struct {
	ID              int64          `json:"id"`
	Status          string         `json:"status"`
	StatusLabel     string         `json:"status_label"`
	Holder          string         `json:"holder"`
	Level           int            `json:"level"`
	Chain           []string       `json:"chain"`
	PublicityEnd    *string        `json:"publicity_end"`
	DeptReturns     int            `json:"dept_returns"`
	DeptReturnLimit int            `json:"dept_return_limit"`
	Steps           []stepJSON     `json:"steps"`
	Returned        *returnJSON    `json:"returned"`
	Returns         []returnJSON   `json:"returns"`
	OriginalsWanted *originalsJSON `json:"originals_wanted"`
}

func appStatusJSON(id int64, s service.AppStatus) appStatusResponse {
	res := appStatusResponse{ID: id, Status: string(s.Status), StatusLabel: s.StatusLabel, Holder: s.Holder, Level: s.Level,
		Chain: nonNil(s.Chain), PublicityEnd: utcOrNil(s.PublicityEnds), DeptReturns: s.DeptReturns, DeptReturnLimit: s.DeptReturnLimit,
		Steps: make([]stepJSON, 0, len(s.Steps)), Returns: returnsJSON(s.Returns)}
	for _, st := range s.Steps {
		res.Steps = append(res.Steps, stepJSON{At: utc(st.At), Label: st.Label, From: string(st.From), To: string(st.To), ToLabel: st.To.Label(),
			OrgName: st.OrgName, Reason: st.Reason})
	}
	if s.Returned != nil {
		r := returnOf(*s.Returned)
		res.Returned = &r
	}
	if s.OriginalsWanted != nil {
		o := originalsOf(*s.OriginalsWanted)
		res.OriginalsWanted = &o
	}
	return res
}

func (x *API) applicationStatus(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	s, err := x.svc.Review.Status(r.Context(), a, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, appStatusJSON(id, s))
}

// accessJSON is one look at the application's evidence by a reviewer.
type accessJSON struct {
	At       string   `json:"at"`
	Kind     string   `json:"kind"`
	FileID   int64    `json:"file_id"`
	FileName string   `json:"file_name"`
	Slot     string   `json:"slot"`
	UserName string   `json:"user_name"`
	Org      namedOrg `json:"org"`
}

type accessLogResponse struct {
	Accesses []accessJSON `json:"accesses"`
}

func (x *API) applicationAccessLog(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	log, err := x.svc.Review.AccessLog(r.Context(), a, id)
	if err != nil {
		return err
	}
	res := accessLogResponse{Accesses: make([]accessJSON, 0, len(log))}
	for _, e := range log {
		res.Accesses = append(res.Accesses, accessJSON{At: utc(e.At), Kind: e.Kind, FileID: e.EvidenceID, FileName: e.EvidenceName, Slot: e.Slot,
			UserName: e.UserName, Org: namedOrg{ID: e.OrgID, Name: e.OrgName}})
	}
	return writeJSON(w, http.StatusOK, res)
}

// applicantStep runs one of the applicant's own steps, which take only the version.
func (x *API) applicantStep(w http.ResponseWriter, r *http.Request, a model.Actor, action rules.Action,
	do func(a model.Actor, id, v int64) (service.Outcome, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in submitRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := requireVersion(in.Version)
	if err != nil {
		return err
	}
	out, err := do(a, id, v)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, outcomeJSON(action, out))
}

func (x *API) applicationResubmit(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return x.applicantStep(w, r, a, rules.ActResubmit, func(a model.Actor, id, v int64) (service.Outcome, error) {
		return x.svc.Review.Resubmit(r.Context(), a, id, v)
	})
}

func (x *API) applicationWithdraw(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return x.applicantStep(w, r, a, rules.ActWithdraw, func(a model.Actor, id, v int64) (service.Outcome, error) {
		return x.svc.Review.Withdraw(r.Context(), a, id, v)
	})
}
