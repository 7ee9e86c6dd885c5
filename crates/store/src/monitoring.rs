//! Monitoring on the database: the plan's scoring settings, rounds, evidence files, indicator
//! actuals, the evaluator's neutralisations and the recorded dates of events. Each write bumps
//! the plan's revision (so every cache reads it again) and goes into the audit log.

use chrono::{DateTime, Utc};
use domain::PlanId;
use sqlx::{Any, Transaction};

use crate::error::Result;
use crate::text::date;
use crate::{Store, StoreError};
use domain::facts::{Actual, EvidenceInfo, Monitoring, Neutralisation, Round};

mod evidence;
mod records;
mod rounds;

pub use evidence::NewEvidence;
use evidence::{EVIDENCE, EvidenceRow};

pub(crate) fn instant(column: &str, text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("{column} = {text:?}")))
}

pub(super) fn index(column: &str, n: i64) -> Result<usize> {
    usize::try_from(n).map_err(|_| StoreError::Corrupt(format!("{column} = {n}")))
}

pub(super) fn put<T: Clone>(out: &mut Vec<Vec<T>>, a: usize, b: usize, value: T, fill: T) {
    if out.len() <= a {
        out.resize_with(a + 1, Vec::new);
    }
    if out[a].len() <= b {
        out[a].resize(b + 1, fill);
    }
    out[a][b] = value;
}

/// Bumps the plan's revision in `tx`, which also locks its row until `tx` ends (so writes to
/// a plan take turns); returns the plan's id and new revision. A plan that is gone: not found.
pub(crate) async fn bump(tx: &mut Transaction<'static, Any>, plan: &PlanId) -> Result<(i64, i64)> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "UPDATE plan SET revision = revision + 1 WHERE slug = $1 RETURNING id, revision",
    )
    .bind(plan.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    row.ok_or_else(|| StoreError::NotFound(format!("plan {plan}")))
}

impl Store {
    /// What monitoring recorded on a plan.
    pub async fn monitoring(&self, plan: &PlanId) -> Result<Monitoring> {
        let mut tx = self.begin_read().await?;
        let monitoring = Self::read_monitoring(&mut tx, plan).await?;
        tx.commit().await?;
        Ok(monitoring)
    }

    /// `monitoring`, as `tx` sees it.
    pub(crate) async fn read_monitoring(
        tx: &mut sqlx::AnyConnection,
        plan: &PlanId,
    ) -> Result<Monitoring> {
        let row: Option<(i64, Option<String>)> =
            sqlx::query_as("SELECT id, scoring FROM plan WHERE slug = $1")
                .bind(plan.as_str())
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
        /// An evidence file's row with where it stands: objective and phase positions.
        #[derive(sqlx::FromRow)]
        struct Placed {
            objective: i64,
            phase: i64,
            #[sqlx(flatten)]
            file: EvidenceRow,
        }
        let sql = format!(
            "SELECT o.position AS objective, ph.position AS phase, {EVIDENCE} FROM evidence e \
             JOIN phase ph ON ph.id = e.phase_id JOIN objective o ON o.id = ph.objective_id \
             WHERE ph.plan_id = $1 ORDER BY e.id"
        );
        let rows: Vec<Placed> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(plan_id)
            .fetch_all(&mut *tx)
            .await?;
        let mut evidence: Vec<Vec<Vec<EvidenceInfo>>> = Vec::new();
        for row in rows {
            let o = index("objective.position", row.objective)?;
            let p = index("phase.position", row.phase)?;
            if evidence.len() <= o {
                evidence.resize_with(o + 1, Vec::new);
            }
            if evidence[o].len() <= p {
                evidence[o].resize_with(p + 1, Vec::new);
            }
            evidence[o][p].push(row.file.info()?);
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
}
