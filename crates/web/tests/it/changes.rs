//! Change requests through the pages on the demo plan while it runs: the head asks to move a
//! deadline with a reason, the Nucleo gives its opinion, the Giunta approves with its act;
//! the plan gets a new version, the versions page shows what changed, the card keeps the
//! original beside the revised deadline, and what was reported meanwhile stays.

use domain::Role;

use crate::{PLAN, PLAN_ID, Post, TestApp, assert_holds, assert_posts, demo, head_name, header};

#[tokio::test]
async fn the_board_approves_a_change_and_the_original_stays_beside_it() {
    let plan = demo();
    // An objective with two dated phases, of a unit with one head.
    let (index, o) = plan
        .objectives
        .iter()
        .enumerate()
        .find(|(_, o)| {
            o.phases.len() == 2
                && o.phases.iter().all(|p| p.deadline.fixed_date().is_some())
                && plan.unit(&o.unit).is_some_and(|u| u.heads.len() == 1)
        })
        .unwrap();
    let head_name = head_name(plan.unit(&o.unit).unwrap());
    let first = &o.phases[0];
    let before = domain::messages::date(first.deadline.fixed_date().unwrap());
    let card = format!("/piani/{PLAN}/obiettivi/{}/{}", o.unit, o.label);
    for app in TestApp::each().await {
        let b = app.backend;
        app.run_plan().await;
        let head = app.signed_in("capo", &head_name, &[], &[]).await;
        let nucleo = app.signed_in_as(Role::Evaluator).await;
        let giunta = app.signed_in_as(Role::Board).await;

        // Something reported before the change, which must survive it.
        let phase = format!("{card}/fasi/2");
        let form = head.text(&phase).await;
        let version = crate::field(&form, "version").unwrap();
        let report = [
            ("version", version.as_str()),
            ("status", "in_progress"),
            ("note", "Lavori avviati"),
        ];
        assert_eq!(head.post(&phase, &report).await.status(), 303, "{b}");

        // The head asks; a reason is required, and the proposal must change something.
        let ask = format!("{card}/richieste");
        let what = format!("scadenza-{}", first.label);
        let no_reason = [("what", what.as_str()), ("value", "30/09/2021")];
        let same = [
            ("what", what.as_str()),
            ("value", before.as_str()),
            ("reason", "nessuna"),
        ];
        let request = [
            ("what", what.as_str()),
            ("value", "30/09/2021"),
            (
                "reason",
                "Ritardo nella consegna dei dati da parte della Regione",
            ),
        ];
        let posts: [Post; 4] = [
            (&head, &ask, &no_reason, 422),
            (&head, &ask, &same, 422),
            (&nucleo, &ask, &request, 403),
            (&head, &ask, &request, 303),
        ];
        assert_posts(&posts, b).await;
        let id = app.store.facts(&PLAN_ID).await.unwrap().requests[0].id;
        let opinion = format!("/piani/{PLAN}/richieste/{id}/parere");
        let decision = format!("/piani/{PLAN}/richieste/{id}/decisione");
        let decide = |decision: &'static str, number: &'static str, date: &'static str| {
            [
                ("decision", decision),
                ("act_number", number),
                ("act_date", date),
            ]
        };
        let approve = decide("approve", "101", "2021-07-15");
        let empty = [("favourable", "si"), ("text", "")];
        let favourable = [("favourable", "si"), ("text", "Motivazione documentata")];
        let posts: [Post; 6] = [
            // The Giunta decides after the Nucleo's opinion, not before.
            (&giunta, &decision, &approve, 409),
            (&nucleo, &opinion, &empty, 422),
            (&giunta, &opinion, &favourable, 403),
            (&nucleo, &opinion, &favourable, 303),
            (&nucleo, &opinion, &favourable, 409),
            (&giunta, &decision, &decide("approve", "", ""), 422),
        ];
        assert_posts(&posts, b).await;
        let r = giunta.post(&decision, &approve).await;
        assert_eq!(r.status(), 303, "{b}");
        assert!(header(&r, "location").ends_with("/versioni"));
        assert_eq!(giunta.post(&decision, &approve).await.status(), 409, "{b}");

        // A new version; the versions page says what changed.
        let versions = app.page(&format!("/piani/{PLAN}/versioni")).await;
        assert!(
            versions.contains("Versione 1") && versions.contains("Versione 2"),
            "{b}"
        );
        assert!(
            versions.contains(&before) && versions.contains("30/09/2021"),
            "{b}"
        );
        // The card: the revised deadline, the original beside it; the report is still there.
        let page = head.text(&card).await;
        let approved = format!("approvata: {before}");
        let wanted = [
            "Originale, prima della modifica approvata",
            &approved,
            "Lavori avviati",
            "atto n. 101",
        ];
        assert_holds(&page, &wanted, b);
        // The plan itself, as the API and export give it.
        let api = app.json(&format!("/api/v1/plans/{PLAN}")).await;
        assert_eq!(
            api["objectives"][index]["phases"][0]["deadline"]["date"], "2021-09-30",
            "{b}"
        );
        assert_eq!(
            app.store.version(&PLAN_ID, 1).await.unwrap().objectives[index].phases[0].deadline,
            first.deadline,
            "{b}: version 1 is the plan as approved"
        );

        // A second request, rejected: no new version.
        let target = [
            ("what", "risultato"),
            ("value", "Un risultato più modesto"),
            ("reason", "Risorse ridotte"),
        ];
        assert_eq!(head.post(&ask, &target).await.status(), 303, "{b}");
        let id = app.store.facts(&PLAN_ID).await.unwrap().requests[1].id;
        let opinion = format!("/piani/{PLAN}/richieste/{id}/parere");
        let decision = format!("/piani/{PLAN}/richieste/{id}/decisione");
        // A decision computed on a plan that has changed since is refused, not half-applied.
        let stale = app
            .store
            .decide_change(
                &PLAN_ID,
                id,
                &domain::BoardAct {
                    number: "1".into(),
                    date: chrono::NaiveDate::from_ymd_opt(2021, 7, 1).unwrap(),
                },
                None,
                0,
                &store::testing::stamp("t"),
            )
            .await;
        assert!(
            matches!(&stale, Err(store::StoreError::Conflict(m)) if m.starts_with("plan changed")),
            "{b}: {stale:?}"
        );
        let against = [("favourable", "no"), ("text", "Non motivata")];
        assert_eq!(nucleo.post(&opinion, &against).await.status(), 303, "{b}");
        let reject = decide("reject", "102", "2021-07-20");
        assert_eq!(giunta.post(&decision, &reject).await.status(), 303, "{b}");
        let facts = app.store.facts(&PLAN_ID).await.unwrap();
        assert_eq!(facts.versions.len(), 2, "{b}");
        let requests = facts.requests;
        assert_eq!(requests[1].state, domain::change::RequestState::Rejected);
        let list = nucleo.text(&format!("/piani/{PLAN}/richieste")).await;
        assert!(
            list.contains("respinta") && list.contains("Non motivata"),
            "{b}"
        );
        app.assert_audited(&[
            "change.request",
            "change.opinion",
            "change.approve",
            "change.reject",
        ])
        .await;
        app.stop().await;
    }
}
