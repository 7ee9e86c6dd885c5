//! The workbook's layout, written once for both directions: its sheets, their columns, what
//! each column holds and which field of the plan it comes from (docs/xlsx.md describes it).

use std::sync::LazyLock;

use domain::piao::{Layout, MeasureKind, RiskArea, RiskLevel};
use domain::{EntityKind, UnitKind};

/// What a column holds, which decides how it is written, validated and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text.
    Text,
    /// Several texts, one per line of the cell.
    Lines,
    /// A whole number (a year, a headcount, days).
    Integer,
    /// A decimal between 0 and 100 (a weight, a share).
    Percent,
    /// A calendar day, written as a date.
    Date,
    /// One of a list of words, offered as the cell's drop-down list.
    List(&'static [&'static str]),
}

/// A column: its header, what it holds, whether a workbook must have it, and the field of the
/// plan it carries (the last part of the path that the plan's rules name, for pointing at it).
#[derive(Debug, Clone)]
pub struct Column {
    pub header: String,
    pub kind: Kind,
    pub required: bool,
    pub field: String,
    /// Width in characters, for a readable sheet.
    pub width: f64,
}

/// A sheet: its name, whether a workbook must have it, and its columns in order.
#[derive(Debug)]
pub struct Sheet {
    pub name: &'static str,
    pub required: bool,
    pub columns: Vec<Column>,
}

impl Sheet {
    /// The position of the column with this header (headers are written once, here).
    pub fn column(&self, header: &str) -> usize {
        self.columns
            .iter()
            .position(|c| c.header == header)
            .unwrap_or_else(|| unreachable_column(self.name, header))
    }

    /// The column carrying this field of an item, if any.
    pub fn column_of_field(&self, field: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.field == field)
    }
}

#[allow(clippy::panic)]
fn unreachable_column(sheet: &str, header: &str) -> ! {
    // A header asked for by the code and missing from the layout above is a bug of this
    // crate, caught by every test that writes a workbook.
    panic!("layout: sheet {sheet} has no column {header}")
}

pub const YES: &str = "sì";
pub const NO: &str = "no";
pub const YES_NO: &[&str] = &[YES, NO];

/// The words of a kind of administration's and of unit's lists: their names in the plan
/// format.
pub static ENTITY_KINDS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| EntityKind::ALL.iter().map(|k| k.as_str()).collect());
pub static UNIT_KINDS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| UnitKind::ALL.iter().map(|k| k.as_str()).collect());

/// The words of the PIAO's lists: their names in the plan format.
pub static LAYOUTS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| Layout::ALL.iter().map(|k| k.as_str()).collect());
pub static RISK_AREAS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| RiskArea::ALL.iter().map(|k| k.as_str()).collect());
pub static RISK_LEVELS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| RiskLevel::ALL.iter().map(|k| k.as_str()).collect());
pub static MEASURE_KINDS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| MeasureKind::ALL.iter().map(|k| k.as_str()).collect());

/// The kinds of deadline, in the words of the sheet (and of the plan's forms).
pub use domain::deadline::kind_word as deadline_kind;

/// The parts of a deadline's columns, after the deadline's own name (`Scadenza: tipo`).
pub mod deadline_part {
    pub const KIND: &str = "tipo";
    pub const DATE: &str = "data";
    pub const PHASE: &str = "dopo la fase";
    pub const POINT: &str = "punto della fase";
    pub const EVENT: &str = "evento";
    pub const DAYS: &str = "giorni";
    pub const MONTHS: &str = "mesi";
    pub const TENTATIVE: &str = "presunta";
    pub const TEXT: &str = "come scritta";
}

pub const PLAN: &str = "Piano";
pub const STRATEGY: &str = "Strategia";
pub const RESPONSIBLES: &str = "Codifica";
pub const UNITS: &str = "Unità";
pub const HEADS: &str = "Responsabili";
pub const FUNCTIONS: &str = "Funzioni";
pub const STAFF: &str = "Personale";
pub const OBJECTIVES: &str = "Obiettivi";
pub const PHASES: &str = "Fasi";
pub const INDICATORS: &str = "Indicatori";
pub const SURVEYS: &str = "Indagini";
pub const PIAO: &str = "PIAO";
pub const PUBLIC_VALUE: &str = "Valore pubblico";
pub const RISKS: &str = "Rischi";
pub const MEASURES: &str = "Misure";
pub const STAFF_NEEDS: &str = "Fabbisogni";

/// The sheets of the PIAO's other parts: a plan has a PIAO when any of them has a row.
pub const PIAO_SHEETS: [&str; 5] = [PIAO, PUBLIC_VALUE, RISKS, MEASURES, STAFF_NEEDS];

/// The columns of the `PIAO` sheet's one row: the layout, the registry (section 1) and the
/// sections' paragraphs, with the field each carries under `piao.` in the plan.
pub mod piao_column {
    pub const LAYOUT: &str = "Modello";
    pub const TAX_CODE: &str = "Codice fiscale";
    pub const ADDRESS: &str = "Indirizzo";
    pub const PEC: &str = "PEC";
    pub const WEBSITE: &str = "Sito web";
    pub const REPRESENTATIVE: &str = "Rappresentante legale";
    pub const STAFF: &str = "Dipendenti";
    pub const ACCESSIBILITY: &str = "Accessibilità";
    pub const SIMPLIFICATION: &str = "Semplificazione";
    pub const RPCT: &str = "RPCT";
    pub const CONTEXT: &str = "Contesto";
    pub const TRANSPARENCY: &str = "Trasparenza";
    pub const STRUCTURE: &str = "Struttura organizzativa";
    pub const REMOTE_WORK: &str = "Lavoro agile";
    pub const HIRING: &str = "Capacità assunzionale";
    pub const TRAINING: &str = "Formazione";
    pub const MONITORING: &str = "Monitoraggio";
}

/// The header of one part of a deadline's columns.
pub fn deadline_header(name: &str, part: &str) -> String {
    format!("{name}: {part}")
}

fn col(header: &str, kind: Kind, required: bool, field: &str, width: f64) -> Column {
    Column {
        header: header.to_owned(),
        kind,
        required,
        field: field.to_owned(),
        width,
    }
}

/// The nine columns of a deadline named `name`, carried by the fields `field` and
/// `text_field` of its item.
fn deadline_columns(name: &str, field: &str, text_field: &str, required: bool) -> Vec<Column> {
    use deadline_part as p;
    let h = |part| deadline_header(name, part);
    vec![
        col(
            &h(p::KIND),
            Kind::List(deadline_kind::ALL),
            required,
            field,
            16.0,
        ),
        col(&h(p::DATE), Kind::Date, false, field, 12.0),
        col(&h(p::PHASE), Kind::Text, false, field, 10.0),
        col(&h(p::POINT), Kind::Text, false, field, 10.0),
        col(&h(p::EVENT), Kind::Text, false, field, 24.0),
        col(&h(p::DAYS), Kind::Integer, false, field, 8.0),
        col(&h(p::MONTHS), Kind::Integer, false, field, 8.0),
        col(&h(p::TENTATIVE), Kind::List(YES_NO), false, field, 9.0),
        col(&h(p::TEXT), Kind::Text, false, text_field, 24.0),
    ]
}

pub const UNIT_COLUMN: &str = "Unità";
pub const OBJECTIVE_COLUMN: &str = "Obiettivo";

/// Every sheet of the workbook, in the order they are written.
pub static SHEETS: LazyLock<Vec<Sheet>> = LazyLock::new(|| {
    use Kind::*;
    let unit_ref = || col(UNIT_COLUMN, Text, true, "unit", 28.0);
    let objective_ref = || col(OBJECTIVE_COLUMN, Text, true, "label", 10.0);
    let mut objectives = vec![
        unit_ref(),
        objective_ref(),
        col("Titolo", Text, true, "title", 48.0),
        col(
            "Finalità strategiche",
            Text,
            false,
            "strategic_purpose",
            40.0,
        ),
        col("Direttive", Text, false, "directives", 40.0),
        col("Tempistica", Text, false, "timing", 20.0),
    ];
    objectives.extend(deadline_columns(
        "Scadenza finale",
        "final_deadline",
        "final_deadline_text",
        false,
    ));
    objectives.extend(deadline_columns(
        "Scadenza annualità",
        "year_deadline",
        "year_deadline_text",
        false,
    ));
    objectives.extend([
        col("Risultato atteso", Text, false, "expected_result", 40.0),
        col(
            "Obiettivo raggiunto al 100%",
            Text,
            false,
            "full_achievement",
            40.0,
        ),
        col("Obiettivo non raggiunto", Text, false, "not_achieved", 40.0),
        col("Vincoli", Text, false, "constraints", 30.0),
        col("Risorse umane", Text, false, "human_resources", 30.0),
        col(
            "Risorse finanziarie",
            Text,
            false,
            "financial_resources",
            30.0,
        ),
    ]);
    let mut phases = vec![
        unit_ref(),
        objective_ref(),
        col("Fase", Text, true, "label", 8.0),
        col("Descrizione", Text, true, "description", 60.0),
        col("Incidenza %", Percent, true, "weight_pct", 11.0),
        col("Responsabili", Lines, false, "responsible", 16.0),
    ];
    phases.extend(deadline_columns(
        "Scadenza",
        "deadline",
        "deadline_text",
        true,
    ));
    vec![
        Sheet {
            name: PLAN,
            required: true,
            columns: vec![
                col("Ente", Text, true, "entity.name", 36.0),
                col(
                    "Tipo di ente",
                    List(ENTITY_KINDS.as_slice()),
                    true,
                    "entity.kind",
                    18.0,
                ),
                col("Codice IPA", Text, false, "entity.code", 12.0),
                col("Titolo", Text, true, "title", 40.0),
                col("Triennio dal", Integer, true, "period", 12.0),
                col("Triennio al", Integer, true, "period", 12.0),
                col("Anno", Integer, true, "year", 8.0),
            ],
        },
        Sheet {
            name: STRATEGY,
            required: false,
            columns: vec![
                col("Linea", Text, true, "id", 8.0),
                col("Asse", Text, true, "id", 8.0),
                col("Testo", Text, true, "text", 80.0),
            ],
        },
        Sheet {
            name: RESPONSIBLES,
            required: false,
            columns: vec![
                col("Codice", Text, true, "code", 10.0),
                col("Ruolo", Text, true, "title", 80.0),
            ],
        },
        Sheet {
            name: UNITS,
            required: true,
            columns: vec![
                col(UNIT_COLUMN, Text, true, "id", 28.0),
                col("Tipo", List(UNIT_KINDS.as_slice()), true, "kind", 18.0),
                col("Nome", Text, true, "name", 60.0),
                col("Area", Text, false, "parent", 28.0),
                col("Codice responsabile", Text, false, "responsible_code", 12.0),
            ],
        },
        Sheet {
            name: HEADS,
            required: false,
            columns: vec![
                unit_ref(),
                col("Nome", Text, true, "name", 36.0),
                col("Ruolo", Text, false, "role", 30.0),
                col("Dal", Date, false, "from", 12.0),
                col("Al", Date, false, "until", 12.0),
            ],
        },
        Sheet {
            name: FUNCTIONS,
            required: false,
            columns: vec![unit_ref(), col("Funzione", Text, true, "", 80.0)],
        },
        Sheet {
            name: STAFF,
            required: false,
            columns: vec![unit_ref(), col("Addetti", Integer, true, "staff", 10.0)],
        },
        Sheet {
            name: OBJECTIVES,
            required: true,
            columns: objectives,
        },
        Sheet {
            name: PHASES,
            required: true,
            columns: phases,
        },
        Sheet {
            name: INDICATORS,
            required: false,
            columns: vec![
                unit_ref(),
                objective_ref(),
                col("Indicatore", Text, true, "", 80.0),
            ],
        },
        Sheet {
            name: SURVEYS,
            required: false,
            columns: vec![
                col("Servizio", Text, true, "service", 40.0),
                col("Anno", Integer, false, "year", 8.0),
                col("Positivi %", Percent, true, "positive_pct", 11.0),
                col("Neutri %", Percent, true, "neutral_pct", 11.0),
                col("Negativi %", Percent, true, "negative_pct", 11.0),
            ],
        },
        Sheet {
            name: PIAO,
            required: false,
            columns: {
                use piao_column as p;
                vec![
                    col(p::LAYOUT, List(LAYOUTS.as_slice()), false, "layout", 14.0),
                    col(p::TAX_CODE, Text, false, "registry.tax_code", 14.0),
                    col(p::ADDRESS, Text, false, "registry.address", 30.0),
                    col(p::PEC, Text, false, "registry.pec", 26.0),
                    col(p::WEBSITE, Text, false, "registry.website", 26.0),
                    col(
                        p::REPRESENTATIVE,
                        Text,
                        false,
                        "registry.representative",
                        26.0,
                    ),
                    col(p::STAFF, Integer, false, "registry.staff", 10.0),
                    col(
                        p::ACCESSIBILITY,
                        Text,
                        false,
                        "public_value.accessibility",
                        40.0,
                    ),
                    col(
                        p::SIMPLIFICATION,
                        Text,
                        false,
                        "public_value.simplification",
                        40.0,
                    ),
                    col(p::RPCT, Text, false, "anticorruption.rpct", 26.0),
                    col(p::CONTEXT, Text, false, "anticorruption.context", 40.0),
                    col(
                        p::TRANSPARENCY,
                        Text,
                        false,
                        "anticorruption.transparency",
                        40.0,
                    ),
                    col(p::STRUCTURE, Text, false, "organisation.structure", 40.0),
                    col(
                        p::REMOTE_WORK,
                        Text,
                        false,
                        "organisation.remote_work",
                        40.0,
                    ),
                    col(p::HIRING, Text, false, "organisation.hiring", 40.0),
                    col(p::TRAINING, Text, false, "organisation.training", 40.0),
                    col(p::MONITORING, Text, false, "monitoring", 40.0),
                ]
            },
        },
        Sheet {
            name: PUBLIC_VALUE,
            required: false,
            columns: vec![
                col("Codice", Text, true, "id", 8.0),
                col("Titolo", Text, true, "title", 40.0),
                col("Descrizione", Text, false, "description", 48.0),
                col("Linee del DUP", Lines, false, "strategy", 12.0),
                col("Obiettivi", Lines, false, "objectives", 24.0),
            ],
        },
        Sheet {
            name: RISKS,
            required: false,
            columns: vec![
                col("Codice", Text, true, "id", 8.0),
                col("Area", List(RISK_AREAS.as_slice()), true, "area", 16.0),
                col("Processo", Text, true, "process", 40.0),
                col("Descrizione", Text, false, "description", 48.0),
                col(
                    "Livello",
                    List(RISK_LEVELS.as_slice()),
                    false,
                    "level",
                    10.0,
                ),
            ],
        },
        Sheet {
            name: MEASURES,
            required: false,
            columns: vec![
                col("Codice", Text, true, "id", 8.0),
                col("Tipo", List(MEASURE_KINDS.as_slice()), true, "kind", 14.0),
                col("Testo", Text, true, "text", 48.0),
                col("Rischi", Lines, false, "risks", 10.0),
                col("Obiettivi", Lines, false, "objectives", 24.0),
                col(UNIT_COLUMN, Text, false, "unit", 28.0),
                col("Scadenza", Date, false, "deadline", 12.0),
                col("Indicatore", Text, false, "indicator", 40.0),
            ],
        },
        Sheet {
            name: STAFF_NEEDS,
            required: false,
            columns: vec![
                col("Profilo", Text, true, "profile", 40.0),
                col("Dipendenti", Integer, true, "staff", 11.0),
                col("Assunzioni", Integer, false, "hires", 11.0),
            ],
        },
    ]
});

/// The sheet of this name in the layout.
pub fn sheet(name: &str) -> &'static Sheet {
    SHEETS
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| unreachable_column(name, ""))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Excel takes sheet names of 31 characters at most; sheets and a sheet's columns are found
    /// by name with case and accents ignored, so no two may read the same.
    #[test]
    fn names_fit_and_differ() {
        let fold = |s: &str| -> String {
            s.to_lowercase()
                .chars()
                .flat_map(domain::values::fold_accent)
                .collect()
        };
        let mut sheets = std::collections::HashSet::new();
        for sheet in SHEETS.iter() {
            assert!(sheet.name.chars().count() <= 31, "{}", sheet.name);
            assert!(sheets.insert(fold(sheet.name)), "{}", sheet.name);
            let mut headers = std::collections::HashSet::new();
            for column in &sheet.columns {
                assert!(
                    headers.insert(fold(&column.header)),
                    "{}: {}",
                    sheet.name,
                    column.header
                );
            }
        }
        for name in PIAO_SHEETS {
            assert!(!sheet(name).required, "{name}");
        }
    }

    /// docs/xlsx.md describes every sheet and column the code writes and reads.
    #[test]
    fn the_documentation_names_every_sheet_and_column() {
        let docs = include_str!("../../../docs/xlsx.md");
        for sheet in SHEETS.iter() {
            let title = format!("### `{}`", sheet.name);
            assert!(docs.contains(&title), "docs/xlsx.md lacks {title}");
            let section = docs.split(&title).nth(1).unwrap_or_default();
            let section = section.split("\n### ").next().unwrap_or_default();
            for column in &sheet.columns {
                let name = match column.header.split_once(": ") {
                    Some((deadline, _)) => format!("`{deadline}: …`"),
                    None => format!("`{}`", column.header),
                };
                assert!(
                    section.contains(&name),
                    "docs/xlsx.md: sheet {} lacks {name}",
                    sheet.name
                );
                if column.required {
                    let row = section
                        .lines()
                        .find(|l| l.starts_with(&format!("| {name}")))
                        .unwrap_or_default();
                    assert!(
                        row.contains("**required**"),
                        "docs/xlsx.md: {} of {} is required",
                        column.header,
                        sheet.name
                    );
                }
            }
        }
        for part in [
            deadline_part::KIND,
            deadline_part::DATE,
            deadline_part::PHASE,
            deadline_part::POINT,
            deadline_part::EVENT,
            deadline_part::DAYS,
            deadline_part::MONTHS,
            deadline_part::TENTATIVE,
            deadline_part::TEXT,
        ] {
            assert!(docs.contains(&format!("| `…: {part}` |")), "{part}");
        }
        for word in deadline_kind::ALL
            .iter()
            .chain(ENTITY_KINDS.iter())
            .chain(UNIT_KINDS.iter())
            .chain(LAYOUTS.iter())
            .chain(RISK_AREAS.iter())
            .chain(RISK_LEVELS.iter())
            .chain(MEASURE_KINDS.iter())
        {
            assert!(docs.contains(&format!("`{word}`")), "{word}");
        }
    }
}
