//! Editing a phase: what the plan's state lets a person change (its plan while drafting, its
//! progress while running), and the fields a save asks for, each within its limits.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::facts::PhaseFields;
use crate::limits::{self, DateOutOfRange, Field, TextError};
use crate::monitoring::ReportStatus;
use crate::{Percent, PlanState};

named_enum! { "snake_case";
    /// What a person may change on a phase in the plan's state.
    pub enum Mode {
        /// Description and weight (a draft).
        Plan,
        /// Completion date, note and status (a plan running or measured).
        Progress,
    }
}

impl Mode {
    /// Which kind of edit the plan's state calls for, if any.
    pub fn of(state: PlanState) -> Option<Mode> {
        match state {
            PlanState::Draft => Some(Mode::Plan),
            PlanState::InExecution
            | PlanState::Measured
            | PlanState::MeasureValidated
            | PlanState::Published => Some(Mode::Progress),
            PlanState::Validated | PlanState::Approved => None,
        }
    }
}

/// What a form or an API call asks to change on a phase (absent fields stay as they are).
#[derive(Debug, Clone, Copy, Default)]
pub struct Wish<'a> {
    pub description: Option<&'a str>,
    pub weight_pct: Option<&'a str>,
    pub completed_on: Option<&'a str>,
    pub note: Option<&'a str>,
    pub status: Option<&'a str>,
}

/// Why the fields a save asks for are not acceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// The wish touches fields of the other mode (progress while drafting, or the reverse).
    OtherMode(Mode, PlanState),
    Text(TextError),
    Weight,
    Date(DateError),
    Status,
    DoneWithoutDate,
    DateNotDone,
}

/// A date typed for a plan: unreadable, or out of the plan's reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    Unreadable,
    OutOfRange(DateOutOfRange),
}

/// A date typed for a plan of `year`: readable (`AAAA-MM-GG`) and within the plan's reach.
pub fn plan_date(text: &str, year: i32) -> Result<NaiveDate, DateError> {
    let date = limits::parse_date(text).ok_or(DateError::Unreadable)?;
    limits::plausible(date, year).map_err(DateError::OutOfRange)
}

/// The fields a save asks for: the current ones, with those of `mode` replaced by the wish's,
/// each within its limits (`limits`: the text's length, the date's range for a plan of
/// `year`).
pub fn wished(
    current: &PhaseFields,
    state: PlanState,
    year: i32,
    mode: Mode,
    wish: Wish<'_>,
) -> Result<PhaseFields, EditError> {
    let mut out = current.clone();
    let other_mode = match mode {
        Mode::Plan => wish.completed_on.is_some() || wish.note.is_some() || wish.status.is_some(),
        Mode::Progress => wish.description.is_some() || wish.weight_pct.is_some(),
    };
    if other_mode {
        return Err(EditError::OtherMode(mode, state));
    }
    match mode {
        Mode::Plan => {
            if let Some(d) = wish.description {
                out.description =
                    limits::required(Field::PhaseDescription, d).map_err(EditError::Text)?;
            }
            if let Some(w) = wish.weight_pct {
                out.weight_pct = match w.trim() {
                    "" => None,
                    w => Some(
                        w.replace(',', ".")
                            .parse::<Decimal>()
                            .ok()
                            .and_then(|d| Percent::new(d).ok())
                            .ok_or(EditError::Weight)?,
                    ),
                };
            }
        }
        Mode::Progress => {
            if let Some(c) = wish.completed_on {
                out.completed_on = match c.trim() {
                    "" => None,
                    c => Some(plan_date(c, year).map_err(EditError::Date)?),
                };
            }
            if let Some(n) = wish.note {
                out.note = limits::optional(Field::PhaseNote, n).map_err(EditError::Text)?;
            }
            out.status = reported_status(current, &out, wish.status)?;
        }
    }
    Ok(out)
}

/// The status a report gives a phase: as chosen, consistent with the completion date; when
/// not chosen, done with a date, and no longer done without one.
fn reported_status(
    current: &PhaseFields,
    wished: &PhaseFields,
    status: Option<&str>,
) -> Result<Option<ReportStatus>, EditError> {
    let chosen = match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(ReportStatus::parse(s).ok_or(EditError::Status)?),
    };
    match (chosen, wished.completed_on) {
        (Some(ReportStatus::Done), None) => Err(EditError::DoneWithoutDate),
        (Some(s), Some(_)) if s != ReportStatus::Done => Err(EditError::DateNotDone),
        (Some(s), _) => Ok(Some(s)),
        (None, Some(_)) => Ok(Some(ReportStatus::Done)),
        (None, None) => Ok(match current.status {
            Some(ReportStatus::Done) => Some(ReportStatus::InProgress),
            other => other,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> PhaseFields {
        PhaseFields {
            description: "Gara".into(),
            weight_pct: None,
            completed_on: None,
            note: None,
            status: None,
        }
    }

    #[test]
    fn each_state_allows_its_own_fields() {
        let running = PlanState::InExecution;
        let wish = Wish {
            description: Some("Altro"),
            ..Wish::default()
        };
        assert_eq!(
            wished(&fields(), running, 2021, Mode::Progress, wish),
            Err(EditError::OtherMode(Mode::Progress, running))
        );
        let done = Wish {
            completed_on: Some("2021-06-30"),
            ..Wish::default()
        };
        let out = wished(&fields(), running, 2021, Mode::Progress, done).unwrap();
        assert_eq!(out.status, Some(ReportStatus::Done));
        let far = Wish {
            completed_on: Some("2099-06-30"),
            ..Wish::default()
        };
        assert!(matches!(
            wished(&fields(), running, 2021, Mode::Progress, far),
            Err(EditError::Date(DateError::OutOfRange(_)))
        ));
        let weight = Wish {
            weight_pct: Some("12,5"),
            ..Wish::default()
        };
        let out = wished(&fields(), PlanState::Draft, 2021, Mode::Plan, weight).unwrap();
        assert_eq!(out.weight_pct.map(|w| w.to_string()), Some("12.5".into()));
        assert_eq!(Mode::of(PlanState::Approved), None);
    }
}
