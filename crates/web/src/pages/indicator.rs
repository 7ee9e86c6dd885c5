//! An indicator's actual value: the head and members of the objective's unit report it with
//! its date and source; the card lists each indicator with its last value, when and by whom
//! it was updated, and whether it is stale.

use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};

use domain::access::{Action, decide};
use domain::limits::Field;
use domain::{Actor, Objective, messages};
use maud::{Markup, html};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::layout::{Page, Section, render};
use super::{form, path, plan_date, text};
use crate::auth::{Viewer, stamp};
use crate::cache::PlanView;
use crate::error::AppError;
use crate::{AppState, paths};

fn indicator_path(v: &PlanView, o: &Objective, position: usize) -> String {
    format!("{}/indicatori/{position}", paths::objective(v.id(), o))
}

/// Whether `actor` may report the indicators of `o` now.
fn may_report(v: &PlanView, o: &Objective, actor: Option<&Actor>) -> Result<(), domain::Refusal> {
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
                            td { a href=(indicator_path(v, o, i + 1)) { "Riferisci l'indicatore " (i + 1) } }
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

type Located = (std::sync::Arc<PlanView>, Option<Actor>, usize, usize);

async fn locate(
    state: &AppState,
    viewer: &Viewer,
    (id, unit, label, n): &(String, String, String, String),
) -> Result<Located, AppError> {
    let (v, actor) = state.view_fresh(id, viewer.person()).await?;
    let oi = v
        .objective_index(unit, label)
        .ok_or_else(|| AppError::NotFound(format!("un obiettivo «{label}» dell'unità «{unit}»")))?;
    let count = v.plan.objectives[oi].indicators.len();
    let n = n
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=count).contains(n))
        .ok_or_else(|| {
            AppError::NotFound(format!("un indicatore numero «{n}» in questo obiettivo"))
        })?;
    let o = &v.plan.objectives[oi];
    may_report(&v, o, actor.as_ref()).map_err(AppError::refused)?;
    Ok((v, actor, oi, n - 1))
}

fn page(viewer: &Viewer, v: &PlanView, oi: usize, i: usize, status: StatusCode) -> Response {
    let o = &v.plan.objectives[oi];
    let a = actual(v, oi, i);
    let title = format!("Indicatore {} dell'obiettivo {}", i + 1, o.label);
    let body = html! {
        p class="occhiello" { a href=(paths::objective(v.id(), o)) { "Obiettivo " (o.label) ": " (o.title) } }
        h1 { "Riferisci l'indicatore " (i + 1) }
        p class="testo" { (o.indicators[i]) }
        form class="modulo" method="post" action=(indicator_path(v, o, i + 1)) {
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
        render(Page {
            who: viewer,
            title: &title,
            crumbs: vec![
                (v.plan.title.clone(), paths::plan(v.id())),
                (
                    format!("Obiettivo {}", o.label),
                    paths::objective(v.id(), o),
                ),
                (format!("Indicatore {}", i + 1), indicator_path(v, o, i + 1)),
            ],
            plan: Some((v, Section::Other)),
            body,
        }),
    )
        .into_response()
}

pub async fn form_page(
    State(state): State<AppState>,
    viewer: Viewer,
    p: Result<Path<(String, String, String, String)>, PathRejection>,
) -> Result<Response, AppError> {
    let at = path(p)?;
    let (v, _, oi, i) = locate(&state, &viewer, &at).await?;
    Ok(page(&viewer, &v, oi, i, StatusCode::OK))
}

#[derive(Debug, Deserialize)]
pub struct ActualForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    measured_on: String,
    #[serde(default)]
    source: String,
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    p: Result<Path<(String, String, String, String)>, PathRejection>,
    f: Result<Form<ActualForm>, FormRejection>,
) -> Result<Response, AppError> {
    let at = path(p)?;
    let f = form(f)?;
    let session = viewer.checked(&f.csrf)?;
    let (v, _, oi, i) = locate(&state, &viewer, &at).await?;
    let value: Decimal = f
        .value
        .trim()
        .replace(',', ".")
        .parse()
        .ok()
        .filter(|v: &Decimal| {
            v.abs() <= domain::scoring::engine::LIMIT && v.normalize().scale() <= 6
        })
        .ok_or_else(|| {
            AppError::Unprocessable(
                "Il valore dev'essere un numero (al massimo mille miliardi, sei decimali).".into(),
            )
        })?;
    let measured_on = plan_date(&f.measured_on, v.plan.year, "La data della misura")?;
    let source = text(Field::IndicatorSource, &f.source)?;
    if source.is_empty() {
        return Err(AppError::Unprocessable(
            "Indicare la fonte del valore (al massimo 500 caratteri).".into(),
        ));
    }
    let o = &v.plan.objectives[oi];
    state
        .store
        .report_actual(
            v.id(),
            o.unit.as_str(),
            o.label.as_str(),
            i + 1,
            value,
            measured_on,
            &source,
            v.monitoring.open_round().map(|r| r.id),
            &stamp(&session.person),
        )
        .await?;
    state.plans.invalidate(v.id()).await;
    let to = format!("{}#indicatori", paths::objective(v.id(), o));
    Ok((StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response())
}
