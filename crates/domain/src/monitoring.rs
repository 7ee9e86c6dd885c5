//! Monitoring rounds: what a head reports on a phase, which figures a round still waits for,
//! and which figures are stale (not updated since the latest round opened).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a phase is, as its unit reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    NotStarted,
    InProgress,
    Done,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 3] = [Self::NotStarted, Self::InProgress, Self::Done];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::InProgress => "in_progress",
            Self::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
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
        for s in ReportStatus::ALL {
            assert_eq!(ReportStatus::parse(s.as_str()), Some(s));
        }
    }
}
