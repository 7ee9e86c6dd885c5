//! `pegaso entity …`: what an administration sets for itself, from the command line; today
//! `emblem`, the picture its documents carry above its name (stamped `cli` in the audit log).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use cycle::entity::Setter;
use cycle::{Cycle, Refusal};

use crate::db::{self, runtime};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum EntityCommand {
    /// Carica lo stemma dell'amministrazione (PNG o JPEG, al massimo 2 MB), che i documenti
    /// (PDF, DOCX, XLSX) portano sopra il suo nome; con --remove lo toglie.
    Emblem {
        /// Il file dell'immagine.
        #[arg(required_unless_present = "remove")]
        file: Option<PathBuf>,
        /// Toglie lo stemma: i documenti portano il solo nome.
        #[arg(long, conflicts_with = "file")]
        remove: bool,
        /// L'amministrazione (es. citta-di-alessandria); facoltativa se nel database ce n'è una.
        #[arg(long, value_name = "ENTE")]
        entity: Option<String>,
        /// Il database (file SQLite o URL postgres://…).
        #[arg(long, value_name = "URL", default_value = db::DEFAULT_DB)]
        db: String,
    },
}

pub fn run(command: EntityCommand) -> Result<ExitCode> {
    let EntityCommand::Emblem {
        file,
        remove,
        entity,
        db,
    } = command;
    let bytes = match &file {
        Some(path) => {
            let len = std::fs::metadata(path)
                .with_context(|| format!("impossibile leggere {}", path.display()))?
                .len();
            if len > report::emblem::MAX_BYTES as u64 {
                bail!("il file dello stemma supera i 2 MB");
            }
            std::fs::read(path)
                .with_context(|| format!("impossibile leggere {}", path.display()))?
        }
        None => Vec::new(),
    };
    let text = runtime()?.block_on(db::with_store(&db, async |store| {
        let entities = store
            .entities()
            .await
            .context("impossibile leggere le amministrazioni")?;
        let slug = match entity {
            Some(slug) => slug,
            None if entities.len() == 1 => entities[0].clone(),
            None => bail!(
                "indicare l'amministrazione con --entity; nel database ci sono: {}",
                if entities.is_empty() {
                    "nessuna".to_owned()
                } else {
                    entities.join(", ")
                }
            ),
        };
        let cycle = Cycle::new(store.clone(), Arc::new(web::ServerClock));
        let stamp = db::stamp();
        let done = if remove {
            cycle
                .remove_emblem(Setter::Operator(&slug), &stamp)
                .await
                .map(|()| format!("Stemma di {slug} tolto: i documenti portano il solo nome.\n"))
        } else {
            cycle
                .set_emblem(Setter::Operator(&slug), bytes, &stamp)
                .await
                .map(|e| {
                    format!(
                        "Stemma di {slug} caricato ({} × {} pixel): i documenti lo portano sopra il nome.\n",
                        e.width, e.height
                    )
                })
        };
        match done {
            Ok(text) => Ok(text),
            Err(Refusal::NotFound(what)) => bail!("nel database non c'è {what}"),
            Err(Refusal::Invalid(why) | Refusal::OutOfTurn(why)) => {
                bail!("{}", why.trim_end_matches('.'))
            }
            Err(e) => Err(anyhow::Error::new(e).context("impossibile salvare lo stemma")),
        }
    }))??;
    output::stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}
