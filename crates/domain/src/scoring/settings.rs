//! A plan's scoring settings (scoring.md, section 1): how phases, indicators, objectives and
//! units are weighed and scored — its measurement system (SMVP) as rules, read from JSON and
//! checked against the plan.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::indicator::{self, Indicator, Outcome, number, optional_number};
use super::phases::{EmptyWeights, PhaseMethod, PhaseRules};
use crate::plan::Plan;

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
    /// What its values count (`%`, `giorni`, `pratiche`), as people read them.
    #[serde(default)]
    pub unit: Option<String>,
    /// Conversion, polarity, target, limits, bands and no-actual policy; the actual comes
    /// from monitoring.
    pub rule: Indicator,
}

/// The settings' JSON `json` (empty: the defaults) with the rule of objective `objective`'s
/// indicator at position `indicator`, from 1, replaced by `entry` — its keys over those it
/// had, so that what a form does not show (custom bands, limits) stays —, or taken out
/// (`None`). The rest is kept as it was; the result is to be parsed against the plan like any
/// settings.
pub fn with_indicator(
    json: &str,
    objective: &str,
    indicator: usize,
    entry: Option<serde_json::Map<String, serde_json::Value>>,
) -> Result<String, SettingsError> {
    use serde_json::Value;
    let json = if json.trim().is_empty() { "{}" } else { json };
    let mut root: Value =
        serde_json::from_str(json).map_err(|e| SettingsError::Json(e.to_string()))?;
    let Some(fields) = root.as_object_mut() else {
        return Err(SettingsError::Json("settings are not an object".into()));
    };
    let list = fields
        .entry("indicators")
        .or_insert_with(|| Value::Array(Vec::new()));
    let Some(list) = list.as_array_mut() else {
        return Err(SettingsError::Json("indicators are not a list".into()));
    };
    let this = |v: &Value| {
        v.get("objective").and_then(Value::as_str) == Some(objective)
            && v.get("indicator").and_then(Value::as_u64) == u64::try_from(indicator).ok()
    };
    let at = list.iter().position(this);
    match (entry, at) {
        (None, Some(i)) => {
            list.remove(i);
        }
        (None, None) => {}
        (Some(mut entry), at) => {
            entry.insert("objective".into(), Value::from(objective));
            entry.insert("indicator".into(), Value::from(indicator));
            let merged = match at.map(|i| list[i].take()) {
                Some(Value::Object(mut old)) => {
                    let rule = entry.remove("rule");
                    if let (Some(Value::Object(new_rule)), Some(Value::Object(old_rule))) =
                        (&rule, old.get_mut("rule"))
                    {
                        for (k, v) in new_rule {
                            if v.is_null() {
                                old_rule.remove(k);
                            } else {
                                old_rule.insert(k.clone(), v.clone());
                            }
                        }
                    } else if let Some(rule) = rule {
                        old.insert("rule".into(), rule);
                    }
                    for (k, v) in entry {
                        if v.is_null() {
                            old.remove(&k);
                        } else {
                            old.insert(k, v);
                        }
                    }
                    old
                }
                _ => {
                    entry.retain(|_, v| !v.is_null());
                    if let Some(Value::Object(rule)) = entry.get_mut("rule") {
                        rule.retain(|_, v| !v.is_null());
                    }
                    entry
                }
            };
            match at {
                Some(i) => list[i] = Value::Object(merged),
                None => list.push(Value::Object(merged)),
            }
        }
    }
    serde_json::to_string_pretty(&root).map_err(|e| SettingsError::Json(e.to_string()))
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::with_indicator;
    use serde_json::{Value, json};

    fn entry(v: Value) -> Option<serde_json::Map<String, Value>> {
        v.as_object().cloned()
    }

    #[test]
    fn an_indicator_rule_is_added_merged_over_what_it_had_and_taken_out() {
        let text = json!({
            "indicators_weight": 30,
            "indicators": [{"objective": "a/A", "indicator": 1, "weight": 2,
                            "rule": {"conversion": "limits", "limit_min": 1, "limit_max": 9,
                                     "bands": [{"from": 0, "thru": 100, "factor": 100}]}}]
        })
        .to_string();
        // A new one goes at the end, without the keys left empty.
        let added = with_indicator(
            &text,
            "b/B",
            2,
            entry(json!({"unit": "giorni", "weight": null,
                         "rule": {"conversion": "percent_of_target", "target": 30, "prior_year": null}})),
        )
        .unwrap();
        let v: Value = serde_json::from_str(&added).unwrap();
        assert_eq!(v["indicators_weight"], 30);
        assert_eq!(
            v["indicators"][1],
            json!({"objective": "b/B", "indicator": 2, "unit": "giorni",
                   "rule": {"conversion": "percent_of_target", "target": 30}})
        );
        // The same indicator again: its keys over the old ones; a null takes one out; what the
        // entry does not name (the limits' maximum, the custom bands) stays.
        let merged = with_indicator(
            &added,
            "a/A",
            1,
            entry(json!({"weight": null, "rule": {"conversion": "limits", "limit_min": 2}})),
        )
        .unwrap();
        let v: Value = serde_json::from_str(&merged).unwrap();
        assert_eq!(
            v["indicators"][0],
            json!({"objective": "a/A", "indicator": 1,
                   "rule": {"conversion": "limits", "limit_min": 2, "limit_max": 9,
                            "bands": [{"from": 0, "thru": 100, "factor": 100}]}})
        );
        let gone = with_indicator(&merged, "a/A", 1, None).unwrap();
        let v: Value = serde_json::from_str(&gone).unwrap();
        assert_eq!(v["indicators"].as_array().unwrap().len(), 1);
        assert_eq!(v["indicators"][0]["objective"], "b/B");
        // From the defaults (no text), and from text that is not settings.
        assert!(with_indicator("", "a/A", 1, None).is_ok());
        assert!(with_indicator("[1]", "a/A", 1, None).is_err());
        assert!(with_indicator("{\"indicators\": 3}", "a/A", 1, None).is_err());
    }
}
