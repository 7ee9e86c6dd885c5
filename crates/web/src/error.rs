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
    /// Sign in first (or the API token is not valid).
    SignIn,
    /// Signed in, but this is not theirs to do (`why` in Italian).
    Forbidden(String),
    /// Someone else changed it first, or the plan moved on (`what` in Italian).
    Conflict(String),
    /// Well-formed but not acceptable (`detail` in Italian).
    Unprocessable(String),
    /// Too many failed logins: try again later.
    TooManyRequests { retry_after_secs: i64 },
    /// The body is larger than this address takes (the limit, when known).
    TooLarge { max_bytes: Option<usize> },
    /// The server is at its limit for this kind of work (password checks, uploads): try
    /// again in a few seconds.
    Busy,
    /// The request took longer than the server waits.
    Timeout,
    /// Our fault; the detail is logged.
    Internal(String),
}

impl AppError {
    /// A refusal of `domain::access::decide`, as every page and the API answer it.
    pub fn refused(r: domain::Refusal) -> Self {
        cycle::Refusal::Denied(r).into()
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::SignIn => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Timeout => StatusCode::REQUEST_TIMEOUT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short Italian title for the status.
    pub fn title(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "Pagina non trovata",
            AppError::BadRequest(_) => "Richiesta non valida",
            AppError::MethodNotAllowed => "Metodo non consentito",
            AppError::SignIn => "Accesso richiesto",
            AppError::Forbidden(_) => "Azione non consentita",
            AppError::Conflict(_) => "Modifica in conflitto",
            AppError::Unprocessable(_) => "Dati non accettati",
            AppError::TooManyRequests { .. } => "Troppi tentativi",
            AppError::TooLarge { .. } => "Richiesta troppo grande",
            AppError::Busy => "Servizio momentaneamente occupato",
            AppError::Timeout => "Richiesta scaduta",
            AppError::Internal(_) => "Errore del server",
        }
    }

    /// What a person reads under the title.
    pub fn detail(&self) -> String {
        match self {
            AppError::NotFound(what) => format!("Non esiste {what}."),
            AppError::BadRequest(detail) => detail.clone(),
            AppError::MethodNotAllowed => {
                "Questo indirizzo non accetta questo metodo di richiesta.".into()
            }
            AppError::SignIn => {
                "Per continuare occorre accedere con le proprie credenziali.".into()
            }
            AppError::Forbidden(why) | AppError::Conflict(why) | AppError::Unprocessable(why) => {
                why.clone()
            }
            AppError::TooManyRequests { retry_after_secs } => format!(
                "Troppi accessi non riusciti. Riprovare tra {} minuti.",
                (retry_after_secs + 59) / 60
            ),
            AppError::TooLarge {
                max_bytes: Some(max),
            } => format!(
                "Quanto inviato supera il limite di {} per questo indirizzo.",
                size(*max)
            ),
            AppError::TooLarge { max_bytes: None } => {
                "Quanto inviato supera il limite per questo indirizzo.".into()
            }
            AppError::Busy => "Il server sta già lavorando al massimo per richieste di questo \
                               tipo. Riprovare tra qualche secondo."
                .into(),
            AppError::Timeout => {
                "La richiesta non è arrivata per intero in tempo: riprovare.".into()
            }
            AppError::Internal(_) => {
                "Si è verificato un errore imprevisto. Riprovare più tardi; se continua, \
                 avvisare l'amministratore."
                    .into()
            }
        }
    }

    /// The headers some statuses call for.
    fn headers(&self, response: &mut Response) {
        let value = match self {
            AppError::TooManyRequests { retry_after_secs } => {
                Some((header::RETRY_AFTER, retry_after_secs.to_string()))
            }
            AppError::SignIn => Some((header::WWW_AUTHENTICATE, "Bearer".to_string())),
            AppError::Busy => Some((header::RETRY_AFTER, BUSY_RETRY_SECS.to_string())),
            // The connection may hold the rest of a body we did not read: end it.
            AppError::TooLarge { .. } | AppError::Timeout => {
                Some((header::CONNECTION, "close".to_string()))
            }
            _ => None,
        };
        if let Some((name, value)) = value
            && let Ok(value) = header::HeaderValue::from_str(&value)
        {
            response.headers_mut().insert(name, value);
        }
    }

    fn log(&self) {
        if let AppError::Internal(detail) = self {
            tracing::error!(%detail, "request failed");
        }
    }
}

/// How long a client should wait before trying again when the server is busy.
pub const BUSY_RETRY_SECS: u64 = 5;

/// `10 MB`, `64 kB`: a limit as a person reads it.
pub fn size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MB", bytes / (1024 * 1024))
    } else if bytes >= 1024 {
        format!("{} kB", bytes / 1024)
    } else {
        format!("{bytes} byte")
    }
}

/// The one mapping from a use case's refusal to an answer, for the pages and the API alike:
/// sign in first (401); not theirs (403); out of turn for everyone — the plan's state, figures
/// locked, moved on meanwhile (409); a reason, an act or a value not acceptable (422); a
/// malformed request (400); nothing of that name (404).
impl From<cycle::Refusal> for AppError {
    fn from(r: cycle::Refusal) -> Self {
        use cycle::Refusal as R;
        use domain::Refusal as D;
        match r {
            R::NotFound(what) => AppError::NotFound(what),
            R::Denied(D::SignInRequired) => AppError::SignIn,
            R::Denied(d @ (D::State(_) | D::Locked)) => {
                AppError::Conflict(domain::messages::refusal(&d))
            }
            R::Denied(d @ (D::ReasonRequired | D::ActRequired)) => {
                AppError::Unprocessable(domain::messages::refusal(&d))
            }
            R::Denied(d) => AppError::Forbidden(domain::messages::refusal(&d)),
            R::OutOfTurn(why) => AppError::Conflict(why),
            R::Invalid(why) => AppError::Unprocessable(why),
            R::Malformed(why) => AppError::BadRequest(why),
            R::Busy => AppError::Busy,
            R::Failed(detail) => AppError::Internal(detail),
            R::Store(e) => e.into(),
        }
    }
}

/// A malformed address (a parameter that is not UTF-8, or not the number it must be).
impl From<axum::extract::rejection::PathRejection> for AppError {
    fn from(e: axum::extract::rejection::PathRejection) -> Self {
        tracing::debug!(error = %e.body_text(), "bad path");
        AppError::BadRequest(
            "L'indirizzo non è valido: controllare di averlo copiato per intero.".into(),
        )
    }
}

/// What an address without parameters answers a request it does not match (the router never
/// sends one there).
impl Default for AppError {
    fn default() -> Self {
        AppError::NotFound("questo indirizzo".into())
    }
}

/// The same for an address of the API.
impl Default for Problem {
    fn default() -> Self {
        Problem(AppError::default())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => {
                tracing::debug!(%what, "not found");
                AppError::NotFound("questo elemento".into())
            }
            StoreError::Conflict(what) => {
                tracing::info!(%what, "conflict");
                AppError::Conflict(
                    "Nel frattempo qualcun altro ha cambiato questo elemento o lo stato del piano: \
                     ricaricare la pagina per vedere com'è ora."
                        .into(),
                )
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
        let mut response = (self.status(), page).into_response();
        self.headers(&mut response);
        response
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
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            text,
        )
            .into_response();
        self.0.headers(&mut response);
        response
    }
}
