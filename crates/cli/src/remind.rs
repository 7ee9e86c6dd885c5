//! `pegaso remind`: reminder e-mails for the open monitoring rounds. Before a round's date
//! (within `--before` days) and after it while the round is open, each head and member of a
//! unit the round still waits for gets one message listing what is missing; each reminder
//! goes once (recorded in the database and the audit log). SMTP settings come from
//! `--smtp`/`PEGASO_SMTP_URL` and `--from`/`PEGASO_MAIL_FROM`.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use cycle::Cycle;
use cycle::reminders::DueReminder;
use domain::messages;
use domain::monitoring::Reminder;
use lettre::message::Mailbox;
use lettre::{Message, SmtpTransport, Transport};

use crate::db::{open, runtime};
use crate::output;

/// What `remind` was asked to do.
#[derive(Debug, clap::Args)]
pub struct Options {
    #[arg(long, value_name = "URL", default_value = crate::db::DEFAULT_DB)]
    pub db: String,
    /// Solo questo piano.
    #[arg(long, value_name = "ID", value_parser = crate::db::plan_id)]
    pub plan: Option<domain::PlanId>,
    /// Il giorno da considerare oggi (AAAA-MM-GG); di norma, oggi.
    #[arg(long, value_name = "DATA")]
    pub today: Option<chrono::NaiveDate>,
    /// Quanti giorni prima della data del monitoraggio parte il primo promemoria.
    #[arg(long, value_name = "GIORNI", default_value_t = 7)]
    pub before: u32,
    /// Il server di posta (es. smtp://utente:password@host:587?tls=required); altrimenti
    /// PEGASO_SMTP_URL.
    #[arg(long, value_name = "URL")]
    pub smtp: Option<String>,
    /// Il mittente (es. "Pegaso <pegaso@comune.example.it>"); altrimenti PEGASO_MAIL_FROM.
    #[arg(long, value_name = "INDIRIZZO")]
    pub from: Option<String>,
    /// L'indirizzo del sito, per il collegamento nei messaggi (es. https://pegaso.example.it).
    #[arg(long, value_name = "URL")]
    pub site: Option<String>,
}

/// One message to send, for a reminder due.
struct Letter {
    due: DueReminder,
    to: Mailbox,
    subject: String,
    body: String,
}

pub fn run(o: Options) -> Result<ExitCode> {
    let smtp = o
        .smtp
        .clone()
        .or_else(|| std::env::var("PEGASO_SMTP_URL").ok())
        .context("manca il server di posta: --smtp URL o PEGASO_SMTP_URL (es. smtp://host:587?tls=required)")?;
    let from: Mailbox = o
        .from
        .clone()
        .or_else(|| std::env::var("PEGASO_MAIL_FROM").ok())
        .context("manca il mittente: --from INDIRIZZO o PEGASO_MAIL_FROM")?
        .parse()
        .context("il mittente non è un indirizzo di posta valido")?;
    let mailer = SmtpTransport::from_url(&smtp)
        .context("l'indirizzo del server di posta non è valido")?
        .build();
    let today = o.today.unwrap_or_else(web::today);
    let rt = runtime()?;
    let store = rt.block_on(open(&o.db))?;
    let cycle = Cycle::new(store.clone(), std::sync::Arc::new(web::ServerClock));
    let result = rt.block_on(letters(&cycle, &o, today, &from));
    let letters = match result {
        Ok(l) => l,
        Err(e) => {
            rt.block_on(store.close());
            return Err(e);
        }
    };
    let (mut sent, mut failed) = (0, 0);
    for l in &letters {
        let message = Message::builder()
            .from(from.clone())
            .to(l.to.clone())
            .subject(&l.subject)
            .body(l.body.clone())
            .context("impossibile comporre il messaggio")?;
        match mailer.send(&message) {
            Ok(_) => {
                let stamp = crate::db::stamp();
                if let Err(e) = rt.block_on(cycle.reminder_sent(&l.due, &stamp)) {
                    tracing::error!(to = %l.to, "reminder sent but not recorded: {e}");
                    output::stderr(&format!(
                        "Promemoria a {} inviato ma non registrato: {e}\n",
                        l.to
                    ));
                }
                tracing::info!(to = %l.to, plan = %l.due.plan.id(), kind = l.due.kind.as_str(), "reminder sent");
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(to = %l.to, "reminder not sent: {e}");
                output::stderr(&format!("Promemoria a {} non inviato: {e}\n", l.to));
                failed += 1;
            }
        }
    }
    rt.block_on(store.close());
    output::stdout(&format!(
        "Promemoria inviati: {sent}{}.\n",
        if failed > 0 {
            format!("; non inviati: {failed}")
        } else {
            String::new()
        }
    ))?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The messages due on `today`, not sent before.
async fn letters(
    cycle: &Cycle,
    o: &Options,
    today: NaiveDate,
    from: &Mailbox,
) -> Result<Vec<Letter>> {
    let due = match cycle.reminders_due(o.plan.as_ref(), today, o.before).await {
        Ok(due) => due,
        Err(cycle::Refusal::NotFound(what)) => bail!("nel database non c'è {what}"),
        Err(e) => return Err(e).context("impossibile leggere i monitoraggi aperti"),
    };
    let mut out = Vec::new();
    for due in due {
        let (person, round, plan) = (&due.person, &due.round, &due.plan.plan);
        let Some(email) = &person.email else {
            output::stderr(&format!(
                "{} ({}) attende un promemoria ma non ha un indirizzo di posta: pegaso user email {} INDIRIZZO\n",
                person.name, person.username, person.username
            ));
            continue;
        };
        let to = Mailbox::new(Some(person.name.clone()), email.address().clone());
        let when = match due.kind {
            Reminder::Before => format!("entro il {}", messages::date(round.as_of)),
            Reminder::After => format!(
                "la data del {} è passata e il monitoraggio è ancora aperto",
                messages::date(round.as_of)
            ),
        };
        let mut body = format!(
            "Gentile {},\n\nil monitoraggio «{}» del piano «{}» ({}) attende ancora, {when}:\n\n",
            person.name, round.name, plan.title, plan.entity.name
        );
        for p in &due.pending {
            body.push_str(&format!(
                "- {}: {} fasi, {} indicatori da riferire\n",
                plan.units[p.unit].name, p.phases, p.indicators
            ));
        }
        if let Some(site) = &o.site {
            body.push_str(&format!(
                "\nSi riferisce da qui: {}/piani/{}/monitoraggi\n",
                site.trim_end_matches('/'),
                due.plan.id()
            ));
        }
        body.push_str(&format!(
            "\nMessaggio automatico di Pegaso, inviato da {from}.\n"
        ));
        let subject = format!("Promemoria: monitoraggio «{}»", round.name);
        out.push(Letter {
            due,
            to,
            subject,
            body,
        });
    }
    Ok(out)
}
