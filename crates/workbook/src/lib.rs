//! Plans as spreadsheets: the plan written as an XLSX workbook (one sheet per kind, one row per
//! item) and read back from XLSX or ODS, with every problem said by sheet, row and column.

mod layout;
mod preflight;
mod read;
pub mod staff;
mod write;

pub use read::{Read, read};
pub use write::{WriteError, template, write};
