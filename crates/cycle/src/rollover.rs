//! Next year from this year: the planning office makes the draft of year N from a plan
//! (`domain::rollover`) and saves it as a new draft plan. One function the page and the
//! command line share, and the preview they show first.

use std::sync::Arc;

use domain::access::Action;
use domain::facts::PlanSummary;
use domain::rollover::{self, Carried, Preview};
use domain::{ObjectiveId, Plan, PlanId, messages};
use store::{Person, Stamp, StoreError};

use crate::{Cycle, Outcome, Refusal};

/// Which objectives the draft keeps.
#[derive(Debug, Clone)]
pub enum Keep {
    /// Those the preview ticks: the multi-year objectives that continue.
    Ticked,
    /// Every objective.
    All,
    /// These.
    These(Vec<ObjectiveId>),
}

/// The draft made: the plan, what was carried, moved and left behind, and, unless it was a
/// trial, the plan as saved.
#[derive(Debug, Clone)]
pub struct Rolled {
    pub plan: Plan,
    pub carried: Carried,
    pub saved: Option<PlanSummary>,
}

impl Cycle {
    /// The plan a new year is made from, for `by` (`None`: the command line, run by whoever
    /// holds the database): read fresh, and only by the planning office of its administration.
    async fn rollover_source(&self, from: &PlanId, by: Option<&Person>) -> Outcome<Arc<Plan>> {
        match by {
            Some(person) => {
                let view = self.for_action(from, person, Action::CreatePlan).await?;
                Ok(Arc::new(view.plan.clone()))
            }
            None => match self.store.plan(from).await {
                Ok(plan) => Ok(Arc::new(plan)),
                Err(StoreError::NotFound(_)) => {
                    Err(Refusal::NotFound(format!("il piano «{from}»")))
                }
                Err(e) => Err(e.into()),
            },
        }
    }

    /// What the draft of `year` would carry of plan `from` (each objective offered, ticked or
    /// not), with the plan it comes from.
    pub async fn rollover_preview(
        &self,
        from: &PlanId,
        by: Option<&Person>,
        year: i32,
    ) -> Outcome<(Arc<Plan>, Preview)> {
        let plan = self.rollover_source(from, by).await?;
        let preview = rollover::preview(&plan, year);
        Ok((plan, preview))
    }

    /// Makes the draft of `year` from plan `from` with the objectives `keep` names and, unless
    /// `trial`, saves it as a new draft plan (audited as made from `from`). Refused when the
    /// administration has a plan for that year already (out of turn), for a year not after
    /// the plan's or an objective it does not have (invalid), and to anyone but the planning
    /// office.
    pub async fn rollover(
        &self,
        from: &PlanId,
        by: Option<&Person>,
        year: i32,
        keep: Keep,
        trial: bool,
        stamp: &Stamp,
    ) -> Outcome<Rolled> {
        let source = self.rollover_source(from, by).await?;
        self.roll(&source, from, year, keep, trial, stamp).await
    }

    /// `rollover` as a form types it: the year and the ids of the objectives ticked, read
    /// once the person is known to be allowed (so that others are refused as such, whatever
    /// they sent).
    pub async fn rollover_typed(
        &self,
        from: &PlanId,
        by: &Person,
        year: &str,
        keep: &[&str],
        stamp: &Stamp,
    ) -> Outcome<Rolled> {
        let source = self.rollover_source(from, Some(by)).await?;
        let year: i32 = year.trim().parse().map_err(|_| {
            Refusal::Invalid("Indicare l'anno del nuovo piano (per esempio 2022).".into())
        })?;
        let keep = keep
            .iter()
            .map(|k| {
                ObjectiveId::parse(*k)
                    .map_err(|_| Refusal::Malformed(format!("Obiettivo non valido: «{k}».")))
            })
            .collect::<Outcome<Vec<_>>>()?;
        self.roll(&source, from, year, Keep::These(keep), false, stamp)
            .await
    }

    async fn roll(
        &self,
        source: &Plan,
        from: &PlanId,
        year: i32,
        keep: Keep,
        trial: bool,
        stamp: &Stamp,
    ) -> Outcome<Rolled> {
        let keep = match keep {
            Keep::Ticked => rollover::ticked(&rollover::preview(source, year)),
            Keep::All => source.objectives.iter().map(|o| o.id.clone()).collect(),
            Keep::These(ids) => ids,
        };
        let (plan, carried) = rollover::make(source, year, &keep)
            .map_err(|e| Refusal::Invalid(messages::rollover_error(&e)))?;
        let id = plan
            .id()
            .map_err(|e| Refusal::Invalid(format!("Identificativo del piano non valido: {e}.")))?;
        let exists = || {
            Refusal::OutOfTurn(format!(
                "Esiste già il piano {} di {} («{id}»): il nuovo piano non è stato creato.",
                plan.year, plan.entity.name
            ))
        };
        match self.store.revision(&id).await {
            Ok(_) => return Err(exists()),
            Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
        if trial {
            return Ok(Rolled {
                plan,
                carried,
                saved: None,
            });
        }
        let details = serde_json::json!({
            "kept": carried.carried.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(),
            "left_behind": carried.left_behind.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(),
            "dates_moved": carried.carried.iter().map(|o| o.moved.len()).sum::<usize>(),
        });
        let saved = match self
            .store
            .save_rollover(&plan, &carried.diagnostics, from, details, stamp)
            .await
        {
            Ok(saved) => saved,
            // Another save of that year got there first.
            Err(StoreError::Conflict(_)) => return Err(exists()),
            Err(e) => return Err(e.into()),
        };
        self.changed(&saved.id).await;
        Ok(Rolled {
            plan,
            carried,
            saved: Some(saved),
        })
    }
}
