-- A person's calendar feed: a secret address (its SHA-256 here) that a calendar program can
-- read without signing in, revocable, one per person.
CREATE TABLE calendar_feed (
    person_id INTEGER PRIMARY KEY REFERENCES person (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
