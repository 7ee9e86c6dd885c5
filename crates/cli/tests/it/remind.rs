//! `pegaso remind` against a local SMTP sink the test starts itself: before a round's date
//! the head of a unit that has not reported gets one message, a second run sends nothing,
//! after the date a second reminder goes; a unit that has reported gets none.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use domain::{PlanState, Role, UnitId};
use store::testing::{fresh_databases, person, record_acts, stamp};
use store::{NewPerson, Store};

use crate::commands::{assert_says, demo, pegaso, text};

/// One message the sink received: the envelope's recipients and the data.
#[derive(Debug, Clone)]
struct Mail {
    to: Vec<String>,
    data: String,
}

/// A minimal SMTP server on a free port that keeps what it is sent.
fn smtp_sink() -> (u16, Arc<Mutex<Vec<Mail>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let kept = mails.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut out = stream.try_clone().unwrap();
            let mut lines = BufReader::new(stream);
            let mut reply = |s: &str| out.write_all(format!("{s}\r\n").as_bytes()).is_ok();
            reply("220 sink ESMTP");
            let mut to = Vec::new();
            loop {
                let mut line = String::new();
                if lines.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let command = line.trim_end().to_ascii_uppercase();
                if command.starts_with("EHLO") || command.starts_with("HELO") {
                    reply("250 sink");
                } else if command.starts_with("RCPT TO:") {
                    to.push(line.trim_end()[8..].trim().to_owned());
                    reply("250 ok");
                } else if command == "DATA" {
                    reply("354 go on");
                    let mut data = String::new();
                    loop {
                        let mut l = String::new();
                        if lines.read_line(&mut l).unwrap_or(0) == 0 || l == ".\r\n" {
                            break;
                        }
                        data.push_str(&l);
                    }
                    kept.lock().unwrap().push(Mail {
                        to: std::mem::take(&mut to),
                        data: body_text(&data),
                    });
                    reply("250 queued");
                } else if command == "QUIT" {
                    reply("221 bye");
                    break;
                } else {
                    reply("250 ok");
                }
            }
        }
    });
    (port, mails)
}

/// The message's body as text: the part after the headers, quoted-printable decoded.
fn body_text(data: &str) -> String {
    let body = data.split_once("\r\n\r\n").map_or(data, |(_, b)| b);
    let joined = body.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}

fn remind(url: &str, port: u16, today: &str) -> std::process::Output {
    pegaso(&[
        "remind",
        "--db",
        url,
        "--today",
        today,
        "--smtp",
        &format!("smtp://127.0.0.1:{port}"),
        "--from",
        "Pegaso <pegaso@comune.example.it>",
        "--site",
        "https://pegaso.example.it",
    ])
}

#[tokio::test]
async fn reminders_go_once_before_and_once_after_the_round_date() {
    let plan: domain::Plan =
        serde_json::from_str(&std::fs::read_to_string(demo()).unwrap()).unwrap();
    // Two units with objectives and one head each: one will report everything, one nothing.
    let units: Vec<&domain::Unit> = plan
        .units
        .iter()
        .filter(|u| u.heads.len() == 1 && plan.objectives.iter().any(|o| o.unit == u.id))
        .take(2)
        .collect();
    let name = |u: &domain::Unit| -> String {
        u.heads[0]
            .name
            .split_whitespace()
            .filter(|w| !w.contains('.'))
            .collect::<Vec<_>>()
            .join(" ")
    };
    for db in fresh_databases().await {
        let b = db.backend;
        let run = pegaso(&["import", demo().to_str().unwrap(), "--db", &db.url]);
        assert_eq!(run.status.code(), Some(0), "{b}: {}", text(&run.stderr));
        let store = Store::open(&db.url).await.unwrap();
        let id = store.plans().await.unwrap()[0].id.clone();
        let acts = [
            (PlanState::Draft, "validate", PlanState::Validated),
            (PlanState::Validated, "approve", PlanState::Approved),
            (PlanState::Approved, "start", PlanState::InExecution),
        ];
        record_acts(&store, &id, &acts, "t").await;
        for (username, unit, email) in [
            ("late", units[0], Some("late@comune.example.it")),
            ("done", units[1], Some("done@comune.example.it")),
        ] {
            let head = person(username, &name(unit), &[]);
            store.add_person(&head, &stamp("t")).await.unwrap();
            let email = email.map(|e| domain::Email::parse(e).unwrap());
            store
                .set_email(username, email.as_ref(), &stamp("t"))
                .await
                .unwrap();
        }
        // A member without an address is named on stderr, not mailed.
        let member = NewPerson {
            username: domain::Username::parse("senza").unwrap(),
            name: "Senza Posta".into(),
            entity: None,
            roles: vec![Role::Auditor],
            units: vec![UnitId::parse(units[0].id.as_str()).unwrap()],
            password_hash: None,
        };
        store.add_person(&member, &stamp("t")).await.unwrap();
        let as_of = NaiveDate::from_ymd_opt(2021, 6, 30).unwrap();
        store
            .open_round(&id, "Monitoraggio al 30/06", as_of, &stamp("t"))
            .await
            .unwrap();
        // The second unit reports every phase of its objectives done.
        for o in &plan.objectives {
            if o.unit != units[1].id {
                continue;
            }
            for (pi, _) in o.phases.iter().enumerate() {
                let key = store::PhaseKey {
                    plan: &id,
                    unit: o.unit.as_str(),
                    objective: o.label.as_str(),
                    position: pi + 1,
                };
                let (version, mut fields) = store.phase_fields(key).await.unwrap();
                fields.completed_on = Some(as_of);
                fields.status = Some(domain::monitoring::ReportStatus::Done);
                store
                    .edit_phase(
                        key,
                        version,
                        PlanState::InExecution,
                        &fields,
                        &stamp("done"),
                    )
                    .await
                    .unwrap();
            }
        }
        store.close().await;

        let (port, mails) = smtp_sink();
        // Too early: nothing.
        let run = remind(&db.url, port, "2021-06-01");
        assert_eq!(run.status.code(), Some(0), "{b}: {}", text(&run.stderr));
        assert!(text(&run.stdout).contains("Promemoria inviati: 0"), "{b}");
        // A week before: the head who has not reported, once.
        let run = remind(&db.url, port, "2021-06-25");
        assert_eq!(run.status.code(), Some(0), "{b}: {}", text(&run.stderr));
        assert!(text(&run.stdout).contains("Promemoria inviati: 1"), "{b}");
        assert!(
            text(&run.stderr).contains("Senza Posta"),
            "{b}: {}",
            text(&run.stderr)
        );
        {
            let got = mails.lock().unwrap();
            assert_eq!(got.len(), 1, "{b}: {got:?}");
            assert_eq!(
                got[0].to,
                vec!["<late@comune.example.it>".to_string()],
                "{b}"
            );
            let data = &got[0].data;
            assert!(data.contains("Monitoraggio al 30/06"), "{b}: {data}");
            assert!(data.contains("entro il 30/06/2021"), "{b}: {data}");
            assert!(
                data.contains(&format!("/piani/{id}/monitoraggi")),
                "{b}: {data}"
            );
        }
        let run = remind(&db.url, port, "2021-06-26");
        assert!(text(&run.stdout).contains("Promemoria inviati: 0"), "{b}");
        // After the date, with the round still open: the second reminder.
        let run = remind(&db.url, port, "2021-07-02");
        assert!(text(&run.stdout).contains("Promemoria inviati: 1"), "{b}");
        let got = mails.lock().unwrap().clone();
        assert_eq!(got.len(), 2, "{b}");
        assert!(got[1].data.contains("è passata"), "{b}: {}", got[1].data);
        assert!(
            got.iter()
                .all(|m| m.to != vec!["<done@comune.example.it>".to_string()]),
            "{b}: the unit that reported gets nothing"
        );
        // Each is in the audit log.
        let store = Store::open(&db.url).await.unwrap();
        let log = store
            .audit_log(&store::AuditFilter::default())
            .await
            .unwrap();
        assert_eq!(
            log.iter().filter(|e| e.action == "round.reminder").count(),
            2,
            "{b}"
        );
        store.close().await;
    }
}

#[test]
fn without_a_mail_server_it_says_what_is_missing() {
    let run = pegaso(&["remind", "--db", "sqlite://nessuno.db"]);
    assert_eq!(run.status.code(), Some(2));
    assert_says(&run.stderr, "manca il server di posta");
}
