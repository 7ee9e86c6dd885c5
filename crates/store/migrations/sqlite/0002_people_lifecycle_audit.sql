-- People and their sessions and tokens, the plan's lifecycle state, the figures heads record
-- on phases, and the append-only audit log whose entries are chained by hash.

ALTER TABLE plan ADD COLUMN state TEXT NOT NULL DEFAULT 'draft';

-- What a phase achieved, and the version that guards against lost updates.
ALTER TABLE phase ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE phase ADD COLUMN completed_on TEXT;
ALTER TABLE phase ADD COLUMN progress_note TEXT;

CREATE TABLE person (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- The administration (entity slug) the person works for; NULL: every one.
    entity_slug TEXT,
    -- Argon2 PHC string; NULL for people signed in by another provider.
    password_hash TEXT,
    -- Space-separated role names (admin, evaluator, board, auditor).
    roles TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- Units a person is a member of, by the unit's slug (stable across the years' plans).
CREATE TABLE person_unit (
    person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    unit_slug TEXT NOT NULL,
    PRIMARY KEY (person_id, unit_slug)
);

-- Server-side sessions; the cookie holds a secret whose SHA-256 is the key.
CREATE TABLE session (
    token_hash TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX session_person ON session (person_id);

-- API tokens for machines: revocable, stored as SHA-256.
CREATE TABLE api_token (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- Failed logins, per account and per address, for rate limiting.
CREATE TABLE login_failure (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failure_key ON login_failure (key, at);

CREATE TABLE audit_entry (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    plan TEXT,
    before TEXT,
    after TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_entry_plan ON audit_entry (plan, subject);

-- The last position and hash, kept apart so that removing the log's tail shows.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);

CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
