//! Evidence files of a phase: uploaded with a report (checked for size and for a type whose
//! content matches its name), kept in the database with the record, listed on the phase's
//! page and downloadable by whoever may read the plan's results.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::access::{Action, decide};
use domain::limits::{self, Field};
use domain::messages;
use maud::{Markup, html};
use store::{NewEvidence, PhaseKey};

use super::path;
use super::phase::{Mode, may_edit, phase_path};
use crate::AppState;
use crate::auth::{Viewer, stamp};
use crate::cache::PlanView;
use crate::error::AppError;

/// The largest evidence file accepted.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The kinds of file accepted: extension, MIME type, whether it is plain text.
const KINDS: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("txt", "text/plain"),
    ("csv", "text/csv"),
];

/// The name a file is kept under: its last path component, cleaned as every text is (no
/// control or direction-override characters) and within the file name's limit.
fn clean_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next()?;
    let base: String = base.chars().take(Field::FileName.max_chars()).collect();
    let clean = limits::clean(Field::FileName, &base.replace(['\r', '\n'], " ")).ok()?;
    (!clean.is_empty() && clean != "." && clean != "..").then_some(clean)
}

/// The MIME type of an accepted file, or why it is refused (in Italian).
pub fn check(name: &str, content: &[u8]) -> Result<&'static str, String> {
    if content.is_empty() {
        return Err("Il file è vuoto.".into());
    }
    if content.len() > MAX_BYTES {
        return Err("Il file supera i 10 MB.".into());
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let accepted = "PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS, TXT o CSV";
    let (_, mime) = KINDS
        .iter()
        .find(|(e, _)| *e == ext)
        .ok_or_else(|| format!("Tipo di file non accettato: si allegano file {accepted}."))?;
    let detected = infer::get(content).map(|k| k.mime_type());
    let fits = if mime.starts_with("text/") {
        detected.is_none() && std::str::from_utf8(content).is_ok() && !content.contains(&0)
    } else {
        detected == Some(*mime)
    };
    if fits {
        Ok(mime)
    } else {
        Err(format!(
            "Il contenuto del file non corrisponde al suo nome (.{ext}): si allegano file {accepted}."
        ))
    }
}

/// The evidence of phase `phase` of objective `objective`, with the upload form when open.
pub fn section(
    v: &PlanView,
    objective: usize,
    phase: usize,
    csrf: &str,
    may_upload: bool,
) -> Markup {
    let Some(o) = v.plan.objectives.get(objective) else {
        return html! {};
    };
    let files = v
        .monitoring
        .evidence
        .get(objective)
        .and_then(|p| p.get(phase))
        .map_or(&[][..], Vec::as_slice);
    let base = phase_path(v, o, phase + 1);
    html! {
        h2 id="allegati" { "Documenti a supporto" }
        @if files.is_empty() {
            p { "Nessun documento allegato." }
        } @else {
            ul {
                @for f in files {
                    li {
                        a href=(format!("{base}/allegati/{}", f.id)) { (f.file_name) }
                        " (" (size(f.size)) ", caricato da " (f.uploaded_by) " il "
                        (messages::date(f.uploaded_at.date_naive())) ")"
                    }
                }
            }
        }
        @if may_upload {
            // The token goes in the address: it is checked before the file is received.
            form class="modulo" method="post" action=(format!("{base}/allegati?csrf={csrf}")) enctype="multipart/form-data" {
                p {
                    label for="documento" { "Allega un documento (PDF, immagine, testo, foglio di calcolo; al massimo 10 MB)" }
                    input id="documento" name="file" type="file" required
                        accept=".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.odt,.ods,.txt,.csv";
                }
                p { button type="submit" { "Carica il documento" } }
            }
        }
    }
}

fn size(bytes: i64) -> String {
    if bytes < 1024 {
        format!("{bytes} byte")
    } else if bytes < 1024 * 1024 {
        format!("{} kB", bytes / 1024)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    }
}

type PhasePath = (String, String, String, String);
/// A phase's path and a file's id.
type FilePath = (String, String, String, String, String);

/// The plan, objective and phase positions an address names, for a person.
async fn locate(
    state: &AppState,
    viewer: &Viewer,
    (id, unit, label, n): &PhasePath,
) -> Result<
    (
        std::sync::Arc<PlanView>,
        Option<domain::Actor>,
        usize,
        usize,
    ),
    AppError,
> {
    let (v, actor) = state.view_fresh(id, viewer.person()).await?;
    let oi = v
        .objective_index(unit, label)
        .ok_or_else(|| AppError::NotFound(format!("un obiettivo «{label}» dell'unità «{unit}»")))?;
    let count = v.plan.objectives[oi].phases.len();
    let pi = n
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=count).contains(n))
        .ok_or_else(|| AppError::NotFound(format!("una fase numero «{n}» in questo obiettivo")))?;
    Ok((v, actor, oi, pi - 1))
}

fn bad_upload() -> AppError {
    AppError::Unprocessable(
        "Il documento non è arrivato intero (al massimo 10 MB): riprovare.".into(),
    )
}

/// A multipart field's bytes, up to `max`; more is refused as it arrives, not once read.
async fn bounded(
    field: &mut axum::extract::multipart::Field<'_>,
    max: usize,
) -> Result<Vec<u8>, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge {
                max_bytes: Some(MAX_BYTES),
            }
        } else {
            bad_upload()
        }
    })? {
        if bytes.len() + chunk.len() > max {
            return Err(AppError::Unprocessable("Il file supera i 10 MB.".into()));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Receives a file. Who asks, the form's token (in the address) and the plan's state are
/// checked before the body is read (the guard, then here); the file is read in chunks up to
/// its limit, a few uploads at a time.
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    p: Result<Path<PhasePath>, PathRejection>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let at = path(p)?;
    let session = viewer.0.as_ref().ok_or(AppError::SignIn)?;
    let (v, actor, oi, pi) = locate(&state, &viewer, &at).await?;
    let o = &v.plan.objectives[oi];
    match may_edit(&v, o, pi, actor.as_ref()) {
        Ok(Mode::Progress) => {}
        Ok(Mode::Plan) => {
            return Err(AppError::Conflict(
                "Il piano è in bozza: i documenti si allegano al monitoraggio.".into(),
            ));
        }
        Err(r) => return Err(AppError::refused(r)),
    }
    let mut multipart = multipart.map_err(|_| {
        AppError::BadRequest("Il modulo inviato non è valido: ricaricare la pagina.".into())
    })?;
    let _place = tokio::time::timeout(state.limits.upload_wait, state.uploads.acquire())
        .await
        .map_err(|_| AppError::Busy)?
        .map_err(|_| AppError::Busy)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(|_| bad_upload())? {
        if field.name() == Some("file") && file.is_none() {
            let name = field.file_name().unwrap_or_default().to_owned();
            file = Some((name, bounded(&mut field, MAX_BYTES).await?));
        } else {
            // Other fields (the token a form may still carry) are read past, bounded too.
            bounded(&mut field, 64 * 1024).await?;
        }
    }
    let (name, content) = file
        .filter(|(n, c)| !n.is_empty() || !c.is_empty())
        .ok_or_else(|| AppError::Unprocessable("Scegliere il documento da allegare.".into()))?;
    let name = clean_name(&name)
        .ok_or_else(|| AppError::Unprocessable("Il documento non ha un nome valido.".into()))?;
    let mime = check(&name, &content).map_err(AppError::Unprocessable)?;
    let key = PhaseKey {
        plan: v.id(),
        unit: o.unit.as_str(),
        objective: o.label.as_str(),
        position: pi + 1,
    };
    let round = v.monitoring.open_round().map(|r| r.id);
    state
        .store
        .add_evidence(
            key,
            round,
            &NewEvidence {
                file_name: &name,
                content_type: mime,
                content: &content,
            },
            &stamp(&session.person),
        )
        .await?;
    state.plans.invalidate(v.id()).await;
    let to = format!("{}#allegati", phase_path(&v, o, pi + 1));
    Ok((StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response())
}

pub async fn download(
    State(state): State<AppState>,
    viewer: Viewer,
    p: Result<Path<FilePath>, PathRejection>,
) -> Result<Response, AppError> {
    let (id, unit, label, n, file) = path(p)?;
    let (v, actor, oi, pi) = locate(&state, &viewer, &(id, unit, label, n)).await?;
    decide(actor.as_ref(), Action::ReadProgress, v.summary.state).map_err(AppError::refused)?;
    let file: i64 = file
        .parse()
        .map_err(|_| AppError::NotFound("questo documento".into()))?;
    let o = &v.plan.objectives[oi];
    let key = PhaseKey {
        plan: v.id(),
        unit: o.unit.as_str(),
        objective: o.label.as_str(),
        position: pi + 1,
    };
    let (info, content) = state.store.evidence(key, file).await.map_err(|e| match e {
        store::StoreError::NotFound(_) => AppError::NotFound("questo documento".into()),
        other => other.into(),
    })?;
    let ascii: String = info
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = info
        .file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_str(&info.content_type)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            ),
            (
                CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        content,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_must_match_the_name() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n";
        assert_eq!(check("verbale.pdf", pdf), Ok("application/pdf"));
        assert_eq!(check("VERBALE.PDF", pdf), Ok("application/pdf"));
        assert!(check("verbale.png", pdf).is_err(), "a PDF named .png");
        assert!(check("nota.txt", pdf).is_err(), "a PDF named .txt");
        assert_eq!(
            check("nota.txt", "Fase conclusa il 30/06.".as_bytes()),
            Ok("text/plain")
        );
        assert!(check("nota.txt", b"\x00\x01binary").is_err());
        assert!(check("programma.exe", b"MZ\x90\x00").is_err());
        assert!(check("vuoto.pdf", b"").is_err());
        assert!(check("senza-estensione", b"testo").is_err());
        let big = vec![b'a'; MAX_BYTES + 1];
        assert!(check("grande.txt", &big).is_err());
    }

    #[test]
    fn names_keep_their_last_component() {
        assert_eq!(
            clean_name("C:\\atti\\verbale.pdf").as_deref(),
            Some("verbale.pdf")
        );
        assert_eq!(clean_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(clean_name("a\u{0}b.txt").as_deref(), Some("ab.txt"));
        assert_eq!(
            clean_name("fattura\u{202E}fdp.exe").as_deref(),
            Some("fatturafdp.exe"),
            "no right-to-left override"
        );
        assert_eq!(clean_name(".."), None);
        assert_eq!(clean_name(""), None);
    }
}
