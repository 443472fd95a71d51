// Package demo loads a demo province (Gansu-like: the title-reform office, committees, an
// intermediate office, cities, industry departments, units of every kind and archive
// agencies) with an account for every role, so that a new user of `zhicheng serve --demo`
// can sign in as anyone and walk the procedure. Everything goes through the ordinary use
// cases, as the command-line operator, so the demo is audited and validated like real data.
package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"time"

	"zhicheng/internal/model"
	"zhicheng/internal/presets"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
)

// Password is the one password of every demo account (documented in README.md). Only the
// demo's passwords are fixed; keys and everything else are generated.
const Password = "Demo@2026"

// Account is a demo account as printed at start.
type Account struct {
	Username string
	Name     string
	Org      string
	Roles    []model.Role
}

type orgSpec struct {
	key, parent string
	kind        model.OrgKind
	unitType    model.UnitType
	code, name  string
	chain       []string
	// posts and held are the unit's professional posts and grassroots senior posts already
	// held (R-ELG-09), so that a grassroots senior recommendation can be walked; the
	// agencies are left unregistered, to show that state too.
	posts, held int
}

// The demo tree. Codes are made up in the shape of unified social credit codes' prefixes.
var orgs = []orgSpec{
	{key: "office", kind: model.OrgOffice, code: "GS-ZGB", name: "甘肃省职称改革工作领导小组办公室"},
	{key: "pw_zg", parent: "office", kind: model.OrgCommittee, code: "GS-PW-ZG", name: "甘肃省企业政工人员高级专业职务评审委员会"},
	{key: "pw_rl", parent: "office", kind: model.OrgCommittee, code: "GS-PW-RL", name: "甘肃省人力资源培训专业高级职称评审委员会"},
	{key: "zpb", parent: "office", kind: model.OrgEvalOffice, code: "GS-ZPB", name: "甘肃省企业政工专业职务中级评审办公室"},
	{key: "lz", parent: "office", kind: model.OrgCity, code: "GS-LZ", name: "兰州市人力资源和社会保障局"},
	{key: "lx", parent: "office", kind: model.OrgCity, code: "GS-LX", name: "临夏回族自治州人力资源和社会保障局"},
	{key: "ts", parent: "office", kind: model.OrgCity, code: "GS-TS", name: "天水市人力资源和社会保障局"},
	{key: "gzw", parent: "office", kind: model.OrgIndustry, code: "GS-GZW", name: "甘肃省人民政府国有资产监督管理委员会"},
	{key: "dx", parent: "office", kind: model.OrgIndustry, code: "GS-DX", name: "中共甘肃省委党校（甘肃行政学院）"},
	{key: "school", parent: "lz", kind: model.OrgUnit, unitType: model.UnitPublicInstitution, code: "12620100DEMO0001", name: "兰州示范职业技术学院", chain: []string{"lz"}, posts: 320, held: 9},
	{key: "energy", parent: "gzw", kind: model.OrgUnit, unitType: model.UnitStateEnterprise, code: "91620000DEMO0002", name: "甘肃示范能源集团有限公司", chain: []string{"gzw", "zpb"}, posts: 180, held: 6},
	{key: "tech", parent: "lz", kind: model.OrgUnit, unitType: model.UnitPrivateEnterprise, code: "91620100DEMO0003", name: "兰州示范软件科技有限公司", chain: []string{"lz"}, posts: 45, held: 1},
	{key: "assoc", parent: "lx", kind: model.OrgUnit, unitType: model.UnitSocialOrg, code: "51622900DEMO0004", name: "临夏州示范社会工作协会", chain: []string{"lx"}, posts: 24, held: 1},
	{key: "central", parent: "office", kind: model.OrgUnit, unitType: model.UnitCentral, code: "91620000DEMO0005", name: "中国示范电力集团甘肃分公司", chain: []string{"zpb"}, posts: 150, held: 4},
	{key: "train", parent: "dx", kind: model.OrgUnit, unitType: model.UnitPublicInstitution, code: "12620000DEMO0006", name: "甘肃省示范干部培训中心", chain: []string{"dx"}, posts: 60, held: 2},
	{key: "lzrc", parent: "lz", kind: model.OrgAgency, code: "12620100DEMO0007", name: "兰州市人才交流服务中心", chain: []string{"lz"}},
	{key: "lxrc", parent: "lx", kind: model.OrgAgency, code: "12622900DEMO0008", name: "临夏州人才服务中心", chain: []string{"lx"}},
}

type userSpec struct {
	org, username, name string
	roles               []model.Role
}

var (
	admin, handler, leader = model.RoleSysAdmin, model.RoleHandler, model.RoleLeader
	applicant, expert      = model.RoleApplicant, model.RoleExpert
)

// Three accounts (R-ORG-01) for the office, a city, the intermediate office and the units
// that take part in the walk-through; fewer elsewhere, so the admin page shows both states.
var users = []userSpec{
	{"office", "office_admin", "王建国", []model.Role{admin}},
	{"office", "office_handler", "李晓梅", []model.Role{handler}},
	{"office", "office_leader", "张德明", []model.Role{leader}},
	{"pw_zg", "pw_admin", "赵文华", []model.Role{admin}},
	{"pw_zg", "pw_handler", "孙立新", []model.Role{handler}},
	{"zpb", "zpb_admin", "马志强", []model.Role{admin}},
	{"zpb", "zpb_handler", "马玉兰", []model.Role{handler}},
	{"zpb", "zpb_leader", "杨振华", []model.Role{leader}},
	{"lz", "lz_admin", "陈志远", []model.Role{admin}},
	{"lz", "lz_handler", "刘静", []model.Role{handler}},
	{"lz", "lz_leader", "周海峰", []model.Role{leader}},
	{"gzw", "gzw_handler", "吴晓东", []model.Role{handler}},
	{"gzw", "gzw_leader", "郑国庆", []model.Role{leader}},
	{"school", "school_admin", "何丽娟", []model.Role{admin}},
	{"school", "school_handler", "高明", []model.Role{handler}},
	{"school", "school_leader", "林秀英", []model.Role{leader}},
	{"school", "applicant1", "罗嘉怡", []model.Role{applicant}},
	{"school", "expert1", "谢天明", []model.Role{expert}},
	{"energy", "energy_admin", "韩志刚", []model.Role{admin}},
	{"energy", "energy_handler", "冯雪", []model.Role{handler}},
	{"energy", "energy_leader", "曹建华", []model.Role{leader}},
	{"energy", "applicant2", "彭宇航", []model.Role{applicant}},
	{"lzrc", "agency_admin", "蒋慧", []model.Role{admin}},
	{"lzrc", "agency_handler", "田野", []model.Role{handler}},
	{"lzrc", "agency_leader", "董立平", []model.Role{leader}},
	{"lzrc", "applicant3", "袁小芳", []model.Role{applicant}},
	{"train", "expert2", "邓世杰", []model.Role{expert}},
}

// Accounts lists the demo accounts, for printing.
func Accounts() []Account {
	names := map[string]string{}
	for _, o := range orgs {
		names[o.key] = o.name
	}
	var out []Account
	for _, u := range users {
		out = append(out, Account{Username: u.username, Name: u.name, Org: names[u.org], Roles: u.roles})
	}
	return out
}

// Load creates the demo province unless the database already has accounts, in which case
// it leaves everything as it is (a restart must not duplicate or reset anything). It
// reports whether it loaded.
func Load(ctx context.Context, db *store.DB, svc *service.Services, now time.Time) (bool, error) {
	var n int
	if err := db.View(ctx, func(q *store.Q) (err error) { n, err = q.CountUsers(ctx); return err }); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	sys := model.SystemActor("演示数据")
	ids := map[string]int64{}
	for _, o := range orgs {
		m := model.Org{ParentID: ids[o.parent], Kind: o.kind, UnitType: o.unitType, Code: o.code, Name: o.name,
			ProfessionalPosts: o.posts, GrassrootsSeniorPosts: o.held}
		for _, c := range o.chain {
			m.ReviewChain = append(m.ReviewChain, ids[c])
		}
		id, err := svc.Orgs.Create(ctx, sys, m)
		if err != nil {
			return false, fmt.Errorf("demo org %s: %w", o.name, err)
		}
		ids[o.key] = id
	}
	for i, u := range users {
		_, err := svc.Accounts.CreateUser(ctx, sys, service.UserInput{
			OrgID: ids[u.org], Username: u.username, Name: u.name, Roles: u.roles, Password: Password,
			IDNumber: idNumber(i), Phone: fmt.Sprintf("1399310%04d", i+1),
		})
		if err != nil {
			return false, fmt.Errorf("demo user %s: %w", u.username, err)
		}
	}
	// Both presets as the notices had them, and a copy of the 2024 plan whose application
	// window is open now, so the whole path can be walked today.
	committees := map[string]int64{"2023-political-work": ids["pw_zg"], "2024-hr-training": ids["pw_rl"]}
	for _, pr := range presets.All() {
		if _, err := svc.Plans.CreateFromPreset(ctx, sys, pr.Key, committees[pr.Key]); err != nil {
			return false, fmt.Errorf("demo plan %s: %w", pr.Key, err)
		}
	}
	open := presets.OpenToday(now)
	open.CommitteeID = ids["pw_rl"]
	openID, err := svc.Plans.Create(ctx, sys, open)
	if err != nil {
		return false, fmt.Errorf("demo open plan: %w", err)
	}
	if err := submitExample(ctx, db, svc, openID); err != nil {
		return false, fmt.Errorf("demo application: %w", err)
	}
	return true, nil
}

// submitExample has applicant2 fill in the example application, upload a scan for every
// slot the applicant fills (not the unit's reports), sign the pledge and submit, so that the
// unit's reviewers see an application arriving.
// applicant1 keeps an empty start, to walk the form from the beginning.
func submitExample(ctx context.Context, db *store.DB, svc *service.Services, planID int64) error {
	var uid int64
	err := db.View(ctx, func(q *store.Q) (err error) {
		c, err := q.CredentialsByLogin(ctx, "applicant2", "")
		uid = c.UserID
		return err
	})
	if err != nil {
		return err
	}
	a, err := svc.Accounts.Actor(ctx, uid)
	if err != nil {
		return err
	}
	id, err := svc.Applications.Start(ctx, a, planID)
	if err != nil {
		return err
	}
	v, err := svc.Applications.Get(ctx, a, id)
	if err != nil {
		return err
	}
	version, err := svc.Applications.Save(ctx, a, id, v.App.Version, ExampleForm(v.Plan.Year))
	if err != nil {
		return err
	}
	v, err = svc.Applications.Get(ctx, a, id)
	if err != nil {
		return err
	}
	for i, slot := range v.Slots {
		if slot.ByUnit {
			continue // the unit's documents: its reviewers upload them while they review
		}
		if _, version, err = svc.Applications.Upload(ctx, a, id, version, slot.Key, slot.Label+".jpg", bytes.NewReader(scan(i))); err != nil {
			return fmt.Errorf("upload %s: %w", slot.Key, err)
		}
	}
	if err := svc.Applications.Sign(ctx, a, id, a.Name); err != nil {
		return err
	}
	v, err = svc.Applications.Get(ctx, a, id)
	if err != nil {
		return err
	}
	_, err = svc.Applications.Submit(ctx, a, id, v.App.Version)
	return err
}

// scan is a small stand-in for a scanned page: a JPEG of a light page with a coloured band,
// different for each slot so that every file is its own.
func scan(i int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 420, 594))
	band := color.RGBA{uint8(40 + i*37%200), uint8(90 + i*53%150), uint8(160 + i*29%90), 255}
	for y := 0; y < 594; y++ {
		for x := 0; x < 420; x++ {
			c := color.RGBA{250, 250, 246, 255}
			if y > 40 && y < 90 || (y > 140 && y%24 < 3 && x > 40 && x < 380) {
				c = band
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 70})
	return b.Bytes()
}

// idNumber makes the i-th demo ID number: region 620102 (兰州市城关区), a birth date spread
// over 1970–1995, a sequence, and a correct GB 11643 check digit.
func idNumber(i int) string {
	birth := time.Date(1970+i%26, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
	first17 := fmt.Sprintf("620102%s%03d", birth.Format("20060102"), 100+i)
	c, err := rules.IDNumberCheckDigit(first17)
	if err != nil {
		panic(err) // the format above is always 17 digits
	}
	return first17 + string(c)
}
