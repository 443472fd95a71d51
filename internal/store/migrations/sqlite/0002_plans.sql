-- +goose Up
-- Plans (SPEC §2): the definition (levels, specialties, scopes, types, policy numbers) is one
-- JSON document, read and written whole; the windows are rows, because the window rules
-- compare them one by one (R-CAL-01, R-CAL-02).
CREATE TABLE plans (
    id            INTEGER PRIMARY KEY,
    year          INTEGER NOT NULL,
    series        TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    committee_id  INTEGER NOT NULL REFERENCES orgs(id),
    definition    TEXT    NOT NULL,
    reset_at_ms   INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    UNIQUE (year, series, committee_id)
);

CREATE TABLE plan_windows (
    plan_id  INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    kind     TEXT    NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms   INTEGER NOT NULL,
    PRIMARY KEY (plan_id, kind)
);

-- The working-day calendar (R-CAL-04): special days only (holidays off, adjusted weekends on);
-- calendar_years says which years have been entered, so that a missing year is an error.
CREATE TABLE calendar_days (
    day           TEXT    PRIMARY KEY, -- YYYY-MM-DD, Asia/Shanghai civil date
    kind          TEXT    NOT NULL,    -- holiday | workday
    name          TEXT    NOT NULL,
    updated_at_ms INTEGER NOT NULL
);

CREATE TABLE calendar_years (
    year          INTEGER PRIMARY KEY,
    updated_at_ms INTEGER NOT NULL
);

-- The blacklist (R-ELG-04, R-FLOW-11): the person is found by the blind index of the ID number.
CREATE TABLE blacklist (
    id               INTEGER PRIMARY KEY,
    id_number_idx    TEXT    NOT NULL,
    id_number_enc    BLOB    NOT NULL,
    id_number_masked TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    reason           TEXT    NOT NULL,
    source           TEXT    NOT NULL,            -- the decision that put them there
    plan_id          INTEGER REFERENCES plans(id),
    org_id           INTEGER REFERENCES orgs(id), -- the recommending unit, for fraud
    start_ms         INTEGER NOT NULL,
    until_ms         INTEGER NOT NULL,
    lifted_at_ms     INTEGER NOT NULL DEFAULT 0,
    lift_reason      TEXT    NOT NULL DEFAULT '',
    created_by       INTEGER,
    created_at_ms    INTEGER NOT NULL
);
CREATE INDEX blacklist_person ON blacklist(id_number_idx);

-- Entrustment letters of central units without their own review authority (R-ELG-05).
CREATE TABLE entrustments (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    plan_id         INTEGER NOT NULL REFERENCES plans(id),
    letter_sha256   TEXT    NOT NULL,
    letter_name     TEXT    NOT NULL,
    letter_size     INTEGER NOT NULL,
    status          TEXT    NOT NULL, -- pending | approved | refused
    note            TEXT    NOT NULL DEFAULT '',
    submitted_by    INTEGER NOT NULL,
    submitted_at_ms INTEGER NOT NULL,
    decided_by      INTEGER,
    decided_at_ms   INTEGER NOT NULL DEFAULT 0,
    decision_reason TEXT    NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    UNIQUE (org_id, plan_id)
);

-- +goose Down
SELECT 1;
