//! `pegaso check`: a plan JSON against the pegaso.plan/1 schema, then against the plan's rules
//! (`cycle::documents::check_json`, which `import` and the pages use too).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use domain::Tally;

use crate::output;

pub fn run(file: &Path, json: bool) -> Result<ExitCode> {
    let text = output::read_text(file)?;
    let diagnostics = cycle::documents::check_json(&text);
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
