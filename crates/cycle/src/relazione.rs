//! The Relazione sulla Performance of a plan's year (issue 16, point 1): made from the measured
//! plan and the evaluation year (aggregates only), written by the planning office (its
//! introduction, tolerance and the reasons of shortfalls), approved by the Giunta, validated or
//! not by the Nucleo with its checklist, published by the planning office. Every rule is
//! `domain::relazione`'s; here they are applied to what the store keeps, for the person asking.
//! The public reads it once published; before, the planning office, the Nucleo, the Giunta and
//! the auditors of its administration.

use std::sync::Arc;

use chrono::NaiveDate;
use domain::access::{Actor, Role};
use domain::audit::AuditAction;
use domain::evaluation::categories::{self, GenderRow};
use domain::evaluation::sheet::Stage;
use domain::facts::ChangeRequest;
use domain::relazione::{Cause, Criterion, Relazione, Row, State};
use domain::{PlanId, PlanState};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use store::{Evaluation, Person, Stamp};

use crate::{Cycle, Outcome, Refusal, View};

/// Those who read the Relazione before it is published.
const READERS: &[Role] = &[Role::Admin, Role::Evaluator, Role::Board, Role::Auditor];

/// The Relazione of a plan's year as one person may read it.
#[derive(Debug, Clone)]
pub struct Reported {
    pub view: Arc<View>,
    /// None: the public.
    pub actor: Option<Actor>,
    pub relazione: Relazione,
    /// Moves with every write (0: never written).
    pub revision: i64,
    /// Every objective of the plan, measured as of today (the year's end once past).
    pub rows: Vec<Row>,
    /// The evaluations by category (table T5), aggregated.
    pub categories: Vec<categories::Row>,
    /// The staff evaluated and their premia by gender and category (table T7), aggregated.
    pub gender: Vec<GenderRow>,
    /// Appeals filed and decided (table T5's conciliations).
    pub appeals: (usize, usize),
    pub today: NaiveDate,
}

impl Reported {
    fn has(&self, role: Role) -> bool {
        self.actor.as_ref().is_some_and(|a| a.has(role))
    }

    /// The planning office writes it while it is a draft (or was not validated).
    pub fn may_write(&self) -> bool {
        self.has(Role::Admin)
            && matches!(self.relazione.state(), State::Draft | State::NotValidated)
    }

    /// The Giunta approves it once the plan's measurement is in.
    pub fn may_approve(&self) -> bool {
        self.has(Role::Board)
            && self.view.summary.state >= PlanState::Measured
            && matches!(self.relazione.state(), State::Draft | State::NotValidated)
    }

    pub fn may_validate(&self) -> bool {
        self.has(Role::Evaluator) && self.relazione.state() == State::Approved
    }

    pub fn may_publish(&self) -> bool {
        self.has(Role::Admin) && self.relazione.state() == State::Validated
    }

    /// The changes approved during the year, with their acts.
    pub fn changes(&self) -> Vec<&ChangeRequest> {
        self.view
            .requests
            .iter()
            .filter(|r| r.decision.is_some() && r.version.is_some())
            .collect()
    }

    /// Whether it is late today (past 30 June of the next year, not validated).
    pub fn late(&self) -> bool {
        self.relazione.late(self.view.plan.year, self.today)
    }
}

/// The people rated in `evaluation` (score in force, stage valutata or later) as table T5
/// counts them: `threshold` for a negative score, `top` for the top band.
pub fn rated(
    evaluation: &Evaluation,
    today: NaiveDate,
    threshold: Decimal,
    top: Decimal,
) -> Vec<categories::Evaluated> {
    let p = evaluation.year.procedure();
    evaluation
        .sheets
        .iter()
        .filter(|(s, _)| s.stage_on(today, &p) >= Stage::Valutata)
        .filter_map(|(s, _)| {
            let v = s.current()?;
            Some(categories::Evaluated {
                cluster: s.cluster.clone(),
                score: v.score,
                negative: v.score < threshold,
                top: v.score >= top,
            })
        })
        .collect()
}

/// The staff evaluated with their premia once the pool is shared, as table T7 counts them.
pub fn gendered(evaluation: &Evaluation) -> Vec<categories::Gendered> {
    let paid = |matricola: &str| -> Option<i64> {
        let shared = evaluation.year.shared.as_ref()?;
        Some(
            shared
                .budgets
                .iter()
                .flat_map(|b| b.result["payouts"].as_array().cloned().unwrap_or_default())
                .filter(|p| p["id"].as_str() == Some(matricola))
                .filter_map(|p| p["paid_cents"].as_i64())
                .sum(),
        )
    };
    evaluation
        .staff
        .iter()
        .filter(|m| {
            evaluation
                .sheets
                .iter()
                .any(|(s, _)| s.matricola == m.matricola)
        })
        .map(|m| categories::Gendered {
            cluster: m.cluster.clone(),
            gender: m.gender,
            paid_cents: paid(&m.matricola),
        })
        .collect()
}

/// A step of the Relazione, as a person asks for it.
#[derive(Debug, Clone)]
pub enum RelazioneStep {
    /// The planning office writes the introduction and the tolerance.
    Write {
        introduction: String,
        tolerance: Decimal,
    },
    /// The planning office explains an objective's shortfall (an empty text takes it out).
    Explain {
        objective: String,
        text: String,
        cause: Cause,
    },
    /// The Giunta approves it with its act.
    Approve { act: String },
    /// The Nucleo's validation (or not) with its checklist and act.
    Validate {
        criteria: Vec<Criterion>,
        validated: bool,
        summary: String,
        act: String,
    },
    /// The planning office publishes it.
    Publish,
}

impl Cycle {
    /// The Relazione of plan `id` for `person` (`None`: the public, once it is published).
    /// Whether the Relazione of `view`'s plan is late today (the home page's warning): the
    /// plan has run, 30 June of the next year is past and it is not validated. The store is
    /// asked only once the day is past.
    pub async fn relazione_late(&self, view: &View) -> Outcome<bool> {
        let today = self.today();
        if view.summary.state < PlanState::InExecution
            || domain::relazione::due(view.plan.year).is_none_or(|d| today <= d)
        {
            return Ok(false);
        }
        let (relazione, _) = self.store.relazione(view.id()).await?;
        Ok(relazione.late(view.plan.year, today))
    }

    pub async fn relazione(&self, id: &PlanId, person: Option<&Person>) -> Outcome<Reported> {
        let (view, actor) = self.view(id, person, person.is_some()).await?;
        let r = self.reported(view, actor).await?;
        let reader = r
            .actor
            .as_ref()
            .is_some_and(|a| READERS.iter().any(|role| a.has(*role)));
        if !reader && r.relazione.state() != State::Published {
            return Err(Refusal::NotFound(format!(
                "la Relazione sulla performance del piano «{id}»"
            )));
        }
        Ok(r)
    }

    /// The Relazione of `view`'s plan as `actor` would read it, whoever may: the caller has
    /// decided they may.
    pub(crate) async fn reported(
        &self,
        view: Arc<View>,
        actor: Option<Actor>,
    ) -> Outcome<Reported> {
        let id = view.id().clone();
        let (relazione, revision) = self.store.relazione(&id).await?;
        let today = self.today();
        let scores = view.scores(view.situation_day(today));
        let rows =
            domain::relazione::rows(&view.plan, &view.settings, &scores, relazione.tolerance);
        let evaluation = self.store.evaluation(&id).await?;
        let threshold = evaluation
            .year
            .smvp
            .as_ref()
            .and_then(|a| a.rules().ok())
            .map_or(Decimal::from(60), |s| s.threshold);
        let top = domain::evaluation::differentiation::default_bands()
            .last()
            .map(|b| b.from)
            .unwrap_or_default();
        let people = rated(&evaluation, today, threshold, top);
        let appeals = evaluation
            .sheets
            .iter()
            .filter(|(s, _)| s.appeal.is_some())
            .fold((0, 0), |(filed, decided), (s, _)| {
                (filed + 1, decided + usize::from(s.decision.is_some()))
            });
        Ok(Reported {
            categories: categories::by_category(&people),
            gender: categories::by_gender(&gendered(&evaluation)),
            appeals,
            view,
            actor,
            relazione,
            revision,
            rows,
            today,
        })
    }

    /// A step of the Relazione by `person`, from the revision `seen` they read.
    pub async fn relazione_step(
        &self,
        id: &PlanId,
        person: &Person,
        seen: i64,
        step: RelazioneStep,
        stamp: &Stamp,
    ) -> Outcome<()> {
        let mut r = self.relazione(id, Some(person)).await?;
        r.today = self.day_of(stamp);
        if r.actor.is_none() {
            return Err(Refusal::Denied(domain::Refusal::OtherAdministration));
        }
        if seen != r.revision {
            return Err(Refusal::OutOfTurn(
                "Nel frattempo la Relazione è cambiata: ricaricare la pagina.".into(),
            ));
        }
        let denied = |roles: &'static [Role]| Refusal::Denied(domain::Refusal::Role(roles));
        let invalid = Refusal::Invalid;
        let day = r.today;
        let (next, action, after) = match step {
            RelazioneStep::Write {
                introduction,
                tolerance,
            } => {
                if !r.has(Role::Admin) {
                    return Err(denied(&[Role::Admin]));
                }
                let next = r
                    .relazione
                    .write(&introduction, tolerance)
                    .map_err(invalid)?;
                let after = json!({ "tolleranza": domain::numbers::json(tolerance) });
                (next, AuditAction::RelazioneEdit, after)
            }
            RelazioneStep::Explain {
                objective,
                text,
                cause,
            } => {
                if !r.has(Role::Admin) {
                    return Err(denied(&[Role::Admin]));
                }
                if !r.rows.iter().any(|x| x.id == objective) {
                    return Err(Refusal::NotFound(format!("l'obiettivo «{objective}»")));
                }
                let next = r
                    .relazione
                    .explain(&objective, &text, cause)
                    .map_err(invalid)?;
                let after = json!({ "obiettivo": objective, "motivazione": text.trim(), "causa": cause.name() });
                (next, AuditAction::RelazioneEdit, after)
            }
            RelazioneStep::Approve { act } => {
                if !r.has(Role::Board) {
                    return Err(denied(&[Role::Board]));
                }
                if r.view.summary.state < PlanState::Measured {
                    return Err(Refusal::OutOfTurn(
                        "La Relazione va in Giunta dopo la misurazione finale del piano.".into(),
                    ));
                }
                let next = r.relazione.approve(&r.rows, &act, day).map_err(invalid)?;
                (
                    next,
                    AuditAction::RelazioneApprove,
                    json!({ "atto": act.trim(), "data": day }),
                )
            }
            RelazioneStep::Validate {
                criteria,
                validated,
                summary,
                act,
            } => {
                if !r.has(Role::Evaluator) {
                    return Err(denied(&[Role::Evaluator]));
                }
                let answers: Value = criteria
                    .iter()
                    .map(|c| (c.key.clone(), json!(c.answer.as_str())))
                    .collect::<serde_json::Map<_, _>>()
                    .into();
                let next = r
                    .relazione
                    .validate(criteria, validated, &summary, &act, day)
                    .map_err(invalid)?;
                (
                    next,
                    AuditAction::RelazioneValidate,
                    json!({ "validata": validated, "atto": act.trim(), "criteri": answers }),
                )
            }
            RelazioneStep::Publish => {
                if !r.has(Role::Admin) {
                    return Err(denied(&[Role::Admin]));
                }
                let next = r.relazione.publish(day).map_err(invalid)?;
                (next, AuditAction::RelazionePublish, json!({ "data": day }))
            }
        };
        self.store
            .write_relazione(id, &next, r.revision, (action, after), stamp)
            .await?;
        self.changed(id).await;
        Ok(())
    }
}
