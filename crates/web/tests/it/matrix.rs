//! The authorization matrix: every route the application has (read from its own route table,
//! so a new route cannot escape) × every role and the public, on one plan as it goes through
//! its year by its own acts (draft, approved, running, measured), each cell asserting the
//! status that says allowed or refused. Writes are sent so that, when allowed, they stop short
//! of changing the plan (a stale version or state: 409; an empty form: 422; nothing of that
//! number: 404), and the statuses still tell authorization apart; after each state's pass the
//! plan's state and revision are as before.

use axum::http::Method;
use domain::{PlanState, Role};

use crate::{PLAN, PLAN_ID, TestApp, User, cast, demo, head_name, headed_unit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Public,
    Admin,
    Evaluator,
    Board,
    Auditor,
    /// The personnel office.
    Personnel,
    /// The revisore dei conti.
    Revisor,
    /// Head of the unit the route names (by the plan's heads).
    Head,
    /// Member of that unit.
    Member,
}

const EVERYONE: [Who; 9] = [
    Who::Public,
    Who::Admin,
    Who::Evaluator,
    Who::Board,
    Who::Auditor,
    Who::Personnel,
    Who::Revisor,
    Who::Head,
    Who::Member,
];

/// The routes that read a plan (pages and API): the public reads them once it is approved,
/// the administration's people always.
const PLAN_READS: &[&str] = &[
    "/piani/{plan}",
    "/piani/{plan}/matrice",
    "/piani/{plan}/piao",
    "/piani/{plan}/unita/{unit}",
    "/piani/{plan}/calendari/{unit}",
    "/piani/{plan}/obiettivi/{unit}/{label}",
    "/piani/{plan}/cerca",
    "/piani/{plan}/diagnostica",
    "/piani/{plan}/versioni",
    "/piani/{plan}/piano.xlsx",
    "/api/v1/plans/{plan}",
    "/api/v1/plans/{plan}/workbook",
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

/// The plan's states the matrix walks, in the order of the cycle: each is reached from the one
/// before by the application's own acts (through the API, as a client would).
const STATES: [PlanState; 4] = [
    PlanState::Draft,
    PlanState::Approved,
    PlanState::InExecution,
    PlanState::Measured,
];

/// The act each state's pass asks for: the one that moves the plan on from there (domain.md:
/// the Nucleo validates, the Giunta approves, the planning office starts the execution and
/// closes the measurement, the Nucleo validates it), with a `from` one state further on, so that
/// even for whose act it is the request is stale (409) and changes nothing; and whose act it is.
fn act_of(state: PlanState) -> (&'static str, &'static str, &'static [Who]) {
    match state {
        PlanState::Draft => ("validate", "validated", &[Who::Evaluator]),
        PlanState::Approved => ("start", "in_execution", &[Who::Admin]),
        PlanState::InExecution => ("close_measurement", "measured", &[Who::Admin]),
        PlanState::Measured => (
            "validate_measurement",
            "measure_validated",
            &[Who::Evaluator],
        ),
        other => panic!("the matrix does not walk {other:?}"),
    }
}

/// The status each cell must answer with the plan in `state`. Unknown routes fail the test.
fn expected(method: &Method, path: &str, who: Who, state: PlanState) -> u16 {
    use PlanState::{Approved, Draft, InExecution, Measured};
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
    // Out of turn for everyone in this state: the plan's people are told so (409), the public
    // to sign in first.
    let out_of_turn = if signed { 409 } else { 401 };
    // What a signed-in person gets; the public is asked to sign in.
    let signed_in = |yes: u16| if signed { yes } else { 401 };
    // What a route open in this state answers; out of turn when it is not.
    let when = |open: bool, yes: u16| if open { yes } else { out_of_turn };
    // The public reads a plan once it is approved, its results only once published (never
    // here): before approval the plan does not exist for them.
    let public_reads_plan = state >= Approved;
    // The plan runs (or its measurement is in): rounds, reports and neutralisations are open.
    let running = matches!(state, InExecution | Measured);
    // Who reports what a phase or an indicator of the unit achieved: while the plan runs, its
    // head and members and the planning office; once measured, corrections are the planning
    // office's only.
    let reporters: &[Who] = match state {
        InExecution => &[Admin, Head, Member],
        Measured => &[Admin],
        _ => &[],
    };
    // Changes are asked, opined and decided between approval and the measurement.
    let changes_open = matches!(state, Approved | InExecution);
    match (method.as_str(), path) {
        (
            "GET",
            "/healthz"
            | "/static/pegaso.css"
            | "/static/bozza.js"
            | "/"
            | "/accesso"
            | "/modello-piano.xlsx"
            | "/dati"
            | "/trasparenza",
        ) => 200,
        // The open data's licence: the planning office's; an empty form refused as such.
        ("POST", "/dati/licenza") => by(&[Admin], 422),
        // «L'amministrazione»: its planning office's (an installation's account is told it has
        // no administration of its own).
        ("GET", "/ente") => by(&[Admin], 200),
        // The emblem goes as multipart with its token in the address: a urlencoded form
        // without it is refused before its body is read.
        ("POST", "/ente/stemma") => signed_in(403),
        // An installation-wide account has no administration's emblem to remove.
        ("POST", "/ente/stemma/rimozione") => by(&[Admin], 422),
        // No administration's emblem of that name (`1`).
        ("GET", "/stemmi/{file}") => 404,
        // Open data: no file of that name (`1`).
        ("GET", "/dati/{file}") => 404,
        // A paper of the plan: no paper of that name (`1`).
        ("GET", "/piani/{plan}/documenti/{file}") => 404,
        // Amministrazione Trasparente: no sub-section of that code (`1`).
        ("GET", "/trasparenza/{plan}/{code}") => 404,
        // No outside sign-in service is configured: nothing to come back from.
        ("GET", "/accesso/ritorno") => 404,
        ("POST", "/accesso") => signed_in(303),
        ("POST", "/uscita" | "/account/token/{id}/revoca") => signed_in(303),
        ("GET", "/account") => signed_in(200),
        ("POST", "/account/token") => signed_in(200),
        // The account page again, with the calendar's secret address shown once.
        ("POST", "/account/calendario") => signed_in(200),
        ("POST", "/account/calendario/revoca") => signed_in(303),
        // No feed has that secret.
        ("GET", "/calendari/{feed}") => 404,
        ("GET", "/persone") => by(&[Admin], 200),
        // An incomplete form: refused as such (422) only to whom it is open.
        ("POST", "/persone") => by(&[Admin], 422),
        ("POST", "/persone/{username}/stato") => by(&[Admin], 303),
        ("GET", "/registro" | "/registro.csv" | "/registro.json") => {
            by(&[Admin, Evaluator, Auditor], 200)
        }
        ("GET", "/api/v1/openapi.json" | "/api/v1/plans") => 200,
        ("GET", "/api/v1/me") => signed_in(200),
        ("GET", "/api/v1/audit") => by(&[Admin, Evaluator, Auditor], 200),
        ("GET", p) if PLAN_READS.contains(&p) => {
            if signed || public_reads_plan {
                200
            } else {
                404
            }
        }
        // Results are the administration's until published.
        ("GET", p) if RESULT_READS.contains(&p) => {
            if signed {
                200
            } else if public_reads_plan {
                401
            } else {
                404
            }
        }
        // The act that moves the plan on, asked from a state it is not in: whose act it is
        // gets the stale form's conflict (409), the others are refused (403).
        ("POST", "/piani/{plan}/atti" | "/api/v1/plans/{plan}/acts") => by(act_of(state).2, 409),
        // A phase's form: its plan while drafting (the planning office and the unit's head),
        // nothing once approved (phases change only by change requests: out of turn for
        // everyone, the public too), its progress while running.
        ("GET", "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}") => match state {
            Draft if !signed => 404,
            Draft => by(&[Admin, Head], 200),
            Approved => 409,
            _ => by(reporters, 200),
        },
        // Saving from a version that never was: the editors' conflict (409).
        (
            "POST" | "PUT",
            "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}"
            | "/api/v1/plans/{plan}/units/{unit}/objectives/{label}/phases/{n}",
        ) => match state {
            Draft => by(&[Admin, Head], 409),
            Approved => out_of_turn,
            _ => by(reporters, 409),
        },
        // No evidence was uploaded: none to find (and a draft is not there for the public, nor
        // are results before publication).
        ("GET", "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}/allegati/{file}") => {
            if signed || !public_reads_plan {
                404
            } else {
                401
            }
        }
        // Reporting an indicator waits for the plan to run.
        ("GET", "/piani/{plan}/obiettivi/{unit}/{label}/indicatori/{n}") => match state {
            Draft if !signed => 404,
            Draft | Approved => out_of_turn,
            _ => by(reporters, 200),
        },
        // Reports of indicators and events while running: an empty form (422) to whom it is
        // open.
        (
            "POST",
            "/piani/{plan}/obiettivi/{unit}/{label}/indicatori/{n}"
            | "/piani/{plan}/obiettivi/{unit}/{label}/eventi",
        ) => when(running, by(reporters, 422)),
        // The Nucleo neutralises while the plan runs or is measured: an empty form (422).
        ("POST", "/piani/{plan}/obiettivi/{unit}/{label}/neutralizzazioni") => {
            when(running, by(&[Evaluator], 422))
        }
        // The planning office opens rounds (an empty form: 422) and closes them (no round 1
        // was opened: 404) while the plan runs or is measured.
        ("POST", "/piani/{plan}/monitoraggi") => when(running, by(&[Admin], 422)),
        ("POST", "/piani/{plan}/monitoraggi/{round}/chiusura") => when(running, by(&[Admin], 404)),
        // Rules that are not JSON: refused as such (422) to the planning office, while
        // drafting only.
        ("POST", "/piani/{plan}/punteggi") => when(state == Draft, by(&[Admin], 422)),
        // Change requests, from approval until the measurement: the head asks (an empty form:
        // 422); the Nucleo and the Giunta find no request to act on (404); others are refused.
        ("POST", "/piani/{plan}/obiettivi/{unit}/{label}/richieste") => {
            when(changes_open, by(&[Head], 422))
        }
        ("POST", "/piani/{plan}/richieste/{request}/parere") => {
            when(changes_open, by(&[Evaluator], 404))
        }
        ("POST", "/piani/{plan}/richieste/{request}/decisione") => {
            when(changes_open, by(&[Board], 404))
        }
        // The next year's draft is the planning office's, whatever the plan's state; the public
        // is asked to sign in where it reads the plan. A form without a year: refused as such
        // (422), nothing made.
        ("GET", "/piani/{plan}/nuovo-anno") => match who {
            Public if public_reads_plan => 401,
            Public => 404,
            _ => by(&[Admin], 200),
        },
        ("POST", "/piani/{plan}/nuovo-anno") => by(&[Admin], 422),
        // Writing the draft: its pages to the planning office (the hub and a card's form to
        // the unit's head too) while drafting; afterwards out of turn. Saves name a version
        // that never was: the conflict (409) to whom they are open.
        (
            "GET",
            "/piani/{plan}/bozza/strategia"
            | "/piani/{plan}/bozza/codifica"
            | "/piani/{plan}/bozza/piao"
            | "/piani/{plan}/bozza/unita"
            | "/piani/{plan}/bozza/unita/{unit}"
            | "/piani/{plan}/bozza/obiettivi"
            | "/piani/{plan}/bozza/obiettivi/{unit}/{label}/indicatori/{n}",
        ) => match state {
            Draft if !signed => 404,
            Draft => by(&[Admin], 200),
            _ => out_of_turn,
        },
        ("GET", "/piani/{plan}/bozza" | "/piani/{plan}/bozza/obiettivi/{unit}/{label}") => {
            match state {
                Draft if !signed => 404,
                Draft => by(&[Admin, Head], 200),
                _ => out_of_turn,
            }
        }
        (
            "POST",
            "/piani/{plan}/bozza/intestazione"
            | "/piani/{plan}/bozza/strategia"
            | "/piani/{plan}/bozza/codifica"
            | "/piani/{plan}/bozza/piao"
            | "/piani/{plan}/bozza/unita"
            | "/piani/{plan}/bozza/unita/{unit}"
            | "/piani/{plan}/bozza/unita/{unit}/posto"
            | "/piani/{plan}/bozza/obiettivi"
            | "/piani/{plan}/bozza/obiettivi/{unit}/{label}/posto"
            | "/piani/{plan}/bozza/obiettivi/{unit}/{label}/indicatori/{n}",
        ) => when(state == Draft, by(&[Admin], 409)),
        // A new card's form checked as one types: its problems (200) to the planning office.
        ("POST", "/piani/{plan}/bozza/verifica") => when(state == Draft, by(&[Admin], 200)),
        ("POST", "/piani/{plan}/bozza/obiettivi/{unit}/{label}") => {
            when(state == Draft, by(&[Admin, Head], 409))
        }
        // «Nuovo piano» is the planning office's, in whatever state the other plans are; the
        // public is asked to sign in. An empty form is refused as such (422), nothing made; a
        // document goes as multipart with its token in the address, so a urlencoded form is
        // refused before anything else.
        ("GET", "/piani/nuovo") => by(&[Admin], 200),
        ("POST", "/piani/nuovo") => by(&[Admin], 422),
        ("POST", "/piani/nuovo/documento") => signed_in(403),
        // Evidence goes as multipart, with its token in the address: a urlencoded form
        // carries none the guard can read, so it is refused before anything else.
        ("POST", "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}/allegati") => signed_in(403),
        // The evaluation year (personal data): its pages to the administration's people, in
        // any state; the public is asked to sign in where it reads the plan.
        (
            "GET",
            "/piani/{plan}/valutazione"
            | "/piani/{plan}/valutazione/sistema"
            | "/piani/{plan}/valutazione/differenziazione"
            | "/piani/{plan}/valutazione/premi",
        ) => match who {
            Public if public_reads_plan => 401,
            Public => 404,
            _ => 200,
        },
        // The staff list and its CSV: the personnel office and the Nucleo only.
        (
            "GET",
            "/piani/{plan}/valutazione/personale" | "/piani/{plan}/valutazione/personale.csv",
        ) => match who {
            Public if !public_reads_plan => 404,
            _ => by(&[Personnel, Evaluator], 200),
        },
        // No scheda has that matricola: none to find for anyone signed in; no pool shared:
        // no payroll list for those who may read it.
        ("GET", "/piani/{plan}/valutazione/schede/{matricola}") => match who {
            Public if !public_reads_plan => 404,
            Public => 401,
            _ => 404,
        },
        ("POST", "/piani/{plan}/valutazione/schede/{matricola}") => signed_in(404),
        ("GET", "/piani/{plan}/valutazione/premi/{file}") => match who {
            Public if !public_reads_plan => 404,
            _ => by(&[Personnel, Evaluator], 404),
        },
        // Writes of the year: an empty form refused as such (422), or a revision never seen
        // (409), only to whom they are open.
        ("POST", "/piani/{plan}/valutazione/sistema") => by(&[Admin], 422),
        ("POST", "/piani/{plan}/valutazione/apertura") => by(&[Admin], 409),
        ("POST", "/piani/{plan}/valutazione/personale" | "/piani/{plan}/valutazione/premi") => {
            by(&[Personnel], 422)
        }
        ("POST", "/piani/{plan}/valutazione/premi/ripartizione") => by(&[Personnel], 409),
        ("POST", "/piani/{plan}/valutazione/premi/tempi-di-pagamento") => by(&[Revisor], 422),
        // The staff from a file: multipart with the token in the address, like evidence.
        ("POST", "/piani/{plan}/valutazione/personale/file") => signed_in(403),
        // The Relazione: before it is published (never here), only the planning office, the
        // Nucleo, the Giunta and the auditors find it; an empty form is refused as such.
        ("GET", "/piani/{plan}/relazione") => match who {
            Admin | Evaluator | Board | Auditor => 200,
            _ => 404,
        },
        ("POST", "/piani/{plan}/relazione") => match who {
            Public => 401,
            Admin | Evaluator | Board | Auditor => 422,
            _ => 404,
        },
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
    let (unit, objective) = headed_unit(&plan);
    let head = head_name(unit);
    let mut cells = 0;
    for app in TestApp::each().await {
        let b = app.backend;
        let mut people: Vec<(Who, Person)> = Vec::new();
        let members = [
            (Who::Admin, Role::Admin),
            (Who::Evaluator, Role::Evaluator),
            (Who::Board, Role::Board),
            (Who::Auditor, Role::Auditor),
            (Who::Personnel, Role::Personnel),
            (Who::Revisor, Role::Revisor),
        ]
        .map(|(who, role)| {
            let (username, name) = cast(role);
            (who, username, name.to_owned(), vec![role])
        });
        for (who, username, name, roles) in members.into_iter().chain([
            (Who::Head, "capo", head.clone(), vec![]),
            (Who::Member, "mara", "Mara Gialli".into(), vec![]),
        ]) {
            let units: &[&str] = if who == Who::Member {
                &[unit.id.as_str()]
            } else {
                &[]
            };
            let password = app.person(username, &name, &roles, units).await;
            let user = app.login(username, &password).await;
            let token = app.token(username, "api").await;
            let spare_token = app.spare_token(username).await;
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
        let tokens: Vec<(Who, String)> =
            people.iter().map(|(w, p)| (*w, p.token.clone())).collect();
        let token = |w: Who| {
            tokens
                .iter()
                .find(|(x, _)| *x == w)
                .map(|(_, t)| t.clone())
                .unwrap()
        };
        for (i, &state) in STATES.iter().enumerate() {
            if i > 0 {
                // The plan moves on by its own acts, through the API (so this server knows at
                // once): from a draft the Nucleo validates and the Giunta approves; the
                // planning office starts the execution, then closes the measurement.
                let acts: &[(Who, serde_json::Value, PlanState)] = match state {
                    PlanState::Approved => &[
                        (
                            Who::Evaluator,
                            serde_json::json!({"kind": "validate"}),
                            PlanState::Validated,
                        ),
                        (
                            Who::Board,
                            serde_json::json!({"kind": "approve", "board_act": {"number": "45", "date": "2021-03-15"}}),
                            PlanState::Approved,
                        ),
                    ],
                    PlanState::InExecution => &[(
                        Who::Admin,
                        serde_json::json!({"kind": "start"}),
                        PlanState::InExecution,
                    )],
                    PlanState::Measured => &[(
                        Who::Admin,
                        serde_json::json!({"kind": "close_measurement"}),
                        PlanState::Measured,
                    )],
                    other => panic!("no acts lead to {other:?} here"),
                };
                for (who, body, to) in acts {
                    let r = app
                        .client
                        .post(format!("{}/api/v1/plans/{PLAN}/acts", app.base))
                        .bearer_auth(token(*who))
                        .json(body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), 200, "{b}: {who:?} {body}");
                    let done: serde_json::Value = r.json().await.unwrap();
                    assert_eq!(done["state"], to.as_str(), "{b}: {who:?} {body}");
                }
                // Everyone signs in again (the pass before signed them out) and has a new
                // token to revoke (the pass before revoked theirs).
                for (_, p) in &mut people {
                    p.user = app.login(p.username, &p.password).await;
                    p.spare_token = app.spare_token(p.username).await;
                }
            }
            assert_eq!(app.store.plan_state(&PLAN_ID).await.unwrap(), state, "{b}");
            let revision = app.store.revision(&PLAN_ID).await.unwrap();
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
                        .replace("{matricola}", "1")
                        .replace("{id}", &person.map_or(1, |p| p.spare_token).to_string());
                    let status = call(&app, method, pattern, &path, person, state).await;
                    assert_eq!(
                        status,
                        expected(method, pattern, who, state),
                        "{b}: {method} {path} as {who:?}, plan {}",
                        state.as_str()
                    );
                    cells += 1;
                }
            }
            // The writes that were allowed changed nothing of the plan: neither its state nor
            // anything else (every change of a plan moves its revision).
            assert_eq!(app.store.plan_state(&PLAN_ID).await.unwrap(), state, "{b}");
            assert_eq!(
                app.store.revision(&PLAN_ID).await.unwrap(),
                revision,
                "{b}: a write changed the plan in state {}",
                state.as_str()
            );
        }
        app.stop().await;
    }
    eprintln!(
        "authorization matrix: {} routes × {} roles × {} plan states ({}), {cells} cells over the databases",
        routes.len(),
        EVERYONE.len(),
        STATES.len(),
        STATES.map(PlanState::as_str).join(", ")
    );
}

async fn call(
    app: &TestApp,
    method: &Method,
    pattern: &str,
    path: &str,
    person: Option<&Person>,
    state: PlanState,
) -> u16 {
    let (act, from, _) = act_of(state);
    // A phase's save names a version that never was: its plan's fields while drafting, its
    // progress's once running (the other mode's fields would be refused as such, 422).
    let progress = matches!(state, PlanState::InExecution | PlanState::Measured);
    let url = format!("{}{path}", app.base);
    if pattern.starts_with("/api/") {
        let mut request = app.client.request(method.clone(), &url);
        if let Some(p) = person {
            request = request.bearer_auth(&p.token);
        }
        if *method != Method::GET {
            let body = if pattern.ends_with("/acts") {
                serde_json::json!({"kind": act, "from": from})
            } else if progress {
                serde_json::json!({"version": 0, "note": "x"})
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
        "/piani/{plan}/atti" => vec![("kind", act), ("from", from)],
        "/account/token" => vec![("name", "matrice")],
        "/persone" => vec![
            ("username", "nuovo"),
            ("name", "Nuovo"),
            ("password", "corta"),
        ],
        "/persone/{username}/stato" => vec![("disabled", "false")],
        p if p.ends_with("/fasi/{n}") && progress => vec![("version", "0"), ("note", "x")],
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
