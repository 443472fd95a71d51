package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhicheng/internal/model"
)

// SummaryMaxChars is the most characters of the work summary (R-APP-07, seed 003 填报须知三(五)
// "字数限制在800字以内": 800 is allowed).
const SummaryMaxChars = 800

// SummaryLength counts the summary as the limit counts it: Unicode characters (runes), never
// bytes — a Chinese character is one, not three — and every character counts (letters, digits,
// punctuation, spaces, full-width spaces) except line breaks (\r and \n). Paragraph breaks are
// layout, not words: text pasted from Word, where each paragraph ends in \r\n, is not penalised
// for its paragraphs.
func SummaryLength(s string) int {
	n := 0
	for _, r := range s {
		if r != '\r' && r != '\n' {
			n++
		}
	}
	return n
}

// CheckSummary decides R-APP-07's summary limit: at most SummaryMaxChars characters as
// SummaryLength counts them. An empty summary passes here (PreSubmit asks for one).
func CheckSummary(s string) *model.Error {
	n := SummaryLength(s)
	if n <= SummaryMaxChars {
		return nil
	}
	return appFinding(ruleApp07, "summary",
		fmt.Sprintf("专业技术工作小结共 %d 字，超过 %d 字的限制 %d 字", n, SummaryMaxChars, n-SummaryMaxChars),
		fmt.Sprintf("请精简到 %d 字以内（按字符计，换行不计）", SummaryMaxChars))
}

// PaperMax is the most papers a plan allows: Policy.PaperMax, or 5 when unset (R-APP-07).
func PaperMax(policy model.Policy) int {
	if policy.PaperMax > 0 {
		return policy.PaperMax
	}
	return 5
}

func checkPaperMax(n int, policy model.Policy) *model.Error {
	max := PaperMax(policy)
	if n <= max {
		return nil
	}
	return appFinding(ruleApp07, "papers",
		fmt.Sprintf("论文最多填报 %d 篇，当前 %d 篇", max, n),
		fmt.Sprintf("请按质量高低只保留 %d 篇，删除其余 %d 篇", max, n-max))
}

// PlagiarismLimit is the highest plagiarism rate (percent, excluding citations) a paper in a
// journal of level l may have: Policy.PlagiarismCore (15) for core journals, and
// Policy.PlagiarismProvincial (25) for provincial ones. The seed names only these two
// (填报须知三(四)1); a journal of another level is held to the provincial limit, the loosest the
// seed allows.
func PlagiarismLimit(l model.JournalLevel, policy model.Policy) float64 {
	if l == model.JournalCore {
		if policy.PlagiarismCore > 0 {
			return policy.PlagiarismCore
		}
		return 15
	}
	if policy.PlagiarismProvincial > 0 {
		return policy.PlagiarismProvincial
	}
	return 25
}

// CheckPapers checks the papers (SPEC §4, R-APP-07, R-CAL-05): at most PaperMax and at least
// Policy.PaperMin; each with title, journal, journal level, ISSN, CN (domestic journals) and a
// publication date on or before 09-30 of the plan year; and the plagiarism rate excluding
// citations within PlagiarismLimit (15.0 passes for a core journal, 15.1 does not).
//
// The rate is required for papers CNKI does not index: the unit has CNKI check them and the
// applicant enters the rate from the stamped report. For indexed papers the office runs the
// check itself and "不接收任何报告单" (seed 003 填报须知三(四)1), so the applicant may not know
// the rate: it is optional, and checked when given. The translation of a foreign paper and
// the report of a non-indexed one are upload slots (model.Form.Slots; CheckSlots).
func CheckPapers(f model.Form, policy model.Policy, planYear int) model.Errors {
	var c draftCheck
	papers := f.Achievements.Papers
	c.addErr(checkPaperMax(len(papers), policy))
	if policy.PaperMin > 0 && len(papers) < policy.PaperMin {
		c.add(ruleApp07, "papers", fmt.Sprintf("论文至少填报 %d 篇，当前 %d 篇", policy.PaperMin, len(papers)),
			fmt.Sprintf("请按评价条件补充与申报专业相关的论文，按质量高低填报 %d–%d 篇", policy.PaperMin, PaperMax(policy)))
	}
	for i, pa := range papers {
		p := func(s string) string { return appPath("papers", pa.ID, s) }
		where := entryName("论文", i, pa.Caption())
		c.need(p("title"), where, "论文题目", pa.Title)
		c.need(p("journal"), where, "刊物名称", pa.Journal)
		c.need(p("journal_level"), where, "刊物级别（核心期刊、省级期刊或其他）", string(pa.JournalLevel))
		c.need(p("issn"), where, "国际标准刊号（ISSN）", pa.ISSN)
		if !pa.Foreign {
			c.need(p("cn"), where, "国内统一刊号（CN）", pa.CN)
		}
		c.achievementDate(p("published"), where, "发表时间", pa.Published, planYear)
		switch r := pa.PlagiarismRate; {
		case r == nil:
			if !pa.CNKIIndexed {
				c.add(ruleApp07, p("plagiarism_rate"), where+"未被中国知网收录，未填写查重率",
					"请由用人单位联系中国知网查重，填写报告单上的“去除引用文献复制比”，并上传有单位签字盖章的查重报告单")
			}
		case *r < 0 || *r > 100 || *r != *r || pa.JournalLevel == "" || !pa.JournalLevel.Valid():
			// Reported by ValidateDraft or the missing journal level.
		default:
			limit := PlagiarismLimit(pa.JournalLevel, policy)
			if *r > limit+1e-9 {
				c.add(ruleApp07, p("plagiarism_rate"),
					fmt.Sprintf("%s发表于%s，查重率（去除引用文献复制比）%s，超过%s %s 的上限",
						where, pa.JournalLevel.Label(), appFmtRate(*r), pa.JournalLevel.Label(), appFmtRate(limit)),
					fmt.Sprintf("核心期刊论文查重率不得超过 %s，省级期刊论文不得超过 %s；请核对查重报告单，或改用符合要求的论文",
						appFmtRate(PlagiarismLimit(model.JournalCore, policy)), appFmtRate(PlagiarismLimit(model.JournalProvincial, policy))))
			}
		}
	}
	return c.es
}

// AssessmentYears are the years whose annual assessment the form must hold (R-APP-07, seed 003
// 填报须知三(三)2 "逐一上传近五年的每年考核认定结果"): the five years before the plan year — plan
// 2024 asks for 2019–2023. The plan year itself is not one of them: its assessment is made at
// the end of the year, after the application window closes. Years before the applicant's
// first employment (the earliest start in the work history, or the career start if earlier)
// are not asked for; without either, all five are.
func AssessmentYears(f model.Form, planYear int) []int {
	from := planYear - 5
	first := 0
	for _, d := range append([]model.Date{f.Basic.CareerStart}, workStarts(f)...) {
		if y := d.Year(); y > 0 && (first == 0 || y < first) {
			first = y
		}
	}
	if first > from {
		from = first
	}
	var ys []int
	for y := from; y < planYear; y++ {
		ys = append(ys, y)
	}
	return ys
}

func workStarts(f model.Form) []model.Date {
	var ds []model.Date
	for _, w := range f.Basic.WorkHistory {
		ds = append(ds, w.From)
	}
	return ds
}

// CheckAssessments decides R-APP-07's annual assessments: one per year of AssessmentYears, in
// ascending year order (按照年度依次), none missing, none twice, none outside those years, each
// with its result.
func CheckAssessments(f model.Form, planYear int) model.Errors {
	var c draftCheck
	as := f.Ability.Assessments
	years := AssessmentYears(f, planYear)
	span := ""
	if len(years) > 0 {
		span = fmt.Sprintf("%d–%d 年度", years[0], years[len(years)-1])
	}
	seen := map[int]int{}
	var order []int
	for i, a := range as {
		p := func(s string) string { return appPath("assessments", a.ID, s) }
		if a.Result == "" {
			c.add(ruleApp07, p("result"), fmt.Sprintf("%s未选择考核结果", entryName("年度考核", i, a.Caption())),
				"请选择优秀、合格、基本合格或不合格，并上传该年度考核文件")
		}
		switch {
		case a.Year == 0:
			c.add(ruleApp07, p("year"), fmt.Sprintf("第 %d 条年度考核未填写考核年度", i+1), "请填写考核年度，如 "+strconv.Itoa(planYear-1))
			continue
		case a.Year < 1950 || a.Year > planYear:
			continue // ValidateDraft
		case !slices.Contains(years, a.Year):
			c.add(ruleApp07, p("year"), fmt.Sprintf("%d 年度考核不在需填报的%s内", a.Year, span),
				fmt.Sprintf("只需填报近五年（%s）每年的考核结果，请删除该条", span))
			continue
		case seen[a.Year] > 0:
			c.add(ruleApp07, p("year"), fmt.Sprintf("%d 年度考核重复填报（第 %d 条与第 %d 条）", a.Year, seen[a.Year], i+1),
				"每个年度只填一条考核结果，请删除重复的一条")
			continue
		}
		seen[a.Year] = i + 1
		order = append(order, a.Year)
	}
	if !slices.IsSorted(order) {
		c.add(ruleApp07, "assessments", "年度考核未按年度依次填报，当前顺序为 "+joinInts(order, "、"),
			fmt.Sprintf("请按年度从早到晚排列（%s），考核文件按年度依次上传", span))
	}
	for _, y := range years {
		if seen[y] == 0 {
			c.add(ruleApp07, "assessments", fmt.Sprintf("缺少 %d 年度考核结果", y),
				fmt.Sprintf("近五年（%s）每年须有一条考核结果：请添加 %d 年度考核结果并上传考核文件", span, y))
		}
	}
	return c.es
}

func joinInts(xs []int, sep string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, sep)
}

// Neutral and affirmative expressions of an instruction (seed 003 填报须知三(四)5: "肯定性批示
// 须有倾向性明显的用语，“阅”“批阅”等中性用语不认定为肯定性批示").
var (
	instructionNeutral = []string{"已阅", "批阅", "圈阅", "阅示", "阅知", "阅悉", "收悉", "知悉", "已悉", "知道了", "传阅", "请阅", "阅"}
	// instructionAffirmative are expressions that show a clear positive tendency. An
	// instruction must contain one not negated (不同意, 无价值, 暂不采纳 do not count).
	instructionAffirmative = []string{
		"同意", "赞同", "肯定", "很好", "较好", "甚好", "好", "有价值", "价值", "有见地", "见地", "针对性",
		"建设性", "可行", "有益", "有意义", "启发", "深刻", "精辟", "中肯", "参考", "借鉴", "吸收", "采纳",
		"采用", "研究", "研阅", "阅研", "落实", "推广", "重视", "支持", "抓紧", "照此", "按此", "酌办", "办理",
		"部署", "贯彻", "转发", "印发",
	}
	instructionNegations = "不未非无勿没别莫"
)

// InstructionAffirmative reports whether an instruction's wording contains an affirmative
// expression (instructionAffirmative) not directly preceded by a negation: "同意" and "很有
// 参考价值，请研究吸收" do; "阅", "已阅。王某", "不同意" do not. It is a screen for the obvious
// cases; reviewers judge the instruction itself from the upload.
func InstructionAffirmative(wording string) bool {
	for _, w := range instructionAffirmative {
		for rest, off := wording, 0; ; {
			i := strings.Index(rest, w)
			if i < 0 {
				break
			}
			at := off + i
			before, _ := utf8.DecodeLastRuneInString(wording[:at])
			if at == 0 || !strings.ContainsRune(instructionNegations, before) {
				return true
			}
			off = at + len(w)
			rest = wording[off:]
		}
	}
	return false
}

// CheckThinkTank checks the think-tank results (SPEC §4): title, type and date (R-CAL-05); an
// instruction names the official's administrative level, the channel the result was
// submitted through, and wording with an affirmative expression — "“阅”“批阅”等中性用语不认定为
// 肯定性批示" (InstructionAffirmative); an adoption names the adopting body and its grade
// (national, provincial or municipal).
func CheckThinkTank(f model.Form, planYear int) model.Errors {
	var c draftCheck
	for i, t := range f.Achievements.ThinkTank {
		p := func(s string) string { return appPath("think_tank", t.ID, s) }
		where := entryName("智库研究成果", i, t.Caption())
		c.need(p("title"), where, "成果名称", t.Title)
		c.need(p("type"), where, "成果类型（批示类或采纳类）", string(t.Type))
		c.achievementDate(p("date"), where, "批示（采纳）时间", t.Date, planYear)
		switch t.Type {
		case model.ThinkTankInstruction:
			c.need(p("official_rank"), where, "批示人批示时的行政级别", string(t.OfficialRank))
			c.need(p("channel"), where, "成果报送渠道", t.Channel)
			w := strings.TrimSpace(t.Wording)
			switch {
			case w == "":
				c.need(p("wording"), where, "批示内容（照录批示原文）", w)
			case !InstructionAffirmative(w):
				msg := fmt.Sprintf("%s的批示内容“%s”没有倾向性明显的肯定性用语，不认定为肯定性批示", where, truncate(w, 40))
				if n := neutralIn(w); n != "" {
					msg = fmt.Sprintf("%s的批示内容“%s”为中性用语（“%s”），“阅”“批阅”等中性用语不认定为肯定性批示", where, truncate(w, 40), n)
				}
				c.add(ruleForm, p("wording"), msg,
					"只有含“同意”“很好”“有参考价值”“请研究吸收”等倾向性明显用语的批示才认定为肯定性批示；请照录批示原文，不符合的请删除该成果")
			}
		case model.ThinkTankAdoption:
			c.need(p("adopting_body"), where, "采纳单位", t.AdoptingBody)
			c.need(p("adoption_level"), where, "采纳级别（国家级、省级或市级）", string(t.AdoptionLevel))
		}
	}
	return c.es
}

// neutralIn returns the first neutral expression found in s, or "".
func neutralIn(s string) string {
	for _, n := range instructionNeutral {
		if strings.Contains(s, n) {
			return n
		}
	}
	return ""
}

// CheckAwards checks the awards and honours of module 4: name, level, issuer, date
// (R-CAL-05), and the clause of the criteria each satisfies, which the seed requires
// ("在奖励和荣誉名称后面说明符合的业绩条件标准条款").
func CheckAwards(f model.Form, planYear int) model.Errors {
	var c draftCheck
	for i, a := range f.Achievements.Awards {
		p := func(s string) string { return appPath("awards", a.ID, s) }
		where := entryName("奖励", i, quoted(a.Name))
		c.need(p("name"), where, "奖励（荣誉）名称", a.Name)
		c.need(p("level"), where, "级别", string(a.Level))
		c.need(p("issuer"), where, "授予（颁发）单位", a.Issuer)
		c.achievementDate(p("date"), where, "获奖时间", a.Date, planYear)
		if strings.TrimSpace(a.Criterion) == "" {
			c.add(ruleForm, p("criterion"), where+"未说明符合的业绩条件标准条款",
				"请在奖励名称后说明该奖励符合评价条件标准的哪一条款（如“第六条第（二）项”）")
		}
	}
	return c.es
}

// CheckMonographs checks the monographs: title, publisher, ISBN, publication date (R-CAL-05),
// word count and the applicant's role.
func CheckMonographs(f model.Form, planYear int) model.Errors {
	var c draftCheck
	for i, m := range f.Achievements.Monographs {
		p := func(s string) string { return appPath("monographs", m.ID, s) }
		where := entryName("论著", i, m.Caption())
		c.need(p("title"), where, "论著名称", m.Title)
		c.need(p("publisher"), where, "出版社", m.Publisher)
		c.need(p("isbn"), where, "ISBN", m.ISBN)
		c.achievementDate(p("published"), where, "出版时间", m.Published, planYear)
		if m.WordCountK <= 0 {
			c.need(p("word_count_k"), where, "总字数（千字，按版权页）", "")
		}
		c.need(p("role"), where, "本人角色（独著、主编、副主编、合著或编委）", string(m.Role))
	}
	return c.es
}

// CheckProjects checks the projects: title, issuing body, level, initiation, completion
// (结题; its date decides R-CAL-05: a project counts when completed by 09-30 of the plan
// year), the applicant's rank and the group's size.
func CheckProjects(f model.Form, planYear int) model.Errors {
	var c draftCheck
	for i, pr := range f.Achievements.Projects {
		p := func(s string) string { return appPath("projects", pr.ID, s) }
		where := entryName("课题", i, pr.Caption())
		c.need(p("title"), where, "课题名称", pr.Title)
		c.need(p("source"), where, "立项（下达）单位", pr.Source)
		c.need(p("level"), where, "课题级别", string(pr.Level))
		c.need(p("start"), where, "立项时间", string(pr.Start))
		c.achievementDate(p("end"), where, "结题（验收、鉴定）时间", pr.End, planYear)
		if pr.Rank <= 0 {
			c.need(p("rank"), where, "本人排名（主持人填 1）", "")
		}
		if pr.Members <= 0 {
			c.need(p("members"), where, "课题组总人数", "")
		}
	}
	return c.es
}

// CheckOtherAchievements checks the other achievements: description, the criterion clause
// they meet, and the date (R-CAL-05).
func CheckOtherAchievements(f model.Form, planYear int) model.Errors {
	var c draftCheck
	for i, o := range f.Achievements.Other {
		p := func(s string) string { return appPath("other_achievements", o.ID, s) }
		where := entryName("其他业绩", i, quoted(o.Caption()))
		c.need(p("description"), where, "业绩内容", o.Description)
		if strings.TrimSpace(o.Criterion) == "" {
			c.add(ruleForm, p("criterion"), where+"未说明符合的资格条件条款",
				"请对照资格条件说明该业绩符合的条款，并按符合性逐条排序")
		}
		c.achievementDate(p("date"), where, "取得时间", o.Date, planYear)
	}
	return c.es
}

// CheckEducation checks the education entries (SPEC §4, seed 000 三(一), seed 003 填报须知
// 三(一)5): at least one; each with level, kind, school, major, graduation date, certificate
// number (not for foreign and HK/Macau/Taiwan education, proven by the certification) and
// degree number where a degree is given; an entry CHSI verified must still match the record
// fetched (certificate number, school). An entry that needs the 电子注册备案表 (domestic, from
// 2002, not CHSI verified) needs its 12-character verification code and the code's validity
// to at least 12-31 of the plan year ("验证码须在2023年12月底前有效"). CHSI-verified entries
// need neither proof nor code. The proofs themselves are slots (model.Education.Proof).
func CheckEducation(f model.Form, planYear int) model.Errors {
	var c draftCheck
	edu := f.Basic.Education
	if len(edu) == 0 {
		c.add(ruleForm, "education", "未填写学习经历",
			"请点击[添加学习经历]填写学历信息，输入学历、学位证书编号后点击[同步学信网]")
	}
	end := SeniorityEnd(planYear)
	for i, e := range edu {
		p := func(s string) string { return appPath("education", e.ID, s) }
		where := entryName("学习经历", i, e.Caption())
		c.need(p("level"), where, "学历", string(e.Level))
		c.need(p("kind"), where, "学历类别", string(e.Kind))
		c.need(p("school"), where, "毕业院校", e.School)
		c.need(p("major"), where, "所学专业", e.Major)
		c.need(p("graduated"), where, "毕业时间", string(e.Graduated))
		if e.Kind != model.EduForeign && e.Kind != model.EduHMT {
			c.need(p("certificate_no"), where, "学历证书编号", e.CertificateNo)
		}
		if e.Degree != "" {
			c.need(p("degree_no"), where, "学位证书编号", e.DegreeNo)
		}
		if r := e.CHSI; r.Verified {
			if r.CertificateNo != "" && strings.TrimSpace(e.CertificateNo) != r.CertificateNo {
				c.add(ruleForm, p("certificate_no"),
					fmt.Sprintf("%s的学历证书编号“%s”与学信网同步结果“%s”不一致", where, e.CertificateNo, r.CertificateNo),
					"请核对证书编号后重新点击[同步学信网]")
			}
			if r.School != "" && strings.TrimSpace(e.School) != r.School {
				c.add(ruleForm, p("school"),
					fmt.Sprintf("%s的毕业院校“%s”与学信网同步结果“%s”不一致", where, e.School, r.School),
					"请按学信网记录填写毕业院校，或核对后重新点击[同步学信网]")
			}
		}
		if e.Proof() != model.ProofRegistration {
			continue
		}
		code := strings.TrimSpace(e.VerificationCode)
		if code == "" {
			c.add(ruleForm, p("verification_code"),
				fmt.Sprintf("%s于 %s 毕业，未通过学信网核验，须提供《教育部学历证书电子注册备案表》并填写 12 位学信网验证码", where, string(e.Graduated)),
				"请在学信网免费申请电子注册备案表，在“学信网验证码”栏填入 12 位验证码；或点击[同步学信网]核验")
		} else {
			c.addErr(checkCodeFormat(p("verification_code"), e.VerificationCode))
		}
		switch {
		case e.CodeValidUntil.IsZero():
			c.add(ruleForm, p("code_valid_until"), where+"未填写学信网验证码的有效期",
				fmt.Sprintf("请填写备案表上的验证码有效期，须至少至 %s", elgFmtDay(end)))
		case e.CodeValidUntil.Valid() && appLast(e.CodeValidUntil).Before(end):
			c.add(ruleForm, p("code_valid_until"),
				fmt.Sprintf("%s的学信网验证码有效期至 %s，须在 %d 年 12 月底前有效（至 %s）", where, string(e.CodeValidUntil), planYear, elgFmtDay(end)),
				fmt.Sprintf("请在学信网延长备案表的在线验证有效期至 %s 或以后，并更新有效期", elgFmtDay(end)))
		}
	}
	return c.es
}

// CheckSlots checks the uploads against the slots the form needs (model.Form.Slots): every
// required slot has at least one file (R-ELG-10, the upload named with what it must show),
// and a single-file slot has at most one (R-APP-02: several ordered images go in as one PDF).
// filled maps a slot key to the number of files linked to it.
func CheckSlots(f model.Form, plan model.Plan, filled map[string]int) model.Errors {
	var c draftCheck
	for _, s := range f.Slots(plan) {
		n := filled[s.Key]
		switch {
		case s.Required && n <= 0:
			fix := fmt.Sprintf("请在“%s”模块上传%s", ModuleName(s.Module), s.Label)
			if s.Hint != "" {
				fix += "：" + s.Hint
			}
			c.add(ruleForm, "slot:"+s.Key, "未上传"+s.Label, fix+"（JPG、JPEG 或 PDF，每个文件不超过 2MB）")
		case !s.Multi && n > 1:
			c.add(ruleOneFile, "slot:"+s.Key, fmt.Sprintf("“%s”只能上传 1 个文件，当前 %d 个", s.Label, n),
				"请删除多余的文件；多张有序图片请合并为一个 PDF 后上传（系统可代为合并）")
		}
	}
	return c.es
}

// UnusedSlots lists, sorted, the keys in filled that have files but are not slots the form
// needs any more (a paper now marked as indexed keeps its old report): the service may warn
// or drop them; they are not findings.
func UnusedSlots(f model.Form, plan model.Plan, filled map[string]int) []string {
	need := map[string]bool{}
	for _, s := range f.Slots(plan) {
		need[s.Key] = true
	}
	var out []string
	for k, n := range filled {
		if n > 0 && !need[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Completeness of what has no check of its own.

func checkBasicsComplete(f model.Form, plan model.Plan) model.Errors {
	var c draftCheck
	bs := &f.Basics
	c.need("basics.level_code", "", "申报资格", bs.LevelCode)
	c.need("basics.specialty", "", "申报专业", bs.Specialty)
	c.need("basics.scope", "", "有效范围（全省有效或全省基层有效）", string(bs.Scope))
	c.need("basics.app_type", "", "申报类型", string(bs.AppType))
	if bs.AppType == model.AppTransfer {
		from, cur := strings.TrimSpace(bs.TransferFrom), strings.TrimSpace(f.Basic.Qualification.Series)
		switch {
		case from == "":
			c.add(ruleTransfer, "basics.transfer_from", "转系列评审未填写转出系列（现职称所在系列）",
				"请填写现职称所在的系列（专业），申报系列为 "+plan.Series)
		case cur != "" && from != cur:
			c.add(ruleTransfer, "basics.transfer_from",
				fmt.Sprintf("转出系列“%s”与现职称系列“%s”不一致", from, cur),
				"转出系列即现职称所在系列，请核对后更正其中一处")
		}
	}
	return c.es
}

func checkBasicInfoComplete(f model.Form, level model.Level, profile Profile) model.Errors {
	var c draftCheck
	b := &f.Basic
	c.need("basic.ethnicity", "", "民族", b.Ethnicity)
	c.need("basic.political_status", "", "政治面貌", string(b.PoliticalStatus))
	c.need("basic.employment", "", "用工性质（在编、编外聘用或灵活就业）", b.Employment)
	c.need("basic.career_start", "", "从事专业技术工作时间", string(b.CareerStart))
	if !b.NotCivilServant && !profile.CivilServant {
		c.add(ruleCivil, "basic.not_civil_servant", "未声明本人不是公务员（含参照公务员法管理的工作人员）",
			"公务员和参公管理人员不能申报职称；如不属于，请勾选该声明")
	}
	c.need("basic.social_insurance", "", "社会保险证明方式", string(b.SocialInsurance))
	emp, ut := Employment(b.Employment), profile.UnitType
	who := ""
	switch {
	case emp == EmployContract:
		who = "事业单位编外聘用人员"
	case emp == EmployFlexible:
		who = "灵活就业人员"
	case ut != "" && ut != model.UnitPublicInstitution:
		who = ut.Label() + "人员"
	}
	switch b.SocialInsurance {
	case model.SINotRequired:
		if who != "" {
			c.add(ruleChannel, "basic.social_insurance",
				fmt.Sprintf("社会保险证明方式为“无需提供”，但%s须证明是本单位在职员工", who),
				"请上传6个月社保参保缴费证明；无法提供的，改选替代材料（身份情况说明、劳动合同、银行工资流水、经法人签字的花名册）")
		}
	case model.SIHeadOffice:
		if ut != "" && ut != model.UnitPrivateEnterprise {
			c.add(ruleChannel, "basic.social_insurance",
				fmt.Sprintf("在企业总部缴纳社保仅适用于经委托程序核准的外省民营企业在甘分支机构，本单位为%s", ut.Label()),
				"请改选6个月社保参保缴费证明或替代材料")
		}
	}
	if len(b.WorkHistory) == 0 {
		c.add(ruleForm, "work_history", "未填写工作履历", "请如实填写工作履历（起止时间、工作单位、岗位）")
	}
	for i, w := range b.WorkHistory {
		p := func(s string) string { return appPath("work_history", w.ID, s) }
		where := entryName("工作履历", i, w.Caption())
		c.need(p("from"), where, "起始时间", string(w.From))
		c.need(p("organisation"), where, "工作单位", w.Organisation)
		c.need(p("post"), where, "岗位（职务）", w.Post)
	}
	q := &b.Qualification
	if level.Rank != 1 || q.Series != "" {
		const where = "资历信息"
		c.need("qualification.series", where, "现职称系列（专业）", q.Series)
		c.need("qualification.level_name", where, "现职称名称", q.LevelName)
		if q.LevelRank == 0 {
			c.need("qualification.level_rank", where, "现职称级次", "")
		}
		c.need("qualification.obtained", where, "取得现职称资格时间", string(q.Obtained))
		c.need("qualification.certificate_no", where, "现职称证书编号", q.CertificateNo)
		c.need("qualification.appointed", where, "聘任（用）时间", string(q.Appointed))
		if q.Transferred {
			c.need("qualification.original_series", where, "原系列（专业）", q.OriginalSeries)
			c.need("qualification.original_obtained", where, "原系列取得同级资格时间", string(q.OriginalObtained))
			c.need("qualification.original_certificate_no", where, "原系列资格证书编号", q.OriginalCertificateNo)
		}
	}
	return c.es
}

func checkMoralComplete(f model.Form) model.Errors {
	var c draftCheck
	for i, h := range f.Moral.Honours {
		p := func(s string) string { return appPath("honours", h.ID, s) }
		where := entryName("荣誉", i, quoted(h.Name))
		c.need(p("name"), where, "荣誉名称", h.Name)
		c.need(p("level"), where, "级别", string(h.Level))
		c.need(p("date"), where, "授予时间", string(h.Date))
	}
	return c.es
}

func checkAbilityComplete(f model.Form) model.Errors {
	var c draftCheck
	ab := &f.Ability
	if len(ab.WorkExperience) == 0 {
		c.add(ruleForm, "work_experience", "未填写专业技术工作经历",
			"请对照资格条件先选择专业技术工作经历类别，再填写经历内容，并上传盖有本单位公章的证明材料")
	}
	for i, e := range ab.WorkExperience {
		p := func(s string) string { return appPath("work_experience", e.ID, s) }
		where := entryName("专业技术工作经历", i, e.Caption())
		c.need(p("category"), where, "经历类别", e.Category)
		c.need(p("description"), where, "经历内容", e.Description)
		c.need(p("from"), where, "起始时间", string(e.From))
	}
	for i, e := range ab.ContinuingEducation {
		p := func(s string) string { return appPath("continuing_education", e.ID, s) }
		where := entryName("继续教育", i, "")
		if e.Year == 0 {
			c.need(p("year"), where, "年度", "")
		}
		if e.Hours <= 0 {
			c.need(p("hours"), where, "学时", "")
		}
		c.need(p("provider"), where, "培训（发证）机构", e.Provider)
	}
	for i, g := range ab.Grassroots {
		p := func(s string) string { return appPath("grassroots", g.ID, s) }
		where := entryName("帮扶基层经历", i, g.Caption())
		c.need(p("from"), where, "起始时间", string(g.From))
		c.need(p("place"), where, "服务单位（地点）", g.Place)
		c.need(p("post"), where, "服务岗位", g.Post)
	}
	return c.es
}

// need reports a missing value (empty after trimming) of an entry or section.
func (c *draftCheck) need(field, where, what, value string) {
	if strings.TrimSpace(value) != "" {
		return
	}
	c.add(ruleForm, field, where+"未填写"+what, "请填写"+what)
}

// achievementDate decides R-CAL-05 for one achievement: a date is required, and it counts only
// on or before 09-30 of the plan year ("2024-09" counts, "2024-10-01" does not).
// A malformed date is ValidateDraft's finding.
func (c *draftCheck) achievementDate(field, where, what string, d model.Date, planYear int) {
	cutoff := AchievementCutoff(planYear)
	switch {
	case d.IsZero():
		c.add(ruleCutoff, field, fmt.Sprintf("%s未填写%s，无法确认是否在 %s 前取得", where, what, elgFmtDay(cutoff)),
			fmt.Sprintf("请填写%s；业绩须在 %s（含）前取得", what, elgFmtDay(cutoff)))
	case !d.Valid():
	case appLast(d).After(cutoff):
		c.add(ruleCutoff, field,
			fmt.Sprintf("%s的%s为 %s，晚于 %d 年度业绩截止时间 %s，本次不予计算", where, what, string(d), planYear, elgFmtDay(cutoff)),
			fmt.Sprintf("请从本次申报中移除该业绩；只有 %s（含）前取得的业绩计入本次申报，该业绩可在下次申报职称时使用", elgFmtDay(cutoff)))
	}
}

// entryName names entry i of a list in a message: its caption when it has one, else its
// position ("第 2 条论文").
func entryName(kind string, i int, caption string) string {
	if caption = strings.TrimSpace(caption); caption != "" {
		if strings.HasPrefix(caption, "《") || strings.HasPrefix(caption, "“") {
			return kind + caption
		}
		return kind + "（" + caption + "）"
	}
	return fmt.Sprintf("第 %d 条%s", i+1, kind)
}

func quoted(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return ""
	}
	return "“" + s + "”"
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
