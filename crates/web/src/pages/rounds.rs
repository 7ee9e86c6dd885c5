//! Monitoring rounds: the planning office opens a round (30/06, 30/09, the final one) and
//! closes it; the page shows, for the latest round, which units have not reported yet and
//! on how many phases and indicators.

use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};

use domain::access::{Action, decide};
use domain::limits::Field;
use domain::messages;
use domain::monitoring::{self, Figure, Figures, Pending};
use maud::html;
use serde::Deserialize;
use store::PhaseRecord;

use super::layout::{Page, Section, render};
use super::{PageResult, form, members_only, path, plan_date, text};
use crate::auth::{Viewer, stamp};
use crate::cache::PlanView;
use crate::error::AppError;
use crate::{AppState, paths};

/// The units round `round` still waits for, as the domain counts them.
pub fn pending(v: &PlanView, round: i64) -> Vec<Pending> {
    let phases: Vec<Vec<Figure>> = v
        .records
        .iter()
        .map(|o| o.iter().map(|r| PhaseRecord::figure(Some(r))).collect())
        .collect();
    let neutralised = v.monitoring.neutralised(&v.plan);
    let figures = Figures {
        phases: &phases,
        indicators: &v.monitoring.indicator_figures(),
        neutralised: &neutralised,
    };
    monitoring::pending(&v.plan, &v.settings, &figures, round)
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    p: Result<Path<String>, PathRejection>,
) -> PageResult {
    let id = path(p)?;
    let (v, actor) = state.view(&id, viewer.person()).await?;
    members_only(&viewer, actor.as_ref(), "I monitoraggi")?;
    let manage = decide(actor.as_ref(), Action::ManageRounds, v.summary.state);
    let latest = v.monitoring.rounds.last();
    let body = html! {
        h1 { "Monitoraggi" }
        p { "Ogni monitoraggio raccoglie, a una data, lo stato delle fasi e i valori degli indicatori. "
            "Una fase conclusa non va riferita di nuovo." }
        @if v.monitoring.rounds.is_empty() {
            p { "Nessun monitoraggio aperto finora." }
        } @else {
            table {
                caption { "Monitoraggi del piano, dal primo" }
                thead { tr {
                    th scope="col" { "Monitoraggio" } th scope="col" { "Alla data" }
                    th scope="col" { "Aperto" } th scope="col" { "Chiuso" }
                } }
                tbody {
                    @for r in &v.monitoring.rounds {
                        tr {
                            th scope="row" { (r.name) }
                            td { (messages::date(r.as_of)) }
                            td { (messages::date(r.opened_at.date_naive())) " (" (r.opened_by) ")" }
                            td {
                                @match (&r.closed_at, &r.closed_by) {
                                    (Some(at), by) => { (messages::date(at.date_naive())) " (" (by.as_deref().unwrap_or("")) ")" }
                                    _ => {
                                        "aperto"
                                        @if manage.is_ok() {
                                            form method="post" action=(format!("{}/monitoraggi/{}/chiusura", paths::plan(v.id()), r.id)) {
                                                input type="hidden" name="csrf" value=(viewer.csrf());
                                                button type="submit" { "Chiudi «" (r.name) "»" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(r) = latest {
            h2 id="mancano" { "Chi non ha ancora riferito per «" (r.name) "»" }
            @let missing = pending(&v, r.id);
            @if missing.is_empty() {
                p { "Tutte le unità hanno riferito." }
            } @else {
                table {
                    caption { "Unità con fasi o indicatori ancora da riferire" }
                    thead { tr {
                        th scope="col" { "Unità" } th scope="col" { "Responsabile" }
                        th scope="col" class="numero" { "Fasi" } th scope="col" class="numero" { "Indicatori" }
                    } }
                    tbody {
                        @for p in &missing {
                            @let u = &v.plan.units[p.unit];
                            tr {
                                th scope="row" { a href=(paths::unit(v.id(), &u.id)) { (u.name) } }
                                td { (u.heads.iter().map(|h| h.name.as_str()).collect::<Vec<_>>().join(", ")) }
                                td class="numero" { (p.phases) }
                                td class="numero" { (p.indicators) }
                            }
                        }
                    }
                }
            }
        }
        @match manage {
            Ok(()) if v.monitoring.open_round().is_none() => {
                h2 { "Apri un monitoraggio" }
                form class="modulo" method="post" action=(format!("{}/monitoraggi", paths::plan(v.id()))) {
                    input type="hidden" name="csrf" value=(viewer.csrf());
                    p { label for="nome" { "Nome (per esempio «Monitoraggio al 30/06»)" }
                        input id="nome" name="name" type="text" required; }
                    p { label for="data" { "Alla data" }
                        input id="data" name="as_of" type="date" required; }
                    p { button type="submit" { "Apri il monitoraggio" } }
                }
            }
            Ok(()) => { p class="nota" { "Per aprirne un altro, chiudere prima quello aperto." } }
            Err(r) => { p class="nota" { "Aprire e chiudere i monitoraggi: " (messages::refusal(&r)) } }
        }
    };
    Ok(render(Page {
        who: &viewer,
        title: "Monitoraggi",
        crumbs: vec![
            (v.plan.title.clone(), paths::plan(v.id())),
            ("Monitoraggi".into(), paths::rounds(v.id())),
        ],
        plan: Some((&v, Section::Rounds)),
        body,
    }))
}

#[derive(Debug, Deserialize)]
pub struct OpenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    as_of: String,
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

fn allowed(v: &PlanView, actor: Option<&domain::Actor>) -> Result<(), AppError> {
    decide(actor, Action::ManageRounds, v.summary.state).map_err(AppError::out_of_turn)
}

fn back(v: &PlanView) -> Response {
    let to = format!("{}/monitoraggi", paths::plan(v.id()));
    (StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response()
}

pub async fn open(
    State(state): State<AppState>,
    viewer: Viewer,
    p: Result<Path<String>, PathRejection>,
    f: Result<Form<OpenForm>, FormRejection>,
) -> Result<Response, AppError> {
    let id = path(p)?;
    let f = form(f)?;
    let session = viewer.checked(&f.csrf)?;
    let (v, actor) = state.view_fresh(&id, viewer.person()).await?;
    allowed(&v, actor.as_ref())?;
    let name = text(Field::RoundName, &f.name)?;
    if name.is_empty() {
        return Err(AppError::Unprocessable(
            "Dare un nome al monitoraggio (al massimo 200 caratteri).".into(),
        ));
    }
    let as_of = plan_date(&f.as_of, v.plan.year, "La data del monitoraggio")?;
    state
        .store
        .open_round(v.id(), &name, as_of, &stamp(&session.person))
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict(_) => {
                AppError::Conflict("Un monitoraggio è già aperto: chiuderlo prima.".into())
            }
            other => other.into(),
        })?;
    state.plans.invalidate(v.id()).await;
    Ok(back(&v))
}

pub async fn close(
    State(state): State<AppState>,
    viewer: Viewer,
    p: Result<Path<(String, String)>, PathRejection>,
    f: Result<Form<CsrfForm>, FormRejection>,
) -> Result<Response, AppError> {
    let (id, round) = path(p)?;
    let f = form(f)?;
    let session = viewer.checked(&f.csrf)?;
    let (v, actor) = state.view_fresh(&id, viewer.person()).await?;
    allowed(&v, actor.as_ref())?;
    let round = round
        .parse::<i64>()
        .ok()
        .filter(|r| v.monitoring.rounds.iter().any(|x| x.id == *r))
        .ok_or_else(|| AppError::NotFound("questo monitoraggio".into()))?;
    state
        .store
        .close_round(v.id(), round, &stamp(&session.person))
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict(_) => {
                AppError::Conflict("Il monitoraggio è già chiuso.".into())
            }
            other => other.into(),
        })?;
    state.plans.invalidate(v.id()).await;
    Ok(back(&v))
}
