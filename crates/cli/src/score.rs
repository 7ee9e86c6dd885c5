//! `pegaso score indicators CASES.json`: scores indicator cases with the engine of
//! `domain::scoring` and prints the results as JSON, in the cases' order (scoring.md §4).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;
use domain::scoring::indicator::{Indicator, Outcome, score};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Subcommand)]
pub enum ScoreCommand {
    /// Calcola i casi di indicatori di un file JSON (un array) e stampa i risultati in JSON.
    Indicators {
        /// Il file dei casi: un array JSON di oggetti come in docs/scoring.md.
        file: std::path::PathBuf,
    },
}

pub fn run(command: ScoreCommand) -> Result<ExitCode> {
    match command {
        ScoreCommand::Indicators { file } => indicators(&file),
    }
}

fn indicators(file: &Path) -> Result<ExitCode> {
    crate::cases::run(file, |case| {
        serde_json::to_value(result(case)).map_err(|e| e.to_string())
    })
}

/// A case's result, its fields in the order scoring.md shows them.
#[derive(Debug, Serialize)]
pub struct CaseResult {
    pub id: Value,
    pub value: Option<f64>,
    pub score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The fields a case may have: any other is a mistake worth saying (a misspelt `actual`
/// would otherwise read as "no actual").
const FIELDS: [&str; 13] = [
    "id",
    "conversion",
    "polarity",
    "actual",
    "target",
    "prior_year",
    "limit_min",
    "limit_max",
    "limit_excellent",
    "band",
    "bands",
    "no_actual",
    "allow_negative",
];

/// One case's result: `id`, `value`, `score`, and `status` or `error` when there is no score.
/// A malformed case gets its error and the others go on.
pub fn result(case: &Value) -> CaseResult {
    let mut r = CaseResult {
        id: case.get("id").cloned().unwrap_or(Value::Null),
        value: None,
        score: None,
        status: None,
        error: None,
    };
    let unknown = case
        .as_object()
        .and_then(|fields| fields.keys().find(|k| !FIELDS.contains(&k.as_str())));
    if let Some(field) = unknown {
        r.error = Some(format!("invalid case: unknown field `{field}`"));
        return r;
    }
    let mut fields = case.clone();
    if let Some(map) = fields.as_object_mut() {
        map.remove("id");
    }
    match serde_json::from_value::<Indicator>(fields) {
        Err(e) => r.error = Some(format!("invalid case: {e}")),
        Ok(indicator) => match score(&indicator) {
            Outcome::Scored { value, score } => {
                r.value = value.and_then(number);
                r.score = number(score);
            }
            Outcome::NotMeasurable(_) => r.status = Some("not_measurable"),
            Outcome::Invalid(e) => r.error = Some(e.to_string()),
        },
    }
    r
}

/// A decimal as a JSON number: the nearest double (machines compare with a tolerance).
fn number(d: Decimal) -> Option<f64> {
    d.to_f64()
}
