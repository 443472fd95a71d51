package model

import "time"

// OrgKind is what an organisation is in the review procedure (SPEC §1).
type OrgKind string

const (
	OrgOffice     OrgKind = "office"      // 职改办: provincial title-reform office
	OrgCommittee  OrgKind = "committee"   // 评委会 / 中评会
	OrgEvalOffice OrgKind = "eval_office" // 中评办 / 职评办: intermediate evaluation office
	OrgCity       OrgKind = "city"        // 市州人社局
	OrgIndustry   OrgKind = "industry"    // 省直行业主管部门
	OrgUnit       OrgKind = "unit"        // 用人单位
	OrgAgency     OrgKind = "agency"      // 人才服务机构 holding archives (档案托管)
)

// OrgKinds lists every kind in display order.
var OrgKinds = []OrgKind{OrgOffice, OrgCommittee, OrgEvalOffice, OrgCity, OrgIndustry, OrgUnit, OrgAgency}

var orgKindNames = map[OrgKind]string{
	OrgOffice:     "职改办",
	OrgCommittee:  "评审委员会",
	OrgEvalOffice: "中评办",
	OrgCity:       "市州人社部门",
	OrgIndustry:   "行业主管部门",
	OrgUnit:       "用人单位",
	OrgAgency:     "人才服务机构",
}

// Label is the Chinese name of the kind.
func (k OrgKind) Label() string { return orgKindNames[k] }

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool { _, ok := orgKindNames[k]; return ok }

// IsDepartment reports whether organisations of this kind review applications between the
// unit and the office (审核部门), so they may appear in a review chain (R-FLOW-06).
func (k OrgKind) IsDepartment() bool {
	return k == OrgCity || k == OrgIndustry || k == OrgEvalOffice
}

// Applies reports whether applicants belong to organisations of this kind: employers, and
// talent-service agencies for those whose archive they hold (R-ELG-05).
func (k OrgKind) Applies() bool { return k == OrgUnit || k == OrgAgency }

// UnitType is the kind of employer, which decides the application channel (R-ELG-05) and
// how tenure is counted (R-CAL-06).
type UnitType string

const (
	UnitPublicInstitution UnitType = "public_institution" // 事业单位（岗位管理）
	UnitStateEnterprise   UnitType = "state_enterprise"   // 国有企业
	UnitPrivateEnterprise UnitType = "private_enterprise" // 非公有制企业
	UnitSocialOrg         UnitType = "social_org"         // 社会组织
	UnitCentral           UnitType = "central"            // 中央驻甘单位（需委托函）
)

// UnitTypes lists every unit type in display order.
var UnitTypes = []UnitType{UnitPublicInstitution, UnitStateEnterprise, UnitPrivateEnterprise, UnitSocialOrg, UnitCentral}

var unitTypeNames = map[UnitType]string{
	UnitPublicInstitution: "事业单位（岗位管理）",
	UnitStateEnterprise:   "国有企业",
	UnitPrivateEnterprise: "非公有制企业",
	UnitSocialOrg:         "社会组织",
	UnitCentral:           "中央驻甘单位",
}

// Label is the Chinese name of the unit type.
func (t UnitType) Label() string { return unitTypeNames[t] }

// Valid reports whether t is a known unit type.
func (t UnitType) Valid() bool { _, ok := unitTypeNames[t]; return ok }

// Org is one organisation in the tree.
type Org struct {
	ID       int64
	ParentID int64 // 0 for the root
	Kind     OrgKind
	UnitType UnitType // only for OrgUnit
	Code     string   // unified social credit code or an office-assigned code; unique
	Name     string
	Created  time.Time
	Version  int64
	// ReviewChain is the ordered list of review-department ids (R-FLOW-06); filled only
	// where the caller asked for it.
	ReviewChain []int64
	// The posts the grassroots senior quota is checked against (R-ELG-09), registered by the
	// office for units and agencies: ProfessionalPosts is 专业技术岗位总量 (0: not
	// registered), GrassrootsSeniorPosts the 基层有效高级岗位 already held (正常和破格) before
	// this year's recommendations.
	ProfessionalPosts     int
	GrassrootsSeniorPosts int
}
