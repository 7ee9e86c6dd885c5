//! Diagnostics: what the importer and the validator found, with where and an Italian message.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How serious a diagnostic is: errors make a plan unusable, warnings ask a person to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

named_enum! { serde "kebab-case";
    /// Stable identifiers of every diagnostic, for machines and logs (English, kebab-case).
    #[derive(PartialOrd, Ord, Hash)]
    pub enum Code {
        // Rules of the plan (validate).
        PeriodInvalid,
        YearOutsidePeriod,
        DuplicateId,
        DuplicateLabel,
        DuplicateCode,
        ObjectiveIdMismatch,
        UnknownUnit,
        UnknownResponsible,
        HeadPeriod,
        NoPhases,
        WeightMissing,
        WeightsSum,
        UnknownPhase,
        DeadlineCycle,
        DeadlineOutsidePeriod,
        SurveySum,
        TextTooLong,
        DateImplausible,
        EntityCode,
        UnknownObjective,
        UnknownStrategy,
        UnknownRisk,
        PiaoSectionMissing,
        PiaoLayout,
        PiaoRiskAreas,
        // Reading documents (import).
        UnplacedLine,
        DeadlineUnrecognised,
        WeightUnreadable,
        MissingField,
        NoObjectives,
        UnmatchedRow,
        // Reading workbooks (workbook).
        WorkbookUnreadable,
        SheetMissing,
        ColumnMissing,
        CellUnreadable,
        RowUnplaced,
        // Reading plan JSON (check).
        InvalidJson,
        Schema,
    }
}

/// Where a diagnostic points: a path into the plan JSON and, for imports, the source line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Path into the plan document, e.g. `objectives[3].phases[1].deadline`; "" for the whole.
    pub path: String,
    /// 1-based line of the source document, when the diagnostic comes from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub location: Location,
    /// What a person should know, in Italian.
    pub message: String,
}

impl Diagnostic {
    pub fn new(code: Code, severity: Severity, path: impl Into<String>, message: String) -> Self {
        Diagnostic {
            code,
            severity,
            location: Location {
                path: path.into(),
                line: None,
            },
            message,
        }
    }

    pub fn error(code: Code, path: impl Into<String>, message: String) -> Self {
        Diagnostic::new(code, Severity::Error, path, message)
    }

    pub fn warning(code: Code, path: impl Into<String>, message: String) -> Self {
        Diagnostic::new(code, Severity::Warning, path, message)
    }

    pub fn info(code: Code, path: impl Into<String>, message: String) -> Self {
        Diagnostic::new(code, Severity::Info, path, message)
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.location.line = Some(line);
        self
    }
}

/// The English one-liner for logs: severity, code and place (the message stays for people).
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        write!(f, "{sev} {}", self.code.as_str())?;
        if !self.location.path.is_empty() {
            write!(f, " at {}", self.location.path)?;
        }
        if let Some(line) = self.location.line {
            write!(f, " (line {line})")?;
        }
        Ok(())
    }
}

/// How many diagnostics of each severity a list holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Tally {
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let mut t = Tally::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Info => t.infos += 1,
            }
        }
        t
    }
}
