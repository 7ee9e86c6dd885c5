//! A document as the office files it, apart from its format (issue 16, point 2): a title, the
//! administration, the day it speaks of, and blocks — headings, paragraphs, fields (label and
//! value, as a card lists them), tables with their caption and columns, page breaks. The same
//! document becomes PDF/A, DOCX and XLSX in the `documents` crate; the builders here and in
//! `cycle::papers` make it from what the plan and the year hold. Pure data: no format, no I/O.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A column of a table: its heading, whether it holds numbers (aligned right), and whether
/// its cells are long text that a page lays out on a row of its own, across the table, below
/// the row's other cells (so that a long description reads as one paragraph).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub numeric: bool,
    pub wide: bool,
}

impl Column {
    pub fn text(name: &str) -> Column {
        Column {
            name: name.to_owned(),
            numeric: false,
            wide: false,
        }
    }

    pub fn number(name: &str) -> Column {
        Column {
            numeric: true,
            ..Column::text(name)
        }
    }

    /// Long text, on a row of its own across the table in a paged layout.
    pub fn wide(name: &str) -> Column {
        Column {
            wide: true,
            ..Column::text(name)
        }
    }
}

/// A part of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading, level 1 to 3 (level 1 goes in the table of contents).
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    /// Label and value pairs, as an objective card lists its fields.
    Fields(Vec<(String, String)>),
    Table {
        caption: String,
        columns: Vec<Column>,
        rows: Vec<Vec<String>>,
    },
    PageBreak,
}

/// A document to file, sign and publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// What it is («Relazione sulla performance 2021»).
    pub title: String,
    /// The administration's name.
    pub entity: String,
    /// A line under the title, if any.
    pub subtitle: Option<String>,
    /// The day it speaks of or was made on (its metadata's date).
    pub date: NaiveDate,
    /// Whether it opens with a table of contents (its level-1 headings).
    pub contents: bool,
    /// The administration's emblem, above its name, when it uploaded one.
    pub emblem: Option<crate::emblem::Emblem>,
    pub blocks: Vec<Block>,
}

impl Document {
    pub fn new(title: impl Into<String>, entity: impl Into<String>, date: NaiveDate) -> Document {
        Document {
            title: title.into(),
            entity: entity.into(),
            subtitle: None,
            date,
            contents: false,
            emblem: None,
            blocks: Vec::new(),
        }
    }

    pub fn heading(&mut self, level: u8, text: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Heading {
            level: level.clamp(1, 3),
            text: text.into(),
        });
        self
    }

    pub fn paragraph(&mut self, text: impl Into<String>) -> &mut Self {
        let text = text.into();
        if !text.trim().is_empty() {
            self.blocks.push(Block::Paragraph(text));
        }
        self
    }

    /// Label and value pairs; those without a value are left out.
    pub fn fields(&mut self, fields: Vec<(&str, String)>) -> &mut Self {
        let fields: Vec<(String, String)> = fields
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        if !fields.is_empty() {
            self.blocks.push(Block::Fields(fields));
        }
        self
    }

    pub fn table(
        &mut self,
        caption: impl Into<String>,
        columns: Vec<Column>,
        rows: Vec<Vec<String>>,
    ) -> &mut Self {
        self.blocks.push(Block::Table {
            caption: caption.into(),
            columns,
            rows,
        });
        self
    }

    pub fn page_break(&mut self) -> &mut Self {
        self.blocks.push(Block::PageBreak);
        self
    }

    /// Every piece of text, in order: what a reader of any of its formats finds.
    pub fn texts(&self) -> Vec<&str> {
        let mut out = vec![self.title.as_str(), self.entity.as_str()];
        out.extend(self.subtitle.as_deref());
        for b in &self.blocks {
            match b {
                Block::Heading { text, .. } | Block::Paragraph(text) => out.push(text),
                Block::Fields(f) => {
                    for (k, v) in f {
                        out.push(k);
                        out.push(v);
                    }
                }
                Block::Table {
                    caption,
                    columns,
                    rows,
                } => {
                    out.push(caption);
                    out.extend(columns.iter().map(|c| c.name.as_str()));
                    out.extend(rows.iter().flatten().map(String::as_str));
                }
                Block::PageBreak => {}
            }
        }
        out
    }
}

/// A date as Italians write it: `30/06/2022`.
pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A number as Italians write it: `1.234,5`, no trailing zeros, a minus sign `−`.
pub fn number(d: Decimal) -> String {
    let d = d.round_dp(2).normalize();
    let text = d.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(ch);
    }
    let sign = if d.is_sign_negative() && !d.is_zero() {
        "−"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

/// A signed number: `+6`, `−12,5`, `0`.
pub fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", number(d))
    } else {
        number(d)
    }
}

/// A measured value in its unit, shown by `show` (`number` or `signed`): `36 giorni`, `−4%`,
/// «non rilevato» when there is none.
pub fn measured(d: Option<Decimal>, unit: Option<&str>, show: fn(Decimal) -> String) -> String {
    match (d, unit) {
        (None, _) => "non rilevato".into(),
        (Some(d), Some("%")) => format!("{}%", show(d)),
        (Some(d), Some(u)) => format!("{} {u}", show(d)),
        (Some(d), None) => show(d),
    }
}

/// Cents as euros: `1.234,56 €`.
pub fn money(cents: i64) -> String {
    let whole = Decimal::new(cents, 2);
    let n = number(whole.trunc());
    let sign = if cents < 0 && n.starts_with('−') {
        ""
    } else if cents < 0 {
        "−"
    } else {
        ""
    };
    format!("{sign}{n},{:02} €", cents.unsigned_abs() % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_italian_way() {
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        assert_eq!(number(d("1234.50")), "1.234,5");
        assert_eq!(number(d("-0.5")), "−0,5");
        assert_eq!(signed(d("6")), "+6");
        assert_eq!(signed(d("-12.5")), "−12,5");
        assert_eq!(money(422_222), "4.222,22 €");
        assert_eq!(money(5), "0,05 €");
        assert_eq!(money(-150), "−1,50 €");
        assert_eq!(measured(None, Some("giorni"), number), "non rilevato");
        assert_eq!(measured(Some(d("36")), Some("giorni"), number), "36 giorni");
        assert_eq!(measured(Some(d("-4")), Some("%"), signed), "−4%");
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2022, 6, 30).unwrap_or_default()),
            "30/06/2022"
        );
    }

    #[test]
    fn empty_fields_and_paragraphs_are_left_out() {
        let mut doc = Document::new("T", "Comune", NaiveDate::default());
        doc.paragraph("  ")
            .fields(vec![("Vincoli", String::new()), ("Risorse", "due".into())]);
        assert_eq!(
            doc.blocks,
            [Block::Fields(vec![("Risorse".into(), "due".into())])]
        );
        assert_eq!(doc.texts(), ["T", "Comune", "Risorse", "due"]);
    }
}
