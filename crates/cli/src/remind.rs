//! `pegaso remind`: reminder e-mails for the open monitoring rounds. Before a round's date
//! (within `--before` days) and after it while the round is open, each head and member of a
//! unit the round still waits for gets one message listing what is missing; each reminder
//! goes once (recorded in the database and the audit log). SMTP settings come from
//! `--smtp`/`PEGASO_SMTP_URL` and `--from`/`PEGASO_MAIL_FROM`.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use domain::access::unit_grants;
use domain::monitoring::{self, Figure, Figures, Reminder};
use domain::scoring::engine::Settings;
use domain::{PlanState, messages};
use lettre::message::Mailbox;
use lettre::{Message, SmtpTransport, Transport};
use store::{PhaseRecord, Stamp, Store};

use crate::db::{open, runtime};
use crate::output;

/// What `remind` was asked to do.
#[derive(Debug)]
pub struct Options {
    pub db: String,
    pub plan: Option<String>,
    pub today: Option<NaiveDate>,
    pub before: u32,
    pub smtp: Option<String>,
    pub from: Option<String>,
    /// The address of the site, for links in the messages.
    pub site: Option<String>,
}

/// One message to send.
struct Letter {
    plan: String,
    round: i64,
    person: i64,
    username: String,
    to: Mailbox,
    kind: Reminder,
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
    let result = rt.block_on(letters(&store, &o, today, &from));
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
                let stamp = Stamp {
                    actor: "cli".into(),
                    at: web::now(),
                };
                match rt.block_on(store.record_reminder(
                    &l.plan,
                    l.round,
                    l.person,
                    &l.username,
                    l.kind.as_str(),
                    &stamp,
                )) {
                    // Another run sent it meanwhile: it is recorded once.
                    Ok(()) | Err(store::StoreError::Conflict(_)) => {}
                    Err(e) => {
                        tracing::error!(to = %l.to, "reminder sent but not recorded: {e}");
                        output::stderr(&format!(
                            "Promemoria a {} inviato ma non registrato: {e}\n",
                            l.to
                        ));
                    }
                }
                tracing::info!(to = %l.to, plan = l.plan, kind = l.kind.as_str(), "reminder sent");
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
    store: &Store,
    o: &Options,
    today: NaiveDate,
    from: &Mailbox,
) -> Result<Vec<Letter>> {
    let plans = store.plans().await.context("impossibile leggere i piani")?;
    if let Some(id) = &o.plan
        && !plans.iter().any(|p| &p.id == id)
    {
        bail!("nessun piano «{id}» nel database");
    }
    let people = store
        .people()
        .await
        .context("impossibile leggere gli account")?;
    let mut out = Vec::new();
    for summary in plans
        .iter()
        .filter(|p| o.plan.as_ref().is_none_or(|id| &p.id == id))
        // Once measured, only the planning office corrects: units are not asked to report.
        .filter(|p| p.state == PlanState::InExecution)
    {
        let id = summary.id.as_str();
        let monitoring = store.monitoring(id).await?;
        let Some(round) = monitoring.open_round() else {
            continue;
        };
        let Some(kind) = Reminder::due(round.as_of, today, o.before) else {
            continue;
        };
        let (_, plan) = store.plan_with_summary(id).await?;
        let entity = store::entity_slug(&plan);
        let settings = monitoring
            .scoring
            .as_deref()
            .and_then(|j| Settings::parse(j, &plan).ok())
            .unwrap_or_default();
        let records = store.phase_records(id).await?;
        let phases: Vec<Vec<Figure>> = records
            .iter()
            .map(|o| o.iter().map(|r| PhaseRecord::figure(Some(r))).collect())
            .collect();
        let neutralised = monitoring.neutralised(&plan);
        let figures = Figures {
            phases: &phases,
            indicators: &monitoring.indicator_figures(),
            neutralised: &neutralised,
        };
        let pending = monitoring::pending(&plan, &settings, &figures, round.id);
        for person in people
            .iter()
            .filter(|p| !p.disabled && p.entity.as_ref().is_none_or(|e| *e == entity))
        {
            let grants = unit_grants(&plan, &person.name, &person.units);
            let mine: Vec<&monitoring::Pending> = pending
                .iter()
                .filter(|p| {
                    grants
                        .iter()
                        .any(|g| g.unit == plan.units[p.unit].id && g.covers(Some(today)))
                })
                .collect();
            if mine.is_empty() {
                continue;
            }
            let Some(email) = &person.email else {
                output::stderr(&format!(
                    "{} ({}) attende un promemoria ma non ha un indirizzo di posta: pegaso user email {} INDIRIZZO\n",
                    person.name, person.username, person.username
                ));
                continue;
            };
            if store
                .reminder_sent(round.id, person.id, kind.as_str())
                .await?
            {
                continue;
            }
            let Ok(to) = format!("{} <{email}>", person.name).parse::<Mailbox>() else {
                output::stderr(&format!(
                    "L'indirizzo di {} non è valido: {email}\n",
                    person.username
                ));
                continue;
            };
            let when = match kind {
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
            for p in &mine {
                body.push_str(&format!(
                    "- {}: {} fasi, {} indicatori da riferire\n",
                    plan.units[p.unit].name, p.phases, p.indicators
                ));
            }
            if let Some(site) = &o.site {
                body.push_str(&format!(
                    "\nSi riferisce da qui: {}/piani/{id}/monitoraggi\n",
                    site.trim_end_matches('/')
                ));
            }
            body.push_str(&format!(
                "\nMessaggio automatico di Pegaso, inviato da {from}.\n"
            ));
            out.push(Letter {
                plan: id.to_owned(),
                round: round.id,
                person: person.id,
                username: person.username.clone(),
                to,
                kind,
                subject: format!("Promemoria: monitoraggio «{}»", round.name),
                body,
            });
        }
    }
    Ok(out)
}
