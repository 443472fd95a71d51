package store

import (
	"context"
	"fmt"
	"strings"
)

// blobRefBatch is the number of hashes of one query: well under SQLite's limit on
// parameters. A shorter batch is padded with empty strings (no hash), so that the query is
// always the same text, prepared once.
const blobRefBatch = 500

// blobRefQuery looks blobRefBatch hashes up ($1…$500) in every column that names a blob.
var blobRefQuery = func() string {
	marks := make([]string, blobRefBatch)
	for i := range marks {
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	in := strings.Join(marks, ", ")
	return `SELECT sha256 FROM evidence WHERE sha256 IN (` + in + `)
		UNION SELECT letter_sha256 FROM entrustments WHERE letter_sha256 IN (` + in + `)`
}()

// ReferencedBlobs reports which of the given SHA-256 hashes a row refers to: an evidence file
// (also one removed from the working copy — a submitted version may hold it) or an
// entrustment letter. Every column naming a blob is listed here; a new one must be added, or
// the collector of unreferenced blobs (service.Storage) would delete its files.
func (q *Q) ReferencedBlobs(ctx context.Context, shas []string) (map[string]bool, error) {
	found := map[string]bool{}
	for start := 0; start < len(shas); start += blobRefBatch {
		args := make([]any, blobRefBatch)
		for i := range args {
			args[i] = ""
			if start+i < len(shas) {
				args[i] = shas[start+i]
			}
		}
		rows, err := q.q.QueryContext(ctx, blobRefQuery, args...)
		if err != nil {
			return nil, fmt.Errorf("look up blob references: %w", err)
		}
		for rows.Next() {
			var sha string
			if err := rows.Scan(&sha); err != nil {
				rows.Close()
				return nil, fmt.Errorf("look up blob references: %w", err)
			}
			found[sha] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("look up blob references: %w", err)
		}
	}
	return found, nil
}
