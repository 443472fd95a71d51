package api

import (
	"net/http"

	"zhicheng/internal/model"
	"zhicheng/internal/service"
)

// The test-period reset (R-CAL-03): the office previews what it would purge, then its
// review leader executes it, once, after the test period.

type resetCountJSON struct {
	Label string `json:"label"`
	N     int    `json:"n"`
}

func resetCounts(cs []service.ResetCount) []resetCountJSON {
	out := make([]resetCountJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, resetCountJSON{Label: c.Label, N: c.N})
	}
	return out
}

type resetPreviewResponse struct {
	PlanID     int64            `json:"plan_id"`
	TestWindow *windowResponse  `json:"test_window"`
	Counts     []resetCountJSON `json:"counts"`
	Ready      bool             `json:"ready"`
	// Reason says why the reset may not run now (null when ready), with its rule.
	Reason  *string `json:"reason"`
	Rule    *string `json:"rule"`
	ResetAt *string `json:"reset_at"`
}

func (x *API) resetPreview(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pv, err := x.svc.Reset.Preview(r.Context(), a, id)
	if err != nil {
		return err
	}
	res := resetPreviewResponse{PlanID: pv.Plan.ID, Counts: resetCounts(pv.Counts), Ready: pv.Ready == nil, ResetAt: utcOrNil(pv.Plan.ResetAt)}
	if _, ok := pv.Plan.Window(model.WindowTest); ok {
		tw := windowJSON(pv.Test, x.now())
		res.TestWindow = &tw
	}
	if pv.Ready != nil {
		msg := errMessage(pv.Ready)
		res.Reason = &msg
		if e, ok := model.AsError(pv.Ready); ok && e.Rule != "" {
			rule := e.Rule
			res.Rule = &rule
		}
	}
	return writeJSON(w, http.StatusOK, res)
}

type resetDoneResponse struct {
	PlanID int64            `json:"plan_id"`
	Done   []resetCountJSON `json:"done"`
}

func (x *API) resetExecute(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	done, err := x.svc.Reset.Execute(r.Context(), a, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, resetDoneResponse{PlanID: id, Done: resetCounts(done)})
}
