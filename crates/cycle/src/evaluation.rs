//! The evaluation year of a plan (issue 15): the planning office adopts the SMVP and opens the
//! year; the personnel office keeps the staff evaluated, the bonus budgets, notifies schede
//! and shares the pool; heads (the Nucleo, for dirigenti) assign and rate; the Giunta adopts a
//! dirigente's evaluation; each person acknowledges and may appeal; the Nucleo decides; the
//! revisore certifies payment times. Every rule is `domain::evaluation`'s or `rewards`'; here
//! they are applied to what the store keeps, for the person asking, and written with their
//! audit entry. Personal data is read only by those `sheet::access` names.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use domain::PlanState;
use domain::access::{Actor, Role, person_key};
use domain::audit::AuditAction;
use domain::evaluation::Smvp;
use domain::evaluation::sheet::{self, Access, Objective, Outcome as Decided, Rated, Sheet, Stage};
use domain::evaluation::staff::{self, Member};
use domain::evaluation::year::{self, Budget, Procedure, Shared, SharedBudget, Year};
use domain::{PlanId, UnitId};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use store::{Evaluation, EvaluationWrite, Person, Stamp};

use crate::{Cycle, Outcome, Refusal, View};

/// A plan's evaluation year as one person may see it.
#[derive(Debug, Clone)]
pub struct Evaluated {
    pub view: Arc<View>,
    pub actor: Actor,
    pub username: String,
    pub evaluation: Evaluation,
    pub today: NaiveDate,
    /// The state of the year's Relazione: premia wait for its validation.
    pub relazione: domain::relazione::State,
}

/// A step of a scheda, as a person asks for it.
#[derive(Debug, Clone)]
pub enum SheetStep {
    /// The evaluator sets individual objectives and the behaviours' weights.
    Plan {
        objectives: Vec<Objective>,
        behaviours: Vec<Rated>,
    },
    /// The person writes their self-evaluation.
    SelfEvaluate {
        text: String,
    },
    /// The evaluator rates: achievements and ratings by id.
    Rate {
        achievements: BTreeMap<String, Decimal>,
        ratings: BTreeMap<String, String>,
    },
    /// The Giunta adopts a dirigente's proposal.
    Adopt {
        act: String,
    },
    Notify,
    Acknowledge {
        observations: String,
    },
    Appeal {
        text: String,
    },
    Decide {
        outcome: Decided,
        reasons: String,
        achievements: BTreeMap<String, Decimal>,
        ratings: BTreeMap<String, String>,
    },
}

fn refused(why: impl Into<String>) -> Refusal {
    Refusal::Invalid(why.into())
}

fn not_allowed(roles: &'static [Role]) -> Refusal {
    Refusal::Denied(domain::Refusal::Role(roles))
}

impl Evaluated {
    pub fn has(&self, role: Role) -> bool {
        self.actor.has(role)
    }

    pub fn procedure(&self) -> Procedure {
        self.evaluation.year.procedure()
    }

    /// The SMVP in force, read.
    pub fn smvp(&self) -> Option<Smvp> {
        self.evaluation
            .year
            .smvp
            .as_ref()
            .and_then(|a| a.rules().ok())
    }

    pub fn member(&self, matricola: &str) -> Option<&Member> {
        self.evaluation
            .staff
            .iter()
            .find(|m| m.matricola == matricola)
    }

    /// Who this person is to a scheda.
    pub fn access(&self, sheet: &Sheet) -> Access {
        self.member(&sheet.matricola)
            .map(|m| sheet::access(&self.actor, &self.username, m, sheet))
            .unwrap_or_default()
    }

    /// The schede this person may read, with their version, person and access.
    pub fn visible(&self) -> Vec<(&Sheet, i64, &Member, Access)> {
        self.evaluation
            .sheets
            .iter()
            .filter_map(|(s, v)| {
                let m = self.member(&s.matricola)?;
                let a = sheet::access(&self.actor, &self.username, m, s);
                a.read().then_some((s, *v, m, a))
            })
            .collect()
    }

    /// The staff list (personal data): the personnel office and the Nucleo.
    pub fn sees_staff(&self) -> bool {
        self.has(Role::Personnel) || self.has(Role::Evaluator)
    }

    /// The unit and administration scores the organisational part comes from, as of today.
    pub fn organisational(&self, unit: &UnitId) -> (Option<Decimal>, Option<Decimal>) {
        let v = &self.view;
        let scores = v.scores(v.situation_day(self.today));
        let mut at = Some(unit.clone());
        let mut unit_score = None;
        // A unit with nothing measured takes its parent's score (at most as many steps as
        // there are units: a plan whose parents went round in a circle ends too).
        for _ in 0..v.plan.units.len() {
            let Some(u) = at else { break };
            let Some((i, found)) = v.unit(u.as_str()) else {
                break;
            };
            unit_score = scores.units.get(i).and_then(|s| s.score);
            if unit_score.is_some() {
                break;
            }
            at = found.parent.clone();
        }
        (unit_score, scores.administration)
    }

    /// Every scheda's stage today, and whether the pool may be shared now (the plan's
    /// measurement validated, every scheda definitive), with why not.
    pub fn pool_gate(&self) -> Result<(), String> {
        if self.view.summary.state < PlanState::MeasureValidated {
            return Err(
                "Il fondo si ripartisce solo dopo che il Nucleo ha validato la misurazione dell'anno."
                    .into(),
            );
        }
        let p = self.procedure();
        if !matches!(
            self.relazione,
            domain::relazione::State::Validated | domain::relazione::State::Published
        ) {
            return Err(
                "I premi dell'anno si pagano solo dopo che il Nucleo ha validato la Relazione sulla performance."
                    .into(),
            );
        }
        let open = self
            .evaluation
            .sheets
            .iter()
            .filter(|(s, _)| s.stage_on(self.today, &p) != Stage::Definitiva)
            .count();
        if open > 0 {
            return Err(format!(
                "{open} schede non sono ancora definitive: il fondo si ripartisce solo su schede definitive."
            ));
        }
        if self.evaluation.sheets.is_empty() {
            return Err("Non c'è nessuna scheda da premiare.".into());
        }
        Ok(())
    }
}

/// The evaluator of `member` in `plan`: the head of their unit for their period (the last
/// head whose mandate covers its end), or of the unit above when they head it themselves;
/// the Nucleo for a dirigente.
pub fn evaluator_of(plan: &domain::Plan, member: &Member) -> Option<String> {
    if sheet::proposed_by_nucleo(&member.cluster) {
        return Some(sheet::NUCLEO.to_owned());
    }
    let end = member
        .until
        .or_else(|| NaiveDate::from_ymd_opt(plan.year, 12, 31));
    let mut at = Some(member.unit.clone());
    for _ in 0..plan.units.len() {
        let u = at?;
        let unit = plan.units.iter().find(|x| x.id == u)?;
        let head = unit
            .heads
            .iter()
            .rev()
            .find(|h| {
                end.is_none_or(|d| h.from.is_none_or(|f| f <= d) && h.until.is_none_or(|t| d <= t))
            })
            .or(unit.heads.last())
            .filter(|h| person_key(&h.name) != person_key(&member.name));
        if let Some(h) = head {
            return Some(h.name.clone());
        }
        at = unit.parent.clone();
    }
    None
}

impl Cycle {
    /// The evaluation year of plan `id` for `person` (of its administration).
    pub async fn evaluation(&self, id: &PlanId, person: &Person) -> Outcome<Evaluated> {
        let (view, actor) = self.for_write(id, person).await?;
        let evaluation = self.store.evaluation(id).await?;
        let (relazione, _) = self.store.relazione(id).await?;
        Ok(Evaluated {
            view,
            actor,
            username: person.username.to_string(),
            evaluation,
            today: self.today(),
            relazione: relazione.state(),
        })
    }

    /// The year for a write stamped `stamp`: "today" is the stamp's day (the demo writes
    /// on days of its own).
    async fn for_step(&self, id: &PlanId, person: &Person, stamp: &Stamp) -> Outcome<Evaluated> {
        let mut e = self.evaluation(id, person).await?;
        e.today = self.day_of(stamp);
        Ok(e)
    }

    /// The year for a write by `person`, who must hold one of `roles`: "today" is the
    /// stamp's day.
    async fn for_role(
        &self,
        id: &PlanId,
        person: &Person,
        roles: &'static [Role],
        stamp: &Stamp,
    ) -> Outcome<Evaluated> {
        let e = self.for_step(id, person, stamp).await?;
        if !roles.iter().any(|r| e.has(*r)) {
            return Err(not_allowed(roles));
        }
        Ok(e)
    }

    async fn write(
        &self,
        e: &Evaluated,
        year: Option<&Year>,
        staff: &[Member],
        sheets: &[(Sheet, Option<i64>)],
        audit: (AuditAction, String, Value),
        stamp: &Stamp,
    ) -> Outcome<()> {
        self.store
            .write_evaluation(
                e.view.id(),
                EvaluationWrite {
                    year: year.map(|y| (y, e.evaluation.revision)),
                    staff,
                    sheets,
                    audit,
                },
                stamp,
            )
            .await?;
        // The write moved the plan's revision (the year is on its log).
        self.changed(e.view.id()).await;
        Ok(())
    }

    /// The planning office records the SMVP adopted by the Giunta's `act` after the Nucleo's
    /// opinion of `opinion_on` (a new version each time, until the year opens).
    #[allow(clippy::too_many_arguments)]
    pub async fn adopt_smvp(
        &self,
        id: &PlanId,
        person: &Person,
        smvp: Value,
        procedure: Procedure,
        act: &str,
        opinion_on: NaiveDate,
        seen: i64,
        stamp: &Stamp,
    ) -> Outcome<()> {
        let e = self.for_role(id, person, &[Role::Admin], stamp).await?;
        check_seen(&e, seen)?;
        let act = domain::limits::clean(domain::limits::Field::PiaoLine, act)
            .map_err(|_| refused("L'atto è troppo lungo o va su più righe."))?;
        let next = e
            .evaluation
            .year
            .adopt(smvp, procedure, &act, opinion_on, self.day_of(stamp))
            .map_err(refused)?;
        let adopted = next.smvp.as_ref().map(|a| {
            json!({ "version": a.version, "act": a.act, "opinion_on": a.opinion_on, "smvp": a.smvp, "procedure": a.procedure })
        });
        self.write(
            &e,
            Some(&next),
            &[],
            &[],
            (
                AuditAction::EvaluationSmvp,
                "smvp".into(),
                adopted.unwrap_or(Value::Null),
            ),
            stamp,
        )
        .await
    }

    /// The planning office opens the year: every person of the staff gets a scheda assigned
    /// with their unit's objectives and their evaluator. Only with an adopted SMVP, on a plan
    /// approved at least.
    pub async fn open_evaluation(
        &self,
        id: &PlanId,
        person: &Person,
        seen: i64,
        stamp: &Stamp,
    ) -> Outcome<usize> {
        let e = self.for_role(id, person, &[Role::Admin], stamp).await?;
        check_seen(&e, seen)?;
        if e.view.summary.state < PlanState::Approved {
            return Err(refused(
                "L'anno di valutazione si apre su un piano approvato: le schede ne portano gli obiettivi.",
            ));
        }
        let day = self.day_of(stamp);
        let next = e.evaluation.year.open(day).map_err(refused)?;
        let sheets = assign_missing(&e, &next, &e.evaluation.staff, day, &stamp.actor)?;
        let n = sheets.len();
        self.write(
            &e,
            Some(&next),
            &[],
            &sheets,
            (
                AuditAction::EvaluationOpen,
                "anno".into(),
                json!({ "opened_on": day, "schede": n }),
            ),
            stamp,
        )
        .await?;
        Ok(n)
    }

    /// The personnel office adds or replaces people of the staff (by matricola); checked as
    /// a whole with those kept; once the year is open, newcomers get their scheda.
    pub async fn save_staff(
        &self,
        id: &PlanId,
        person: &Person,
        members: Vec<Member>,
        stamp: &Stamp,
    ) -> Outcome<usize> {
        let e = self.for_role(id, person, &[Role::Personnel], stamp).await?;
        let plan = &e.view.plan;
        let days = year::days_in(plan.year);
        let found = staff::problems(&members, plan, days);
        if !found.is_empty() {
            let words: Vec<String> = found
                .iter()
                .take(20)
                .map(|(row, p)| format!("persona {row}: {p}"))
                .collect();
            return Err(refused(format!("{}.", words.join("; "))));
        }
        for m in &members {
            if let Some((s, _)) = e
                .evaluation
                .sheets
                .iter()
                .find(|(s, _)| s.matricola == m.matricola)
                && (s.cluster != m.cluster || s.unit != m.unit)
            {
                return Err(refused(format!(
                    "La scheda di {} è già assegnata: categoria e unità non si cambiano più.",
                    m.matricola
                )));
            }
        }
        let sheets = match e.evaluation.year.opened_on {
            Some(_) => assign_missing(
                &e,
                &e.evaluation.year,
                &members,
                self.day_of(stamp),
                &stamp.actor,
            )?,
            None => Vec::new(),
        };
        self.write(
            &e,
            None,
            &members,
            &sheets,
            (
                AuditAction::EvaluationStaff,
                "personale".into(),
                json!({ "persone": members.len(), "schede": sheets.len() }),
            ),
            stamp,
        )
        .await?;
        Ok(members.len())
    }

    /// A step of the scheda of `matricola`, from the version the person saw.
    pub async fn sheet_step(
        &self,
        id: &PlanId,
        person: &Person,
        matricola: &str,
        step: SheetStep,
        seen: i64,
        stamp: &Stamp,
    ) -> Outcome<Stage> {
        let e = self.for_step(id, person, stamp).await?;
        let missing = || Refusal::NotFound(format!("la scheda «{matricola}»"));
        let (sheet, version) = e
            .evaluation
            .sheets
            .iter()
            .find(|(s, _)| s.matricola == matricola)
            .ok_or_else(missing)?;
        let access = e.access(sheet);
        if !access.read() {
            return Err(missing());
        }
        if *version != seen {
            return Err(Refusal::OutOfTurn(
                "Nel frattempo la scheda è cambiata: ricaricare la pagina.".into(),
            ));
        }
        let day = self.day_of(stamp);
        let by = stamp.actor.as_str();
        let p = e.procedure();
        let smvp = || {
            e.smvp()
                .ok_or_else(|| refused("Il sistema di misurazione non si legge."))
        };
        let deny = |who: &str| Refusal::Invalid(format!("Questo passaggio spetta {who}."));
        let next = match step {
            SheetStep::Plan {
                objectives,
                behaviours,
            } => {
                if !access.may_rate() {
                    return Err(deny("al valutatore"));
                }
                sheet.plan(&smvp()?, objectives, behaviours)
            }
            SheetStep::SelfEvaluate { text } => {
                if !access.may_answer() {
                    return Err(deny("alla persona valutata"));
                }
                sheet.self_evaluate(&text)
            }
            SheetStep::Rate {
                achievements,
                ratings,
            } => {
                if !access.may_rate() {
                    return Err(deny("al valutatore"));
                }
                sheet.rate(
                    &smvp()?,
                    e.organisational(&sheet.unit),
                    &achievements,
                    &ratings,
                    day,
                    by,
                )
            }
            SheetStep::Adopt { act } => {
                if !access.may_adopt() {
                    return Err(deny("alla Giunta"));
                }
                sheet.adopt(&act, day, by)
            }
            SheetStep::Notify => {
                if !access.may_notify() {
                    return Err(deny("al valutatore o all'ufficio del personale"));
                }
                sheet.notify(day, by)
            }
            SheetStep::Acknowledge { observations } => {
                if !access.may_answer() {
                    return Err(deny("alla persona valutata"));
                }
                sheet.acknowledge(&observations, day, &p, by)
            }
            SheetStep::Appeal { text } => {
                if !access.may_answer() {
                    return Err(deny("alla persona valutata"));
                }
                sheet.appeal(&text, day, &p, by)
            }
            SheetStep::Decide {
                outcome,
                reasons,
                achievements,
                ratings,
            } => {
                if !access.may_decide(sheet) {
                    return Err(deny(&format!(
                        "all'organo di conciliazione ({}), mai al solo valutatore",
                        p.body
                    )));
                }
                let s = smvp()?;
                let scores = e.organisational(&sheet.unit);
                let revision =
                    (outcome == Decided::Rivista).then_some((&s, scores, &achievements, &ratings));
                sheet.decide(outcome, &reasons, revision, day, by)
            }
        }
        .map_err(refused)?;
        let stage = next.stage;
        let record = json!({ "stato": stage, "versione": next.versions.len() });
        self.write(
            &e,
            None,
            &[],
            &[(next, Some(*version))],
            (
                AuditAction::SchedaStep,
                format!("schede/{matricola}"),
                record,
            ),
            stamp,
        )
        .await?;
        Ok(stage)
    }

    /// The personnel office sets a budget of the pool with its act.
    pub async fn set_budget(
        &self,
        id: &PlanId,
        person: &Person,
        budget: Budget,
        seen: i64,
        stamp: &Stamp,
    ) -> Outcome<()> {
        let e = self.for_role(id, person, &[Role::Personnel], stamp).await?;
        check_seen(&e, seen)?;
        let record = json!({ "kind": budget.kind, "cents": budget.cents, "act": budget.act, "rules": budget.rules });
        let next = e.evaluation.year.set_budget(budget).map_err(refused)?;
        self.write(
            &e,
            Some(&next),
            &[],
            &[],
            (AuditAction::PoolBudget, "fondi".into(), record),
            stamp,
        )
        .await
    }

    /// The revisore certifies whether `matricola`'s payment times were met.
    pub async fn certify_payment_times(
        &self,
        id: &PlanId,
        person: &Person,
        matricola: &str,
        met: bool,
        stamp: &Stamp,
    ) -> Outcome<()> {
        let e = self.for_role(id, person, &[Role::Revisor], stamp).await?;
        if e.evaluation.year.shared.is_some() {
            return Err(refused("Il fondo è già stato ripartito."));
        }
        let member = e
            .member(matricola)
            .filter(|m| m.responsabile_pagamenti)
            .ok_or_else(|| {
                Refusal::NotFound(format!("il responsabile dei pagamenti «{matricola}»"))
            })?;
        let next = Member {
            payment_times_met: Some(met),
            ..member.clone()
        };
        self.write(
            &e,
            None,
            &[next],
            &[],
            (
                AuditAction::PoolPaymentTimes,
                format!("pagamenti/{matricola}"),
                json!({ "rispettati": met }),
            ),
            stamp,
        )
        .await
    }

    /// The personnel office shares the pool: each budget among the definitive schede of its
    /// clusters, by its rules (`rewards`), once the measurement is validated.
    pub async fn share_pool(
        &self,
        id: &PlanId,
        person: &Person,
        seen: i64,
        stamp: &Stamp,
    ) -> Outcome<()> {
        let e = self.for_role(id, person, &[Role::Personnel], stamp).await?;
        check_seen(&e, seen)?;
        if e.evaluation.year.shared.is_some() {
            return Err(Refusal::OutOfTurn("Il fondo è già stato ripartito.".into()));
        }
        e.pool_gate().map_err(refused)?;
        if e.evaluation.year.budgets.is_empty() {
            return Err(refused("Non è stato impostato nessun fondo."));
        }
        let shared = share(&e).map_err(refused)?;
        let totals: Vec<Value> = shared
            .budgets
            .iter()
            .map(|b| json!({ "kind": b.kind, "paid_total_cents": b.result["paid_total_cents"], "economie_cents": b.result["economie_cents"] }))
            .collect();
        let next = Year {
            shared: Some(shared),
            ..e.evaluation.year.clone()
        };
        self.write(
            &e,
            Some(&next),
            &[],
            &[],
            (AuditAction::PoolShare, "fondi".into(), json!(totals)),
            stamp,
        )
        .await
    }
}

/// The pool shared: for each budget, the people of its clusters with their definitive score,
/// presence and flags, through `rewards::case`.
pub fn share(e: &Evaluated) -> Result<Shared, String> {
    let days = year::days_in(e.view.plan.year);
    let mut budgets = Vec::new();
    for budget in &e.evaluation.year.budgets {
        let clusters: &[&str] = match budget.kind.as_str() {
            "eq_risultato" => &["eq"],
            "dirigenti_risultato" => &["dirigente"],
            _ => &[
                "funzionario",
                "istruttore",
                "operatore_esperto",
                "operatore",
            ],
        };
        let mut people = Vec::new();
        for (sheet, _) in &e.evaluation.sheets {
            if !clusters.contains(&sheet.cluster.as_str()) {
                continue;
            }
            let Some(m) = e.member(&sheet.matricola) else {
                continue;
            };
            let Some(v) = sheet.current() else { continue };
            let behaviours = v
                .behaviours
                .iter()
                .filter_map(|b| {
                    b.rating
                        .as_deref()?
                        .parse::<Decimal>()
                        .ok()
                        .map(|r| r * b.weight)
                })
                .sum::<Decimal>();
            people.push(json!({
                "id": m.matricola,
                "cluster": m.cluster,
                "score": domain::numbers::json(v.score),
                "status": "definitiva",
                "days_employed": m.days_employed.unwrap_or(days),
                "part_time": domain::numbers::json(m.part_time),
                "absences": m.absences.iter().map(|a| json!({ "kind": a.kind, "days": a.days })).collect::<Vec<_>>(),
                "parameter": null,
                "tie_keys": { "behaviours": domain::numbers::json(behaviours) },
                "responsabile_pagamenti": m.responsabile_pagamenti,
                "payment_times_met": m.payment_times_met,
            }));
        }
        let mut case = budget.case(people);
        // The year's own length, unless the rules set it.
        if case["rules"]["presence"]["days_in_year"].is_null() {
            let presence = case["rules"]["presence"].take();
            let mut presence = if presence.is_object() {
                presence
            } else {
                json!({})
            };
            presence["days_in_year"] = json!(days);
            case["rules"]["presence"] = presence;
        }
        let result = domain::rewards::case(&case).map_err(|err| {
            format!(
                "Il fondo «{}» non si può ripartire: {err}.",
                year::budget_name(&budget.kind)
            )
        })?;
        budgets.push(SharedBudget {
            kind: budget.kind.clone(),
            case,
            result,
        });
    }
    Ok(Shared {
        on: e.today,
        budgets,
    })
}

fn check_seen(e: &Evaluated, seen: i64) -> Outcome<()> {
    if seen == e.evaluation.revision {
        Ok(())
    } else {
        Err(Refusal::OutOfTurn(
            "Nel frattempo la valutazione è cambiata: ricaricare la pagina.".into(),
        ))
    }
}

/// Schede for the people of `members` who have none, under `year`'s SMVP.
fn assign_missing(
    e: &Evaluated,
    year: &Year,
    members: &[Member],
    day: NaiveDate,
    by: &str,
) -> Outcome<Vec<(Sheet, Option<i64>)>> {
    let adoption = year
        .smvp
        .as_ref()
        .ok_or_else(|| refused("Manca il sistema di misurazione adottato."))?;
    let smvp = adoption.rules().map_err(refused)?;
    let plan = &e.view.plan;
    let mut out = Vec::new();
    for m in members {
        if e.evaluation
            .sheets
            .iter()
            .any(|(s, _)| s.matricola == m.matricola)
        {
            continue;
        }
        let evaluator = evaluator_of(plan, m).ok_or_else(|| {
            refused(format!(
                "L'unità di {} non ha un responsabile nel piano: non si sa chi valuta.",
                m.matricola
            ))
        })?;
        let objectives = plan
            .objectives
            .iter()
            .filter(|o| o.unit == m.unit)
            .map(|o| o.id.to_string())
            .collect();
        let sheet = Sheet::assign(
            m,
            &evaluator,
            (&smvp, adoption.version),
            objectives,
            day,
            by,
        )
        .map_err(refused)?;
        out.push((sheet, None));
    }
    Ok(out)
}
