package main

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhicheng/internal/blob"
)

// `zhicheng blobs gc` and serve's hourly run delete an old evidence file no row refers to,
// and keep the demo's files (all referenced, even when old) and a young orphan; --dry-run
// only lists.
func TestOrphanBlobsCollectedByCommandAndServe(t *testing.T) {
	t.Parallel()
	m := startMain(t, "")
	dir := m.Config.DataDir
	m.Close()
	blobDir := filepath.Join(dir, "blobs")
	disk, err := blob.NewDisk(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	put := func(content string) string {
		t.Helper()
		ref, err := disk.Put(context.Background(), strings.NewReader(content), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		return ref.SHA256
	}
	path := func(sha string) string { return filepath.Join(blobDir, sha[:2], sha[2:4], sha) }
	exists := func(sha string) bool {
		_, err := os.Stat(path(sha))
		return err == nil
	}
	// Everything stored so far is two days old: only the references keep the demo's files.
	ageAll := func() {
		t.Helper()
		old := time.Now().Add(-48 * time.Hour)
		err := filepath.WalkDir(blobDir, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			return os.Chtimes(p, old, old)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	referencedStay := func() {
		t.Helper()
		raw, err := sql.Open("sqlite", filepath.Join(dir, "zhicheng.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		rows, err := raw.Query(`SELECT sha256 FROM evidence UNION SELECT letter_sha256 FROM entrustments`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var sha string
			rows.Scan(&sha)
			if n++; !exists(sha) {
				t.Errorf("referenced file %s deleted", sha)
			}
		}
		if n == 0 {
			t.Fatal("the demo has no evidence files")
		}
	}

	orphan := put("被拒绝的上传")
	ageAll()
	young := put("上传中")

	out, err := runCLI(t, "", "blobs", "gc", "--data", dir, "--dry-run")
	if err != nil || !strings.Contains(out, "将删除 "+orphan) || strings.Count(out, "将删除 ") != 1 || !strings.Contains(out, "本次未删除任何文件") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if !exists(orphan) {
		t.Fatal("dry run deleted the orphan")
	}
	if out, err := runCLI(t, "", "blobs", "gc", "--data", dir, "--grace", "10m"); err == nil || !strings.Contains(err.Error(), "--grace") {
		t.Fatalf("a grace of ten minutes: %v\n%s", err, out)
	}
	out, err = runCLI(t, "", "blobs", "gc", "--data", dir, "--grace", "36h")
	if err != nil || !strings.Contains(out, "已删除 "+orphan) || !strings.Contains(out, "共删除 1 个") {
		t.Fatalf("gc: %v\n%s", err, out)
	}
	if exists(orphan) || !exists(young) {
		t.Fatalf("after gc: orphan kept %v, young orphan kept %v", exists(orphan), exists(young))
	}
	referencedStay()

	// serve collects at start (then every hour).
	orphan = put("又一次被拒绝的上传")
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(path(orphan), old, old); err != nil {
		t.Fatal(err)
	}
	m2 := &Main{Out: m.Out, Log: m.Log, Config: Config{Addr: "127.0.0.1:0", DataDir: dir, passwordCost: cheap}}
	if err := m2.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	for deadline := time.Now().Add(10 * time.Second); exists(orphan); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("serve did not collect the old orphan")
		}
	}
	referencedStay()
	if !exists(young) {
		t.Fatal("serve deleted a young orphan")
	}
}
