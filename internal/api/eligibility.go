package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
)

// The eligibility check (SPEC §3): a profile against a plan's level, every finding at once
// (R-ELG-10), before anything is submitted. It stores nothing.

// blacklistPeriodJSON is one blacklisting of the person, already resolved to its last day.
type blacklistPeriodJSON struct {
	Until  string `json:"until"`
	Reason string `json:"reason"`
}

type achievementJSON struct {
	Title string `json:"title"`
	Date  string `json:"date"`
}

type unitPostsJSON struct {
	ProfessionalPosts     int `json:"professional_posts"`
	SeniorGrassrootsPosts int `json:"senior_grassroots_posts"`
}

// profileJSON is rules.Profile in snake_case with dates as YYYY-MM-DD. The series applied
// for and the level's rank come from the plan and level of the request.
type profileJSON struct {
	Birth         string                `json:"birth"`
	Male          bool                  `json:"male"`
	FemaleWorker  bool                  `json:"female_worker"`
	CivilServant  bool                  `json:"civil_servant"`
	Retired       bool                  `json:"retired"`
	SanctionUntil string                `json:"sanction_until"`
	Blacklist     []blacklistPeriodJSON `json:"blacklist"`

	ApplyingOrgKind     string `json:"applying_org_kind"`
	UnitType            string `json:"unit_type"`
	Employment          string `json:"employment"`
	CentralUnit         bool   `json:"central_unit"`
	EntrustmentApproved bool   `json:"entrustment_approved"`
	SecondedFromOutside bool   `json:"seconded_from_outside"`
	AssistanceApproved  bool   `json:"assistance_approved"`

	AppType          string `json:"app_type"`
	Scope            string `json:"scope"`
	ExceptionalBasis string `json:"exceptional_basis"`

	CurrentSeries    string `json:"current_series"`
	CurrentLevelRank int    `json:"current_level_rank"`
	Transferred      bool   `json:"transferred"`
	TransferAssessed bool   `json:"transfer_assessed"`
	TransferDate     string `json:"transfer_date"`

	CareerStart          string `json:"career_start"`
	CurrentTitleObtained string `json:"current_title_obtained"`
	Appointed            string `json:"appointed"`
	PostManaged          bool   `json:"post_managed"`

	Achievements        []achievementJSON `json:"achievements"`
	ContinuingEducation map[int]int       `json:"continuing_education"`
	GrassrootsMonths    int               `json:"grassroots_months"`
	UnitPosts           *unitPostsJSON    `json:"unit_posts"`
}

type eligibilityRequest struct {
	PlanID  int64       `json:"plan_id"`
	Level   string      `json:"level"`
	Profile profileJSON `json:"profile"`
	Today   string      `json:"today"`
}

// findingJSON is one reason the applicant may not apply, and what would satisfy the rule.
type findingJSON struct {
	Rule    string `json:"rule"`
	Field   string `json:"field"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

type eligibilityResponse struct {
	Eligible bool          `json:"eligible"`
	PlanID   int64         `json:"plan_id"`
	Level    string        `json:"level"`
	PlanYear int           `json:"plan_year"`
	Today    string        `json:"today"`
	Findings []findingJSON `json:"findings"`
}

// dates parses the optional YYYY-MM-DD fields of a request, collecting every bad one.
type dates struct{ errs model.Errors }

func (d *dates) parse(field, s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	v, err := rules.ParseDate(s)
	if err != nil {
		d.errs = append(d.errs, model.Invalid(field, fmt.Sprintf("日期“%s”不存在或格式不正确", s), "请按 YYYY-MM-DD 填写，例如 2015-07-01"))
		return time.Time{}
	}
	// 00:00 in Shanghai: the rules read the calendar date in the value's own location.
	return v.Time()
}

var employments = []rules.Employment{rules.EmployRegular, rules.EmployContract, rules.EmployFlexible}

// profile maps the request onto the rules' profile for level l of plan p, reporting every
// value that cannot be understood.
func (in profileJSON) profile(p model.Plan, l model.Level) (rules.Profile, model.Errors) {
	var d dates
	bad := func(field, msg, fix string) { d.errs = append(d.errs, model.Invalid("profile."+field, msg, fix)) }
	out := rules.Profile{
		Birth: d.parse("profile.birth", in.Birth), Male: in.Male, FemaleWorker: in.FemaleWorker,
		CivilServant: in.CivilServant, Retired: in.Retired, SanctionUntil: d.parse("profile.sanction_until", in.SanctionUntil),
		ApplyingOrgKind: model.OrgKind(in.ApplyingOrgKind), UnitType: model.UnitType(in.UnitType),
		Employment: rules.Employment(in.Employment), CentralUnit: in.CentralUnit, EntrustmentApproved: in.EntrustmentApproved,
		SecondedFromOutside: in.SecondedFromOutside, AssistanceApproved: in.AssistanceApproved,
		Type: model.AppType(in.AppType), Scope: model.Scope(in.Scope), ExceptionalBasis: in.ExceptionalBasis,
		CurrentSeries: strings.TrimSpace(in.CurrentSeries), ApplySeries: p.Series,
		CurrentLevelRank: in.CurrentLevelRank, AppliedLevelRank: l.Rank,
		Transferred: in.Transferred, TransferAssessed: in.TransferAssessed, TransferDate: d.parse("profile.transfer_date", in.TransferDate),
		CareerStart: d.parse("profile.career_start", in.CareerStart), CurrentTitleObtained: d.parse("profile.current_title_obtained", in.CurrentTitleObtained),
		Appointed: d.parse("profile.appointed", in.Appointed), PostManaged: in.PostManaged,
		ContinuingEducation: in.ContinuingEducation, GrassrootsMonths: in.GrassrootsMonths,
	}
	for i, b := range in.Blacklist {
		until := d.parse(fmt.Sprintf("profile.blacklist[%d].until", i), b.Until)
		out.Blacklist = append(out.Blacklist, rules.BlacklistEntry{Until: until, Reason: strings.TrimSpace(b.Reason)})
	}
	for i, a := range in.Achievements {
		out.Achievements = append(out.Achievements, rules.Achievement{Title: strings.TrimSpace(a.Title), Date: d.parse(fmt.Sprintf("profile.achievements[%d].date", i), a.Date)})
	}
	if in.UnitPosts != nil {
		out.UnitPosts = &rules.UnitPosts{ProfessionalPosts: in.UnitPosts.ProfessionalPosts, SeniorGrassrootsPosts: in.UnitPosts.SeniorGrassrootsPosts}
	}
	if in.ApplyingOrgKind != "" && !out.ApplyingOrgKind.Valid() {
		bad("applying_org_kind", "未知的申报机构类型“"+in.ApplyingOrgKind+"”", "用人单位填 unit，人才服务机构填 agency")
	}
	if in.UnitType != "" && !out.UnitType.Valid() {
		bad("unit_type", "未知的单位性质“"+in.UnitType+"”", "public_institution、state_enterprise、private_enterprise、social_org 或 central；灵活就业人员留空")
	}
	if in.Employment != "" && !slices.Contains(employments, out.Employment) {
		bad("employment", "未知的用工方式“"+in.Employment+"”", "regular（在编/正式）、contract（编外聘用）或 flexible（灵活就业）")
	}
	if in.AppType != "" && !slices.Contains(p.AppTypes, out.Type) {
		bad("app_type", "该计划不受理申报类型“"+in.AppType+"”", "可选："+strings.Join(appTypeNames(p.AppTypes), "、"))
	}
	if in.Scope != "" && !slices.Contains(p.Scopes, out.Scope) {
		bad("scope", "该计划没有有效范围“"+in.Scope+"”", "可选："+strings.Join(scopeNames(p.Scopes), "、"))
	}
	if in.CurrentLevelRank < 0 || in.CurrentLevelRank > 5 {
		bad("current_level_rank", fmt.Sprintf("现职称级次 %d 无效", in.CurrentLevelRank), "0 无职称，1 员级，2 助理级，3 中级，4 副高级，5 正高级")
	}
	for y, h := range in.ContinuingEducation {
		if y < 1949 || y > 2100 || h < 0 {
			bad("continuing_education", fmt.Sprintf("继续教育记录 %d 年 %d 学时无效", y, h), "键为四位年份，值为该年完成的学时（不小于 0）")
		}
	}
	if in.GrassrootsMonths < 0 {
		bad("grassroots_months", "基层服务月数不能为负数", "填写累计服务的月数")
	}
	return out, d.errs
}

func appTypeNames(ts []model.AppType) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, string(t)+"（"+t.Label()+"）")
	}
	return out
}

func scopeNames(ss []model.Scope) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, string(s)+"（"+s.Label()+"）")
	}
	return out
}

func (x *API) eligibility(w http.ResponseWriter, r *http.Request, _ model.Actor) error {
	var in eligibilityRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	var errs model.Errors
	unknownPlan := model.Invalid("plan_id", fmt.Sprintf("评审计划 %d 不存在", in.PlanID), "请从 GET /api/v1/plans 中选择评审计划")
	if in.PlanID <= 0 {
		return unknownPlan
	}
	p, err := x.svc.Plans.Get(r.Context(), in.PlanID)
	if errors.Is(err, model.ErrNotFound) {
		return unknownPlan
	} else if err != nil {
		return err
	}
	level, ok := p.Level(strings.TrimSpace(in.Level))
	if !ok {
		codes := make([]string, 0, len(p.Levels))
		for _, l := range p.Levels {
			codes = append(codes, l.Code+"（"+l.Name+"）")
		}
		errs = append(errs, model.Invalid("level", "评审计划“"+p.Name+"”没有级别“"+in.Level+"”", "可选："+strings.Join(codes, "、")))
	}
	var d dates
	today := rules.FromTime(x.now()).Time()
	if strings.TrimSpace(in.Today) != "" {
		today = d.parse("today", in.Today)
	}
	errs = append(errs, d.errs...)
	profile, perrs := in.Profile.profile(p, level)
	errs = append(errs, perrs...)
	if len(errs) > 0 {
		return errs
	}
	findings := rules.Check(profile, rules.NewRequirements(p, level), today)
	res := eligibilityResponse{Eligible: len(findings) == 0, PlanID: p.ID, Level: level.Code, PlanYear: p.Year,
		Today: rules.FromTime(today).String(), Findings: make([]findingJSON, 0, len(findings))}
	for _, f := range findings {
		res.Findings = append(res.Findings, findingJSON{Rule: f.Rule, Field: f.Field, Message: f.Message, Fix: f.Fix})
	}
	return writeJSON(w, http.StatusOK, res)
}
