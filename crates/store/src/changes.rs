//! Change requests on the database and the plan's versions: a request is recorded, the
//! Nucleo's opinion and the Giunta's decision are added in turn (each a conflict when out of
//! turn), and an approval changes the stored plan in place (monitoring keeps its records) and
//! keeps the version before (the first time) and after as whole documents.

use domain::change::{Proposal, RequestState};
use domain::{BoardAct, Objective, Plan, PlanId};
use sqlx::{Any, Transaction};

use crate::audit::{Change, Stamp};
use crate::error::Result;
use crate::monitoring::{bump, instant};
use crate::text::{date, date_text};
use crate::{Store, StoreError};
use domain::audit::AuditAction;
use domain::facts::{ChangeRequest, Decision, Opinion, VersionInfo};

/// A change request's row, its columns as `COLUMNS` names them.
#[derive(sqlx::FromRow)]
struct RequestRow {
    id: i64,
    objective: String,
    proposal: String,
    reason: String,
    state: String,
    requested_at: String,
    requested_by: String,
    opinion: Option<String>,
    opinion_favourable: Option<i64>,
    opinion_at: Option<String>,
    opinion_by: Option<String>,
    act_number: Option<String>,
    act_date: Option<String>,
    decided_at: Option<String>,
    decided_by: Option<String>,
    version: Option<i64>,
}

fn request(row: RequestRow) -> Result<ChangeRequest> {
    let id = row.id;
    let opinion = match (row.opinion, row.opinion_at, row.opinion_by) {
        (Some(text), Some(at), Some(by)) => Some(Opinion {
            favourable: row.opinion_favourable.unwrap_or(0) != 0,
            text,
            at: instant("change_request.opinion_at", &at)?,
            by,
        }),
        _ => None,
    };
    let decision = match (row.act_number, row.act_date, row.decided_at, row.decided_by) {
        (Some(act_number), Some(act_date), Some(at), Some(by)) => Some(Decision {
            act_number,
            act_date: date("change_request.act_date", &act_date)?,
            at: instant("change_request.decided_at", &at)?,
            by,
        }),
        _ => None,
    };
    let state = row.state;
    Ok(ChangeRequest {
        id,
        objective: row.objective,
        proposal: serde_json::from_str(&row.proposal)
            .map_err(|_| StoreError::Corrupt(format!("change_request.proposal {id}")))?,
        reason: row.reason,
        state: RequestState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("change_request.state {state:?}")))?,
        requested_at: instant("change_request.requested_at", &row.requested_at)?,
        requested_by: row.requested_by,
        opinion,
        decision,
        version: row.version,
    })
}

const COLUMNS: &str = "id, objective, proposal, reason, state, requested_at, requested_by, \
    opinion, opinion_favourable, opinion_at, opinion_by, act_number, act_date, decided_at, \
    decided_by, version";

impl Store {
    /// The plan's change requests, oldest first, as `conn` sees them (in its facts).
    pub(crate) async fn read_requests(
        conn: &mut sqlx::AnyConnection,
        plan: &PlanId,
    ) -> Result<Vec<ChangeRequest>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM change_request WHERE plan_id = \
             (SELECT id FROM plan WHERE slug = $1) ORDER BY id"
        );
        let rows: Vec<RequestRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(plan.as_str())
            .fetch_all(&mut *conn)
            .await?;
        rows.into_iter().map(request).collect()
    }

    /// Records a request on objective `objective` (`unit/label`).
    pub async fn request_change(
        &self,
        plan: &PlanId,
        objective: &str,
        proposal: &Proposal,
        reason: &str,
        stamp: &Stamp,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let (plan_id, _) = bump(&mut tx, plan).await?;
        let text = serde_json::to_string(proposal)?;
        let insert = sqlx::query_as(
            "INSERT INTO change_request (plan_id, objective, proposal, reason, state, \
             requested_at, requested_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(plan_id)
        .bind(objective)
        .bind(text)
        .bind(reason)
        .bind(RequestState::Requested.as_str());
        self.inserted(tx, stamp, insert, |id| {
            Ok(
                on_request(AuditAction::ChangeRequest, plan, id).after(serde_json::json!({
                    "objective": objective, "proposal": serde_json::to_value(proposal)?,
                    "reason": reason,
                })),
            )
        })
        .await
    }

    /// The Nucleo's opinion on request `id`, which must be waiting for it.
    pub async fn give_opinion(
        &self,
        plan: &PlanId,
        id: i64,
        favourable: bool,
        text: &str,
        stamp: &Stamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let (plan_id, _) = bump(&mut tx, plan).await?;
        let done = sqlx::query(
            "UPDATE change_request SET state = $1, opinion = $2, opinion_favourable = $3, \
             opinion_at = $4, opinion_by = $5 WHERE id = $6 AND plan_id = $7 AND state = $8",
        )
        .bind(RequestState::Opined.as_str())
        .bind(text)
        .bind(i64::from(favourable))
        .bind(stamp.text())
        .bind(&stamp.actor)
        .bind(id)
        .bind(plan_id)
        .bind(RequestState::Requested.as_str())
        .execute(&mut *tx)
        .await?;
        StoreError::changed_or(done, || {
            StoreError::Conflict(format!("request {id} is not waiting for an opinion"))
        })?;
        self.audited(
            tx,
            stamp,
            on_request(AuditAction::ChangeOpinion, plan, id)
                .after(serde_json::json!({ "favourable": favourable, "opinion": text })),
        )
        .await
    }

    /// The Giunta's decision on request `id`, which must have the Nucleo's opinion. An
    /// approval changes the stored plan as `next` (the plan with the proposal applied to
    /// objective `objective`) and keeps versions: `current` (the plan's document now) as
    /// version 1 the first time, `next` as the following one. Both were computed from the
    /// plan at revision `seen`: if it changed meanwhile (another decision, an edit), nothing
    /// is done and the caller is told (a conflict starting "plan changed"). Returns the
    /// version made.
    #[allow(clippy::too_many_arguments)]
    pub async fn decide_change(
        &self,
        plan: &PlanId,
        id: i64,
        act: &BoardAct,
        approval: Option<(&str, &Plan, &Objective)>,
        seen: i64,
        stamp: &Stamp,
    ) -> Result<Option<i64>> {
        let mut tx = self.begin_write().await?;
        // The bump locks the plan: the revision before it is the one the caller must have seen.
        let (plan_id, revision) = bump(&mut tx, plan).await?;
        if revision - 1 != seen {
            return Err(StoreError::Conflict(format!(
                "plan changed: revision {}, not {seen}",
                revision - 1
            )));
        }
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT state, proposal FROM change_request WHERE id = $1 AND plan_id = $2",
        )
        .bind(id)
        .bind(plan_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (state, proposal) =
            row.ok_or_else(|| StoreError::NotFound(format!("change request {id}")))?;
        if state != RequestState::Opined.as_str() {
            return Err(StoreError::Conflict(format!(
                "request {id} is {state}, not waiting for a decision"
            )));
        }
        let proposal: Proposal = serde_json::from_str(&proposal)
            .map_err(|_| StoreError::Corrupt(format!("change_request.proposal {id}")))?;
        let version = match approval {
            None => None,
            Some((current, next, objective)) => {
                let (count,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM plan_version WHERE plan_id = $1")
                        .bind(plan_id)
                        .fetch_one(&mut *tx)
                        .await?;
                if count == 0 {
                    self.keep_version(&mut tx, plan_id, 1, current, None, stamp)
                        .await?;
                }
                let number = count.max(1) + 1;
                change_in_place(&mut tx, plan_id, objective, &proposal, revision).await?;
                let document = serde_json::to_string_pretty(next)?;
                self.keep_version(&mut tx, plan_id, number, &document, Some(id), stamp)
                    .await?;
                Some(number)
            }
        };
        let (to, action) = match version {
            Some(_) => (RequestState::Approved, AuditAction::ChangeApprove),
            None => (RequestState::Rejected, AuditAction::ChangeReject),
        };
        sqlx::query(
            "UPDATE change_request SET state = $1, act_number = $2, act_date = $3, \
             decided_at = $4, decided_by = $5, version = $6 WHERE id = $7",
        )
        .bind(to.as_str())
        .bind(&act.number)
        .bind(date_text(act.date))
        .bind(stamp.text())
        .bind(&stamp.actor)
        .bind(version)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        self.audited(
            tx,
            stamp,
            on_request(action, plan, id).after(serde_json::json!({
                "act": { "number": act.number, "date": date_text(act.date) },
                "version": version,
            })),
        )
        .await?;
        Ok(version)
    }

    async fn keep_version(
        &self,
        tx: &mut Transaction<'static, Any>,
        plan_id: i64,
        number: i64,
        document: &str,
        request: Option<i64>,
        stamp: &Stamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO plan_version (plan_id, number, document, created_at, created_by, \
             change_request) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(plan_id)
        .bind(number)
        .bind(document)
        .bind(stamp.text())
        .bind(&stamp.actor)
        .bind(request)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The plan's versions, oldest first (none until a change is approved), as `conn` sees
    /// them (in its facts).
    pub(crate) async fn read_versions(
        conn: &mut sqlx::AnyConnection,
        plan: &PlanId,
    ) -> Result<Vec<VersionInfo>> {
        let rows: Vec<(i64, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT number, created_at, created_by, change_request FROM plan_version \
             WHERE plan_id = (SELECT id FROM plan WHERE slug = $1) ORDER BY number",
        )
        .bind(plan.as_str())
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .map(|(number, at, by, request)| {
                Ok(VersionInfo {
                    number,
                    created_at: instant("plan_version.created_at", &at)?,
                    created_by: by,
                    change_request: request,
                })
            })
            .collect()
    }

    /// Version `number` of the plan, whole.
    pub async fn version(&self, plan: &PlanId, number: i64) -> Result<Plan> {
        let mut conn = self.pool.acquire().await?;
        Self::read_version(&mut conn, plan, number).await
    }

    /// `version`, as `conn` sees it.
    pub(crate) async fn read_version(
        conn: &mut sqlx::AnyConnection,
        plan: &PlanId,
        number: i64,
    ) -> Result<Plan> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT document FROM plan_version WHERE number = $2 AND plan_id = \
             (SELECT id FROM plan WHERE slug = $1)",
        )
        .bind(plan.as_str())
        .bind(number)
        .fetch_optional(&mut *conn)
        .await?;
        let (document,) =
            row.ok_or_else(|| StoreError::NotFound(format!("version {number} of {plan}")))?;
        serde_json::from_str(&document)
            .map_err(|e| StoreError::Corrupt(format!("plan_version {number}: {e}")))
    }
}

/// Changes the stored objective as the proposal says, leaving every other row (and what
/// monitoring recorded) as it is.
async fn change_in_place(
    tx: &mut Transaction<'static, Any>,
    plan_id: i64,
    objective: &Objective,
    proposal: &Proposal,
    revision: i64,
) -> Result<()> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT o.id FROM objective o JOIN unit u ON u.id = o.unit_id \
         WHERE o.plan_id = $1 AND u.slug = $2 AND o.label = $3",
    )
    .bind(plan_id)
    .bind(objective.unit.as_str())
    .bind(objective.label.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    let (objective_id,) =
        row.ok_or_else(|| StoreError::NotFound(format!("objective {}", objective.id)))?;
    let at = |i: usize| i64::try_from(i).unwrap_or(i64::MAX);
    match proposal {
        Proposal::Deadline { phase, date } => {
            sqlx::query(
                "UPDATE deadline SET kind = 'date', date = $1, after_kind = NULL, \
                 after_phase = NULL, after_point = NULL, after_event = NULL, offset_days = NULL, \
                 offset_months = NULL, tentative = 0 WHERE id = \
                 (SELECT deadline_id FROM phase WHERE objective_id = $2 AND position = $3)",
            )
            .bind(date_text(*date))
            .bind(objective_id)
            .bind(at(*phase))
            .execute(&mut **tx)
            .await?;
            sqlx::query(
                "UPDATE phase SET deadline_text = $1, version = $2 \
                 WHERE objective_id = $3 AND position = $4",
            )
            .bind(domain::messages::date(*date))
            .bind(revision)
            .bind(objective_id)
            .bind(at(*phase))
            .execute(&mut **tx)
            .await?;
        }
        Proposal::Weight { phase, weight } => {
            sqlx::query(
                "UPDATE phase SET weight_pct = $1, version = $2 \
                 WHERE objective_id = $3 AND position = $4",
            )
            .bind(weight.map(|w| w.to_string()))
            .bind(revision)
            .bind(objective_id)
            .bind(at(*phase))
            .execute(&mut **tx)
            .await?;
        }
        Proposal::Target { text } => {
            sqlx::query("UPDATE objective SET expected_result = $1 WHERE id = $2")
                .bind(text.trim())
                .bind(objective_id)
                .execute(&mut **tx)
                .await?;
        }
        Proposal::Indicator { position, text } => {
            sqlx::query("UPDATE indicator SET text = $1 WHERE objective_id = $2 AND position = $3")
                .bind(text.trim())
                .bind(objective_id)
                .bind(at(*position))
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// A change to change request `id` of plan `plan`: `{plan}/richieste/{id}`.
fn on_request(action: AuditAction, plan: &PlanId, id: i64) -> Change<'_> {
    Change::plan(action, plan.as_str(), format!("{plan}/richieste/{id}"))
}
