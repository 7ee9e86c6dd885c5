//! `pegaso plan …`: plans in a database; today `rollover`, the draft of next year from this
//! year, stamped `cli` in the audit log.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Result, bail};
use clap::Subcommand;
use cycle::{Cycle, Keep, Refusal};
use domain::{ObjectiveId, PlanId, messages};

use crate::db::{self, open, runtime};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Nuovo piano dall'anno precedente: copia in una bozza dell'anno indicato struttura,
    /// unità, responsabili, strategia e gli obiettivi scelti (i pluriennali proseguono con
    /// l'annualità successiva, le date dell'anno passano al nuovo anno); resoconti,
    /// monitoraggi e punteggi non si copiano.
    Rollover {
        /// Il piano da cui partire (es. citta-di-alessandria-2021).
        #[arg(long, value_name = "PIANO", value_parser = db::plan_id)]
        from: PlanId,
        /// L'anno del nuovo piano (successivo a quello del piano di partenza).
        #[arg(long, value_name = "ANNO")]
        year: i32,
        /// Un obiettivo da riportare (unità/etichetta, es. avvocatura/A); si può ripetere.
        /// Senza --keep né --keep-all si riportano gli obiettivi pluriennali che proseguono.
        #[arg(long, value_name = "OBIETTIVO", value_parser = objective_id, conflicts_with = "keep_all")]
        keep: Vec<ObjectiveId>,
        /// Riporta tutti gli obiettivi, anche quelli annuali conclusi.
        #[arg(long)]
        keep_all: bool,
        /// Il database (file SQLite o URL postgres://…).
        #[arg(long, value_name = "URL", default_value = db::DEFAULT_DB)]
        db: String,
        /// Mostra soltanto cosa si riporterebbe, senza creare il piano.
        #[arg(long)]
        dry_run: bool,
    },
}

/// An objective's id as given on the command line (`--keep`).
fn objective_id(text: &str) -> Result<ObjectiveId, String> {
    ObjectiveId::parse(text).map_err(|_| {
        format!(
            "«{text}» non è l'identificativo di un obiettivo (unità/etichetta, es. avvocatura/A)"
        )
    })
}

pub fn run(command: PlanCommand) -> Result<ExitCode> {
    let PlanCommand::Rollover {
        from,
        year,
        keep,
        keep_all,
        db,
        dry_run,
    } = command;
    let keep = match (keep_all, keep.is_empty()) {
        (true, _) => Keep::All,
        (false, true) => Keep::Ticked,
        (false, false) => Keep::These(keep),
    };
    runtime()?.block_on(async {
        let store = open(&db).await?;
        let cycle = Cycle::new(store.clone(), Arc::new(web::ServerClock));
        let stamp = db::stamp();
        let result = cycle
            .rollover(&from, None, year, keep, dry_run, &stamp)
            .await;
        store.close().await;
        let rolled = match result {
            Ok(rolled) => rolled,
            Err(Refusal::NotFound(what)) => bail!("nel database non c'è {what}"),
            Err(Refusal::Invalid(why) | Refusal::OutOfTurn(why)) => {
                bail!("{}", why.trim_end_matches('.'))
            }
            Err(e) => {
                return Err(anyhow::Error::new(e).context("impossibile creare il nuovo piano"));
            }
        };
        let mut text = messages::rollover_report(&rolled.carried);
        let diagnostics = &rolled.carried.diagnostics;
        if !diagnostics.is_empty() {
            text.push_str("\nDa sistemare nella bozza:\n");
            for d in diagnostics {
                text.push_str(&output::diagnostic_line(d));
            }
        }
        match &rolled.saved {
            Some(saved) => text.push_str(&format!(
                "\nBozza creata nel database con l'identificativo {}\n",
                saved.id
            )),
            None => text.push_str("\nProva (--dry-run): nessun piano è stato creato.\n"),
        }
        output::stdout(&text)?;
        Ok(ExitCode::SUCCESS)
    })
}
