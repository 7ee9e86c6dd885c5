//! The `pegaso` command: parses the arguments, calls the library crates, prints the result.

mod check;
mod output;
mod show;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

/// Pegaso: il ciclo della performance di un ente pubblico.
#[derive(Debug, Parser)]
#[command(name = "pegaso", version, about, disable_help_subcommand = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Importa un piano (testo di un PEG / Piano della Performance) e lo scrive in JSON.
    Import {
        /// Il file di testo da importare.
        file: PathBuf,
        /// Dove scrivere il piano JSON (altrimenti sullo standard output).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Riepilogo e diagnostica in JSON, per le macchine.
        #[arg(long)]
        json: bool,
    },
    /// Controlla un piano JSON: lo schema pegaso.plan/1 e le regole del piano.
    Check {
        /// Il piano JSON da controllare.
        file: PathBuf,
        /// Diagnostica in JSON, per le macchine.
        #[arg(long)]
        json: bool,
    },
    /// Mostra l'albero del piano: unità, obiettivi, fasi con incidenza e scadenza.
    Show {
        /// Il piano JSON da mostrare.
        file: PathBuf,
        /// Solo l'unità con questo identificativo (es. avvocatura).
        #[arg(long, value_name = "ID")]
        unit: Option<String>,
    },
    /// Stampa lo schema JSON del formato pegaso.plan/1.
    Schema,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // People read the Italian context first; the cause chain follows for logs.
            output::fail(&e);
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Import { file, output, json } => import(&file, output.as_deref(), json),
        Command::Check { file, json } => check::run(&file, json),
        Command::Show { file, unit } => show::run(&file, unit.as_deref()),
        Command::Schema => {
            output::stdout(&domain::schema::plan_schema_text())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn import(file: &std::path::Path, out: Option<&std::path::Path>, json: bool) -> Result<ExitCode> {
    let text = output::read_text(file)?;
    let result = import::import_text(&text);
    let mut plan_json =
        serde_json::to_string_pretty(&result.plan).context("serialising the plan")?;
    plan_json.push('\n');
    match out {
        Some(path) => std::fs::write(path, &plan_json)
            .with_context(|| format!("impossibile scrivere {}", path.display()))?,
        None => output::stdout(&plan_json)?,
    }
    let report = output::Report::new(&result.plan, &result.diagnostics, out);
    // The report goes where the plan does not: stdout when the plan went to a file.
    let text = if json { report.json()? } else { report.human() };
    if out.is_some() {
        output::stdout(&text)?
    } else {
        output::stderr(&text)
    }
    Ok(output::exit_code(&result.diagnostics))
}
