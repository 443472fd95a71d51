// Package blob stores evidence bytes by their SHA-256: the same file is stored once, a
// reference can be verified against its content, and nothing half-written is ever visible
// under a name. Disk writes a temporary file, fsyncs, renames and fsyncs the directory; S3
// hashes into a local temporary file and uploads only complete, confirmed objects.
package blob

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	// List calls fn with every stored blob, in no particular order, and stops at the first
	// error fn returns. What a collector of unreferenced blobs walks.
	List(ctx context.Context, fn func(Info) error) error
	// Delete removes the blob stored under sha unless it was stored (Put, again or for the
	// first time) at or after storedBefore, and reports whether it removed it; a missing blob
	// is (false, nil). See Disk.Delete and S3.Delete for how close to atomic each is.
	Delete(ctx context.Context, sha string, storedBefore time.Time) (bool, error)
}

// Info describes a stored blob. ModTime is when it was last Put: every Put, also of content
// already stored, sets it anew (Disk renames a fresh file into place, S3 uploads again), so
// a blob an upload has just stored never looks old to a collector.
type Info struct {
	SHA256  string
	Size    int64
	ModTime time.Time
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
	// Renamed even when the blob is already there: the fresh file's modification time is
	// what keeps Delete (the collector of unreferenced blobs) off a blob an upload is about
	// to reference. The content is the same, so replacing it changes nothing for readers.
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
// middle of a Put left behind. Nothing under the final layout is ever partial. A blob that a
// process killed in the middle of a Delete had moved aside (tmp/gc-<sha256>-…) is put back
// first: it may have been stored again just before; if nothing refers to it, the next
// collection deletes it.
func (d *Disk) CleanTemp(olderThan time.Duration) error {
	held, err := filepath.Glob(filepath.Join(d.dir, "tmp", "gc-*"))
	errs := []error{err}
	for _, h := range held {
		sha, _, _ := strings.Cut(strings.TrimPrefix(filepath.Base(h), "gc-"), "-")
		if hashPattern.MatchString(sha) {
			errs = append(errs, d.putBack(h, d.path(sha)))
		}
	}
	errs = append(errs, cleanDir(filepath.Join(d.dir, "tmp"), olderThan))
	return errors.Join(errs...)
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

// List walks the ab/cd/<sha256> layout; anything else under the directory (tmp/, a stray
// file) is not a blob and is skipped.
func (d *Disk) List(ctx context.Context, fn func(Info) error) error {
	err := filepath.WalkDir(d.dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path != d.dir {
				return nil // removed while we walked
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.IsDir() {
			if path == filepath.Join(d.dir, "tmp") {
				return filepath.SkipDir
			}
			return nil
		}
		sha := e.Name()
		if !e.Type().IsRegular() || !hashPattern.MatchString(sha) || path != d.path(sha) {
			return nil
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		} else if err != nil {
			return err
		}
		return fn(Info{SHA256: sha, Size: info.Size(), ModTime: info.ModTime()})
	})
	if err != nil {
		return fmt.Errorf("list blobs in %s: %w", d.dir, err)
	}
	return nil
}

// Delete removes the blob unless it was stored at or after storedBefore. It is atomic
// against a concurrent Put of the same content: the blob is first moved out of its name
// into tmp/, which takes whichever file is there at that instant, and only then is the
// taken file's modification time checked. A Put that renamed a fresh copy in a moment
// earlier is thus seen, and the copy put back; one a moment later lands under the free name
// and is kept. Removing from a directory is made durable like adding to it.
func (d *Disk) Delete(ctx context.Context, sha string, storedBefore time.Time) (bool, error) {
	if !hashPattern.MatchString(sha) {
		return false, fmt.Errorf("delete blob %q: not a SHA-256", sha)
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	final := d.path(sha)
	// Named after the blob, so that CleanTemp can put it back if we stop half-way.
	held := filepath.Join(d.dir, "tmp", "gc-"+sha+"-"+rand.Text())
	if err := os.Rename(final, held); errors.Is(err, os.ErrNotExist) {
		return false, nil // gone already (another collector)
	} else if err != nil {
		return false, fmt.Errorf("delete blob %s: %w", sha, err)
	}
	info, err := os.Lstat(held)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return false, nil // CleanTemp of a starting instance put it back
	case err != nil:
		return false, errors.Join(fmt.Errorf("delete blob %s: %w", sha, err), d.putBack(held, final))
	case !info.ModTime().Before(storedBefore):
		return false, d.putBack(held, final) // stored again since it was listed
	}
	if err := os.Remove(held); err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("delete blob %s: %w", sha, err)
	}
	for _, dir := range []string{filepath.Dir(final), filepath.Dir(held)} {
		if err := syncDir(dir); err != nil {
			return true, fmt.Errorf("sync blob directory: %w", err)
		}
	}
	return true, nil
}

// putBack returns a blob Delete moved aside to its name — unless a copy was stored there
// meanwhile: it holds the same bytes and is newer, and replacing it would make it look older
// than it is — and then removes the moved file.
func (d *Disk) putBack(held, final string) error {
	if err := os.Link(held, final); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("put back blob %s: %w", filepath.Base(final), err)
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		return fmt.Errorf("sync blob directory: %w", err)
	}
	if err := os.Remove(held); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("put back blob %s: %w", filepath.Base(final), err)
	}
	return nil
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
