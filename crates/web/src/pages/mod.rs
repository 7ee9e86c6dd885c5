//! The pages people read: server-rendered Italian HTML that works without JavaScript.

mod diagnostics;
mod home;
mod layout;
mod objective;
mod plan;
mod search;
mod unit;

use axum::Router;
use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::Markup;

use crate::AppState;
use crate::error::{AppError, Problem};

pub use layout::error_page;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
        .route("/piani/{plan}", get(plan::tree))
        .route("/piani/{plan}/matrice", get(plan::matrix))
        .route("/piani/{plan}/unita/{unit}", get(unit::page))
        .route(
            "/piani/{plan}/obiettivi/{unit}/{label}",
            get(objective::page),
        )
        .route("/piani/{plan}/cerca", get(search::page))
        .route("/piani/{plan}/diagnostica", get(diagnostics::page))
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
}

type PageResult = Result<Markup, AppError>;

/// The path parameters of a page, or a "bad address" page.
fn path<T>(p: Result<Path<T>, PathRejection>) -> Result<T, AppError> {
    p.map(|Path(t)| t)
        .map_err(|_| AppError::BadRequest("L'indirizzo della pagina non è valido.".into()))
}

/// Anything no route answers: a problem under `/api`, a page elsewhere.
pub async fn not_found(uri: Uri) -> Response {
    let error = AppError::NotFound("una pagina a questo indirizzo".into());
    if uri.path().starts_with("/api/") {
        Problem(error).into_response()
    } else {
        error.into_response()
    }
}
