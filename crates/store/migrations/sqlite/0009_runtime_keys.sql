-- SQLite lets a TEXT PRIMARY KEY hold NULL; PostgreSQL does not. The two runtime tables keyed
-- by a secret's hash get NOT NULL as on PostgreSQL (found by the test that compares the
-- schemas both sets of migrations make); their rows carry over.
CREATE TABLE session_keyed (
    token_hash TEXT PRIMARY KEY NOT NULL,
    person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
INSERT INTO session_keyed SELECT token_hash, person_id, csrf, created_at, last_seen, expires_at
    FROM session WHERE token_hash IS NOT NULL;
DROP TABLE session;
ALTER TABLE session_keyed RENAME TO session;
CREATE INDEX session_person ON session (person_id);

CREATE TABLE trusted_device_keyed (
    token_hash TEXT PRIMARY KEY NOT NULL,
    person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
INSERT INTO trusted_device_keyed SELECT token_hash, person_id, created_at, expires_at
    FROM trusted_device WHERE token_hash IS NOT NULL;
DROP TABLE trusted_device;
ALTER TABLE trusted_device_keyed RENAME TO trusted_device;
CREATE INDEX trusted_device_person ON trusted_device (person_id);
