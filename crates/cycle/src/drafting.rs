//! Writing a draft in the browser: one use case for every edit (`domain::drafting::Edit`), by
//! the planning office (the structure) or a unit's head (their own unit's cards), on the
//! version the person saw; audited with what changed, before and after.

use std::sync::Arc;

use domain::access::Action;
use domain::drafting::{self, Edit};
use domain::{Diagnostic, PlanId, PlanState};
use store::{Person, Stamp, StoreError};

use crate::view::View;
use crate::{Cycle, Outcome, Refusal};

/// What a saved edit gave: the new revision and what the plan's rules now say of it.
#[derive(Debug, Clone)]
pub struct Drafted {
    pub revision: i64,
    pub findings: Vec<Diagnostic>,
}

/// An edit refused because the plan changed since the person's version: the plan as it is now,
/// for the page to show beside what the person wrote.
#[derive(Debug, Clone)]
pub struct Stale {
    pub current: Arc<View>,
}

/// The outcome of an edit: saved, or made on an older version.
#[derive(Debug, Clone)]
pub enum DraftOutcome {
    Saved(Drafted),
    Stale(Stale),
}

/// What an edit may need: the whole structure is the planning office's; a card's fields its
/// unit's head's too (the card staying in their units).
fn action_of<'a>(edit: &'a Edit, plan: &'a domain::Plan) -> Vec<Action<'a>> {
    match edit {
        Edit::Objective {
            at: Some(at),
            objective,
        } => {
            let mut actions = vec![Action::EditCard {
                unit: &objective.unit,
                day: None,
            }];
            if let Some(old) = plan.objectives.iter().find(|o| &o.id == at) {
                actions.push(Action::EditCard {
                    unit: &old.unit,
                    day: None,
                });
            }
            actions
        }
        _ => vec![Action::EditPlan],
    }
}

/// What the audit entry keeps of an edit: its kind, what it names, and the item before and
/// after.
fn change(edit: &Edit, plan: &domain::Plan) -> serde_json::Value {
    use serde_json::json;
    let unit = |id: &domain::UnitId| plan.unit(id).map(|u| json!(u));
    let card = |id: &domain::ObjectiveId| {
        plan.objectives
            .iter()
            .find(|o| &o.id == id)
            .map(|o| json!(o))
    };
    match edit {
        Edit::Header {
            title,
            period,
            code,
        } => json!({
            "edit": "header",
            "before": {"title": plan.title, "period": plan.period, "code": plan.entity.code},
            "after": {"title": title, "period": period, "code": code},
        }),
        Edit::Strategy(lines) => {
            json!({"edit": "strategy", "before": plan.strategy, "after": lines})
        }
        Edit::Responsibles(rows) => {
            json!({"edit": "responsibles", "before": plan.responsibles, "after": rows})
        }
        Edit::Unit { at, unit: new } => json!({
            "edit": "unit", "id": at.as_ref().unwrap_or(&new.id),
            "before": at.as_ref().and_then(unit), "after": new,
        }),
        Edit::RemoveUnit(id) => json!({"edit": "unit.remove", "id": id, "before": unit(id)}),
        Edit::MoveUnit { unit: id, up } => json!({"edit": "unit.move", "id": id, "up": up}),
        Edit::Objective { at, objective } => json!({
            "edit": "objective", "id": at.as_ref().unwrap_or(&objective.id),
            "before": at.as_ref().and_then(card), "after": objective,
        }),
        Edit::RemoveObjective(id) => {
            json!({"edit": "objective.remove", "id": id, "before": card(id)})
        }
        Edit::MoveObjective { objective, up } => {
            json!({"edit": "objective.move", "id": objective, "up": up})
        }
        Edit::Piao(piao) => json!({"edit": "piao", "before": plan.piao, "after": piao}),
    }
}

impl Cycle {
    /// Applies `edit` to draft `id` as `person`, on `revision`, the version they saw. A plan no
    /// longer a draft is out of turn; one changed meanwhile gives `Stale` with the plan as it
    /// is; an edit the plan cannot hold (a code taken, a card of a unit not there) is invalid.
    /// The plan's rules do not stop a save: they are what the draft still lacks, returned to
    /// be shown, and they stop its validation.
    pub async fn edit_draft(
        &self,
        id: &PlanId,
        person: &Person,
        revision: i64,
        edit: &Edit,
        stamp: &Stamp,
    ) -> Outcome<DraftOutcome> {
        let (view, actor) = self.for_write(id, person).await?;
        let state = view.summary.state;
        if view.day.is_some() {
            return Err(domain::Refusal::PastDay.into());
        }
        for action in action_of(edit, &view.plan) {
            domain::access::decide(Some(&actor), action, state)?;
        }
        if view.summary.revision != revision {
            return Ok(DraftOutcome::Stale(Stale { current: view }));
        }
        let next =
            drafting::apply(&view.plan, edit).map_err(|e| Refusal::Invalid(e.to_string()))?;
        // The measurement system names objectives and indicators: it must still find them.
        if let Some(json) = &view.monitoring.scoring
            && let Err(e) = domain::scoring::engine::Settings::parse(json, &next)
        {
            return Err(Refusal::Invalid(format!(
                "Con questa modifica le regole di misurazione del piano non troverebbero più ciò \
                 a cui si riferiscono ({}): aggiornarle prima nella pagina dei punteggi.",
                domain::messages::settings_error(&e)
            )));
        }
        let saved = self
            .store
            .edit_draft(id, &next, revision, change(edit, &view.plan), stamp)
            .await;
        self.changed(id).await;
        match saved {
            Ok(summary) => Ok(DraftOutcome::Saved(Drafted {
                revision: summary.revision,
                findings: domain::validate(&next),
            })),
            Err(StoreError::Conflict(_)) => {
                let (current, _) = self.view(id, Some(person), true).await?;
                if current.summary.state != PlanState::Draft {
                    return Err(domain::Refusal::State(current.summary.state).into());
                }
                Ok(DraftOutcome::Stale(Stale { current }))
            }
            Err(e) => Err(e.into()),
        }
    }
}

impl View {
    /// May `actor` (`None`: the public) edit this draft — its structure (`unit` none) or the
    /// cards of `unit`?
    pub fn may_draft(
        &self,
        actor: Option<&domain::Actor>,
        unit: Option<&domain::UnitId>,
    ) -> Result<(), domain::Refusal> {
        if self.day.is_some() {
            return Err(domain::Refusal::PastDay);
        }
        let action = match unit {
            Some(unit) => Action::EditCard { unit, day: None },
            None => Action::EditPlan,
        };
        domain::access::decide(actor, action, self.summary.state)
    }

    /// The units whose cards `actor` may edit in this draft (every unit for the planning
    /// office).
    pub fn draftable_units(&self, actor: Option<&domain::Actor>) -> Vec<&domain::UnitId> {
        self.plan
            .units
            .iter()
            .map(|u| &u.id)
            .filter(|u| self.may_draft(actor, Some(u)).is_ok())
            .collect()
    }
}
