package api

import (
	"net/http"
	"strconv"

	"zhicheng/internal/model"
	"zhicheng/internal/service"
)

// The public unit publicity (R-FLOW-01, R-PUB-02): anyone may read who is in publicity for a
// plan — name, unit, level, specialty and the period, never an ID number, phone or evidence —
// and object to one of them. The contact an objector leaves is shown to the unit only.

type publicityRowJSON struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Unit      string `json:"unit"`
	Level     string `json:"level"`
	Specialty string `json:"specialty"`
	Scope     string `json:"scope"`
	Start     string `json:"start"`
	End       string `json:"end"`
}

type publicityResponse struct {
	PlanID       int64              `json:"plan_id"`
	Applications []publicityRowJSON `json:"applications"`
}

func (x *API) publicityList(w http.ResponseWriter, r *http.Request, _ model.Actor) error {
	planID, err := strconv.ParseInt(r.URL.Query().Get("plan_id"), 10, 64)
	if err != nil || planID <= 0 {
		return model.Invalid("plan_id", "请指明评审计划", "plan_id 为评审计划编号（见 GET /api/v1/plans）")
	}
	rows, err := x.svc.Review.Publicity(r.Context(), planID)
	if err != nil {
		return err
	}
	res := publicityResponse{PlanID: planID, Applications: make([]publicityRowJSON, 0, len(rows))}
	for _, p := range rows {
		res.Applications = append(res.Applications, publicityRowJSON{ID: p.ID, Name: p.Name, Unit: p.Unit, Level: p.Level,
			Specialty: p.Specialty, Scope: p.Scope, Start: utc(p.Start), End: utc(p.End)})
	}
	return writeJSON(w, http.StatusOK, res)
}

type objectionRequest struct {
	Text    string `json:"text"`
	Contact string `json:"contact"`
}

func (x *API) publicityObject(w http.ResponseWriter, r *http.Request, _ model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return service.NotInPublicity(0)
	}
	var in objectionRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	// Any application not on the list, existing or not, is service.NotInPublicity.
	oid, err := x.svc.Review.FileObjection(r.Context(), id, in.Text, in.Contact)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, idResponse{ID: oid})
}
