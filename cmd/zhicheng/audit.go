package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"zhicheng/internal/model"
)

// runAudit checks the audit chain; it exits non-zero when anything was tampered with, so
// that a cron job or monitoring can alert on it.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return fmt.Errorf("用法: zhicheng audit verify")
	}
	var c Config
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c.bindCommon(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, svc, err := c.open(ctx, c.logger(stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := svc.Audit.Verify(ctx, model.SystemActor("命令行操作员"))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已校验 %d 条审计记录；链尾 #%d，哈希 %s\n", res.Rows, res.Head.LastID, res.Head.LastHash)
	if len(res.Problems) == 0 {
		fmt.Fprintln(stdout, "审计链完整。")
		return nil
	}
	for _, p := range res.Problems {
		fmt.Fprintf(stdout, "篡改: 记录 #%d：%s\n", p.ID, p.Message)
	}
	return fmt.Errorf("审计链被篡改：发现 %d 处问题", len(res.Problems))
}
