//! Monitoring on the database: the plan's scoring settings, rounds, evidence files, indicator
//! actuals, the evaluator's neutralisations and the recorded dates of events. Each write bumps
//! the plan's revision (so every cache reads it again) and goes into the audit log.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};

use crate::audit::{Change, Stamp, append};
use crate::db::Backend;
use crate::error::Result;
use crate::text::{date, date_text};
use crate::{Store, StoreError};
use domain::audit::AuditAction;
use domain::facts::{Actual, EvidenceInfo, Monitoring, Neutralisation, Round};

/// A new evidence file, already checked by its caller.
#[derive(Debug, Clone)]
pub struct NewEvidence<'a> {
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub content: &'a [u8],
}

pub(crate) fn instant(column: &str, text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("{column} = {text:?}")))
}

fn index(column: &str, n: i64) -> Result<usize> {
    usize::try_from(n).map_err(|_| StoreError::Corrupt(format!("{column} = {n}")))
}

fn put<T: Clone>(out: &mut Vec<Vec<T>>, a: usize, b: usize, value: T, fill: T) {
    if out.len() <= a {
        out.resize_with(a + 1, Vec::new);
    }
    if out[a].len() <= b {
        out[a].resize(b + 1, fill);
    }
    out[a][b] = value;
}

/// Bumps the plan's revision in `tx`; the plan is gone: a conflict.
async fn bump(tx: &mut Transaction<'static, Any>, plan: &str) -> Result<i64> {
    let row: Option<(i64,)> =
        sqlx::query_as("UPDATE plan SET revision = revision + 1 WHERE slug = $1 RETURNING id")
            .bind(plan)
            .fetch_optional(&mut **tx)
            .await?;
    row.map(|(id,)| id)
        .ok_or_else(|| StoreError::NotFound(format!("plan {plan}")))
}

impl Store {
    /// What monitoring recorded on a plan.
    pub async fn monitoring(&self, plan: &str) -> Result<Monitoring> {
        let mut tx = self.begin_read().await?;
        let monitoring = Self::read_monitoring(&mut tx, plan).await?;
        tx.commit().await?;
        Ok(monitoring)
    }

    /// `monitoring`, as `tx` sees it.
    pub(crate) async fn read_monitoring(
        tx: &mut sqlx::AnyConnection,
        plan: &str,
    ) -> Result<Monitoring> {
        let row: Option<(i64, Option<String>)> =
            sqlx::query_as("SELECT id, scoring FROM plan WHERE slug = $1")
                .bind(plan)
                .fetch_optional(&mut *tx)
                .await?;
        let (plan_id, scoring) = row.ok_or_else(|| StoreError::NotFound(format!("plan {plan}")))?;
        type RoundRow = (
            i64,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
        );
        let rounds: Vec<RoundRow> = sqlx::query_as(
            "SELECT id, name, as_of, opened_at, opened_by, closed_at, closed_by \
             FROM monitoring_round WHERE plan_id = $1 ORDER BY id",
        )
        .bind(plan_id)
        .fetch_all(&mut *tx)
        .await?;
        let rounds = rounds
            .into_iter()
            .map(
                |(id, name, as_of, opened_at, opened_by, closed_at, closed_by)| {
                    Ok(Round {
                        id,
                        name,
                        as_of: date("monitoring_round.as_of", &as_of)?,
                        opened_at: instant("monitoring_round.opened_at", &opened_at)?,
                        opened_by,
                        closed_at: closed_at
                            .as_deref()
                            .map(|t| instant("monitoring_round.closed_at", t))
                            .transpose()?,
                        closed_by,
                    })
                },
            )
            .collect::<Result<Vec<_>>>()?;
        type ActualRow = (
            i64,
            i64,
            String,
            String,
            String,
            Option<i64>,
            String,
            String,
        );
        let rows: Vec<ActualRow> = sqlx::query_as(
            "SELECT o.position, a.position, a.value, a.measured_on, a.source, a.round_id, \
             a.reported_at, a.reported_by FROM indicator_actual a \
             JOIN objective o ON o.id = a.objective_id WHERE o.plan_id = $1",
        )
        .bind(plan_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut actuals = Vec::new();
        for (o, i, value, measured_on, source, round, at, by) in rows {
            let actual = Actual {
                value: value
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("indicator_actual.value {value}")))?,
                measured_on: date("indicator_actual.measured_on", &measured_on)?,
                source,
                round,
                reported_at: instant("indicator_actual.reported_at", &at)?,
                reported_by: by,
            };
            let i = index("indicator_actual.position", i)?.saturating_sub(1);
            put(
                &mut actuals,
                index("objective.position", o)?,
                i,
                Some(actual),
                None,
            );
        }
        type EvidenceRow = (
            i64,
            i64,
            i64,
            String,
            String,
            i64,
            String,
            Option<i64>,
            String,
            String,
        );
        let rows: Vec<EvidenceRow> = sqlx::query_as(
            "SELECT o.position, ph.position, e.id, e.file_name, e.content_type, e.size, e.sha256, \
             e.round_id, e.uploaded_at, e.uploaded_by FROM evidence e \
             JOIN phase ph ON ph.id = e.phase_id JOIN objective o ON o.id = ph.objective_id \
             WHERE ph.plan_id = $1 ORDER BY e.id",
        )
        .bind(plan_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut evidence: Vec<Vec<Vec<EvidenceInfo>>> = Vec::new();
        for (o, p, id, file_name, content_type, size, sha256, round, at, by) in rows {
            let (o, p) = (index("objective.position", o)?, index("phase.position", p)?);
            if evidence.len() <= o {
                evidence.resize_with(o + 1, Vec::new);
            }
            if evidence[o].len() <= p {
                evidence[o].resize_with(p + 1, Vec::new);
            }
            evidence[o][p].push(EvidenceInfo {
                id,
                file_name,
                content_type,
                size,
                sha256,
                round,
                uploaded_at: instant("evidence.uploaded_at", &at)?,
                uploaded_by: by,
            });
        }
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT subject, reason, decided_at, decided_by FROM neutralisation \
             WHERE plan_id = $1 ORDER BY subject",
        )
        .bind(plan_id)
        .fetch_all(&mut *tx)
        .await?;
        let neutralisations = rows
            .into_iter()
            .map(|(subject, reason, at, by)| {
                Ok(Neutralisation {
                    subject,
                    reason,
                    decided_at: instant("neutralisation.decided_at", &at)?,
                    decided_by: by,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT event, day FROM event_date WHERE plan_id = $1 ORDER BY event")
                .bind(plan_id)
                .fetch_all(&mut *tx)
                .await?;
        let events = rows
            .into_iter()
            .map(|(e, d)| Ok((e, date("event_date.day", &d)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Monitoring {
            scoring,
            rounds,
            actuals,
            evidence,
            neutralisations,
            events,
        })
    }

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
        append(
            &mut tx,
            self.backend(),
            stamp,
            Change {
                action: AuditAction::PlanScoring,
                subject: plan.to_string(),
                plan: Some(plan),
                before: value(before.as_deref()),
                after: value(json),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Opens a round; one round is open at a time (a conflict otherwise).
    pub async fn open_round(
        &self,
        plan: &str,
        name: &str,
        as_of: NaiveDate,
        stamp: &Stamp,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let plan_id = self.lock_plan(&mut tx, plan).await?;
        let open: Option<(String,)> = sqlx::query_as(
            "SELECT name FROM monitoring_round WHERE plan_id = $1 AND closed_at IS NULL",
        )
        .bind(plan_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((open,)) = open {
            return Err(StoreError::Conflict(format!("round {open} is still open")));
        }
        bump(&mut tx, plan).await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO monitoring_round (plan_id, name, as_of, opened_at, opened_by) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(plan_id)
        .bind(name)
        .bind(date_text(as_of))
        .bind(stamp.text())
        .bind(&stamp.actor)
        .fetch_one(&mut *tx)
        .await?;
        append(
            &mut tx,
            self.backend(),
            stamp,
            Change {
                action: AuditAction::RoundOpen,
                subject: format!("{plan}/monitoraggi/{id}"),
                plan: Some(plan),
                before: None,
                after: Some(serde_json::json!({ "name": name, "as_of": date_text(as_of) })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Closes the open round `id`; a round already closed is a conflict.
    pub async fn close_round(&self, plan: &str, id: i64, stamp: &Stamp) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let plan_id = self.lock_plan(&mut tx, plan).await?;
        let closed = sqlx::query(
            "UPDATE monitoring_round SET closed_at = $1, closed_by = $2 \
             WHERE id = $3 AND plan_id = $4 AND closed_at IS NULL",
        )
        .bind(stamp.text())
        .bind(&stamp.actor)
        .bind(id)
        .bind(plan_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if closed == 0 {
            return Err(StoreError::Conflict(format!("round {id} is not open")));
        }
        bump(&mut tx, plan).await?;
        append(
            &mut tx,
            self.backend(),
            stamp,
            Change {
                action: AuditAction::RoundClose,
                subject: format!("{plan}/monitoraggi/{id}"),
                plan: Some(plan),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Keeps an evidence file with phase `position` (from 1) of objective `label` of `unit`.
    pub async fn add_evidence(
        &self,
        key: crate::PhaseKey<'_>,
        round: Option<i64>,
        file: &NewEvidence<'_>,
        stamp: &Stamp,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let position = i64::try_from(key.position).unwrap_or(i64::MAX) - 1;
        let phase: Option<(i64,)> = sqlx::query_as(
            "SELECT ph.id FROM phase ph JOIN objective o ON o.id = ph.objective_id \
             JOIN unit u ON u.id = o.unit_id JOIN plan p ON p.id = ph.plan_id \
             WHERE p.slug = $1 AND u.slug = $2 AND o.label = $3 AND ph.position = $4",
        )
        .bind(key.plan)
        .bind(key.unit)
        .bind(key.objective)
        .bind(position)
        .fetch_optional(&mut *tx)
        .await?;
        let (phase,) =
            phase.ok_or_else(|| StoreError::NotFound(format!("phase {}", key.subject())))?;
        bump(&mut tx, key.plan).await?;
        let sha = hex(&Sha256::digest(file.content));
        let size = i64::try_from(file.content.len()).unwrap_or(i64::MAX);
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO evidence (phase_id, round_id, file_name, content_type, size, sha256, \
             content, uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING id",
        )
        .bind(phase)
        .bind(round)
        .bind(file.file_name)
        .bind(file.content_type)
        .bind(size)
        .bind(&sha)
        .bind(file.content)
        .bind(stamp.text())
        .bind(&stamp.actor)
        .fetch_one(&mut *tx)
        .await?;
        append(
            &mut tx,
            self.backend(),
            stamp,
            Change {
                action: AuditAction::PhaseEvidence,
                subject: key.subject(),
                plan: Some(key.plan),
                before: None,
                after: Some(serde_json::json!({
                    "file": file.file_name, "type": file.content_type, "size": size, "sha256": sha,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An evidence file of a phase: its description and content.
    pub async fn evidence(
        &self,
        key: crate::PhaseKey<'_>,
        id: i64,
    ) -> Result<(EvidenceInfo, Vec<u8>)> {
        type Row = (
            String,
            String,
            i64,
            String,
            Option<i64>,
            String,
            String,
            Vec<u8>,
        );
        let position = i64::try_from(key.position).unwrap_or(i64::MAX) - 1;
        let row: Option<Row> = sqlx::query_as(
            "SELECT e.file_name, e.content_type, e.size, e.sha256, e.round_id, e.uploaded_at, \
             e.uploaded_by, e.content FROM evidence e JOIN phase ph ON ph.id = e.phase_id \
             JOIN objective o ON o.id = ph.objective_id JOIN unit u ON u.id = o.unit_id \
             JOIN plan p ON p.id = ph.plan_id \
             WHERE p.slug = $1 AND u.slug = $2 AND o.label = $3 AND ph.position = $4 AND e.id = $5",
        )
        .bind(key.plan)
        .bind(key.unit)
        .bind(key.objective)
        .bind(position)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let (file_name, content_type, size, sha256, round, at, by, content) =
            row.ok_or_else(|| StoreError::NotFound(format!("evidence {id}")))?;
        Ok((
            EvidenceInfo {
                id,
                file_name,
                content_type,
                size,
                sha256,
                round,
                uploaded_at: instant("evidence.uploaded_at", &at)?,
                uploaded_by: by,
            },
            content,
        ))
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
        append(
            &mut tx,
            self.backend(),
            stamp,
            Change {
                action: AuditAction::IndicatorActual,
                subject: format!("{plan}/{unit}/{label}/i{position}"),
                plan: Some(plan),
                before: before.map(
                    |(v, d, s)| serde_json::json!({ "value": v, "measured_on": d, "source": s }),
                ),
                after: Some(serde_json::json!({
                    "value": value.normalize().to_string(), "measured_on": date_text(measured_on),
                    "source": source,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
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
        append(
            &mut tx,
            self.backend(),
            stamp,
            Change {
                action: if reason.is_some() {
                    AuditAction::Neutralise
                } else {
                    AuditAction::NeutraliseLift
                },
                subject: format!("{plan}/{subject}"),
                plan: Some(plan),
                before: before.map(|(r,)| serde_json::json!({ "reason": r })),
                after: reason.map(|r| serde_json::json!({ "reason": r })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
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
        append(
            &mut tx,
            self.backend(),
            stamp,
            Change {
                action: AuditAction::EventDate,
                subject: format!("{plan}/eventi"),
                plan: Some(plan),
                before: before.map(|(d,)| serde_json::json!({ "event": event, "day": d })),
                after: day.map(|d| serde_json::json!({ "event": event, "day": date_text(d) })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
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
        plan: &str,
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
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(format!("reminder {kind} of round {round} already sent"))
            }
            _ => StoreError::Database(e),
        })?;
        append(
            &mut tx,
            self.backend(),
            stamp,
            Change {
                action: AuditAction::RoundReminder,
                subject: format!("{plan}/monitoraggi/{round}"),
                plan: Some(plan),
                before: None,
                after: Some(serde_json::json!({ "to": username, "kind": kind })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The plan's id, its row locked on PostgreSQL so that writes to it take turns.
    pub(crate) async fn lock_plan(
        &self,
        tx: &mut Transaction<'static, Any>,
        plan: &str,
    ) -> Result<i64> {
        let lock = match self.backend() {
            Backend::Postgres => "SELECT id FROM plan WHERE slug = $1 FOR UPDATE",
            Backend::Sqlite => "SELECT id FROM plan WHERE slug = $1",
        };
        let row: Option<(i64,)> = sqlx::query_as(lock)
            .bind(plan)
            .fetch_optional(&mut **tx)
            .await?;
        row.map(|(id,)| id)
            .ok_or_else(|| StoreError::NotFound(format!("plan {plan}")))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
