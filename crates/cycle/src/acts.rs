//! The plan's acts: the Nucleo validates, the Giunta approves with its deliberation, the
//! planning office starts and closes the measurement, and so on along `domain::workflow`.

use domain::messages;
use domain::workflow::{self, Act, ActKind, BoardAct};
use domain::{PlanId, PlanState};
use store::{Person, Stamp};

use crate::{Cycle, Outcome, Refusal};

/// An act asked for: its kind, reason and board act, and the state the person saw the plan
/// in (another state is out of turn).
#[derive(Debug, Clone)]
pub struct ActRequest {
    pub kind: ActKind,
    pub reason: Option<String>,
    pub board_act: Option<BoardAct>,
    pub from: Option<PlanState>,
}

impl ActRequest {
    /// An act as a form types it: the kind's code, the reason, the deliberation's number and
    /// date (both empty: none).
    pub fn typed(kind: &str, reason: &str, number: &str, date: &str, from: &str) -> Outcome<Self> {
        let kind = ActKind::parse(kind)
            .ok_or_else(|| Refusal::Invalid(format!("Atto sconosciuto: «{kind}».")))?;
        let board_act = if number.trim().is_empty() && date.trim().is_empty() {
            None
        } else {
            let date = domain::limits::parse_date(date).ok_or_else(|| {
                Refusal::Invalid("La data della deliberazione non è valida (AAAA-MM-GG).".into())
            })?;
            Some(BoardAct {
                number: number.trim().to_string(),
                date,
            })
        };
        // The state the form was made in: one this version does not know is not the plan's.
        let from = match from.trim() {
            "" => None,
            f => Some(PlanState::parse(f).ok_or_else(|| {
                Refusal::OutOfTurn(
                    "Il modulo non viene da questo piano: ricaricare la pagina.".into(),
                )
            })?),
        };
        Ok(ActRequest {
            kind,
            reason: Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
            board_act,
            from,
        })
    }
}

impl Cycle {
    /// Performs an act on plan `plan` as `person`: whose act it is comes first, then whether
    /// the plan is where the person saw it. Returns the plan's new state.
    pub async fn perform_act(
        &self,
        plan: &PlanId,
        person: &Person,
        request: ActRequest,
        stamp: &Stamp,
    ) -> Outcome<PlanState> {
        let (v, actor) = self.for_write(plan, person).await?;
        let current = v.summary.state;
        let act = Act {
            kind: request.kind,
            reason: request.reason.filter(|r| !r.trim().is_empty()),
            board_act: request.board_act,
        };
        // Whose act it is comes first; then its details, within their limits (and, once
        // cleaned, still there where the act needs them).
        workflow::perform(current, &act, &actor)?;
        let act = workflow::bounded(&act, v.plan.year)
            .map_err(|e| Refusal::Invalid(messages::act_detail_error(&e)))?;
        let to = workflow::perform(current, &act, &actor)?;
        if request.from.is_some_and(|f| f != current) {
            return Err(Refusal::OutOfTurn(format!(
                "Nel frattempo il piano è {}: ricaricare la pagina.",
                messages::plan_state(current)
            )));
        }
        // A plan with errors does not reach the Nucleo's validation: the drafters mend it first.
        if act.kind == ActKind::Validate {
            let errors = domain::Tally::of(&domain::validate(&v.plan)).errors;
            if errors > 0 {
                return Err(Refusal::Invalid(messages::plan_has_errors(errors)));
            }
        }
        let details = serde_json::json!({ "reason": act.reason, "board_act": act.board_act });
        self.store
            .record_act(v.id(), act.kind, current, to, details, stamp)
            .await?;
        self.changed(v.id()).await;
        Ok(to)
    }
}
