//! The OpenAPI document against the application: every `/api/` route of the route table is a
//! documented operation and every documented operation a route; and every answer of the API's
//! writes (each POST and PUT, its success and each refusal as it happens) is what the document
//! declares for that operation and status: the media type and the schema, `$ref`s into the
//! components included, formats checked.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use domain::{PlanState, Role};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{PLAN, PLAN_ID, TestApp, demo, head_name, headed_unit};

/// The methods an OpenAPI path item may hold operations under.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// API routes the document leaves out, each a finding reported, not a rule: the test fails
/// when one of them is documented (then it leaves this list) or is no route any more. None
/// today.
const UNDOCUMENTED: &[(&str, &str)] = &[];

/// Statuses the API's writes answer that the document does not declare for them, each a
/// finding reported, not a rule (the bodies are still checked to be problem documents): the
/// test fails when one of them is declared (then it leaves this list), or when a write answers
/// another undeclared status. None today.
const UNDECLARED: &[(&str, &str, u16)] = &[];

const ACTS: &str = "/plans/{plan}/acts";
const PHASE: &str = "/plans/{plan}/units/{unit}/objectives/{label}/phases/{n}";

/// The document as the server serves it.
async fn document(app: &TestApp) -> Value {
    let r = app.get("/api/v1/openapi.json").await;
    assert_eq!(r.status(), 200, "{}", app.backend);
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0", "{}", app.backend);
    doc
}

/// Where the document's paths are served (`servers[0].url`).
fn server_base(doc: &Value) -> String {
    let servers = doc["servers"].as_array().expect("servers");
    assert_eq!(servers.len(), 1, "one server: {servers:?}");
    servers[0]["url"].as_str().expect("server url").to_owned()
}

/// Every documented operation: method (upper case) and path template as the document writes
/// it, with the operation.
fn operations(doc: &Value) -> BTreeMap<(String, String), &Value> {
    let mut out = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (key, operation) in item.as_object().expect("path item") {
            if METHODS.contains(&key.as_str()) {
                out.insert((key.to_uppercase(), path.clone()), operation);
            }
        }
    }
    out
}

/// The `{names}` a path template holds.
fn template_params(path: &str) -> BTreeSet<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn every_api_route_is_documented_and_every_documented_operation_is_a_route() {
    let served: BTreeSet<(String, String)> = web::route_table()
        .into_iter()
        .filter(|(_, p)| p.starts_with("/api/"))
        .map(|(m, p)| (m.as_str().to_owned(), p.to_owned()))
        .collect();
    assert!(served.len() >= 10, "API routes: {served:?}");
    let exempt: BTreeSet<(String, String)> = UNDOCUMENTED
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    for app in TestApp::each().await {
        let b = app.backend;
        let doc = document(&app).await;
        let base = server_base(&doc);
        let ops = operations(&doc);
        let documented: BTreeSet<(String, String)> = ops
            .keys()
            .map(|(m, p)| (m.clone(), format!("{base}{p}")))
            .collect();
        let undocumented: Vec<_> = served
            .difference(&documented)
            .filter(|r| !exempt.contains(*r))
            .collect();
        assert!(
            undocumented.is_empty(),
            "{b}: routes the OpenAPI document does not list: {undocumented:?}"
        );
        let unserved: Vec<_> = documented.difference(&served).collect();
        assert!(
            unserved.is_empty(),
            "{b}: documented operations no route serves: {unserved:?}"
        );
        for route in &exempt {
            assert!(
                served.contains(route),
                "{b}: {route:?} is listed as undocumented but is no route any more"
            );
            assert!(
                !documented.contains(route),
                "{b}: {route:?} is documented now: take it out of UNDOCUMENTED"
            );
        }
        // Each operation declares exactly the parameters its path names, each required.
        for ((method, path), operation) in &ops {
            let declared: BTreeSet<String> = operation["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "path")
                        .inspect(|p| {
                            assert_eq!(p["required"], true, "{b}: {method} {path}: {p}");
                        })
                        .map(|p| p["name"].as_str().unwrap().to_owned())
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(
                declared,
                template_params(path),
                "{b}: {method} {path}: path parameters"
            );
            assert!(
                operation["operationId"].is_string(),
                "{b}: {method} {path} has no operationId"
            );
        }
        app.stop().await;
    }
}

/// Checks answers against the document, keeping which statuses each write answered and which
/// of them the document does not declare.
struct Checker {
    doc: Value,
    validators: BTreeMap<String, jsonschema::Validator>,
    seen: BTreeMap<(String, String), BTreeSet<u16>>,
    undeclared: BTreeSet<(String, String, u16)>,
}

impl Checker {
    fn new(doc: Value) -> Self {
        Checker {
            doc,
            validators: BTreeMap::new(),
            seen: BTreeMap::new(),
            undeclared: BTreeSet::new(),
        }
    }

    /// A validator for `schema`, resolved inside the document (its `$ref`s point into the
    /// components), with formats (`date`, …) asserted.
    fn validator(&mut self, key: String, schema: &Value) -> &jsonschema::Validator {
        let doc = &self.doc;
        self.validators.entry(key).or_insert_with(|| {
            let mut root = doc.clone();
            let obj = root.as_object_mut().unwrap();
            obj.insert(
                "$schema".into(),
                json!("https://json-schema.org/draft/2020-12/schema"),
            );
            for (k, v) in schema.as_object().expect("a schema object") {
                obj.insert(k.clone(), v.clone());
            }
            jsonschema::options()
                .should_validate_formats(true)
                .build(&root)
                .unwrap()
        })
    }

    /// Whether `body` is valid against the schema declared for `method template status` as
    /// `kind`.
    fn valid(
        &mut self,
        method: &str,
        template: &str,
        status: u16,
        kind: &str,
        body: &Value,
    ) -> bool {
        let schema = self.doc["paths"][template][method.to_lowercase()]["responses"]
            [status.to_string()]["content"][kind]["schema"]
            .clone();
        assert!(schema.is_object(), "{method} {template} {status} {kind}");
        let key = format!("{method} {template} {status} {kind}");
        self.validator(key, &schema).is_valid(body)
    }

    /// The answer `(status, content type, body)` of `method template` (`what` says which case)
    /// must have `status` and be what the document declares for it; returns the body.
    fn check(
        &mut self,
        b: &str,
        what: &str,
        method: &str,
        template: &str,
        answer: (u16, String, String),
        status: u16,
    ) -> Value {
        let (got, kind, text) = answer;
        assert_eq!(got, status, "{b}: {method} {template}, {what}: {text}");
        self.seen
            .entry((method.to_owned(), template.to_owned()))
            .or_default()
            .insert(status);
        let body: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{b}: {method} {template}, {what}: not JSON ({e}): {text}"));
        let kind = kind.split(';').next().unwrap_or_default().trim().to_owned();
        let declared = self.doc["paths"][template][method.to_lowercase()]["responses"]
            [status.to_string()]
        .clone();
        let (key, schema) = if declared.is_object() {
            let content = declared["content"]
                .as_object()
                .unwrap_or_else(|| panic!("{method} {template} {status} declares no content"));
            let schema = content.get(&kind).map(|m| m["schema"].clone());
            let Some(schema) = schema else {
                panic!(
                    "{b}: {method} {template}, {what}: answered {kind}, the document declares {:?}",
                    content.keys().collect::<Vec<_>>()
                );
            };
            (format!("{method} {template} {status} {kind}"), schema)
        } else {
            // Not declared: a finding. The document says every error is a problem document,
            // so the body is held to the schema the operation's 400 (a malformed request)
            // declares for one.
            self.undeclared
                .insert((method.to_owned(), template.to_owned(), status));
            assert_eq!(
                kind, "application/problem+json",
                "{b}: {method} {template}, {what}"
            );
            let problem = self.doc["paths"][template][method.to_lowercase()]["responses"]["400"]
                ["content"]["application/problem+json"]["schema"]
                .clone();
            assert!(
                problem.is_object(),
                "{method} {template} declares no problem document for 400"
            );
            (format!("{method} {template} 400 {kind}"), problem)
        };
        let errors: Vec<String> = self
            .validator(key, &schema)
            .iter_errors(&body)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{b}: {method} {template} {status}, {what}: the body does not match the document: \
             {errors:?}\n{body}"
        );
        if kind == "application/problem+json" {
            assert_eq!(body["status"], status, "{b}: {method} {template}, {what}");
        }
        body
    }
}

/// Sends `body` (raw text, as a client may send anything) with this token.
async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> (u16, String, String) {
    let mut request = app
        .client
        .request(
            method.parse().unwrap(),
            format!("{}/api/v1{path}", app.base),
        )
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, r.text().await.unwrap())
}

/// Sends a request's head and the start of a body that never ends, and reads the answer.
async fn stalled(app: &TestApp, method: &str, path: &str, token: &str) -> (u16, String, String) {
    let address = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "{method} /api/v1{path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"kind\":"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("an answer within 10 s")
        .unwrap();
    let answer = String::from_utf8(answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let kind = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    (status, kind, body.to_owned())
}

/// A person with these roles (and this administration) and an API token for them.
async fn with_token(
    app: &TestApp,
    username: &str,
    name: &str,
    entity: Option<&str>,
    roles: &[Role],
) -> String {
    let stamp = store::testing::stamp("test");
    let new = store::NewPerson {
        username: domain::Username::parse(username).unwrap(),
        name: name.into(),
        entity: entity.map(str::to_owned),
        roles: roles.to_vec(),
        units: vec![],
        password_hash: None,
    };
    app.store.add_person(&new, &stamp).await.unwrap();
    app.token(username, "api").await
}

#[tokio::test]
async fn write_answers_are_what_the_document_declares() {
    let plan = demo();
    // A unit with one head and an objective, as the matrix takes it: its head edits its phases.
    let (unit, objective) = headed_unit(&plan);
    let head_name = head_name(unit);
    let acts = format!("/plans/{PLAN}/acts");
    let phase = |n: &str| {
        format!(
            "/plans/{PLAN}/units/{}/objectives/{}/phases/{n}",
            unit.id, objective.label
        )
    };
    let mut undeclared = BTreeSet::new();
    for app in TestApp::each().await {
        let b = app.backend;
        let mut c = Checker::new(document(&app).await);
        // The writes the document has are the ones checked here: a new one needs its cases.
        let writes: BTreeSet<(String, String)> = operations(&c.doc)
            .into_keys()
            .filter(|(m, _)| m == "POST" || m == "PUT")
            .collect();
        let covered: BTreeSet<(String, String)> = [("POST", ACTS), ("PUT", PHASE)]
            .into_iter()
            .map(|(m, p)| (m.to_owned(), p.to_owned()))
            .collect();
        assert_eq!(writes, covered, "{b}: the API's writes");

        let admin = with_token(&app, "ada", "Ada Rossi", None, &[Role::Admin]).await;
        let evaluator = with_token(&app, "nino", "Nino Verdi", None, &[Role::Evaluator]).await;
        let board = with_token(&app, "gina", "Gina Bianchi", None, &[Role::Board]).await;
        let auditor = with_token(&app, "aldo", "Aldo Neri", None, &[Role::Auditor]).await;
        let head = with_token(&app, "capo", &head_name, None, &[]).await;
        // Of another administration, with every role: refused on our plan whatever it holds.
        let stranger = with_token(
            &app,
            "zeno",
            "Zeno Blu",
            Some("comune-di-altrove"),
            &[Role::Admin, Role::Evaluator, Role::Board],
        )
        .await;
        let big = format!(
            r#"{{"kind": "validate", "reason": "{}"}}"#,
            "x".repeat(70 * 1024)
        );

        // A draft. The acts: every refusal first, then the Nucleo validates.
        let (by_evaluator, by_auditor) = (Some(evaluator.as_str()), Some(auditor.as_str()));
        let (by_board, by_stranger) = (Some(board.as_str()), Some(stranger.as_str()));
        let validate = r#"{"kind": "validate"}"#;
        let approve = r#"{"kind": "approve", "board_act": {"number": "1", "date": "2021-03-01"}}"#;
        let far = r#"{"kind": "validate", "board_act": {"number": "1", "date": "2099-01-01"}}"#;
        let stale = r#"{"kind": "validate", "from": "validated"}"#;
        for (what, path, token, body, status) in [
            ("no token", &*acts, None, validate, 401),
            (
                "a token that is none",
                &acts,
                Some("pgs_sbagliata"),
                validate,
                401,
            ),
            (
                "broken JSON",
                &acts,
                by_evaluator,
                r#"{"kind": "validate""#,
                400,
            ),
            (
                "an unknown field",
                &acts,
                by_evaluator,
                r#"{"kind": "validate", "why": "x"}"#,
                400,
            ),
            (
                "an unknown act",
                &acts,
                by_evaluator,
                r#"{"kind": "dance"}"#,
                400,
            ),
            (
                "an address that is not UTF-8",
                "/plans/%FF/acts",
                by_evaluator,
                validate,
                400,
            ),
            (
                "the Nucleo's act by an auditor",
                &acts,
                by_auditor,
                validate,
                403,
            ),
            (
                "another administration's person",
                &acts,
                by_stranger,
                validate,
                403,
            ),
            (
                "an unknown plan",
                "/plans/nessuno-1999/acts",
                by_evaluator,
                validate,
                404,
            ),
            ("approving a draft", &acts, by_board, approve, 409),
            (
                "from a state the plan is not in",
                &acts,
                by_evaluator,
                stale,
                409,
            ),
            (
                "a board act dated out of the plan's reach",
                &acts,
                by_evaluator,
                far,
                422,
            ),
            ("a body over the limit", &acts, by_evaluator, &big, 413),
        ] {
            let answer = send(&app, "POST", path, token, body).await;
            c.check(b, what, "POST", ACTS, answer, status);
        }

        // The phase while drafting: its plan, by the planning office and the unit's head.
        let read = send(&app, "GET", &phase("1"), Some(admin.as_str()), "").await;
        assert_eq!(read.0, 200, "{b}: {read:?}");
        let version = serde_json::from_str::<Value>(&read.2).unwrap()["version"]
            .as_i64()
            .unwrap();
        let edit = |v: i64| json!({"version": v, "description": "Nuova descrizione"}).to_string();
        let (one, edited) = (phase("1"), edit(version));
        let (by_admin, by_head) = (Some(admin.as_str()), Some(head.as_str()));
        let unknown_objective = one.replace(&format!("/{}/phases", objective.label), "/ZZ/phases");
        let with = |field: &str, value: &str| json!({"version": version, field: value}).to_string();
        for (what, path, token, body, status) in [
            ("no token", one.clone(), None, edited.clone(), 401),
            (
                "a token that is none",
                one.clone(),
                Some("pgs_sbagliata"),
                edited.clone(),
                401,
            ),
            (
                "broken JSON",
                one.clone(),
                by_admin,
                r#"{"version": "#.into(),
                400,
            ),
            (
                "an unknown field",
                one.clone(),
                by_admin,
                with("colour", "red"),
                400,
            ),
            (
                "an address that is not UTF-8",
                one.replace(PLAN, "%FF"),
                by_admin,
                edited.clone(),
                400,
            ),
            (
                "an auditor's edit",
                one.clone(),
                by_auditor,
                edited.clone(),
                403,
            ),
            (
                "another administration's person",
                one.clone(),
                by_stranger,
                edited.clone(),
                403,
            ),
            (
                "an unknown plan",
                one.replace(PLAN, "nessuno-1999"),
                by_admin,
                edited.clone(),
                404,
            ),
            (
                "an unknown phase",
                phase("99"),
                by_admin,
                edited.clone(),
                404,
            ),
            (
                "an unknown objective",
                unknown_objective,
                by_admin,
                edited.clone(),
                404,
            ),
            (
                "a weight that is not a number",
                one.clone(),
                by_admin,
                with("weight_pct", "molto"),
                422,
            ),
            (
                "progress while drafting",
                one.clone(),
                by_head,
                with("note", "fatto"),
                422,
            ),
            (
                "a version that never was",
                one.clone(),
                by_head,
                edit(0),
                409,
            ),
            (
                "a body over the limit",
                one.clone(),
                by_admin,
                big.clone(),
                413,
            ),
        ] {
            let answer = send(&app, "PUT", &path, token, &body).await;
            let body = c.check(b, what, "PUT", PHASE, answer, status);
            if status == 409 {
                // The conflict says what the phase holds now, at the version it is at.
                assert_eq!(body["version"], version, "{b}: {body}");
                assert_eq!(body["current"]["version"], version, "{b}: {body}");
            }
        }
        let saved = send(&app, "PUT", &one, by_head, &edited).await;
        let saved = c.check(b, "the head plans the phase", "PUT", PHASE, saved, 200);
        assert_eq!(saved["description"], "Nuova descrizione", "{b}");
        assert_eq!(saved["editable"], "plan", "{b}");
        assert!(saved["version"].as_i64().unwrap() > version, "{b}");

        let done = send(&app, "POST", &acts, by_evaluator, validate).await;
        let done = c.check(b, "the Nucleo validates", "POST", ACTS, done, 200);
        assert_eq!(done["state"], "validated", "{b}");

        // Validated: nothing of a phase may change; the Giunta's act and a reason are needed.
        let read = send(&app, "GET", &one, by_admin, "").await;
        let version = serde_json::from_str::<Value>(&read.2).unwrap()["version"]
            .as_i64()
            .unwrap();
        let answer = send(&app, "PUT", &one, by_admin, &edit(version)).await;
        c.check(b, "a validated plan's phase", "PUT", PHASE, answer, 409);
        for (what, token, body) in [
            (
                "approving without the Giunta's act",
                &board,
                r#"{"kind": "approve"}"#,
            ),
            (
                "sending back without a reason",
                &evaluator,
                r#"{"kind": "send_back", "reason": "   "}"#,
            ),
        ] {
            let answer = send(&app, "POST", &acts, Some(token.as_str()), body).await;
            c.check(b, what, "POST", ACTS, answer, 422);
        }
        assert_eq!(
            app.store.plan_state(&PLAN_ID).await.unwrap(),
            PlanState::Validated,
            "{b}"
        );
        for (what, token, body, to) in [
            (
                "the Giunta approves",
                &board,
                r#"{"kind": "approve", "board_act": {"number": "45", "date": "2021-03-15"}}"#,
                "approved",
            ),
            (
                "the planning office starts",
                &admin,
                r#"{"kind": "start", "from": "approved"}"#,
                "in_execution",
            ),
        ] {
            let answer = send(&app, "POST", &acts, Some(token.as_str()), body).await;
            let done = c.check(b, what, "POST", ACTS, answer, 200);
            assert_eq!(done["state"], to, "{b}");
        }

        // Running: the head reports the phase's progress.
        let read = send(&app, "GET", &one, by_head, "").await;
        let version = serde_json::from_str::<Value>(&read.2).unwrap()["version"]
            .as_i64()
            .unwrap();
        let report = json!({"version": version, "completed_on": "2021-06-28", "note": "Conclusa"});
        for (what, body, status) in [
            (
                "the plan's fields while running",
                json!({"version": version, "description": "Altro"}),
                422,
            ),
            (
                "done without a date",
                json!({"version": version, "status": "done", "completed_on": ""}),
                422,
            ),
            (
                "a completion date out of the plan's reach",
                json!({"version": version, "completed_on": "2099-06-28"}),
                422,
            ),
        ] {
            let answer = send(&app, "PUT", &one, by_head, &body.to_string()).await;
            c.check(b, what, "PUT", PHASE, answer, status);
        }
        let answer = send(&app, "PUT", &one, by_head, &report.to_string()).await;
        let saved = c.check(b, "the head reports", "PUT", PHASE, answer, 200);
        assert_eq!(saved["editable"], "progress", "{b}");
        assert_eq!(saved["completed_on"], "2021-06-28", "{b}");
        // The same report again, from the version it started from: another came first.
        let answer = send(&app, "PUT", &one, by_admin, &report.to_string()).await;
        let conflict = c.check(
            b,
            "a report from a stale version",
            "PUT",
            PHASE,
            answer,
            409,
        );
        assert_eq!(conflict["version"], saved["version"], "{b}: {conflict}");
        assert_eq!(
            conflict["current"]["completed_on"], "2021-06-28",
            "{b}: {conflict}"
        );
        let answer = send(
            &app,
            "POST",
            &acts,
            Some(admin.as_str()),
            r#"{"kind": "start"}"#,
        )
        .await;
        c.check(b, "starting a running plan", "POST", ACTS, answer, 409);

        // The validators are not vacuous (a `$ref` resolved to nothing, formats not
        // asserted): what breaks the declared schemas is refused, and the same body mended is
        // not.
        let problem = "application/problem+json";
        let record = |completed_on: &str| {
            json!({"version": 3, "editable": "progress", "description": "x", "weight_pct": null,
                "completed_on": completed_on, "note": null})
        };
        for (method, template, status, kind, bad, good) in [
            (
                "POST",
                ACTS,
                200,
                "application/json",
                json!({"state": "dancing"}),
                json!({"state": "published"}),
            ),
            (
                "POST",
                ACTS,
                422,
                problem,
                json!({"type": "about:blank", "title": "x", "detail": "x"}),
                json!({"type": "about:blank", "title": "x", "status": 422, "detail": "x"}),
            ),
            (
                "PUT",
                PHASE,
                200,
                "application/json",
                record("28/06/2021"),
                record("2021-06-28"),
            ),
            (
                "PUT",
                PHASE,
                409,
                problem,
                json!({"type": "about:blank", "title": "x", "status": "409", "detail": "x"}),
                json!({"type": "about:blank", "title": "x", "status": 409, "detail": "x"}),
            ),
        ] {
            assert!(
                !c.valid(method, template, status, kind, &bad),
                "{method} {template} {status}: the document's schema accepts {bad}"
            );
            assert!(
                c.valid(method, template, status, kind, &good),
                "{method} {template} {status}: the document's schema refuses {good}"
            );
        }

        // Every status the document declares for a write was answered and checked here (408,
        // a stalled body, on an app of its own below).
        for (method, template) in &covered {
            let mut declared: BTreeSet<u16> = c.doc["paths"][template.as_str()]
                [method.to_lowercase()]["responses"]
                .as_object()
                .unwrap()
                .keys()
                .map(|s| s.parse().unwrap())
                .collect();
            declared.remove(&408);
            let seen = &c.seen[&(method.clone(), template.clone())];
            let missed: Vec<_> = declared.difference(seen).collect();
            assert!(
                missed.is_empty(),
                "{b}: {method} {template}: declared statuses no case answered: {missed:?}"
            );
        }
        undeclared.extend(c.undeclared);
        app.stop().await;
    }

    // A body that stops coming: the request's time runs out (408). One database is enough:
    // the answer comes before the body is read.
    let app = TestApp::spawn_limited(
        store::testing::fresh_sqlite(),
        crate::over_http(),
        web::ServerLimits {
            request_timeout: Duration::from_secs(1),
            ..web::ServerLimits::default()
        },
    )
    .await;
    let mut c = Checker::new(document(&app).await);
    let admin = with_token(&app, "ada", "Ada Rossi", None, &[Role::Admin]).await;
    let evaluator = with_token(&app, "nino", "Nino Verdi", None, &[Role::Evaluator]).await;
    let first = phase("1");
    let (acts_answer, phase_answer) = tokio::join!(
        stalled(&app, "POST", &acts, &evaluator),
        stalled(&app, "PUT", &first, &admin),
    );
    c.check("sqlite", "a stalled body", "POST", ACTS, acts_answer, 408);
    c.check("sqlite", "a stalled body", "PUT", PHASE, phase_answer, 408);
    undeclared.extend(c.undeclared);
    app.stop().await;

    let known: BTreeSet<(String, String, u16)> = UNDECLARED
        .iter()
        .map(|(m, p, s)| ((*m).to_owned(), (*p).to_owned(), *s))
        .collect();
    assert_eq!(
        undeclared, known,
        "statuses the API's writes answer that the document does not declare"
    );
}
