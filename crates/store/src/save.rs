//! Writing a plan: one transaction that inserts every part of it in its own table.

use std::collections::HashMap;

use domain::{Anchor, Deadline, Diagnostic, Offset, Plan, PlanState, When};
use sqlx::any::AnyArguments;
use sqlx::{Any, Transaction};

use crate::Store;
use crate::audit::{Change, Stamp};
use crate::error::{Result, StoreError};
use crate::text::{date_text, name_of};
use domain::audit::AuditAction;
use domain::facts::PlanSummary;

/// The ids every row of a plan carries.
#[derive(Clone, Copy)]
struct Owner {
    entity: i64,
    plan: i64,
    /// Phases start at the plan's revision, which only grows: an edit form opened before a
    /// replacement names a version no new phase has.
    revision: i64,
}

/// Where a saved plan comes from, for its audit entry.
enum Origin<'a> {
    /// An import by whoever holds the database (the command line), new or replacing a draft.
    Import,
    /// The draft of a later year made from this plan, with what was carried.
    Rollover(&'a domain::PlanId, serde_json::Value),
    /// A new plan made by a person: from nothing, or from the document named.
    New(Option<&'a str>),
}

fn position(i: usize) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}

impl Store {
    /// Saves a plan and the diagnostics of the import it came from. When the entity already
    /// has a plan for that year, it is replaced if `replace` is true and refused otherwise.
    pub async fn save_plan(
        &self,
        plan: &Plan,
        diagnostics: &[Diagnostic],
        replace: bool,
        stamp: &Stamp,
    ) -> Result<PlanSummary> {
        self.save(plan, diagnostics, replace, Origin::Import, stamp)
            .await
    }

    /// Saves a new draft made from plan `from` of an earlier year (`domain::rollover`), with
    /// the draft's diagnostics, audited as such with `details` (what was carried). Never
    /// replaces: when the entity has a plan for that year already, a `Conflict`.
    pub async fn save_rollover(
        &self,
        plan: &Plan,
        diagnostics: &[Diagnostic],
        from: &domain::PlanId,
        details: serde_json::Value,
        stamp: &Stamp,
    ) -> Result<PlanSummary> {
        self.save(
            plan,
            diagnostics,
            false,
            Origin::Rollover(from, details),
            stamp,
        )
        .await
    }

    /// Saves a new plan made by a person (the planning office's «Nuovo piano»): from nothing
    /// (`document: None`, audited `plan.create`) or from the document named `document`
    /// (audited `plan.import`, with its name), with the diagnostics of reading it. Never
    /// replaces: when the entity has a plan for that year already, a `Conflict`.
    pub async fn save_new(
        &self,
        plan: &Plan,
        diagnostics: &[Diagnostic],
        document: Option<&str>,
        stamp: &Stamp,
    ) -> Result<PlanSummary> {
        self.save(plan, diagnostics, false, Origin::New(document), stamp)
            .await
    }

    /// Writes the draft `plan` over plan `id` in place, if it is still a draft at revision
    /// `expected` (the version its editor saw): its title, triennium and every part are
    /// rewritten; its history, acts, scoring settings and the findings of the import it came
    /// from are kept. One transaction, audited as a draft edit with `change` (what the person
    /// changed, before and after). `Conflict` when the plan moved on or was changed meanwhile;
    /// `Invalid` when the plan's scoring settings would no longer fit it; `NotFound` when there
    /// is no such plan.
    pub async fn edit_draft(
        &self,
        id: &domain::PlanId,
        plan: &Plan,
        expected: i64,
        change: serde_json::Value,
        stamp: &Stamp,
    ) -> Result<PlanSummary> {
        if plan.id().ok().as_ref() != Some(id) {
            return Err(StoreError::Invalid(format!(
                "a draft edit cannot change the plan's id ({id})"
            )));
        }
        let backend = self.backend();
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, i64, i64, String, Option<String>)> = sqlx::query_as(
            "SELECT id, entity_id, revision, state, scoring FROM plan WHERE slug = $1",
        )
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((plan_row, entity, revision, state, scoring)) = row else {
            return Err(StoreError::NotFound(format!("plan {id}")));
        };
        if state != PlanState::Draft.as_str() {
            return Err(StoreError::Conflict(format!(
                "plan {id} is {state}: only a draft is edited"
            )));
        }
        if revision != expected {
            return Err(StoreError::Conflict(format!(
                "plan {id} is at revision {revision}, the edit was made on {expected}"
            )));
        }
        // The measurement system names objectives and indicators: an edit that leaves it
        // pointing nowhere is refused (its caller says why), never dropped quietly.
        if let Some(json) = &scoring
            && let Err(e) = domain::scoring::engine::Settings::parse(json, plan)
        {
            return Err(StoreError::Invalid(format!(
                "the edit leaves the scoring settings unfit: {e}"
            )));
        }
        let revision = revision + 1;
        // On the revision read above and still a draft: an edit or an act committed meanwhile
        // (PostgreSQL does not hold the row as SQLite's immediate transaction does) wins.
        let updated = sqlx::query(
            "UPDATE plan SET title = $1, period_from = $2, period_to = $3, revision = $4, \
             piao = $8, entity_code = $9 WHERE id = $5 AND revision = $6 AND state = $7",
        )
        .bind(&plan.title)
        .bind(i64::from(plan.period.from))
        .bind(i64::from(plan.period.to))
        .bind(revision)
        .bind(plan_row)
        .bind(expected)
        .bind(PlanState::Draft.as_str())
        .bind(piao_json(plan)?)
        .bind(&plan.entity.code)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "plan {id} changed while the edit was saved"
            )));
        }
        // Children first: the rows that point at others go before those they point at.
        for table in [
            "phase_responsible",
            "phase",
            "indicator",
            "objective",
            "deadline",
            "unit_function",
            "unit_head",
            "unit",
            "responsible",
            "axis",
            "strategy_line",
            "survey_result",
        ] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE plan_id = $1"
            )))
            .bind(plan_row)
            .execute(&mut *tx)
            .await?;
        }
        let mut writer = Writer {
            tx,
            owner: Owner {
                entity,
                plan: plan_row,
                revision,
            },
        };
        writer.strategy(plan).await?;
        writer.responsibles(plan).await?;
        let units = writer.units(plan).await?;
        writer.objectives(plan, &units).await?;
        writer.surveys(plan).await?;
        let mut after = change;
        after["revision"] = serde_json::json!(revision);
        crate::audit::append(
            &mut writer.tx,
            backend,
            stamp,
            Change::plan(AuditAction::PlanEdit, id.as_str(), id.to_string()).after(after),
        )
        .await?;
        writer.tx.commit().await?;
        tracing::info!(plan = %id, revision, "draft edited");
        Ok(PlanSummary {
            id: id.clone(),
            entity: plan.entity.name.clone(),
            year: plan.year,
            title: plan.title.clone(),
            revision,
            state: PlanState::Draft,
        })
    }

    async fn save(
        &self,
        plan: &Plan,
        diagnostics: &[Diagnostic],
        replace: bool,
        origin: Origin<'_>,
        stamp: &Stamp,
    ) -> Result<PlanSummary> {
        let slug = plan.id().map_err(|e| StoreError::Invalid(e.to_string()))?;
        let backend = self.backend();
        let mut tx = self.begin_write().await?;
        let entity = upsert_entity(&mut tx, plan).await?;
        let old: Option<(i64, i64, String)> = sqlx::query_as(
            "SELECT id, revision, state FROM plan WHERE entity_id = $1 AND year = $2",
        )
        .bind(entity)
        .bind(i64::from(plan.year))
        .fetch_optional(&mut *tx)
        .await?;
        // The scoring settings of the plan replaced, kept when they still fit the new one.
        let mut kept_scoring = None;
        let revision = match old {
            Some(_) if !replace => {
                return Err(StoreError::Conflict(format!("plan {slug} exists")));
            }
            // Once validated, a plan changes only by its acts and recorded edits.
            Some((_, _, state)) if state != PlanState::Draft.as_str() => {
                return Err(StoreError::Conflict(format!(
                    "plan {slug} is {state}: only a draft can be replaced"
                )));
            }
            Some((id, _, _)) => {
                // Still a draft when deleted (an act committed meanwhile wins), and the revision
                // it had then: an edit committed meanwhile raised it, and the new phases must
                // start above every version handed out.
                let deleted: Option<(i64, Option<String>)> = sqlx::query_as(
                    "DELETE FROM plan WHERE id = $1 AND state = $2 RETURNING revision, scoring",
                )
                .bind(id)
                .bind(PlanState::Draft.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                match deleted {
                    Some((revision, scoring)) => {
                        kept_scoring = scoring;
                        revision + 1
                    }
                    None => {
                        return Err(StoreError::Conflict(format!(
                            "plan {slug} moved on: only a draft can be replaced"
                        )));
                    }
                }
            }
            None => 1,
        };
        let (plan_row,): (i64,) = sqlx::query_as(
            "INSERT INTO plan (entity_id, slug, format, title, year, period_from, period_to, \
             revision, piao, entity_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             RETURNING id",
        )
        .bind(entity)
        .bind(slug.as_str())
        .bind(domain::Format::V1)
        .bind(&plan.title)
        .bind(i64::from(plan.year))
        .bind(i64::from(plan.period.from))
        .bind(i64::from(plan.period.to))
        .bind(revision)
        .bind(piao_json(plan)?)
        .bind(&plan.entity.code)
        .fetch_one(&mut *tx)
        .await
        // Another save of the same plan got there first.
        .map_err(|e| {
            StoreError::or_duplicate(e, || StoreError::Conflict(format!("plan {slug} exists")))
        })?;
        let owner = Owner {
            entity,
            plan: plan_row,
            revision,
        };
        if let Some(json) = kept_scoring {
            match domain::scoring::engine::Settings::parse(&json, plan) {
                Ok(_) => {
                    sqlx::query("UPDATE plan SET scoring = $1 WHERE id = $2")
                        .bind(json)
                        .bind(plan_row)
                        .execute(&mut *tx)
                        .await?;
                }
                Err(e) => tracing::warn!(plan = %slug, "scoring settings dropped on replace: {e}"),
            }
        }
        let mut writer = Writer { tx, owner };
        writer.strategy(plan).await?;
        writer.responsibles(plan).await?;
        let units = writer.units(plan).await?;
        writer.objectives(plan, &units).await?;
        writer.surveys(plan).await?;
        writer.diagnostics(diagnostics).await?;
        let mut after = serde_json::json!({
            "title": plan.title, "year": plan.year, "units": plan.units.len(),
            "objectives": plan.objectives.len(), "revision": revision,
        });
        let action = match origin {
            Origin::Rollover(source, details) => {
                after["from"] = serde_json::json!(source.as_str());
                after["carried"] = details;
                AuditAction::PlanRollover
            }
            Origin::New(Some(document)) => {
                after["document"] = serde_json::json!(document);
                AuditAction::PlanImport
            }
            Origin::New(None) => AuditAction::PlanCreate,
            Origin::Import if revision > 1 => AuditAction::PlanReplace,
            Origin::Import => AuditAction::PlanImport,
        };
        crate::audit::append(
            &mut writer.tx,
            backend,
            stamp,
            Change::plan(action, slug.as_str(), slug.to_string()).after(after),
        )
        .await?;
        writer.tx.commit().await?;
        tracing::info!(plan = %slug, revision, "plan saved");
        Ok(PlanSummary {
            id: slug,
            entity: plan.entity.name.clone(),
            year: plan.year,
            title: plan.title.clone(),
            revision,
            state: PlanState::Draft,
        })
    }
}

async fn upsert_entity(tx: &mut Transaction<'static, Any>, plan: &Plan) -> Result<i64> {
    let slug = plan.entity_slug();
    let kind = name_of(&plan.entity.kind);
    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM entity WHERE slug = $1")
        .bind(&slug)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some((id,)) = found {
        sqlx::query("UPDATE entity SET name = $1, kind = $2 WHERE id = $3")
            .bind(&plan.entity.name)
            .bind(&kind)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        return Ok(id);
    }
    let (id,): (i64,) =
        sqlx::query_as("INSERT INTO entity (slug, name, kind) VALUES ($1, $2, $3) RETURNING id")
            .bind(&slug)
            .bind(&plan.entity.name)
            .bind(&kind)
            .fetch_one(&mut **tx)
            .await?;
    Ok(id)
}

/// The most rows one INSERT carries: at 10 values a row, well below the parameters SQLite
/// (32,766) and PostgreSQL (65,535) take in one statement.
const ROWS_PER_INSERT: usize = 500;

/// A statement being bound.
type Insert = sqlx::query::Query<'static, Any, AnyArguments>;

/// The transaction a plan is written in, and the ids its rows carry.
struct Writer {
    tx: Transaction<'static, Any>,
    owner: Owner,
}

impl Writer {
    async fn strategy(&mut self, plan: &Plan) -> Result<()> {
        for (i, line) in plan.strategy.iter().enumerate() {
            let (line_id,): (i64,) = sqlx::query_as(
                "INSERT INTO strategy_line (entity_id, plan_id, position, code, title) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(self.owner.entity)
            .bind(self.owner.plan)
            .bind(position(i))
            .bind(&line.id)
            .bind(&line.title)
            .fetch_one(&mut *self.tx)
            .await?;
            self.insert_rows(
                ("axis", &["line_id", "position", "code", "text"]),
                &line.axes,
                |q, j, axis| q.bind(line_id).bind(j).bind(&axis.id).bind(&axis.text),
            )
            .await?;
        }
        Ok(())
    }

    async fn responsibles(&mut self, plan: &Plan) -> Result<()> {
        self.insert_rows(
            ("responsible", &["position", "code", "title"]),
            &plan.responsibles,
            |q, i, r| q.bind(i).bind(&r.code).bind(&r.title),
        )
        .await
    }

    /// Inserts the units, then links each to its parent; returns their row ids by slug.
    async fn units(&mut self, plan: &Plan) -> Result<HashMap<String, i64>> {
        let mut ids = HashMap::new();
        for (i, unit) in plan.units.iter().enumerate() {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO unit (entity_id, plan_id, position, slug, kind, name, responsible_code, staff) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(self.owner.entity)
            .bind(self.owner.plan)
            .bind(position(i))
            .bind(unit.id.as_str())
            .bind(name_of(&unit.kind))
            .bind(&unit.name)
            .bind(unit.responsible_code.as_deref())
            .bind(unit.staff.map(i64::from))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(|e| duplicate_as_invalid(e, &format!("unit {} appears twice", unit.id)))?;
            ids.insert(unit.id.as_str().to_owned(), id);
            let columns = [
                "unit_id",
                "position",
                "name",
                "role",
                "date_from",
                "date_until",
            ];
            self.insert_rows(("unit_head", &columns), &unit.heads, |q, j, head| {
                q.bind(id)
                    .bind(j)
                    .bind(&head.name)
                    .bind(head.role.as_deref())
                    .bind(head.from.map(date_text))
                    .bind(head.until.map(date_text))
            })
            .await?;
            self.texts(("unit_function", "unit_id", id), &unit.functions)
                .await?;
        }
        for unit in &plan.units {
            let Some(parent) = &unit.parent else { continue };
            let parent_id = ids.get(parent.as_str()).ok_or_else(|| {
                StoreError::Invalid(format!("unit {} has unknown parent {parent}", unit.id))
            })?;
            sqlx::query("UPDATE unit SET parent_id = $1 WHERE id = $2")
                .bind(*parent_id)
                .bind(ids[unit.id.as_str()])
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(ids)
    }

    async fn objectives(&mut self, plan: &Plan, units: &HashMap<String, i64>) -> Result<()> {
        // Which unit each responsible code names, for the units involved in each phase.
        let by_code: HashMap<&str, i64> = plan
            .units
            .iter()
            .filter_map(|u| Some((u.responsible_code.as_deref()?, units[u.id.as_str()])))
            .collect();
        for (i, o) in plan.objectives.iter().enumerate() {
            let unit = *units.get(o.unit.as_str()).ok_or_else(|| {
                StoreError::Invalid(format!(
                    "objective {} belongs to unknown unit {}",
                    o.id, o.unit
                ))
            })?;
            let final_deadline = self.deadline(&o.final_deadline).await?;
            let year_deadline = match &o.year_deadline {
                Some(d) => Some(self.deadline(d).await?),
                None => None,
            };
            let (objective,): (i64,) = sqlx::query_as(
                "INSERT INTO objective (entity_id, plan_id, position, unit_id, label, title, \
                 strategic_purpose, directives, timing, final_deadline_id, final_deadline_text, \
                 year_deadline_id, year_deadline_text, expected_result, full_achievement, \
                 not_achieved, constraints, human_resources, financial_resources) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) \
                 RETURNING id",
            )
            .bind(self.owner.entity)
            .bind(self.owner.plan)
            .bind(position(i))
            .bind(unit)
            .bind(o.label.as_str())
            .bind(&o.title)
            .bind(o.strategic_purpose.as_deref())
            .bind(o.directives.as_deref())
            .bind(o.timing.as_deref())
            .bind(final_deadline)
            .bind(&o.final_deadline_text)
            .bind(year_deadline)
            .bind(o.year_deadline_text.as_deref())
            .bind(o.expected_result.as_deref())
            .bind(o.full_achievement.as_deref())
            .bind(o.not_achieved.as_deref())
            .bind(o.constraints.as_deref())
            .bind(o.human_resources.as_deref())
            .bind(o.financial_resources.as_deref())
            .fetch_one(&mut *self.tx)
            .await
            .map_err(|e| duplicate_as_invalid(e, &format!("objective {} appears twice", o.id)))?;
            self.texts(("indicator", "objective_id", objective), &o.indicators)
                .await?;
            for (j, phase) in o.phases.iter().enumerate() {
                let deadline = self.deadline(&phase.deadline).await?;
                let (phase_id,): (i64,) = sqlx::query_as(
                    "INSERT INTO phase (entity_id, plan_id, objective_id, position, label, description, \
                     weight_pct, deadline_id, deadline_text, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                )
                .bind(self.owner.entity)
                .bind(self.owner.plan)
                .bind(objective)
                .bind(position(j))
                .bind(phase.label.as_str())
                .bind(&phase.description)
                .bind(phase.weight_pct.map(|w| w.to_string()))
                .bind(deadline)
                .bind(&phase.deadline_text)
                .bind(self.owner.revision)
                .fetch_one(&mut *self.tx)
                .await?;
                let columns = ["phase_id", "position", "code", "unit_id"];
                self.insert_rows(
                    ("phase_responsible", &columns),
                    &phase.responsible,
                    |q, k, code| {
                        q.bind(phase_id)
                            .bind(k)
                            .bind(code)
                            .bind(by_code.get(code.as_str()).copied())
                    },
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Inserts a list of texts, in order, into `table`, each row owned by row `owner` (in
    /// column `column`): a unit's functions, an objective's indicators.
    async fn texts(
        &mut self,
        (table, column, owner): (&'static str, &'static str, i64),
        texts: &[String],
    ) -> Result<()> {
        self.insert_rows(
            (table, &[column, "position", "text"]),
            texts,
            |q, i, text| q.bind(owner).bind(i).bind(text),
        )
        .await
    }

    async fn deadline(&mut self, deadline: &Deadline) -> Result<i64> {
        let kind = match &deadline.when {
            When::Date { .. } => "date",
            When::Start { .. } => "start",
            When::DuringYear => "during_year",
            When::Completed => "completed",
            When::Relative(_) => "relative",
            When::Unspecified => "none",
        };
        let (mut after_kind, mut after_phase, mut after_point, mut after_event) =
            (None, None, None, None);
        let (mut days, mut months) = (None, None);
        if let When::Relative(r) = &deadline.when {
            match &r.anchor {
                Anchor::Phase { phase, point } => {
                    after_kind = Some("phase");
                    after_phase = Some(phase.as_str().to_owned());
                    after_point.clone_from(point);
                }
                Anchor::Event(event) => {
                    after_kind = Some("event");
                    after_event = Some(event.clone());
                }
            }
            match r.offset {
                Offset::Days(d) => days = Some(i64::from(d)),
                Offset::Months(m) => months = Some(i64::from(m)),
            }
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO deadline (entity_id, plan_id, kind, date, after_kind, after_phase, \
             after_point, after_event, offset_days, offset_months, tentative) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(self.owner.entity)
        .bind(self.owner.plan)
        .bind(kind)
        .bind(deadline.fixed_date().map(date_text))
        .bind(after_kind)
        .bind(after_phase)
        .bind(after_point)
        .bind(after_event)
        .bind(days)
        .bind(months)
        .bind(i64::from(deadline.tentative))
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }

    async fn surveys(&mut self, plan: &Plan) -> Result<()> {
        let columns = [
            "position",
            "service",
            "year",
            "positive_pct",
            "neutral_pct",
            "negative_pct",
        ];
        self.insert_rows(
            ("survey_result", &columns),
            &plan.customer_satisfaction,
            |q, i, s| {
                q.bind(i)
                    .bind(&s.service)
                    .bind(s.year.map(i64::from))
                    .bind(s.positive_pct.to_string())
                    .bind(s.neutral_pct.to_string())
                    .bind(s.negative_pct.to_string())
            },
        )
        .await
    }

    async fn diagnostics(&mut self, diagnostics: &[Diagnostic]) -> Result<()> {
        let columns = ["position", "code", "severity", "path", "line", "message"];
        self.insert_rows(("import_diagnostic", &columns), diagnostics, |q, i, d| {
            q.bind(i)
                .bind(d.code.as_str())
                .bind(name_of(&d.severity))
                .bind(&d.location.path)
                .bind(d.location.line.map(position))
                .bind(&d.message)
        })
        .await
    }

    /// Inserts `rows` into `table`, many a statement: each row carries the owner's
    /// `entity_id` and `plan_id`, then what `bind` binds for it (given its position from 0)
    /// in the order of `columns`. Placeholders are numbered (`$n`), as both backends read them.
    async fn insert_rows<T>(
        &mut self,
        (table, columns): (&str, &[&str]),
        rows: &[T],
        bind: impl Fn(Insert, i64, &T) -> Insert,
    ) -> Result<()> {
        let width = columns.len() + 2;
        for (c, chunk) in rows.chunks(ROWS_PER_INSERT).enumerate() {
            let tuples: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let marks: Vec<String> =
                        (1..=width).map(|k| format!("${}", r * width + k)).collect();
                    format!("({})", marks.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO {table} (entity_id, plan_id, {}) VALUES {}",
                columns.join(", "),
                tuples.join(", ")
            );
            let mut query: Insert = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (i, row) in chunk.iter().enumerate() {
                let at = position(c * ROWS_PER_INSERT + i);
                query = bind(query.bind(self.owner.entity).bind(self.owner.plan), at, row);
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }
}

/// A unique-key violation on a plan's own rows means the plan repeats an id.
fn duplicate_as_invalid(e: sqlx::Error, what: &str) -> StoreError {
    StoreError::or_duplicate(e, || StoreError::Invalid(what.to_owned()))
}

/// The plan's PIAO as the `plan.piao` column keeps it (JSON), or NULL.
fn piao_json(plan: &Plan) -> Result<Option<String>> {
    plan.piao
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Invalid(format!("the plan's PIAO: {e}")))
}
