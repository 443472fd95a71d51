// Command zhicheng runs the professional-title application and review system: the web
// server (serve), its database migrations (migrate), account administration from the
// command line (user add, user passwd), the audit-log check (audit verify) and the removal
// of unreferenced evidence files (blobs gc). This is the only place where concrete
// implementations are wired together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Asia/Shanghai must resolve on machines without a zoneinfo database
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "zhicheng:", err)
		os.Exit(1)
	}
}

const usage = `用法: zhicheng <命令> [参数]

命令:
  serve [--demo]   启动 Web 服务（--demo 首次启动时载入演示数据并打印演示账号）
  migrate          执行数据库迁移
  org add          新建机构（全新安装时先建职改办）
  user add         新建账号（由命令行操作员执行，记入审计日志）
  user passwd      重置账号密码（新密码从标准输入读取）
  audit verify     校验审计日志哈希链，报告被修改或删除的记录
  blobs gc         删除无引用的证明材料文件（serve 每小时自动执行；--dry-run 只列出）
  version          显示版本

各命令的参数见 zhicheng <命令> -h。配置也可用环境变量（ZHICHENG_*），见 README.md。
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, rest, stdout, stderr)
	case "org":
		return runOrg(ctx, rest, stdout, stderr)
	case "user":
		return runUser(ctx, rest, stdin, stdout, stderr)
	case "audit":
		return runAudit(ctx, rest, stdout, stderr)
	case "blobs":
		return runBlobs(ctx, rest, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "zhicheng", version)
		return nil
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("未知命令 %q", cmd)
	}
}
