//! The forms pages receive, read once with the refusals people understand: a malformed form is
//! a 400 page, one too large a 413; a form that changes something must come from one of this
//! site's pages in the session of the person signed in (its `csrf` field).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use store::{Person, Stamp};

use crate::AppState;
use crate::auth::{Session, Viewer};
use crate::error::AppError;
use cycle::Cycle;

/// The fields of a form sent without a session (signing in).
#[derive(Debug)]
pub struct Fields<F>(pub F);

/// A form sent by the person signed in, from a page of theirs: the session it came with and its
/// fields (the `csrf` field is checked and not among them), with the application it writes
/// through.
#[derive(Debug)]
pub struct Signed<F> {
    pub session: Session,
    pub form: F,
    pub state: AppState,
}

impl<F> Signed<F> {
    /// The use cases the form's write goes to.
    pub fn cycle(&self) -> &Cycle {
        self.state.cycle()
    }

    /// Who sent the form.
    pub fn who(&self) -> &Person {
        &self.session.person
    }

    /// What their write is recorded with: who, and now.
    pub fn stamp(&self) -> Stamp {
        self.cycle().stamp(self.who())
    }
}

#[derive(Deserialize)]
struct Csrf {
    #[serde(default)]
    csrf: String,
}

fn malformed() -> AppError {
    AppError::BadRequest("Il modulo inviato non è valido: ricaricare la pagina e riprovare.".into())
}

/// The body of a form: `application/x-www-form-urlencoded`, within the route's limit.
async fn body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, AppError> {
    let urlencoded = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !urlencoded {
        return Err(malformed());
    }
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge { max_bytes: None }
        } else {
            tracing::debug!(error = %e.body_text(), "form body not read");
            AppError::BadRequest("Il modulo non è arrivato intero: riprovare.".into())
        }
    })
}

fn parse<F: DeserializeOwned>(body: &[u8]) -> Result<F, AppError> {
    serde_urlencoded::from_bytes(body).map_err(|e| {
        tracing::debug!(error = %e, "bad form");
        malformed()
    })
}

impl<S: Send + Sync, F: DeserializeOwned> FromRequest<S> for Fields<F> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        Ok(Fields(parse(&body(req, state).await?)?))
    }
}

impl<F: DeserializeOwned> FromRequest<AppState> for Signed<F> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (mut parts, b) = req.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        let bytes = body(Request::from_parts(parts, b), state).await?;
        let form = parse(&bytes)?;
        let Csrf { csrf } = parse(&bytes)?;
        let session = viewer.checked(&csrf)?.clone();
        Ok(Signed {
            session,
            form,
            state: state.clone(),
        })
    }
}

/// A form whose only field is the `csrf` one.
#[derive(Debug, Deserialize)]
pub struct Nothing {}
