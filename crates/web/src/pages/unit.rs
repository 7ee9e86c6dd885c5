//! A unit: its heads with their periods, functions, staff, its objectives and the objectives of
//! others it takes part in.

use domain::messages;
use maud::html;

use super::layout::{Page, render};
use super::{PageResult, PlanPage, Situated, progress, situation};
use crate::error::AppError;
use crate::paths;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::access::{Action, decide};
use domain::schedule;

pub async fn page(
    Situated {
        at: paths::Unit { unit: unit_id, .. },
        viewer,
        v,
        actor,
        ..
    }: Situated<paths::Unit>,
) -> PageResult {
    let readable = decide(actor.as_ref(), Action::ReadProgress, v.summary.state).is_ok();
    let today = v.situation_day(crate::today());
    let (index, unit) = v
        .unit(&unit_id)
        .ok_or_else(|| AppError::NotFound(format!("un'unità «{unit_id}» in questo piano")))?;
    let plan = &v.plan;
    let own: Vec<(usize, &domain::Objective)> = (v.plan.objectives.iter().enumerate())
        .filter(|(_, o)| o.unit == unit.id)
        .collect();
    let others: Vec<_> = v.involved_in(index).collect();
    let parent = unit.parent.as_ref().and_then(|p| plan.unit(p));
    let members: Vec<_> = plan
        .units
        .iter()
        .filter(|u| u.parent.as_ref() == Some(&unit.id))
        .collect();
    let body = html! {
        p class="occhiello" { (messages::unit_kind(unit.kind)) }
        h1 { (unit.name) }
        p class="documenti" { (super::papers::links(v.id(), "le schede dell'unità", "unita", &[("unita", unit.id.as_str())])) }
        @if readable {
            (situation(&paths::unit(v.id(), &unit.id), &v))
        }
        dl class="campi" {
            dt { "Responsabili" }
            dd {
                @if unit.heads.is_empty() { "Non indicati nel piano." }
                ul {
                    @for h in &unit.heads {
                        li {
                            (h.name)
                            @if let Some(role) = &h.role { ", " (role) }
                            @match (h.from, h.until) {
                                (Some(f), Some(u)) => { " (dal " (messages::date(f)) " al " (messages::date(u)) ")" }
                                (Some(f), None) => { " (dal " (messages::date(f)) ")" }
                                (None, Some(u)) => { " (fino al " (messages::date(u)) ")" }
                                (None, None) => {}
                            }
                        }
                    }
                }
            }
            @if let Some(code) = &unit.responsible_code {
                dt { "Codice responsabile" }
                dd { (code) }
            }
            dt { "Personale assegnato" }
            dd { @match unit.staff { Some(n) => { (n) " persone" } None => { "Non indicato nel piano." } } }
            @if let Some(parent) = parent {
                dt { "Fa parte di" }
                dd { a href=(paths::unit(v.id(), &parent.id)) { (parent.name) } }
            }
            @if !members.is_empty() {
                dt { "Comprende" }
                dd { ul { @for m in &members { li { a href=(paths::unit(v.id(), &m.id)) { (m.name) } } } } }
            }
        }
        h2 { "Macrofunzioni" }
        @if unit.functions.is_empty() { p { "Il piano non le elenca." } }
        @else { ul { @for f in &unit.functions { li { (f) } } } }
        h2 { "I suoi obiettivi" }
        p { a href=(paths::unit_calendar(v.id(), &unit.id)) { "Le scadenze dell'unità nel tuo calendario (iCal)" } }
        @if own.is_empty() { p { "Nessun obiettivo assegnato a questa unità." } }
        @else {
            ul class="schede" {
                @for &(oi, o) in &own {
                    li {
                        a href=(paths::objective(v.id(), o)) { "Obiettivo " (o.label) }
                        p { (o.title) }
                        p class="nota" { (o.phases.len()) " fasi · scadenza finale: " (messages::deadline(&o.final_deadline)) }
                        @if readable {
                            @if let Some(s) = schedule::objective_standing(&progress::calendar(&v, oi, today).standings) {
                                p { "Situazione: " (progress::light(s)) }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Obiettivi di altre unità a cui partecipa" }
        @if others.is_empty() { p { "Nessuno: le fasi di altri obiettivi non coinvolgono questa unità." } }
        @else {
            ul {
                @for o in &others {
                    li {
                        a href=(paths::objective(v.id(), o)) { "Obiettivo " (o.label) }
                        " di " (v.plan.unit(&o.unit).map_or(o.unit.as_str(), |u| u.name.as_str()))
                        " — " (o.title)
                    }
                }
            }
        }
    };
    Ok(render(Page::in_plan(
        &viewer,
        &v,
        &unit.name,
        vec![(unit.name.clone(), paths::unit(v.id(), &unit.id))],
        body,
    )))
}

/// The unit's deadlines as an iCalendar feed: its objectives' phases, and the phases of other
/// objectives that name it.
pub async fn calendar(
    PlanPage {
        at: paths::UnitCalendar { unit: file, .. },
        v,
        ..
    }: PlanPage<paths::UnitCalendar>,
) -> Result<Response, AppError> {
    let unit_id = file.strip_suffix(".ics").unwrap_or(&file).to_owned();
    let Some((_, unit)) = v.unit(&unit_id) else {
        return Err(AppError::NotFound(format!(
            "un'unità «{unit_id}» in questo piano"
        )));
    };
    let items = calendar_items(&v, std::slice::from_ref(&unit.id));
    let name = format!("Scadenze · {} · {}", unit.name, v.plan.title);
    Ok(ics(&report::ical::feed(&name, &items, crate::now())))
}

/// The deadlines of `units` in a plan, as calendar events: their objectives' phases, and the
/// phases of other objectives that name them (each phase once).
pub fn calendar_items(v: &crate::PlanView, units: &[domain::UnitId]) -> Vec<report::ical::Item> {
    let today = crate::today();
    let mut items = Vec::new();
    for (oi, o) in v.plan.objectives.iter().enumerate() {
        let own = units.contains(&o.unit);
        let cal = progress::calendar(v, oi, today);
        for (pi, ph) in o.phases.iter().enumerate() {
            if !own && !v.phase_units(ph).iter().any(|u| units.contains(u)) {
                continue;
            }
            let Some(day) = cal.due.get(pi).copied().flatten() else {
                continue;
            };
            items.push(report::ical::Item {
                uid: format!("{}-{}-{}-{}@pegaso", v.id(), o.unit, o.label, pi + 1),
                day,
                summary: format!(
                    "Scadenza fase {} · obiettivo {} ({})",
                    ph.label, o.label, o.unit
                ),
                description: format!("{}\n\n{}", o.title, ph.description),
                url: Some(paths::objective(v.id(), o)),
            });
        }
    }
    items
}

/// An iCalendar document as a response.
pub fn ics(text: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"scadenze.ics\"",
            ),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        text.to_owned(),
    )
        .into_response()
}
