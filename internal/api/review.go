package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhicheng/internal/evidence"
	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
)

// The reviewers' side of the procedure (SPEC §5): the unit's, the departments' and the
// office's lists, the reviewer's view of one application, every reviewer action
// (review_actions.go) and the logged evidence download (R-SEC-01). Scope is the service's:
// an application the caller may not review answers 404 (R-ORG-02); the view carries the
// applicant's name, never an ID number or a phone.

func reviewPath(id int64) string { return "/api/v1/review/applications/" + strconv.FormatInt(id, 10) }

// namedOrg names an organisation inside a review response.
type namedOrg struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// reviewRowJSON is one line of a reviewer's list.
type reviewRowJSON struct {
	ID             int64    `json:"id"`
	PlanID         int64    `json:"plan_id"`
	Org            namedOrg `json:"org"`
	ApplicantName  string   `json:"applicant_name"`
	LevelCode      string   `json:"level_code"`
	LevelName      string   `json:"level_name"`
	AppType        string   `json:"app_type"`
	Scope          string   `json:"scope"`
	Specialty      string   `json:"specialty"`
	Status         string   `json:"status"`
	StatusLabel    string   `json:"status_label"`
	Version        int64    `json:"version"`
	Submissions    int      `json:"submissions"`
	DeptReturns    int      `json:"dept_returns"`
	ChainLevel     int      `json:"chain_level"`
	PublicityStart *string  `json:"publicity_start"`
	PublicityEnd   *string  `json:"publicity_end"`
	FraudProposed  bool     `json:"fraud_proposed"`
	UpdatedAt      string   `json:"updated_at"`
	URL            string   `json:"url"`
}

type reviewListResponse struct {
	Applications []reviewRowJSON `json:"applications"`
	// NextBefore is the before= value of the next page; null on the last page.
	NextBefore *string `json:"next_before"`
}

// cursorText encodes a keyset position as "<updated, Unix nanoseconds>.<id>".
func cursorText(c service.Cursor) string {
	return strconv.FormatInt(c.Updated.UnixNano(), 10) + "." + strconv.FormatInt(c.ID, 10)
}

func parseCursor(s string) (*service.Cursor, error) {
	ns, id, ok := strings.Cut(s, ".")
	n, err1 := strconv.ParseInt(ns, 10, 64)
	i, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || i <= 0 {
		return nil, model.Invalid("before", "before 不是有效的分页位置", "请原样使用上一页返回的 next_before")
	}
	return &service.Cursor{Updated: time.Unix(0, n), ID: i}, nil
}

// reviewFilter reads the list's query parameters, reporting every bad one at once.
func reviewFilter(r *http.Request) (service.ReviewFilter, error) {
	q := r.URL.Query()
	var f service.ReviewFilter
	var es model.Errors
	if s := q.Get("plan_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			es = append(es, model.Invalid("plan_id", "plan_id 不是有效的计划编号", "plan_id 为评审计划编号（见 GET /api/v1/plans）"))
		}
		f.PlanID = n
	}
	if s := q.Get("org_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			es = append(es, model.Invalid("org_id", "org_id 不是有效的机构编号", "org_id 为申报单位的机构编号（见 GET /api/v1/orgs）"))
		}
		f.OrgID = n
	}
	if s := q.Get("status"); s != "" {
		f.Status = model.AppStatus(s)
		if !f.Status.Valid() || f.Status == model.StatusDraft {
			es = append(es, model.Invalid("status", fmt.Sprintf("未知的状态 %q", s), "status 取值见 AppStatus（草稿不在审核列表中）"))
		}
	}
	f.LevelCode = q.Get("level")
	if s := q.Get("app_type"); s != "" {
		f.AppType = model.AppType(s)
		switch f.AppType {
		case model.AppNormal, model.AppExceptional, model.AppTransfer:
		default:
			es = append(es, model.Invalid("app_type", fmt.Sprintf("未知的申报类型 %q", s), "app_type 为 normal、exceptional 或 transfer"))
		}
	}
	if s := q.Get("scope"); s != "" {
		f.Scope = model.Scope(s)
	}
	if s := q.Get("before"); s != "" {
		c, err := parseCursor(s)
		if err != nil {
			es = append(es, err.(*model.Error))
		}
		f.After = c
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 200 {
			es = append(es, model.Invalid("limit", "limit 须为 1～200 的整数", "不填时每页 50 条"))
		}
		f.Limit = n
	}
	if len(es) == 1 {
		return f, es[0]
	}
	return f, es.Err()
}

func reviewListJSON(page service.ReviewPage) reviewListResponse {
	res := reviewListResponse{Applications: make([]reviewRowJSON, 0, len(page.Rows))}
	for _, r := range page.Rows {
		res.Applications = append(res.Applications, reviewRowJSON{
			ID: r.ID, PlanID: r.PlanID, Org: namedOrg{ID: r.OrgID, Name: r.OrgName}, ApplicantName: r.ApplicantName,
			LevelCode: r.LevelCode, LevelName: r.LevelName, AppType: string(r.AppType), Scope: string(r.Scope), Specialty: r.Specialty,
			Status: string(r.Status), StatusLabel: r.StatusLabel, Version: r.Version, Submissions: r.Submissions,
			DeptReturns: r.DeptReturns, ChainLevel: r.ChainLevel, PublicityStart: utcOrNil(r.PublicityFrom), PublicityEnd: utcOrNil(r.PublicityEnd),
			FraudProposed: r.FraudProposed, UpdatedAt: utc(r.Updated), URL: reviewPath(r.ID),
		})
	}
	if page.Next != nil {
		s := cursorText(*page.Next)
		res.NextBefore = &s
	}
	return res
}

// serveReviewList answers a list route with the page list gives for the query's filter.
func serveReviewList(w http.ResponseWriter, r *http.Request, list func(service.ReviewFilter) (service.ReviewPage, error)) error {
	f, err := reviewFilter(r)
	if err != nil {
		return err
	}
	page, err := list(f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, reviewListJSON(page))
}

func (x *API) reviewUnitList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return serveReviewList(w, r, func(f service.ReviewFilter) (service.ReviewPage, error) {
		return x.svc.Review.UnitInbox(r.Context(), a, f)
	})
}

func (x *API) reviewDeptList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return serveReviewList(w, r, func(f service.ReviewFilter) (service.ReviewPage, error) {
		return x.svc.Review.DeptList(r.Context(), a, f)
	})
}

func (x *API) reviewOfficeList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return serveReviewList(w, r, func(f service.ReviewFilter) (service.ReviewPage, error) {
		return x.svc.Review.OfficeList(r.Context(), a, f)
	})
}

// reviewItemJSON is one item of a return list or of an originals request (R-FLOW-03,
// R-FLOW-05).
type reviewItemJSON struct {
	Module int    `json:"module"`
	Slot   string `json:"slot"`
	Field  string `json:"field"`
	Text   string `json:"text"`
}

func itemsJSON(items []store.ReviewItem) []reviewItemJSON {
	out := make([]reviewItemJSON, 0, len(items))
	for _, it := range items {
		out = append(out, reviewItemJSON{Module: it.Module, Slot: it.Slot, Field: it.Field, Text: it.Text})
	}
	return out
}

// returnJSON is one return for modification with its consolidated list.
type returnJSON struct {
	ID           int64            `json:"id"`
	SubmissionNo int              `json:"submission_no"`
	Stage        string           `json:"stage"`
	StageLabel   string           `json:"stage_label"`
	Level        int              `json:"level"`
	Org          namedOrg         `json:"org"`
	ReviewerName string           `json:"reviewer_name"`
	At           string           `json:"at"`
	Items        []reviewItemJSON `json:"items"`
}

func returnOf(r store.Return) returnJSON {
	return returnJSON{ID: r.ID, SubmissionNo: r.SubmissionNo, Stage: string(r.Stage), StageLabel: r.Stage.Label(), Level: r.Level,
		Org: namedOrg{ID: r.OrgID, Name: r.OrgName}, ReviewerName: r.UserName, At: utc(r.At), Items: itemsJSON(r.Items)}
}

func returnsJSON(rs []store.Return) []returnJSON {
	out := make([]returnJSON, 0, len(rs))
	for _, r := range rs {
		out = append(out, returnOf(r))
	}
	return out
}

// originalsJSON is one originals check (R-FLOW-05).
type originalsJSON struct {
	ID            int64            `json:"id"`
	Stage         string           `json:"stage"`
	Level         int              `json:"level"`
	Org           namedOrg         `json:"org"`
	RequesterName string           `json:"requester_name"`
	RequestedAt   string           `json:"requested_at"`
	Items         []reviewItemJSON `json:"items"`
	Result        string           `json:"result"`
	RecorderName  string           `json:"recorder_name"`
	RecordedAt    *string          `json:"recorded_at"`
}

func originalsOf(c store.OriginalsCheck) originalsJSON {
	return originalsJSON{ID: c.ID, Stage: string(c.Stage), Level: c.Level, Org: namedOrg{ID: c.OrgID, Name: c.OrgName},
		RequesterName: c.RequesterName, RequestedAt: utc(c.Requested), Items: itemsJSON(c.Items), Result: c.Result,
		RecorderName: c.RecorderName, RecordedAt: utcOrNil(c.Recorded)}
}

// objectionJSON is one publicity objection; contact is empty except for the unit.
type objectionJSON struct {
	ID           int64   `json:"id"`
	Text         string  `json:"text"`
	Contact      string  `json:"contact"`
	Public       bool    `json:"public"`
	FiledAt      string  `json:"filed_at"`
	ResolvedAt   *string `json:"resolved_at"`
	Resolution   string  `json:"resolution"`
	ResolverName string  `json:"resolver_name"`
}

// fraudJSON is one fraud cancellation case (R-FLOW-11).
type fraudJSON struct {
	ID              int64    `json:"id"`
	Stage           string   `json:"stage"`
	Level           int      `json:"level"`
	ProposerName    string   `json:"proposer_name"`
	ProposedOrg     namedOrg `json:"proposed_org"`
	ProposedAt      string   `json:"proposed_at"`
	Facts           string   `json:"facts"`
	Decision        string   `json:"decision"`
	DecidedAt       *string  `json:"decided_at"`
	DecisionReason  string   `json:"decision_reason"`
	RecommendingOrg int64    `json:"recommending_org_id"`
	BlacklistID     int64    `json:"blacklist_id"`
}

// duplicateJSON is a file another application also attached: a fraud signal to look into.
type duplicateJSON struct {
	EvidenceID         int64  `json:"evidence_id"`
	Slot               string `json:"slot"`
	SHA256             string `json:"sha256"`
	OtherApplicationID int64  `json:"other_application_id"`
	OtherSlot          string `json:"other_slot"`
}

// problemJSON is one reason an action cannot be taken now.
type problemJSON struct {
	Rule    string `json:"rule"`
	Field   string `json:"field"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

func problemsOf(err error) []problemJSON {
	out := []problemJSON{}
	if err == nil {
		return out
	}
	var es model.Errors
	if errors.As(err, &es) {
		for _, e := range es {
			out = append(out, problemJSON{Rule: e.Rule, Field: e.Field, Message: e.Message, Fix: e.Fix})
		}
		return out
	}
	if e, ok := model.AsError(err); ok {
		return append(out, problemJSON{Rule: e.Rule, Field: e.Field, Message: e.Message, Fix: e.Fix})
	}
	return append(out, problemJSON{Message: "暂不能办理"})
}

// actionOptionJSON is one action the caller may take now (enabled) or sees disabled with the
// reasons (rules.Available); input the action needs (items, reason) is checked on POST.
type actionOptionJSON struct {
	Action   string        `json:"action"`
	Label    string        `json:"label"`
	Rule     string        `json:"rule"`
	Enabled  bool          `json:"enabled"`
	To       *string       `json:"to"`
	ToLabel  string        `json:"to_label"`
	Level    int           `json:"level"`
	Disabled []problemJSON `json:"disabled_reasons"`
	URL      string        `json:"url"`
}

// reviewViewResponse is one application as a reviewer sees it: the applicant's application
// (with reviewer download addresses) and the review's own records.
type reviewViewResponse struct {
	applicationResponse
	ApplicantName   string             `json:"applicant_name"`
	Org             namedOrg           `json:"org"`
	LevelName       string             `json:"level_name"`
	Holder          string             `json:"holder"`
	Chain           []namedOrg         `json:"chain"`
	ChainLevel      int                `json:"chain_level"`
	PublicityStart  *string            `json:"publicity_start"`
	PublicityEnd    *string            `json:"publicity_end"`
	DeptReturns     int                `json:"dept_returns"`
	DeptReturnLimit int                `json:"dept_return_limit"`
	OriginalsPend   bool               `json:"originals_pending"`
	FraudProposed   bool               `json:"fraud_proposed"`
	ReviewEnds      *string            `json:"review_ends"`
	IntakeEnds      *string            `json:"intake_ends"`
	Quota           *quotaJSON         `json:"grassroots_quota"`
	Findings        []checkFindingJSON `json:"findings"`
	Duplicates      []duplicateJSON    `json:"duplicates"`
	Returns         []returnJSON       `json:"returns"`
	Objections      []objectionJSON    `json:"objections"`
	Originals       []originalsJSON    `json:"originals"`
	FraudCases      []fraudJSON        `json:"fraud_cases"`
	Actions         []actionOptionJSON `json:"actions"`
}

// quotaJSON is the unit's grassroots senior quota (R-ELG-09) for a grassroots-scope senior
// application.
type quotaJSON struct {
	Registered        bool    `json:"registered"`
	ProfessionalPosts int     `json:"professional_posts"`
	Held              int     `json:"held"`
	Recommended       int     `json:"recommended"`
	Used              int     `json:"used"`
	Pct               float64 `json:"pct"`
	Max               int     `json:"max"`
}

// reviewerFiles points the application's file addresses at the logged reviewer download.
func reviewerFiles(res *applicationResponse) {
	for i := range res.Slots {
		for j := range res.Slots[i].Files {
			f := &res.Slots[i].Files[j]
			f.URL = reviewPath(res.ID) + "/files/" + strconv.FormatInt(f.ID, 10)
		}
	}
	for j := range res.UnlinkedFiles {
		f := &res.UnlinkedFiles[j]
		f.URL = reviewPath(res.ID) + "/files/" + strconv.FormatInt(f.ID, 10)
	}
}

func reviewViewJSON(v service.ReviewView) reviewViewResponse {
	app := applicationJSON(v.View)
	reviewerFiles(&app)
	st := v.State
	res := reviewViewResponse{
		applicationResponse: app, ApplicantName: v.ApplicantName, Org: namedOrg{ID: v.App.OrgID, Name: v.OrgName},
		LevelName: v.Level.Name, Holder: v.Holder, Chain: []namedOrg{}, ChainLevel: st.ChainLevel,
		PublicityStart: utcOrNil(st.PublicityStart), PublicityEnd: utcOrNil(st.PublicityEnd),
		DeptReturns: v.DeptReturns, DeptReturnLimit: v.DeptReturnLimit, OriginalsPend: st.OriginalsPending, FraudProposed: st.FraudProposed,
		ReviewEnds: utcOrNil(v.ReviewEnds), IntakeEnds: utcOrNil(v.IntakeEnds),
		Findings: []checkFindingJSON{}, Duplicates: []duplicateJSON{}, Returns: returnsJSON(v.Returns), Objections: []objectionJSON{},
		Originals: []originalsJSON{}, FraudCases: []fraudJSON{}, Actions: []actionOptionJSON{},
	}
	if q := v.Quota; q != nil {
		res.Quota = &quotaJSON{Registered: q.Registered(), ProfessionalPosts: q.ProfessionalPosts, Held: q.Held, Recommended: q.Recommended,
			Used: q.Used(), Pct: q.Pct, Max: q.Max}
	}
	for _, o := range v.Chain {
		res.Chain = append(res.Chain, namedOrg{ID: o.ID, Name: o.Name})
	}
	for _, f := range v.Findings {
		res.Findings = append(res.Findings, checkFindingJSON{Rule: f.Rule, Field: f.Field, Module: rules.FieldModule(f.Field), Message: f.Message, Fix: f.Fix})
	}
	for _, d := range v.Duplicates {
		res.Duplicates = append(res.Duplicates, duplicateJSON{EvidenceID: d.EvidenceID, Slot: d.Slot, SHA256: d.SHA256, OtherApplicationID: d.OtherAppID, OtherSlot: d.OtherSlot})
	}
	for _, o := range v.Objections {
		res.Objections = append(res.Objections, objectionJSON{ID: o.ID, Text: o.Text, Contact: o.Contact, Public: o.FiledBy == 0,
			FiledAt: utc(o.Filed), ResolvedAt: utcOrNil(o.Resolved), Resolution: o.Resolution, ResolverName: o.ResolverName})
	}
	for _, c := range v.Originals {
		res.Originals = append(res.Originals, originalsOf(c))
	}
	for _, c := range v.Fraud {
		res.FraudCases = append(res.FraudCases, fraudJSON{ID: c.ID, Stage: string(c.Stage), Level: c.Level, ProposerName: c.ProposerName,
			ProposedOrg: namedOrg{ID: c.ProposedOrg, Name: c.ProposedOrgName}, ProposedAt: utc(c.Proposed), Facts: c.Facts,
			Decision: c.Decision, DecidedAt: utcOrNil(c.Decided), DecisionReason: c.DecisionReason, RecommendingOrg: c.RecommendingOrg, BlacklistID: c.BlacklistID})
	}
	for _, o := range v.Options {
		opt := actionOptionJSON{Action: string(o.Action), Label: o.Label, Rule: o.Rule, Enabled: o.Err == nil,
			Level: o.Level, Disabled: problemsOf(o.Err), URL: reviewPath(v.App.ID) + "/actions/" + string(o.Action)}
		if o.Err == nil && o.To != "" {
			to := string(o.To)
			opt.To, opt.ToLabel = &to, o.To.Label()
		}
		res.Actions = append(res.Actions, opt)
	}
	return res
}

func (x *API) reviewShow(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := x.svc.Review.View(r.Context(), a, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, reviewViewJSON(v))
}

// reviewFile is a reviewer's view (inline) or download (?download=1, attachment) of one
// file, logged with who, when and which file (R-SEC-01).
func (x *API) reviewFile(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	fileID, err := pathID(r, "file_id")
	if err != nil {
		return err
	}
	kind, disp := store.AccessView, "inline"
	if d := r.URL.Query().Get("download"); d == "1" || d == "true" {
		kind, disp = store.AccessDownload, "attachment"
	}
	ev, rc, err := x.svc.Review.OpenEvidence(r.Context(), a, id, fileID, kind)
	if err != nil {
		return err
	}
	defer rc.Close()
	ctype := "application/octet-stream"
	switch evidence.Kind(ev.Kind) {
	case evidence.PDF, evidence.JPEG:
		ctype = ev.Kind
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.FormatInt(ev.Size, 10))
	disposition := mime.FormatMediaType(disp, map[string]string{"filename": ev.Name})
	if disposition == "" {
		disposition = disp
	}
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	io.Copy(w, rc) // a failed copy means the client went away: nothing left to tell it
	return nil
}
