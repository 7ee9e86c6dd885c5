//! What the command prints: reading input, the import report, diagnostics and exit codes.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use domain::{Diagnostic, Plan, Severity, Tally, messages as msg};
use serde::Serialize;

/// Reads a text file; text that is not UTF-8 is read with replacement characters and said so.
pub fn read_text(path: &Path) -> Result<String> {
    Ok(decode(path, read_bytes(path)?))
}

/// Reads a file as it is.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("impossibile leggere {}", path.display()))
}

/// The text of a file's bytes; bytes that are not UTF-8 become replacement characters, and
/// the person is told.
pub fn decode(path: &Path, bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            stderr(&format!(
                "attenzione: {} non è in UTF-8; i caratteri non leggibili sono stati sostituiti.\n",
                path.display()
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    }
}

pub fn stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .context("writing to standard output")?;
    out.flush().context("writing to standard output")
}

pub fn stderr(text: &str) {
    // Nothing useful can be done when standard error itself fails.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

pub fn fail(e: &anyhow::Error) {
    let mut text = format!("errore: {e}\n");
    for cause in e.chain().skip(1) {
        text.push_str(&format!("  causa: {cause}\n"));
    }
    stderr(&text);
}

/// 0 when there are no errors (warnings allowed), 1 when there are.
pub fn exit_code(diagnostics: &[Diagnostic]) -> ExitCode {
    if Tally::of(diagnostics).errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// One diagnostic on one line: severity, line, path, message.
pub fn diagnostic_line(d: &Diagnostic) -> String {
    let mut place = String::new();
    if let Some(line) = d.location.line {
        place.push_str(&format!("riga {line}: "));
    }
    if !d.location.path.is_empty() {
        place.push_str(&format!("[{}] ", d.location.path));
    }
    format!("{:<7} {place}{}\n", msg::severity(d.severity), d.message)
}

pub fn tally_line(t: Tally) -> String {
    format!(
        "{} {}, {} {}, {} {}",
        t.errors,
        msg::severity_plural(Severity::Error),
        t.warnings,
        msg::severity_plural(Severity::Warning),
        t.infos,
        msg::severity_plural(Severity::Info)
    )
}

/// The summary of an import.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    entity: &'a str,
    title: &'a str,
    year: i32,
    units: usize,
    objectives: usize,
    phases: usize,
    diagnostics_by_severity: Tally,
    #[serde(skip_serializing_if = "Option::is_none")]
    written_to: Option<String>,
    diagnostics: &'a [Diagnostic],
}

impl<'a> Report<'a> {
    pub fn new(plan: &'a Plan, diagnostics: &'a [Diagnostic], written_to: Option<&Path>) -> Self {
        Report {
            entity: &plan.entity.name,
            title: &plan.title,
            year: plan.year,
            units: plan.units.len(),
            objectives: plan.objectives.len(),
            phases: plan.phase_count(),
            diagnostics_by_severity: Tally::of(diagnostics),
            written_to: written_to.map(|p| p.display().to_string()),
            diagnostics,
        }
    }

    pub fn human(&self) -> String {
        // What the document did not say is said plainly, not left blank.
        let or = |text: &str, missing: &str| {
            if text.is_empty() {
                missing.to_string()
            } else {
                text.to_string()
            }
        };
        let year = if self.year == 0 {
            "anno non trovato".to_string()
        } else {
            format!("PEG {}", self.year)
        };
        let mut s = format!(
            "Importato: {} — {} ({year})\n",
            or(self.entity, "ente non trovato"),
            or(self.title, "titolo non trovato")
        );
        s.push_str(&format!(
            "  {} unità, {} obiettivi, {} fasi\n",
            self.units, self.objectives, self.phases
        ));
        s.push_str(&format!(
            "  Diagnostica: {}\n",
            tally_line(self.diagnostics_by_severity)
        ));
        for d in self.diagnostics {
            s.push_str("  ");
            s.push_str(&diagnostic_line(d));
        }
        if let Some(path) = &self.written_to {
            s.push_str(&format!("Piano scritto in {path}\n"));
        }
        s
    }

    pub fn json(&self) -> Result<String> {
        let mut s = serde_json::to_string_pretty(self).context("serialising the report")?;
        s.push('\n');
        Ok(s)
    }
}
