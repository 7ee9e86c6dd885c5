//! Editing a phase: while drafting, what it plans (description, weight); while running, what
//! it achieved (completion date, note). Each save names the version it started from, and a
//! save that finds another one shows what changed meanwhile instead of overwriting it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cycle::PhaseEdit;
use domain::facts::PhaseFields;
use domain::monitoring::ReportStatus;
use domain::phase_edit::{Mode, Wish};
use domain::{Objective, messages};
use maud::{Markup, html};
use serde::Deserialize;
use store::EditConflict;

use super::forms::Signed;
use super::layout::Column::Text;
use super::layout::{Page, render, table};
use super::see_other;
use crate::auth::Viewer;
use crate::cache::PlanView;
use crate::error::AppError;
use crate::{AppState, paths};

/// Phase `index` (from 0) of objective `o` in plan `v`.
pub fn phase_path(v: &PlanView, o: &Objective, index: usize) -> paths::Phase {
    paths::Phase::of(v.id(), o, index)
}

/// The card's section on what each phase achieved, with the edits open to this person.
pub async fn form_page(
    p: paths::Phase,
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let form = state
        .cycle()
        .phase_for_edit(&p.plan, viewer.person(), p.at())
        .await?;
    let o = &form.view.plan.objectives[form.at.objective];
    Ok(edit_page(
        &viewer,
        &form.view,
        o,
        form.at.phase,
        form.mode,
        form.version,
        &form.fields,
        None,
        StatusCode::OK,
    )
    .into_response())
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
        form class="modulo" method="post" action=(phase_path(v, o, index)) {
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
                        @for s in ReportStatus::ALL.iter().copied() {
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
        render(Page::in_objective(
            viewer,
            v,
            o,
            &title,
            Some((
                format!("Fase {phase_label}"),
                phase_path(v, o, index).to_string(),
            )),
            body,
        )),
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
        (table("Differenze",
            &[Text("Campo"), Text("Ora"), Text("Tuo valore")], html! {
            @for (name, a, b) in rows {
                @if a != b { tr { th scope="row" { (name) } td class="testo" { (a) } td class="testo" { (b) } } }
            }
        }))
    }
}

#[derive(Debug, Deserialize)]
pub struct PhaseForm {
    #[serde(default)]
    version: String,
    description: Option<String>,
    weight_pct: Option<String>,
    completed_on: Option<String>,
    note: Option<String>,
    status: Option<String>,
}

pub async fn save(
    p: paths::Phase,
    viewer: Viewer,
    s: Signed<PhaseForm>,
) -> Result<Response, AppError> {
    let f = &s.form;
    let version = f.version.parse::<i64>().ok();
    let wish = Wish {
        description: f.description.as_deref(),
        weight_pct: f.weight_pct.as_deref(),
        completed_on: f.completed_on.as_deref(),
        note: f.note.as_deref(),
        status: f.status.as_deref(),
    };
    let (form, outcome) = s
        .cycle()
        .edit_phase(&p.plan, s.who(), p.at(), version, wish, &s.stamp())
        .await?;
    let v = &form.view;
    let o = &v.plan.objectives[form.at.objective];
    match outcome {
        PhaseEdit::Saved { .. } => Ok(see_other(format!(
            "{}#fase-{}",
            paths::objective(v.id(), o),
            form.at.phase + 1
        ))),
        PhaseEdit::Conflict { conflict, wished } => Ok(edit_page(
            &viewer,
            v,
            o,
            form.at.phase,
            form.mode,
            conflict.version,
            &wished,
            Some(&conflict),
            StatusCode::CONFLICT,
        )
        .into_response()),
    }
}
