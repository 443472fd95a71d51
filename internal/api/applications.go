package api

import (
	"errors"
	"net/http"
	"strconv"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
)

// The application (SPEC §4): an applicant creates a draft for a plan, fills the form, uploads
// evidence into the form's slots (application_files.go), runs the pre-submit check, signs the
// integrity pledge and submits. Every use case is the service's: it checks ownership (another
// person's application answers 404, never 403, R-ORG-02), the window (R-CAL-01, R-CAL-02),
// the version (R-APP-04) and the frozen state after submission (R-APP-05). Reviewers' views
// (duplicate-evidence hints among them) are not part of these routes: what is here is what the
// applicant may see.

func applicationPath(id int64) string { return "/api/v1/applications/" + strconv.FormatInt(id, 10) }

// planRef names a plan inside another response.
type planRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// applicationSummary is one line of the caller's applications.
type applicationSummary struct {
	ID          int64   `json:"id"`
	Plan        planRef `json:"plan"`
	Status      string  `json:"status"`
	StatusLabel string  `json:"status_label"`
	Version     int64   `json:"version"`
	Submissions int     `json:"submissions"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
	SubmittedAt *string `json:"submitted_at"`
}

type applicationListResponse struct {
	Applications []applicationSummary `json:"applications"`
}

func (x *API) applicationList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	apps, err := x.svc.Applications.Mine(r.Context(), a)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	res := applicationListResponse{Applications: make([]applicationSummary, 0, len(apps))}
	for _, app := range apps {
		name, ok := names[app.PlanID]
		if !ok {
			p, err := x.svc.Plans.Get(r.Context(), app.PlanID)
			if err != nil {
				return err
			}
			name, names[app.PlanID] = p.Name, p.Name
		}
		res.Applications = append(res.Applications, applicationSummary{
			ID: app.ID, Plan: planRef{ID: app.PlanID, Name: name},
			Status: string(app.Status), StatusLabel: app.Status.Label(), Version: app.Version, Submissions: app.Submissions,
			CreatedAt: utc(app.Created), UpdatedAt: utc(app.Updated), SubmittedAt: utcOrNil(app.Submitted),
		})
	}
	return writeJSON(w, http.StatusOK, res)
}

type applicationCreateRequest struct {
	PlanID int64 `json:"plan_id"`
}

func (x *API) applicationCreate(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	var in applicationCreateRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.PlanID <= 0 {
		return model.Invalid("plan_id", "请选择评审计划", "plan_id 为评审计划编号（见 GET /api/v1/plans）")
	}
	id, err := x.svc.Applications.Start(r.Context(), a, in.PlanID)
	if err != nil {
		return err
	}
	return writeCreated(w, applicationPath(id), id)
}

// pledgeJSON is a signed integrity pledge (R-APP-03).
type pledgeJSON struct {
	TextVersion string `json:"text_version"`
	SignedAt    string `json:"signed_at"`
	Signer      string `json:"signer"`
}

func pledgeOf(p *model.Pledge) *pledgeJSON {
	if p == nil {
		return nil
	}
	return &pledgeJSON{TextVersion: p.TextVersion, SignedAt: utc(p.SignedAt), Signer: p.SignerName}
}

// evidenceJSON is one uploaded file.
type evidenceJSON struct {
	ID        int64   `json:"id"`
	Slot      string  `json:"slot"`
	Name      string  `json:"name"`
	Kind      string  `json:"kind"`
	Size      int64   `json:"size"`
	Pages     int     `json:"pages"`
	SHA256    string  `json:"sha256"`
	CreatedAt *string `json:"created_at"`
	URL       string  `json:"url"`
}

func evidenceOf(e store.Evidence) evidenceJSON {
	return evidenceJSON{ID: e.ID, Slot: e.Slot, Name: e.Name, Kind: e.Kind, Size: e.Size, Pages: e.Pages, SHA256: e.SHA256,
		CreatedAt: utcOrNil(e.Created), URL: applicationPath(e.ApplicationID) + "/files/" + strconv.FormatInt(e.ID, 10)}
}

// slotJSON is one upload place of the form with its files in order.
type slotJSON struct {
	Key      string         `json:"key"`
	Label    string         `json:"label"`
	Hint     string         `json:"hint"`
	Required bool           `json:"required"`
	Multi    bool           `json:"multi"`
	Module   int            `json:"module"`
	ByUnit   bool           `json:"by_unit"` // the applying unit uploads it while it reviews (R-FLOW-01)
	Files    []evidenceJSON `json:"files"`
}

// applicationResponse is the whole application as its applicant sees it.
type applicationResponse struct {
	ID          int64       `json:"id"`
	PlanID      int64       `json:"plan_id"`
	PlanName    string      `json:"plan_name"`
	Status      string      `json:"status"`
	StatusLabel string      `json:"status_label"`
	Version     int64       `json:"version"`
	Submissions int         `json:"submissions"`
	CreatedAt   string      `json:"created_at"`
	UpdatedAt   string      `json:"updated_at"`
	SubmittedAt *string     `json:"submitted_at"`
	Pledge      *pledgeJSON `json:"pledge"`
	Form        model.Form  `json:"form"`
	Slots       []slotJSON  `json:"slots"`
	// UnlinkedFiles are live files whose slot the form no longer has (say, of a paper taken
	// off the form): they count for nothing and may be deleted.
	UnlinkedFiles []evidenceJSON `json:"unlinked_files"`
}

func applicationJSON(v service.View) applicationResponse {
	app := v.App
	res := applicationResponse{
		ID: app.ID, PlanID: app.PlanID, PlanName: v.Plan.Name, Status: string(app.Status), StatusLabel: app.Status.Label(),
		Version: app.Version, Submissions: app.Submissions, CreatedAt: utc(app.Created), UpdatedAt: utc(app.Updated),
		SubmittedAt: utcOrNil(app.Submitted), Pledge: pledgeOf(app.Pledge), Form: app.Form,
		Slots: make([]slotJSON, 0, len(v.Slots)), UnlinkedFiles: []evidenceJSON{},
	}
	known := map[string]bool{}
	for _, s := range v.Slots {
		known[s.Key] = true
		sj := slotJSON{Key: s.Key, Label: s.Label, Hint: s.Hint, Required: s.Required, Multi: s.Multi, Module: s.Module, ByUnit: s.ByUnit, Files: []evidenceJSON{}}
		for _, e := range v.Files(s.Key) {
			sj.Files = append(sj.Files, evidenceOf(e))
		}
		res.Slots = append(res.Slots, sj)
	}
	for _, e := range v.Evidence {
		if !known[e.Slot] {
			res.UnlinkedFiles = append(res.UnlinkedFiles, evidenceOf(e))
		}
	}
	return res
}

func (x *API) applicationShow(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := x.svc.Applications.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, applicationJSON(v))
}

// versionResponse answers a change of the draft with its new version.
type versionResponse struct {
	Version int64 `json:"version"`
}

type formSaveRequest struct {
	Version *int64      `json:"version"`
	Form    *model.Form `json:"form"`
}

func (x *API) applicationSaveForm(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in formSaveRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := requireVersion(in.Version)
	if err != nil {
		return err
	}
	if in.Form == nil {
		return model.Invalid("form", "缺少 form", "form 为完整的申报表（GET 本申报得到的 form，修改后原样提交）")
	}
	nv, err := x.svc.Applications.Save(r.Context(), a, id, v, *in.Form)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, versionResponse{Version: nv})
}

// checkFindingJSON is one finding of the pre-submit check, with the module it belongs to (0 the
// basics and the person, 1–5 the form's modules).
type checkFindingJSON struct {
	Rule    string `json:"rule"`
	Field   string `json:"field"`
	Module  int    `json:"module"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

type checkResponse struct {
	OK       bool               `json:"ok"`
	Findings []checkFindingJSON `json:"findings"`
}

func (x *API) applicationCheck(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	findings, err := x.svc.Applications.Check(r.Context(), a, id)
	if err != nil {
		return err
	}
	res := checkResponse{OK: len(findings) == 0, Findings: make([]checkFindingJSON, 0, len(findings))}
	for _, f := range findings {
		res.Findings = append(res.Findings, checkFindingJSON{Rule: f.Rule, Field: f.Field, Module: rules.FieldModule(f.Field), Message: f.Message, Fix: f.Fix})
	}
	return writeJSON(w, http.StatusOK, res)
}

type pledgeTextResponse struct {
	TextVersion string `json:"text_version"`
	Text        string `json:"text"`
}

func (x *API) pledgeText(w http.ResponseWriter, r *http.Request, _ model.Actor) error {
	return writeJSON(w, http.StatusOK, pledgeTextResponse{TextVersion: service.PledgeVersion, Text: service.PledgeText})
}

type pledgeSignRequest struct {
	Signer string `json:"signer"`
}

func (x *API) applicationSign(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in pledgeSignRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := x.svc.Applications.Sign(r.Context(), a, id, in.Signer); err != nil {
		return err
	}
	v, err := x.svc.Applications.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	if v.App.Pledge == nil {
		return errors.New("pledge signed but not recorded")
	}
	return writeJSON(w, http.StatusOK, pledgeOf(v.App.Pledge))
}

type submitRequest struct {
	Version *int64 `json:"version"`
}

type submitResponse struct {
	VersionNo   int    `json:"version_no"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Version     int64  `json:"version"`
}

func (x *API) applicationSubmit(w http.ResponseWriter, r *http.Request, a model.Actor) error {
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
	no, err := x.svc.Applications.Submit(r.Context(), a, id, v)
	if err != nil {
		return err
	}
	view, err := x.svc.Applications.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, submitResponse{VersionNo: no, Status: string(view.App.Status), StatusLabel: view.App.Status.Label(), Version: view.App.Version})
}

// versionJSON is one submitted version with its changes from the one before.
type versionJSON struct {
	No          int                 `json:"no"`
	SubmittedAt string              `json:"submitted_at"`
	Changes     []rules.FieldChange `json:"changes"`
	Files       map[string][]int64  `json:"files"`
}

type versionListResponse struct {
	Versions []versionJSON `json:"versions"`
}

func (x *API) applicationVersions(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	subs, diffs, err := x.svc.Applications.Versions(r.Context(), a, id)
	if err != nil {
		return err
	}
	res := versionListResponse{Versions: make([]versionJSON, 0, len(subs))}
	for i, s := range subs {
		files := s.Evidence
		if files == nil {
			files = map[string][]int64{}
		}
		res.Versions = append(res.Versions, versionJSON{No: s.No, SubmittedAt: utc(s.Submitted), Changes: nonNil(diffs[i]), Files: files})
	}
	return writeJSON(w, http.StatusOK, res)
}

type educationSyncRequest struct {
	Version *int64 `json:"version"`
}

type educationSyncResponse struct {
	Education model.Education `json:"education"`
	Version   int64           `json:"version"`
}

// applicationSyncEducation is [同步学信网] on one education entry (SPEC §4 module 1).
func (x *API) applicationSyncEducation(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in educationSyncRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := requireVersion(in.Version)
	if err != nil {
		return err
	}
	e, nv, err := x.svc.Applications.SyncEducation(r.Context(), a, id, v, r.PathValue("entry_id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, educationSyncResponse{Education: e, Version: nv})
}
