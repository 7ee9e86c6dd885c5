//! Monitoring through the pages, on the demo plan while it runs: the planning office opens a
//! round, the head of a unit reports a phase done with an evidence file and an indicator's
//! value, the round shows who has not reported, the Nucleo neutralises with a reason, and
//! the scores (card and API) follow, with their explanation. Scoring rules are set while
//! drafting only.

use domain::{Plan, PlanState, Role};
use serde_json::Value;

use crate::{
    PLAN, Post, TestApp, address, assert_holds, assert_posts, demo, field, first_objective,
    head_name, header,
};

/// An objective with two dated phases and an indicator, of a unit with one head: its
/// position and the head's name without titles.
fn chosen(plan: &Plan) -> (usize, String) {
    plan.objectives
        .iter()
        .enumerate()
        .find_map(|(i, o)| {
            let unit = plan.unit(&o.unit)?;
            let dated =
                o.phases.len() == 2 && o.phases.iter().all(|p| p.deadline.fixed_date().is_some());
            (dated && unit.heads.len() == 1 && !o.indicators.is_empty())
                .then(|| (i, head_name(unit)))
        })
        .expect("the demo has such an objective")
}

/// The JSON of the scores of objective `id`, as the API gives them to a token's owner.
async fn api_scores(app: &TestApp, token: &str, id: &str) -> Value {
    let body = app.api_json(token, &format!("/plans/{PLAN}/scores")).await;
    body["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn a_head_reports_with_evidence_and_the_nucleo_neutralises() {
    let plan = demo();
    let (index, head_name) = chosen(&plan);
    let o = &plan.objectives[index];
    let card = format!("/piani/{PLAN}/obiettivi/{}/{}", o.unit, o.label);
    let due = o.phases[0].deadline.fixed_date().unwrap();
    for app in TestApp::each().await {
        let b = app.backend;
        app.run_plan().await;
        let admin = app.signed_in_as(Role::Admin).await;
        let nucleo = app.signed_in_as(Role::Evaluator).await;
        let head = app.signed_in("capo", &head_name, &[], &[]).await;
        let token = app.token("nino", "t").await;

        // The planning office opens a round; a second one waits for the first to close.
        let rounds = format!("/piani/{PLAN}/monitoraggi");
        let open = [("name", "Monitoraggio al 30/06"), ("as_of", "2021-06-30")];
        let posts: [Post; 3] = [
            (&admin, &rounds, &open, 303),
            (&admin, &rounds, &open, 409),
            (&head, &rounds, &open, 403),
        ];
        assert_posts(&posts, b).await;
        let page = admin.text(&rounds).await;
        assert!(page.contains("Monitoraggio al 30/06"), "{b}");
        let unit_name = &plan.unit(&o.unit).unwrap().name;
        let waiting = |page: &str| {
            let at = page.find("Chi non ha ancora riferito").unwrap();
            page[at..].contains(unit_name.as_str())
        };
        assert!(waiting(&page), "{b}: the head's unit has not reported");

        // The head reports phase 1 done on its deadline; "done" without a date is refused.
        let phase = format!("{card}/fasi/1");
        let form = head.text(&phase).await;
        let version = field(&form, "version").unwrap();
        assert!(form.contains("Stato della fase"), "{b}");
        let no_date = [("version", version.as_str()), ("status", "done")];
        assert_eq!(head.post(&phase, &no_date).await.status(), 422, "{b}");
        let day = due.to_string();
        let report = [
            ("version", version.as_str()),
            ("status", "done"),
            ("completed_on", day.as_str()),
            ("note", "Relazione inviata alla Giunta"),
        ];
        assert_eq!(head.post(&phase, &report).await.status(), 303, "{b}");

        // With an evidence file: its content must match its name; it comes back as it went.
        let pdf = b"%PDF-1.4\n% relazione\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
        let upload = format!("{phase}/allegati");
        let refused = head.upload(&upload, "relazione.png", pdf).await;
        assert_eq!(refused.status(), 422, "{b}");
        assert!(
            refused.text().await.unwrap().contains("non corrisponde"),
            "{b}"
        );
        assert_eq!(
            head.upload(&upload, "relazione.pdf", pdf).await.status(),
            303,
            "{b}"
        );
        let shown = head.text(&phase).await;
        let link =
            address(&shown, "href", |h| h.contains("/allegati/")).expect("a link to the file");
        let file = head.get(&link).await;
        assert_eq!(file.status(), 200, "{b}");
        assert_eq!(file.headers()["content-type"], "application/pdf");
        assert!(
            header(&file, "content-disposition")
                .starts_with("attachment; filename=\"relazione.pdf\""),
            "{b}"
        );
        assert_eq!(file.bytes().await.unwrap().as_ref(), pdf, "{b}");
        // The public reads no results before they are published.
        assert_eq!(app.get(&link).await.status(), 401, "{b}");

        // The indicator's value, with its date and source.
        let indicator = format!("{card}/indicatori/1");
        let value = |value: &'static str, source: &'static str| {
            [
                ("value", value),
                ("measured_on", "2021-06-30"),
                ("source", source),
            ]
        };
        let posts: [Post; 3] = [
            (&head, &indicator, &value("12,5", "Protocollo"), 303),
            (&head, &indicator, &value("tanti", "x"), 422),
            // A value no arithmetic could carry is refused where it comes in.
            (
                &head,
                &indicator,
                &value("79228162514264337593543950335", "x"),
                422,
            ),
        ];
        assert_posts(&posts, b).await;

        // The card: the report, the file, the value and the score with its explanation.
        let page = head.text(&card).await;
        for expected in [
            "Relazione inviata alla Giunta",
            "relazione.pdf",
            "12,5",
            "Protocollo",
            "Come è calcolato",
            "conclusa in tempo",
            "non conclusa",
        ] {
            assert!(page.contains(expected), "{b}: the card lacks {expected:?}");
        }
        // The home page: how the plan's objectives stand, with their lights, and its score.
        let home = head.text("/").await;
        // Years late, some are red.
        let wanted = [
            "Situazione degli obiettivi",
            "semaforo rosso",
            "Punteggio organizzativo",
        ];
        assert_holds(&home, &wanted, b);
        // Under the default rule (all or nothing) one phase of two done is 0.
        let before = api_scores(&app, &token, o.id.as_str()).await;
        assert_eq!(before["score"], 0.0, "{b}: {before}");
        assert_eq!(before["phases"]["lines"][0]["status"], "on_time", "{b}");
        assert_eq!(before["phases"]["lines"][1]["status"], "not_done", "{b}");

        // The Nucleo neutralises phase 2: a reason is required; the head may not.
        let neutralise = format!("{card}/neutralizzazioni");
        let phase_2 = |reason: &'static str, decision: &'static str| {
            [
                ("part", "fase-2"),
                ("reason", reason),
                ("decision", decision),
            ]
        };
        let with = phase_2("Sospesa per il cambio di normativa", "neutralise");
        let posts: [Post; 3] = [
            (&nucleo, &neutralise, &phase_2(" ", "neutralise"), 422),
            (&head, &neutralise, &with, 403),
            (&nucleo, &neutralise, &with, 303),
        ];
        assert_posts(&posts, b).await;
        let after = api_scores(&app, &token, o.id.as_str()).await;
        assert_eq!(after["score"], 100.0, "{b}: {after}");
        assert_eq!(after["phases"]["lines"][1]["status"], "neutralised", "{b}");
        let page = head.text(&card).await;
        assert!(page.contains("Sospesa per il cambio di normativa"), "{b}");
        // The public reads the running plan, not its results: no scores, no neutralisations.
        let public = app.page(&card).await;
        assert!(
            !public.contains("Sospesa per il cambio di normativa"),
            "{b}"
        );
        assert!(!public.contains("Come è calcolato"), "{b}");

        // Reported and neutralised: the round no longer waits for this objective's phases.
        let page = admin.text(&rounds).await;
        let others_waiting = plan
            .objectives
            .iter()
            .enumerate()
            .any(|(i, x)| i != index && x.unit == o.unit && !x.phases.is_empty());
        if !others_waiting {
            assert!(!waiting(&page), "{b}: the unit has reported everything");
        }

        // Lifting the neutralisation brings the rule back; lifting twice is a conflict.
        let lift = phase_2("", "lift");
        assert_eq!(nucleo.post(&neutralise, &lift).await.status(), 303, "{b}");
        assert_eq!(nucleo.post(&neutralise, &lift).await.status(), 409, "{b}");
        assert_eq!(
            api_scores(&app, &token, o.id.as_str()).await["score"],
            0.0,
            "{b}"
        );

        // The round closes once.
        let page = admin.text(&rounds).await;
        let close = address(&page, "action", |a| a.ends_with("/chiusura")).expect("a close form");
        assert_eq!(admin.post(&close, &[]).await.status(), 303, "{b}");
        assert_eq!(admin.post(&close, &[]).await.status(), 409, "{b}");
        // Every step is in the audit log, and the chain holds.
        app.assert_audited(&[
            "round.open",
            "phase.edit",
            "phase.evidence",
            "indicator.actual",
            "neutralise",
            "neutralise.lift",
            "round.close",
        ])
        .await;
        app.stop().await;
    }
}

#[tokio::test]
async fn scoring_rules_are_set_while_drafting_and_checked_against_the_plan() {
    let o = &first_objective();
    for app in TestApp::each().await {
        let b = app.backend;
        let admin = app.signed_in_as(Role::Admin).await;
        let path = format!("/piani/{PLAN}/punteggi");
        let wrong = format!(
            r#"{{"indicators": [{{"objective": "{}", "indicator": 99, "rule": {{"conversion": "value"}}}}]}}"#,
            o.id
        );
        let r = admin.post(&path, &[("settings", wrong.as_str())]).await;
        assert_eq!(r.status(), 422, "{b}");
        assert!(
            r.text().await.unwrap().contains("l'indicatore 99 non c'è"),
            "{b}"
        );
        let rules = r#"{"phases": {"method": {"method": "weighted_on_time"}, "empty_weights": "spread", "tolerance_days": 10}}"#;
        assert_eq!(
            admin.post(&path, &[("settings", rules)]).await.status(),
            303,
            "{b}"
        );
        let page = admin.text(&path).await;
        let wanted = ["tolleranza di 10 giorni", "somma delle incidenze"];
        assert_holds(&page, &wanted, b);
        // Once validated, the rules change only as the plan does.
        app.act(PlanState::Draft, "validate", PlanState::Validated)
            .await;
        let r = admin.post(&path, &[("settings", "{}")]).await;
        assert_eq!(r.status(), 409, "{b}");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_head_subscribes_to_a_calendar_of_their_deadlines() {
    let plan = demo();
    let (index, head_name) = chosen(&plan);
    let o = &plan.objectives[index];
    for app in TestApp::each().await {
        let b = app.backend;
        app.approve_plan().await;
        let head = app.signed_in("capo", &head_name, &[], &[]).await;
        let page = head.post("/account/calendario", &[]).await;
        assert_eq!(page.status(), 200, "{b}");
        let page = page.text().await.unwrap();
        let url = page
            .split("<code>")
            .filter_map(|s| s.split("</code>").next())
            .find(|s| s.contains("/calendari/"))
            .expect("the feed's address")
            .to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{b}: {url}");
        let path = &url[url.find("/calendari/").unwrap()..];
        // Read without signing in, as a calendar program does.
        let feed = app.get(path).await;
        assert_eq!(feed.status(), 200, "{b}");
        assert!(header(&feed, "content-type").starts_with("text/calendar"));
        let text = feed.text().await.unwrap();
        let uid = format!("UID:{PLAN}-{}-{}-1@pegaso", o.unit, o.label);
        assert!(text.contains(&uid), "{b}: {text}");
        // Not the deadlines of an objective that neither belongs to nor names the unit.
        let code = plan.unit(&o.unit).unwrap().responsible_code.clone();
        let others = plan
            .objectives
            .iter()
            .find(|x| {
                x.unit != o.unit
                    && !x.phases.is_empty()
                    && !x
                        .phases
                        .iter()
                        .any(|p| p.responsible.iter().any(|c| Some(c) == code.as_ref()))
            })
            .unwrap();
        let foreign = format!("UID:{PLAN}-{}-{}-1@pegaso", others.unit, others.label);
        assert!(!text.contains(&foreign), "{b}: {foreign}");
        // A new address replaces the old one; revoking ends it.
        assert_eq!(head.post("/account/calendario", &[]).await.status(), 200);
        assert_eq!(app.get(path).await.status(), 404, "{b}");
        assert_eq!(
            head.post("/account/calendario/revoca", &[]).await.status(),
            303
        );
        assert!(!app.store.has_calendar_feed("capo").await.unwrap(), "{b}");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_recorded_event_gives_its_deadlines_a_date() {
    let plan = demo();
    let (o, phase, offset) = plan
        .objectives
        .iter()
        .find_map(|o| {
            o.phases
                .iter()
                .position(|p| match &p.deadline.when {
                    domain::When::Relative(r) => matches!(r.anchor, domain::Anchor::Event(_)),
                    _ => false,
                })
                .map(|i| match &o.phases[i].deadline.when {
                    domain::When::Relative(r) => (o, i, r.offset),
                    _ => unreachable!(),
                })
        })
        .expect("the demo has a deadline after an event");
    let unit = plan.unit(&o.unit).unwrap();
    let head = head_name(unit);
    let card = format!("/piani/{PLAN}/obiettivi/{}/{}", o.unit, o.label);
    let day = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let due = match offset {
        domain::Offset::Days(n) => day + chrono::Days::new(u64::from(n)),
        domain::Offset::Months(n) => day + chrono::Months::new(n),
    };
    for app in TestApp::each().await {
        let b = app.backend;
        app.run_plan().await;
        let user = app.signed_in("capo", &head, &[], &[]).await;
        let page = user.text(&card).await;
        assert!(page.contains("data non ancora registrata"), "{b}");
        let row = |page: &str| {
            let at = page.find(&format!("id=\"fase-{}\"", phase + 1)).unwrap();
            page[at..at + page[at..].find("</tr>").unwrap()].to_owned()
        };
        assert!(row(&page).contains("senza scadenza"), "{b}: {}", row(&page));
        let form = [("event", "1"), ("day", "2021-03-01")];
        assert_eq!(
            user.post(&format!("{card}/eventi"), &form).await.status(),
            303,
            "{b}"
        );
        let page = user.text(&card).await;
        assert!(page.contains("avvenuto il 01/03/2021"), "{b}");
        assert!(
            row(&page).contains(&domain::messages::date(due)),
            "{b}: {}",
            row(&page)
        );
        let wrong = [("event", "9"), ("day", "2021-03-01")];
        assert_eq!(
            user.post(&format!("{card}/eventi"), &wrong).await.status(),
            422,
            "{b}"
        );
        app.stop().await;
    }
}
