//! A plan scored as its own settings say (scoring.md, sections 1-3): each objective from its
//! phases of the year's slice and its indicators, each unit from its objectives, the
//! administration from its units. Every score keeps what it was computed from (the phases'
//! lines, each indicator's value and rule, the weights used), so that a page or the API can
//! say how it was computed.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::indicator::{self, Indicator, Outcome, number, optional_number};

use super::phases::{self, EmptyWeights, PhaseFact, PhaseMethod, PhaseRules, PhaseScore};
use super::rollup::{self, Part};
use crate::plan::Plan;
use crate::schedule;

/// A plan's scoring settings: its measurement system (SMVP) as rules.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// How phases become a score.
    #[serde(default = "default_phases")]
    pub phases: PhaseRules,
    /// The weight of the phases' score in an objective's score.
    #[serde(default = "hundred", deserialize_with = "number")]
    pub phases_weight: Decimal,
    /// The weight of the indicators' mean in an objective's score (0: phases alone).
    #[serde(default, deserialize_with = "number")]
    pub indicators_weight: Decimal,
    /// How each measured indicator is scored, by objective and position on the card.
    #[serde(default)]
    pub indicators: Vec<IndicatorSetting>,
    /// Objectives' weights within their unit; an objective not named weighs 1.
    #[serde(default)]
    pub objective_weights: Vec<Weight>,
    /// How units weigh in the administration's score.
    #[serde(default)]
    pub units: UnitWeighting,
    /// Days before a deadline from which a phase not done is at risk.
    #[serde(default = "fifteen")]
    pub warn_days: u32,
    /// The highest score an indicator may reach (over-achievement up to it); `null`: none.
    #[serde(default = "cap", deserialize_with = "optional_number")]
    pub max_score: Option<Decimal>,
}

/// How an indicator of a card is measured.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSetting {
    /// The objective's id (`unit/label`).
    pub objective: String,
    /// The indicator's position in the card's list, from 1.
    pub indicator: usize,
    /// Its weight among the objective's indicators.
    #[serde(default = "one", deserialize_with = "number")]
    pub weight: Decimal,
    /// Conversion, polarity, target, limits, bands and no-actual policy; the actual comes
    /// from monitoring.
    pub rule: Indicator,
}

/// A weight given to an objective (`unit/label`) or a unit (its id).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weight {
    #[serde(alias = "unit")]
    pub objective: String,
    #[serde(deserialize_with = "number")]
    pub weight: Decimal,
}

/// How units weigh in the administration's score.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case", tag = "by", deny_unknown_fields)]
pub enum UnitWeighting {
    /// Every unit with a score counts the same.
    #[default]
    Equal,
    /// By the headcount of the staff table (a unit without one weighs 0).
    Staff,
    /// As the plan sets them, by unit id; a unit not named weighs 0.
    Set { weights: Vec<Weight> },
}

fn default_phases() -> PhaseRules {
    PhaseRules {
        method: PhaseMethod::AllOrNothing { by_final: false },
        tolerance_days: 0,
        empty_weights: EmptyWeights::Spread,
    }
}
fn hundred() -> Decimal {
    Decimal::ONE_HUNDRED
}
fn one() -> Decimal {
    Decimal::ONE
}
fn fifteen() -> u32 {
    15
}
fn cap() -> Option<Decimal> {
    Some(Decimal::ONE_HUNDRED)
}

impl Default for Settings {
    /// The seed's own wording: every phase by its deadline, or the objective is not reached.
    fn default() -> Self {
        Settings {
            phases: default_phases(),
            phases_weight: hundred(),
            indicators_weight: Decimal::ZERO,
            indicators: Vec::new(),
            objective_weights: Vec::new(),
            units: UnitWeighting::Equal,
            warn_days: fifteen(),
            max_score: cap(),
        }
    }
}

/// Why settings do not fit their plan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("settings are not valid JSON for pegaso scoring: {0}")]
    Json(String),
    #[error("no objective {0} in the plan")]
    UnknownObjective(String),
    #[error("no unit {0} in the plan")]
    UnknownUnit(String),
    #[error("objective {objective} lists {count} indicators, not {position}")]
    UnknownIndicator {
        objective: String,
        position: usize,
        count: usize,
    },
    #[error("indicator {position} of {objective} is set twice")]
    DuplicateIndicator { objective: String, position: usize },
    #[error("indicator {position} of {objective}: the actual comes from monitoring")]
    ActualInRule { objective: String, position: usize },
    #[error("weights cannot be negative")]
    NegativeWeight,
    #[error("phases and indicators cannot both weigh 0")]
    NoWeight,
    #[error("a number is beyond {}", LIMIT)]
    OutOfRange,
    #[error("max_score must be above 0")]
    NoRoom,
    #[error("indicator {position} of {objective}: {error}")]
    InvalidRule {
        objective: String,
        position: usize,
        error: indicator::ScoreError,
    },
}

/// The largest magnitude of a number in the settings (and of an actual value): far beyond any
/// real figure, and far from where exact decimal arithmetic overflows.
pub const LIMIT: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

fn within(d: Decimal) -> bool {
    d.abs() <= LIMIT
}

impl Settings {
    /// Reads settings from JSON and checks them against the plan.
    pub fn parse(json: &str, plan: &Plan) -> Result<Settings, SettingsError> {
        let settings: Settings =
            serde_json::from_str(json).map_err(|e| SettingsError::Json(e.to_string()))?;
        settings.check(plan)?;
        Ok(settings)
    }

    /// Whether every objective, unit and indicator the settings name is in the plan.
    pub fn check(&self, plan: &Plan) -> Result<(), SettingsError> {
        if self.phases_weight < Decimal::ZERO || self.indicators_weight < Decimal::ZERO {
            return Err(SettingsError::NegativeWeight);
        }
        if self.phases_weight.is_zero() && self.indicators_weight.is_zero() {
            return Err(SettingsError::NoWeight);
        }
        let mut numbers = vec![self.phases_weight, self.indicators_weight];
        numbers.extend(self.max_score);
        numbers.extend(self.objective_weights.iter().map(|w| w.weight));
        if let UnitWeighting::Set { weights } = &self.units {
            numbers.extend(weights.iter().map(|w| w.weight));
        }
        for s in &self.indicators {
            let r = &s.rule;
            numbers.push(s.weight);
            numbers.extend(
                [
                    r.target,
                    r.prior_year,
                    r.limit_min,
                    r.limit_max,
                    r.limit_excellent,
                ]
                .into_iter()
                .flatten(),
            );
            for b in &r.bands.0 {
                numbers.extend([b.from, b.thru, b.factor]);
                numbers.extend(b.factor_min);
            }
        }
        if !numbers.into_iter().all(within) {
            return Err(SettingsError::OutOfRange);
        }
        if self.max_score.is_some_and(|m| m <= Decimal::ZERO) {
            return Err(SettingsError::NoRoom);
        }
        let objective = |id: &str| plan.objectives.iter().find(|o| o.id.as_str() == id);
        let mut seen = BTreeSet::new();
        for s in &self.indicators {
            let o = objective(&s.objective)
                .ok_or_else(|| SettingsError::UnknownObjective(s.objective.clone()))?;
            if s.indicator == 0 || s.indicator > o.indicators.len() {
                return Err(SettingsError::UnknownIndicator {
                    objective: s.objective.clone(),
                    position: s.indicator,
                    count: o.indicators.len(),
                });
            }
            if !seen.insert((s.objective.as_str(), s.indicator)) {
                return Err(SettingsError::DuplicateIndicator {
                    objective: s.objective.clone(),
                    position: s.indicator,
                });
            }
            if s.rule.actual.is_some() {
                return Err(SettingsError::ActualInRule {
                    objective: s.objective.clone(),
                    position: s.indicator,
                });
            }
            if s.weight < Decimal::ZERO {
                return Err(SettingsError::NegativeWeight);
            }
            // A rule that cannot give a score (a missing target, limits out of order) is an
            // error of the plan's settings, not an indicator that quietly leaves the mean.
            let sample = s.rule.target.unwrap_or(Decimal::ZERO);
            if let Outcome::Invalid(error) = indicator::score_with(&s.rule, Some(sample)) {
                return Err(SettingsError::InvalidRule {
                    objective: s.objective.clone(),
                    position: s.indicator,
                    error,
                });
            }
        }
        for w in &self.objective_weights {
            objective(&w.objective)
                .ok_or_else(|| SettingsError::UnknownObjective(w.objective.clone()))?;
            if w.weight < Decimal::ZERO {
                return Err(SettingsError::NegativeWeight);
            }
        }
        if let UnitWeighting::Set { weights } = &self.units {
            for w in weights {
                if !plan.units.iter().any(|u| u.id.as_str() == w.objective) {
                    return Err(SettingsError::UnknownUnit(w.objective.clone()));
                }
                if w.weight < Decimal::ZERO {
                    return Err(SettingsError::NegativeWeight);
                }
            }
        }
        Ok(())
    }
}

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
