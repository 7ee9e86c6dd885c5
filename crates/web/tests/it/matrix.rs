//! The authorization matrix: every route the application has (read from its own route table,
//! so a new route cannot escape) × every role and the public, on a draft plan and on the same
//! plan once approved, each cell asserting the status that says allowed or refused. Writes are sent so that, when allowed,
//! they stop short of changing the plan (a stale version or state: 409), and the statuses
//! still tell authorization apart.

use axum::http::Method;
use domain::Role;

use crate::{PLAN, TestApp, User, demo};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Public,
    Admin,
    Evaluator,
    Board,
    Auditor,
    /// Head of the unit the route names (by the plan's heads).
    Head,
    /// Member of that unit.
    Member,
}

const EVERYONE: [Who; 7] = [
    Who::Public,
    Who::Admin,
    Who::Evaluator,
    Who::Board,
    Who::Auditor,
    Who::Head,
    Who::Member,
];

/// The routes that read a plan (pages and API): the public reads them once it is approved,
/// the administration's people always.
const PLAN_READS: &[&str] = &[
    "/piani/{plan}",
    "/piani/{plan}/matrice",
    "/piani/{plan}/unita/{unit}",
    "/piani/{plan}/calendari/{unit}",
    "/piani/{plan}/obiettivi/{unit}/{label}",
    "/piani/{plan}/cerca",
    "/piani/{plan}/diagnostica",
    "/piani/{plan}/versioni",
    "/api/v1/plans/{plan}",
    "/api/v1/plans/{plan}/units",
    "/api/v1/plans/{plan}/units/{unit}",
    "/api/v1/plans/{plan}/objectives",
    "/api/v1/plans/{plan}/units/{unit}/objectives/{label}",
    "/api/v1/plans/{plan}/units/{unit}/objectives/{label}/phases",
    "/api/v1/plans/{plan}/units/{unit}/objectives/{label}/phases/{n}",
];

/// The routes that read a plan's results: its people always, the public once published.
const RESULT_READS: &[&str] = &[
    "/piani/{plan}/punteggi",
    "/piani/{plan}/monitoraggi",
    "/piani/{plan}/richieste",
    "/api/v1/plans/{plan}/scores",
];

/// The status each cell must answer on a draft plan, or once `approved` (public, not yet
/// running: nothing is editable, and the acts the requests ask for are out of turn). Unknown
/// routes fail the test.
fn expected(method: &Method, path: &str, who: Who, approved: bool) -> u16 {
    use Who::*;
    let signed = who != Public;
    let by = |allowed: &[Who], yes: u16| -> u16 {
        if allowed.contains(&who) {
            yes
        } else if signed {
            403
        } else {
            401
        }
    };
    if approved {
        match (method.as_str(), path) {
            ("GET", p) if PLAN_READS.contains(&p) => return 200,
            // Phases change only by change requests once approved: out of turn for everyone
            // (409, as the API answers the same refusal).
            ("GET", "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}") => return 409,
            ("POST", "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}") => {
                return if signed { 409 } else { 401 };
            }
            ("PUT", "/api/v1/plans/{plan}/units/{unit}/objectives/{label}/phases/{n}")
            | ("POST", "/piani/{plan}/atti" | "/api/v1/plans/{plan}/acts") => {
                return if signed { 409 } else { 401 };
            }
            // Results are the administration's until published.
            ("GET", p) if RESULT_READS.contains(&p) => return if signed { 200 } else { 401 },
            ("GET", "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}/allegati/{file}") => {
                return if signed { 404 } else { 401 };
            }
            // Reporting an indicator waits for the plan to run: out of turn.
            ("GET", "/piani/{plan}/obiettivi/{unit}/{label}/indicatori/{n}") => {
                return if signed { 409 } else { 401 };
            }
            // Change requests: the head asks (an empty form: 422); the Nucleo and the Giunta
            // find no request to act on (404); others are refused.
            ("POST", "/piani/{plan}/obiettivi/{unit}/{label}/richieste") => {
                return by(&[Head], 422);
            }
            ("POST", "/piani/{plan}/richieste/{request}/parere") => return by(&[Evaluator], 404),
            ("POST", "/piani/{plan}/richieste/{request}/decisione") => return by(&[Board], 404),
            // The scoring rules are set while drafting.
            ("POST", "/piani/{plan}/punteggi") => return if signed { 409 } else { 401 },
            _ => {}
        }
    }
    let draft_read = if signed { 200 } else { 404 };
    match (method.as_str(), path) {
        ("GET", "/healthz" | "/static/pegaso.css" | "/" | "/accesso") => 200,
        // No outside sign-in service is configured: nothing to come back from.
        ("GET", "/accesso/ritorno") => 404,
        ("POST", "/accesso") => {
            if signed {
                303
            } else {
                401
            }
        }
        ("POST", "/uscita" | "/account/token/{id}/revoca") => {
            if signed {
                303
            } else {
                401
            }
        }
        ("GET", "/account") => {
            if signed {
                200
            } else {
                401
            }
        }
        ("POST", "/account/token") => {
            if signed {
                200
            } else {
                401
            }
        }
        // The account page again, with the calendar's secret address shown once.
        ("POST", "/account/calendario") => {
            if signed {
                200
            } else {
                401
            }
        }
        ("POST", "/account/calendario/revoca") => {
            if signed {
                303
            } else {
                401
            }
        }
        // No feed has that secret.
        ("GET", "/calendari/{feed}") => 404,
        ("GET", "/persone") => by(&[Admin], 200),
        // An incomplete form: refused as such (422) only to whom it is open.
        ("POST", "/persone") => by(&[Admin], 422),
        ("POST", "/persone/{username}/stato") => by(&[Admin], 303),
        ("GET", "/registro" | "/registro.csv" | "/registro.json") => {
            by(&[Admin, Evaluator, Auditor], 200)
        }
        ("GET", p) if PLAN_READS.contains(&p) => draft_read,
        // Validating a draft the form believes validated: the evaluator's act, stale (409).
        ("POST", "/piani/{plan}/atti") => by(&[Evaluator], 409),
        ("GET", "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}") => {
            if signed {
                by(&[Admin, Head], 200)
            } else {
                404
            }
        }
        // Saving from a version that never was: the editors' conflict (409).
        ("POST", "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}") => by(&[Admin, Head], 409),
        ("GET", "/api/v1/openapi.json" | "/api/v1/plans") => 200,
        ("GET", "/api/v1/me") => {
            if signed {
                200
            } else {
                401
            }
        }
        ("GET", "/api/v1/audit") => by(&[Admin, Evaluator, Auditor], 200),

        ("POST", "/api/v1/plans/{plan}/acts") => by(&[Evaluator], 409),
        ("GET", p) if RESULT_READS.contains(&p) => draft_read,
        // No evidence was uploaded: none to find (and a draft is not there for the public).
        ("GET", "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}/allegati/{file}") => 404,
        // Rules that are not JSON: refused as such (422) to the planning office.
        ("POST", "/piani/{plan}/punteggi") => by(&[Admin], 422),
        // Rounds open and close while the plan runs, changes are asked once it is approved:
        // out of turn for everyone now.
        (
            "POST",
            "/piani/{plan}/monitoraggi"
            | "/piani/{plan}/monitoraggi/{round}/chiusura"
            | "/piani/{plan}/obiettivi/{unit}/{label}/richieste"
            | "/piani/{plan}/richieste/{request}/parere"
            | "/piani/{plan}/richieste/{request}/decisione",
        ) => {
            if signed {
                409
            } else {
                401
            }
        }
        ("GET", "/piani/{plan}/obiettivi/{unit}/{label}/indicatori/{n}") => {
            if signed {
                409
            } else {
                404
            }
        }
        // Reports and neutralisations wait for the plan to run: out of turn for all.
        (
            "POST",
            "/piani/{plan}/obiettivi/{unit}/{label}/indicatori/{n}"
            | "/piani/{plan}/obiettivi/{unit}/{label}/neutralizzazioni"
            | "/piani/{plan}/obiettivi/{unit}/{label}/eventi",
        ) => {
            if signed {
                409
            } else {
                401
            }
        }
        // Evidence goes as multipart, with its token in the address: a urlencoded form
        // carries none the guard can read, so it is refused before anything else.
        ("POST", "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}/allegati") => {
            if signed {
                403
            } else {
                401
            }
        }
        ("PUT", "/api/v1/plans/{plan}/units/{unit}/objectives/{label}/phases/{n}") => {
            by(&[Admin, Head], 409)
        }
        (m, p) => panic!("route {m} {p} is not in the authorization matrix: add its row"),
    }
}

/// A signed-in person for each role, with an API token and a second token to revoke.
struct Person {
    user: User,
    password: String,
    username: &'static str,
    token: String,
    spare_token: i64,
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says() {
    let routes = web::route_table();
    assert!(
        routes.len() >= 30,
        "the route table lists {} routes",
        routes.len()
    );
    let plan = demo();
    let unit = plan
        .units
        .iter()
        .find(|u| plan.objectives.iter().any(|o| o.unit == u.id) && u.heads.len() == 1)
        .unwrap();
    let objective = plan.objectives.iter().find(|o| o.unit == unit.id).unwrap();
    let head: Vec<&str> = unit.heads[0]
        .name
        .split_whitespace()
        .filter(|w| !w.contains('.'))
        .collect();
    let mut cells = 0;
    for app in TestApp::each().await {
        let b = app.backend;
        let mut people: Vec<(Who, Person)> = Vec::new();
        for (who, username, name, roles) in [
            (
                Who::Admin,
                "ada",
                "Ada Rossi".to_string(),
                vec![Role::Admin],
            ),
            (
                Who::Evaluator,
                "nino",
                "Nino Verdi".into(),
                vec![Role::Evaluator],
            ),
            (Who::Board, "gina", "Gina Bianchi".into(), vec![Role::Board]),
            (
                Who::Auditor,
                "aldo",
                "Aldo Neri".into(),
                vec![Role::Auditor],
            ),
            (Who::Head, "capo", head.join(" "), vec![]),
            (Who::Member, "mara", "Mara Gialli".into(), vec![]),
        ] {
            let units: &[&str] = if who == Who::Member {
                &[unit.id.as_str()]
            } else {
                &[]
            };
            let password = app.person(username, &name, &roles, units).await;
            let user = app.login(username, &password).await;
            let token = web::auth::new_token().unwrap();
            let stamp = store::testing::stamp("test");
            app.store
                .add_token(username, "api", &web::auth::secret_hash(&token), &stamp)
                .await
                .unwrap();
            let spare = web::auth::new_token().unwrap();
            let spare_token = app
                .store
                .add_token(username, "spare", &web::auth::secret_hash(&spare), &stamp)
                .await
                .unwrap();
            people.push((
                who,
                Person {
                    user,
                    password,
                    username,
                    token,
                    spare_token,
                },
            ));
        }
        // Sign-in first and sign-out last: the session must live through the other rows.
        let mut ordered = routes.clone();
        ordered.sort_by_key(|(m, p)| match (m.as_str(), *p) {
            ("POST", "/accesso") => 0,
            ("POST", "/uscita") => 2,
            _ => 1,
        });
        for approved in [false, true] {
            if approved {
                // The Nucleo validates and the board approves, through the API (so this server
                // knows at once); everyone signs in again (the draft pass signed them out).
                let token = |w: Who| {
                    people
                        .iter()
                        .find(|(x, _)| *x == w)
                        .map(|(_, p)| p.token.clone())
                        .unwrap()
                };
                for (who, body) in [
                    (Who::Evaluator, serde_json::json!({"kind": "validate"})),
                    (
                        Who::Board,
                        serde_json::json!({"kind": "approve", "board_act": {"number": "45", "date": "2021-03-15"}}),
                    ),
                ] {
                    let r = app
                        .client
                        .post(format!("{}/api/v1/plans/{PLAN}/acts", app.base))
                        .bearer_auth(token(who))
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), 200, "{b}: {who:?}");
                }
                for (_, p) in &mut people {
                    p.user = app.login(p.username, &p.password).await;
                    let spare = web::auth::new_token().unwrap();
                    p.spare_token = app
                        .store
                        .add_token(
                            p.username,
                            "spare",
                            &web::auth::secret_hash(&spare),
                            &store::testing::stamp("t"),
                        )
                        .await
                        .unwrap();
                }
            }
            for who in EVERYONE {
                let person = people.iter().find(|(w, _)| *w == who).map(|(_, p)| p);
                for (method, pattern) in &ordered {
                    let path = pattern
                        .replace("{plan}", PLAN)
                        .replace("{unit}", unit.id.as_str())
                        .replace("{label}", objective.label.as_str())
                        .replace("{n}", "1")
                        .replace("{round}", "1")
                        .replace("{request}", "1")
                        .replace("{file}", "1")
                        .replace("{username}", "mara")
                        .replace("{id}", &person.map_or(1, |p| p.spare_token).to_string());
                    let status = call(&app, method, pattern, &path, person).await;
                    assert_eq!(
                        status,
                        expected(method, pattern, who, approved),
                        "{b}: {method} {path} as {who:?}, approved: {approved}"
                    );
                    cells += 1;
                }
            }
            // The writes that were allowed changed nothing that matters.
            let state = if approved {
                domain::PlanState::Approved
            } else {
                domain::PlanState::Draft
            };
            assert_eq!(app.store.plan_state(PLAN).await.unwrap(), state, "{b}");
        }
        app.stop().await;
    }
    eprintln!(
        "authorization matrix: {} routes × {} roles × 2 plan states (draft, approved), {cells} cells over the databases",
        routes.len(),
        EVERYONE.len()
    );
}

async fn call(
    app: &TestApp,
    method: &Method,
    pattern: &str,
    path: &str,
    person: Option<&Person>,
) -> u16 {
    let url = format!("{}{path}", app.base);
    if pattern.starts_with("/api/") {
        let mut request = app.client.request(method.clone(), &url);
        if let Some(p) = person {
            request = request.bearer_auth(&p.token);
        }
        if *method != Method::GET {
            let body = if pattern.ends_with("/acts") {
                serde_json::json!({"kind": "validate", "from": "validated"})
            } else {
                serde_json::json!({"version": 0, "description": "x"})
            };
            request = request.json(&body);
        }
        return request.send().await.unwrap().status().as_u16();
    }
    if pattern == "/accesso" && *method == Method::POST {
        let (username, password) = person.map_or(("nessuno", "sbagliata".to_string()), |p| {
            (p.username, p.password.clone())
        });
        return app
            .login_form(
                &[("username", username), ("password", password.as_str())],
                None,
            )
            .await
            .status()
            .as_u16();
    }
    let fields: Vec<(&str, &str)> = match pattern {
        "/piani/{plan}/atti" => vec![("kind", "validate"), ("from", "validated")],
        "/account/token" => vec![("name", "matrice")],
        "/persone" => vec![
            ("username", "nuovo"),
            ("name", "Nuovo"),
            ("password", "corta"),
        ],
        "/persone/{username}/stato" => vec![("disabled", "false")],
        p if p.ends_with("/fasi/{n}") => vec![("version", "0"), ("description", "x")],
        "/piani/{plan}/punteggi" => vec![("settings", "non è JSON")],
        _ => vec![],
    };
    match (person, method.as_str()) {
        (Some(p), "GET") => p.user.get(path).await.status().as_u16(),
        (Some(p), _) => p.user.post(path, &fields).await.status().as_u16(),
        (None, "GET") => app.get(path).await.status().as_u16(),
        // The public has no session, so no CSRF token to send.
        (None, _) => app
            .client
            .post(&url)
            .form(&fields)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
    }
}
