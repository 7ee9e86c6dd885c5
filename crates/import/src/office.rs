//! Office documents (DOCX, ODT) read into the lines the text importer reads: each paragraph a
//! line, each table row a line of tab-separated cells, in document order; then `import_text`.

use std::io::{Cursor, Read};

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::reader::NsReader;
use zip::ZipArchive;
use zip::result::ZipError;

use crate::{Import, import_text};

/// The most an office document may give once decompressed: its body part, and the text read
/// from it. Beyond it the document is refused, never read further.
pub const MAX_BYTES: usize = 64 << 20;

/// Columns one cell may stand for (a span or a repetition): more is no table of a plan.
const MAX_SPAN: usize = 256;

const DOCX_BODY: &str = "word/document.xml";
const ODT_BODY: &str = "content.xml";
const ODT_MIMETYPE: &str = "application/vnd.oasis.opendocument.text";

const NS_WORD: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const NS_WORD_STRICT: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";
const NS_COMPAT: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const NS_TEXT: &str = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
const NS_TABLE: &str = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
const NS_OFFICE: &str = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";

type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Why an office document could not be read. Shown to people: the words are Italian; the
/// cause, when there is one, is the library's (English) and goes to logs.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error("il file è un archivio ZIP ma non un documento di testo DOCX o ODT")]
    NotADocument,
    #[error("il documento è danneggiato: l'archivio ZIP non si legge")]
    Archive(#[source] Cause),
    #[error(
        "il documento è troppo grande: {part} supera {} MiB una volta decompresso",
        MAX_BYTES >> 20
    )]
    TooLarge { part: &'static str },
    #[error("il documento è danneggiato: {part} non è testo UTF-8")]
    Encoding { part: &'static str },
    #[error("il documento è danneggiato: {part} non è XML valido (al byte {position})")]
    Xml {
        part: &'static str,
        position: u64,
        #[source]
        cause: Cause,
    },
}

/// Whether the bytes open as a ZIP archive (the container of DOCX, ODT, XLSX, ODS…).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Reads a DOCX or ODT document, recognised from its bytes, as `import_text` reads text.
pub fn import_office(bytes: &[u8]) -> Result<Import, OfficeError> {
    Ok(import_text(&office_text(bytes)?))
}

/// The text of a DOCX or ODT document as the lines `import_text` reads, joined by `\n`.
pub fn office_text(bytes: &[u8]) -> Result<String, OfficeError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(archive)?;
    let (kind, part) = if zip.index_for_name(DOCX_BODY).is_some() {
        (Kind::Docx, DOCX_BODY)
    } else if zip.index_for_name(ODT_BODY).is_some()
        && zip.index_for_name("mimetype").is_some()
        && read_part(&mut zip, "mimetype", 256)
            .is_ok_and(|m| m.trim_ascii() == ODT_MIMETYPE.as_bytes())
    {
        (Kind::Odt, ODT_BODY)
    } else {
        return Err(OfficeError::NotADocument);
    };
    let xml = read_part(&mut zip, part, MAX_BYTES)?;
    let xml = std::str::from_utf8(&xml).map_err(|_| OfficeError::Encoding { part })?;
    read_xml(kind, part, xml.strip_prefix('\u{feff}').unwrap_or(xml))
}

fn archive(e: ZipError) -> OfficeError {
    OfficeError::Archive(Box::new(e))
}

/// One part of the archive, decompressed up to `limit` bytes: more is refused. The size the
/// archive claims is not trusted for the allocation.
fn read_part(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    part: &'static str,
    limit: usize,
) -> Result<Vec<u8>, OfficeError> {
    let file = zip.by_name(part).map_err(archive)?;
    let mut out = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap)
        .read_to_end(&mut out)
        .map_err(|e| OfficeError::Archive(Box::new(e)))?;
    if out.len() > limit {
        return Err(OfficeError::TooLarge { part });
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Docx,
    Odt,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ns {
    Word,
    Compat,
    Text,
    Table,
    Office,
    Other,
}

impl Ns {
    fn of(resolved: &ResolveResult<'_>) -> Ns {
        match resolved {
            ResolveResult::Bound(Namespace(uri)) => match *uri {
                NS_WORD | NS_WORD_STRICT => Ns::Word,
                NS_COMPAT => Ns::Compat,
                NS_TEXT => Ns::Text,
                NS_TABLE => Ns::Table,
                NS_OFFICE => Ns::Office,
                _ => Ns::Other,
            },
            _ => Ns::Other,
        }
    }
}

/// What an element means for the lines.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    /// Its whole content is left out (properties, deleted text, notes, comments…).
    Skip,
    Paragraph,
    /// DOCX `w:t`: the text of a run.
    Text,
    Tab,
    Break,
    /// A number of spaces (ODT `text:s`).
    Spaces,
    /// DOCX `w:noBreakHyphen`.
    Hyphen,
    Table,
    Row,
    Cell,
    /// DOCX `w:gridSpan`: the open cell spans more columns.
    Span,
    /// Anything else: its content is read, it adds nothing.
    Other,
}

fn role(kind: Kind, ns: Ns, local: &str) -> Role {
    match (kind, ns) {
        (Kind::Docx, Ns::Word) => match local {
            "p" => Role::Paragraph,
            "t" => Role::Text,
            "tab" => Role::Tab,
            "br" | "cr" => Role::Break,
            "noBreakHyphen" => Role::Hyphen,
            "tbl" => Role::Table,
            "tr" => Role::Row,
            "tc" => Role::Cell,
            "gridSpan" => Role::Span,
            // Properties hold tab stops (`w:tab` too) and no text; deleted and moved-away
            // text is not the document's.
            "pPr" | "rPr" | "sectPr" | "tblPr" | "tblGrid" | "trPr" | "del" | "moveFrom" => {
                Role::Skip
            }
            _ => Role::Other,
        },
        // The fallback repeats, for old readers, the content its `mc:Choice` has.
        (Kind::Docx, Ns::Compat) if local == "Fallback" => Role::Skip,
        (Kind::Odt, Ns::Text) => match local {
            "p" | "h" => Role::Paragraph,
            "tab" => Role::Tab,
            "line-break" => Role::Break,
            "s" => Role::Spaces,
            // Footnotes sit inside the paragraph that cites them; the sources of indexes
            // hold templates, not text.
            "note" | "tracked-changes" | "ruby-text" => Role::Skip,
            _ if local.ends_with("-source") => Role::Skip,
            _ => Role::Other,
        },
        (Kind::Odt, Ns::Table) => match local {
            "table" => Role::Table,
            "table-row" => Role::Row,
            "table-cell" | "covered-table-cell" => Role::Cell,
            _ => Role::Other,
        },
        (Kind::Odt, Ns::Office) if local == "annotation" => Role::Skip,
        _ => Role::Other,
    }
}

/// An attribute's value by its local name, as a count: `None` when absent or not a number.
fn count_attribute(e: &BytesStart<'_>, local: &str) -> Option<usize> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| a.value.trim().parse().ok())
}

fn read_xml(kind: Kind, part: &'static str, xml: &str) -> Result<String, OfficeError> {
    let mut reader = NsReader::from_str(xml);
    let mut lines = Lines::new(part);
    // Depth inside a skipped element; 0 when reading.
    let mut skip = 0usize;
    // Inside DOCX `w:t`, where a run's text is.
    let mut in_text = false;
    loop {
        let (resolved, event) = match reader.read_resolved_event() {
            Ok(x) => x,
            Err(e) => {
                return Err(OfficeError::Xml {
                    part,
                    position: reader.error_position(),
                    cause: Box::new(e),
                });
            }
        };
        let ns = Ns::of(&resolved);
        match event {
            Event::Eof => break,
            Event::Start(_) | Event::Empty(_) | Event::End(_) if skip > 0 => {
                if matches!(event, Event::Start(_)) {
                    skip += 1;
                } else if matches!(event, Event::End(_)) {
                    skip -= 1;
                }
            }
            _ if skip > 0 => {}
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                match role(kind, ns, e.local_name().as_ref()) {
                    Role::Skip if !empty => skip = 1,
                    Role::Skip | Role::Other => {}
                    Role::Paragraph => {
                        lines.open_paragraph();
                        if empty {
                            lines.close_paragraph()?;
                        }
                    }
                    Role::Text => in_text = !empty,
                    Role::Tab => lines.text("\t")?,
                    Role::Break => lines.line_break()?,
                    Role::Spaces => {
                        let n = count_attribute(e, "c").unwrap_or(1);
                        lines.spaces(n)?;
                    }
                    Role::Hyphen => lines.text("-")?,
                    Role::Table => {
                        lines.open_table();
                        if empty {
                            lines.close_table()?;
                        }
                    }
                    Role::Row => {
                        lines.open_row()?;
                        if empty {
                            lines.close_row()?;
                        }
                    }
                    Role::Cell => {
                        let copies = count_attribute(e, "number-columns-repeated").unwrap_or(1);
                        lines.open_cell(copies)?;
                        if empty {
                            lines.close_cell()?;
                        }
                    }
                    Role::Span => {
                        if let Some(n) = count_attribute(e, "val") {
                            lines.span(n);
                        }
                    }
                }
            }
            Event::End(e) => match role(kind, ns, e.local_name().as_ref()) {
                Role::Paragraph => lines.close_paragraph()?,
                Role::Text => in_text = false,
                Role::Table => lines.close_table()?,
                Role::Row => lines.close_row()?,
                Role::Cell => lines.close_cell()?,
                _ => {}
            },
            Event::Text(t) => match kind {
                Kind::Docx if in_text => lines.text(&t.xml10_content())?,
                Kind::Odt => lines.odt_text(&t.xml10_content())?,
                Kind::Docx => {}
            },
            Event::CData(t) => match kind {
                Kind::Docx if in_text => lines.text(&t.xml10_content())?,
                Kind::Odt => lines.odt_text(&t.xml10_content())?,
                Kind::Docx => {}
            },
            Event::GeneralRef(r) if kind == Kind::Odt || in_text => {
                let bad = |position: u64| OfficeError::Xml {
                    part,
                    position,
                    cause: format!("unknown entity &{};", &*r).into(),
                };
                let position = reader.buffer_position();
                let mut utf8 = [0u8; 4];
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => &*c.encode_utf8(&mut utf8),
                    Ok(None) => resolve_predefined_entity(&r).ok_or_else(|| bad(position))?,
                    Err(_) => return Err(bad(position)),
                };
                lines.text(text)?;
            }
            _ => {}
        }
    }
    lines.finish()
}

/// A table being read: its open row and the open cell of that row.
#[derive(Debug, Default)]
struct TableState {
    row: Option<Vec<String>>,
    cell: Option<CellState>,
}

#[derive(Debug, Default)]
struct CellState {
    text: String,
    /// How many columns the cell's text fills (ODT's repeated cells).
    copies: usize,
    /// Empty columns after it (DOCX's spanned columns).
    blanks: usize,
}

/// The lines as they are made: paragraphs open (a text box's inside another's), tables open
/// (a table inside a cell), and what may still be written before the document is too large.
#[derive(Debug)]
struct Lines {
    part: &'static str,
    done: Vec<String>,
    paragraphs: Vec<String>,
    tables: Vec<TableState>,
    budget: usize,
}

impl Lines {
    fn new(part: &'static str) -> Self {
        Lines {
            part,
            done: Vec::new(),
            paragraphs: Vec::new(),
            tables: Vec::new(),
            budget: MAX_BYTES,
        }
    }

    /// Counts bytes about to be written; refuses past the limit, before anything is allocated.
    fn spend(&mut self, n: usize) -> Result<(), OfficeError> {
        self.budget = self
            .budget
            .checked_sub(n)
            .ok_or(OfficeError::TooLarge { part: self.part })?;
        Ok(())
    }

    fn text(&mut self, text: &str) -> Result<(), OfficeError> {
        if self.paragraphs.is_empty() {
            return Ok(());
        }
        self.spend(text.len())?;
        if let Some(p) = self.paragraphs.last_mut() {
            // A line ends only where the document breaks it.
            p.extend(
                text.chars()
                    .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
            );
        }
        Ok(())
    }

    /// ODT text: runs of white space are one space, none at a paragraph's start (ODF 6.1.2);
    /// spaces the document means are `text:s`.
    fn odt_text(&mut self, text: &str) -> Result<(), OfficeError> {
        let Some(p) = self.paragraphs.last() else {
            return Ok(());
        };
        let mut space = p.is_empty() || p.ends_with(' ');
        let mut out = String::with_capacity(text.len().min(self.budget));
        for c in text.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                if !space {
                    out.push(' ');
                }
                space = true;
            } else {
                out.push(c);
                space = false;
            }
        }
        self.text(&out)
    }

    fn spaces(&mut self, n: usize) -> Result<(), OfficeError> {
        if self.paragraphs.is_empty() {
            return Ok(());
        }
        self.spend(n)?;
        if let Some(p) = self.paragraphs.last_mut() {
            p.extend(std::iter::repeat_n(' ', n));
        }
        Ok(())
    }

    fn open_paragraph(&mut self) {
        self.paragraphs.push(String::new());
    }

    fn close_paragraph(&mut self) -> Result<(), OfficeError> {
        match self.paragraphs.pop() {
            Some(text) => self.deliver(self.tables.len(), text),
            None => Ok(()),
        }
    }

    /// A break inside a paragraph: what came before it is a line.
    fn line_break(&mut self) -> Result<(), OfficeError> {
        match self.paragraphs.last_mut() {
            Some(p) => {
                let text = std::mem::take(p);
                self.deliver(self.tables.len(), text)
            }
            None => Ok(()),
        }
    }

    /// A line made at table depth `depth`: into the open cell of the table holding it
    /// (its paragraphs joined by a space, no tab that would make a column), else a line.
    fn deliver(&mut self, depth: usize, line: String) -> Result<(), OfficeError> {
        let depth = depth.min(self.tables.len());
        let cell = self.tables[..depth]
            .last_mut()
            .and_then(|t| t.cell.as_mut());
        match cell {
            Some(cell) => {
                if !line.trim().is_empty() {
                    if !cell.text.is_empty() {
                        cell.text.push(' ');
                    }
                    cell.text
                        .extend(line.trim().chars().map(|c| if c == '\t' { ' ' } else { c }));
                }
            }
            None => {
                self.spend(1)?;
                self.done.push(line);
            }
        }
        Ok(())
    }

    fn open_table(&mut self) {
        self.tables.push(TableState::default());
    }

    fn close_table(&mut self) -> Result<(), OfficeError> {
        self.close_row()?;
        self.tables.pop();
        Ok(())
    }

    fn open_row(&mut self) -> Result<(), OfficeError> {
        self.close_row()?;
        if let Some(t) = self.tables.last_mut() {
            t.row = Some(Vec::new());
        }
        Ok(())
    }

    /// A row is one line, its cells separated by tabs as `pdftotext` and the seed's text give
    /// them; a table inside a cell gives that cell its rows, separated by spaces.
    fn close_row(&mut self) -> Result<(), OfficeError> {
        self.close_cell()?;
        let Some(cells) = self.tables.last_mut().and_then(|t| t.row.take()) else {
            return Ok(());
        };
        let inner = self.tables.len() > 1;
        let line = cells.join(if inner { " " } else { "\t" });
        self.deliver(self.tables.len() - 1, line)
    }

    fn open_cell(&mut self, copies: usize) -> Result<(), OfficeError> {
        self.close_cell()?;
        if let Some(t) = self.tables.last_mut() {
            t.row.get_or_insert_with(Vec::new);
            t.cell = Some(CellState {
                text: String::new(),
                copies: copies.clamp(1, MAX_SPAN),
                blanks: 0,
            });
        }
        Ok(())
    }

    fn span(&mut self, columns: usize) {
        if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            cell.blanks = columns.clamp(1, MAX_SPAN) - 1;
        }
    }

    fn close_cell(&mut self) -> Result<(), OfficeError> {
        let Some(t) = self.tables.last_mut() else {
            return Ok(());
        };
        let Some(cell) = t.cell.take() else {
            return Ok(());
        };
        let size = (cell.text.len().saturating_add(1))
            .saturating_mul(cell.copies)
            .saturating_add(cell.blanks);
        self.spend(size)?;
        if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
            for _ in 1..cell.copies {
                row.push(cell.text.clone());
            }
            row.push(cell.text);
            row.extend(std::iter::repeat_n(String::new(), cell.blanks));
        }
        Ok(())
    }

    /// What is still open at the end (a document cut short) is written as if closed.
    fn finish(mut self) -> Result<String, OfficeError> {
        while !self.paragraphs.is_empty() {
            self.close_paragraph()?;
        }
        while !self.tables.is_empty() {
            self.close_table()?;
        }
        Ok(self.done.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docx(body: &str) -> String {
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{NS_WORD}" xmlns:mc="{NS_COMPAT}"><w:body>{body}</w:body></w:document>"#
        );
        read_xml(Kind::Docx, DOCX_BODY, &xml).unwrap()
    }

    fn odt(body: &str) -> String {
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="{NS_OFFICE}" xmlns:text="{NS_TEXT}" xmlns:table="{NS_TABLE}"><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
        );
        read_xml(Kind::Odt, ODT_BODY, &xml).unwrap()
    }

    #[test]
    fn docx_properties_and_deleted_text_add_nothing() {
        let text = docx(
            r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>uno</w:t></w:r><w:del><w:r><w:tab/><w:delText>via</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText><w:t xml:space="preserve"> due</w:t></w:r></w:p>"#,
        );
        assert_eq!(text, "uno due");
    }

    #[test]
    fn docx_text_box_is_read_once_before_its_paragraph() {
        let text = docx(
            r#"<w:p><w:r><w:t>fuori</w:t></w:r><w:r><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r><w:t>dentro</w:t></w:r></w:p></w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent><w:p><w:r><w:t>dentro</w:t></w:r></w:p></w:txbxContent></mc:Fallback></mc:AlternateContent></w:r></w:p>"#,
        );
        assert_eq!(text, "dentro\nfuori");
    }

    #[test]
    fn docx_spanned_cells_keep_the_columns() {
        let text = docx(
            r#"<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="4"/></w:tcPr><w:p><w:r><w:t>Scadenza finale:</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>31/12/2021</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
        );
        assert_eq!(text, "Scadenza finale:\t\t\t\t31/12/2021");
    }

    #[test]
    fn a_table_inside_a_cell_stays_in_that_cell() {
        let text = docx(
            r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>y</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc><w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
        );
        assert_eq!(text, "a x y\tb");
    }

    #[test]
    fn odt_white_space_collapses_and_notes_are_left_out() {
        let text = odt(
            "<text:p>\n  uno   <text:span>due</text:span><text:note><text:note-body><text:p>nota</text:p></text:note-body></text:note><text:s/>tre</text:p>",
        );
        assert_eq!(text, "uno due tre");
    }

    #[test]
    fn odt_repeated_and_covered_cells_keep_the_columns() {
        let text = odt(
            r#"<table:table><table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>a</text:p></table:table-cell><table:covered-table-cell/><table:table-cell table:number-columns-repeated="2"><text:p>b</text:p></table:table-cell></table:table-row></table:table>"#,
        );
        assert_eq!(text, "a\t\tb\tb");
    }

    #[test]
    fn spaces_past_the_limit_are_refused_not_allocated() {
        let xml = format!(
            r#"<office:document-content xmlns:office="{NS_OFFICE}" xmlns:text="{NS_TEXT}"><text:p><text:s text:c="{}"/></text:p></office:document-content>"#,
            usize::MAX
        );
        let e = read_xml(Kind::Odt, ODT_BODY, &xml).unwrap_err();
        assert!(matches!(e, OfficeError::TooLarge { .. }), "{e:?}");
    }

    #[test]
    fn unknown_entities_are_errors() {
        let xml = format!(
            r#"<w:document xmlns:w="{NS_WORD}"><w:body><w:p><w:r><w:t>&nbsp;</w:t></w:r></w:p></w:body></w:document>"#
        );
        let e = read_xml(Kind::Docx, DOCX_BODY, &xml).unwrap_err();
        assert!(matches!(e, OfficeError::Xml { .. }), "{e:?}");
    }
}
