//! An indicator's score (scoring.md, section 2): the actual value is converted against its
//! target, prior year or limits, then banded, then floored at zero unless negatives are
//! allowed. Decimal arithmetic throughout; nothing is rounded here.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    HigherIsBetter,
    LowerIsBetter,
}

/// How the actual value becomes a value `v`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Conversion {
    Value,
    AbsoluteGap,
    PercentGap,
    PercentOfTarget,
    RatioOfTarget,
    ProgressFromPriorYear,
    PercentOfPriorYear,
    GapToPriorYear,
    Limits,
    LimitsExcellence,
}

/// How `v` becomes a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BandRule {
    None,
    Direct,
    Prorate,
    Clamp,
}

/// One row of a band table: `from..=thru → factor`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    #[serde(deserialize_with = "number")]
    pub from: Decimal,
    #[serde(deserialize_with = "number")]
    pub thru: Decimal,
    #[serde(deserialize_with = "number")]
    pub factor: Decimal,
    #[serde(default, deserialize_with = "optional_number")]
    pub factor_min: Option<Decimal>,
    #[serde(default)]
    pub prorate: bool,
}

impl Band {
    fn contains(&self, v: Decimal) -> bool {
        self.from <= v && v <= self.thru
    }
}

/// What to do when no actual value was reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoActual {
    /// The actual is 0: convert and band it.
    TreatAsZero,
    /// The score is 0.
    ScoreZero,
    /// The indicator leaves the average.
    Exclude,
    /// The objective cannot be measured until the value comes.
    Block,
}

/// The presets of band tables (scoring.md): `achievement` and `limits_60_100`.
pub fn preset(name: &str) -> Option<Vec<Band>> {
    let row = |from: &str, thru: &str, factor: &str| Band {
        from: from.parse().unwrap_or_default(),
        thru: thru.parse().unwrap_or_default(),
        factor: factor.parse().unwrap_or_default(),
        factor_min: None,
        prorate: false,
    };
    match name {
        "achievement" => Some(vec![
            row("0", "70", "70"),
            row("70.01", "90", "90"),
            row("90.01", "100", "100"),
        ]),
        "limits_60_100" => Some(vec![
            row("-1", "-1", "0"),
            row("0", "99.99", "60"),
            row("100", "199.99", "90"),
            row("201", "201", "100"),
        ]),
        _ => None,
    }
}

/// A band table: its rows, or the name of a preset.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bands(pub Vec<Band>);

impl<'de> Deserialize<'de> for Bands {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Rows(Vec<Band>),
            Preset(String),
        }
        match Option::<Either>::deserialize(d)? {
            None => Ok(Bands(Vec::new())),
            Some(Either::Rows(rows)) => Ok(Bands(rows)),
            Some(Either::Preset(name)) => preset(&name)
                .map(Bands)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown band preset {name:?}"))),
        }
    }
}

/// Everything an indicator's score depends on.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub conversion: Conversion,
    #[serde(default = "higher")]
    pub polarity: Polarity,
    /// `None`: no actual was reported (not: reported as 0).
    #[serde(default, deserialize_with = "optional_number")]
    pub actual: Option<Decimal>,
    #[serde(default, deserialize_with = "optional_number")]
    pub target: Option<Decimal>,
    #[serde(default, deserialize_with = "optional_number")]
    pub prior_year: Option<Decimal>,
    #[serde(default, deserialize_with = "optional_number")]
    pub limit_min: Option<Decimal>,
    #[serde(default, deserialize_with = "optional_number")]
    pub limit_max: Option<Decimal>,
    #[serde(default, deserialize_with = "optional_number")]
    pub limit_excellent: Option<Decimal>,
    #[serde(default = "no_band")]
    pub band: BandRule,
    #[serde(default)]
    pub bands: Bands,
    #[serde(default = "treat_as_zero")]
    pub no_actual: NoActual,
    #[serde(default)]
    pub allow_negative: bool,
}

fn higher() -> Polarity {
    Polarity::HigherIsBetter
}
fn no_band() -> BandRule {
    BandRule::None
}
fn treat_as_zero() -> NoActual {
    NoActual::TreatAsZero
}

/// The outcome: a score with the value it came from, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Scored {
        /// `v`, after conversion; `None` when the score did not come from a value
        /// (`score_zero` with no actual).
        value: Option<Decimal>,
        score: Decimal,
    },
    /// No score: excluded from the average, or blocked until the actual comes.
    NotMeasurable(NoActual),
    /// The indicator cannot be scored as it is set up (a missing target, limits out of order).
    Invalid(ScoreError),
}

/// Why an indicator's setup cannot give a score.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("{0} is required by this conversion")]
    Missing(&'static str),
    #[error("limits must be ordered min <= target <= max (<= excellent) or the reverse")]
    LimitsOrder,
}

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// Scores one indicator.
pub fn score(i: &Indicator) -> Outcome {
    score_with(i, i.actual)
}

/// Scores an indicator's rule with `actual` in place of its own (a plan's rule and the value
/// monitoring reported).
pub fn score_with(i: &Indicator, actual: Option<Decimal>) -> Outcome {
    let actual = match (actual, i.no_actual) {
        (Some(a), _) => a,
        (None, NoActual::TreatAsZero) => Decimal::ZERO,
        (None, NoActual::ScoreZero) => {
            return Outcome::Scored {
                value: None,
                score: Decimal::ZERO,
            };
        }
        (None, policy) => return Outcome::NotMeasurable(policy),
    };
    let v = match convert(i, actual) {
        Ok(v) => v,
        Err(e) => return Outcome::Invalid(e),
    };
    let banded = band(i.band, &i.bands.0, v);
    let score = if banded < Decimal::ZERO && !i.allow_negative {
        Decimal::ZERO
    } else {
        banded
    };
    Outcome::Scored {
        value: Some(v),
        score,
    }
}

fn need(value: Option<Decimal>, name: &'static str) -> Result<Decimal, ScoreError> {
    value.ok_or(ScoreError::Missing(name))
}

/// `num × 100 / den`, or, when `den` is zero, 100 if `a` is on the good side of zero for the
/// polarity and 0 otherwise.
fn percent(num: Decimal, den: Decimal, a: Decimal, polarity: Polarity) -> Decimal {
    if den.is_zero() {
        let good = match polarity {
            Polarity::HigherIsBetter => a >= Decimal::ZERO,
            Polarity::LowerIsBetter => a <= Decimal::ZERO,
        };
        if good { HUNDRED } else { Decimal::ZERO }
    } else {
        num * HUNDRED / den
    }
}

/// The value `v` of an actual `a` (scoring.md, "Conversion").
pub fn convert(i: &Indicator, a: Decimal) -> Result<Decimal, ScoreError> {
    let higher = i.polarity == Polarity::HigherIsBetter;
    let two = Decimal::TWO;
    Ok(match i.conversion {
        Conversion::Value => a,
        Conversion::AbsoluteGap => a - need(i.target, "target")?,
        Conversion::PercentGap => {
            let t = need(i.target, "target")?;
            percent(a - t, t, a, i.polarity)
        }
        Conversion::PercentOfTarget | Conversion::RatioOfTarget => {
            let t = need(i.target, "target")?;
            let p = if higher {
                percent(a, t, a, i.polarity)
            } else {
                percent(two * t - a, t, a, i.polarity)
            };
            // A zero divisor gives its result (100 or 0) as it is: a ratio is a percentage
            // divided by 100 only when there was a division.
            if i.conversion == Conversion::RatioOfTarget && !t.is_zero() {
                p / HUNDRED
            } else {
                p
            }
        }
        Conversion::ProgressFromPriorYear => {
            let t = need(i.target, "target")?;
            let py = need(i.prior_year, "prior_year")?;
            if higher {
                if a >= t {
                    HUNDRED
                } else if a <= py {
                    Decimal::ZERO
                } else {
                    (a - py) * HUNDRED / (t - py)
                }
            } else if a <= t {
                HUNDRED
            } else if a >= py {
                Decimal::ZERO
            } else {
                (py - a) * HUNDRED / (py - t)
            }
        }
        Conversion::PercentOfPriorYear => {
            let py = need(i.prior_year, "prior_year")?;
            if higher {
                percent(a, py, a, i.polarity)
            } else {
                percent(two * py - a, py, a, i.polarity)
            }
        }
        Conversion::GapToPriorYear => {
            let py = need(i.prior_year, "prior_year")?;
            percent(a - py, py, a, i.polarity)
        }
        Conversion::Limits | Conversion::LimitsExcellence => limits(i, a)?,
    })
}

/// The limits rules: the order of the limits says which way is better.
fn limits(i: &Indicator, a: Decimal) -> Result<Decimal, ScoreError> {
    let t = need(i.target, "target")?;
    let min = need(i.limit_min, "limit_min")?;
    let max = need(i.limit_max, "limit_max")?;
    let excellence = i.conversion == Conversion::LimitsExcellence;
    let exc = if excellence {
        Some(need(i.limit_excellent, "limit_excellent")?)
    } else {
        None
    };
    let ascending = min <= t && t <= max && exc.is_none_or(|e| max <= e);
    let descending = min >= t && t >= max && exc.is_none_or(|e| max >= e);
    if !ascending && !descending {
        return Err(ScoreError::LimitsOrder);
    }
    // "Before" in the good direction: `x` comes before `y`.
    let before = |x: Decimal, y: Decimal| if ascending { x < y } else { x > y };
    let reached = |x: Decimal, y: Decimal| !before(x, y);
    let over = |from: Decimal, to: Decimal| (a - from) * HUNDRED / (to - from);
    // "At or past Lmax" comes before the bands below it, so limits that meet (Lmin = T = Lmax)
    // give 201 at them; every division below then has a non-zero divisor.
    Ok(if before(a, min) {
        Decimal::NEGATIVE_ONE
    } else if reached(a, max) {
        match exc {
            None => Decimal::from(201),
            Some(e) if reached(a, e) => Decimal::from(301),
            Some(e) => Decimal::from(200) + over(max, e),
        }
    } else if before(a, t) {
        // From the minimum up to the target (not reached).
        over(min, t)
    } else {
        // From the target (reached) up to the maximum (not reached).
        HUNDRED + over(t, max)
    })
}

/// The score `s` of a value `v` under a band rule (scoring.md, "Band").
pub fn band(rule: BandRule, bands: &[Band], v: Decimal) -> Decimal {
    match rule {
        BandRule::None => v,
        BandRule::Direct => bands.iter().find(|b| b.contains(v)).map_or(v, |b| b.factor),
        BandRule::Prorate => match bands.iter().find(|b| b.contains(v)) {
            None => Decimal::ZERO,
            Some(b) if b.prorate && b.thru != b.from => {
                let low = b.factor_min.unwrap_or(Decimal::ZERO);
                low + (v - b.from) * (b.factor - low) / (b.thru - b.from)
            }
            Some(b) => b.factor,
        },
        BandRule::Clamp => {
            let low = bands.iter().map(|b| b.from).min();
            let high = bands.iter().map(|b| b.thru).max();
            match (low, high) {
                (Some(low), Some(high)) => v.max(low).min(high),
                _ => v,
            }
        }
    }
}

/// A JSON number (or numeric text) as an exact decimal: `70.01` stays `70.01`.
pub(crate) fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    optional_number(d)?.ok_or_else(|| serde::de::Error::custom("a number is required"))
}

pub(crate) fn optional_number<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Decimal>, D::Error> {
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(v) => crate::numbers::exact(&v)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("not a number: {v}"))),
    }
}

#[cfg(test)]
mod tests;
