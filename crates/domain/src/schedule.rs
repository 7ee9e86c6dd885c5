//! The calendar of an objective: the date each phase is due by, as far as the plan alone
//! tells (`planned`: dates, starts, in-year, counts from phases with such dates) or as the
//! facts tell (`resolved`: counts from the actual completion of a phase, or from the recorded
//! date of an event), and where each phase and objective stands against it (`Standing`).

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
    resolved(objective, year, &Facts::default())
}

/// What is known when a calendar is resolved against facts.
#[derive(Debug, Clone, Default)]
pub struct Facts<'a> {
    /// When each phase (by position) was done, if it was.
    pub done: &'a [Option<NaiveDate>],
    /// The recorded dates of events, by the words the document uses for them.
    pub events: &'a [(String, NaiveDate)],
}

/// The dates every phase is due by, counting relative deadlines from the actual completion of
/// the phase they follow (its planned date while it is not done) or from the recorded date of
/// the event they follow (no date until it is recorded).
pub fn resolved(objective: &Objective, year: i32, facts: &Facts<'_>) -> Vec<Planned> {
    (0..objective.phases.len())
        .map(|i| resolve(objective, year, facts, i, 0))
        .collect()
}

/// The day each phase is due by, as `resolved` finds it (the dates alone).
pub fn due_dates(objective: &Objective, year: i32, facts: &Facts<'_>) -> Vec<Option<NaiveDate>> {
    (0..objective.phases.len())
        .map(|i| resolve(objective, year, facts, i, 0).due)
        .collect()
}

fn resolve(
    objective: &Objective,
    year: i32,
    facts: &Facts<'_>,
    index: usize,
    depth: usize,
) -> Planned {
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
            let base = match &r.anchor {
                Anchor::Event(words) => facts
                    .events
                    .iter()
                    .find(|(e, _)| e == words)
                    .map(|(_, day)| *day),
                Anchor::Phase { phase: anchor, .. } => {
                    let Some(j) = objective.phases.iter().position(|p| &p.label == anchor) else {
                        return none;
                    };
                    match facts.done.get(j).copied().flatten() {
                        Some(done) => Some(done),
                        None => resolve(objective, year, facts, j, depth + 1).due,
                    }
                }
            };
            Planned {
                due: base.and_then(|d| add(d, r.offset)),
                start: base,
                derived: true,
            }
        }
        When::Completed | When::Unspecified => none,
    }
}

/// Where a phase or an objective stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Standing {
    /// Not done, its deadline more than the warning days away.
    OnTrack,
    /// Not done, due within the warning days.
    AtRisk,
    /// Not done, its deadline passed.
    Late,
    DoneOnTime,
    DoneLate,
    /// Not done, and the plan sets no date (none, or an event not yet recorded).
    NoDeadline,
}

/// Where a phase due by `due` and done on `done` stands on `today`, warning `warn_days` ahead.
pub fn standing(
    due: Option<NaiveDate>,
    done: Option<NaiveDate>,
    today: NaiveDate,
    warn_days: u32,
) -> Standing {
    match (due, done) {
        (Some(due), Some(done)) if done > due => Standing::DoneLate,
        (_, Some(_)) => Standing::DoneOnTime,
        (None, None) => Standing::NoDeadline,
        (Some(due), None) if today > due => Standing::Late,
        (Some(due), None) if (due - today).num_days() <= i64::from(warn_days) => Standing::AtRisk,
        (Some(_), None) => Standing::OnTrack,
    }
}

/// Where an objective stands from its phases: done (late if any phase was) when all are done,
/// else the worst of late, at risk and on track among those not done.
pub fn objective_standing(phases: &[Standing]) -> Option<Standing> {
    if phases.is_empty() {
        return None;
    }
    let done = |s: &Standing| matches!(s, Standing::DoneOnTime | Standing::DoneLate);
    if phases.iter().all(done) {
        return Some(if phases.contains(&Standing::DoneLate) {
            Standing::DoneLate
        } else {
            Standing::DoneOnTime
        });
    }
    [
        Standing::Late,
        Standing::AtRisk,
        Standing::OnTrack,
        Standing::NoDeadline,
    ]
    .into_iter()
    .find(|s| phases.contains(s))
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

    fn on(y: i32, m: u32, day: u32) -> When {
        When::Date { date: d(y, m, day) }
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
            phase("1", on(2021, 3, 31)),
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

    #[test]
    fn facts_move_relative_deadlines_and_events_give_theirs() {
        let o = objective(vec![
            phase("1", on(2021, 3, 31)),
            phase("2", after("1", Offset::Days(30))),
            phase(
                "3",
                When::Relative(Relative {
                    anchor: Anchor::Event("presentazione dell'istanza".into()),
                    offset: Offset::Days(30),
                }),
            ),
        ]);
        // Phase 1 done late, on 20/04: phase 2 counts its 30 days from then.
        let done = [Some(d(2021, 4, 20)), None, None];
        let events = [("presentazione dell'istanza".to_string(), d(2021, 6, 1))];
        let facts = Facts {
            done: &done,
            events: &events,
        };
        let due: Vec<Option<NaiveDate>> =
            resolved(&o, 2021, &facts).iter().map(|p| p.due).collect();
        assert_eq!(
            due,
            [
                Some(d(2021, 3, 31)),
                Some(d(2021, 5, 20)),
                Some(d(2021, 7, 1))
            ]
        );
        // Without facts: from the planned date, and no date for the event.
        let due: Vec<Option<NaiveDate>> = planned(&o, 2021).iter().map(|p| p.due).collect();
        assert_eq!(due, [Some(d(2021, 3, 31)), Some(d(2021, 4, 30)), None]);
    }

    #[test]
    fn standings_of_phases_and_objectives() {
        let today = d(2021, 6, 1);
        let due = Some(d(2021, 6, 10));
        assert_eq!(standing(due, None, today, 5), Standing::OnTrack);
        assert_eq!(standing(due, None, today, 9), Standing::AtRisk);
        assert_eq!(standing(due, None, d(2021, 6, 11), 9), Standing::Late);
        assert_eq!(
            standing(due, Some(d(2021, 6, 10)), today, 9),
            Standing::DoneOnTime
        );
        assert_eq!(
            standing(due, Some(d(2021, 6, 11)), today, 9),
            Standing::DoneLate
        );
        assert_eq!(standing(None, None, today, 9), Standing::NoDeadline);
        assert_eq!(standing(None, Some(today), today, 9), Standing::DoneOnTime);
        use Standing::*;
        assert_eq!(
            objective_standing(&[DoneOnTime, AtRisk, OnTrack]),
            Some(AtRisk)
        );
        assert_eq!(objective_standing(&[DoneLate, OnTrack, Late]), Some(Late));
        assert_eq!(objective_standing(&[DoneOnTime, DoneLate]), Some(DoneLate));
        assert_eq!(objective_standing(&[DoneOnTime]), Some(DoneOnTime));
        assert_eq!(objective_standing(&[]), None);
    }
}
