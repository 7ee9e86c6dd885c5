//! The plan's lifecycle on the database: its state, the acts that move it, and the edits of
//! phases, each guarded against lost updates and recorded in the audit log.

use domain::monitoring::ReportStatus;
use domain::{ActKind, PlanId, PlanState};
use serde::Serialize;

use crate::audit::{Change, Stamp};
use crate::db::Backend;
use crate::error::Result;
use crate::monitoring::bump;
use crate::text::{date, date_text, optional, percent};
use crate::{Store, StoreError};
use domain::audit::AuditAction;
use domain::facts::{PhaseFields, PhaseRecord};

/// Where a phase is: plan, unit, objective label and the phase's position (from 1).
#[derive(Debug, Clone, Copy)]
pub struct PhaseKey<'a> {
    pub plan: &'a PlanId,
    pub unit: &'a str,
    pub objective: &'a str,
    pub position: usize,
}

impl PhaseKey<'_> {
    /// The subject of its audit entries: `plan/unit/objective/position`.
    pub fn subject(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.plan, self.unit, self.objective, self.position
        )
    }
}

/// A conflicting edit: what the phase holds now, at which version, and who changed it last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditConflict {
    pub version: i64,
    pub current: PhaseFields,
}

/// The outcome of an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edited {
    Saved { version: i64 },
    Conflict(Box<EditConflict>),
}

#[derive(sqlx::FromRow)]
struct FieldsRow {
    id: i64,
    plan_id: i64,
    version: i64,
    description: String,
    weight_pct: Option<String>,
    completed_on: Option<String>,
    progress_note: Option<String>,
    status: Option<String>,
}

impl FieldsRow {
    fn fields(&self) -> Result<PhaseFields> {
        Ok(PhaseFields {
            description: self.description.clone(),
            weight_pct: optional(percent, "phase.weight_pct", self.weight_pct.as_deref())?,
            completed_on: optional(date, "phase.completed_on", self.completed_on.as_deref())?,
            note: self.progress_note.clone(),
            status: self.status.as_deref().map(report_status).transpose()?,
        })
    }
}

impl Store {
    /// The state of a plan.
    pub async fn plan_state(&self, plan: &PlanId) -> Result<PlanState> {
        let row: Option<(String,)> = sqlx::query_as("SELECT state FROM plan WHERE slug = $1")
            .bind(plan.as_str())
            .fetch_optional(&self.pool)
            .await?;
        let (state,) = row.ok_or_else(|| StoreError::NotFound(format!("plan {plan}")))?;
        crate::text::state(&state)
    }

    /// Moves a plan from `from` to `to` by an act (`details`: reason, board act); a plan no
    /// longer in `from` is a conflict.
    pub async fn record_act(
        &self,
        plan: &PlanId,
        kind: ActKind,
        from: PlanState,
        to: PlanState,
        details: serde_json::Value,
        stamp: &Stamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let moved = sqlx::query(
            "UPDATE plan SET state = $1, revision = revision + 1 WHERE slug = $2 AND state = $3",
        )
        .bind(to.as_str())
        .bind(plan.as_str())
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?;
        StoreError::changed_or(moved, || {
            StoreError::Conflict(format!("plan {plan} is no longer {from:?}"))
        })?;
        let mut after = details;
        if let Some(map) = after.as_object_mut() {
            map.insert("state".into(), to.as_str().into());
        }
        self.audited(
            tx,
            stamp,
            Change::plan(AuditAction::PlanAct(kind), plan.as_str(), plan.to_string())
                .before(serde_json::json!({ "state": from.as_str() }))
                .after(after),
        )
        .await?;
        tracing::info!(
            plan = %plan,
            act = kind.as_str(),
            to = to.as_str(),
            "plan act recorded"
        );
        Ok(())
    }

    /// The editable fields of a phase and its version.
    pub async fn phase_fields(&self, key: PhaseKey<'_>) -> Result<(i64, PhaseFields)> {
        let row = fields_row(&self.pool, key).await?;
        Ok((row.version, row.fields()?))
    }

    /// Edits a phase if it is still at `version` and its plan still in `state`: saved with the
    /// next version and an audit entry (before and after), or a conflict showing what it holds.
    pub async fn edit_phase(
        &self,
        key: PhaseKey<'_>,
        version: i64,
        state: PlanState,
        wished: &PhaseFields,
        stamp: &Stamp,
    ) -> Result<Edited> {
        let mut tx = self.begin_write().await?;
        // On PostgreSQL the plan's row is locked first, so that acts and edits of a plan take
        // turns and what follows reads what the previous one committed (SQLite's immediate
        // transaction already serialises writers).
        let lock = match self.backend() {
            Backend::Postgres => "SELECT state FROM plan WHERE slug = $1 FOR UPDATE",
            Backend::Sqlite => "SELECT state FROM plan WHERE slug = $1",
        };
        let (plan_state,): (String,) = sqlx::query_as(lock)
            .bind(key.plan.as_str())
            .fetch_optional(&mut *tx)
            .await?
            // The caller found the plan: gone now, it was replaced meanwhile.
            .ok_or_else(|| StoreError::Conflict(format!("plan {} was replaced", key.plan)))?;
        if plan_state != state.as_str() {
            return Err(StoreError::Conflict(format!(
                "plan {} is no longer {state:?}",
                key.plan
            )));
        }
        let row = fields_row(&mut *tx, key).await?;
        let current = row.fields()?;
        if row.version != version {
            return Ok(Edited::Conflict(Box::new(EditConflict {
                version: row.version,
                current,
            })));
        }
        // The new version is the plan's new revision: it only grows, whatever is replaced.
        let (_, revision) = bump(&mut tx, key.plan).await?;
        // While the plan runs, a save is a report: when, by whom, in the open round.
        let report = if state == PlanState::Draft {
            None
        } else {
            let round: Option<(i64,)> = sqlx::query_as(
                "SELECT id FROM monitoring_round WHERE plan_id = $1 AND closed_at IS NULL",
            )
            .bind(row.plan_id)
            .fetch_optional(&mut *tx)
            .await?;
            Some((stamp.text(), stamp.actor.clone(), round.map(|(r,)| r)))
        };
        let updated = sqlx::query(
            "UPDATE phase SET description = $1, weight_pct = $2, completed_on = $3, \
             progress_note = $4, version = $5, status = $6, \
             reported_at = COALESCE($7, reported_at), reported_by = COALESCE($8, reported_by), \
             reported_round = CASE WHEN $9 = 1 THEN COALESCE($10, reported_round) ELSE reported_round END \
             WHERE id = $11 AND version = $12",
        )
        .bind(&wished.description)
        .bind(wished.weight_pct.map(|w| w.to_string()))
        .bind(wished.completed_on.map(date_text))
        .bind(&wished.note)
        .bind(revision)
        .bind(wished.status.map(ReportStatus::as_str))
        .bind(report.as_ref().map(|r| r.0.clone()))
        .bind(report.as_ref().map(|r| r.1.clone()))
        .bind(i64::from(report.is_some()))
        .bind(report.as_ref().and_then(|r| r.2))
        .bind(row.id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            // Another edit committed between our read and our write (PostgreSQL's read
            // committed): show what it holds now.
            drop(tx);
            let (version, current) = self.phase_fields(key).await?;
            return Ok(Edited::Conflict(Box::new(EditConflict {
                version,
                current,
            })));
        }
        self.audited(
            tx,
            stamp,
            Change::plan(AuditAction::PhaseEdit, key.plan.as_str(), key.subject())
                .before(serde_json::to_value(&current)?)
                .after(serde_json::to_value(wished)?),
        )
        .await?;
        Ok(Edited::Saved { version: revision })
    }

    /// The records of every phase of a plan, in the plan's order: one list per objective.
    pub async fn phase_records(&self, plan: &PlanId) -> Result<Vec<Vec<PhaseRecord>>> {
        let mut conn = self.pool.acquire().await?;
        Self::read_records(&mut conn, plan).await
    }

    /// `phase_records`, as `conn` sees them.
    pub(crate) async fn read_records(
        conn: &mut sqlx::AnyConnection,
        plan: &PlanId,
    ) -> Result<Vec<Vec<PhaseRecord>>> {
        let rows: Vec<RecordRow> = sqlx::query_as(
            "SELECT o.position AS objective, ph.version, ph.completed_on, ph.progress_note, \
             ph.status, ph.reported_at, ph.reported_by, ph.reported_round \
             FROM phase ph JOIN objective o ON o.id = ph.objective_id \
             JOIN plan p ON p.id = ph.plan_id WHERE p.slug = $1 \
             ORDER BY o.position, ph.position",
        )
        .bind(plan.as_str())
        .fetch_all(&mut *conn)
        .await?;
        let mut out: Vec<Vec<PhaseRecord>> = Vec::new();
        for row in rows {
            let objective = row.objective;
            let at = usize::try_from(objective)
                .map_err(|_| StoreError::Corrupt(format!("objective.position {objective}")))?;
            if out.len() <= at {
                out.resize_with(at + 1, Vec::new);
            }
            let record = PhaseRecord {
                version: row.version,
                completed_on: optional(date, "phase.completed_on", row.completed_on.as_deref())?,
                note: row.progress_note,
                status: row.status.as_deref().map(report_status).transpose()?,
                reported_at: row
                    .reported_at
                    .as_deref()
                    .map(|t| crate::monitoring::instant("phase.reported_at", t))
                    .transpose()?,
                reported_by: row.reported_by,
                reported_round: row.reported_round,
            };
            out[at].push(record);
        }
        Ok(out)
    }
}

/// A phase's record as `read_records` reads it, with its objective's position.
#[derive(sqlx::FromRow)]
struct RecordRow {
    objective: i64,
    version: i64,
    completed_on: Option<String>,
    progress_note: Option<String>,
    status: Option<String>,
    reported_at: Option<String>,
    reported_by: Option<String>,
    reported_round: Option<i64>,
}

fn report_status(text: &str) -> Result<ReportStatus> {
    ReportStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("phase.status = {text:?}")))
}

async fn fields_row<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    executor: E,
    key: PhaseKey<'_>,
) -> Result<FieldsRow> {
    let position = i64::try_from(key.position).unwrap_or(i64::MAX) - 1;
    sqlx::query_as(
        "SELECT ph.id, ph.plan_id, ph.version, ph.description, ph.weight_pct, ph.completed_on, \
         ph.progress_note, ph.status FROM phase ph \
         JOIN objective o ON o.id = ph.objective_id JOIN unit u ON u.id = o.unit_id \
         JOIN plan p ON p.id = ph.plan_id \
         WHERE p.slug = $1 AND u.slug = $2 AND o.label = $3 AND ph.position = $4",
    )
    .bind(key.plan.as_str())
    .bind(key.unit)
    .bind(key.objective)
    .bind(position)
    .fetch_optional(executor)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("phase {}", key.subject())))
}
