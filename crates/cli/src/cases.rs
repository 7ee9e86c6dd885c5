//! Commands that check an engine on cases (`pegaso score indicators`, `pegaso evaluate
//! schede`, `pegaso rewards distribute`): a JSON array of cases in, a JSON array of results out, in the same order; a
//! case that cannot be computed gives `{ "id": …, "error": … }` and the others go on
//! (evaluation.md §3).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, bail};
use serde_json::{Value, json};

use crate::output;

/// Reads the array of cases in `file` and prints what `one` gives for each, in order. Exits 0
/// once the file is read, whatever the cases give.
pub fn run(file: &Path, one: impl Fn(&Value) -> Result<Value, String>) -> Result<ExitCode> {
    let text = output::read_text(file)?;
    let cases: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => bail!(
            "{} non è JSON valido (riga {}, colonna {})",
            file.display(),
            e.line(),
            e.column()
        ),
    };
    let Value::Array(cases) = cases else {
        bail!("{} deve contenere un array JSON di casi", file.display());
    };
    let results: Vec<Value> = cases
        .iter()
        .map(|case| {
            one(case).unwrap_or_else(|error| {
                json!({ "id": case.get("id").cloned().unwrap_or(Value::Null), "error": error })
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&results)?;
    out.push('\n');
    output::stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}
