//! The plan's own papers as documents (issue 16, point 2): the whole plan — its units, each
//! with its cards as the seed lays them out (each card on its own page: the unit and its
//! head, the card's fields, its phases table, its deadlines, results and resources, and the
//! places for the head's signature and the Nucleo's «visto»), under a table of contents —,
//! one unit with its cards, and one objective card. Pure functions of the plan.

use chrono::NaiveDate;
use domain::{Objective, Plan, Unit, messages};

use crate::document::{Column, Document, number};

/// The card's blocks, after a heading of `level`.
fn card_into(doc: &mut Document, plan: &Plan, o: &Objective, level: u8) {
    doc.heading(level, format!("Obiettivo {}: {}", o.label, o.title));
    let unit = plan.unit(&o.unit);
    doc.fields(vec![
        ("Unità", unit.map(|u| u.name.clone()).unwrap_or_default()),
        ("Dirigente", unit.map(heads).unwrap_or_default()),
        (
            "Finalità strategiche",
            o.strategic_purpose.clone().unwrap_or_default(),
        ),
        (
            "Direttive specifiche - descrizione",
            o.directives.clone().unwrap_or_default(),
        ),
        ("Tempistica", o.timing.clone().unwrap_or_default()),
    ]);
    let rows: Vec<Vec<String>> = o
        .phases
        .iter()
        .map(|p| {
            vec![
                p.label.to_string(),
                p.description.clone(),
                p.weight_pct.map(|w| number(w.value())).unwrap_or_default(),
                p.responsible.join(", "),
                p.deadline_text.clone(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        let total: rust_decimal::Decimal = o
            .phases
            .iter()
            .filter_map(|p| p.weight_pct.map(|w| w.value()))
            .sum();
        let mut rows = rows;
        rows.push(vec![
            String::new(),
            "Totale".into(),
            number(total),
            String::new(),
            String::new(),
        ]);
        doc.table(
            format!("Fasi dell'obiettivo {} ({})", o.label, o.unit),
            vec![
                Column::text("Fase"),
                Column::wide("Descrizione"),
                Column::number("Incidenza %"),
                Column::text("Responsabili coinvolti"),
                Column::text("Scadenza"),
            ],
            rows,
        );
    }
    doc.fields(vec![
        (
            "Scadenza finale per il raggiungimento dell'obiettivo",
            o.final_deadline_text.clone(),
        ),
        (
            "Scadenza dell'anno",
            o.year_deadline_text.clone().unwrap_or_default(),
        ),
        (
            "Risultato atteso",
            o.expected_result.clone().unwrap_or_default(),
        ),
        (
            "Obiettivo raggiunto al 100%",
            o.full_achievement.clone().unwrap_or_default(),
        ),
        (
            "Obiettivo non raggiunto",
            o.not_achieved.clone().unwrap_or_default(),
        ),
        ("Indicatori di risultato", o.indicators.join("; ")),
        ("Vincoli", o.constraints.clone().unwrap_or_default()),
        (
            "Risorse umane",
            o.human_resources.clone().unwrap_or_default(),
        ),
        (
            "Risorse finanziarie",
            o.financial_resources.clone().unwrap_or_default(),
        ),
    ]);
    // Where the card is signed, as the seed's cards end.
    doc.paragraph("Il Dirigente")
        .paragraph("Visto di validazione: il Nucleo di Valutazione");
}

/// The unit's heads, each with their role.
fn heads(u: &Unit) -> String {
    u.heads
        .iter()
        .map(|h| match &h.role {
            Some(r) => format!("{}, {r}", h.name),
            None => h.name.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn unit_into(doc: &mut Document, plan: &Plan, u: &Unit, level: u8) {
    doc.heading(level, u.name.clone());
    doc.fields(vec![
        ("Tipo", messages::unit_kind(u.kind).to_owned()),
        ("Responsabili", heads(u)),
        (
            "Personale assegnato",
            u.staff.map(|s| s.to_string()).unwrap_or_default(),
        ),
        ("Macrofunzioni", u.functions.join("; ")),
    ]);
    // Each card on its own page, as the seed's.
    for o in plan.objectives.iter().filter(|o| o.unit == u.id) {
        doc.page_break();
        card_into(doc, plan, o, level + 1);
    }
}

fn titled(plan: &Plan, title: String, on: NaiveDate) -> Document {
    let mut doc = Document::new(title.clone(), plan.entity.name.clone(), on);
    doc.subtitle = Some(if title == plan.title {
        format!(
            "Triennio {}–{}, piano esecutivo dell'anno {}",
            plan.period.from, plan.period.to, plan.year
        )
    } else {
        format!("{}, piano esecutivo dell'anno {}", plan.title, plan.year)
    });
    doc
}

/// The whole plan: the strategy, then each unit with its cards, under a table of contents.
pub fn plan(plan: &Plan, on: NaiveDate) -> Document {
    let mut doc = titled(plan, plan.title.clone(), on);
    doc.contents = true;
    doc.heading(1, "Il piano in cifre");
    doc.paragraph(format!(
        "{} unità organizzative, {} obiettivi, {} fasi.",
        plan.units.len(),
        plan.objectives.len(),
        plan.phase_count()
    ));
    if !plan.strategy.is_empty() {
        let rows = plan
            .strategy
            .iter()
            .flat_map(|s| {
                s.axes
                    .iter()
                    .map(move |a| vec![s.title.clone(), a.text.clone()])
            })
            .collect();
        doc.table(
            "La strategia: linee e assi",
            vec![Column::text("Linea strategica"), Column::text("Asse")],
            rows,
        );
    }
    for u in &plan.units {
        if plan.objectives.iter().any(|o| o.unit == u.id) {
            doc.page_break();
            unit_into(&mut doc, plan, u, 1);
        }
    }
    doc
}

/// One unit with its cards.
pub fn unit(plan: &Plan, u: &Unit, on: NaiveDate) -> Document {
    let mut doc = titled(plan, format!("{}: obiettivi {}", u.name, plan.year), on);
    unit_into(&mut doc, plan, u, 1);
    doc
}

/// One objective card.
pub fn card(plan: &Plan, o: &Objective, on: NaiveDate) -> Document {
    let mut doc = titled(plan, format!("Scheda obiettivo {} {}", o.id, plan.year), on);
    card_into(&mut doc, plan, o, 1);
    doc
}
