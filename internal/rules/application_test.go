package rules

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"zhicheng/internal/model"
)

// appToday is a day inside seed 003's applicant window.
var appToday = time.Date(2024, 10, 8, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func appPlan() model.Plan {
	return model.Plan{
		Year: 2024, Series: "人力资源培训", Name: "2024年度全省人力资源培训专业高级职称申报评审",
		Levels: []model.Level{
			{Code: "deputy_senior", Name: "副高级", Rank: 4, MinTotalYears: 10, MinYearsInCurrent: 5, ExceptionalYearsInCurrent: 3},
			{Code: "full_senior", Name: "正高级", Rank: 5, MinTotalYears: 15, MinYearsInCurrent: 5, ExceptionalYearsInCurrent: 3},
		},
		Specialties: []string{"人力资源培训"},
		Scopes:      []model.Scope{model.ScopeProvince, model.ScopeGrassroots},
		AppTypes:    []model.AppType{model.AppNormal, model.AppExceptional, model.AppTransfer},
		Policy: model.Policy{BlacklistYears: 3, PaperMin: 1, PaperMax: 5, PlagiarismCore: 15, PlagiarismProvincial: 25,
			CEHoursPerYear: 90, GrassrootsSeniorQuotaPct: 10, PublicityWorkdays: 5, PublicityWorkdaysLong: 7},
	}
}

func appLevel() model.Level { p := appPlan(); l, _ := p.Level("deputy_senior"); return l }

func rate(v float64) *float64 { return &v }

// appGoodForm is a complete form that passes every check of appPlan for appLevel.
func appGoodForm() model.Form {
	return model.Form{
		Basics: model.Basics{LevelCode: "deputy_senior", Specialty: "人力资源培训", Scope: model.ScopeProvince, AppType: model.AppNormal},
		Basic: model.BasicInfo{
			Ethnicity: "汉族", PoliticalStatus: model.PoliticalPartyMember, Employment: string(EmployRegular),
			PostManaged: true, NotCivilServant: true, CareerStart: "2005-07", SocialInsurance: model.SINotRequired,
			Education: []model.Education{{
				ID: "e1", Level: model.EduBachelor, Kind: model.EduDomestic, School: "兰州大学", Major: "行政管理",
				Start: "2001-09", Graduated: "2005-07-01", CertificateNo: "107301200505001234", Degree: model.DegreeBachelor, DegreeNo: "1073042005001234",
				CHSI: model.CHSIRecord{Verified: true, VerifiedAt: time.Date(2024, 9, 20, 2, 0, 0, 0, time.UTC), Name: "张三", School: "兰州大学",
					Major: "行政管理", Level: "本科", Graduated: "2005-07-01", CertificateNo: "107301200505001234"},
			}},
			WorkHistory: []model.WorkEntry{{ID: "w1", From: "2005-07", Organisation: "甘肃省委党校", Post: "教师", Duties: "干部培训"}},
			Qualification: model.Qualification{Series: "人力资源培训", LevelName: "讲师", LevelRank: 3, Obtained: "2018-12-20",
				CertificateNo: "GS2018-001", Appointed: "2019-03"},
		},
		Moral: model.Moral{Honours: []model.Honour{{ID: "h1", Name: "优秀共产党员", Level: model.GradeProvincial, Issuer: "省委", Date: "2021-07-01"}}},
		Ability: model.Ability{
			WorkExperience: []model.Experience{{ID: "x1", Category: "主讲培训课程", Description: "主讲干部培训课程 120 学时", From: "2019-01"}},
			Assessments: []model.Assessment{
				{ID: "a19", Year: 2019, Result: model.AssessCompetent}, {ID: "a20", Year: 2020, Result: model.AssessExcellent},
				{ID: "a21", Year: 2021, Result: model.AssessCompetent}, {ID: "a22", Year: 2022, Result: model.AssessCompetent},
				{ID: "a23", Year: 2023, Result: model.AssessExcellent},
			},
			ContinuingEducation: []model.CEEntry{
				{ID: "c19", Year: 2019, Hours: 90, PublicHours: 30, Provider: "省人社厅"}, {ID: "c20", Year: 2020, Hours: 90, Provider: "省人社厅"},
				{ID: "c21", Year: 2021, Hours: 96, Provider: "省人社厅"}, {ID: "c22", Year: 2022, Hours: 90, Provider: "省人社厅"},
				{ID: "c23", Year: 2023, Hours: 120, Provider: "省人社厅"},
			},
			Grassroots: []model.GrassrootsEntry{{ID: "g1", From: "2020-01", To: "2021-06", Place: "临夏县", Post: "培训教师"}},
		},
		Achievements: model.Achievements{
			Papers: []model.Paper{
				{ID: "p1", Title: "干部培训需求分析", Journal: "行政论坛", JournalLevel: model.JournalCore, ISSN: "1671-5497", CN: "CN 62-1030/G4",
					Published: "2023-05", AuthorRank: 1, CNKIIndexed: true, PlagiarismRate: rate(10)},
				{ID: "p2", Title: "Training evaluation", Journal: "Training Journal", JournalLevel: model.JournalOther, ISSN: "2434-561X",
					Published: "2024-09-30", AuthorRank: 1, Foreign: true, PlagiarismRate: rate(20)},
			},
			Monographs: []model.Monograph{{ID: "m1", Title: "干部教育培训概论", Publisher: "甘肃人民出版社", ISBN: "978-7-5097-1234-4",
				Published: "2022-03", WordCountK: 250, OwnWordsK: 120, Role: model.RoleChiefEditor}},
			Projects: []model.Project{{ID: "r1", Title: "基层培训体系研究", Source: "省社科规划办", Level: model.GradeProvincial,
				Start: "2021-03", End: "2023-06", Rank: 1, Members: 5, RegistrationNo: "2023-GS-001"}},
			Awards: []model.Award{{ID: "aw1", Name: "省级优秀教学成果奖", Level: model.GradeProvincial, Issuer: "省教育厅", Date: "2022-12", Criterion: "第六条第（二）项"}},
			ThinkTank: []model.ThinkTank{{ID: "t1", Title: "关于加强基层培训的建议", Type: model.ThinkTankInstruction, Date: "2023-08",
				Channel: "省委党校《决策参考》", OfficialRank: model.OfficialProvincialDeputy, Official: "副省长", Wording: "同意，很有参考价值，请省人社厅研究吸收。"}},
			Other: []model.OtherAchievement{{ID: "o1", Description: "指导青年教师 2 名", Criterion: "第七条第（一）项", Date: "2023-12"}},
		},
		Summary: "本人长期从事干部教育培训工作。",
	}
}

func appProfile() Profile {
	return Profile{Birth: elgDate(1980, 5, 12), Male: true, ApplyingOrgKind: model.OrgUnit, UnitType: model.UnitPublicInstitution}
}

// allFilled uploads one file to every slot the form needs.
func allFilled(f model.Form, p model.Plan) map[string]int {
	m := map[string]int{}
	for _, s := range f.Slots(p) {
		m[s.Key] = 1
	}
	return m
}

func appHas(es model.Errors, rule, field string) bool {
	return slices.ContainsFunc(es, func(e *model.Error) bool { return e.Rule == rule && e.Field == field })
}

func appWant(t *testing.T, es model.Errors, rule, field string, msgHas ...string) {
	t.Helper()
	for _, e := range es {
		if e.Rule == rule && e.Field == field && !slices.ContainsFunc(msgHas, func(s string) bool { return !strings.Contains(e.Message, s) }) {
			return
		}
	}
	t.Errorf("no finding %s on %s with %q in:\n%s", rule, field, msgHas, appDump(es))
}

func appDump(es model.Errors) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString("  [" + e.Rule + "] " + e.Field + ": " + e.Message + "\n")
	}
	return b.String()
}

func appComplete(t *testing.T, es model.Errors) {
	t.Helper()
	for _, e := range es {
		if e.Kind != model.KindInvalid || e.Field == "" || e.Message == "" || e.Fix == "" {
			t.Errorf("incomplete finding: %#v", e)
		}
	}
}

func TestPreSubmit_completeFormPasses(t *testing.T) {
	f, p := appGoodForm(), appPlan()
	if es := ValidateDraft(f, p); es != nil {
		t.Fatalf("ValidateDraft:\n%s", appDump(es))
	}
	if es := PreSubmit(f, p, appLevel(), appProfile(), allFilled(f, p), appToday); es != nil {
		t.Fatalf("complete form refused:\n%s", appDump(es))
	}
	// The form survives a JSON round trip unchanged (one document per version).
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var back model.Form
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if ch := DiffForms(f, back); len(ch) != 0 {
		t.Fatalf("round trip changed: %+v", ch)
	}
	if !strings.Contains(string(b), `"plagiarism_rate":10`) || !strings.Contains(string(b), `"not_civil_servant":true`) {
		t.Errorf("unexpected JSON names: %s", b)
	}
}

func TestValidateDraft_emptyFormSaves(t *testing.T) {
	if es := ValidateDraft(model.Form{}, appPlan()); es != nil {
		t.Fatalf("an empty draft must save:\n%s", appDump(es))
	}
}

func TestR_APP_07_summaryLimit(t *testing.T) {
	han := func(n int) string { return strings.Repeat("职", n) }
	cases := []struct {
		name string
		s    string
		n    int
		ok   bool
	}{
		{"800 Chinese characters", han(800), 800, true},
		{"801 Chinese characters", han(801), 801, false},
		{"line breaks not counted", han(400) + "\r\n\r\n" + han(398) + "\n\n", 798, true},
		{"800 plus Word paragraph breaks", han(200) + "\r\n" + han(200) + "\r\n" + han(200) + "\r\n" + han(200) + "\r\n", 800, true},
		{"spaces and punctuation count", han(798) + "。 ", 800, true},
		{"full-width space counts", han(800) + "\u3000", 801, false},
		{"ASCII counts one each", strings.Repeat("a", 801), 801, false},
		{"empty", "", 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := SummaryLength(c.s); got != c.n {
				t.Fatalf("SummaryLength = %d, want %d", got, c.n)
			}
			e := CheckSummary(c.s)
			if (e == nil) != c.ok {
				t.Fatalf("CheckSummary ok=%v, want %v (%v)", e == nil, c.ok, e)
			}
			if e != nil && (e.Rule != "R-APP-07" || e.Field != "summary" || !strings.Contains(e.Message, "801")) {
				t.Errorf("finding: %#v", e)
			}
			// The save refuses it at once too.
			f := model.Form{Summary: c.s}
			if got := appHas(ValidateDraft(f, appPlan()), "R-APP-07", "summary"); got == c.ok {
				t.Errorf("ValidateDraft refused=%v, want %v", got, !c.ok)
			}
		})
	}
	// Bytes are never counted: 800 Chinese characters are 2400 bytes of UTF-8.
	if s := han(800); len(s) != 2400 || CheckSummary(s) != nil {
		t.Errorf("800 characters (%d bytes) refused", len(s))
	}
}

func TestR_APP_07_sixthPaperRefused(t *testing.T) {
	p := appPlan()
	f := appGoodForm()
	base := f.Achievements.Papers[0]
	f.Achievements.Papers = nil
	for i := range 5 {
		pa := base
		pa.ID = "p" + string(rune('a'+i))
		f.Achievements.Papers = append(f.Achievements.Papers, pa)
	}
	if es := ValidateDraft(f, p); es != nil {
		t.Fatalf("5 papers refused:\n%s", appDump(es))
	}
	if appHas(CheckPapers(f, p.Policy, p.Year), "R-APP-07", "papers") {
		t.Fatal("CheckPapers refused 5 papers")
	}
	sixth := base
	sixth.ID = "pf"
	f.Achievements.Papers = append(f.Achievements.Papers, sixth)
	es := ValidateDraft(f, p)
	appWant(t, es, "R-APP-07", "papers", "最多填报 5 篇", "当前 6 篇")
	appComplete(t, es)
	appWant(t, CheckPapers(f, p.Policy, p.Year), "R-APP-07", "papers", "6 篇")
	// Reported once in the pre-submit list.
	all := PreSubmit(f, p, appLevel(), appProfile(), allFilled(f, p), appToday)
	n := 0
	for _, e := range all {
		if e.Rule == "R-APP-07" && e.Field == "papers" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("paper count reported %d times:\n%s", n, appDump(all))
	}
	// Policy unset: 5 by default; at least PaperMin.
	if appHas(CheckPapers(f, model.Policy{}, 2024), "R-APP-07", "papers") == false {
		t.Error("default maximum not 5")
	}
	f.Achievements.Papers = nil
	appWant(t, CheckPapers(f, model.Policy{PaperMin: 2, PaperMax: 5}, 2024), "R-APP-07", "papers", "至少填报 2 篇", "当前 0 篇")
}

func TestR_APP_07_assessmentsOnePerYear(t *testing.T) {
	withYears := func(years ...int) model.Form {
		f := appGoodForm()
		f.Ability.Assessments = nil
		for i, y := range years {
			f.Ability.Assessments = append(f.Ability.Assessments, model.Assessment{ID: "a" + string(rune('a'+i)), Year: y, Result: model.AssessCompetent})
		}
		return f
	}
	if got := AssessmentYears(appGoodForm(), 2024); !slices.Equal(got, []int{2019, 2020, 2021, 2022, 2023}) {
		t.Fatalf("AssessmentYears(2024) = %v, want 2019–2023 (the plan year's assessment is not yet made)", got)
	}
	if es := CheckAssessments(withYears(2019, 2020, 2021, 2022, 2023), 2024); es != nil {
		t.Fatalf("five years in order refused:\n%s", appDump(es))
	}
	t.Run("missing year", func(t *testing.T) {
		es := CheckAssessments(withYears(2019, 2020, 2022, 2023), 2024)
		appWant(t, es, "R-APP-07", "assessments", "缺少 2021 年度")
		if len(es) != 1 {
			t.Errorf("want one finding:\n%s", appDump(es))
		}
		appComplete(t, es)
	})
	t.Run("duplicate", func(t *testing.T) {
		es := CheckAssessments(withYears(2019, 2020, 2020, 2021, 2022, 2023), 2024)
		appWant(t, es, "R-APP-07", "assessments.ac.year", "2020 年度考核重复填报", "第 2 条与第 3 条")
		if len(es) != 1 {
			t.Errorf("want one finding:\n%s", appDump(es))
		}
	})
	t.Run("out of order", func(t *testing.T) {
		es := CheckAssessments(withYears(2023, 2022, 2021, 2020, 2019), 2024)
		appWant(t, es, "R-APP-07", "assessments", "未按年度依次填报", "2023、2022、2021、2020、2019")
		if len(es) != 1 {
			t.Errorf("want one finding:\n%s", appDump(es))
		}
	})
	t.Run("plan year and older years are not asked for", func(t *testing.T) {
		es := CheckAssessments(withYears(2018, 2019, 2020, 2021, 2022, 2023, 2024), 2024)
		appWant(t, es, "R-APP-07", "assessments.aa.year", "2018 年度考核不在需填报的2019–2023 年度内")
		appWant(t, es, "R-APP-07", "assessments.ag.year", "2024 年度")
	})
	t.Run("all at once", func(t *testing.T) {
		es := CheckAssessments(withYears(2022, 2020, 2020), 2024)
		for _, want := range []string{"缺少 2019", "缺少 2021", "缺少 2023", "重复", "未按年度依次"} {
			if !strings.Contains(appDump(es), want) {
				t.Errorf("missing %q in:\n%s", want, appDump(es))
			}
		}
	})
	t.Run("years before the first employment", func(t *testing.T) {
		f := withYears(2021, 2022, 2023)
		f.Basic.CareerStart = "2021-07"
		f.Basic.WorkHistory[0].From = "2021-07"
		if es := CheckAssessments(f, 2024); es != nil {
			t.Errorf("employed from 2021, asked for earlier years:\n%s", appDump(es))
		}
	})
	t.Run("result required", func(t *testing.T) {
		f := withYears(2019, 2020, 2021, 2022, 2023)
		f.Ability.Assessments[1].Result = ""
		appWant(t, CheckAssessments(f, 2024), "R-APP-07", "assessments.ab.result")
	})
}

func TestR_APP_07_plagiarismThresholds(t *testing.T) {
	p := appPlan()
	cases := []struct {
		level   model.JournalLevel
		rate    float64
		refused bool
	}{
		{model.JournalCore, 15.0, false},
		{model.JournalCore, 15.1, true},
		{model.JournalCore, 0, false},
		{model.JournalProvincial, 25.0, false},
		{model.JournalProvincial, 25.1, true},
		{model.JournalProvincial, 20, false},
		{model.JournalCore, 20, true},
		{model.JournalOther, 25.0, false},
		{model.JournalOther, 25.01, true},
	}
	for _, c := range cases {
		f := appGoodForm()
		pa := &f.Achievements.Papers[0]
		pa.JournalLevel, pa.PlagiarismRate = c.level, rate(c.rate)
		es := CheckPapers(f, p.Policy, p.Year)
		if got := appHas(es, "R-APP-07", "papers.p1.plagiarism_rate"); got != c.refused {
			t.Errorf("%s %v%%: refused=%v, want %v\n%s", c.level, c.rate, got, c.refused, appDump(es))
		}
		if c.refused {
			appWant(t, es, "R-APP-07", "papers.p1.plagiarism_rate", appFmtRate(c.rate), c.level.Label())
			appComplete(t, es)
		}
	}
	// The plan's numbers are used.
	f := appGoodForm()
	f.Achievements.Papers[0].PlagiarismRate = rate(12)
	pol := p.Policy
	pol.PlagiarismCore = 10
	appWant(t, CheckPapers(f, pol, 2024), "R-APP-07", "papers.p1.plagiarism_rate", "10%")

	// Not indexed by CNKI: the rate is required; indexed: the office checks it.
	f = appGoodForm()
	f.Achievements.Papers[0].PlagiarismRate = nil
	if appHas(CheckPapers(f, p.Policy, 2024), "R-APP-07", "papers.p1.plagiarism_rate") {
		t.Error("indexed paper without a rate refused")
	}
	f.Achievements.Papers[0].CNKIIndexed = false
	appWant(t, CheckPapers(f, p.Policy, 2024), "R-APP-07", "papers.p1.plagiarism_rate", "未填写查重率")

	// Outside 0–100 is refused at save.
	for _, v := range []float64{-1, 100.5} {
		f := appGoodForm()
		f.Achievements.Papers[0].PlagiarismRate = rate(v)
		appWant(t, ValidateDraft(f, p), "", "papers.p1.plagiarism_rate", "不在 0–100%")
	}
}

func TestR_CAL_05_paperDatedAfterCutoff(t *testing.T) {
	p := appPlan()
	for _, c := range []struct {
		date    model.Date
		refused bool
	}{
		{"2024-09-30", false},
		{"2024-10-01", true},
		{"2024-09", false}, // the month ends on the cut-off
		{"2024-10", true},
		{"2019-01-01", false},
		{"", true}, // no date: cannot be checked
	} {
		f := appGoodForm()
		f.Achievements.Papers[0].Published = c.date
		es := CheckPapers(f, p.Policy, p.Year)
		if got := appHas(es, "R-CAL-05", "papers.p1.published"); got != c.refused {
			t.Errorf("%q: refused=%v, want %v\n%s", c.date, got, c.refused, appDump(es))
		}
		// The pre-submit list carries it once, under the paper's path (the eligibility
		// engine's own achievement finding is merged into it).
		all := PreSubmit(f, p, appLevel(), appProfile(), allFilled(f, p), appToday)
		n := 0
		for _, e := range all {
			if e.Rule == "R-CAL-05" {
				n++
				if e.Field != "papers.p1.published" {
					t.Errorf("%q: R-CAL-05 on %s", c.date, e.Field)
				}
			}
		}
		if want := map[bool]int{true: 1, false: 0}[c.refused]; n != want {
			t.Errorf("%q: %d R-CAL-05 findings, want %d:\n%s", c.date, n, want, appDump(all))
		}
	}
	f := appGoodForm()
	f.Achievements.Papers[0].Published = "2024-10-01"
	appWant(t, CheckPapers(f, p.Policy, p.Year), "R-CAL-05", "papers.p1.published", "2024-10-01", "2024-09-30")
	// Every kind of achievement is cut off the same way.
	f = appGoodForm()
	f.Achievements.Projects[0].End = "2024-10-01"
	f.Achievements.Awards[0].Date = "2024-10"
	f.Achievements.Monographs[0].Published = "2025-01-01"
	f.Achievements.ThinkTank[0].Date = "2024-11-11"
	f.Achievements.Other[0].Date = ""
	es := PreSubmit(f, p, appLevel(), appProfile(), allFilled(f, p), appToday)
	for _, field := range []string{"projects.r1.end", "awards.aw1.date", "monographs.m1.published", "think_tank.t1.date", "other_achievements.o1.date"} {
		appWant(t, es, "R-CAL-05", field)
	}
}

func TestR_ELG_10_thinkTankNeutralWordingRefused(t *testing.T) {
	cases := []struct {
		wording string
		ok      bool
	}{
		{"阅", false},
		{"已阅。", false},
		{"批阅", false},
		{"圈阅 王某某 2023.8.1", false},
		{"请阅", false},
		{"不同意。", false},
		{"暂不采纳", false},
		{"此件无价值", false},
		{"同意", true},
		{"很好，请省人社厅研究吸收。", true},
		{"阅，所提建议有参考价值", true},
		{"请有关部门认真研究落实", true},
	}
	for _, c := range cases {
		if got := InstructionAffirmative(c.wording); got != c.ok {
			t.Errorf("InstructionAffirmative(%q) = %v, want %v", c.wording, got, c.ok)
		}
		f := appGoodForm()
		f.Achievements.ThinkTank[0].Wording = c.wording
		es := CheckThinkTank(f, 2024)
		if got := appHas(es, "R-ELG-10", "think_tank.t1.wording"); got == c.ok {
			t.Errorf("%q: refused=%v, want %v", c.wording, got, !c.ok)
		}
		appComplete(t, es)
	}
	f := appGoodForm()
	f.Achievements.ThinkTank[0].Wording = "阅"
	appWant(t, CheckThinkTank(f, 2024), "R-ELG-10", "think_tank.t1.wording", "“阅”“批阅”等中性用语不认定为肯定性批示")

	// Instruction: level and channel; adoption: body and grade.
	f = appGoodForm()
	f.Achievements.ThinkTank[0].OfficialRank, f.Achievements.ThinkTank[0].Channel = "", ""
	es := CheckThinkTank(f, 2024)
	appWant(t, es, "R-ELG-10", "think_tank.t1.official_rank")
	appWant(t, es, "R-ELG-10", "think_tank.t1.channel")
	f.Achievements.ThinkTank[0] = model.ThinkTank{ID: "t1", Title: "建议", Type: model.ThinkTankAdoption, Date: "2023-01"}
	es = CheckThinkTank(f, 2024)
	appWant(t, es, "R-ELG-10", "think_tank.t1.adopting_body")
	appWant(t, es, "R-ELG-10", "think_tank.t1.adoption_level")
	f.Achievements.ThinkTank[0].AdoptingBody, f.Achievements.ThinkTank[0].AdoptionLevel = "省委办公厅", model.GradeProvincial
	if es := CheckThinkTank(f, 2024); es != nil {
		t.Errorf("complete adoption refused:\n%s", appDump(es))
	}
	// A county-level adoption is not a grade the seed knows.
	f.Achievements.ThinkTank[0].AdoptionLevel = model.GradeCounty
	appWant(t, ValidateDraft(f, appPlan()), "", "think_tank.t1.adoption_level")
}

func TestR_ELG_10_awardsNameTheirCriterion(t *testing.T) {
	f := appGoodForm()
	f.Achievements.Awards[0].Criterion = " "
	appWant(t, CheckAwards(f, 2024), "R-ELG-10", "awards.aw1.criterion", "省级优秀教学成果奖", "条款")
	f.Achievements.Other[0].Criterion = ""
	appWant(t, CheckOtherAchievements(f, 2024), "R-ELG-10", "other_achievements.o1.criterion")
}

func TestMonographsAndProjects_required(t *testing.T) {
	f := appGoodForm()
	f.Achievements.Monographs[0] = model.Monograph{ID: "m1"}
	f.Achievements.Projects[0] = model.Project{ID: "r1"}
	es := append(CheckMonographs(f, 2024), CheckProjects(f, 2024)...)
	for _, field := range []string{"monographs.m1.title", "monographs.m1.publisher", "monographs.m1.isbn", "monographs.m1.word_count_k",
		"monographs.m1.role", "projects.r1.title", "projects.r1.source", "projects.r1.level", "projects.r1.start", "projects.r1.rank", "projects.r1.members"} {
		appWant(t, es, "R-ELG-10", field)
	}
	appWant(t, es, "R-CAL-05", "monographs.m1.published")
	appWant(t, es, "R-CAL-05", "projects.r1.end")
	appComplete(t, es)
	// The slots of a project: the registration only when a registration number is given.
	f = appGoodForm()
	req := slotMap(f.Slots(appPlan()))
	for _, k := range []string{"initiation", "completion", "registration", "ranking"} {
		if s, ok := req["projects/r1/"+k]; !ok || !s.Required {
			t.Errorf("project slot %s: %+v", k, s)
		}
	}
	for _, k := range []string{"cover", "copyright", "contents", "editorial_board", "word_count"} {
		if s, ok := req["monographs/m1/"+k]; !ok || !s.Required || s.Module != 4 {
			t.Errorf("monograph slot %s: %+v", k, s)
		}
	}
	f.Achievements.Projects[0].RegistrationNo = ""
	if s := slotMap(f.Slots(appPlan()))["projects/r1/registration"]; s.Required {
		t.Error("registration slot required without a registration number")
	}
}

func slotMap(ss []model.Slot) map[string]model.Slot {
	m := map[string]model.Slot{}
	for _, s := range ss {
		m[s.Key] = s
	}
	return m
}

func slotKeys(f model.Form, prefix string) []string {
	var ks []string
	for _, s := range f.Slots(appPlan()) {
		if strings.HasPrefix(s.Key, prefix) {
			ks = append(ks, s.Key)
		}
	}
	return ks
}

func TestSlots_bySocialInsuranceMode(t *testing.T) {
	si := []string{"basic/social_insurance", "basic/si_statement", "basic/labour_contract", "basic/salary_statements", "basic/roster", "basic/head_office_si"}
	for _, c := range []struct {
		mode model.SIMode
		want []string
	}{
		{model.SISixMonths, []string{"basic/social_insurance"}},
		{model.SIAlternative, []string{"basic/si_statement", "basic/labour_contract", "basic/salary_statements", "basic/roster"}},
		{model.SIHeadOffice, []string{"basic/head_office_si"}},
		{model.SINotRequired, nil},
		{"", nil},
	} {
		f := appGoodForm()
		f.Basic.SocialInsurance = c.mode
		var got []string
		for _, s := range f.Slots(appPlan()) {
			if slices.Contains(si, s.Key) {
				got = append(got, s.Key)
				if !s.Required || s.Module != 1 {
					t.Errorf("%s: %+v", c.mode, s)
				}
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: slots %v, want %v", c.mode, got, c.want)
		}
	}
	// The photo is always needed; the recommendation report always, but from the unit.
	g := appGoodForm()
	m := slotMap(g.Slots(appPlan()))
	if !m["basic/photo"].Required || m["basic/photo"].Multi || m["basic/photo"].ByUnit {
		t.Errorf("photo: %+v", m["basic/photo"])
	}
	for _, key := range []string{"basic/recommendation", "moral/publicity"} {
		if s, ok := m[key]; !ok || !s.ByUnit || s.Required || !s.Multi {
			t.Errorf("%s: %+v (present %v), want the unit's multi-file slot, not required of the applicant", key, s, ok)
		}
	}
}

// R-FLOW-01, R-ELG-10: the applicant submits without the unit's documents (推荐报告,
// 公示报告及公示照片, issued by the unit after its publicity): with every other slot filled the
// pre-submit check asks for neither, and MissingUnitReports names both until each has a file.
func TestR_FLOW_01_unitReportsNotAskedOfTheApplicant(t *testing.T) {
	f, p := appGoodForm(), appPlan()
	filled := allFilled(f, p)
	delete(filled, "basic/recommendation")
	delete(filled, "moral/publicity")
	for _, e := range PreSubmit(f, p, appLevel(), appProfile(), filled, appToday) {
		if e.Field == "slot:basic/recommendation" || e.Field == "slot:moral/publicity" {
			t.Errorf("the applicant is asked for the unit's document: %+v", e)
		}
	}
	if got := MissingUnitReports(f, p, filled); !slices.Equal(got, []string{"推荐报告", "公示报告及公示照片"}) {
		t.Errorf("missing with neither: %v", got)
	}
	filled["moral/publicity"] = 2
	if got := MissingUnitReports(f, p, filled); !slices.Equal(got, []string{"推荐报告"}) {
		t.Errorf("missing with the publicity report: %v", got)
	}
	filled["basic/recommendation"] = 1
	if got := MissingUnitReports(f, p, filled); got != nil {
		t.Errorf("missing with both: %v", got)
	}
}

func TestR_ELG_05_socialInsuranceModeFitsEmployment(t *testing.T) {
	p := appPlan()
	f := appGoodForm()
	f.Basic.Employment = string(EmployContract)
	es := PreSubmit(f, p, appLevel(), appProfile(), allFilled(f, p), appToday)
	appWant(t, es, "R-ELG-05", "basic.social_insurance", "编外聘用")
	f = appGoodForm()
	pr := appProfile()
	pr.UnitType = model.UnitStateEnterprise
	f.Basic.SocialInsurance = model.SIHeadOffice
	appWant(t, PreSubmit(f, p, appLevel(), pr, allFilled(f, p), appToday), "R-ELG-05", "basic.social_insurance", "外省民营企业")
}

func TestSlots_educationProofByKind(t *testing.T) {
	cases := []struct {
		kind      model.EduKind
		graduated model.Date
		verified  bool
		proof     model.EduProof
		label     string
	}{
		{model.EduDomestic, "2005-07", true, model.ProofNone, ""},
		{model.EduForeign, "2010-06", true, model.ProofNone, ""},
		{model.EduForeign, "2010-06", false, model.ProofForeign, "国外学历学位认证书"},
		{model.EduHMT, "2010-06", false, model.ProofHMT, "港澳台学历学位认证书"},
		{model.EduPartySchool, "2010-06", false, model.ProofStudentCard, "学籍卡或毕业生登记表"},
		{model.EduMilitary, "1998-06", false, model.ProofStudentCard, "学籍卡或毕业生登记表"},
		{model.EduSecondaryVocational, "1999-07", false, model.ProofStudentCard, "学籍卡或毕业生登记表"},
		{model.EduTechnicalSchool, "2008-07", false, model.ProofTechOnline, "网上毕业证书查询结果"},
		{model.EduTechnicalSchool, "2007-07", false, model.ProofStudentCard, "学籍卡或毕业生登记表"},
		{model.EduDomestic, "2001-07", false, model.ProofCertReport, "学历认证报告"},
		{model.EduDomestic, "2002-07", false, model.ProofRegistration, "电子注册备案表"},
		{model.EduDomestic, "", false, model.ProofUndetermined, "学历证明材料"},
		{"", "2010-07", false, model.ProofUndetermined, "学历证明材料"},
	}
	for _, c := range cases {
		f := appGoodForm()
		e := &f.Basic.Education[0]
		e.Kind, e.Graduated, e.CHSI.Verified = c.kind, c.graduated, c.verified
		if got := e.Proof(); got != c.proof {
			t.Errorf("%s %s verified=%v: proof %q, want %q", c.kind, c.graduated, c.verified, got, c.proof)
		}
		s, ok := slotMap(f.Slots(appPlan()))["education/e1/proof"]
		if ok != (c.proof != model.ProofNone) {
			t.Errorf("%s %s verified=%v: slot present=%v", c.kind, c.graduated, c.verified, ok)
			continue
		}
		if ok && (!strings.Contains(s.Label, c.label) || !s.Required || s.Module != 1) {
			t.Errorf("%s %s: slot %+v, want label with %q", c.kind, c.graduated, s, c.label)
		}
	}
}

func TestCheckEducation_verificationCode(t *testing.T) {
	unverified := func(code string, until model.Date) model.Form {
		f := appGoodForm()
		e := &f.Basic.Education[0]
		e.CHSI = model.CHSIRecord{}
		e.Graduated = "2005-07"
		e.VerificationCode, e.CodeValidUntil = code, until
		return f
	}
	if es := CheckEducation(unverified("A1B2C3D4E5F6", "2024-12-31"), 2024); es != nil {
		t.Fatalf("valid code refused:\n%s", appDump(es))
	}
	if es := CheckEducation(unverified("123456789012", "2024-12"), 2024); es != nil {
		t.Fatalf("12 digits valid to the end of December refused:\n%s", appDump(es))
	}
	appWant(t, CheckEducation(unverified("12345678901", "2024-12-31"), 2024), "", "education.e1.verification_code", "12 位", "11 位")
	appWant(t, CheckEducation(unverified("", "2024-12-31"), 2024), "R-ELG-10", "education.e1.verification_code", "电子注册备案表")
	appWant(t, CheckEducation(unverified("A1B2C3D4E5F6", "2024-12-30"), 2024), "R-ELG-10", "education.e1.code_valid_until", "2024-12-30", "2024-12-31")
	appWant(t, CheckEducation(unverified("A1B2C3D4E5F6", ""), 2024), "R-ELG-10", "education.e1.code_valid_until")
	// Before 2002 the report is needed, not a code.
	f := unverified("", "")
	f.Basic.Education[0].Graduated = "2001-07"
	if es := CheckEducation(f, 2024); es != nil {
		t.Errorf("2001 graduate asked for a code:\n%s", appDump(es))
	}
	// CHSI verified: no code; but the entry must still match the record.
	f = appGoodForm()
	f.Basic.Education[0].CertificateNo = "107301200505009999"
	appWant(t, CheckEducation(f, 2024), "R-ELG-10", "education.e1.certificate_no", "107301200505001234")
	// No education at all.
	f.Basic.Education = nil
	appWant(t, CheckEducation(f, 2024), "R-ELG-10", "education")
}

func TestSlots_papers(t *testing.T) {
	f := appGoodForm()
	got := slotKeys(f, "papers/")
	want := []string{
		"papers/p1/cover", "papers/p1/sponsor", "papers/p1/contents", "papers/p1/fulltext",
		"papers/p2/cover", "papers/p2/sponsor", "papers/p2/contents", "papers/p2/fulltext", "papers/p2/translation", "papers/p2/plagiarism_report",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paper slots\n got %v\nwant %v", got, want)
	}
	// Marking p2 domestic and indexed drops its translation and report; the files stay
	// linked and show up as unused.
	filled := allFilled(f, appPlan())
	f.Achievements.Papers[1].Foreign, f.Achievements.Papers[1].CNKIIndexed = false, true
	if got := slotKeys(f, "papers/p2/"); slices.Contains(got, "papers/p2/translation") || slices.Contains(got, "papers/p2/plagiarism_report") {
		t.Errorf("domestic indexed paper slots: %v", got)
	}
	if got := UnusedSlots(f, appPlan(), filled); !slices.Equal(got, []string{"papers/p2/plagiarism_report", "papers/p2/translation"}) {
		t.Errorf("UnusedSlots = %v", got)
	}
	// Reordering papers keeps the slot keys.
	g := appGoodForm()
	g.Achievements.Papers[0], g.Achievements.Papers[1] = g.Achievements.Papers[1], g.Achievements.Papers[0]
	if es := CheckSlots(g, appPlan(), allFilled(appGoodForm(), appPlan())); es != nil {
		t.Errorf("reordered papers lost files:\n%s", appDump(es))
	}
}

func TestSlots_oneForEachAssessmentAndCE(t *testing.T) {
	f := appGoodForm()
	if got := len(slotKeys(f, "assessments/")); got != 5 {
		t.Errorf("%d assessment slots, want 5", got)
	}
	if got := len(slotKeys(f, "continuing_education/")); got != 5 {
		t.Errorf("%d CE slots, want 5", got)
	}
	m := slotMap(f.Slots(appPlan()))
	if s := m["assessments/a21/result"]; !strings.Contains(s.Label, "2021年度") || s.Module != 3 {
		t.Errorf("assessment slot: %+v", s)
	}
	// Transferred title: the original certificate; not post-managed: the appointment letter.
	f.Basic.Qualification.Transferred = true
	f.Basic.PostManaged = false
	m = slotMap(f.Slots(appPlan()))
	if _, ok := m["qualification/original_certificate"]; !ok {
		t.Error("no original certificate slot for a transferred title")
	}
	if !strings.Contains(m["qualification/appointment"].Hint, "聘书") {
		t.Errorf("appointment hint: %q", m["qualification/appointment"].Hint)
	}
}

func TestR_APP_02_singleFileSlots(t *testing.T) {
	f, p := appGoodForm(), appPlan()
	filled := allFilled(f, p)
	filled["basic/photo"] = 2
	filled["papers/p1/fulltext"] = 7 // multi: fine
	es := CheckSlots(f, p, filled)
	appWant(t, es, "R-APP-02", "slot:basic/photo", "只能上传 1 个文件", "当前 2 个")
	if len(es) != 1 {
		t.Errorf("want one finding:\n%s", appDump(es))
	}
	appComplete(t, es)
}

func TestR_ELG_10_preSubmitAllAtOnce(t *testing.T) {
	p := appPlan()
	f := model.Form{
		Basics:       model.Basics{LevelCode: "deputy_senior"},
		Achievements: model.Achievements{Papers: []model.Paper{{ID: "p1", Title: "论文一", CNKIIndexed: false}}},
	}
	es := PreSubmit(f, p, appLevel(), Profile{}, nil, appToday)
	appComplete(t, es)
	// Every missing upload…
	for _, s := range f.Slots(p) {
		if s.Required {
			appWant(t, es, "R-ELG-10", "slot:"+s.Key)
		}
	}
	for _, key := range []string{"basic/photo", "moral/assessment", "moral/integrity",
		"papers/p1/cover", "papers/p1/plagiarism_report", "qualification/certificate"} {
		appWant(t, es, "R-ELG-10", "slot:"+key)
	}
	// …but not the unit's documents, which the unit uploads after the submission (R-FLOW-01).
	for _, key := range []string{"basic/recommendation", "moral/publicity"} {
		if appHas(es, "R-ELG-10", "slot:"+key) {
			t.Errorf("the applicant is asked for %s", key)
		}
	}
	// …every missing field…
	for _, field := range []string{"basics.specialty", "basics.scope", "basics.app_type", "basic.ethnicity", "basic.political_status",
		"basic.employment", "basic.social_insurance", "education", "work_history", "qualification.series", "qualification.certificate_no",
		"work_experience", "papers.p1.journal", "papers.p1.issn", "summary"} {
		appWant(t, es, "R-ELG-10", field)
	}
	appWant(t, es, "R-ELG-01", "basic.not_civil_servant")
	appWant(t, es, "R-APP-07", "papers.p1.plagiarism_rate")
	appWant(t, es, "R-CAL-05", "papers.p1.published")
	for _, y := range []string{"2019", "2020", "2021", "2022", "2023"} {
		appWant(t, es, "R-APP-07", "assessments", "缺少 "+y)
	}
	// …and the eligibility engine's findings, on the form's fields where the form holds them.
	appWant(t, es, "R-ELG-02", "birth")
	appWant(t, es, "R-ELG-05", "applying_org")
	appWant(t, es, "R-CAL-05", "basic.career_start", "专业技术总年限")
	appWant(t, es, "R-CAL-06", "qualification.obtained")
	appWant(t, es, "R-ELG-07", "continuing_education", "2023")
	// The engine's finding replaces the bare "未填写" of the same field.
	if appHas(es, "R-ELG-10", "basic.career_start") {
		t.Error("career start reported twice")
	}
	// In module order, each finding once.
	last := -1
	seen := map[string]bool{}
	for _, e := range es {
		m := FieldModule(e.Field)
		if m < last {
			t.Errorf("out of module order: %s (module %d) after module %d", e.Field, m, last)
		}
		last = m
		k := e.Rule + e.Field + e.Message
		if seen[k] {
			t.Errorf("repeated: %s %s", e.Field, e.Message)
		}
		seen[k] = true
	}
	if FieldModule(es[0].Field) != 0 || FieldModule(es[len(es)-1].Field) != 5 {
		t.Errorf("first %s, last %s", es[0].Field, es[len(es)-1].Field)
	}
	// The error value reads as the first finding and the count.
	if !strings.Contains(es.Error(), "等 ") {
		t.Errorf("Errors.Error() = %q", es.Error())
	}
}

func TestPreSubmit_eligibilityFromForm(t *testing.T) {
	p := appPlan()
	f := appGoodForm()
	f.Ability.ContinuingEducation[2].Hours = 60 // 2021
	f.Basic.Qualification.Appointed = "2021-03"
	es := PreSubmit(f, p, appLevel(), appProfile(), allFilled(f, p), appToday)
	appWant(t, es, "R-ELG-07", "continuing_education", "2021 年度继续教育 60 学时")
	appWant(t, es, "R-CAL-05", "qualification.appointed", "2021-03")
	// Cross-series without a transfer.
	f = appGoodForm()
	f.Basic.Qualification.Series = "高等学校教师"
	appWant(t, PreSubmit(f, p, appLevel(), appProfile(), allFilled(f, p), appToday), "R-ELG-06", "qualification.series")
	// Caller-owned facts are kept: a civil servant is refused whatever the form says.
	pr := appProfile()
	pr.CivilServant = true
	appWant(t, PreSubmit(appGoodForm(), p, appLevel(), pr, allFilled(appGoodForm(), p), appToday), "R-ELG-01", "basic.not_civil_servant")
}

func TestProfileFromForm(t *testing.T) {
	p, l := appPlan(), appLevel()
	base := appProfile()
	base.Employment = EmployFlexible // the form owns it
	base.Blacklist = []BlacklistEntry{{Until: elgDate(2020, 1, 1)}}
	f := appGoodForm()
	f.Basic.Qualification.Transferred = true
	f.Basic.Qualification.OriginalSeries = "高等学校教师"
	f.Basic.Qualification.OriginalObtained = "2016-11"
	f.Ability.ContinuingEducation = append(f.Ability.ContinuingEducation, model.CEEntry{ID: "c23b", Year: 2023, Hours: 10})
	f.Ability.Grassroots = append(f.Ability.Grassroots, model.GrassrootsEntry{ID: "g2", From: "2021-01", To: "2021-12"})
	got := ProfileFromForm(f, p, l, base, appToday)
	if got.Employment != EmployRegular || !got.PostManaged || len(got.Blacklist) != 1 || got.UnitType != model.UnitPublicInstitution {
		t.Errorf("ownership: %+v", got)
	}
	if got.ApplySeries != "人力资源培训" || got.AppliedLevelRank != 4 || got.CurrentLevelRank != 3 {
		t.Errorf("series/rank: %+v", got)
	}
	if !got.Transferred || !got.CurrentTitleObtained.Equal(elgDate(2016, 11, 1)) || !got.TransferDate.Equal(elgDate(2019, 3, 1)) {
		t.Errorf("transfer carry-over: obtained %v, transfer %v", got.CurrentTitleObtained, got.TransferDate)
	}
	if got.ContinuingEducation[2023] != 130 {
		t.Errorf("CE 2023 = %d, want 130", got.ContinuingEducation[2023])
	}
	// 2020-01..2021-06 and 2021-01..2021-12 overlap: 2020-01..2021-12 is 24 months.
	if got.GrassrootsMonths != 24 {
		t.Errorf("grassroots months = %d, want 24", got.GrassrootsMonths)
	}
	if len(got.Achievements) != 7 || !got.Achievements[1].Date.Equal(elgDate(2024, 9, 30)) {
		t.Errorf("achievements: %+v", got.Achievements)
	}
}

func TestValidateDraft_badValues(t *testing.T) {
	p := appPlan()
	f := model.Form{
		Basics: model.Basics{LevelCode: "nope", Specialty: "会计", Scope: "city", AppType: model.AppType("x")},
		Basic: model.BasicInfo{
			CareerStart: "2005-13", PoliticalStatus: "x",
			Education:   []model.Education{{ID: "e1", Start: "2005-09", Graduated: "2001-07", VerificationCode: "abc"}},
			WorkHistory: []model.WorkEntry{{ID: "w1"}, {ID: "w1"}, {ID: "bad id"}},
		},
		Ability: model.Ability{
			Assessments:         []model.Assessment{{ID: "a1", Year: 2025}},
			ContinuingEducation: []model.CEEntry{{ID: "c1", Year: 2023, Hours: 10, PublicHours: 20}},
		},
		Achievements: model.Achievements{
			Papers:     []model.Paper{{ID: "p1", ISSN: "1671-5498", CN: "62-1030", Published: "2024-02-30"}},
			Monographs: []model.Monograph{{ID: "m1", ISBN: "978-7-5097-1234-5"}},
			Projects:   []model.Project{{ID: "r1", Rank: 6, Members: 5, Start: "2023-01", End: "2022-12"}},
		},
	}
	es := ValidateDraft(f, p)
	appComplete(t, es)
	for _, field := range []string{"basics.level_code", "basics.specialty", "basics.scope", "basics.app_type", "basic.career_start",
		"basic.political_status", "education.e1.graduated", "education.e1.verification_code", "work_history", "assessments.a1.year",
		"continuing_education.c1.public_hours", "papers.p1.issn", "papers.p1.cn", "papers.p1.published", "monographs.m1.isbn",
		"projects.r1.rank", "projects.r1.end"} {
		appWant(t, es, "", field)
	}
	// Missing values are not refused at save.
	for _, e := range es {
		if strings.Contains(e.Message, "未填写") {
			t.Errorf("draft refused for a missing value: %s", e.Message)
		}
	}
}

func TestIdentifiers(t *testing.T) {
	for s, ok := range map[string]bool{"1671-5497": true, "2434-561X": true, "0028-0836": true, "ISSN 0028-0836": true, "1671-5498": false, "1671549": false} {
		if ValidISSN(s) != ok {
			t.Errorf("ValidISSN(%q) != %v", s, ok)
		}
	}
	for s, ok := range map[string]bool{"978-7-5097-1234-4": true, "9787509712344": true, "ISBN 7-5097-1234-?": false, "0-306-40615-2": true, "978-7-5097-1234-5": false} {
		if ValidISBN(s) != ok {
			t.Errorf("ValidISBN(%q) != %v", s, ok)
		}
	}
	for s, ok := range map[string]bool{"CN 62-1030/G4": true, "62-1030/G4": true, "cn11-1234/d": true, "62-1030": false, "CN 6-1030/G4": false} {
		if ValidCN(s) != ok {
			t.Errorf("ValidCN(%q) != %v", s, ok)
		}
	}
}

func TestR_APP_03_pledge(t *testing.T) {
	if e := CheckPledge(nil); e == nil || e.Rule != "R-APP-03" {
		t.Fatalf("unsigned pledge: %v", e)
	}
	if e := CheckPledge(&model.Pledge{TextVersion: "2024-1", SignedAt: appToday, SignerName: "张三"}); e != nil {
		t.Fatalf("signed pledge refused: %v", e)
	}
	if e := CheckPledge(&model.Pledge{TextVersion: "2024-1", SignedAt: appToday}); e == nil {
		t.Fatal("pledge without a name accepted")
	}
}

func TestAppStatus(t *testing.T) {
	for s, l := range map[model.AppStatus]string{model.StatusDraft: "草稿", model.StatusSubmitted: "已提交，待单位审核",
		model.StatusReturned: "退回修改", model.StatusWithdrawn: "已撤回"} {
		if s.Label() != l || !s.Valid() {
			t.Errorf("%s: %q", s, s.Label())
		}
	}
	if !model.StatusDraft.Editable() || !model.StatusReturned.Editable() || model.StatusSubmitted.Editable() {
		t.Error("Editable")
	}
}

func TestDate(t *testing.T) {
	for d, ok := range map[model.Date]bool{"2024-09-30": true, "2024-09": true, "2024-02-29": true, "2023-02-29": false,
		"2024-9-30": false, "2024/09/30": false, "1899-12": false, "": false, "2024-13": false} {
		if d.Valid() != ok {
			t.Errorf("%q.Valid() != %v", d, ok)
		}
	}
	if l, _ := model.Date("2024-02").Last(); !l.Equal(elgDate(2024, 2, 29)) {
		t.Errorf("Last(2024-02) = %v", l)
	}
	if f, _ := model.Date("2024-02").First(); !f.Equal(elgDate(2024, 2, 1)) {
		t.Errorf("First(2024-02) = %v", f)
	}
}
