//! The commands that work on a database: `serve`, `import --db`, `export`.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use domain::{Diagnostic, Plan, PlanId};
use store::{Store, StoreError};

use crate::output;

/// The database a command uses when none is given: a SQLite file in the current folder.
pub const DEFAULT_DB: &str = "pegaso.db";

pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("impossibile avviare il runtime")
}

pub async fn open(db: &str) -> Result<Store> {
    Store::open(db)
        .await
        .with_context(|| format!("impossibile aprire il database {}", shown(db)))
}

/// Opens the database, runs `f` on it and closes it again, whatever `f` gave.
pub async fn with_store<T>(db: &str, f: impl AsyncFnOnce(&Store) -> T) -> Result<T> {
    let store = open(db).await?;
    let result = f(&store).await;
    store.close().await;
    Ok(result)
}

/// A database URL as it may be printed and logged: without its password.
pub fn shown(db: &str) -> String {
    match (db.find("://"), db.rfind('@')) {
        (Some(scheme), Some(at)) if scheme < at => {
            let user_info = &db[scheme + 3..at];
            match user_info.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &db[..scheme + 3], &db[at..]),
                None => db.to_owned(),
            }
        }
        _ => db.to_owned(),
    }
}

/// `pegaso serve`: the web application on `addr`, until Ctrl-C or SIGTERM.
/// `pegaso serve`: where, on which database, and how the server holds up under load.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Il database: un file SQLite (creato se manca) o un URL postgres://…
    #[arg(long, value_name = "URL", default_value = DEFAULT_DB)]
    db: String,
    /// Indirizzo e porta su cui rispondere.
    #[arg(long, value_name = "HOST:PORTA", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Cookie senza l'attributo Secure anche su un indirizzo pubblico (solo per prove
    /// senza HTTPS; sull'indirizzo locale non lo hanno comunque).
    #[arg(long, conflicts_with = "behind_proxy")]
    insecure_cookies: bool,
    /// Su un database vuoto non carica la dimostrazione: si parte senza piani né persone
    /// (poi `pegaso import` e `pegaso user add`).
    #[arg(long)]
    empty: bool,
    /// Dietro un proxy HTTPS di fiducia: cookie Secure, HSTS, e l'indirizzo del cliente
    /// dall'ultima voce di X-Forwarded-For (per i limiti agli accessi non riusciti).
    #[arg(long)]
    behind_proxy: bool,
    /// L'indirizzo pubblico del sito (https://pegaso.comune.example.it), per i collegamenti
    /// che il sito dà, come quelli dei calendari; se manca, quello su cui risponde.
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Secondi entro cui deve arrivare l'intestazione di una richiesta (anche su una
    /// connessione inattiva tra una richiesta e l'altra).
    #[arg(long, value_name = "SECONDI", default_value_t = 10)]
    header_timeout: u64,
    /// Secondi entro cui una richiesta, corpo compreso, deve arrivare e avere risposta.
    #[arg(long, value_name = "SECONDI", default_value_t = 60)]
    request_timeout: u64,
    /// Secondi dopo cui si chiude una connessione su cui non passa nulla.
    #[arg(long, value_name = "SECONDI", default_value_t = 120)]
    idle_timeout: u64,
    /// Connessioni servite insieme; le altre attendono.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    max_connections: usize,
    /// Verifiche di password in parallelo (ognuna usa 19 MiB); predefinito: metà dei
    /// processori.
    #[arg(long, value_name = "N")]
    hash_workers: Option<usize>,
    /// Verifiche di password in attesa oltre le quali si risponde «occupato» (503).
    #[arg(long, value_name = "N", default_value_t = 16)]
    hash_queue: usize,
}

/// A public address as the site gives it out: http(s), a host, no query or fragment.
fn public_url(value: &str) -> Result<String> {
    let v = value.trim().trim_end_matches('/');
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .filter(|r| !r.is_empty())
        .filter(|r| {
            r.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~:/[]%".contains(c))
        });
    match rest {
        Some(_) => Ok(v.to_owned()),
        None => anyhow::bail!(
            "--public-url: indirizzo non valido «{value}» (serve http:// o https:// e il nome del sito)"
        ),
    }
}

pub fn serve(args: &ServeArgs) -> Result<ExitCode> {
    crate::logging::init();
    // Many connections at once need many descriptors: take what the system allows.
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => tracing::debug!(limit = n, "open files limit"),
        Err(e) => tracing::warn!(error = %e, "could not raise the open files limit"),
    }
    let public = args.public_url.as_deref().map(public_url).transpose()?;
    let db = args.db.as_str();
    let addr = args.addr;
    runtime()?.block_on(async {
        let store = open(db).await?;
        if !args.empty {
            demo_year(&store).await?;
        }
        if store.people().await.map(|p| p.is_empty()).unwrap_or(false) {
            output::stdout(
                "Nessun account: crearne uno con «pegaso user add NOME --name \"Nome Cognome\" --role admin».\n",
            )?;
        }
        let demo = store.is_demo().await.unwrap_or(false);
        // Signals are heard from before the address is printed.
        let shutdown = shutdown_signal();
        let listener = web::listen(addr)
            .with_context(|| format!("impossibile usare l'indirizzo {addr}"))?;
        let local = listener.local_addr().context("reading the bound address")?;
        output::stdout(&format!(
            "Pegaso è pronto: http://{local}/ (Ctrl-C per fermarlo)\n"
        ))?;
        tracing::info!(%local, db = %shown(db), "serving");
        if public.is_none() && (args.behind_proxy || !addr.ip().is_loopback()) {
            tracing::warn!(
                %local,
                "no --public-url: links the site gives out (calendar feeds) name the listening address"
            );
        }
        // Over HTTPS (behind a proxy, or on any address but this machine's own) cookies carry
        // `Secure`.
        let secure =
            args.behind_proxy || (!args.insecure_cookies && !addr.ip().is_loopback());
        let defaults = web::auth::Settings::default();
        let settings = web::auth::Settings {
            cookie_secure: secure,
            behind_proxy: args.behind_proxy,
            public_url: Some(public.unwrap_or_else(|| format!("http://{local}"))),
            hashing: web::auth::HashLimits {
                workers: args.hash_workers.unwrap_or(defaults.hashing.workers).max(1),
                queue: args.hash_queue,
                ..defaults.hashing
            },
            ..defaults
        };
        let seconds = std::time::Duration::from_secs;
        let limits = web::ServerLimits {
            header_timeout: seconds(args.header_timeout.max(1)),
            request_timeout: seconds(args.request_timeout.max(1)),
            // Never shorter than a request may take: while a handler works no byte moves.
            idle_timeout: seconds(args.idle_timeout.max(args.request_timeout).max(1)),
            max_connections: args.max_connections.max(1),
            ..web::ServerLimits::default()
        };
        web::serve(
            listener,
            web::AppState::new(store.clone())
                .with_settings(settings)
                .with_limits(limits)
                .with_demo(demo),
            shutdown,
        )
        .await
        .context("il server si è fermato per un errore")?;
        store.close().await;
        output::stdout("Pegaso si è fermato.\n")?;
        Ok(ExitCode::SUCCESS)
    })
}

/// On a database with no plan, the demonstration: the demo plan played through its year, with
/// its accounts printed once.
async fn demo_year(store: &store::Store) -> Result<()> {
    let watching = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let progress = |stage: &str| {
        if watching {
            output::stderr(&format!("  … {stage}\n"));
        }
        tracing::debug!(stage, "demo year");
    };
    let Some(demo) = web::load_demo_year(store, &progress)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.detail()))
        .context(
            "impossibile preparare la dimostrazione: il database è rimasto a metà; \
             cancellarlo e riavviare (o avviare con --empty su un database nuovo)",
        )?
    else {
        return Ok(());
    };
    let p = &demo.played;
    let mut text = format!(
        "Database vuoto: caricata la dimostrazione, il piano «{}» ({}, {}) con un anno di lavoro \
         simulato: {} monitoraggi, {} resoconti di fasi ({} nei tempi, {} in ritardo, {} mai \
         riferite), {} documenti, {} valori di indicatori, una richiesta di modifica approvata, \
         una neutralizzazione; risultati pubblicati.{}{}\n\
         Account dimostrativi (password mostrate solo ora):\n",
        demo.plan.title,
        demo.plan.entity,
        demo.plan.year,
        p.rounds,
        p.reports,
        p.on_time,
        p.late,
        p.never,
        p.evidence,
        p.actuals,
        p.next.as_ref().map_or(String::new(), |next| format!(
            " Poi la bozza del piano dell'anno dopo ({next}), con le sezioni del PIAO, da \
             scrivere in «Scrivi il piano»."
        )),
        if p.schede > 0 {
            format!(
                " Valutazione individuale: {} schede definitive (una rivista dopo la \
                 conciliazione), i premi ripartiti (pagina «Valutazione»).",
                p.schede
            )
        } else {
            String::new()
        },
    );
    for a in &demo.accounts {
        text.push_str(&format!(
            "  {:<22} {:<16} {} ({})\n",
            a.username, a.password, a.name, a.role
        ));
    }
    text.push_str("Per partire senza dimostrazione: pegaso serve --empty su un database nuovo.\n");
    output::stdout(&text)
}

/// Completes on Ctrl-C or, on Unix, SIGTERM. The handlers are installed when this is called,
/// not when it is first awaited: a signal that comes right after the "ready" line stops the
/// server gracefully rather than killing it.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        )
    };
    async move {
        #[cfg(unix)]
        match signals {
            (Ok(mut interrupt), Ok(mut terminate)) => {
                tokio::select! {
                    _ = interrupt.recv() => {},
                    _ = terminate.recv() => {},
                }
            }
            (Err(e), _) | (_, Err(e)) => {
                tracing::error!(%e, "cannot listen for signals");
                std::future::pending::<()>().await;
            }
        }
        #[cfg(not(unix))]
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(%e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down");
    }
}

/// A plan's id as given on the command line (`--plan`).
pub fn plan_id(text: &str) -> Result<PlanId, String> {
    PlanId::parse(text).map_err(|_| {
        format!(
            "«{text}» non è l'identificativo di un piano (ente e anno, es. comune-di-esempio-2024)"
        )
    })
}

/// What the command line's writes are recorded with: `cli`, and now.
pub fn stamp() -> store::Stamp {
    store::Stamp {
        actor: "cli".into(),
        at: web::now(),
    }
}

/// Writes an imported plan into a database; returns the id it is found under.
pub fn save(db: &str, plan: &Plan, diagnostics: &[Diagnostic], replace: bool) -> Result<PlanId> {
    runtime()?.block_on(async {
        let store = open(db).await?;
        let stamp = stamp();
        let result = store.save_plan(plan, diagnostics, replace, &stamp).await;
        store.close().await;
        match result {
            Ok(saved) => Ok(saved.id),
            Err(StoreError::Conflict(why)) if why.contains("only a draft") => bail!(
                "il piano {} di {} non è più una bozza: cambia solo con i suoi atti e le modifiche registrate",
                plan.year,
                plan.entity.name
            ),
            Err(StoreError::Conflict(_)) => bail!(
                "il database ha già il piano {} di {}: aggiungere --replace per sostituirlo",
                plan.year,
                plan.entity.name
            ),
            Err(StoreError::Invalid(why)) => {
                bail!("il piano non può essere salvato così com'è ({why})")
            }
            Err(e) => Err(e).context("impossibile salvare il piano"),
        }
    })
}

/// What `pegaso export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Json,
    Xlsx,
}

impl ExportFormat {
    /// The format a file's name asks for: `.xlsx` a workbook, anything else JSON.
    fn of(path: Option<&Path>) -> ExportFormat {
        match path.and_then(Path::extension).and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("xlsx") => ExportFormat::Xlsx,
            _ => ExportFormat::Json,
        }
    }
}

/// `pegaso export --template -o FILE.xlsx`: the blank workbook, every sheet and column.
pub fn template(out: Option<&Path>) -> Result<ExitCode> {
    let bytes = workbook::template().context("writing the template")?;
    write_file(out, &bytes, "Modello vuoto scritto in")
}

pub fn write_file(out: Option<&Path>, bytes: &[u8], says: &str) -> Result<ExitCode> {
    match out {
        Some(path) => {
            std::fs::write(path, bytes)
                .with_context(|| format!("impossibile scrivere {}", path.display()))?;
            output::stdout(&format!("{says} {}\n", path.display()))?;
        }
        None => bail!("una cartella di lavoro va scritta in un file: indicare -o FILE.xlsx"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `pegaso export`: one plan of a database as `pegaso.plan/1` JSON or as a workbook.
/// The plan `plan` names, which must be in the database, or the only one there is.
pub async fn which_plan(store: &Store, plan: Option<&PlanId>) -> Result<PlanId> {
    let plans = store.plans().await.context("impossibile leggere i piani")?;
    let ids: Vec<&str> = plans.iter().map(|p| p.id.as_str()).collect();
    match plan {
        Some(id) if plans.iter().any(|p| &p.id == id) => Ok(id.clone()),
        Some(id) => bail!(
            "nessun piano «{id}» nel database (ci sono: {})",
            ids.join(", ")
        ),
        None if plans.len() == 1 => Ok(plans[0].id.clone()),
        None => bail!(
            "indicare il piano con --plan; nel database ci sono: {}",
            if ids.is_empty() {
                "nessun piano".to_owned()
            } else {
                ids.join(", ")
            }
        ),
    }
}

pub fn export(
    db: &str,
    plan: Option<&PlanId>,
    out: Option<&Path>,
    format: Option<ExportFormat>,
) -> Result<ExitCode> {
    let format = format.unwrap_or_else(|| ExportFormat::of(out));
    let plan = runtime()?.block_on(async {
        let store = open(db).await?;
        let id = which_plan(&store, plan).await;
        let result = match id {
            Ok(id) => store
                .plan(&id)
                .await
                .context("impossibile leggere il piano"),
            Err(e) => Err(e),
        };
        store.close().await;
        result
    })?;
    if format == ExportFormat::Xlsx {
        let bytes = workbook::write(&plan).context("writing the workbook")?;
        return write_file(out, &bytes, "Piano scritto in");
    }
    let mut text = serde_json::to_string_pretty(&plan).context("serialising the plan")?;
    text.push('\n');
    match out {
        Some(path) => {
            std::fs::write(path, &text)
                .with_context(|| format!("impossibile scrivere {}", path.display()))?;
            output::stdout(&format!("Piano scritto in {}\n", path.display()))?;
        }
        None => output::stdout(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn passwords_are_not_shown() {
        for (url, says) in [
            ("postgres://ann:secret@db/x", "postgres://ann:***@db/x"),
            ("postgres://ann@db/x", "postgres://ann@db/x"),
            ("pegaso.db", "pegaso.db"),
            ("sqlite://a@b.db", "sqlite://a@b.db"),
        ] {
            assert_eq!(shown(url), says, "{url}");
        }
    }
}
