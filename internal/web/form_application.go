package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
)

// The application form as the pages type it in (SPEC §4). One table, appSections, says which
// model field each input edits and how; both the decoder (posted values → model.Form) and the
// module pages (model.Form → inputs) read it, so an input cannot exist on the page without
// being saved, nor be saved without being on the page. Labels come from the model's `label`
// struct tags, the Chinese names the checks and the reviewers' diff use too.
//
// Input names are the field paths of the checks (rules package note): "basic.ethnicity",
// "education.<id>.school", "summary"; a list posts its entries' IDs, in order, under its own
// name ("education"), so the order the applicant chose (papers by quality) is kept.

// inputKind is how a field is typed in.
type inputKind string

const (
	inText     inputKind = "text"
	inTextarea inputKind = "textarea"
	inDate     inputKind = "date"  // a day, <input type=date>
	inMonth    inputKind = "month" // a month, <input type=month>; certificates often give only that
	inInt      inputKind = "int"
	inDecimal  inputKind = "decimal"
	inSelect   inputKind = "select"
	inCheck    inputKind = "check"
)

// fieldSpec is one input of a section.
type fieldSpec struct {
	Name    string // JSON name of the model field
	Kind    inputKind
	Hint    string
	Options func(c *formCtx) []option // selects
	Max     int                       // maxlength of a text
	Wide    bool                      // a whole row on wide screens
	When    string                    // "field=value|value": shown only then (JS; without JS always shown)
	Place   string                    // placeholder
	None    string                    // the label of a select's empty choice, "请选择…" if unset
}

// sectionSpec is a group of the form: the single fields of a struct, or a list of entries.
type sectionSpec struct {
	Key     string // section or list name: basics, basic, qualification, moral, summary, or a list's JSON name
	Label   string
	Module  int
	List    bool
	Ordered bool // entries are in the applicant's order of quality: offer 上移/下移
	Hint    string
	Add     string // the add button's text
	Fill    bool   // offer to add an entry for every year the check asks for
	Fields  []fieldSpec
	// value is the section's struct (singles) or slice (lists) in f, addressable.
	value func(f *model.Form) reflect.Value
}

// formCtx is what the choices of a select depend on.
type formCtx struct {
	Plan model.Plan
}

type option struct{ Value, Label string }

func enumOptions[T interface {
	~string
	Label() string
}](xs []T) func(*formCtx) []option {
	return func(*formCtx) []option {
		out := make([]option, len(xs))
		for i, x := range xs {
			out[i] = option{string(x), x.Label()}
		}
		return out
	}
}

// recentYears offers the plan year's previous ten years, latest first.
func recentYears(c *formCtx) []option {
	var out []option
	for y := c.Plan.Year - 1; y >= c.Plan.Year-10; y-- {
		out = append(out, option{strconv.Itoa(y), strconv.Itoa(y) + " 年度"})
	}
	return out
}

var (
	optGrades     = enumOptions(model.Grades)
	optEmployment = enumOptions([]rules.Employment{rules.EmployRegular, rules.EmployContract, rules.EmployFlexible})
)

const dateHint = "没有具体日期的可只填年月"

var appSections = []sectionSpec{
	{Key: "basics", Label: "申报信息", Module: 0, value: func(f *model.Form) reflect.Value { return reflect.ValueOf(&f.Basics).Elem() },
		Fields: []fieldSpec{
			{Name: "level_code", Kind: inSelect, Options: func(c *formCtx) []option {
				var out []option
				for _, l := range c.Plan.Levels {
					out = append(out, option{l.Code, l.Name})
				}
				return out
			}},
			{Name: "specialty", Kind: inSelect, Options: func(c *formCtx) []option {
				var out []option
				for _, s := range c.Plan.Specialties {
					out = append(out, option{s, s})
				}
				return out
			}},
			{Name: "scope", Kind: inSelect, Hint: "全省基层有效的职称只在基层单位有效（R-ELG-08）", Options: func(c *formCtx) []option {
				return enumOptions(c.Plan.Scopes)(c)
			}},
			{Name: "app_type", Kind: inSelect, Options: func(c *formCtx) []option { return enumOptions(c.Plan.AppTypes)(c) }},
			{Name: "transfer_from", Kind: inText, Max: rules.MaxShortText, When: "app_type=transfer", Hint: "现职称所在的系列（专业），转系列须经单位考核合格（R-ELG-06）"},
			{Name: "exceptional_basis", Kind: inTextarea, Wide: true, When: "app_type=exceptional", Hint: "写明所符合的破格申报条件条款及对应业绩（R-ELG-08）"},
		}},

	{Key: "basic", Label: "个人信息", Module: 1, value: func(f *model.Form) reflect.Value { return reflect.ValueOf(&f.Basic).Elem() },
		Fields: []fieldSpec{
			{Name: "ethnicity", Kind: inText, Max: 20, Place: "如：汉族"},
			{Name: "political_status", Kind: inSelect, Options: enumOptions(model.PoliticalStatuses)},
			{Name: "employment", Kind: inSelect, Options: optEmployment, Hint: "决定申报渠道：编外聘用和灵活就业人员可通过档案托管的人才服务机构申报（R-ELG-05）"},
			{Name: "career_start", Kind: inMonth, Hint: "专业技术总年限从此时起计算至申报年度 12 月 31 日（R-CAL-05）"},
			{Name: "social_insurance", Kind: inSelect, Wide: true, Options: enumOptions(model.SIModes)},
			{Name: "post_managed", Kind: inCheck, Hint: "事业单位岗位管理人员的任职时间从聘任月份起算（R-CAL-06）"},
			{Name: "not_civil_servant", Kind: inCheck, Hint: "公务员及参照公务员法管理的人员不得申报（R-ELG-01）；须勾选才能提交"},
		}},
	{Key: "education", Label: "学习经历", Module: 1, List: true, Add: "添加学习经历",
		Hint:  "从最高学历填起。填写学历证书编号后可点击[同步学信网]核验，核验通过的无需上传学历证明",
		value: func(f *model.Form) reflect.Value { return reflect.ValueOf(&f.Basic.Education).Elem() },
		Fields: []fieldSpec{
			{Name: "level", Kind: inSelect, Options: enumOptions(model.EduLevels)},
			{Name: "kind", Kind: inSelect, Options: enumOptions(model.EduKinds), Hint: "决定无法在学信网核验时需上传的证明"},
			{Name: "school", Kind: inText, Max: rules.MaxShortText},
			{Name: "major", Kind: inText, Max: rules.MaxShortText},
			{Name: "start", Kind: inMonth},
			{Name: "graduated", Kind: inDate, Hint: "按毕业证书填写"},
			{Name: "certificate_no", Kind: inText, Max: rules.MaxShortText, Hint: "毕业证书上的证书编号"},
			{Name: "degree", Kind: inSelect, Options: enumOptions(model.DegreeLevels), None: "无学位"},
			{Name: "degree_no", Kind: inText, Max: rules.MaxShortText},
			{Name: "verification_code", Kind: inText, Max: 12, When: "kind=domestic_regular", Place: "12 位在线验证码",
				Hint: "2002 年起毕业且未通过学信网核验的，填写《教育部学历证书电子注册备案表》右下角的 12 位在线验证码"},
			{Name: "code_valid_until", Kind: inDate, When: "kind=domestic_regular", Hint: "验证码须有效至申报年度 12 月 31 日"},
		}},
	{Key: "work_history", Label: "工作履历", Module: 1, List: true, Add: "添加工作履历",
		value: func(f *model.Form) reflect.Value { return reflect.ValueOf(&f.Basic.WorkHistory).Elem() },
		Fields: []fieldSpec{
			{Name: "from", Kind: inMonth},
			{Name: "to", Kind: inMonth, Hint: "至今的请留空"},
			{Name: "organisation", Kind: inText, Max: rules.MaxShortText},
			{Name: "post", Kind: inText, Max: rules.MaxShortText},
			{Name: "duties", Kind: inTextarea, Wide: true},
		}},
	{Key: "qualification", Label: "资历信息（现专业技术资格）", Module: 1,
		Hint:  "按现职称证书填写；尚无职称的，级次选“无”",
		value: func(f *model.Form) reflect.Value { return reflect.ValueOf(&f.Basic.Qualification).Elem() },
		Fields: []fieldSpec{
			{Name: "series", Kind: inText, Max: rules.MaxShortText, Place: "如：人力资源培训"},
			{Name: "level_name", Kind: inText, Max: rules.MaxShortText, Place: "如：经济师（人力资源）"},
			{Name: "level_rank", Kind: inSelect, None: "无职称", Options: func(*formCtx) []option {
				var out []option
				for r := 1; r <= 5; r++ {
					out = append(out, option{strconv.Itoa(r), rankLabel(r)})
				}
				return out
			}},
			{Name: "obtained", Kind: inDate},
			{Name: "certificate_no", Kind: inText, Max: rules.MaxShortText},
			{Name: "appointed", Kind: inMonth, Hint: "以聘用备案表、聘任文件上的时间为准"},
			{Name: "transferred", Kind: inCheck, Hint: "转系列或平转取得现职称的，资历从原系列累计计算（R-ELG-06）"},
			{Name: "original_series", Kind: inText, Max: rules.MaxShortText, When: "transferred=1"},
			{Name: "original_obtained", Kind: inDate, When: "transferred=1"},
			{Name: "original_appointed", Kind: inMonth, When: "transferred=1"},
			{Name: "original_certificate_no", Kind: inText, Max: rules.MaxShortText, When: "transferred=1"},
			{Name: "transfer_assessed", Kind: inCheck, Hint: "转系列申报或平转的须经单位考核合格"},
		}},

	{Key: "moral", Label: "品德考核、廉洁自律和公示", Module: 2,
		Hint: "以下材料由单位或有关部门出具，扫描后上传"},
	{Key: "honours", Label: "荣誉", Module: 2, List: true, Add: "添加荣誉",
		Hint:  "优秀共产党员、优秀党务工作者、道德模范等；没有的可不填",
		value: func(f *model.Form) reflect.Value { return reflect.ValueOf(&f.Moral.Honours).Elem() },
		Fields: []fieldSpec{
			{Name: "name", Kind: inText, Max: rules.MaxShortText},
			{Name: "level", Kind: inSelect, Options: optGrades},
			{Name: "issuer", Kind: inText, Max: rules.MaxShortText},
			{Name: "date", Kind: inDate, Hint: dateHint},
		}},

	{Key: "work_experience", Label: "专业技术工作经历", Module: 3, List: true, Add: "添加工作经历",
		Hint:  "先填写经历类别，再填写相应的经历内容，每条上传盖有单位公章的证明",
		value: func(f *model.Form) reflect.Value { return reflect.ValueOf(&f.Ability.WorkExperience).Elem() },
		Fields: []fieldSpec{
			{Name: "category", Kind: inText, Max: rules.MaxShortText, Place: "如：主持培训项目"},
			{Name: "from", Kind: inMonth},
			{Name: "to", Kind: inMonth, Hint: "至今的请留空"},
			{Name: "description", Kind: inTextarea, Wide: true},
		}},
	{Key: "assessments", Label: "年度考核", Module: 3, List: true, Add: "添加年度考核", Fill: true,
		Hint:  "近五年每年一条，按年度从早到晚排列，逐年上传考核文件（R-APP-07）",
		value: func(f *model.Form) reflect.Value { return reflect.ValueOf(&f.Ability.Assessments).Elem() },
		Fields: []fieldSpec{
			{Name: "year", Kind: inSelect, Options: recentYears},
			{Name: "result", Kind: inSelect, Options: enumOptions(model.AssessmentResults)},
		}},
	{Key: "continuing_education", Label: "继续教育", Module: 3, List: true, Add: "添加继续教育", Fill: true,
		Hint:  "取得现职称以来每年的继续教育学时，未完成的不能提交（R-ELG-07）",
		value: func(f *model.Form) reflect.Value { return reflect.ValueOf(&f.Ability.ContinuingEducation).Elem() },
		Fields: []fieldSpec{
			{Name: "year", Kind: inSelect, Options: recentYears},
			{Name: "hours", Kind: inInt},
			{Name: "public_hours", Kind: inInt},
			{Name: "provider", Kind: inText, Max: rules.MaxShortText},
		}},
	{Key: "grassroots", Label: "帮扶基层经历", Module: 3, List: true, Add: "添加基层经历",
		Hint:  "基层服务累计须满 1 年，上传单位及行业主管部门出具的文件或考核登记表",
		value: func(f *model.Form) reflect.Value { return reflect.ValueOf(&f.Ability.Grassroots).Elem() },
		Fields: []fieldSpec{
			{Name: "place", Kind: inText, Max: rules.MaxShortText},
			{Name: "post", Kind: inText, Max: rules.MaxShortText},
			{Name: "from", Kind: inMonth},
			{Name: "to", Kind: inMonth, Hint: "至今的请留空"},
		}},

	{Key: "papers", Label: "论文", Module: 4, List: true, Ordered: true, Add: "添加论文",
		Hint:  "与申报专业相关，最多 5 篇，按质量高低排列；每篇分别上传封面、主办单位页、目录页和正文（R-APP-07）",
		value: func(f *model.Form) reflect.Value { return reflect.ValueOf(&f.Achievements.Papers).Elem() },
		Fields: []fieldSpec{
			{Name: "title", Kind: inText, Max: rules.MaxShortText, Wide: true},
			{Name: "journal", Kind: inText, Max: rules.MaxShortText},
			{Name: "journal_level", Kind: inSelect, Options: enumOptions(model.JournalLevels)},
			{Name: "issn", Kind: inText, Max: 20, Place: "如：1003-3637"},
			{Name: "cn", Kind: inText, Max: 30, Place: "如：CN 62-1093/C", Hint: "外文期刊可不填"},
			{Name: "published", Kind: inMonth, Hint: "须在申报年度 9 月 30 日前发表（R-CAL-05）"},
			{Name: "author_rank", Kind: inInt, Hint: "独著或第一作者填 1"},
			{Name: "plagiarism_rate", Kind: inDecimal, Place: "如：12.5", Hint: "百分数，按查重报告单的“去除引用文献复制比”；核心期刊不超过 15%，省级期刊不超过 25%"},
			{Name: "cnki_indexed", Kind: inCheck, Hint: "未被中国知网收录的，须上传单位盖章的查重报告单"},
			{Name: "foreign", Kind: inCheck, Hint: "外文论文须上传中文译文"},
		}},
	{Key: "monographs", Label: "论著", Module: 4, List: true, Ordered: true, Add: "添加论著",
		value: func(f *model.Form) reflect.Value { return reflect.ValueOf(&f.Achievements.Monographs).Elem() },
		Fields: []fieldSpec{
			{Name: "title", Kind: inText, Max: rules.MaxShortText, Wide: true},
			{Name: "publisher", Kind: inText, Max: rules.MaxShortText},
			{Name: "isbn", Kind: inText, Max: 20, Place: "如：978-7-5097-1234-4"},
			{Name: "published", Kind: inMonth},
			{Name: "role", Kind: inSelect, Options: enumOptions(model.MonographRoles)},
			{Name: "word_count_k", Kind: inInt},
			{Name: "own_words_k", Kind: inInt},
		}},
	{Key: "projects", Label: "课题（项目）", Module: 4, List: true, Ordered: true, Add: "添加课题",
		Hint:  "上传立项、结题（验收、鉴定）、成果登记材料，以及立项或鉴定单位盖章的个人排名页",
		value: func(f *model.Form) reflect.Value { return reflect.ValueOf(&f.Achievements.Projects).Elem() },
		Fields: []fieldSpec{
			{Name: "title", Kind: inText, Max: rules.MaxShortText, Wide: true},
			{Name: "source", Kind: inText, Max: rules.MaxShortText},
			{Name: "level", Kind: inSelect, Options: optGrades},
			{Name: "start", Kind: inMonth},
			{Name: "end", Kind: inMonth, Hint: "须在申报年度 9 月 30 日前结题（R-CAL-05）"},
			{Name: "rank", Kind: inInt, Hint: "主持人填 1"},
			{Name: "members", Kind: inInt},
			{Name: "registration_no", Kind: inText, Max: rules.MaxShortText},
		}},
	{Key: "awards", Label: "奖励和荣誉", Module: 4, List: true, Ordered: true, Add: "添加奖励",
		value: func(f *model.Form) reflect.Value { return reflect.ValueOf(&f.Achievements.Awards).Elem() },
		Fields: []fieldSpec{
			{Name: "name", Kind: inText, Max: rules.MaxShortText, Wide: true},
			{Name: "level", Kind: inSelect, Options: optGrades},
			{Name: "issuer", Kind: inText, Max: rules.MaxShortText},
			{Name: "date", Kind: inMonth},
			{Name: "rank", Kind: inInt, Hint: "个人奖励不填"},
			{Name: "criterion", Kind: inText, Max: rules.MaxShortText, Place: "如：第六条第（二）项", Hint: "说明该奖励符合评价条件的哪一条款"},
		}},
	{Key: "think_tank", Label: "智库研究成果", Module: 4, List: true, Ordered: true, Add: "添加智库成果",
		Hint:  "批示类按批示人行政级别认定，“阅”“批阅”等中性用语不认定为肯定性批示；采纳类按采纳单位级别认定",
		value: func(f *model.Form) reflect.Value { return reflect.ValueOf(&f.Achievements.ThinkTank).Elem() },
		Fields: []fieldSpec{
			{Name: "title", Kind: inText, Max: rules.MaxShortText, Wide: true},
			{Name: "type", Kind: inSelect, Options: enumOptions(model.ThinkTankTypes)},
			{Name: "date", Kind: inDate, Hint: dateHint},
			{Name: "channel", Kind: inText, Max: rules.MaxShortText},
			{Name: "official_rank", Kind: inSelect, Options: enumOptions(model.OfficialRanks), When: "type=instruction"},
			{Name: "official", Kind: inText, Max: rules.MaxShortText, When: "type=instruction"},
			{Name: "wording", Kind: inTextarea, Wide: true, When: "type=instruction", Hint: "照录批示原文"},
			{Name: "adopting_body", Kind: inText, Max: rules.MaxShortText, When: "type=adoption"},
			{Name: "adoption_level", Kind: inSelect, Options: enumOptions(model.AdoptionGrades), When: "type=adoption"},
		}},
	{Key: "other_achievements", Label: "其他业绩", Module: 4, List: true, Ordered: true, Add: "添加其他业绩",
		Hint:  "按符合评价条件的条款逐条排列",
		value: func(f *model.Form) reflect.Value { return reflect.ValueOf(&f.Achievements.Other).Elem() },
		Fields: []fieldSpec{
			{Name: "description", Kind: inTextarea, Wide: true},
			{Name: "criterion", Kind: inText, Max: rules.MaxShortText},
			{Name: "date", Kind: inMonth},
		}},

	{Key: "summary", Label: "专业技术工作小结", Module: 5, value: func(f *model.Form) reflect.Value { return reflect.ValueOf(f).Elem() },
		Fields: []fieldSpec{
			{Name: "summary", Kind: inTextarea, Wide: true, Hint: "根据本人专业技术水平、能力、业绩等情况编写，不超过 800 字（按字符计，换行不计，R-APP-07）"},
		}},
}

// moduleSections lists the sections of module m, in page order.
func moduleSections(m int) []*sectionSpec {
	var out []*sectionSpec
	for i := range appSections {
		if appSections[i].Module == m {
			out = append(out, &appSections[i])
		}
	}
	return out
}

func sectionByKey(key string) *sectionSpec {
	for i := range appSections {
		if appSections[i].Key == key {
			return &appSections[i]
		}
	}
	return nil
}

// path is the field path of a field of the section (entry id "" for singles).
func (s *sectionSpec) path(id, name string) string {
	switch {
	case s.List:
		return s.Key + "." + id + "." + name
	case s.Key == "summary":
		return name
	}
	return s.Key + "." + name
}

// fieldAnchor is the HTML id of the place a finding's field path points at: an input
// ("f-papers-<id>-title"), an entry ("f-papers-<id>"), a section or list ("sec-papers") or
// an upload ("slot-papers-<id>-cover").
func fieldAnchor(field string) string {
	if key, ok := strings.CutPrefix(field, "slot:"); ok {
		return "slot-" + strings.NewReplacer("/", "-", ".", "-").Replace(key)
	}
	if field == "" {
		return ""
	}
	if field == "summary" {
		return "f-summary"
	}
	if sectionByKey(field) != nil {
		return "sec-" + field
	}
	if rules.FieldModule(field) == 0 && !strings.HasPrefix(field, "basics.") {
		return "sec-person" // what the eligibility rules know about the person
	}
	return "f-" + strings.ReplaceAll(field, ".", "-")
}

// formFieldOf finds the struct field with JSON name name.
func formFieldOf(v reflect.Value, name string) (reflect.Value, reflect.StructField, bool) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if n, _, _ := strings.Cut(sf.Tag.Get("json"), ","); n == name {
			return v.Field(i), sf, true
		}
	}
	return reflect.Value{}, reflect.StructField{}, false
}

// formFieldLabel is the Chinese name of a field, from its struct tag.
func formFieldLabel(v reflect.Value, name string) string {
	if _, sf, ok := formFieldOf(v, name); ok {
		if l := sf.Tag.Get("label"); l != "" {
			return l
		}
	}
	return name
}

// formFieldText is a field's value as an input shows it: "" for a zero number or nil rate.
func formFieldText(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Int, reflect.Int64:
		if v.Int() == 0 {
			return ""
		}
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Bool:
		if v.Bool() {
			return "1"
		}
		return ""
	case reflect.Pointer:
		if v.IsNil() {
			return ""
		}
		return strconv.FormatFloat(v.Elem().Float(), 'f', -1, 64)
	}
	return fmt.Sprint(v.Interface())
}

// formSetField sets a field from its typed text; what does not parse is refused, naming it.
func formSetField(v reflect.Value, kind inputKind, path, label, text string) *model.Error {
	switch v.Kind() {
	case reflect.String:
		s := text
		if kind != inTextarea {
			s = strings.TrimSpace(s)
		} else {
			s = strings.TrimRight(s, " \t\r\n")
		}
		if v.Type() == reflect.TypeFor[model.Date]() {
			s = normalizeDate(s)
		}
		v.SetString(s)
	case reflect.Int, reflect.Int64:
		s := halfWidth(strings.TrimSpace(text))
		if s == "" {
			v.SetInt(0)
			return nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return model.Invalid(path, fmt.Sprintf("%s“%s”不是整数", label, text), "请只填写数字，如 3")
		}
		v.SetInt(n)
	case reflect.Bool:
		v.SetBool(text != "")
	case reflect.Pointer: // *float64: the plagiarism rate, nil when not entered
		s := strings.TrimSuffix(strings.TrimSuffix(halfWidth(strings.TrimSpace(text)), "%"), "％")
		if s == "" {
			v.SetZero()
			return nil
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return model.Invalid(path, fmt.Sprintf("%s“%s”不是数字", label, text), "请填写百分数的数字部分，如 12.5")
		}
		v.Set(reflect.ValueOf(&f))
	}
	return nil
}

// halfWidth turns full-width digits and punctuation, which Chinese keyboards type, into ASCII.
func halfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		switch r {
		case '．', '。':
			return '.'
		case '－', '—':
			return '-'
		case '／':
			return '/'
		}
		return r
	}, s)
}

var looseDate = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(?:(\d{1,2})\s*日?)?)?$`)

// normalizeDate turns the ways people write a date — 2024-9, 2024/09/30, 2024.9, 2024年9月,
// 2024年9月30日 — into the form's "YYYY-MM" or "YYYY-MM-DD"; anything else is kept as typed,
// for the draft check to refuse with its reason.
func normalizeDate(s string) string {
	m := looseDate.FindStringSubmatch(halfWidth(s))
	if m == nil {
		return s
	}
	mo, _ := strconv.Atoi(m[2])
	out := fmt.Sprintf("%s-%02d", m[1], mo)
	if m[3] != "" {
		d, _ := strconv.Atoi(m[3])
		out += fmt.Sprintf("-%02d", d)
	}
	return out
}

// newEntryID is the ID of a new list entry: random, so that two tabs adding entries do not
// collide, and within the characters field paths and slot keys allow.
func newEntryID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// decodeModule reads module m's inputs onto f, which holds the stored form, so that every
// other module stays exactly as stored. List entries keep what the page does not show (the
// CHSI record) from the stored entry with the same ID. It returns the values as typed, by
// field path, for showing a refused form as it was sent (what did not parse exactly as typed),
// and the values that did not parse.
func decodeModule(form url.Values, m int, f *model.Form) (map[string]string, model.Errors) {
	typed := map[string]string{}
	var errs model.Errors
	for _, sec := range moduleSections(m) {
		if len(sec.Fields) == 0 {
			continue
		}
		sv := sec.value(f)
		decode := func(entry reflect.Value, id string) {
			for _, fs := range sec.Fields {
				fv, _, ok := formFieldOf(entry, fs.Name)
				if !ok {
					panic("web: no field " + fs.Name + " in " + sec.Key)
				}
				p := sec.path(id, fs.Name)
				text := form.Get(p)
				if e := formSetField(fv, fs.Kind, p, formFieldLabel(entry, fs.Name), text); e != nil {
					errs = append(errs, e)
					typed[p] = text // shown as typed, to be corrected
				} else {
					typed[p] = formFieldText(fv) // as it will be saved: trimmed, dates as YYYY-MM(-DD)
				}
			}
		}
		if !sec.List {
			decode(sv, "")
			continue
		}
		old := map[string]reflect.Value{}
		for i := range sv.Len() {
			e := sv.Index(i)
			id, _, _ := formFieldOf(e, "id")
			old[id.String()] = e
		}
		seen := map[string]bool{}
		out := reflect.MakeSlice(sv.Type(), 0, len(form[sec.Key]))
		for _, id := range form[sec.Key] {
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			e := reflect.New(sv.Type().Elem()).Elem()
			if o, ok := old[id]; ok {
				e.Set(o)
			} else {
				idf, _, _ := formFieldOf(e, "id")
				idf.SetString(id)
			}
			decode(e, id)
			out = reflect.Append(out, e)
		}
		if out.Len() == 0 {
			out = reflect.Zero(sv.Type()) // an empty list is nil, as a new form's
		}
		sv.Set(out)
	}
	return typed, errs
}

// formAction is what a button of the module form asks besides saving.
type formAction struct {
	Verb string // save, next, add, remove, up, down, fill, sync
	List string
	ID   string
}

func parseAction(s string) formAction {
	parts := strings.SplitN(s, ":", 3)
	a := formAction{Verb: parts[0]}
	if len(parts) > 1 {
		a.List = parts[1]
	}
	if len(parts) > 2 {
		a.ID = parts[2]
	}
	if a.Verb == "sync" { // sync:<education entry id>
		a.List, a.ID = "education", a.List
	}
	if a.Verb == "" {
		a.Verb = "save"
	}
	return a
}

// apply changes the lists of f as the action asks and returns the anchor to show
// afterwards ("" for the top of the page). Only lists of module m may change.
func (act formAction) apply(f *model.Form, m int, plan model.Plan) string {
	sec := sectionByKey(act.List)
	if sec == nil || !sec.List || sec.Module != m {
		return ""
	}
	sv := sec.value(f)
	index := func(id string) int {
		for i := range sv.Len() {
			if v, _, _ := formFieldOf(sv.Index(i), "id"); v.String() == id {
				return i
			}
		}
		return -1
	}
	switch act.Verb {
	case "add":
		id := newEntryID()
		e := reflect.New(sv.Type().Elem()).Elem()
		v, _, _ := formFieldOf(e, "id")
		v.SetString(id)
		sv.Set(reflect.Append(sv, e))
		return fieldAnchor(act.List + "." + id)
	case "remove":
		if i := index(act.ID); i >= 0 {
			sv.Set(reflect.AppendSlice(sv.Slice(0, i), sv.Slice(i+1, sv.Len())))
		}
		return "sec-" + act.List
	case "up", "down":
		i := index(act.ID)
		j := i - 1
		if act.Verb == "down" {
			j = i + 1
		}
		if i >= 0 && j >= 0 && j < sv.Len() {
			a, b := sv.Index(i).Interface(), sv.Index(j).Interface()
			sv.Index(i).Set(reflect.ValueOf(b))
			sv.Index(j).Set(reflect.ValueOf(a))
		}
		return fieldAnchor(act.List + "." + act.ID)
	case "fill":
		fillYears(f, act.List, plan.Year)
		return "sec-" + act.List
	}
	return ""
}

// fillYears adds an entry for every year the pre-submit check asks for and the list lacks
// (R-APP-07: the annual assessments of the last five years; R-ELG-07: continuing education
// for the same years), and puts the list in year order.
func fillYears(f *model.Form, list string, planYear int) {
	years := rules.AssessmentYears(*f, planYear)
	switch list {
	case "assessments":
		have := map[int]bool{}
		for _, a := range f.Ability.Assessments {
			have[a.Year] = true
		}
		for _, y := range years {
			if !have[y] {
				f.Ability.Assessments = append(f.Ability.Assessments, model.Assessment{ID: newEntryID(), Year: y})
			}
		}
		sortByYear(f.Ability.Assessments, func(a model.Assessment) int { return a.Year })
	case "continuing_education":
		have := map[int]bool{}
		for _, c := range f.Ability.ContinuingEducation {
			have[c.Year] = true
		}
		for _, y := range years {
			if !have[y] {
				f.Ability.ContinuingEducation = append(f.Ability.ContinuingEducation, model.CEEntry{ID: newEntryID(), Year: y})
			}
		}
		sortByYear(f.Ability.ContinuingEducation, func(c model.CEEntry) int { return c.Year })
	}
}

// sortByYear orders entries by year, earliest first, entries without a year last.
func sortByYear[T any](xs []T, year func(T) int) {
	key := func(x T) int {
		if y := year(x); y > 0 {
			return y
		}
		return 1 << 30
	}
	for i := 1; i < len(xs); i++ { // insertion sort: stable, and lists are short
		for j := i; j > 0 && key(xs[j-1]) > key(xs[j]); j-- {
			xs[j-1], xs[j] = xs[j], xs[j-1]
		}
	}
}
