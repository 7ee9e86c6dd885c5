//! A plan's evaluation year (issue 15): the year's record (`domain::evaluation::year::Year`),
//! the people evaluated and their schede, each row a JSON document with a number that every
//! write moves. `evaluation` reads all of it in one transaction; `write_evaluation` writes
//! what a use case changed — the year from the revision its caller saw, each scheda from the
//! version its caller saw (else `Conflict`), people by matricola — with one audit entry whose
//! before and after the caller chooses (steps and counts, never the schede's contents). A
//! write moves the plan's revision, as every write on a plan's log does.

use domain::PlanId;
use domain::audit::AuditAction;
use domain::evaluation::sheet::Sheet;
use domain::evaluation::staff::Member;
use domain::evaluation::year::Year;
use domain::relazione::Relazione;
use serde_json::Value;
use sqlx::{Any, Transaction};

use crate::audit::{Change, Stamp};
use crate::error::Result;
use crate::{Store, StoreError};

/// Everything kept of a plan's evaluation year.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub year: Year,
    /// Moves with every write of the year (0: never written).
    pub revision: i64,
    /// By matricola.
    pub staff: Vec<Member>,
    /// Each scheda with its version, by matricola.
    pub sheets: Vec<(Sheet, i64)>,
}

/// What a use case writes, at once.
#[derive(Debug)]
pub struct EvaluationWrite<'a> {
    /// The year, from the revision the caller saw.
    pub year: Option<(&'a Year, i64)>,
    /// People added or replaced, by matricola.
    pub staff: &'a [Member],
    /// Schede added (`None`) or replaced from the version the caller saw.
    pub sheets: &'a [(Sheet, Option<i64>)],
    /// The audit entry: its kind, subject (after the plan's id) and what it records after.
    pub audit: (AuditAction, String, Value),
}

fn corrupt(what: &str, e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

async fn plan_row(tx: &mut Transaction<'static, Any>, plan: &PlanId) -> Result<i64> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM plan WHERE slug = $1")
        .bind(plan.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|(id,)| id)
        .ok_or_else(|| StoreError::NotFound(format!("plan {plan}")))
}

/// Which per-plan document a revisioned write goes to.
#[derive(Debug, Clone, Copy)]
enum Kept {
    EvaluationYear,
    Relazione,
}

/// Writes a plan's document `doc` of `kept` from revision `seen` (0: none yet); false when
/// someone moved it meanwhile (nothing written).
async fn write_revisioned(
    tx: &mut Transaction<'static, Any>,
    kept: Kept,
    plan: i64,
    doc: String,
    seen: i64,
) -> Result<bool> {
    let (insert, update) = match kept {
        Kept::EvaluationYear => (
            "INSERT INTO evaluation_year (plan_id, document, revision) VALUES ($1, $2, 1) \
             ON CONFLICT (plan_id) DO NOTHING",
            "UPDATE evaluation_year SET document = $1, revision = revision + 1 \
             WHERE plan_id = $2 AND revision = $3",
        ),
        Kept::Relazione => (
            "INSERT INTO relazione (plan_id, document, revision) VALUES ($1, $2, 1) \
             ON CONFLICT (plan_id) DO NOTHING",
            "UPDATE relazione SET document = $1, revision = revision + 1 \
             WHERE plan_id = $2 AND revision = $3",
        ),
    };
    let done = if seen == 0 {
        sqlx::query(insert)
            .bind(plan)
            .bind(doc)
            .execute(&mut **tx)
            .await?
    } else {
        sqlx::query(update)
            .bind(doc)
            .bind(plan)
            .bind(seen)
            .execute(&mut **tx)
            .await?
    };
    Ok(done.rows_affected() == 1)
}

impl Store {
    /// The plan's evaluation year as kept (an empty year before the first write).
    pub async fn evaluation(&self, plan: &PlanId) -> Result<Evaluation> {
        let mut tx = self.begin_read().await?;
        let id = plan_row(&mut tx, plan).await?;
        let year: Option<(String, i64)> =
            sqlx::query_as("SELECT document, revision FROM evaluation_year WHERE plan_id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let (year, revision) = match year {
            Some((doc, revision)) => (
                serde_json::from_str(&doc).map_err(|e| corrupt("evaluation year", e))?,
                revision,
            ),
            None => (Year::default(), 0),
        };
        let staff: Vec<(String,)> = sqlx::query_as(
            "SELECT document FROM staff_member WHERE plan_id = $1 ORDER BY matricola",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let sheets: Vec<(String, i64)> = sqlx::query_as(
            "SELECT document, version FROM scheda WHERE plan_id = $1 ORDER BY matricola",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Evaluation {
            year,
            revision,
            staff: staff
                .into_iter()
                .map(|(d,)| serde_json::from_str(&d).map_err(|e| corrupt("staff member", e)))
                .collect::<Result<_>>()?,
            sheets: sheets
                .into_iter()
                .map(|(d, v)| {
                    serde_json::from_str(&d)
                        .map(|s| (s, v))
                        .map_err(|e| corrupt("scheda", e))
                })
                .collect::<Result<_>>()?,
        })
    }

    /// Writes what a use case changed in one transaction with its audit entry; a year or a
    /// scheda changed meanwhile is a `Conflict` and nothing is written.
    pub async fn write_evaluation(
        &self,
        plan: &PlanId,
        write: EvaluationWrite<'_>,
        stamp: &Stamp,
    ) -> Result<()> {
        let conflict = || {
            StoreError::Conflict(
                "la valutazione è stata cambiata da qualcun altro nel frattempo".into(),
            )
        };
        let mut tx = self.begin_write().await?;
        // The plan's row locked and its revision moved: the year is on the plan's log.
        let (id, _) = crate::monitoring::bump(&mut tx, plan).await?;
        if let Some((year, seen)) = write.year {
            let doc = serde_json::to_string(year).map_err(|e| corrupt("evaluation year", e))?;
            if !write_revisioned(&mut tx, Kept::EvaluationYear, id, doc, seen).await? {
                return Err(conflict());
            }
        }
        for member in write.staff {
            let doc = serde_json::to_string(member).map_err(|e| corrupt("staff member", e))?;
            sqlx::query(
                "INSERT INTO staff_member (plan_id, matricola, document) VALUES ($1, $2, $3) \
                 ON CONFLICT (plan_id, matricola) DO UPDATE SET document = excluded.document",
            )
            .bind(id)
            .bind(&member.matricola)
            .bind(doc)
            .execute(&mut *tx)
            .await?;
        }
        for (sheet, seen) in write.sheets {
            let doc = serde_json::to_string(sheet).map_err(|e| corrupt("scheda", e))?;
            let done = match seen {
                None => {
                    sqlx::query(
                        "INSERT INTO scheda (plan_id, matricola, version, document) \
                         VALUES ($1, $2, 1, $3) ON CONFLICT (plan_id, matricola) DO NOTHING",
                    )
                    .bind(id)
                    .bind(&sheet.matricola)
                    .bind(doc)
                    .execute(&mut *tx)
                    .await?
                }
                Some(version) => {
                    sqlx::query(
                        "UPDATE scheda SET document = $1, version = version + 1 \
                         WHERE plan_id = $2 AND matricola = $3 AND version = $4",
                    )
                    .bind(doc)
                    .bind(id)
                    .bind(&sheet.matricola)
                    .bind(*version)
                    .execute(&mut *tx)
                    .await?
                }
            };
            if done.rows_affected() != 1 {
                return Err(conflict());
            }
        }
        let (action, subject, after) = write.audit;
        self.audited(
            tx,
            stamp,
            Change::plan(
                action,
                plan.as_str(),
                format!("{plan}/valutazione/{subject}"),
            )
            .after(after),
        )
        .await
    }
}

impl Store {
    /// The plan's Relazione as kept, with its revision (the default draft and 0 before the
    /// first write).
    pub async fn relazione(&self, plan: &PlanId) -> Result<(Relazione, i64)> {
        let mut tx = self.begin_read().await?;
        let id = plan_row(&mut tx, plan).await?;
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT document, revision FROM relazione WHERE plan_id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        tx.commit().await?;
        match row {
            Some((doc, revision)) => Ok((
                serde_json::from_str(&doc).map_err(|e| corrupt("relazione", e))?,
                revision,
            )),
            None => Ok((Relazione::default(), 0)),
        }
    }

    /// Writes the plan's Relazione from the revision its caller saw (else `Conflict`) with one
    /// audit entry (`kind`, what it records after); moves the plan's revision.
    pub async fn write_relazione(
        &self,
        plan: &PlanId,
        relazione: &Relazione,
        seen: i64,
        audit: (AuditAction, Value),
        stamp: &Stamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let (id, _) = crate::monitoring::bump(&mut tx, plan).await?;
        let doc = serde_json::to_string(relazione).map_err(|e| corrupt("relazione", e))?;
        if !write_revisioned(&mut tx, Kept::Relazione, id, doc, seen).await? {
            return Err(StoreError::Conflict(
                "la Relazione è stata cambiata da qualcun altro nel frattempo".into(),
            ));
        }
        let (action, after) = audit;
        self.audited(
            tx,
            stamp,
            Change::plan(action, plan.as_str(), format!("{plan}/relazione")).after(after),
        )
        .await
    }
}
