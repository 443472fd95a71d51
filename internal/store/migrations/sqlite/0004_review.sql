-- +goose Up
-- Review up to the office's preliminary qualification review (SPEC §5, rules.Transitions).
-- The state itself stays in applications.status (with its version for optimistic
-- concurrency); what the workflow's guards read besides it lives here, one row per
-- application that has been acted on by a reviewer (a missing row is the zero state).
CREATE TABLE application_review (
    application_id       INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    chain_level          INTEGER NOT NULL DEFAULT 0,  -- level in dept_review (1-based), 0 elsewhere
    reached_level        INTEGER NOT NULL DEFAULT 0,  -- highest chain level it ever entered
    dept_returns         INTEGER NOT NULL DEFAULT 0,  -- R-FLOW-04, over the whole chain
    returned_from_status TEXT    NOT NULL DEFAULT '', -- the stage a return was made in
    returned_from_level  INTEGER NOT NULL DEFAULT 0,
    publicity_start_ms   INTEGER NOT NULL DEFAULT 0,  -- R-FLOW-01, of the current submission
    publicity_end_ms     INTEGER NOT NULL DEFAULT 0,
    originals_pending    INTEGER NOT NULL DEFAULT 0,  -- R-FLOW-05
    fraud_proposed       INTEGER NOT NULL DEFAULT 0,  -- R-FLOW-11
    recommended_by       INTEGER REFERENCES orgs(id),
    recommended_at_ms    INTEGER NOT NULL DEFAULT 0,
    updated_at_ms        INTEGER NOT NULL
);

-- The unit's review chain as it was when the unit recommended (R-FLOW-06): a later edit of
-- the unit's chain does not move applications already on their way.
CREATE TABLE application_chain (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    level          INTEGER NOT NULL,
    dept_id        INTEGER NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (application_id, level)
);
CREATE INDEX application_chain_dept ON application_chain(dept_id, level);

-- Objections to a unit publicity (R-FLOW-01), from the public or registered by the unit.
CREATE TABLE objections (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    text           TEXT    NOT NULL,
    contact        TEXT    NOT NULL DEFAULT '',
    filed_by       INTEGER REFERENCES users(id), -- NULL: filed by the public
    filed_at_ms    INTEGER NOT NULL,
    resolved_at_ms INTEGER NOT NULL DEFAULT 0,
    resolution     TEXT    NOT NULL DEFAULT '',
    resolved_by    INTEGER REFERENCES users(id)
);
CREATE INDEX objections_app ON objections(application_id, id);

-- Returns for modification with their consolidated list of problems (R-FLOW-03, R-APP-08).
CREATE TABLE review_returns (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    submission_no  INTEGER NOT NULL,  -- the submitted version that was returned
    stage_status   TEXT    NOT NULL,
    stage_level    INTEGER NOT NULL,
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    user_id        INTEGER NOT NULL REFERENCES users(id),
    at_ms          INTEGER NOT NULL
);
CREATE INDEX review_returns_app ON review_returns(application_id, id);

CREATE TABLE review_return_items (
    return_id INTEGER NOT NULL REFERENCES review_returns(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    module    INTEGER NOT NULL,
    slot      TEXT    NOT NULL DEFAULT '',
    field     TEXT    NOT NULL DEFAULT '',
    text      TEXT    NOT NULL,
    PRIMARY KEY (return_id, position)
);

-- Checks of the originals (查验原件, R-FLOW-05): what was asked for, and the result.
CREATE TABLE originals_checks (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    stage_status    TEXT    NOT NULL,
    stage_level     INTEGER NOT NULL,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    requested_by    INTEGER NOT NULL REFERENCES users(id),
    requested_at_ms INTEGER NOT NULL,
    items           TEXT    NOT NULL, -- JSON: the materials, each tied to an item
    result          TEXT    NOT NULL DEFAULT '',
    recorded_by     INTEGER REFERENCES users(id),
    recorded_at_ms  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX originals_checks_app ON originals_checks(application_id, id);

-- Fraud cancellations (R-FLOW-11): proposed by the reviewer holding the application,
-- confirmed or dismissed by the office.
CREATE TABLE fraud_cases (
    id               INTEGER PRIMARY KEY,
    application_id   INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    stage_status     TEXT    NOT NULL,
    stage_level      INTEGER NOT NULL,
    proposed_by      INTEGER NOT NULL REFERENCES users(id),
    proposed_org     INTEGER NOT NULL REFERENCES orgs(id),
    proposed_at_ms   INTEGER NOT NULL,
    facts            TEXT    NOT NULL,
    decision         TEXT    NOT NULL DEFAULT '', -- '' pending | confirmed | dismissed
    decided_by       INTEGER REFERENCES users(id),
    decided_at_ms    INTEGER NOT NULL DEFAULT 0,
    decision_reason  TEXT    NOT NULL DEFAULT '',
    recommending_org INTEGER REFERENCES orgs(id),
    blacklist_id     INTEGER REFERENCES blacklist(id)
);
CREATE INDEX fraud_cases_app ON fraud_cases(application_id, id);

-- Every view or download of an applicant's evidence by a reviewer (R-SEC-01).
CREATE TABLE evidence_access (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    evidence_id    INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    at_ms          INTEGER NOT NULL,
    kind           TEXT    NOT NULL -- view | download
);
CREATE INDEX evidence_access_app ON evidence_access(application_id, at_ms);

-- +goose Down
SELECT 1;
