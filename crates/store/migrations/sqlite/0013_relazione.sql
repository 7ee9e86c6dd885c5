-- The Relazione sulla Performance of a plan's year (issue 16): kept whole as JSON
-- (domain::relazione::Relazione: introduction, tolerance, reasons of shortfalls, the Giunta's
-- approval, the Nucleo's validation with its checklist, publication) with a number every
-- write moves, so that a form opened before a change cannot undo it.
CREATE TABLE relazione (
    plan_id INTEGER PRIMARY KEY REFERENCES plan (id) ON DELETE CASCADE,
    document TEXT NOT NULL,
    revision INTEGER NOT NULL
);
