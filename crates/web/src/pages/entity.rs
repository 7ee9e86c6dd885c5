//! «L'amministrazione»: what an administration's planning office sets for itself — the
//! emblem on its documents (uploaded, shown, removed) and, on the open data page, the licence
//! of its data. The emblem itself is public, as the documents that carry it.

use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use cycle::Refusal;
use cycle::entity::Setter;
use domain::Role;
use maud::{Markup, html};

use super::forms::Signed;
use super::layout::{Page, render};
use super::see_other;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::{AppState, paths};

/// The planning office of an administration, and the administration's slug; refused to
/// everyone else with the reason.
fn planning_office(viewer: &Viewer) -> Result<(&store::Person, Option<&str>), AppError> {
    let person = viewer.person().ok_or(AppError::SignIn)?;
    if !person.roles.contains(&Role::Admin) {
        return Err(Refusal::Denied(domain::Refusal::Role(&[Role::Admin])).into());
    }
    Ok((person, person.entity.as_deref()))
}

/// The size the page shows an emblem at: its own, or no more than 160 pixels on its longer side.
fn shown(e: &report::emblem::Emblem) -> (u32, u32) {
    let longer = e.width.max(e.height).max(1);
    if longer <= 160 {
        (e.width, e.height)
    } else {
        (
            (e.width * 160 / longer).max(1),
            (e.height * 160 / longer).max(1),
        )
    }
}

pub async fn page(_: paths::Entity, State(state): State<AppState>, viewer: Viewer) -> Response {
    match entity_page(&state, &viewer, None).await {
        Ok(markup) => markup.into_response(),
        Err(e) => e.into_response(),
    }
}

/// The page, with `problem` (a refused upload) said at its top.
async fn entity_page(
    state: &AppState,
    viewer: &Viewer,
    problem: Option<&str>,
) -> Result<Markup, AppError> {
    let (_, slug) = planning_office(viewer)?;
    let cycle = state.cycle();
    let alert = html! {
        @if let Some(problem) = problem {
            div class="avviso" role="alert" { p { (problem) } }
        }
    };
    let body = match slug {
        None => html! {
            h1 { "L'amministrazione" }
            (alert)
            p { "Questo account è dell'intera installazione: lo stemma e la licenza dei dati aperti sono di "
                "ciascuna amministrazione e li imposta il suo ufficio di programmazione." }
        },
        Some(slug) => {
            let name = cycle
                .entity_name(slug)
                .await?
                .unwrap_or_else(|| slug.to_owned());
            let emblem = cycle.emblem(slug).await?;
            let licence = cycle.licence(slug).await?;
            let licence_name = report::opendata::LICENCES
                .iter()
                .find(|(id, _, _)| *id == licence)
                .map_or(licence, |(_, name, _)| name);
            let upload = format!("{}?csrf={}", paths::EntityEmblem, viewer.csrf());
            html! {
                h1 { "L'amministrazione: " (name) }
                (alert)
                section aria-labelledby="stemma" {
                    h2 id="stemma" { "Lo stemma" }
                    p { "Lo stemma compare sopra il nome dell'amministrazione nei documenti che Pegaso prepara: "
                        "il piano, le schede degli obiettivi, il monitoraggio, la Relazione sulla performance, "
                        "il documento di validazione, le schede di valutazione e la ripartizione dei premi "
                        "(PDF e DOCX; nell'intestazione di stampa dei fogli XLSX)." }
                    @if let Some(e) = &emblem {
                        @let (width, height) = shown(e);
                        figure class="stemma" {
                            img src=(paths::EmblemImage { file: format!("{slug}.png") })
                                alt=(format!("Stemma: {name}")) width=(width) height=(height);
                            figcaption { "Lo stemma attuale (" (e.width) " × " (e.height) " pixel)." }
                        }
                    } @else {
                        p { "L'amministrazione non ha ancora caricato il suo stemma: i documenti portano il solo nome." }
                    }
                    form class="modulo" method="post" action=(upload) enctype="multipart/form-data" {
                        p {
                            label for="stemma-file" { "Nuovo stemma (immagine PNG o JPEG, al massimo 2 MB; "
                                "le immagini più grandi di " (report::emblem::MAX_SIDE) " pixel sono ridotte)" }
                            input id="stemma-file" name="file" type="file" required
                                accept=".png,.jpg,.jpeg,image/png,image/jpeg";
                        }
                        p { button type="submit" { "Carica lo stemma" } }
                    }
                    @if emblem.is_some() {
                        form class="modulo" method="post" action=(paths::EntityEmblemRemoval) {
                            input type="hidden" name="csrf" value=(viewer.csrf());
                            p { button type="submit" { "Togli lo stemma" } }
                        }
                    }
                }
                section aria-labelledby="licenza" {
                    h2 id="licenza" { "La licenza dei dati aperti" }
                    p { "I dati aperti dell'amministrazione sono pubblicati con licenza " strong { (licence_name) } ". "
                        "Si sceglie nella pagina " a href=(paths::OpenData) { "Dati aperti" } "." }
                }
            }
        }
    };
    Ok(render(Page {
        who: viewer,
        title: "L'amministrazione",
        crumbs: vec![("L'amministrazione".into(), paths::Entity.to_string())],
        plan: None,
        body: body.into(),
    }))
}

/// The emblem uploaded (the form's token in the address, checked by the guard before the
/// body): a refused picture is said on the page, with 422.
pub async fn upload(
    _: paths::EntityEmblem,
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let (person, _) = planning_office(&viewer)?;
    let file = super::upload::receive(&state, multipart, report::emblem::MAX_BYTES).await?;
    let stamp = state.cycle().stamp(person);
    match state
        .cycle()
        .set_emblem(Setter::Office(person), file.bytes, &stamp)
        .await
    {
        Ok(_) => Ok(see_other(paths::Entity)),
        Err(Refusal::Invalid(problem)) => {
            let page = entity_page(&state, &viewer, Some(&problem)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The emblem removed.
pub async fn remove(
    _: paths::EntityEmblemRemoval,
    s: Signed<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.cycle()
        .remove_emblem(Setter::Office(s.who()), &s.stamp())
        .await?;
    Ok(see_other(paths::Entity))
}

/// An administration's emblem, as its documents carry it (public).
pub async fn image(
    at: paths::EmblemImage,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let missing = || AppError::NotFound(format!("lo stemma «{}»", at.file));
    let slug = at.file.strip_suffix(".png").ok_or_else(missing)?;
    let emblem = state.cycle().emblem(slug).await?.ok_or_else(missing)?;
    Ok((
        [(CONTENT_TYPE, "image/png"), (CACHE_CONTROL, "no-cache")],
        emblem.png,
    )
        .into_response())
}
