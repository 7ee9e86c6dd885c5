//! Editing a phase: while drafting, what it plans (description, weight); while running, what
//! it achieved (completion date, note). Each save names the version it started from, and a
//! save that finds another one shows what changed meanwhile instead of overwriting it.

use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::access::{Action, Refusal, decide};
use domain::limits::{self, Field};
use domain::monitoring::ReportStatus;
use domain::schedule::{self, Standing};
use domain::{Actor, Objective, Percent, PlanState, messages};
use maud::{Markup, html};
use serde::Deserialize;
use store::{EditConflict, Edited, PhaseFields, PhaseKey};

use super::layout::{Page, Section, render};
use super::{form, path};
use crate::auth::{Viewer, stamp};
use crate::cache::PlanView;
use crate::error::AppError;
use crate::{AppState, paths};

/// What a person may change on a phase in the plan's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Description and weight (a draft).
    Plan,
    /// Completion date and note (a plan running or measured).
    Progress,
}

/// Which kind of edit the plan's state calls for, if any.
pub fn mode(state: PlanState) -> Option<Mode> {
    match state {
        PlanState::Draft => Some(Mode::Plan),
        PlanState::InExecution
        | PlanState::Measured
        | PlanState::MeasureValidated
        | PlanState::Published => Some(Mode::Progress),
        PlanState::Validated | PlanState::Approved => None,
    }
}

/// Whether `actor` may edit phase `index` of objective `o` now, and if not, why.
pub fn may_edit(
    v: &PlanView,
    o: &Objective,
    index: usize,
    actor: Option<&Actor>,
) -> Result<Mode, Refusal> {
    let state = v.summary.state;
    let mode = mode(state).ok_or(Refusal::State(state))?;
    let day = domain::schedule::planned(o, v.plan.year)
        .get(index)
        .and_then(|p| p.due.or(p.start));
    let involved = o
        .phases
        .get(index)
        .map(|p| v.phase_units(p))
        .unwrap_or_default();
    let action = match mode {
        Mode::Plan => Action::EditPhase { unit: &o.unit, day },
        Mode::Progress => Action::ReportPhase {
            unit: &o.unit,
            involved: &involved,
            day,
        },
    };
    decide(actor, action, state).map(|()| mode)
}

pub fn phase_path(v: &PlanView, o: &Objective, position: usize) -> String {
    format!("{}/fasi/{position}", paths::objective(v.id(), o))
}

/// The card's section on what each phase achieved, with the edits open to this person.
pub fn progress(v: &PlanView, objective: usize, actor: Option<&Actor>) -> Markup {
    let Some(o) = v.plan.objectives.get(objective) else {
        return html! {};
    };
    let readable = decide(actor, Action::ReadProgress, v.summary.state).is_ok();
    let latest_round = v.monitoring.rounds.last().map(|r| r.opened_at);
    let today = crate::today();
    let Calendar {
        due,
        done,
        standings,
    } = calendar(v, objective, today);
    html! {
        @if readable || actor.is_some() {
            h2 id="avanzamento" { "Avanzamento e modifiche" }
            @if readable {
                @if let Some(s) = schedule::objective_standing(&standings) {
                    p { "Situazione dell'obiettivo al " (messages::date(today)) ": " (light(s)) }
                }
            }
            @if o.phases.is_empty() { p { "La scheda non ha fasi." } }
            @else {
                table {
                    caption { "Che cosa ciascuna fase ha raggiunto, e chi può modificarla ora" }
                    thead { tr {
                        th scope="col" { "Fase" }
                        @if readable {
                            th scope="col" { "Scadenza" } th scope="col" { "Conclusa il" }
                            th scope="col" { "Situazione" } th scope="col" { "Stato riferito" }
                            th scope="col" { "Nota" } th scope="col" { "Documenti" }
                            th scope="col" { "Aggiornata" }
                        }
                        @if actor.is_some() { th scope="col" { "Modifica" } }
                    } }
                    tbody {
                        @for (i, phase) in o.phases.iter().enumerate() {
                            @let record = v.record(objective, i);
                            tr id=(format!("fase-{}", i + 1)) {
                                th scope="row" { (phase.label) }
                                @if readable {
                                    td { @match due[i] { Some(d) => { (messages::date(d)) } None => { "—" } } }
                                    td { @match done[i] { Some(d) => { (messages::date(d)) } None => { "—" } } }
                                    td { (light(standings[i])) }
                                    td { (record.and_then(|r| r.status).map_or("—", messages::report_status)) }
                                    td class="testo" { (record.and_then(|r| r.note.as_deref()).unwrap_or("—")) }
                                    td {
                                        @let files = v.monitoring.evidence.get(objective).and_then(|p| p.get(i)).map_or(&[][..], Vec::as_slice);
                                        @if files.is_empty() { "—" }
                                        @for f in files {
                                            a href=(format!("{}/allegati/{}", phase_path(v, o, i + 1), f.id)) { (f.file_name) } br;
                                        }
                                    }
                                    td {
                                        @match record.and_then(|r| r.reported_at.map(|at| (at, r.reported_by.as_deref().unwrap_or("")))) {
                                            Some((at, by)) => { (messages::date(at.date_naive())) " (" (by) ")" }
                                            None => { "mai" }
                                        }
                                        @if store::PhaseRecord::figure(record).stale(latest_round) {
                                            br; span class="semaforo giallo" { "da aggiornare" }
                                        }
                                    }
                                }
                                @if actor.is_some() {
                                    td {
                                        @match may_edit(v, o, i, actor) {
                                            Ok(_) => { a href=(phase_path(v, o, i + 1)) { "Modifica la fase " (phase.label) } }
                                            Err(r) => { span class="nota" { (messages::refusal(&r)) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// An objective's phases against the facts: each one's deadline (counted from what was
/// done), completion and standing on `today`.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub due: Vec<Option<chrono::NaiveDate>>,
    pub done: Vec<Option<chrono::NaiveDate>>,
    pub standings: Vec<Standing>,
}

/// The calendar of objective `objective` (by position) of the plan.
pub fn calendar(v: &PlanView, objective: usize, today: chrono::NaiveDate) -> Calendar {
    let Some(o) = v.plan.objectives.get(objective) else {
        return Calendar {
            due: vec![],
            done: vec![],
            standings: vec![],
        };
    };
    // A phase counted from another moves with the other's actual completion.
    let done: Vec<Option<chrono::NaiveDate>> = (0..o.phases.len())
        .map(|i| v.record(objective, i).and_then(|r| r.completed_on))
        .collect();
    let facts = schedule::Facts {
        done: &done,
        events: &v.monitoring.events,
    };
    let due: Vec<Option<chrono::NaiveDate>> = schedule::resolved(o, v.plan.year, &facts)
        .iter()
        .map(|p| p.due)
        .collect();
    let standings = due
        .iter()
        .zip(&done)
        .map(|(due, done)| schedule::standing(*due, *done, today, v.settings.warn_days))
        .collect();
    Calendar {
        due,
        done,
        standings,
    }
}

/// A traffic light: a coloured mark and, always, the word (colour is never the only sign).
pub fn light(s: Standing) -> Markup {
    let colour = match s {
        Standing::OnTrack | Standing::DoneOnTime => "verde",
        Standing::AtRisk => "giallo",
        Standing::Late | Standing::DoneLate => "rosso",
        Standing::NoDeadline => "grigio",
    };
    html! { span class=(format!("semaforo {colour}")) { (messages::standing(s)) } }
}

type Located = (std::sync::Arc<PlanView>, Option<Actor>, usize, usize);

/// The plan, the objective (by position) and the phase (by position) an address names.
async fn locate(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    unit: &str,
    label: &str,
    n: &str,
) -> Result<Located, AppError> {
    let (v, actor) = state.view_fresh(id, viewer.person()).await?;
    let index = v.objective_index(unit, label).ok_or_else(|| {
        AppError::NotFound(format!(
            "un obiettivo «{label}» dell'unità «{unit}» in questo piano"
        ))
    })?;
    let count = v.plan.objectives[index].phases.len();
    let phase = n
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=count).contains(n))
        .ok_or_else(|| AppError::NotFound(format!("una fase numero «{n}» in questo obiettivo")))?;
    Ok((v, actor, index, phase - 1))
}

pub async fn form_page(
    State(state): State<AppState>,
    viewer: Viewer,
    p: Result<Path<(String, String, String, String)>, PathRejection>,
) -> Result<Response, AppError> {
    let (id, unit, label, n) = path(p)?;
    let (v, actor, oi, pi) = locate(&state, &viewer, &id, &unit, &label, &n).await?;
    let o = &v.plan.objectives[oi];
    let mode = may_edit(&v, o, pi, actor.as_ref()).map_err(AppError::refused)?;
    let key = key(&v, o, pi);
    let (version, fields) = state.store.phase_fields(key).await?;
    Ok(edit_page(
        &viewer,
        &v,
        o,
        pi,
        mode,
        version,
        &fields,
        None,
        StatusCode::OK,
    )
    .into_response())
}

fn key<'a>(v: &'a PlanView, o: &'a Objective, index: usize) -> PhaseKey<'a> {
    PhaseKey {
        plan: v.id(),
        unit: o.unit.as_str(),
        objective: o.label.as_str(),
        position: index + 1,
    }
}

#[allow(clippy::too_many_arguments)]
fn edit_page(
    viewer: &Viewer,
    v: &PlanView,
    o: &Objective,
    index: usize,
    mode: Mode,
    version: i64,
    shown: &PhaseFields,
    conflict: Option<&EditConflict>,
    status: StatusCode,
) -> (StatusCode, Markup) {
    let phase_label = o.phases.get(index).map_or("", |p| p.label.as_str());
    let title = format!("Fase {phase_label} dell'obiettivo {}", o.label);
    let body = html! {
        p class="occhiello" { a href=(paths::objective(v.id(), o)) { "Obiettivo " (o.label) ": " (o.title) } }
        h1 { "Modifica la fase " (phase_label) }
        @if let Some(c) = conflict {
            div class="avviso" role="alert" {
                h2 { "Nel frattempo la fase è stata modificata" }
                p { "Le tue modifiche non sono state salvate. Qui sotto: com'è ora e che cosa avevi scritto. "
                    "Il modulo riporta i tuoi valori: rivedili e salva di nuovo." }
                (compare(&c.current, shown))
            }
        }
        form class="modulo" method="post" action=(phase_path(v, o, index + 1)) {
            input type="hidden" name="csrf" value=(viewer.csrf());
            input type="hidden" name="version" value=(version);
            @match mode {
                Mode::Plan => {
                    p { label for="descrizione" { "Descrizione" }
                        textarea id="descrizione" name="description" rows="5" required { (shown.description) } }
                    p { label for="incidenza" { "Incidenza % (vuoto se la scheda non la indica)" }
                        input id="incidenza" name="weight_pct" type="text" inputmode="decimal"
                            value=(shown.weight_pct.map(|w| w.to_string()).unwrap_or_default()); }
                }
                Mode::Progress => {
                    p class="testo" { (shown.description) }
                    fieldset {
                        legend { "Stato della fase" }
                        @for s in ReportStatus::ALL {
                            @let id = format!("stato-{}", s.as_str());
                            p class="scelta" {
                                input type="radio" id=(id) name="status" value=(s.as_str())
                                    checked[s == status_shown(shown)];
                                label for=(id) { (messages::report_status(s)) }
                            }
                        }
                    }
                    p { label for="conclusa" { "Conclusa il (vuoto se non ancora conclusa)" }
                        input id="conclusa" name="completed_on" type="date"
                            value=(shown.completed_on.map(|d| d.to_string()).unwrap_or_default()); }
                    p { label for="nota" { "Nota" }
                        textarea id="nota" name="note" rows="4" { (shown.note.as_deref().unwrap_or("")) } }
                }
            }
            p { button type="submit" { "Salva" } }
        }
        @if mode == Mode::Progress {
            @if let Some(oi) = v.objective_index(o.unit.as_str(), o.label.as_str()) {
                (super::evidence::section(v, oi, index, viewer.csrf(), true))
            }
        }
    };
    (
        status,
        render(Page {
            who: viewer,
            title: &title,
            crumbs: vec![
                (v.plan.title.clone(), paths::plan(v.id())),
                (
                    format!("Obiettivo {}", o.label),
                    paths::objective(v.id(), o),
                ),
                (format!("Fase {phase_label}"), phase_path(v, o, index + 1)),
            ],
            plan: Some((v, Section::Other)),
            body,
        }),
    )
}

/// The status a form starts from: the reported one, or what the completion date says.
fn status_shown(f: &PhaseFields) -> ReportStatus {
    f.status.unwrap_or(if f.completed_on.is_some() {
        ReportStatus::Done
    } else {
        ReportStatus::NotStarted
    })
}

/// Side by side: what the phase holds now and what this person wrote.
fn compare(now: &PhaseFields, mine: &PhaseFields) -> Markup {
    let text = |o: Option<String>| o.unwrap_or_else(|| "—".into());
    let rows = [
        (
            "Descrizione",
            now.description.clone(),
            mine.description.clone(),
        ),
        (
            "Incidenza %",
            text(now.weight_pct.map(|w| w.to_string())),
            text(mine.weight_pct.map(|w| w.to_string())),
        ),
        (
            "Conclusa il",
            text(now.completed_on.map(messages::date)),
            text(mine.completed_on.map(messages::date)),
        ),
        ("Nota", text(now.note.clone()), text(mine.note.clone())),
        (
            "Stato",
            text(now.status.map(|s| messages::report_status(s).to_owned())),
            text(mine.status.map(|s| messages::report_status(s).to_owned())),
        ),
    ];
    html! {
        table {
            caption { "Differenze" }
            thead { tr { th scope="col" { "Campo" } th scope="col" { "Ora" } th scope="col" { "Tuo valore" } } }
            tbody {
                @for (name, a, b) in rows {
                    @if a != b { tr { th scope="row" { (name) } td class="testo" { (a) } td class="testo" { (b) } } }
                }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct PhaseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    description: Option<String>,
    weight_pct: Option<String>,
    completed_on: Option<String>,
    note: Option<String>,
    status: Option<String>,
}

/// What a form or an API call asks to change on a phase (absent fields stay as they are).
#[derive(Debug, Clone, Copy, Default)]
pub struct Wish<'a> {
    pub description: Option<&'a str>,
    pub weight_pct: Option<&'a str>,
    pub completed_on: Option<&'a str>,
    pub note: Option<&'a str>,
    pub status: Option<&'a str>,
}

/// The fields a save asks for: the current ones, with those of `mode` replaced by the wish's,
/// each within its limits (`domain::limits`: the text's length, the date's range for a plan
/// of `year`).
pub fn wished(
    current: &PhaseFields,
    state: PlanState,
    year: i32,
    mode: Mode,
    wish: Wish<'_>,
) -> Result<PhaseFields, AppError> {
    let mut out = current.clone();
    let other_mode = match mode {
        Mode::Plan => wish.completed_on.is_some() || wish.note.is_some() || wish.status.is_some(),
        Mode::Progress => wish.description.is_some() || wish.weight_pct.is_some(),
    };
    if other_mode {
        return Err(AppError::Unprocessable(match mode {
            Mode::Plan => "Il piano è in bozza: qui si cambiano descrizione e incidenza, non \
                           l'avanzamento."
                .into(),
            Mode::Progress => format!(
                "Il piano è {}: qui si registra solo l'avanzamento (conclusione, nota).",
                messages::plan_state(state)
            ),
        }));
    }
    let text = |e: limits::TextError| AppError::Unprocessable(messages::text_error(&e));
    match mode {
        Mode::Plan => {
            if let Some(d) = wish.description {
                out.description = limits::required(Field::PhaseDescription, d).map_err(text)?;
            }
            if let Some(w) = wish.weight_pct {
                out.weight_pct = match w.trim() {
                    "" => None,
                    w => Some(
                        w.replace(',', ".")
                            .parse::<rust_decimal::Decimal>()
                            .ok()
                            .and_then(|d| Percent::new(d).ok())
                            .ok_or_else(|| {
                                AppError::Unprocessable(
                                    "L'incidenza dev'essere un numero da 0 a 100.".into(),
                                )
                            })?,
                    ),
                };
            }
        }
        Mode::Progress => {
            if let Some(c) = wish.completed_on {
                out.completed_on = match c.trim() {
                    "" => None,
                    c => Some(plan_date(c, year, "La data di conclusione")?),
                };
            }
            if let Some(n) = wish.note {
                out.note = limits::optional(Field::PhaseNote, n).map_err(text)?;
            }
            out.status = reported_status(current, &out, wish.status)?;
        }
    }
    Ok(out)
}

/// A date typed for a plan of `year`: readable (`AAAA-MM-GG`) and within the plan's reach.
pub fn plan_date(text: &str, year: i32, what: &str) -> Result<NaiveDate, AppError> {
    let date = limits::parse_date(text)
        .ok_or_else(|| AppError::Unprocessable(format!("{what} non è valida (AAAA-MM-GG).")))?;
    limits::plausible(date, year)
        .map_err(|e| AppError::Unprocessable(messages::date_out_of_range(what, &e)))
}

/// The status a report gives a phase: as chosen, consistent with the completion date; when
/// not chosen, done with a date, and no longer done without one.
fn reported_status(
    current: &PhaseFields,
    wished: &PhaseFields,
    status: Option<&str>,
) -> Result<Option<ReportStatus>, AppError> {
    let chosen = match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(ReportStatus::parse(s).ok_or_else(|| {
            AppError::Unprocessable(
                "Lo stato della fase è uno tra: non avviata, in corso, conclusa.".into(),
            )
        })?),
    };
    match (chosen, wished.completed_on) {
        (Some(ReportStatus::Done), None) => Err(AppError::Unprocessable(
            "Per una fase conclusa serve la data di conclusione.".into(),
        )),
        (Some(s), Some(_)) if s != ReportStatus::Done => Err(AppError::Unprocessable(
            "Una fase con la data di conclusione è conclusa: scegliere «conclusa» o togliere la data."
                .into(),
        )),
        (Some(s), _) => Ok(Some(s)),
        (None, Some(_)) => Ok(Some(ReportStatus::Done)),
        (None, None) => Ok(match current.status {
            Some(ReportStatus::Done) => Some(ReportStatus::InProgress),
            other => other,
        }),
    }
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    p: Result<Path<(String, String, String, String)>, PathRejection>,
    f: Result<Form<PhaseForm>, FormRejection>,
) -> Result<Response, AppError> {
    let (id, unit, label, n) = path(p)?;
    let f = form(f)?;
    let session = viewer.checked(&f.csrf)?;
    let (v, actor, oi, pi) = locate(&state, &viewer, &id, &unit, &label, &n).await?;
    let o = &v.plan.objectives[oi];
    let mode = may_edit(&v, o, pi, actor.as_ref()).map_err(AppError::refused)?;
    let version: i64 = f
        .version
        .parse()
        .map_err(|_| AppError::BadRequest("Il modulo non indica la versione della fase.".into()))?;
    let key = key(&v, o, pi);
    let (_, current) = state.store.phase_fields(key).await?;
    let wished = wished(
        &current,
        v.summary.state,
        v.plan.year,
        mode,
        Wish {
            description: f.description.as_deref(),
            weight_pct: f.weight_pct.as_deref(),
            completed_on: f.completed_on.as_deref(),
            note: f.note.as_deref(),
            status: f.status.as_deref(),
        },
    )?;
    match state
        .store
        .edit_phase(
            key,
            version,
            v.summary.state,
            &wished,
            &stamp(&session.person),
        )
        .await?
    {
        Edited::Saved { .. } => {
            state.plans.invalidate(v.id()).await;
            let to = format!("{}#fase-{}", paths::objective(v.id(), o), pi + 1);
            Ok((StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response())
        }
        Edited::Conflict(c) => Ok(edit_page(
            &viewer,
            &v,
            o,
            pi,
            mode,
            c.version,
            &wished,
            Some(&c),
            StatusCode::CONFLICT,
        )
        .into_response()),
    }
}
