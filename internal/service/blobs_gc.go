package service

import (
	"context"
	"fmt"
	"time"

	"zhicheng/internal/blob"
	"zhicheng/internal/store"
)

// Storage owns the housekeeping of the evidence store: deleting the blobs no row refers to.
// An upload stores its blob before the transaction that adds its row commits, so a refused
// or conflicting upload (a stale version, a closed window, a crash) leaves a blob behind, and
// so do a replaced entrustment letter and the letters the test-period reset purges.
type Storage struct{ d Deps }

// DefaultBlobGrace is how old an unreferenced blob must be before it is deleted.
const DefaultBlobGrace = 24 * time.Hour

// MinBlobGrace is the least grace accepted: far longer than any request (the server's read
// and write timeouts are two minutes), for the reason CollectOrphanBlobs gives.
const MinBlobGrace = time.Hour

// gcBatch is how many old blobs are looked up in one query and then deleted, so that a
// store of millions of blobs is collected in bounded memory.
const gcBatch = 500

// CollectOrphanBlobs deletes the blobs that no row refers to and that were last stored more
// than grace ago (at least MinBlobGrace), logging each, and returns how many it deleted.
//
// Why an upload in flight cannot lose its blob. An upload stores the blob, then commits the
// row that refers to it — at most a request's duration later, which the grace far exceeds.
// A run starting at start deletes a blob only if (1) the reference check, made after the
// blob was listed and so after start, found no row, and (2) at deletion the blob was last
// stored before cutoff = start − grace (blob.Store.Delete checks that itself). Take any
// upload whose row commits:
//   - before the reference check: (1) sees the row, the blob stays;
//   - after it: its Put came at most a request's duration before the commit, so after
//     start − grace. If the Put came before the deletion, (2) fails and the blob stays; if
//     after, the Put stored the bytes again.
//
// The second case needs every Put to make the blob new again, including a Put of content
// already stored: the same file uploaded again reuses the hash of an orphan that may be
// days old, and only its refreshed time (blob.Info) tells the collector it is wanted again.
// Disk renames a fresh file into place and S3 uploads again, so both do. It also needs
// Delete to check the time and remove in one step: Disk does; on S3 they are two requests
// (blob.S3.Delete). The blob store's clock (S3's LastModified is the server's) must agree
// with ours to well within the grace.
func (s *Storage) CollectOrphanBlobs(ctx context.Context, grace time.Duration) (int, error) {
	return s.SweepOrphanBlobs(ctx, grace, false, nil)
}

// SweepOrphanBlobs is CollectOrphanBlobs for the command line: with dryRun it deletes
// nothing and counts what it would delete; each, if not nil, is called with every blob
// deleted (or that a dry run would delete).
func (s *Storage) SweepOrphanBlobs(ctx context.Context, grace time.Duration, dryRun bool, each func(blob.Info)) (int, error) {
	if grace < MinBlobGrace {
		return 0, fmt.Errorf("collect unreferenced blobs: grace %s is shorter than %s: an upload stores its file before its row commits", grace, MinBlobGrace)
	}
	cutoff := s.d.Now().Add(-grace)
	deleted := 0
	var failed []error
	var batch []blob.Info
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		shas := make([]string, len(batch))
		for i, b := range batch {
			shas[i] = b.SHA256
		}
		var refs map[string]bool
		err := s.d.DB.View(ctx, func(q *store.Q) (err error) {
			refs, err = q.ReferencedBlobs(ctx, shas)
			return err
		})
		if err != nil {
			return err
		}
		for _, b := range batch {
			if err := ctx.Err(); err != nil {
				return err // shutting down
			}
			if refs[b.SHA256] {
				continue
			}
			if !dryRun {
				ok, err := s.d.Blobs.Delete(ctx, b.SHA256, cutoff)
				if err != nil {
					// One file that cannot be deleted should not keep the others.
					s.d.Log.Warn("delete unreferenced evidence file", "sha256", b.SHA256, "err", err)
					failed = append(failed, err)
					continue
				}
				if !ok {
					continue // stored again since it was listed (an upload in flight), or gone
				}
				s.d.Log.Info("deleted unreferenced evidence file", "sha256", b.SHA256, "size", b.Size, "stored", b.ModTime)
			}
			deleted++
			if each != nil {
				each(b)
			}
		}
		batch = batch[:0]
		return nil
	}
	err := s.d.Blobs.List(ctx, func(b blob.Info) error {
		if !b.ModTime.Before(cutoff) {
			return nil
		}
		if batch = append(batch, b); len(batch) == gcBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return deleted, fmt.Errorf("collect unreferenced blobs: %w", err)
	}
	if len(failed) > 0 {
		return deleted, fmt.Errorf("collect unreferenced blobs: %d could not be deleted, the first: %w", len(failed), failed[0])
	}
	return deleted, nil
}
