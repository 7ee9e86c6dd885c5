//! `pegaso user …` and `pegaso token …`: accounts and API tokens from the command line, each
//! change stamped `cli` in the audit log.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use domain::{Email, UnitId, messages};
use std::sync::Arc;

use cycle::accounts::{EntityChoice, MIN_PASSWORD, NewAccount};
use cycle::{Cycle, Refusal};
use store::StoreError;

use crate::db::{open, runtime, with_store};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Crea un account; senza --password-stdin genera una password e la stampa una volta.
    Add {
        /// Nome utente (lettere, cifre, . _ - @).
        username: String,
        /// Nome e cognome: per i responsabili, come li scrive il piano (i titoli non contano).
        #[arg(long)]
        name: String,
        /// Ruolo generale: admin, evaluator (Nucleo), board (Giunta), auditor. Ripetibile.
        #[arg(long = "role", value_name = "RUOLO")]
        roles: Vec<String>,
        /// Componente di questa unità (identificativo nel piano). Ripetibile.
        #[arg(long = "member", value_name = "UNITÀ")]
        members: Vec<String>,
        /// L'ente per cui lavora (identificativo, es. citta-di-alessandria); se il database ne
        /// ha uno solo, quello.
        #[arg(long, value_name = "ENTE", conflicts_with = "every_entity")]
        entity: Option<String>,
        /// Un account dell'intera installazione, per tutti gli enti (es. il gestore).
        #[arg(long)]
        every_entity: bool,
        /// Legge la password dalla prima riga dello standard input.
        #[arg(long)]
        password_stdin: bool,
        /// L'indirizzo di posta a cui vanno i promemoria.
        #[arg(long, value_name = "INDIRIZZO")]
        email: Option<String>,
        #[arg(long, value_name = "URL", default_value = crate::db::DEFAULT_DB)]
        db: String,
    },
    /// Imposta (o, senza indirizzo, toglie) l'indirizzo di posta dei promemoria.
    Email {
        username: String,
        address: Option<String>,
        #[arg(long, value_name = "URL", default_value = crate::db::DEFAULT_DB)]
        db: String,
    },
    /// Disattiva un account: chiude le sue sessioni e revoca le sue chiavi.
    Disable {
        username: String,
        #[arg(long, value_name = "URL", default_value = crate::db::DEFAULT_DB)]
        db: String,
    },
    /// Riattiva un account disattivato.
    Enable {
        username: String,
        #[arg(long, value_name = "URL", default_value = crate::db::DEFAULT_DB)]
        db: String,
    },
    /// Imposta una nuova password (generata, o da --password-stdin) e chiude le sessioni.
    ResetPassword {
        username: String,
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, value_name = "URL", default_value = crate::db::DEFAULT_DB)]
        db: String,
    },
    /// Elenca gli account.
    List {
        #[arg(long, value_name = "URL", default_value = crate::db::DEFAULT_DB)]
        db: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Crea una chiave API per una persona e la stampa (una volta sola).
    Add {
        username: String,
        /// Un nome per riconoscerla (es. «cruscotto»).
        #[arg(long)]
        name: String,
        #[arg(long, value_name = "URL", default_value = crate::db::DEFAULT_DB)]
        db: String,
    },
    /// Revoca una chiave.
    Revoke {
        username: String,
        id: i64,
        #[arg(long, value_name = "URL", default_value = crate::db::DEFAULT_DB)]
        db: String,
    },
}

/// The password to set: read from stdin, or generated (and then printed).
fn password(from_stdin: bool) -> Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("impossibile leggere la password dallo standard input")?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        if password.chars().count() < MIN_PASSWORD {
            bail!("la password deve avere almeno {MIN_PASSWORD} caratteri");
        }
        Ok((password, false))
    } else {
        let secret = web::auth::new_secret().map_err(|e| anyhow::anyhow!("{}", e.detail()))?;
        Ok((secret.chars().take(20).collect(), true))
    }
}

/// An Italian sentence as the tail of an error line (`errore: …`).
fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

fn hash(password: &str) -> Result<String> {
    web::auth::hash_password(password).map_err(|e| anyhow::anyhow!("{}", e.detail()))
}

fn not_found(username: &str) -> impl FnOnce(StoreError) -> anyhow::Error + '_ {
    move |e| match e {
        StoreError::NotFound(_) => anyhow::anyhow!("nessun account «{username}»"),
        e => anyhow::Error::new(e).context("impossibile aggiornare l'account"),
    }
}

pub fn user(command: UserCommand) -> Result<ExitCode> {
    runtime()?.block_on(async {
        match command {
            UserCommand::Add {
                username,
                name,
                roles,
                members,
                entity,
                every_entity,
                password_stdin,
                email,
                db,
            } => {
                let (password, generated) = password(password_stdin)?;
                let store = open(&db).await?;
                let cycle = Cycle::new(store.clone(), Arc::new(web::ServerClock));
                let new = NewAccount {
                    username: &username,
                    name: &name,
                    roles: &roles,
                    units: &members,
                    entity: match (&entity, every_entity) {
                        (Some(e), _) => EntityChoice::Named(e),
                        (None, true) => EntityChoice::Every,
                        (None, false) => EntityChoice::Sole,
                    },
                    password: &password,
                    email: email.as_deref(),
                };
                let hashed = async |p: String| hash(&p).map_err(|e| Refusal::Failed(e.to_string()));
                let result = cycle.add_account(None, new, hashed, &crate::db::stamp()).await;
                store.close().await;
                match result {
                    Ok(p) => {
                        let scope = p.entity.as_deref().map_or("tutti gli enti".to_string(), |e| format!("l'ente {e}"));
                        let mut text = format!("Account «{}» creato per {} ({scope}).\n", p.username, p.name);
                        if generated {
                            text.push_str(&format!("Password iniziale (mostrata solo ora): {password}\n"));
                        }
                        output::stdout(&text)?;
                    }
                    Err(Refusal::Invalid(why)) => bail!("{}", lowercase_first(why.trim_end_matches('.'))),
                    Err(e) => return Err(anyhow::Error::new(e).context("impossibile creare l'account")),
                }
            }
            UserCommand::Email {
                username,
                address,
                db,
            } => {
                let email = match address.as_deref().map(Email::parse).transpose() {
                    Ok(email) => email,
                    Err(_) => bail!("«{}» non è un indirizzo di posta valido", address.unwrap_or_default()),
                };
                let result =
                    with_store(&db, async |s| s.set_email(&username, email.as_ref(), &crate::db::stamp()).await).await?;
                match (result, &address) {
                    (Ok(()), Some(a)) => output::stdout(&format!(
                        "I promemoria di «{username}» andranno a {a}.\n"
                    ))?,
                    (Ok(()), None) => output::stdout(&format!(
                        "Tolto l'indirizzo di posta di «{username}»: niente promemoria.\n"
                    ))?,
                    (Err(e), _) => return Err(not_found(&username)(e)),
                }
            }
            UserCommand::Disable { username, db } => {
                with_store(&db, async |s| s.set_disabled(&username, true, &crate::db::stamp()).await)
                    .await?
                    .map_err(not_found(&username))?;
                output::stdout(&format!("Account «{username}» disattivato: sessioni chiuse, chiavi revocate.\n"))?;
            }
            UserCommand::Enable { username, db } => {
                with_store(&db, async |s| s.set_disabled(&username, false, &crate::db::stamp()).await)
                    .await?
                    .map_err(not_found(&username))?;
                output::stdout(&format!("Account «{username}» riattivato.\n"))?;
            }
            UserCommand::ResetPassword { username, password_stdin, db } => {
                let (password, generated) = password(password_stdin)?;
                let hashed = hash(&password)?;
                with_store(&db, async |s| s.set_password(&username, &hashed, &crate::db::stamp()).await)
                    .await?
                    .map_err(not_found(&username))?;
                let mut text = format!("Password di «{username}» reimpostata; sessioni chiuse.\n");
                if generated {
                    text.push_str(&format!("Nuova password (mostrata solo ora): {password}\n"));
                }
                output::stdout(&text)?;
            }
            UserCommand::List { db } => {
                let people = with_store(&db, async |s| s.people().await)
                    .await?
                    .context("impossibile leggere gli account")?;
                let mut text = String::new();
                if people.is_empty() {
                    text.push_str("Nessun account. Crearne uno con: pegaso user add NOME --name \"Nome Cognome\" --role admin\n");
                }
                for p in people {
                    let roles: Vec<&str> = p.roles.iter().map(|r| messages::role(*r)).collect();
                    let units: Vec<&str> = p.units.iter().map(UnitId::as_str).collect();
                    text.push_str(&format!(
                        "{}\t{}\t{}\t{}\t{}\n",
                        p.username,
                        p.name,
                        if roles.is_empty() { "-".to_string() } else { roles.join(", ") },
                        if units.is_empty() { "-".to_string() } else { units.join(", ") },
                        if p.disabled { "disattivato" } else { "attivo" },
                    ));
                }
                output::stdout(&text)?;
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

pub fn token(command: TokenCommand) -> Result<ExitCode> {
    runtime()?.block_on(async {
        match command {
            TokenCommand::Add { username, name, db } => {
                let token =
                    web::auth::new_token().map_err(|e| anyhow::anyhow!("{}", e.detail()))?;
                let store = open(&db).await?;
                let cycle = Cycle::new(store.clone(), Arc::new(web::ServerClock));
                let result = match store.person(&username).await {
                    Ok(person) => {
                        cycle
                            .add_token(
                                &person,
                                &name,
                                &web::auth::secret_hash(&token),
                                &crate::db::stamp(),
                            )
                            .await
                    }
                    Err(e) => Err(e.into()),
                };
                store.close().await;
                let id = match result {
                    Ok(id) => id,
                    Err(Refusal::Invalid(why)) => {
                        bail!("{}", lowercase_first(why.trim_end_matches('.')))
                    }
                    Err(Refusal::Store(e)) => return Err(not_found(&username)(e)),
                    Err(e) => {
                        return Err(anyhow::Error::new(e).context("impossibile creare la chiave"));
                    }
                };
                output::stdout(&format!(
                    "Chiave {id} «{name}» per «{username}» (mostrata solo ora):\n{token}\n"
                ))?;
            }
            TokenCommand::Revoke { username, id, db } => {
                let result = with_store(&db, async |s| {
                    s.revoke_token(&username, id, &crate::db::stamp()).await
                })
                .await?;
                result.map_err(|e| match e {
                    StoreError::NotFound(_) => {
                        anyhow::anyhow!("«{username}» non ha una chiave attiva numero {id}")
                    }
                    e => anyhow::Error::new(e).context("impossibile revocare la chiave"),
                })?;
                output::stdout(&format!("Chiave {id} di «{username}» revocata.\n"))?;
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}
