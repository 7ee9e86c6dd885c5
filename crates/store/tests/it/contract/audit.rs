//! The audit log's contract: a write of every kind appends its entry (the harness checks each
//! one's action, subject, plan, actor, instant and link), the positions run 1…n, a change
//! recorded from outside the store's operations is the entry read back, and the log reads
//! back filtered by plan, by subject and by a subject's beginning, LIKE's wildcards taken as
//! written.

use std::collections::BTreeSet;

use domain::audit::{AuditAction, Entry};
use serde_json::json;
use store::AuditFilter;

use super::{Run, facts, on_every_backend};

/// Which entries a filter must keep.
type Keep<'a> = dyn Fn(&Entry) -> bool + 'a;

#[tokio::test]
async fn every_kind_of_write_appends_one_chained_entry_read_back_by_plan_and_subject() {
    on_every_backend(async |run: &Run| {
        let (s, b) = (&run.store, run.backend);
        let id = facts::tour(run).await;
        for username in ["ada", "a_b"] {
            run.person(username, &[]).await;
        }
        let stamp = run.stamp("cli");
        let after = json!({ "email": "a_b@comune.example.it" });
        let outside = s.record(
            &stamp,
            AuditAction::PersonEmail,
            "person/a_b",
            None,
            Some(after.clone()),
        );
        let recorded = run
            .write("person.email", |_| "person/a_b".into(), outside)
            .await;
        assert_eq!(
            recorded,
            run.entry(),
            "{b}: the entry recorded is the one read back"
        );
        run.entry_says(None, Some(after));

        // An administration's licence: read back, its entry says before and after.
        assert_eq!(s.entity_licence("ente").await.unwrap(), None, "{b}");
        let ada = run.stamp("ada");
        let chosen = s.set_entity_licence("ente", "CC0-1.0", &ada);
        run.write("entity.licence", |_| "ente/ente".into(), chosen)
            .await;
        let changed = s.set_entity_licence("ente", "IODL-2.0", &ada);
        run.write("entity.licence", |_| "ente/ente".into(), changed)
            .await;
        run.entry_says(
            Some(json!({ "licenza": "CC0-1.0" })),
            Some(json!({ "licenza": "IODL-2.0" })),
        );
        assert_eq!(
            s.entity_licence("ente").await.unwrap().as_deref(),
            Some("IODL-2.0"),
            "{b}"
        );

        // Its emblem: kept byte for byte, its entry the size and fingerprint, never the
        // picture; removed, read back as none.
        assert_eq!(s.entity_emblem("ente").await.unwrap(), None, "{b}");
        let png: &[u8] = b"\x89PNG\r\n\x1a\n and the rest";
        let uploaded = s.set_entity_emblem("ente", Some(png), &ada);
        run.write("entity.emblem", |_| "ente/ente".into(), uploaded)
            .await;
        let said = json!({ "stemma": { "byte": png.len(),
            "sha256": hex::encode(<sha2::Sha256 as sha2::Digest>::digest(png)) } });
        run.entry_says(None, Some(said.clone()));
        assert_eq!(
            s.entity_emblem("ente").await.unwrap().as_deref(),
            Some(png),
            "{b}"
        );
        let removed = s.set_entity_emblem("ente", None, &ada);
        run.write("entity.emblem", |_| "ente/ente".into(), removed)
            .await;
        run.entry_says(Some(said), None);
        assert_eq!(s.entity_emblem("ente").await.unwrap(), None, "{b}");

        let log = s.audit_log(&AuditFilter::default()).await.unwrap();
        let written: BTreeSet<String> = log.iter().map(|e| e.action.clone()).collect();
        let every: BTreeSet<String> = AuditAction::all()
            .into_iter()
            .filter(|a| *a != AuditAction::AuditHeadMissing)
            .map(AuditAction::code)
            .collect();
        assert_eq!(written, every, "{b}: the tour writes every kind of entry");
        let positions: Vec<i64> = log.iter().map(|e| e.seq).collect();
        assert_eq!(positions, (1..=log.len() as i64).collect::<Vec<_>>(), "{b}");

        let filter =
            |plan: Option<&str>, prefix: Option<&str>, subject: Option<&str>| AuditFilter {
                plan: plan.map(str::to_owned),
                subject_prefix: prefix.map(str::to_owned),
                subject: subject.map(str::to_owned),
            };
        let rounds = format!("{id}/monitoraggi/");
        let cases: [(AuditFilter, &Keep); 6] = [
            (filter(Some(id.as_str()), None, None), &|e| {
                e.plan.as_deref() == Some(id.as_str())
            }),
            (filter(None, None, Some(id.as_str())), &|e| {
                e.subject == id.as_str()
            }),
            (filter(None, Some(&rounds), None), &|e| {
                e.subject.starts_with(&rounds)
            }),
            (filter(None, Some("person/a_"), None), &|e| {
                e.subject.starts_with("person/a_")
            }),
            (filter(None, Some("person/%"), None), &|_| false),
            (filter(Some(id.as_str()), Some("person/"), None), &|_| false),
        ];
        for (filter, keep) in cases {
            let kept: Vec<Entry> = log.iter().filter(|e| keep(e)).cloned().collect();
            assert!(
                kept.len() < log.len(),
                "{b}: {filter:?} leaves something out"
            );
            assert_eq!(
                run.read("filtered", s.audit_log(&filter)).await,
                kept,
                "{b}: {filter:?}"
            );
        }
    })
    .await;
}
