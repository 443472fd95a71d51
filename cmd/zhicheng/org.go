package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"zhicheng/internal/model"
)

// runOrg adds an organisation from the command line: on a fresh installation the office
// itself has to come from somewhere before its administrator can sign in and build the
// rest of the tree in the web UI.
func runOrg(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("用法: zhicheng org add --kind office --code GS-ZGB --name 名称 [--parent 上级代码] [--unit-type …] [--chain 代码,代码]")
	}
	var c Config
	fs := flag.NewFlagSet("org add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c.bindCommon(fs)
	var kind, code, name, parent, unitType, chain string
	fs.StringVar(&kind, "kind", "", "机构类型：office, committee, eval_office, city, industry, unit, agency")
	fs.StringVar(&code, "code", "", "机构代码（唯一）")
	fs.StringVar(&name, "name", "", "机构名称")
	fs.StringVar(&parent, "parent", "", "上级机构代码")
	fs.StringVar(&unitType, "unit-type", "", "单位性质（用人单位）：public_institution, state_enterprise, private_enterprise, social_org, central")
	fs.StringVar(&chain, "chain", "", "审核链：审核部门代码，按先后以逗号分隔（用人单位、人才服务机构必填）")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, svc, err := c.open(ctx, c.logger(stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	o := model.Org{Kind: model.OrgKind(kind), Code: code, Name: name, UnitType: model.UnitType(unitType)}
	if parent != "" {
		p, err := orgByCode(ctx, db, parent)
		if err != nil {
			return err
		}
		o.ParentID = p.ID
	}
	for _, cc := range strings.Split(chain, ",") {
		if cc = strings.TrimSpace(cc); cc != "" {
			d, err := orgByCode(ctx, db, cc)
			if err != nil {
				return err
			}
			o.ReviewChain = append(o.ReviewChain, d.ID)
		}
	}
	id, err := svc.Orgs.Create(ctx, model.SystemActor("命令行操作员"), o)
	if err != nil {
		return explain(err)
	}
	fmt.Fprintf(stdout, "已创建机构 %s（#%d）\n", strings.TrimSpace(name), id)
	return nil
}
