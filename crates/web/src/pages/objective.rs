//! An objective card, laid out like the plan's own: every field, the phases table, and the
//! Gantt of the phases against the plan year.

use domain::change::{Difference, Field};
use domain::{Objective, Percent, messages};
use maud::{Markup, html};

use super::layout::{Content, Page, TOKEN_SLOT, render};
use super::{PageResult, Situated, situation};
use super::{acts, changes, events, indicator, neutralise, progress, score};
use crate::cache::PlanView;
use crate::error::AppError;
use crate::paths;

pub async fn page(
    Situated {
        at,
        viewer,
        v,
        actor,
        ..
    }: Situated<paths::ObjectivePage>,
) -> PageResult {
    let (unit_id, label) = (&at.unit, &at.label);
    let index = v.objective_index(unit_id, label).ok_or_else(|| {
        AppError::NotFound(format!(
            "un obiettivo «{label}» dell'unità «{unit_id}» in questo piano"
        ))
    })?;
    let o = &v.plan.objectives[index];
    let plan = &v.plan;
    let unit = plan.unit(&o.unit);
    let unit_name = unit.map_or(o.unit.as_str(), |u| u.name.as_str());
    let title = format!("Obiettivo {} — {}", o.label, unit_name);
    let card = v
        .card(index, || {
            card(&v, o, &v.revised(index), unit_name).into_string()
        })
        .unwrap_or_default();
    let readable = domain::access::decide(
        actor.as_ref(),
        domain::Action::ReadProgress,
        v.summary.state,
    )
    .is_ok();
    let day = v.situation_day(crate::today());
    // The sections with the edits open to this reader: functions of the plan's revision, the
    // day, today and who they are in the plan, rendered once for each, with a slot for the
    // reader's own form token.
    let actor = actor.as_ref();
    let reader = actor.map(|a| (crate::today(), a.clone()));
    let personal = |part: &'static str, render: &dyn Fn() -> Markup| match &reader {
        None => Content::from(render()),
        Some(reader) => Content::default().signed(v.for_reader(
            (part, index),
            day,
            Some(reader.clone()),
            || render().into_string(),
        )),
    };
    // The card is most of the page: it and the parts kept by the plan's view are copied once,
    // into the page.
    let mut body = Content::default().borrowed(card);
    if readable {
        body = body.made(situation(&paths::objective(v.id(), o), &v));
    }
    body = body.and(personal("reports", &|| {
        html! {
            (progress::progress(&v, index, actor))
            (events::section(&v, index, actor, TOKEN_SLOT))
            (indicator::section(&v, index, actor))
        }
    }));
    if readable {
        // Not the reader's: rendered once a day for everyone.
        body = body.kept(v.by_day(("score", index), day, || {
            score::section(&v, index).into_string()
        }));
    }
    body = body.and(personal("decisions", &|| {
        html! {
            (neutralise::section(&v, index, actor, TOKEN_SLOT))
            (changes::section(&v, index, actor, TOKEN_SLOT))
        }
    }));
    if actor.is_some() {
        // Read with the plan (its log lives as long as its revision): no query, and rendered
        // once.
        body = body.kept(v.by_day(("history", index), day, || {
            html! {
            h2 id="storia" { "Storia dell'obiettivo" }
            (acts::history(&v.objective_history(index), "Modifiche alle fasi, dalla più recente"))
        }.into_string()
        }));
    }
    Ok(render(Page::in_objective(
        &viewer, &v, o, &title, None, body,
    )))
}

/// The card itself: every field, the phases, the Gantt.
fn card(v: &PlanView, o: &Objective, revised: &[Difference], unit_name: &str) -> Markup {
    let plan = &v.plan;
    html! {
        p class="occhiello" {
            "Scheda obiettivo · "
            a href=(paths::unit(v.id(), &o.unit)) { (unit_name) }
        }
        h1 { "Obiettivo " (o.label) ": " (o.title) }
        p class="documenti" { (super::papers::links(v.id(), "la scheda", "obiettivo", &[("obiettivo", o.id.as_str())])) }
        dl class="campi" {
            (field("Finalità strategiche", o.strategic_purpose.as_deref()))
            (field("Direttive specifiche – descrizione", o.directives.as_deref()))
            @if let Some(timing) = &o.timing { (field("Tempistica", Some(timing))) }
            dt { "Scadenza finale" }
            dd { (deadline_cell(&messages::deadline(&o.final_deadline), &o.final_deadline_text)) }
            @if let Some(d) = &o.year_deadline {
                dt { "Scadenza per l'anno " (plan.year) }
                dd { (deadline_cell(&messages::deadline(d), o.year_deadline_text.as_deref().unwrap_or(""))) }
            }
        }
        h2 id="fasi" { "Fasi" }
        (phases_table(v, o, revised))
        h2 id="calendario" { "Calendario delle fasi nel " (plan.year) }
        p class="nota" {
            "Ogni barra va dalla fine della fase precedente (o dall'inizio indicato) alla scadenza; "
            "le barre tratteggiate contano da un'altra fase, la freccia indica una scadenza oltre l'anno."
        }
        (report::gantt::svg(o, plan.year, "gantt"))
        h2 { "Risultati" }
        dl class="campi" {
            (field("Risultato atteso", o.expected_result.as_deref()))
            @if let Some(b) = original(revised, Field::Target) { dd { (b) } }
            (field("Obiettivo raggiunto al 100%", o.full_achievement.as_deref()))
            (field("Obiettivo non raggiunto", o.not_achieved.as_deref()))
            dt { "Indicatori di risultato" }
            dd {
                @if o.indicators.is_empty() { "Non indicati." }
                @else { ol { @for (n, i) in o.indicators.iter().enumerate() {
                    li { (i) @if let Some(b) = original(revised, Field::Indicator(n)) { br; (b) } }
                } } }
            }
        }
        h2 { "Vincoli e risorse" }
        dl class="campi" {
            (field("Vincoli", o.constraints.as_deref()))
            (field("Risorse umane", o.human_resources.as_deref()))
            (field("Risorse finanziarie", o.financial_resources.as_deref()))
        }
        (in_piao(v, o))
    }
}

/// What the PIAO around the plan links to this card: the public value it pursues, the
/// measures of prevention and transparency it carries.
fn in_piao(v: &PlanView, o: &domain::Objective) -> Markup {
    let Some(piao) = &v.plan.piao else {
        return html! {};
    };
    let values: Vec<_> = piao
        .public_value
        .objectives
        .iter()
        .filter(|x| x.objectives.contains(&o.id))
        .collect();
    let measures: Vec<_> = piao
        .anticorruption
        .measures
        .iter()
        .filter(|m| m.objectives.contains(&o.id))
        .collect();
    html! {
        @if !values.is_empty() || !measures.is_empty() {
            h2 id="piao" { "Nel PIAO" }
            ul {
                @for x in values { li { "Valore pubblico " (x.id) ": " (x.title) } }
                @for m in measures {
                    li { "Misura di " (domain::piao::labels::measure_kind(m.kind).to_lowercase()) " " (m.id) ": " (m.text) }
                }
            }
            p { a href=(paths::piao(v.id())) { "Le sezioni del PIAO" } }
        }
    }
}

fn field(name: &str, value: Option<&str>) -> Markup {
    html! {
        dt { (name) }
        dd class="testo" { (value.filter(|t| !t.is_empty()).unwrap_or("—")) }
    }
}

/// The deadline in words and, when it differs, as the card wrote it.
fn deadline_cell(words: &str, written: &str) -> Markup {
    html! {
        (words)
        @if !written.is_empty() && written != words {
            br;
            span class="nota" { "Nella scheda: «" (written) "»" }
        }
    }
}

/// What a field said in the plan as approved, when a change revised it.
fn original(revised: &[Difference], field: Field) -> Option<Markup> {
    let d = revised.iter().find(|d| d.field == field)?;
    Some(html! {
        span class="nota originale" { "Originale, prima della modifica approvata: " (messages::change_value(d.before.as_ref())) }
    })
}

fn phases_table(v: &PlanView, o: &Objective, revised: &[Difference]) -> Markup {
    let total: rust_decimal::Decimal = o
        .phases
        .iter()
        .filter_map(|p| p.weight_pct)
        .map(Percent::value)
        .sum();
    html! {
        @if o.phases.is_empty() {
            p { "La scheda non ha fasi." }
        } @else {
            div class="scorre" role="region" aria-labelledby="fasi" tabindex="0" {
                table {
                    caption { "Fasi dell'obiettivo " (o.label) ", con incidenza e scadenza" }
                    thead {
                        tr {
                            th scope="col" { "Fase" }
                            th scope="col" { "Descrizione" }
                            th scope="col" class="numero" { "Incidenza %" }
                            th scope="col" { "Responsabili coinvolti" }
                            th scope="col" { "Scadenza" }
                        }
                    }
                    tbody {
                        @for (n, phase) in o.phases.iter().enumerate() {
                            tr {
                                th scope="row" { (phase.label) }
                                td class="testo" { (phase.description) }
                                td class="numero" {
                                    @match phase.weight_pct { Some(w) => { (w) } None => { "—" } }
                                    @if let Some(b) = original(revised, Field::PhaseWeight(n)) { br; (b) }
                                }
                                td {
                                    @for (i, code) in phase.responsible.iter().enumerate() {
                                        @if i > 0 { ", " }
                                        @match v.plan.units.iter().find(|u| u.responsible_code.as_deref() == Some(code.as_str())) {
                                            Some(u) => { a href=(paths::unit(v.id(), &u.id)) title=(u.name) { (code) } }
                                            None => { (code) }
                                        }
                                    }
                                }
                                td {
                                    (deadline_cell(&messages::deadline(&phase.deadline), &phase.deadline_text))
                                    @if let Some(b) = original(revised, Field::PhaseDeadline(n)) { br; (b) }
                                }
                            }
                        }
                    }
                    tfoot {
                        tr {
                            th scope="row" { "Totale" }
                            td {}
                            td class="numero" { (total.normalize()) }
                            td {}
                            td {}
                        }
                    }
                }
            }
        }
    }
}
