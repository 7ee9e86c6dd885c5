//! PDF/A through Typst embedded as a library: one `World` with the fonts of `typst-assets`
//! (read once), the layout of `paper.typ` as its main file, the document as `/data.json` and
//! the administration's emblem as `/emblem.png`, nothing from disk or the network. The PDF is PDF/A-2a: tagged, every font embedded, XMP
//! metadata with the PDF/A identification, an sRGB output intent.

use std::sync::LazyLock;

use chrono::Datelike;
use report::document::{Block, Document};
use serde_json::{Value, json};
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

/// The layout, as the main file.
const LAYOUT: &str = include_str!("paper.typ");

/// Typst's standard library and the fonts of `typst-assets`, made once per process.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

/// One document to typeset.
struct Paper {
    main: Source,
    data: Bytes,
    emblem: Option<Bytes>,
    today: Option<Datetime>,
}

impl World for Paper {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let name = id.vpath().as_rootless_path().to_str();
        match (id.package(), name, &self.emblem) {
            (None, Some("data.json"), _) => Ok(self.data.clone()),
            (None, Some("emblem.png"), Some(emblem)) => Ok(emblem.clone()),
            _ => Err(FileError::NotFound(id.vpath().as_rootless_path().into())),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        self.today
    }
}

/// Whether a character can go into the PDF/A: a font has it, and it is not one the standard
/// refuses (private use, non-characters, the byte order mark).
fn printable(c: char) -> bool {
    let private = matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{10FFFF}');
    let non_character =
        matches!(c, '\u{FDD0}'..='\u{FDEF}' | '\u{FEFF}') || (u32::from(c) & 0xFFFE) == 0xFFFE;
    c.is_ascii()
        || (!private
            && !non_character
            && SHARED
                .fonts
                .iter()
                .any(|f| f.info().coverage.contains(u32::from(c))))
}

/// Every text of the document's data as the PDF/A can show it: a character no font has (an
/// emoji, an ideogram) or the standard refuses becomes «?», so that one such character in a
/// plan does not keep its papers from being made.
pub(crate) fn printable_texts(value: &mut Value) {
    match value {
        Value::String(text) if !text.chars().all(printable) => {
            *text = text
                .chars()
                .map(|c| if printable(c) { c } else { '?' })
                .collect();
        }
        Value::Array(items) => items.iter_mut().for_each(printable_texts),
        Value::Object(fields) => fields.values_mut().for_each(printable_texts),
        _ => {}
    }
}

/// The cells of column `i`.
fn cells(rows: &[Vec<String>], i: usize) -> impl Iterator<Item = &str> {
    rows.iter()
        .filter_map(move |r| r.get(i).map(String::as_str))
}

/// A column's share of a table's width, from what it holds: its longest cell (up to 60
/// characters, where a long text wraps anyway), never less than its heading's longest word.
/// Given to the layout as fractions, so that Typst need not measure every cell to size the
/// columns (a table's automatic widths are most of a long plan's typesetting time).
fn width<'a>(heading: &str, cells: impl Iterator<Item = &'a str>) -> usize {
    let word = heading
        .split_whitespace()
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0);
    let longest = cells
        .flat_map(str::lines)
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    longest.min(60).max(word).max(3)
}

/// The document as the layout reads it.
pub(crate) fn data(doc: &Document) -> Value {
    let blocks: Vec<Value> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Heading { level, text } => {
                json!({ "kind": "heading", "level": level, "text": text })
            }
            Block::Paragraph(text) => json!({ "kind": "paragraph", "text": text }),
            Block::Fields(fields) => json!({
                "kind": "fields",
                "fields": fields.iter().map(|(k, v)| [k, v]).collect::<Vec<_>>(),
            }),
            Block::Table {
                caption,
                columns,
                rows,
            } => {
                // Long text columns go on a row of their own across the table, so that a
                // description reads (and is extracted) as one paragraph: above the row's other
                // cells when the column comes before them, below when after.
                let narrow: Vec<usize> = (0..columns.len()).filter(|&i| !columns[i].wide).collect();
                let first = narrow.first().copied().unwrap_or(usize::MAX);
                let widths: Vec<usize> = narrow
                    .iter()
                    .map(|&i| width(&columns[i].name, cells(rows, i)))
                    .collect();
                let rows: Vec<Value> = rows
                    .iter()
                    .map(|r| {
                        let cell = |i: usize| r.get(i).map_or(String::new(), String::clone);
                        let wide = |above: bool| -> Vec<Value> {
                            columns
                                .iter()
                                .enumerate()
                                .filter(|(i, c)| {
                                    c.wide
                                        && (*i < first) == above
                                        && r.get(*i).is_some_and(|t| !t.trim().is_empty())
                                })
                                .map(|(i, c)| json!([c.name, cell(i)]))
                                .collect()
                        };
                        json!({
                            "above": wide(true),
                            "cells": narrow.iter().map(|&i| cell(i)).collect::<Vec<_>>(),
                            "below": wide(false),
                        })
                    })
                    .collect();
                json!({
                    "kind": "table",
                    "caption": caption,
                    "columns": narrow.iter().zip(&widths).map(|(&i, w)| json!({
                        "name": columns[i].name,
                        "numeric": columns[i].numeric,
                        "width": w,
                    })).collect::<Vec<_>>(),
                    "rows": rows,
                })
            }
            Block::PageBreak => json!({ "kind": "break" }),
        })
        .collect();
    json!({
        "title": doc.title,
        "entity": doc.entity,
        "subtitle": doc.subtitle,
        "date": [doc.date.year(), doc.date.month(), doc.date.day()],
        "day": report::document::date(doc.date),
        "contents": doc.contents,
        "emblem": doc.emblem.is_some(),
        "blocks": blocks,
    })
}

fn diagnostics(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// `doc` as a PDF/A-2a file.
pub(crate) fn pdf(doc: &Document) -> Result<Vec<u8>, String> {
    let mut data = data(doc);
    printable_texts(&mut data);
    let data = serde_json::to_vec(&data).map_err(|e| e.to_string())?;
    let day = Datetime::from_ymd(
        doc.date.year(),
        u8::try_from(doc.date.month()).unwrap_or(1),
        u8::try_from(doc.date.day()).unwrap_or(1),
    );
    let paper = Paper {
        main: Source::new(
            FileId::new(None, VirtualPath::new("paper.typ")),
            LAYOUT.to_owned(),
        ),
        data: Bytes::new(data),
        emblem: doc.emblem.as_ref().map(|e| Bytes::new(e.png.clone())),
        today: day,
    };
    let typeset: PagedDocument = typst::compile(&paper)
        .output
        .map_err(|e| format!("typesetting failed: {}", diagnostics(&e)))?;
    let standards =
        PdfStandards::new(&[PdfStandard::A_2a]).map_err(|e| format!("PDF standards: {e}"))?;
    let ident = format!("pegaso/{}/{}", doc.entity, doc.title);
    let options = PdfOptions {
        ident: Smart::Custom(&ident),
        timestamp: day.map(typst_pdf::Timestamp::new_utc),
        page_ranges: None,
        standards,
        tagged: true,
    };
    typst_pdf::pdf(&typeset, &options)
        .map_err(|e| format!("PDF export failed: {}", diagnostics(&e)))
}
