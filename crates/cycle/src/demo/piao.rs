//! The PIAO the planning office writes around the demonstration's next-year draft (since 2022
//! the performance plan is the PIAO's section 2.2). Read from the plan, never from a table of
//! its names: public value follows the DUP's lines and the cards whose words are closest to
//! each; the unit whose functions name transparency and corruption carries the measures, its
//! head is the RPCT; the measures go with the cards that speak of transparency and
//! publication or of contracts and works, or whose units' functions do; the four risk areas of law 190/2012 are mapped. Section 3.3 is left for the
//! office to write, so that the page shows the check of the required sections at work.

use std::collections::HashSet;

use chrono::NaiveDate;
use domain::piao::{
    Anticorruption, Layout, Measure, MeasureKind, Organisation, Piao, PublicValue, Registry, Risk,
    RiskArea, RiskLevel, SIMPLIFIED_STAFF_LIMIT, ValueObjective,
};
use domain::{Objective, ObjectiveId, Plan, Unit, UnitKind};

/// The longer words of a text, lowercased: what two texts share when they speak of the same.
fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 7)
        .map(str::to_lowercase)
        .collect()
}

fn card_text(o: &Objective) -> String {
    [
        Some(o.title.as_str()),
        o.strategic_purpose.as_deref(),
        o.directives.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
    .to_lowercase()
}

/// The cards whose words contain one of `stems`, or whose unit's functions do.
fn cards_about(plan: &Plan, stems: &[&str]) -> Vec<ObjectiveId> {
    let names = |t: &str| {
        let t = t.to_lowercase();
        stems.iter().any(|s| t.contains(s))
    };
    plan.objectives
        .iter()
        .filter(|o| {
            names(&card_text(o))
                || plan
                    .unit(&o.unit)
                    .is_some_and(|u| u.functions.iter().any(|f| names(f)))
        })
        .map(|o| o.id.clone())
        .collect()
}

/// The first unit whose functions contain one of `stems`.
fn unit_about<'a>(plan: &'a Plan, stems: &[&str]) -> Option<&'a Unit> {
    plan.units.iter().find(|u| {
        u.functions.iter().any(|f| {
            let f = f.to_lowercase();
            stems.iter().any(|s| f.contains(s))
        })
    })
}

/// Each DUP line with the cards closest to it: a card goes to the line it shares most words
/// with, when they share at least three.
fn public_value(plan: &Plan) -> Vec<ValueObjective> {
    let lines: Vec<HashSet<String>> = plan
        .strategy
        .iter()
        .map(|l| {
            let axes: Vec<&str> = l.axes.iter().map(|a| a.text.as_str()).collect();
            words(&format!("{} {}", l.title, axes.join(" ")))
        })
        .collect();
    let mut cards: Vec<Vec<ObjectiveId>> = vec![Vec::new(); lines.len()];
    for o in &plan.objectives {
        let own = words(&card_text(o));
        let best = lines
            .iter()
            .enumerate()
            .map(|(i, l)| (l.intersection(&own).count(), i))
            .max();
        if let Some((shared, i)) = best
            && shared >= 3
        {
            cards[i].push(o.id.clone());
        }
    }
    plan.strategy
        .iter()
        .zip(cards)
        .enumerate()
        .map(|(n, (l, objectives))| ValueObjective {
            id: format!("vp{}", n + 1),
            title: l.title.clone(),
            description: None,
            strategy: std::iter::once(l.id.clone())
                .chain(l.axes.iter().map(|a| a.id.clone()))
                .collect(),
            objectives,
        })
        .collect()
}

fn risk(id: &str, area: RiskArea, process: &str, level: RiskLevel) -> Risk {
    Risk {
        id: id.into(),
        area,
        process: process.into(),
        description: None,
        level: Some(level),
    }
}

/// The demonstration's PIAO around `plan`.
pub(super) fn piao(plan: &Plan) -> Piao {
    let staff: u32 = plan.units.iter().filter_map(|u| u.staff).sum();
    let rpct_unit = unit_about(plan, &["corruzione", "trasparenza"]);
    let rpct = rpct_unit.and_then(|u| u.heads.first()).map(|h| {
        format!(
            "{}, {}",
            h.name,
            rpct_unit.map(|u| u.name.as_str()).unwrap_or_default()
        )
    });
    let unit = rpct_unit.map(|u| u.id.clone());
    let due = |month, day| NaiveDate::from_ymd_opt(plan.year, month, day);
    let count = |kinds: &[UnitKind]| {
        plan.units
            .iter()
            .filter(|u| kinds.contains(&u.kind))
            .count()
    };
    Piao {
        layout: if staff >= SIMPLIFIED_STAFF_LIMIT {
            Layout::Ordinario
        } else {
            Layout::Semplificato
        },
        registry: Registry {
            representative: Some("Il Sindaco pro tempore".into()),
            staff: (staff > 0).then_some(staff),
            ..Registry::default()
        },
        public_value: PublicValue {
            objectives: public_value(plan),
            accessibility: Some(
                "Sportelli senza barriere e servizi in rete accessibili secondo le linee guida \
                 AgID, con attenzione ai cittadini con più di 65 anni e alle persone con \
                 disabilità."
                    .into(),
            ),
            simplification: None,
        },
        anticorruption: Anticorruption {
            rpct,
            context: Some(format!(
                "Le misure di prevenzione della corruzione e di trasparenza sono obiettivi del \
                 piano della performance: ciascuna è collegata alle schede che la portano \
                 ({}).",
                plan.title
            )),
            risks: vec![
                risk(
                    "r1",
                    RiskArea::Contratti,
                    "Affidamento di lavori, servizi e forniture",
                    RiskLevel::Alto,
                ),
                risk(
                    "r2",
                    RiskArea::Autorizzazioni,
                    "Rilascio di autorizzazioni e concessioni",
                    RiskLevel::Medio,
                ),
                risk(
                    "r3",
                    RiskArea::Sovvenzioni,
                    "Concessione di contributi e vantaggi economici",
                    RiskLevel::Medio,
                ),
                risk(
                    "r4",
                    RiskArea::Selezioni,
                    "Concorsi e progressioni del personale",
                    RiskLevel::Medio,
                ),
            ],
            measures: vec![
                Measure {
                    id: "m1".into(),
                    kind: MeasureKind::Trasparenza,
                    text: "Pubblicazione tempestiva dei dati in Amministrazione trasparente".into(),
                    risks: vec![],
                    objectives: cards_about(plan, &["trasparen", "pubblicaz", "digital"]),
                    unit: unit.clone(),
                    deadline: due(12, 31),
                    indicator: Some("obblighi di pubblicazione assolti (%)".into()),
                },
                Measure {
                    id: "m2".into(),
                    kind: MeasureKind::Prevenzione,
                    text: "Rotazione degli affidatari e controllo degli affidamenti diretti".into(),
                    risks: vec!["r1".into()],
                    objectives: cards_about(plan, &["appalt", "affidament", "contratt", "lavori"]),
                    unit,
                    deadline: due(6, 30),
                    indicator: Some("affidamenti controllati sul totale".into()),
                },
            ],
            transparency: None,
        },
        organisation: Organisation {
            structure: Some(format!(
                "{} settori, {} servizi autonomi e {} aziende, ciascuno con il suo responsabile; \
                 le aree li raggruppano.",
                count(&[UnitKind::Settore]),
                count(&[UnitKind::ServizioAutonomo]),
                count(&[UnitKind::Azienda]),
            )),
            remote_work: Some(
                "Fino a due giorni alla settimana per le attività che lo consentono, con \
                 obiettivi individuali e strumenti forniti dall'ente."
                    .into(),
            ),
            ..Organisation::default()
        },
        monitoring: Some(
            "La performance con i monitoraggi al 30 giugno, al 30 settembre e a fine anno; le \
             misure di prevenzione ogni semestre, dal RPCT; il gradimento dei servizi con le \
             indagini annuali."
                .into(),
        ),
    }
}
