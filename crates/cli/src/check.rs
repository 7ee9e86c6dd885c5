//! `pegaso check`: a plan JSON against the pegaso.plan/1 schema, then against the plan's rules.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use domain::{Code, Diagnostic, Plan, Tally, messages as msg, validate};

use crate::output;

pub fn run(file: &Path, json: bool) -> Result<ExitCode> {
    let text = output::read_text(file)?;
    let diagnostics = check_text(&text);
    let report = if json {
        let mut s = serde_json::to_string_pretty(&diagnostics)?;
        s.push('\n');
        s
    } else {
        let mut s = String::new();
        for d in &diagnostics {
            s.push_str(&output::diagnostic_line(d));
        }
        let verdict = if Tally::of(&diagnostics).errors == 0 {
            "valido"
        } else {
            "non valido"
        };
        s.push_str(&format!(
            "{}: piano {verdict} ({})\n",
            file.display(),
            output::tally_line(Tally::of(&diagnostics))
        ));
        s
    };
    output::stdout(&report)?;
    Ok(output::exit_code(&diagnostics))
}

/// Every finding about a plan document: JSON syntax, then schema, then the rules.
pub fn check_text(text: &str) -> Vec<Diagnostic> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let detail = format!("riga {}, colonna {}: {e}", e.line(), e.column());
            return vec![
                Diagnostic::error(Code::InvalidJson, "", msg::invalid_json(&detail))
                    .at_line(e.line()),
            ];
        }
    };
    let schema = domain::schema::plan_schema();
    let schema_errors: Vec<Diagnostic> = match jsonschema::validator_for(&schema) {
        Ok(validator) => validator
            .iter_errors(&value)
            .map(|e| {
                Diagnostic::error(
                    Code::Schema,
                    pointer_to_path(&e.instance_path().to_string()),
                    msg::schema(&e.to_string()),
                )
            })
            .collect(),
        Err(e) => vec![Diagnostic::error(
            Code::Schema,
            "",
            msg::schema(&e.to_string()),
        )],
    };
    if !schema_errors.is_empty() {
        return schema_errors;
    }
    match serde_json::from_value::<Plan>(value) {
        Ok(plan) => validate(&plan),
        Err(e) => vec![Diagnostic::error(
            Code::Schema,
            "",
            msg::schema(&e.to_string()),
        )],
    }
}

/// `/objectives/3/phases/1` → `objectives[3].phases[1]`, the paths the rules use.
fn pointer_to_path(pointer: &str) -> String {
    let mut out = String::new();
    for part in pointer.split('/').skip(1) {
        if part.parse::<usize>().is_ok() {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&part.replace("~1", "/").replace("~0", "~"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_become_paths() {
        assert_eq!(
            pointer_to_path("/objectives/3/phases/1/label"),
            "objectives[3].phases[1].label"
        );
        assert_eq!(pointer_to_path(""), "");
    }
}
