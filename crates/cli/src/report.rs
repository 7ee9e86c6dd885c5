//! `pegaso report`: a paper of a plan (the plan, a unit's cards, a card, the monitoring at a
//! day, the Relazione, the documento di validazione, a person's scheda, the payout list) as
//! PDF/A, DOCX or XLSX. The command line holds the database: it reads every paper.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use cycle::papers::{Paper, Reader};
use cycle::{Cycle, Refusal};
use documents::Format;

use crate::db::{self, open, runtime, which_plan};

/// Which paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// Il piano intero: ogni scheda obiettivo, con l'indice.
    Plan,
    /// Le schede obiettivo di un'unità (--unit).
    Unit,
    /// Una scheda obiettivo (--objective UNITÀ/ETICHETTA).
    Card,
    /// La situazione del monitoraggio alla fine di un giorno (--day).
    Monitoring,
    /// La Relazione sulla performance.
    Relazione,
    /// Il documento di validazione del Nucleo.
    Validazione,
    /// La scheda di valutazione di una persona (--person MATRICOLA).
    Scheda,
    /// L'elenco dei premi per le paghe.
    Premi,
}

#[derive(Debug, Args)]
pub struct Options {
    /// Il documento: plan, unit, card, monitoring, relazione, validazione, scheda, premi.
    #[arg(value_enum)]
    kind: Kind,
    /// Il database (file SQLite o URL postgres://…).
    #[arg(long, value_name = "URL", default_value = db::DEFAULT_DB)]
    db: String,
    /// L'identificativo del piano; facoltativo se è l'unico.
    #[arg(long, value_name = "ID", value_parser = db::plan_id)]
    plan: Option<domain::PlanId>,
    /// pdf (PDF/A), docx o xlsx; se manca, lo dice l'estensione del file.
    #[arg(long, value_name = "FORMATO")]
    format: Option<String>,
    /// Dove scrivere il documento.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// L'unità (per unit), es. avvocatura.
    #[arg(long, value_name = "ID")]
    unit: Option<String>,
    /// L'obiettivo (per card), es. avvocatura/A.
    #[arg(long, value_name = "UNITÀ/ETICHETTA")]
    objective: Option<String>,
    /// Il giorno (per monitoring), AAAA-MM-GG.
    #[arg(long, value_name = "AAAA-MM-GG")]
    day: Option<NaiveDate>,
    /// La matricola della persona (per scheda).
    #[arg(long, value_name = "MATRICOLA")]
    person: Option<String>,
}

fn format_of(asked: Option<&str>, out: &Path) -> Result<Format> {
    match asked {
        Some(f) => {
            Format::parse(f).with_context(|| format!("formato «{f}» sconosciuto: pdf, docx o xlsx"))
        }
        None => Ok(out
            .extension()
            .and_then(|e| e.to_str())
            .and_then(Format::parse)
            .unwrap_or(Format::Pdf)),
    }
}

fn paper(o: &Options) -> Result<Paper> {
    let need = |v: &Option<String>, flag: &str| -> Result<String> {
        match v {
            Some(v) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
            _ => bail!("per questo documento va indicato {flag}"),
        }
    };
    Ok(match o.kind {
        Kind::Plan => Paper::Plan,
        Kind::Unit => Paper::Unit(need(&o.unit, "--unit")?),
        Kind::Card => Paper::Card(need(&o.objective, "--objective")?),
        Kind::Monitoring => match o.day {
            Some(d) => Paper::Monitoring(d),
            None => bail!("per il monitoraggio va indicato il giorno con --day AAAA-MM-GG"),
        },
        Kind::Relazione => Paper::Relazione,
        Kind::Validazione => Paper::Validazione,
        Kind::Scheda => Paper::Scheda(need(&o.person, "--person")?),
        Kind::Premi => Paper::Premi,
    })
}

pub fn run(o: &Options) -> Result<ExitCode> {
    let format = format_of(o.format.as_deref(), &o.output)?;
    let paper = paper(o)?;
    let doc = runtime()?.block_on(async {
        let store = open(&o.db).await?;
        let cycle = Cycle::new(store.clone(), Arc::new(web::ServerClock));
        let result = match which_plan(&store, o.plan.as_ref()).await {
            Ok(id) => cycle
                .paper(&id, &paper, Reader::Operator)
                .await
                .map_err(|e| match e {
                    Refusal::NotFound(what) => anyhow::anyhow!("nel piano non c'è {what}"),
                    Refusal::Invalid(why) | Refusal::OutOfTurn(why) => {
                        anyhow::anyhow!("{}", why.trim_end_matches('.'))
                    }
                    other => {
                        anyhow::Error::new(other).context("impossibile preparare il documento")
                    }
                }),
            Err(e) => Err(e),
        };
        store.close().await;
        result
    })?;
    let bytes = documents::render(&doc, format)
        .map_err(|e| anyhow::anyhow!(e))
        .context("impossibile scrivere il documento")?;
    db::write_file(Some(&o.output), &bytes, "Documento scritto in")
}
