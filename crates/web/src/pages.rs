//! The pages people read: server-rendered Italian HTML that works without JavaScript.

mod acts;
mod audit;
mod changes;
mod diagnostics;
mod events;
mod evidence;
mod home;
mod indicator;
mod layout;
mod neutralise;
mod objective;
mod people;
mod phase;
mod plan;
mod results;
mod rounds;
mod score;
mod search;
mod signin;
mod unit;

use axum::Form;
use axum::extract::Path;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use maud::Markup;

use domain::limits::{self, Field};
use domain::messages;

use crate::error::{AppError, Problem};
use crate::routes::Routes;

pub use audit::{readable as readable_entries, readers_only};
pub use evidence::MAX_BYTES as EVIDENCE_MAX_BYTES;
pub use layout::error_page;
pub use score::sentence as score_sentence;

pub fn routes(r: Routes) -> Routes {
    r.get("/", home::page)
        .get("/accesso", signin::form_page)
        .post("/accesso", signin::sign_in)
        .get("/accesso/ritorno", signin::callback)
        .post("/uscita", signin::sign_out)
        .get("/account", people::account)
        .post("/account/token", people::add_token)
        .post("/account/calendario", people::add_feed)
        .post("/account/calendario/revoca", people::revoke_feed)
        .get("/calendari/{feed}", people::feed)
        .post("/account/token/{id}/revoca", people::revoke_token)
        .get("/persone", people::list)
        .post("/persone", people::add)
        .post("/persone/{username}/stato", people::set_state)
        .get("/registro", audit::page)
        .get("/registro.csv", audit::csv)
        .get("/registro.json", audit::json)
        .get("/piani/{plan}", plan::tree)
        .post("/piani/{plan}/atti", acts::perform)
        .get("/piani/{plan}/matrice", plan::matrix)
        .get("/piani/{plan}/richieste", changes::list)
        .post("/piani/{plan}/richieste/{request}/parere", changes::opinion)
        .post(
            "/piani/{plan}/richieste/{request}/decisione",
            changes::decision,
        )
        .get("/piani/{plan}/versioni", changes::versions)
        .post(
            "/piani/{plan}/obiettivi/{unit}/{label}/richieste",
            changes::ask,
        )
        .get("/piani/{plan}/punteggi", results::page)
        .post("/piani/{plan}/punteggi", results::save)
        .get("/piani/{plan}/monitoraggi", rounds::page)
        .post("/piani/{plan}/monitoraggi", rounds::open)
        .post("/piani/{plan}/monitoraggi/{round}/chiusura", rounds::close)
        .get("/piani/{plan}/unita/{unit}", unit::page)
        .get("/piani/{plan}/calendari/{unit}", unit::calendar)
        .get("/piani/{plan}/obiettivi/{unit}/{label}", objective::page)
        .get(
            "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}",
            phase::form_page,
        )
        .post(
            "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}",
            phase::save,
        )
        .post(
            "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}/allegati",
            evidence::upload,
        )
        .get(
            "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}/allegati/{file}",
            evidence::download,
        )
        .get(
            "/piani/{plan}/obiettivi/{unit}/{label}/indicatori/{n}",
            indicator::form_page,
        )
        .post(
            "/piani/{plan}/obiettivi/{unit}/{label}/indicatori/{n}",
            indicator::save,
        )
        .post(
            "/piani/{plan}/obiettivi/{unit}/{label}/eventi",
            events::save,
        )
        .post(
            "/piani/{plan}/obiettivi/{unit}/{label}/neutralizzazioni",
            neutralise::save,
        )
        .get("/piani/{plan}/cerca", search::page)
        .get("/piani/{plan}/diagnostica", diagnostics::page)
}

type PageResult = Result<Markup, AppError>;

/// The path parameters of a page, or a "bad address" page.
fn path<T>(p: Result<Path<T>, PathRejection>) -> Result<T, AppError> {
    p.map(|Path(t)| t)
        .map_err(|_| AppError::BadRequest("L'indirizzo della pagina non è valido.".into()))
}

/// `raw` as `domain::limits` keeps it for `field` (cleaned, bounded; empty allowed), or a
/// 422 that names the field.
fn text(field: Field, raw: &str) -> Result<String, AppError> {
    limits::clean(field, raw).map_err(|e| AppError::Unprocessable(messages::text_error(&e)))
}

/// Pages of an administration's own work (rounds, requests): a person of another one is
/// told whose they are; the public is asked to sign in.
fn members_only(
    viewer: &crate::auth::Viewer,
    actor: Option<&domain::Actor>,
    what: &str,
) -> Result<(), AppError> {
    match (actor, viewer.person()) {
        (Some(_), _) => Ok(()),
        (None, Some(_)) => Err(AppError::Forbidden(format!(
            "{what} sono dell'amministrazione che ha il piano."
        ))),
        (None, None) => Err(AppError::SignIn),
    }
}

/// After a form's write: the page to show next (303, so that reloading does not repeat it).
fn see_other(to: String) -> Response {
    (
        axum::http::StatusCode::SEE_OTHER,
        [(axum::http::header::LOCATION, to)],
    )
        .into_response()
}

/// The day a page shows a plan's situation on: `?al=AAAA-MM-GG`, or today.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Situation {
    #[serde(default)]
    al: Option<String>,
}

impl Situation {
    /// The day asked for (`None`: today), or a 400 that says how to write it.
    fn day(
        q: Result<axum::extract::Query<Situation>, axum::extract::rejection::QueryRejection>,
    ) -> Result<Option<chrono::NaiveDate>, AppError> {
        let Ok(axum::extract::Query(q)) = q else {
            return Err(AppError::BadRequest(
                "L'indirizzo della pagina non è valido.".into(),
            ));
        };
        match q.al.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => Ok(None),
            Some(d) => limits::parse_date(d).map(Some).ok_or_else(|| {
                AppError::BadRequest("La data della situazione si scrive AAAA-MM-GG.".into())
            }),
        }
    }
}

/// The form that chooses the day a situation is shown for, and, when it is a past day, the
/// notice that says so.
fn situation(action: &str, v: &crate::cache::PlanView) -> Markup {
    let day = v.situation_day(crate::today());
    maud::html! {
        form class="giorno" method="get" action=(action) {
            label for="al" { "Situazione al" }
            " "
            input id="al" name="al" type="date" value=(day.to_string());
            " "
            button type="submit" { "Mostra" }
            @if v.day.is_some() {
                " " a href=(action) { "Torna a oggi" }
            }
        }
        @if let Some(d) = v.day {
            p class="avviso" role="status" {
                "Il piano com'era alla fine del " (messages::date(d))
                ": si contano solo i fatti registrati entro quel giorno."
            }
        }
    }
}

/// A form's fields, or a "bad form" page.
fn form<T>(f: Result<Form<T>, FormRejection>) -> Result<T, AppError> {
    f.map(|Form(t)| t).map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            return AppError::TooLarge { max_bytes: None };
        }
        tracing::debug!(error = %e.body_text(), "bad form");
        AppError::BadRequest(
            "Il modulo inviato non è valido: ricaricare la pagina e riprovare.".into(),
        )
    })
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
