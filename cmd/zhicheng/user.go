package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"zhicheng/internal/model"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
)

func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("用法: zhicheng user add|passwd [参数]")
	}
	var c Config
	fs := flag.NewFlagSet("user "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	c.bindCommon(fs)
	var in service.UserInput
	var orgCode, roles string
	switch args[0] {
	case "add":
		fs.StringVar(&orgCode, "org", "", "所属机构代码（必填）")
		fs.StringVar(&in.Username, "username", "", "登录账号（必填）")
		fs.StringVar(&in.Name, "name", "", "真实姓名（必填）")
		fs.StringVar(&in.IDNumber, "id-number", "", "身份证号（必填）")
		fs.StringVar(&in.Phone, "phone", "", "手机号（必填）")
		fs.StringVar(&in.Email, "email", "", "电子邮箱（选填，用于发送状态变更通知）")
		fs.StringVar(&roles, "roles", "sysadmin", "角色，逗号分隔：sysadmin,handler,leader,applicant,expert")
	case "passwd":
		fs.StringVar(&in.Username, "username", "", "登录账号（必填）")
	default:
		return fmt.Errorf("未知子命令 user %s", args[0])
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	fmt.Fprint(stderr, "请输入密码（从标准输入读取一行）: ")
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	fmt.Fprintln(stderr)
	in.Password = strings.TrimRight(line, "\r\n")

	log := c.logger(stderr)
	db, svc, err := c.open(ctx, log)
	if err != nil {
		return err
	}
	defer db.Close()
	sys := model.SystemActor("命令行操作员")
	switch args[0] {
	case "add":
		org, err := orgByCode(ctx, db, orgCode)
		if err != nil {
			return err
		}
		in.OrgID = org.ID
		for _, r := range strings.Split(roles, ",") {
			if r = strings.TrimSpace(r); r != "" {
				in.Roles = append(in.Roles, model.Role(r))
			}
		}
		id, err := svc.Accounts.CreateUser(ctx, sys, in)
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "已创建账号 %s（#%d），机构：%s\n", in.Username, id, org.Name)
	case "passwd":
		var c store.Credentials
		if err := db.View(ctx, func(q *store.Q) (err error) { c, err = q.CredentialsByLogin(ctx, in.Username, ""); return err }); err != nil {
			return fmt.Errorf("账号 %s 不存在", in.Username)
		}
		if err := svc.Accounts.ResetPasswordAsSystem(ctx, sys, c.UserID, in.Password); err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "已重置账号 %s 的密码\n", in.Username)
	}
	return nil
}

func orgByCode(ctx context.Context, db *store.DB, code string) (model.Org, error) {
	var o model.Org
	err := db.View(ctx, func(q *store.Q) (err error) {
		o, err = q.OrgByCode(ctx, strings.ToUpper(strings.TrimSpace(code)))
		return err
	})
	if errors.Is(err, model.ErrNotFound) {
		return o, fmt.Errorf("机构代码 %q 不存在", code)
	}
	return o, err
}

// explain turns refusals into lines a person at a terminal can act on.
func explain(err error) error {
	var es model.Errors
	if errors.As(err, &es) {
		var b strings.Builder
		for _, e := range es {
			fmt.Fprintf(&b, "\n  - %s", e.Error())
		}
		return fmt.Errorf("输入有误:%s", b.String())
	}
	return err
}
