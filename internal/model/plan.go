package model

import (
	"slices"
	"time"
)

// Plan is one year × one series × one committee (年度评审计划, SPEC §2): what may be
// applied for, the windows of the procedure, and the policy numbers the rules use.
type Plan struct {
	ID          int64
	Year        int
	Series      string // 系列（专业）, e.g. 人力资源培训
	Name        string // e.g. 2024年度全省人力资源培训专业高级职称申报评审
	CommitteeID int64  // the committee (评委会) that reviews it
	Levels      []Level
	Specialties []string
	Scopes      []Scope
	AppTypes    []AppType
	Windows     []PlanWindow
	Policy      Policy
	ResetAt     time.Time // when the test-period reset ran (R-CAL-03); zero if not yet
	Version     int64
	Created     time.Time
	Updated     time.Time
}

// Level is one 级别 of the series, e.g. 高级政工师.
type Level struct {
	Code string `json:"code"` // stable key, e.g. "deputy_senior"
	Name string `json:"name"` // 高级政工师
	// Rank orders levels: 1 员级, 2 助理级, 3 中级, 4 副高级, 5 正高级.
	Rank int `json:"rank"`
	// MinTotalYears and MinYearsInCurrent are the ordinary seniority conditions (R-CAL-05);
	// exceptional promotion (破格) is judged against ExceptionalYearsInCurrent instead.
	MinTotalYears             int `json:"min_total_years"`
	MinYearsInCurrent         int `json:"min_years_in_current"`
	ExceptionalYearsInCurrent int `json:"exceptional_years_in_current"`
}

// Senior reports whether the level is 副高级 or above (paper appraisal, defense).
func (l Level) Senior() bool { return l.Rank >= 4 }

// Scope is where a title is valid (有效范围).
type Scope string

const (
	ScopeProvince   Scope = "province"   // 全省有效
	ScopeGrassroots Scope = "grassroots" // 全省基层有效
)

// Label is the Chinese name.
func (s Scope) Label() string {
	switch s {
	case ScopeProvince:
		return "全省有效"
	case ScopeGrassroots:
		return "全省基层有效"
	}
	return string(s)
}

// AppType is the kind of application (R-ELG-06, R-ELG-08).
type AppType string

const (
	AppNormal      AppType = "normal"      // 正常晋升
	AppExceptional AppType = "exceptional" // 破格
	AppTransfer    AppType = "transfer"    // 转系列
)

// Label is the Chinese name.
func (t AppType) Label() string {
	switch t {
	case AppNormal:
		return "正常晋升"
	case AppExceptional:
		return "破格申报"
	case AppTransfer:
		return "转系列申报"
	}
	return string(t)
}

// WindowKind names a window of the procedure (R-CAL-01).
type WindowKind string

const (
	WindowTest            WindowKind = "test"             // 系统预准备（测试期）
	WindowApply           WindowKind = "apply"            // 个人申报
	WindowUnitReview      WindowKind = "unit_review"      // 单位及主管部门审核
	WindowCommitteeIntake WindowKind = "committee_intake" // 评委会接收材料
	WindowDefense         WindowKind = "defense"          // 答辩
	WindowReview          WindowKind = "review"           // 评审会议
)

// WindowKinds lists the kinds in procedure order.
var WindowKinds = []WindowKind{WindowTest, WindowApply, WindowUnitReview, WindowCommitteeIntake, WindowDefense, WindowReview}

// Label is the Chinese name of the window.
func (k WindowKind) Label() string {
	switch k {
	case WindowTest:
		return "系统预准备（测试期）"
	case WindowApply:
		return "个人申报"
	case WindowUnitReview:
		return "单位及主管部门审核"
	case WindowCommitteeIntake:
		return "评委会接收材料"
	case WindowDefense:
		return "答辩"
	case WindowReview:
		return "评审会议"
	}
	return string(k)
}

// PlanWindow is one window of a plan: Start inclusive, End exclusive ("24时" of the last
// day is the first instant of the next day).
type PlanWindow struct {
	Kind  WindowKind `json:"kind"`
	Start time.Time  `json:"start"`
	End   time.Time  `json:"end"`
}

// Policy holds the numbers the rules use, per plan (both seeds differ in several).
type Policy struct {
	BlacklistYears           int     `json:"blacklist_years"`             // R-ELG-04: 3 (seed 003), 5 (seed 000)
	PaperMin                 int     `json:"paper_min"`                   // R-APP-07
	PaperMax                 int     `json:"paper_max"`                   // R-APP-07: at most 5
	PublicityWorkdays        int     `json:"publicity_workdays"`          // R-FLOW-01: at least 5
	PublicityWorkdaysLong    int     `json:"publicity_workdays_long"`     // R-ELG-08: exceptional and grassroots
	ResultPublicityWorkdays  int     `json:"result_publicity_workdays"`   // R-FLOW-10: at least 5
	DeptReturnLimit          int     `json:"dept_return_limit"`           // R-FLOW-04: 3
	QuorumFraction           float64 `json:"quorum_fraction"`             // R-FLOW-09: 2/3 present
	PassFraction             float64 `json:"pass_fraction"`               // R-FLOW-09: 2/3 of those present
	PlagiarismCore           float64 `json:"plagiarism_core"`             // percent, core journals: 15
	PlagiarismProvincial     float64 `json:"plagiarism_provincial"`       // percent, provincial journals: 25
	CEHoursPerYear           int     `json:"ce_hours_per_year"`           // R-ELG-07
	GrassrootsSeniorQuotaPct float64 `json:"grassroots_senior_quota_pct"` // R-ELG-09: 10
	RepresentativePapers     int     `json:"representative_papers"`       // R-FLOW-07: 2
}

// Clone copies the plan so that changing the copy's lists leaves p alone.
func (p Plan) Clone() Plan {
	p.Levels = slices.Clone(p.Levels)
	p.Specialties = slices.Clone(p.Specialties)
	p.Scopes = slices.Clone(p.Scopes)
	p.AppTypes = slices.Clone(p.AppTypes)
	p.Windows = slices.Clone(p.Windows)
	return p
}

// Window returns the plan's window of kind k.
func (p *Plan) Window(k WindowKind) (PlanWindow, bool) {
	for _, w := range p.Windows {
		if w.Kind == k {
			return w, true
		}
	}
	return PlanWindow{}, false
}

// Level returns the level with the given code.
func (p *Plan) Level(code string) (Level, bool) {
	for _, l := range p.Levels {
		if l.Code == code {
			return l, true
		}
	}
	return Level{}, false
}
