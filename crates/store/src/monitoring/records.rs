//! What monitoring records on a plan: its scoring settings, indicator actuals, the
//! evaluator's neutralisations and the dates of events; each write bumps the plan's revision
//! and goes into the audit log.

use chrono::NaiveDate;
use domain::PlanId;
use domain::audit::AuditAction;

use rust_decimal::Decimal;
use sqlx::{Any, Transaction};

use super::bump;
use crate::audit::{Change, Stamp};
use crate::error::Result;
use crate::text::date_text;
use crate::{Store, StoreError};

/// A table that keeps one value per plan and key, with when and by whom it was set: the
/// evaluator's neutralisations (a reason per subject), the dates of events.
struct Keyed {
    table: &'static str,
    key: &'static str,
    value: &'static str,
    /// The columns of the stamp: when, by whom.
    stamped: (&'static str, &'static str),
}

const NEUTRALISATION: Keyed = Keyed {
    table: "neutralisation",
    key: "subject",
    value: "reason",
    stamped: ("decided_at", "decided_by"),
};

const EVENT_DATE: Keyed = Keyed {
    table: "event_date",
    key: "event",
    value: "day",
    stamped: ("recorded_at", "recorded_by"),
};

impl Keyed {
    /// The value kept for `key`, if any.
    async fn read(
        &self,
        tx: &mut Transaction<'_, Any>,
        plan_id: i64,
        key: &str,
    ) -> Result<Option<String>> {
        let Keyed {
            table,
            key: k,
            value,
            ..
        } = self;
        let sql = format!("SELECT {value} FROM {table} WHERE plan_id = $1 AND {k} = $2");
        let row: Option<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(plan_id)
            .bind(key)
            .fetch_optional(&mut **tx)
            .await?;
        Ok(row.map(|(v,)| v))
    }

    /// Keeps `value` for `key` (`None`: keeps nothing), stamped.
    async fn write(
        &self,
        tx: &mut Transaction<'_, Any>,
        (plan_id, key): (i64, &str),
        value: Option<&str>,
        stamp: &Stamp,
    ) -> Result<()> {
        let Keyed {
            table,
            key: k,
            value: v,
            stamped: (at, by),
        } = self;
        let delete = format!("DELETE FROM {table} WHERE plan_id = $1 AND {k} = $2");
        sqlx::query(sqlx::AssertSqlSafe(delete))
            .bind(plan_id)
            .bind(key)
            .execute(&mut **tx)
            .await?;
        if let Some(value) = value {
            let insert = format!(
                "INSERT INTO {table} (plan_id, {k}, {v}, {at}, {by}) VALUES ($1, $2, $3, $4, $5)"
            );
            sqlx::query(sqlx::AssertSqlSafe(insert))
                .bind(plan_id)
                .bind(key)
                .bind(value)
                .bind(stamp.text())
                .bind(&stamp.actor)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}

impl Store {
    /// Sets (or, with `None`, resets to the defaults) the plan's scoring settings, already
    /// checked against the plan by the caller.
    pub async fn set_scoring(
        &self,
        plan: &PlanId,
        json: Option<&str>,
        stamp: &Stamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let before: Option<(Option<String>,)> =
            sqlx::query_as("SELECT scoring FROM plan WHERE slug = $1")
                .bind(plan.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        let (before,) = before.ok_or_else(|| StoreError::NotFound(format!("plan {plan}")))?;
        bump(&mut tx, plan).await?;
        sqlx::query("UPDATE plan SET scoring = $1 WHERE slug = $2")
            .bind(json)
            .bind(plan.as_str())
            .execute(&mut *tx)
            .await?;
        let value = |j: Option<&str>| {
            j.map(|j| serde_json::from_str(j).unwrap_or(serde_json::Value::String(j.into())))
        };
        self.audited(
            tx,
            stamp,
            Change::plan(AuditAction::PlanScoring, plan.as_str(), plan.to_string())
                .before(value(before.as_deref()))
                .after(value(json)),
        )
        .await
    }

    /// Records the actual of indicator `position` (from 1) of objective `label` of `unit`.
    #[allow(clippy::too_many_arguments)]
    pub async fn report_actual(
        &self,
        plan: &PlanId,
        unit: &str,
        label: &str,
        position: usize,
        value: Decimal,
        measured_on: NaiveDate,
        source: &str,
        round: Option<i64>,
        stamp: &Stamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let objective: Option<(i64,)> = sqlx::query_as(
            "SELECT o.id FROM objective o JOIN unit u ON u.id = o.unit_id \
             JOIN plan p ON p.id = o.plan_id WHERE p.slug = $1 AND u.slug = $2 AND o.label = $3",
        )
        .bind(plan.as_str())
        .bind(unit)
        .bind(label)
        .fetch_optional(&mut *tx)
        .await?;
        let (objective,) =
            objective.ok_or_else(|| StoreError::NotFound(format!("objective {unit}/{label}")))?;
        bump(&mut tx, plan).await?;
        let position = i64::try_from(position).unwrap_or(i64::MAX);
        let before: Option<(String, String, String)> = sqlx::query_as(
            "SELECT value, measured_on, source FROM indicator_actual \
             WHERE objective_id = $1 AND position = $2",
        )
        .bind(objective)
        .bind(position)
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM indicator_actual WHERE objective_id = $1 AND position = $2")
            .bind(objective)
            .bind(position)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO indicator_actual (objective_id, position, value, measured_on, source, \
             round_id, reported_at, reported_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(objective)
        .bind(position)
        .bind(value.normalize().to_string())
        .bind(date_text(measured_on))
        .bind(source)
        .bind(round)
        .bind(stamp.text())
        .bind(&stamp.actor)
        .execute(&mut *tx)
        .await?;
        self.audited(
            tx,
            stamp,
            Change::plan(
                AuditAction::IndicatorActual,
                plan.as_str(),
                format!("{plan}/{unit}/{label}/i{position}"),
            )
            .before(
                before.map(
                    |(v, d, s)| serde_json::json!({ "value": v, "measured_on": d, "source": s }),
                ),
            )
            .after(serde_json::json!({
                "value": value.normalize().to_string(), "measured_on": date_text(measured_on),
                "source": source,
            })),
        )
        .await
    }

    /// Neutralises `subject` with a reason, or (`reason: None`) lifts its neutralisation.
    pub async fn neutralise(
        &self,
        plan: &PlanId,
        subject: &str,
        reason: Option<&str>,
        stamp: &Stamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let (plan_id, _) = bump(&mut tx, plan).await?;
        let before = NEUTRALISATION.read(&mut tx, plan_id, subject).await?;
        if before.is_none() && reason.is_none() {
            return Err(StoreError::Conflict(format!(
                "{subject} is not neutralised"
            )));
        }
        NEUTRALISATION
            .write(&mut tx, (plan_id, subject), reason, stamp)
            .await?;
        self.audited(
            tx,
            stamp,
            Change::plan(
                if reason.is_some() {
                    AuditAction::Neutralise
                } else {
                    AuditAction::NeutraliseLift
                },
                plan.as_str(),
                format!("{plan}/{subject}"),
            )
            .before(before.map(|r| serde_json::json!({ "reason": r })))
            .after(reason.map(|r| serde_json::json!({ "reason": r }))),
        )
        .await
    }

    /// Records the date of an event relative deadlines count from (by the document's words),
    /// or, with `None`, removes it.
    pub async fn record_event(
        &self,
        plan: &PlanId,
        event: &str,
        day: Option<NaiveDate>,
        stamp: &Stamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let (plan_id, _) = bump(&mut tx, plan).await?;
        let before = EVENT_DATE.read(&mut tx, plan_id, event).await?;
        let text = day.map(date_text);
        EVENT_DATE
            .write(&mut tx, (plan_id, event), text.as_deref(), stamp)
            .await?;
        self.audited(
            tx,
            stamp,
            Change::plan(
                AuditAction::EventDate,
                plan.as_str(),
                format!("{plan}/eventi"),
            )
            .before(before.map(|d| serde_json::json!({ "event": event, "day": d })))
            .after(day.map(|d| serde_json::json!({ "event": event, "day": date_text(d) }))),
        )
        .await
    }
}
