//! The events a card's deadlines count from ("entro 30 giorni dalla presentazione
//! dell'istanza"): the card says whether each has a recorded date, and the people who report
//! on the objective record it; the deadlines that follow it move at once.

use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};

use domain::access::{Action, decide};
use domain::{Actor, Anchor, Objective, When, messages};
use maud::{Markup, html};
use serde::Deserialize;

use super::{form, path, plan_date};
use crate::auth::{Viewer, stamp};
use crate::cache::PlanView;
use crate::error::AppError;
use crate::{AppState, paths};

/// The events the deadlines of `o` count from, by the document's words, each once.
pub fn of(o: &Objective) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for p in &o.phases {
        if let When::Relative(r) = &p.deadline.when
            && let Anchor::Event(words) = &r.anchor
            && !out.contains(&words.as_str())
        {
            out.push(words);
        }
    }
    out
}

fn may_record(v: &PlanView, o: &Objective, actor: Option<&Actor>) -> Result<(), domain::Refusal> {
    decide(
        actor,
        Action::ReportPhase {
            unit: &o.unit,
            involved: &[],
            day: Some(crate::today()),
        },
        v.summary.state,
    )
}

/// The card's section on its events, with the form for those who may record them.
pub fn section(v: &PlanView, index: usize, actor: Option<&Actor>, csrf: &str) -> Markup {
    let Some(o) = v.plan.objectives.get(index) else {
        return html! {};
    };
    let events = of(o);
    if events.is_empty() || decide(actor, Action::ReadProgress, v.summary.state).is_err() {
        return html! {};
    }
    let open = may_record(v, o, actor).is_ok();
    let recorded = |e: &str| {
        v.monitoring
            .events
            .iter()
            .find(|(w, _)| w == e)
            .map(|(_, d)| *d)
    };
    html! {
        h2 id="eventi" { "Eventi da cui contano le scadenze" }
        ul {
            @for e in &events {
                li {
                    "«" (e) "»: "
                    @match recorded(e) {
                        Some(d) => { "avvenuto il " (messages::date(d)) }
                        None => { "data non ancora registrata (le scadenze che ne dipendono restano senza data)" }
                    }
                }
            }
        }
        @if open {
            form class="modulo" method="post" action=(format!("{}/eventi", paths::objective(v.id(), o))) {
                input type="hidden" name="csrf" value=(csrf);
                p { label for="evento" { "Evento" }
                    select id="evento" name="event" {
                        @for (i, e) in events.iter().enumerate() { option value=(i + 1) { (e) } }
                    } }
                p { label for="giorno" { "Avvenuto il (vuoto per togliere la data)" }
                    input id="giorno" name="day" type="date"; }
                p { button type="submit" { "Registra la data dell'evento" } }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct EventForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    event: String,
    #[serde(default)]
    day: String,
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    p: Result<Path<(String, String, String)>, PathRejection>,
    f: Result<Form<EventForm>, FormRejection>,
) -> Result<Response, AppError> {
    let (id, unit, label) = path(p)?;
    let f = form(f)?;
    let session = viewer.checked(&f.csrf)?;
    let (v, actor) = state.view_fresh(&id, viewer.person()).await?;
    let index = v
        .objective_index(&unit, &label)
        .ok_or_else(|| AppError::NotFound(format!("un obiettivo «{label}» dell'unità «{unit}»")))?;
    let o = &v.plan.objectives[index];
    may_record(&v, o, actor.as_ref()).map_err(AppError::refused)?;
    let events = of(o);
    let event = f
        .event
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| events.get(i))
        .ok_or_else(|| {
            AppError::Unprocessable("Scegliere uno degli eventi della scheda.".into())
        })?;
    let day = match f.day.trim() {
        "" => None,
        d => Some(plan_date(d, v.plan.year, "La data dell'evento")?),
    };
    state
        .store
        .record_event(v.id(), event, day, &stamp(&session.person))
        .await?;
    state.plans.invalidate(v.id()).await;
    let to = format!("{}#eventi", paths::objective(v.id(), o));
    Ok((StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response())
}
