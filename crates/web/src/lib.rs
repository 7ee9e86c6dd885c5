//! The web application: Italian pages rendered on the server, the JSON API under `/api/v1`
//! with its OpenAPI document, and `/healthz`. `app(state)` is the router; `serve` runs it.

mod api;
pub mod auth;
mod cache;
pub mod demo;
mod error;
mod guard;
mod headers;
mod openapi;
mod pages;
mod paths;
mod routes;
mod server;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::http::{Method, Uri, header};
use axum::response::{IntoResponse, Response};
use cycle::Cycle;
use domain::{Actor, PlanId};
use store::{Person, Store};
use tokio::net::TcpListener;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use cache::PlanView;
pub use demo::{DEMO_PLAN, DemoYear, load_demo_plan, load_demo_year};
pub use error::AppError;
pub use openapi::openapi;
pub use server::{ServerLimits, listen};

/// The sub-sections of Amministrazione Trasparente's «Performance»: ANAC code and name.
pub const TRANSPARENCY_ITEMS: [(&str, &str); 6] = pages::transparency::ITEMS;

/// What every handler shares: the use cases (and through them the store and the plans read
/// from it), how people sign in. One pointer: every request clones it.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

/// What `AppState` points to.
#[derive(Debug, Clone)]
pub struct Shared {
    cycle: Cycle,
    store: Store,
    settings: Arc<auth::Settings>,
    provider: Arc<dyn auth::AuthProvider>,
    hasher: Arc<auth::Hasher>,
    /// Sessions read lately (a signed-in page needs no query to know who asks).
    sessions: Arc<auth::SessionCache>,
    limits: ServerLimits,
    /// The database holds a demonstration's data: every page says so.
    demo: bool,
    /// Uploads being received at once (each holds its file in memory until it is stored).
    uploads: Arc<tokio::sync::Semaphore>,
    /// Papers being typeset at once.
    papers: Arc<tokio::sync::Semaphore>,
}

/// The clock where the server runs: the use cases' present (the command line's too).
#[derive(Debug)]
pub struct ServerClock;

impl cycle::Clock for ServerClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        now()
    }

    fn today(&self) -> chrono::NaiveDate {
        today()
    }

    fn day_of(&self, at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
        at.with_timezone(&chrono::Local).date_naive()
    }

    fn day_end(&self, day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
        use chrono::TimeZone;
        let next = day
            .succ_opt()
            .unwrap_or(day)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default();
        chrono::Local
            .from_local_datetime(&next)
            .earliest()
            .map_or_else(|| next.and_utc(), |t| t.with_timezone(&chrono::Utc))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// Passwords as the way in, and the default settings.
    pub fn new(store: Store) -> Self {
        let settings = auth::Settings::default();
        AppState(Arc::new(Shared {
            cycle: Cycle::new(store.clone(), Arc::new(ServerClock)),
            store,
            hasher: Arc::new(auth::Hasher::new(settings.hashing)),
            sessions: Arc::default(),
            settings: Arc::new(settings),
            provider: Arc::new(auth::PasswordProvider),
            limits: ServerLimits::default(),
            demo: false,
            uploads: Arc::new(tokio::sync::Semaphore::new(ServerLimits::default().uploads)),
            papers: Arc::new(tokio::sync::Semaphore::new(ServerLimits::default().papers)),
        }))
    }

    /// What the builders below change: this state's own (a copy if it is already shared).
    fn own(&mut self) -> &mut Shared {
        Arc::make_mut(&mut self.0)
    }

    /// How long the server waits for requests and for how many connections.
    pub fn with_limits(mut self, limits: ServerLimits) -> Self {
        let own = self.own();
        own.uploads = Arc::new(tokio::sync::Semaphore::new(limits.uploads.max(1)));
        own.papers = Arc::new(tokio::sync::Semaphore::new(limits.papers.max(1)));
        own.limits = limits;
        self
    }

    pub fn with_settings(mut self, settings: auth::Settings) -> Self {
        let own = self.own();
        if settings.hashing != own.hasher.limits() {
            own.hasher = Arc::new(auth::Hasher::new(settings.hashing));
        }
        own.settings = Arc::new(settings);
        self
    }

    /// Whether the pages say that the data are for demonstration.
    pub fn with_demo(mut self, demo: bool) -> Self {
        self.own().demo = demo;
        self
    }

    pub fn with_provider(mut self, provider: Arc<dyn auth::AuthProvider>) -> Self {
        self.own().provider = provider;
        self
    }

    /// The use cases.
    pub fn cycle(&self) -> &Cycle {
        &self.cycle
    }

    /// The address people reach the site at, without a trailing `/`: as configured, else
    /// the local default (never a request's `Host`).
    pub(crate) fn public_url(&self) -> &str {
        self.settings
            .public_url
            .as_deref()
            .map_or("http://127.0.0.1:8080", |u| u.trim_end_matches('/'))
    }

    /// The plan with this id if `person` (`None`: the public) may read it, with the actor they
    /// are in it. A plan they may not read does not exist for them: the same 404.
    pub(crate) async fn view(
        &self,
        id: &PlanId,
        person: Option<&Person>,
    ) -> Result<(Arc<PlanView>, Option<Actor>), AppError> {
        Ok(self.cycle.view(id, person, false).await?)
    }
}

/// Every route: method and path pattern, as the router has them.
pub fn route_table() -> Vec<(Method, &'static str)> {
    routes().into_parts().1
}

fn routes() -> routes::Routes {
    let r = routes::Routes::new()
        .get(healthz)
        .get(stylesheet)
        .get(draft_script);
    api::routes(pages::routes(r))
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let secure = state.settings.cookie_secure;
    let limits = state.limits;
    routes()
        .into_parts()
        .0
        // Every write passes the guard before its body is read; the guard sets each body's
        // limit, so the extractors' own default is off.
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::writes,
        ))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .fallback(pages::not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next| {
                // An upload's route ends so; its longer time still ends.
                let limit =
                    if req.method() == Method::POST && req.uri().path().ends_with("/allegati") {
                        limits.upload_timeout
                    } else {
                        limits.request_timeout
                    };
                within_time(limit, req, next)
            },
        ))
        // Outside the timeout, so that a 408 carries the security headers too.
        .layer(axum::middleware::from_fn(move |req, next| {
            headers::security(secure, req, next)
        }))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<axum::body::Body>| {
                    // A calendar feed's address is its secret: never in the logs.
                    let path = req.uri().path();
                    let path = if path.starts_with("/calendari/") {
                        "/calendari/…"
                    } else {
                        path
                    };
                    tracing::info_span!("request", method = %req.method(), path = %path)
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}

/// A request, body and answer, within `limit`; a 408 after it (a problem under `/api`).
async fn within_time(
    limit: std::time::Duration,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = req.uri().path().starts_with("/api/");
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!("request timed out");
            let mut response = if api {
                error::Problem(AppError::Timeout).into_response()
            } else {
                AppError::Timeout.into_response()
            };
            response.headers_mut().insert(
                header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
            response
        }
    }
}

/// Serves `app(state)` on `listener` until `shutdown` completes, then lets the requests in
/// flight finish; every connection bounded as `state`'s `ServerLimits` say.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.limits;
    server::run(listener, app(state), limits, shutdown).await
}

/// A known address asked with a method it does not take: a problem under `/api`, a page
/// elsewhere.
async fn method_not_allowed(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        error::Problem(AppError::MethodNotAllowed).into_response()
    } else {
        AppError::MethodNotAllowed.into_response()
    }
}

/// Liveness: the process answers. The framework's floor in the load test.
async fn healthz(_: paths::Healthz) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"status":"ok"}"#,
    )
}

async fn stylesheet(_: paths::Stylesheet) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/pegaso.css"),
    )
}

async fn draft_script(_: paths::DraftScript) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/bozza.js"),
    )
}

/// Today's date where the server runs.
#[allow(clippy::disallowed_methods)]
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// The present instant, for stamps, sessions and tokens: with `today`, the only places the
/// application reads the clock (the command line stamps its changes with it too).
#[allow(clippy::disallowed_methods)]
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
