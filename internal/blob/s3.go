package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 stores blobs as objects sha256/ab/cd/<sha256> in one bucket of an S3-compatible
// service (MinIO, Ceph RGW, a cloud's S3), so that several zhicheng instances share them.
type S3 struct {
	client *minio.Client
	bucket string
}

// NewS3 connects to the bucket at endpoint (host:port), creating the bucket if it is
// missing. secure selects https.
func NewS3(ctx context.Context, endpoint, bucket, access, secret string, secure bool) (*S3, error) {
	client, err := minio.New(endpoint, &minio.Options{Creds: credentials.NewStaticV4(access, secret, ""), Secure: secure})
	if err != nil {
		return nil, fmt.Errorf("S3 endpoint %s: %w", endpoint, err)
	}
	exists, err := client.BucketExists(ctx, bucket)
	if err != nil {
		return nil, fmt.Errorf("S3 bucket %s at %s: %w", bucket, endpoint, err)
	}
	if !exists {
		// Several instances may start at once: a bucket that another just made is fine.
		if err := client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil &&
			minio.ToErrorResponse(err).Code != "BucketAlreadyOwnedByYou" {
			return nil, fmt.Errorf("create S3 bucket %s at %s: %w", bucket, endpoint, err)
		}
	}
	return &S3{client: client, bucket: bucket}, nil
}

func objectKey(sha string) string { return "sha256/" + sha[:2] + "/" + sha[2:4] + "/" + sha }

// s3TempPattern names the local files uploads are hashed into.
const s3TempPattern = "zhicheng-s3-put-*"

// Put hashes r into a local temporary file (never more than limit+1 bytes of it), then
// uploads it, and returns once S3 has confirmed the upload. The service checks the MD5 of
// what it received. Content already stored is uploaded again all the same (at most 2 MiB):
// the new LastModified is what keeps Delete (the collector of unreferenced blobs) off a
// blob an upload is about to reference.
func (s *S3) Put(ctx context.Context, r io.Reader, limit int64) (Ref, error) {
	tmp, err := os.CreateTemp("", s3TempPattern)
	if err != nil {
		return Ref{}, fmt.Errorf("create temporary blob: %w", err)
	}
	// Unlinked at once where the system allows it, so a crash leaves nothing behind.
	named := os.Remove(tmp.Name()) != nil
	defer func() {
		tmp.Close()
		if named {
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
	ref := Ref{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}
	key := objectKey(ref.SHA256)
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return Ref{}, fmt.Errorf("rewind blob: %w", err)
	}
	up, err := s.client.PutObject(ctx, s.bucket, key, tmp, n, minio.PutObjectOptions{
		ContentType: "application/octet-stream", SendContentMd5: true})
	if err != nil {
		return Ref{}, fmt.Errorf("upload blob %s: %w", ref.SHA256, err)
	}
	if up.Size != n {
		return Ref{}, fmt.Errorf("upload blob %s: S3 stored %d of %d bytes", ref.SHA256, up.Size, n)
	}
	return ref, nil
}

// Open returns the bytes of a stored blob; reading them is bound to ctx.
func (s *S3) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	if !hashPattern.MatchString(sha) {
		return nil, fmt.Errorf("blob %q: %w", sha, ErrNotFound)
	}
	obj, err := s.client.GetObject(ctx, s.bucket, objectKey(sha), minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("open blob %s: %w", sha, err)
	}
	// GetObject is lazy: Stat sends the request, so a missing object is known now.
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if notFound(err) {
			return nil, fmt.Errorf("blob %s: %w", sha, ErrNotFound)
		}
		return nil, fmt.Errorf("open blob %s: %w", sha, err)
	}
	return obj, nil
}

// List lists the objects under sha256/; any other object in the bucket is not a blob.
func (s *S3) List(ctx context.Context, fn func(Info) error) error {
	// Cancelling stops minio-go's listing goroutine when fn stops early.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: "sha256/", Recursive: true}) {
		if obj.Err != nil {
			return fmt.Errorf("list blobs in bucket %s: %w", s.bucket, obj.Err)
		}
		sha := path.Base(obj.Key)
		if !hashPattern.MatchString(sha) || obj.Key != objectKey(sha) {
			continue
		}
		if err := fn(Info{SHA256: sha, Size: obj.Size, ModTime: obj.LastModified}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// Delete removes the object unless it was stored at or after storedBefore. S3 has no
// conditional delete that could tell two uploads of the same content apart (their ETags are
// equal), so the check and the removal are two requests: a Put of the same content landing
// between them, milliseconds apart, would be removed. Disk has no such window.
func (s *S3) Delete(ctx context.Context, sha string, storedBefore time.Time) (bool, error) {
	if !hashPattern.MatchString(sha) {
		return false, fmt.Errorf("delete blob %q: not a SHA-256", sha)
	}
	key := objectKey(sha)
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if notFound(err) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("look up blob %s: %w", sha, err)
	}
	if !info.LastModified.Before(storedBefore) {
		return false, nil
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return false, fmt.Errorf("delete blob %s: %w", sha, err)
	}
	return true, nil
}

// CleanTemp removes stale local upload files where the system could not unlink them at
// creation (elsewhere there are none).
func (s *S3) CleanTemp(olderThan time.Duration) error {
	names, err := filepath.Glob(filepath.Join(os.TempDir(), s3TempPattern))
	if err != nil {
		return fmt.Errorf("clean temporary blobs: %w", err)
	}
	cutoff := time.Now().Add(-olderThan)
	var errs []error
	for _, name := range names {
		if info, err := os.Lstat(name); err == nil && info.Mode().IsRegular() && info.ModTime().Before(cutoff) {
			if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("clean temporary blobs: %w", err)
	}
	return nil
}

func notFound(err error) bool {
	resp := minio.ToErrorResponse(err)
	return resp.Code == "NoSuchKey" || resp.StatusCode == http.StatusNotFound
}

// openS3URL parses s3://ACCESS:SECRET@host:port/bucket?secure=false. Errors never repeat
// the location: it may hold the secret.
func openS3URL(ctx context.Context, location string) (*S3, error) {
	u, err := url.Parse(location)
	if err != nil {
		return nil, errors.New("blob: invalid S3 location (want s3://ACCESS:SECRET@host:port/bucket?secure=false)")
	}
	bucket := strings.Trim(u.Path, "/")
	if u.Host == "" || bucket == "" || strings.Contains(bucket, "/") {
		return nil, fmt.Errorf("blob: S3 location %s: want s3://[ACCESS:SECRET@]host:port/bucket", u.Redacted())
	}
	var access, secret string
	if u.User != nil {
		access = u.User.Username()
		secret, _ = u.User.Password()
	} else {
		access, secret = os.Getenv("ZHICHENG_S3_ACCESS_KEY"), os.Getenv("ZHICHENG_S3_SECRET_KEY")
	}
	if access == "" || secret == "" {
		return nil, fmt.Errorf("blob: S3 location %s has no credentials: put ACCESS:SECRET@ in it or set ZHICHENG_S3_ACCESS_KEY and ZHICHENG_S3_SECRET_KEY", u.Redacted())
	}
	secure := true
	for name, values := range u.Query() {
		switch name {
		case "secure":
			if secure, err = strconv.ParseBool(values[0]); err != nil {
				return nil, fmt.Errorf("blob: S3 location %s: secure=%q is not true or false", u.Redacted(), values[0])
			}
		default:
			return nil, fmt.Errorf("blob: S3 location %s: unknown parameter %q", u.Redacted(), name)
		}
	}
	return NewS3(ctx, u.Host, bucket, access, secret, secure)
}
