//! The audit log for those who may read it (the planning office, the Nucleo, auditors): the
//! whole chain with its check, and its export as CSV and JSON.

use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::access::{Action, decide};
use domain::{PlanState, messages};
use maud::html;
use store::AuditFilter;

use super::PageResult;
use super::acts::history;
use super::layout::{Page, render};
use crate::AppState;
use crate::auth::{Viewer, visible_entries};
use crate::error::AppError;
use crate::paths;

/// Refuses everyone the log is not for.
pub fn readers_only(person: Option<&store::Person>) -> Result<(), AppError> {
    let person = person.ok_or(AppError::SignIn)?;
    let actor = domain::Actor {
        name: person.name.clone(),
        roles: person.roles.clone(),
        units: vec![],
    };
    decide(Some(&actor), Action::ReadAudit, PlanState::Draft)
        .map_err(|r| AppError::Forbidden(messages::refusal(&r)))
}

/// The entries this reader may see, in order.
pub async fn readable(
    state: &AppState,
    person: &store::Person,
    filter: &AuditFilter,
) -> Result<Vec<domain::audit::Entry>, AppError> {
    let entries = state.store.audit_log(filter).await?;
    let people = match person.entity {
        Some(_) => state.store.people().await?,
        None => Vec::new(),
    };
    Ok(visible_entries(person.entity.as_deref(), &people, entries))
}

pub async fn page(_: paths::Log, State(state): State<AppState>, viewer: Viewer) -> PageResult {
    readers_only(viewer.person())?;
    let person = viewer.person().ok_or(AppError::SignIn)?;
    // The chain is checked whole; the reader sees the entries that are theirs to see.
    let all = state.store.audit_log(&AuditFilter::default()).await?;
    let head = state.store.audit_head().await?;
    let breaks = domain::audit::verify(&all, head.as_ref().map(|(s, h)| (*s, h.as_str())));
    let entries = readable(&state, person, &AuditFilter::default()).await?;
    let body = html! {
        h1 { "Registro delle modifiche" }
        @if person.entity.is_some() {
            // An administration's reader learns whether the chain holds, not the rest of it.
            @if breaks.is_empty() {
                p { "La catena del registro è integra: ogni voce è legata alla precedente dalla sua impronta (SHA-256)." }
            } @else {
                div class="avviso" role="alert" {
                    p { "La catena del registro è interrotta: il registro è stato alterato fuori da Pegaso. Avvisare chi gestisce l'installazione." }
                }
            }
        } @else if breaks.is_empty() {
            p { "La catena del registro è integra: " (all.len()) " voci, ciascuna legata alla precedente dalla sua impronta (SHA-256)." }
        } @else {
            div class="avviso" role="alert" {
                p { "La catena del registro è interrotta in " (breaks.len()) " punti: il registro è stato alterato fuori da Pegaso." }
                ul { @for b in &breaks { li { (report::audit::describe(b)) } } }
            }
        }
        p {
            "Esporta: " a href="/registro.csv" { "CSV" } " · " a href="/registro.json" { "JSON" }
            " (per i programmi: intestazioni e codici delle azioni sono in inglese)."
        }
        (history(&entries, "Tutte le voci, dalla più recente"))
    };
    Ok(render(Page {
        who: &viewer,
        title: "Registro delle modifiche",
        crumbs: vec![("Registro".into(), "/registro".into())],
        plan: None,
        body: body.into(),
    }))
}

/// A download of the whole log (its address): the file's type and name, and how the entries
/// are written in it.
pub trait LogFile: FromRequestParts<AppState> + Send + 'static {
    const FILE: (&'static str, &'static str);
    fn write(entries: &[domain::audit::Entry]) -> Result<String, String>;
}

impl LogFile for paths::LogCsv {
    const FILE: (&'static str, &'static str) = ("text/csv; charset=utf-8", "registro.csv");
    fn write(entries: &[domain::audit::Entry]) -> Result<String, String> {
        report::audit::csv(entries).map_err(|e| e.to_string())
    }
}

impl LogFile for paths::LogJson {
    const FILE: (&'static str, &'static str) = ("application/json", "registro.json");
    fn write(entries: &[domain::audit::Entry]) -> Result<String, String> {
        serde_json::to_string_pretty(entries).map_err(|e| e.to_string())
    }
}

/// The whole log, for those it is for, as the file `F` to download.
pub async fn export<F: LogFile>(
    _: F,
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    readers_only(viewer.person())?;
    let person = viewer.person().ok_or(AppError::SignIn)?;
    let entries = readable(&state, person, &AuditFilter::default()).await?;
    let text = F::write(&entries).map_err(AppError::Internal)?;
    let (content_type, name) = F::FILE;
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        text,
    )
        .into_response())
}
