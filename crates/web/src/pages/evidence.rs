//! Evidence files of a phase: uploaded with a report (checked for size and for a type whose
//! content matches its name), kept in the database with the record, listed on the phase's
//! page and downloadable by whoever may read the plan's results.

use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use domain::messages;
use maud::{Markup, html};

use super::phase::phase_path;
use super::see_other;
use crate::auth::Viewer;
use crate::cache::PlanView;
use crate::error::AppError;
use crate::{AppState, paths};

/// The largest evidence file accepted.
pub const MAX_BYTES: usize = cycle::EVIDENCE_MAX_BYTES;

/// The evidence of phase `phase` of objective `objective`, with the upload form when open.
pub fn section(
    v: &PlanView,
    objective: usize,
    phase: usize,
    csrf: &str,
    may_upload: bool,
) -> Markup {
    let Some(o) = v.plan.objectives.get(objective) else {
        return html! {};
    };
    let files = v
        .monitoring
        .evidence
        .get(objective)
        .and_then(|p| p.get(phase))
        .map_or(&[][..], Vec::as_slice);
    let base = phase_path(v, o, phase);
    html! {
        h2 id="allegati" { "Documenti a supporto" }
        @if files.is_empty() {
            p { "Nessun documento allegato." }
        } @else {
            ul {
                @for f in files {
                    li {
                        a href=(base.evidence(f.id, &f.file_name)) { (f.file_name) }
                        " (" (messages::file_size(u64::try_from(f.size).unwrap_or(0))) ", caricato da " (f.uploaded_by) " il "
                        (messages::date(f.uploaded_at.date_naive())) ")"
                    }
                }
            }
        }
        @if may_upload {
            // The token goes in the address: it is checked before the file is received.
            form class="modulo" method="post" action=(format!("{}?csrf={csrf}", base.uploads())) enctype="multipart/form-data" {
                p {
                    label for="documento" { "Allega un documento (PDF, immagine, testo, foglio di calcolo; al massimo 10 MB)" }
                    input id="documento" name="file" type="file" required
                        accept=".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.odt,.ods,.txt,.csv";
                }
                p { button type="submit" { "Carica il documento" } }
            }
        }
    }
}

/// Receives a file. Who asks, the form's token (in the address) and the plan's state are
/// checked before the body is read (the guard, then here); the file is read in chunks up to
/// its limit, a few uploads at a time.
pub async fn upload(
    p: paths::PhaseEvidence,
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let session = viewer.0.as_ref().ok_or(AppError::SignIn)?;
    let cycle = state.cycle();
    let (v, located) = cycle.may_attach(&p.plan, &session.person, p.at()).await?;
    let file = super::upload::receive(&state, multipart, MAX_BYTES).await?;
    cycle
        .attach_evidence(
            &p.plan,
            &session.person,
            p.at(),
            &file.name,
            &file.bytes,
            &cycle.stamp(&session.person),
        )
        .await?;
    let o = &v.plan.objectives[located.objective];
    Ok(see_other(format!(
        "{}#allegati",
        phase_path(&v, o, located.phase)
    )))
}

pub async fn download(
    p: paths::EvidenceFile,
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let (info, content) = state
        .cycle()
        .evidence(&p.plan, viewer.person(), p.at(), &p.file)
        .await?;
    let ascii = paths::ascii_name(&info.file_name);
    let encoded: String = info
        .file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_str(&info.content_type)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            ),
            (
                CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        content,
    )
        .into_response())
}
