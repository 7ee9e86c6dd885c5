//! The demonstration's evaluation year, played by the same use cases people use, on the days
//! of the agenda: the SMVP adopted in January, the staff entered and the year opened after the
//! plan's approval, individual objectives assigned by the heads; after the measurement's
//! validation, the heads rate their people and the Nucleo proposes the dirigenti's evaluation,
//! which the Giunta adopts; the schede are notified, the demo's employee acknowledges with an
//! observation and appeals, the Nucleo revises; the personnel office sets the budgets, the
//! revisore certifies payment times; the planning office writes the Relazione (each shortfall
//! explained), the Giunta approves it, the Nucleo validates it, it is published; the pool is
//! shared. The staff is made up (names from two
//! short lists, every number fixed by a hash), in the units that have objectives and one head.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use domain::evaluation::sheet::{Objective, Outcome as Decided, Stage};
use domain::evaluation::staff::{Absence, Gender, Member};
use domain::evaluation::year::{Budget, Procedure, starting_smvp};
use domain::{PlanId, UnitId};
use rust_decimal::Decimal;
use serde_json::json;
use store::{Person, Stamp};

use super::{Cast, at, day};
use crate::evaluation::SheetStep;
use crate::relazione::RelazioneStep;
use crate::{Cycle, Outcome};
use domain::relazione::{Answer, Cause, Criterion};

/// The evaluation's steps, each on its day of the agenda.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::demo) enum Phase {
    Smvp,
    Staff,
    Open,
    Assign,
    Rate,
    Adopt,
    Notify,
    Acknowledge,
    Appeal,
    Budgets,
    PaymentTimes,
    Decide,
    /// The planning office writes the Relazione and explains each shortfall.
    Relazione,
    /// The Giunta approves it.
    RelazioneApprove,
    /// The Nucleo validates it with its checklist.
    RelazioneValidate,
    /// The planning office publishes it (the pool may then be shared).
    RelazionePublish,
    Share,
}

/// The steps on their days, in the plan's year `y` and the next.
pub(in crate::demo) fn phases(y: i32) -> Vec<(DateTime<Utc>, Phase)> {
    vec![
        (at(day(y, 1, 22), 10), Phase::Smvp),
        (at(day(y, 2, 18), 10), Phase::Staff),
        (at(day(y, 2, 19), 9), Phase::Open),
        (at(day(y, 2, 24), 11), Phase::Assign),
        (at(day(y + 1, 3, 22), 10), Phase::Rate),
        (at(day(y + 1, 3, 26), 12), Phase::Adopt),
        (at(day(y + 1, 3, 30), 9), Phase::Notify),
        (at(day(y + 1, 4, 2), 15), Phase::Acknowledge),
        (at(day(y + 1, 4, 6), 16), Phase::Appeal),
        (at(day(y + 1, 4, 9), 10), Phase::Budgets),
        (at(day(y + 1, 4, 13), 11), Phase::PaymentTimes),
        (at(day(y + 1, 4, 16), 12), Phase::Decide),
        (at(day(y + 1, 4, 16), 15), Phase::Relazione),
        (at(day(y + 1, 4, 17), 10), Phase::RelazioneApprove),
        (at(day(y + 1, 4, 18), 11), Phase::RelazioneValidate),
        (at(day(y + 1, 4, 18), 16), Phase::RelazionePublish),
        (at(day(y + 1, 4, 19), 9), Phase::Share),
    ]
}

const WOMEN: [&str; 8] = [
    "Giulia",
    "Chiara",
    "Francesca",
    "Sara",
    "Elena",
    "Laura",
    "Silvia",
    "Anna",
];
const MEN: [&str; 8] = [
    "Marco", "Luca", "Andrea", "Matteo", "Paolo", "Davide", "Stefano", "Simone",
];
const SURNAMES: [&str; 12] = [
    "Ferrari", "Esposito", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo",
    "Conti", "Mancini", "Costa",
];

/// A number from 0 to 99 fixed for a text and a position.
fn dice(text: &str, n: usize) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes().chain(n.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h % 100
}

/// The units evaluated: those with objectives in the plan and one head, at most six.
fn units(plan: &domain::Plan) -> Vec<&domain::Unit> {
    plan.units
        .iter()
        .filter(|u| u.heads.len() == 1 && plan.objectives.iter().any(|o| o.unit == u.id))
        .take(6)
        .collect()
}

/// The staff: each unit's head (dirigente; EQ for a unit inside another) and three people
/// (a funzionario, an istruttore, an operatore esperto); the first istruttore is the demo's
/// employee, with their account. The heads of the second unit and of the unit whose
/// functions speak of payments or the budget answer for payment times.
pub(in crate::demo) fn staff(plan: &domain::Plan, employee: &Person) -> Vec<Member> {
    let mut out = Vec::new();
    let mut n = 0;
    let payments = units(plan)
        .iter()
        .position(|u| {
            u.functions.iter().any(|f| {
                let f = f.to_lowercase();
                f.contains("pagament") || f.contains("bilancio") || f.contains("finanz")
            })
        })
        .unwrap_or(0);
    for (ui, unit) in units(plan).into_iter().enumerate() {
        let head = &unit.heads[0];
        n += 1;
        out.push(Member {
            matricola: format!("{:05}", 100 + n),
            name: head.name.clone(),
            gender: Gender::N,
            cluster: if unit.parent.is_some() {
                "eq"
            } else {
                "dirigente"
            }
            .into(),
            unit: unit.id.clone(),
            from: None,
            until: None,
            part_time: Decimal::ONE_HUNDRED,
            days_employed: None,
            absences: vec![],
            username: None,
            responsabile_pagamenti: ui == payments || ui == 1,
            payment_times_met: None,
        });
        for (k, cluster) in ["funzionario", "istruttore", "operatore_esperto"]
            .iter()
            .enumerate()
        {
            n += 1;
            let d = dice(unit.id.as_str(), k);
            let woman = d.is_multiple_of(2);
            let first = if woman { WOMEN } else { MEN }[(d as usize / 2) % 8];
            let last = SURNAMES[(n * 5 + k) % SURNAMES.len()];
            let own = ui == 0 && *cluster == "istruttore";
            let mut absences = Vec::new();
            if d.is_multiple_of(5) {
                absences.push(Absence {
                    kind: "sickness".into(),
                    days: 10 + (d % 30) as u32,
                });
            }
            if d.is_multiple_of(7) || own {
                absences.push(Absence {
                    kind: "parental".into(),
                    days: 60,
                });
            }
            out.push(Member {
                matricola: format!("{:05}", 100 + n),
                name: if own {
                    employee.name.clone()
                } else {
                    format!("{first} {last}")
                },
                gender: if own || woman { Gender::F } else { Gender::M },
                cluster: (*cluster).into(),
                unit: unit.id.clone(),
                from: None,
                until: None,
                part_time: if d % 6 == 1 {
                    Decimal::from(50)
                } else {
                    Decimal::ONE_HUNDRED
                },
                days_employed: None,
                absences,
                username: own.then(|| employee.username.to_string()),
                responsabile_pagamenti: false,
                payment_times_met: None,
            });
        }
    }
    out
}

/// The head's account that rates a unit's people.
fn head_of<'a>(cast: &'a Cast, name: &str) -> Option<&'a Person> {
    let key = domain::access::person_key(name);
    cast.heads
        .iter()
        .find(|h| domain::access::person_key(&h.name) == key)
}

impl Cycle {
    /// One step of the demonstration's evaluation year.
    pub(in crate::demo) async fn demo_evaluation(
        &self,
        plan: &PlanId,
        cast: &Cast,
        when: DateTime<Utc>,
        phase: Phase,
    ) -> Outcome<()> {
        let y = when.date_naive().year();
        let stamp = |p: &Person| Stamp {
            actor: p.username.to_string(),
            at: when,
        };
        let admin = &cast.admin;
        let seen = |e: &crate::evaluation::Evaluated| e.evaluation.revision;
        match phase {
            Phase::Smvp => {
                let e = self.evaluation(plan, admin).await?;
                let procedure = Procedure::default();
                self.adopt_smvp(
                    plan,
                    admin,
                    starting_smvp(),
                    procedure,
                    "Delibera G.C. n. 9",
                    day(y, 1, 15),
                    seen(&e),
                    &stamp(admin),
                )
                .await?;
            }
            Phase::Staff => {
                let (view, _) = self.view(plan, Some(admin), true).await?;
                let people = staff(&view.plan, &cast.employee);
                self.save_staff(plan, &cast.personnel, people, &stamp(&cast.personnel))
                    .await?;
            }
            Phase::Open => {
                let e = self.evaluation(plan, admin).await?;
                self.open_evaluation(plan, admin, seen(&e), &stamp(admin))
                    .await?;
            }
            Phase::Assign => {
                for (sheet, version, who) in self.demo_sheets(plan, cast, Stage::Assegnata).await? {
                    if domain::evaluation::sheet::proposed_by_nucleo(&sheet.cluster)
                        || sheet.cluster == "eq"
                    {
                        continue;
                    }
                    let step = SheetStep::Plan {
                        objectives: vec![
                            Objective {
                                id: "O1".into(),
                                title: "Tempi di risposta alle istanze dei cittadini".into(),
                                weight: 60.into(),
                                achievement: None,
                            },
                            Objective {
                                id: "O2".into(),
                                title: "Aggiornamento delle procedure dell'ufficio".into(),
                                weight: 40.into(),
                                achievement: None,
                            },
                        ],
                        behaviours: sheet.behaviours.clone(),
                    };
                    self.sheet_step(plan, &who, &sheet.matricola, step, version, &stamp(&who))
                        .await?;
                }
            }
            Phase::Rate => {
                for (sheet, version, who) in self.demo_sheets(plan, cast, Stage::Assegnata).await? {
                    let d = |n: usize| dice(&sheet.matricola, n);
                    let achievements: BTreeMap<String, Decimal> = sheet
                        .objectives
                        .iter()
                        .enumerate()
                        .map(|(i, o)| (o.id.clone(), Decimal::from(60 + d(i) % 41)))
                        .collect();
                    let ratings: BTreeMap<String, String> = sheet
                        .behaviours
                        .iter()
                        .enumerate()
                        .map(|(i, b)| {
                            // Heads are rated 3 to 5, their people 2 to 5.
                            let low = if sheet.objectives.is_empty() { 3 } else { 2 };
                            (b.id.clone(), (low + d(10 + i) % (6 - low)).to_string())
                        })
                        .collect();
                    let step = SheetStep::Rate {
                        achievements,
                        ratings,
                    };
                    self.sheet_step(plan, &who, &sheet.matricola, step, version, &stamp(&who))
                        .await?;
                }
            }
            Phase::Adopt => {
                for (sheet, version, _) in self.demo_sheets(plan, cast, Stage::Proposta).await? {
                    let step = SheetStep::Adopt {
                        act: format!(
                            "Decreto del Sindaco n. {}",
                            10 + dice(&sheet.matricola, 1) % 20
                        ),
                    };
                    self.sheet_step(
                        plan,
                        &cast.board,
                        &sheet.matricola,
                        step,
                        version,
                        &stamp(&cast.board),
                    )
                    .await?;
                }
            }
            Phase::Notify => {
                for (sheet, version, _) in self.demo_sheets(plan, cast, Stage::Valutata).await? {
                    self.sheet_step(
                        plan,
                        &cast.personnel,
                        &sheet.matricola,
                        SheetStep::Notify,
                        version,
                        &stamp(&cast.personnel),
                    )
                    .await?;
                }
            }
            Phase::Acknowledge | Phase::Appeal => {
                let who = &cast.employee;
                let e = self.evaluation(plan, who).await?;
                let Some((sheet, version, _, _)) = e
                    .visible()
                    .into_iter()
                    .find(|(_, _, m, _)| m.username.as_deref() == Some(who.username.as_str()))
                else {
                    return Ok(());
                };
                let step = if phase == Phase::Acknowledge {
                    SheetStep::Acknowledge { observations: "Ho lavorato anche per l'ufficio accanto durante le assenze dei colleghi: non compare tra i comportamenti.".into() }
                } else {
                    SheetStep::Appeal { text: "Chiedo di rivedere la collaborazione: le sostituzioni nell'ufficio accanto sono documentate dagli ordini di servizio.".into() }
                };
                let matricola = sheet.matricola.clone();
                self.sheet_step(plan, who, &matricola, step, version, &stamp(who))
                    .await?;
            }
            Phase::Decide => {
                let e = self.evaluation(plan, &cast.evaluator).await?;
                for (sheet, version, _, _) in e
                    .visible()
                    .into_iter()
                    .filter(|(s, ..)| s.stage == Stage::InConciliazione)
                {
                    let Some(v) = sheet.current() else { continue };
                    let achievements = v
                        .objectives
                        .iter()
                        .filter_map(|o| Some((o.id.clone(), o.achievement?)))
                        .collect();
                    let ratings = v
                        .behaviours
                        .iter()
                        .filter_map(|b| {
                            let r: i64 = b.rating.as_deref()?.parse().ok()?;
                            let up = if b.id == "C2" { (r + 1).min(5) } else { r };
                            Some((b.id.clone(), up.to_string()))
                        })
                        .collect();
                    let step = SheetStep::Decide {
                        outcome: Decided::Rivista,
                        reasons: "Gli ordini di servizio documentano le sostituzioni: la collaborazione sale di un livello.".into(),
                        achievements,
                        ratings,
                    };
                    let matricola = sheet.matricola.clone();
                    self.sheet_step(
                        plan,
                        &cast.evaluator,
                        &matricola,
                        step,
                        version,
                        &stamp(&cast.evaluator),
                    )
                    .await?;
                }
            }
            Phase::Budgets => {
                let e = self.evaluation(plan, &cast.personnel).await?;
                let count = |clusters: &[&str]| {
                    e.evaluation
                        .staff
                        .iter()
                        .filter(|m| clusters.contains(&m.cluster.as_str()))
                        .count() as i64
                };
                let comparto = count(&[
                    "funzionario",
                    "istruttore",
                    "operatore_esperto",
                    "operatore",
                ]);
                let budgets = [
                    Budget {
                        kind: "comparto_individual".into(),
                        cents: comparto * 150_000,
                        act: "Determina del dirigente delle risorse umane n. 211 (fondo risorse decentrate)".into(),
                        rules: json!({ "formula": "proportional", "threshold": 60 }),
                        fund_variable_cents: Some(comparto * 400_000),
                        eq_posizione_cents: None,
                    },
                    Budget {
                        kind: "eq_risultato".into(),
                        cents: count(&["eq"]).max(1) * 300_000,
                        act: "Determina n. 212 (retribuzione di risultato delle EQ)".into(),
                        rules: json!({ "formula": "proportional", "threshold": 60 }),
                        fund_variable_cents: None,
                        eq_posizione_cents: Some(count(&["eq"]).max(1) * 1_200_000),
                    },
                    Budget {
                        kind: "dirigenti_risultato".into(),
                        cents: count(&["dirigente"]).max(1) * 800_000,
                        act: "Determina n. 213 (fondo della dirigenza)".into(),
                        rules: json!({ "formula": "proportional", "threshold": 60, "tie_break": ["behaviours"],
                                       "dirigenti": { "percent": null, "top": 1, "entity_objectives_clause": false } }),
                        fund_variable_cents: None,
                        eq_posizione_cents: None,
                    },
                ];
                for budget in budgets {
                    let e = self.evaluation(plan, &cast.personnel).await?;
                    self.set_budget(
                        plan,
                        &cast.personnel,
                        budget,
                        seen(&e),
                        &stamp(&cast.personnel),
                    )
                    .await?;
                }
            }
            Phase::PaymentTimes => {
                let e = self.evaluation(plan, &cast.revisor).await?;
                let flagged: Vec<String> = e
                    .evaluation
                    .staff
                    .iter()
                    .filter(|m| m.responsabile_pagamenti)
                    .map(|m| m.matricola.clone())
                    .collect();
                for matricola in flagged {
                    // Missed: the share that hangs on payment times is withheld.
                    self.certify_payment_times(
                        plan,
                        &cast.revisor,
                        &matricola,
                        false,
                        &stamp(&cast.revisor),
                    )
                    .await?;
                }
            }
            Phase::Relazione => {
                let r = self.relazione(plan, Some(admin)).await?;
                let mut seen = r.revision;
                let write = RelazioneStep::Write {
                    introduction: format!(
                        "La Relazione rende conto dei risultati del {}: per ogni obiettivo del piano il valore atteso, quello raggiunto e lo scostamento, con le cause degli scostamenti oltre la tolleranza; i punteggi delle unità e dell'ente; la distribuzione delle valutazioni individuali. Dati dimostrativi.",
                        y - 1
                    ),
                    tolerance: Decimal::from(10),
                };
                self.relazione_step(plan, admin, seen, write, &stamp(admin))
                    .await?;
                seen += 1;
                for row in r.relazione.unexplained(&r.rows) {
                    let (text, cause) = match (row.reached, row.objective % 2) {
                        (domain::relazione::Reached::Unmeasured, _) => (
                            "Il valore non è stato rilevato entro la chiusura della misurazione: la fonte del dato (un altro ente) non lo ha ancora comunicato.",
                            Cause::Exogenous,
                        ),
                        (_, 0) => (
                            "Lo scostamento dipende da fattori esterni all'ente (i tempi di altri enti e dei fornitori); le fasi non concluse proseguono nell'anno successivo.",
                            Cause::Exogenous,
                        ),
                        _ => (
                            "Lo scostamento dipende dall'organizzazione interna (personale ridotto nel secondo semestre); le fasi non concluse sono riprogrammate nell'anno successivo.",
                            Cause::Endogenous,
                        ),
                    };
                    let step = RelazioneStep::Explain {
                        objective: row.id.clone(),
                        text: text.into(),
                        cause,
                    };
                    self.relazione_step(plan, admin, seen, step, &stamp(admin))
                        .await?;
                    seen += 1;
                }
            }
            Phase::RelazioneApprove => {
                let r = self.relazione(plan, Some(&cast.board)).await?;
                let step = RelazioneStep::Approve {
                    act: "Delibera G.C. n. 101".into(),
                };
                self.relazione_step(plan, &cast.board, r.revision, step, &stamp(&cast.board))
                    .await?;
            }
            Phase::RelazioneValidate => {
                let r = self.relazione(plan, Some(&cast.evaluator)).await?;
                let criteria = domain::relazione::CRITERIA
                    .iter()
                    .map(|(key, _)| Criterion {
                        key: (*key).into(),
                        answer: if *key == "cittadini" {
                            Answer::InParte
                        } else {
                            Answer::Si
                        },
                        note: if *key == "cittadini" {
                            "Le indagini di soddisfazione coprono solo alcuni servizi: da estendere.".into()
                        } else {
                            String::new()
                        },
                    })
                    .collect();
                let step = RelazioneStep::Validate {
                    criteria,
                    validated: true,
                    summary: "Il Nucleo valida la Relazione: chiara, coerente con il piano e con la misurazione; gli scostamenti sono motivati.".into(),
                    act: "Verbale del Nucleo n. 4".into(),
                };
                self.relazione_step(
                    plan,
                    &cast.evaluator,
                    r.revision,
                    step,
                    &stamp(&cast.evaluator),
                )
                .await?;
            }
            Phase::RelazionePublish => {
                let r = self.relazione(plan, Some(admin)).await?;
                self.relazione_step(
                    plan,
                    admin,
                    r.revision,
                    RelazioneStep::Publish,
                    &stamp(admin),
                )
                .await?;
            }
            Phase::Share => {
                let e = self.evaluation(plan, &cast.personnel).await?;
                self.share_pool(plan, &cast.personnel, seen(&e), &stamp(&cast.personnel))
                    .await?;
            }
        }
        Ok(())
    }

    /// The schede in `stage` with their version and who rates them (the head's account; the
    /// Nucleo for the dirigenti; the unit's head above for an EQ, else the Nucleo).
    async fn demo_sheets(
        &self,
        plan: &PlanId,
        cast: &Cast,
        stage: Stage,
    ) -> Outcome<Vec<(domain::evaluation::sheet::Sheet, i64, Person)>> {
        let e = self.evaluation(plan, &cast.personnel).await?;
        let mut out = Vec::new();
        for (sheet, version) in &e.evaluation.sheets {
            if sheet.stage != stage {
                continue;
            }
            let who = if domain::evaluation::sheet::proposed_by_nucleo(&sheet.cluster) {
                cast.evaluator.clone()
            } else {
                match head_of(cast, &sheet.evaluator) {
                    Some(h) => h.clone(),
                    None => continue,
                }
            };
            out.push((sheet.clone(), *version, who));
        }
        Ok(out)
    }
}

/// The unit ids the demo evaluates (for tests).
pub fn evaluated_units(plan: &domain::Plan) -> Vec<UnitId> {
    units(plan).into_iter().map(|u| u.id.clone()).collect()
}
