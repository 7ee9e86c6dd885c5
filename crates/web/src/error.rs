//! The one error of the web application, and the one place where each kind becomes a status
//! and a body: an Italian page for people, `application/problem+json` for the API. Internal
//! details go to the log, never to the client.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use store::StoreError;

/// What went wrong, by what the client can do about it.
#[derive(Debug)]
pub enum AppError {
    /// Nothing at this address (`what` says what was looked for, in Italian).
    NotFound(String),
    /// The request is malformed (`detail` in Italian).
    BadRequest(String),
    /// This method is not allowed here.
    MethodNotAllowed,
    /// Our fault; the detail is logged.
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short Italian title for the status.
    pub fn title(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "Pagina non trovata",
            AppError::BadRequest(_) => "Richiesta non valida",
            AppError::MethodNotAllowed => "Metodo non consentito",
            AppError::Internal(_) => "Errore del server",
        }
    }

    /// What a person reads under the title.
    pub fn detail(&self) -> String {
        match self {
            AppError::NotFound(what) => format!("Non esiste {what}."),
            AppError::BadRequest(detail) => detail.clone(),
            AppError::MethodNotAllowed => "Questo indirizzo si può solo leggere (GET).".into(),
            AppError::Internal(_) => {
                "Si è verificato un errore imprevisto. Riprovare più tardi; se continua, \
                 avvisare l'amministratore."
                    .into()
            }
        }
    }

    fn log(&self) {
        if let AppError::Internal(detail) = self {
            tracing::error!(%detail, "request failed");
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => {
                tracing::debug!(%what, "not found");
                AppError::NotFound("questo elemento".into())
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// Pages answer errors with an Italian page.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let page = crate::pages::error_page(&self);
        (self.status(), page).into_response()
    }
}

/// The API's errors: `application/problem+json` (RFC 9457).
#[derive(Debug)]
pub struct Problem(pub AppError);

/// The body of a problem response.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ProblemBody {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
}

impl<E: Into<AppError>> From<E> for Problem {
    fn from(e: E) -> Self {
        Problem(e.into())
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        self.0.log();
        let status = self.0.status();
        let body = ProblemBody {
            kind: "about:blank".into(),
            title: self.0.title().into(),
            status: status.as_u16(),
            detail: self.0.detail(),
        };
        let text = serde_json::to_string(&body).unwrap_or_default();
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            text,
        )
            .into_response()
    }
}
