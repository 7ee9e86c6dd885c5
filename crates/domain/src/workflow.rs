//! The plan's lifecycle: its states, the acts that move it and who may perform each.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::access::{Actor, Refusal, Role};

named_enum! { serde "snake_case";
    /// Where a plan is in its year. The order is the order of the cycle.
    #[derive(Hash, PartialOrd, Ord, schemars::JsonSchema)]
    pub enum PlanState {
        /// Being written by the planning office and the heads.
        Draft,
        /// Validated by the Nucleo di Valutazione.
        Validated,
        /// Approved by the Giunta with its act.
        Approved,
        /// Running: heads report progress.
        InExecution,
        /// The final measurement is in.
        Measured,
        /// The Nucleo di Valutazione validated the measurement: figures are locked.
        MeasureValidated,
        /// Results are public.
        Published,
    }
}

named_enum! { serde "snake_case";
    /// The kinds of act that move a plan.
    #[derive(Hash, schemars::JsonSchema)]
    pub enum ActKind {
        /// The Nucleo validates the draft.
        Validate,
        /// The Giunta approves the validated plan, with its act's number and date.
        Approve,
        /// The planning office starts the execution.
        Start,
        /// The planning office closes the measurement.
        CloseMeasurement,
        /// The Nucleo validates the measurement.
        ValidateMeasurement,
        /// The planning office publishes the results.
        Publish,
        /// Back one step, with a reason: a validated draft to the drafters, a measurement to the
        /// heads.
        SendBack,
        /// The Giunta reopens validated figures, with its act and a reason.
        Reopen,
    }
}

impl ActKind {
    /// Who may perform it.
    pub fn roles(self) -> &'static [Role] {
        match self {
            ActKind::Validate | ActKind::ValidateMeasurement => &[Role::Evaluator],
            ActKind::Approve | ActKind::Reopen => &[Role::Board],
            ActKind::Start | ActKind::CloseMeasurement | ActKind::Publish => &[Role::Admin],
            ActKind::SendBack => &[Role::Evaluator, Role::Board],
        }
    }

    /// True when it needs the board's act (number and date).
    pub fn needs_board_act(self) -> bool {
        matches!(self, ActKind::Approve | ActKind::Reopen)
    }

    /// True when it needs a reason in words.
    pub fn needs_reason(self) -> bool {
        matches!(self, ActKind::SendBack | ActKind::Reopen)
    }
}

/// Where an act leads from `state`, if it can be performed there at all.
pub fn next(state: PlanState, kind: ActKind) -> Option<PlanState> {
    use PlanState::*;
    match (kind, state) {
        (ActKind::Validate, Draft) => Some(Validated),
        (ActKind::Approve, Validated) => Some(Approved),
        (ActKind::Start, Approved) => Some(InExecution),
        (ActKind::CloseMeasurement, InExecution) => Some(Measured),
        (ActKind::ValidateMeasurement, Measured) => Some(MeasureValidated),
        (ActKind::Publish, MeasureValidated) => Some(Published),
        (ActKind::SendBack, Validated) => Some(Draft),
        (ActKind::SendBack, Measured) => Some(InExecution),
        (ActKind::Reopen, MeasureValidated) => Some(Measured),
        _ => None,
    }
}

/// The Giunta's deliberation that an act rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BoardAct {
    /// The deliberation's number as written (`123`, `123/2021`).
    pub number: String,
    pub date: NaiveDate,
}

/// An act as asked for: its kind, and the reason and board act some kinds need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Act {
    pub kind: ActKind,
    pub reason: Option<String>,
    pub board_act: Option<BoardAct>,
}

/// Why an act's details are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailError {
    Text(crate::limits::TextError),
    Date(crate::limits::DateOutOfRange),
}

/// `act` with its reason and board act as `limits` keeps them (cleaned, within their lengths,
/// the board act dated within the reach of a plan of `year`).
pub fn bounded(act: &Act, year: i32) -> Result<Act, DetailError> {
    use crate::limits::{self, Field};
    let reason = match &act.reason {
        Some(r) => limits::optional(Field::Reason, r).map_err(DetailError::Text)?,
        None => None,
    };
    let board_act = match &act.board_act {
        Some(b) => Some(BoardAct {
            number: limits::clean(Field::BoardActNumber, &b.number).map_err(DetailError::Text)?,
            date: limits::plausible(b.date, year).map_err(DetailError::Date)?,
        }),
        None => None,
    };
    Ok(Act {
        kind: act.kind,
        reason,
        board_act,
    })
}

/// Checks an act by `actor` on a plan in `state`; gives the state it leads to.
pub fn perform(state: PlanState, act: &Act, actor: &Actor) -> Result<PlanState, Refusal> {
    let to = open(state, act.kind, actor)?;
    if act.kind.needs_reason() && act.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(Refusal::ReasonRequired);
    }
    let act_ok = act
        .board_act
        .as_ref()
        .is_some_and(|a| !a.number.trim().is_empty());
    if act.kind.needs_board_act() && !act_ok {
        return Err(Refusal::ActRequired);
    }
    Ok(to)
}

/// Whether `actor` could perform an act of this kind now (before reasons and acts are given).
pub fn open(state: PlanState, kind: ActKind, actor: &Actor) -> Result<PlanState, Refusal> {
    let to = next(state, kind).ok_or(Refusal::State(state))?;
    if kind.roles().iter().any(|r| actor.has(*r)) {
        Ok(to)
    } else {
        Err(Refusal::Role(kind.roles()))
    }
}

/// The acts that can be performed from `state` by someone, each with whether this actor may.
pub fn options(state: PlanState, actor: &Actor) -> Vec<(ActKind, Result<PlanState, Refusal>)> {
    ActKind::ALL
        .iter()
        .copied()
        .filter(|k| next(state, *k).is_some())
        .map(|k| (k, open(state, k, actor)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each name the database, the command line and the pages use (`as_str`, `parse`) is the
    /// one the JSON formats write: the enum's variants, named once.
    fn names_agree<T>(all: &[T])
    where
        T: Copy + Serialize + PartialEq + std::fmt::Debug + Into<&'static str> + std::str::FromStr,
    {
        assert!(!all.is_empty());
        for &v in all {
            let name: &'static str = v.into();
            assert_eq!(
                serde_json::to_value(v).ok(),
                Some(serde_json::Value::from(name))
            );
            assert_eq!(name.parse::<T>().ok(), Some(v), "{name}");
        }
    }

    #[test]
    fn every_state_act_role_and_status_has_one_name() {
        names_agree(PlanState::ALL);
        names_agree(ActKind::ALL);
        names_agree(Role::ALL);
        names_agree(crate::change::RequestState::ALL);
        names_agree(crate::monitoring::ReportStatus::ALL);
        assert_eq!(
            PlanState::parse("in_execution"),
            Some(PlanState::InExecution)
        );
        assert_eq!(ActKind::CloseMeasurement.as_str(), "close_measurement");
        assert_eq!(PlanState::parse("In_Execution"), None);
    }

    fn actor(roles: &[Role]) -> Actor {
        Actor {
            name: "x".into(),
            roles: roles.to_vec(),
            units: vec![],
        }
    }

    fn act(kind: ActKind) -> Act {
        Act {
            kind,
            reason: Some("motivo".into()),
            board_act: Some(BoardAct {
                number: "12".into(),
                date: NaiveDate::from_ymd_opt(2021, 3, 1).unwrap_or_default(),
            }),
        }
    }

    #[test]
    fn the_cycle_runs_from_draft_to_published() {
        let steps = [
            (ActKind::Validate, Role::Evaluator),
            (ActKind::Approve, Role::Board),
            (ActKind::Start, Role::Admin),
            (ActKind::CloseMeasurement, Role::Admin),
            (ActKind::ValidateMeasurement, Role::Evaluator),
            (ActKind::Publish, Role::Admin),
        ];
        let mut state = PlanState::Draft;
        for (kind, role) in steps {
            for other in Role::ALL.iter().copied().filter(|r| *r != role) {
                assert_eq!(
                    perform(state, &act(kind), &actor(&[other])),
                    Err(Refusal::Role(kind.roles())),
                    "{kind:?} by {other:?}"
                );
            }
            let to = perform(state, &act(kind), &actor(&[role])).unwrap();
            assert!(to > state);
            state = to;
        }
        assert_eq!(state, PlanState::Published);
        assert!(options(state, &actor(Role::ALL)).is_empty());
    }

    #[test]
    fn acts_out_of_their_state_are_refused() {
        let everyone = actor(Role::ALL);
        for state in PlanState::ALL.iter().copied() {
            for kind in ActKind::ALL.iter().copied() {
                let result = perform(state, &act(kind), &everyone);
                assert_eq!(result.is_ok(), next(state, kind).is_some());
                if next(state, kind).is_none() {
                    assert_eq!(result, Err(Refusal::State(state)));
                }
            }
        }
    }

    #[test]
    fn sending_back_needs_a_reason_and_approving_an_act() {
        let evaluator = actor(&[Role::Evaluator]);
        let mut bare = act(ActKind::SendBack);
        bare.reason = Some("  ".into());
        assert_eq!(
            perform(PlanState::Validated, &bare, &evaluator),
            Err(Refusal::ReasonRequired)
        );
        let mut approve = act(ActKind::Approve);
        approve.board_act = None;
        assert_eq!(
            perform(PlanState::Validated, &approve, &actor(&[Role::Board])),
            Err(Refusal::ActRequired)
        );
        assert_eq!(
            perform(PlanState::Measured, &act(ActKind::SendBack), &evaluator),
            Ok(PlanState::InExecution)
        );
        assert_eq!(
            perform(
                PlanState::MeasureValidated,
                &act(ActKind::Reopen),
                &actor(&[Role::Board])
            ),
            Ok(PlanState::Measured)
        );
    }
}
