//! Signing in and staying safe: passwords, sessions that expire, CSRF on every form, the
//! failed-login limits, security headers, API tokens that can be revoked.

use domain::Role;
use web::auth::Settings;

use crate::{PLAN, TestApp, cookie_of, field};

#[tokio::test]
async fn a_person_signs_in_and_out_and_a_wrong_password_is_refused() {
    for app in TestApp::each().await {
        let password = app.person("ada", "Ada Rossi", &[Role::Admin], &[]).await;
        // Wrong password: 401, the form again, no session.
        let r = app.get("/accesso").await;
        let login = cookie_of(&r, "pegaso_login").unwrap();
        let csrf = field(&r.text().await.unwrap(), "csrf").unwrap();
        let refused = app
            .client
            .post(format!("{}/accesso", app.base))
            .header("cookie", format!("pegaso_login={login}"))
            .form(&[
                ("username", "ada"),
                ("password", "sbagliata"),
                ("csrf", &csrf),
            ])
            .send()
            .await
            .unwrap();
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
    let set = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    for flag in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/accesso"] {
        assert!(set.contains(flag), "{set} lacks {flag}");
    }
    let h = r.headers();
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

#[tokio::test]
async fn every_form_needs_its_csrf_token() {
    for app in TestApp::each().await {
        let password = app.person("ada", "Ada Rossi", &[Role::Admin], &[]).await;
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
        let acts = format!("/piani/{PLAN}/atti");
        let forms: Vec<(&str, Vec<(&str, &str)>)> = vec![
            ("/account/token", vec![("name", "x")]),
            (
                "/persone",
                vec![
                    ("username", "eva"),
                    ("name", "Eva"),
                    ("password", "abcdefghijklmno"),
                ],
            ),
            (acts.as_str(), vec![("kind", "validate"), ("from", "draft")]),
            ("/uscita", vec![]),
        ];
        for (path, fields) in &forms {
            for token in [None, Some("0".repeat(64))] {
                let mut all = fields.clone();
                if let Some(t) = &token {
                    all.push(("csrf", t));
                }
                let r = user.post_raw(path, &all).await;
                assert_eq!(r.status(), 403, "{} {path} with {token:?}", app.backend);
            }
        }
        // Nothing happened: no token, no person, the plan still a draft, still signed in.
        assert!(app.store.tokens("ada").await.unwrap().is_empty());
        assert!(app.store.person("eva").await.is_err());
        assert_eq!(
            app.store.plan_state(PLAN).await.unwrap(),
            domain::PlanState::Draft
        );
        assert_eq!(user.get("/account").await.status(), 200);
        app.stop().await;
    }
}

#[tokio::test]
async fn sessions_expire_and_disabled_people_lose_them() {
    for app in TestApp::each().await {
        let password = app.person("ada", "Ada Rossi", &[Role::Admin], &[]).await;
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
        // A disabled account cannot sign in, and its live sessions end.
        let user = app.login("ada", &password).await;
        app.store
            .set_disabled("ada", true, &store::testing::stamp("test"))
            .await
            .unwrap();
        assert_eq!(user.get("/account").await.status(), 401);
        app.stop().await;
    }
}

/// Posts the login form with a fresh CSRF pair.
async fn attempt(app: &TestApp, username: &str, password: &str) -> reqwest::StatusCode {
    let r = app.get("/accesso").await;
    let login = cookie_of(&r, "pegaso_login").unwrap();
    let csrf = field(&r.text().await.unwrap(), "csrf").unwrap();
    app.client
        .post(format!("{}/accesso", app.base))
        .header("cookie", format!("pegaso_login={login}"))
        .form(&[
            ("username", username),
            ("password", password),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn failed_logins_are_limited_per_account_and_per_address() {
    for db in store::testing::fresh_databases().await {
        let settings = Settings {
            cookie_secure: false,
            login_limit_account: 3,
            login_limit_address: 5,
            ..Settings::default()
        };
        let app = TestApp::spawn_with(db, settings).await;
        let password = app.person("ada", "Ada Rossi", &[Role::Admin], &[]).await;
        for _ in 0..3 {
            assert_eq!(attempt(&app, "ada", "sbagliata").await, 401);
        }
        // The account is locked for the window, even with the right password.
        assert_eq!(
            attempt(&app, "ada", &password).await,
            429,
            "{}",
            app.backend
        );
        // Two more failures on other accounts fill the address's allowance.
        assert_eq!(attempt(&app, "nessuno", "x").await, 401);
        assert_eq!(attempt(&app, "altro", "x").await, 401);
        let r = {
            let first = app.get("/accesso").await;
            let login = cookie_of(&first, "pegaso_login").unwrap();
            let csrf = field(&first.text().await.unwrap(), "csrf").unwrap();
            app.client
                .post(format!("{}/accesso", app.base))
                .header("cookie", format!("pegaso_login={login}"))
                .form(&[("username", "terzo"), ("password", "x"), ("csrf", &csrf)])
                .send()
                .await
                .unwrap()
        };
        assert_eq!(r.status(), 429, "{}", app.backend);
        assert_eq!(r.headers()["retry-after"], "900");
        app.stop().await;
    }
}

#[tokio::test]
async fn api_tokens_work_until_revoked() {
    for app in TestApp::each().await {
        let password = app
            .person("nino", "Nino Verdi", &[Role::Evaluator], &[])
            .await;
        let user = app.login("nino", &password).await;
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
