//! The API's writes, for callers with a token: a plan's acts, and a phase read with its
//! version and edited by naming that version (409 with what it holds now when another edit
//! came first). The rules are those of the pages: the same functions decide.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use cycle::PhaseEdit;
use domain::access::{Action, decide};
use domain::facts::PhaseFields;
use domain::phase_edit::{Mode, Wish};
use domain::workflow::{ActKind, BoardAct};
use domain::{Percent, PlanState};
use serde::{Deserialize, Serialize};
use store::EditConflict;

use super::ApiResult;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{AppError, Problem, ProblemBody};
use crate::paths;

/// An act asked for through the API.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActRequest {
    pub kind: ActKind,
    /// Required to send back or reopen.
    #[serde(default)]
    pub reason: Option<String>,
    /// Required to approve or reopen: the Giunta's deliberation.
    #[serde(default)]
    pub board_act: Option<BoardAct>,
    /// The state the caller believes the plan is in; another state is a 409.
    #[serde(default)]
    pub from: Option<PlanState>,
}

/// The plan's state after an act.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ActDone {
    pub state: PlanState,
}

/// A phase's editable fields with its version: send the version back to edit it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PhaseRecordBody {
    pub version: i64,
    /// What may be edited in the plan's state: `plan` (description, weight) while drafting,
    /// `progress` (completion, note) while running; absent when nothing may.
    pub editable: Option<String>,
    pub description: String,
    /// Percent as a decimal string.
    pub weight_pct: Option<String>,
    /// Absent until the results may be read by this caller.
    pub completed_on: Option<NaiveDate>,
    pub note: Option<String>,
}

/// An edit of a phase. Absent fields stay as they are; an empty string clears one.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseEditRequest {
    /// The version the edit starts from (`GET` gives it).
    pub version: i64,
    #[serde(default)]
    pub description: Option<String>,
    /// Percent as a decimal string (`"12.5"`).
    #[serde(default)]
    pub weight_pct: Option<String>,
    /// `AAAA-MM-GG`.
    #[serde(default)]
    pub completed_on: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// While running: `not_started`, `in_progress` or `done` (done needs `completed_on`).
    #[serde(default)]
    pub status: Option<String>,
}

/// A 409 on a phase: the problem, the version it is at and what it holds.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PhaseConflict {
    #[serde(flatten)]
    pub problem: ProblemBody,
    pub version: i64,
    pub current: PhaseRecordBody,
}

/// A JSON body of type `T`; a body over the limit is a 413 problem, a broken one a 400.
fn body<T: serde::de::DeserializeOwned>(bytes: Result<Bytes, BytesRejection>) -> ApiResult<T> {
    let bytes = bytes.map_err(|e| {
        Problem(if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge { max_bytes: None }
        } else {
            AppError::BadRequest("Il corpo della richiesta non è arrivato intero.".into())
        })
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        tracing::debug!(error = %e, "bad body");
        Problem(AppError::BadRequest(format!(
            "Il corpo JSON non è valido (riga {}, colonna {}): controllare i campi e i loro \
             tipi nel documento OpenAPI.",
            e.line(),
            e.column()
        )))
    })
}

fn signed_in(caller: &Caller) -> ApiResult<&store::Person> {
    caller.0.as_ref().ok_or(Problem(AppError::SignIn))
}

pub async fn act(
    paths::api::Acts { plan: id }: paths::api::Acts,
    State(state): State<AppState>,
    caller: Caller,
    bytes: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ActDone>> {
    let person = signed_in(&caller)?;
    // Who asks and whether the plan is theirs to see come before the body.
    state.cycle().view(&id, Some(person), true).await?;
    let request: ActRequest = body(bytes)?;
    let cycle = state.cycle();
    let to = cycle
        .perform_act(
            &id,
            person,
            cycle::ActRequest {
                kind: request.kind,
                reason: request.reason,
                board_act: request.board_act,
                from: request.from,
            },
            &cycle.stamp(person),
        )
        .await?;
    Ok(Json(ActDone { state: to }))
}

fn record_body(
    v: &crate::cache::PlanView,
    actor: Option<&domain::Actor>,
    editable: Option<Mode>,
    version: i64,
    f: &PhaseFields,
) -> PhaseRecordBody {
    let readable = decide(actor, Action::ReadProgress, v.summary.state).is_ok();
    PhaseRecordBody {
        version,
        editable: editable.map(|m| m.as_str().into()),
        description: f.description.clone(),
        weight_pct: f
            .weight_pct
            .map(|w| Percent::value(w).normalize().to_string()),
        completed_on: f.completed_on.filter(|_| readable),
        note: f.note.clone().filter(|_| readable),
    }
}

pub async fn phase(
    p: paths::api::Phase,
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<PhaseRecordBody>> {
    let (v, actor) = state.cycle().view(&p.plan, caller.0.as_ref(), true).await?;
    let located = v.find_phase(p.at())?;
    let (version, fields) = state
        .cycle()
        .store()
        .phase_fields(v.phase_key(located))
        .await?;
    let editable = v
        .may_edit_phase(located.objective, located.phase, actor.as_ref())
        .ok();
    Ok(Json(record_body(
        &v,
        actor.as_ref(),
        editable,
        version,
        &fields,
    )))
}

pub async fn edit_phase(
    p: paths::api::Phase,
    State(state): State<AppState>,
    caller: Caller,
    bytes: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let person = signed_in(&caller)?.clone();
    // The phase, and whether it is this person's to edit now, come before the body.
    let cycle = state.cycle();
    cycle.phase_for_edit(&p.plan, Some(&person), p.at()).await?;
    let request: PhaseEditRequest = body(bytes)?;
    let wish = Wish {
        description: request.description.as_deref(),
        weight_pct: request.weight_pct.as_deref(),
        completed_on: request.completed_on.as_deref(),
        note: request.note.as_deref(),
        status: request.status.as_deref(),
    };
    let (form, outcome) = cycle
        .edit_phase(
            &p.plan,
            &person,
            p.at(),
            Some(request.version),
            wish,
            &cycle.stamp(&person),
        )
        .await?;
    Ok(match outcome {
        PhaseEdit::Saved { version, fields } => Json(record_body(
            &form.view,
            form.actor.as_ref(),
            Some(form.mode),
            version,
            &fields,
        ))
        .into_response(),
        PhaseEdit::Conflict { conflict: c, .. } => {
            conflict(&form.view, form.actor.as_ref(), form.mode, &c)
        }
    })
}

fn conflict(
    v: &crate::cache::PlanView,
    actor: Option<&domain::Actor>,
    mode: Mode,
    c: &EditConflict,
) -> Response {
    let body = PhaseConflict {
        problem: ProblemBody {
            kind: "about:blank".into(),
            title: "Modifica in conflitto".into(),
            status: StatusCode::CONFLICT.as_u16(),
            detail: format!(
                "La fase è alla versione {}: qualcun altro l'ha modificata. Rileggerla e ripetere la modifica.",
                c.version
            ),
        },
        version: c.version,
        current: record_body(v, actor, Some(mode), c.version, &c.current),
    };
    let text = serde_json::to_string(&body).unwrap_or_default();
    (
        StatusCode::CONFLICT,
        [(header::CONTENT_TYPE, "application/problem+json")],
        text,
    )
        .into_response()
}
