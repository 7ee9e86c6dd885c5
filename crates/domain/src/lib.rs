//! Pegaso's domain core: the plan model (`pegaso.plan/1`), its validation and the rules of the
//! performance cycle. Pure functions over plain data: no I/O, no async, no clock.

#[macro_use]
mod names;

pub mod access;
pub mod audit;
pub mod change;
pub mod deadline;
pub mod diagnostic;
pub mod drafting;
pub mod evaluation;
pub mod facts;
pub mod limits;
pub mod messages;
pub mod monitoring;
pub mod numbers;
pub mod phase_edit;
pub mod piao;
pub mod plan;
pub mod relazione;
pub mod rewards;
pub mod rollover;
pub mod schedule;
pub mod schema;
pub mod scoring;
pub mod signin;
pub mod validate;
pub mod values;
pub mod workflow;

pub use access::{Action, Actor, Refusal, Role, UnitGrant, UnitRole};
pub use deadline::{Anchor, Deadline, Offset, Relative, When};
pub use diagnostic::{Code, Diagnostic, Location, Severity, Tally};
pub use plan::{
    Axis, Entity, EntityKind, Head, Objective, Period, Phase, Plan, Responsible, StrategyLine,
    SurveyResult, Unit, UnitKind,
};
pub use validate::validate;
pub use values::{
    Email, Format, ObjectiveId, ObjectiveLabel, Percent, PhaseLabel, PlanId, Position, UnitId,
    Username, ValueError,
};
pub use workflow::{Act, ActKind, BoardAct, PlanState};
