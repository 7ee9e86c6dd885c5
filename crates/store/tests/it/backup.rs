//! Backups: a database full of everything the application records goes SQLite → PostgreSQL →
//! SQLite and comes back row for row, with its audit chain and its files; a backup taken while
//! others write is a snapshot; and every table of the live schema is either backed up or left
//! out on purpose.

use chrono::NaiveDate;
use domain::audit::verify;
use store::backup::{BACKED_UP, MIGRATIONS_TABLE, NOT_BACKED_UP};
use store::testing::{TestDatabase, fresh_databases, fresh_sqlite, person, stamp};
use store::{Backend, NewEvidence, PhaseKey, Store};

use crate::backup_fixture::{
    PLAN, SECOND, audit_of, backup, binary, chain, filled, lines, made_at, restore, rows,
    table_rows,
};
use crate::demo;

/// Whether `store` holds the fixture's session, and whether it trusts the fixture's browser.
async fn session_and_device(store: &Store) -> (bool, bool) {
    let session = store.session("session-hash", made_at()).await.unwrap();
    let device = store.device_trusted("device-hash", "ada", made_at()).await;
    (session.is_some(), device.unwrap())
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
    assert!(
        last.is_demo().await.unwrap(),
        "the demonstration's mark comes along"
    );
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
        for id in [PLAN, SECOND].map(crate::plan_id) {
            let back = serde_json::to_value(store.plan(&id).await.unwrap()).unwrap();
            let original = serde_json::to_value(source.plan(&id).await.unwrap()).unwrap();
            assert_eq!(back, original, "{name}: {id}");
        }
        let facts = store.facts(&crate::plan_id(PLAN)).await.unwrap();
        assert_eq!(facts.versions.len(), 2, "{name}");
        assert_eq!(
            facts.requests,
            source.facts(&crate::plan_id(PLAN)).await.unwrap().requests,
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
        let evidence = store
            .monitoring(&crate::plan_id(PLAN))
            .await
            .unwrap()
            .evidence;
        let info = evidence.iter().flatten().flatten().next().unwrap().clone();
        let key = PhaseKey {
            plan: &crate::plan_id(PLAN),
            unit: "avvocatura",
            objective: "A",
            position: 1,
        };
        let (_, content) = store.evidence(key, info.id).await.unwrap();
        assert_eq!(content, binary(), "{name}: the file byte for byte");
        // Runtime state stays behind.
        assert_eq!(
            session_and_device(store).await,
            (false, false),
            "{name}: a session or a trusted browser came along"
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
    assert_eq!(
        session_and_device(&source).await,
        (true, true),
        "the fixture has a session and a trusted browser"
    );

    // New rows after a restore get ids of their own (PostgreSQL's sequences moved on).
    for (store, name) in [(&middle, middle_db.backend), (&last, "sqlite")] {
        let before = store.people().await.unwrap();
        let eva = store
            .add_person(&person("eva", "Eva Bruni", &[]), &stamp("cli"))
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
        crate::save(store, &third_year, false).await;
        let as_of = NaiveDate::from_ymd_opt(2022, 6, 30).unwrap();
        crate::open_round(store, SECOND, "Primo", as_of).await;
        let (seq, _) = chain(store).await;
        assert!(seq > source_chain.0, "{name}: the chain goes on");
        store.close().await;
    }
    source.close().await;
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
                        .neutralise(
                            &crate::plan_id(PLAN),
                            &subject,
                            Some("prova"),
                            &stamp("nino"),
                        )
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
    for (db, store) in crate::each_store().await {
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
    crate::save(&source, &demo(), false).await;
    let key = PhaseKey {
        plan: &crate::plan_id(PLAN),
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
    for (db, store) in crate::each_store().await {
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
