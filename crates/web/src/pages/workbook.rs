//! The plan as a workbook to download (the page's link and `/api/v1/plans/{plan}/workbook`),
//! and the blank workbook to fill in.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::PlanPage;
use crate::error::AppError;
use crate::paths;

pub(super) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub(super) const CSV: &str = "text/csv; charset=utf-8";

/// A file to download named `file_name` (ASCII: the callers name it), never cached.
pub(super) fn attachment(bytes: Vec<u8>, file_name: &str, content_type: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", paths::ascii_name(file_name)),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// A workbook as a download named `name.xlsx`.
fn download(bytes: Vec<u8>, name: &str) -> Response {
    attachment(bytes, &format!("{name}.xlsx"), XLSX)
}

/// The plan as its reader sees it, as a workbook named after the plan's id.
pub fn workbook_file(plan: &domain::Plan, name: &str) -> Result<Response, AppError> {
    let bytes = workbook::write(plan).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(bytes, name))
}

pub async fn plan(PlanPage { v, .. }: PlanPage<paths::PlanWorkbook>) -> Result<Response, AppError> {
    workbook_file(&v.plan, v.id().as_str())
}

pub async fn template(_: paths::WorkbookTemplate) -> Result<Response, AppError> {
    let bytes = workbook::template().map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(bytes, "modello-piano"))
}
