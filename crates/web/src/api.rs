//! `/api/v1`: the plans in the `pegaso.plan/1` format, their acts and phase edits for callers
//! with a token, the audit log for those who may read it. Every error is
//! `application/problem+json`.

pub(crate) mod scores;
pub(crate) mod write;

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum_extra::routing::TypedPath;
use domain::audit::Entry;
use domain::{Actor, Objective, Phase, PlanId, Role, Unit, UnitId};
use serde::{Deserialize, Serialize};
use store::AuditFilter;

use crate::auth::Caller;
use crate::cache::PlanView;
use crate::error::{AppError, Problem};
use crate::paths;
use crate::paths::InPlan;
use crate::routes::Routes;
use crate::{AppState, openapi};

type ApiResult<T> = Result<T, Problem>;

pub fn routes(r: Routes) -> Routes {
    r.get(openapi_document)
        .get(me)
        .get(audit)
        .get(plans)
        .get(plan)
        .get(workbook)
        .post(write::act)
        .get(scores::scores)
        .get(units)
        .get(unit)
        .get(objectives)
        .get(objective)
        .get(phases)
        .get(write::phase)
        .put(write::edit_phase)
}

/// A plan as listed by `GET /plans`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PlanItem {
    /// The plan's id, used in every other address (`citta-di-alessandria-2021`).
    pub id: PlanId,
    /// The administration's name.
    pub entity: String,
    pub year: i32,
    pub title: String,
    /// Where the plan is in its cycle.
    pub state: domain::PlanState,
}

/// Filters of `GET /plans/{plan}/objectives`.
#[derive(Debug, Deserialize)]
pub struct ObjectivesQuery {
    /// Only the objectives of this unit.
    unit: Option<String>,
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
/// so that a reader (or a fuzzer) has addresses that answer. Anyone may read it; a token that
/// is not valid is refused here as everywhere.
async fn openapi_document(
    _: paths::api::OpenApi,
    State(state): State<AppState>,
    _caller: Caller,
) -> ApiResult<Response> {
    let mut doc = openapi().clone();
    let mut first = None;
    for summary in state.store.plans().await? {
        if let Ok((view, _)) = state.view(&summary.id, None).await {
            first = Some(view);
            break;
        }
    }
    if let Some(view) = first {
        let objective = view.plan.objectives.first();
        let examples = [
            ("plan", Some(view.id().to_string())),
            ("unit", objective.map(|o| o.unit.to_string())),
            ("label", objective.map(|o| o.label.to_string())),
        ];
        openapi::set_examples(&mut doc, &examples);
    }
    Ok(Json(doc).into_response())
}

async fn plans(
    _: paths::api::Plans,
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<PlanItem>>> {
    let mut items = Vec::new();
    for p in state.store.plans().await? {
        // Plans this caller may not read are not listed.
        if state.view(&p.id, caller.0.as_ref()).await.is_ok() {
            items.push(PlanItem {
                id: p.id,
                entity: p.entity,
                year: p.year,
                title: p.title,
                state: p.state,
            });
        }
    }
    Ok(Json(items))
}

/// The caller, as `GET /me` shows them.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Me {
    pub username: domain::Username,
    pub name: String,
    /// The administration (entity slug) the person works for; absent: every one.
    pub entity: Option<String>,
    pub roles: Vec<Role>,
    /// Units the person is a member of (heads follow from the plans).
    pub units: Vec<UnitId>,
}

async fn me(_: paths::api::Me, caller: Caller) -> ApiResult<Json<Me>> {
    let person = caller.0.ok_or(Problem(AppError::SignIn))?;
    Ok(Json(Me {
        username: person.username,
        name: person.name,
        entity: person.entity,
        roles: person.roles,
        units: person.units,
    }))
}

/// Filters of `GET /audit`.
#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    /// Only this plan's entries.
    plan: Option<String>,
}

async fn audit(
    _: paths::api::Audit,
    State(state): State<AppState>,
    caller: Caller,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<Entry>>> {
    crate::pages::readers_only(caller.0.as_ref())?;
    let person = caller.0.as_ref().ok_or(Problem(AppError::SignIn))?;
    let Query(q) = q.map_err(|_| {
        Problem(AppError::BadRequest(
            "Parametri non validi: «plan» si può indicare una volta sola.".into(),
        ))
    })?;
    let filter = AuditFilter {
        plan: q.plan,
        ..AuditFilter::default()
    };
    Ok(Json(
        crate::pages::readable_entries(&state, person, &filter).await?,
    ))
}

async fn plan(PlanCall { v, .. }: PlanCall<paths::api::Plan>) -> ApiResult<Response> {
    Ok(([(header::CONTENT_TYPE, "application/json")], v.json()).into_response())
}

async fn workbook(PlanCall { v, .. }: PlanCall<paths::api::Workbook>) -> ApiResult<Response> {
    Ok(crate::pages::workbook_file(&v.plan, v.id().as_str())?)
}

async fn units(PlanCall { v, .. }: PlanCall<paths::api::Units>) -> ApiResult<Json<Vec<Unit>>> {
    Ok(Json(v.plan.units.clone()))
}

async fn unit(PlanCall { at, v, .. }: PlanCall<paths::api::Unit>) -> ApiResult<Json<Unit>> {
    Ok(Json(unit_of(&v, &at.unit)?.clone()))
}

async fn objectives(
    paths::api::Objectives { plan: id }: paths::api::Objectives,
    State(state): State<AppState>,
    caller: Caller,
    q: Result<Query<ObjectivesQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<Objective>>> {
    let Query(q) = q.map_err(|e| {
        tracing::debug!(error = %e.body_text(), "bad query");
        Problem(AppError::BadRequest(
            "Parametri non validi: «unit» si può indicare una volta sola.".into(),
        ))
    })?;
    let view = state.view(&id, caller.0.as_ref()).await?.0;
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
    PlanCall { at, v, .. }: PlanCall<paths::api::Objective>,
) -> ApiResult<Json<Objective>> {
    Ok(Json(objective_of(&v, &at.unit, &at.label)?.clone()))
}

async fn phases(
    PlanCall { at, v, .. }: PlanCall<paths::api::Phases>,
) -> ApiResult<Json<Vec<Phase>>> {
    Ok(Json(objective_of(&v, &at.unit, &at.label)?.phases.clone()))
}

/// A call on a plan as its caller may read it: the address, the plan (one they may not read
/// is a 404, as an unknown one) and who the caller is in it. The API's counterpart of
/// [`PlanPage`](crate::pages::PlanPage).
pub(crate) struct PlanCall<P> {
    pub at: P,
    pub v: Arc<PlanView>,
    pub actor: Option<Actor>,
}

/// A call on a plan is routed as its address.
impl<P: TypedPath> TypedPath for PlanCall<P> {
    const PATH: &'static str = P::PATH;
}

impl<P: std::fmt::Display> std::fmt::Display for PlanCall<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.at.fmt(f)
    }
}

impl<P> FromRequestParts<AppState> for PlanCall<P>
where
    P: InPlan + FromRequestParts<AppState, Rejection = Problem> + Send,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let at = P::from_request_parts(parts, state).await?;
        let caller = Caller::from_request_parts(parts, state).await?;
        let (v, actor) = state.view(at.plan(), caller.0.as_ref()).await?;
        Ok(PlanCall { at, v, actor })
    }
}
