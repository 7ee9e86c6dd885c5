//! Phases on time (scoring.md, section 1): the share of an objective's phase weight done by
//! its deadlines, by the method the plan chose, with a tolerance in days; neutralised phases
//! leave both sums. Each phase's line says how it counted, for the card's explanation.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How phases become a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum PhaseMethod {
    /// 100 when every phase is done by its deadline (or, with `by_final`, by the objective's
    /// final deadline), else 0: the seed's own wording.
    AllOrNothing {
        #[serde(default)]
        by_final: bool,
    },
    /// The weight of the phases done on time over the weight of all.
    WeightedOnTime,
    /// As `WeightedOnTime`, a phase `d` days late earning `weight × max(0, 1 − d / days)`.
    WeightedLateCredit { days: u32 },
}

/// What to do with phases that have no weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmptyWeights {
    /// The objective cannot be scored until the plan gives them.
    Reject,
    /// The weight missing to 100 is shared evenly among them.
    Spread,
}

/// A plan's rules for phases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseRules {
    pub method: PhaseMethod,
    /// A phase done within this many days after its deadline is on time.
    #[serde(default)]
    pub tolerance_days: u32,
    pub empty_weights: EmptyWeights,
}

/// What is known of a phase when it is measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseFact {
    pub weight: Option<Decimal>,
    /// Its resolved deadline; `None` when the plan sets none.
    pub due: Option<NaiveDate>,
    /// When it was done; `None` when not (yet).
    pub done_on: Option<NaiveDate>,
    /// Neutralised by the evaluator: it leaves both sums.
    pub neutralised: bool,
}

/// How one phase counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum PhaseStatus {
    OnTime,
    Late { days: i64 },
    NotDone,
    Neutralised,
}

/// One phase's line of the explanation: the weight used, how it counted, what it earned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseLine {
    pub weight: Decimal,
    pub status: PhaseStatus,
    pub earned: Decimal,
}

/// The phases' score with its lines, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhaseScore {
    Scored {
        score: Decimal,
        lines: Vec<PhaseLine>,
    },
    /// No phase left to measure (none, all neutralised, or weights that sum to zero).
    NotMeasurable,
    /// Phases without weight under `EmptyWeights::Reject`.
    EmptyWeights,
}

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// Scores the phases of an objective as of `measured_on` (what happens after it is not known).
pub fn score(
    phases: &[PhaseFact],
    final_due: Option<NaiveDate>,
    rules: &PhaseRules,
    measured_on: NaiveDate,
) -> PhaseScore {
    let (mut live, mut given, mut empty) = (0usize, Decimal::ZERO, 0usize);
    for p in phases.iter().filter(|p| !p.neutralised) {
        live += 1;
        match p.weight {
            Some(w) => given += w,
            None => empty += 1,
        }
    }
    if empty > 0 && rules.empty_weights == EmptyWeights::Reject {
        return PhaseScore::EmptyWeights;
    }
    let share = if empty > 0 {
        (HUNDRED - given).max(Decimal::ZERO) / Decimal::from(empty)
    } else {
        Decimal::ZERO
    };
    let tolerance = i64::from(rules.tolerance_days);
    let lateness = |p: &PhaseFact, due: Option<NaiveDate>| -> PhaseStatus {
        match p.done_on.filter(|d| *d <= measured_on) {
            None => PhaseStatus::NotDone,
            Some(done) => match due {
                Some(due) if (done - due).num_days() > tolerance => PhaseStatus::Late {
                    days: (done - due).num_days(),
                },
                _ => PhaseStatus::OnTime,
            },
        }
    };
    let mut lines = Vec::with_capacity(phases.len());
    let mut total = Decimal::ZERO;
    let mut earned_sum = Decimal::ZERO;
    let mut all_on_time = true;
    for p in phases {
        if p.neutralised {
            lines.push(PhaseLine {
                weight: Decimal::ZERO,
                status: PhaseStatus::Neutralised,
                earned: Decimal::ZERO,
            });
            continue;
        }
        let weight = p.weight.unwrap_or(share);
        let due = match rules.method {
            PhaseMethod::AllOrNothing { by_final: true } => final_due.or(p.due),
            _ => p.due,
        };
        let status = lateness(p, due);
        let earned = match (status, rules.method) {
            (PhaseStatus::OnTime, _) => weight,
            (PhaseStatus::Late { days }, PhaseMethod::WeightedLateCredit { days: n }) if n > 0 => {
                let credit = Decimal::ONE - Decimal::from(days) / Decimal::from(n);
                weight * credit.max(Decimal::ZERO)
            }
            _ => Decimal::ZERO,
        };
        all_on_time &= status == PhaseStatus::OnTime;
        total += weight;
        earned_sum += earned;
        lines.push(PhaseLine {
            weight,
            status,
            earned,
        });
    }
    if live == 0 {
        return PhaseScore::NotMeasurable;
    }
    let score = match rules.method {
        PhaseMethod::AllOrNothing { .. } => {
            if all_on_time {
                HUNDRED
            } else {
                Decimal::ZERO
            }
        }
        _ if total.is_zero() => return PhaseScore::NotMeasurable,
        _ => earned_sum * HUNDRED / total,
    };
    PhaseScore::Scored { score, lines }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, m, d).unwrap()
    }

    fn phase(weight: Option<i64>, due: (u32, u32), done: Option<(u32, u32)>) -> PhaseFact {
        PhaseFact {
            weight: weight.map(Decimal::from),
            due: Some(day(due.0, due.1)),
            done_on: done.map(|(m, d)| day(m, d)),
            neutralised: false,
        }
    }

    fn rules(method: PhaseMethod, tolerance_days: u32) -> PhaseRules {
        PhaseRules {
            method,
            tolerance_days,
            empty_weights: EmptyWeights::Spread,
        }
    }

    fn scored(s: PhaseScore) -> Decimal {
        match s {
            PhaseScore::Scored { score, .. } => score.normalize(),
            other => panic!("{other:?}"),
        }
    }

    /// Three phases: on time, 10 days late, not done.
    fn three() -> Vec<PhaseFact> {
        vec![
            phase(Some(50), (3, 31), Some((3, 20))),
            phase(Some(30), (6, 30), Some((7, 10))),
            phase(Some(20), (9, 30), None),
        ]
    }

    #[test]
    fn every_method_on_the_same_phases() {
        let end = day(12, 31);
        let cases = [
            (rules(PhaseMethod::AllOrNothing { by_final: false }, 0), "0"),
            (rules(PhaseMethod::WeightedOnTime, 0), "50"),
            // Within a tolerance of 10 days the late phase is on time.
            (rules(PhaseMethod::WeightedOnTime, 10), "80"),
            // 10 days late over 40: three quarters of its 30.
            (
                rules(PhaseMethod::WeightedLateCredit { days: 40 }, 0),
                "72.5",
            ),
        ];
        for (r, expected) in cases {
            assert_eq!(
                scored(score(&three(), None, &r, end)).to_string(),
                expected,
                "{r:?}"
            );
        }
        // All done by the final deadline, which is what `by_final` asks.
        let mut done = three();
        done[2].done_on = Some(day(12, 1));
        let by_final = rules(PhaseMethod::AllOrNothing { by_final: true }, 0);
        assert_eq!(
            scored(score(&done, Some(day(12, 31)), &by_final, end)),
            Decimal::ONE_HUNDRED
        );
        let by_phase = rules(PhaseMethod::AllOrNothing { by_final: false }, 0);
        assert_eq!(
            scored(score(&done, Some(day(12, 31)), &by_phase, end)),
            Decimal::ZERO
        );
    }

    #[test]
    fn neutralised_phases_leave_both_sums_and_facts_after_the_date_do_not_count() {
        let mut p = three();
        p[2].neutralised = true;
        let r = rules(PhaseMethod::WeightedOnTime, 0);
        // 50 of 80.
        assert_eq!(scored(score(&p, None, &r, day(12, 31))).to_string(), "62.5");
        // Measured on 15/03, the first phase was not yet done.
        assert_eq!(scored(score(&three(), None, &r, day(3, 15))), Decimal::ZERO);
        let all: Vec<PhaseFact> = three()
            .into_iter()
            .map(|mut f| {
                f.neutralised = true;
                f
            })
            .collect();
        assert_eq!(
            score(&all, None, &r, day(12, 31)),
            PhaseScore::NotMeasurable
        );
    }

    #[test]
    fn empty_weights_are_spread_or_rejected() {
        let p = vec![
            phase(Some(40), (3, 31), Some((3, 1))),
            phase(None, (6, 30), Some((6, 1))),
            phase(None, (9, 30), None),
        ];
        let r = rules(PhaseMethod::WeightedOnTime, 0);
        // The 60 missing are shared: 30 and 30; 40 + 30 of 100 done on time.
        let PhaseScore::Scored { score: s, lines } = score(&p, None, &r, day(12, 31)) else {
            panic!()
        };
        assert_eq!(s.normalize().to_string(), "70");
        assert_eq!(lines[1].weight, Decimal::from(30));
        let strict = PhaseRules {
            empty_weights: EmptyWeights::Reject,
            ..r
        };
        assert_eq!(
            score(&p, None, &strict, day(12, 31)),
            PhaseScore::EmptyWeights
        );
    }

    proptest! {
        /// Scores stay within 0..=100, and finishing a phase on time never lowers one.
        #[test]
        fn bounded_and_monotonic(
            facts in prop::collection::vec((0i64..60, 1u32..12, prop::option::of(0i64..60)), 1..8),
            which in 0usize..8,
            method in prop::sample::select(vec![
                PhaseMethod::AllOrNothing { by_final: false },
                PhaseMethod::WeightedOnTime,
                PhaseMethod::WeightedLateCredit { days: 30 },
            ]),
        ) {
            let phases: Vec<PhaseFact> = facts
                .iter()
                .map(|(w, month, late)| PhaseFact {
                    weight: Some(Decimal::from(*w)),
                    due: Some(day(*month, 1)),
                    done_on: late.map(|l| day(*month, 1) + chrono::Days::new(l.unsigned_abs())),
                    neutralised: false,
                })
                .collect();
            let r = rules(method, 0);
            let end = day(12, 31);
            let before = score(&phases, None, &r, end);
            let mut better = phases.clone();
            let i = which % better.len();
            better[i].done_on = better[i].due;
            let after = score(&better, None, &r, end);
            match (before, after) {
                (PhaseScore::Scored { score: a, .. }, PhaseScore::Scored { score: b, .. }) => {
                    prop_assert!(a >= Decimal::ZERO && a <= Decimal::ONE_HUNDRED);
                    prop_assert!(b >= a, "{a} then {b}");
                }
                (x, y) => prop_assert_eq!(x, y),
            }
        }
    }
}
