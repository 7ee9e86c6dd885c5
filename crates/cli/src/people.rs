//! `pegaso user …` and `pegaso token …`: accounts and API tokens from the command line, each
//! change stamped `cli` in the audit log.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use domain::{Role, UnitId, messages};
use store::{NewPerson, Stamp, StoreError};

use crate::db::{open, runtime};
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

const MIN_PASSWORD: usize = 12;

fn stamp() -> Stamp {
    Stamp {
        actor: "cli".into(),
        at: web::now(),
    }
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
                let roles = roles
                    .iter()
                    .map(|r| {
                        Role::parse(r).with_context(|| {
                            format!("ruolo sconosciuto «{r}»: usare admin, evaluator, board o auditor")
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                let units = members
                    .iter()
                    .map(|u| UnitId::parse(u).map_err(|_| anyhow::anyhow!("unità non valida «{u}»")))
                    .collect::<Result<Vec<_>>>()?;
                let (password, generated) = password(password_stdin)?;
                let store = open(&db).await?;
                // People belong to an administration: the one named, or the only one there is.
                let entities = store.entities().await.context("impossibile leggere gli enti")?;
                let entity = match (entity, every_entity) {
                    (Some(e), _) if !entities.contains(&e) => {
                        store.close().await;
                        bail!("nessun ente «{e}» nel database (ci sono: {})", entities.join(", "))
                    }
                    (Some(e), _) => Some(e),
                    (None, true) => None,
                    (None, false) if entities.len() == 1 => entities.first().cloned(),
                    (None, false) if entities.is_empty() => None,
                    (None, false) => {
                        store.close().await;
                        bail!(
                            "indicare l'ente con --entity ({}), o --every-entity per un account di tutti",
                            entities.join(", ")
                        )
                    }
                };
                let new = NewPerson {
                    username: username.clone(),
                    name,
                    entity,
                    roles,
                    units,
                    password_hash: Some(hash(&password)?),
                };
                let mut result = store.add_person(&new, &stamp()).await;
                if let (Ok(_), Some(e)) = (&result, &email)
                    && let Err(err) = store.set_email(&username, Some(e), &stamp()).await
                {
                    result = Err(err);
                }
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
                    Err(StoreError::Conflict(_)) => bail!("il nome utente «{username}» è già in uso"),
                    Err(StoreError::Invalid(what)) if what.starts_with("e-mail") => bail!(
                        "indirizzo di posta non valido: l'account «{username}» è creato, senza indirizzo \
                         (pegaso user email {username} INDIRIZZO)"
                    ),
                    Err(StoreError::Invalid(_)) => bail!(
                        "nome utente «{username}» non valido: lettere, cifre e . _ - @, al massimo 64"
                    ),
                    Err(e) => return Err(e).context("impossibile creare l'account"),
                }
            }
            UserCommand::Email {
                username,
                address,
                db,
            } => {
                let store = open(&db).await?;
                let result = store
                    .set_email(&username, address.as_deref(), &stamp())
                    .await;
                store.close().await;
                match (result, &address) {
                    (Ok(()), Some(a)) => output::stdout(&format!(
                        "I promemoria di «{username}» andranno a {a}.\n"
                    ))?,
                    (Ok(()), None) => output::stdout(&format!(
                        "Tolto l'indirizzo di posta di «{username}»: niente promemoria.\n"
                    ))?,
                    (Err(StoreError::Invalid(_)), Some(a)) => {
                        bail!("«{a}» non è un indirizzo di posta valido")
                    }
                    (Err(e), _) => return Err(not_found(&username)(e)),
                }
            }
            UserCommand::Disable { username, db } => {
                let store = open(&db).await?;
                let result = store.set_disabled(&username, true, &stamp()).await;
                store.close().await;
                result.map_err(not_found(&username))?;
                output::stdout(&format!("Account «{username}» disattivato: sessioni chiuse, chiavi revocate.\n"))?;
            }
            UserCommand::Enable { username, db } => {
                let store = open(&db).await?;
                let result = store.set_disabled(&username, false, &stamp()).await;
                store.close().await;
                result.map_err(not_found(&username))?;
                output::stdout(&format!("Account «{username}» riattivato.\n"))?;
            }
            UserCommand::ResetPassword { username, password_stdin, db } => {
                let (password, generated) = password(password_stdin)?;
                let store = open(&db).await?;
                let result = store.set_password(&username, &hash(&password)?, &stamp()).await;
                store.close().await;
                result.map_err(not_found(&username))?;
                let mut text = format!("Password di «{username}» reimpostata; sessioni chiuse.\n");
                if generated {
                    text.push_str(&format!("Nuova password (mostrata solo ora): {password}\n"));
                }
                output::stdout(&text)?;
            }
            UserCommand::List { db } => {
                let store = open(&db).await?;
                let people = store.people().await;
                store.close().await;
                let people = people.context("impossibile leggere gli account")?;
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
                let result = store
                    .add_token(&username, &name, &web::auth::secret_hash(&token), &stamp())
                    .await;
                store.close().await;
                let id = result.map_err(not_found(&username))?;
                output::stdout(&format!(
                    "Chiave {id} «{name}» per «{username}» (mostrata solo ora):\n{token}\n"
                ))?;
            }
            TokenCommand::Revoke { username, id, db } => {
                let store = open(&db).await?;
                let result = store.revoke_token(&username, id, &stamp()).await;
                store.close().await;
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
