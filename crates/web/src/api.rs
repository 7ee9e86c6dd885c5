//! `/api/v1`: the plans in the `pegaso.plan/1` format, read-only for now. Every error is
//! `application/problem+json`.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::{Objective, Phase, Unit};
use serde::{Deserialize, Serialize};

use crate::cache::PlanView;
use crate::error::{AppError, Problem};
use crate::{AppState, openapi};

type ApiResult<T> = Result<T, Problem>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi_document))
        .route("/plans", get(plans))
        .route("/plans/{plan}", get(plan))
        .route("/plans/{plan}/units", get(units))
        .route("/plans/{plan}/units/{unit}", get(unit))
        .route("/plans/{plan}/objectives", get(objectives))
        .route(
            "/plans/{plan}/units/{unit}/objectives/{label}",
            get(objective),
        )
        .route(
            "/plans/{plan}/units/{unit}/objectives/{label}/phases",
            get(phases),
        )
        .fallback(|| async { Problem(AppError::NotFound("questo indirizzo dell'API".into())) })
        .method_not_allowed_fallback(|| async { Problem(AppError::MethodNotAllowed) })
}

/// A plan as listed by `GET /plans`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PlanItem {
    /// The plan's id, used in every other address (`citta-di-alessandria-2021`).
    pub id: String,
    /// The administration's name.
    pub entity: String,
    pub year: i32,
    pub title: String,
}

/// Filters of `GET /plans/{plan}/objectives`.
#[derive(Debug, Deserialize)]
pub struct ObjectivesQuery {
    /// Only the objectives of this unit.
    unit: Option<String>,
}

fn path<T>(p: Result<Path<T>, PathRejection>) -> ApiResult<T> {
    p.map(|Path(t)| t).map_err(|e| {
        tracing::debug!(error = %e.body_text(), "bad path");
        Problem(AppError::BadRequest(
            "L'indirizzo non è valido: ogni parte deve essere testo UTF-8.".into(),
        ))
    })
}

fn unit_of<'a>(view: &'a PlanView, id: &str) -> ApiResult<&'a Unit> {
    view.unit(id).map(|(_, u)| u).ok_or_else(|| {
        Problem(AppError::NotFound(format!(
            "l'unità «{id}» in questo piano"
        )))
    })
}

fn objective_of<'a>(view: &'a PlanView, unit: &str, label: &str) -> ApiResult<&'a Objective> {
    unit_of(view, unit)?;
    view.objective(unit, label).ok_or_else(|| {
        Problem(AppError::NotFound(format!(
            "l'obiettivo «{label}» dell'unità «{unit}»"
        )))
    })
}

/// The document, with the first stored plan's ids as the examples of the path parameters,
/// so that a reader (or a fuzzer) has addresses that answer.
async fn openapi_document(State(state): State<AppState>) -> ApiResult<Response> {
    let mut doc = openapi().clone();
    if let Some(first) = state.store.plans().await?.first() {
        let view = state.view(&first.id).await?;
        let objective = view.plan.objectives.first();
        let examples = [
            ("plan", Some(view.id().to_owned())),
            ("unit", objective.map(|o| o.unit.to_string())),
            ("label", objective.map(|o| o.label.to_string())),
        ];
        openapi::set_examples(&mut doc, &examples);
    }
    Ok(Json(doc).into_response())
}

async fn plans(State(state): State<AppState>) -> ApiResult<Json<Vec<PlanItem>>> {
    let plans = state.store.plans().await?;
    Ok(Json(
        plans
            .into_iter()
            .map(|p| PlanItem {
                id: p.id,
                entity: p.entity,
                year: p.year,
                title: p.title,
            })
            .collect(),
    ))
}

async fn plan(
    State(state): State<AppState>,
    p: Result<Path<String>, PathRejection>,
) -> ApiResult<Response> {
    let id = path(p)?;
    let view = state.view(&id).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        view.json.clone(),
    )
        .into_response())
}

async fn units(
    State(state): State<AppState>,
    p: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<Vec<Unit>>> {
    let id = path(p)?;
    Ok(Json(state.view(&id).await?.plan.units.clone()))
}

async fn unit(
    State(state): State<AppState>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> ApiResult<Json<Unit>> {
    let (id, unit) = path(p)?;
    let view = state.view(&id).await?;
    Ok(Json(unit_of(&view, &unit)?.clone()))
}

async fn objectives(
    State(state): State<AppState>,
    p: Result<Path<String>, PathRejection>,
    q: Result<Query<ObjectivesQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<Objective>>> {
    let id = path(p)?;
    let Query(q) = q.map_err(|e| {
        tracing::debug!(error = %e.body_text(), "bad query");
        Problem(AppError::BadRequest(
            "Parametri non validi: «unit» si può indicare una volta sola.".into(),
        ))
    })?;
    let view = state.view(&id).await?;
    let list = match &q.unit {
        Some(unit) => {
            let unit = unit_of(&view, unit)?;
            view.objectives_of(unit).cloned().collect()
        }
        None => view.plan.objectives.clone(),
    };
    Ok(Json(list))
}

async fn objective(
    State(state): State<AppState>,
    p: Result<Path<(String, String, String)>, PathRejection>,
) -> ApiResult<Json<Objective>> {
    let (id, unit, label) = path(p)?;
    let view = state.view(&id).await?;
    Ok(Json(objective_of(&view, &unit, &label)?.clone()))
}

async fn phases(
    State(state): State<AppState>,
    p: Result<Path<(String, String, String)>, PathRejection>,
) -> ApiResult<Json<Vec<Phase>>> {
    let (id, unit, label) = path(p)?;
    let view = state.view(&id).await?;
    Ok(Json(objective_of(&view, &unit, &label)?.phases.clone()))
}
