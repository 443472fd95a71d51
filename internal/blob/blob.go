// Package blob stores evidence bytes by their SHA-256: the same file is stored once, a
// reference can be verified against its content, and nothing half-written is ever visible
// under a name (write to a temporary file, fsync, rename, fsync the directory).
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// Ref names stored bytes.
type Ref struct {
	SHA256 string
	Size   int64
}

// ErrTooLarge is returned by Put when the content exceeds the limit; nothing is stored.
var ErrTooLarge = errors.New("blob: content exceeds the size limit")

// ErrNotFound is returned by Open for an unknown hash.
var ErrNotFound = errors.New("blob: not found")

var hashPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Disk stores blobs under a directory as ab/cd/<sha256>.
type Disk struct{ dir string }

// NewDisk returns a store under dir, creating it.
func NewDisk(dir string) (*Disk, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("create blob directory %s: %w", dir, err)
	}
	return &Disk{dir: dir}, nil
}

func (d *Disk) path(sha string) string {
	return filepath.Join(d.dir, sha[:2], sha[2:4], sha)
}

// Put streams r into the store, refusing more than limit bytes without buffering them.
func (d *Disk) Put(ctx context.Context, r io.Reader, limit int64) (Ref, error) {
	tmp, err := os.CreateTemp(filepath.Join(d.dir, "tmp"), "put-*")
	if err != nil {
		return Ref{}, fmt.Errorf("create temporary blob: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(ctxReader{ctx, r}, limit+1))
	if err != nil {
		return Ref{}, fmt.Errorf("write blob: %w", err)
	}
	if n > limit {
		return Ref{}, ErrTooLarge
	}
	if err := tmp.Sync(); err != nil {
		return Ref{}, fmt.Errorf("sync blob: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return Ref{}, fmt.Errorf("close blob: %w", err)
	}
	ref := Ref{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}
	final := d.path(ref.SHA256)
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return Ref{}, fmt.Errorf("create blob directory: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Ref{}, fmt.Errorf("store blob: %w", err)
	}
	done = true
	// The rename is durable only once the directory entry is on disk.
	if dir, err := os.Open(filepath.Dir(final)); err == nil {
		dir.Sync()
		dir.Close()
	}
	return ref, nil
}

// Open returns the bytes of a stored blob.
func (d *Disk) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	if !hashPattern.MatchString(sha) {
		return nil, fmt.Errorf("blob %q: %w", sha, ErrNotFound)
	}
	f, err := os.Open(d.path(sha))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("blob %s: %w", sha, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("open blob %s: %w", sha, err)
	}
	return f, nil
}

// ctxReader stops a long copy when the request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
