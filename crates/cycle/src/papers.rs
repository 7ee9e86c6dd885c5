//! The papers people sign, file and publish (issue 16, point 2), as documents apart from their
//! format (`report::document`): the whole plan, a unit's cards, one card, the monitoring
//! situation at a day, the Relazione, the Nucleo's documento di validazione, a person's
//! scheda and the payout list. Each is read as its page is — the same reader may have it —,
//! or by the command line, which holds the whole database (`Reader::Operator`).

use std::sync::Arc;

use chrono::NaiveDate;
use domain::access::{Action, Role, decide};
use domain::evaluation::staff::cluster_name;
use domain::relazione::{Row, Summary};
use domain::{PlanId, messages};
use report::document::{Column, Document, date, measured, money, number, signed};
use store::Person;

use crate::relazione::Reported;
use crate::{Cycle, Outcome, Refusal, View};

/// Who asks for a paper.
#[derive(Debug, Clone, Copy)]
pub enum Reader<'a> {
    /// The public: what the public pages show.
    Public,
    /// A person signed in: what their pages show.
    Person(&'a Person),
    /// The command line, run by whoever holds the database: everything.
    Operator,
}

impl<'a> Reader<'a> {
    fn person(self) -> Option<&'a Person> {
        match self {
            Reader::Person(p) => Some(p),
            _ => None,
        }
    }
}

/// The papers there are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paper {
    /// The whole plan, every card, with a table of contents.
    Plan,
    /// A unit's cards, by unit id.
    Unit(String),
    /// One card, by `unit/label`.
    Card(String),
    /// The monitoring situation at the end of a day.
    Monitoring(NaiveDate),
    Relazione,
    /// The Nucleo's documento di validazione.
    Validazione,
    /// A person's scheda, by matricola.
    Scheda(String),
    /// The payout list.
    Premi,
}

impl Paper {
    /// The file's name, without extension.
    pub fn file_stem(&self, plan: &PlanId) -> String {
        let what = match self {
            Paper::Plan => "piano".to_owned(),
            Paper::Unit(u) => format!("unita-{u}"),
            Paper::Card(c) => format!("scheda-obiettivo-{}", c.replace('/', "-")),
            Paper::Monitoring(d) => format!("monitoraggio-{d}"),
            Paper::Relazione => "relazione".to_owned(),
            Paper::Validazione => "documento-di-validazione".to_owned(),
            Paper::Scheda(m) => format!("scheda-valutazione-{m}"),
            Paper::Premi => "premi".to_owned(),
        };
        format!("{plan}-{what}")
    }
}

fn subtitle(view: &View) -> String {
    let p = &view.plan;
    format!(
        "{} {}–{}, piano esecutivo dell'anno {}",
        p.title, p.period.from, p.period.to, p.year
    )
}

fn pct(d: Option<rust_decimal::Decimal>) -> String {
    d.map_or_else(|| "non rilevato".to_owned(), |d| format!("{}%", number(d)))
}

/// The objectives' rows of table T2 or T3: a row per measure.
fn objective_rows(r: &Reported, rows: &[&Row]) -> Vec<Vec<String>> {
    let plan = &r.view.plan;
    let mut out = Vec::new();
    for row in rows {
        let o = &plan.objectives[row.objective];
        let reason = r.relazione.reasons.get(&row.id);
        let outcome = match reason {
            Some(why) => format!(
                "{}. Causa {}: {}",
                row.reached.name(),
                why.cause.name(),
                why.text
            ),
            None if row.shortfall => format!("{}. Motivazione da scrivere.", row.reached.name()),
            None => row.reached.name().to_owned(),
        };
        let head = format!("{} {}", o.id, o.title);
        if row.measures.is_empty() {
            out.push(vec![
                head,
                "—".into(),
                String::new(),
                "—".into(),
                "non rilevato".into(),
                "—".into(),
                pct(row.achievement),
                outcome,
            ]);
            continue;
        }
        let last = row.measures.len() - 1;
        for (k, m) in row.measures.iter().enumerate() {
            let first = k == 0;
            out.push(vec![
                if first { head.clone() } else { String::new() },
                m.name.clone(),
                m.baseline
                    .map(|b| measured(Some(b), m.unit.as_deref(), number))
                    .unwrap_or_default(),
                m.target.map_or_else(
                    || "—".into(),
                    |t| measured(Some(t), m.unit.as_deref(), number),
                ),
                measured(m.actual, m.unit.as_deref(), number),
                m.deviation.map_or_else(
                    || "—".into(),
                    |d| measured(Some(d), m.unit.as_deref(), signed),
                ),
                if first {
                    pct(row.achievement)
                } else {
                    String::new()
                },
                if k == last {
                    outcome.clone()
                } else {
                    String::new()
                },
            ]);
        }
    }
    out
}

fn summary_row(name: String, s: &Summary) -> Vec<String> {
    let p = |n: usize| {
        s.percent(n)
            .map(|x| format!("{}%", number(x)))
            .unwrap_or_default()
    };
    vec![
        name,
        s.objectives.to_string(),
        p(s.fully),
        p(s.partly),
        p(s.not),
        s.unmeasured.to_string(),
        s.neutralised.to_string(),
    ]
}

fn count(c: domain::evaluation::categories::Count) -> String {
    match c {
        domain::evaluation::categories::Count::Exactly(n) => n.to_string(),
        domain::evaluation::categories::Count::Few => "meno di 3".into(),
    }
}

fn category(c: Option<&str>) -> String {
    c.map_or_else(
        || "altre categorie".to_owned(),
        |c| cluster_name(c).to_owned(),
    )
}

/// The Relazione as a document.
pub fn relazione(r: &Reported) -> Document {
    let plan = &r.view.plan;
    let rel = &r.relazione;
    let mut doc = Document::new(
        format!("Relazione sulla performance {}", plan.year),
        plan.entity.name.clone(),
        rel.approval.as_ref().map_or(r.today, |a| a.on),
    );
    doc.subtitle = Some(subtitle(&r.view));
    doc.contents = true;
    doc.paragraph(format!("Stato: {}.", rel.state().name()));
    doc.heading(1, "1. Introduzione");
    for para in rel.introduction.split('\n') {
        doc.paragraph(para);
    }
    doc.heading(1, "2. I risultati");
    let mut t1: Vec<Vec<String>> = plan
        .units
        .iter()
        .filter_map(|u| {
            let s = Summary::of(
                r.rows
                    .iter()
                    .filter(|x| plan.objectives[x.objective].unit == u.id),
            );
            (s.objectives > 0).then(|| summary_row(u.name.clone(), &s))
        })
        .collect();
    t1.push(summary_row("Tutto l'ente".into(), &Summary::of(&r.rows)));
    doc.table(
        "Sintesi dei risultati per unità (T1)",
        vec![
            Column::text("Unità"),
            Column::number("Obiettivi"),
            Column::number("Raggiunti"),
            Column::number("In parte"),
            Column::number("Non raggiunti"),
            Column::number("Non rilevati"),
            Column::number("Neutralizzati"),
        ],
        t1,
    );
    doc.paragraph(format!(
        "Tolleranza: {} punti. Lo scostamento è il valore raggiunto meno quello atteso, con il suo segno, nell'unità di misura dell'indicatore.",
        number(rel.tolerance)
    ));
    let columns = || {
        vec![
            Column::wide("Obiettivo"),
            Column::text("Misura"),
            Column::number("Base"),
            Column::number("Atteso"),
            Column::number("Raggiunto"),
            Column::number("Scostamento"),
            Column::number("Raggiungimento"),
            Column::wide("Esito e motivazione"),
        ]
    };
    let multi: Vec<&Row> = r.rows.iter().filter(|x| x.multi_year).collect();
    if !multi.is_empty() {
        doc.table(
            "Obiettivi pluriennali (T2)",
            columns(),
            objective_rows(r, &multi),
        );
    }
    let annual: Vec<&Row> = r.rows.iter().filter(|x| !x.multi_year).collect();
    doc.table(
        "Obiettivi annuali (T3)",
        columns(),
        objective_rows(r, &annual),
    );
    doc.heading(1, "3. La performance organizzativa");
    let scores = r.view.scores(r.view.situation_day(r.today));
    let mut t4 = vec![vec![
        "Ente".to_owned(),
        String::new(),
        pct(scores.administration),
    ]];
    for (i, u) in plan.units.iter().enumerate() {
        if let Some(s) = scores.units.get(i).filter(|s| !s.objectives.is_empty()) {
            t4.push(vec![
                u.name.clone(),
                u.heads.last().map(|h| h.name.clone()).unwrap_or_default(),
                pct(s.score),
            ]);
        }
    }
    doc.table(
        "Punteggi dell'ente e delle unità (T4)",
        vec![
            Column::text("Unità"),
            Column::text("Responsabile"),
            Column::number("Punteggio"),
        ],
        t4,
    );
    doc.heading(1, "4. Le modifiche durante l'anno");
    let changes = r.changes();
    if changes.is_empty() {
        doc.paragraph("Nessun obiettivo è stato modificato durante l'anno.");
    }
    for c in changes {
        let act = c
            .decision
            .as_ref()
            .map(|d| {
                format!(
                    " — approvata dalla Giunta con atto n. {} del {}",
                    d.act_number,
                    date(d.act_date)
                )
            })
            .unwrap_or_default();
        doc.paragraph(format!("Obiettivo {}: {}{act}.", c.objective, c.reason));
    }
    doc.heading(1, "5. La valutazione individuale");
    if r.categories.is_empty() {
        doc.paragraph("Nessuna scheda ancora valutata.");
    } else {
        doc.table(
            "Valutazioni per categoria (T5)",
            vec![
                Column::text("Categoria"),
                Column::number("Persone"),
                Column::number("Media"),
                Column::number("Negative"),
                Column::number("Fascia più alta"),
            ],
            r.categories
                .iter()
                .map(|c| {
                    vec![
                        category(c.cluster.as_deref()),
                        count(c.people),
                        c.mean.map_or_else(|| "—".into(), number),
                        count(c.negative),
                        count(c.top),
                    ]
                })
                .collect(),
        );
    }
    if !r.gender.is_empty() {
        doc.table(
            "Bilancio di genere: personale valutato e premi per categoria (T7)",
            vec![
                Column::text("Categoria"),
                Column::number("Donne"),
                Column::number("Premi alle donne"),
                Column::number("Uomini"),
                Column::number("Premi agli uomini"),
                Column::number("Non indicato"),
            ],
            r.gender
                .iter()
                .map(|g| {
                    let mut row = vec![category(g.cluster.as_deref())];
                    for (k, cell) in g.cells.iter().enumerate() {
                        row.push(count(cell.people));
                        if k < 2 {
                            row.push(cell.paid_cents.map_or_else(|| "—".into(), money));
                        }
                    }
                    row
                })
                .collect(),
        );
    }
    doc.heading(1, "6. Approvazione e validazione");
    doc.paragraph(match &rel.approval {
        Some(a) => format!("Approvata dalla Giunta con «{}» del {}.", a.act, date(a.on)),
        None => "Non ancora approvata dalla Giunta.".into(),
    });
    if let Some(v) = &rel.validation {
        doc.paragraph(format!(
            "{} dal Nucleo con «{}» del {}.",
            if v.validated {
                "Validata"
            } else {
                "Non validata"
            },
            v.act.act,
            date(v.act.on)
        ));
    }
    doc
}

/// The Nucleo's documento di validazione.
pub fn validazione(r: &Reported) -> Option<Document> {
    let v = r.relazione.validation.as_ref()?;
    let plan = &r.view.plan;
    let mut doc = Document::new(
        format!(
            "Documento di validazione della Relazione sulla performance {}",
            plan.year
        ),
        plan.entity.name.clone(),
        v.act.on,
    );
    doc.subtitle = Some("Nucleo di Valutazione (D.Lgs. 150/2009, art. 14, c. 4, lett. c)".into());
    doc.fields(vec![
        (
            "Relazione approvata con",
            r.relazione
                .approval
                .as_ref()
                .map(|a| format!("{} del {}", a.act, date(a.on)))
                .unwrap_or_default(),
        ),
        (
            "Esito",
            if v.validated {
                "validata".into()
            } else {
                "non validata".into()
            },
        ),
        (
            "Atto del Nucleo",
            format!("{} del {}", v.act.act, date(v.act.on)),
        ),
    ]);
    doc.table(
        "I criteri esaminati dal Nucleo",
        vec![
            Column::text("Criterio"),
            Column::text("Risposta"),
            Column::text("Nota"),
        ],
        v.criteria
            .iter()
            .map(|c| {
                vec![
                    domain::relazione::criterion_name(&c.key).to_owned(),
                    c.answer.name().to_owned(),
                    c.note.clone(),
                ]
            })
            .collect(),
    );
    doc.heading(1, "Conclusione");
    doc.paragraph(v.summary.clone());
    Some(doc)
}

impl Cycle {
    /// The plan as `reader` may read it (the command line: any plan).
    async fn paper_view(
        &self,
        id: &PlanId,
        reader: Reader<'_>,
    ) -> Outcome<(Arc<View>, Option<domain::Actor>)> {
        match reader {
            Reader::Operator => {
                let view = self.plans.get(id, true).await.map_err(|e| match e {
                    store::StoreError::NotFound(_) => Refusal::NotFound(format!("il piano «{id}»")),
                    other => other.into(),
                })?;
                Ok((view, None))
            }
            _ => {
                self.view(id, reader.person(), reader.person().is_some())
                    .await
            }
        }
    }

    /// `paper` of plan `id` as a document, for `reader`, with its administration's emblem.
    pub async fn paper(&self, id: &PlanId, paper: &Paper, reader: Reader<'_>) -> Outcome<Document> {
        let mut doc = self.paper_alone(id, paper, reader).await?;
        doc.emblem = self.emblem(id.entity()).await?;
        Ok(doc)
    }

    /// `paper` of plan `id` as a document, for `reader`.
    async fn paper_alone(
        &self,
        id: &PlanId,
        paper: &Paper,
        reader: Reader<'_>,
    ) -> Outcome<Document> {
        let (view, actor) = self.paper_view(id, reader).await?;
        let plan = &view.plan;
        let today = self.today();
        let operator = matches!(reader, Reader::Operator);
        let missing = |what: String| Refusal::NotFound(what);
        match paper {
            Paper::Plan => Ok(report::papers::plan(plan, today)),
            Paper::Unit(u) => {
                let unit = plan
                    .units
                    .iter()
                    .find(|x| x.id.as_str() == u)
                    .ok_or_else(|| missing(format!("l'unità «{u}»")))?;
                Ok(report::papers::unit(plan, unit, today))
            }
            Paper::Card(c) => {
                let o = plan
                    .objectives
                    .iter()
                    .find(|o| o.id.as_str() == c)
                    .ok_or_else(|| missing(format!("l'obiettivo «{c}»")))?;
                Ok(report::papers::card(plan, o, today))
            }
            Paper::Monitoring(day) => {
                if !operator {
                    decide(actor.as_ref(), Action::ReadProgress, view.summary.state)?;
                }
                let (then, _) = match reader {
                    Reader::Operator => (view.clone(), None),
                    _ => self.view_on(id, reader.person(), Some(*day)).await?,
                };
                Ok(monitoring(&then, *day))
            }
            Paper::Relazione | Paper::Validazione => {
                let r = if operator {
                    self.reported(view, actor).await?
                } else {
                    self.relazione(id, reader.person()).await?
                };
                if *paper == Paper::Relazione {
                    Ok(relazione(&r))
                } else {
                    validazione(&r).ok_or_else(|| missing("il documento di validazione (il Nucleo non ha ancora esaminato la Relazione)".into()))
                }
            }
            Paper::Scheda(matricola) => {
                let evaluation = self.store.evaluation(id).await?;
                let member = evaluation.staff.iter().find(|m| &m.matricola == matricola);
                let sheet = evaluation
                    .sheets
                    .iter()
                    .find(|(s, _)| &s.matricola == matricola);
                let (Some(member), Some((sheet, _))) = (member, sheet) else {
                    return Err(missing(format!("la scheda «{matricola}»")));
                };
                if let Reader::Person(p) = reader {
                    let actor = actor
                        .as_ref()
                        .ok_or(Refusal::Denied(domain::Refusal::OtherAdministration))?;
                    if !domain::evaluation::sheet::access(actor, p.username.as_str(), member, sheet)
                        .read()
                    {
                        return Err(missing(format!("la scheda «{matricola}»")));
                    }
                } else if !operator {
                    return Err(Refusal::Denied(domain::Refusal::SignInRequired));
                }
                Ok(scheda(
                    &view,
                    member,
                    sheet,
                    &evaluation.year.procedure(),
                    today,
                ))
            }
            Paper::Premi => {
                let allowed = operator
                    || actor
                        .as_ref()
                        .is_some_and(|a| a.has(Role::Personnel) || a.has(Role::Evaluator));
                if !allowed {
                    return Err(Refusal::Denied(domain::Refusal::Role(&[
                        Role::Personnel,
                        Role::Evaluator,
                    ])));
                }
                let evaluation = self.store.evaluation(id).await?;
                premi(&view, &evaluation).ok_or_else(|| {
                    missing(
                        "la ripartizione dei premi (il fondo non è ancora stato ripartito)".into(),
                    )
                })
            }
        }
    }
}

/// The monitoring situation of every objective at the end of `day`.
fn monitoring(view: &View, day: NaiveDate) -> Document {
    let plan = &view.plan;
    let mut doc = Document::new(
        format!("Monitoraggio al {}", date(day)),
        plan.entity.name.clone(),
        day,
    );
    doc.subtitle = Some(subtitle(view));
    doc.contents = true;
    let scores = view.scores(day);
    doc.paragraph(format!(
        "La situazione di ogni obiettivo alla fine del {}: si contano solo i fatti registrati entro quel giorno. Punteggio organizzativo dell'ente: {}.",
        date(day),
        pct(scores.administration)
    ));
    for u in &plan.units {
        let objectives: Vec<(usize, &domain::Objective)> = plan
            .objectives
            .iter()
            .enumerate()
            .filter(|(_, o)| o.unit == u.id)
            .collect();
        if objectives.is_empty() {
            continue;
        }
        doc.heading(1, u.name.clone());
        let mut rows = Vec::new();
        for (oi, o) in objectives {
            let cal = view.calendar(oi, day);
            let standing = domain::schedule::objective_standing(&cal.standings);
            rows.push(vec![
                format!("Obiettivo {}: {}", o.label, o.title),
                String::new(),
                standing
                    .map(|s| messages::standing(s).to_owned())
                    .unwrap_or_default(),
                String::new(),
                pct(scores.objectives.get(oi).and_then(|s| s.score)),
            ]);
            for (pi, p) in o.phases.iter().enumerate() {
                rows.push(vec![
                    String::new(),
                    format!("Fase {}: {}", p.label, p.description),
                    cal.standings
                        .get(pi)
                        .map(|s| messages::standing(*s).to_owned())
                        .unwrap_or_default(),
                    match (
                        cal.due.get(pi).copied().flatten(),
                        cal.done.get(pi).copied().flatten(),
                    ) {
                        (_, Some(d)) => format!("conclusa il {}", date(d)),
                        (Some(d), None) => format!("entro il {}", date(d)),
                        (None, None) => String::new(),
                    },
                    String::new(),
                ]);
            }
        }
        doc.table(
            format!("Obiettivi e fasi: {}", u.name),
            vec![
                Column::wide("Obiettivo"),
                Column::wide("Fase"),
                Column::text("Situazione"),
                Column::text("Scadenza o conclusione"),
                Column::number("Punteggio"),
            ],
            rows,
        );
    }
    doc
}

/// A person's scheda: who, the stage, the score in force with its parts, the history.
fn scheda(
    view: &View,
    member: &domain::evaluation::staff::Member,
    sheet: &domain::evaluation::sheet::Sheet,
    procedure: &domain::evaluation::year::Procedure,
    today: NaiveDate,
) -> Document {
    let plan = &view.plan;
    let mut doc = Document::new(
        format!("Scheda di valutazione {}: {}", plan.year, member.name),
        plan.entity.name.clone(),
        sheet.current().map_or(today, |v| v.on),
    );
    doc.subtitle = Some("Dato personale: riservato alla persona, al valutatore, al Nucleo e all'ufficio del personale.".into());
    let current = sheet.current();
    doc.fields(vec![
        ("Matricola", member.matricola.clone()),
        ("Categoria", cluster_name(&member.cluster).to_owned()),
        (
            "Unità",
            plan.unit(&member.unit)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
        ),
        ("Valutatore", sheet.evaluator.clone()),
        ("Stato", sheet.stage_on(today, procedure).label().to_owned()),
        (
            "Punteggio",
            current
                .map(|v| {
                    format!(
                        "{}{}",
                        number(v.score),
                        if v.negative {
                            " (valutazione negativa)"
                        } else {
                            ""
                        }
                    )
                })
                .unwrap_or_else(|| "non ancora valutata".into()),
        ),
        (
            "Parte organizzativa",
            current
                .and_then(|v| v.organisational)
                .map(|o| format!("{}%", number(o)))
                .unwrap_or_default(),
        ),
        (
            "Autovalutazione",
            sheet.self_evaluation.clone().unwrap_or_default(),
        ),
        (
            "Osservazioni della persona",
            sheet.observations.clone().unwrap_or_default(),
        ),
    ]);
    if let Some(v) = current {
        if !v.objectives.is_empty() {
            doc.table(
                "Obiettivi",
                vec![
                    Column::text("Obiettivo"),
                    Column::number("Peso"),
                    Column::number("Raggiungimento"),
                ],
                v.objectives
                    .iter()
                    .map(|o| {
                        vec![
                            format!("{} {}", o.id, o.title),
                            number(o.weight),
                            o.achievement
                                .map(|a| format!("{}%", number(a)))
                                .unwrap_or_default(),
                        ]
                    })
                    .collect(),
            );
        }
        if !v.behaviours.is_empty() {
            doc.table(
                "Comportamenti",
                vec![
                    Column::text("Comportamento"),
                    Column::number("Peso"),
                    Column::text("Valutazione"),
                ],
                v.behaviours
                    .iter()
                    .map(|b| {
                        vec![
                            b.id.clone(),
                            number(b.weight),
                            b.rating.clone().unwrap_or_default(),
                        ]
                    })
                    .collect(),
            );
        }
    }
    if let Some(a) = &sheet.appeal {
        doc.heading(1, "Conciliazione");
        doc.paragraph(format!("Richiesta il {}: {}", date(a.filed_on), a.text));
        if let Some(d) = &sheet.decision {
            doc.paragraph(format!(
                "Decisa il {} da {}: {}",
                date(d.on),
                d.by,
                d.reasons
            ));
        }
    }
    if sheet.versions.len() > 1 {
        doc.table(
            "Versioni della valutazione (le precedenti restano agli atti)",
            vec![
                Column::number("Versione"),
                Column::text("Data"),
                Column::number("Punteggio"),
            ],
            sheet
                .versions
                .iter()
                .map(|v| vec![v.number.to_string(), date(v.on), number(v.score)])
                .collect(),
        );
    }
    doc
}

/// The payout list for the payroll office: every payout of every budget with its parts.
fn premi(view: &View, evaluation: &store::Evaluation) -> Option<Document> {
    let shared = evaluation.year.shared.as_ref()?;
    let plan = &view.plan;
    let mut doc = Document::new(
        format!("Premi di risultato {}", plan.year),
        plan.entity.name.clone(),
        shared.on,
    );
    doc.subtitle = Some(format!(
        "Ripartizione del {}: dati personali, per l'ufficio del personale e le paghe.",
        date(shared.on)
    ));
    let cents = |v: &serde_json::Value| v.as_i64().map(money).unwrap_or_default();
    for b in &shared.budgets {
        let name = domain::evaluation::year::budget_name(&b.kind).to_owned();
        let rows: Vec<Vec<String>> = b.result["payouts"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                let id = p["id"].as_str().unwrap_or_default();
                let m = evaluation.staff.iter().find(|m| m.matricola == id);
                vec![
                    id.to_owned(),
                    m.map(|m| m.name.clone()).unwrap_or_default(),
                    m.map(|m| cluster_name(&m.cluster).to_owned())
                        .unwrap_or_default(),
                    cents(&p["base_cents"]),
                    cents(&p["maggiorazione_cents"]),
                    cents(&p["withheld_cents"]),
                    cents(&p["paid_cents"]),
                ]
            })
            .collect();
        doc.heading(1, name.clone());
        doc.table(
            format!("Premi: {name}"),
            vec![
                Column::text("Matricola"),
                Column::text("Nome"),
                Column::text("Categoria"),
                Column::number("Base"),
                Column::number("Maggiorazione"),
                Column::number("Trattenuto"),
                Column::number("Pagato"),
            ],
            rows,
        );
        doc.paragraph(format!(
            "Totale pagato: {}.",
            cents(&b.result["paid_total_cents"])
        ));
    }
    Some(doc)
}
