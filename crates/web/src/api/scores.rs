//! `GET /plans/{plan}/scores`: every objective's, unit's and the administration's score with
//! what it was computed from (the rule, each phase's and indicator's line, the weights), the
//! same explanation the cards show as "come è calcolato".

use axum::Json;
use domain::access::{Action, decide};
use domain::messages;
use domain::scoring::indicator::Outcome;
use domain::scoring::phases::{PhaseScore, PhaseStatus};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use schemars::JsonSchema;
use serde::Serialize;

use super::{ApiResult, PlanCall};
use crate::cache::Part;
use crate::error::{AppError, Problem};
use crate::paths;

/// A plan's scores as of a day.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Scores {
    pub plan: domain::PlanId,
    /// The day the scores are computed for (completions after it do not count).
    pub measured_on: chrono::NaiveDate,
    /// How phases become a score, in words.
    pub phase_rule: String,
    /// The administration's organisational score; null when nothing is measurable.
    pub administration: Option<f64>,
    pub units: Vec<UnitScoreBody>,
    pub objectives: Vec<ObjectiveScoreBody>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct UnitScoreBody {
    pub unit: String,
    pub score: Option<f64>,
    /// Its weight in the administration's score.
    pub weight: f64,
    /// Its objectives' ids.
    pub objectives: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ObjectiveScoreBody {
    pub id: String,
    /// 0-100; null when not measurable.
    pub score: Option<f64>,
    /// Its weight within its unit.
    pub weight: f64,
    /// Set when the evaluator neutralised it: it leaves its unit's mean.
    pub neutralised: Option<NeutralisationBody>,
    /// An indicator under the `block` policy waits for its actual.
    pub blocked: bool,
    pub phases_weight: f64,
    pub indicators_weight: f64,
    pub phases: PhasesBody,
    pub indicators: Vec<IndicatorScoreBody>,
    /// The computation in one Italian sentence, as the card says it.
    pub explanation: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct NeutralisationBody {
    pub reason: String,
    pub decided_by: String,
    pub decided_at: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PhasesBody {
    pub score: Option<f64>,
    /// `scored`, `not_measurable` or `empty_weights`.
    pub status: &'static str,
    /// The phases of the year's slice, each as it counted.
    pub lines: Vec<PhaseLineBody>,
    /// Labels of phases of other years' slices (left out).
    pub other_years: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PhaseLineBody {
    pub phase: String,
    pub weight: f64,
    pub due: Option<chrono::NaiveDate>,
    pub done_on: Option<chrono::NaiveDate>,
    /// `on_time`, `late`, `not_done` or `neutralised`.
    pub status: &'static str,
    pub late_days: Option<i64>,
    /// The weight it earned.
    pub earned: f64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct IndicatorScoreBody {
    /// Its position on the card, from 1.
    pub position: usize,
    pub text: String,
    pub weight: f64,
    pub actual: Option<f64>,
    /// The conversion rule (scoring.md, section 2).
    pub conversion: domain::scoring::indicator::Conversion,
    pub band: domain::scoring::indicator::BandRule,
    /// `v` after conversion.
    pub value: Option<f64>,
    pub score: Option<f64>,
    /// `scored`, `not_measurable` or `invalid`.
    pub status: &'static str,
    /// Why there is no score, in Italian.
    pub detail: Option<String>,
    pub neutralised: bool,
}

fn num(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

pub async fn scores(
    PlanCall { at, v, actor }: PlanCall<paths::api::Scores>,
) -> ApiResult<Json<Scores>> {
    decide(actor.as_ref(), Action::ReadProgress, v.summary.state)
        .map_err(|r| Problem(AppError::refused(r)))?;
    let s = v.scores(crate::today());
    let plan = &v.plan;
    let objectives = plan
        .objectives
        .iter()
        .zip(&s.objectives)
        .enumerate()
        .map(|(oi, (o, os))| {
            let (status, lines) = match &os.phases {
                PhaseScore::Scored { lines, .. } => ("scored", lines.as_slice()),
                PhaseScore::NotMeasurable => ("not_measurable", &[][..]),
                PhaseScore::EmptyWeights => ("empty_weights", &[][..]),
            };
            let lines = lines
                .iter()
                .zip(&os.in_slice)
                .map(|(l, &i)| PhaseLineBody {
                    phase: o.phases[i].label.as_str().to_owned(),
                    weight: num(l.weight),
                    due: os.due.get(i).copied().flatten(),
                    done_on: v.record(oi, i).and_then(|r| r.completed_on),
                    status: match l.status {
                        PhaseStatus::OnTime => "on_time",
                        PhaseStatus::Late { .. } => "late",
                        PhaseStatus::NotDone => "not_done",
                        PhaseStatus::Neutralised => "neutralised",
                    },
                    late_days: match l.status {
                        PhaseStatus::Late { days } => Some(days),
                        _ => None,
                    },
                    earned: num(l.earned),
                })
                .collect();
            let indicators = os
                .indicators
                .iter()
                .map(|i| {
                    let rule = &v.settings.indicators[i.setting].rule;
                    let (value, score, status, detail) = match &i.outcome {
                        Outcome::Scored { value, score } => {
                            (value.map(num), Some(num(*score)), "scored", None)
                        }
                        Outcome::NotMeasurable(p) => (
                            None,
                            None,
                            "not_measurable",
                            Some(messages::no_actual(*p).to_owned()),
                        ),
                        Outcome::Invalid(e) => {
                            (None, None, "invalid", Some(messages::score_error(e)))
                        }
                    };
                    IndicatorScoreBody {
                        position: i.position + 1,
                        text: o.indicators.get(i.position).cloned().unwrap_or_default(),
                        weight: num(i.weight),
                        actual: i.actual.map(num),
                        conversion: rule.conversion,
                        band: rule.band,
                        value,
                        score,
                        status,
                        detail,
                        neutralised: i.neutralised,
                    }
                })
                .collect();
            let neutralised = v
                .subject(oi, Part::Whole)
                .and_then(|k| v.monitoring.neutralisation(&k).cloned())
                .map(|n| NeutralisationBody {
                    reason: n.reason,
                    decided_by: n.decided_by,
                    decided_at: n.decided_at.to_rfc3339(),
                });
            ObjectiveScoreBody {
                id: o.id.as_str().to_owned(),
                score: os.score.map(num),
                weight: num(os.weight),
                neutralised,
                blocked: os.blocked,
                phases_weight: num(os.phases_weight),
                indicators_weight: num(os.indicators_weight),
                phases: PhasesBody {
                    score: os.phases_score().map(num),
                    status,
                    lines,
                    other_years: o
                        .phases
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| !os.in_slice.contains(i))
                        .map(|(_, p)| p.label.as_str().to_owned())
                        .collect(),
                },
                indicators,
                explanation: crate::pages::score_sentence(os),
            }
        })
        .collect();
    let units = plan
        .units
        .iter()
        .zip(&s.units)
        .map(|(u, us)| UnitScoreBody {
            unit: u.id.as_str().to_owned(),
            score: us.score.map(num),
            weight: num(us.weight),
            objectives: us
                .objectives
                .iter()
                .map(|&i| plan.objectives[i].id.as_str().to_owned())
                .collect(),
        })
        .collect();
    Ok(Json(Scores {
        plan: at.plan,
        measured_on: crate::today(),
        phase_rule: messages::phase_method(&v.settings.phases),
        administration: s.administration.map(num),
        units,
        objectives,
    }))
}
