package service_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/jpeg"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhicheng/internal/blob"
	"zhicheng/internal/model"
	"zhicheng/internal/presets"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// hookedBlobs runs beforeDelete just before each Delete reaches the store: the moment an
// upload of the same content must not lose against the collector.
type hookedBlobs struct {
	*blob.Disk
	beforeDelete func(sha string)
}

func (h hookedBlobs) Delete(ctx context.Context, sha string, storedBefore time.Time) (bool, error) {
	if h.beforeDelete != nil {
		h.beforeDelete(sha)
	}
	return h.Disk.Delete(ctx, sha, storedBefore)
}

// TestOrphanBlobsCollected: the collector deletes an old blob no row refers to and keeps
// every other: one an evidence row refers to (also a file removed from the working copy,
// which a submitted version may hold), an entrustment letter, a young orphan (an upload in
// flight), and an old orphan whose content is uploaded again — before the run, or between
// the listing and the deletion. A dry run deletes nothing. Batches of more than 500 hashes
// are looked up on both engines.
func TestOrphanBlobsCollected(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		dir := t.TempDir()
		disk, err := blob.NewDisk(dir)
		if err != nil {
			t.Fatal(err)
		}
		hooked := &hookedBlobs{Disk: disk}
		f.svc = service.New(service.Deps{DB: db, Blobs: hooked, Keys: keysFor(), Password: cheap, Now: func() time.Time { return f.now }, Log: quiet})
		var logs bytes.Buffer
		// The collector runs on the real clock: the blobs' times are the file system's.
		gc := service.New(service.Deps{DB: db, Blobs: hooked, Keys: keysFor(), Log: slog.New(slog.NewTextHandler(&logs, nil))}).Storage

		path := func(sha string) string { return filepath.Join(dir, sha[:2], sha[2:4], sha) }
		age := func(sha string) {
			t.Helper()
			old := time.Now().Add(-48 * time.Hour)
			if err := os.Chtimes(path(sha), old, old); err != nil {
				t.Fatal(err)
			}
		}
		exists := func(sha string) bool {
			t.Helper()
			_, err := os.Stat(path(sha))
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			return err == nil
		}
		put := func(data []byte) string {
			t.Helper()
			ref, err := disk.Put(ctx, bytes.NewReader(data), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			return ref.SHA256
		}

		// Referenced: two files of a single-file slot (the first replaced, so removed from
		// the working copy but still a row) and an entrustment letter.
		office := f.user(t, f.office, "officehandler", model.RoleHandler)
		p := presets.OpenToday(f.now)
		p.CommitteeID = f.committee(t)
		pid, err := f.svc.Plans.Create(ctx, office, p)
		if err != nil {
			t.Fatal(err)
		}
		applicant := f.user(t, f.unitA, "applicant", model.RoleApplicant)
		appID, err := f.svc.Applications.Start(ctx, applicant, pid)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := f.svc.Applications.Get(ctx, applicant, appID)
		var single string
		for _, s := range v.Slots {
			if !s.Multi {
				single = s.Key
				break
			}
		}
		if single == "" {
			t.Fatal("no single-file slot")
		}
		version := v.App.Version
		var referenced []string
		for _, w := range []int{40, 41} {
			var ev store.Evidence
			if ev, version, err = f.svc.Applications.Upload(ctx, applicant, appID, version, single, "照片.jpg", bytes.NewReader(jpegOf(t, w))); err != nil {
				t.Fatal(err)
			}
			referenced = append(referenced, ev.SHA256)
		}
		central, err := f.svc.Orgs.Create(ctx, model.SystemActor("t"), model.Org{ParentID: f.office, Kind: model.OrgUnit, UnitType: model.UnitCentral,
			Code: "CU", Name: "中央驻甘单位", ReviewChain: []int64{f.city}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Entrustments.Submit(ctx, f.user(t, central, "cuhandler", model.RoleHandler), pid, service.Letter{Name: "委托函.pdf", Data: minimalPDF()}, ""); err != nil {
			t.Fatal(err)
		}
		letter := sha256.Sum256(minimalPDF())
		referenced = append(referenced, hex.EncodeToString(letter[:]))

		// Orphans: old ones (more than a batch of them), a young one, and two old ones whose
		// content comes again.
		var old []string
		for range 520 {
			old = append(old, put([]byte(rand.Text())))
		}
		young := put([]byte("上传中，记录尚未提交"))
		againBefore, againDuring := jpegOf(t, 50), jpegOf(t, 51)
		reBefore, reDuring := put(againBefore), put(againDuring)
		for _, sha := range append(append([]string{reBefore, reDuring}, old...), referenced...) {
			age(sha)
		}
		all := append(append([]string{young, reBefore, reDuring}, old...), referenced...)

		// Too short a grace is refused: uploads in flight would lose their files.
		if _, err := gc.CollectOrphanBlobs(ctx, time.Minute); err == nil {
			t.Fatal("a grace of a minute accepted")
		}

		// Dry run: names the old orphans, deletes nothing.
		var named []string
		n, err := gc.SweepOrphanBlobs(ctx, service.DefaultBlobGrace, true, func(b blob.Info) { named = append(named, b.SHA256) })
		if err != nil || n != len(old)+2 || len(named) != n {
			t.Fatalf("dry run: %d (%d named), %v; want %d", n, len(named), err, len(old)+2)
		}
		for _, sha := range all {
			if !exists(sha) {
				t.Fatalf("dry run deleted %s", sha)
			}
		}

		// An upload of reBefore's content stores it again now; its row is not committed yet.
		if put(againBefore) != reBefore {
			t.Fatal("same content, another hash")
		}
		// And reDuring's content arrives after the collector listed it, before it deletes it.
		hooked.beforeDelete = func(sha string) {
			if sha == reDuring {
				put(againDuring)
			}
		}
		n, err = gc.CollectOrphanBlobs(ctx, service.DefaultBlobGrace)
		if err != nil || n != len(old) {
			t.Fatalf("collected %d, %v; want %d", n, err, len(old))
		}
		for _, sha := range old {
			if exists(sha) {
				t.Fatalf("old orphan %s kept", sha)
			}
			if !strings.Contains(logs.String(), "level=INFO msg=\"deleted unreferenced evidence file\" sha256="+sha) {
				t.Fatalf("deletion of %s not logged:\n%.500s", sha, logs.String())
			}
		}
		for _, sha := range append([]string{young, reBefore, reDuring}, referenced...) {
			if !exists(sha) {
				t.Fatalf("%s deleted", sha)
			}
		}
		// The uploads in flight commit: their rows refer to files that are there.
		for _, data := range [][]byte{againBefore, againDuring} {
			var ev store.Evidence
			if ev, version, err = f.svc.Applications.Upload(ctx, applicant, appID, version, single, "照片.jpg", bytes.NewReader(data)); err != nil {
				t.Fatal(err)
			}
			if ev.SHA256 != reBefore && ev.SHA256 != reDuring || !exists(ev.SHA256) {
				t.Fatalf("upload in flight: %+v", ev)
			}
		}

		// Nothing left to collect.
		hooked.beforeDelete = nil
		if n, err := gc.CollectOrphanBlobs(ctx, service.DefaultBlobGrace); n != 0 || err != nil {
			t.Fatalf("second run: %d %v", n, err)
		}
	})
}

// jpegOf is a small JPEG, different for each width.
func jpegOf(t *testing.T, w int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, 30)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
