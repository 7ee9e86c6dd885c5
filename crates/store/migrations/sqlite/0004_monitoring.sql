-- Monitoring: the plan's scoring settings, rounds, what heads report on phases (status,
-- evidence files) and indicators (actual, date, source), the evaluator's neutralisations,
-- the recorded dates of events, people's e-mail addresses and the reminders sent.

-- The plan's scoring settings as JSON (domain::scoring::engine::Settings); NULL: defaults.
ALTER TABLE plan ADD COLUMN scoring TEXT;

ALTER TABLE person ADD COLUMN email TEXT;

-- A phase's last report: status (not_started, in_progress, done), when, by whom, in which round.
ALTER TABLE phase ADD COLUMN status TEXT;
ALTER TABLE phase ADD COLUMN reported_at TEXT;
ALTER TABLE phase ADD COLUMN reported_by TEXT;
ALTER TABLE phase ADD COLUMN reported_round INTEGER;

CREATE TABLE monitoring_round (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- The date the figures are reported as of (30/06, 30/09, 31/12).
    as_of TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT
);
CREATE INDEX monitoring_round_plan ON monitoring_round (plan_id);

-- Evidence files, kept with the record they support.
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    phase_id INTEGER NOT NULL REFERENCES phase (id) ON DELETE CASCADE,
    round_id INTEGER REFERENCES monitoring_round (id) ON DELETE SET NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by TEXT NOT NULL
);
CREATE INDEX evidence_phase ON evidence (phase_id);

-- The last reported actual of an indicator (by its position on the card, from 1).
CREATE TABLE indicator_actual (
    objective_id INTEGER NOT NULL REFERENCES objective (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    value TEXT NOT NULL,
    measured_on TEXT NOT NULL,
    source TEXT NOT NULL,
    round_id INTEGER REFERENCES monitoring_round (id) ON DELETE SET NULL,
    reported_at TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    PRIMARY KEY (objective_id, position)
);

-- What the evaluator took out of the measurement: `unit/label` (objective),
-- `unit/label/3` (phase 3), `unit/label/i2` (indicator 2).
CREATE TABLE neutralisation (
    plan_id INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    reason TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    PRIMARY KEY (plan_id, subject)
);

-- The dates of the events relative deadlines count from, by the document's words.
CREATE TABLE event_date (
    plan_id INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    day TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (plan_id, event)
);

-- Reminders sent, so that each goes once: before or after the round's date.
CREATE TABLE reminder_sent (
    round_id INTEGER NOT NULL REFERENCES monitoring_round (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (round_id, person_id, kind)
);
