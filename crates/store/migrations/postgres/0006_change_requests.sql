-- Change requests to an approved plan and the plan's versions: each approved request makes a
-- new version, kept whole as a pegaso.plan/1 document (version 1 is the plan as approved).

CREATE TABLE change_request (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    -- The objective's id (`unit/label`) and the proposal (domain::change::Proposal as JSON).
    objective TEXT NOT NULL,
    proposal TEXT NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    opinion TEXT,
    opinion_favourable BIGINT,
    opinion_at TEXT,
    opinion_by TEXT,
    act_number TEXT,
    act_date TEXT,
    decided_at TEXT,
    decided_by TEXT,
    -- The version the approval made.
    version BIGINT
);
CREATE INDEX change_request_plan ON change_request (plan_id);

CREATE TABLE plan_version (
    plan_id BIGINT NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    document TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    change_request BIGINT,
    PRIMARY KEY (plan_id, number)
);
