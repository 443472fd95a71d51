package rules

import (
	"strings"
	"testing"
	"time"

	"zhicheng/internal/model"
)

func TestR_CAL_05_achievementCutoff(t *testing.T) {
	as := []Achievement{
		{Title: "论文甲", Date: elgDate(2024, 9, 30)},
		{Title: "论文乙", Date: elgDate(2024, 10, 1)},
		{Title: "课题丙", Date: elgDate(2020, 1, 1)},
		{Title: "奖项丁", Date: time.Date(2024, 9, 30, 23, 59, 59, 0, time.FixedZone("CST", 8*3600))},
		{Title: "未填日期"},
		{Title: "下一年", Date: elgDate(2025, 1, 1)},
	}
	kept, excluded := CountableAchievements(as, 2024)
	titles := func(xs []Achievement) string {
		var s []string
		for _, x := range xs {
			s = append(s, x.Title)
		}
		return strings.Join(s, ",")
	}
	if got := titles(kept); got != "论文甲,课题丙,奖项丁" {
		t.Errorf("kept = %s", got)
	}
	if got := titles(excluded); got != "论文乙,未填日期,下一年" {
		t.Errorf("excluded = %s", got)
	}
	if !AchievementCutoff(2024).Equal(elgDate(2024, 9, 30)) {
		t.Errorf("cutoff = %s", AchievementCutoff(2024))
	}

	es := CheckAchievements(as, 2024)
	if len(es) != 3 {
		t.Fatalf("want 3 findings, got %d: %v", len(es), es)
	}
	late := es[0]
	if late.Rule != "R-CAL-05" || late.Field != "achievements[1]" ||
		!strings.Contains(late.Message, "2024-10-01") || !strings.Contains(late.Message, "2024-09-30") ||
		!strings.Contains(late.Fix, "下次申报") {
		t.Errorf("late finding = %+v", late)
	}
	if es[1].Field != "achievements[4]" || !strings.Contains(es[1].Message, "未填写取得时间") {
		t.Errorf("undated finding = %+v", es[1])
	}
	// The same 10-01 achievement counts for the next plan.
	if _, ex := CountableAchievements(as[1:2], 2025); len(ex) != 0 {
		t.Errorf("2024-10-01 should count for 2025")
	}
}

func TestR_CAL_06_yearsMonths(t *testing.T) {
	end := SeniorityEnd(2024)
	tests := []struct {
		from          time.Time
		years, months int
	}{
		{elgDate(2020, 1, 1), 5, 0},
		{elgDate(2020, 1, 31), 5, 0}, // the start month counts whole, whatever the day
		{elgDate(2019, 12, 31), 5, 1},
		{elgDate(2020, 2, 1), 4, 11},
		{elgDate(2020, 10, 15), 4, 3},
		{elgDate(2024, 12, 1), 0, 1},
		{elgDate(2025, 1, 1), 0, 0},
		{time.Time{}, 0, 0},
	}
	for _, tt := range tests {
		y, m := YearsMonths(tt.from, end)
		if y != tt.years || m != tt.months {
			t.Errorf("YearsMonths(%s, 2024-12-31) = %dy%dm, want %dy%dm", elgFmtDay(tt.from), y, m, tt.years, tt.months)
		}
	}
}

func TestR_CAL_05_seniorityToYearEnd(t *testing.T) {
	if !SeniorityEnd(2024).Equal(elgDate(2024, 12, 31)) {
		t.Fatalf("SeniorityEnd(2024) = %s", SeniorityEnd(2024))
	}
	r := Requirements{PlanYear: 2024, LevelName: "高级政工师", MinTotalYears: 10, MinYearsInCurrentTitle: 5}
	tests := []struct {
		name     string
		obtained time.Time
		career   time.Time
		fails    []string // fields
	}{
		{"title 2020-01: exactly 5 years at 2024-12-31", elgDate(2020, 1, 20), elgDate(2015, 1, 1), nil},
		{"title 2020-02: 4y11m", elgDate(2020, 2, 1), elgDate(2015, 1, 1), []string{"current_title_obtained"}},
		{"career 2015-02: 9y11m", elgDate(2019, 1, 1), elgDate(2015, 2, 1), []string{"career_start"}},
		{"both short", elgDate(2021, 6, 1), elgDate(2016, 6, 1), []string{"career_start", "current_title_obtained"}},
		{"missing dates", time.Time{}, time.Time{}, []string{"career_start", "current_title_obtained"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := CheckSeniority(Profile{CurrentTitleObtained: tt.obtained, CareerStart: tt.career}, r)
			var fields []string
			for _, e := range es {
				fields = append(fields, e.Field)
				if e.Rule == "" || e.Message == "" || e.Fix == "" || e.Kind != model.KindInvalid {
					t.Errorf("incomplete finding %+v", e)
				}
			}
			if strings.Join(fields, ",") != strings.Join(tt.fails, ",") {
				t.Errorf("findings on %v, want %v: %v", fields, tt.fails, es)
			}
		})
	}

	es := CheckSeniority(Profile{CurrentTitleObtained: elgDate(2020, 10, 8), CareerStart: elgDate(2010, 1, 1)}, r)
	if len(es) != 1 {
		t.Fatalf("want one finding, got %v", es)
	}
	want := "现职称任职年限自 2020-10 起（取得现职称资格当月起算）计算到 2024-12-31 为 4 年 3 个月，申报高级政工师须满 5 年"
	if es[0].Rule != "R-CAL-05" || es[0].Message != want {
		t.Errorf("message = %q, want %q", es[0].Message, want)
	}
	if !strings.Contains(es[0].Fix, "2020-01 或之前") {
		t.Errorf("fix should name the latest qualifying month: %q", es[0].Fix)
	}
	// Counting to the end of the plan year: the same title is enough for 2025.
	r.PlanYear = 2025
	if es := CheckSeniority(Profile{CurrentTitleObtained: elgDate(2020, 10, 8), CareerStart: elgDate(2010, 1, 1)}, r); len(es) != 0 {
		t.Errorf("2025: %v", es)
	}
}

func TestR_CAL_05_exceptionalSeniority(t *testing.T) {
	r := Requirements{PlanYear: 2024, MinTotalYears: 10, MinYearsInCurrentTitle: 5, ExceptionalMinYearsInCurrentTitle: 3}
	p := Profile{Type: model.AppExceptional, CurrentTitleObtained: elgDate(2022, 1, 1), CareerStart: elgDate(2020, 1, 1)}
	if es := CheckSeniority(p, r); len(es) != 0 {
		t.Errorf("exceptional with 3 years and total waived: %v", es)
	}
	p.CurrentTitleObtained = elgDate(2022, 2, 1)
	es := CheckSeniority(p, r)
	if len(es) != 1 || !strings.Contains(es[0].Message, "破格申报该级别须满 3 年") {
		t.Errorf("exceptional 2y11m: %v", es)
	}
	p.Type = model.AppNormal
	es = CheckSeniority(p, r)
	if len(es) != 2 || !strings.Contains(es[1].Fix, "破格") {
		t.Errorf("normal application should fail both and suggest 破格: %v", es)
	}
}

func TestR_CAL_06_tenureStart(t *testing.T) {
	obtained, appointed := elgDate(2019, 6, 18), elgDate(2020, 3, 9)
	tests := []struct {
		name string
		p    Profile
		want time.Time
	}{
		{"qualification month outside post management", Profile{CurrentTitleObtained: obtained, Appointed: appointed}, elgDate(2019, 6, 1)},
		{"appointment month under post management", Profile{CurrentTitleObtained: obtained, Appointed: appointed, PostManaged: true}, elgDate(2020, 3, 1)},
		{"post managed without appointment date falls back", Profile{CurrentTitleObtained: obtained, PostManaged: true}, elgDate(2019, 6, 1)},
		{"no qualification date falls back to appointment", Profile{Appointed: appointed}, elgDate(2020, 3, 1)},
		{"nothing", Profile{}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TenureStart(tt.p); !got.Equal(tt.want) {
				t.Errorf("TenureStart = %v, want %v", got, tt.want)
			}
		})
	}

	// Post management decides which date counts: appointed 2020-03 → 4y10m; obtained 2019-06 → 5y7m.
	r := Requirements{PlanYear: 2024, MinYearsInCurrentTitle: 5}
	p := Profile{CurrentTitleObtained: obtained, Appointed: appointed, PostManaged: true}
	es := CheckSeniority(p, r)
	if len(es) != 1 || es[0].Field != "appointed" || !strings.Contains(es[0].Message, "4 年 10 个月") {
		t.Errorf("post-managed: %v", es)
	}
	p.PostManaged = false
	if es := CheckSeniority(p, r); len(es) != 0 {
		t.Errorf("not post-managed: %v", es)
	}
}

// Seniority carries over a transfer of series (seed 003 五(四)).
func TestR_ELG_06_seniorityCarriesOver(t *testing.T) {
	r := Requirements{PlanYear: 2024, MinYearsInCurrentTitle: 5}
	p := Profile{
		CurrentSeries: "人力资源培训", ApplySeries: "人力资源培训",
		CurrentLevelRank: 3, AppliedLevelRank: 4,
		Transferred: true, TransferAssessed: true, TransferDate: elgDate(2022, 7, 1),
		CurrentTitleObtained: elgDate(2018, 5, 1), // 中级 in the original series
	}
	if es := CheckSeniority(p, r); len(es) != 0 {
		t.Errorf("seniority from the original series: %v", es)
	}
	if es := CheckTransfer(p, r); len(es) != 0 {
		t.Errorf("transfer conditions met: %v", es)
	}
}
