//! Change requests to an approved plan: a head proposes to move a phase's deadline or change
//! its weight, the objective's target (its expected result) or an indicator, with a reason;
//! the Nucleo gives its opinion; the Giunta approves or rejects with its act. `apply` makes
//! the plan of the next version, and `diff` says what changed between two versions.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::deadline::{Deadline, When};
use crate::plan::{Objective, Plan};
use crate::values::{ObjectiveId, Percent};

/// What a request proposes, on one objective (positions from 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Proposal {
    /// Phase `phase` is due by `date`.
    Deadline { phase: usize, date: NaiveDate },
    /// Phase `phase` weighs `weight` (none: the card leaves it empty).
    Weight {
        phase: usize,
        weight: Option<Percent>,
    },
    /// The objective's expected result (its target) reads `text`.
    Target { text: String },
    /// Indicator `position` reads `text`.
    Indicator { position: usize, text: String },
}

named_enum! { serde "snake_case";
    /// Where a request is.
    pub enum RequestState {
        /// Waiting for the Nucleo's opinion.
        Requested,
        /// The Nucleo gave its opinion; waiting for the Giunta.
        Opined,
        Approved,
        Rejected,
    }
}

/// Why a proposal does not fit its objective.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    #[error("no such objective")]
    NoObjective,
    #[error("the objective has no phase {0}")]
    NoPhase(usize),
    #[error("the objective has no indicator {0}")]
    NoIndicator(usize),
    #[error("the new text is empty")]
    Empty,
    #[error("the proposal changes nothing")]
    Unchanged,
    #[error("the date is outside the plan's period")]
    OutsidePeriod,
}

/// The plan with `proposal` applied to objective `objective`.
pub fn apply(plan: &Plan, objective: usize, proposal: &Proposal) -> Result<Plan, ChangeError> {
    let mut next = plan.clone();
    let o = next
        .objectives
        .get_mut(objective)
        .ok_or(ChangeError::NoObjective)?;
    let changed = match proposal {
        Proposal::Deadline { phase, date } => {
            use chrono::Datelike;
            if !plan.period.contains(date.year()) {
                return Err(ChangeError::OutsidePeriod);
            }
            let p = o
                .phases
                .get_mut(*phase)
                .ok_or(ChangeError::NoPhase(*phase))?;
            let new = Deadline {
                when: When::Date { date: *date },
                tentative: false,
            };
            let changed = p.deadline != new;
            p.deadline = new;
            p.deadline_text = crate::messages::date(*date);
            changed
        }
        Proposal::Weight { phase, weight } => {
            let p = o
                .phases
                .get_mut(*phase)
                .ok_or(ChangeError::NoPhase(*phase))?;
            let changed = p.weight_pct != *weight;
            p.weight_pct = *weight;
            changed
        }
        Proposal::Target { text } => {
            let text = text.trim();
            if text.is_empty() {
                return Err(ChangeError::Empty);
            }
            let changed = o.expected_result.as_deref() != Some(text);
            o.expected_result = Some(text.to_owned());
            changed
        }
        Proposal::Indicator { position, text } => {
            let text = text.trim();
            if text.is_empty() {
                return Err(ChangeError::Empty);
            }
            let i = o
                .indicators
                .get_mut(*position)
                .ok_or(ChangeError::NoIndicator(*position))?;
            let changed = i != text;
            text.clone_into(i);
            changed
        }
    };
    if changed {
        Ok(next)
    } else {
        Err(ChangeError::Unchanged)
    }
}

/// What a difference is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Title,
    Target,
    Indicator(usize),
    PhaseDescription(usize),
    PhaseWeight(usize),
    PhaseDeadline(usize),
    FinalDeadline,
    Objective,
}

/// What a field holds on one side of a difference: the plan's own value, put into words only
/// where people read it (`messages::change_value`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// A title, a target, an indicator, a phase's description.
    Text(String),
    Weight(Percent),
    Deadline(Deadline),
}

/// One difference between two versions of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub objective: ObjectiveId,
    pub field: Field,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The differences between two versions of a plan, objective by objective (by id), in the
/// order of the newer version.
pub fn diff(old: &Plan, new: &Plan) -> Vec<Difference> {
    let mut out = Vec::new();
    let whole = |o: &Objective| Some(Value::Text(o.title.clone()));
    for n in &new.objectives {
        match old.objectives.iter().find(|o| o.id == n.id) {
            Some(o) => objective_diff(o, n, &mut out),
            None => out.push(Difference {
                objective: n.id.clone(),
                field: Field::Objective,
                before: None,
                after: whole(n),
            }),
        }
    }
    for o in &old.objectives {
        if !new.objectives.iter().any(|n| n.id == o.id) {
            out.push(Difference {
                objective: o.id.clone(),
                field: Field::Objective,
                before: whole(o),
                after: None,
            });
        }
    }
    out
}

/// The differences between two versions of one objective.
pub fn diff_objective(old: &Objective, new: &Objective) -> Vec<Difference> {
    let mut out = Vec::new();
    objective_diff(old, new, &mut out);
    out
}

fn objective_diff(o: &Objective, n: &Objective, out: &mut Vec<Difference>) {
    let mut push = |field: Field, before: Option<Value>, after: Option<Value>| {
        if before != after {
            out.push(Difference {
                objective: n.id.clone(),
                field,
                before,
                after,
            });
        }
    };
    let text = |t: &String| Value::Text(t.clone());
    let deadline = |d: &Deadline| Value::Deadline(d.clone());
    push(Field::Title, Some(text(&o.title)), Some(text(&n.title)));
    push(
        Field::Target,
        o.expected_result.as_ref().map(text),
        n.expected_result.as_ref().map(text),
    );
    push(
        Field::FinalDeadline,
        Some(deadline(&o.final_deadline)),
        Some(deadline(&n.final_deadline)),
    );
    for i in 0..o.indicators.len().max(n.indicators.len()) {
        push(
            Field::Indicator(i),
            o.indicators.get(i).map(text),
            n.indicators.get(i).map(text),
        );
    }
    for i in 0..o.phases.len().max(n.phases.len()) {
        let (a, b) = (o.phases.get(i), n.phases.get(i));
        push(
            Field::PhaseDescription(i),
            a.map(|p| text(&p.description)),
            b.map(|p| text(&p.description)),
        );
        push(
            Field::PhaseWeight(i),
            a.and_then(|p| p.weight_pct).map(Value::Weight),
            b.and_then(|p| p.weight_pct).map(Value::Weight),
        );
        push(
            Field::PhaseDeadline(i),
            a.map(|p| deadline(&p.deadline)),
            b.map(|p| deadline(&p.deadline)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        serde_json::from_value(serde_json::json!({
            "format": "pegaso.plan/1",
            "entity": { "name": "Comune di Prova", "kind": "comune" },
            "title": "Piano", "period": { "from": 2021, "to": 2023 }, "year": 2021,
            "units": [{ "id": "a", "kind": "settore", "name": "A", "parent": null, "responsible_code": null, "staff": null }],
            "objectives": [{
                "id": "a/A", "unit": "a", "label": "A", "title": "t",
                "strategic_purpose": null, "directives": null,
                "phases": [
                    { "label": "1", "description": "prima", "weight_pct": 60, "deadline": { "kind": "date", "date": "2021-06-30" } },
                    { "label": "2", "description": "seconda", "weight_pct": 40, "deadline": { "kind": "during_year" } }
                ],
                "final_deadline": { "kind": "date", "date": "2021-12-31" },
                "expected_result": "100 pratiche", "full_achievement": null, "not_achieved": null,
                "indicators": ["pratiche evase"],
                "constraints": null, "human_resources": null, "financial_resources": null
            }]
        }))
        .unwrap()
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, m, d).unwrap()
    }

    #[test]
    fn each_proposal_changes_its_field_and_the_diff_says_so() {
        let p = plan();
        let moved = apply(
            &p,
            0,
            &Proposal::Deadline {
                phase: 0,
                date: day(9, 30),
            },
        )
        .unwrap();
        assert_eq!(
            moved.objectives[0].phases[0].deadline.fixed_date(),
            Some(day(9, 30))
        );
        assert_eq!(moved.objectives[0].phases[0].deadline_text, "30/09/2021");
        let d = diff(&p, &moved);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, Field::PhaseDeadline(0));
        let said = |v: &Option<Value>| crate::messages::change_value(v.as_ref());
        assert_eq!(said(&d[0].before), "30/06/2021");
        assert_eq!(said(&d[0].after), "30/09/2021");

        let weight = Some(Percent::new(rust_decimal::Decimal::from(70)).unwrap());
        let heavier = apply(&p, 0, &Proposal::Weight { phase: 1, weight }).unwrap();
        assert_eq!(diff(&p, &heavier)[0].field, Field::PhaseWeight(1));

        let target = apply(
            &p,
            0,
            &Proposal::Target {
                text: " 120 pratiche ".into(),
            },
        )
        .unwrap();
        let d = diff(&p, &target);
        assert_eq!(d[0].field, Field::Target);
        assert_eq!(d[0].after, Some(Value::Text("120 pratiche".into())));

        let ind = apply(
            &p,
            0,
            &Proposal::Indicator {
                position: 0,
                text: "pratiche chiuse".into(),
            },
        )
        .unwrap();
        assert_eq!(diff(&p, &ind)[0].field, Field::Indicator(0));
        assert!(diff(&p, &p).is_empty());
    }

    #[test]
    fn proposals_that_do_not_fit_are_refused() {
        let p = plan();
        assert_eq!(
            apply(&p, 3, &Proposal::Target { text: "x".into() }),
            Err(ChangeError::NoObjective)
        );
        assert_eq!(
            apply(
                &p,
                0,
                &Proposal::Deadline {
                    phase: 5,
                    date: day(1, 1)
                }
            ),
            Err(ChangeError::NoPhase(5))
        );
        assert_eq!(
            apply(
                &p,
                0,
                &Proposal::Indicator {
                    position: 1,
                    text: "x".into()
                }
            ),
            Err(ChangeError::NoIndicator(1))
        );
        assert_eq!(
            apply(&p, 0, &Proposal::Target { text: "  ".into() }),
            Err(ChangeError::Empty)
        );
        assert_eq!(
            apply(
                &p,
                0,
                &Proposal::Target {
                    text: "100 pratiche".into()
                }
            ),
            Err(ChangeError::Unchanged)
        );
        let outside = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        assert_eq!(
            apply(
                &p,
                0,
                &Proposal::Deadline {
                    phase: 0,
                    date: outside
                }
            ),
            Err(ChangeError::OutsidePeriod)
        );
        for s in RequestState::ALL.iter().copied() {
            assert_eq!(RequestState::parse(s.as_str()), Some(s));
        }
    }
}
