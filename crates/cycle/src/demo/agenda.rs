//! The demonstration year's agenda: every step on its day, in the order of their days (acts,
//! rounds, each phase reported a few days after it is done, events, values, the change and the
//! neutralisation), so that the audit log reads in time order and every past day can be shown.

use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::schedule;
use domain::workflow::ActKind;

use super::{Fate, at, day, dice, fate};
use crate::monitoring::events_of;

/// One step of the year, on its day.
#[derive(Debug, Clone)]
pub(super) enum Step {
    Act(ActKind),
    OpenRound(usize),
    CloseRound(usize),
    /// Event `event` (from 0) of objective `objective` happened on `day`.
    Event {
        objective: usize,
        event: usize,
        day: NaiveDate,
    },
    /// A report of a phase: done on `done`, or still in progress.
    Report {
        objective: usize,
        phase: usize,
        done: Option<NaiveDate>,
    },
    /// The value of an objective's first indicator, as a percentage achieved.
    Actual {
        objective: usize,
        value: u64,
    },
    AskChange,
    GiveOpinion,
    DecideChange,
    Neutralise,
    /// A step of the evaluation year.
    Evaluation(super::evaluation::Phase),
}

/// The monitoring rounds of the year: name, as-of day, opening and closing day.
pub(super) fn rounds(y: i32) -> [(&'static str, NaiveDate, NaiveDate, NaiveDate); 3] {
    [
        (
            "Monitoraggio al 30/06",
            day(y, 6, 30),
            day(y, 6, 21),
            day(y, 7, 21),
        ),
        (
            "Monitoraggio al 30/09",
            day(y, 9, 30),
            day(y, 9, 20),
            day(y, 10, 21),
        ),
        (
            "Monitoraggio finale al 31/12",
            day(y, 12, 31),
            day(y + 1, 1, 8),
            day(y + 1, 2, 5),
        ),
    ]
}

/// The year's steps, in the order of their days: acts, rounds, each phase reported a few days
/// after it is done (or, when its work runs past the year, as still in progress), events,
/// indicator values, the change request and the neutralisation.
pub(super) fn agenda(plan: &domain::Plan) -> Vec<(DateTime<Utc>, Step)> {
    let y = plan.year;
    let started = day(y, 2, 15);
    let last_report = day(y + 1, 2, 3);
    let rounds = rounds(y);
    let mut steps = vec![
        (at(day(y, 1, 28), 11), Step::Act(ActKind::Validate)),
        (at(day(y, 2, 10), 16), Step::Act(ActKind::Approve)),
        (at(started, 9), Step::Act(ActKind::Start)),
        (at(day(y, 7, 8), 11), Step::AskChange),
        (at(day(y, 7, 13), 12), Step::GiveOpinion),
        (at(day(y, 7, 20), 16), Step::DecideChange),
        (at(day(y, 10, 20), 10), Step::Neutralise),
        (
            at(day(y + 1, 2, 12), 10),
            Step::Act(ActKind::CloseMeasurement),
        ),
        (
            at(day(y + 1, 3, 18), 12),
            Step::Act(ActKind::ValidateMeasurement),
        ),
        (at(day(y + 1, 4, 12), 9), Step::Act(ActKind::Publish)),
    ];
    for (n, (_, _, open, close)) in rounds.iter().enumerate() {
        steps.push((at(*open, 8), Step::OpenRound(n)));
        steps.push((at(*close, 17), Step::CloseRound(n)));
    }
    for (oi, o) in plan.objectives.iter().enumerate() {
        for (e, _) in events_of(o).iter().enumerate() {
            let when = day(y, 3, 1) + Days::new(dice(o, 100 + e) % 60);
            let event = Step::Event {
                objective: oi,
                event: e,
                day: when,
            };
            steps.push((at(when + Days::new(2), 9), event));
        }
        let planned = schedule::planned(o, y);
        for (pi, _) in o.phases.iter().enumerate() {
            let due = planned
                .get(pi)
                .and_then(|p| p.due)
                .unwrap_or(day(y, 12, 31));
            if due > day(y, 12, 31) {
                continue; // a later year's slice
            }
            let lag = Days::new(dice(o, pi) % 3);
            let done = match fate(o, pi) {
                Fate::OnTime(before) => due.checked_sub_days(Days::new(before)).unwrap_or(due),
                Fate::Late(after) => due + Days::new(after),
                Fate::Never => continue,
            };
            let reported = done.max(started + Days::new(1)) + lag;
            let report = |done| Step::Report {
                objective: oi,
                phase: pi,
                done,
            };
            // A report in a round before the work is done: still in progress.
            for (_, as_of, open, _) in &rounds {
                let when = *open + Days::new(3 + dice(o, pi) % 7);
                if *as_of < done
                    && when < reported
                    && due <= *as_of + Days::new(120)
                    && dice(o, pi).is_multiple_of(3)
                {
                    steps.push((at(when, 11), report(None)));
                }
            }
            if reported <= last_report {
                steps.push((at(reported, 10 + (pi as u32 % 6)), report(Some(done))));
            }
        }
        if !o.indicators.is_empty() {
            let value = match dice(o, 200) {
                0..=59 => 100,
                d => 70 + d % 30,
            };
            steps.push((
                at(day(y + 1, 1, 20), 15),
                Step::Actual {
                    objective: oi,
                    value,
                },
            ));
        }
    }
    steps.extend(
        super::evaluation::phases(y)
            .into_iter()
            .map(|(when, phase)| (when, Step::Evaluation(phase))),
    );
    steps.sort_by_key(|(at, _)| *at);
    steps
}
