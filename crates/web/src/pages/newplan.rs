//! «Nuovo piano»: the planning office starts a plan in the browser, from nothing (an
//! administration, its kind, a title, the year and the triennium: an empty draft) or from a
//! document (a workbook, a DOCX or ODT document, a `pegaso.plan/1` file, the text of a PEG:
//! `cycle::documents::read`),
//! and is sent to the new draft. Problems of the form are said beside their fields (422), a
//! file that holds no plan with its findings (422), a plan of a year already planned is out of
//! turn (409).

use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use cycle::Refusal;
use cycle::creation::{self, Blank, BlankField, Problem};
use cycle::documents;
use domain::{Diagnostic, EntityKind, messages};
use maud::{Markup, html};
use serde::Deserialize;
use store::Person;

use super::forms::Signed;
use super::layout::{Page, render};
use super::{PageResult, see_other};
use crate::auth::{Viewer, plan_of};
use crate::error::AppError;
use crate::{AppState, paths, today};

/// The most findings a refused document lists.
const SHOWN_FINDINGS: usize = 30;

/// Why a document made no plan: the sentence and the findings that say where.
struct Refused {
    message: String,
    findings: Vec<Diagnostic>,
}

/// The form «Da zero», as typed.
#[derive(Debug, Default, Deserialize)]
pub struct BlankForm {
    #[serde(default)]
    entity: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

impl From<BlankForm> for Blank {
    fn from(f: BlankForm) -> Blank {
        Blank {
            entity: f.entity,
            kind: f.kind,
            code: f.code,
            title: f.title,
            year: f.year,
            from: f.from,
            to: f.to,
        }
    }
}

/// The person signed in, if the planning office: the public is asked to sign in, anyone else
/// told why not.
fn planning_office(viewer: &Viewer) -> Result<&Person, AppError> {
    let person = viewer.person().ok_or(AppError::SignIn)?;
    creation::may_create_plan(person)?;
    Ok(person)
}

pub async fn page(_: paths::NewPlan, State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let person = planning_office(&viewer)?;
    let blank = defaults(&state, person).await?;
    form_page(&state, &viewer, &blank, &[], None).await
}

/// The form's first values: the administration of the person's latest plan, and next year.
async fn defaults(state: &AppState, person: &Person) -> Result<Blank, AppError> {
    let year = today().year() + 1;
    let mut blank = Blank {
        kind: EntityKind::Comune.as_str().to_owned(),
        year: year.to_string(),
        from: year.to_string(),
        to: (year + 2).to_string(),
        ..Blank::default()
    };
    if let Some(entity) = person.entity.as_deref() {
        let latest = state
            .store
            .plans()
            .await?
            .into_iter()
            .filter(|p| plan_of(entity, p.id.as_str()))
            .max_by_key(|p| p.year);
        if let Some(latest) = latest
            && let Ok((v, _)) = state.cycle().view(&latest.id, Some(person), false).await
        {
            blank.entity = v.plan.entity.name.clone();
            blank.kind = v.plan.entity.kind.as_str().to_owned();
            blank.code = v.plan.entity.code.clone().unwrap_or_default();
        }
    }
    Ok(blank)
}

/// The kind's words in the form's list.
fn kind_words(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Altro => "Altro ente",
        other => messages::entity_kind(other),
    }
}

/// The page with both forms: `blank` as typed with its `problems` beside their fields, and
/// why the last document made no plan.
async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    blank: &Blank,
    problems: &[Problem],
    refused: Option<&Refused>,
) -> PageResult {
    let person = viewer.person();
    // The plans a next year can be made from: the person's administration's.
    let mut earlier: Vec<_> = state
        .store
        .plans()
        .await?
        .into_iter()
        .filter(|p| {
            person
                .and_then(|p| p.entity.as_deref())
                .is_none_or(|e| plan_of(e, p.id.as_str()))
        })
        .collect();
    earlier.sort_by(|a, b| (&a.entity, b.year).cmp(&(&b.entity, a.year)));
    let problem = |field: BlankField| problems.iter().find(|p| p.field == field);
    let field = |field: BlankField,
                 id: &str,
                 name: &str,
                 label: &str,
                 value: &str,
                 kind: &str,
                 hint: Option<&str>|
     -> Markup {
        let error = problem(field);
        let error_id = format!("{id}-errore");
        let hint_id = format!("{id}-aiuto");
        let described: Vec<&str> = [
            hint.map(|_| hint_id.as_str()),
            error.map(|_| error_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let described = (!described.is_empty()).then(|| described.join(" "));
        html! {
            div class="campo" {
                label for=(id) { (label) }
                @if let Some(h) = hint { p id=(hint_id) class="nota" { (h) } }
                @if kind == "number" {
                    input id=(id) name=(name) type="text" inputmode="numeric" value=(value)
                        size="6" aria-describedby=[described.as_deref()]
                        aria-invalid=[error.map(|_| "true")];
                } @else {
                    input id=(id) name=(name) type="text" value=(value)
                        aria-describedby=[described.as_deref()]
                        aria-invalid=[error.map(|_| "true")];
                }
                @if let Some(e) = error { p id=(error_id) class="errore-campo" { (e.message) } }
            }
        }
    };
    let kind_error = problem(BlankField::Kind);
    let upload_action = format!("{}?csrf={}", paths::NewPlanDocument, viewer.csrf());
    let max = messages::file_size(documents::MAX_BYTES as u64);
    let body = html! {
        h1 { "Nuovo piano" }
        p {
            "Il nuovo piano nasce come bozza dell'amministrazione: lo si completa, lo si controlla "
            "e lo si porta alla validazione del Nucleo dalla sua pagina. Un'amministrazione ha un "
            "solo piano per anno."
        }
        section aria-labelledby="da-zero" {
            h2 id="da-zero" { "Da zero" }
            p { "Un piano vuoto, senza unità né obiettivi: si completano poi con il foglio di calcolo "
                "del piano (scaricabile dalla sua pagina) o importando un documento." }
            @if !problems.is_empty() {
                div class="avviso" role="alert" {
                    p { "Il piano non è stato creato: "
                        @if problems.len() == 1 { "un campo da correggere" } @else { (problems.len()) " campi da correggere" }
                        ", indicati qui sotto." }
                }
            }
            form class="modulo" method="post" action=(paths::NewPlan) {
                input type="hidden" name="csrf" value=(viewer.csrf());
                fieldset {
                    legend { "L'amministrazione" }
                    (field(BlankField::Entity, "ente", "entity", "Nome dell'amministrazione", &blank.entity, "text",
                        Some("Come si presenta nei documenti, per esempio «Comune di Alessandria».")))
                    div class="campo" {
                        label for="tipo" { "Tipo di amministrazione" }
                        select id="tipo" name="kind"
                            aria-describedby=[kind_error.map(|_| "tipo-errore")]
                            aria-invalid=[kind_error.map(|_| "true")] {
                            @for k in EntityKind::ALL.iter().copied() {
                                @let name = k.as_str();
                                option value=(name) selected[name == blank.kind] { (kind_words(k)) }
                            }
                        }
                        @if let Some(e) = kind_error { p id="tipo-errore" class="errore-campo" { (e.message) } }
                    }
                    (field(BlankField::Code, "codice", "code", "Codice IPA (facoltativo)", &blank.code, "text",
                        Some("Il codice dell'amministrazione nell'Indice dei domicili digitali della PA, per esempio «c_a182».")))
                }
                fieldset {
                    legend { "Il piano" }
                    (field(BlankField::Year, "anno", "year", "Anno del piano", &blank.year, "number",
                        Some("L'anno del piano esecutivo (PEG), con quattro cifre.")))
                    (field(BlankField::Title, "titolo", "title", "Titolo", &blank.title, "text",
                        Some("Se vuoto: «Piano della Performance» con gli anni del triennio.")))
                }
                fieldset {
                    legend { "Il triennio" }
                    (field(BlankField::From, "dal", "from", "Dal (primo anno)", &blank.from, "number", None))
                    (field(BlankField::To, "al", "to", "Al (ultimo anno)", &blank.to, "number", None))
                }
                p { button type="submit" { "Crea la bozza del piano" } }
            }
        }
        section aria-labelledby="da-documento" {
            h2 id="da-documento" { "Da un documento" }
            p {
                "Un foglio di calcolo come lo scrive Pegaso (.xlsx, .ods: "
                a href=(paths::WorkbookTemplate) { "il modello vuoto" } "), un piano in formato "
                "pegaso.plan/1 (.json), il Piano della Performance come documento (.docx, .odt) o come "
                "testo (.txt); al massimo " (max) ". "
                "Un piano con errori si salva comunque come bozza: i rilievi sono nella sua pagina "
                "«Diagnostica»."
            }
            @if let Some(r) = refused {
                div id="documento-errore" class="avviso" role="alert" {
                    p { (r.message) }
                    @if !r.findings.is_empty() {
                        ul {
                            @for d in r.findings.iter().take(SHOWN_FINDINGS) {
                                li {
                                    (messages::severity(d.severity)) ": "
                                    @if let Some(line) = d.location.line { "riga " (line) ": " }
                                    (d.message)
                                    @if !d.location.path.is_empty() { " (" code { (d.location.path) } ")" }
                                }
                            }
                            @if r.findings.len() > SHOWN_FINDINGS {
                                li { "… e altri " (r.findings.len() - SHOWN_FINDINGS) " rilievi." }
                            }
                        }
                    }
                }
            }
            // The token goes in the address: it is checked before the file is received.
            form class="modulo" method="post" action=(upload_action) enctype="multipart/form-data" {
                div class="campo" {
                    label for="documento" { "Il documento" }
                    input id="documento" name="file" type="file" required
                        accept=".xlsx,.ods,.docx,.odt,.json,.txt"
                        aria-describedby=[refused.map(|_| "documento-errore")]
                        aria-invalid=[refused.map(|_| "true")];
                }
                p { button type="submit" { "Crea la bozza dal documento" } }
            }
        }
        section aria-labelledby="da-anno-precedente" {
            h2 id="da-anno-precedente" { "Dall'anno precedente" }
            @if earlier.is_empty() {
                p { "Nessun piano da cui partire." }
            } @else {
                p { "Struttura, unità, responsabili e strategia di un piano, con gli obiettivi che si scelgono:" }
                ul {
                    @for p in &earlier {
                        li { a href=(paths::new_year(&p.id)) { "Nuovo piano dall'anno precedente: " (p.entity) ", " (p.title) " (" (p.year) ")" } }
                    }
                }
            }
        }
    };
    Ok(render(Page {
        who: viewer,
        title: "Nuovo piano",
        crumbs: vec![("Nuovo piano".into(), paths::NewPlan.to_string())],
        plan: None,
        body: body.into(),
    }))
}

/// The page again with what was refused, as a 422.
async fn refused_page(
    state: &AppState,
    viewer: &Viewer,
    blank: &Blank,
    problems: &[Problem],
    refused: Option<&Refused>,
) -> Result<Response, AppError> {
    let page = form_page(state, viewer, blank, problems, refused).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// «Da zero»: the empty draft, or the form again with each problem beside its field.
pub async fn create(
    _: paths::NewPlan,
    viewer: Viewer,
    s: Signed<BlankForm>,
) -> Result<Response, AppError> {
    let person = s.who().clone();
    creation::may_create_plan(&person)?;
    let Signed { form, state, .. } = s;
    let blank: Blank = form.into();
    let plan = match creation::blank(&blank) {
        Ok(plan) => plan,
        Err(problems) => return refused_page(&state, &viewer, &blank, &problems, None).await,
    };
    let diagnostics = domain::validate(&plan);
    let cycle = state.cycle();
    let saved = cycle
        .create_plan(&person, &plan, &diagnostics, None, &cycle.stamp(&person))
        .await?;
    Ok(see_other(paths::plan(&saved.id)))
}

/// «Da un documento»: the file made into a draft. Who asks and the form's token (in the
/// address) are checked before the body is read (the guard, then here); the file is read in
/// chunks up to its limit, a few uploads at a time, and read into a plan off the runtime.
pub async fn upload(
    _: paths::NewPlanDocument,
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let person = planning_office(&viewer)?.clone();
    let file = super::upload::receive(&state, multipart, documents::MAX_BYTES).await?;
    let blank = defaults(&state, &person).await?;
    let refuse = async |message: String, findings: Vec<Diagnostic>| {
        let refused = Refused { message, findings };
        refused_page(&state, &viewer, &blank, &[], Some(&refused)).await
    };
    let super::upload::Upload { name, bytes, .. } = file;
    if bytes.is_empty() {
        return refuse(
            "Scegliere il documento da cui creare il piano.".into(),
            vec![],
        )
        .await;
    }
    let name = domain::limits::clean(domain::limits::Field::FileName, &name)
        .ok()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "documento".into());
    let reading = name.clone();
    let read = tokio::task::spawn_blocking(move || documents::read(&reading, &bytes))
        .await
        .map_err(|e| AppError::Internal(format!("reading a document failed: {e}")))?;
    let read = match read {
        Ok(read) => read,
        Err(unreadable) => {
            return refuse(sentence(&unreadable.message), unreadable.findings).await;
        }
    };
    let cycle = state.cycle();
    match cycle
        .create_plan(
            &person,
            &read.plan,
            &read.diagnostics,
            Some(&name),
            &cycle.stamp(&person),
        )
        .await
    {
        Ok(saved) => Ok(see_other(paths::plan(&saved.id))),
        Err(Refusal::Invalid(message)) => {
            let errors = read
                .diagnostics
                .into_iter()
                .filter(|d| d.severity == domain::Severity::Error)
                .collect();
            refuse(message, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A message that goes on after «errore:» made a sentence of its own: capital, full stop.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut s: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !s.ends_with('.') {
        s.push('.');
    }
    s
}
