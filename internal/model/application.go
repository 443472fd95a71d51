package model

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The application (申报, SPEC §4): a row per application with its status and the current
// form; the form itself is one JSON document per version, and evidence files are separate rows
// linked to an upload slot (Slot.Key). The checks live in rules (ValidateDraft on every save,
// PreSubmit before submitting); this file only says what the form is and which uploads it
// needs, so that the UI, the store, the checks and the reviewers' diff all read one definition.
//
// Conventions of the form:
//   - JSON names are snake_case, and every zero value means "not filled in" (an empty string,
//     0, false, nil) so that a half-filled draft is a valid document.
//   - Dates are Date values: "YYYY-MM-DD" or "YYYY-MM" (many certificates give only a month).
//   - Every list entry carries a stable ID chosen by the caller (the UI generates it when the
//     entry is added). Slot keys and field paths use it, so reordering papers keeps their
//     files, and a reviewer's diff matches entries across versions.
//   - Lists whose order means something keep it: papers, monographs, projects and awards are
//     ordered by quality (按质量高低填报), other achievements by the criteria they meet.

// AppStatus is where an application is in the procedure (SPEC §5). The review states are added
// with the workflow table.
type AppStatus string

const (
	StatusDraft     AppStatus = "draft"     // 草稿: only the applicant sees it (R-APP-04)
	StatusSubmitted AppStatus = "submitted" // 已提交，待单位审核
	StatusReturned  AppStatus = "returned"  // 退回修改: editable again, with the reasons (R-APP-05, R-APP-08)
	StatusWithdrawn AppStatus = "withdrawn" // 已撤回
)

// The review states up to the office's preliminary qualification review (SPEC §5). The
// transitions between them, with roles, windows and guards, are rules.Transitions.
// StatusSubmitted above is the unit-review state (单位审核中): a submitted application is with
// its unit until the unit returns it, does not recommend it, or starts the publicity. Whether
// the originals are being checked (查验原件, R-FLOW-05) is a fact of the case, not a state: the
// application stays where it is, at its chain level, while they are.
const (
	StatusUnitPublicity  AppStatus = "unit_publicity"  // 单位公示中 (R-FLOW-01)
	StatusRecommended    AppStatus = "recommended"     // 已推荐: waiting for the first department of the chain to take it
	StatusDeptReview     AppStatus = "dept_review"     // 审核部门审核中, at one level of the unit's chain (R-FLOW-06)
	StatusPrelimReview   AppStatus = "prelim_review"   // 职改办资格初审中
	StatusPrelimPassed   AppStatus = "prelim_passed"   // 资格初审通过: paper appraisal (senior) or the committee next
	StatusNotRecommended AppStatus = "not_recommended" // end: 单位不予推荐
	StatusRejected       AppStatus = "rejected"        // end: 资格初审未通过
	StatusCancelledFraud AppStatus = "cancelled_fraud" // end: 因弄虚作假取消申报资格 (R-FLOW-11)
	// StatusLapsed ends an application the review deadline overtook: still with its unit or
	// a department (or returned to the applicant) when the plan's review window closed, which
	// never reopens (R-CAL-02). The system, not a person, moves it here.
	StatusLapsed AppStatus = "lapsed" // end: 逾期未完成审核
)

var appStatusNames = map[AppStatus]string{
	StatusDraft:     "草稿",
	StatusSubmitted: "已提交，待单位审核",
	StatusReturned:  "退回修改",
	StatusWithdrawn: "已撤回",

	StatusUnitPublicity:  "单位公示中",
	StatusRecommended:    "单位已推荐，待审核部门受理",
	StatusDeptReview:     "审核部门审核中",
	StatusPrelimReview:   "职改办资格初审中",
	StatusPrelimPassed:   "资格初审通过",
	StatusNotRecommended: "单位不予推荐",
	StatusRejected:       "资格初审未通过",
	StatusCancelledFraud: "因弄虚作假取消申报资格",
	StatusLapsed:         "逾期未完成审核",
}

// Label is the Chinese name shown to the applicant (R-APP-08).
func (s AppStatus) Label() string {
	if n, ok := appStatusNames[s]; ok {
		return n
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s AppStatus) Valid() bool { _, ok := appStatusNames[s]; return ok }

// Editable reports whether the applicant may change the form: a draft, or an application
// returned for modification (R-APP-05).
func (s AppStatus) Editable() bool { return s == StatusDraft || s == StatusReturned }

// ApplicationMethod is the only application method the system takes: 评审. The seed's form
// has a 考核认定 box that applicants must not tick (seed 003 填报须知二(一)), so the form has no
// method field at all.
const ApplicationMethod = "评审"

// Application is one applicant's application to one plan.
type Application struct {
	ID          int64
	PlanID      int64
	ApplicantID int64 // the applicant's user id
	OrgID       int64 // the unit or talent-service agency it goes through (R-ELG-05)
	Status      AppStatus
	Form        Form
	// Version is the optimistic-concurrency counter of the draft: a save names the version
	// it edited and fails with ErrConflict if another save came first (two phones, one draft).
	Version int64
	// Submissions counts the submitted versions; each stays in the record (R-APP-05).
	Submissions int
	Pledge      *Pledge // nil until the integrity pledge is signed (R-APP-03)
	Created     time.Time
	Updated     time.Time
	Submitted   time.Time // last submission; zero if never submitted
}

// Pledge is the signed integrity pledge (诚信承诺书, R-APP-03).
type Pledge struct {
	TextVersion string    // which wording of the pledge was shown
	SignedAt    time.Time // when the applicant signed
	SignerName  string    // the real name the applicant typed
}

// Date is a civil date as certificates write it: "YYYY-MM-DD", or "YYYY-MM" where only the
// month is known. The empty Date means "not filled in". Valid says whether it is well formed.
type Date string

// dateMinYear and dateMaxYear bound the years a form date may name.
const (
	dateMinYear = 1900
	dateMaxYear = 2100
)

func (d Date) parse() (t time.Time, monthOnly, ok bool) {
	s := string(d)
	switch len(s) {
	case len("2006-01-02"):
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return time.Time{}, false, false
		}
		t = v
	case len("2006-01"):
		v, err := time.Parse("2006-01", s)
		if err != nil {
			return time.Time{}, false, false
		}
		t, monthOnly = v, true
	default:
		return time.Time{}, false, false
	}
	if t.Year() < dateMinYear || t.Year() > dateMaxYear {
		return time.Time{}, false, false
	}
	return t, monthOnly, true
}

// IsZero reports whether the date is not filled in.
func (d Date) IsZero() bool { return d == "" }

// Valid reports whether d is "YYYY-MM-DD" or "YYYY-MM", names a real date, and lies in
// 1900–2100. The empty Date is not valid; check IsZero first where empty is allowed.
func (d Date) Valid() bool { _, _, ok := d.parse(); return ok }

// MonthOnly reports whether d gives only a month.
func (d Date) MonthOnly() bool { _, m, ok := d.parse(); return ok && m }

// First is the earliest day d may mean (the first of the month for "YYYY-MM"), at 00:00 UTC;
// ok is false when d is empty or malformed.
func (d Date) First() (t time.Time, ok bool) {
	t, _, ok = d.parse()
	return t, ok
}

// Last is the latest day d may mean (the last of the month for "YYYY-MM"), at 00:00 UTC.
// Cut-offs compare Last, so that "2024-09" counts for a 09-30 cut-off and "2024-10" does not.
func (d Date) Last() (t time.Time, ok bool) {
	t, monthOnly, ok := d.parse()
	if ok && monthOnly {
		t = t.AddDate(0, 1, -1)
	}
	return t, ok
}

// Year is the year of d, 0 when d is empty or malformed.
func (d Date) Year() int {
	t, _, ok := d.parse()
	if !ok {
		return 0
	}
	return t.Year()
}

// Form is what the applicant fills (SPEC §4): the basics and the five modules of seed 003
// 填报须知二(二).
type Form struct {
	Basics       Basics       `json:"basics" label:"申报基础信息"`
	Basic        BasicInfo    `json:"basic" label:"基本信息"`        // module 1
	Moral        Moral        `json:"moral" label:"品德相关信息"`      // module 2
	Ability      Ability      `json:"ability" label:"能力相关信息"`    // module 3
	Achievements Achievements `json:"achievements" label:"业绩成果"` // module 4
	Summary      string       `json:"summary" label:"专业技术工作小结"`  // module 5: at most 800 characters (R-APP-07)
}

// Basics is the first page: what is applied for. The applicant's name and unit come from the
// account and the application's OrgID; the series is the plan's; the method is always 评审
// (ApplicationMethod).
type Basics struct {
	LevelCode string  `json:"level_code" label:"申报资格"` // a Level.Code of the plan
	Specialty string  `json:"specialty" label:"申报专业"`  // one of the plan's specialties
	Scope     Scope   `json:"scope" label:"有效范围"`      // 全省有效 / 全省基层有效
	AppType   AppType `json:"app_type" label:"申报类型"`   // 正常晋升 / 破格 / 转系列
	// TransferFrom is the series the applicant transfers from (转系列评审, AppTransfer); it
	// must be the current title's series.
	TransferFrom string `json:"transfer_from" label:"转出系列（专业）"`
	// ExceptionalBasis is the exceptional-promotion clause relied on (破格, R-ELG-08).
	ExceptionalBasis string `json:"exceptional_basis" label:"所符合的破格条件"`
}

// PoliticalStatus is 政治面貌.
type PoliticalStatus string

const (
	PoliticalPartyMember     PoliticalStatus = "party_member"        // 中共党员
	PoliticalProbationary    PoliticalStatus = "probationary_member" // 中共预备党员
	PoliticalLeagueMember    PoliticalStatus = "league_member"       // 共青团员
	PoliticalDemocraticParty PoliticalStatus = "democratic_party"    // 民主党派成员
	PoliticalNonParty        PoliticalStatus = "non_party"           // 无党派人士
	PoliticalMasses          PoliticalStatus = "masses"              // 群众
)

// PoliticalStatuses lists the values in display order.
var PoliticalStatuses = []PoliticalStatus{PoliticalPartyMember, PoliticalProbationary, PoliticalLeagueMember,
	PoliticalDemocraticParty, PoliticalNonParty, PoliticalMasses}

var politicalNames = map[PoliticalStatus]string{
	PoliticalPartyMember: "中共党员", PoliticalProbationary: "中共预备党员", PoliticalLeagueMember: "共青团员",
	PoliticalDemocraticParty: "民主党派成员", PoliticalNonParty: "无党派人士", PoliticalMasses: "群众",
}

// Label is the Chinese name.
func (p PoliticalStatus) Label() string { return labelOr(politicalNames, p) }

// Valid reports whether p is a known value.
func (p PoliticalStatus) Valid() bool { _, ok := politicalNames[p]; return ok }

// SIMode is how the applicant proves employment through social insurance (seed 003
// 填报须知三(一)3).
type SIMode string

const (
	// SISixMonths: 6 months of social-insurance contributions (contract and enterprise staff).
	SISixMonths SIMode = "six_months"
	// SIAlternative: when that cannot be provided, the unit's stamped statement, the labour
	// contract, bank salary statements and the roster signed by the legal representative.
	SIAlternative SIMode = "alternative"
	// SIHeadOffice: a branch in Gansu of an out-of-province private firm (approved through
	// entrustment) whose staff are insured at the head office: 6 months' proof from the
	// head office's social-insurance agency.
	SIHeadOffice SIMode = "head_office"
	// SINotRequired: regular (在编) staff of a public institution, who need no proof.
	SINotRequired SIMode = "not_required"
)

// SIModes lists the values in display order.
var SIModes = []SIMode{SISixMonths, SIAlternative, SIHeadOffice, SINotRequired}

var siModeNames = map[SIMode]string{
	SISixMonths:   "6个月社保参保缴费证明",
	SIAlternative: "无法提供社保证明（身份情况说明、劳动合同、银行工资流水、人员花名册）",
	SIHeadOffice:  "在企业总部缴纳社保（外省民营企业在甘分支机构）",
	SINotRequired: "无需提供（事业单位在编人员）",
}

// Label is the Chinese name.
func (m SIMode) Label() string { return labelOr(siModeNames, m) }

// Valid reports whether m is a known value.
func (m SIMode) Valid() bool { _, ok := siModeNames[m]; return ok }

// BasicInfo is module 1, 基本信息. Gender and birth date are derived from the ID number of the
// account, not entered here.
type BasicInfo struct {
	Ethnicity       string          `json:"ethnicity" label:"民族"`
	PoliticalStatus PoliticalStatus `json:"political_status" label:"政治面貌"`
	// Employment holds a rules.Employment value: "regular" (在编/正式), "contract" (编外聘用) or
	// "flexible" (灵活就业). It is a plain string because model imports nothing of rules.
	Employment string `json:"employment" label:"用工性质" enum:"employment"`
	// PostManaged: 纳入事业单位岗位管理 (or an enterprise-managed institution): tenure counts from
	// the appointment month, and the appointment proof is the continuous 备案表 (R-CAL-06).
	PostManaged bool `json:"post_managed" label:"纳入事业单位岗位管理"`
	// NotCivilServant is the applicant's declaration that they are neither a civil servant nor
	// staff managed under the civil-servant law (R-ELG-01); it must be ticked to submit.
	NotCivilServant bool `json:"not_civil_servant" label:"声明非公务员（含参公管理人员）"`
	// CareerStart is when professional work began (专业技术总年限 counts from it, R-CAL-05).
	CareerStart     Date          `json:"career_start" label:"从事专业技术工作时间"`
	SocialInsurance SIMode        `json:"social_insurance" label:"社会保险证明方式"`
	Education       []Education   `json:"education" label:"学习经历"`
	WorkHistory     []WorkEntry   `json:"work_history" label:"工作履历"`
	Qualification   Qualification `json:"qualification" label:"资历信息"`
}

// EduKind is the kind of education, which decides the proof when CHSI cannot verify it
// (seed 000 三(一), seed 003 填报须知三(一)5).
type EduKind string

const (
	EduDomestic            EduKind = "domestic_regular"     // 国内高等教育（普通、成人、自考、网络教育）
	EduForeign             EduKind = "foreign"              // 国外学历学位
	EduHMT                 EduKind = "hmt"                  // 港澳台学历学位
	EduPartySchool         EduKind = "party_school"         // 党校
	EduMilitary            EduKind = "military"             // 军队院校
	EduSecondaryVocational EduKind = "secondary_vocational" // 中专
	EduTechnicalSchool     EduKind = "technical_school"     // 技工院校
)

// EduKinds lists the values in display order.
var EduKinds = []EduKind{EduDomestic, EduForeign, EduHMT, EduPartySchool, EduMilitary, EduSecondaryVocational, EduTechnicalSchool}

var eduKindNames = map[EduKind]string{
	EduDomestic: "国内高等教育", EduForeign: "国外学历学位", EduHMT: "港澳台学历学位", EduPartySchool: "党校学历",
	EduMilitary: "军队院校学历", EduSecondaryVocational: "中专学历", EduTechnicalSchool: "技工院校学历",
}

// Label is the Chinese name.
func (k EduKind) Label() string { return labelOr(eduKindNames, k) }

// Valid reports whether k is a known value.
func (k EduKind) Valid() bool { _, ok := eduKindNames[k]; return ok }

// EduLevel is 学历层次.
type EduLevel string

const (
	EduDoctorate EduLevel = "doctorate" // 博士研究生
	EduMaster    EduLevel = "master"    // 硕士研究生
	EduBachelor  EduLevel = "bachelor"  // 大学本科
	EduAssociate EduLevel = "associate" // 大学专科
	EduSecondary EduLevel = "secondary" // 中专（中技、技校）
	EduOther     EduLevel = "other"     // 其他
)

// EduLevels lists the values in display order.
var EduLevels = []EduLevel{EduDoctorate, EduMaster, EduBachelor, EduAssociate, EduSecondary, EduOther}

var eduLevelNames = map[EduLevel]string{
	EduDoctorate: "博士研究生", EduMaster: "硕士研究生", EduBachelor: "大学本科", EduAssociate: "大学专科",
	EduSecondary: "中专（中技、技校）", EduOther: "其他",
}

// Label is the Chinese name.
func (l EduLevel) Label() string { return labelOr(eduLevelNames, l) }

// Valid reports whether l is a known value.
func (l EduLevel) Valid() bool { _, ok := eduLevelNames[l]; return ok }

// DegreeLevel is 学位; empty means none.
type DegreeLevel string

const (
	DegreeDoctor   DegreeLevel = "doctor"   // 博士
	DegreeMaster   DegreeLevel = "master"   // 硕士
	DegreeBachelor DegreeLevel = "bachelor" // 学士
)

// DegreeLevels lists the values in display order.
var DegreeLevels = []DegreeLevel{DegreeDoctor, DegreeMaster, DegreeBachelor}

var degreeNames = map[DegreeLevel]string{DegreeDoctor: "博士", DegreeMaster: "硕士", DegreeBachelor: "学士"}

// Label is the Chinese name; "无" for none.
func (d DegreeLevel) Label() string {
	if d == "" {
		return "无"
	}
	return labelOr(degreeNames, d)
}

// Valid reports whether d is a known value or empty (no degree).
func (d DegreeLevel) Valid() bool { _, ok := degreeNames[d]; return ok || d == "" }

// CHSIRecord is what [同步学信网] fetched from the national education-records service. Only the
// service writes it (from its own call to CHSI), never the browser; a save keeps the stored
// record unless the entry's certificate number or school changed, which clears it.
type CHSIRecord struct {
	Verified      bool      `json:"verified" label:"学信网核验通过"`
	VerifiedAt    time.Time `json:"verified_at,omitzero" label:"核验时间"`
	Name          string    `json:"name" label:"学信网姓名"`
	School        string    `json:"school" label:"学信网院校"`
	Major         string    `json:"major" label:"学信网专业"`
	Level         string    `json:"level" label:"学信网层次"` // CHSI's own wording, e.g. 本科
	Graduated     Date      `json:"graduated" label:"学信网毕业时间"`
	CertificateNo string    `json:"certificate_no" label:"学信网证书编号"`
	// Source is the verifier that answered; empty in records stored before it was kept.
	Source CHSISource `json:"source,omitempty" label:"核验来源"`
}

// CHSISource names the verifier behind a CHSIRecord (cmd/zhicheng --chsi).
type CHSISource string

const (
	// CHSISimulated: internal/chsi's made-up registry, which "verifies" any well-formed
	// number for anyone — a demonstration, not a check.
	CHSISimulated CHSISource = "simulated"
	// CHSIGateway: the province's data-sharing gateway in front of the real records.
	CHSIGateway CHSISource = "gateway"
)

// Label is the source in Chinese.
func (s CHSISource) Label() string {
	switch s {
	case CHSISimulated:
		return "模拟学信网（仅供演示）"
	case CHSIGateway:
		return "省政务数据共享交换平台"
	}
	return string(s)
}

// Simulated reports whether the record came from the simulated registry, which checks
// nothing: pages and the API must never show it as a real verification.
func (r CHSIRecord) Simulated() bool { return r.Source == CHSISimulated }

// Heading is how every page names a verified record, so that a reviewer can tell a
// simulated check from a real one; "" when the entry is not verified.
func (r CHSIRecord) Heading() string {
	switch {
	case !r.Verified:
		return ""
	case r.Simulated():
		return "学信网校验（模拟，仅供演示）"
	case r.Source == "":
		return "学信网核验通过（核验来源未记录）"
	}
	return "学信网核验通过"
}

// MarshalJSON adds Heading as "label", so that an API client shows what the pages show.
func (r CHSIRecord) MarshalJSON() ([]byte, error) {
	type plain CHSIRecord
	return json.Marshal(struct {
		plain
		Label string `json:"label,omitempty"`
	}{plain(r), r.Heading()})
}

// UnmarshalJSON ignores "label" (derived) — and anything else unknown: the record a client
// sends back is discarded for the stored one anyway.
func (r *CHSIRecord) UnmarshalJSON(b []byte) error {
	type plain CHSIRecord
	return json.Unmarshal(b, (*plain)(r))
}

// Education is one entry of 个人学习经历.
type Education struct {
	ID            string      `json:"id"`
	Level         EduLevel    `json:"level" label:"学历"`
	Kind          EduKind     `json:"kind" label:"学历类别"`
	School        string      `json:"school" label:"毕业院校"`
	Major         string      `json:"major" label:"所学专业"`
	Start         Date        `json:"start" label:"入学时间"`
	Graduated     Date        `json:"graduated" label:"毕业时间"` // the end of study
	CertificateNo string      `json:"certificate_no" label:"学历证书编号"`
	Degree        DegreeLevel `json:"degree" label:"学位"`
	DegreeNo      string      `json:"degree_no" label:"学位证书编号"`
	CHSI          CHSIRecord  `json:"chsi" label:"学信网同步结果"`
	// VerificationCode is the 12-character online verification code of the 电子注册备案表
	// (学信网验证码), valid at least to 12-31 of the plan year (seed 000 三(一)1).
	VerificationCode string `json:"verification_code" label:"学信网验证码"`
	CodeValidUntil   Date   `json:"code_valid_until" label:"验证码有效期至"`
}

// Caption names the entry in lists and diffs.
func (e Education) Caption() string {
	return joinNonEmpty(" ", e.School, e.Major, e.Level.labelIfSet())
}

func (l EduLevel) labelIfSet() string {
	if l == "" {
		return ""
	}
	return l.Label()
}

// EduProof is the proof an education entry needs (seed 000 三(一), seed 003 填报须知三(一)5).
type EduProof string

const (
	ProofNone         EduProof = ""                  // verified through CHSI: nothing to upload
	ProofForeign      EduProof = "foreign_cert"      // 《国外学历学位认证书》
	ProofHMT          EduProof = "hmt_cert"          // 《港澳台学历学位认证书》
	ProofStudentCard  EduProof = "student_card"      // 学籍卡或毕业生登记表
	ProofTechOnline   EduProof = "tech_online"       // 网上毕业证书查询结果
	ProofCertReport   EduProof = "cert_report"       // 《中国高等教育学历认证报告》
	ProofRegistration EduProof = "registration_form" // 《教育部学历证书电子注册备案表》 + 12-character code
	ProofUndetermined EduProof = "undetermined"      // kind or graduation year missing
)

var eduProofNames = map[EduProof]string{
	ProofNone:         "已通过学信网核验，无需上传",
	ProofForeign:      "教育部留学服务中心认证的《国外学历学位认证书》",
	ProofHMT:          "教育部留学服务中心认证的《港澳台学历学位认证书》",
	ProofStudentCard:  "学籍卡或毕业生登记表",
	ProofTechOnline:   "网上毕业证书查询结果",
	ProofCertReport:   "《中国高等教育学历认证报告》",
	ProofRegistration: "《教育部学历证书电子注册备案表》",
	ProofUndetermined: "学历证明材料",
}

// Label is the Chinese name of the document.
func (p EduProof) Label() string { return labelOr(eduProofNames, p) }

// Years that divide the cases of the proofs. Seed 000 三(一)1: "2001年及之前取得学历的…认证报告；
// 2002年后取得学历的…电子注册备案表" (graduation in 2001 → report, 2002 → registration form).
// Seed 000 三(一)5: "2008年以后的技工院校毕业生须提供网上毕业证书查询结果，2008年之前的…登记表或学籍卡":
// 以后 includes the year named and 之前 does not, so a 2008 graduate gives the online result.
const (
	LastCertReportYear  = 2001
	FirstTechOnlineYear = 2008
)

// Proof is the document this entry needs: none when CHSI verified it, else by kind and, for
// domestic and technical-school education, by graduation year.
func (e Education) Proof() EduProof {
	if e.CHSI.Verified {
		return ProofNone
	}
	y := e.Graduated.Year()
	switch e.Kind {
	case EduForeign:
		return ProofForeign
	case EduHMT:
		return ProofHMT
	case EduPartySchool, EduMilitary, EduSecondaryVocational:
		return ProofStudentCard
	case EduTechnicalSchool:
		switch {
		case y == 0:
			return ProofUndetermined
		case y >= FirstTechOnlineYear:
			return ProofTechOnline
		default:
			return ProofStudentCard
		}
	case EduDomestic:
		switch {
		case y == 0:
			return ProofUndetermined
		case y <= LastCertReportYear:
			return ProofCertReport
		default:
			return ProofRegistration
		}
	}
	return ProofUndetermined
}

// WorkEntry is one entry of 工作履历. An empty To means "to date".
type WorkEntry struct {
	ID           string `json:"id"`
	From         Date   `json:"from" label:"起始时间"`
	To           Date   `json:"to" label:"截止时间"`
	Organisation string `json:"organisation" label:"工作单位"`
	Post         string `json:"post" label:"岗位（职务）"`
	Duties       string `json:"duties" label:"主要工作内容"`
}

// Caption names the entry in lists and diffs.
func (w WorkEntry) Caption() string { return joinNonEmpty(" ", string(w.From), w.Organisation, w.Post) }

// Qualification is 资历信息: the current title and its appointment. For a title obtained by
// transfer (转系列) or conversion (平转), the original series' title is recorded too, and its
// dates are what seniority counts from (seed 003 五(四): 资历…累计计算).
type Qualification struct {
	Series        string `json:"series" label:"现职称系列（专业）"`
	LevelName     string `json:"level_name" label:"现职称名称"`
	LevelRank     int    `json:"level_rank" label:"现职称级次"` // 0 none, 1 员级, 2 助理级, 3 中级, 4 副高级, 5 正高级
	Obtained      Date   `json:"obtained" label:"取得现职称资格时间"`
	CertificateNo string `json:"certificate_no" label:"现职称证书编号"`
	Appointed     Date   `json:"appointed" label:"聘任（用）时间"`

	Transferred           bool   `json:"transferred" label:"现职称系转系列（平转）取得"`
	OriginalSeries        string `json:"original_series" label:"原系列（专业）"`
	OriginalObtained      Date   `json:"original_obtained" label:"原系列取得同级资格时间"`
	OriginalAppointed     Date   `json:"original_appointed" label:"原系列聘任（用）时间"`
	OriginalCertificateNo string `json:"original_certificate_no" label:"原系列资格证书编号"`
	// TransferAssessed: the unit assessed the post change and passed it (单位考核合格), needed
	// for any transfer (R-ELG-06); its proof is the qualification/transfer_assessment slot.
	TransferAssessed bool `json:"transfer_assessed" label:"转系列经单位考核合格"`
}

// Moral is module 2, 品德相关信息. The unit's moral assessment, the integrity report and the
// publicity report are uploads only (slots); honours are typed.
type Moral struct {
	Honours []Honour `json:"honours" label:"荣誉"`
}

// Grade is the level of an honour, award, project or adopting body.
type Grade string

const (
	GradeNational   Grade = "national"   // 国家级
	GradeProvincial Grade = "provincial" // 省（部）级
	GradeMunicipal  Grade = "municipal"  // 市（厅）级
	GradeCounty     Grade = "county"     // 县（处）级
	GradeUnit       Grade = "unit"       // 单位级
	GradeOther      Grade = "other"      // 其他
)

// Grades lists the values in display order.
var Grades = []Grade{GradeNational, GradeProvincial, GradeMunicipal, GradeCounty, GradeUnit, GradeOther}

// AdoptionGrades are the grades of an adopted think-tank result (seed 003 填报须知三(四)5).
var AdoptionGrades = []Grade{GradeNational, GradeProvincial, GradeMunicipal}

var gradeNames = map[Grade]string{
	GradeNational: "国家级", GradeProvincial: "省（部）级", GradeMunicipal: "市（厅）级",
	GradeCounty: "县（处）级", GradeUnit: "单位级", GradeOther: "其他",
}

// Label is the Chinese name.
func (g Grade) Label() string { return labelOr(gradeNames, g) }

// Valid reports whether g is a known value.
func (g Grade) Valid() bool { _, ok := gradeNames[g]; return ok }

// Honour is an honour of the moral module (优秀共产党员、优秀党务工作者、道德模范…).
type Honour struct {
	ID     string `json:"id"`
	Name   string `json:"name" label:"荣誉名称"`
	Level  Grade  `json:"level" label:"级别"`
	Issuer string `json:"issuer" label:"授予单位"`
	Date   Date   `json:"date" label:"授予时间"`
}

// Caption names the entry in lists and diffs.
func (h Honour) Caption() string { return h.Name }

// Ability is module 3, 能力相关信息.
type Ability struct {
	WorkExperience      []Experience      `json:"work_experience" label:"专业技术工作经历"`
	Assessments         []Assessment      `json:"assessments" label:"年度考核"`
	ContinuingEducation []CEEntry         `json:"continuing_education" label:"继续教育"`
	Grassroots          []GrassrootsEntry `json:"grassroots" label:"帮扶基层经历"`
}

// Experience is professional work experience of a category of the criteria (先选择专业技术工作
// 经历类别，再填写相应的经历内容). The categories come from the level's criteria.
type Experience struct {
	ID          string `json:"id"`
	Category    string `json:"category" label:"经历类别"`
	Description string `json:"description" label:"经历内容"`
	From        Date   `json:"from" label:"起始时间"`
	To          Date   `json:"to" label:"截止时间"`
}

// Caption names the entry in lists and diffs.
func (e Experience) Caption() string { return joinNonEmpty(" ", e.Category, string(e.From)) }

// AssessmentResult is the result of an annual assessment (年度考核).
type AssessmentResult string

const (
	AssessExcellent   AssessmentResult = "excellent"   // 优秀
	AssessCompetent   AssessmentResult = "competent"   // 合格（称职）
	AssessBasic       AssessmentResult = "basic"       // 基本合格（基本称职）
	AssessIncompetent AssessmentResult = "incompetent" // 不合格（不称职）
)

// AssessmentResults lists the values in display order.
var AssessmentResults = []AssessmentResult{AssessExcellent, AssessCompetent, AssessBasic, AssessIncompetent}

var assessNames = map[AssessmentResult]string{
	AssessExcellent: "优秀", AssessCompetent: "合格", AssessBasic: "基本合格", AssessIncompetent: "不合格",
}

// Label is the Chinese name.
func (r AssessmentResult) Label() string { return labelOr(assessNames, r) }

// Valid reports whether r is a known value.
func (r AssessmentResult) Valid() bool { _, ok := assessNames[r]; return ok }

// Assessment is one year's assessment result; one per year, in year order (R-APP-07).
type Assessment struct {
	ID     string           `json:"id"`
	Year   int              `json:"year" label:"考核年度"`
	Result AssessmentResult `json:"result" label:"考核结果"`
}

// Caption names the entry in lists and diffs.
func (a Assessment) Caption() string {
	if a.Year == 0 {
		return a.Result.Label()
	}
	return joinNonEmpty(" ", fmt.Sprintf("%d年度", a.Year), a.Result.Label())
}

// CEEntry is one continuing-education certificate (R-ELG-07).
type CEEntry struct {
	ID          string `json:"id"`
	Year        int    `json:"year" label:"年度"`
	Hours       int    `json:"hours" label:"学时"`
	PublicHours int    `json:"public_hours" label:"其中公需科目学时"`
	Provider    string `json:"provider" label:"培训（发证）机构"`
}

// Caption names the entry in lists and diffs.
func (c CEEntry) Caption() string {
	return joinNonEmpty(" ", yearText(c.Year), c.Provider, fmt.Sprintf("%d学时", c.Hours))
}

// GrassrootsEntry is a period of grassroots service (帮扶基层经历); an empty To means "to date".
type GrassrootsEntry struct {
	ID    string `json:"id"`
	From  Date   `json:"from" label:"起始时间"`
	To    Date   `json:"to" label:"截止时间"`
	Place string `json:"place" label:"服务单位（地点）"`
	Post  string `json:"post" label:"服务岗位"`
}

// Caption names the entry in lists and diffs.
func (g GrassrootsEntry) Caption() string { return joinNonEmpty(" ", g.Place, string(g.From)) }

// Achievements is module 4, 业绩成果. Every list is ordered by quality, best first.
type Achievements struct {
	Papers     []Paper            `json:"papers" label:"论文"`
	Monographs []Monograph        `json:"monographs" label:"论著"`
	Projects   []Project          `json:"projects" label:"课题（项目）"`
	Awards     []Award            `json:"awards" label:"奖励和荣誉"`
	ThinkTank  []ThinkTank        `json:"think_tank" label:"智库研究成果"`
	Other      []OtherAchievement `json:"other_achievements" label:"其他业绩"`
}

// JournalLevel is the level of the journal a paper appeared in.
type JournalLevel string

const (
	JournalCore       JournalLevel = "core"       // 核心期刊: plagiarism at most Policy.PlagiarismCore (15 %)
	JournalProvincial JournalLevel = "provincial" // 省级期刊: at most Policy.PlagiarismProvincial (25 %)
	JournalOther      JournalLevel = "other"      // 其他: judged against the provincial limit
)

// JournalLevels lists the values in display order.
var JournalLevels = []JournalLevel{JournalCore, JournalProvincial, JournalOther}

var journalNames = map[JournalLevel]string{JournalCore: "核心期刊", JournalProvincial: "省级期刊", JournalOther: "其他期刊"}

// Label is the Chinese name.
func (l JournalLevel) Label() string { return labelOr(journalNames, l) }

// Valid reports whether l is a known value.
func (l JournalLevel) Valid() bool { _, ok := journalNames[l]; return ok }

// Paper is one paper (论文). The list order is the applicant's quality order.
type Paper struct {
	ID           string       `json:"id"`
	Title        string       `json:"title" label:"论文题目"`
	Journal      string       `json:"journal" label:"刊物名称"`
	JournalLevel JournalLevel `json:"journal_level" label:"刊物级别"`
	ISSN         string       `json:"issn" label:"国际标准刊号（ISSN）"`
	CN           string       `json:"cn" label:"国内统一刊号（CN）"` // domestic journals only
	Published    Date         `json:"published" label:"发表时间"`
	AuthorRank   int          `json:"author_rank" label:"本人署名次序"` // 1 = sole or first author; 0 not given
	Foreign      bool         `json:"foreign" label:"外文论文"`       // needs a Chinese translation
	// CNKIIndexed: indexed by 中国知网, so the office runs the plagiarism check itself and takes
	// no report; otherwise the unit has CNKI check it and uploads the stamped report.
	CNKIIndexed bool `json:"cnki_indexed" label:"中国知网收录"`
	// PlagiarismRate is the CNKI rate excluding citations (去除引用文献复制比), in percent;
	// nil when not entered (0 is a real rate).
	PlagiarismRate *float64 `json:"plagiarism_rate" label:"查重率（去除引用文献复制比）"`
}

// Caption names the entry in lists and diffs.
func (p Paper) Caption() string { return bookTitle(p.Title) }

// MonographRole is the applicant's role in a monograph.
type MonographRole string

const (
	RoleSoleAuthor   MonographRole = "sole_author"   // 独著
	RoleChiefEditor  MonographRole = "chief_editor"  // 主编
	RoleDeputyEditor MonographRole = "deputy_editor" // 副主编
	RoleCoAuthor     MonographRole = "co_author"     // 合著
	RoleBoardMember  MonographRole = "board_member"  // 编委（参编）
)

// MonographRoles lists the values in display order.
var MonographRoles = []MonographRole{RoleSoleAuthor, RoleChiefEditor, RoleDeputyEditor, RoleCoAuthor, RoleBoardMember}

var monographRoleNames = map[MonographRole]string{
	RoleSoleAuthor: "独著", RoleChiefEditor: "主编", RoleDeputyEditor: "副主编", RoleCoAuthor: "合著", RoleBoardMember: "编委（参编）",
}

// Label is the Chinese name.
func (r MonographRole) Label() string { return labelOr(monographRoleNames, r) }

// Valid reports whether r is a known value.
func (r MonographRole) Valid() bool { _, ok := monographRoleNames[r]; return ok }

// Monograph is one monograph (论著). Word counts are in thousands of characters (千字), as
// the copyright page prints them.
type Monograph struct {
	ID         string        `json:"id"`
	Title      string        `json:"title" label:"论著名称"`
	Publisher  string        `json:"publisher" label:"出版社"`
	ISBN       string        `json:"isbn" label:"ISBN"`
	Published  Date          `json:"published" label:"出版时间"`
	WordCountK int           `json:"word_count_k" label:"总字数（千字）"`
	OwnWordsK  int           `json:"own_words_k" label:"本人撰写字数（千字）"`
	Role       MonographRole `json:"role" label:"本人角色"`
}

// Caption names the entry in lists and diffs.
func (m Monograph) Caption() string { return bookTitle(m.Title) }

// Project is one research project (课题/项目): initiation, completion and result registration.
type Project struct {
	ID             string `json:"id"`
	Title          string `json:"title" label:"课题名称"`
	Source         string `json:"source" label:"立项（下达）单位"`
	Level          Grade  `json:"level" label:"课题级别"`
	Start          Date   `json:"start" label:"立项时间"`
	End            Date   `json:"end" label:"结题（验收、鉴定）时间"`
	Rank           int    `json:"rank" label:"本人排名"` // 1 = 主持
	Members        int    `json:"members" label:"课题组总人数"`
	RegistrationNo string `json:"registration_no" label:"成果登记号"`
}

// Caption names the entry in lists and diffs.
func (p Project) Caption() string { return bookTitle(p.Title) }

// Award is an award or honour of the achievements module; each names the clause of the
// criteria it satisfies (seed 003 填报须知三(四)4).
type Award struct {
	ID        string `json:"id"`
	Name      string `json:"name" label:"奖励（荣誉）名称"`
	Level     Grade  `json:"level" label:"级别"`
	Issuer    string `json:"issuer" label:"授予（颁发）单位"`
	Date      Date   `json:"date" label:"获奖时间"`
	Rank      int    `json:"rank" label:"本人排名"` // 0 for an individual award
	Criterion string `json:"criterion" label:"符合的业绩条件标准条款"`
}

// Caption names the entry in lists and diffs.
func (a Award) Caption() string { return a.Name }

// ThinkTankType is the type of a think-tank result (决策咨询研究成果).
type ThinkTankType string

const (
	ThinkTankInstruction ThinkTankType = "instruction" // 批示类
	ThinkTankAdoption    ThinkTankType = "adoption"    // 采纳类
)

// ThinkTankTypes lists the values in display order.
var ThinkTankTypes = []ThinkTankType{ThinkTankInstruction, ThinkTankAdoption}

var thinkTankNames = map[ThinkTankType]string{ThinkTankInstruction: "批示类", ThinkTankAdoption: "采纳类"}

// Label is the Chinese name.
func (t ThinkTankType) Label() string { return labelOr(thinkTankNames, t) }

// Valid reports whether t is a known value.
func (t ThinkTankType) Valid() bool { _, ok := thinkTankNames[t]; return ok }

// OfficialRank is the administrative level of the official who wrote an instruction, at the
// time of writing; it grades an instruction-type result (seed 003 填报须知三(四)5).
type OfficialRank string

const (
	OfficialNational         OfficialRank = "national"          // 国家级领导
	OfficialProvincialMain   OfficialRank = "provincial_main"   // 省部级正职
	OfficialProvincialDeputy OfficialRank = "provincial_deputy" // 省部级副职
	OfficialBureauMain       OfficialRank = "bureau_main"       // 厅局级正职
	OfficialBureauDeputy     OfficialRank = "bureau_deputy"     // 厅局级副职
	OfficialCountyMain       OfficialRank = "county_main"       // 县处级正职
	OfficialCountyDeputy     OfficialRank = "county_deputy"     // 县处级副职
	OfficialTownship         OfficialRank = "township"          // 乡科级及以下
)

// OfficialRanks lists the values in display order.
var OfficialRanks = []OfficialRank{OfficialNational, OfficialProvincialMain, OfficialProvincialDeputy,
	OfficialBureauMain, OfficialBureauDeputy, OfficialCountyMain, OfficialCountyDeputy, OfficialTownship}

var officialNames = map[OfficialRank]string{
	OfficialNational: "国家级领导", OfficialProvincialMain: "省部级正职", OfficialProvincialDeputy: "省部级副职",
	OfficialBureauMain: "厅局级正职", OfficialBureauDeputy: "厅局级副职", OfficialCountyMain: "县处级正职",
	OfficialCountyDeputy: "县处级副职", OfficialTownship: "乡科级及以下",
}

// Label is the Chinese name.
func (r OfficialRank) Label() string { return labelOr(officialNames, r) }

// Valid reports whether r is a known value.
func (r OfficialRank) Valid() bool { _, ok := officialNames[r]; return ok }

// ThinkTank is one think-tank result. An instruction names the official's level, the
// instruction's wording (neutral words such as 阅 do not count) and the channel through which
// the result was submitted; an adoption names the adopting body and its grade.
type ThinkTank struct {
	ID    string        `json:"id"`
	Title string        `json:"title" label:"成果名称"`
	Type  ThinkTankType `json:"type" label:"成果类型"`
	Date  Date          `json:"date" label:"批示（采纳）时间"`
	// Channel is how the result reached the official or body (报送渠道), which the evidence
	// must show clearly.
	Channel string `json:"channel" label:"报送渠道"`

	OfficialRank OfficialRank `json:"official_rank" label:"批示人行政级别"`
	Official     string       `json:"official" label:"批示人职务"`
	Wording      string       `json:"wording" label:"批示内容"`

	AdoptingBody  string `json:"adopting_body" label:"采纳单位"`
	AdoptionLevel Grade  `json:"adoption_level" label:"采纳级别"`
}

// Caption names the entry in lists and diffs.
func (t ThinkTank) Caption() string { return bookTitle(t.Title) }

// OtherAchievement is an achievement of another kind (培养青年教师、学会常务理事…), ordered by the
// criteria it meets.
type OtherAchievement struct {
	ID          string `json:"id"`
	Description string `json:"description" label:"业绩内容"`
	Criterion   string `json:"criterion" label:"符合的业绩条件标准条款"`
	Date        Date   `json:"date" label:"取得时间"`
}

// Caption names the entry in lists and diffs.
func (o OtherAchievement) Caption() string { return truncateRunes(o.Description, 20) }

// DatedAchievement is an achievement with the date that decides whether it counts
// (R-CAL-05), and the field path of that date.
type DatedAchievement struct {
	Path  string // e.g. "papers.<id>.published"
	Title string
	Date  Date
}

// DatedAchievements lists the module-4 achievements with the dates that decide whether they
// count: papers and monographs by publication, projects by completion (结题), awards and other
// achievements by their date, think-tank results by the instruction or adoption.
func (f *Form) DatedAchievements() []DatedAchievement {
	var out []DatedAchievement
	a := &f.Achievements
	for _, p := range a.Papers {
		out = append(out, DatedAchievement{"papers." + p.ID + ".published", "论文" + p.Caption(), p.Published})
	}
	for _, m := range a.Monographs {
		out = append(out, DatedAchievement{"monographs." + m.ID + ".published", "论著" + m.Caption(), m.Published})
	}
	for _, p := range a.Projects {
		out = append(out, DatedAchievement{"projects." + p.ID + ".end", "课题" + p.Caption(), p.End})
	}
	for _, w := range a.Awards {
		out = append(out, DatedAchievement{"awards." + w.ID + ".date", "奖励“" + w.Name + "”", w.Date})
	}
	for _, t := range a.ThinkTank {
		out = append(out, DatedAchievement{"think_tank." + t.ID + ".date", "智库成果" + t.Caption(), t.Date})
	}
	for _, o := range a.Other {
		out = append(out, DatedAchievement{"other_achievements." + o.ID + ".date", "其他业绩“" + o.Caption() + "”", o.Date})
	}
	return out
}

// Slot is one upload place of the form. Evidence files link to a slot by Key; a Multi slot
// takes several ordered files (e.g. several pages), a single one exactly one file (several
// ordered images can be combined into one PDF, R-APP-02).
type Slot struct {
	// Key is "<section>/<name>" for the form's single uploads ("basic/photo") and
	// "<list>/<entry id>/<name>" for an entry's ("papers/<id>/cover"), so reordering or
	// editing an entry keeps its files.
	Key      string
	Label    string // Chinese, names the document
	Hint     string // Chinese: what the upload must show, from the notices
	Required bool   // the applicant must upload it before submitting (R-ELG-10)
	Multi    bool
	Module   int // 1–5, for grouping
	// ByUnit marks a document the applying unit issues and uploads while it reviews (推荐报告,
	// 公示报告及公示照片): the unit's publicity comes after the submission (SPEC §5), so the
	// applicant cannot have it. The applicant neither uploads it nor is asked for it; the unit
	// cannot recommend without it (R-FLOW-01).
	ByUnit bool
}

// Slots is the full list of upload slots this form needs, given its answers and the plan, in
// module order: social-insurance slots by mode, an education proof by kind and year unless
// CHSI verified the entry, the original certificate for a transferred title, one slot per
// annual assessment and per continuing-education entry, a paper's translation only when it
// is foreign and its plagiarism report only when CNKI does not index it, and so on.
func (f *Form) Slots(p Plan) []Slot {
	var out []Slot
	add := func(module int, key, label, hint string, required, multi bool) {
		out = append(out, Slot{Key: key, Label: label, Hint: hint, Required: required, Multi: multi, Module: module})
	}
	b := &f.Basic

	// Module 1.
	add(1, "basic/photo", "证件照片", "清晰的2寸彩色证件照，将用于制作证书", true, false)
	switch b.SocialInsurance {
	case SISixMonths:
		add(1, "basic/social_insurance", "6个月社保参保缴费证明", "近6个月社会保险参保缴费佐证材料，用于确认是否为本单位在职员工", true, true)
	case SIAlternative:
		add(1, "basic/si_statement", "单位出具的身份情况说明", "加盖本单位印章的身份情况说明", true, false)
		add(1, "basic/labour_contract", "劳动合同", "用人单位与申报人签订的劳动合同", true, true)
		add(1, "basic/salary_statements", "银行工资流水单", "申报人的银行工资流水", true, true)
		add(1, "basic/roster", "人员花名册", "经法定代表人签字、单位盖章的申报人员花名册（同时报送审核部门）", true, true)
	case SIHeadOffice:
		add(1, "basic/head_office_si", "企业总部社保缴费证明", "企业总部所在地社保经办机构出具的6个月缴费佐证材料", true, true)
	}
	out = append(out, Slot{Key: "basic/recommendation", Label: "推荐报告", Hint: "本人所在具体用人单位出具的拟晋升推荐报告", Multi: true, Module: 1, ByUnit: true})
	for _, e := range b.Education {
		if pr := e.Proof(); pr != ProofNone {
			hint := "学信网无法核验的学历须上传佐证材料"
			switch pr {
			case ProofUndetermined:
				hint = "请先选择学历类别并填写毕业时间；国内学历2001年及之前毕业的上传学历认证报告，2002年起毕业的上传电子注册备案表"
			case ProofRegistration:
				hint = "通过学信网免费申请，并在“学信网验证码”栏填入12位验证码（有效期须至申报年度12月31日）"
			case ProofCertReport:
				hint = "通过学信网免费申请"
			}
			add(1, "education/"+e.ID+"/proof", pr.Label()+"（"+orText(e.Caption(), "学历")+"）", hint, true, true)
		}
	}
	q := &b.Qualification
	if lvl, ok := p.Level(f.Basics.LevelCode); !ok || lvl.Rank > 1 || q.Series != "" {
		add(1, "qualification/certificate", "现专业技术资格证书", "现专业技术资格（职称）证书", true, true)
		if q.Transferred {
			add(1, "qualification/original_certificate", "原系列专业技术资格证书", "现资格系转系列（平转）后取得的，上传原系列的资格证书", true, true)
		}
		if b.PostManaged {
			add(1, "qualification/appointment", "专业技术职务聘用证明", "连续的《事业单位岗位聘用人员备案表》或《工资变动审批表》（聘任时间以表上时间为准）", true, true)
		} else {
			add(1, "qualification/appointment", "专业技术职务聘用证明", "单位聘任文件或聘书", true, true)
		}
		add(1, "qualification/post_usage", "单位岗位使用情况", "单位出具的岗位使用情况说明", true, true)
	}
	if f.Basics.AppType == AppTransfer || q.Transferred {
		add(1, "qualification/transfer_assessment", "转系列考核合格证明", "用人单位对岗位变化情况考核合格的证明", true, true)
	}

	// Module 2.
	add(2, "moral/assessment", "品德考核材料", "单位出具的品德考核材料", true, true)
	for _, h := range f.Moral.Honours {
		add(2, "honours/"+h.ID+"/proof", "荣誉证明（"+orText(h.Name, "荣誉")+"）", "优秀共产党员、优秀党务工作者、道德模范等荣誉证书或文件", true, true)
	}
	add(2, "moral/integrity", "廉洁自律报告", "按人才管理权限由相关部门出具的廉洁自律报告", true, true)
	out = append(out, Slot{Key: "moral/publicity", Label: "公示报告及公示照片", Hint: "本人所在具体用人单位出具的拟晋升公示报告、公示照片", Multi: true, Module: 2, ByUnit: true})

	// Module 3.
	for _, e := range f.Ability.WorkExperience {
		add(3, "work_experience/"+e.ID+"/proof", "工作经历证明（"+orText(e.Caption(), "经历")+"）", "盖有本单位公章的相应证明材料", true, true)
	}
	for _, a := range f.Ability.Assessments {
		add(3, "assessments/"+a.ID+"/result", orText(yearText(a.Year), "年度")+"考核结果", "考核文件扫描为PDF，按年度依次上传", true, true)
	}
	for _, c := range f.Ability.ContinuingEducation {
		add(3, "continuing_education/"+c.ID+"/certificate", orText(yearText(c.Year), "")+"继续教育证书", "完成继续教育学习任务的合格证书或证明", true, true)
	}
	for _, g := range f.Ability.Grassroots {
		add(3, "grassroots/"+g.ID+"/proof", "帮扶基层经历证明（"+orText(g.Caption(), "基层服务")+"）", "本单位及行业主管部门出具的相关文件、考核登记表等印证材料", true, true)
	}

	// Module 4.
	for _, pa := range f.Achievements.Papers {
		k, t := "papers/"+pa.ID+"/", pa.Caption()
		add(4, k+"cover", "刊物封面"+t, "", true, false)
		add(4, k+"sponsor", "主办单位页"+t, "", true, false)
		add(4, k+"contents", "目录页"+t, "刊登本文的目录页", true, true)
		add(4, k+"fulltext", "正文全文"+t, "", true, true)
		if pa.Foreign {
			add(4, k+"translation", "中文译文"+t, "外文论文须上传中文译文", true, true)
		}
		if !pa.CNKIIndexed {
			add(4, k+"plagiarism_report", "中国知网查重报告单"+t, "未被中国知网收录的论文，由用人单位联系中国知网查重，上传有单位签字盖章的报告单", true, true)
		}
	}
	for _, m := range f.Achievements.Monographs {
		k, t := "monographs/"+m.ID+"/", m.Caption()
		add(4, k+"cover", "封面"+t, "", true, false)
		add(4, k+"copyright", "版权页"+t, "", true, false)
		add(4, k+"contents", "目录（摘录）页"+t, "", true, true)
		add(4, k+"editorial_board", "编委会名单页"+t, "", true, true)
		add(4, k+"word_count", "标有著作字数页"+t, "", true, false)
	}
	for _, pr := range f.Achievements.Projects {
		k, t := "projects/"+pr.ID+"/", pr.Caption()
		add(4, k+"initiation", "立项材料"+t, "立项材料封面及立项单位盖章页", true, true)
		add(4, k+"completion", "结题（验收、鉴定）材料"+t, "结题（验收、鉴定）材料封面及盖章页", true, true)
		add(4, k+"registration", "成果登记材料"+t, "成果登记证书或登记表", pr.RegistrationNo != "", true)
		add(4, k+"ranking", "个人排名页"+t, "须加盖立项单位或鉴定（验收）单位公章", true, true)
	}
	for _, w := range f.Achievements.Awards {
		add(4, "awards/"+w.ID+"/certificate", "获奖证书或文件（"+orText(w.Name, "奖励")+"）", "与申报专业相关的奖励证书或表彰文件", true, true)
	}
	for _, t := range f.Achievements.ThinkTank {
		k, c := "think_tank/"+t.ID+"/", t.Caption()
		if t.Type == ThinkTankAdoption {
			add(4, k+"document", "采纳证明"+c, "采纳单位出具的采纳证明或据此出台的文件、政策、措施", true, true)
		} else {
			add(4, k+"document", "批示件"+c, "清晰的批示原件扫描件；肯定性批示须有倾向性明显的用语", true, true)
		}
		add(4, k+"channel", "成果报送渠道证明"+c, "佐证材料中须有清晰的成果报送渠道", true, true)
	}
	for _, o := range f.Achievements.Other {
		add(4, "other_achievements/"+o.ID+"/proof", "其他业绩证明（"+orText(o.Caption(), "业绩")+"）", "对照评审条件的佐证材料", true, true)
	}
	return out
}

func labelOr[K ~string](names map[K]string, k K) string {
	if n, ok := names[k]; ok {
		return n
	}
	return string(k)
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

func orText(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}

func yearText(y int) string {
	if y == 0 {
		return ""
	}
	return fmt.Sprintf("%d年度", y)
}

// bookTitle is 《title》, or "" for an untitled entry.
func bookTitle(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return ""
	}
	return "《" + s + "》"
}

func truncateRunes(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
