package rules

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"zhicheng/internal/model"
)

// Eligibility (SPEC §3, R-ELG-01..R-ELG-10).
//
// Check runs every check on an applicant's profile and returns all findings at once
// (R-ELG-10); each check is also exported on its own for the UI and tests. Every finding is a
// *model.Error of KindInvalid with the SPEC rule id, a Chinese message naming the concrete
// values, and a Chinese Fix saying what would satisfy the rule. Checks that can fail in only
// one way return *model.Error (nil when satisfied); those that can fail several ways at once
// return model.Errors (nil when satisfied).
//
// Everything is pure: "today" (the day the applicant checks or submits) and the plan year are
// inputs. Dates are time.Time values whose calendar date, read in their own location, is what
// counts (pass today in Asia/Shanghai); see retirement.go.

// Employment is how the applicant is employed, which decides the channel (R-ELG-05).
type Employment string

const (
	// EmployRegular: a regular employee whose personnel relation (人事关系) is with the employer:
	// 在编 staff of a public institution, an enterprise's employee. The zero value means this.
	EmployRegular Employment = "regular"
	// EmployContract: 事业单位编外聘用人员 (contract staff outside the establishment).
	EmployContract Employment = "contract"
	// EmployFlexible: 灵活就业人员 (no employer; archive held by a talent-service agency).
	EmployFlexible Employment = "flexible"
)

var employmentNames = map[Employment]string{
	EmployRegular:  "在编（正式）人员",
	EmployContract: "编外聘用人员",
	EmployFlexible: "灵活就业人员",
}

// Label is the Chinese name.
func (e Employment) Label() string {
	if e == "" {
		e = EmployRegular
	}
	return employmentNames[e]
}

// BlacklistEntry is one blacklisting, already resolved by the caller to the last day it runs
// (see BlacklistEnd).
type BlacklistEntry struct {
	Until  time.Time // last day on the blacklist, inclusive
	Reason string
}

// UnitPosts is the employer's post count for the grassroots senior quota (R-ELG-09).
type UnitPosts struct {
	ProfessionalPosts     int // 专业技术岗位总量
	SeniorGrassrootsPosts int // 基层有效高级职称 posts already used (normal and exceptional), not counting this applicant
}

// Profile is everything the eligibility checks need about the applicant and the draft.
type Profile struct {
	// Person.
	Birth        time.Time
	Male         bool
	FemaleWorker bool // a woman in a worker post (工人岗位): original retirement age 50, else 55 (R-ELG-02)
	CivilServant bool // 公务员, or staff of a public institution managed under the civil-servant law (R-ELG-01)
	Retired      bool // 已离退休 (R-ELG-02)
	// SanctionUntil is the last day (inclusive) of the impact period (影响期) of a party or
	// government disciplinary sanction; zero if none (R-ELG-03).
	SanctionUntil time.Time
	Blacklist     []BlacklistEntry // R-ELG-04

	// Channel (R-ELG-05).
	ApplyingOrgKind     model.OrgKind  // the organisation the application goes through: OrgUnit or OrgAgency
	UnitType            model.UnitType // the employer's type; empty for flexible workers
	Employment          Employment
	CentralUnit         bool // employed by a central unit in the province (中央在甘科研院所、国有企业)
	EntrustmentApproved bool // the office approved that unit's entrustment letter (委托函)
	SecondedFromOutside bool // works in an office set up by a central or other province's unit (派驻机构)
	AssistanceApproved  bool // approved assistance/secondment case (帮扶、挂职) allowed to apply here

	// Application.
	Type             model.AppType // "" means model.AppNormal
	Scope            model.Scope   // "" means model.ScopeProvince
	ExceptionalBasis string        // the exceptional-promotion clause relied on (破格条件条款), R-ELG-08

	// Series and level (R-ELG-06). Ranks: higher is more senior (e.g. 1 员级 … 5 正高级).
	CurrentSeries    string
	ApplySeries      string
	CurrentLevelRank int
	AppliedLevelRank int
	Transferred      bool      // has transferred into ApplySeries (转系列) before this application
	TransferAssessed bool      // the unit's assessment for the transfer was passed (单位考核合格)
	TransferDate     time.Time // appointment in the new series after the transfer

	// Seniority (R-CAL-05, R-CAL-06). For a transferred applicant, CurrentTitleObtained and
	// Appointed are the dates at this level in the original series: seniority carries over.
	CareerStart          time.Time // 从事专业技术工作起始时间
	CurrentTitleObtained time.Time // 取得现职称资格时间
	Appointed            time.Time // 聘任（用）现职称岗位时间
	PostManaged          bool      // 纳入事业单位岗位管理 / 实行企业化管理的事业单位: tenure from appointment

	Achievements []Achievement
	// ContinuingEducation is the hours (学时) completed per calendar year (R-ELG-07).
	ContinuingEducation map[int]int
	GrassrootsMonths    int        // 基层服务累计月数
	UnitPosts           *UnitPosts // the employer's posts, when known (R-ELG-09)
}

// Requirements are the plan's policy numbers and the conditions of the applied level, resolved
// by the caller for this application (level, series, scope).
type Requirements struct {
	PlanYear  int    // the plan year; Check fills zero from today, the single checks need it set
	LevelName string // e.g. "高级政工师", used in messages
	Senior    bool   // the level is deputy-senior or senior (副高级、正高级): the grassroots quota applies

	MinTotalYears          int // 专业技术总年限 (years)
	MinYearsInCurrentTitle int // 现职称任职年限 (years)
	// Exceptional (破格) applications use these instead; zero waives the requirement.
	ExceptionalMinTotalYears          int
	ExceptionalMinYearsInCurrentTitle int

	// CEHoursPerYear is the continuing-education hours required per year. The seeds require
	// "每年学习任务" without a number (it comes from the province's CE regulation), so it is a
	// plan setting with no default: zero means only that each year must have some completed CE.
	CEHoursPerYear int
	CEYears        int // how many years back CE is checked; zero means 5 (近5年)

	RequireGrassroots   bool // the level requires grassroots service (基层服务经历)
	GrassrootsMinMonths int  // zero means 12 ("累计1年以上")

	BlacklistYears int // 3 (seed 003) or 5 (seed 000); informational here, see BlacklistEnd

	// Unit publicity in working days (R-FLOW-01, R-ELG-08): zero means 5, and 7 for exceptional
	// and grassroots-scope applications ("适当延长公示期"). See PublicityWorkdays.
	PublicityWorkdays         int
	ExtendedPublicityWorkdays int

	// GrassrootsSeniorQuotaPct caps grassroots-valid senior posts as a percentage of the unit's
	// professional posts (R-ELG-09); zero means GrassrootsSeniorCapPercent (10).
	GrassrootsSeniorQuotaPct float64
}

// NewRequirements resolves the requirements of an application for level l of plan p. The
// level's ordinary seniority conditions apply to normal and transfer applications; an
// exceptional one is judged against l.ExceptionalYearsInCurrent and its total years are waived
// (seed 000 四(三): 破格 is for those whose "学历、履职资历达不到规定要求"). Grassroots service is
// not part of model.Level; set RequireGrassroots on the result where the level's standard asks
// for it.
func NewRequirements(p model.Plan, l model.Level) Requirements {
	return Requirements{
		PlanYear:                          p.Year,
		LevelName:                         l.Name,
		Senior:                            l.Senior(),
		MinTotalYears:                     l.MinTotalYears,
		MinYearsInCurrentTitle:            l.MinYearsInCurrent,
		ExceptionalMinYearsInCurrentTitle: l.ExceptionalYearsInCurrent,
		CEHoursPerYear:                    p.Policy.CEHoursPerYear,
		BlacklistYears:                    p.Policy.BlacklistYears,
		PublicityWorkdays:                 p.Policy.PublicityWorkdays,
		ExtendedPublicityWorkdays:         p.Policy.PublicityWorkdaysLong,
		GrassrootsSeniorQuotaPct:          p.Policy.GrassrootsSeniorQuotaPct,
	}
}

func (r Requirements) planYear(today time.Time) int {
	if r.PlanYear != 0 {
		return r.PlanYear
	}
	return today.Year()
}

// Check runs every eligibility check and returns all findings at once (R-ELG-10), in rule
// order; nil when the applicant may apply.
func Check(p Profile, r Requirements, today time.Time) model.Errors {
	r.PlanYear = r.planYear(today)
	var es model.Errors
	add := func(e *model.Error) {
		if e != nil {
			es = append(es, e)
		}
	}
	add(CheckCivilServant(p))
	add(CheckRetirement(p, r.PlanYear))
	add(CheckSanction(p, today))
	add(CheckBlacklist(p, today))
	es = append(es, CheckChannel(p)...)
	es = append(es, CheckTransfer(p, r)...)
	es = append(es, CheckContinuingEducation(p, r)...)
	add(CheckExceptional(p))
	add(CheckGrassroots(p, r))
	if p.UnitPosts != nil && p.Scope == model.ScopeGrassroots && r.Senior {
		add(CheckGrassrootsQuotaPct(p.UnitPosts.SeniorGrassrootsPosts, p.UnitPosts.ProfessionalPosts, true, r.GrassrootsSeniorQuotaPct))
	}
	es = append(es, CheckSeniority(p, r)...)
	es = append(es, CheckAchievements(p.Achievements, r.PlanYear)...)
	return es
}

// CheckCivilServant decides R-ELG-01 (seed 003 一): civil servants and staff managed under the
// civil-servant law may not apply.
func CheckCivilServant(p Profile) *model.Error {
	if !p.CivilServant {
		return nil
	}
	return elgFinding("R-ELG-01", "civil_servant",
		"公务员（含参照公务员法管理的事业单位工作人员）不能申报职称",
		"只有在企事业单位、社会团体等从事专业技术工作的非公务员人员可以申报；如身份填写有误，请更正")
}

// CheckSanction decides R-ELG-03: inside the impact period of a party or government
// disciplinary sanction (through SanctionUntil, inclusive) the applicant may not apply.
func CheckSanction(p Profile, today time.Time) *model.Error {
	if p.SanctionUntil.IsZero() || elgDay(today).After(elgDay(p.SanctionUntil)) {
		return nil
	}
	return elgFinding("R-ELG-03", "sanction_until",
		fmt.Sprintf("受党纪政务处分，影响期至 %s，影响期内不得申报职称", elgFmtDay(p.SanctionUntil)),
		fmt.Sprintf("影响期满后（%s 起）方可申报", elgFmtDay(p.SanctionUntil.AddDate(0, 0, 1))))
}

// BlacklistEnd is the last day (inclusive) of a blacklisting of `years` years decided on
// `listed`: the same day `years` later, or the month's last day where it has none. The day of
// the decision does not count and the period ends on the corresponding day (《民法典》第二百零一条、
// 第二百零二条). Example: listed 2024-10-20 for 3 years → 2027-10-20; listed 2024-02-29 for 3
// years → 2027-02-28. years is the plan setting: 3 (seed 003 填报须知三), 5 for political-work
// titles (seed 000 三(三)3).
func BlacklistEnd(listed time.Time, years int) time.Time {
	return elgAddMonths(elgDay(listed), years*12)
}

// CheckBlacklist decides R-ELG-04: while any blacklisting runs (today on or before its Until)
// the applicant may not apply. One finding names the latest end date, after which the
// applicant may apply.
func CheckBlacklist(p Profile, today time.Time) *model.Error {
	d := elgDay(today)
	var last *BlacklistEntry
	for i := range p.Blacklist {
		e := &p.Blacklist[i]
		if e.Until.IsZero() || d.After(elgDay(e.Until)) {
			continue
		}
		if last == nil || elgDay(e.Until).After(elgDay(last.Until)) {
			last = e
		}
	}
	if last == nil {
		return nil
	}
	msg := fmt.Sprintf("已列入职称申报评审失信黑名单，期至 %s，期内不得申报职称", elgFmtDay(last.Until))
	if last.Reason != "" {
		msg = fmt.Sprintf("因%s列入职称申报评审失信黑名单，期至 %s，期内不得申报职称", last.Reason, elgFmtDay(last.Until))
	}
	return elgFinding("R-ELG-04", "blacklist", msg,
		fmt.Sprintf("期满后（%s 起）方可申报", elgFmtDay(last.Until.AddDate(0, 0, 1))))
}

// CheckChannel decides R-ELG-05 (seed 003 二(一)):
//
//   - staff of public-sector enterprises (国有企业) and regular staff of public institutions
//     apply through the employer (人事关系所在工作单位);
//   - staff of non-public enterprises and social organisations, and contract staff of public
//     institutions (编外聘用), through the employer or the talent-service agency holding their
//     archive;
//   - flexible workers only through that agency;
//   - central units' staff (中央在甘单位) only after the office approves the unit's entrustment
//     letter (委托函);
//   - staff of offices of central or other provinces' units (派驻机构) not at all, unless an
//     approved assistance or secondment case (帮扶、挂职).
func CheckChannel(p Profile) model.Errors {
	var es model.Errors
	kind := p.ApplyingOrgKind
	employment := p.Employment
	if employment == "" {
		employment = EmployRegular
	}
	central := p.CentralUnit || p.UnitType == model.UnitCentral
	switch {
	case !kind.Applies():
		es = append(es, elgFinding("R-ELG-05", "applying_org",
			"申报须通过用人单位或负责档案托管的人才服务机构进行，当前未选择申报单位或所选机构不受理申报",
			"请选择本人所在用人单位，或负责托管本人人事档案的人才服务机构作为申报单位"))
	case employment == EmployFlexible:
		if kind != model.OrgAgency {
			es = append(es, elgFinding("R-ELG-05", "applying_org",
				"灵活就业人员须由负责托管其人事档案的人才服务机构申报，不能通过"+kind.Label()+"申报",
				"请改为通过托管本人人事档案的人才服务机构申报"))
		}
	case p.UnitType == "":
		es = append(es, elgFinding("R-ELG-05", "unit_type",
			"未填写用人单位类型，无法确定申报渠道",
			"请选择用人单位类型（事业单位、国有企业、非公有制企业、社会组织、中央驻甘单位）；灵活就业人员请选择“灵活就业”"))
	case kind == model.OrgAgency && !elgAgencyAllowed(p.UnitType, employment, central):
		es = append(es, elgFinding("R-ELG-05", "applying_org",
			fmt.Sprintf("%s的%s须通过人事关系所在工作单位申报，不能通过人才服务机构申报", p.UnitType.Label(), employment.Label()),
			"请改为通过本人人事关系所在的用人单位申报"))
	}
	if central && !p.EntrustmentApproved {
		es = append(es, elgFinding("R-ELG-05", "entrustment",
			"中央在甘单位人员申报本单位无评审权限的系列（专业），须由本单位人事部门向省职改办出具委托函并经审核同意，当前委托函尚未获批",
			"请由本单位人事（人力资源）部门向省职改办出具委托函，经省职改办审核同意后再申报"))
	}
	if p.SecondedFromOutside && !p.AssistanceApproved {
		es = append(es, elgFinding("R-ELG-05", "seconded",
			"中央及外省企事业单位设立的派驻机构工作人员，原则上不能在我省申报职称",
			"如属允许在派驻地申报的帮扶、挂职等人员，请由派出单位向派出地及派驻地省级行业主管部门、人社部门申请，经同意后在派驻单位申报"))
	}
	return es
}

// elgAgencyAllowed reports whether staff of this kind may apply through a talent-service agency.
func elgAgencyAllowed(t model.UnitType, e Employment, central bool) bool {
	if central {
		return false
	}
	switch t {
	case model.UnitPrivateEnterprise, model.UnitSocialOrg:
		return true
	case model.UnitPublicInstitution:
		return e == EmployContract
	default: // state enterprises and unknown types: through the employer
		return false
	}
}

// CheckTransfer decides R-ELG-06 (seed 003 五(四)):
//
//   - a transfer application (转系列评审) needs the unit's assessment (单位考核合格), must be for
//     another series, and not for a higher level ("转系列人员当年度不得申报高一级职称");
//   - an applicant who transferred earlier may apply for a higher level in the new series only
//     after the unit's assessment, not in the year of the transfer, and after at least one year
//     (12 months, counted like tenure to 12-31 of the plan year) appointed in the new series;
//   - without a transfer, no application in a series other than the current title's
//     ("未转系列人员，不得跨系列申报高一级职称"; same-level moves go through 转系列评审).
//
// Seniority carries over across a transfer: see TenureStart.
func CheckTransfer(p Profile, r Requirements) model.Errors {
	var es model.Errors
	higher := p.AppliedLevelRank > p.CurrentLevelRank
	cross := p.ApplySeries != "" && p.CurrentSeries != "" && p.ApplySeries != p.CurrentSeries

	if p.Type == model.AppTransfer {
		if !cross {
			es = append(es, elgFinding("R-ELG-06", "apply_series",
				fmt.Sprintf("转系列评审须申报与现职称（%s）不同的系列", elgOr(p.CurrentSeries, "未填写")),
				"请选择岗位变化后的新系列（专业）；同系列申报请选择正常晋升"))
		}
		if !p.TransferAssessed {
			es = append(es, elgFinding("R-ELG-06", "transfer_assessed",
				"转系列评审须经单位考核合格，当前未记录单位考核合格",
				"请由用人单位对岗位变化情况进行考核，考核合格后再申请转系列评审"))
		}
		if higher {
			es = append(es, elgFinding("R-ELG-06", "applied_level",
				"转系列评审只能申报与现职称同级的职称，转系列人员当年度不得申报高一级职称",
				"请申报与现职称同级的新系列职称；在新系列聘任（用）满 1 年后，次年度起方可申报高一级职称"))
		}
		return es
	}

	if cross && !p.Transferred {
		fix := "请先经单位考核合格后申请转系列评审，取得新系列职称并在新系列聘任（用）满 1 年后再申报高一级职称"
		if !higher {
			fix = "跨系列申报同级职称请选择“转系列评审”，并经单位考核合格"
		}
		es = append(es, elgFinding("R-ELG-06", "apply_series",
			fmt.Sprintf("现职称系列为 %s，申报系列为 %s，未转系列人员不得跨系列申报职称", p.CurrentSeries, p.ApplySeries),
			fix))
	}

	if p.Transferred && higher {
		if !p.TransferAssessed {
			es = append(es, elgFinding("R-ELG-06", "transfer_assessed",
				"转系列须经单位考核合格，当前未记录单位考核合格",
				"请由用人单位出具转系列考核合格的证明"))
		}
		switch {
		case p.TransferDate.IsZero():
			es = append(es, elgFinding("R-ELG-06", "transfer_date",
				"未填写转系列（在新系列聘任/聘用）时间，无法判断是否满 1 年",
				"请填写在新系列（专业）聘任（用）的年月"))
		case p.TransferDate.Year() >= r.PlanYear:
			es = append(es, elgFinding("R-ELG-06", "transfer_date",
				fmt.Sprintf("转系列时间为 %s，转系列人员当年度不得申报高一级职称", elgFmtMonth(p.TransferDate)),
				fmt.Sprintf("须在新系列聘任（用）满 1 年，最早于 %d 年度申报高一级职称", p.TransferDate.Year()+1)))
		default:
			// Counted like tenure to 12-31 of the plan year, any transfer before the plan year
			// gives at least 12 months, so this only fires if the counting rule changes; it is
			// kept so that the "满1年" condition stays explicit.
			if n := elgMonthsThrough(p.TransferDate, SeniorityEnd(r.PlanYear)); n < 12 {
				es = append(es, elgFinding("R-ELG-06", "transfer_date",
					fmt.Sprintf("自 %s 在新系列聘任（用）计算到 %s 为 %s，不满 1 年",
						elgFmtMonth(p.TransferDate), elgFmtDay(SeniorityEnd(r.PlanYear)), elgFmtYM(n)),
					"须在新系列（专业）聘任（用）满 1 年后申报高一级职称"))
			}
		}
	}
	return es
}

func elgOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// ContinuingEducationYears returns the calendar years whose CE is checked for the plan year
// (R-ELG-07): from the year the current title was obtained, but at most the last CEYears (5)
// years, through the year before the plan year.
//
// Seed 000 三(四) asks for "取得现专业职务（近5年）以来完成…每年学习任务的合格证书"; seed 003
// 三(三)3 bars those short of the hours. The plan year itself is not checked: the application
// window (seed 003 to 10-20, seed 000 to 09-30) closes before that year's task can be complete.
// The year the title was obtained is checked, because the yearly duty (专业技术人员继续教育规定
// 第八条) exists regardless of the title. Without a title date, the year of appointment or of
// the career start bounds the range; without any, the last CEYears years are checked.
func ContinuingEducationYears(p Profile, r Requirements) []int {
	n := r.CEYears
	if n <= 0 {
		n = 5
	}
	from := r.PlanYear - n
	for _, d := range []time.Time{p.CurrentTitleObtained, p.Appointed, p.CareerStart} {
		if !d.IsZero() {
			from = max(from, d.Year())
			break
		}
	}
	var ys []int
	for y := from; y < r.PlanYear; y++ {
		ys = append(ys, y)
	}
	return ys
}

// CheckContinuingEducation decides R-ELG-07: each year of ContinuingEducationYears needs
// CEHoursPerYear hours (or, when the plan sets no number, some completed CE). Each short
// year is its own finding naming the year and the shortfall.
func CheckContinuingEducation(p Profile, r Requirements) model.Errors {
	var es model.Errors
	for _, y := range ContinuingEducationYears(p, r) {
		h := p.ContinuingEducation[y]
		field := fmt.Sprintf("continuing_education[%d]", y)
		switch {
		case r.CEHoursPerYear > 0 && h < r.CEHoursPerYear:
			es = append(es, elgFinding("R-ELG-07", field,
				fmt.Sprintf("%d 年度继续教育 %d 学时，少于每年 %d 学时的要求，差 %d 学时", y, h, r.CEHoursPerYear, r.CEHoursPerYear-h),
				fmt.Sprintf("请上传 %d 年度完成继续教育学习任务（不少于 %d 学时）的合格证书或证明", y, r.CEHoursPerYear)))
		case r.CEHoursPerYear <= 0 && h <= 0:
			es = append(es, elgFinding("R-ELG-07", field,
				fmt.Sprintf("%d 年度无继续教育学时记录，未完成每年学习任务", y),
				fmt.Sprintf("请上传 %d 年度完成继续教育学习任务的合格证书或证明", y)))
		}
	}
	return es
}

// CheckExceptional decides the exceptional-promotion condition of R-ELG-08 that can be checked
// before review: a 破格 application names the exceptional clause of the evaluation standard it
// relies on (seed 000 四(三), seed 003 四(一)). Whether the clause is met is for the reviewers.
func CheckExceptional(p Profile) *model.Error {
	if p.Type != model.AppExceptional || strings.TrimSpace(p.ExceptionalBasis) != "" {
		return nil
	}
	return elgFinding("R-ELG-08", "exceptional_basis",
		"破格申报须注明所符合的破格条件，当前未填写",
		"请填写所符合的评价条件标准中的破格条款及对应业绩；不符合破格条件的请按正常晋升申报")
}

// CheckGrassroots checks grassroots service when the level requires it (SPEC §4: "累计1年以上",
// seed 003 填报须知三(三)4). SPEC gives this condition no id of its own; it is reported under
// R-ELG-08 (application types and levels with their own conditions).
func CheckGrassroots(p Profile, r Requirements) *model.Error {
	if !r.RequireGrassroots {
		return nil
	}
	need := r.GrassrootsMinMonths
	if need <= 0 {
		need = 12
	}
	if p.GrassrootsMonths >= need {
		return nil
	}
	return elgFinding("R-ELG-08", "grassroots_months",
		fmt.Sprintf("在基层专业技术岗位累计服务 %d 个月，须累计满 %d 个月", p.GrassrootsMonths, need),
		fmt.Sprintf("须在基层相应专业技术岗位累计服务或工作满 %d 个月，并上传本单位及行业主管部门出具的文件、考核登记表等证明", need))
}

// PublicityWorkdays is the unit publicity, in working days, before recommending (R-FLOW-01,
// R-ELG-08): r.PublicityWorkdays (default 5), or for exceptional and grassroots-scope
// applications r.ExtendedPublicityWorkdays (default 7, never less than the normal period).
// Seed 003 四(一) asks units to "适当延长公示期" for them without a number; 7 is this system's
// default and a plan setting.
func PublicityWorkdays(t model.AppType, s model.Scope, r Requirements) int {
	base := r.PublicityWorkdays
	if base <= 0 {
		base = 5
	}
	if t != model.AppExceptional && s != model.ScopeGrassroots {
		return base
	}
	ext := r.ExtendedPublicityWorkdays
	if ext <= 0 {
		ext = 7
	}
	return max(ext, base)
}

// GrassrootsSeniorCapPercent is the cap on grassroots-valid senior posts, as a percentage of
// the unit's professional posts (seed 003 五(三)).
const GrassrootsSeniorCapPercent = 10

// CheckGrassrootsQuota decides R-ELG-09 with the seed's 10 % cap: grassroots-valid (基层有效)
// senior titles, normal and exceptional alike, may take at most 10 % of the unit's
// professional posts. seniorGrassrootsPosts is the number already used; addingOne counts the
// applicant as well.
func CheckGrassrootsQuota(seniorGrassrootsPosts, professionalPosts int, addingOne bool) *model.Error {
	return CheckGrassrootsQuotaPct(seniorGrassrootsPosts, professionalPosts, addingOne, GrassrootsSeniorCapPercent)
}

// CheckGrassrootsQuotaPct is CheckGrassrootsQuota with the plan's percentage (zero means 10).
// Exactly pct % is allowed: 2 of 20 posts at 10 % pass, 3 do not. The refusal says the posts
// used, the limit and how many posts would have to free up.
func CheckGrassrootsQuotaPct(seniorGrassrootsPosts, professionalPosts int, addingOne bool, pct float64) *model.Error {
	if pct <= 0 {
		pct = GrassrootsSeniorCapPercent
	}
	n := seniorGrassrootsPosts
	if addingOne {
		n++
	}
	maxPosts := GrassrootsSeniorMax(professionalPosts, pct)
	if n <= maxPosts {
		return nil
	}
	used := fmt.Sprintf("本单位基层有效高级岗位已用 %d 个", seniorGrassrootsPosts)
	if addingOne {
		used += fmt.Sprintf("，加上本次申报共 %d 个", n)
	}
	pctText := strconv.FormatFloat(pct, 'f', -1, 64)
	return elgFinding("R-ELG-09", "unit_posts",
		fmt.Sprintf("%s，超过上限 %d 个（专业技术岗位总量 %d 个的 %s%%）", used, maxPosts, professionalPosts, pctText),
		fmt.Sprintf("基层有效高级岗位（含正常和破格晋升）不得超过专业技术岗位总量的 %s%%，须再空出 %d 个岗位：待本单位基层有效高级岗位有空缺后再申报推荐，或改为申报全省有效职称",
			pctText, n-maxPosts))
}

// GrassrootsSeniorMax is the most grassroots-valid senior posts pct % of professionalPosts
// allows (zero pct means 10): the whole number of posts within the cap, rounded down.
func GrassrootsSeniorMax(professionalPosts int, pct float64) int {
	if pct <= 0 {
		pct = GrassrootsSeniorCapPercent
	}
	// The epsilon keeps 10 % of 20 at 2 despite binary floating point.
	return max(0, int(math.Floor(float64(professionalPosts)*pct/100+1e-9)))
}

// ExemptFromPostRatio reports whether an application is outside the unit's post-structure
// ratio (岗位结构比例): exceptional promotions to a province-wide title are (seed 003 五(三)
// "破格申报全省有效职称的,可不受本单位岗位结构比例限制"); everything else is bound by it, and
// grassroots-scope titles also by the 10 % cap of CheckGrassrootsQuota.
func ExemptFromPostRatio(t model.AppType, s model.Scope) bool {
	return t == model.AppExceptional && s != model.ScopeGrassroots
}
