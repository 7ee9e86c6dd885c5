//! The store against real databases: a fresh SQLite file always, PostgreSQL when
//! `PEGASO_TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod audit;
mod backup;
mod backup_fixture;
mod backup_refusals;
mod contract;
mod people;
mod schema;

use chrono::NaiveDate;
use domain::{Code, Diagnostic, Plan};
use store::testing::{TestDatabase, fresh_databases, stamp};
use store::{Store, StoreError};

const DEMO: &str = include_str!("../../../../data/demo/alessandria-2021.plan.json");

/// A plan id the test names.
pub fn plan_id(text: &str) -> domain::PlanId {
    domain::PlanId::parse(text).unwrap()
}

pub fn demo() -> Plan {
    serde_json::from_str(DEMO).unwrap()
}

/// A fresh database per backend the environment offers, with a store open on it.
pub async fn each_store() -> Vec<(TestDatabase, Store)> {
    let mut all = Vec::new();
    for db in fresh_databases().await {
        let store = Store::open(&db.url).await.unwrap();
        all.push((db, store));
    }
    all
}

/// Saves `plan` without diagnostics, as `cli`: as a new plan, or replacing the one there.
pub async fn save(store: &Store, plan: &Plan, replace: bool) -> store::PlanSummary {
    store
        .save_plan(plan, &[], replace, &stamp("cli"))
        .await
        .unwrap()
}

/// Opens a monitoring round of `plan` as of `as_of`, as `ada`; its id.
pub async fn open_round(store: &Store, plan: &str, name: &str, as_of: NaiveDate) -> i64 {
    store
        .open_round(&plan_id(plan), name, as_of, &stamp("ada"))
        .await
        .unwrap()
}

/// Gives `username` the address `email`, as `cli`.
pub async fn set_email(store: &Store, username: &str, email: &str) {
    store
        .set_email(
            username,
            Some(&domain::Email::parse(email).unwrap()),
            &stamp("cli"),
        )
        .await
        .unwrap();
}

fn json(plan: &Plan) -> serde_json::Value {
    serde_json::to_value(plan).unwrap()
}

#[tokio::test]
async fn saving_and_reading_gives_back_the_same_plan() {
    for (db, store) in each_store().await {
        let plan = demo();
        let saved = save(&store, &plan, false).await;
        assert_eq!(
            saved.id,
            plan_id("citta-di-alessandria-2021"),
            "{}",
            db.backend
        );
        let back = store.plan(&saved.id).await.unwrap();
        assert_eq!(json(&back), json(&plan), "{}", db.backend);
        // The text too: an export is byte for byte the committed demo.
        let mut text = serde_json::to_string_pretty(&back).unwrap();
        text.push('\n');
        assert!(
            text == DEMO,
            "{}: export differs from the demo file",
            db.backend
        );
        store.close().await;
    }
}

#[tokio::test]
async fn several_entities_and_years_live_side_by_side() {
    for (db, store) in each_store().await {
        let a = demo();
        let mut next_year = demo();
        next_year.year = 2022;
        next_year.objectives.truncate(3);
        let mut other = demo();
        other.entity.name = "Comune di Valmora".into();
        other.units.truncate(2);
        other
            .objectives
            .retain(|o| other.units.iter().any(|u| u.id == o.unit));
        for p in [&a, &next_year, &other] {
            save(&store, p, false).await;
        }
        let ids: Vec<String> = store
            .plans()
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.id.to_string())
            .collect();
        assert_eq!(
            ids,
            [
                "citta-di-alessandria-2021",
                "citta-di-alessandria-2022",
                "comune-di-valmora-2021"
            ],
            "{}",
            db.backend
        );
        for (id, plan) in [
            ("citta-di-alessandria-2022", &next_year),
            ("comune-di-valmora-2021", &other),
            ("citta-di-alessandria-2021", &a),
        ] {
            let back = store.plan(&plan_id(id)).await.unwrap();
            assert_eq!(json(&back), json(plan), "{}: {id}", db.backend);
        }
        store.close().await;
    }
}

#[tokio::test]
async fn a_plan_is_replaced_only_when_asked() {
    for (db, store) in each_store().await {
        let plan = demo();
        save(&store, &plan, false).await;
        let again = store.save_plan(&plan, &[], false, &stamp("test")).await;
        assert!(
            matches!(again, Err(StoreError::Conflict(_))),
            "{}: {again:?}",
            db.backend
        );
        let mut changed = demo();
        changed.title = "Piano rivisto".into();
        changed.objectives.pop();
        let saved = save(&store, &changed, true).await;
        assert_eq!(saved.revision, 2);
        assert_eq!(store.revision(&saved.id).await.unwrap(), 2);
        assert_eq!(
            json(&store.plan(&saved.id).await.unwrap()),
            json(&changed),
            "{}",
            db.backend
        );
        assert_eq!(store.plans().await.unwrap().len(), 1);
        store.close().await;
    }
}

#[tokio::test]
async fn import_diagnostics_are_kept_with_the_plan() {
    let diagnostics = vec![
        Diagnostic::error(
            Code::UnknownUnit,
            "objectives[3].unit",
            "unità «x» sconosciuta".into(),
        )
        .at_line(1533),
        Diagnostic::warning(
            Code::WeightMissing,
            "objectives[7].phases[1]",
            "manca l'incidenza".into(),
        ),
        Diagnostic::info(Code::UnmatchedRow, "", "riga senza unità".into()).at_line(12),
    ];
    for (db, store) in each_store().await {
        let saved = store
            .save_plan(&demo(), &diagnostics, false, &stamp("test"))
            .await
            .unwrap();
        let back: Vec<Diagnostic> = store.diagnostics(&saved.id).await.unwrap();
        assert_eq!(back, diagnostics, "{}", db.backend);
        assert!(matches!(
            store.diagnostics(&plan_id("nessuno-2021")).await,
            Err(StoreError::NotFound(_))
        ));
        // A plan saved with nothing to say has an empty list, not an error.
        let mut other = demo();
        other.year = 2022;
        let saved = save(&store, &other, false).await;
        assert!(store.diagnostics(&saved.id).await.unwrap().is_empty());
        store.close().await;
    }
}

#[tokio::test]
async fn a_plan_that_cannot_be_stored_leaves_nothing_behind() {
    for (db, store) in each_store().await {
        let mut plan = demo();
        plan.units.remove(0);
        let result = store.save_plan(&plan, &[], false, &stamp("test")).await;
        assert!(
            matches!(result, Err(StoreError::Invalid(_))),
            "{}: {result:?}",
            db.backend
        );
        assert!(store.plans().await.unwrap().is_empty(), "{}", db.backend);
        assert!(matches!(
            store.plan(&plan_id("citta-di-alessandria-2021")).await,
            Err(StoreError::NotFound(_))
        ));
        store.close().await;
    }
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys() {
    let db = fresh_databases().await.remove(0);
    let store = Store::open(&db.url).await.unwrap();
    assert_eq!(store.sqlite_pragma("journal_mode").await.unwrap(), "wal");
    assert_eq!(store.sqlite_pragma("foreign_keys").await.unwrap(), "1");
    store.close().await;
    // Opening again runs no migration twice.
    let store = Store::open(&db.url).await.unwrap();
    assert!(store.plans().await.unwrap().is_empty());
    store.close().await;
}
