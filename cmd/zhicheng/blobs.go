package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"zhicheng/internal/blob"
	"zhicheng/internal/service"
)

// runBlobs is `zhicheng blobs gc`: deletes, at once, the evidence files no row refers to that
// serve would collect within the hour, printing each; --dry-run only prints them.
func runBlobs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const use = "用法: zhicheng blobs gc [--grace 24h] [--dry-run]"
	if len(args) == 0 || args[0] != "gc" {
		return fmt.Errorf("%s", use)
	}
	var c Config
	fs := flag.NewFlagSet("blobs gc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c.bindCommon(fs)
	c.bindBlobs(fs)
	grace := fs.Duration("grace", service.DefaultBlobGrace, "只删除存入早于此时长的无引用文件（至少 1h：上传的文件先于其记录写入）")
	dryRun := fs.Bool("dry-run", false, "只列出将删除的文件，不删除")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *grace < service.MinBlobGrace {
		return fmt.Errorf("--grace 至少为 %s：正在上传的文件先于其记录写入，过短会误删", service.MinBlobGrace)
	}
	db, svc, err := c.open(ctx, c.logger(stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	verb := "已删除"
	if *dryRun {
		verb = "将删除"
	}
	n, err := svc.Storage.SweepOrphanBlobs(ctx, *grace, *dryRun, func(b blob.Info) {
		fmt.Fprintf(stdout, "%s %s（%d 字节，存入于 %s）\n", verb, b.SHA256, b.Size, b.ModTime.In(time.Local).Format(time.DateTime))
	})
	if *dryRun {
		fmt.Fprintf(stdout, "演练：共 %d 个无引用且存入超过 %s 的证明材料文件将被删除，本次未删除任何文件。\n", n, *grace)
	} else {
		fmt.Fprintf(stdout, "共删除 %d 个无引用且存入超过 %s 的证明材料文件。\n", n, *grace)
	}
	return err
}

// collectOrphanBlobs deletes the evidence files no row refers to, at start and then every
// hour (service.Storage.CollectOrphanBlobs says why an upload in flight is safe). Every
// instance runs it; deleting a file another instance deleted is a no-op.
func (m *Main) collectOrphanBlobs(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		n, err := m.Services.Storage.CollectOrphanBlobs(ctx, service.DefaultBlobGrace)
		switch {
		case err != nil && ctx.Err() == nil:
			m.Log.Error("collect unreferenced evidence files", "deleted", n, "err", err)
		case n > 0:
			m.Log.Info("collected unreferenced evidence files", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
