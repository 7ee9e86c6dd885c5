//! The use cases against a real database (SQLite always, PostgreSQL when
//! `PEGASO_TEST_DATABASE_URL` names a server): the demonstration year played to its end, and
//! the refusals each kind of mistake gets.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod rollover;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use cycle::demo::Cast;
use cycle::{ActRequest, Cycle, Refusal};
use domain::workflow::ActKind;
use domain::{Plan, PlanState, Role};
use store::testing::fresh_databases;
use store::{NewPerson, Person, Stamp, Store};

const DEMO: &str = include_str!("../../../../data/demo/alessandria-2021.plan.json");

#[derive(Debug)]
struct Fixed;

impl cycle::Clock for Fixed {
    fn now(&self) -> DateTime<Utc> {
        self::now()
    }
    fn today(&self) -> NaiveDate {
        self::now().date_naive()
    }
}

/// The tests run after the plan's year: its days are in the past.
fn now() -> DateTime<Utc> {
    at(2023, 1, 5)
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
        .and_utc()
}

fn stamp(who: &str, y: i32, m: u32, d: u32) -> Stamp {
    Stamp {
        actor: who.into(),
        at: at(y, m, d),
    }
}

async fn person(store: &Store, username: &str, name: &str, roles: Vec<Role>) -> Person {
    store
        .add_person(
            &NewPerson {
                username: domain::Username::parse(username).unwrap(),
                name: name.into(),
                entity: Some("citta-di-alessandria".into()),
                roles,
                units: vec![],
                password_hash: None,
            },
            &stamp("system", 2021, 1, 2),
        )
        .await
        .unwrap()
}

/// A store with the demo plan as a draft, and its cast: the three offices and every head.
async fn setup(url: &str) -> (Cycle, Cast, domain::PlanId) {
    let store = Store::open(url).await.unwrap();
    let plan: Plan = serde_json::from_str(DEMO).unwrap();
    let summary = store
        .save_plan(
            &plan,
            &domain::validate(&plan),
            false,
            &stamp("system", 2021, 1, 2),
        )
        .await
        .unwrap();
    let admin = person(&store, "ada", "Ada Rossi", vec![Role::Admin]).await;
    let evaluator = person(&store, "nino", "Nino Verdi", vec![Role::Evaluator]).await;
    let board = person(&store, "gina", "Gina Bianchi", vec![Role::Board]).await;
    let personnel = person(&store, "pia", "Pia Gallo", vec![Role::Personnel]).await;
    let revisor = person(&store, "remo", "Remo Conti", vec![Role::Revisor]).await;
    let employee = person(&store, "giulia", "Giulia Ferrari", vec![]).await;
    let mut heads = Vec::new();
    for (i, unit) in plan.units.iter().enumerate() {
        for (j, head) in unit.heads.iter().enumerate() {
            heads.push(person(&store, &format!("capo{i}-{j}"), &head.name, vec![]).await);
        }
    }
    let cycle = Cycle::new(store, Arc::new(Fixed));
    (
        cycle,
        Cast {
            admin,
            evaluator,
            board,
            personnel,
            revisor,
            heads,
            employee,
        },
        summary.id,
    )
}

#[tokio::test]
async fn the_demonstration_year_plays_to_publication_through_the_use_cases() {
    for db in fresh_databases().await {
        let b = db.backend;
        let (cycle, cast, plan) = setup(&db.url).await;
        let played = cycle
            .play_demo_year(&plan, &cast, &|_| {})
            .await
            .unwrap_or_else(|e| panic!("{b}: {e}"));
        assert_eq!(played.rounds, 3, "{b}");
        assert!(
            played.on_time > 100 && played.late > 5 && played.never > 5,
            "{b}: {played:?}"
        );
        assert!(
            played.evidence > 40 && played.actuals > 30,
            "{b}: {played:?}"
        );
        assert!(played.version.is_some(), "{b}: the change made a version");
        // And the next year's draft, made from it by the planning office.
        let next = played
            .next
            .clone()
            .unwrap_or_else(|| panic!("{b}: no draft"));
        let (draft, _) = cycle.view(&next, Some(&cast.admin), true).await.unwrap();
        assert_eq!(
            (draft.summary.state, draft.plan.year),
            (PlanState::Draft, 2022),
            "{b}"
        );
        assert!(!draft.plan.objectives.is_empty(), "{b}");
        // With the PIAO around it, read from the plan: a public-value objective per DUP line,
        // the risk areas of the law mapped, measures carried by cards of the draft.
        let piao = draft
            .plan
            .piao
            .as_ref()
            .unwrap_or_else(|| panic!("{b}: no PIAO"));
        assert_eq!(
            piao.public_value.objectives.len(),
            draft.plan.strategy.len(),
            "{b}"
        );
        assert!(
            piao.anticorruption
                .measures
                .iter()
                .any(|m| !m.objectives.is_empty()),
            "{b}: no measure is carried by a card"
        );
        let errors: Vec<_> = domain::validate(&draft.plan)
            .into_iter()
            .filter(|d| {
                d.location.path.starts_with("piao") && d.severity == domain::Severity::Error
            })
            .collect();
        assert!(errors.is_empty(), "{b}: {errors:?}");

        // The evaluation year: every scheda definitive, the employee's revised on appeal
        // (both versions kept), the pool shared to the cent of each budget.
        let e = cycle.evaluation(&plan, &cast.personnel).await.unwrap();
        let units = cycle::demo::evaluated_units(&e.view.plan);
        assert!(units.len() >= 3, "{b}: {units:?}");
        assert_eq!(e.evaluation.sheets.len(), units.len() * 4, "{b}");
        let p = e.procedure();
        let shared = e
            .evaluation
            .year
            .shared
            .as_ref()
            .unwrap_or_else(|| panic!("{b}: not shared"));
        for (sheet, _) in &e.evaluation.sheets {
            assert_eq!(
                sheet.stage_on(shared.on, &p),
                domain::evaluation::sheet::Stage::Definitiva,
                "{b}: {}",
                sheet.matricola
            );
        }
        let own = e
            .evaluation
            .sheets
            .iter()
            .find(|(s, _)| {
                e.member(&s.matricola).and_then(|m| m.username.as_deref())
                    == Some(cast.employee.username.as_str())
            })
            .unwrap_or_else(|| panic!("{b}: the employee has no scheda"));
        assert_eq!(own.0.versions.len(), 2, "{b}");
        assert!(
            own.0.observations.is_some() && own.0.appeal.is_some(),
            "{b}"
        );
        assert_eq!(shared.budgets.len(), 3, "{b}");
        for budget in &shared.budgets {
            let total = budget.result["paid_total_cents"].as_i64().unwrap()
                + budget.result["economie_cents"].as_i64().unwrap();
            assert_eq!(
                total,
                budget.case["budget_cents"].as_i64().unwrap(),
                "{b}: {}",
                budget.kind
            );
        }
        // The revisore found payment times missed: a share withheld.
        assert!(
            shared
                .budgets
                .iter()
                .any(|b| b.result["economie"]["withheld_cents"].as_i64() > Some(0)),
            "{b}: {:#}",
            serde_json::json!(
                shared
                    .budgets
                    .iter()
                    .map(|b| (&b.case, &b.result))
                    .collect::<Vec<_>>()
            )
        );

        let (view, _) = cycle.view(&plan, None, true).await.unwrap();
        assert_eq!(view.summary.state, PlanState::Published, "{b}");
        assert_eq!(view.monitoring.rounds.len(), 3);
        assert!(view.monitoring.rounds.iter().all(|r| !r.is_open()));
        assert_eq!(view.monitoring.neutralisations.len(), 1, "{b}");
        assert_eq!(
            view.versions.len(),
            2,
            "{b}: as approved, and after the change"
        );
        // Each step carries its own day of the plan's year, in order.
        let acts: Vec<(String, NaiveDate)> = view
            .history
            .iter()
            .filter_map(|e| {
                Some((
                    e.action.strip_prefix("plan.act.")?.to_owned(),
                    e.at.get(..10)?.parse().ok()?,
                ))
            })
            .collect();
        let names: Vec<&str> = acts.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(
            names,
            [
                "validate",
                "approve",
                "start",
                "close_measurement",
                "validate_measurement",
                "publish"
            ],
            "{b}"
        );
        assert!(acts.windows(2).all(|w| w[0].1 < w[1].1), "{b}: {acts:?}");
        // The public reads results, scored as of the year's end.
        let scores = view.scores(NaiveDate::from_ymd_opt(2021, 12, 31).unwrap());
        let total = scores
            .administration
            .expect("the administration is measured");
        assert!(total > rust_decimal::Decimal::from(50), "{b}: {total}");
        // The chain of the audit log holds.
        let entries = cycle
            .store()
            .audit_log(&store::AuditFilter::default())
            .await
            .unwrap();
        let head = cycle.store().audit_head().await.unwrap();
        let breaks = domain::audit::verify(&entries, head.as_ref().map(|(s, h)| (*s, h.as_str())));
        assert!(breaks.is_empty(), "{b}: {breaks:?}");
        // The plan as it stood on 30 June: only what was recorded by then.
        let june = NaiveDate::from_ymd_opt(2021, 6, 30).unwrap();
        let (then, _) = cycle.view_on(&plan, None, Some(june)).await.unwrap();
        assert_eq!(then.day, Some(june));
        let end_of_june = at(2021, 7, 1);
        let done_then = |v: &cycle::View| {
            v.records
                .iter()
                .flatten()
                .filter(|r| r.completed_on.is_some())
                .count()
        };
        assert!(done_then(&then) > 0, "{b}: phases were done by June");
        assert!(done_then(&then) < done_then(&view), "{b}: and more after");
        assert!(
            then.records
                .iter()
                .flatten()
                .filter_map(|r| r.reported_at)
                .all(|at| at < end_of_june),
            "{b}: nothing reported after the day"
        );
        assert_eq!(
            then.monitoring.rounds.len(),
            1,
            "{b}: one round opened by June"
        );
        assert!(
            then.monitoring.rounds[0].is_open(),
            "{b}: and still open then"
        );
        assert!(
            then.monitoring.neutralisations.is_empty(),
            "{b}: neutralised in October"
        );
        assert!(
            then.monitoring
                .actuals
                .iter()
                .flatten()
                .all(Option::is_none)
        );
        assert!(then.versions.is_empty(), "{b}: the change came in July");
        assert_eq!(then.summary.state, PlanState::Published, "{b}: read as now");
        let june_score = then.scores(june).administration.unwrap_or_default();
        assert!(
            june_score < total,
            "{b}: {june_score} in June, {total} at the end"
        );
        // The plan in force in June is the one approved: the deadline moved in July had not.
        let (changed, _) = view
            .requests
            .first()
            .map(|r| (r.objective.clone(), r.proposal.clone()))
            .expect("a change request");
        let before = then
            .plan
            .objectives
            .iter()
            .find(|o| o.id.as_str() == changed);
        let after = view
            .plan
            .objectives
            .iter()
            .find(|o| o.id.as_str() == changed);
        assert_ne!(before, after, "{b}: the version of June differs from now");
        // Played once: a second time is out of turn.
        let again = cycle.play_demo_year(&plan, &cast, &|_| {}).await;
        assert!(
            matches!(again, Err(Refusal::OutOfTurn(_))),
            "{b}: {again:?}"
        );
    }
}

#[tokio::test]
async fn each_mistake_gets_its_refusal() {
    for db in fresh_databases().await {
        let b = db.backend;
        let (cycle, cast, plan) = setup(&db.url).await;
        let act = |kind| ActRequest {
            kind,
            reason: None,
            board_act: None,
            from: None,
        };
        let s = stamp("x", 2021, 1, 20);
        // Not theirs: the Giunta cannot validate a draft.
        let r = cycle
            .perform_act(&plan, &cast.board, act(ActKind::Validate), &s)
            .await;
        assert!(
            matches!(r, Err(Refusal::Denied(domain::Refusal::Role(_)))),
            "{b}: {r:?}"
        );
        // Approving needs the Giunta's act.
        cycle
            .perform_act(&plan, &cast.evaluator, act(ActKind::Validate), &s)
            .await
            .unwrap();
        let r = cycle
            .perform_act(&plan, &cast.board, act(ActKind::Approve), &s)
            .await;
        assert!(
            matches!(r, Err(Refusal::Denied(domain::Refusal::ActRequired))),
            "{b}: {r:?}"
        );
        // The plan's state: rounds open only while it runs.
        let r = cycle
            .open_round(&plan, &cast.admin, "Al 30/06", "2021-06-30", &s)
            .await;
        assert!(
            matches!(r, Err(Refusal::Denied(domain::Refusal::State(_)))),
            "{b}: {r:?}"
        );
        // A state the person did not see: out of turn.
        let stale = ActRequest {
            from: Some(PlanState::Draft),
            ..act(ActKind::Approve)
        };
        let stale = ActRequest {
            board_act: Some(domain::BoardAct {
                number: "1".into(),
                date: NaiveDate::from_ymd_opt(2021, 2, 1).unwrap(),
            }),
            ..stale
        };
        let r = cycle.perform_act(&plan, &cast.board, stale, &s).await;
        assert!(matches!(r, Err(Refusal::OutOfTurn(_))), "{b}: {r:?}");
        // Unknown things are not found, and an impossible date is not acceptable.
        let r = cycle
            .view(
                &domain::PlanId::parse("nessun-piano-2021").unwrap(),
                Some(&cast.admin),
                true,
            )
            .await;
        assert!(matches!(r, Err(Refusal::NotFound(_))), "{b}");
        let r = cycle
            .record_actual(
                &plan,
                &cast.admin,
                ("avvocatura", "Z"),
                domain::Position::of_index(0),
                ("1", "2021-01-01", "x"),
                &s,
            )
            .await;
        assert!(matches!(r, Err(Refusal::NotFound(_))), "{b}: {r:?}");
        // A person of another administration acts on nothing here.
        let mut stranger = cast.admin.clone();
        stranger.entity = Some("altro-comune".into());
        let r = cycle
            .perform_act(&plan, &stranger, act(ActKind::Start), &s)
            .await;
        assert!(r.is_err(), "{b}: {r:?}");
    }
}
