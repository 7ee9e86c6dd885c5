//! The plan's lifecycle in the page: its state, the acts open to the person reading (and why
//! the others are not), the form that performs one, and the history of recorded changes.

use axum::response::Response;
use chrono::NaiveDate;
use cycle::ActRequest;
use domain::audit::{AuditAction, Entry};
use domain::workflow::{self, ActKind, BoardAct};
use domain::{Actor, messages};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::forms::Signed;
use super::see_other;
use crate::auth::Viewer;
use crate::cache::PlanView;
use crate::error::AppError;
use crate::paths;

/// The state, the board's act if approved, and the acts this person may perform.
pub fn panel(v: &PlanView, actor: Option<&Actor>, viewer: &Viewer, history: &[Entry]) -> Markup {
    let state = v.summary.state;
    let approval = history
        .iter()
        .rev()
        .find(|e| AuditAction::parse(&e.action) == Some(AuditAction::PlanAct(ActKind::Approve)))
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
        form class="modulo atto" method="post" action=(paths::acts(v.id())) {
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

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActForm {
    kind: String,
    from: String,
    reason: String,
    act_number: String,
    act_date: String,
}

pub async fn perform(
    paths::Acts { plan: id }: paths::Acts,
    s: Signed<ActForm>,
) -> Result<Response, AppError> {
    let (cycle, who, f) = (s.cycle(), s.who(), &s.form);
    // The plan, and whether it is theirs to act on, come before what the form says.
    let (_, actor) = cycle.view(&id, Some(who), true).await?;
    if actor.is_none() {
        return Err(AppError::refused(domain::Refusal::OtherAdministration));
    }
    let act = ActRequest::typed(&f.kind, &f.reason, &f.act_number, &f.act_date, &f.from)?;
    cycle.perform_act(&id, who, act, &s.stamp()).await?;
    Ok(see_other(format!("{}#stato", paths::plan(&id))))
}

/// The history of a plan or an objective: who changed what, when, from what to what.
pub fn history<E: std::borrow::Borrow<Entry>>(entries: &[E], caption: &str) -> Markup {
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
                    @for e in entries.iter().rev().map(E::borrow) {
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
        Some(Value::String(s)) if key == "status" => domain::monitoring::ReportStatus::parse(s)
            .map_or(s.clone(), |st| messages::report_status(st).to_string()),
        // Days as people write them.
        Some(Value::String(s)) => {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_or_else(|_| s.clone(), messages::date)
        }
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
            let old = before.get(k).unwrap_or(&Value::Null);
            if old == new {
                continue;
            }
            // Rules and lists are read on their own pages: the history says they changed.
            let structured = matches!(new, Value::Object(_) | Value::Array(_))
                && !matches!(k.as_str(), "board_act" | "roles");
            if structured {
                rows.push((messages::audit_field(k), None, "modificate".to_string()));
            } else {
                let old = before.is_object().then(|| show(k, Some(old)));
                rows.push((messages::audit_field(k), old, show(k, Some(new))));
            }
        }
    }
    html! {
        @if !rows.is_empty() {
            ul class="cambi" {
                @for (k, old, new) in rows {
                    li { (k) ": " @if let Some(old) = old { (old) " → " } (new) }
                }
            }
        }
    }
}
