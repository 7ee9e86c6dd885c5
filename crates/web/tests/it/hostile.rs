//! The server as an attacker meets it: writes refused before their bodies are read, sizes,
//! texts and dates held to their limits, connections that send nothing or too slowly closed,
//! password checks that refuse beyond their queue, another administration refused alike
//! everywhere, calendar feeds that no text can break, and links that never echo `Host`.

use std::time::{Duration, Instant};

use domain::{PlanState, Role};
use serde_json::{Value, json};
use store::NewPerson;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use web::ServerLimits;
use web::auth::{HashLimits, Settings};

use crate::{PLAN, TestApp, demo, head_name, objective_of, over_http};

/// Sends `head` (a request line and headers, no body) on a new connection and reads what
/// comes back until the server closes it, for `wait` at most.
async fn only_head(app: &TestApp, head: &str, wait: Duration) -> String {
    let address = app.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(wait, stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// The first objective of the Avvocatura and its head's name without titles.
fn avvocatura() -> (domain::Objective, String) {
    let plan = demo();
    let o = objective_of(&plan, "avvocatura");
    (o.clone(), head_name(plan.unit(&o.unit).unwrap()))
}

/// A SQLite app whose connections have these header, request and idle timeouts.
async fn with_timeouts(header: u64, request: u64, idle: u64) -> TestApp {
    let limits = ServerLimits {
        header_timeout: Duration::from_secs(header),
        request_timeout: Duration::from_secs(request),
        idle_timeout: Duration::from_secs(idle),
        ..ServerLimits::default()
    };
    TestApp::spawn_limited(store::testing::fresh_sqlite(), over_http(), limits).await
}

#[tokio::test]
async fn uploads_are_refused_before_their_body_is_read() {
    let (o, head_name) = avvocatura();
    for app in TestApp::each().await {
        let b = app.backend;
        let password = app.person("capo", &head_name, &[], &[]).await;
        let path = format!(
            "/piani/{PLAN}/obiettivi/{}/{}/fasi/1/allegati",
            o.unit, o.label
        );
        let head = |extra: &str, length: usize| {
            format!(
                "POST {path}{extra} HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; \
                 boundary=x\r\nContent-Length: {length}\r\n"
            )
        };
        let wait = Duration::from_secs(5);
        // A stranger announces 10 MB and sends none of it: the answer comes at once.
        let started = Instant::now();
        let answer = only_head(&app, &format!("{}\r\n", head("", 10 << 20)), wait).await;
        assert!(answer.starts_with("HTTP/1.1 401"), "{b}: {answer}");
        assert!(started.elapsed() < Duration::from_secs(3), "{b}");
        // Signed in, the token must be in the address: checked before the body too.
        let user = app.login("capo", &password).await;
        let cookie = format!("Cookie: {}\r\n\r\n", user.cookie);
        let answer = only_head(
            &app,
            &format!("{}{cookie}", head("?csrf=sbagliato", 1 << 20)),
            wait,
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 403"), "{b}: {answer}");
        // More than a file may be is refused by its declared length alone…
        let good = format!("?csrf={}", user.csrf);
        let answer = only_head(&app, &format!("{}{cookie}", head(&good, 20 << 20)), wait).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{b}: {answer}");
        // …and while drafting the plan's state refuses it, still before the body.
        let answer = only_head(&app, &format!("{}{cookie}", head(&good, 1 << 20)), wait).await;
        assert!(answer.starts_with("HTTP/1.1 409"), "{b}: {answer}");
        app.stop().await;
    }
}

#[tokio::test]
async fn sizes_texts_and_dates_have_their_limits() {
    let (o, head_name) = avvocatura();
    for app in TestApp::each().await {
        let b = app.backend;
        app.person("capo", &head_name, &[], &[]).await;
        app.member(Role::Board).await;
        let head = app.token("capo", "test").await;
        let gina = app.token("gina", "test").await;
        app.act(PlanState::Draft, "validate", PlanState::Validated)
            .await;
        // A board act dated where no plan of 2021 reaches is refused, whatever the API sends.
        for date in ["2099-01-01", "+262142-01-01", "-0001-01-01"] {
            let r = app
                .client
                .post(format!("{}/api/v1/plans/{PLAN}/acts", app.base))
                .bearer_auth(&gina)
                .json(&json!({"kind": "approve", "board_act": {"number": "45", "date": date}}))
                .send()
                .await
                .unwrap();
            assert!(
                [400, 422].contains(&r.status().as_u16()),
                "{b}: {date}: {}",
                r.status()
            );
        }
        app.act(PlanState::Validated, "approve", PlanState::Approved)
            .await;
        app.act(PlanState::Approved, "start", PlanState::InExecution)
            .await;
        let phase = format!(
            "{}/api/v1/plans/{PLAN}/units/{}/objectives/{}/phases/1",
            app.base, o.unit, o.label
        );
        let version = || async {
            let r = app
                .client
                .get(&phase)
                .bearer_auth(&head)
                .send()
                .await
                .unwrap();
            let v: Value = r.json().await.unwrap();
            v["version"].clone()
        };
        let put = |body: Value| {
            let request = app.client.put(&phase).bearer_auth(&head).json(&body);
            async move { request.send().await.unwrap() }
        };
        // A note of 2 MB does not get past the body's limit: a problem, not plain text.
        let r = put(json!({"version": version().await, "note": "x".repeat(2 << 20)})).await;
        assert_eq!(r.status(), 413, "{b}");
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "{b}"
        );
        // Within the body's limit but over the note's, the field is named.
        let r = put(json!({"version": version().await, "note": "x".repeat(2_001)})).await;
        assert_eq!(r.status(), 422, "{b}");
        let problem: Value = r.json().await.unwrap();
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("La nota: al massimo 2.000 caratteri"),
            "{b}: {problem}"
        );
        let r = put(json!({"version": version().await, "note": "x".repeat(2_000)})).await;
        assert_eq!(r.status(), 200, "{b}");
        // Completion dates: only real dates near the plan's year.
        for date in [
            "-0001-01-01",
            "0000-01-01",
            "+262142-01-01",
            "262142-01-01",
            "2099-12-31",
        ] {
            let r = put(json!({"version": version().await, "completed_on": date})).await;
            assert_eq!(r.status(), 422, "{b}: {date}");
        }
        let r = put(json!({"version": version().await, "completed_on": "2021-06-30"})).await;
        assert_eq!(r.status(), 200, "{b}");
        // A chunked body over the limit is cut while it streams, and said as a problem.
        let address = app.base.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).await.unwrap();
        let path = phase.trim_start_matches(&app.base);
        let request = format!(
            "PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {head}\r\n\
             Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let chunk = format!("{:x}\r\n{}\r\n", 32 * 1024, " ".repeat(32 * 1024));
        for _ in 0..4 {
            // The server may stop reading once the limit is passed.
            if stream.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n").await;
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 413"), "{b}: {answer}");
        assert!(
            answer
                .to_lowercase()
                .contains("content-type: application/problem+json"),
            "{b}: {answer}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn another_administration_is_refused_alike_everywhere() {
    let (o, _) = avvocatura();
    for app in TestApp::each().await {
        let b = app.backend;
        app.run_plan().await;
        let new = NewPerson {
            username: domain::Username::parse("zeno").unwrap(),
            name: "Zeno Blu".into(),
            entity: Some("comune-di-roma".into()),
            roles: vec![Role::Admin, Role::Board, Role::Evaluator],
            units: vec![],
            password_hash: Some(web::auth::hash_password("zeno-password-1234").unwrap()),
        };
        app.store
            .add_person(&new, &store::testing::stamp("test"))
            .await
            .unwrap();
        let zeno = app.token("zeno", "test").await;
        let api = format!("{}/api/v1/plans/{PLAN}", app.base);
        let act = app
            .client
            .post(format!("{api}/acts"))
            .bearer_auth(&zeno)
            .json(&json!({"kind": "measure"}))
            .send()
            .await
            .unwrap();
        let phase = app
            .client
            .put(format!(
                "{api}/units/{}/objectives/{}/phases/1",
                o.unit, o.label
            ))
            .bearer_auth(&zeno)
            .json(&json!({"version": 1, "note": "x"}))
            .send()
            .await
            .unwrap();
        let user = app.login("zeno", "zeno-password-1234").await;
        let page = user
            .post(
                &format!("/piani/{PLAN}/obiettivi/{}/{}/fasi/1", o.unit, o.label),
                &[("version", "1"), ("note", "x")],
            )
            .await;
        for (what, r) in [("act", act), ("phase", phase), ("page", page)] {
            assert_eq!(r.status(), 403, "{b}: {what}");
            assert!(
                r.text().await.unwrap().contains("un'altra amministrazione"),
                "{b}: {what}"
            );
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn connections_that_send_nothing_or_too_slowly_are_closed() {
    let app = with_timeouts(1, 1, 2).await;
    let wait = Duration::from_secs(6);
    // Idle, and half a head: closed after the header timeout, with nothing or a 408.
    for head in ["", "GET /healthz HTTP/1.1\r\nHost: x\r\n"] {
        let started = Instant::now();
        let answer = only_head(&app, head, wait).await;
        let took = started.elapsed();
        assert!(took < Duration::from_secs(4), "{head:?}: open for {took:?}");
        assert!(
            took >= Duration::from_millis(900),
            "{head:?}: closed too soon"
        );
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
            "{answer}"
        );
    }
    // A body that stops coming: 408 once the request's time is up.
    let started = Instant::now();
    let answer = only_head(
        &app,
        "POST /accesso HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 1000\r\n\r\nusername=a",
        wait,
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(4));
    // Meanwhile and after, the server answers.
    assert_eq!(app.get("/healthz").await.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn a_connection_on_which_nothing_moves_is_dropped() {
    // Generous header and request times: only the idle timeout can end what follows.
    let app = with_timeouts(30, 30, 1).await;
    // A body that stops after ten bytes.
    let started = Instant::now();
    let answer = only_head(
        &app,
        "POST /accesso HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 1000\r\n\r\nusername=a",
        Duration::from_secs(10),
    )
    .await;
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900),
        "closed too soon: {took:?}"
    );
    assert!(took < Duration::from_secs(5), "open for {took:?}: {answer}");
    assert!(
        !answer.starts_with("HTTP/1.1 408"),
        "the request's time was not up: {answer}"
    );
    assert_eq!(app.get("/healthz").await.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn password_checks_beyond_their_queue_are_told_to_wait() {
    let settings = Settings {
        behind_proxy: true,
        hashing: HashLimits {
            workers: 1,
            queue: 0,
            reserved: 0,
            ..HashLimits::default()
        },
        ..over_http()
    };
    let app = TestApp::spawn_with(store::testing::fresh_sqlite(), settings).await;
    app.member(Role::Admin).await;
    // Twenty forms fetched first, then sent at once, each from its own address.
    let mut forms = Vec::new();
    for _ in 0..20 {
        let form = app.get("/accesso").await;
        let cookie = crate::cookie_of(&form, "pegaso_login").unwrap();
        let csrf = crate::field(&form.text().await.unwrap(), "csrf").unwrap();
        forms.push((cookie, csrf));
    }
    let sent: Vec<_> = forms
        .into_iter()
        .enumerate()
        .map(|(i, (cookie, csrf))| {
            let request = app
                .client
                .post(format!("{}/accesso", app.base))
                .header("cookie", format!("pegaso_login={cookie}"))
                .header("x-forwarded-for", format!("203.0.113.{}", i + 1))
                .form(&[
                    ("username", "ada"),
                    ("password", "sbagliata"),
                    ("csrf", &csrf),
                ]);
            tokio::spawn(async move { request.send().await.unwrap() })
        })
        .collect();
    let mut answers = Vec::new();
    for s in sent {
        answers.push(s.await.unwrap());
    }
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert!(
        statuses.iter().all(|s| [401, 503].contains(s)),
        "{statuses:?}"
    );
    let busy = answers
        .iter()
        .find(|r| r.status() == 503)
        .expect("some attempt finds the queue full");
    assert_eq!(busy.headers()["retry-after"], "5");
    // A refusal for the queue is no guess: it does not count against the address.
    let epoch = chrono::DateTime::from_timestamp(0, 0).unwrap();
    let counted = app
        .store
        .login_failures("account:ada", epoch)
        .await
        .unwrap();
    let refused = statuses.iter().filter(|s| **s == 401).count() as i64;
    assert_eq!(counted, refused, "{statuses:?}");
    app.stop().await;
}

#[tokio::test]
async fn calendar_feeds_hold_whatever_a_plan_says_and_links_ignore_host() {
    for app in TestApp::each().await {
        let b = app.backend;
        // A document can bring any text: a bare carriage return in a phase's description.
        let mut plan = demo();
        let i = plan
            .objectives
            .iter()
            .position(|o| o.unit.as_str() == "avvocatura")
            .unwrap();
        plan.objectives[i].phases[0].description =
            "Prima\rEND:VEVENT\rBEGIN:VEVENT\rSUMMARY:falso".into();
        let findings = domain::validate(&plan);
        app.store
            .save_plan(&plan, &findings, true, &store::testing::stamp("test"))
            .await
            .unwrap();
        app.approve_plan().await;
        let r = app
            .get(&format!("/piani/{PLAN}/calendari/avvocatura.ics"))
            .await;
        assert_eq!(r.status(), 200, "{b}");
        let ics = r.text().await.unwrap();
        for line in ics.split("\r\n") {
            assert!(
                !line.contains('\r') && !line.contains('\n'),
                "{b}: {line:?}"
            );
        }
        assert!(!ics.contains("\r\nSUMMARY:falso"), "{b}");
        let unfolded = ics.replace("\r\n ", "");
        assert!(
            unfolded.contains("Prima\\nEND:VEVENT\\nBEGIN:VEVENT"),
            "{b}: the text, escaped"
        );
        // The feed's address the account page gives names the configured site, not `Host`.
        let user = app.signed_in_as(Role::Admin).await;
        let r = app
            .client
            .post(format!("{}/account/calendario", app.base))
            .header("cookie", &user.cookie)
            .header("host", "evil.example")
            .form(&[("csrf", user.csrf.as_str())])
            .send()
            .await
            .unwrap();
        let page = r.text().await.unwrap();
        assert!(!page.contains("evil.example"), "{b}");
        assert!(page.contains("/calendari/pgs_"), "{b}");
        app.stop().await;
    }
}

#[tokio::test]
async fn papers_are_typeset_a_few_at_a_time_and_the_rest_told_to_come_back() {
    // One paper at a time, and no waiting for a turn: of four asked at once, the first is
    // made and the others are told to try again shortly.
    let limits = ServerLimits {
        papers: 1,
        upload_wait: Duration::ZERO,
        ..ServerLimits::default()
    };
    let app = TestApp::spawn_limited(store::testing::fresh_sqlite(), over_http(), limits).await;
    app.approve_plan().await;
    let url = format!("{}/piani/{PLAN}/documenti/piano.pdf", app.base);
    let ask = || app.client.get(&url).send();
    let (a, b, c, d) = tokio::join!(ask(), ask(), ask(), ask());
    let answers = [a, b, c, d].map(Result::unwrap);
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert!(statuses.contains(&200), "{statuses:?}");
    assert!(statuses.contains(&503), "{statuses:?}");
    for r in answers.iter().filter(|r| r.status() == 503) {
        assert!(r.headers().contains_key("retry-after"));
    }
    // Once they are done, the next one is made.
    assert_eq!(
        app.get(&format!("/piani/{PLAN}/documenti/piano.pdf"))
            .await
            .status(),
        200
    );
    app.stop().await;
}
