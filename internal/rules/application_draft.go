package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhicheng/internal/model"
)

// Limits of a saved form. The paper count and the summary are R-APP-07; the others only
// bound the size of the JSON document a save may store (one per version).
const (
	// MaxListEntries is the most entries any one list may hold (papers: Policy.PaperMax).
	MaxListEntries = 50
	// MaxShortText is the most characters of a name, title, number or similar field.
	MaxShortText = 200
	// MaxLongText is the most characters of a description (duties, experience, wording).
	MaxLongText = 2000
	// MaxCEHours bounds the hours of one continuing-education entry.
	MaxCEHours = 1000
)

// entryID is what a list entry's ID may be: it appears in slot keys and field paths.
var entryID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// draftCheck collects findings.
type draftCheck struct{ es model.Errors }

func (c *draftCheck) add(rule, field, msg, fix string) {
	c.es = append(c.es, appFinding(rule, field, msg, fix))
}

func (c *draftCheck) addErr(e *model.Error) {
	if e != nil {
		c.es = append(c.es, e)
	}
}

// date refuses a filled-in date that is not "YYYY-MM-DD" or "YYYY-MM" (or outside 1900–2100).
func (c *draftCheck) date(field, what string, d model.Date) {
	if d.IsZero() || d.Valid() {
		return
	}
	c.add("", field, fmt.Sprintf("%s“%s”不是有效日期", what, string(d)),
		"请按 YYYY-MM-DD 或 YYYY-MM 填写，例如 2024-09-30 或 2024-09")
}

// span refuses a period whose start is after its end.
func (c *draftCheck) span(field, what string, from, to model.Date) {
	f, ok1 := from.First()
	t, ok2 := to.Last()
	if ok1 && ok2 && f.After(t) {
		c.add("", field, fmt.Sprintf("%s的起始时间 %s 晚于截止时间 %s", what, string(from), string(to)),
			"请核对起止时间；截止时间不能早于起始时间，至今的请留空截止时间")
	}
}

// text refuses an over-long text.
func (c *draftCheck) text(field, what, s string, max int) {
	if n := utf8.RuneCountInString(s); n > max {
		c.add("", field, fmt.Sprintf("%s共 %d 个字，超过 %d 字", what, n, max), fmt.Sprintf("请精简到 %d 字以内", max))
	}
}

// enum refuses a filled-in value that is not one of the type's values.
func (c *draftCheck) enum(field, what, value string, valid bool, allowed string) {
	if value == "" || valid {
		return
	}
	c.add("", field, fmt.Sprintf("%s“%s”不是可选值", what, value), "可选："+allowed)
}

// count refuses a negative number or one above max (max < 0: no maximum).
func (c *draftCheck) count(field, what string, n, max int) {
	if n < 0 || (max >= 0 && n > max) {
		fix := "请填写不小于 0 的整数"
		if max >= 0 {
			fix = fmt.Sprintf("请填写 0–%d 的整数", max)
		}
		c.add("", field, fmt.Sprintf("%s %d 无效", what, n), fix)
	}
}

// ids checks the IDs of a list (present, well formed, unique) and the list's length.
func (c *draftCheck) ids(list, what string, ids []string) {
	if len(ids) > MaxListEntries {
		c.add("", list, fmt.Sprintf("%s共 %d 条，超过 %d 条", what, len(ids), MaxListEntries), fmt.Sprintf("最多填报 %d 条", MaxListEntries))
	}
	seen := map[string]int{}
	for i, id := range ids {
		switch {
		case !entryID.MatchString(id):
			c.add("", list, fmt.Sprintf("%s第 %d 条的编号“%s”无效", what, i+1, id),
				"编号由页面自动生成（1–64 位字母、数字、下划线或连字符）；请刷新页面后重新添加该条")
		case seen[id] > 0:
			c.add("", list, fmt.Sprintf("%s第 %d 条与第 %d 条的编号“%s”重复", what, i+1, seen[id], id),
				"每条记录的编号须唯一；请刷新页面后重新添加该条")
		default:
			seen[id] = i + 1
		}
	}
}

func idsOf[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

// ValidateDraft checks what a save must enforce even for a draft: values that are wrong, not
// values that are missing. It refuses a paper beyond Policy.PaperMax (R-APP-07: a 6th paper
// cannot even be added), a summary over 800 characters (R-APP-07), malformed dates (see
// model.Date), impossible periods and numbers, a plagiarism rate outside 0–100, enum values
// the form does not know, a level, specialty, scope or application type the plan does not
// offer, a malformed verification code, ISSN, CN or ISBN, entries without a usable or unique
// ID, and texts or lists beyond the size limits above. An empty form passes.
func ValidateDraft(f model.Form, plan model.Plan) model.Errors {
	var c draftCheck
	bs := &f.Basics

	// Basics.
	if bs.LevelCode != "" {
		if _, ok := plan.Level(bs.LevelCode); !ok {
			names := make([]string, 0, len(plan.Levels))
			for _, l := range plan.Levels {
				names = append(names, l.Name)
			}
			c.add("", "basics.level_code", fmt.Sprintf("申报资格“%s”不在本计划（%s）中", bs.LevelCode, plan.Name),
				"可选："+strings.Join(names, "、"))
		}
	}
	if bs.Specialty != "" && !slices.Contains(plan.Specialties, bs.Specialty) {
		c.add("", "basics.specialty", fmt.Sprintf("申报专业“%s”不在本计划中", bs.Specialty), "可选："+strings.Join(plan.Specialties, "、"))
	}
	if bs.Scope != "" && !slices.Contains(plan.Scopes, bs.Scope) {
		c.add("", "basics.scope", fmt.Sprintf("有效范围“%s”不在本计划中", bs.Scope.Label()), "可选："+strings.Join(labels(plan.Scopes), "、"))
	}
	if bs.AppType != "" && !slices.Contains(plan.AppTypes, bs.AppType) {
		c.add("", "basics.app_type", fmt.Sprintf("申报类型“%s”不在本计划中", bs.AppType.Label()), "可选："+strings.Join(labels(plan.AppTypes), "、"))
	}
	c.text("basics.transfer_from", "转出系列", bs.TransferFrom, MaxShortText)
	c.text("basics.exceptional_basis", "破格条件", bs.ExceptionalBasis, MaxLongText)

	// Module 1.
	b := &f.Basic
	c.text("basic.ethnicity", "民族", b.Ethnicity, 20)
	c.enum("basic.political_status", "政治面貌", string(b.PoliticalStatus), b.PoliticalStatus.Valid(), strings.Join(labels(model.PoliticalStatuses), "、"))
	c.enum("basic.employment", "用工性质", b.Employment, slices.Contains(employmentValues, Employment(b.Employment)), "在编（正式）人员、编外聘用人员、灵活就业人员")
	c.enum("basic.social_insurance", "社会保险证明方式", string(b.SocialInsurance), b.SocialInsurance.Valid(), strings.Join(labels(model.SIModes), "；"))
	c.date("basic.career_start", "从事专业技术工作时间", b.CareerStart)

	c.ids("education", "学习经历", idsOf(b.Education, func(e model.Education) string { return e.ID }))
	for _, e := range b.Education {
		p := func(s string) string { return appPath("education", e.ID, s) }
		c.enum(p("level"), "学历", string(e.Level), e.Level.Valid(), strings.Join(labels(model.EduLevels), "、"))
		c.enum(p("kind"), "学历类别", string(e.Kind), e.Kind.Valid(), strings.Join(labels(model.EduKinds), "、"))
		c.enum(p("degree"), "学位", string(e.Degree), e.Degree.Valid(), strings.Join(labels(model.DegreeLevels), "、")+"，无学位留空")
		c.date(p("start"), "入学时间", e.Start)
		c.date(p("graduated"), "毕业时间", e.Graduated)
		c.date(p("code_valid_until"), "验证码有效期", e.CodeValidUntil)
		c.span(p("graduated"), "学习经历", e.Start, e.Graduated)
		for _, t := range []struct{ field, what, s string }{
			{"school", "毕业院校", e.School}, {"major", "所学专业", e.Major},
			{"certificate_no", "学历证书编号", e.CertificateNo}, {"degree_no", "学位证书编号", e.DegreeNo},
		} {
			c.text(p(t.field), t.what, t.s, MaxShortText)
		}
		if e.VerificationCode != "" {
			c.addErr(checkCodeFormat(p("verification_code"), e.VerificationCode))
		}
	}
	c.ids("work_history", "工作履历", idsOf(b.WorkHistory, func(w model.WorkEntry) string { return w.ID }))
	for _, w := range b.WorkHistory {
		p := func(s string) string { return appPath("work_history", w.ID, s) }
		c.date(p("from"), "工作履历起始时间", w.From)
		c.date(p("to"), "工作履历截止时间", w.To)
		c.span(p("to"), "工作履历", w.From, w.To)
		c.text(p("organisation"), "工作单位", w.Organisation, MaxShortText)
		c.text(p("post"), "岗位（职务）", w.Post, MaxShortText)
		c.text(p("duties"), "主要工作内容", w.Duties, MaxLongText)
	}
	q := &b.Qualification
	if q.LevelRank < 0 || q.LevelRank > 5 {
		c.add("", "qualification.level_rank", fmt.Sprintf("现职称级次 %d 无效", q.LevelRank), "1 员级，2 助理级，3 中级，4 副高级，5 正高级；无职称填 0")
	}
	c.date("qualification.obtained", "取得现职称资格时间", q.Obtained)
	c.date("qualification.appointed", "聘任（用）时间", q.Appointed)
	c.date("qualification.original_obtained", "原系列取得资格时间", q.OriginalObtained)
	c.date("qualification.original_appointed", "原系列聘任（用）时间", q.OriginalAppointed)
	for _, t := range []struct{ field, what, s string }{
		{"series", "现职称系列", q.Series}, {"level_name", "现职称名称", q.LevelName}, {"certificate_no", "现职称证书编号", q.CertificateNo},
		{"original_series", "原系列", q.OriginalSeries}, {"original_certificate_no", "原系列证书编号", q.OriginalCertificateNo},
	} {
		c.text("qualification."+t.field, t.what, t.s, MaxShortText)
	}

	// Module 2.
	c.ids("honours", "荣誉", idsOf(f.Moral.Honours, func(h model.Honour) string { return h.ID }))
	for _, h := range f.Moral.Honours {
		p := func(s string) string { return appPath("honours", h.ID, s) }
		c.enum(p("level"), "荣誉级别", string(h.Level), h.Level.Valid(), strings.Join(labels(model.Grades), "、"))
		c.date(p("date"), "荣誉授予时间", h.Date)
		c.text(p("name"), "荣誉名称", h.Name, MaxShortText)
		c.text(p("issuer"), "授予单位", h.Issuer, MaxShortText)
	}

	// Module 3.
	ab := &f.Ability
	c.ids("work_experience", "专业技术工作经历", idsOf(ab.WorkExperience, func(e model.Experience) string { return e.ID }))
	for _, e := range ab.WorkExperience {
		p := func(s string) string { return appPath("work_experience", e.ID, s) }
		c.date(p("from"), "经历起始时间", e.From)
		c.date(p("to"), "经历截止时间", e.To)
		c.span(p("to"), "专业技术工作经历", e.From, e.To)
		c.text(p("category"), "经历类别", e.Category, MaxShortText)
		c.text(p("description"), "经历内容", e.Description, MaxLongText)
	}
	c.ids("assessments", "年度考核", idsOf(ab.Assessments, func(a model.Assessment) string { return a.ID }))
	for _, a := range ab.Assessments {
		p := func(s string) string { return appPath("assessments", a.ID, s) }
		if a.Year != 0 && (a.Year < 1950 || a.Year > plan.Year) {
			c.add("", p("year"), fmt.Sprintf("考核年度 %d 无效", a.Year), fmt.Sprintf("请填写 1950–%d 之间的年份", plan.Year))
		}
		c.enum(p("result"), "考核结果", string(a.Result), a.Result.Valid(), strings.Join(labels(model.AssessmentResults), "、"))
	}
	c.ids("continuing_education", "继续教育", idsOf(ab.ContinuingEducation, func(e model.CEEntry) string { return e.ID }))
	for _, e := range ab.ContinuingEducation {
		p := func(s string) string { return appPath("continuing_education", e.ID, s) }
		if e.Year != 0 && (e.Year < 1950 || e.Year > plan.Year) {
			c.add("", p("year"), fmt.Sprintf("继续教育年度 %d 无效", e.Year), fmt.Sprintf("请填写 1950–%d 之间的年份", plan.Year))
		}
		c.count(p("hours"), "继续教育学时", e.Hours, MaxCEHours)
		c.count(p("public_hours"), "公需科目学时", e.PublicHours, MaxCEHours)
		if e.PublicHours > e.Hours && e.Hours >= 0 {
			c.add("", p("public_hours"), fmt.Sprintf("公需科目 %d 学时多于总学时 %d", e.PublicHours, e.Hours), "公需科目学时是总学时的一部分，不能多于总学时")
		}
		c.text(p("provider"), "培训机构", e.Provider, MaxShortText)
	}
	c.ids("grassroots", "帮扶基层经历", idsOf(ab.Grassroots, func(g model.GrassrootsEntry) string { return g.ID }))
	for _, g := range ab.Grassroots {
		p := func(s string) string { return appPath("grassroots", g.ID, s) }
		c.date(p("from"), "基层服务起始时间", g.From)
		c.date(p("to"), "基层服务截止时间", g.To)
		c.span(p("to"), "帮扶基层经历", g.From, g.To)
		c.text(p("place"), "服务单位", g.Place, MaxShortText)
		c.text(p("post"), "服务岗位", g.Post, MaxShortText)
	}

	// Module 4.
	ac := &f.Achievements
	c.addErr(checkPaperMax(len(ac.Papers), plan.Policy))
	c.ids("papers", "论文", idsOf(ac.Papers, func(p model.Paper) string { return p.ID }))
	for _, pa := range ac.Papers {
		p := func(s string) string { return appPath("papers", pa.ID, s) }
		c.enum(p("journal_level"), "刊物级别", string(pa.JournalLevel), pa.JournalLevel.Valid(), strings.Join(labels(model.JournalLevels), "、"))
		c.date(p("published"), "发表时间", pa.Published)
		c.text(p("title"), "论文题目", pa.Title, MaxShortText)
		c.text(p("journal"), "刊物名称", pa.Journal, MaxShortText)
		c.count(p("author_rank"), "署名次序", pa.AuthorRank, 100)
		if pa.ISSN != "" && !ValidISSN(pa.ISSN) {
			c.add("", p("issn"), fmt.Sprintf("ISSN“%s”格式不正确或校验位不符", pa.ISSN), "ISSN 为 8 位，形如 1671-5497（末位可为 X），请按刊物版权页填写")
		}
		if pa.CN != "" && !ValidCN(pa.CN) {
			c.add("", p("cn"), fmt.Sprintf("国内统一刊号“%s”格式不正确", pa.CN), "形如 CN 62-1030/G4 或 62-1030/G4，请按刊物版权页填写")
		}
		if r := pa.PlagiarismRate; r != nil && (*r < 0 || *r > 100 || *r != *r) {
			c.add("", p("plagiarism_rate"), fmt.Sprintf("查重率 %s 不在 0–100%% 之间", appFmtNum(*r)),
				"请按查重报告单上的“去除引用文献复制比”填写百分数，如 12.3")
		}
	}
	c.ids("monographs", "论著", idsOf(ac.Monographs, func(m model.Monograph) string { return m.ID }))
	for _, m := range ac.Monographs {
		p := func(s string) string { return appPath("monographs", m.ID, s) }
		c.enum(p("role"), "本人角色", string(m.Role), m.Role.Valid(), strings.Join(labels(model.MonographRoles), "、"))
		c.date(p("published"), "出版时间", m.Published)
		c.text(p("title"), "论著名称", m.Title, MaxShortText)
		c.text(p("publisher"), "出版社", m.Publisher, MaxShortText)
		c.count(p("word_count_k"), "总字数（千字）", m.WordCountK, 100000)
		c.count(p("own_words_k"), "本人撰写字数（千字）", m.OwnWordsK, 100000)
		if m.OwnWordsK > m.WordCountK && m.WordCountK > 0 {
			c.add("", p("own_words_k"), fmt.Sprintf("本人撰写 %d 千字，多于总字数 %d 千字", m.OwnWordsK, m.WordCountK), "请按版权页和编委会名单核对字数")
		}
		if m.ISBN != "" && !ValidISBN(m.ISBN) {
			c.add("", p("isbn"), fmt.Sprintf("ISBN“%s”格式不正确或校验位不符", m.ISBN), "ISBN 为 13 位（或旧版 10 位），形如 978-7-5097-1234-4，请按版权页填写")
		}
	}
	c.ids("projects", "课题", idsOf(ac.Projects, func(p model.Project) string { return p.ID }))
	for _, pr := range ac.Projects {
		p := func(s string) string { return appPath("projects", pr.ID, s) }
		c.enum(p("level"), "课题级别", string(pr.Level), pr.Level.Valid(), strings.Join(labels(model.Grades), "、"))
		c.date(p("start"), "立项时间", pr.Start)
		c.date(p("end"), "结题时间", pr.End)
		c.span(p("end"), "课题", pr.Start, pr.End)
		c.text(p("title"), "课题名称", pr.Title, MaxShortText)
		c.text(p("source"), "立项单位", pr.Source, MaxShortText)
		c.text(p("registration_no"), "成果登记号", pr.RegistrationNo, MaxShortText)
		c.count(p("rank"), "本人排名", pr.Rank, 1000)
		c.count(p("members"), "课题组人数", pr.Members, 1000)
		if pr.Rank > 0 && pr.Members > 0 && pr.Rank > pr.Members {
			c.add("", p("rank"), fmt.Sprintf("本人排名第 %d，多于课题组总人数 %d", pr.Rank, pr.Members), "请按个人排名页核对排名和总人数")
		}
	}
	c.ids("awards", "奖励和荣誉", idsOf(ac.Awards, func(a model.Award) string { return a.ID }))
	for _, a := range ac.Awards {
		p := func(s string) string { return appPath("awards", a.ID, s) }
		c.enum(p("level"), "奖励级别", string(a.Level), a.Level.Valid(), strings.Join(labels(model.Grades), "、"))
		c.date(p("date"), "获奖时间", a.Date)
		c.count(p("rank"), "本人排名", a.Rank, 1000)
		c.text(p("name"), "奖励名称", a.Name, MaxShortText)
		c.text(p("issuer"), "授予单位", a.Issuer, MaxShortText)
		c.text(p("criterion"), "符合的条款", a.Criterion, MaxShortText)
	}
	c.ids("think_tank", "智库研究成果", idsOf(ac.ThinkTank, func(t model.ThinkTank) string { return t.ID }))
	for _, t := range ac.ThinkTank {
		p := func(s string) string { return appPath("think_tank", t.ID, s) }
		c.enum(p("type"), "成果类型", string(t.Type), t.Type.Valid(), strings.Join(labels(model.ThinkTankTypes), "、"))
		c.enum(p("official_rank"), "批示人行政级别", string(t.OfficialRank), t.OfficialRank.Valid(), strings.Join(labels(model.OfficialRanks), "、"))
		c.enum(p("adoption_level"), "采纳级别", string(t.AdoptionLevel), slices.Contains(model.AdoptionGrades, t.AdoptionLevel), strings.Join(labels(model.AdoptionGrades), "、"))
		c.date(p("date"), "批示（采纳）时间", t.Date)
		c.text(p("title"), "成果名称", t.Title, MaxShortText)
		c.text(p("channel"), "报送渠道", t.Channel, MaxShortText)
		c.text(p("official"), "批示人职务", t.Official, MaxShortText)
		c.text(p("wording"), "批示内容", t.Wording, MaxLongText)
		c.text(p("adopting_body"), "采纳单位", t.AdoptingBody, MaxShortText)
	}
	c.ids("other_achievements", "其他业绩", idsOf(ac.Other, func(o model.OtherAchievement) string { return o.ID }))
	for _, o := range ac.Other {
		p := func(s string) string { return appPath("other_achievements", o.ID, s) }
		c.date(p("date"), "取得时间", o.Date)
		c.text(p("description"), "业绩内容", o.Description, MaxLongText)
		c.text(p("criterion"), "符合的条款", o.Criterion, MaxShortText)
	}

	// Module 5.
	c.addErr(CheckSummary(f.Summary))
	return c.es
}

var employmentValues = []Employment{EmployRegular, EmployContract, EmployFlexible}

type labeled interface{ Label() string }

func labels[T labeled](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.Label()
	}
	return out
}

// checkCodeFormat checks the CHSI online verification code: 12 letters or digits (seed 000
// 三(一)1 "12位数的验证码"; the codes mix capital letters and digits, so letters are allowed).
func checkCodeFormat(field, code string) *model.Error {
	if verificationCode.MatchString(code) {
		return nil
	}
	return appFinding("", field, fmt.Sprintf("学信网验证码“%s”应为 12 位字母或数字，当前 %d 位", code, utf8.RuneCountInString(code)),
		"请从《教育部学历证书电子注册备案表》右下角抄录 12 位在线验证码，不含空格")
}

var verificationCode = regexp.MustCompile(`^[0-9A-Za-z]{12}$`)

// ValidISSN reports whether s is an ISSN ("1671-5497", hyphen optional, check digit X
// allowed) with a correct check digit (ISO 3297).
func ValidISSN(s string) bool {
	s = strings.TrimSpace(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "ISSN"))
	s = strings.Replace(s, "-", "", 1)
	if len(s) != 8 {
		return false
	}
	sum := 0
	for i := 0; i < 7; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * (8 - i)
	}
	check := (11 - sum%11) % 11
	switch {
	case check == 10:
		return s[7] == 'X'
	default:
		return s[7] == byte('0'+check)
	}
}

// cnNumber is the 国内统一连续出版物号: two-digit region, four-digit serial, "/" and the
// classification (e.g. CN 62-1030/G4).
var cnNumber = regexp.MustCompile(`^(?:CN\s*)?\d{2}-\d{4}/[A-Z][A-Z0-9.]{0,5}$`)

// ValidCN reports whether s is a domestic serial number such as "CN 62-1030/G4".
func ValidCN(s string) bool { return cnNumber.MatchString(strings.ToUpper(strings.TrimSpace(s))) }

// ValidISBN reports whether s is an ISBN-13 or ISBN-10 (hyphens and spaces ignored) with a
// correct check digit.
func ValidISBN(s string) bool {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "ISBN")
	s = strings.NewReplacer("-", "", " ", "", ":", "").Replace(s)
	switch len(s) {
	case 13:
		sum := 0
		for i := 0; i < 13; i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
			w := 1
			if i%2 == 1 {
				w = 3
			}
			sum += int(s[i]-'0') * w
		}
		return sum%10 == 0
	case 10:
		sum := 0
		for i := 0; i < 10; i++ {
			var v int
			switch {
			case s[i] >= '0' && s[i] <= '9':
				v = int(s[i] - '0')
			case s[i] == 'X' && i == 9:
				v = 10
			default:
				return false
			}
			sum += v * (10 - i)
		}
		return sum%11 == 0
	}
	return false
}

func appFmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
