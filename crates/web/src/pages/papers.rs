//! The papers as files to download (issue 16, point 2): `/piani/{plan}/documenti/{carta}.{pdf,
//! docx,xlsx}` — `piano`, `unita?unita=…`, `obiettivo?obiettivo=UNITÀ/ETICHETTA`,
//! `monitoraggio?al=AAAA-MM-GG`, `relazione`, `validazione`, `scheda?matricola=…`, `premi` —,
//! each for whoever may read its page (`cycle::papers`), typeset away from the server's
//! threads, a few at a time (`ServerLimits::papers`: past them, a request waits its turn for
//! a while, then is told to try again). `links` writes the three formats' links a page offers.

use axum::extract::Query;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use cycle::papers::{Paper, Reader};
use documents::Format;

use super::PlanPage;
use super::workbook::attachment;
use crate::error::AppError;
use crate::paths;

/// What a paper's address may add.
#[derive(Debug, Default, Deserialize)]
pub struct Which {
    unita: Option<String>,
    obiettivo: Option<String>,
    al: Option<String>,
    matricola: Option<String>,
}

fn paper(kind: &str, q: &Which) -> Option<Paper> {
    Some(match kind {
        "piano" => Paper::Plan,
        "unita" => Paper::Unit(q.unita.clone()?),
        "obiettivo" => Paper::Card(q.obiettivo.clone()?),
        "monitoraggio" => Paper::Monitoring(
            q.al.as_deref()
                .map_or_else(|| Some(crate::today()), domain::limits::parse_date)?,
        ),
        "relazione" => Paper::Relazione,
        "validazione" => Paper::Validazione,
        "scheda" => Paper::Scheda(q.matricola.clone()?),
        "premi" => Paper::Premi,
        _ => return None,
    })
}

pub async fn file(
    pg: PlanPage<paths::PlanPaper>,
    q: Result<Query<Which>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let missing = || AppError::NotFound(format!("il documento «{}»", pg.at.file));
    let (kind, ext) = pg.at.file.rsplit_once('.').ok_or_else(missing)?;
    let format = Format::parse(ext).ok_or_else(missing)?;
    let paper = paper(kind, &q).ok_or_else(missing)?;
    let reader = match pg.viewer.person() {
        Some(p) => Reader::Person(p),
        None => Reader::Public,
    };
    let id = pg.v.id().clone();
    let doc = pg.state.cycle().paper(&id, &paper, reader).await?;
    let name = format!("{}.{}", paper.file_stem(&id), format.extension());
    let state = &pg.state;
    let _place = tokio::time::timeout(state.limits.upload_wait, state.papers.acquire())
        .await
        .map_err(|_| AppError::Busy)?
        .map_err(|_| AppError::Busy)?;
    let bytes = tokio::task::spawn_blocking(move || documents::render(&doc, format))
        .await
        .map_err(|e| AppError::Internal(format!("typesetting task: {e}")))?
        .map_err(AppError::Internal)?;
    Ok(attachment(bytes, &name, format.media_type()))
}

/// The links to a paper (`kind`, with its `query` pairs) in the three formats, to put in a
/// paragraph or a list item.
pub fn links(plan: &domain::PlanId, what: &str, kind: &str, query: &[(&str, &str)]) -> Markup {
    let query = serde_urlencoded::to_string(query).unwrap_or_default();
    let href = |ext: &str| {
        let file = paths::PlanPaper {
            plan: plan.clone(),
            file: format!("{kind}.{ext}"),
        };
        if query.is_empty() {
            file.to_string()
        } else {
            format!("{file}?{query}")
        }
    };
    html! {
        "Scarica " (what) ": "
        a href=(href("pdf")) { "PDF" } " · " a href=(href("docx")) { "Word (DOCX)" } " · "
        a href=(href("xlsx")) { "foglio di calcolo (XLSX)" }
    }
}
