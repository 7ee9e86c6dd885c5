//! Documents out of Pegaso (issue 16, point 2): a `report::document::Document` as PDF/A
//! (Typst embedded as a library, with its own fonts: PDF/A-2a, tagged, fonts embedded, XMP
//! metadata with the PDF/A identification and an output intent), as DOCX (Word and LibreOffice
//! open and edit it: real headings, a table of contents field, tables with header rows, page
//! numbers) and as XLSX (each table on its sheet). Kept in its own crate: Typst is heavy to
//! build, and only what makes documents depends on it.

mod docx;
mod pdf;
mod xlsx;

use report::document::Document;

/// The formats a document is made in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Docx,
    Xlsx,
}

impl Format {
    /// The format a name or extension asks for (`pdf`, `docx`, `xlsx`).
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// `doc` made in `format`; the error says (in English, for logs) what failed.
pub fn render(doc: &Document, format: Format) -> Result<Vec<u8>, String> {
    match format {
        Format::Pdf => pdf::pdf(doc),
        Format::Docx => docx::docx(doc),
        Format::Xlsx => xlsx::xlsx(doc),
    }
}

#[cfg(test)]
mod tests;
