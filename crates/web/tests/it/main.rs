//! The real server on a random port against a fresh database: SQLite always, PostgreSQL when
//! `PEGASO_TEST_DATABASE_URL` is set; a real headless Chromium when `PEGASO_BROWSER_TESTS` is;
//! the router in-process, without a socket, for the pages' snapshots (`fragments`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod access;
mod api;
mod browser;
mod changes;
mod drafting;
mod evaluation;
mod fragments;
mod hostile;
mod lifecycle;
mod matrix;
mod monitoring;
mod newplan;
mod openapi;
mod opendata;
mod pages;
mod papers;
mod relazione;
mod rollover;

use domain::{Plan, PlanState, Role, UnitId};
use store::testing::{TestDatabase, fresh_databases, stamp};
use store::{NewPerson, Store};
use tokio::sync::oneshot;

/// A running server and the database behind it.
#[allow(missing_debug_implementations)]
pub struct TestApp {
    pub base: String,
    pub backend: &'static str,
    pub store: Store,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _db: TestDatabase,
}

impl TestApp {
    /// Starts the application on 127.0.0.1:0 with the demo plan loaded, as `pegaso serve` does.
    pub async fn spawn(db: TestDatabase) -> TestApp {
        Self::spawn_with(db, over_http()).await
    }

    /// The application's database opened anew, as the command line opens it beside a running
    /// server: its own connections (and, on a SQLite file, its own watch of the file).
    pub async fn another_process(&self) -> Store {
        Store::open(&self._db.url).await.unwrap()
    }

    /// Starts the application with these sign-in settings.
    pub async fn spawn_with(db: TestDatabase, settings: web::auth::Settings) -> TestApp {
        Self::spawn_limited(db, settings, web::ServerLimits::default()).await
    }

    /// Starts the application with these settings and these limits on its connections.
    pub async fn spawn_limited(
        db: TestDatabase,
        settings: web::auth::Settings,
        limits: web::ServerLimits,
    ) -> TestApp {
        let store = Store::open(&db.url).await.unwrap();
        web::load_demo_plan(&store)
            .await
            .unwrap()
            .expect("an empty database");
        // Bound before the server starts: requests wait in the backlog, nothing sleeps.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let state = web::AppState::new(store.clone())
            .with_settings(settings)
            .with_limits(limits);
        let task = tokio::spawn(web::serve(listener, state, async {
            stopped.await.ok();
        }));
        TestApp {
            base,
            backend: db.backend,
            store,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            stop: Some(stop),
            task: Some(task),
            _db: db,
        }
    }

    /// One app per database the environment offers.
    pub async fn each() -> Vec<TestApp> {
        let mut apps = Vec::new();
        for db in fresh_databases().await {
            apps.push(TestApp::spawn(db).await);
        }
        apps
    }

    /// One app per database, with the demo plan validated and approved: public.
    pub async fn each_approved() -> Vec<TestApp> {
        let apps = Self::each().await;
        for app in &apps {
            app.approve_plan().await;
        }
        apps
    }

    /// Records an act directly in the store (the server reads it on the next request).
    pub async fn act(&self, from: PlanState, kind: &str, to: PlanState) {
        let details = serde_json::json!({
            "reason": null,
            "board_act": (kind == "approve").then(|| serde_json::json!({"number": "12", "date": "2021-03-01"})),
        });
        self.store
            .record_act(
                &PLAN_ID,
                domain::ActKind::parse(kind).unwrap(),
                from,
                to,
                details,
                &stamp("test"),
            )
            .await
            .unwrap();
    }

    /// Records the year's Relazione as approved by the Giunta and validated by the Nucleo
    /// directly in the store (the gate of the premia; its pages are tested on their own).
    pub async fn validate_relazione(&self) {
        use domain::relazione::{Answer, CRITERIA, Criterion};
        let (r, seen) = self.store.relazione(&PLAN_ID).await.unwrap();
        let day: chrono::NaiveDate = "2022-06-01".parse().unwrap();
        let all_yes = CRITERIA
            .iter()
            .map(|(key, _)| Criterion {
                key: (*key).into(),
                answer: Answer::Si,
                note: String::new(),
            })
            .collect();
        let validated = r
            .approve(&[], "Delibera G.C. n. 80", day)
            .unwrap()
            .validate(all_yes, true, "", "Verbale n. 1", day)
            .unwrap();
        self.store
            .write_relazione(
                &PLAN_ID,
                &validated,
                seen,
                (
                    domain::audit::AuditAction::RelazioneValidate,
                    serde_json::json!({}),
                ),
                &stamp("test"),
            )
            .await
            .unwrap();
    }

    /// Creates an account with a known password; returns the password.
    pub async fn person(
        &self,
        username: &str,
        name: &str,
        roles: &[Role],
        units: &[&str],
    ) -> String {
        let password = format!("{username}-password-1234");
        let new = NewPerson {
            username: domain::Username::parse(username).unwrap(),
            name: name.into(),
            entity: None,
            roles: roles.to_vec(),
            units: units.iter().map(|u| UnitId::parse(*u).unwrap()).collect(),
            password_hash: Some(web::auth::hash_password(&password).unwrap()),
        };
        self.store.add_person(&new, &stamp("test")).await.unwrap();
        password
    }

    /// Posts the login form as a browser would: it fetches the form first, for its
    /// double-submit cookie and token, then sends `fields` with them (and, as a proxy would,
    /// an `X-Forwarded-For` ending with `forwarded`).
    pub async fn login_form(
        &self,
        fields: &[(&str, &str)],
        forwarded: Option<&str>,
    ) -> reqwest::Response {
        self.login_form_from(fields, forwarded, None).await
    }

    /// `login_form` from a browser that holds this trusted-browser cookie (`name=value`).
    pub async fn login_form_from(
        &self,
        fields: &[(&str, &str)],
        forwarded: Option<&str>,
        device: Option<&str>,
    ) -> reqwest::Response {
        let form = self.get("/accesso").await;
        let cookie = cookie_of(&form, "pegaso_login").expect("login cookie");
        let csrf = field(&form.text().await.unwrap(), "csrf").expect("csrf field");
        let mut all = fields.to_vec();
        all.push(("csrf", &csrf));
        let cookies = match device {
            Some(d) => format!("pegaso_login={cookie}; {d}"),
            None => format!("pegaso_login={cookie}"),
        };
        let mut request = self
            .client
            .post(format!("{}/accesso", self.base))
            .header("cookie", cookies)
            .form(&all);
        if let Some(address) = forwarded {
            // What the client wrote comes first; the proxy adds the address it saw last.
            request = request.header("x-forwarded-for", format!("10.9.9.9, {address}"));
        }
        request.send().await.unwrap()
    }

    /// Signs in through the login form, as a browser would.
    pub async fn login(&self, username: &str, password: &str) -> User {
        let r = self
            .login_form(
                &[
                    ("username", username),
                    ("password", password),
                    ("dopo", "/account"),
                ],
                None,
            )
            .await;
        assert_eq!(r.status(), 303, "{} login of {username}", self.backend);
        let session = cookie_of(&r, "pegaso_session").expect("session cookie");
        let mut user = User {
            base: self.base.clone(),
            client: self.client.clone(),
            cookie: format!("pegaso_session={session}"),
            csrf: String::new(),
        };
        let account = user.text("/account").await;
        user.csrf = field(&account, "csrf").expect("session csrf");
        user
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// The body of the answer at `path`, whatever its status.
    pub async fn text(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    /// The answer at `path`, read as JSON.
    pub async fn json(&self, path: &str) -> serde_json::Value {
        self.get(path).await.json().await.unwrap()
    }

    /// What `/api/v1{path}` answers this token's owner, which must be 200 with JSON.
    pub async fn api_json(&self, token: &str, path: &str) -> serde_json::Value {
        let r = self
            .client
            .get(format!("{}/api/v1{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{} {path}", self.backend);
        r.json().await.unwrap()
    }

    /// Creates the account `cast` gives `role`, with that role only; returns its password.
    pub async fn member(&self, role: Role) -> String {
        let (username, name) = cast(role);
        self.person(username, name, &[role], &[]).await
    }

    /// Creates the account `cast` gives `role`, with that role only, and signs it in.
    pub async fn signed_in_as(&self, role: Role) -> User {
        let (username, name) = cast(role);
        self.signed_in(username, name, &[role], &[]).await
    }

    /// The planning office of the plan's administration (an `admin` of its entity, not of the
    /// whole installation), signed in.
    pub async fn planning_office(&self) -> User {
        let password = "ufficio-password-1234";
        self.store
            .add_person(
                &NewPerson {
                    username: domain::Username::parse("ufficio").unwrap(),
                    name: "Ufficio Programmazione".into(),
                    entity: Some(PLAN_ID.entity().into()),
                    roles: vec![Role::Admin],
                    units: vec![],
                    password_hash: Some(web::auth::hash_password(password).unwrap()),
                },
                &stamp("test"),
            )
            .await
            .unwrap();
        self.login("ufficio", password).await
    }

    /// Creates an account with a known password and signs it in.
    pub async fn signed_in(
        &self,
        username: &str,
        name: &str,
        roles: &[Role],
        units: &[&str],
    ) -> User {
        let password = self.person(username, name, roles, units).await;
        self.login(username, &password).await
    }

    /// An API token for `username`, made as the account page makes them, named `name`.
    pub async fn token(&self, username: &str, name: &str) -> String {
        self.add_token(username, name).await.0
    }

    /// The number of a new token of `username`'s named `spare`, there to be revoked.
    pub async fn spare_token(&self, username: &str) -> i64 {
        self.add_token(username, "spare").await.1
    }

    /// A new token and its number.
    async fn add_token(&self, username: &str, name: &str) -> (String, i64) {
        let token = web::auth::new_token().unwrap();
        let id = self
            .store
            .add_token(
                username,
                name,
                &web::auth::secret_hash(&token),
                &stamp("test"),
            )
            .await
            .unwrap();
        (token, id)
    }

    /// Takes the demo plan from its draft through validation to approval.
    pub async fn approve_plan(&self) {
        self.act(PlanState::Draft, "validate", PlanState::Validated)
            .await;
        self.act(PlanState::Validated, "approve", PlanState::Approved)
            .await;
    }

    /// Takes the demo plan from its draft through validation and approval to running.
    pub async fn run_plan(&self) {
        self.approve_plan().await;
        self.act(PlanState::Approved, "start", PlanState::InExecution)
            .await;
    }

    /// The whole audit log.
    pub async fn audit_log(&self) -> Vec<domain::audit::Entry> {
        self.store
            .audit_log(&store::AuditFilter::default())
            .await
            .unwrap()
    }

    /// Asserts that each of `actions` is in the audit log and that the log's chain holds.
    pub async fn assert_audited(&self, actions: &[&str]) -> Vec<domain::audit::Entry> {
        let b = self.backend;
        let log = self.audit_log().await;
        for action in actions {
            assert!(log.iter().any(|e| e.action == *action), "{b}: {action}");
        }
        let head_hash = self.store.audit_head().await.unwrap();
        assert!(
            domain::audit::verify(&log, head_hash.as_ref().map(|(s, h)| (*s, h.as_str())))
                .is_empty(),
            "{b}"
        );
        log
    }

    /// The body of a page that must answer 200 with HTML.
    pub async fn page(&self, path: &str) -> String {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "{} {path}", self.backend);
        let kind = header(&r, "content-type").to_owned();
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        r.text().await.unwrap()
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
        self.store.close().await;
    }
}

/// A signed-in person's browser: the session cookie and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct User {
    base: String,
    client: reqwest::Client,
    pub cookie: String,
    pub csrf: String,
}

impl User {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap()
    }

    /// The body of the answer at `path`, whatever its status.
    pub async fn text(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    /// Posts a form with this session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all: Vec<(&str, &str)> = vec![("csrf", &self.csrf)];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Sends a file as a browser's multipart form does, with the session's token.
    pub async fn upload(&self, path: &str, name: &str, content: &[u8]) -> reqwest::Response {
        let form = reqwest::multipart::Form::new()
            .text("csrf", self.csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(content.to_vec()).file_name(name.to_owned()),
            );
        // As the page's form does: the token in the address, read before the file.
        self.client
            .post(format!("{}{path}?csrf={}", self.base, self.csrf))
            .header("cookie", &self.cookie)
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// Posts exactly these fields.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .form(fields)
            .send()
            .await
            .unwrap()
    }
}

/// The account the tests give a role: its username and name.
pub fn cast(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Admin => ("ada", "Ada Rossi"),
        Role::Evaluator => ("nino", "Nino Verdi"),
        Role::Board => ("gina", "Gina Bianchi"),
        Role::Auditor => ("aldo", "Aldo Neri"),
        Role::Personnel => ("pia", "Pia Gallo"),
        Role::Revisor => ("remo", "Remo Conti"),
    }
}

/// The default sign-in settings, but for cookies that go over plain HTTP, as tests speak.
pub fn over_http() -> web::auth::Settings {
    web::auth::Settings {
        cookie_secure: false,
        ..Default::default()
    }
}

/// Asserts that `text` holds each of `wanted`; `what` names it in the message.
#[track_caller]
pub fn assert_holds(text: &str, wanted: &[&str], what: &str) {
    for w in wanted {
        assert!(text.contains(w), "{what}: lacks {w:?}");
    }
}

/// A form a person posts, and the status it must be answered with.
pub type Post<'a> = (&'a User, &'a str, &'a [(&'a str, &'a str)], u16);

/// Posts each form in turn and asserts its answer's status; `context` names the backend.
pub async fn assert_posts(posts: &[Post<'_>], context: &str) {
    for (i, &(user, path, fields, status)) in posts.iter().enumerate() {
        let got = user.post(path, fields).await.status();
        assert_eq!(got, status, "{context}: form {i}, to {path}");
    }
}

/// The value of a header the response must have, as text.
pub fn header<'a>(r: &'a reqwest::Response, name: &str) -> &'a str {
    r.headers()[name].to_str().unwrap()
}

/// A cookie the response sets.
pub fn cookie_of(r: &reqwest::Response, name: &str) -> Option<String> {
    cookie_in(r.headers(), name)
}

/// A cookie these response headers set.
pub fn cookie_in(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next()?.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The value of a form's hidden field.
pub fn field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// A unit with one head and an objective, and its first objective.
pub fn headed_unit(plan: &Plan) -> (&domain::Unit, &domain::Objective) {
    let unit = plan
        .units
        .iter()
        .find(|u| plan.objectives.iter().any(|o| o.unit == u.id) && u.heads.len() == 1)
        .unwrap();
    let objective = plan.objectives.iter().find(|o| o.unit == unit.id).unwrap();
    (unit, objective)
}

/// The first objective of the unit `unit`.
pub fn objective_of<'a>(plan: &'a Plan, unit: &str) -> &'a domain::Objective {
    plan.objectives
        .iter()
        .find(|o| o.unit.as_str() == unit)
        .unwrap()
}

/// The name a unit's first head signs in with: their name without initials.
pub fn head_name(unit: &domain::Unit) -> String {
    without_initials(&unit.heads[0].name)
}

/// A person's name without its initials and titles (the words with a dot).
pub fn without_initials(name: &str) -> String {
    name.split_whitespace()
        .filter(|w| !w.contains('.'))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first address in `html` that an attribute (`href`, `action`) gives and `wanted` takes.
pub fn address(html: &str, attribute: &str, wanted: impl Fn(&str) -> bool) -> Option<String> {
    html.split(&format!("{attribute}=\""))
        .filter_map(|s| s.split('"').next())
        .find(|a| wanted(a))
        .map(str::to_owned)
}

pub fn demo() -> Plan {
    serde_json::from_str(web::DEMO_PLAN).unwrap()
}

/// The demonstration plan's first objective.
pub fn first_objective() -> domain::Objective {
    demo().objectives.swap_remove(0)
}

pub const PLAN: &str = "citta-di-alessandria-2021";
/// `PLAN`, as the store and the use cases take it.
pub static PLAN_ID: std::sync::LazyLock<domain::PlanId> =
    std::sync::LazyLock::new(|| domain::PlanId::parse(PLAN).unwrap());

#[tokio::test]
async fn healthz_answers_and_the_server_stops_gracefully() {
    for app in TestApp::each().await {
        let r = app.get("/healthz").await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.text().await.unwrap(), r#"{"status":"ok"}"#);
        let base = app.base.clone();
        app.stop().await;
        assert!(
            reqwest::get(format!("{base}/healthz")).await.is_err(),
            "still answering after stop"
        );
    }
}
