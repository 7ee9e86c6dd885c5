//! Backups refused: damaged, foreign and newer archives and filled targets leave the database
//! as it was; an archive of an older schema restores; a text PostgreSQL cannot hold is said
//! before anything is written.

use store::testing::{audit_log, fresh_sqlite, person, stamp};
use store::{Backend, StoreError};

use crate::backup_fixture::{
    assert_empty, backup, chain, columns, filled, filled_archive, gzip, lines, restore, rows,
    sealed,
};

#[tokio::test]
async fn an_older_archive_restores_when_the_missing_columns_may_be_empty() {
    let archive = filled_archive().await;
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
    for (db, store) in crate::each_store().await {
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
    let archive = filled_archive().await;
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
    let with_table = |name: &str| {
        let mut lines = good[..good.len() - 1].to_vec();
        lines[0] = lines[0].replacen(
            "\"tables\":[",
            &format!("\"tables\":[{{\"name\":\"{name}\",\"columns\":[\"token_hash\"]}},"),
            1,
        );
        lines.insert(1, format!(r#"{{"t":"{name}","v":["x"]}}"#));
        lines
    };
    let extra_table = with_table("future_table");
    // Runtime state is never restored, even from an archive that has it.
    let sessions = with_table("session");
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
        ("sessions", sealed(&sessions), incompatible),
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
    for (db, store) in crate::each_store().await {
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
    let archive = filled_archive().await;
    for (db, store) in crate::each_store().await {
        store
            .add_person(&person("solo", "Solo Uno", &[]), &stamp("cli"))
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
        assert_eq!(audit_log(&store).await.len(), 1);
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
    for (_db, store) in crate::each_store().await {
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
