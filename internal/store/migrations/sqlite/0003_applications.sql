-- +goose Up
-- Applications (SPEC §4): the working copy of the form is one JSON document, saved whole
-- with a version check (R-APP-04); every submission freezes a numbered copy (R-APP-05).
CREATE TABLE applications (
    id                 INTEGER PRIMARY KEY,
    plan_id            INTEGER NOT NULL REFERENCES plans(id),
    applicant_id       INTEGER NOT NULL REFERENCES users(id),
    org_id             INTEGER NOT NULL REFERENCES orgs(id),
    status             TEXT    NOT NULL,
    form               TEXT    NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1,
    submissions        INTEGER NOT NULL DEFAULT 0,
    pledge_version     TEXT    NOT NULL DEFAULT '',
    pledge_signer      TEXT    NOT NULL DEFAULT '',
    pledge_signed_ms   INTEGER NOT NULL DEFAULT 0,
    created_at_ms      INTEGER NOT NULL,
    updated_at_ms      INTEGER NOT NULL,
    submitted_at_ms    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_id, applicant_id)
);
CREATE INDEX applications_org_status ON applications(org_id, status, plan_id);
CREATE INDEX applications_applicant ON applications(applicant_id);

CREATE TABLE application_versions (
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    no              INTEGER NOT NULL,
    form            TEXT    NOT NULL,
    evidence        TEXT    NOT NULL, -- JSON: the evidence ids of every slot at submission
    submitted_by    INTEGER NOT NULL,
    submitted_at_ms INTEGER NOT NULL,
    PRIMARY KEY (application_id, no)
);

-- Evidence files attached to a slot of an application, in order. A file that belongs to a
-- submitted version is never deleted (removed_at_ms only hides it from the working copy).
CREATE TABLE evidence (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    slot           TEXT    NOT NULL,
    position       INTEGER NOT NULL,
    sha256         TEXT    NOT NULL,
    size           INTEGER NOT NULL,
    kind           TEXT    NOT NULL,
    pages          INTEGER NOT NULL,
    name           TEXT    NOT NULL,
    uploaded_by    INTEGER NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    removed_at_ms  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX evidence_slot ON evidence(application_id, slot, position);
CREATE INDEX evidence_sha ON evidence(sha256);

-- +goose Down
SELECT 1;
