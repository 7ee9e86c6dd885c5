//! The audit log: appended with every change, refused to UPDATE and DELETE, and any edit,
//! removal or reordering done behind the application's back found by `verify`.

use domain::audit::{Break, verify};
use domain::{PlanState, Role};
use store::testing::{audit_log, fresh_databases, person, record_acts, stamp};
use store::{Backend, Store};

use crate::demo;

/// A store with a few recorded changes: an import, two acts, a person.
async fn with_history(url: &str) -> Store {
    let store = Store::open(url).await.unwrap();
    let saved = crate::save(&store, &demo(), false).await;
    let acts = [
        (PlanState::Draft, "validate", PlanState::Validated),
        (PlanState::Validated, "approve", PlanState::Approved),
    ];
    record_acts(&store, &saved.id, &acts, "nino").await;
    let person = person("ada", "Ada Rossi", &[Role::Admin]);
    store.add_person(&person, &stamp("cli")).await.unwrap();
    store
}

async fn breaks(store: &Store) -> Vec<Break> {
    let log = audit_log(store).await;
    let head = store.audit_head().await.unwrap();
    verify(&log, head.as_ref().map(|(s, h)| (*s, h.as_str())))
}

/// Lifts the append-only guard, as someone with the database's owner rights could.
async fn lift_guard(store: &Store) {
    let sql = match store.backend() {
        Backend::Sqlite => {
            "DROP TRIGGER audit_entry_no_update; DROP TRIGGER audit_entry_no_delete;"
        }
        Backend::Postgres => "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change;",
    };
    store.execute_raw(sql).await.unwrap();
}

#[tokio::test]
async fn every_change_is_chained_and_the_log_refuses_updates() {
    for db in fresh_databases().await {
        let store = with_history(&db.url).await;
        let log = audit_log(&store).await;
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "plan.import",
                "plan.act.validate",
                "plan.act.approve",
                "person.add"
            ],
            "{}",
            db.backend
        );
        assert_eq!(log[1].actor, "nino");
        assert_eq!(log[1].prev_hash, log[0].hash);
        assert!(breaks(&store).await.is_empty());
        // The guard: the database itself refuses to change or remove entries.
        assert!(
            store
                .execute_raw("UPDATE audit_entry SET actor = 'x' WHERE seq = 1")
                .await
                .is_err()
        );
        assert!(
            store
                .execute_raw("DELETE FROM audit_entry WHERE seq = 1")
                .await
                .is_err()
        );
        // A plan past its draft cannot be replaced by a new import.
        assert!(matches!(
            store.save_plan(&demo(), &[], true, &stamp("cli")).await,
            Err(store::StoreError::Conflict(_))
        ));
        store.close().await;
    }
}

#[tokio::test]
async fn edits_removals_and_reorders_behind_the_application_are_found() {
    let cases: [(&str, &str, Vec<Break>); 4] = [
        (
            "edited",
            "UPDATE audit_entry SET actor = 'mallory' WHERE seq = 2",
            vec![Break::Altered { seq: 2 }],
        ),
        (
            "removed",
            "DELETE FROM audit_entry WHERE seq = 2",
            vec![
                Break::Numbering {
                    seq: 3,
                    expected: 2,
                },
                Break::Unlinked { seq: 3, after: 1 },
            ],
        ),
        (
            "reordered",
            "UPDATE audit_entry SET seq = 100 WHERE seq = 2; \
             UPDATE audit_entry SET seq = 2 WHERE seq = 3; \
             UPDATE audit_entry SET seq = 3 WHERE seq = 100;",
            vec![
                Break::Altered { seq: 2 },
                Break::Altered { seq: 3 },
                Break::Unlinked { seq: 4, after: 3 },
            ],
        ),
        (
            "truncated",
            "DELETE FROM audit_entry WHERE seq = 4",
            vec![Break::Truncated {
                last: 3,
                recorded: 4,
            }],
        ),
    ];
    for (name, sql, expected) in cases {
        for db in fresh_databases().await {
            let store = with_history(&db.url).await;
            lift_guard(&store).await;
            store.execute_raw(sql).await.unwrap();
            assert_eq!(breaks(&store).await, expected, "{name} on {}", db.backend);
            store.close().await;
        }
    }
}

#[tokio::test]
async fn versions_only_grow_so_a_stale_edit_never_matches_after_a_replacement() {
    use store::{Edited, PhaseKey};
    for (db, store) in crate::each_store().await {
        let plan = demo();
        let saved = crate::save(&store, &plan, false).await;
        let o = &plan.objectives[0];
        let key = PhaseKey {
            plan: &saved.id,
            unit: o.unit.as_str(),
            objective: o.label.as_str(),
            position: 1,
        };
        let (opened, mut fields) = store.phase_fields(key).await.unwrap();
        fields.description = "prima modifica".into();
        let Edited::Saved { version } = store
            .edit_phase(key, opened, PlanState::Draft, &fields, &stamp("ada"))
            .await
            .unwrap()
        else {
            panic!("the first edit saves")
        };
        assert!(version > opened, "{}", db.backend);
        // The plan is imported again: its phases start over, at a version no form holds.
        crate::save(&store, &plan, true).await;
        let (fresh, _) = store.phase_fields(key).await.unwrap();
        assert!(fresh > version, "{}: {fresh} after {version}", db.backend);
        for stale in [opened, version] {
            let outcome = store
                .edit_phase(key, stale, PlanState::Draft, &fields, &stamp("ada"))
                .await
                .unwrap();
            assert!(matches!(outcome, Edited::Conflict(_)), "{}", db.backend);
        }
        store.close().await;
    }
}

#[tokio::test]
async fn a_removed_head_record_is_found_and_the_log_goes_on_saying_so() {
    for db in fresh_databases().await {
        let store = with_history(&db.url).await;
        store.execute_raw("DELETE FROM audit_head").await.unwrap();
        assert_eq!(
            breaks(&store).await,
            vec![Break::HeadMissing { last: 4 }],
            "{}",
            db.backend
        );
        // Work goes on: the next change is chained after an entry that records the anomaly.
        let eva = person("eva", "Eva Bruni", &[]);
        store.add_person(&eva, &stamp("cli")).await.unwrap();
        let log = audit_log(&store).await;
        let tail: Vec<(i64, &str)> = log
            .iter()
            .skip(4)
            .map(|e| (e.seq, e.action.as_str()))
            .collect();
        assert_eq!(
            tail,
            [(5, "audit.head_missing"), (6, "person.add")],
            "{}",
            db.backend
        );
        assert!(breaks(&store).await.is_empty());
        store.close().await;
    }
}
