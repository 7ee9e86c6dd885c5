//! The web application: Italian pages rendered on the server, the JSON API under `/api/v1`
//! with its OpenAPI document, and `/healthz`. `app(state)` is the router; `serve` runs it.

mod api;
mod cache;
mod error;
mod openapi;
mod pages;
mod paths;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use domain::Plan;
use store::{PlanSummary, Store, StoreError};
use tokio::net::TcpListener;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use cache::PlanView;
pub use error::AppError;
pub use openapi::openapi;

/// What every handler shares: the store and the plans read from it.
#[derive(Debug, Clone)]
pub struct AppState {
    store: Store,
    plans: Arc<cache::Plans>,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        AppState {
            plans: Arc::new(cache::Plans::new(store.clone())),
            store,
        }
    }

    /// The plan with this id, ready to show; an unknown id is a 404 that names it.
    pub(crate) async fn view(&self, id: &str) -> Result<Arc<PlanView>, AppError> {
        self.plans.get(id).await.map_err(|e| match e {
            StoreError::NotFound(_) => AppError::NotFound(format!("il piano «{id}»")),
            other => other.into(),
        })
    }
}

/// The demo plan (Città di Alessandria, PEG 2021), built into the binary so that `serve`
/// works from any folder.
pub const DEMO_PLAN: &str = include_str!("../../../data/demo/alessandria-2021.plan.json");

/// Saves the demo plan, with what the plan's rules find in it, when the database has no plan
/// at all; returns it when it did.
pub async fn load_demo_if_empty(store: &Store) -> Result<Option<PlanSummary>, StoreError> {
    if !store.plans().await?.is_empty() {
        return Ok(None);
    }
    let plan: Plan = serde_json::from_str(DEMO_PLAN)
        .map_err(|e| StoreError::Invalid(format!("embedded demo plan: {e}")))?;
    let findings = domain::validate(&plan);
    store.save_plan(&plan, &findings, false).await.map(Some)
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/static/pegaso.css", get(stylesheet))
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .fallback(pages::not_found)
        .with_state(state)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}

/// Serves `app(state)` on `listener` until `shutdown` completes, then lets the requests in
/// flight finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Liveness: the process answers. The framework's floor in the load test.
async fn healthz() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"status":"ok"}"#,
    )
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/pegaso.css"),
    )
}

/// Today's date where the server runs: the one place the web application reads the clock.
#[allow(clippy::disallowed_methods)]
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}
