//! `pegaso rewards distribute CASES.json`: shares each budget of the cases with
//! `domain::rewards` and prints the results as JSON (evaluation.md §3).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use crate::cases;

#[derive(Debug, Subcommand)]
pub enum RewardsCommand {
    /// Ripartisce i budget dei premi di un file JSON (un array di casi) e stampa i risultati
    /// in JSON, nello stesso ordine.
    Distribute {
        /// Il file dei casi: un array JSON di oggetti come in evaluation.md.
        file: PathBuf,
    },
}

pub fn run(command: RewardsCommand) -> Result<ExitCode> {
    match command {
        RewardsCommand::Distribute { file } => cases::run(&file, domain::rewards::case),
    }
}
