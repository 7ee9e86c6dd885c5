-- Browsers people have signed in from: the cookie's secret, by its SHA-256. A trusted browser
-- answers for its own failed sign-ins only, so strangers' failures never keep its person out.
CREATE TABLE trusted_device (
    token_hash TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX trusted_device_person ON trusted_device (person_id);

-- A username names one account whatever its case: "ADA" and "ada" are the same person.
CREATE UNIQUE INDEX person_username_lower ON person (lower(username));
