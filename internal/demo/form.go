package demo

import (
	"fmt"

	"zhicheng/internal/model"
)

// ExampleForm is a complete, plausible application for the deputy-senior level of a plan of
// the given year in the human-resources-training series: every module filled, dates placed
// relative to the plan year so that it passes the pre-submit check of that year (R-CAL-05:
// achievements by 09-30, assessments and continuing education for the five years before).
// The demo uses it for one applicant, so that reviewers have something to review, and tests
// use it as the "good" application.
func ExampleForm(planYear int) model.Form {
	y := func(back int, rest string) model.Date { return model.Date(fmt.Sprintf("%04d%s", planYear-back, rest)) }
	rate := func(v float64) *float64 { return &v }
	var assessments []model.Assessment
	var ce []model.CEEntry
	for i := 5; i >= 1; i-- {
		result := model.AssessCompetent
		if i%2 == 0 {
			result = model.AssessExcellent
		}
		assessments = append(assessments, model.Assessment{ID: fmt.Sprintf("a%d", i), Year: planYear - i, Result: result})
		ce = append(ce, model.CEEntry{ID: fmt.Sprintf("c%d", i), Year: planYear - i, Hours: 96, PublicHours: 32, Provider: "甘肃省专业技术人员继续教育平台"})
	}
	return model.Form{
		Basics: model.Basics{LevelCode: "deputy_senior", Specialty: "人力资源培训", Scope: model.ScopeProvince, AppType: model.AppNormal},
		Basic: model.BasicInfo{
			Ethnicity: "汉族", PoliticalStatus: model.PoliticalPartyMember, Employment: "regular",
			NotCivilServant: true, CareerStart: y(13, "-07"), SocialInsurance: model.SISixMonths,
			Education: []model.Education{{
				ID: "edu1", Level: model.EduBachelor, Kind: model.EduDomestic, School: "兰州大学", Major: "人力资源管理",
				Start: y(17, "-09"), Graduated: y(13, "-07-01"), CertificateNo: fmt.Sprintf("10730%04d05001234", planYear-13),
				Degree: model.DegreeBachelor, DegreeNo: fmt.Sprintf("1073042%04d1234", planYear-13),
				VerificationCode: "A7K2M9Q4T6W1", CodeValidUntil: y(0, "-12-31"),
			}},
			WorkHistory: []model.WorkEntry{{ID: "w1", From: y(13, "-07"), Organisation: "甘肃示范能源集团有限公司", Post: "培训主管", Duties: "员工培训体系建设与组织实施"}},
			Qualification: model.Qualification{Series: "人力资源培训", LevelName: "中级", LevelRank: 3, Obtained: y(6, "-12-20"),
				CertificateNo: fmt.Sprintf("GS%04d-RL-0168", planYear-6), Appointed: y(5, "-03")},
		},
		Moral: model.Moral{Honours: []model.Honour{{ID: "h1", Name: "集团优秀共产党员", Level: model.GradeUnit, Issuer: "甘肃示范能源集团党委", Date: y(2, "-07-01")}}},
		Ability: model.Ability{
			WorkExperience:      []model.Experience{{ID: "x1", Category: "主持培训项目", Description: "主持集团新员工培训项目，年均培训 600 人次", From: y(5, "-01")}},
			Assessments:         assessments,
			ContinuingEducation: ce,
			Grassroots:          []model.GrassrootsEntry{{ID: "g1", From: y(4, "-03"), To: y(3, "-06"), Place: "临夏州东乡县", Post: "驻村培训专员"}},
		},
		Achievements: model.Achievements{
			Papers: []model.Paper{
				{ID: "p1", Title: "国有企业员工培训需求分析方法研究", Journal: "甘肃社会科学", JournalLevel: model.JournalCore,
					ISSN: "1003-3637", CN: "CN 62-1093/C", Published: y(2, "-05"), AuthorRank: 1, CNKIIndexed: true, PlagiarismRate: rate(8.5)},
				{ID: "p2", Title: "基层技能人才培训评估实践", Journal: "人力资源管理", JournalLevel: model.JournalProvincial,
					ISSN: "1673-8209", CN: "CN 11-5561/F", Published: y(1, "-09"), AuthorRank: 1, CNKIIndexed: false, PlagiarismRate: rate(12)},
			},
			Projects: []model.Project{{ID: "r1", Title: "能源企业技能人才培训体系研究", Source: "甘肃省人力资源和社会保障厅", Level: model.GradeProvincial,
				Start: y(3, "-03"), End: y(1, "-06"), Rank: 1, Members: 5}},
			Awards: []model.Award{{ID: "aw1", Name: "全省职工教育培训优秀成果奖", Level: model.GradeProvincial, Issuer: "甘肃省总工会", Date: y(1, "-12"), Criterion: "第六条第（二）项"}},
		},
		Summary: "本人自参加工作以来一直从事企业员工培训工作，主持建立了集团新员工培训和技能人才培训体系，" +
			"年均组织培训 600 余人次；在核心期刊发表论文 1 篇，主持省级课题 1 项，获省级奖励 1 项。今后将继续深耕培训评估与基层人才培养。",
	}
}
