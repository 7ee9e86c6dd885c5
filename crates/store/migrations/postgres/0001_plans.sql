-- Plans, normalised: every row belongs to an entity (the administration) and to a plan.
-- Dates are ISO-8601 text, percentages the exact decimal as text, flags 0/1: the same
-- columns read the same way on SQLite and PostgreSQL through sqlx's Any driver.

CREATE TABLE entity (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE plan (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id BIGINT NOT NULL REFERENCES entity (id) ON DELETE CASCADE,
    slug TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    title TEXT NOT NULL,
    year BIGINT NOT NULL,
    period_from BIGINT NOT NULL,
    period_to BIGINT NOT NULL,
    -- Grows each time the plan is replaced, so caches know when to read it again.
    revision BIGINT NOT NULL DEFAULT 1,
    UNIQUE (entity_id, year),
    UNIQUE (id, entity_id)
);

CREATE TABLE strategy_line (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    position BIGINT NOT NULL,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    FOREIGN KEY (plan_id, entity_id) REFERENCES plan (id, entity_id) ON DELETE CASCADE,
    UNIQUE (plan_id, position)
);

CREATE TABLE axis (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    line_id BIGINT NOT NULL REFERENCES strategy_line (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    code TEXT NOT NULL,
    text TEXT NOT NULL,
    FOREIGN KEY (plan_id, entity_id) REFERENCES plan (id, entity_id) ON DELETE CASCADE,
    UNIQUE (line_id, position)
);

-- The codifica table: codes and the roles they name.
CREATE TABLE responsible (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    position BIGINT NOT NULL,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    FOREIGN KEY (plan_id, entity_id) REFERENCES plan (id, entity_id) ON DELETE CASCADE,
    UNIQUE (plan_id, position)
);

CREATE TABLE unit (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    position BIGINT NOT NULL,
    slug TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_id BIGINT REFERENCES unit (id) ON DELETE SET NULL,
    responsible_code TEXT,
    staff BIGINT,
    FOREIGN KEY (plan_id, entity_id) REFERENCES plan (id, entity_id) ON DELETE CASCADE,
    UNIQUE (plan_id, slug),
    UNIQUE (plan_id, position)
);

CREATE TABLE unit_head (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES unit (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    role TEXT,
    date_from TEXT,
    date_until TEXT,
    FOREIGN KEY (plan_id, entity_id) REFERENCES plan (id, entity_id) ON DELETE CASCADE,
    UNIQUE (unit_id, position)
);

CREATE TABLE unit_function (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES unit (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    text TEXT NOT NULL,
    FOREIGN KEY (plan_id, entity_id) REFERENCES plan (id, entity_id) ON DELETE CASCADE,
    UNIQUE (unit_id, position)
);

-- A deadline as the cards write it (see domain::deadline): the kind and its parts.
CREATE TABLE deadline (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    kind TEXT NOT NULL
        CHECK (kind IN ('date', 'start', 'during_year', 'completed', 'relative', 'none')),
    date TEXT,
    after_kind TEXT CHECK (after_kind IN ('phase', 'event')),
    after_phase TEXT,
    after_point TEXT,
    after_event TEXT,
    offset_days BIGINT,
    offset_months BIGINT,
    tentative BIGINT NOT NULL DEFAULT 0 CHECK (tentative IN (0, 1)),
    FOREIGN KEY (plan_id, entity_id) REFERENCES plan (id, entity_id) ON DELETE CASCADE
);

CREATE TABLE objective (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    position BIGINT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES unit (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    title TEXT NOT NULL,
    strategic_purpose TEXT,
    directives TEXT,
    timing TEXT,
    final_deadline_id BIGINT NOT NULL REFERENCES deadline (id),
    final_deadline_text TEXT NOT NULL,
    year_deadline_id BIGINT REFERENCES deadline (id),
    year_deadline_text TEXT,
    expected_result TEXT,
    full_achievement TEXT,
    not_achieved TEXT,
    constraints TEXT,
    human_resources TEXT,
    financial_resources TEXT,
    FOREIGN KEY (plan_id, entity_id) REFERENCES plan (id, entity_id) ON DELETE CASCADE,
    UNIQUE (plan_id, position),
    UNIQUE (unit_id, label)
);

CREATE TABLE indicator (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    objective_id BIGINT NOT NULL REFERENCES objective (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    text TEXT NOT NULL,
    FOREIGN KEY (plan_id, entity_id) REFERENCES plan (id, entity_id) ON DELETE CASCADE,
    UNIQUE (objective_id, position)
);

CREATE TABLE phase (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    objective_id BIGINT NOT NULL REFERENCES objective (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    label TEXT NOT NULL,
    description TEXT NOT NULL,
    weight_pct TEXT,
    deadline_id BIGINT NOT NULL REFERENCES deadline (id),
    deadline_text TEXT NOT NULL,
    FOREIGN KEY (plan_id, entity_id) REFERENCES plan (id, entity_id) ON DELETE CASCADE,
    UNIQUE (objective_id, position)
);

-- "Codifica Responsabili coinvolti": each code as written and, when it names one, the unit.
CREATE TABLE phase_responsible (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    phase_id BIGINT NOT NULL REFERENCES phase (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    code TEXT NOT NULL,
    unit_id BIGINT REFERENCES unit (id) ON DELETE SET NULL,
    FOREIGN KEY (plan_id, entity_id) REFERENCES plan (id, entity_id) ON DELETE CASCADE,
    UNIQUE (phase_id, position)
);

CREATE TABLE survey_result (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    position BIGINT NOT NULL,
    service TEXT NOT NULL,
    year BIGINT,
    positive_pct TEXT NOT NULL,
    neutral_pct TEXT NOT NULL,
    negative_pct TEXT NOT NULL,
    FOREIGN KEY (plan_id, entity_id) REFERENCES plan (id, entity_id) ON DELETE CASCADE,
    UNIQUE (plan_id, position)
);

-- What the importer found in the document the plan came from.
CREATE TABLE import_diagnostic (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    position BIGINT NOT NULL,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    path TEXT NOT NULL,
    line BIGINT,
    message TEXT NOT NULL,
    FOREIGN KEY (plan_id, entity_id) REFERENCES plan (id, entity_id) ON DELETE CASCADE,
    UNIQUE (plan_id, position)
);

CREATE INDEX deadline_plan ON deadline (plan_id);
CREATE INDEX objective_unit ON objective (unit_id);
CREATE INDEX phase_responsible_unit ON phase_responsible (unit_id);
