//! What each phase of an objective achieved, as the card shows it: deadlines, completion,
//! the traffic light of each phase and of the objective, the reports and their evidence, and
//! the edit open to this person now.

use domain::access::{Action, decide};
use domain::schedule::{self, Standing};
use domain::{Actor, messages};
use maud::{Markup, html};

use super::phase::phase_path;
use crate::cache::PlanView;

pub fn progress(v: &PlanView, objective: usize, actor: Option<&Actor>) -> Markup {
    let Some(o) = v.plan.objectives.get(objective) else {
        return html! {};
    };
    let readable = decide(actor, Action::ReadProgress, v.summary.state).is_ok();
    let latest_round = v.monitoring.rounds.last().map(|r| r.opened_at);
    let today = v.situation_day(crate::today());
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
                                            a href=(phase_path(v, o, i).evidence(f.id, &f.file_name)) { (f.file_name) } br;
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
                                        @match v.may_edit_phase(objective, i, actor) {
                                            Ok(_) => { a href=(phase_path(v, o, i)) { "Modifica la fase " (phase.label) } }
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

pub use cycle::Calendar;

/// The calendar of objective `objective` (by position) of the plan.
pub fn calendar(v: &PlanView, objective: usize, today: chrono::NaiveDate) -> Calendar {
    v.calendar(objective, today)
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
