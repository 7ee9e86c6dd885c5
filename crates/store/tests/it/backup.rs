//! Backups: a database full of everything the application records goes SQLite → PostgreSQL →
//! SQLite and comes back row for row, with its audit chain; damaged archives and filled
//! targets are refused with nothing written; a backup taken while others write is a snapshot;
//! and every table of the live schema is either backed up or left out on purpose.

use std::io::{Cursor, Read, Write};

use chrono::{NaiveDate, TimeZone, Utc};
use domain::audit::{Entry, verify};
use domain::change::Proposal;
use domain::{BoardAct, Plan, Role};
use sha2::{Digest, Sha256};
use store::backup::{BACKED_UP, MIGRATIONS_TABLE, NOT_BACKED_UP};
use store::testing::{TestDatabase, fresh_databases, fresh_sqlite, stamp};
use store::{AuditFilter, Backend, NewEvidence, NewPerson, PhaseKey, Store, StoreError};

use crate::demo;

const PLAN: &str = "citta-di-alessandria-2021";
const SECOND: &str = "citta-di-alessandria-2022";

/// An evidence file with every byte value, zeros among them.
fn binary() -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..=255).collect();
    bytes.extend([0, 0, 0, b'%', b'P', b'D', b'F', 0, 255]);
    bytes
}

fn made_at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 7, 1, 12, 0, 0).unwrap()
}

/// The second plan lists its units children first, so a unit's parent has the larger id.
fn second_plan() -> Plan {
    let mut plan = demo();
    plan.year = 2022;
    plan.units.reverse();
    plan
}

/// A database with a row in every table a backup holds, and a session and failed logins.
async fn filled(url: &str) -> Store {
    let store = Store::open(url).await.unwrap();
    let plan = demo();
    store
        .save_plan(&plan, &[], false, &stamp("cli"))
        .await
        .unwrap();
    let diagnostics = vec![domain::Diagnostic::warning(
        domain::Code::WeightMissing,
        "objectives[1].phases[0]",
        "manca l'incidenza".into(),
    )];
    store
        .save_plan(&second_plan(), &diagnostics, false, &stamp("cli"))
        .await
        .unwrap();
    let ada = store
        .add_person(
            &NewPerson {
                username: "ada".into(),
                name: "Ada Rossi".into(),
                entity: None,
                roles: vec![Role::Admin, Role::Auditor],
                units: vec![],
                password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
            },
            &stamp("cli"),
        )
        .await
        .unwrap();
    let capo = store
        .add_person(
            &NewPerson {
                username: "capo".into(),
                name: "Roberto Calcagni".into(),
                entity: Some("citta-di-alessandria".into()),
                roles: vec![],
                units: vec![domain::UnitId::parse("avvocatura").unwrap()],
                password_hash: None,
            },
            &stamp("cli"),
        )
        .await
        .unwrap();
    store
        .set_email("capo", Some("capo@comune.example.it"), &stamp("cli"))
        .await
        .unwrap();
    store
        .add_token("ada", "cruscotto", "token-hash", &stamp("cli"))
        .await
        .unwrap();
    store
        .set_calendar_feed("capo", Some("calendar-hash"), &stamp("capo"))
        .await
        .unwrap();
    store
        .open_session(
            &ada,
            "session-hash",
            "csrf",
            made_at() + chrono::Duration::days(3650),
            &stamp("ada"),
        )
        .await
        .unwrap();
    store
        .login_attempt(&["account:ada"], made_at(), made_at())
        .await
        .unwrap();
    let round = store
        .open_round(
            PLAN,
            "Primo monitoraggio",
            NaiveDate::from_ymd_opt(2021, 6, 30).unwrap(),
            &stamp("ada"),
        )
        .await
        .unwrap();
    let key = PhaseKey {
        plan: PLAN,
        unit: "avvocatura",
        objective: "A",
        position: 1,
    };
    store
        .add_evidence(
            key,
            Some(round),
            &NewEvidence {
                file_name: "verbale.pdf",
                content_type: "application/pdf",
                content: &binary(),
            },
            &stamp("capo"),
        )
        .await
        .unwrap();
    store
        .report_actual(
            PLAN,
            "avvocatura",
            "A",
            1,
            "87.5".parse().unwrap(),
            NaiveDate::from_ymd_opt(2021, 6, 30).unwrap(),
            "Protocollo",
            Some(round),
            &stamp("capo"),
        )
        .await
        .unwrap();
    store
        .neutralise(
            PLAN,
            "avvocatura/A/2",
            Some("Norma sopravvenuta"),
            &stamp("nino"),
        )
        .await
        .unwrap();
    store
        .record_event(
            PLAN,
            "approvazione del bilancio",
            Some(NaiveDate::from_ymd_opt(2021, 5, 3).unwrap()),
            &stamp("ada"),
        )
        .await
        .unwrap();
    store
        .record_reminder(PLAN, round, capo.id, "capo", "before", &stamp("cli"))
        .await
        .unwrap();
    // A change request through its three steps: a new version of the plan.
    let current = store.plan(PLAN).await.unwrap();
    let index = current
        .objectives
        .iter()
        .position(|o| o.id.as_str() == "avvocatura/A")
        .unwrap();
    let proposal = Proposal::Target {
        text: "Un risultato più ambizioso".into(),
    };
    let id = store
        .request_change(
            PLAN,
            "avvocatura/A",
            &proposal,
            "Nuove risorse",
            &stamp("capo"),
        )
        .await
        .unwrap();
    store
        .give_opinion(PLAN, id, true, "Motivata", &stamp("nino"))
        .await
        .unwrap();
    let next = domain::change::apply(&current, index, &proposal).unwrap();
    let text = serde_json::to_string_pretty(&current).unwrap();
    let seen = store.revision(PLAN).await.unwrap();
    store
        .decide_change(
            PLAN,
            id,
            &BoardAct {
                number: "101".into(),
                date: NaiveDate::from_ymd_opt(2021, 7, 10).unwrap(),
            },
            Some((&text, &next, &next.objectives[index])),
            seen,
            &stamp("gina"),
        )
        .await
        .unwrap();
    store
}

/// The archive's lines, decompressed.
fn lines(archive: &[u8]) -> Vec<String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(archive)
        .read_to_string(&mut text)
        .unwrap();
    text.lines().map(str::to_owned).collect()
}

fn gzip(text: &str) -> Vec<u8> {
    let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    out.write_all(text.as_bytes()).unwrap();
    out.finish().unwrap()
}

/// An archive of these lines (header and rows) with a true end line: damage that only the
/// application's own checks, not the checksum, can find.
fn sealed(lines: &[String]) -> Vec<u8> {
    let header: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    let names: Vec<&str> = header["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let mut counts = vec![0u64; names.len()];
    let mut text = String::new();
    for line in lines {
        text.push_str(line);
        text.push('\n');
        if let Ok(row) = serde_json::from_str::<serde_json::Value>(line)
            && let Some(t) = row["t"].as_str()
        {
            counts[names.iter().position(|n| *n == t).unwrap()] += 1;
        }
    }
    let sha: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let rows: u64 = counts.iter().sum();
    let end = serde_json::json!({ "end": { "rows": rows, "counts": counts, "sha256": sha } });
    text.push_str(&format!("{end}\n"));
    gzip(&text)
}

/// The rows of an archive, by line, without the header and the end (which name the backend).
fn rows(archive: &[u8]) -> Vec<String> {
    let all = lines(archive);
    all[1..all.len() - 1].to_vec()
}

/// The columns the header gives a table.
fn columns(archive: &[u8], table: &str) -> Vec<String> {
    let header: serde_json::Value = serde_json::from_str(&lines(archive)[0]).unwrap();
    header["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == table)
        .map(|t| {
            t["columns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap()
}

/// One table's rows as JSON values.
fn table_rows(archive: &[u8], table: &str) -> Vec<Vec<serde_json::Value>> {
    rows(archive)
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["t"] == table)
        .map(|r| r["v"].as_array().unwrap().clone())
        .collect()
}

/// The audit log and its head as an archive holds them.
fn audit_of(archive: &[u8]) -> (Vec<Entry>, Option<(i64, String)>) {
    let names = columns(archive, "audit_entry");
    let at = |row: &[serde_json::Value], name: &str| -> serde_json::Value {
        row[names.iter().position(|n| n == name).unwrap()].clone()
    };
    let text = |v: serde_json::Value| v.as_str().map(str::to_owned);
    let entries = table_rows(archive, "audit_entry")
        .iter()
        .map(|r| Entry {
            seq: at(r, "seq").as_i64().unwrap(),
            at: text(at(r, "at")).unwrap(),
            actor: text(at(r, "actor")).unwrap(),
            action: text(at(r, "action")).unwrap(),
            subject: text(at(r, "subject")).unwrap(),
            plan: text(at(r, "plan")),
            before: text(at(r, "before")),
            after: text(at(r, "after")),
            prev_hash: text(at(r, "prev_hash")).unwrap(),
            hash: text(at(r, "hash")).unwrap(),
        })
        .collect();
    let head_columns = columns(archive, "audit_head");
    let seq = head_columns.iter().position(|c| c == "seq").unwrap();
    let hash = head_columns.iter().position(|c| c == "hash").unwrap();
    let head = table_rows(archive, "audit_head").first().map(|r| {
        (
            r[seq].as_i64().unwrap(),
            r[hash].as_str().unwrap().to_owned(),
        )
    });
    (entries, head)
}

async fn backup(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.backup(&mut out, made_at(), |_| {}).await.unwrap();
    out
}

async fn restore(store: &Store, archive: &[u8]) -> Result<store::RestoreSummary, StoreError> {
    store.restore(Cursor::new(archive), |_| {}).await
}

/// The chain of a database checks whole; returns its last entry's position and hash.
async fn chain(store: &Store) -> (i64, String) {
    let log = store.audit_log(&AuditFilter::default()).await.unwrap();
    let head = store.audit_head().await.unwrap();
    let breaks = verify(&log, head.as_ref().map(|(s, h)| (*s, h.as_str())));
    assert!(breaks.is_empty(), "{breaks:?}");
    let last = log.last().unwrap();
    assert_eq!(head, Some((last.seq, last.hash.clone())));
    (last.seq, last.hash.clone())
}

/// Nothing was written: no plan, no person, no audit entry, no head.
async fn assert_empty(store: &Store, why: &str) {
    assert!(store.plans().await.unwrap().is_empty(), "{why}: a plan");
    assert!(store.people().await.unwrap().is_empty(), "{why}: a person");
    assert!(
        store
            .audit_log(&AuditFilter::default())
            .await
            .unwrap()
            .is_empty(),
        "{why}: an audit entry"
    );
    assert_eq!(store.audit_head().await.unwrap(), None, "{why}: the head");
}

#[tokio::test]
async fn a_database_goes_sqlite_to_postgres_to_sqlite_and_comes_back_whole() {
    let mut databases = fresh_databases().await;
    let source_db = databases.remove(0);
    // PostgreSQL in the middle when the environment names a server, SQLite otherwise.
    let middle_db: TestDatabase = if databases.is_empty() {
        fresh_sqlite()
    } else {
        databases.remove(0)
    };
    let last_db = fresh_sqlite();
    let source = filled(&source_db.url).await;
    let first = backup(&source).await;
    let source_chain = chain(&source).await;

    let middle = Store::open(&middle_db.url).await.unwrap();
    let summary = restore(&middle, &first).await.unwrap();
    assert_eq!(summary.backend, "sqlite");
    assert_eq!(summary.created_at, "2021-07-01T12:00:00Z");
    assert_eq!(summary.contents.files, 1);
    assert_eq!(summary.contents.file_bytes, binary().len() as u64);
    assert_eq!(
        summary
            .contents
            .tables
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        BACKED_UP
    );
    // Every table the backup holds had a row to carry.
    for t in &summary.contents.tables {
        assert!(t.rows > 0, "{} has no row in the fixture", t.name);
    }
    let second = backup(&middle).await;
    let last = Store::open(&last_db.url).await.unwrap();
    restore(&last, &second).await.unwrap();
    let third = backup(&last).await;

    // Row for row the same on every backend, in the same order.
    assert_eq!(rows(&first), rows(&second), "{}", middle_db.backend);
    assert_eq!(rows(&first), rows(&third));
    assert_eq!(
        lines(&first)[0],
        lines(&third)[0],
        "the same header on SQLite"
    );
    assert!(lines(&second)[0].contains(&format!("\"backend\":\"{}\"", middle_db.backend)));

    for (store, name) in [(&middle, middle_db.backend), (&last, "sqlite")] {
        for id in [PLAN, SECOND] {
            let back = serde_json::to_value(store.plan(id).await.unwrap()).unwrap();
            let original = serde_json::to_value(source.plan(id).await.unwrap()).unwrap();
            assert_eq!(back, original, "{name}: {id}");
        }
        assert_eq!(store.versions(PLAN).await.unwrap().len(), 2, "{name}");
        assert_eq!(
            store.change_requests(PLAN).await.unwrap(),
            source.change_requests(PLAN).await.unwrap(),
            "{name}"
        );
        assert_eq!(
            chain(store).await,
            source_chain,
            "{name}: the same last hash"
        );
        assert_eq!(
            store.people().await.unwrap(),
            source.people().await.unwrap()
        );
        assert!(store.token_person("token-hash").await.unwrap().is_some());
        assert!(store.has_calendar_feed("capo").await.unwrap(), "{name}");
        let evidence = store.monitoring(PLAN).await.unwrap().evidence;
        let info = evidence.iter().flatten().flatten().next().unwrap().clone();
        let key = PhaseKey {
            plan: PLAN,
            unit: "avvocatura",
            objective: "A",
            position: 1,
        };
        let (_, content) = store.evidence(key, info.id).await.unwrap();
        assert_eq!(content, binary(), "{name}: the file byte for byte");
        // Runtime state stays behind.
        assert!(
            store
                .session("session-hash", made_at())
                .await
                .unwrap()
                .is_none(),
            "{name}: a session came along"
        );
        assert_eq!(
            store
                .login_failures("account:ada", made_at() - chrono::Duration::days(1))
                .await
                .unwrap(),
            0,
            "{name}: failed logins came along"
        );
    }
    assert!(
        source
            .session("session-hash", made_at())
            .await
            .unwrap()
            .is_some(),
        "the fixture has a session"
    );

    // New rows after a restore get ids of their own (PostgreSQL's sequences moved on).
    for (store, name) in [(&middle, middle_db.backend), (&last, "sqlite")] {
        let before = store.people().await.unwrap();
        let eva = store
            .add_person(
                &NewPerson {
                    username: "eva".into(),
                    name: "Eva Bruni".into(),
                    entity: None,
                    roles: vec![],
                    units: vec![],
                    password_hash: None,
                },
                &stamp("cli"),
            )
            .await
            .unwrap();
        assert!(before.iter().all(|p| p.id < eva.id), "{name}");
        let token = store
            .add_token("eva", "altro", "token-hash-2", &stamp("cli"))
            .await
            .unwrap();
        assert!(
            store
                .tokens("ada")
                .await
                .unwrap()
                .iter()
                .all(|t| t.id < token),
            "{name}"
        );
        let mut third_year = demo();
        third_year.year = 2023;
        store
            .save_plan(&third_year, &[], false, &stamp("cli"))
            .await
            .unwrap();
        store
            .open_round(
                SECOND,
                "Primo",
                NaiveDate::from_ymd_opt(2022, 6, 30).unwrap(),
                &stamp("ada"),
            )
            .await
            .unwrap();
        let (seq, _) = chain(store).await;
        assert!(seq > source_chain.0, "{name}: the chain goes on");
        store.close().await;
    }
    source.close().await;
}

#[tokio::test]
async fn an_older_archive_restores_when_the_missing_columns_may_be_empty() {
    let source_db = fresh_sqlite();
    let source = filled(&source_db.url).await;
    let archive = backup(&source).await;
    source.close().await;
    // As an archive of the schema before e-mail addresses: no person.email.
    let mut lines = lines(&archive);
    lines.pop();
    let names = columns(&archive, "person");
    let email = names.iter().position(|c| c == "email").unwrap();
    let mut header: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    for t in header["tables"].as_array_mut().unwrap() {
        if t["name"] == "person" {
            t["columns"].as_array_mut().unwrap().remove(email);
        }
    }
    lines[0] = header.to_string();
    for line in lines.iter_mut().skip(1) {
        let mut row: serde_json::Value = serde_json::from_str(line).unwrap();
        if row["t"] == "person" {
            row["v"].as_array_mut().unwrap().remove(email);
            *line = row.to_string();
        }
    }
    for db in fresh_databases().await {
        let store = Store::open(&db.url).await.unwrap();
        restore(&store, &sealed(&lines)).await.unwrap();
        let capo = store.person("capo").await.unwrap();
        assert_eq!(capo.email, None, "{}", db.backend);
        assert_eq!(capo.name, "Roberto Calcagni");
        chain(&store).await;
        store.close().await;
    }
}

#[tokio::test]
async fn damaged_or_foreign_archives_and_filled_targets_are_refused_with_nothing_written() {
    let source_db = fresh_sqlite();
    let source = filled(&source_db.url).await;
    let archive = backup(&source).await;
    source.close().await;
    let good = lines(&archive);
    let text = |lines: &[String]| -> String { lines.iter().map(|l| format!("{l}\n")).collect() };

    let mut flipped = archive.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x20;
    let mut altered = good.clone();
    let row = altered
        .iter()
        .position(|l| l.contains("Roberto Calcagni"))
        .unwrap();
    altered[row] = altered[row].replace("Roberto Calcagni", "Roberto Calcagno");
    let mut newer = good.clone();
    newer[0] = newer[0].replacen("pegaso.backup/1", "pegaso.backup/2", 1);
    let mut not_ours = good.clone();
    not_ours[0] = not_ours[0].replacen("pegaso.backup/1", "altro/1", 1);
    // Sound archives of a schema this database does not have.
    let mut extra_table = good[..good.len() - 1].to_vec();
    extra_table[0] = extra_table[0].replacen(
        "\"tables\":[",
        "\"tables\":[{\"name\":\"trusted_device\",\"columns\":[\"id\"]},",
        1,
    );
    extra_table.insert(1, r#"{"t":"trusted_device","v":[1]}"#.into());
    let mut extra_column = good[..good.len() - 1].to_vec();
    let person = columns(&archive, "person");
    extra_column[0] = extra_column[0].replacen(
        &format!("\"name\":\"person\",\"columns\":[\"{}\"", person[0]),
        &format!(
            "\"name\":\"person\",\"columns\":[\"colour\",\"{}\"",
            person[0]
        ),
        1,
    );
    for line in extra_column.iter_mut().skip(1) {
        if line.starts_with(r#"{"t":"person","v":["#) {
            *line = line.replacen(r#""v":["#, r#""v":["blu","#, 1);
        }
    }
    // Sound in every line, refused by the database halfway: the same person twice.
    let mut twice = good[..good.len() - 1].to_vec();
    let person_row = twice
        .iter()
        .position(|l| l.starts_with(r#"{"t":"person","#))
        .unwrap();
    let copy = twice[person_row].clone();
    twice.insert(person_row, copy);
    // A text where a number belongs.
    let mut mistyped = good[..good.len() - 1].to_vec();
    let plan_row = mistyped
        .iter()
        .position(|l| l.starts_with(r#"{"t":"plan","v":[1,"#))
        .unwrap();
    mistyped[plan_row] = mistyped[plan_row].replacen(r#""v":[1,"#, r#""v":["uno","#, 1);

    type Expect = fn(&StoreError) -> bool;
    let damaged: Expect = |e| matches!(e, StoreError::Damaged(_));
    let incompatible: Expect = |e| matches!(e, StoreError::Incompatible(_));
    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        (
            "truncated",
            archive[..archive.len() * 2 / 3].to_vec(),
            damaged,
        ),
        (
            "cut short by a few bytes",
            archive[..archive.len() - 3].to_vec(),
            damaged,
        ),
        ("a byte flipped in the middle", flipped, damaged),
        (
            "a row altered, recompressed",
            gzip(&text(&altered)),
            damaged,
        ),
        (
            "without its end line",
            gzip(&text(&good[..good.len() - 1])),
            damaged,
        ),
        (
            "a line after the end",
            gzip(&format!("{}{{}}\n", text(&good))),
            damaged,
        ),
        (
            "bytes after the stream",
            [archive.clone(), b"tail".to_vec()].concat(),
            damaged,
        ),
        (
            "garbage",
            b"PK\x03\x04 not an archive at all".to_vec(),
            damaged,
        ),
        ("an empty file", Vec::new(), damaged),
        ("plain JSON", text(&good).into_bytes(), damaged),
        ("a gzip of something else", gzip("hello\n"), damaged),
        (
            "a newer format",
            sealed(&newer[..newer.len() - 1]),
            incompatible,
        ),
        (
            "another format",
            sealed(&not_ours[..not_ours.len() - 1]),
            damaged,
        ),
        (
            "a table this schema lacks",
            sealed(&extra_table),
            incompatible,
        ),
        (
            "a column this schema lacks",
            sealed(&extra_column),
            incompatible,
        ),
        ("a text for a number", sealed(&mistyped), damaged),
        ("the same row twice", sealed(&twice), |e| {
            matches!(e, StoreError::Database(_))
        }),
    ];
    for db in fresh_databases().await {
        let store = Store::open(&db.url).await.unwrap();
        for (name, bytes, expected) in &cases {
            let result = restore(&store, bytes).await;
            match &result {
                Err(e) if expected(e) => {}
                other => panic!("{} / {name}: {other:?}", db.backend),
            }
            assert_empty(&store, &format!("{} / {name}", db.backend)).await;
        }
        // The good archive restores into the same database, which nothing above touched.
        restore(&store, &archive).await.unwrap();
        let before = backup(&store).await;
        // And a second time it is refused: the database is no longer empty.
        let again = restore(&store, &archive).await;
        assert!(
            matches!(&again, Err(StoreError::NotEmpty(m)) if m.contains("plan")),
            "{}: {again:?}",
            db.backend
        );
        assert_eq!(rows(&backup(&store).await), rows(&before), "{}", db.backend);
        store.close().await;
    }
}

#[tokio::test]
async fn a_target_with_a_single_person_is_not_empty() {
    let source_db = fresh_sqlite();
    let source = filled(&source_db.url).await;
    let archive = backup(&source).await;
    source.close().await;
    for db in fresh_databases().await {
        let store = Store::open(&db.url).await.unwrap();
        store
            .add_person(
                &NewPerson {
                    username: "solo".into(),
                    name: "Solo Uno".into(),
                    entity: None,
                    roles: vec![],
                    units: vec![],
                    password_hash: None,
                },
                &stamp("cli"),
            )
            .await
            .unwrap();
        let result = restore(&store, &archive).await;
        assert!(
            matches!(&result, Err(StoreError::NotEmpty(m)) if m.contains("person")),
            "{}: {result:?}",
            db.backend
        );
        assert!(store.plans().await.unwrap().is_empty(), "{}", db.backend);
        assert_eq!(store.people().await.unwrap().len(), 1);
        assert_eq!(
            store
                .audit_log(&AuditFilter::default())
                .await
                .unwrap()
                .len(),
            1
        );
        store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_others_write_is_a_snapshot() {
    for db in fresh_databases().await {
        let store = filled(&db.url).await;
        let writer = {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..150 {
                    let subject = format!("avvocatura/A/i{i}");
                    store
                        .neutralise(PLAN, &subject, Some("prova"), &stamp("nino"))
                        .await
                        .unwrap();
                }
            })
        };
        let mut taken = 0;
        while !writer.is_finished() || taken < 3 {
            let archive = backup(&store).await;
            taken += 1;
            let (entries, head) = audit_of(&archive);
            let breaks = verify(&entries, head.as_ref().map(|(s, h)| (*s, h.as_str())));
            assert!(
                breaks.is_empty(),
                "{} backup {taken}: {breaks:?}",
                db.backend
            );
            // Each write adds a neutralisation and its entry together: a snapshot has both
            // or neither.
            let neutralised = table_rows(&archive, "neutralisation").len();
            let recorded = entries.iter().filter(|e| e.action == "neutralise").count();
            assert_eq!(neutralised, recorded, "{} backup {taken}", db.backend);
        }
        writer.await.unwrap();
        assert!(taken >= 3);
        store.close().await;
    }
}

/// The names of the live schema's tables and the references between them, read from the
/// catalogue here rather than through the store.
async fn live_schema(url: &str, backend: Backend) -> (Vec<String>, Vec<(String, String)>) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let (tables, references) = match backend {
        Backend::Sqlite => (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            "SELECT m.name, f.\"table\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table'",
        ),
        Backend::Postgres => (
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            "SELECT own.relname::text, target.relname::text FROM pg_constraint c \
             JOIN pg_class own ON own.oid = c.conrelid JOIN pg_class target ON target.oid = c.confrelid \
             JOIN pg_namespace n ON n.oid = own.relnamespace \
             WHERE c.contype = 'f' AND n.nspname = current_schema()",
        ),
    };
    let tables: Vec<(String,)> = sqlx::query_as(tables).fetch_all(&pool).await.unwrap();
    let references: Vec<(String, String)> =
        sqlx::query_as(references).fetch_all(&pool).await.unwrap();
    pool.close().await;
    (tables.into_iter().map(|(t,)| t).collect(), references)
}

#[tokio::test]
async fn every_table_of_the_schema_is_backed_up_or_left_out_on_purpose() {
    for db in fresh_databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let backend = store.backend();
        store.close().await;
        let (tables, references) = live_schema(&db.url, backend).await;
        for t in &tables {
            let backed = BACKED_UP.contains(&t.as_str());
            let left = NOT_BACKED_UP.contains(&t.as_str()) || t == MIGRATIONS_TABLE;
            assert!(
                backed ^ left,
                "{}: table {t} must be in exactly one of store::backup::BACKED_UP and \
                 NOT_BACKED_UP",
                db.backend
            );
        }
        for t in BACKED_UP.iter().chain(NOT_BACKED_UP) {
            assert!(
                tables.iter().any(|x| x == t),
                "{}: no table {t}",
                db.backend
            );
        }
        // Restore inserts in the list's order: what a table references comes before it.
        for (own, target) in &references {
            let Some(at) = BACKED_UP.iter().position(|t| t == own) else {
                continue;
            };
            if own == target {
                continue;
            }
            let before = BACKED_UP.iter().position(|t| t == target);
            assert!(
                before.is_some_and(|b| b < at),
                "{}: {own} references {target}, which must come before it in BACKED_UP",
                db.backend
            );
        }
    }
}

#[tokio::test]
async fn large_and_empty_files_go_through_whole() {
    let source_db = fresh_sqlite();
    let source = Store::open(&source_db.url).await.unwrap();
    source
        .save_plan(&demo(), &[], false, &stamp("cli"))
        .await
        .unwrap();
    let key = PhaseKey {
        plan: PLAN,
        unit: "avvocatura",
        objective: "A",
        position: 1,
    };
    // Ten megabytes that do not compress away (a fixed xorshift sequence).
    let mut state: u32 = 0x9e37_79b9;
    let large: Vec<u8> = (0..10 * 1024 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect();
    let mut ids = Vec::new();
    for content in [&large[..], &[][..]] {
        let file = NewEvidence {
            file_name: "allegato.bin",
            content_type: "application/octet-stream",
            content,
        };
        ids.push(
            source
                .add_evidence(key, None, &file, &stamp("capo"))
                .await
                .unwrap(),
        );
    }
    let archive = backup(&source).await;
    assert!(archive.len() > 10 * 1024 * 1024, "{}", archive.len());
    source.close().await;
    for db in fresh_databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let summary = restore(&store, &archive).await.unwrap();
        assert_eq!(summary.contents.files, 2);
        assert_eq!(summary.contents.file_bytes, large.len() as u64);
        let (_, back) = store.evidence(key, ids[0]).await.unwrap();
        assert!(back == large, "{}: the large file changed", db.backend);
        let (info, back) = store.evidence(key, ids[1]).await.unwrap();
        assert!(back.is_empty() && info.size == 0, "{}", db.backend);
        assert_eq!(
            rows(&backup(&store).await),
            rows(&archive),
            "{}",
            db.backend
        );
        store.close().await;
    }
}

#[tokio::test]
async fn a_text_postgresql_cannot_hold_is_refused_before_anything_is_written() {
    let source_db = fresh_sqlite();
    let source = filled(&source_db.url).await;
    source
        .execute_raw("UPDATE person SET name = 'Ada' || char(0) || 'Rossi' WHERE username = 'ada'")
        .await
        .unwrap();
    let archive = backup(&source).await;
    source.close().await;
    for db in fresh_databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let result = restore(&store, &archive).await;
        match store.backend() {
            Backend::Sqlite => {
                result.unwrap();
                assert_eq!(store.person("ada").await.unwrap().name, "Ada\0Rossi");
            }
            Backend::Postgres => {
                assert!(
                    matches!(&result, Err(StoreError::Incompatible(m)) if m.contains("person.name")),
                    "{result:?}"
                );
                assert_empty(&store, "NUL on PostgreSQL").await;
            }
        }
        store.close().await;
    }
}
