-- +goose Up
-- "Applications wait for you" need not be mailed twice while the first message is still
-- queued: a job may carry a key that is unique among pending jobs, and a job whose key a
-- pending one holds is not added (store.EnqueueOnce). In the deadline surge a unit's
-- reviewers get one message per few minutes instead of one per submission.
ALTER TABLE jobs ADD COLUMN once_key TEXT;
CREATE UNIQUE INDEX jobs_pending_once ON jobs(once_key) WHERE once_key IS NOT NULL AND done_at_ms = 0 AND failed_at_ms = 0;

-- +goose Down
SELECT 1;
