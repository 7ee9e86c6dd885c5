//! What monitoring records on a plan: its scoring settings, indicator actuals, the
//! evaluator's neutralisations and the dates of events; each write bumps the plan's revision
//! and goes into the audit log.

use chrono::NaiveDate;
use domain::audit::AuditAction;

use rust_decimal::Decimal;

use super::bump;
use crate::audit::{Change, Stamp};
use crate::error::Result;
use crate::text::date_text;
use crate::{Store, StoreError};

impl Store {
    /// Sets (or, with `None`, resets to the defaults) the plan's scoring settings, already
    /// checked against the plan by the caller.
    pub async fn set_scoring(&self, plan: &str, json: Option<&str>, stamp: &Stamp) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let before: Option<(Option<String>,)> =
            sqlx::query_as("SELECT scoring FROM plan WHERE slug = $1")
                .bind(plan)
                .fetch_optional(&mut *tx)
                .await?;
        let (before,) = before.ok_or_else(|| StoreError::NotFound(format!("plan {plan}")))?;
        bump(&mut tx, plan).await?;
        sqlx::query("UPDATE plan SET scoring = $1 WHERE slug = $2")
            .bind(json)
            .bind(plan)
            .execute(&mut *tx)
            .await?;
        let value = |j: Option<&str>| {
            j.map(|j| serde_json::from_str(j).unwrap_or(serde_json::Value::String(j.into())))
        };
        self.audited(
            tx,
            stamp,
            Change::plan(
                AuditAction::PlanScoring,
                plan,
                plan.to_string(),
                value(before.as_deref()),
                value(json),
            ),
        )
        .await
    }

    /// Records the actual of indicator `position` (from 1) of objective `label` of `unit`.
    #[allow(clippy::too_many_arguments)]
    pub async fn report_actual(
        &self,
        plan: &str,
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
        .bind(plan)
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
                plan,
                format!("{plan}/{unit}/{label}/i{position}"),
                before.map(
                    |(v, d, s)| serde_json::json!({ "value": v, "measured_on": d, "source": s }),
                ),
                Some(serde_json::json!({
                    "value": value.normalize().to_string(), "measured_on": date_text(measured_on),
                    "source": source,
                })),
            ),
        )
        .await
    }

    /// Neutralises `subject` with a reason, or (`reason: None`) lifts its neutralisation.
    pub async fn neutralise(
        &self,
        plan: &str,
        subject: &str,
        reason: Option<&str>,
        stamp: &Stamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let plan_id = self.lock_plan(&mut tx, plan).await?;
        let before: Option<(String,)> =
            sqlx::query_as("SELECT reason FROM neutralisation WHERE plan_id = $1 AND subject = $2")
                .bind(plan_id)
                .bind(subject)
                .fetch_optional(&mut *tx)
                .await?;
        if before.is_none() && reason.is_none() {
            return Err(StoreError::Conflict(format!(
                "{subject} is not neutralised"
            )));
        }
        bump(&mut tx, plan).await?;
        sqlx::query("DELETE FROM neutralisation WHERE plan_id = $1 AND subject = $2")
            .bind(plan_id)
            .bind(subject)
            .execute(&mut *tx)
            .await?;
        if let Some(reason) = reason {
            sqlx::query(
                "INSERT INTO neutralisation (plan_id, subject, reason, decided_at, decided_by) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(plan_id)
            .bind(subject)
            .bind(reason)
            .bind(stamp.text())
            .bind(&stamp.actor)
            .execute(&mut *tx)
            .await?;
        }
        self.audited(
            tx,
            stamp,
            Change::plan(
                if reason.is_some() {
                    AuditAction::Neutralise
                } else {
                    AuditAction::NeutraliseLift
                },
                plan,
                format!("{plan}/{subject}"),
                before.map(|(r,)| serde_json::json!({ "reason": r })),
                reason.map(|r| serde_json::json!({ "reason": r })),
            ),
        )
        .await
    }

    /// Records the date of an event relative deadlines count from (by the document's words),
    /// or, with `None`, removes it.
    pub async fn record_event(
        &self,
        plan: &str,
        event: &str,
        day: Option<NaiveDate>,
        stamp: &Stamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let plan_id = self.lock_plan(&mut tx, plan).await?;
        let before: Option<(String,)> =
            sqlx::query_as("SELECT day FROM event_date WHERE plan_id = $1 AND event = $2")
                .bind(plan_id)
                .bind(event)
                .fetch_optional(&mut *tx)
                .await?;
        bump(&mut tx, plan).await?;
        sqlx::query("DELETE FROM event_date WHERE plan_id = $1 AND event = $2")
            .bind(plan_id)
            .bind(event)
            .execute(&mut *tx)
            .await?;
        if let Some(day) = day {
            sqlx::query(
                "INSERT INTO event_date (plan_id, event, day, recorded_at, recorded_by) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(plan_id)
            .bind(event)
            .bind(date_text(day))
            .bind(stamp.text())
            .bind(&stamp.actor)
            .execute(&mut *tx)
            .await?;
        }
        self.audited(
            tx,
            stamp,
            Change::plan(
                AuditAction::EventDate,
                plan,
                format!("{plan}/eventi"),
                before.map(|(d,)| serde_json::json!({ "event": event, "day": d })),
                day.map(|d| serde_json::json!({ "event": event, "day": date_text(d) })),
            ),
        )
        .await
    }
}
