//! The scheda's lifecycle, step by step, and who may take each step.

use super::*;
use crate::evaluation::read_smvp;
use crate::evaluation::staff::tests::member;
use crate::evaluation::year::{Procedure, starting_smvp};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn smvp() -> Smvp {
    read_smvp(&starting_smvp()).unwrap()
}

fn assigned(cluster: &str) -> Sheet {
    let m = member("A1", cluster, "servizi");
    Sheet::assign(
        &m,
        "Anna Neri",
        (&smvp(), 1),
        vec!["servizi/A".into()],
        day("2025-02-10"),
        "anna",
    )
    .unwrap()
}

fn ratings(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The worked example of evaluation.md §1.3 through the scheda: 72.02.
fn rated() -> Sheet {
    let s = smvp();
    let sheet = assigned("istruttore");
    // The catalogue has three behaviours for an istruttore, weighed 34/33/33 by default.
    assert_eq!(
        sheet
            .behaviours
            .iter()
            .map(|b| b.weight)
            .collect::<Vec<_>>(),
        vec![Decimal::from(34), Decimal::from(33), Decimal::from(33)]
    );
    let planned = sheet
        .plan(
            &s,
            vec![
                Objective {
                    id: "O1".into(),
                    title: "Pratiche".into(),
                    weight: 60.into(),
                    achievement: None,
                },
                Objective {
                    id: "O2".into(),
                    title: "Sportello".into(),
                    weight: 40.into(),
                    achievement: None,
                },
            ],
            vec![
                Rated {
                    id: "C1".into(),
                    weight: 50.into(),
                    rating: None,
                },
                Rated {
                    id: "C2".into(),
                    weight: 25.into(),
                    rating: None,
                },
                Rated {
                    id: "C3".into(),
                    weight: 25.into(),
                    rating: None,
                },
            ],
        )
        .unwrap();
    let achievements: BTreeMap<String, Decimal> = [
        ("O1".to_string(), Decimal::from(100)),
        ("O2".to_string(), Decimal::from(75)),
    ]
    .into();
    planned
        .rate(
            &s,
            (Some("85.05".parse().unwrap()), None),
            &achievements,
            &ratings(&[("C1", "4"), ("C2", "3"), ("C3", "3")]),
            day("2026-01-20"),
            "anna",
        )
        .unwrap()
}

#[test]
fn a_scheda_goes_from_assigned_to_definitive_through_each_step() {
    let p = Procedure::default();
    let sheet = rated();
    assert_eq!(sheet.stage, Stage::Valutata);
    // (30 × 85.05 + 10 × 90 + 60 × 62.5) / 100 = 72.015 → 72.02
    assert_eq!(sheet.current().unwrap().score.to_string(), "72.02");
    let notified = sheet.notify(day("2026-01-21"), "anna").unwrap();
    assert_eq!(notified.window_end(&p), Some(day("2026-02-05")));
    let seen = notified
        .acknowledge(
            "Non concordo sul comportamento C2.",
            day("2026-01-22"),
            &p,
            "mario",
        )
        .unwrap();
    assert_eq!(seen.stage, Stage::PresaVisione);
    assert_eq!(
        seen.observations.as_deref(),
        Some("Non concordo sul comportamento C2.")
    );
    // Acknowledging is not agreeing: the window stays open.
    let appealed = seen
        .appeal("Chiedo la revisione di C2.", day("2026-02-05"), &p, "mario")
        .unwrap();
    assert_eq!(appealed.stage, Stage::InConciliazione);
    assert!(!appealed.decision_overdue(day("2026-03-07"), &p));
    assert!(appealed.decision_overdue(day("2026-03-08"), &p));
    let s = smvp();
    let achievements: BTreeMap<String, Decimal> = [
        ("O1".to_string(), Decimal::from(100)),
        ("O2".to_string(), Decimal::from(75)),
    ]
    .into();
    let revised = appealed
        .decide(
            Outcome::Rivista,
            "La collaborazione è documentata.",
            Some((
                &s,
                (Some("85.05".parse().unwrap()), None),
                &achievements,
                &ratings(&[("C1", "4"), ("C2", "5"), ("C3", "3")]),
            )),
            day("2026-02-20"),
            "nucleo",
        )
        .unwrap();
    assert_eq!(revised.stage, Stage::Definitiva);
    // The old score is kept; the new one is in force.
    assert_eq!(revised.versions.len(), 2);
    assert_eq!(revised.versions[0].score.to_string(), "72.02");
    assert!(revised.current().unwrap().score > revised.versions[0].score);
    let stages: Vec<Stage> = revised.steps.iter().map(|s| s.stage).collect();
    assert_eq!(
        stages,
        vec![
            Stage::Assegnata,
            Stage::Valutata,
            Stage::Notificata,
            Stage::PresaVisione,
            Stage::InConciliazione,
            Stage::Definitiva
        ]
    );
}

#[test]
fn the_window_closes_a_scheda_and_refuses_a_late_appeal() {
    let p = Procedure::default();
    let notified = rated().notify(day("2026-01-21"), "anna").unwrap();
    assert_eq!(notified.stage_on(day("2026-02-05"), &p), Stage::Notificata);
    assert_eq!(notified.stage_on(day("2026-02-06"), &p), Stage::Definitiva);
    let late = notified
        .appeal("Tardi", day("2026-02-06"), &p, "mario")
        .unwrap_err();
    assert!(late.contains("05/02/2026"), "{late}");
    // Acknowledged: the same window.
    let seen = notified
        .acknowledge("", day("2026-01-25"), &p, "mario")
        .unwrap();
    assert_eq!(seen.observations, None);
    assert_eq!(seen.stage_on(day("2026-02-06"), &p), Stage::Definitiva);
}

#[test]
fn steps_out_of_turn_and_incomplete_ratings_are_refused() {
    let s = smvp();
    let p = Procedure::default();
    let bare = assigned("istruttore");
    let unplanned = bare
        .rate(
            &s,
            (Some(80.into()), None),
            &BTreeMap::new(),
            &ratings(&[("C1", "4"), ("C2", "4"), ("C3", "4")]),
            day("2026-01-20"),
            "anna",
        )
        .unwrap_err();
    assert!(unplanned.contains("obiettivi individuali"), "{unplanned}");
    let one = Objective {
        id: "O1".into(),
        title: "t".into(),
        weight: 100.into(),
        achievement: None,
    };
    let sheet = bare.plan(&s, vec![one], bare.behaviours.clone()).unwrap();
    let done: BTreeMap<String, Decimal> = [("O1".to_string(), Decimal::from(100))].into();
    assert!(sheet.notify(day("2026-01-21"), "anna").is_err());
    assert!(sheet.appeal("x", day("2026-01-21"), &p, "mario").is_err());
    let no_achievement = sheet
        .rate(
            &s,
            (Some(80.into()), None),
            &BTreeMap::new(),
            &ratings(&[("C1", "4"), ("C2", "4"), ("C3", "4")]),
            day("2026-01-20"),
            "anna",
        )
        .unwrap_err();
    assert!(no_achievement.contains("O1"), "{no_achievement}");
    let missing = sheet
        .rate(
            &s,
            (Some(80.into()), None),
            &done,
            &ratings(&[("C1", "4")]),
            day("2026-01-20"),
            "anna",
        )
        .unwrap_err();
    assert!(missing.contains("C2"), "{missing}");
    let off_scale = sheet
        .rate(
            &s,
            (Some(80.into()), None),
            &done,
            &ratings(&[("C1", "6"), ("C2", "4"), ("C3", "4")]),
            day("2026-01-20"),
            "anna",
        )
        .unwrap_err();
    assert!(off_scale.contains("scale"), "{off_scale}");
    let no_unit_score = sheet
        .rate(
            &s,
            (None, None),
            &done,
            &ratings(&[("C1", "4"), ("C2", "4"), ("C3", "4")]),
            day("2026-01-20"),
            "anna",
        )
        .unwrap_err();
    assert!(no_unit_score.contains("unit_score"), "{no_unit_score}");
    // Weights that do not sum to 100, a behaviour of another cluster, an objective twice.
    let bad =
        |objectives: Vec<Objective>, behaviours: Vec<Rated>| sheet.plan(&s, objectives, behaviours);
    let o = |id: &str, w: u32| Objective {
        id: id.into(),
        title: "t".into(),
        weight: w.into(),
        achievement: None,
    };
    let b = |id: &str, w: u32| Rated {
        id: id.into(),
        weight: w.into(),
        rating: None,
    };
    assert!(
        bad(vec![o("O1", 60), o("O2", 30)], vec![])
            .unwrap_err()
            .contains("90")
    );
    assert!(
        bad(vec![o("O1", 50), o("O1", 50)], vec![])
            .unwrap_err()
            .contains("due volte")
    );
    assert!(
        bad(vec![], vec![b("C4", 100)])
            .unwrap_err()
            .contains("categoria")
    );
    assert!(
        bad(vec![], vec![b("C9", 100)])
            .unwrap_err()
            .contains("catalogo")
    );
    // A decision needs its reasons.
    let appealed = rated()
        .notify(day("2026-01-21"), "anna")
        .unwrap()
        .appeal("Ragioni", day("2026-01-22"), &p, "mario")
        .unwrap();
    assert!(
        appealed
            .decide(Outcome::Confermata, " ", None, day("2026-01-30"), "nucleo")
            .is_err()
    );
    assert!(
        appealed
            .decide(
                Outcome::Rivista,
                "Rivista",
                None,
                day("2026-01-30"),
                "nucleo"
            )
            .is_err()
    );
    let confirmed = appealed
        .decide(
            Outcome::Confermata,
            "Confermata",
            None,
            day("2026-01-30"),
            "nucleo",
        )
        .unwrap();
    assert_eq!(confirmed.versions.len(), 1);
    assert_eq!(confirmed.stage, Stage::Definitiva);
}

#[test]
fn a_dirigente_is_proposed_by_the_nucleo_and_adopted_by_the_giunta() {
    let s = smvp();
    let sheet = assigned("dirigente");
    assert!(sheet.objectives.is_empty());
    // Dirigenti weigh no individual objective in the starting SMVP.
    let refused = sheet
        .plan(
            &s,
            vec![Objective {
                id: "O1".into(),
                title: "t".into(),
                weight: 100.into(),
                achievement: None,
            }],
            sheet.behaviours.clone(),
        )
        .unwrap_err();
    assert!(refused.contains("non prevede"), "{refused}");
    let all: Vec<(&str, &str)> = sheet
        .behaviours
        .iter()
        .map(|b| (b.id.as_str(), "5"))
        .collect();
    let proposed = sheet
        .rate(
            &s,
            (Some(90.into()), None),
            &BTreeMap::new(),
            &ratings(&all),
            day("2026-01-20"),
            "nucleo",
        )
        .unwrap();
    assert_eq!(proposed.stage, Stage::Proposta);
    assert!(proposed.notify(day("2026-01-21"), "x").is_err());
    assert!(proposed.adopt(" ", day("2026-01-25"), "giunta").is_err());
    let adopted = proposed
        .adopt("Decreto del Sindaco n. 4", day("2026-01-25"), "giunta")
        .unwrap();
    assert_eq!(adopted.stage, Stage::Valutata);
    assert_eq!(
        adopted.adoption_act.as_deref(),
        Some("Decreto del Sindaco n. 4")
    );
}

#[test]
fn only_the_person_their_evaluator_the_nucleo_and_personnel_read_a_scheda() {
    let m = Member {
        username: Some("mario".into()),
        ..member("A1", "istruttore", "servizi")
    };
    let sheet = assigned("istruttore");
    let actor = |name: &str, roles: &[Role]| Actor {
        name: name.into(),
        roles: roles.to_vec(),
        units: vec![],
    };
    let head = access(&actor("Dott.ssa Anna Neri", &[]), "anna", &m, &sheet);
    assert!(head.read() && head.may_rate() && !head.may_decide(&sheet) && !head.may_answer());
    let own = access(&actor("Mario Rossi", &[]), "mario", &m, &sheet);
    assert!(own.read() && own.may_answer() && !own.may_rate());
    let nucleo = access(
        &actor("Laura Verdi", &[Role::Evaluator]),
        "laura",
        &m,
        &sheet,
    );
    assert!(nucleo.read() && nucleo.may_decide(&sheet) && !nucleo.may_rate());
    let personnel = access(&actor("Ufficio", &[Role::Personnel]), "pers", &m, &sheet);
    assert!(personnel.read() && personnel.may_notify() && !personnel.may_rate());
    for roles in [
        vec![Role::Admin],
        vec![Role::Auditor],
        vec![Role::Board],
        vec![Role::Revisor],
        vec![],
    ] {
        let other = access(&actor("Altra Persona", &roles), "altra", &m, &sheet);
        assert!(!other.read(), "{roles:?}");
    }
    // A head who is also on the Nucleo does not decide their own member's appeal.
    let both = access(&actor("Anna Neri", &[Role::Evaluator]), "anna", &m, &sheet);
    assert!(!both.may_decide(&sheet));
}

proptest::proptest! {
    /// Whatever steps are tried in whatever order: each success adds one step to the history,
    /// a score once recorded is never changed nor dropped, nothing moves a definitive scheda,
    /// and a scheda's stage never goes back.
    #[test]
    fn any_order_of_steps_keeps_the_history_and_the_old_scores(steps in proptest::collection::vec((0u8..8, 0u64..40), 1..24)) {
        let s = smvp();
        let p = Procedure::default();
        let mut sheet = rated();
        let mut on = day("2026-01-20");
        let achievements: BTreeMap<String, Decimal> =
            [("O1".to_string(), Decimal::from(90)), ("O2".to_string(), Decimal::from(40))].into();
        for (kind, gap) in steps {
            on = on.checked_add_days(chrono::Days::new(gap)).unwrap();
            let before = sheet.clone();
            let next = match kind {
                0 => sheet.notify(on, "anna"),
                1 => sheet.acknowledge("Visto.", on, &p, "mario"),
                2 => sheet.appeal("Ragioni.", on, &p, "mario"),
                3 => sheet.decide(Outcome::Confermata, "Confermata.", None, on, "nucleo"),
                4 => sheet.decide(Outcome::Rivista, "Rivista.", Some((&s, (Some(70.into()), None), &achievements, &ratings(&[("C1", "5"), ("C2", "5"), ("C3", "5")]))), on, "nucleo"),
                5 => sheet.adopt("Decreto", on, "giunta"),
                6 => sheet.rate(&s, (Some(70.into()), None), &achievements, &ratings(&[("C1", "1"), ("C2", "1"), ("C3", "1")]), on, "anna"),
                _ => sheet.self_evaluate("Ho fatto."),
            };
            if let Ok(next) = next {
                proptest::prop_assert!(before.stage != Stage::Definitiva || next == before);
                proptest::prop_assert!(next.stage >= before.stage || next == before);
                proptest::prop_assert!(next.versions.len() >= before.versions.len());
                proptest::prop_assert_eq!(&next.versions[..before.versions.len()], &before.versions[..]);
                proptest::prop_assert!(next.steps.len() == before.steps.len() + 1 || next.steps == before.steps);
                sheet = next;
            }
        }
    }
}
