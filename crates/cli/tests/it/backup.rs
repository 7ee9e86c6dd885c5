//! `pegaso backup` and `pegaso restore` as a person runs them: a SQLite database moved to
//! PostgreSQL (when `PEGASO_TEST_DATABASE_URL` is set; another SQLite file otherwise) and
//! back gives the same plan and the same audit chain; damaged archives and filled targets are
//! refused with exit 2, in Italian, with nothing written; a failed backup leaves no file.

use store::testing::{TestDatabase, fresh_databases, fresh_sqlite, stamp};
use store::{NewEvidence, PhaseKey, Store};

use crate::commands::{ADD_ADA, assert_says, demo, pegaso, scratch, text};

const PLAN: &str = "citta-di-alessandria-2021";

/// Runs `pegaso` and expects exit 0.
fn ok(args: &[&str]) -> String {
    let run = pegaso(args);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{args:?}: {}{}",
        text(&run.stdout),
        text(&run.stderr)
    );
    text(&run.stdout)
}

/// A database with a plan, people, a token, an evidence file and a session.
async fn source(db: &TestDatabase) {
    let url = db.url.as_str();
    ok(&["import", demo().to_str().unwrap(), "--db", url]);
    ok(&[&ADD_ADA[..], &["--db", url]].concat());
    ok(&["token", "add", "ada", "--name", "cruscotto", "--db", url]);
    let store = Store::open(url).await.unwrap();
    let plan = domain::PlanId::parse(PLAN).unwrap();
    let key = PhaseKey {
        plan: &plan,
        unit: "avvocatura",
        objective: "A",
        position: 1,
    };
    let content: Vec<u8> = (0..=255).chain([0, 0, 0]).collect();
    let file = NewEvidence {
        file_name: "verbale.pdf",
        content_type: "application/pdf",
        content: &content,
    };
    store
        .add_evidence(key, None, &file, &stamp("ada"))
        .await
        .unwrap();
    let ada = store.person("ada").await.unwrap();
    let expires = chrono::DateTime::from_timestamp(4_000_000_000, 0).unwrap();
    store
        .open_session(&ada, "session-hash", "csrf", expires, &stamp("ada"))
        .await
        .unwrap();
    store.close().await;
}

#[tokio::test]
async fn two_commands_move_a_database_from_sqlite_to_postgres_and_back() {
    let dir = scratch("backup-roundtrip");
    let mut databases = fresh_databases().await;
    let first = databases.remove(0);
    let middle = if databases.is_empty() {
        fresh_sqlite()
    } else {
        databases.remove(0)
    };
    let last = fresh_sqlite();
    source(&first).await;

    let one = dir.join("uno.jsonl.gz");
    let out = ok(&["backup", "--db", &first.url, "-o", one.to_str().unwrap()]);
    assert!(
        out.contains("Copia di sicurezza di") && out.contains("34 tabelle"),
        "{out}"
    );
    assert!(out.contains("1 file allegato (259 byte)"), "{out}");
    let out = ok(&["restore", one.to_str().unwrap(), "--db", &middle.url]);
    assert!(out.contains("Ripristinata la copia"), "{out}");
    assert!(out.contains("su sqlite"), "{out}");
    let two = dir.join("due.jsonl.gz");
    ok(&["backup", "--db", &middle.url, "-o", two.to_str().unwrap()]);
    let restored = ok(&["restore", two.to_str().unwrap(), "--db", &last.url]);
    assert!(
        restored.contains(&format!("su {}", middle.backend)),
        "{restored}"
    );

    let expected = std::fs::read_to_string(demo()).unwrap();
    let verified = ok(&["audit", "verify", "--db", &first.url]);
    assert!(
        verified.starts_with("Registro integro: 5 voci"),
        "{verified}"
    );
    for db in [&first, &middle, &last] {
        let exported = ok(&["export", "--db", &db.url, "--plan", PLAN]);
        assert!(
            exported == expected,
            "{}: the plan differs after the move",
            db.backend
        );
        assert_eq!(
            ok(&["audit", "verify", "--db", &db.url]),
            verified,
            "{}: another last hash",
            db.backend
        );
        let list = ok(&["user", "list", "--db", &db.url]);
        assert!(list.contains("ada\tAda Rossi"), "{list}");
    }
    // The restore says the last entry that `audit verify` prints.
    let last_entry = verified
        .split("ultima voce ")
        .nth(1)
        .unwrap()
        .trim_end_matches(".\n");
    assert!(restored.contains(last_entry), "{restored} / {verified}");
    // Sessions stay behind: nobody is signed in on the copy.
    let copy = Store::open(&last.url).await.unwrap();
    let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    assert!(copy.session("session-hash", now).await.unwrap().is_none());
    copy.close().await;
}

#[tokio::test]
async fn a_damaged_archive_or_a_filled_target_is_refused_with_exit_2_and_nothing_written() {
    let dir = scratch("backup-damaged");
    let first = fresh_sqlite();
    source(&first).await;
    let archive = dir.join("copia.jsonl.gz");
    ok(&[
        "backup",
        "--db",
        &first.url,
        "-o",
        archive.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&archive).unwrap();
    let truncated = dir.join("troncata.jsonl.gz");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let flipped = dir.join("alterata.jsonl.gz");
    let mut altered = bytes.clone();
    let middle = altered.len() / 2;
    altered[middle] ^= 1;
    std::fs::write(&flipped, &altered).unwrap();
    let garbage = dir.join("altro.txt");
    std::fs::write(&garbage, "non è un archivio\n").unwrap();

    for db in fresh_databases().await {
        for file in [&truncated, &flipped, &garbage] {
            let run = pegaso(&["restore", file.to_str().unwrap(), "--db", &db.url]);
            assert_eq!(run.status.code(), Some(2), "{}: {file:?}", db.backend);
            let err = text(&run.stderr);
            assert!(
                err.contains("è danneggiato o non è una copia di sicurezza di Pegaso")
                    && err.contains("nulla è stato scritto"),
                "{err}"
            );
            // Nothing was written: no plan, no person, an empty log.
            let run = pegaso(&["export", "--db", &db.url]);
            assert_says(&run.stderr, "nessun piano");
            assert!(ok(&["user", "list", "--db", &db.url]).starts_with("Nessun account."));
            assert_eq!(
                ok(&["audit", "verify", "--db", &db.url]),
                "Registro integro: 0 voci; ultima voce nessuna.\n"
            );
        }
        // Filled, then refused a second time.
        ok(&["restore", archive.to_str().unwrap(), "--db", &db.url]);
        let before = ok(&["audit", "verify", "--db", &db.url]);
        let run = pegaso(&["restore", archive.to_str().unwrap(), "--db", &db.url]);
        assert_eq!(run.status.code(), Some(2), "{}", db.backend);
        assert_says(&run.stderr, "non è vuoto");
        assert_eq!(ok(&["audit", "verify", "--db", &db.url]), before);
    }
    let missing = dir.join("nessuna.jsonl.gz");
    let run = pegaso(&["restore", missing.to_str().unwrap(), "--db", &first.url]);
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run.stderr).contains("impossibile leggere"));
}

#[test]
fn a_backup_that_fails_leaves_no_file_behind() {
    let dir = scratch("backup-fails");
    let out = dir.join("copia.jsonl.gz");
    let run = pegaso(&[
        "backup",
        "--db",
        "mysql://localhost/x",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert_says(&run.stderr, "impossibile aprire il database");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    let run = pegaso(&[
        "backup",
        "--db",
        "x.db",
        "-o",
        dir.join("nessuna/cartella/copia.jsonl.gz")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run.stderr).contains("impossibile creare un file in"));
}
