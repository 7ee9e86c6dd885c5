//! `pegaso backup` and `pegaso restore`: a database to a portable archive and back, on either
//! backend. The archive is written to a temporary file beside its name and moved there only
//! when complete, so a failed backup never leaves half an archive under that name.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use domain::messages::file_size;
use store::{Contents, StoreError, TableCount};

use crate::db::{open, runtime, shown};
use crate::output;

/// `1.234.567`, as Italian writes counts.
fn count(n: u64) -> String {
    domain::messages::thousands(usize::try_from(n).unwrap_or(usize::MAX))
}

fn contents(c: &Contents) -> String {
    let files = match c.files {
        0 => "nessun file allegato".to_owned(),
        1 => format!("1 file allegato ({})", file_size(c.file_bytes)),
        n => format!("{} file allegati ({})", count(n), file_size(c.file_bytes)),
    };
    format!(
        "{} tabelle, {} righe, {files}",
        c.tables.len(),
        count(c.rows)
    )
}

/// Each table as it is done, on standard error when a person watches it.
fn progress(verb: &'static str) -> impl FnMut(&TableCount) + Send {
    let watched = std::io::stderr().is_terminal();
    move |t: &TableCount| {
        if watched {
            output::stderr(&format!("  {verb} {}: {} righe\n", t.name, count(t.rows)));
        }
    }
}

/// `pegaso backup`: every table but runtime state (sessions, trusted browsers, failed logins),
/// in one snapshot, to `out`.
pub fn backup(db: &str, out: &Path) -> Result<ExitCode> {
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // Readable by its owner only (tempfile's default): it holds password and token hashes.
    let mut partial = tempfile::Builder::new()
        .prefix(".pegaso-backup-")
        .suffix(".part")
        .tempfile_in(dir)
        .with_context(|| format!("impossibile creare un file in {}", dir.display()))?;
    let summary = runtime()?.block_on(async {
        let store = open(db).await?;
        let mut writer = BufWriter::new(partial.as_file_mut());
        let result = store
            .backup(&mut writer, web::now(), progress("copiata"))
            .await;
        store.close().await;
        let written = result.and_then(|s| {
            writer.flush()?;
            Ok(s)
        });
        match written {
            Ok(summary) => Ok(summary),
            Err(StoreError::Io(e)) => Err(anyhow!(e)).with_context(|| {
                format!(
                    "impossibile scrivere la copia di sicurezza in {}",
                    out.display()
                )
            }),
            Err(e @ StoreError::Invalid(_)) => Err(anyhow!(e)).context(
                "il database ha una tabella o un valore che la copia di sicurezza non sa \
                 conservare: nessuna copia è stata fatta",
            ),
            Err(e) => Err(anyhow!(e)).context("copia di sicurezza non riuscita"),
        }
    })?;
    partial
        .as_file()
        .sync_all()
        .with_context(|| format!("impossibile scrivere {}", out.display()))?;
    partial
        .persist(out)
        .map_err(|e| anyhow!(e.error))
        .with_context(|| format!("impossibile scrivere {}", out.display()))?;
    output::stdout(&format!(
        "Copia di sicurezza di {} scritta in {}: {}; archivio di {}.\n\
         Impronta SHA-256 del contenuto: {}\n",
        shown(db),
        out.display(),
        contents(&summary.contents),
        file_size(summary.bytes),
        summary.sha256
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// `pegaso restore`: an archive into an empty database, all of it or nothing.
pub fn restore(file: &Path, db: &str) -> Result<ExitCode> {
    let input = std::fs::File::open(file)
        .with_context(|| format!("impossibile leggere {}", file.display()))?;
    runtime()?.block_on(async {
        let store = open(db).await?;
        let result = store.restore(input, progress("ripristinata")).await;
        let head = match &result {
            Ok(_) => store.audit_head().await.ok().flatten(),
            Err(_) => None,
        };
        store.close().await;
        let summary = match result {
            Ok(summary) => summary,
            Err(e @ StoreError::NotEmpty(_)) => {
                return Err(anyhow!(e)).with_context(|| {
                    format!(
                        "il database {} non è vuoto: una copia si ripristina solo in un \
                         database nuovo; nulla è stato scritto",
                        shown(db)
                    )
                });
            }
            Err(e @ StoreError::Damaged(_)) => {
                return Err(anyhow!(e)).with_context(|| {
                    format!(
                        "il file {} è danneggiato o non è una copia di sicurezza di Pegaso: \
                         nulla è stato scritto",
                        file.display()
                    )
                });
            }
            Err(e @ StoreError::Incompatible(_)) => {
                return Err(anyhow!(e)).with_context(|| {
                    format!(
                        "la copia {} viene da una versione di Pegaso con tabelle o colonne che \
                         questo database non ha (aggiornare Pegaso?): nulla è stato scritto",
                        file.display()
                    )
                });
            }
            Err(e) => {
                return Err(anyhow!(e)).context("ripristino non riuscito: nulla è stato scritto");
            }
        };
        let last = match head {
            Some((seq, hash)) => format!("ultima voce {seq} ({hash})"),
            None => "nessuna voce".to_owned(),
        };
        output::stdout(&format!(
            "Ripristinata la copia {} (fatta il {} su {}) in {}: {}.\n\
             Registro delle modifiche: {last}.\n",
            file.display(),
            summary.created_at,
            summary.backend,
            shown(db),
            contents(&summary.contents),
        ))?;
        Ok(ExitCode::SUCCESS)
    })
}

#[cfg(test)]
mod tests {
    use super::{count, file_size};

    #[test]
    fn counts_and_sizes_read_as_italian() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1.000");
        assert_eq!(count(1_234_567), "1.234.567");
        assert_eq!(file_size(12), "12 byte");
        assert_eq!(file_size(4096), "4 kB");
        assert_eq!(file_size(3 * 1024 * 1024 / 2), "1,5 MB");
    }
}
