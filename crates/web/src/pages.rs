//! The pages people read: server-rendered Italian HTML that works without JavaScript.

mod account;
mod acts;
mod audit;
mod changes;
mod diagnostics;
mod draft;
mod entity;
mod evaluation;
mod events;
mod evidence;
mod forms;
mod home;
mod indicator;
mod layout;
mod neutralise;
mod newplan;
mod objective;
mod opendata;
mod papers;
mod people;
mod phase;
mod piao;
mod plan;
mod progress;
mod relazione;
mod results;
mod rollover;
mod rounds;
mod score;
mod search;
mod signin;
pub(crate) mod transparency;
mod unit;
mod upload;
mod workbook;

use std::sync::Arc;

use axum::extract::{FromRequestParts, Query};
use axum::http::Uri;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum_extra::routing::TypedPath;
use maud::Markup;

use domain::limits::{self};
use domain::{Actor, messages};

use crate::AppState;
use crate::auth::Viewer;
use crate::cache::PlanView;
use crate::error::{AppError, Problem};
use crate::paths::{self, InPlan};
use crate::routes::Routes;

pub use audit::{readable as readable_entries, readers_only};
pub use evidence::MAX_BYTES as EVIDENCE_MAX_BYTES;
pub use layout::error_page;
pub use score::sentence as score_sentence;
pub use workbook::workbook_file;

pub fn routes(r: Routes) -> Routes {
    r.get(home::page)
        .get(signin::form_page)
        .post(signin::sign_in)
        .get(signin::callback)
        .post(signin::sign_out)
        .get(account::account)
        .post(account::add_token)
        .post(account::add_feed)
        .post(account::revoke_feed)
        .get(account::feed)
        .post(account::revoke_token)
        .get(people::list)
        .post(people::add)
        .post(people::set_state)
        .get(audit::page)
        .get(audit::export::<paths::LogCsv>)
        .get(audit::export::<paths::LogJson>)
        .get(newplan::page)
        .post(newplan::create)
        .post(newplan::upload)
        .get(plan::tree)
        .post(acts::perform)
        .get(rollover::page)
        .post(rollover::make)
        .get(plan::matrix)
        .get(piao::page)
        .get(changes::list)
        .post(changes::opinion)
        .post(changes::decision)
        .get(changes::versions)
        .post(changes::ask)
        .get(results::page)
        .post(results::save)
        .get(rounds::page)
        .post(rounds::open)
        .post(rounds::close)
        .get(unit::page)
        .get(unit::calendar)
        .get(objective::page)
        .get(phase::form_page)
        .post(phase::save)
        .post(evidence::upload)
        .get(evidence::download)
        .get(indicator::form_page)
        .post(indicator::save)
        .post(events::save)
        .post(neutralise::save)
        .get(search::page)
        .get(diagnostics::page)
        .get(draft::hub)
        .post(draft::header)
        .get(draft::strategy_page)
        .post(draft::strategy)
        .get(draft::codes_page)
        .post(draft::codes)
        .get(draft::piao::page)
        .post(draft::piao::save)
        .get(draft::new_unit_page)
        .post(draft::add_unit)
        .get(draft::unit_form)
        .post(draft::edit_unit)
        .post(draft::unit_place)
        .get(draft::new_card_page)
        .post(draft::add_card)
        .get(draft::card_form)
        .post(draft::edit_card)
        .post(draft::card_place)
        .get(draft::measure::form_page)
        .post(draft::measure::save)
        .post(draft::check)
        .get(workbook::plan)
        .get(workbook::template)
        .get(evaluation::overview)
        .post(evaluation::open)
        .get(evaluation::system::page_of)
        .post(evaluation::system::save)
        .get(evaluation::staff::list)
        .post(evaluation::staff::save)
        .post(evaluation::staff::upload)
        .get(evaluation::staff::csv)
        .get(evaluation::sheet::view)
        .post(evaluation::sheet::step)
        .get(evaluation::pool::spread)
        .get(evaluation::pool::view)
        .post(evaluation::pool::save_budget)
        .post(evaluation::pool::share)
        .post(evaluation::pool::payment_times)
        .get(evaluation::pool::payroll)
        .get(opendata::page)
        .get(opendata::file)
        .post(opendata::licence)
        .get(entity::page)
        .post(entity::upload)
        .post(entity::remove)
        .get(entity::image)
        .get(papers::file)
        .get(relazione::page)
        .post(relazione::step)
        .get(transparency::index)
        .get(transparency::item)
}

type PageResult = Result<Markup, AppError>;

impl<P, const ON_DAY: bool> PlanPage<P, ON_DAY> {
    /// For pages of an administration's own work (rounds, requests, `what`): a person of
    /// another one is told whose they are; the public is asked to sign in.
    fn members_only(self, what: &str) -> Result<Self, AppError> {
        match (&self.actor, self.viewer.person()) {
            (Some(_), _) => Ok(self),
            (None, Some(_)) => Err(AppError::Forbidden(format!(
                "{what} sono dell'amministrazione che ha il piano."
            ))),
            (None, None) => Err(AppError::SignIn),
        }
    }
}

/// After a form's write: the page to show next (303, so that reloading does not repeat it).
fn see_other(to: impl std::fmt::Display) -> Response {
    let to = to.to_string();
    if axum::http::HeaderValue::from_str(&to).is_err() {
        // Typed addresses are percent-encoded: only a bug gets here.
        return AppError::Internal(format!("redirect to {to:?} is not a header value"))
            .into_response();
    }
    axum::response::Redirect::to(&to).into_response()
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
        q: Result<Query<Situation>, axum::extract::rejection::QueryRejection>,
    ) -> Result<Option<chrono::NaiveDate>, AppError> {
        let Ok(Query(q)) = q else {
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

/// A plan's page as its reader may read it: the address, who reads, the plan (one they may
/// not read is a 404, as an unknown one) and who they are in it. With `ON_DAY`, the plan as it
/// stood on the day `?al=` asks for ([`Situated`]); otherwise today's.
pub struct PlanPage<P, const ON_DAY: bool = false> {
    pub at: P,
    pub state: AppState,
    pub viewer: Viewer,
    pub v: Arc<PlanView>,
    pub actor: Option<Actor>,
}

/// A plan's page that shows the situation of a day, today's without `?al=`.
pub type Situated<P> = PlanPage<P, true>;

/// A plan's page is routed, and written, as its address.
impl<P: TypedPath, const ON_DAY: bool> TypedPath for PlanPage<P, ON_DAY> {
    const PATH: &'static str = P::PATH;
}

impl<P: std::fmt::Display, const ON_DAY: bool> std::fmt::Display for PlanPage<P, ON_DAY> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.at.fmt(f)
    }
}

impl<P, const ON_DAY: bool> FromRequestParts<AppState> for PlanPage<P, ON_DAY>
where
    P: InPlan + FromRequestParts<AppState, Rejection = AppError> + Send,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let at = P::from_request_parts(parts, state).await?;
        let viewer = Viewer::from_request_parts(parts, state).await?;
        let day = if ON_DAY {
            Situation::day(Query::from_request_parts(parts, state).await)?
        } else {
            None
        };
        let (v, actor) = state
            .cycle()
            .view_on(at.plan(), viewer.person(), day)
            .await?;
        Ok(PlanPage {
            at,
            state: state.clone(),
            viewer,
            v,
            actor,
        })
    }
}

/// The form that chooses the day a situation is shown for, and, when it is a past day, the
/// notice that says so.
fn situation(action: &str, v: &PlanView) -> Markup {
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

/// Anything no route answers: a problem under `/api`, a page elsewhere.
pub async fn not_found(uri: Uri) -> Response {
    let error = AppError::NotFound("una pagina a questo indirizzo".into());
    if uri.path().starts_with("/api/") {
        Problem(error).into_response()
    } else {
        error.into_response()
    }
}
