//! The plan as a whole: the tree (strategy → units → objectives) and the matrix of the units
//! involved in each objective.

use domain::access::{Action, decide};
use domain::{Unit, messages};
use maud::{Markup, html};

use super::acts;
use super::layout::{Page, Section, render};
use super::{PageResult, PlanPage};
use crate::cache::PlanView;
use crate::paths;

pub async fn tree(
    PlanPage {
        viewer, v, actor, ..
    }: PlanPage<paths::Plan>,
) -> PageResult {
    let plan = &v.plan;
    let history = &v.history;
    // Top-level units: those without a parent, or whose parent the plan does not have.
    let roots: Vec<&Unit> = plan
        .units
        .iter()
        .filter(|u| u.parent.as_ref().is_none_or(|p| plan.unit(p).is_none()))
        .collect();
    let body = html! {
        p class="occhiello" { "Anno " (plan.year) " · triennio " (plan.period.from) "–" (plan.period.to) }
        h1 { (plan.title) }
        (acts::panel(&v, actor.as_ref(), &viewer, history))
        @if v.may_draft(actor.as_ref(), None).is_ok() || !v.draftable_units(actor.as_ref()).is_empty() {
            p class="azione" { a href=(paths::Draft { plan: v.id().clone() }) { "Scrivi il piano" }
                " — la bozza: titolo e triennio, strategia, unità e schede degli obiettivi." }
        }
        @if decide(actor.as_ref(), Action::CreatePlan, v.summary.state).is_ok() {
            p { a href=(paths::new_year(v.id())) { "Nuovo piano dall'anno precedente" } }
        }
        h2 { "La strategia" }
        @if plan.strategy.is_empty() {
            p { "Il documento non riporta le linee strategiche." }
        } @else {
            ol class="albero" {
                @for line in &plan.strategy {
                    li {
                        strong { (line.title) }
                        @if !line.axes.is_empty() {
                            ul { @for axis in &line.axes { li { (axis.text) } } }
                        }
                    }
                }
            }
        }
        h2 { "Le unità e i loro obiettivi" }
        ul class="albero" {
            @for u in roots { (unit_branch(&v, u, 0)) }
        }
        h2 id="scarica" { "Scarica il piano" }
        ul {
            li { (super::papers::links(v.id(), "il piano con tutte le schede e l'indice", "piano", &[])) }
            li {
                a href=(paths::PlanWorkbook { plan: v.id().clone() }) download { "Foglio di calcolo (XLSX)" }
                ": un foglio per tipo — unità, strategia, obiettivi, fasi, indicatori, personale —, "
                "da modificare in Excel o LibreOffice e reimportare."
            }
            li {
                a href=(paths::api::Plan { plan: v.id().clone() }) { "Dati del piano (JSON pegaso.plan/1)" }
            }
            li { a href=(paths::WorkbookTemplate) download { "Modello vuoto del foglio di calcolo" } }
        }
        @if actor.is_some() {
            h2 id="storia" { "Storia del piano" }
            p { "Le modifiche alle fasi sono nella storia di ciascun obiettivo." }
            (acts::history(history, "Atti e importazioni del piano, dal più recente"))
        }
    };
    Ok(render(
        Page::in_plan(&viewer, &v, &plan.title, vec![], body).at(Section::Tree),
    ))
}

fn unit_branch(v: &PlanView, unit: &Unit, depth: usize) -> Markup {
    let children: Vec<&Unit> = v
        .plan
        .units
        .iter()
        .filter(|c| c.parent.as_ref() == Some(&unit.id))
        .collect();
    let objectives: Vec<_> = v.objectives_of(unit).collect();
    html! {
        li {
            span class="etichetta" { (messages::unit_kind(unit.kind)) }
            " "
            a href=(paths::unit(v.id(), &unit.id)) { (unit.name) }
            @if !objectives.is_empty() || !children.is_empty() {
                ul {
                    @for o in objectives {
                        li { a href=(paths::objective(v.id(), o)) { "Obiettivo " (o.label) } ": " (o.title) }
                    }
                    // Areas hold units; deeper nesting does not occur in a plan, but is drawn.
                    @if depth < 8 {
                        @for c in children { (unit_branch(v, c, depth + 1)) }
                    }
                }
            }
        }
    }
}

pub async fn matrix(PlanPage { viewer, v, .. }: PlanPage<paths::Matrix>) -> PageResult {
    let plan = &v.plan;
    let units = v.units_at_work();
    let body = html! {
        h1 { "Matrice delle unità coinvolte" }
        p {
            "Per ogni obiettivo, l'unità che ne è titolare e le unità che le sue fasi coinvolgono "
            "(colonna «Codifica Responsabili coinvolti» delle schede)."
        }
        div class="scorre" role="region" aria-labelledby="matrice-titolo" tabindex="0" {
            table class="matrice" {
                caption id="matrice-titolo" { "Obiettivi (righe) e unità (colonne): T titolare, C coinvolta" }
                thead {
                    tr {
                        th scope="col" { "Obiettivo" }
                        @for &u in &units { th scope="col" { (plan.units[u].name) } }
                    }
                }
                tbody {
                    @for (oi, o) in plan.objectives.iter().enumerate() {
                        tr {
                            th scope="row" { a href=(paths::objective(v.id(), o)) { (o.id) } }
                            @for &u in &units {
                                @let unit = &plan.units[u];
                                td {
                                    @if unit.id == o.unit {
                                        abbr title="titolare" { "T" }
                                    } @else if v.involves(oi, u) {
                                        abbr title="coinvolta" { "C" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(render(Page::section(&viewer, &v, Section::Matrix, body)))
}
