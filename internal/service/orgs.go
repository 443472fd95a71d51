package service

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

// Orgs owns the organisation tree and review chains (R-FLOW-06).
type Orgs struct{ d Deps }

var orgCodePattern = regexp.MustCompile(`^[0-9A-Za-z-]{2,32}$`)

// validate checks an organisation against the tree it will join; all problems at once.
func validateOrg(o *model.Org, all []model.Org) model.Errors {
	var errs model.Errors
	o.Name, o.Code = strings.TrimSpace(o.Name), strings.ToUpper(strings.TrimSpace(o.Code))
	if n := utf8.RuneCountInString(o.Name); n < 2 || n > 60 {
		errs = append(errs, model.Invalid("name", "机构名称应为 2–60 个字", "请填写机构全称"))
	}
	if !orgCodePattern.MatchString(o.Code) {
		errs = append(errs, model.Invalid("code", "机构代码格式不正确", "2–32 位字母、数字或连字符，建议填写统一社会信用代码"))
	}
	if !o.Kind.Valid() {
		errs = append(errs, model.Invalid("kind", "请选择机构类型", "职改办、评委会、中评办、市州人社部门、行业主管部门、用人单位或人才服务机构"))
	}
	if o.Kind == model.OrgUnit && !o.UnitType.Valid() {
		errs = append(errs, model.Invalid("unit_type", "请选择单位性质", "单位性质决定申报渠道（R-ELG-05）"))
	}
	if o.Kind != model.OrgUnit {
		o.UnitType = ""
	}
	byID := map[int64]model.Org{}
	for _, x := range all {
		byID[x.ID] = x
	}
	if o.ParentID != 0 {
		if _, ok := byID[o.ParentID]; !ok {
			errs = append(errs, model.Invalid("parent_id", "上级机构不存在", "请从列表中选择上级机构"))
		}
		// A parent chain that reaches the organisation itself would make the tree a loop.
		for p, seen := o.ParentID, 0; p != 0 && seen <= len(all); p, seen = byID[p].ParentID, seen+1 {
			if p == o.ID && o.ID != 0 {
				errs = append(errs, model.Invalid("parent_id", "上级机构不能是本机构或其下级", "请选择其他上级机构"))
				break
			}
		}
	}
	if o.Kind.Applies() && len(o.ReviewChain) == 0 {
		errs = append(errs, model.Invalid("review_chain", "请设置审核链", "至少选择一个审核部门（市州人社部门、行业主管部门或中评办），按审核先后排列（R-FLOW-06）"))
	}
	for i, id := range o.ReviewChain {
		d, ok := byID[id]
		switch {
		case !ok:
			errs = append(errs, model.Invalid("review_chain", fmt.Sprintf("审核链第 %d 级机构不存在", i+1), "请从列表中选择审核部门"))
		case !d.Kind.IsDepartment():
			errs = append(errs, model.Invalid("review_chain", fmt.Sprintf("审核链第 %d 级“%s”不是审核部门", i+1, d.Name), "审核链只能包含市州人社部门、行业主管部门或中评办；职改办和评委会由评审计划决定"))
		case slices.Index(o.ReviewChain, id) != i:
			errs = append(errs, model.Invalid("review_chain", fmt.Sprintf("审核链中“%s”重复", d.Name), "每个审核部门在链中只能出现一次"))
		}
	}
	if !o.Kind.Applies() && len(o.ReviewChain) > 0 {
		errs = append(errs, model.Invalid("review_chain", "只有用人单位和人才服务机构需要审核链", "请清空审核链"))
	}
	return append(errs, validatePosts(*o)...)
}

// maxPosts bounds the post numbers: far above any unit, within a 32-bit INTEGER column.
const maxPosts = 1_000_000

// validatePosts checks the posts the grassroots senior quota is counted against (R-ELG-09):
// registered only where applicants belong, and the posts held within the total.
func validatePosts(o model.Org) model.Errors {
	bad := func(field, msg, fix string) *model.Error {
		return &model.Error{Kind: model.KindInvalid, Rule: "R-ELG-09", Field: field, Message: msg, Fix: fix}
	}
	var errs model.Errors
	if !o.Kind.Applies() {
		if o.ProfessionalPosts != 0 || o.GrassrootsSeniorPosts != 0 {
			errs = append(errs, bad("professional_posts", "只有用人单位和人才服务机构登记岗位数", "请将专业技术岗位总量和已用基层有效高级岗位数填 0 或留空"))
		}
		return errs
	}
	if o.ProfessionalPosts < 0 || o.ProfessionalPosts > maxPosts {
		errs = append(errs, bad("professional_posts", fmt.Sprintf("专业技术岗位总量应为 0–%d 的整数", maxPosts), "填写本单位核定的专业技术岗位总数；未核定的填 0（不能推荐全省基层有效高级职称）"))
	}
	switch {
	case o.GrassrootsSeniorPosts < 0:
		errs = append(errs, bad("grassroots_senior_posts", "已用基层有效高级岗位数应为 0 或正整数", "填写本单位已聘用的基层有效高级职称人数（含正常和破格晋升），没有的填 0"))
	case o.GrassrootsSeniorPosts > max(o.ProfessionalPosts, 0):
		errs = append(errs, bad("grassroots_senior_posts",
			fmt.Sprintf("已用基层有效高级岗位 %d 个，超过专业技术岗位总量 %d 个", o.GrassrootsSeniorPosts, o.ProfessionalPosts),
			"已用基层有效高级岗位是专业技术岗位的一部分，不能超过总量：请核对两个数字"))
	}
	return errs
}

// Create adds an organisation to the tree.
func (s *Orgs) Create(ctx context.Context, a model.Actor, o model.Org) (int64, error) {
	if err := require(a, authz.ManageOrgs); err != nil {
		return 0, err
	}
	var id int64
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		all, err := q.Orgs(ctx)
		if err != nil {
			return err
		}
		o.ID = 0
		if errs := validateOrg(&o, all); len(errs) > 0 {
			return errs
		}
		if id, err = q.CreateOrg(ctx, o); err != nil {
			return err
		}
		e := event(a, "org.create", "org", id)
		e.Detail = detail(map[string]any{"name": o.Name, "code": o.Code, "kind": o.Kind, "unit_type": o.UnitType, "parent_id": o.ParentID, "review_chain": o.ReviewChain,
			"professional_posts": o.ProfessionalPosts, "grassroots_senior_posts": o.GrassrootsSeniorPosts})
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("create org %q: %w", o.Name, err)
	}
	return id, nil
}

// Update changes an organisation's name, code, unit type, posts and review chain, if nobody
// else changed it since version o.Version. Kind and parent stay: moving a unit would move its
// applications' routing, which later issues handle as its own use case.
func (s *Orgs) Update(ctx context.Context, a model.Actor, o model.Org) error {
	if err := require(a, authz.ManageOrgs); err != nil {
		return err
	}
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		old, err := q.Org(ctx, o.ID)
		if err != nil {
			return err
		}
		all, err := q.Orgs(ctx)
		if err != nil {
			return err
		}
		o.Kind, o.ParentID = old.Kind, old.ParentID
		if errs := validateOrg(&o, all); len(errs) > 0 {
			return errs
		}
		if err := q.UpdateOrg(ctx, o); err != nil {
			return err
		}
		e := event(a, "org.update", "org", o.ID)
		e.Detail = detail(map[string]any{
			"from": map[string]any{"name": old.Name, "code": old.Code, "unit_type": old.UnitType, "review_chain": old.ReviewChain,
				"professional_posts": old.ProfessionalPosts, "grassroots_senior_posts": old.GrassrootsSeniorPosts},
			"to": map[string]any{"name": o.Name, "code": o.Code, "unit_type": o.UnitType, "review_chain": o.ReviewChain,
				"professional_posts": o.ProfessionalPosts, "grassroots_senior_posts": o.GrassrootsSeniorPosts},
		})
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return fmt.Errorf("update org %d: %w", o.ID, err)
	}
	return nil
}

// Get returns one organisation to someone who may see the tree, or to its own members.
func (s *Orgs) Get(ctx context.Context, a model.Actor, id int64) (model.Org, error) {
	if a.OrgID != id && !authz.Allowed(a, authz.ViewOrgs) {
		// Not found rather than forbidden: ids of other organisations are not confirmed.
		return model.Org{}, fmt.Errorf("org %d: %w", id, model.ErrNotFound)
	}
	var o model.Org
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) { o, err = q.Org(ctx, id); return err })
	return o, err
}

// Tree returns the whole tree, depth-first, for those who may see it.
func (s *Orgs) Tree(ctx context.Context, a model.Actor) ([]TreeNode, error) {
	if err := require(a, authz.ViewOrgs); err != nil {
		return nil, err
	}
	all, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	return tree(all), nil
}

func (s *Orgs) all(ctx context.Context) ([]model.Org, error) {
	var all []model.Org
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) { all, err = q.Orgs(ctx); return err })
	if err != nil {
		return nil, fmt.Errorf("list orgs: %w", err)
	}
	return all, nil
}

// Choices lists the organisations an applicant may register in (units and agencies),
// public because the registration page needs it.
func (s *Orgs) Choices(ctx context.Context) ([]model.Org, error) {
	all, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	var out []model.Org
	for _, o := range all {
		if o.Kind.Applies() {
			out = append(out, o)
		}
	}
	return out, nil
}

// TreeNode is an organisation with its depth in the tree and its chain resolved to names.
type TreeNode struct {
	model.Org
	Depth     int
	ChainName []string
}

// tree orders orgs depth-first under their parents. Orgs whose parent is missing are
// treated as roots, so that nothing disappears from the list.
func tree(all []model.Org) []TreeNode {
	byID := map[int64]model.Org{}
	children := map[int64][]model.Org{}
	for _, o := range all {
		byID[o.ID] = o
	}
	for _, o := range all {
		p := o.ParentID
		if _, ok := byID[p]; !ok {
			p = 0
		}
		children[p] = append(children[p], o)
	}
	var out []TreeNode
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, o := range children[parent] {
			n := TreeNode{Org: o, Depth: depth}
			for _, d := range o.ReviewChain {
				n.ChainName = append(n.ChainName, byID[d].Name)
			}
			out = append(out, n)
			if depth < len(all) { // guard against a loop in bad data
				walk(o.ID, depth+1)
			}
		}
	}
	walk(0, 0)
	return out
}
