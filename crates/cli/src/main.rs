//! The `pegaso` command: parses the arguments, calls the library crates, prints the result.

mod audit;
mod backup;
mod cases;
mod check;
mod db;
mod entity;
mod evaluate;
mod logging;
mod output;
mod people;
mod plan;
mod remind;
mod report;
mod rewards;
mod score;
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
    /// Avvia l'applicazione web; su un database vuoto carica il piano dimostrativo.
    Serve(db::ServeArgs),
    /// Gestisce gli account: add, disable, enable, reset-password, list.
    User {
        #[command(subcommand)]
        command: people::UserCommand,
    },
    /// Ciò che un'amministrazione imposta per sé: emblem (lo stemma dei suoi documenti).
    Entity {
        #[command(subcommand)]
        command: entity::EntityCommand,
    },
    /// Lavora sui piani del database: rollover (nuovo piano dall'anno precedente).
    Plan {
        #[command(subcommand)]
        command: plan::PlanCommand,
    },
    /// Gestisce le chiavi API delle persone: add, revoke.
    Token {
        #[command(subcommand)]
        command: people::TokenCommand,
    },
    /// Invia i promemoria dei monitoraggi aperti a chi non ha ancora riferito (prima della
    /// data del monitoraggio e dopo, finché resta aperto); ognuno una volta sola.
    Remind(remind::Options),
    /// Calcola punteggi con il motore di docs/scoring.md (indicators: casi da un file JSON).
    Score {
        #[command(subcommand)]
        command: score::ScoreCommand,
    },
    /// La valutazione individuale (evaluation.md): schede (casi da un file JSON).
    Evaluate {
        #[command(subcommand)]
        command: evaluate::EvaluateCommand,
    },
    /// I premi di risultato (evaluation.md): distribute (casi da un file JSON).
    Rewards {
        #[command(subcommand)]
        command: rewards::RewardsCommand,
    },
    /// Il registro delle modifiche: verify (la catena di impronte), export (CSV, JSON).
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Copia di sicurezza di tutto il database (piani, monitoraggi, allegati, persone, chiavi,
    /// calendari, richieste, registro) in un archivio portabile tra SQLite e PostgreSQL; le
    /// sessioni, i browser fidati e gli accessi non riusciti restano fuori. Si può fare con il
    /// server acceso.
    Backup {
        /// Il database da copiare (file SQLite o URL postgres://…).
        #[arg(long, value_name = "URL", default_value = db::DEFAULT_DB)]
        db: String,
        /// Il file dell'archivio (es. pegaso-2021-07-01.jsonl.gz); scritto solo a copia finita.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Ripristina una copia di sicurezza in un database vuoto, SQLite o PostgreSQL: prima
    /// controlla tutto l'archivio, poi scrive tutto o niente.
    Restore {
        /// L'archivio fatto da «pegaso backup».
        file: PathBuf,
        /// Il database in cui ripristinarla (file SQLite o URL postgres://…), vuoto.
        #[arg(long, value_name = "URL", default_value = db::DEFAULT_DB)]
        db: String,
    },
    /// Importa un piano (un PEG / Piano della Performance: testo, DOCX o ODT) e lo scrive in
    /// JSON.
    Import {
        /// Il file da importare: il PEG come testo, documento .docx o .odt, un piano JSON
        /// pegaso.plan/1, o una cartella di lavoro .xlsx/.ods come la scrive «pegaso export
        /// --format xlsx» (docs/xlsx.md).
        file: PathBuf,
        /// Dove scrivere il piano JSON (altrimenti sullo standard output, se non c'è --db).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Salva il piano in questo database (file SQLite o URL postgres://…).
        #[arg(long, value_name = "URL")]
        db: Option<String>,
        /// Sostituisce il piano dello stesso ente e anno, se il database lo ha già.
        #[arg(long, requires = "db")]
        replace: bool,
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
    /// Esporta un piano del database: JSON pegaso.plan/1, o cartella di lavoro XLSX (docs/xlsx.md).
    Export {
        /// Il database (file SQLite o URL postgres://…).
        #[arg(long, value_name = "URL", default_value = db::DEFAULT_DB)]
        db: String,
        /// L'identificativo del piano (es. citta-di-alessandria-2021); facoltativo se è l'unico.
        #[arg(long, value_name = "ID", value_parser = db::plan_id)]
        plan: Option<domain::PlanId>,
        /// Dove scrivere il piano (altrimenti sullo standard output, solo per il JSON).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Il formato: json, o xlsx (un foglio per tipo: unità, strategia, obiettivi, fasi,
        /// indicatori, personale…); se manca, lo dice l'estensione del file, altrimenti json.
        #[arg(long, value_enum)]
        format: Option<db::ExportFormat>,
        /// Scrive il modello vuoto della cartella di lavoro (fogli e colonne, senza righe).
        #[arg(long, conflicts_with_all = ["plan", "format"], requires = "output")]
        template: bool,
    },
    /// Scrive un documento del piano in PDF/A, DOCX o XLSX: plan (il piano intero), unit,
    /// card, monitoring (a un giorno), relazione, validazione, scheda (di una persona), premi.
    Report(report::Options),
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
        Command::Serve(args) => db::serve(&args),
        Command::User { command } => people::user(command),
        Command::Token { command } => people::token(command),
        Command::Plan { command } => plan::run(command),
        Command::Entity { command } => entity::run(command),
        Command::Audit { command } => audit::run(command),
        Command::Score { command } => score::run(command),
        Command::Evaluate { command } => evaluate::run(command),
        Command::Rewards { command } => rewards::run(command),
        Command::Remind(options) => remind::run(options),
        Command::Import {
            file,
            output,
            json,
            db,
            replace,
        } => import(&file, output.as_deref(), json, db.as_deref(), replace),
        Command::Backup { db, output } => backup::backup(&db, &output),
        Command::Restore { file, db } => backup::restore(&file, &db),
        Command::Export {
            db,
            plan,
            output,
            format,
            template,
        } => {
            if template {
                db::template(output.as_deref())
            } else {
                db::export(&db, plan.as_ref(), output.as_deref(), format)
            }
        }
        Command::Report(options) => report::run(&options),
        Command::Check { file, json } => check::run(&file, json),
        Command::Show { file, unit } => show::run(&file, unit.as_deref()),
        Command::Schema => {
            output::stdout(&domain::schema::plan_schema_text())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn import(
    file: &std::path::Path,
    out: Option<&std::path::Path>,
    json: bool,
    db: Option<&str>,
    replace: bool,
) -> Result<ExitCode> {
    let bytes =
        std::fs::read(file).with_context(|| format!("impossibile leggere {}", file.display()))?;
    let read = cycle::documents::read(&file.to_string_lossy(), &bytes).map_err(|e| {
        let mut s = String::new();
        for d in &e.findings {
            s.push_str(&output::diagnostic_line(d));
        }
        anyhow::anyhow!("{}:\n{s}", e.message)
    })?;
    if read.replaced {
        output::stderr(&format!(
            "attenzione: {} non è in UTF-8; i caratteri non leggibili sono stati sostituiti.\n",
            file.display()
        ));
    }
    let (plan, diagnostics) = (read.plan, read.diagnostics);
    let mut plan_json = serde_json::to_string_pretty(&plan).context("serialising the plan")?;
    plan_json.push('\n');
    match out {
        Some(path) => std::fs::write(path, &plan_json)
            .with_context(|| format!("impossibile scrivere {}", path.display()))?,
        None if db.is_none() => output::stdout(&plan_json)?,
        None => {}
    }
    let saved = match db {
        Some(db) => Some(db::save(db, &plan, &diagnostics, replace)?),
        None => None,
    };
    let report = output::Report::new(&plan, &diagnostics, out);
    // The report goes where the plan does not: stdout when the plan went elsewhere.
    let mut text = if json { report.json()? } else { report.human() };
    if let (Some(id), false) = (&saved, json) {
        text.push_str(&format!(
            "Piano salvato nel database con l'identificativo {id}\n"
        ));
    }
    if out.is_some() || db.is_some() {
        output::stdout(&text)?
    } else {
        output::stderr(&text)
    }
    Ok(output::exit_code(&diagnostics))
}
