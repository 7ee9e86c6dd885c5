//! The planned calendar of an objective: the date each phase is due by, as far as the plan
//! alone tells (dates, starts, in-year, and counts from phases with such dates). Facts such as
//! actual completions come later, with monitoring.

use chrono::{Days, Months, NaiveDate};

use crate::deadline::{Anchor, Offset, When};
use crate::plan::Objective;

/// When a phase is planned to run, within what the plan says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Planned {
    /// The day it is due by; `None` when the plan does not fix one (events, none, completed).
    pub due: Option<NaiveDate>,
    /// The day it starts, for services that start on a date.
    pub start: Option<NaiveDate>,
    /// True when the date is counted from another phase (it moves with it).
    pub derived: bool,
}

/// The planned dates of every phase of `objective`, in order, for the plan year `year`.
pub fn planned(objective: &Objective, year: i32) -> Vec<Planned> {
    (0..objective.phases.len())
        .map(|i| resolve(objective, year, i, 0))
        .collect()
}

fn resolve(objective: &Objective, year: i32, index: usize, depth: usize) -> Planned {
    let none = Planned {
        due: None,
        start: None,
        derived: false,
    };
    let Some(phase) = objective.phases.get(index) else {
        return none;
    };
    match &phase.deadline.when {
        When::Date { date } => Planned {
            due: Some(*date),
            ..none
        },
        When::Start { date } => Planned {
            start: Some(*date),
            due: year_end(year),
            ..none
        },
        When::DuringYear => Planned {
            due: year_end(year),
            ..none
        },
        When::Relative(r) => {
            // A chain longer than the table is a cycle: the validator reports it.
            if depth > objective.phases.len() {
                return none;
            }
            let Anchor::Phase { phase: anchor, .. } = &r.anchor else {
                return none;
            };
            let Some(j) = objective.phases.iter().position(|p| &p.label == anchor) else {
                return none;
            };
            let base = resolve(objective, year, j, depth + 1).due;
            Planned {
                due: base.and_then(|d| add(d, r.offset)),
                start: base,
                derived: true,
            }
        }
        When::Completed | When::Unspecified => none,
    }
}

fn year_end(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
}

fn add(day: NaiveDate, offset: Offset) -> Option<NaiveDate> {
    match offset {
        Offset::Days(n) => day.checked_add_days(Days::new(u64::from(n))),
        Offset::Months(n) => day.checked_add_months(Months::new(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Phase;
    use crate::values::{ObjectiveId, ObjectiveLabel, PhaseLabel, UnitId};
    use crate::{Relative, deadline::Deadline};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn phase(label: &str, when: When) -> Phase {
        Phase {
            label: PhaseLabel::parse(label).unwrap(),
            description: String::new(),
            weight_pct: None,
            responsible: vec![],
            deadline: Deadline::new(when),
            deadline_text: String::new(),
        }
    }

    fn after(label: &str, offset: Offset) -> When {
        When::Relative(Relative {
            anchor: Anchor::Phase {
                phase: PhaseLabel::parse(label).unwrap(),
                point: None,
            },
            offset,
        })
    }

    fn objective(phases: Vec<Phase>) -> Objective {
        let unit = UnitId::parse("u").unwrap();
        let label = ObjectiveLabel::parse("A").unwrap();
        Objective {
            id: ObjectiveId::new(&unit, &label),
            unit,
            label,
            title: String::new(),
            strategic_purpose: None,
            directives: None,
            timing: None,
            phases,
            final_deadline: Deadline::unspecified(),
            final_deadline_text: String::new(),
            year_deadline: None,
            year_deadline_text: None,
            expected_result: None,
            full_achievement: None,
            not_achieved: None,
            indicators: vec![],
            constraints: None,
            human_resources: None,
            financial_resources: None,
        }
    }

    #[test]
    fn every_kind_of_deadline_has_its_planned_date() {
        let o = objective(vec![
            phase(
                "1",
                When::Date {
                    date: d(2021, 3, 31),
                },
            ),
            phase("2", after("1", Offset::Months(2))),
            phase("3", after("2", Offset::Days(10))),
            phase("4", When::DuringYear),
            phase(
                "5",
                When::Start {
                    date: d(2021, 2, 1),
                },
            ),
            phase("6", When::Completed),
            phase("7", When::Unspecified),
            phase("8", after("9", Offset::Days(1))),
            phase("9", after("8", Offset::Days(1))),
        ]);
        let due: Vec<Option<NaiveDate>> = planned(&o, 2021).iter().map(|p| p.due).collect();
        assert_eq!(
            due,
            [
                Some(d(2021, 3, 31)),
                Some(d(2021, 5, 31)),
                Some(d(2021, 6, 10)),
                Some(d(2021, 12, 31)),
                Some(d(2021, 12, 31)),
                None,
                None,
                None,
                None,
            ]
        );
        let p = planned(&o, 2021);
        assert!(p[1].derived && !p[0].derived);
        assert_eq!(p[4].start, Some(d(2021, 2, 1)));
        assert_eq!(p[1].start, Some(d(2021, 3, 31)));
    }
}
