//! A plan scored as its own settings say (scoring.md, sections 1-3): each objective from its
//! phases of the year's slice and its indicators, each unit from its objectives, the
//! administration from its units. Every score keeps what it was computed from (the phases'
//! lines, each indicator's value and rule, the weights used), so that a page or the API can
//! say how it was computed.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::indicator::{self, Outcome};

use super::phases::{self, PhaseFact, PhaseScore};
use super::rollup::{self, Part};
use crate::plan::Plan;
use crate::schedule;

pub use super::settings::{IndicatorSetting, Settings, SettingsError, UnitWeighting, Weight};

/// What the evaluator neutralised, by position in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    Objective(usize),
    /// Objective, phase.
    Phase(usize, usize),
    /// Objective, indicator (both from 0).
    Indicator(usize, usize),
}

impl Subject {
    /// Its key, as neutralisations are recorded: `unit/label` (objective), `unit/label/3`
    /// (phase 3), `unit/label/i2` (indicator 2).
    pub fn key(self, plan: &Plan) -> Option<String> {
        let (o, rest) = match self {
            Subject::Objective(o) => (o, String::new()),
            Subject::Phase(o, p) => (o, format!("/{}", p + 1)),
            Subject::Indicator(o, i) => (o, format!("/i{}", i + 1)),
        };
        Some(format!("{}{rest}", plan.objectives.get(o)?.id.as_str()))
    }

    /// The subject a key names in `plan`, if any.
    pub fn parse(plan: &Plan, key: &str) -> Option<Subject> {
        let (oi, o) = plan
            .objectives
            .iter()
            .enumerate()
            .filter(|(_, o)| key.starts_with(o.id.as_str()))
            .max_by_key(|(_, o)| o.id.as_str().len())?;
        let rest = &key[o.id.as_str().len()..];
        if rest.is_empty() {
            return Some(Subject::Objective(oi));
        }
        let rest = rest.strip_prefix('/')?;
        let (n, indicator) = match rest.strip_prefix('i') {
            Some(n) => (n, true),
            None => (rest, false),
        };
        let n = n.parse::<usize>().ok()?.checked_sub(1)?;
        if indicator {
            (n < o.indicators.len()).then_some(Subject::Indicator(oi, n))
        } else {
            (n < o.phases.len()).then_some(Subject::Phase(oi, n))
        }
    }
}

/// What is known when a plan is measured, by position in the plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts<'a> {
    /// When each phase of each objective was done.
    pub done: &'a [Vec<Option<NaiveDate>>],
    /// The reported actual of each indicator of each objective (`None`: not reported).
    pub actuals: &'a [Vec<Option<Decimal>>],
    /// The recorded dates of events.
    pub events: &'a [(String, NaiveDate)],
    pub neutralised: Option<&'a BTreeSet<Subject>>,
}

impl Facts<'_> {
    fn is_neutralised(&self, s: Subject) -> bool {
        self.neutralised.is_some_and(|n| n.contains(&s))
    }
}

/// An indicator's score with the rule it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorScore {
    /// Its position on the card, from 0.
    pub position: usize,
    pub weight: Decimal,
    /// Its index in `Settings::indicators`.
    pub setting: usize,
    pub actual: Option<Decimal>,
    pub outcome: Outcome,
    pub neutralised: bool,
}

/// An objective's score with everything it was computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectiveScore {
    pub score: Option<Decimal>,
    pub neutralised: bool,
    /// Its weight within its unit.
    pub weight: Decimal,
    /// The resolved deadline of every phase (by position).
    pub due: Vec<Option<NaiveDate>>,
    /// The phases of the year's slice (positions), in the order of `phases`' lines.
    pub in_slice: Vec<usize>,
    pub phases: PhaseScore,
    pub indicators: Vec<IndicatorScore>,
    /// An indicator under the `block` policy waits for its actual.
    pub blocked: bool,
    /// The weights of phases and indicators used (indicators 0 when none is measured).
    pub phases_weight: Decimal,
    pub indicators_weight: Decimal,
}

impl ObjectiveScore {
    /// The phases' score, when there is one.
    pub fn phases_score(&self) -> Option<Decimal> {
        match &self.phases {
            PhaseScore::Scored { score, .. } => Some(*score),
            _ => None,
        }
    }

    /// The indicators' weighted mean, when there is one.
    pub fn indicators_score(&self) -> Option<Decimal> {
        rollup::mean_of(indicator_parts(&self.indicators))
    }
}

/// A unit's score from its objectives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitScore {
    pub score: Option<Decimal>,
    /// Its weight in the administration's score.
    pub weight: Decimal,
    /// Its objectives, by position in the plan.
    pub objectives: Vec<usize>,
}

/// A whole plan scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanScores {
    /// By objective position.
    pub objectives: Vec<ObjectiveScore>,
    /// By unit position.
    pub units: Vec<UnitScore>,
    pub administration: Option<Decimal>,
}

/// Finds ids in a list, starting from where the last one was found: O(1) for ids asked in
/// the list's order, a full turn at worst.
struct Finder<'a> {
    ids: Vec<&'a str>,
    next: std::cell::Cell<usize>,
}

impl<'a> Finder<'a> {
    fn new(ids: impl Iterator<Item = &'a str>) -> Self {
        Finder {
            ids: ids.collect(),
            next: std::cell::Cell::new(0),
        }
    }

    fn find(&self, id: &str) -> Option<usize> {
        let n = self.ids.len();
        let start = self.next.get();
        let found = (0..n)
            .map(|k| (start + k) % n)
            .find(|&i| self.ids[i] == id)?;
        self.next.set(found);
        Some(found)
    }
}

/// An indicator's score held to the plan's highest.
fn capped(outcome: Outcome, max: Option<Decimal>) -> Outcome {
    match (outcome, max) {
        (Outcome::Scored { value, score }, Some(max)) if score > max => {
            Outcome::Scored { value, score: max }
        }
        (other, _) => other,
    }
}

fn indicator_parts(scores: &[IndicatorScore]) -> impl Iterator<Item = Part> + '_ {
    scores.iter().map(|i| Part {
        weight: i.weight,
        score: match i.outcome {
            Outcome::Scored { score, .. } => Some(score),
            _ => None,
        },
        neutralised: i.neutralised,
    })
}

/// Scores a plan as of `measured_on` with its settings and the facts recorded.
pub fn score(
    plan: &Plan,
    settings: &Settings,
    facts: &Facts<'_>,
    measured_on: NaiveDate,
) -> PlanScores {
    // Settings name objectives and units by id, usually in the plan's order: each is looked
    // for from where the previous one was found.
    let objective_ids = Finder::new(plan.objectives.iter().map(|o| o.id.as_str()));
    let mut by_objective: Vec<Vec<usize>> = vec![Vec::new(); plan.objectives.len()];
    for (i, s) in settings.indicators.iter().enumerate() {
        if let Some(o) = objective_ids.find(&s.objective) {
            by_objective[o].push(i);
        }
    }
    let mut weights: Vec<Decimal> = vec![Decimal::ONE; plan.objectives.len()];
    for w in &settings.objective_weights {
        if let Some(o) = objective_ids.find(&w.objective) {
            weights[o] = w.weight;
        }
    }
    let objectives: Vec<ObjectiveScore> = plan
        .objectives
        .iter()
        .enumerate()
        .map(|(oi, o)| {
            let done = facts.done.get(oi).map_or(&[][..], Vec::as_slice);
            let due = schedule::due_dates(
                o,
                plan.year,
                &schedule::Facts {
                    done,
                    events: facts.events,
                },
            );
            let in_slice: Vec<usize> = o
                .phases
                .iter()
                .enumerate()
                .filter(|(_, p)| o.in_year_slice(p))
                .map(|(i, _)| i)
                .collect();
            let phase_facts: Vec<PhaseFact> = in_slice
                .iter()
                .map(|&i| PhaseFact {
                    weight: o.phases[i].weight_pct.map(|w| w.value()),
                    due: due.get(i).copied().flatten(),
                    done_on: done.get(i).copied().flatten(),
                    neutralised: facts.is_neutralised(Subject::Phase(oi, i)),
                })
                .collect();
            let final_due = o
                .year_deadline
                .as_ref()
                .and_then(|d| d.fixed_date())
                .or_else(|| o.final_deadline.fixed_date());
            let phases = phases::score(&phase_facts, final_due, &settings.phases, measured_on);
            let actuals = facts.actuals.get(oi).map_or(&[][..], Vec::as_slice);
            let indicators: Vec<IndicatorScore> = by_objective[oi]
                .iter()
                .map(|&si| {
                    let s = &settings.indicators[si];
                    let position = s.indicator.saturating_sub(1);
                    let actual = actuals.get(position).copied().flatten();
                    IndicatorScore {
                        position,
                        weight: s.weight,
                        setting: si,
                        actual,
                        outcome: capped(indicator::score_with(&s.rule, actual), settings.max_score),
                        neutralised: facts.is_neutralised(Subject::Indicator(oi, position)),
                    }
                })
                .collect();
            let blocked = indicators.iter().any(|i| {
                !i.neutralised && i.outcome == Outcome::NotMeasurable(indicator::NoActual::Block)
            });
            let indicators_weight = if indicators.is_empty() {
                Decimal::ZERO
            } else {
                settings.indicators_weight
            };
            let phases_weight = settings.phases_weight;
            let mut scored = ObjectiveScore {
                score: None,
                neutralised: facts.is_neutralised(Subject::Objective(oi)),
                weight: weights[oi],
                due,
                in_slice,
                phases,
                indicators,
                blocked,
                phases_weight,
                indicators_weight,
            };
            scored.score = rollup::objective(
                scored.phases_score(),
                phases_weight,
                scored.indicators_score(),
                indicators_weight,
                blocked,
            );
            scored
        })
        .collect();
    let mut owned: Vec<Vec<usize>> = vec![Vec::new(); plan.units.len()];
    let unit_ids = Finder::new(plan.units.iter().map(|u| u.id.as_str()));
    for (oi, o) in plan.objectives.iter().enumerate() {
        if let Some(u) = unit_ids.find(o.unit.as_str()) {
            owned[u].push(oi);
        }
    }
    let units: Vec<UnitScore> = plan
        .units
        .iter()
        .zip(owned)
        .map(|(u, mine)| {
            let parts = mine.iter().map(|&i| Part {
                weight: objectives[i].weight,
                score: objectives[i].score,
                neutralised: objectives[i].neutralised,
            });
            let weight = match &settings.units {
                UnitWeighting::Equal => Decimal::ONE,
                UnitWeighting::Staff => u.staff.map_or(Decimal::ZERO, Decimal::from),
                UnitWeighting::Set { weights } => weights
                    .iter()
                    .find(|w| w.objective == u.id.as_str())
                    .map_or(Decimal::ZERO, |w| w.weight),
            };
            UnitScore {
                score: rollup::mean_of(parts),
                weight,
                objectives: mine,
            }
        })
        .collect();
    let administration = rollup::mean_of(units.iter().map(|u| Part::new(u.weight, u.score)));
    PlanScores {
        objectives,
        units,
        administration,
    }
}

#[cfg(test)]
mod tests;
