package rules

import (
	"strings"
	"testing"

	"zhicheng/internal/model"
)

func changeAt(chs []FieldChange, path string) (FieldChange, bool) {
	for _, c := range chs {
		if c.Path == path {
			return c, true
		}
	}
	return FieldChange{}, false
}

func TestDiffForms(t *testing.T) {
	a := appGoodForm()
	if chs := DiffForms(a, appGoodForm()); len(chs) != 0 {
		t.Fatalf("identical forms differ: %+v", chs)
	}

	b := appGoodForm()
	b.Achievements.Papers[0].Title = "干部培训需求分析与对策"                     // changed title
	b.Achievements.Papers[0].PlagiarismRate = rate(12.5)               // changed number
	b.Achievements.Papers = b.Achievements.Papers[:1]                  // p2 removed
	b.Achievements.Awards = append(b.Achievements.Awards, model.Award{ // added
		ID: "aw2", Name: "全国优秀培训课程", Level: model.GradeNational, Date: "2023-11", Criterion: "第六条第（一）项"})
	b.Basic.Ethnicity = "回族"
	b.Basic.Employment = string(EmployContract)
	b.Basic.Qualification.Obtained = "2018-12"
	b.Basic.Education[0].CHSI.Verified = false
	b.Ability.Assessments[4].Result = model.AssessCompetent
	b.Summary = "新的小结"

	chs := DiffForms(a, b)
	want := map[string][2]string{
		"papers.p1.title":            {"干部培训需求分析", "干部培训需求分析与对策"},
		"papers.p1.plagiarism_rate":  {"10", "12.5"},
		"basic.ethnicity":            {"汉族", "回族"},
		"basic.employment":           {"在编（正式）人员", "编外聘用人员"},
		"qualification.obtained":     {"2018-12-20", "2018-12"},
		"education.e1.chsi.verified": {"是", "否"},
		"assessments.a23.result":     {"优秀", "合格"},
		"summary":                    {"本人长期从事干部教育培训工作。", "新的小结"},
	}
	for path, w := range want {
		c, ok := changeAt(chs, path)
		if !ok {
			t.Errorf("no change at %s in %+v", path, chs)
			continue
		}
		if c.Old != w[0] || c.New != w[1] || c.Label == "" {
			t.Errorf("%s: %+v, want %q → %q", path, c, w[0], w[1])
		}
	}
	if c, _ := changeAt(chs, "papers.p1.title"); c.Label != "论文《干部培训需求分析与对策》·论文题目" {
		t.Errorf("label %q", c.Label)
	}
	if c, _ := changeAt(chs, "qualification.obtained"); c.Label != "资历信息·取得现职称资格时间" {
		t.Errorf("label %q", c.Label)
	}
	if c, _ := changeAt(chs, "basic.ethnicity"); c.Label != "基本信息·民族" {
		t.Errorf("label %q", c.Label)
	}

	removed, ok := changeAt(chs, "papers.p2")
	if !ok || !strings.HasPrefix(removed.Label, "删除论文") || removed.New != "" ||
		!strings.Contains(removed.Old, "论文题目：Training evaluation") || !strings.Contains(removed.Old, "外文论文：是") {
		t.Errorf("removed entry: %+v", removed)
	}
	added, ok := changeAt(chs, "awards.aw2")
	if !ok || added.Label != "新增奖励和荣誉（全国优秀培训课程）" || added.Old != "" ||
		!strings.Contains(added.New, "级别：国家级") || !strings.Contains(added.New, "符合的业绩条件标准条款：第六条第（一）项") {
		t.Errorf("added entry: %+v", added)
	}
	// An added or removed entry is one change, not one per field.
	for _, c := range chs {
		if strings.HasPrefix(c.Path, "papers.p2.") || strings.HasPrefix(c.Path, "awards.aw2.") {
			t.Errorf("per-field change for a whole entry: %+v", c)
		}
	}
	if len(chs) != len(want)+2 {
		t.Errorf("%d changes, want %d:\n%+v", len(chs), len(want)+2, chs)
	}
}

func TestDiffForms_order(t *testing.T) {
	a, b := appGoodForm(), appGoodForm()
	b.Achievements.Papers[0], b.Achievements.Papers[1] = b.Achievements.Papers[1], b.Achievements.Papers[0]
	chs := DiffForms(a, b)
	if len(chs) != 1 || chs[0].Path != "papers" || chs[0].Label != "论文排序" ||
		chs[0].Old != "1. 《干部培训需求分析》；2. 《Training evaluation》" || chs[0].New != "1. 《Training evaluation》；2. 《干部培训需求分析》" {
		t.Errorf("reorder: %+v", chs)
	}
}
