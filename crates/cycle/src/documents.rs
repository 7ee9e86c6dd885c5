//! A file made into a plan, one way for the command line (`pegaso import`) and the pages («Nuovo
//! piano», «Da un documento»): a workbook (XLSX, ODS: told by its content, or by its name when
//! the content does not say), a word processor's document (DOCX, ODT: `import::import_office`),
//! a `pegaso.plan/1` document (text that opens with `{`, checked against the schema and the
//! rules), or else the text of a PEG (`import::import_text`).

use domain::{Code, Diagnostic, Plan, Severity, messages as msg, validate};

/// The largest document a page takes to make a plan from.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// What a file is, as far as making a plan goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A spreadsheet as `workbook` reads it (docs/xlsx.md).
    Workbook,
    /// A `pegaso.plan/1` document.
    Json,
    /// The text of a PEG, as converted from PDF or DOCX.
    Text,
    /// A word processor's document (DOCX, ODT), by its content.
    Office,
    /// A file of another kind that holds no text to read (an image, an archive, a PDF), by
    /// its content; the extension it has.
    Other(&'static str),
}

/// A plan read from a file, with every finding of reading it.
#[derive(Debug, Clone)]
pub struct Read {
    pub plan: Plan,
    pub diagnostics: Vec<Diagnostic>,
    pub kind: Kind,
    /// Text that was not UTF-8: the characters that could not be read were replaced.
    pub replaced: bool,
}

/// A file that holds no plan: why, in Italian (lower case, as a sentence goes on), and the
/// findings that say where.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct Unreadable {
    pub kind: Kind,
    pub message: String,
    pub findings: Vec<Diagnostic>,
}

/// What the file named `name` with these bytes is: by its content first, by its name when the
/// content does not say.
pub fn kind(name: &str, bytes: &[u8]) -> Kind {
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let named_workbook = matches!(extension.as_str(), "xlsx" | "ods");
    match infer::get(bytes).map(|k| k.extension()) {
        Some("xlsx" | "ods") => Kind::Workbook,
        Some("docx" | "odt") => Kind::Office,
        // Some spreadsheets look like any archive at first: their name says.
        Some("zip") if named_workbook => Kind::Workbook,
        // Any other archive: a word processor's document, if `import_office` finds one in it.
        Some("zip") => Kind::Office,
        _ if import::is_zip(bytes) => Kind::Office,
        Some(other @ ("doc" | "pdf" | "png" | "jpg" | "gif")) => Kind::Other(other),
        Some(other) if !is_text(bytes) => Kind::Other(other),
        _ if named_workbook => Kind::Workbook,
        _ if String::from_utf8_lossy(bytes).trim_start().starts_with('{') => Kind::Json,
        _ => Kind::Text,
    }
}

/// Whether the bytes read as text (a few control characters aside).
fn is_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    std::str::from_utf8(head).is_ok_and(|s| {
        !s.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    })
}

/// The plan in the file named `name`, or why there is none. Never panics, on any bytes.
pub fn read(name: &str, bytes: &[u8]) -> Result<Read, Unreadable> {
    let kind = kind(name, bytes);
    let text = || match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), false),
        Err(_) => (String::from_utf8_lossy(bytes).into_owned(), true),
    };
    let done = |plan, diagnostics, replaced| {
        Ok(Read {
            plan,
            diagnostics,
            kind,
            replaced,
        })
    };
    match kind {
        Kind::Workbook => {
            let read = workbook::read(bytes);
            match read.plan {
                Some(plan) => done(plan, read.diagnostics, false),
                None => Err(Unreadable {
                    kind,
                    message: "il foglio di calcolo non contiene un piano leggibile".into(),
                    findings: read.diagnostics,
                }),
            }
        }
        Kind::Json => {
            let (text, replaced) = text();
            let diagnostics = check_json(&text);
            match serde_json::from_str::<Plan>(&text) {
                Ok(plan) => done(plan, diagnostics, replaced),
                Err(_) => Err(Unreadable {
                    kind,
                    message: "il file non è un piano pegaso.plan/1 valido".into(),
                    findings: diagnostics,
                }),
            }
        }
        Kind::Text => {
            let (text, replaced) = text();
            let import = import::import_text(&text);
            done(import.plan, import.diagnostics, replaced)
        }
        Kind::Office => match import::import_office(bytes) {
            Ok(import) => done(import.plan, import.diagnostics, false),
            Err(e) => Err(Unreadable {
                kind,
                message: format!("impossibile importare il documento: {e}"),
                findings: Vec::new(),
            }),
        },
        Kind::Other(extension) => Err(Unreadable {
            kind,
            message: format!(
                "il file è un {} e non contiene un piano: si leggono fogli di calcolo (.xlsx, \
                 .ods), documenti (.docx, .odt), piani pegaso.plan/1 (.json) e il testo di un \
                 piano (.txt)",
                extension.to_uppercase()
            ),
            findings: Vec::new(),
        }),
    }
}

/// Every finding about a `pegaso.plan/1` document: JSON syntax, then the schema, then the
/// plan's rules.
pub fn check_json(text: &str) -> Vec<Diagnostic> {
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

/// Whether the findings hold an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
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

    #[test]
    fn files_are_told_by_content_then_by_name() {
        assert_eq!(kind("piano.txt", b"  {\"format\": 1}"), Kind::Json);
        assert_eq!(kind("piano.xlsx", b"Ente;Anno\n"), Kind::Workbook);
        assert_eq!(
            kind("peg.txt", "Città di Prova\nPEG".as_bytes()),
            Kind::Text
        );
        assert_eq!(kind("x.txt", b"%PDF-1.4\n%\xe2\xe3"), Kind::Other("pdf"));
        let zip = b"PK\x03\x04\x14\0\0\0\0\0";
        assert_eq!(kind("piano.ods", zip), Kind::Workbook);
        // Another archive is offered to the word processors' reader, which says it is none.
        assert_eq!(kind("archivio.zip", zip), Kind::Office);
        let archive = read("archivio.zip", zip).unwrap_err();
        assert!(
            archive
                .message
                .starts_with("impossibile importare il documento: "),
            "{}",
            archive.message
        );
        let png = read("x.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err();
        assert!(png.message.contains("PNG"), "{}", png.message);
        let json = read("p.json", b"{ not json").unwrap_err();
        assert_eq!(json.kind, Kind::Json);
        assert!(json.findings[0].message.contains("riga 1"));
    }
}
