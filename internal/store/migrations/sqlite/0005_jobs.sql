-- +goose Up
-- Durable background jobs (notifications first): enqueued in the transaction that causes
-- them, claimed by any instance's worker with a lease (locked_until_ms), retried with
-- backoff, and kept after success (done_at_ms) or after giving up (failed_at_ms).
CREATE TABLE jobs (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL,
    payload         TEXT    NOT NULL DEFAULT '{}', -- JSON
    run_at_ms       INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    done_at_ms      INTEGER NOT NULL DEFAULT 0,
    failed_at_ms    INTEGER NOT NULL DEFAULT 0,
    locked_until_ms INTEGER NOT NULL DEFAULT 0,
    created_at_ms   INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs(run_at_ms) WHERE done_at_ms = 0 AND failed_at_ms = 0;
