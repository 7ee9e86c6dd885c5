//! A file sent with a page's multipart form (evidence, a document made into a plan, the staff
//! list, the emblem): the form's token was checked by the guard before the body; here the
//! form is read field by field, the file (field `file`) in chunks up to its limit and the
//! other fields up to 64 kB, more refused as it arrives; a few uploads are received at once,
//! each holding its place until it is dropped.

use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::http::StatusCode;
use domain::messages;
use tokio::sync::OwnedSemaphorePermit;

use crate::AppState;
use crate::error::AppError;

/// The file received: its name as the browser gave it (maybe empty), its bytes (empty when
/// none was chosen), and its place among the uploads being received.
pub(crate) struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
    _place: OwnedSemaphorePermit,
}

/// A field's bytes, up to `max` (`words`: the limit as people read it).
async fn bounded(field: &mut Field<'_>, max: usize, words: &str) -> Result<Vec<u8>, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge {
                max_bytes: Some(max),
            }
        } else {
            incomplete(words)
        }
    })? {
        if bytes.len() + chunk.len() > max {
            return Err(AppError::Unprocessable(format!(
                "Il file supera i {words}."
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn incomplete(words: &str) -> AppError {
    AppError::Unprocessable(format!(
        "Il file non è arrivato intero (al massimo {words}): riprovare."
    ))
}

/// The file of the form `multipart`, of at most `max` bytes.
pub(crate) async fn receive(
    state: &AppState,
    multipart: Result<Multipart, MultipartRejection>,
    max: usize,
) -> Result<Upload, AppError> {
    let mut multipart = multipart.map_err(|_| {
        AppError::BadRequest("Il modulo inviato non è valido: ricaricare la pagina.".into())
    })?;
    let place = tokio::time::timeout(
        state.limits.upload_wait,
        state.uploads.clone().acquire_owned(),
    )
    .await
    .map_err(|_| AppError::Busy)?
    .map_err(|_| AppError::Busy)?;
    let words = messages::file_size(max as u64);
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| incomplete(&words))?
    {
        if field.name() == Some("file") && file.is_none() {
            let name = field.file_name().unwrap_or_default().to_owned();
            file = Some((name, bounded(&mut field, max, &words).await?));
        } else {
            // Other fields (the token a form may still carry) are read past, bounded too.
            bounded(&mut field, 64 * 1024, "64 kB").await?;
        }
    }
    let (name, bytes) = file.unwrap_or_default();
    Ok(Upload {
        name,
        bytes,
        _place: place,
    })
}
