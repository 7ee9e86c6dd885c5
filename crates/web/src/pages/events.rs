//! The events a card's deadlines count from ("entro 30 giorni dalla presentazione
//! dell'istanza"): the card says whether each has a recorded date, and the people who report
//! on the objective record it; the deadlines that follow it move at once.

use axum::response::Response;

use domain::access::{Action, decide};
use domain::{Actor, Objective, messages};
use maud::{Markup, html};
use serde::Deserialize;

use super::forms::Signed;
use super::see_other;
use crate::cache::PlanView;
use crate::error::AppError;
use crate::paths;

pub use cycle::events_of as of;

fn may_record(v: &PlanView, o: &Objective, actor: Option<&Actor>) -> Result<(), domain::Refusal> {
    v.may_report(o, actor, crate::today())
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
            form class="modulo" method="post" action=(paths::ObjectiveEvents::of(v.id(), o)) {
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

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EventForm {
    event: String,
    day: String,
}

pub async fn save(at: paths::ObjectiveEvents, s: Signed<EventForm>) -> Result<Response, AppError> {
    let (f, stamp) = (&s.form, s.stamp());
    s.cycle()
        .record_event(&at.plan, s.who(), at.unit_label(), &f.event, &f.day, &stamp)
        .await?;
    Ok(see_other(at.objective().section("eventi")))
}
