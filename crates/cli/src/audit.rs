//! `pegaso audit …`: checks the audit log's hash chain and exports the log.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use store::AuditFilter;

use crate::db::{open, runtime};
use crate::output;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Verifica la catena del registro: trova voci alterate, riordinate o rimosse.
    Verify {
        #[arg(long, value_name = "URL", default_value = crate::db::DEFAULT_DB)]
        db: String,
    },
    /// Esporta il registro in CSV o JSON.
    Export {
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
        /// Solo le voci di questo piano.
        #[arg(long, value_name = "ID", value_parser = crate::db::plan_id)]
        plan: Option<domain::PlanId>,
        /// Dove scriverlo (altrimenti sullo standard output).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long, value_name = "URL", default_value = crate::db::DEFAULT_DB)]
        db: String,
    },
}

pub fn run(command: AuditCommand) -> Result<ExitCode> {
    runtime()?.block_on(async {
        match command {
            AuditCommand::Verify { db } => {
                let store = open(&db).await?;
                let entries = store.audit_log(&AuditFilter::default()).await;
                let head = store.audit_head().await;
                store.close().await;
                let entries = entries.context("impossibile leggere il registro")?;
                let head = head.context("impossibile leggere il registro")?;
                let breaks =
                    domain::audit::verify(&entries, head.as_ref().map(|(s, h)| (*s, h.as_str())));
                if breaks.is_empty() {
                    let last = entries
                        .last()
                        .map_or("nessuna".to_string(), |e| format!("{} ({})", e.seq, e.hash));
                    output::stdout(&format!(
                        "Registro integro: {} voci; ultima voce {last}.\n",
                        entries.len()
                    ))?;
                    Ok(ExitCode::SUCCESS)
                } else {
                    let mut text = format!(
                        "Registro ALTERATO: {} interruzioni della catena.\n",
                        breaks.len()
                    );
                    for b in &breaks {
                        text.push_str(&format!("  {}\n", report::audit::describe(b)));
                    }
                    output::stdout(&text)?;
                    Ok(ExitCode::FAILURE)
                }
            }
            AuditCommand::Export {
                format,
                plan,
                output: out,
                db,
            } => {
                let store = open(&db).await?;
                let entries = store
                    .audit_log(&AuditFilter {
                        plan: plan.map(String::from),
                        ..AuditFilter::default()
                    })
                    .await;
                store.close().await;
                let entries = entries.context("impossibile leggere il registro")?;
                let text = match format {
                    Format::Csv => report::audit::csv(&entries).context("writing CSV")?,
                    Format::Json => {
                        let mut t =
                            serde_json::to_string_pretty(&entries).context("writing JSON")?;
                        t.push('\n');
                        t
                    }
                };
                match out {
                    Some(path) => {
                        std::fs::write(&path, &text)
                            .with_context(|| format!("impossibile scrivere {}", path.display()))?;
                        output::stdout(&format!(
                            "{} voci scritte in {}\n",
                            entries.len(),
                            path.display()
                        ))?;
                    }
                    None => output::stdout(&text)?,
                }
                Ok(ExitCode::SUCCESS)
            }
        }
    })
}
