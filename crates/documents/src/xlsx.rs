//! XLSX with `rust_xlsxwriter`: the sheet «Documento» holds the title and every heading,
//! paragraph and field in order; each kind of table (the same columns) gets its own sheet, its
//! rows from every table of that kind, led by the section they belong to (the nearest heading).
//! Numbers written the Italian way go in as numbers. The administration's emblem, when it has
//! one, is in the printed header of «Documento».

use report::document::{Block, Column, Document};
use rust_xlsxwriter::{Format, HeaderImagePosition, Image, Workbook, XlsxError};

/// A number as the document writes it (`1.234,5`, `−6`, `12,50 €`, `40%`), if it is one.
fn number(text: &str) -> Option<f64> {
    let t = text
        .trim()
        .trim_end_matches('€')
        .trim_end_matches('%')
        .trim()
        .replace('−', "-")
        .replace('.', "")
        .replace(',', ".");
    let t = t.strip_prefix('+').unwrap_or(&t);
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        return None;
    }
    t.parse().ok()
}

/// A sheet's name: at most 31 characters, none of `[]:*?/\`, unique in `taken`.
fn sheet_name(caption: &str, taken: &[String]) -> String {
    let clean: String = caption
        .chars()
        .filter(|c| !"[]:*?/\\'".contains(*c))
        .take(28)
        .collect();
    let clean = clean.trim().to_owned();
    let base = if clean.is_empty() {
        "Tabella".to_owned()
    } else {
        clean
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{} {n}", base.chars().take(26).collect::<String>());
        n += 1;
    }
    name
}

struct Kind<'a> {
    name: String,
    columns: &'a [Column],
    rows: Vec<(String, &'a [String])>,
}

fn build(doc: &Document) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let mut kinds: Vec<Kind<'_>> = Vec::new();
    let mut names = vec!["Documento".to_owned()];
    {
        let sheet = book.add_worksheet().set_name("Documento")?;
        sheet.set_column_width(0, 40)?;
        sheet.set_column_width(1, 100)?;
        if let Some(emblem) = &doc.emblem {
            // About 1.6 cm high on the printed page (60 pixels at 96 dpi).
            let scale = 60.0 / f64::from(emblem.height.max(1));
            let image = Image::new_from_buffer(&emblem.png)?
                .set_scale_height(scale)
                .set_scale_width(scale)
                .set_alt_text(format!("Stemma: {}", doc.entity));
            sheet.set_header(format!("&L&[Picture]&R{}", doc.entity.replace('&', "&&")));
            sheet.set_header_image(&image, HeaderImagePosition::Left)?;
        }
        sheet.write_string_with_format(0, 0, &doc.title, &bold)?;
        sheet.write_string(1, 0, &doc.entity)?;
        let mut row = 2;
        if let Some(sub) = &doc.subtitle {
            sheet.write_string(row, 0, sub)?;
            row += 1;
        }
        sheet.write_string(row, 0, report::document::date(doc.date))?;
        row += 2;
        let mut section = String::new();
        for b in &doc.blocks {
            match b {
                Block::Heading { text, .. } => {
                    section.clone_from(text);
                    sheet.write_string_with_format(row, 0, text, &bold)?;
                    row += 1;
                }
                Block::Paragraph(text) => {
                    sheet.write_string(row, 1, text)?;
                    row += 1;
                }
                Block::Fields(fields) => {
                    for (label, value) in fields {
                        sheet.write_string(row, 0, label)?;
                        sheet.write_string(row, 1, value)?;
                        row += 1;
                    }
                }
                Block::Table {
                    caption,
                    columns,
                    rows,
                } => {
                    sheet.write_string(row, 0, format!("Tabella: {caption}"))?;
                    row += 1;
                    let at = match kinds.iter().position(|k| k.columns == columns.as_slice()) {
                        Some(i) => i,
                        None => {
                            let name = sheet_name(caption, &names);
                            names.push(name.clone());
                            kinds.push(Kind {
                                name,
                                columns,
                                rows: Vec::new(),
                            });
                            kinds.len() - 1
                        }
                    };
                    kinds[at]
                        .rows
                        .extend(rows.iter().map(|r| (section.clone(), r.as_slice())));
                }
                Block::PageBreak => {}
            }
        }
    }
    for kind in &kinds {
        let sheet = book.add_worksheet().set_name(&kind.name)?;
        sheet.write_string_with_format(0, 0, "Sezione", &bold)?;
        sheet.set_column_width(0, 40)?;
        for (i, c) in kind.columns.iter().enumerate() {
            let col = u16::try_from(i + 1).unwrap_or(u16::MAX);
            sheet.write_string_with_format(0, col, &c.name, &bold)?;
            sheet.set_column_width(col, if c.numeric { 14 } else { 40 })?;
        }
        for (r, (section, cells)) in kind.rows.iter().enumerate() {
            let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
            sheet.write_string(row, 0, section)?;
            for (i, c) in kind.columns.iter().enumerate() {
                let col = u16::try_from(i + 1).unwrap_or(u16::MAX);
                let text = cells.get(i).map_or("", String::as_str);
                match number(text).filter(|_| c.numeric) {
                    Some(n) => sheet.write_number(row, col, n)?,
                    None => sheet.write_string(row, col, text)?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    book.save_to_buffer()
}

pub(crate) fn xlsx(doc: &Document) -> Result<Vec<u8>, String> {
    build(doc).map_err(|e| format!("XLSX writing failed: {e}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn italian_numbers_go_in_as_numbers() {
        assert_eq!(super::number("1.234,5"), Some(1234.5));
        assert_eq!(super::number("−6"), Some(-6.0));
        assert_eq!(super::number("+6"), Some(6.0));
        assert_eq!(super::number("12,50 €"), Some(12.5));
        assert_eq!(super::number("40%"), Some(40.0));
        assert_eq!(super::number("non rilevato"), None);
        assert_eq!(super::number(""), None);
        assert_eq!(super::number("1a"), None);
    }

    #[test]
    fn sheet_names_are_short_clean_and_unique() {
        let taken = vec!["Fasi".to_owned()];
        assert_eq!(super::sheet_name("Fasi", &taken), "Fasi 2");
        let long = super::sheet_name("Fasi: dell'obiettivo [A] / unità * lunga davvero", &[]);
        assert!(long.chars().count() <= 31 && !long.contains(['[', ':', '/', '*']));
    }
}
