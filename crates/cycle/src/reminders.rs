//! Monitoring reminders: for each plan that runs and its open round, when a reminder is due
//! (before the round's date, or after it while the round stays open), the people who answer
//! for a unit the round still waits for, with what it waits for; each reminder goes once.

use std::sync::Arc;

use chrono::NaiveDate;
use domain::facts::Round;
use domain::monitoring::{Pending, Reminder};
use domain::{PlanId, PlanState};
use store::{Person, Stamp, StoreError};

use crate::{Cycle, Outcome, Refusal, View};

/// A reminder due to a person, not sent before.
#[derive(Debug, Clone)]
pub struct DueReminder {
    pub plan: Arc<View>,
    pub round: Round,
    pub kind: Reminder,
    pub person: Person,
    /// The units of theirs the round waits for, with how many phases and indicators.
    pub pending: Vec<Pending>,
}

impl Cycle {
    /// The reminders due on `today` (`before`: how many days before a round's date the first
    /// goes), for plan `plan` or every plan, leaving out those sent already.
    pub async fn reminders_due(
        &self,
        plan: Option<&PlanId>,
        today: NaiveDate,
        before: u32,
    ) -> Outcome<Vec<DueReminder>> {
        let plans = self.store.plans().await?;
        if let Some(id) = plan
            && !plans.iter().any(|p| &p.id == id)
        {
            return Err(Refusal::NotFound(format!("il piano «{id}»")));
        }
        let people = self.store.people().await?;
        let mut out = Vec::new();
        for summary in plans
            .iter()
            .filter(|p| plan.is_none_or(|id| &p.id == id))
            // Once measured, only the planning office corrects: units are not asked to report.
            .filter(|p| p.state == PlanState::InExecution)
        {
            let view = self.plans.get(&summary.id, true).await?;
            let Some(round) = view.monitoring.open_round().cloned() else {
                continue;
            };
            let Some(kind) = Reminder::due(round.as_of, today, before) else {
                continue;
            };
            let pending = view.pending(round.id);
            for person in people.iter().filter(|p| !p.disabled) {
                let Some(actor) = crate::actor(person, &view) else {
                    continue;
                };
                let mine: Vec<Pending> = pending
                    .iter()
                    .filter(|p| {
                        let unit = &view.plan.units[p.unit].id;
                        actor
                            .units
                            .iter()
                            .any(|g| &g.unit == unit && g.covers(Some(today)))
                    })
                    .cloned()
                    .collect();
                if mine.is_empty()
                    || self
                        .store
                        .reminder_sent(round.id, person.id, kind.as_str())
                        .await?
                {
                    continue;
                }
                out.push(DueReminder {
                    plan: view.clone(),
                    round: round.clone(),
                    kind,
                    person: person.clone(),
                    pending: mine,
                });
            }
        }
        Ok(out)
    }

    /// Records that reminder `r` went: once (another run that sent it meanwhile is fine).
    pub async fn reminder_sent(&self, r: &DueReminder, stamp: &Stamp) -> Outcome<()> {
        match self
            .store
            .record_reminder(
                r.plan.id(),
                r.round.id,
                r.person.id,
                r.person.username.as_str(),
                r.kind.as_str(),
                stamp,
            )
            .await
        {
            Ok(()) | Err(StoreError::Conflict(_)) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
