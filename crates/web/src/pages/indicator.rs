//! An indicator's actual value: the head and members of the objective's unit report it with
//! its date and source; the card lists each indicator with its last value, when and by whom
//! it was updated, and whether it is stale.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use domain::access::{Action, decide};
use domain::{Actor, Objective, Position, messages};
use maud::{Markup, html};
use serde::Deserialize;

use super::forms::Signed;
use super::layout::{Page, render};
use super::see_other;
use crate::auth::Viewer;
use crate::cache::PlanView;
use crate::error::AppError;
use crate::{AppState, paths};

fn indicator_path(v: &PlanView, o: &Objective, index: usize) -> paths::Indicator {
    paths::Indicator {
        plan: v.id().clone(),
        unit: o.unit.to_string(),
        label: o.label.to_string(),
        n: Position::of_index(index),
    }
}

/// Whether `actor` may report the indicators of `o` now.
fn may_report(v: &PlanView, o: &Objective, actor: Option<&Actor>) -> Result<(), domain::Refusal> {
    v.may_report(o, actor, crate::today())
}

fn actual(v: &PlanView, objective: usize, position: usize) -> Option<&store::Actual> {
    v.monitoring.actuals.get(objective)?.get(position)?.as_ref()
}

/// The card's list of indicators with their reported values (to those who read results).
pub fn section(v: &PlanView, objective: usize, actor: Option<&Actor>) -> Markup {
    let Some(o) = v.plan.objectives.get(objective) else {
        return html! {};
    };
    let readable = decide(actor, Action::ReadProgress, v.summary.state).is_ok();
    if o.indicators.is_empty() || !readable {
        return html! {};
    }
    let open = may_report(v, o, actor).is_ok();
    let latest_round = v.monitoring.rounds.last().map(|r| r.opened_at);
    html! {
        h2 id="indicatori" { "Valori degli indicatori" }
        table {
            caption { "Ultimo valore riferito di ciascun indicatore" }
            thead { tr {
                th scope="col" { "Indicatore" } th scope="col" { "Valore" } th scope="col" { "Alla data" }
                th scope="col" { "Fonte" } th scope="col" { "Aggiornato" }
                @if open { th scope="col" { "Modifica" } }
            } }
            tbody {
                @for (i, text) in o.indicators.iter().enumerate() {
                    @let a = actual(v, objective, i);
                    tr {
                        th scope="row" class="testo" { (i + 1) ". " (text) }
                        @match a {
                            Some(a) => {
                                td class="numero" { (messages::number(a.value)) }
                                td { (messages::date(a.measured_on)) }
                                td class="testo" { (a.source) }
                                td { (messages::date(a.reported_at.date_naive())) " (" (a.reported_by) ")" }
                            }
                            None => { td { "—" } td { "—" } td { "—" } td { "mai" } }
                        }
                        @if open {
                            td { a href=(indicator_path(v, o, i)) { "Riferisci l'indicatore " (i + 1) } }
                        }
                    }
                    @if store::Actual::figure(a).stale(latest_round) {
                        tr { td colspan=(if open { 6 } else { 5 }) { span class="semaforo giallo" { "da aggiornare" } " per l'ultimo monitoraggio" } }
                    }
                }
            }
        }
    }
}

/// The plan and the indicator an address names, for a person who may report it now.
async fn locate(
    state: &AppState,
    viewer: &Viewer,
    p: &paths::Indicator,
) -> Result<(std::sync::Arc<PlanView>, usize, usize), AppError> {
    let (v, actor) = state.cycle().view(&p.plan, viewer.person(), true).await?;
    let (oi, i) = v.find_indicator(&p.unit, &p.label, p.n)?;
    may_report(&v, &v.plan.objectives[oi], actor.as_ref()).map_err(AppError::refused)?;
    Ok((v, oi, i))
}

fn page(viewer: &Viewer, v: &PlanView, oi: usize, i: usize, status: StatusCode) -> Response {
    let o = &v.plan.objectives[oi];
    let a = actual(v, oi, i);
    let title = format!("Indicatore {} dell'obiettivo {}", i + 1, o.label);
    let body = html! {
        p class="occhiello" { a href=(paths::objective(v.id(), o)) { "Obiettivo " (o.label) ": " (o.title) } }
        h1 { "Riferisci l'indicatore " (i + 1) }
        p class="testo" { (o.indicators[i]) }
        form class="modulo" method="post" action=(indicator_path(v, o, i)) {
            input type="hidden" name="csrf" value=(viewer.csrf());
            p { label for="valore" { "Valore effettivo (un numero; la virgola per i decimali)" }
                input id="valore" name="value" type="text" inputmode="decimal" required
                    value=(a.map(|a| messages::number(a.value)).unwrap_or_default()); }
            p { label for="data" { "Alla data" }
                input id="data" name="measured_on" type="date" required
                    value=(a.map(|a| a.measured_on.to_string()).unwrap_or_default()); }
            p { label for="fonte" { "Fonte (da dove viene il valore)" }
                input id="fonte" name="source" type="text" required
                    value=(a.map(|a| a.source.as_str()).unwrap_or_default()); }
            p { button type="submit" { "Salva" } }
        }
    };
    (
        status,
        render(Page::in_objective(
            viewer,
            v,
            o,
            &title,
            Some((
                format!("Indicatore {}", i + 1),
                indicator_path(v, o, i).to_string(),
            )),
            body,
        )),
    )
        .into_response()
}

pub async fn form_page(
    p: paths::Indicator,
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let (v, oi, i) = locate(&state, &viewer, &p).await?;
    Ok(page(&viewer, &v, oi, i, StatusCode::OK))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActualForm {
    value: String,
    measured_on: String,
    source: String,
}

pub async fn save(at: paths::Indicator, s: Signed<ActualForm>) -> Result<Response, AppError> {
    let f = &s.form;
    let value = (f.value.as_str(), f.measured_on.as_str(), f.source.as_str());
    s.cycle()
        .record_actual(&at.plan, s.who(), at.unit_label(), at.n, value, &s.stamp())
        .await?;
    Ok(see_other(at.objective().section("indicatori")))
}
