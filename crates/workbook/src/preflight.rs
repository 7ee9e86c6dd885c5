//! Before a workbook reaches the spreadsheet library: every part of the archive is read within a
//! bound, and a sheet whose cells would span a grid larger than any plan needs is refused. The
//! library makes a grid as large as the farthest cell (two cells at A1 and XFD1048576 ask for
//! billions, and an allocation that fails ends the process, which nothing can catch), so the
//! bound is checked here, on the sheets' own XML.

use std::io::{Cursor, Read};

/// The largest part of a workbook read (a sheet, the shared strings, an ODS's content).
const MAX_PART: u64 = 64 * 1024 * 1024;

/// The most cells a sheet's grid may span: a plan of 2,000 cards and 12,000 phases needs about
/// 12,000 × 30.
pub const MAX_CELLS: u64 = 4_000_000;

/// Why a workbook is refused before it is read, in Italian; `None` when it may be read.
pub fn refusal(bytes: &[u8]) -> Option<String> {
    // Not an archive: the library says what it is (or that it is nothing it reads).
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    for i in 0..archive.len() {
        let Ok(part) = archive.by_index(i) else {
            return Some("l'archivio è danneggiato".into());
        };
        let Ok(name) = part.name().map(|n| n.into_owned()) else {
            return Some("l'archivio è danneggiato".into());
        };
        let sheet = name.starts_with("xl/worksheets/") && name.ends_with(".xml");
        let content = name == "content.xml";
        let mut data = Vec::new();
        if part.take(MAX_PART + 1).read_to_end(&mut data).is_err() {
            return Some("l'archivio è danneggiato".into());
        }
        if data.len() as u64 > MAX_PART {
            return Some(format!(
                "la parte «{}» supera i {} MB",
                name.chars().take(80).collect::<String>(),
                MAX_PART / 1024 / 1024
            ));
        }
        let cells = if sheet {
            xlsx_cells(&data)
        } else if content {
            ods_cells(&data)
        } else {
            0
        };
        if cells > MAX_CELLS {
            return Some(format!(
                "un foglio si estende su più di {} celle",
                MAX_CELLS / 1_000_000 * 1_000_000
            ));
        }
    }
    None
}

/// The tags of an XML text: each tag's text from `<` to its `>` (quotes respected).
fn tags(xml: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at + xml.get(at..)?.iter().position(|&b| b == b'<')?;
        let mut quote = None;
        let mut end = start + 1;
        while end < xml.len() {
            let b = xml[end];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'>' => break,
                None => {}
            }
            end += 1;
        }
        at = end.saturating_add(1);
        Some(&xml[start..end.min(xml.len())])
    })
}

/// Whether `tag` is an element named `name` (`<c `, `<c>`, `<c/>`).
fn is(tag: &[u8], name: &[u8]) -> bool {
    tag.len() > name.len()
        && &tag[1..=name.len()] == name
        && matches!(
            tag.get(name.len() + 1),
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'>')
        )
}

/// The value of attribute `name` in `tag`.
fn attribute<'t>(tag: &'t [u8], name: &[u8]) -> Option<&'t [u8]> {
    let mut i = 0;
    while i + name.len() + 2 <= tag.len() {
        if tag[i..].starts_with(name)
            && i > 0
            && tag[i - 1].is_ascii_whitespace()
            && tag.get(i + name.len()) == Some(&b'=')
        {
            let q = *tag.get(i + name.len() + 1)?;
            let rest = &tag[i + name.len() + 2..];
            let end = rest.iter().position(|&b| b == q)?;
            return Some(&rest[..end]);
        }
        i += 1;
    }
    None
}

fn number(value: &[u8]) -> u64 {
    std::str::from_utf8(value)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(u64::MAX)
}

/// The grid an XLSX sheet's cells span: from the first to the farthest row and column named.
fn xlsx_cells(xml: &[u8]) -> u64 {
    let (mut rows, mut cols) = ((u64::MAX, 0u64), (u64::MAX, 0u64));
    let widen = |(lo, hi): &mut (u64, u64), n: u64| {
        *lo = (*lo).min(n);
        *hi = (*hi).max(n);
    };
    for tag in tags(xml) {
        if is(tag, b"row") {
            if let Some(r) = attribute(tag, b"r") {
                widen(&mut rows, number(r));
            }
        } else if is(tag, b"c")
            && let Some(r) = attribute(tag, b"r")
        {
            let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
            let col = r[..letters].iter().fold(0u64, |n, b| {
                n.saturating_mul(26)
                    .saturating_add(u64::from(b.to_ascii_uppercase() - b'A' + 1))
            });
            widen(&mut cols, col);
            widen(&mut rows, number(&r[letters..]));
        }
    }
    let span = |(lo, hi): (u64, u64)| if lo > hi { 0 } else { hi - lo + 1 };
    span(rows).saturating_mul(span(cols).max(1))
}

/// The largest grid an ODS table's rows and repeated cells span, as the library fills it: every
/// row up to the last one with something in it, as wide as the widest such row.
fn ods_cells(xml: &[u8]) -> u64 {
    let mut largest = 0u64;
    let (mut rows, mut last_row, mut width) = (0u64, 0u64, 0u64);
    let (mut row_repeats, mut cols, mut last_col, mut filled) = (1u64, 0u64, 0u64, false);
    for tag in tags(xml) {
        if is(tag, b"table:table") {
            (rows, last_row, width) = (0, 0, 0);
        } else if tag == b"</table:table" {
            largest = largest.max(last_row.saturating_mul(width));
        } else if is(tag, b"table:table-row") {
            row_repeats = attribute(tag, b"table:number-rows-repeated").map_or(1, number);
            (cols, last_col, filled) = (0, 0, false);
        } else if tag == b"</table:table-row" {
            rows = rows.saturating_add(row_repeats);
            if filled {
                last_row = rows;
                width = width.max(last_col);
            }
        } else if is(tag, b"table:table-cell") || is(tag, b"table:covered-table-cell") {
            let repeats = attribute(tag, b"table:number-columns-repeated").map_or(1, number);
            cols = cols.saturating_add(repeats);
            let empty = tag.ends_with(b"/") && attribute(tag, b"office:value-type").is_none();
            if !empty {
                filled = true;
                last_col = cols;
            }
        }
        largest = largest.max(last_row.saturating_mul(width));
    }
    largest
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn an_xlsx_sheets_grid_spans_its_farthest_cells() {
        let sheet = br#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="3"><c r="C3"/></row></sheetData>"#;
        assert_eq!(xlsx_cells(sheet), 9);
        let far = br#"<row r="1"><c r="A1"/></row><row r="1048576"><c r="XFD1048576"/></row>"#;
        assert!(xlsx_cells(far) > MAX_CELLS);
        // A quoted `>` does not hide the reference.
        let hidden = br#"<c t=">" r="XFD1048576"/><c r="A1"/>"#;
        assert!(xlsx_cells(hidden) > MAX_CELLS);
    }

    #[test]
    fn an_ods_tables_grid_counts_repeats_up_to_the_last_filled_cell() {
        let trailing = br#"<table:table table:name="Fasi"><table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1024"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>"#;
        assert_eq!(ods_cells(trailing), 1);
        let wide = br#"<table:table><table:table-row><table:table-cell table:number-columns-repeated="100000000" office:value-type="float" office:value="1"/></table:table-row></table:table>"#;
        assert!(ods_cells(wide) > MAX_CELLS);
        let tall = br#"<table:table><table:table-row table:number-rows-repeated="5000000"><table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table>"#;
        assert!(ods_cells(tall) > MAX_CELLS);
    }
}
