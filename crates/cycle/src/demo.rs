//! The demonstration year: on a new installation, the demo plan is played through its year
//! by the same use cases people use — validated by the Nucleo, approved by the Giunta with its
//! act, started, monitored at 30/06, 30/09 and at the year's end (reports with evidence, some
//! on time, some late, some never made; indicator values; the dates of events), a phase
//! neutralised with its reason, a change approved into a new version, the measurement closed,
//! validated and published — each step stamped on its own day of the plan's year; beside it
//! the evaluation year (`evaluation.rs`: the SMVP, the staff, the schede through their steps,
//! an appeal, the pool shared); then the next year's draft, with the PIAO's other sections
//! around it.

use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::Position;
use domain::phase_edit::Wish;
use domain::schedule;
use domain::workflow::{ActKind, BoardAct};
use domain::{Objective, PlanId, PlanState};
use store::{Person, Stamp};

mod agenda;
mod evaluation;
mod evidence;
mod piao;

pub use evaluation::evaluated_units;

use agenda::{Step, agenda, rounds};
use evidence::pdf;

use crate::changes::{DecisionRequest, OpinionRequest};
use crate::monitoring::Neutralising;
use crate::phases::PhaseAt;
use crate::{ActRequest, Cycle, Outcome, Part, Refusal};

/// The people of the demonstration: the planning office, the Nucleo, the Giunta, the
/// personnel office, the revisore, an account for each head the plan names and an employee
/// evaluated in the first unit (made by the caller, who keeps their passwords).
#[derive(Debug, Clone)]
pub struct Cast {
    pub admin: Person,
    pub evaluator: Person,
    pub board: Person,
    pub personnel: Person,
    pub revisor: Person,
    pub heads: Vec<Person>,
    pub employee: Person,
}

/// What the year recorded, to tell the person who started the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Played {
    pub reports: usize,
    pub on_time: usize,
    pub late: usize,
    pub never: usize,
    pub evidence: usize,
    pub actuals: usize,
    pub rounds: usize,
    /// The version the approved change made.
    pub version: Option<i64>,
    /// The next year's draft the planning office made from the plan once published.
    pub next: Option<PlanId>,
    /// The schede of the evaluation year.
    pub schede: usize,
}

fn day(year: i32, month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, d).unwrap_or_default()
}

fn at(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    date.and_hms_opt(hour, 0, 0).unwrap_or_default().and_utc()
}

fn stamp(person: &Person, date: NaiveDate, hour: u32) -> Stamp {
    Stamp {
        actor: person.username.to_string(),
        at: at(date, hour),
    }
}

/// A number from 0 to 99 fixed for each phase: the demo is the same on every machine.
fn dice(o: &Objective, phase: usize) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in o.id.as_str().bytes().chain(phase.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h % 100
}

/// How a phase's year goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Done by its deadline, this many days before.
    OnTime(u64),
    /// Done this many days late.
    Late(u64),
    /// Never reported.
    Never,
}

fn fate(o: &Objective, phase: usize) -> Fate {
    let d = dice(o, phase);
    match d {
        0..=67 => Fate::OnTime(d % 21),
        68..=85 => Fate::Late(8 + d % 45),
        _ => Fate::Never,
    }
}

/// The scoring rules of the demo's measurement system: phases by weight with credit for late
/// work (none after 90 days) and 15 days' tolerance, 70%; the first indicator of each card
/// that has one, as the percentage of what was planned that was achieved, 30%.
fn rules(plan: &domain::Plan) -> String {
    let indicators: Vec<serde_json::Value> = plan
        .objectives
        .iter()
        .filter(|o| !o.indicators.is_empty())
        .map(|o| {
            serde_json::json!({
                "objective": o.id.as_str(),
                "indicator": 1,
                "rule": {
                    "conversion": "percent_of_target",
                    "target": 100,
                    "band": "direct",
                    "bands": "achievement",
                    "no_actual": "exclude"
                }
            })
        })
        .collect();
    serde_json::json!({
        "phases": {
            "method": { "method": "weighted_late_credit", "days": 90 },
            "tolerance_days": 15,
            "empty_weights": "spread"
        },
        "phases_weight": 70,
        "indicators_weight": 30,
        "indicators": indicators
    })
    .to_string()
}

impl Cycle {
    /// Plays the demonstration year of plan `plan` (a draft) with `cast`, calling `progress`
    /// with a sentence at each stage.
    pub async fn play_demo_year(
        &self,
        plan: &PlanId,
        cast: &Cast,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Outcome<Played> {
        let (view, _) = self.view(plan, Some(&cast.admin), true).await?;
        if view.summary.state != PlanState::Draft {
            return Err(Refusal::OutOfTurn(
                "Il piano dimostrativo non è in bozza: l'anno è già stato svolto.".into(),
            ));
        }
        let y = view.plan.year;
        let rounds = rounds(y);
        let mut played = Played::default();
        progress("regole di misurazione");
        self.set_scoring(
            plan,
            &cast.admin,
            &rules(&view.plan),
            &stamp(&cast.admin, day(y, 1, 20), 9),
        )
        .await?;
        let mut round_ids: Vec<Option<i64>> = vec![None; rounds.len()];
        let mut request: Option<(i64, Person)> = None;
        let mut reported: std::collections::HashSet<(usize, usize)> = Default::default();
        for (when, step) in agenda(&view.plan) {
            let on = when.date_naive();
            let hour = |p: &Person| Stamp {
                actor: p.username.to_string(),
                at: when,
            };
            match step {
                Step::Act(kind) => {
                    progress(domain::messages::act(kind));
                    let (who, board_act) = match kind {
                        ActKind::Validate | ActKind::ValidateMeasurement => (&cast.evaluator, None),
                        ActKind::Approve => (
                            &cast.board,
                            Some(BoardAct {
                                number: "35".into(),
                                date: on,
                            }),
                        ),
                        _ => (&cast.admin, None),
                    };
                    let act = ActRequest {
                        kind,
                        reason: None,
                        board_act,
                        from: None,
                    };
                    self.perform_act(plan, who, act, &hour(who)).await?;
                }
                Step::OpenRound(n) => {
                    progress(rounds[n].0);
                    let id = self
                        .open_round(
                            plan,
                            &cast.admin,
                            rounds[n].0,
                            &rounds[n].1.to_string(),
                            &hour(&cast.admin),
                        )
                        .await?;
                    round_ids[n] = Some(id);
                    played.rounds += 1;
                }
                Step::CloseRound(n) => {
                    if let Some(id) = round_ids[n] {
                        self.close_round(plan, &cast.admin, &id.to_string(), &hour(&cast.admin))
                            .await?;
                    }
                }
                Step::Event {
                    objective,
                    event,
                    day,
                } => {
                    let (v, who) = self.reporting(plan, cast, (objective, None), on).await?;
                    self.record_event(
                        plan,
                        who,
                        v.plan.objectives[objective].key(),
                        &(event + 1).to_string(),
                        &day.to_string(),
                        &hour(who),
                    )
                    .await?;
                }
                Step::Report {
                    objective,
                    phase,
                    done,
                } => {
                    let (v, who) = self
                        .reporting(plan, cast, (objective, Some(phase)), on)
                        .await?;
                    let o = &v.plan.objectives[objective];
                    let label = o.phases[phase].label.to_string();
                    let at_phase = PhaseAt {
                        unit: o.unit.as_str(),
                        label: o.label.as_str(),
                        number: Position::of_index(phase),
                    };
                    let note = match done {
                        Some(d) => {
                            format!("Fase {label} conclusa il {}.", domain::messages::date(d))
                        }
                        None => "Attività in corso.".to_string(),
                    };
                    self.demo_report(plan, who, at_phase, done, &note, &hour(who))
                        .await?;
                    played.reports += 1;
                    if let Some(d) = done {
                        reported.insert((objective, phase));
                        let due = schedule::planned(o, y)
                            .get(phase)
                            .and_then(|p| p.due)
                            .unwrap_or(day(y, 12, 31));
                        if d <= due {
                            played.on_time += 1;
                        } else {
                            played.late += 1;
                        }
                        if dice(o, phase).is_multiple_of(2) {
                            let lines = [
                                v.plan.entity.name.clone(),
                                format!("Verbale di conclusione della fase {label}"),
                                format!("Obiettivo {}: {}", o.label, o.title),
                                format!("Fase {label}: {}", o.phases[phase].description),
                                note.clone(),
                                format!("Il responsabile: {}", who.name),
                                "Documento dimostrativo generato da Pegaso.".to_string(),
                            ];
                            let file = format!("verbale-fase-{label}.pdf");
                            self.attach_evidence(
                                plan,
                                who,
                                at_phase,
                                &file,
                                &pdf(&lines),
                                &hour(who),
                            )
                            .await?;
                            played.evidence += 1;
                        }
                    }
                }
                Step::Actual { objective, value } => {
                    let (v, who) = self.reporting(plan, cast, (objective, None), on).await?;
                    self.record_actual(
                        plan,
                        who,
                        v.plan.objectives[objective].key(),
                        Position::of_index(0),
                        (
                            &value.to_string(),
                            &rounds[2].1.to_string(),
                            "Relazione finale del responsabile",
                        ),
                        &hour(who),
                    )
                    .await?;
                    played.actuals += 1;
                }
                Step::AskChange => request = self.demo_ask(plan, cast, when).await?,
                Step::GiveOpinion => {
                    if let Some((id, _)) = &request {
                        self.give_opinion(
                            plan,
                            &cast.evaluator,
                            &id.to_string(),
                            OpinionRequest {
                                favourable: Some(true),
                                text: "Parere favorevole: il ritardo non dipende dall'ufficio.",
                            },
                            &hour(&cast.evaluator),
                        )
                        .await?;
                    }
                }
                Step::DecideChange => {
                    if let Some((id, _)) = &request {
                        let (_, version) = self
                            .decide_change(
                                plan,
                                &cast.board,
                                &id.to_string(),
                                DecisionRequest {
                                    approve: Some(true),
                                    act_number: "128",
                                    act_date: &on.to_string(),
                                },
                                &hour(&cast.board),
                            )
                            .await?;
                        played.version = version;
                    }
                }
                Step::Neutralise => self.demo_neutralisation(plan, cast, when).await?,
                Step::Evaluation(phase) => {
                    if phase == evaluation::Phase::Smvp {
                        progress("valutazione individuale e premi");
                    }
                    self.demo_evaluation(plan, cast, when, phase).await?;
                }
            }
        }
        // Phases of the year never reported as done.
        let (v, _) = self.view(plan, Some(&cast.admin), true).await?;
        played.never = v
            .plan
            .objectives
            .iter()
            .enumerate()
            .flat_map(|(oi, o)| {
                schedule::planned(o, y)
                    .into_iter()
                    .enumerate()
                    .filter(|(_, p)| p.due.is_none_or(|d| d <= day(y, 12, 31)))
                    .map(move |(pi, _)| (oi, pi))
            })
            .filter(|k| !reported.contains(k))
            .count();
        played.schede = self.store.evaluation(plan).await?.sheets.len();
        // The year closed, the planning office starts the next one from it: the objectives
        // that continue, as a draft to write («Scrivi il piano»).
        progress("bozza del piano dell'anno dopo");
        let next = self
            .rollover(
                plan,
                Some(&cast.admin),
                y + 1,
                crate::Keep::Ticked,
                false,
                &stamp(&cast.admin, day(y + 1, 4, 20), 10),
            )
            .await?;
        played.next = next.saved.map(|s| s.id);
        // Around the new year's plan, the PIAO's other sections (the plan is its 2.2).
        if let Some(id) = &played.next {
            progress("sezioni del PIAO");
            let (draft, _) = self.view(id, Some(&cast.admin), true).await?;
            let edit = domain::drafting::Edit::Piao(Some(Box::new(piao::piao(&draft.plan))));
            self.edit_draft(
                id,
                &cast.admin,
                draft.summary.revision,
                &edit,
                &stamp(&cast.admin, day(y + 1, 4, 27), 11),
            )
            .await?;
        }
        Ok(played)
    }

    /// One report of a phase: done on `done`, or in progress.
    async fn demo_report(
        &self,
        plan: &PlanId,
        who: &Person,
        at: PhaseAt<'_>,
        done: Option<NaiveDate>,
        note: &str,
        stamp: &Stamp,
    ) -> Outcome<()> {
        let form = self.phase_for_edit(plan, Some(who), at).await?;
        let done_text = done.map(|d| d.to_string()).unwrap_or_default();
        let wish = Wish {
            completed_on: Some(&done_text),
            note: Some(note),
            status: Some(if done.is_some() {
                "done"
            } else {
                "in_progress"
            }),
            ..Wish::default()
        };
        self.edit_phase(plan, who, at, Some(form.version), wish, stamp)
            .await?;
        Ok(())
    }

    /// The plan as it is now, and who reports on objective `oi` (its phase, when one) on `on`.
    async fn reporting<'a>(
        &self,
        plan: &PlanId,
        cast: &'a Cast,
        (oi, phase): (usize, Option<usize>),
        on: NaiveDate,
    ) -> Outcome<(std::sync::Arc<crate::View>, &'a Person)> {
        let (view, _) = self.view(plan, Some(&cast.admin), true).await?;
        let who = self.reporter(&view, cast, oi, phase, on);
        Ok((view, who))
    }

    /// Who reports on objective `oi` on `on` (its phase `phase`, when one): a head of its
    /// unit who may, else the planning office.
    fn reporter<'a>(
        &self,
        view: &crate::View,
        cast: &'a Cast,
        oi: usize,
        phase: Option<usize>,
        on: NaiveDate,
    ) -> &'a Person {
        let o = &view.plan.objectives[oi];
        cast.heads
            .iter()
            .find(|h| {
                let actor = crate::actor(h, view);
                let head = actor.as_ref().is_some_and(|a| {
                    a.units
                        .iter()
                        .any(|g| g.unit == o.unit && g.role == domain::UnitRole::Head)
                });
                head && match phase {
                    Some(p) => view.may_edit_phase(oi, p, actor.as_ref()).is_ok(),
                    None => view.may_report(o, actor.as_ref(), on).is_ok(),
                }
            })
            .unwrap_or(&cast.admin)
    }

    /// In July a head asks to move a later deadline by two months (the Nucleo agrees and the
    /// Giunta approves in the steps after). Returns the request and who asked.
    async fn demo_ask(
        &self,
        plan: &PlanId,
        cast: &Cast,
        when: DateTime<Utc>,
    ) -> Outcome<Option<(i64, Person)>> {
        let (view, _) = self.view(plan, Some(&cast.admin), true).await?;
        let y = view.plan.year;
        let asked = when.date_naive();
        let mut chosen = None;
        'search: for o in &view.plan.objectives {
            let may_ask = |h: &&Person| {
                let actor = crate::actor(h, &view);
                let ask = domain::Action::RequestChange {
                    unit: &o.unit,
                    day: Some(asked),
                };
                domain::access::decide(actor.as_ref(), ask, view.summary.state).is_ok()
            };
            let Some(head) = cast.heads.iter().find(may_ask) else {
                continue;
            };
            for (pi, p) in schedule::planned(o, y).iter().enumerate() {
                if let Some(due) = p.due
                    && due > day(y, 9, 1)
                    && due <= day(y, 10, 31)
                    && matches!(o.phases[pi].deadline.when, domain::When::Date { .. })
                {
                    chosen = Some((o, pi, due, head.clone()));
                    break 'search;
                }
            }
        }
        let Some((o, pi, due, head)) = chosen else {
            return Ok(None);
        };
        let moved = due + Days::new(61);
        let request = self
            .ask_change(
                plan,
                &head,
                o.key(),
                &format!("scadenza-{}", o.phases[pi].label),
                &moved.to_string(),
                "La gara è slittata per il ricorso di un concorrente: serve più tempo per \
                 l'aggiudicazione.",
                &Stamp {
                    actor: head.username.to_string(),
                    at: when,
                },
            )
            .await?;
        Ok(Some((request, head)))
    }

    /// In October the Nucleo neutralises a phase that external causes held up.
    async fn demo_neutralisation(
        &self,
        plan: &PlanId,
        cast: &Cast,
        when: DateTime<Utc>,
    ) -> Outcome<()> {
        let (view, _) = self.view(plan, Some(&cast.admin), true).await?;
        let late = view.plan.objectives.iter().find_map(|o| {
            (0..o.phases.len())
                .find(|&pi| matches!(fate(o, pi), Fate::Late(_)))
                .map(|pi| (o, pi))
        });
        let Some((o, pi)) = late else {
            return Ok(());
        };
        self.neutralise(
            plan,
            &cast.evaluator,
            o.key(),
            Some(Part::Phase(pi)),
            Neutralising::Neutralise(
                "Ritardo dovuto al finanziamento regionale arrivato a settembre: causa esterna \
                 all'ufficio.",
            ),
            &Stamp {
                actor: cast.evaluator.username.to_string(),
                at: when,
            },
        )
        .await
    }
}
