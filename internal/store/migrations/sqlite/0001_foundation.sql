-- +goose Up
-- Instants are unix milliseconds (UTC) in both engines: exact to the millisecond that
-- window rules need (R-CAL-01), and compared the same way by SQLite and PostgreSQL.

CREATE TABLE orgs (
    id            INTEGER PRIMARY KEY,
    parent_id     INTEGER REFERENCES orgs(id),
    kind          TEXT    NOT NULL,
    unit_type     TEXT    NOT NULL DEFAULT '',
    code          TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX orgs_parent ON orgs(parent_id);

-- The review chain of a unit (R-FLOW-06): the ordered review departments its applications
-- pass through before the office and the committee.
CREATE TABLE org_review_chain (
    org_id   INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    dept_id  INTEGER NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (org_id, position)
);

CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES orgs(id),
    username          TEXT    NOT NULL UNIQUE,
    name              TEXT    NOT NULL,
    id_number_enc     BLOB    NOT NULL,
    id_number_idx     TEXT    NOT NULL UNIQUE,
    id_number_masked  TEXT    NOT NULL,
    phone_enc         BLOB    NOT NULL,
    phone_masked      TEXT    NOT NULL,
    password_hash     TEXT    NOT NULL,
    disabled          INTEGER NOT NULL DEFAULT 0,
    created_at_ms     INTEGER NOT NULL,
    updated_at_ms     INTEGER NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE user_roles (
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role          TEXT    NOT NULL,
    granted_at_ms INTEGER NOT NULL,
    granted_by    INTEGER,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    token     TEXT    PRIMARY KEY,
    data      BLOB    NOT NULL,
    expiry_ms INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expiry_ms);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    token_hash    TEXT    NOT NULL UNIQUE,
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    last_used_ms  INTEGER NOT NULL DEFAULT 0,
    revoked       INTEGER NOT NULL DEFAULT 0
);

-- Failed and successful logins, for throttling across instances.
CREATE TABLE login_attempts (
    id      INTEGER PRIMARY KEY,
    subject TEXT    NOT NULL,
    at_ms   INTEGER NOT NULL,
    ok      INTEGER NOT NULL
);
CREATE INDEX login_attempts_subject ON login_attempts(subject, at_ms);

-- R-FLOW-12: append-only, hash-chained. audit_head holds the chain's tip so that deleting the
-- last rows is detected too, and so that writers serialise on one row.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at_ms       INTEGER NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT    NOT NULL,
    org_id      INTEGER,
    action      TEXT    NOT NULL,
    object_type TEXT    NOT NULL,
    object_id   INTEGER NOT NULL,
    from_state  TEXT    NOT NULL DEFAULT '',
    to_state    TEXT    NOT NULL DEFAULT '',
    reason      TEXT    NOT NULL DEFAULT '',
    detail      TEXT    NOT NULL DEFAULT '',
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE INDEX audit_object ON audit_log(object_type, object_id);

CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_id   INTEGER NOT NULL,
    last_hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '');

-- +goose Down
SELECT 1;
