-- The second half of the cycle (issue 15): a plan's evaluation year, the people evaluated
-- and their schede, each kept whole as JSON (domain::evaluation::{year::Year, staff::Member,
-- sheet::Sheet}) with a number every write moves, so that a form opened before a change
-- cannot undo it. Personal data: the audit log records the steps, not the contents.

-- The SMVP adopted for the year, whether the year is open, the bonus budgets, the pool shared.
CREATE TABLE evaluation_year (
    plan_id BIGINT PRIMARY KEY REFERENCES plan (id) ON DELETE CASCADE,
    document TEXT NOT NULL,
    revision BIGINT NOT NULL
);

-- The people evaluated in the year, by matricola.
CREATE TABLE staff_member (
    plan_id BIGINT NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    matricola TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (plan_id, matricola)
);

-- A person's scheda of the year.
CREATE TABLE scheda (
    plan_id BIGINT NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    matricola TEXT NOT NULL,
    version BIGINT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (plan_id, matricola)
);
