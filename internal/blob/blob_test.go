package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

// opener opens a fresh, empty store and a function counting the objects in it.
type opener func(t *testing.T) (Store, func() int)

func openDisk(t *testing.T) (Store, func() int) {
	s, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d := s.(*Disk)
	return d, func() int { return len(diskBlobs(t, d)) }
}

// s3Opener starts versitygw (or skips the test without it) and opens a new bucket each time.
func s3Opener(t *testing.T) opener {
	gw := startVersityGW(t)
	var buckets atomic.Int64
	return func(t *testing.T) (Store, func() int) {
		// Through the configuration URL, into a bucket Open creates.
		bucket := fmt.Sprintf("zc-test-%d", buckets.Add(1))
		s, err := Open(context.Background(), fmt.Sprintf("s3://%s:%s@%s/%s?secure=false", gw.access, gw.secret, gw.addr, bucket))
		if err != nil {
			t.Fatal(err)
		}
		s3 := s.(*S3)
		return s3, func() int { return len(s3Objects(t, s3)) }
	}
}

// TestStores runs the same behaviour against the disk store and against S3 (versitygw).
func TestStores(t *testing.T) {
	t.Run("disk", func(t *testing.T) { testStore(t, openDisk) })
	t.Run("s3", func(t *testing.T) { testStore(t, s3Opener(t)) })
}

func testStore(t *testing.T, open opener) {
	ctx := context.Background()
	t.Run("put and open", func(t *testing.T) {
		s, count := open(t)
		data := randomBytes(t, 300<<10)
		ref, err := s.Put(ctx, bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("put at the limit: %v", err)
		}
		sum := sha256.Sum256(data)
		if ref.SHA256 != hex.EncodeToString(sum[:]) || ref.Size != int64(len(data)) {
			t.Fatalf("ref %+v", ref)
		}
		if got := readBlob(t, s, ref.SHA256); !bytes.Equal(got, data) {
			t.Fatal("content differs")
		}
		if n := count(); n != 1 {
			t.Fatalf("%d objects, want 1", n)
		}
		empty, err := s.Put(ctx, bytes.NewReader(nil), 10)
		if err != nil || empty.Size != 0 || len(readBlob(t, s, empty.SHA256)) != 0 {
			t.Fatalf("empty blob: %+v %v", empty, err)
		}
	})
	t.Run("limit plus one is refused and stores nothing", func(t *testing.T) {
		s, count := open(t)
		data := randomBytes(t, 64<<10)
		if _, err := s.Put(ctx, bytes.NewReader(data), int64(len(data)-1)); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("over the limit: %v", err)
		}
		if n := count(); n != 0 {
			t.Fatalf("%d objects after a refused put", n)
		}
		sum := sha256.Sum256(data)
		if _, err := s.Open(ctx, hex.EncodeToString(sum[:])); !errors.Is(err, ErrNotFound) {
			t.Fatalf("refused content can be opened: %v", err)
		}
	})
	t.Run("same content twice is one object", func(t *testing.T) {
		s, count := open(t)
		data := randomBytes(t, 10<<10)
		ref1, err1 := s.Put(ctx, bytes.NewReader(data), 1<<20)
		ref2, err2 := s.Put(ctx, bytes.NewReader(data), 1<<20)
		if err1 != nil || err2 != nil || ref1 != ref2 {
			t.Fatalf("puts: %+v %v, %+v %v", ref1, err1, ref2, err2)
		}
		if n := count(); n != 1 {
			t.Fatalf("%d objects, want 1", n)
		}
	})
	t.Run("missing is ErrNotFound", func(t *testing.T) {
		s, _ := open(t)
		for _, sha := range []string{strings.Repeat("ab", 32), "../../etc/passwd", "", strings.Repeat("AB", 32)} {
			if r, err := s.Open(ctx, sha); !errors.Is(err, ErrNotFound) {
				if r != nil {
					r.Close()
				}
				t.Errorf("open %q: %v", sha, err)
			}
		}
	})
	t.Run("list names every blob and nothing else", func(t *testing.T) {
		s, _ := open(t)
		before := time.Now().Add(-time.Minute)
		want := map[string]int64{}
		for _, n := range []int{0, 10, 4 << 10} {
			ref, err := s.Put(ctx, bytes.NewReader(randomBytes(t, n)), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			want[ref.SHA256] = ref.Size
		}
		addStrays(t, s)
		got := listAll(t, s)
		if len(got) != len(want) {
			t.Fatalf("listed %d blobs, want %d: %+v", len(got), len(want), got)
		}
		for sha, size := range want {
			if i, ok := got[sha]; !ok || i.Size != size || i.ModTime.Before(before) || i.ModTime.After(time.Now().Add(time.Minute)) {
				t.Errorf("blob %s listed as %+v (ok %v), want size %d and a modification time of now", sha, i, ok, size)
			}
		}
		stop := errors.New("enough")
		calls := 0
		if err := s.List(ctx, func(Info) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
			t.Errorf("List after fn failed: %v after %d calls", err, calls)
		}
	})
	t.Run("delete removes only what was stored before the cutoff", func(t *testing.T) {
		s, count := open(t)
		data := randomBytes(t, 1000)
		ref, err := s.Put(ctx, bytes.NewReader(data), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := s.Delete(ctx, ref.SHA256, time.Now().Add(-time.Hour)); ok || err != nil {
			t.Fatalf("delete of a blob stored after the cutoff: %v %v", ok, err)
		}
		if got := readBlob(t, s, ref.SHA256); !bytes.Equal(got, data) {
			t.Fatal("a kept blob changed")
		}
		if ok, err := s.Delete(ctx, ref.SHA256, time.Now().Add(time.Hour)); !ok || err != nil {
			t.Fatalf("delete of a blob stored before the cutoff: %v %v", ok, err)
		}
		if _, err := s.Open(ctx, ref.SHA256); !errors.Is(err, ErrNotFound) {
			t.Fatalf("open after delete: %v", err)
		}
		if n := count(); n != 0 {
			t.Fatalf("%d objects after delete", n)
		}
		if ok, err := s.Delete(ctx, ref.SHA256, time.Now().Add(time.Hour)); ok || err != nil {
			t.Fatalf("delete of a missing blob: %v %v", ok, err)
		}
		if _, err := s.Delete(ctx, "../../etc/passwd", time.Now()); err == nil {
			t.Fatal("delete of a name that is no hash accepted")
		}
		// What was deleted can be stored again.
		if _, err := s.Put(ctx, bytes.NewReader(data), 1<<20); err != nil || !bytes.Equal(readBlob(t, s, ref.SHA256), data) {
			t.Fatalf("put after delete: %v", err)
		}
	})
	// The race the collector must lose: it saw a blob stored long ago, and before it deletes,
	// an upload of the same content stores it again (and will reference it once its row
	// commits). The second Put must move the blob's time past the collector's cutoff.
	t.Run("a put of stored content makes it new again", func(t *testing.T) {
		s, _ := open(t)
		data := randomBytes(t, 2000)
		ref, err := s.Put(ctx, bytes.NewReader(data), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		first := listAll(t, s)[ref.SHA256].ModTime
		// S3 keeps LastModified to the second.
		time.Sleep(1100 * time.Millisecond)
		cutoff := first.Add(time.Second) // after the first Put, before the second
		if _, err := s.Put(ctx, bytes.NewReader(data), 1<<20); err != nil {
			t.Fatal(err)
		}
		if again := listAll(t, s)[ref.SHA256].ModTime; again.Before(cutoff) {
			t.Fatalf("modification time after the second put %v, first %v: not refreshed", again, first)
		}
		if ok, err := s.Delete(ctx, ref.SHA256, cutoff); ok || err != nil {
			t.Fatalf("a blob stored again after the cutoff was deleted: %v %v", ok, err)
		}
		if got := readBlob(t, s, ref.SHA256); !bytes.Equal(got, data) {
			t.Fatal("content differs")
		}
	})
	t.Run("cancelled put stores nothing", func(t *testing.T) {
		s, count := open(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Put(cctx, bytes.NewReader(randomBytes(t, 1000)), 1<<20); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled put: %v", err)
		}
		if n := count(); n != 0 {
			t.Fatalf("%d objects after a cancelled put", n)
		}
	})
}

func TestDiskLeavesNoTemporaryFiles(t *testing.T) {
	ctx := context.Background()
	d, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("证明材料"), 1000)
	if _, err := d.Put(ctx, bytes.NewReader(append(data, 'x')), int64(len(data))); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	if _, err := d.Put(ctx, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(filepath.Join(d.dir, "tmp")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

// Delete moves the blob into tmp/ before it looks at it: whether it then puts it back or
// removes it, nothing is left there.
func TestDiskDeleteLeavesNoTemporaryFiles(t *testing.T) {
	ctx := context.Background()
	d, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ref, err := d.Put(ctx, strings.NewReader("证明材料"), 100)
	if err != nil {
		t.Fatal(err)
	}
	empty := func() {
		t.Helper()
		if left, _ := os.ReadDir(filepath.Join(d.dir, "tmp")); len(left) != 0 {
			t.Fatalf("left in tmp/: %v", left)
		}
	}
	if ok, err := d.Delete(ctx, ref.SHA256, time.Now().Add(-time.Hour)); ok || err != nil {
		t.Fatalf("young blob: %v %v", ok, err)
	}
	empty()
	if _, err := os.Stat(d.path(ref.SHA256)); err != nil {
		t.Fatalf("young blob not put back: %v", err)
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(d.path(ref.SHA256), old, old); err != nil {
		t.Fatal(err)
	}
	if ok, err := d.Delete(ctx, ref.SHA256, time.Now().Add(-24*time.Hour)); !ok || err != nil {
		t.Fatalf("old blob: %v %v", ok, err)
	}
	empty()
}

// A blob that Delete had moved aside when its process died is put back at start-up, but
// never over a copy stored since (newer, and the same bytes).
func TestDiskCleanTempPutsBackHeldBlobs(t *testing.T) {
	ctx := context.Background()
	d, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-48 * time.Hour)
	hold := func(content string) string {
		t.Helper()
		ref, err := d.Put(ctx, strings.NewReader(content), 100)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(d.path(ref.SHA256), old, old); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(d.path(ref.SHA256), filepath.Join(d.dir, "tmp", "gc-"+ref.SHA256+"-X")); err != nil {
			t.Fatal(err)
		}
		return ref.SHA256
	}
	alone := hold("只在 tmp/ 中")
	again := hold("之后又存入")
	if _, err := d.Put(ctx, strings.NewReader("之后又存入"), 100); err != nil {
		t.Fatal(err)
	}
	if err := d.CleanTemp(time.Hour); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(filepath.Join(d.dir, "tmp")); len(left) != 0 {
		t.Fatalf("left in tmp/: %v", left)
	}
	got := listAll(t, d)
	if i, ok := got[alone]; !ok || !i.ModTime.Equal(old) {
		t.Errorf("held blob put back as %+v (%v)", i, ok)
	}
	if i := got[again]; !i.ModTime.After(old) {
		t.Errorf("the copy stored since was replaced by the older one: %+v", i)
	}
}

func TestDiskCleanTemp(t *testing.T) {
	d, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(d.dir, "tmp")
	old, fresh := filepath.Join(tmp, "put-old"), filepath.Join(tmp, "put-fresh")
	for _, name := range []string{old, fresh} {
		if err := os.WriteFile(name, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(old, long, long); err != nil {
		t.Fatal(err)
	}
	if err := d.CleanTemp(time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a temporary file that may still be written was removed: %v", err)
	}
}

func TestOpenLocation(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, loc := range []string{filepath.Join(dir, "a"), "file://" + filepath.Join(dir, "b")} {
		s, err := Open(ctx, loc)
		if err != nil {
			t.Fatalf("%s: %v", loc, err)
		}
		if _, ok := s.(*Disk); !ok {
			t.Fatalf("%s: %T, want *Disk", loc, s)
		}
	}
	t.Setenv("ZHICHENG_S3_ACCESS_KEY", "")
	t.Setenv("ZHICHENG_S3_SECRET_KEY", "")
	for _, tc := range []struct{ loc, want string }{
		{"", "no storage location"},
		{"http://example.com/x", "unsupported location scheme"},
		{"s3://127.0.0.1:1/", "want s3://"},
		{"s3://127.0.0.1:1/a/b", "want s3://"},
		{"s3://127.0.0.1:1/bucket", "no credentials"},
		{"s3://k:topsecret@127.0.0.1:1/bucket?secure=maybe", "not true or false"},
		{"s3://k:topsecret@127.0.0.1:1/bucket?region=x", "unknown parameter"},
	} {
		_, err := Open(ctx, tc.loc)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want an error containing %q", tc.loc, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "topsecret") {
			t.Errorf("%q: the error shows the secret: %v", tc.loc, err)
		}
	}
}

// TestS3CredentialsFromEnvironment opens a bucket whose URL carries no secret.
func TestS3CredentialsFromEnvironment(t *testing.T) {
	gw := startVersityGW(t)
	t.Setenv("ZHICHENG_S3_ACCESS_KEY", gw.access)
	t.Setenv("ZHICHENG_S3_SECRET_KEY", gw.secret)
	ctx := context.Background()
	s, err := Open(ctx, "s3://"+gw.addr+"/zc-env?secure=false")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := s.Put(ctx, strings.NewReader("委托函"), 100)
	if err != nil {
		t.Fatal(err)
	}
	if got := readBlob(t, s, ref.SHA256); string(got) != "委托函" {
		t.Fatalf("read back %q", got)
	}
	t.Setenv("ZHICHENG_S3_SECRET_KEY", "wrong")
	if _, err := Open(ctx, "s3://"+gw.addr+"/zc-env?secure=false"); err == nil {
		t.Fatal("wrong secret accepted")
	}
}

// listAll lists a store's blobs by hash.
func listAll(t testing.TB, s Store) map[string]Info {
	t.Helper()
	got := map[string]Info{}
	err := s.List(context.Background(), func(i Info) error {
		if _, dup := got[i.SHA256]; dup {
			t.Errorf("blob %s listed twice", i.SHA256)
		}
		got[i.SHA256] = i
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// addStrays puts into the store's space what is not a blob: List must skip it.
func addStrays(t testing.TB, s Store) {
	t.Helper()
	notHash := strings.Repeat("ab", 31) + "zz"
	switch s := s.(type) {
	case *Disk:
		for _, name := range []string{"README", "tmp/put-123", "ab/cd/" + notHash, "ab/cd/" + strings.Repeat("ef", 32)} {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(s.dir, name)), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(s.dir, name), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	case *S3:
		for _, key := range []string{"README", "other/" + strings.Repeat("ab", 32), "sha256/ab/cd/" + notHash, "sha256/ab/cd/" + strings.Repeat("ef", 32)} {
			if _, err := s.client.PutObject(context.Background(), s.bucket, key, strings.NewReader("x"), 1, minio.PutObjectOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func readBlob(t testing.TB, s Store, sha string) []byte {
	t.Helper()
	r, err := s.Open(context.Background(), sha)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// diskBlobs lists the files of the final layout (everything but tmp/).
func diskBlobs(t testing.TB, d *Disk) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(d.dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && path == filepath.Join(d.dir, "tmp") {
			return filepath.SkipDir
		}
		if !e.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func s3Objects(t testing.TB, s *S3) []string {
	t.Helper()
	var keys []string
	for obj := range s.client.ListObjects(context.Background(), s.bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		if sha := filepath.Base(obj.Key); !hashPattern.MatchString(sha) || obj.Key != objectKey(sha) {
			t.Errorf("object %q is not under sha256/ab/cd/<sha256>", obj.Key)
		}
		keys = append(keys, obj.Key)
	}
	return keys
}
