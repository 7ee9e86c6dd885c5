//! Monitoring rounds: what a head reports on a phase, which figures a round still waits for,
//! and which figures are stale (not updated since the latest round opened).

use chrono::{DateTime, Utc};

use crate::plan::Plan;
use crate::scoring::engine::{Settings, Subject};

named_enum! { serde "snake_case";
    /// Where a phase is, as its unit reports it.
    pub enum ReportStatus {
        NotStarted,
        InProgress,
        Done,
    }
}

/// What is known of a figure (a phase's report, an indicator's actual) for a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Figure {
    /// Done: a phase reported done needs no further report.
    pub done: bool,
    /// The round of its last report.
    pub round: Option<i64>,
    /// When it was last updated.
    pub updated: Option<DateTime<Utc>>,
}

impl Figure {
    /// Whether round `round` still waits for this figure.
    pub fn awaited_by(&self, round: i64) -> bool {
        !self.done && self.round != Some(round)
    }

    /// Whether it is stale: not done, and not updated since the latest round opened.
    pub fn stale(&self, latest_round_opened: Option<DateTime<Utc>>) -> bool {
        match latest_round_opened {
            None => false,
            Some(opened) => !self.done && self.updated.is_none_or(|u| u < opened),
        }
    }
}

/// What a round still waits for from one unit (by position in the plan).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub unit: usize,
    pub phases: usize,
    pub indicators: usize,
}

/// What is known of a plan's figures for a round, by position in the plan.
#[derive(Debug, Clone, Copy)]
pub struct Figures<'a> {
    /// Each phase of each objective.
    pub phases: &'a [Vec<Figure>],
    /// Each indicator of each objective (by its position on the card).
    pub indicators: &'a [Vec<Figure>],
    pub neutralised: &'a std::collections::BTreeSet<Subject>,
}

/// The units round `round` still waits for, in plan order: phases of the year's slice not
/// done and not reported in it, and indicators the settings measure without an actual from
/// it; neutralised objectives, phases and indicators are not waited for.
pub fn pending(
    plan: &Plan,
    settings: &Settings,
    figures: &Figures<'_>,
    round: i64,
) -> Vec<Pending> {
    let mut out: Vec<Pending> = Vec::new();
    let gone = |s: Subject| figures.neutralised.contains(&s);
    for (oi, o) in plan.objectives.iter().enumerate() {
        let Some(ui) = plan.units.iter().position(|u| u.id == o.unit) else {
            continue;
        };
        if gone(Subject::Objective(oi)) {
            continue;
        }
        let figure = |list: &[Vec<Figure>], i: usize| {
            list.get(oi)
                .and_then(|f| f.get(i))
                .copied()
                .unwrap_or_default()
        };
        let phases = o
            .phases
            .iter()
            .enumerate()
            .filter(|(pi, p)| {
                o.in_year_slice(p)
                    && !gone(Subject::Phase(oi, *pi))
                    && figure(figures.phases, *pi).awaited_by(round)
            })
            .count();
        let indicators = settings
            .indicators
            .iter()
            .filter(|s| s.objective == o.id.as_str())
            .map(|s| s.indicator.saturating_sub(1))
            .filter(|&i| {
                !gone(Subject::Indicator(oi, i)) && figure(figures.indicators, i).awaited_by(round)
            })
            .count();
        if phases + indicators == 0 {
            continue;
        }
        match out.iter_mut().find(|p| p.unit == ui) {
            Some(p) => {
                p.phases += phases;
                p.indicators += indicators;
            }
            None => out.push(Pending {
                unit: ui,
                phases,
                indicators,
            }),
        }
    }
    out.sort_by_key(|p| p.unit);
    out
}

named_enum! { "snake_case";
    /// Which reminder a round calls for on `today`: before its date (within `days_before`), or
    /// after it while it is still open.
    pub enum Reminder {
        Before,
        After,
    }
}

impl Reminder {
    /// The reminder due on `today` for a round as of `as_of`, if any.
    pub fn due(
        as_of: chrono::NaiveDate,
        today: chrono::NaiveDate,
        days_before: u32,
    ) -> Option<Self> {
        let ahead = (as_of - today).num_days();
        if ahead < 0 {
            Some(Reminder::After)
        } else if ahead <= i64::from(days_before) {
            Some(Reminder::Before)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_round_waits_for_figures_not_done_and_not_reported_in_it() {
        let reported = Figure {
            done: false,
            round: Some(2),
            updated: None,
        };
        assert!(!reported.awaited_by(2));
        assert!(reported.awaited_by(3));
        let done = Figure {
            done: true,
            round: Some(1),
            updated: None,
        };
        assert!(!done.awaited_by(3), "a phase done earlier needs no report");
        assert!(Figure::default().awaited_by(1));
    }

    #[test]
    fn reminders_come_before_the_round_date_and_after_it() {
        let d = |m, d| chrono::NaiveDate::from_ymd_opt(2021, m, d).unwrap();
        assert_eq!(Reminder::due(d(6, 30), d(6, 20), 7), None);
        assert_eq!(Reminder::due(d(6, 30), d(6, 23), 7), Some(Reminder::Before));
        assert_eq!(Reminder::due(d(6, 30), d(6, 30), 7), Some(Reminder::Before));
        assert_eq!(Reminder::due(d(6, 30), d(7, 1), 7), Some(Reminder::After));
    }

    #[test]
    fn figures_older_than_the_latest_round_are_stale() {
        let at = |d| Utc.with_ymd_and_hms(2021, 6, d, 0, 0, 0).unwrap();
        let f = Figure {
            done: false,
            round: None,
            updated: Some(at(10)),
        };
        assert!(!f.stale(None));
        assert!(!f.stale(Some(at(9))));
        assert!(f.stale(Some(at(11))));
        assert!(Figure::default().stale(Some(at(1))));
        let done = Figure { done: true, ..f };
        assert!(!done.stale(Some(at(11))));
        for s in ReportStatus::ALL.iter().copied() {
            assert_eq!(ReportStatus::parse(s.as_str()), Some(s));
        }
    }
}
