//! `pegaso evaluate schede CASES.json`: scores individual evaluation cases with
//! `domain::evaluation` and prints the results as JSON (evaluation.md §3).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use crate::cases;

#[derive(Debug, Subcommand)]
pub enum EvaluateCommand {
    /// Calcola le schede di valutazione di un file JSON (un array di casi) e stampa i
    /// risultati in JSON, nello stesso ordine.
    Schede {
        /// Il file dei casi: un array JSON di oggetti come in evaluation.md.
        file: PathBuf,
    },
}

pub fn run(command: EvaluateCommand) -> Result<ExitCode> {
    match command {
        EvaluateCommand::Schede { file } => cases::run(&file, domain::evaluation::case),
    }
}
