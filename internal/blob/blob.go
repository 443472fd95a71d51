// Package blob stores evidence bytes by their SHA-256: the same file is stored once, a
// reference can be verified against its content, and nothing half-written is ever visible
// under a name. Disk writes a temporary file, fsyncs, renames and fsyncs the directory; S3
// hashes into a local temporary file and uploads only complete, confirmed objects.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
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

// Store is what Open returns: Disk or S3.
type Store interface {
	// Put streams r into the store, refusing more than limit bytes (ErrTooLarge) without
	// buffering them in memory; it returns once the bytes are durable.
	Put(ctx context.Context, r io.Reader, limit int64) (Ref, error)
	// Open returns the bytes stored under sha, or ErrNotFound.
	Open(ctx context.Context, sha string) (io.ReadCloser, error)
	// CleanTemp removes temporary files older than olderThan, left by a process that died
	// in the middle of a Put. Run it at start-up.
	CleanTemp(olderThan time.Duration) error
}

// Open returns the store at location: a directory path, or an S3 bucket as
// s3://ACCESS:SECRET@host:port/bucket?secure=false (secure defaults to true, i.e. https).
// Without credentials in the URL, ZHICHENG_S3_ACCESS_KEY and ZHICHENG_S3_SECRET_KEY are
// used, so the secret need not appear in a command line.
func Open(ctx context.Context, location string) (Store, error) {
	if location == "" {
		return nil, errors.New("blob: no storage location")
	}
	scheme, _, found := strings.Cut(location, "://")
	if !found {
		return NewDisk(location)
	}
	switch strings.ToLower(scheme) {
	case "s3":
		return openS3URL(ctx, location)
	case "file":
		u, err := url.Parse(location)
		if err != nil || u.Path == "" {
			return nil, fmt.Errorf("blob: invalid location %q", location)
		}
		return NewDisk(u.Path)
	}
	return nil, fmt.Errorf("blob: unsupported location scheme %q (want a directory or s3://…)", scheme)
}

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
	// A new ab/ or ab/cd/ directory is itself an entry in its parent: sync those too.
	_, statErr := os.Stat(filepath.Dir(final))
	newDirs := errors.Is(statErr, os.ErrNotExist)
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return Ref{}, fmt.Errorf("create blob directory: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Ref{}, fmt.Errorf("store blob: %w", err)
	}
	done = true
	// The rename is durable only once the directory entry is on disk.
	dirs := []string{filepath.Dir(final)}
	if newDirs {
		dirs = append(dirs, filepath.Dir(dirs[0]), d.dir)
	}
	for _, dir := range dirs {
		if err := syncDir(dir); err != nil {
			return Ref{}, fmt.Errorf("sync blob directory: %w", err)
		}
	}
	return ref, nil
}

func syncDir(path string) error {
	dir, err := os.Open(path)
	if err != nil {
		return err
	}
	err = dir.Sync()
	return errors.Join(err, dir.Close())
}

// CleanTemp removes files under tmp/ older than olderThan: what a process killed in the
// middle of a Put left behind. Nothing under the final layout is ever partial.
func (d *Disk) CleanTemp(olderThan time.Duration) error {
	return cleanDir(filepath.Join(d.dir, "tmp"), olderThan)
}

func cleanDir(dir string, olderThan time.Duration) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("clean temporary blobs: %w", err)
	}
	cutoff := time.Now().Add(-olderThan)
	var errs []error
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || !info.ModTime().Before(cutoff) {
			continue // gone already, not ours, or possibly still being written
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("clean temporary blobs: %w", err)
	}
	return nil
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
