//! Monitoring rounds on the database: opened and closed by the planning office, and the
//! reminders sent for them, each once.

use chrono::NaiveDate;
use domain::PlanId;
use domain::audit::AuditAction;

use super::bump;
use crate::audit::{Change, Stamp};
use crate::error::Result;
use crate::text::date_text;
use crate::{Store, StoreError};

impl Store {
    /// Opens a round; one round is open at a time (a conflict otherwise).
    pub async fn open_round(
        &self,
        plan: &PlanId,
        name: &str,
        as_of: NaiveDate,
        stamp: &Stamp,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let (plan_id, _) = bump(&mut tx, plan).await?;
        let open: Option<(String,)> = sqlx::query_as(
            "SELECT name FROM monitoring_round WHERE plan_id = $1 AND closed_at IS NULL",
        )
        .bind(plan_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((open,)) = open {
            return Err(StoreError::Conflict(format!("round {open} is still open")));
        }
        let insert = sqlx::query_as(
            "INSERT INTO monitoring_round (plan_id, name, as_of, opened_at, opened_by) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(plan_id)
        .bind(name)
        .bind(date_text(as_of));
        self.inserted(tx, stamp, insert, |id| {
            Ok(on_round(AuditAction::RoundOpen, plan, id)
                .after(serde_json::json!({ "name": name, "as_of": date_text(as_of) })))
        })
        .await
    }

    /// Closes the open round `id`; a round already closed is a conflict.
    pub async fn close_round(&self, plan: &PlanId, id: i64, stamp: &Stamp) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let (plan_id, _) = bump(&mut tx, plan).await?;
        let closed = sqlx::query(
            "UPDATE monitoring_round SET closed_at = $1, closed_by = $2 \
             WHERE id = $3 AND plan_id = $4 AND closed_at IS NULL",
        )
        .bind(stamp.text())
        .bind(&stamp.actor)
        .bind(id)
        .bind(plan_id)
        .execute(&mut *tx)
        .await?;
        StoreError::changed_or(closed, || {
            StoreError::Conflict(format!("round {id} is not open"))
        })?;
        self.audited(tx, stamp, on_round(AuditAction::RoundClose, plan, id))
            .await
    }

    /// Whether reminder `kind` of round `round` already went to `person`.
    pub async fn reminder_sent(&self, round: i64, person: i64, kind: &str) -> Result<bool> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT round_id FROM reminder_sent \
             WHERE round_id = $1 AND person_id = $2 AND kind = $3",
        )
        .bind(round)
        .bind(person)
        .bind(kind)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// Records that reminder `kind` of round `round` went to `username` (whose id is
    /// `person`), once: a second record of the same is a conflict.
    pub async fn record_reminder(
        &self,
        plan: &PlanId,
        round: i64,
        person: i64,
        username: &str,
        kind: &str,
        stamp: &Stamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO reminder_sent (round_id, person_id, kind, sent_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(round)
        .bind(person)
        .bind(kind)
        .bind(stamp.text())
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            StoreError::or_duplicate(e, || {
                StoreError::Conflict(format!("reminder {kind} of round {round} already sent"))
            })
        })?;
        self.audited(
            tx,
            stamp,
            on_round(AuditAction::RoundReminder, plan, round)
                .after(serde_json::json!({ "to": username, "kind": kind })),
        )
        .await
    }
}

/// A change to monitoring round `id` of plan `plan`: `{plan}/monitoraggi/{id}`.
fn on_round(action: AuditAction, plan: &PlanId, id: i64) -> Change<'_> {
    Change::plan(action, plan.as_str(), format!("{plan}/monitoraggi/{id}"))
}
