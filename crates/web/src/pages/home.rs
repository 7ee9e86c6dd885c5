//! Home: each administration's plan with its counts and the deadlines of the next 30 days.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::{Datelike, Days, NaiveDate};
use domain::messages;
use domain::schedule::{self, Standing, planned};
use maud::{Markup, html};
use serde::Deserialize;

use super::PageResult;
use super::layout::Column::Text;
use super::layout::{Page, render, table};
use crate::auth::Viewer;
use crate::cache::PlanView;
use crate::error::AppError;
use crate::{AppState, paths, today};

const WINDOW_DAYS: u64 = 30;

#[derive(Debug, Deserialize)]
pub struct HomeQuery {
    /// The day the 30 days start from (`AAAA-MM-GG`); today when absent.
    dal: Option<String>,
    /// The day the plans' situation is shown for (`AAAA-MM-GG`); today when absent.
    al: Option<String>,
}

/// A deadline falling in the window.
struct Due<'a> {
    day: NaiveDate,
    objective: &'a domain::Objective,
    /// The phase's label, or `None` for the objective's final deadline.
    phase: Option<&'a domain::Phase>,
}

pub async fn page(
    _: paths::Home,
    State(state): State<AppState>,
    viewer: Viewer,
    q: Result<Query<HomeQuery>, QueryRejection>,
) -> PageResult {
    let q = q.ok().map(|Query(q)| q);
    let situation = q
        .as_ref()
        .and_then(|q| q.al.as_deref())
        .and_then(domain::limits::parse_date);
    let asked = q.and_then(|q| q.dal).filter(|d| !d.is_empty());
    let parsed = asked
        .as_deref()
        .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d"));
    let from = match parsed {
        Some(Ok(day)) => day,
        _ => today(),
    };
    let invalid = matches!(parsed, Some(Err(_)));
    let to = from
        .checked_add_days(Days::new(WINDOW_DAYS))
        .unwrap_or(from);
    let mut views = Vec::new();
    let mut unseen = Vec::new();
    for summary in state.store.plans().await? {
        let view = state
            .cycle()
            .view_on(&summary.id, viewer.person(), situation);
        match view.await.map_err(AppError::from) {
            Ok((v, actor)) => {
                let results = domain::access::decide(
                    actor.as_ref(),
                    domain::Action::ReadProgress,
                    v.summary.state,
                )
                .is_ok()
                    && v.summary.state >= domain::PlanState::InExecution;
                let late = state.cycle().relazione_late(&v).await?;
                views.push((v, results, late));
            }
            Err(AppError::NotFound(_)) => unseen.push(summary),
            Err(e) => return Err(e),
        }
    }
    let planning_office = viewer
        .person()
        .is_some_and(|p| cycle::creation::may_create_plan(p).is_ok());
    let body = html! {
        h1 { "I piani della performance" }
        @if planning_office {
            p { a href=(paths::NewPlan) { "Nuovo piano" } ": da zero, da un documento o dall'anno precedente." }
        }
        @if views.is_empty() && unseen.is_empty() {
            p { "Nessun piano nel database."
                @if !planning_office { " Importarne uno con " code { "pegaso import FILE --db …" } "." } }
        }
        @if !unseen.is_empty() {
            section aria-labelledby="in-preparazione" {
                h2 id="in-preparazione" { "Piani in preparazione" }
                p {
                    @if unseen.len() == 1 { "Un piano è in preparazione: " } @else { (unseen.len()) " piani sono in preparazione: " }
                    "i piani sono pubblici dopo l'approvazione della Giunta. "
                    "Chi vi lavora può " a href="/accesso" { "accedere" } "."
                }
            }
        }
        form class="cerca" method="get" action="/" {
            label for="dal" { "Scadenze nei " (WINDOW_DAYS) " giorni a partire dal" }
            input id="dal" name="dal" type="date" value=(from.format("%Y-%m-%d"))
                aria-describedby=[invalid.then_some("dal-errore")];
            button type="submit" { "Mostra" }
            @if invalid {
                p id="dal-errore" class="nota" { "La data indicata non è valida: si mostrano le scadenze da oggi." }
            }
        }
        @if views.iter().any(|(_, results, _)| *results) {
            form class="cerca" method="get" action="/" {
                label for="al" { "Situazione dei piani al" }
                input id="al" name="al" type="date" value=(situation.unwrap_or_else(today).format("%Y-%m-%d"));
                input type="hidden" name="dal" value=(from.format("%Y-%m-%d"));
                button type="submit" { "Mostra" }
            }
        }
        @for (v, results, late) in &views {
            (plan_card(v, from, to, *results, *late))
        }
    };
    Ok(render(Page {
        who: &viewer,
        title: "Piani della performance",
        crumbs: vec![],
        plan: None,
        body: body.into(),
    }))
}

/// How the plan's objectives stand today, with a traffic light and a count for each.
fn standings(v: &PlanView) -> Markup {
    let today = v.situation_day(today());
    let mut counts: Vec<(Standing, usize)> = Vec::new();
    for oi in 0..v.plan.objectives.len() {
        let cal = super::progress::calendar(v, oi, today);
        if let Some(s) = schedule::objective_standing(&cal.standings) {
            match counts.iter_mut().find(|(x, _)| *x == s) {
                Some((_, n)) => *n += 1,
                None => counts.push((s, 1)),
            }
        }
    }
    let order = [
        Standing::Late,
        Standing::AtRisk,
        Standing::OnTrack,
        Standing::DoneLate,
        Standing::DoneOnTime,
        Standing::NoDeadline,
    ];
    counts.sort_by_key(|(s, _)| order.iter().position(|o| o == s));
    let score = v.scores(today).administration;
    html! {
        h3 id=(format!("situazione-{}", v.id())) { "Situazione degli obiettivi al " (messages::date(today)) }
        ul class="cifre" aria-labelledby=(format!("situazione-{}", v.id())) {
            @for (s, n) in &counts {
                li { strong { (n) } " " (super::progress::light(*s)) }
            }
        }
        p { "Punteggio organizzativo: " a href=(paths::scores(v.id())) { (super::score::words(score)) } "." }
    }
}

fn plan_card(v: &PlanView, from: NaiveDate, to: NaiveDate, results: bool, late: bool) -> Markup {
    let plan = &v.plan;
    let dues = deadlines(v, from, to);
    let heading = format!("scadenze-{}", v.id());
    html! {
        section aria-labelledby=(v.id()) {
            p class="occhiello" { (messages::entity_kind(plan.entity.kind)) " · anno " (plan.year) }
            h2 id=(v.id()) { a href=(paths::plan(v.id())) { (plan.entity.name) ": " (plan.title) } }
            p { "Triennio " (plan.period.from) "–" (plan.period.to) ", piano esecutivo dell'anno " (plan.year) "." }
            @if late {
                div class="avviso" role="alert" {
                    p { "La Relazione sulla performance " (plan.year) " è in ritardo: andava approvata e validata entro il "
                        (domain::relazione::due(plan.year).map(messages::date).unwrap_or_default()) "." }
                }
            }
            ul class="cifre" {
                li { strong { (plan.units.len()) } " unità organizzative" }
                li { strong { (plan.objectives.len()) } " obiettivi" }
                li { strong { (plan.phase_count()) } " fasi" }
                li { strong { (plan.strategy.iter().map(|s| s.axes.len()).sum::<usize>()) } " assi strategici" }
            }
            @if results { (standings(v)) }
            h3 id=(heading) { "Scadenze dal " (messages::date(from)) " al " (messages::date(to)) }
            @if dues.is_empty() {
                p {
                    "Nessuna scadenza in questi giorni."
                    // A plan of another year: offer its own calendar.
                    @if from.year() != plan.year {
                        " "
                        a href=(format!("/?dal={}-01-01", plan.year)) {
                            "Vedere le scadenze dal 1° gennaio " (plan.year)
                        }
                        "."
                    }
                }
            } @else {
                div class="scorre" role="region" aria-labelledby=(heading) tabindex="0" {
                    (table("Fasi e obiettivi in scadenza, per data",
                        &[Text("Scadenza"), Text("Obiettivo"), Text("Che cosa"), Text("Unità")], html! {
                        @for d in &dues {
                            tr {
                                td { (messages::date(d.day)) }
                                td { a href=(paths::objective(v.id(), d.objective)) { "Obiettivo " (d.objective.label) } }
                                td {
                                    @match d.phase {
                                        Some(p) => { "Fase " (p.label) ": " (p.description) }
                                        None => { "Scadenza finale dell'obiettivo" }
                                    }
                                }
                                td { (v.unit(d.objective.unit.as_str()).map_or(d.objective.unit.as_str(), |(_, u)| u.name.as_str())) }
                            }
                        }
                    }))
                }
            }
        }
    }
}

/// The phases and final deadlines due between `from` and `to`, both included, by date.
fn deadlines(v: &PlanView, from: NaiveDate, to: NaiveDate) -> Vec<Due<'_>> {
    let mut dues = Vec::new();
    let within = |d: NaiveDate| from <= d && d <= to;
    for o in &v.plan.objectives {
        for (phase, p) in o.phases.iter().zip(planned(o, v.plan.year)) {
            if let Some(day) = p.due.filter(|d| within(*d)) {
                dues.push(Due {
                    day,
                    objective: o,
                    phase: Some(phase),
                });
            }
        }
        // A start date is not a deadline; in-year and relative ones have their phases listed.
        if let domain::When::Date { date: day } = o.final_deadline.when
            && within(day)
        {
            dues.push(Due {
                day,
                objective: o,
                phase: None,
            });
        }
    }
    dues.sort_by_key(|d| d.day);
    dues
}
