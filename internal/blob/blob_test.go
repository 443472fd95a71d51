package blob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestDiskPutOpen(t *testing.T) {
	ctx := context.Background()
	d, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("证明材料"), 1000)
	ref, err := d.Put(ctx, bytes.NewReader(data), int64(len(data)))
	if err != nil || ref.Size != int64(len(data)) || len(ref.SHA256) != 64 {
		t.Fatalf("put at the limit: %+v %v", ref, err)
	}
	r, err := d.Open(ctx, ref.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	r.Close()
	if !bytes.Equal(got, data) {
		t.Fatal("content differs")
	}
	// One byte over the limit: refused, and no temporary file left behind.
	if _, err := d.Put(ctx, bytes.NewReader(append(data, 'x')), int64(len(data))); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	if left, _ := os.ReadDir(filepath.Join(d.dir, "tmp")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	if _, err := d.Open(ctx, "../../etc/passwd"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("path traversal: %v", err)
	}
	// Storing the same content twice is one blob.
	ref2, err := d.Put(ctx, bytes.NewReader(data), int64(len(data)))
	if err != nil || ref2 != ref {
		t.Fatalf("second put: %+v %v", ref2, err)
	}
}
