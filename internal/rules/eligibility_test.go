package rules

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"zhicheng/internal/model"
)

// elgToday is a day inside seed 003's applicant window.
var elgToday = time.Date(2024, 10, 8, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// elgGood is a profile that passes every check for elgReq.
func elgGood() Profile {
	return Profile{
		Birth:                elgDate(1980, 5, 12),
		Male:                 true,
		ApplyingOrgKind:      model.OrgUnit,
		UnitType:             model.UnitPublicInstitution,
		Employment:           EmployRegular,
		Type:                 model.AppNormal,
		Scope:                model.ScopeProvince,
		CurrentSeries:        "人力资源培训",
		ApplySeries:          "人力资源培训",
		CurrentLevelRank:     3,
		AppliedLevelRank:     4,
		CareerStart:          elgDate(2005, 7, 1),
		CurrentTitleObtained: elgDate(2018, 12, 20),
		Appointed:            elgDate(2019, 3, 1),
		PostManaged:          true,
		Achievements:         []Achievement{{Title: "论文", Date: elgDate(2023, 6, 1)}},
		ContinuingEducation:  map[int]int{2019: 90, 2020: 90, 2021: 96, 2022: 90, 2023: 120},
		GrassrootsMonths:     14,
	}
}

func elgReq() Requirements {
	return Requirements{
		PlanYear: 2024, LevelName: "高级讲师", Senior: true,
		MinTotalYears: 15, MinYearsInCurrentTitle: 5,
		CEHoursPerYear: 90, RequireGrassroots: true, BlacklistYears: 3,
	}
}

func elgRules(es model.Errors) map[string]int {
	m := map[string]int{}
	for _, e := range es {
		m[e.Rule]++
	}
	return m
}

func elgComplete(t *testing.T, es model.Errors) {
	t.Helper()
	for _, e := range es {
		if e.Kind != model.KindInvalid || e.Rule == "" || e.Field == "" || e.Message == "" || e.Fix == "" {
			t.Errorf("incomplete finding: %#v", e)
		}
	}
}

func TestCheck_eligibleProfile(t *testing.T) {
	if es := Check(elgGood(), elgReq(), elgToday); es != nil {
		t.Fatalf("eligible profile refused: %v", es)
	}
	// PlanYear zero: taken from today.
	r := elgReq()
	r.PlanYear = 0
	if es := Check(elgGood(), r, elgToday); es != nil {
		t.Fatalf("plan year from today: %v", es)
	}
}

func TestR_ELG_01_civilServant(t *testing.T) {
	p := elgGood()
	if e := CheckCivilServant(p); e != nil {
		t.Errorf("non civil servant refused: %v", e)
	}
	p.CivilServant = true
	e := CheckCivilServant(p)
	if e == nil || e.Rule != "R-ELG-01" || !strings.Contains(e.Message, "参照公务员法管理") || e.Fix == "" {
		t.Errorf("civil servant: %+v", e)
	}
	if got := elgRules(Check(p, elgReq(), elgToday)); got["R-ELG-01"] != 1 || len(got) != 1 {
		t.Errorf("Check: %v", got)
	}
}

func TestR_ELG_02_inCheck(t *testing.T) {
	p := elgGood()
	p.Birth = elgDate(1964, 12, 31)
	es := Check(p, elgReq(), elgToday)
	if got := elgRules(es); got["R-ELG-02"] != 1 || len(got) != 1 {
		t.Fatalf("Check: %v", es)
	}
	if !strings.Contains(es[0].Message, "2024-12-31") {
		t.Errorf("message: %s", es[0].Message)
	}
	p.Birth = elgDate(1965, 1, 1)
	if es := Check(p, elgReq(), elgToday); es != nil {
		t.Errorf("born 1965-01-01 may apply in 2024: %v", es)
	}
}

func TestR_ELG_03_sanction(t *testing.T) {
	tests := []struct {
		name    string
		until   time.Time
		refused bool
	}{
		{"none", time.Time{}, false},
		{"ended yesterday", elgDate(2024, 10, 7), false},
		{"last day today", elgDate(2024, 10, 8), true},
		{"runs to next year", elgDate(2025, 3, 31), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := elgGood()
			p.SanctionUntil = tt.until
			e := CheckSanction(p, elgToday)
			if (e != nil) != tt.refused {
				t.Fatalf("refused = %v, want %v", e != nil, tt.refused)
			}
			if e != nil {
				next := elgFmtDay(tt.until.AddDate(0, 0, 1))
				if e.Rule != "R-ELG-03" || !strings.Contains(e.Message, elgFmtDay(tt.until)) || !strings.Contains(e.Fix, next) {
					t.Errorf("finding: %+v", e)
				}
			}
		})
	}
	// "today" is the caller's calendar day: 2024-10-08 00:30 in Shanghai is still the 8th.
	p := elgGood()
	p.SanctionUntil = elgDate(2024, 10, 7)
	early := time.Date(2024, 10, 8, 0, 30, 0, 0, time.FixedZone("CST", 8*3600))
	if e := CheckSanction(p, early); e != nil {
		t.Errorf("period ended on the 7th: %v", e)
	}
}

func TestR_ELG_04_blacklist(t *testing.T) {
	// Period end per 民法典 201/202: the corresponding day, or month end.
	for _, c := range []struct {
		listed time.Time
		years  int
		want   time.Time
	}{
		{elgDate(2024, 10, 20), 3, elgDate(2027, 10, 20)},
		{elgDate(2023, 9, 1), 5, elgDate(2028, 9, 1)},
		{elgDate(2024, 2, 29), 3, elgDate(2027, 2, 28)},
		{elgDate(2024, 2, 29), 4, elgDate(2028, 2, 29)},
	} {
		if got := BlacklistEnd(c.listed, c.years); !got.Equal(c.want) {
			t.Errorf("BlacklistEnd(%s, %d) = %s, want %s", elgFmtDay(c.listed), c.years, elgFmtDay(got), elgFmtDay(c.want))
		}
	}

	tests := []struct {
		name    string
		entries []BlacklistEntry
		want    string // end date named, "" if allowed
	}{
		{"none", nil, ""},
		{"expired yesterday", []BlacklistEntry{{Until: elgDate(2024, 10, 7)}}, ""},
		{"last day today", []BlacklistEntry{{Until: elgDate(2024, 10, 8)}}, "2024-10-08"},
		{"running", []BlacklistEntry{{Until: elgDate(2027, 10, 20), Reason: "提供虚假材料"}}, "2027-10-20"},
		{"latest of several", []BlacklistEntry{
			{Until: elgDate(2026, 1, 1)}, {Until: elgDate(2021, 1, 1)}, {Until: elgDate(2028, 9, 1)},
		}, "2028-09-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := elgGood()
			p.Blacklist = tt.entries
			e := CheckBlacklist(p, elgToday)
			if tt.want == "" {
				if e != nil {
					t.Errorf("refused: %v", e)
				}
				return
			}
			if e == nil || e.Rule != "R-ELG-04" || !strings.Contains(e.Message, "期至 "+tt.want) || !strings.Contains(e.Fix, "期满后") {
				t.Errorf("finding: %+v, want end %s", e, tt.want)
			}
		})
	}
	p := elgGood()
	p.Blacklist = []BlacklistEntry{{Until: elgDate(2027, 10, 20), Reason: "提供虚假材料"}}
	e := CheckBlacklist(p, elgToday)
	if e.Message != "因提供虚假材料列入职称申报评审失信黑名单，期至 2027-10-20，期内不得申报职称" || e.Fix != "期满后（2027-10-21 起）方可申报" {
		t.Errorf("wording: %q / %q", e.Message, e.Fix)
	}
}

func TestR_ELG_05_channel(t *testing.T) {
	tests := []struct {
		name   string
		mod    func(*Profile)
		fields []string
	}{
		{"public institution staff via unit", func(p *Profile) {}, nil},
		{"public institution staff via agency", func(p *Profile) { p.ApplyingOrgKind = model.OrgAgency }, []string{"applying_org"}},
		{"public institution contract staff via agency", func(p *Profile) {
			p.ApplyingOrgKind, p.Employment = model.OrgAgency, EmployContract
		}, nil},
		{"public institution contract staff via unit", func(p *Profile) { p.Employment = EmployContract }, nil},
		{"state enterprise via unit", func(p *Profile) { p.UnitType = model.UnitStateEnterprise }, nil},
		{"state enterprise via agency", func(p *Profile) {
			p.UnitType, p.ApplyingOrgKind = model.UnitStateEnterprise, model.OrgAgency
		}, []string{"applying_org"}},
		{"private enterprise via agency", func(p *Profile) {
			p.UnitType, p.ApplyingOrgKind = model.UnitPrivateEnterprise, model.OrgAgency
		}, nil},
		{"private enterprise via unit", func(p *Profile) { p.UnitType = model.UnitPrivateEnterprise }, nil},
		{"social organisation via agency", func(p *Profile) {
			p.UnitType, p.ApplyingOrgKind = model.UnitSocialOrg, model.OrgAgency
		}, nil},
		{"flexible via agency", func(p *Profile) {
			p.UnitType, p.Employment, p.ApplyingOrgKind = "", EmployFlexible, model.OrgAgency
		}, nil},
		{"flexible via unit", func(p *Profile) { p.UnitType, p.Employment = "", EmployFlexible }, []string{"applying_org"}},
		{"no applying organisation", func(p *Profile) { p.ApplyingOrgKind = "" }, []string{"applying_org"}},
		{"a review department is no channel", func(p *Profile) { p.ApplyingOrgKind = model.OrgCity }, []string{"applying_org"}},
		{"no unit type", func(p *Profile) { p.UnitType = "" }, []string{"unit_type"}},
		{"central unit without entrustment", func(p *Profile) { p.UnitType = model.UnitCentral }, []string{"entrustment"}},
		{"central unit with entrustment", func(p *Profile) {
			p.UnitType, p.EntrustmentApproved = model.UnitCentral, true
		}, nil},
		{"central flag on a state enterprise", func(p *Profile) {
			p.UnitType, p.CentralUnit = model.UnitStateEnterprise, true
		}, []string{"entrustment"}},
		{"central unit via agency, no entrustment", func(p *Profile) {
			p.UnitType, p.ApplyingOrgKind = model.UnitCentral, model.OrgAgency
		}, []string{"applying_org", "entrustment"}},
		{"seconded office staff", func(p *Profile) { p.SecondedFromOutside = true }, []string{"seconded"}},
		{"approved assistance secondment", func(p *Profile) {
			p.SecondedFromOutside, p.AssistanceApproved = true, true
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := elgGood()
			tt.mod(&p)
			es := CheckChannel(p)
			elgComplete(t, es)
			var fields []string
			for _, e := range es {
				if e.Rule != "R-ELG-05" {
					t.Errorf("rule %s", e.Rule)
				}
				fields = append(fields, e.Field)
			}
			if strings.Join(fields, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("findings on %v, want %v: %v", fields, tt.fields, es)
			}
		})
	}
}

func TestR_ELG_06_transfer(t *testing.T) {
	base := func() Profile {
		p := elgGood()
		p.CurrentSeries, p.ApplySeries = "经济", "人力资源培训"
		return p
	}
	tests := []struct {
		name   string
		mod    func(*Profile)
		fields []string
	}{
		{"same series, higher level", func(p *Profile) { p.ApplySeries = p.CurrentSeries }, nil},
		{"cross-series higher level without transfer", func(p *Profile) {}, []string{"apply_series"}},
		{"cross-series same level as normal application", func(p *Profile) { p.AppliedLevelRank = p.CurrentLevelRank }, []string{"apply_series"}},
		{"transfer application, assessed, same level", func(p *Profile) {
			p.Type, p.TransferAssessed, p.AppliedLevelRank = model.AppTransfer, true, p.CurrentLevelRank
		}, nil},
		{"transfer application without assessment", func(p *Profile) {
			p.Type, p.AppliedLevelRank = model.AppTransfer, p.CurrentLevelRank
		}, []string{"transfer_assessed"}},
		{"transfer application for a higher level", func(p *Profile) {
			p.Type, p.TransferAssessed = model.AppTransfer, true
		}, []string{"applied_level"}},
		{"transfer application into the same series", func(p *Profile) {
			p.Type, p.TransferAssessed, p.AppliedLevelRank, p.ApplySeries = model.AppTransfer, true, p.CurrentLevelRank, p.CurrentSeries
		}, []string{"apply_series"}},
		{"transferred 2023, higher level in 2024", func(p *Profile) {
			p.Transferred, p.TransferAssessed, p.TransferDate = true, true, elgDate(2023, 12, 1)
		}, nil},
		{"transferred in the plan year", func(p *Profile) {
			p.Transferred, p.TransferAssessed, p.TransferDate = true, true, elgDate(2024, 1, 1)
		}, []string{"transfer_date"}},
		{"transferred, title already in new series, plan year", func(p *Profile) {
			p.CurrentSeries = p.ApplySeries
			p.Transferred, p.TransferAssessed, p.TransferDate = true, true, elgDate(2024, 3, 1)
		}, []string{"transfer_date"}},
		{"transferred without assessment", func(p *Profile) {
			p.Transferred, p.TransferDate = true, elgDate(2022, 1, 1)
		}, []string{"transfer_assessed"}},
		{"transferred without date", func(p *Profile) {
			p.Transferred, p.TransferAssessed = true, true
		}, []string{"transfer_date"}},
		{"transferred, same level: nothing to check", func(p *Profile) {
			p.Transferred, p.AppliedLevelRank, p.TransferDate = true, p.CurrentLevelRank, elgDate(2024, 5, 1)
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base()
			tt.mod(&p)
			es := CheckTransfer(p, elgReq())
			elgComplete(t, es)
			var fields []string
			for _, e := range es {
				if e.Rule != "R-ELG-06" {
					t.Errorf("rule %s", e.Rule)
				}
				fields = append(fields, e.Field)
			}
			if strings.Join(fields, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("findings on %v, want %v: %v", fields, tt.fields, es)
			}
		})
	}
	p := base()
	p.Transferred, p.TransferAssessed, p.TransferDate = true, true, elgDate(2024, 1, 1)
	es := CheckTransfer(p, elgReq())
	if len(es) != 1 || !strings.Contains(es[0].Message, "2024-01") || !strings.Contains(es[0].Fix, "2025 年度") {
		t.Errorf("year-of-transfer wording: %v", es)
	}
}

func TestR_ELG_07_continuingEducation(t *testing.T) {
	r := elgReq() // 90 hours, plan 2024
	p := elgGood()
	if got := fmt.Sprint(ContinuingEducationYears(p, r)); got != "[2019 2020 2021 2022 2023]" {
		t.Errorf("years = %s", got)
	}
	p.CurrentTitleObtained = elgDate(2013, 1, 1) // older title: still only the last 5 years
	if got := fmt.Sprint(ContinuingEducationYears(p, r)); got != "[2019 2020 2021 2022 2023]" {
		t.Errorf("years, old title = %s", got)
	}
	p.CurrentTitleObtained = elgDate(2021, 11, 30) // recent title: from its year
	if got := fmt.Sprint(ContinuingEducationYears(p, r)); got != "[2021 2022 2023]" {
		t.Errorf("years, recent title = %s", got)
	}
	p.CurrentTitleObtained = elgDate(2024, 3, 1)
	if got := ContinuingEducationYears(p, r); len(got) != 0 {
		t.Errorf("title in the plan year: %v", got)
	}

	p = elgGood()
	p.ContinuingEducation = map[int]int{2019: 90, 2020: 60, 2022: 89, 2023: 200}
	es := CheckContinuingEducation(p, r)
	elgComplete(t, es)
	if len(es) != 3 {
		t.Fatalf("want one finding per short year (2020, 2021, 2022), got %v", es)
	}
	for i, want := range []struct{ year, hours, short string }{{"2020", "60", "差 30 学时"}, {"2021", "0", "差 90 学时"}, {"2022", "89", "差 1 学时"}} {
		e := es[i]
		if e.Rule != "R-ELG-07" || e.Field != "continuing_education["+want.year+"]" ||
			!strings.Contains(e.Message, want.year+" 年度继续教育 "+want.hours+" 学时") || !strings.Contains(e.Message, want.short) ||
			!strings.Contains(e.Fix, want.year) {
			t.Errorf("finding %d = %+v", i, e)
		}
	}

	// No number set by the plan: each year needs some completed CE.
	r.CEHoursPerYear = 0
	es = CheckContinuingEducation(p, r)
	if len(es) != 1 || es[0].Field != "continuing_education[2021]" || !strings.Contains(es[0].Message, "无继续教育学时记录") {
		t.Errorf("no hours set: %v", es)
	}
}

func TestR_ELG_08_publicityWorkdays(t *testing.T) {
	var r Requirements
	tests := []struct {
		t    model.AppType
		s    model.Scope
		r    Requirements
		want int
	}{
		{model.AppNormal, model.ScopeProvince, r, 5},
		{"", "", r, 5},
		{model.AppExceptional, model.ScopeProvince, r, 7},
		{model.AppNormal, model.ScopeGrassroots, r, 7},
		{model.AppTransfer, model.ScopeProvince, r, 5},
		{model.AppNormal, model.ScopeProvince, Requirements{PublicityWorkdays: 6, ExtendedPublicityWorkdays: 10}, 6},
		{model.AppExceptional, model.ScopeGrassroots, Requirements{PublicityWorkdays: 6, ExtendedPublicityWorkdays: 10}, 10},
		{model.AppExceptional, model.ScopeProvince, Requirements{PublicityWorkdays: 8}, 8}, // never shorter than normal
	}
	for _, tt := range tests {
		if got := PublicityWorkdays(tt.t, tt.s, tt.r); got != tt.want {
			t.Errorf("PublicityWorkdays(%q, %q, %+v) = %d, want %d", tt.t, tt.s, tt.r, got, tt.want)
		}
	}
}

func TestR_ELG_08_exceptionalBasis(t *testing.T) {
	p := elgGood()
	p.Type = model.AppExceptional
	e := CheckExceptional(p)
	if e == nil || e.Rule != "R-ELG-08" || e.Field != "exceptional_basis" || e.Fix == "" {
		t.Errorf("exceptional without basis: %+v", e)
	}
	p.ExceptionalBasis = "  "
	if CheckExceptional(p) == nil {
		t.Errorf("blank basis accepted")
	}
	p.ExceptionalBasis = "评价条件第十二条第（三）项"
	if e := CheckExceptional(p); e != nil {
		t.Errorf("with basis: %v", e)
	}
	p.Type, p.ExceptionalBasis = model.AppNormal, ""
	if e := CheckExceptional(p); e != nil {
		t.Errorf("normal application: %v", e)
	}
}

func TestR_ELG_08_grassrootsService(t *testing.T) {
	r := elgReq()
	p := elgGood()
	for _, c := range []struct {
		months, min int
		require     bool
		refused     bool
	}{
		{12, 0, true, false},
		{11, 0, true, true},
		{0, 0, false, false},
		{18, 24, true, true},
		{24, 24, true, false},
	} {
		p.GrassrootsMonths, r.GrassrootsMinMonths, r.RequireGrassroots = c.months, c.min, c.require
		e := CheckGrassroots(p, r)
		if (e != nil) != c.refused {
			t.Errorf("%+v: refused = %v", c, e != nil)
		}
		if e != nil && (e.Rule != "R-ELG-08" || !strings.Contains(e.Message, fmt.Sprintf("%d 个月", c.months))) {
			t.Errorf("%+v: %+v", c, e)
		}
	}
}

func TestR_ELG_09_grassrootsQuota(t *testing.T) {
	tests := []struct {
		used, posts int
		adding      bool
		refused     bool
	}{
		{1, 20, true, false}, // 2 of 20 = 10 %: allowed
		{2, 20, true, true},  // 3 of 20
		{2, 20, false, false},
		{0, 9, true, true}, // 10 % of 9 is 0.9: no whole post
		{0, 10, true, false},
		{0, 0, true, true},
		{9, 100, true, false},
		{10, 100, true, true},
	}
	for _, tt := range tests {
		e := CheckGrassrootsQuota(tt.used, tt.posts, tt.adding)
		if (e != nil) != tt.refused {
			t.Errorf("CheckGrassrootsQuota(%d, %d, %v) refused = %v, want %v", tt.used, tt.posts, tt.adding, e != nil, tt.refused)
		}
		if e != nil && (e.Rule != "R-ELG-09" || e.Fix == "") {
			t.Errorf("finding %+v", e)
		}
	}
	e := CheckGrassrootsQuota(2, 20, true)
	if e.Message != "本单位基层有效高级岗位已用 2 个，加上本次申报共 3 个，超过上限 2 个（专业技术岗位总量 20 个的 10%）" {
		t.Errorf("message %q", e.Message)
	}
	if !strings.Contains(e.Fix, "须再空出 1 个岗位") {
		t.Errorf("fix %q does not say how many posts must free up", e.Fix)
	}
	if e := CheckGrassrootsQuotaPct(2, 20, true, 15); e != nil {
		t.Errorf("15 %% of 20 is 3: %v", e)
	}

	// In Check: only grassroots-scope senior applications are bound.
	p := elgGood()
	p.UnitPosts = &UnitPosts{ProfessionalPosts: 20, SeniorGrassrootsPosts: 2}
	if es := Check(p, elgReq(), elgToday); es != nil {
		t.Errorf("province-wide scope bound by the grassroots quota: %v", es)
	}
	p.Scope = model.ScopeGrassroots
	if got := elgRules(Check(p, elgReq(), elgToday)); got["R-ELG-09"] != 1 {
		t.Errorf("grassroots scope over quota: %v", got)
	}
	p.Type, p.ExceptionalBasis = model.AppExceptional, "破格条款"
	if got := elgRules(Check(p, elgReq(), elgToday)); got["R-ELG-09"] != 1 {
		t.Errorf("exceptional grassroots still within the 10 %%: %v", got)
	}
	r := elgReq()
	r.Senior = false
	if got := elgRules(Check(p, r, elgToday)); got["R-ELG-09"] != 0 {
		t.Errorf("non-senior level: %v", got)
	}

	if !ExemptFromPostRatio(model.AppExceptional, model.ScopeProvince) || !ExemptFromPostRatio(model.AppExceptional, "") {
		t.Errorf("exceptional province-wide promotions are not bound by the unit ratio")
	}
	if ExemptFromPostRatio(model.AppExceptional, model.ScopeGrassroots) || ExemptFromPostRatio(model.AppNormal, model.ScopeProvince) {
		t.Errorf("only exceptional province-wide promotions are exempt")
	}
}

// R-ELG-10: every failure at once, each naming its rule and what would satisfy it.
func TestR_ELG_10_allFindingsAtOnce(t *testing.T) {
	p := elgGood()
	p.CivilServant = true                                                          // R-ELG-01
	p.Birth = elgDate(1964, 8, 1)                                                  // R-ELG-02: 60 on 2024-08-01
	p.SanctionUntil = elgDate(2025, 6, 30)                                         // R-ELG-03
	p.Blacklist = []BlacklistEntry{{Until: elgDate(2027, 10, 20)}}                 // R-ELG-04
	p.UnitType, p.Employment = "", EmployFlexible                                  // R-ELG-05: flexible via a unit
	p.ApplySeries = "经济"                                                           // R-ELG-06: cross-series without transfer
	p.ContinuingEducation[2023] = 30                                               // R-ELG-07: one short year (only 2023 counts: title obtained 2023)
	p.Type = model.AppExceptional                                                  // R-ELG-08: no exceptional basis
	p.Scope = model.ScopeGrassroots                                                // (grassroots scope)
	p.UnitPosts = &UnitPosts{ProfessionalPosts: 10, SeniorGrassrootsPosts: 1}      // R-ELG-09
	p.CurrentTitleObtained, p.Appointed = elgDate(2023, 1, 1), elgDate(2023, 1, 1) // R-CAL-05 seniority (3 years needed for 破格)
	p.Achievements = append(p.Achievements, Achievement{Title: "迟到的论文", Date: elgDate(2024, 10, 1)})
	r := elgReq()
	r.ExceptionalMinYearsInCurrentTitle = 3

	es := Check(p, r, elgToday)
	elgComplete(t, es)
	want := map[string]int{
		"R-ELG-01": 1, "R-ELG-02": 1, "R-ELG-03": 1, "R-ELG-04": 1, "R-ELG-05": 1,
		"R-ELG-06": 1, "R-ELG-07": 1, "R-ELG-08": 1, "R-ELG-09": 1,
		"R-CAL-05": 2, // seniority short, achievement after 09-30
	}
	got := elgRules(es)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rules = %v, want %v", got, want)
		for _, e := range es {
			t.Log(e)
		}
	}
	// The whole list reads as one refusal.
	if err := es.Err(); err == nil || !strings.Contains(err.Error(), "等 11 项") {
		t.Errorf("Errors.Error() = %v", err)
	}
	// Fixing the profile clears everything.
	if es := Check(elgGood(), elgReq(), elgToday); es.Err() != nil {
		t.Errorf("eligible: %v", es)
	}
}

func TestNewRequirements(t *testing.T) {
	plan := model.Plan{Year: 2024, Policy: model.Policy{
		BlacklistYears: 3, PublicityWorkdays: 5, PublicityWorkdaysLong: 8, CEHoursPerYear: 90, GrassrootsSeniorQuotaPct: 10,
	}}
	level := model.Level{Name: "高级讲师", Rank: 4, MinTotalYears: 15, MinYearsInCurrent: 5, ExceptionalYearsInCurrent: 2}
	r := NewRequirements(plan, level)
	want := Requirements{
		PlanYear: 2024, LevelName: "高级讲师", Senior: true, MinTotalYears: 15, MinYearsInCurrentTitle: 5,
		ExceptionalMinYearsInCurrentTitle: 2, CEHoursPerYear: 90, BlacklistYears: 3,
		PublicityWorkdays: 5, ExtendedPublicityWorkdays: 8, GrassrootsSeniorQuotaPct: 10,
	}
	if r != want {
		t.Errorf("NewRequirements = %+v, want %+v", r, want)
	}
	if PublicityWorkdays(model.AppExceptional, model.ScopeProvince, r) != 8 {
		t.Errorf("extended publicity from the plan")
	}
}
