//! The plan's lifecycle in the page: its state, the acts open to the person reading (and why
//! the others are not), the form that performs one, and the history of recorded changes.

use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::access::Refusal;
use domain::audit::Entry;
use domain::workflow::{self, Act, ActKind, BoardAct};
use domain::{Actor, messages};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::{form, path};
use crate::auth::{Viewer, stamp};
use crate::cache::PlanView;
use crate::error::AppError;
use crate::{AppState, paths};

/// The state, the board's act if approved, and the acts this person may perform.
pub fn panel(v: &PlanView, actor: Option<&Actor>, viewer: &Viewer, history: &[Entry]) -> Markup {
    let state = v.summary.state;
    let approval = history
        .iter()
        .rev()
        .find(|e| e.action == "plan.act.approve")
        .and_then(|e| serde_json::from_str::<Value>(e.after.as_deref()?).ok())
        .and_then(|after| serde_json::from_value::<BoardAct>(after.get("board_act")?.clone()).ok());
    html! {
        section class="stato" aria-labelledby="stato" {
            h2 id="stato" { "Stato del piano" }
            p { "Il piano è " strong { (messages::plan_state(state)) } "."
                @if let Some(a) = &approval {
                    " Approvato con deliberazione di Giunta n. " (a.number) " del " (messages::date(a.date)) "."
                }
            }
            @if let Some(actor) = actor {
                @let options = workflow::options(state, actor);
                @if options.is_empty() {
                    p { "Il ciclo di questo piano è concluso." }
                }
                @for (kind, open) in options {
                    @match open {
                        Ok(_) => { (act_form(v, kind, viewer)) }
                        Err(refusal) => {
                            p class="nota" { (messages::act(kind)) ": " (messages::refusal(&refusal)) }
                        }
                    }
                }
            }
        }
    }
}

fn act_form(v: &PlanView, kind: ActKind, viewer: &Viewer) -> Markup {
    let id = |field: &str| format!("{}-{field}", kind.as_str());
    html! {
        form class="modulo atto" method="post" action=(format!("{}/atti", paths::plan(v.id()))) {
            input type="hidden" name="csrf" value=(viewer.csrf());
            input type="hidden" name="kind" value=(kind.as_str());
            input type="hidden" name="from" value=(v.summary.state.as_str());
            @if kind.needs_board_act() {
                p { label for=(id("numero")) { "Numero della deliberazione di Giunta" }
                    input id=(id("numero")) name="act_number" type="text" required; }
                p { label for=(id("data")) { "Data della deliberazione" }
                    input id=(id("data")) name="act_date" type="date" required; }
            }
            @if kind.needs_reason() {
                p { label for=(id("motivo")) { "Motivazione" }
                    textarea id=(id("motivo")) name="reason" required rows="3" {} }
            }
            p { button type="submit" { (messages::act(kind)) } }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ActForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    act_number: String,
    #[serde(default)]
    act_date: String,
}

/// What an act asked for in the API or a form: its kind, reason and board act, checked.
pub fn build_act(kind: &str, reason: &str, number: &str, date: &str) -> Result<Act, AppError> {
    let kind = ActKind::parse(kind)
        .ok_or_else(|| AppError::Unprocessable(format!("Atto sconosciuto: «{kind}».")))?;
    let board_act = if number.trim().is_empty() && date.trim().is_empty() {
        None
    } else {
        let date = domain::limits::parse_date(date).ok_or_else(|| {
            AppError::Unprocessable("La data della deliberazione non è valida (AAAA-MM-GG).".into())
        })?;
        Some(BoardAct {
            number: number.trim().to_string(),
            date,
        })
    };
    let reason = Some(reason.trim().to_string()).filter(|r| !r.is_empty());
    Ok(Act {
        kind,
        reason,
        board_act,
    })
}

/// Performs an act on the plan as `actor`, from the state the person saw (`from`).
pub async fn record(
    state: &AppState,
    v: &PlanView,
    actor: &Actor,
    person: &store::Person,
    act: &Act,
    from: Option<&str>,
) -> Result<domain::PlanState, AppError> {
    let current = v.summary.state;
    let act = &workflow::bounded(act, v.plan.year)
        .map_err(|e| AppError::Unprocessable(messages::act_detail_error(&e)))?;
    // Whose act it is comes first; then whether the plan is where the person saw it.
    let to = workflow::perform(current, act, actor).map_err(|r| match r {
        Refusal::State(_) => AppError::Conflict(messages::refusal(&r)),
        Refusal::ReasonRequired | Refusal::ActRequired => {
            AppError::Unprocessable(messages::refusal(&r))
        }
        _ => AppError::Forbidden(messages::refusal(&r)),
    })?;
    if from.is_some_and(|f| f != current.as_str()) {
        return Err(AppError::Conflict(format!(
            "Nel frattempo il piano è {}: ricaricare la pagina.",
            messages::plan_state(current)
        )));
    }
    let details = serde_json::json!({ "reason": act.reason, "board_act": act.board_act });
    state
        .store
        .record_act(
            v.id(),
            act.kind.as_str(),
            current,
            to,
            details,
            &stamp(person),
        )
        .await?;
    state.plans.invalidate(v.id()).await;
    Ok(to)
}

pub async fn perform(
    State(state): State<AppState>,
    viewer: Viewer,
    p: Result<Path<String>, PathRejection>,
    f: Result<Form<ActForm>, FormRejection>,
) -> Result<Response, AppError> {
    let id = path(p)?;
    let f = form(f)?;
    let session = viewer.checked(&f.csrf)?;
    let (v, actor) = state.view_fresh(&id, Some(&session.person)).await?;
    let actor = actor
        .ok_or_else(|| AppError::Forbidden(messages::refusal(&Refusal::OtherAdministration)))?;
    let act = build_act(&f.kind, &f.reason, &f.act_number, &f.act_date)?;
    record(&state, &v, &actor, &session.person, &act, Some(&f.from)).await?;
    let to = format!("{}#stato", paths::plan(v.id()));
    Ok((StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response())
}

/// The history of a plan or an objective: who changed what, when, from what to what.
pub fn history(entries: &[Entry], caption: &str) -> Markup {
    html! {
        @if entries.is_empty() {
            p { "Nessuna modifica registrata." }
        } @else {
            table class="storia" {
                caption { (caption) }
                thead { tr {
                    th scope="col" { "N." } th scope="col" { "Quando (UTC)" } th scope="col" { "Chi" }
                    th scope="col" { "Che cosa" } th scope="col" { "Cambiamenti" }
                } }
                tbody {
                    @for e in entries.iter().rev() {
                        tr {
                            td { (e.seq) }
                            td { (e.at.replace('T', " ").trim_end_matches('Z')) }
                            td { (messages::actor(&e.actor)) }
                            td { (messages::audit_action(&e.action)) }
                            td { (changes(e)) }
                        }
                    }
                }
            }
        }
    }
}

/// The fields an entry changed, as `field: before → after`.
fn changes(e: &Entry) -> Markup {
    let parse = |t: &Option<String>| {
        t.as_deref()
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
            .unwrap_or(Value::Null)
    };
    let (before, after) = (parse(&e.before), parse(&e.after));
    let show = |key: &str, v: Option<&Value>| match v {
        None | Some(Value::Null) => "—".to_string(),
        Some(Value::String(s)) if key == "state" => {
            domain::PlanState::parse(s).map_or(s.clone(), |st| messages::plan_state(st).to_string())
        }
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(act)) if key == "board_act" => format!(
            "n. {} del {}",
            act.get("number").and_then(Value::as_str).unwrap_or("?"),
            act.get("date")
                .and_then(Value::as_str)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .map_or("?".to_string(), messages::date),
        ),
        Some(Value::Array(items)) if key == "roles" => items
            .iter()
            .filter_map(Value::as_str)
            .map(|r| {
                domain::Role::parse(r).map_or(r.to_string(), |r| messages::role(r).to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Bool(b)) => if *b { "sì" } else { "no" }.to_string(),
        Some(other) => other.to_string(),
    };
    let mut rows = Vec::new();
    if let Some(map) = after.as_object() {
        for (k, new) in map {
            let old = before.get(k);
            if old != Some(new) {
                rows.push((messages::audit_field(k), show(k, old), show(k, Some(new))));
            }
        }
    }
    html! {
        @if !rows.is_empty() {
            ul class="cambi" {
                @for (k, old, new) in rows {
                    li { (k) ": " @if before.is_object() { (old) " → " } (new) }
                }
            }
        }
    }
}
