// Package presets holds the plans of the two source notices (SPEC §2: "ship both as
// presets"): 2023 enterprise political work (seed 000) and 2024 human-resources training
// (seed 003), with their windows as the notices state them, so that the office starts a
// year from a known-good plan instead of an empty form.
package presets

import (
	"time"

	"zhicheng/internal/model"
)

// Preset is a plan template, without committee (chosen when it is created).
type Preset struct {
	Key    string
	Source string // the notice it comes from
	Plan   model.Plan
}

// shanghai is UTC+8 all year (China has no daylight saving time), so a fixed zone is exact
// for building the notices' instants and needs no zoneinfo database.
var shanghai = time.FixedZone("CST", 8*3600)

// at is 00:00 Asia/Shanghai of a date; "D日24时" is at(D+1) (R-CAL-01).
func at(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, shanghai) }

// DefaultPolicy is the national default and the seeds' common numbers; each preset
// overrides what its notice says differently.
func DefaultPolicy() model.Policy {
	return model.Policy{
		BlacklistYears:           3,       // seed 003 填报须知三
		PaperMin:                 1,       // per level in the criteria; the office raises it
		PaperMax:                 5,       // R-APP-07
		PublicityWorkdays:        5,       // R-FLOW-01
		PublicityWorkdaysLong:    7,       // R-ELG-08: longer for exceptional and grassroots
		ResultPublicityWorkdays:  5,       // R-FLOW-10
		DeptReturnLimit:          3,       // R-FLOW-04
		QuorumFraction:           2.0 / 3, // R-FLOW-09, 人社部 2019
		PassFraction:             2.0 / 3,
		PlagiarismCore:           15, // seed 003 填报须知
		PlagiarismProvincial:     25,
		CEHoursPerYear:           90, // 《专业技术人员继续教育规定》(人社部令第25号) 第八条
		GrassrootsSeniorQuotaPct: 10, // R-ELG-09
		RepresentativePapers:     2,  // R-FLOW-07
	}
}

// All returns both presets.
func All() []Preset {
	return []Preset{politicalWork2023(), hrTraining2024()}
}

// ByKey finds a preset.
func ByKey(key string) (Preset, bool) {
	for _, p := range All() {
		if p.Key == key {
			return p, true
		}
	}
	return Preset{}, false
}

// politicalWork2023 is seed 000: 甘宣明电〔2023〕80号.
func politicalWork2023() Preset {
	pol := DefaultPolicy()
	pol.BlacklistYears = 5 // seed 000 三(三)3
	return Preset{
		Key:    "2023-political-work",
		Source: "中共甘肃省委宣传部《关于开展2023年度全省企业政工人员高级专业职务申报评审工作的通知》（甘宣明电〔2023〕80号）",
		Plan: model.Plan{
			Year:   2023,
			Series: "企业政工",
			Name:   "2023年度全省企业政工人员专业职务申报评审",
			Levels: []model.Level{
				{Code: "zgy", Name: "政工员", Rank: 1},
				{Code: "zlzgs", Name: "助理政工师", Rank: 2, MinTotalYears: 1, MinYearsInCurrent: 1},
				{Code: "zgs", Name: "政工师", Rank: 3, MinTotalYears: 4, MinYearsInCurrent: 4},
				{Code: "gjzgs", Name: "高级政工师", Rank: 4, MinTotalYears: 10, MinYearsInCurrent: 5, ExceptionalYearsInCurrent: 3},
				{Code: "sxzzgzyjy", Name: "思想政治工作研究员", Rank: 5, MinTotalYears: 15, MinYearsInCurrent: 5, ExceptionalYearsInCurrent: 3},
			},
			Specialties: []string{"企业思想政治工作"},
			Scopes:      []model.Scope{model.ScopeProvince},
			AppTypes:    []model.AppType{model.AppNormal, model.AppExceptional, model.AppTransfer},
			Windows: []model.PlanWindow{
				// "个人申报自8月30日24时起至9月30日24时止"
				{Kind: model.WindowApply, Start: at(2023, 8, 31), End: at(2023, 10, 1)},
				// "审核反馈工作务于10月20日前提交省职评办": units and 中评办 review as
				// applications arrive, until 10-20 24:00.
				{Kind: model.WindowUnitReview, Start: at(2023, 8, 31), End: at(2023, 10, 21)},
				{Kind: model.WindowCommitteeIntake, Start: at(2023, 8, 31), End: at(2023, 10, 21)},
				// "答辩评审…原则上须在12月25日前完成"
				{Kind: model.WindowDefense, Start: at(2023, 10, 21), End: at(2023, 12, 26)},
				// "各中评会务必于12月31日前完成企业政工初、中级专业职务的评审工作"
				{Kind: model.WindowReview, Start: at(2023, 10, 21), End: at(2024, 1, 1)},
			},
			Policy: pol,
		},
	}
}

// hrTraining2024 is seed 003: 关于开展2024年度全省人力资源培训专业高级职称申报评审工作的通知.
// The notice concerns senior titles only; the level names come from the criteria
// (甘人社通〔2023〕307号、308号), which the notice does not reproduce, so the office
// names them when it uses the preset.
func hrTraining2024() Preset {
	return Preset{
		Key:    "2024-hr-training",
		Source: "中共甘肃省委党校（甘肃行政学院）《关于开展2024年度全省人力资源培训专业高级职称申报评审工作的通知》及附件《填报须知》",
		Plan: model.Plan{
			Year:   2024,
			Series: "人力资源培训",
			Name:   "2024年度全省人力资源培训专业高级职称申报评审",
			Levels: []model.Level{
				{Code: "deputy_senior", Name: "副高级", Rank: 4, MinTotalYears: 10, MinYearsInCurrent: 5, ExceptionalYearsInCurrent: 3},
				{Code: "full_senior", Name: "正高级", Rank: 5, MinTotalYears: 15, MinYearsInCurrent: 5, ExceptionalYearsInCurrent: 3},
			},
			Specialties: []string{"人力资源培训"},
			Scopes:      []model.Scope{model.ScopeProvince, model.ScopeGrassroots},
			AppTypes:    []model.AppType{model.AppNormal, model.AppExceptional, model.AppTransfer},
			Windows: []model.PlanWindow{
				// "9月1日0时至9月10日24时为系统预准备时间"
				{Kind: model.WindowTest, Start: at(2024, 9, 1), End: at(2024, 9, 11)},
				// "9月11日0时至10月20日24时为个人正式申报时间"
				{Kind: model.WindowApply, Start: at(2024, 9, 11), End: at(2024, 10, 21)},
				// "10月21日0时至11月4日24时为各市(州)人社部门、用人单位审核时间"; units also
				// review as applications arrive (随报随审, R-FLOW-02) — issue 5 decides.
				{Kind: model.WindowUnitReview, Start: at(2024, 10, 21), End: at(2024, 11, 5)},
				// "11月4日24时为…评审委员会接收材料截止时间"
				{Kind: model.WindowCommitteeIntake, Start: at(2024, 9, 11), End: at(2024, 11, 5)},
			},
			Policy: DefaultPolicy(),
		},
	}
}

// OpenToday is a copy of the 2024 preset moved so that its application window is open at
// now: for the demo, so a new user can walk the whole path right away. The test period ended
// ten days ago, applications close in twenty days, reviews two weeks after that.
func OpenToday(now time.Time) model.Plan {
	p := hrTraining2024().Plan
	today := now.In(shanghai)
	d := func(days int) time.Time { return at(today.Year(), today.Month(), today.Day()+days) }
	p.Year = today.Year()
	p.Name = p.Series + "专业高级职称申报评审（演示，申报进行中）"
	p.Windows = []model.PlanWindow{
		{Kind: model.WindowTest, Start: d(-20), End: d(-10)},
		{Kind: model.WindowApply, Start: d(-10), End: d(21)},
		{Kind: model.WindowUnitReview, Start: d(21), End: d(36)},
		{Kind: model.WindowCommitteeIntake, Start: d(-10), End: d(36)},
	}
	return p
}
