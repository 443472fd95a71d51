package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhicheng/internal/model"
	"zhicheng/internal/presets"
	"zhicheng/internal/rules"
)

// Plans (SPEC §2): the year × series × committee, its windows (R-CAL-01, R-CAL-02) and
// the policy numbers the rules use.

// levelJSON is one level of a plan, in requests and responses alike.
type levelJSON struct {
	Code                      string `json:"code"`
	Name                      string `json:"name"`
	Rank                      int    `json:"rank"`
	MinTotalYears             int    `json:"min_total_years"`
	MinYearsInCurrent         int    `json:"min_years_in_current"`
	ExceptionalYearsInCurrent int    `json:"exceptional_years_in_current"`
}

// policyJSON is a plan's policy numbers, in requests and responses alike.
type policyJSON struct {
	BlacklistYears           int     `json:"blacklist_years"`
	PaperMin                 int     `json:"paper_min"`
	PaperMax                 int     `json:"paper_max"`
	PublicityWorkdays        int     `json:"publicity_workdays"`
	PublicityWorkdaysLong    int     `json:"publicity_workdays_long"`
	ResultPublicityWorkdays  int     `json:"result_publicity_workdays"`
	DeptReturnLimit          int     `json:"dept_return_limit"`
	QuorumFraction           float64 `json:"quorum_fraction"`
	PassFraction             float64 `json:"pass_fraction"`
	PlagiarismCore           float64 `json:"plagiarism_core"`
	PlagiarismProvincial     float64 `json:"plagiarism_provincial"`
	CEHoursPerYear           int     `json:"ce_hours_per_year"`
	GrassrootsSeniorQuotaPct float64 `json:"grassroots_senior_quota_pct"`
	RepresentativePapers     int     `json:"representative_papers"`
}

func policyOf(p model.Policy) policyJSON {
	return policyJSON{
		BlacklistYears: p.BlacklistYears, PaperMin: p.PaperMin, PaperMax: p.PaperMax,
		PublicityWorkdays: p.PublicityWorkdays, PublicityWorkdaysLong: p.PublicityWorkdaysLong,
		ResultPublicityWorkdays: p.ResultPublicityWorkdays, DeptReturnLimit: p.DeptReturnLimit,
		QuorumFraction: p.QuorumFraction, PassFraction: p.PassFraction,
		PlagiarismCore: p.PlagiarismCore, PlagiarismProvincial: p.PlagiarismProvincial,
		CEHoursPerYear: p.CEHoursPerYear, GrassrootsSeniorQuotaPct: p.GrassrootsSeniorQuotaPct,
		RepresentativePapers: p.RepresentativePapers,
	}
}

func (p policyJSON) model() model.Policy {
	return model.Policy{
		BlacklistYears: p.BlacklistYears, PaperMin: p.PaperMin, PaperMax: p.PaperMax,
		PublicityWorkdays: p.PublicityWorkdays, PublicityWorkdaysLong: p.PublicityWorkdaysLong,
		ResultPublicityWorkdays: p.ResultPublicityWorkdays, DeptReturnLimit: p.DeptReturnLimit,
		QuorumFraction: p.QuorumFraction, PassFraction: p.PassFraction,
		PlagiarismCore: p.PlagiarismCore, PlagiarismProvincial: p.PlagiarismProvincial,
		CEHoursPerYear: p.CEHoursPerYear, GrassrootsSeniorQuotaPct: p.GrassrootsSeniorQuotaPct,
		RepresentativePapers: p.RepresentativePapers,
	}
}

// Window states, computed at request time.
const (
	stateNotStarted = "not_started"
	stateOpen       = "open"
	stateClosed     = "closed"
)

func windowState(w model.PlanWindow, now time.Time) string {
	switch {
	case now.Before(w.Start):
		return stateNotStarted
	case now.Before(w.End):
		return stateOpen
	}
	return stateClosed
}

// windowResponse is one window of a plan: Start inclusive, End exclusive (R-CAL-01).
type windowResponse struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	Start string `json:"start"`
	End   string `json:"end"`
	// Text reads like the notices, in Shanghai time: "个人申报 2024-09-11 00:00 至 2024-10-20 24:00".
	Text  string `json:"text"`
	State string `json:"state"`
}

func windowJSON(w model.PlanWindow, now time.Time) windowResponse {
	return windowResponse{
		Kind: string(w.Kind), Label: w.Kind.Label(), Start: utc(w.Start), End: utc(w.End),
		Text: rules.PlanWindow(w).String(), State: windowState(w, now),
	}
}

// planDefinition is what a plan says, shared by plans and presets.
type planDefinition struct {
	Year        int              `json:"year"`
	Series      string           `json:"series"`
	Name        string           `json:"name"`
	Levels      []levelJSON      `json:"levels"`
	Specialties []string         `json:"specialties"`
	Scopes      []string         `json:"scopes"`
	AppTypes    []string         `json:"app_types"`
	Windows     []windowResponse `json:"windows"`
	Policy      policyJSON       `json:"policy"`
}

func definitionOf(p model.Plan, now time.Time) planDefinition {
	d := planDefinition{
		Year: p.Year, Series: p.Series, Name: p.Name, Specialties: nonNil(p.Specialties),
		Levels: make([]levelJSON, 0, len(p.Levels)), Scopes: make([]string, 0, len(p.Scopes)),
		AppTypes: make([]string, 0, len(p.AppTypes)), Windows: make([]windowResponse, 0, len(p.Windows)),
		Policy: policyOf(p.Policy),
	}
	for _, l := range p.Levels {
		d.Levels = append(d.Levels, levelJSON{Code: l.Code, Name: l.Name, Rank: l.Rank, MinTotalYears: l.MinTotalYears,
			MinYearsInCurrent: l.MinYearsInCurrent, ExceptionalYearsInCurrent: l.ExceptionalYearsInCurrent})
	}
	for _, s := range p.Scopes {
		d.Scopes = append(d.Scopes, string(s))
	}
	for _, t := range p.AppTypes {
		d.AppTypes = append(d.AppTypes, string(t))
	}
	for _, w := range p.Windows {
		d.Windows = append(d.Windows, windowJSON(w, now))
	}
	return d
}

// planResponse is a plan as stored.
type planResponse struct {
	ID          int64 `json:"id"`
	CommitteeID int64 `json:"committee_id"`
	planDefinition
	ResetAt   *string `json:"reset_at"`
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
	Version   int64   `json:"version"`
}

func planJSON(p model.Plan, now time.Time) planResponse {
	return planResponse{
		ID: p.ID, CommitteeID: p.CommitteeID, planDefinition: definitionOf(p, now),
		ResetAt: utcOrNil(p.ResetAt), CreatedAt: utc(p.Created), UpdatedAt: utc(p.Updated), Version: p.Version,
	}
}

type planListResponse struct {
	Plans []planResponse `json:"plans"`
}

func (x *API) planList(w http.ResponseWriter, r *http.Request, _ model.Actor) error {
	ps, err := x.svc.Plans.List(r.Context())
	if err != nil {
		return err
	}
	now := x.now()
	res := planListResponse{Plans: make([]planResponse, 0, len(ps))}
	for _, p := range ps {
		res.Plans = append(res.Plans, planJSON(p, now))
	}
	return writeJSON(w, http.StatusOK, res)
}

func (x *API) planShow(w http.ResponseWriter, r *http.Request, _ model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return x.writePlan(w, r, id)
}

func (x *API) writePlan(w http.ResponseWriter, r *http.Request, id int64) error {
	p, err := x.svc.Plans.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, planJSON(p, x.now()))
}

// windowInput is a window in a request: instants in RFC 3339 with their offset
// ("2024-10-21T00:00:00+08:00" is 10-20 24:00 in Shanghai).
type windowInput struct {
	Kind  string `json:"kind"`
	Start string `json:"start"`
	End   string `json:"end"`
}

// planInput is a whole plan definition, as created or replaced.
type planInput struct {
	Year        int           `json:"year"`
	Series      string        `json:"series"`
	Name        string        `json:"name"`
	CommitteeID int64         `json:"committee_id"`
	Levels      []levelJSON   `json:"levels"`
	Specialties []string      `json:"specialties"`
	Scopes      []string      `json:"scopes"`
	AppTypes    []string      `json:"app_types"`
	Windows     []windowInput `json:"windows"`
	Policy      *policyJSON   `json:"policy"`
}

// plan turns the request into a model.Plan with the given policy when the request has none.
// Window instants that do not parse are reported, each with its window's field, all at once;
// everything else is for the service to judge.
func (in planInput) plan(defaultPolicy model.Policy) (model.Plan, error) {
	p := model.Plan{Year: in.Year, Series: in.Series, Name: in.Name, CommitteeID: in.CommitteeID,
		Specialties: in.Specialties, Policy: defaultPolicy}
	if in.Policy != nil {
		p.Policy = in.Policy.model()
	}
	for _, l := range in.Levels {
		p.Levels = append(p.Levels, model.Level{Code: strings.TrimSpace(l.Code), Name: strings.TrimSpace(l.Name), Rank: l.Rank,
			MinTotalYears: l.MinTotalYears, MinYearsInCurrent: l.MinYearsInCurrent, ExceptionalYearsInCurrent: l.ExceptionalYearsInCurrent})
	}
	for _, s := range in.Scopes {
		p.Scopes = append(p.Scopes, model.Scope(s))
	}
	for _, t := range in.AppTypes {
		p.AppTypes = append(p.AppTypes, model.AppType(t))
	}
	var errs model.Errors
	instant := func(kind model.WindowKind, what, s string) time.Time {
		if strings.TrimSpace(s) == "" {
			return time.Time{} // reported below as not set, with its window
		}
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
		if err != nil {
			errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-01", Field: "window_" + string(kind),
				Message: fmt.Sprintf("%s的%s“%s”不是带时区的 RFC 3339 时间", kind.Label(), what, s),
				Fix:     "例如 2024-09-11T00:00:00+08:00；某日“24时”即次日 00:00（北京时间）"})
		}
		return t
	}
	unreadable := map[string]bool{} // fields of windows with an instant that does not parse
	for _, w := range in.Windows {
		k := model.WindowKind(strings.TrimSpace(w.Kind))
		before := len(errs)
		pw := model.PlanWindow{Kind: k, Start: instant(k, "开始时间", w.Start), End: instant(k, "截止时间", w.End)}
		p.Windows = append(p.Windows, pw)
		if len(errs) > before {
			unreadable["window_"+string(k)] = true
		}
		// Each window must be a window (both ends, start before end). rules.ValidatePlan is
		// meant to say so too, but drops these problems (Window.Validate returns model.Errors,
		// which model.AsError does not unwrap), so they are checked here as well.
		var wes model.Errors
		if err := rules.PlanWindow(pw).Validate(); !unreadable["window_"+string(k)] && errors.As(err, &wes) {
			for _, e := range wes {
				e.Field = "window_" + string(k)
				errs = append(errs, e)
			}
		}
	}
	if len(errs) == 0 {
		return p, nil
	}
	// Report everything else wrong with the plan in the same answer (R-ELG-10), once each.
	seen := map[[2]string]bool{}
	for _, e := range errs {
		seen[[2]string{e.Field, e.Message}] = true
	}
	for _, e := range rules.ValidatePlan(p) {
		if !seen[[2]string{e.Field, e.Message}] && !unreadable[e.Field] {
			seen[[2]string{e.Field, e.Message}] = true
			errs = append(errs, e)
		}
	}
	return p, errs
}

func (x *API) planCreate(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	var in planInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := in.plan(presets.DefaultPolicy())
	if err != nil {
		return err
	}
	id, err := x.svc.Plans.Create(r.Context(), a, p)
	if err != nil {
		return err
	}
	return writeCreated(w, planPath(id), id)
}

func planPath(id int64) string { return "/api/v1/plans/" + strconv.FormatInt(id, 10) }

// planFromPresetRequest creates the plan of a shipped preset for a committee.
type planFromPresetRequest struct {
	Preset      string `json:"preset"`
	CommitteeID int64  `json:"committee_id"`
}

func (x *API) planFromPreset(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	var in planFromPresetRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	id, err := x.svc.Plans.CreateFromPreset(r.Context(), a, strings.TrimSpace(in.Preset), in.CommitteeID)
	if err != nil {
		return err
	}
	return writeCreated(w, planPath(id), id)
}

// presetResponse is a shipped plan template (SPEC §2: both notices ship as presets).
type presetResponse struct {
	Key    string         `json:"key"`
	Source string         `json:"source"`
	Plan   planDefinition `json:"plan"`
}

type presetListResponse struct {
	Presets []presetResponse `json:"presets"`
}

func (x *API) presetList(w http.ResponseWriter, r *http.Request, _ model.Actor) error {
	now := x.now()
	ps := x.svc.Plans.Presets()
	res := presetListResponse{Presets: make([]presetResponse, 0, len(ps))}
	for _, p := range ps {
		res.Presets = append(res.Presets, presetResponse{Key: p.Key, Source: p.Source, Plan: definitionOf(p.Plan, now)})
	}
	return writeJSON(w, http.StatusOK, res)
}

// planUpdateRequest replaces a plan's definition and windows.
type planUpdateRequest struct {
	planInput
	Version *int64 `json:"version"`
}

func (x *API) planUpdate(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in planUpdateRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := requireVersion(in.Version)
	if err != nil {
		return err
	}
	// Without a policy the stored one stays; the service re-reads the plan at the version.
	var policy model.Policy
	if in.Policy == nil {
		old, err := x.svc.Plans.Get(r.Context(), id)
		if err != nil {
			return err
		}
		policy = old.Policy
	}
	p, err := in.plan(policy)
	if err != nil {
		return err
	}
	p.ID, p.Version = id, v
	if err := x.svc.Plans.Update(r.Context(), a, p); err != nil {
		return err
	}
	return x.writePlan(w, r, id)
}

// planCopyRequest names the year of the copy.
type planCopyRequest struct {
	Year int `json:"year"`
}

func (x *API) planCopy(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in planCopyRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	nid, err := x.svc.Plans.Copy(r.Context(), a, id, in.Year)
	if err != nil {
		return err
	}
	return writeCreated(w, planPath(nid), nid)
}

// errMessage is the user-facing text of a refusal, for fields that carry one.
func errMessage(err error) string {
	var es model.Errors
	if errors.As(err, &es) && len(es) > 0 {
		return es[0].Message
	}
	if e, ok := model.AsError(err); ok {
		return e.Message
	}
	return err.Error()
}
