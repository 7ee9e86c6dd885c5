//! Signing in and staying safe: passwords, sessions that expire, CSRF on every form, the
//! failed-login limits, security headers, API tokens that can be revoked.

use domain::Role;
use web::auth::{Settings, Throttle};

use crate::{PLAN, PLAN_ID, TestApp, cookie_of, over_http};

#[tokio::test]
async fn a_person_signs_in_and_out_and_a_wrong_password_is_refused() {
    for app in TestApp::each().await {
        let password = app.member(Role::Admin).await;
        // Wrong password: 401, the form again, no session.
        let refused = app
            .login_form(&[("username", "ada"), ("password", "sbagliata")], None)
            .await;
        assert_eq!(refused.status(), 401, "{}", app.backend);
        assert!(cookie_of(&refused, "pegaso_session").is_none());
        assert!(refused.text().await.unwrap().contains("non corretti"));
        // Right password: a session; the account page names the person.
        let user = app.login("ada", &password).await;
        let account = user.get("/account").await;
        assert_eq!(account.status(), 200);
        assert_eq!(account.headers()["cache-control"], "no-store");
        assert!(account.text().await.unwrap().contains("<h1>Ada Rossi</h1>"));
        // Signing out ends the session on the server: the old cookie no longer works.
        assert_eq!(user.post("/uscita", &[]).await.status(), 303);
        assert_eq!(user.get("/account").await.status(), 401);
        app.stop().await;
    }
}

#[tokio::test]
async fn cookies_carry_their_flags_and_pages_their_security_headers() {
    let db = store::testing::fresh_sqlite();
    let app = TestApp::spawn_with(db, Settings::default()).await;
    let r = app.get("/accesso").await;
    let set = crate::header(&r, "set-cookie").to_owned();
    for flag in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/accesso"] {
        assert!(set.contains(flag), "{set} lacks {flag}");
    }
    let h = r.headers().clone();
    // The session cookie too, once signed in.
    let password = app.member(Role::Admin).await;
    let signed = app
        .login_form(
            &[("username", "ada"), ("password", password.as_str())],
            None,
        )
        .await;
    assert_eq!(signed.status(), 303);
    let session = signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("pegaso_session="))
        .unwrap();
    for flag in [
        "HttpOnly",
        "SameSite=Lax",
        "Secure",
        "Path=/",
        "Max-Age=43200",
    ] {
        assert!(session.contains(flag), "{session} lacks {flag}");
    }
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert!(h.contains_key("strict-transport-security"));
    // The API answers carry them too.
    let api = app.get("/api/v1/plans").await;
    assert!(api.headers().contains_key("content-security-policy"));
    app.stop().await;
}

/// The tokens of the forms in `html`.
fn form_tokens(html: &str) -> Vec<&str> {
    html.split("name=\"csrf\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[tokio::test]
async fn the_forms_of_a_card_carry_the_token_of_the_session_reading_it() {
    let plan = crate::demo();
    let (unit, o) = crate::headed_unit(&plan);
    let card = format!("/piani/{PLAN}/obiettivi/{}/{}", o.unit, o.label);
    for app in TestApp::each().await {
        let b = app.backend;
        app.run_plan().await;
        let first = app
            .signed_in("capo", &crate::head_name(unit), &[], &[])
            .await;
        // The same person in another browser: the same edits open, another token.
        let second = app.login("capo", "capo-password-1234").await;
        assert_ne!(first.csrf, second.csrf, "{b}");
        for user in [&first, &second, &first] {
            let html = user.text(&card).await;
            let tokens = form_tokens(&html);
            assert!(!tokens.is_empty(), "{b}: the head's card has forms");
            assert!(tokens.iter().all(|t| *t == user.csrf), "{b}: {tokens:?}");
        }
        // A form read from the card is accepted with the token it carried.
        let html = second.text(&card).await;
        let what = format!("scadenza-{}", o.phases[0].label);
        let ask = [
            ("csrf", form_tokens(&html)[0]),
            ("what", what.as_str()),
            ("value", "30/11/2021"),
            ("reason", "Dati regionali in ritardo"),
        ];
        let r = second.post_raw(&format!("{card}/richieste"), &ask).await;
        assert_eq!(r.status(), 303, "{b}");
        app.stop().await;
    }
}

#[tokio::test]
async fn every_form_needs_its_csrf_token() {
    for app in TestApp::each().await {
        let password = app.member(Role::Admin).await;
        // The login form without its double-submit cookie is refused.
        let r = app
            .client
            .post(format!("{}/accesso", app.base))
            .form(&[
                ("username", "ada"),
                ("password", password.as_str()),
                ("csrf", "x"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{}", app.backend);
        assert!(cookie_of(&r, "pegaso_session").is_none());
        let user = app.login("ada", &password).await;
        let spare = app.spare_token("ada").await;
        let o = crate::demo().objectives.into_iter().next().unwrap();
        // Every form of the site: each POST route of the table, but sign-in (checked above).
        let posts: Vec<&str> = web::route_table()
            .into_iter()
            .filter(|(m, p)| {
                *m == axum::http::Method::POST && !p.starts_with("/api/") && *p != "/accesso"
            })
            .map(|(_, p)| p)
            .collect();
        assert!(posts.len() >= 7, "{posts:?}");
        for pattern in posts {
            let path = pattern
                .replace("{plan}", PLAN)
                .replace("{unit}", o.unit.as_str())
                .replace("{label}", o.label.as_str())
                .replace("{n}", "1")
                .replace("{username}", "ada")
                .replace("{id}", &spare.to_string());
            // Fields that would be accepted with the right token.
            let fields: Vec<(&str, &str)> = match pattern {
                "/account/token" => vec![("name", "x")],
                "/persone" => vec![
                    ("username", "eva"),
                    ("name", "Eva"),
                    ("password", "abcdefghijklmno"),
                ],
                "/persone/{username}/stato" => vec![("disabled", "false")],
                p if p.ends_with("/atti") => vec![("kind", "validate"), ("from", "draft")],
                p if p.ends_with("/fasi/{n}") => {
                    vec![("version", "1"), ("description", "cambiata")]
                }
                _ => vec![],
            };
            for token in [None, Some("0".repeat(64))] {
                let mut all = fields.clone();
                if let Some(t) = &token {
                    all.push(("csrf", t));
                }
                let r = user.post_raw(&path, &all).await;
                assert_eq!(r.status(), 403, "{} {path} with {token:?}", app.backend);
            }
        }
        assert!(
            app.store
                .tokens("ada")
                .await
                .unwrap()
                .iter()
                .all(|t| t.revoked_at.is_none())
        );
        assert_ne!(
            app.store
                .phase_fields(store::PhaseKey {
                    plan: &PLAN_ID,
                    unit: o.unit.as_str(),
                    objective: o.label.as_str(),
                    position: 1,
                })
                .await
                .unwrap()
                .1
                .description,
            "cambiata"
        );
        // Nothing happened: no new token, no person, the plan still a draft, still signed in.
        assert_eq!(app.store.tokens("ada").await.unwrap().len(), 1);
        assert!(app.store.person("eva").await.is_err());
        assert_eq!(
            app.store.plan_state(&PLAN_ID).await.unwrap(),
            domain::PlanState::Draft
        );
        assert_eq!(user.get("/account").await.status(), 200);
        app.stop().await;
    }
}

#[tokio::test]
async fn sessions_expire_and_disabled_people_lose_them() {
    for app in TestApp::each().await {
        let password = app.member(Role::Admin).await;
        let user = app.login("ada", &password).await;
        assert_eq!(user.get("/account").await.status(), 200);
        // The session's deadline passes (as if idle for longer than allowed).
        app.store
            .execute_raw("UPDATE session SET expires_at = '2000-01-01T00:00:00Z'")
            .await
            .unwrap();
        let r = user.get("/account").await;
        assert_eq!(r.status(), 401, "{}", app.backend);
        assert!(r.text().await.unwrap().contains("Accesso richiesto"));
        // However active, a session ends some hours after sign-in (session_max).
        let user = app.login("ada", &password).await;
        app.store
            .execute_raw("UPDATE session SET created_at = '2000-01-01T00:00:00Z'")
            .await
            .unwrap();
        assert_eq!(user.get("/account").await.status(), 401, "{}", app.backend);
        // A disabled account cannot sign in, and its live sessions end: disabled by another
        // process (the command line), at its very next request.
        let user = app.login("ada", &password).await;
        assert_eq!(user.get("/account").await.status(), 200);
        let other = app.another_process().await;
        other
            .set_disabled("ada", true, &store::testing::stamp("test"))
            .await
            .unwrap();
        other.close().await;
        assert_eq!(user.get("/account").await.status(), 401, "{}", app.backend);
        app.stop().await;
    }
}

/// Posts the login form with a fresh CSRF pair.
async fn attempt(app: &TestApp, username: &str, password: &str) -> reqwest::StatusCode {
    app.login_form(&[("username", username), ("password", password)], None)
        .await
        .status()
}

#[tokio::test]
async fn failed_logins_are_limited_per_account_and_per_address() {
    for db in store::testing::fresh_databases().await {
        let settings = Settings {
            throttle: Throttle {
                per_pair: 3,
                per_address: 5,
                ..Throttle::default()
            },
            ..over_http()
        };
        let app = TestApp::spawn_with(db, settings).await;
        let password = app.member(Role::Admin).await;
        for _ in 0..3 {
            assert_eq!(attempt(&app, "ada", "sbagliata").await, 401);
        }
        // The account is locked for this address for the window, even with the right password.
        assert_eq!(
            attempt(&app, "ada", &password).await,
            429,
            "{}",
            app.backend
        );
        // Knocking while locked does not extend the lock: the account still has 3 failures.
        let epoch = chrono::DateTime::from_timestamp(0, 0).unwrap();
        assert_eq!(
            app.store
                .login_failures("account:ada", epoch)
                .await
                .unwrap(),
            3
        );
        // Failed guesses count for the address too, whatever the account (the refused one
        // above does not: it was no guess): the fifth passes, the sixth does not.
        assert_eq!(attempt(&app, "nessuno", "x").await, 401);
        assert_eq!(attempt(&app, "altro", "x").await, 401);
        let r = app
            .login_form(&[("username", "terzo"), ("password", "x")], None)
            .await;
        assert_eq!(r.status(), 429, "{}", app.backend);
        assert_eq!(r.headers()["retry-after"], "900");
        app.stop().await;
    }
}

#[tokio::test]
async fn api_tokens_work_until_revoked() {
    for app in TestApp::each().await {
        let user = app.signed_in_as(Role::Evaluator).await;
        let page = user.post("/account/token", &[("name", "cruscotto")]).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        let start = html.find("pgs_").unwrap();
        let token = html[start..start + 68].to_owned();
        let me = |t: String| {
            let client = app.client.clone();
            let url = format!("{}/api/v1/me", app.base);
            async move { client.get(url).bearer_auth(t).send().await.unwrap() }
        };
        let r = me(token.clone()).await;
        assert_eq!(r.status(), 200, "{}", app.backend);
        assert_eq!(
            r.json::<serde_json::Value>().await.unwrap()["roles"],
            serde_json::json!(["evaluator"])
        );
        // The draft plan is readable with the token, not without.
        let plan = format!("{}/api/v1/plans/{PLAN}", app.base);
        assert_eq!(
            app.client
                .get(&plan)
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        assert_eq!(app.client.get(&plan).send().await.unwrap().status(), 404);
        // Revoked from the account page: refused at once.
        let id = app.store.tokens("nino").await.unwrap()[0].id;
        assert_eq!(
            user.post(&format!("/account/token/{id}/revoca"), &[])
                .await
                .status(),
            303
        );
        let r = me(token.clone()).await;
        assert_eq!(r.status(), 401);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        assert_eq!(me("pgs_nonsense".into()).await.status(), 401);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_admin_creates_and_disables_people_through_the_pages() {
    let plan = crate::demo();
    // A head whose period ends during the year: the account page says until when.
    let unit = plan.units.iter().find(|u| u.heads.len() > 1).unwrap();
    let first = &unit.heads[0];
    let name: Vec<&str> = first
        .name
        .split_whitespace()
        .filter(|w| !w.contains('.'))
        .collect();
    let name = name.join(" ");
    for app in TestApp::each().await {
        let b = app.backend;
        let password = app.member(Role::Admin).await;
        let admin = app.login("ada", &password).await;
        let form = admin.get("/persone").await;
        assert_eq!(form.status(), 200, "{b}");
        // Two roles (the form repeats the field) and a unit membership.
        let r = admin
            .post(
                "/persone",
                &[
                    ("username", "revisore"),
                    ("name", "Rita Revi"),
                    ("roles", "auditor"),
                    ("roles", "evaluator"),
                    ("units", "avvocatura, ufficio-stampa"),
                    ("entity", "citta-di-alessandria"),
                    ("password", "una-password-lunga"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303, "{b}");
        let rita = app.store.person("revisore").await.unwrap();
        assert_eq!(
            rita.roles,
            [Role::Auditor, Role::Evaluator],
            "{b}: in the order sent"
        );
        let units: Vec<&str> = rita.units.iter().map(|u| u.as_str()).collect();
        assert_eq!(units, ["avvocatura", "ufficio-stampa"]);
        // An installation-wide administrator chose the administration; an unknown one is refused.
        assert_eq!(rita.entity.as_deref(), Some("citta-di-alessandria"));
        let r = admin
            .post(
                "/persone",
                &[
                    ("username", "ugo"),
                    ("name", "Ugo"),
                    ("password", "una-password-lunga"),
                    ("entity", "nessuna"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422, "{b}");
        // The same username again, or a short password: refused with the reason, nothing made.
        for (username, pw, says) in [
            ("revisore", "una-password-lunga", "già in uso"),
            ("altro", "corta", "almeno 12 caratteri"),
        ] {
            let r = admin
                .post(
                    "/persone",
                    &[("username", username), ("name", "X Y"), ("password", pw)],
                )
                .await;
            assert_eq!(r.status(), 422, "{b} {username}");
            assert!(r.text().await.unwrap().contains(says), "{says}");
        }
        assert!(app.store.person("altro").await.is_err());
        // The new person signs in and reads the audit log, whose chain holds.
        let rita = app.login("revisore", "una-password-lunga").await;
        let log = rita.text("/registro").await;
        assert!(log.contains("La catena del registro è integra"), "{b}");
        assert!(log.contains("persona aggiunta"));
        let csv = rita.get("/registro.csv").await;
        assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
        assert!(
            csv.text()
                .await
                .unwrap()
                .starts_with("seq,at,actor,action,subject,plan,before,after,prev_hash,hash\n")
        );
        // Disabled by the admin: the session ends, signing in is refused.
        let r = admin
            .post("/persone/revisore/stato", &[("disabled", "true")])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(rita.get("/registro").await.status(), 401, "{b}");
        let r = admin
            .post("/persone/ada/stato", &[("disabled", "true")])
            .await;
        assert_eq!(r.status(), 422, "no one disables themselves");
        // A head sees the units the plan gives them, with the period that is theirs.
        let head = app.signed_in("capo", &name, &[], &[]).await;
        let account = head.text("/account").await;
        let until = domain::messages::date(first.until.unwrap());
        assert!(
            account.contains(&format!("fino al {until}")),
            "{b}: {account}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_audit_page_says_where_the_chain_breaks() {
    for app in TestApp::each().await {
        let aldo = app.signed_in_as(Role::Auditor).await;
        let lift = match app.store.backend() {
            store::Backend::Sqlite => "DROP TRIGGER audit_entry_no_update",
            store::Backend::Postgres => {
                "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change"
            }
        };
        app.store.execute_raw(lift).await.unwrap();
        app.store
            .execute_raw("UPDATE audit_entry SET after = '{}' WHERE seq = 1")
            .await
            .unwrap();
        let page = aldo.text("/registro").await;
        assert!(
            page.contains("La catena del registro è interrotta"),
            "{}",
            app.backend
        );
        assert!(page.contains("voce 1: il contenuto non corrisponde alla sua impronta"));
        app.stop().await;
    }
}

#[tokio::test]
async fn after_sign_in_only_paths_of_this_site_are_followed() {
    let app = TestApp::spawn(store::testing::fresh_sqlite()).await;
    let password = app.member(Role::Admin).await;
    for (dopo, expected) in [
        ("/piani/x?y=1", "/piani/x?y=1"),
        ("//evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("", "/"),
    ] {
        let r = app
            .login_form(
                &[
                    ("username", "ada"),
                    ("password", password.as_str()),
                    ("dopo", dopo),
                ],
                None,
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], expected, "{dopo:?}");
    }
    app.stop().await;
}

#[tokio::test]
async fn people_of_another_administration_see_and_manage_nothing_here() {
    for app in TestApp::each().await {
        let b = app.backend;
        // Ours: an administrator of this plan's administration, with people and history.
        let stamp = store::testing::stamp("test");
        let entity = PLAN.rsplit_once('-').unwrap().0;
        for (username, entity, roles) in [
            ("ada", Some(entity), vec![Role::Admin, Role::Auditor]),
            (
                "zeno",
                Some("comune-di-altrove"),
                vec![Role::Admin, Role::Auditor, Role::Board],
            ),
        ] {
            let new = store::NewPerson {
                username: domain::Username::parse(username).unwrap(),
                name: format!("{username} Rossi"),
                entity: entity.map(str::to_string),
                roles,
                units: vec![],
                password_hash: Some(web::auth::hash_password("una-password-lunga").unwrap()),
            };
            app.store.add_person(&new, &stamp).await.unwrap();
        }
        let ada = app.login("ada", "una-password-lunga").await;
        let zeno = app.login("zeno", "una-password-lunga").await;
        let zeno_token = app.token("zeno", "t").await;
        // Our draft does not exist for them; our people are not theirs to see or disable.
        assert_eq!(
            zeno.get(&format!("/piani/{PLAN}")).await.status(),
            404,
            "{b}"
        );
        assert_eq!(
            ada.get(&format!("/piani/{PLAN}")).await.status(),
            200,
            "{b}"
        );
        let people = zeno.text("/persone").await;
        assert!(
            !people.contains("ada Rossi") && people.contains("zeno Rossi"),
            "{b}"
        );
        let r = zeno
            .post("/persone/ada/stato", &[("disabled", "true")])
            .await;
        assert_eq!(r.status(), 404, "{b}");
        assert!(!app.store.person("ada").await.unwrap().disabled);
        // Their audit log holds their own entries, not ours.
        let log = zeno
            .get("/registro.json")
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap();
        let subjects = store::testing::strings(&log, "/subject");
        assert!(
            subjects.iter().all(|s| *s == "person/zeno"),
            "{b}: {subjects:?}"
        );
        let api = app
            .client
            .get(format!("{}/api/v1/audit?plan={PLAN}", app.base))
            .bearer_auth(&zeno_token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            api.json::<serde_json::Value>().await.unwrap(),
            serde_json::json!([]),
            "{b}"
        );
        let ours = ada
            .get("/registro.json")
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap();
        assert!(
            ours.as_array().unwrap().iter().any(|e| e["plan"] == PLAN),
            "{b}"
        );
        // Once approved the plan is public, to them too, but its acts are not theirs.
        app.act(
            domain::PlanState::Draft,
            "validate",
            domain::PlanState::Validated,
        )
        .await;
        app.act(
            domain::PlanState::Validated,
            "approve",
            domain::PlanState::Approved,
        )
        .await;
        let acts = format!("/piani/{PLAN}/atti");
        let r = zeno
            .post(&acts, &[("kind", "start"), ("from", "approved")])
            .await;
        assert_eq!(r.status(), 403, "{b}");
        assert!(r.text().await.unwrap().contains("un'altra amministrazione"));
        app.stop().await;
    }
}

/// Sign-in settings behind a proxy that forwards the client's address, with this throttle.
fn behind_a_proxy(throttle: Throttle) -> Settings {
    Settings {
        behind_proxy: true,
        throttle,
        ..over_http()
    }
}

#[tokio::test]
async fn strangers_cannot_lock_a_person_out() {
    let settings = behind_a_proxy(Throttle {
        slow_by: chrono::Duration::milliseconds(300),
        ..Throttle::default()
    });
    for db in store::testing::fresh_databases().await {
        let app = TestApp::spawn_with(db, settings.clone()).await;
        let b = app.backend;
        let password = app.member(Role::Admin).await;
        let try_from =
            |user: &'static str, pw: String, address: &'static str, device: Option<String>| {
                let app = &app;
                async move {
                    app.login_form_from(
                        &[("username", user), ("password", &pw)],
                        Some(address),
                        device.as_deref(),
                    )
                    .await
                }
            };
        // Six anonymous failures from one address: that address is held back for the account…
        for i in 0..5 {
            let r = try_from("ada", "sbagliata".into(), "203.0.113.1", None).await;
            assert_eq!(r.status(), 401, "{b}: failure {i}");
        }
        let r = try_from("ada", password.clone(), "203.0.113.1", None).await;
        assert_eq!(r.status(), 429, "{b}: the stranger's address is locked");
        // …but the person, from elsewhere, signs in; their browser is now trusted.
        let r = try_from("ADA", password.clone(), "198.51.100.7", None).await;
        assert_eq!(
            r.status(),
            303,
            "{b}: another address is not locked, whatever the case"
        );
        let name = web::auth::device_cookie("ada");
        let secret = cookie_of(&r, &name).expect("a trusted-browser cookie for this account");
        let device = format!("{name}={secret}");
        // Someone else signing in on the same browser gets a cookie of their own.
        let bea = app.person("bea", "Bea Neri", &[], &[]).await;
        let r = try_from("bea", bea, "198.51.100.7", Some(device.clone())).await;
        assert_eq!(r.status(), 303, "{b}");
        let other = web::auth::device_cookie("bea");
        assert_ne!(other, name, "{b}");
        assert!(
            cookie_of(&r, &other).is_some() && cookie_of(&r, &name).is_none(),
            "{b}"
        );
        // Strangers fail from twelve more addresses: the account is slowed, never locked.
        let addresses = [
            "203.0.113.10",
            "203.0.113.11",
            "203.0.113.12",
            "203.0.113.13",
            "203.0.113.14",
            "203.0.113.15",
            "203.0.113.16",
            "203.0.113.17",
            "203.0.113.18",
            "203.0.113.19",
            "203.0.113.20",
            "203.0.113.21",
        ];
        for a in addresses {
            let r = try_from("ada", "sbagliata".into(), a, None).await;
            assert_eq!(r.status(), 401, "{b}: {a}");
        }
        let started = std::time::Instant::now();
        let r = try_from("ada", password.clone(), "198.51.100.8", None).await;
        assert_eq!(r.status(), 303, "{b}: a new browser still gets in");
        assert!(
            started.elapsed() >= std::time::Duration::from_millis(300),
            "{b}: slowed"
        );
        // The trusted browser gets in even from the locked address.
        let r = try_from("ada", password.clone(), "203.0.113.1", Some(device.clone())).await;
        assert_eq!(r.status(), 303, "{b}: the trusted browser is not held back");
        // A trusted browser answers for its own failures: five, and it is trusted no more.
        for _ in 0..5 {
            let r = try_from(
                "ada",
                "sbagliata".into(),
                "198.51.100.9",
                Some(device.clone()),
            )
            .await;
            assert_eq!(r.status(), 401, "{b}");
        }
        let r = try_from(
            "ada",
            password.clone(),
            "198.51.100.9",
            Some(device.clone()),
        )
        .await;
        assert_eq!(
            r.status(),
            429,
            "{b}: too many failures through the browser"
        );
        let hash = web::auth::secret_hash(&secret);
        let now = web::now();
        assert!(
            !app.store.device_trusted(&hash, "ada", now).await.unwrap(),
            "{b}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn behind_a_proxy_the_limit_counts_the_forwarded_address() {
    let settings = behind_a_proxy(Throttle {
        per_pair: 100,
        per_address: 2,
        ..Throttle::default()
    });
    let app = TestApp::spawn_with(store::testing::fresh_sqlite(), settings).await;
    let knock = |forwarded: &'static str| {
        let app = &app;
        async move {
            app.login_form(&[("username", "x"), ("password", "x")], Some(forwarded))
                .await
                .status()
        }
    };
    assert_eq!(knock("203.0.113.1").await, 401);
    assert_eq!(knock("203.0.113.1").await, 401);
    assert_eq!(knock("203.0.113.1").await, 429);
    // Another client behind the same proxy is not locked out with the first.
    assert_eq!(knock("203.0.113.2").await, 401);
    app.stop().await;
}
