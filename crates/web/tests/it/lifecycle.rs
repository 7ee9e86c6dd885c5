//! The plan's lifecycle through the pages and the API: each act by the right person only,
//! refused transitions, measured figures locked once validated, no lost update, and every
//! act in the audit log.

use domain::{PlanState, Role};
use serde_json::{Value, json};

use crate::{
    PLAN, PLAN_ID, TestApp, assert_holds, demo, head_name, objective_of, without_initials,
};

async fn put(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = app
        .client
        .put(format!("{}/api/v1{path}", app.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// `put`s `changes` to the phase at `path`, from the version the phase is at now.
async fn save(app: &TestApp, token: &str, path: &str, changes: Value) -> (u16, Value) {
    let mut body = changes;
    body["version"] = app.api_json(token, path).await["version"].clone();
    put(app, token, path, body).await
}

async fn act(app: &TestApp, token: &str, body: Value) -> u16 {
    app.client
        .post(format!("{}/api/v1/plans/{PLAN}/acts", app.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn the_cycle_runs_through_the_pages_with_the_right_people_only() {
    for app in TestApp::each().await {
        let b = app.backend;
        let acts = format!("/piani/{PLAN}/atti");
        let admin = app.signed_in_as(Role::Admin).await;
        let evaluator = app.signed_in_as(Role::Evaluator).await;
        let board = app.signed_in_as(Role::Board).await;
        // The draft: the evaluator sees the button, the board sees why it is not theirs.
        let page = board.text(&format!("/piani/{PLAN}")).await;
        assert!(
            page.contains("Valida il piano: Spetta a: Nucleo di Valutazione."),
            "{b}"
        );
        let page = evaluator.text(&format!("/piani/{PLAN}")).await;
        assert!(
            page.contains("<button type=\"submit\">Valida il piano</button>"),
            "{b}"
        );
        let step = |kind: &'static str, from: &'static str| vec![("kind", kind), ("from", from)];
        let mut back = step("send_back", "validated");
        back.push(("reason", "Indicatori da precisare"));
        let mut approve = step("approve", "validated");
        approve.extend([("act_number", "45"), ("act_date", "2021-03-15")]);
        for (who, form, status) in [
            (&board, step("validate", "draft"), 403),
            (&evaluator, step("validate", "draft"), 303),
            // Sent back with a reason, then validated again.
            (&evaluator, step("send_back", "validated"), 422),
            (&evaluator, back, 303),
            (&evaluator, step("validate", "draft"), 303),
            // Approval needs the act; a stale form (another state) is a conflict.
            (&admin, step("approve", "validated"), 403),
            (&board, step("approve", "validated"), 422),
            (&board, approve.clone(), 303),
            (&board, approve, 409),
        ] {
            assert_eq!(
                who.post(&acts, &form).await.status(),
                status,
                "{b} {form:?}"
            );
        }
        // Now public, with its act.
        let public = app.page(&format!("/piani/{PLAN}")).await;
        assert!(
            public.contains("Approvato con deliberazione di Giunta n. 45 del 15/03/2021"),
            "{b}"
        );
        assert!(
            !public.contains("<form class=\"modulo atto\""),
            "the public gets no buttons"
        );
        // Out of order: publishing an approved plan is refused whoever asks.
        assert_eq!(
            admin
                .post(&acts, &step("publish", "approved"))
                .await
                .status(),
            409
        );
        for (who, kind, from) in [
            (&admin, "start", "approved"),
            (&admin, "close_measurement", "in_execution"),
            (&evaluator, "validate_measurement", "measured"),
            (&admin, "publish", "measure_validated"),
        ] {
            assert_eq!(
                who.post(&acts, &step(kind, from)).await.status(),
                303,
                "{b} {kind}"
            );
        }
        assert_eq!(
            app.store.plan_state(&PLAN_ID).await.unwrap(),
            PlanState::Published
        );
        let page = admin.text(&format!("/piani/{PLAN}")).await;
        assert!(page.contains("Il ciclo di questo piano è concluso."));
        // Every act is in the log, by whom it was done, and the chain holds.
        let log = app.assert_audited(&[]).await;
        let acts: Vec<(String, String)> = log
            .iter()
            .filter(|e| e.action.starts_with("plan.act."))
            .map(|e| (e.action.clone(), e.actor.clone()))
            .collect();
        let expected = [
            ("validate", "nino"),
            ("send_back", "nino"),
            ("validate", "nino"),
            ("approve", "gina"),
            ("start", "ada"),
            ("close_measurement", "ada"),
            ("validate_measurement", "nino"),
            ("publish", "ada"),
        ];
        assert_eq!(
            acts,
            expected
                .map(|(k, a)| (format!("plan.act.{k}"), a.to_string()))
                .to_vec(),
            "{b}"
        );
        // Published, the results are public: each phase with its deadline and traffic light
        // (colour and word); nothing was recorded as done, and 2021 is past.
        let o = &demo().objectives[0];
        let card = app
            .page(&format!("/piani/{PLAN}/obiettivi/{}/{}", o.unit, o.label))
            .await;
        let wanted = [
            "<th scope=\"col\">Situazione</th>",
            "<span class=\"semaforo rosso\">in ritardo</span>",
            "Situazione dell'obiettivo al ",
        ];
        assert_holds(&card, &wanted, b);
        // The plan page shows that history to people, with the reason sent back.
        assert!(page.contains("Indicatori da precisare"));
        app.stop().await;
    }
}

#[tokio::test]
async fn measured_figures_are_locked_once_validated_and_reopened_only_by_act() {
    let plan = demo();
    // An objective with a phase that names another unit by its code.
    let named = |code: &str| {
        plan.units
            .iter()
            .find(|u| u.responsible_code.as_deref() == Some(code))
    };
    let (o, shared, involved) = plan
        .objectives
        .iter()
        .find_map(|o| {
            o.phases.iter().enumerate().find_map(|(i, p)| {
                let u = p.responsible.iter().find_map(|c| named(c))?;
                (u.id != o.unit).then_some((o, i + 1, u))
            })
        })
        .unwrap();
    let head_name = head_name(plan.unit(&o.unit).unwrap());
    for app in TestApp::each().await {
        let b = app.backend;
        app.person("capo", &head_name, &[], &[]).await;
        app.person("mara", "Mara Neri", &[], &[involved.id.as_str()])
            .await;
        app.person("ugo", "Ugo Gialli", &[], &["ufficio-stampa-inesistente"])
            .await;
        app.member(Role::Admin).await;
        app.member(Role::Evaluator).await;
        app.member(Role::Board).await;
        let [head, mara, ugo, admin, evaluator, board] =
            futures_tokens(&app, ["capo", "mara", "ugo", "ada", "nino", "gina"]).await;
        let phase = |n: usize| {
            format!(
                "/plans/{PLAN}/units/{}/objectives/{}/phases/{n}",
                o.unit, o.label
            )
        };
        // While drafting, progress cannot be recorded: the plan is not running.
        let (s, _) = save(
            &app,
            &head,
            &phase(1),
            json!({"completed_on": "2021-05-01"}),
        )
        .await;
        assert_eq!(
            s, 422,
            "{b}: while drafting, only what the phase plans can change"
        );
        assert_eq!(
            app.api_json(&head, &phase(1)).await["completed_on"],
            Value::Null
        );
        app.run_plan().await;
        // Running: the head reports; a member of the unit the phase names reports on that phase.
        let done = json!({"completed_on": "2021-05-01", "note": "fatto"});
        let (s, body) = save(&app, &head, &phase(1), done).await;
        assert_eq!(
            (s, body["completed_on"].clone()),
            (200, json!("2021-05-01")),
            "{b}"
        );
        for (who, note, status) in [(&mara, "contributo", 200), (&ugo, "x", 403)] {
            let (s, _) = save(&app, who, &phase(shared), json!({"note": note})).await;
            assert_eq!(s, status, "{b}");
        }
        // Measured: corrections are the planning office's only.
        assert_eq!(
            act(&app, &admin, json!({"kind": "close_measurement"})).await,
            200
        );
        for (who, note, status) in [(&head, "tardi", 403), (&admin, "corretta", 200)] {
            let (s, _) = save(&app, who, &phase(1), json!({"note": note})).await;
            assert_eq!(s, status, "{b}");
        }
        // Validated: locked for everyone.
        assert_eq!(
            act(&app, &evaluator, json!({"kind": "validate_measurement"})).await,
            200
        );
        let v = app.api_json(&admin, &phase(1)).await["version"].clone();
        let (s, body) = put(
            &app,
            &admin,
            &phase(1),
            json!({"version": v, "note": "ancora"}),
        )
        .await;
        assert_eq!(s, 409, "{b}");
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("serve l'atto che riapre")
        );
        // Reopening is the board's act, with its deliberation and a reason.
        for (who, status) in [(&evaluator, 403), (&board, 422)] {
            let without_act = json!({"kind": "reopen", "reason": "errore"});
            assert_eq!(act(&app, who, without_act).await, status, "{b}");
        }
        let reopen = json!({"kind": "reopen", "reason": "errore materiale", "from": "measure_validated",
            "board_act": {"number": "77", "date": "2022-04-02"}});
        assert_eq!(act(&app, &board, reopen).await, 200);
        assert_eq!(
            put(
                &app,
                &admin,
                &phase(1),
                json!({"version": v, "note": "riaperta"})
            )
            .await
            .0,
            200
        );
        let record = app.api_json(&admin, &phase(1)).await;
        assert_eq!(
            (record["note"].clone(), record["completed_on"].clone()),
            (json!("riaperta"), json!("2021-05-01"))
        );
        app.stop().await;
    }
}

async fn futures_tokens<const N: usize>(app: &TestApp, users: [&str; N]) -> [String; N] {
    let mut out = Vec::new();
    for u in users {
        out.push(app.token(u, "test").await);
    }
    out.try_into().unwrap()
}

#[tokio::test]
async fn a_second_save_from_the_same_version_conflicts_and_nothing_is_lost() {
    let plan = demo();
    let o = objective_of(&plan, "avvocatura");
    let head_name = head_name(plan.unit(&o.unit).unwrap());
    for app in TestApp::each().await {
        let b = app.backend;
        app.person("capo", &head_name, &[], &[]).await;
        let admin_password = app.member(Role::Admin).await;
        let head = app.token("capo", "test").await;
        let path = format!(
            "/plans/{PLAN}/units/{}/objectives/{}/phases/1",
            o.unit, o.label
        );
        let before = app.api_json(&head, &path).await;
        let version = before["version"].as_i64().unwrap();
        // The admin opens the edit page at the same version…
        let admin = app.login("ada", &admin_password).await;
        let page = format!("/piani/{PLAN}/obiettivi/{}/{}/fasi/1", o.unit, o.label);
        let form = admin.text(&page).await;
        assert!(
            form.contains(&format!("name=\"version\" value=\"{version}\"")),
            "{b}"
        );
        // …the head saves first…
        let from_before = |description: &str| {
            put(
                &app,
                &head,
                &path,
                json!({"version": version, "description": description}),
            )
        };
        let (s, _) = from_before("Versione del responsabile").await;
        assert_eq!(s, 200, "{b}");
        // …so the admin's save from the old version is a conflict that shows both.
        let v = version.to_string();
        let r = admin
            .post(
                &page,
                &[
                    ("version", &v),
                    ("description", "Versione dell'ufficio"),
                    ("weight_pct", ""),
                ],
            )
            .await;
        assert_eq!(r.status(), 409, "{b}");
        let html = r.text().await.unwrap();
        assert!(html.contains("Nel frattempo la fase è stata modificata"));
        // Both versions side by side (maud leaves the apostrophe as it is).
        assert_holds(
            &html,
            &["Versione del responsabile", "Versione dell'ufficio"],
            b,
        );
        // The form keeps the admin's text and now names the version to save from.
        let newer = crate::field(&html, "version").unwrap();
        assert_ne!(newer, version.to_string());
        // The API says the same to a second API client.
        let (s, body) = from_before("Di nuovo").await;
        assert_eq!(s, 409);
        assert_eq!(body["current"]["description"], "Versione del responsabile");
        // Stored: the first save, recorded once, with before and after.
        let now = app.api_json(&head, &path).await;
        assert_eq!(body["version"], now["version"]);
        assert!(now["version"].as_i64().unwrap() > version);
        assert_eq!(now["version"].to_string(), newer);
        assert_eq!(now["description"], "Versione del responsabile");
        let edits: Vec<_> = app
            .audit_log()
            .await
            .into_iter()
            .filter(|e| e.action == "phase.edit")
            .collect();
        assert_eq!(edits.len(), 1, "{b}");
        assert!(
            edits[0]
                .before
                .as_deref()
                .unwrap()
                .contains(before["description"].as_str().unwrap())
        );
        assert!(
            edits[0]
                .after
                .as_deref()
                .unwrap()
                .contains("Versione del responsabile")
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn each_head_edits_the_phases_of_their_own_period() {
    let plan = demo();
    // A unit whose head changes during the year.
    let unit = plan.units.iter().find(|u| u.heads.len() > 1).unwrap();
    let first = &unit.heads[0];
    let switch = first.until.unwrap();
    let o = plan.objectives.iter().find(|o| o.unit == unit.id).unwrap();
    let dates = domain::schedule::planned(o, plan.year);
    let early = dates
        .iter()
        .position(|p| p.due.is_some_and(|d| d <= switch))
        .unwrap()
        + 1;
    let late = dates
        .iter()
        .position(|p| p.due.is_some_and(|d| d > switch))
        .unwrap()
        + 1;
    for app in TestApp::each().await {
        app.person("prima", &without_initials(&first.name), &[], &[])
            .await;
        app.person("dopo", &without_initials(&unit.heads[1].name), &[], &[])
            .await;
        let (prima, dopo) = (
            app.token("prima", "test").await,
            app.token("dopo", "test").await,
        );
        let path = |n: usize| {
            format!(
                "/plans/{PLAN}/units/{}/objectives/{}/phases/{n}",
                unit.id, o.label
            )
        };
        for (who, n, expected) in [
            (&prima, early, 200),
            (&prima, late, 403),
            (&dopo, early, 403),
            (&dopo, late, 200),
        ] {
            let (s, _) = save(&app, who, &path(n), json!({"description": "aggiornata"})).await;
            assert_eq!(s, expected, "{} phase {n}", app.backend);
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn simultaneous_saves_from_one_version_keep_exactly_one() {
    let plan = demo();
    let o = objective_of(&plan, "avvocatura");
    for app in TestApp::each().await {
        let b = app.backend;
        app.member(Role::Admin).await;
        app.person("eva", "Eva Bruni", &[Role::Admin], &[]).await;
        let (ada, eva) = (
            app.token("ada", "test").await,
            app.token("eva", "test").await,
        );
        let path = format!(
            "/plans/{PLAN}/units/{}/objectives/{}/phases/2",
            o.unit, o.label
        );
        for round in 0..5 {
            let version = app.api_json(&ada, &path).await["version"].clone();
            let mine = format!("ada {round}");
            let theirs = format!("eva {round}");
            let ((s1, _), (s2, _)) = tokio::join!(
                put(
                    &app,
                    &ada,
                    &path,
                    json!({"version": version, "description": mine})
                ),
                put(
                    &app,
                    &eva,
                    &path,
                    json!({"version": version, "description": theirs})
                ),
            );
            let mut statuses = [s1, s2];
            statuses.sort_unstable();
            assert_eq!(statuses, [200, 409], "{b}: round {round}");
            let kept = app.api_json(&ada, &path).await["description"].clone();
            let winner = if s1 == 200 { mine } else { theirs };
            assert_eq!(kept, json!(winner), "{b}: round {round}");
        }
        let edits = app
            .audit_log()
            .await
            .into_iter()
            .filter(|e| e.action == "phase.edit")
            .count();
        assert_eq!(edits, 5, "{b}: one entry per kept save");
        app.stop().await;
    }
}
