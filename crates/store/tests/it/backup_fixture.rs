//! What the backup tests share: a database with a row in every table a backup holds (and a
//! session, a trusted browser and failed logins, which it leaves out), and ways to read and
//! remake archives.

use std::io::{Cursor, Read, Write};

use chrono::{NaiveDate, TimeZone, Utc};
use domain::audit::{Entry, verify};
use domain::change::Proposal;
use domain::{BoardAct, Plan, Role};
use sha2::{Digest, Sha256};
use store::testing::{audit_log, fresh_sqlite, person, stamp};
use store::{NewEvidence, NewPerson, PhaseKey, Store, StoreError};

use crate::demo;

pub const PLAN: &str = "citta-di-alessandria-2021";
pub const SECOND: &str = "citta-di-alessandria-2022";

/// An evidence file with every byte value, zeros among them.
pub fn binary() -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..=255).collect();
    bytes.extend([0, 0, 0, b'%', b'P', b'D', b'F', 0, 255]);
    bytes
}

pub fn made_at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 7, 1, 12, 0, 0).unwrap()
}

/// The second plan lists its units children first, so a unit's parent has the larger id.
pub fn second_plan() -> Plan {
    let mut plan = demo();
    plan.year = 2022;
    plan.units.reverse();
    plan
}

/// A database with a row in every table a backup holds, and a session and failed logins.
pub async fn filled(url: &str) -> Store {
    let store = Store::open(url).await.unwrap();
    let plan = demo();
    crate::save(&store, &plan, false).await;
    let diagnostics = vec![domain::Diagnostic::warning(
        domain::Code::WeightMissing,
        "objectives[1].phases[0]",
        "manca l'incidenza".into(),
    )];
    store
        .save_plan(&second_plan(), &diagnostics, false, &stamp("cli"))
        .await
        .unwrap();
    let ada = NewPerson {
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
        ..person("ada", "Ada Rossi", &[Role::Admin, Role::Auditor])
    };
    let capo = NewPerson {
        entity: Some("citta-di-alessandria".into()),
        units: vec![domain::UnitId::parse("avvocatura").unwrap()],
        ..person("capo", "Roberto Calcagni", &[])
    };
    let ada = store.add_person(&ada, &stamp("cli")).await.unwrap();
    let capo = store.add_person(&capo, &stamp("cli")).await.unwrap();
    crate::set_email(&store, "capo", "capo@comune.example.it").await;
    store
        .add_token("ada", "cruscotto", "token-hash", &stamp("cli"))
        .await
        .unwrap();
    store
        .set_calendar_feed("capo", Some("calendar-hash"), &stamp("capo"))
        .await
        .unwrap();
    // A demonstration's database stays one when restored.
    store.mark_demo().await.unwrap();
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
    store
        .trust_device(
            &ada,
            "device-hash",
            made_at(),
            made_at() + chrono::Duration::days(3650),
        )
        .await
        .unwrap();
    let as_of = NaiveDate::from_ymd_opt(2021, 6, 30).unwrap();
    let round = crate::open_round(&store, PLAN, "Primo monitoraggio", as_of).await;
    let key = PhaseKey {
        plan: &crate::plan_id(PLAN),
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
            &crate::plan_id(PLAN),
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
            &crate::plan_id(PLAN),
            "avvocatura/A/2",
            Some("Norma sopravvenuta"),
            &stamp("nino"),
        )
        .await
        .unwrap();
    store
        .record_event(
            &crate::plan_id(PLAN),
            "approvazione del bilancio",
            Some(NaiveDate::from_ymd_opt(2021, 5, 3).unwrap()),
            &stamp("ada"),
        )
        .await
        .unwrap();
    store
        .record_reminder(
            &crate::plan_id(PLAN),
            round,
            capo.id,
            "capo",
            "before",
            &stamp("cli"),
        )
        .await
        .unwrap();
    // A change request through its three steps: a new version of the plan.
    let current = store.plan(&crate::plan_id(PLAN)).await.unwrap();
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
            &crate::plan_id(PLAN),
            "avvocatura/A",
            &proposal,
            "Nuove risorse",
            &stamp("capo"),
        )
        .await
        .unwrap();
    store
        .give_opinion(&crate::plan_id(PLAN), id, true, "Motivata", &stamp("nino"))
        .await
        .unwrap();
    let next = domain::change::apply(&current, index, &proposal).unwrap();
    let text = serde_json::to_string_pretty(&current).unwrap();
    let seen = store.revision(&crate::plan_id(PLAN)).await.unwrap();
    store
        .decide_change(
            &crate::plan_id(PLAN),
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
    // The evaluation year: the year, a person, their scheda.
    let smvp = domain::evaluation::year::starting_smvp();
    let year = domain::evaluation::year::Year::default()
        .adopt(
            smvp.clone(),
            Default::default(),
            "Delibera n. 1",
            NaiveDate::from_ymd_opt(2021, 1, 5).unwrap(),
            NaiveDate::from_ymd_opt(2021, 1, 9).unwrap(),
        )
        .unwrap();
    let member = domain::evaluation::staff::Member {
        matricola: "M1".into(),
        name: "Mara Gialli".into(),
        gender: domain::evaluation::staff::Gender::F,
        cluster: "istruttore".into(),
        unit: domain::UnitId::parse("avvocatura").unwrap(),
        from: None,
        until: None,
        part_time: 100.into(),
        days_employed: None,
        absences: vec![],
        username: None,
        responsabile_pagamenti: false,
        payment_times_met: None,
    };
    let rules = domain::evaluation::read_smvp(&smvp).unwrap();
    let sheet = domain::evaluation::sheet::Sheet::assign(
        &member,
        "Capo",
        (&rules, 1),
        vec![],
        NaiveDate::from_ymd_opt(2021, 1, 10).unwrap(),
        "ada",
    )
    .unwrap();
    store
        .write_evaluation(
            &crate::plan_id(PLAN),
            store::EvaluationWrite {
                year: Some((&year, 0)),
                staff: &[member],
                sheets: &[(sheet, None)],
                audit: (
                    domain::audit::AuditAction::EvaluationOpen,
                    "anno".into(),
                    serde_json::json!({ "schede": 1 }),
                ),
            },
            &stamp("ada"),
        )
        .await
        .unwrap();
    let relazione = domain::relazione::Relazione::default()
        .explain(
            "a/A",
            "Motivo dello scostamento.",
            domain::relazione::Cause::Endogenous,
        )
        .unwrap();
    store
        .write_relazione(
            &crate::plan_id(PLAN),
            &relazione,
            0,
            (
                domain::audit::AuditAction::RelazioneEdit,
                serde_json::json!({}),
            ),
            &stamp("ada"),
        )
        .await
        .unwrap();
    store
}

/// The archive's lines, decompressed.
pub fn lines(archive: &[u8]) -> Vec<String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(archive)
        .read_to_string(&mut text)
        .unwrap();
    text.lines().map(str::to_owned).collect()
}

pub fn gzip(text: &str) -> Vec<u8> {
    let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    out.write_all(text.as_bytes()).unwrap();
    out.finish().unwrap()
}

/// An archive of these lines (header and rows) with a true end line: damage that only the
/// application's own checks, not the checksum, can find.
pub fn sealed(lines: &[String]) -> Vec<u8> {
    let header: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    let names = store::testing::strings(&header["tables"], "/name");
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
pub fn rows(archive: &[u8]) -> Vec<String> {
    let all = lines(archive);
    all[1..all.len() - 1].to_vec()
}

/// The columns the header gives a table.
pub fn columns(archive: &[u8], table: &str) -> Vec<String> {
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
pub fn table_rows(archive: &[u8], table: &str) -> Vec<Vec<serde_json::Value>> {
    rows(archive)
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["t"] == table)
        .map(|r| r["v"].as_array().unwrap().clone())
        .collect()
}

/// The audit log and its head as an archive holds them.
pub fn audit_of(archive: &[u8]) -> (Vec<Entry>, Option<(i64, String)>) {
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

/// The archive of a filled SQLite database (gone once archived).
pub async fn filled_archive() -> Vec<u8> {
    let source_db = fresh_sqlite();
    let source = filled(&source_db.url).await;
    let archive = backup(&source).await;
    source.close().await;
    archive
}

pub async fn backup(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.backup(&mut out, made_at(), |_| {}).await.unwrap();
    out
}

pub async fn restore(store: &Store, archive: &[u8]) -> Result<store::RestoreSummary, StoreError> {
    store.restore(Cursor::new(archive), |_| {}).await
}

/// The chain of a database checks whole; returns its last entry's position and hash.
pub async fn chain(store: &Store) -> (i64, String) {
    let log = audit_log(store).await;
    let head = store.audit_head().await.unwrap();
    let breaks = verify(&log, head.as_ref().map(|(s, h)| (*s, h.as_str())));
    assert!(breaks.is_empty(), "{breaks:?}");
    let last = log.last().unwrap();
    assert_eq!(head, Some((last.seq, last.hash.clone())));
    (last.seq, last.hash.clone())
}

/// Nothing was written: no plan, no person, no audit entry, no head.
pub async fn assert_empty(store: &Store, why: &str) {
    assert!(store.plans().await.unwrap().is_empty(), "{why}: a plan");
    assert!(store.people().await.unwrap().is_empty(), "{why}: a person");
    assert!(audit_log(store).await.is_empty(), "{why}: an audit entry");
    assert_eq!(store.audit_head().await.unwrap(), None, "{why}: the head");
}
