//! Tables of the scoring engine configured per plan: settings checked against their plan,
//! roll-ups, indicators with phases, neutralisation, and bounds under any facts.

use super::*;
use crate::scoring::phases::PhaseMethod;
use proptest::prelude::*;
use serde_json::json;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, m, d).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Two units; `a` owns objectives A (phases 60/40, one indicator) and B (two phases, the
/// second counted 30 days from the first); `b` owns C (a phase of another year's slice).
fn plan() -> Plan {
    let date = |d: &str| json!({ "kind": "date", "date": d });
    let phase = |label: &str, w: serde_json::Value, deadline: serde_json::Value| json!({ "label": label, "description": "fase", "weight_pct": w, "deadline": deadline });
    let objective =
        |unit: &str, label: &str, phases: Vec<serde_json::Value>, year: Option<&str>| {
            json!({
                "id": format!("{unit}/{label}"), "unit": unit, "label": label, "title": "t",
                "strategic_purpose": null, "directives": null, "phases": phases,
                "final_deadline": date("2021-12-31"),
                "year_deadline": year.map(date),
                "expected_result": null, "full_achievement": null, "not_achieved": null,
                "indicators": ["rispetto dei tempi", "pratiche evase"],
                "constraints": null, "human_resources": null, "financial_resources": null
            })
        };
    let unit = |id: &str, staff: u32| {
        json!({ "id": id, "kind": "settore", "name": id, "parent": null,
                "responsible_code": null, "staff": staff })
    };
    serde_json::from_value(json!({
        "format": "pegaso.plan/1",
        "entity": { "name": "Comune di Prova", "kind": "comune" },
        "title": "Piano", "period": { "from": 2021, "to": 2023 }, "year": 2021,
        "units": [unit("a", 30), unit("b", 10)],
        "objectives": [
            objective("a", "A", vec![
                phase("1", json!(60), date("2021-03-31")),
                phase("2", json!(40), date("2021-06-30")),
            ], None),
            objective("a", "B", vec![
                phase("1", json!(50), date("2021-04-30")),
                phase("2", json!(50), json!({ "kind": "relative", "after": "phase", "phase": "1", "days": 30 })),
            ], None),
            objective("b", "C", vec![
                phase("1", json!(100), date("2021-09-30")),
                phase("2", json!(100), date("2022-06-30")),
            ], Some("2021-12-31")),
        ]
    }))
    .unwrap()
}

fn settings(extra: serde_json::Value) -> Settings {
    let mut s = json!({ "phases": { "method": { "method": "weighted_on_time" },
                                    "empty_weights": "spread" } });
    if let (Some(s), Some(extra)) = (s.as_object_mut(), extra.as_object()) {
        s.extend(extra.clone());
    }
    Settings::parse(&s.to_string(), &plan()).unwrap()
}

#[test]
fn defaults_are_the_seed_wording() {
    let s = Settings::parse("{}", &plan()).unwrap();
    assert_eq!(s, Settings::default());
    assert_eq!(
        s.phases.method,
        PhaseMethod::AllOrNothing { by_final: false }
    );
}

#[test]
fn settings_that_do_not_fit_the_plan_are_refused() {
    let p = plan();
    let refused = |j: serde_json::Value| Settings::parse(&j.to_string(), &p).unwrap_err();
    assert!(matches!(
        refused(json!({ "colour": 1 })),
        SettingsError::Json(_)
    ));
    let rule = json!({ "conversion": "percent_of_target", "target": 10 });
    assert_eq!(
        refused(json!({ "indicators": [{ "objective": "a/Z", "indicator": 1, "rule": rule }] })),
        SettingsError::UnknownObjective("a/Z".into())
    );
    assert_eq!(
        refused(json!({ "indicators": [{ "objective": "a/A", "indicator": 3, "rule": rule }] })),
        SettingsError::UnknownIndicator {
            objective: "a/A".into(),
            position: 3,
            count: 2
        }
    );
    let twice = json!({ "objective": "a/A", "indicator": 1, "rule": rule });
    assert!(matches!(
        refused(json!({ "indicators": [twice, twice] })),
        SettingsError::DuplicateIndicator { .. }
    ));
    let with_actual = json!({ "conversion": "value", "actual": 3 });
    assert!(matches!(
        refused(
            json!({ "indicators": [{ "objective": "a/A", "indicator": 1, "rule": with_actual }] })
        ),
        SettingsError::ActualInRule { .. }
    ));
    assert_eq!(
        refused(json!({ "phases_weight": 0 })),
        SettingsError::NoWeight
    );
    assert_eq!(
        refused(json!({ "objective_weights": [{ "objective": "a/A", "weight": -1 }] })),
        SettingsError::NegativeWeight
    );
    assert_eq!(
        refused(json!({ "units": { "by": "set", "weights": [{ "unit": "x", "weight": 1 }] } })),
        SettingsError::UnknownUnit("x".into())
    );
    assert_eq!(
        refused(json!({ "phases_weight": "10000000000000" })),
        SettingsError::OutOfRange
    );
    assert_eq!(refused(json!({ "max_score": 0 })), SettingsError::NoRoom);
    let no_target = json!({ "conversion": "percent_of_target" });
    assert!(matches!(
        refused(
            json!({ "indicators": [{ "objective": "a/A", "indicator": 1, "rule": no_target }] })
        ),
        SettingsError::InvalidRule { position: 1, .. }
    ));
    let disordered = json!({ "conversion": "limits", "target": 5, "limit_min": 1, "limit_max": 3 });
    assert!(matches!(
        refused(
            json!({ "indicators": [{ "objective": "a/A", "indicator": 1, "rule": disordered }] })
        ),
        SettingsError::InvalidRule { .. }
    ));
}

/// Scores `p` under `s` at the end of 2021, with these phases done and these subjects
/// neutralised.
fn year_end(
    p: &Plan,
    s: &Settings,
    done: &[Vec<Option<NaiveDate>>],
    neutralised: Option<&BTreeSet<Subject>>,
) -> PlanScores {
    let facts = Facts {
        done,
        neutralised,
        ..Facts::default()
    };
    score(p, s, &facts, day(12, 31))
}

fn done(rows: &[&[Option<NaiveDate>]]) -> Vec<Vec<Option<NaiveDate>>> {
    rows.iter().map(|r| r.to_vec()).collect()
}

/// The year most tests score: A's phase 1 on time (60), its phase 2 not done; B's both on
/// time; C's phase 1 on time.
fn the_year() -> Vec<Vec<Option<NaiveDate>>> {
    done(&[
        &[Some(day(3, 20)), None],
        &[Some(day(4, 30)), Some(day(5, 20))],
        &[Some(day(9, 1)), None],
    ])
}

#[test]
fn objectives_units_and_the_administration_roll_up() {
    let p = plan();
    let s = settings(json!({}));
    let d = the_year();
    let r = year_end(&p, &s, &d, None);
    assert_eq!(r.objectives[0].score, Some(dec("60")));
    assert_eq!(r.objectives[1].score, Some(dec("100")));
    // B's phase 2 counts 30 days from phase 1's actual completion.
    assert_eq!(r.objectives[1].due[1], Some(day(5, 30)));
    // C: phase 2 belongs to 2022's slice and leaves the score.
    assert_eq!(r.objectives[2].in_slice, vec![0]);
    assert_eq!(r.objectives[2].score, Some(dec("100")));
    assert_eq!(r.units[0].score, Some(dec("80")));
    assert_eq!(r.units[0].objectives, vec![0, 1]);
    assert_eq!(r.administration, Some(dec("90")));
    // By staff: (30 × 80 + 10 × 100) / 40 = 85.
    let by_staff = settings(json!({ "units": { "by": "staff" } }));
    let r = year_end(&p, &by_staff, &d, None);
    assert_eq!(r.administration, Some(dec("85")));
    // Objective weights: A 3, B 1 → (3 × 60 + 100) / 4 = 70.
    let weighted = settings(json!({ "objective_weights": [{ "objective": "a/A", "weight": 3 }] }));
    let r = year_end(&p, &weighted, &d, None);
    assert_eq!(r.units[0].score, Some(dec("70")));
}

#[test]
fn indicators_join_phases_by_the_plan_weights() {
    let p = plan();
    let s = settings(json!({
        "phases_weight": 60, "indicators_weight": 40,
        "indicators": [
            { "objective": "a/A", "indicator": 2, "rule": {
                "conversion": "percent_of_target", "target": 200,
                "band": "direct", "bands": "achievement", "no_actual": "block" } }
        ]
    }));
    let d = done(&[&[Some(day(3, 20)), Some(day(6, 1))]]);
    let a = vec![vec![None, Some(dec("150"))]];
    let r = score(
        &p,
        &s,
        &Facts {
            done: &d,
            actuals: &a,
            ..Facts::default()
        },
        day(12, 31),
    );
    let o = &r.objectives[0];
    // 150 / 200 = 75 % → band 70.01-90 → 90; 0.6 × 100 + 0.4 × 90 = 96.
    assert_eq!(o.indicators[0].position, 1);
    assert_eq!(
        o.indicators[0].outcome,
        Outcome::Scored {
            value: Some(dec("75")),
            score: dec("90")
        }
    );
    assert_eq!(o.score, Some(dec("96")));
    // B has no indicator set: its phases alone, whatever the plan's 60/40.
    assert_eq!(r.objectives[1].indicators_weight, Decimal::ZERO);
    // No actual under `block`: A cannot be measured, and the unit is B's alone.
    let r = year_end(&p, &s, &d, None);
    assert!(r.objectives[0].blocked);
    assert_eq!(r.objectives[0].score, None);
    // Neutralising the waiting indicator lets A be measured on its phases.
    let n: BTreeSet<Subject> = [Subject::Indicator(0, 1)].into();
    let r = year_end(&p, &s, &d, Some(&n));
    assert!(!r.objectives[0].blocked);
    assert_eq!(r.objectives[0].score, Some(dec("100")));
}

#[test]
fn indicator_scores_are_held_to_the_plan_cap() {
    let p = plan();
    let rule = |cap: serde_json::Value| {
        settings(json!({
            "phases_weight": 0, "indicators_weight": 1, "max_score": cap,
            "indicators": [{ "objective": "a/A", "indicator": 1, "rule": {
                "conversion": "percent_of_target", "target": 20,
                "band": "direct", "bands": "achievement" } }]
        }))
    };
    let a = vec![vec![Some(dec("25"))]];
    let facts = Facts {
        actuals: &a,
        ..Facts::default()
    };
    // 25 of 20 is 125 %: no row of `achievement` holds it, so the band leaves 125.
    let capped = score(&p, &rule(json!(100)), &facts, day(12, 31));
    assert_eq!(capped.objectives[0].score, Some(dec("100")));
    let over = score(&p, &rule(json!(120)), &facts, day(12, 31));
    assert_eq!(over.objectives[0].score, Some(dec("120")));
    let free = score(&p, &rule(serde_json::Value::Null), &facts, day(12, 31));
    assert_eq!(free.objectives[0].score, Some(dec("125")));
}

#[test]
fn neutralised_phases_and_objectives_leave_and_stay_shown() {
    let p = plan();
    let s = settings(json!({}));
    let d = the_year();
    let n: BTreeSet<Subject> = [Subject::Phase(0, 1)].into();
    let r = year_end(&p, &s, &d, Some(&n));
    assert_eq!(r.objectives[0].score, Some(dec("100")));
    let n: BTreeSet<Subject> = [Subject::Objective(0)].into();
    let r = year_end(&p, &s, &d, Some(&n));
    assert!(r.objectives[0].neutralised);
    assert_eq!(
        r.objectives[0].score,
        Some(dec("60")),
        "its own score is still shown"
    );
    assert_eq!(
        r.units[0].score,
        Some(dec("100")),
        "but it leaves its unit's mean"
    );
}

#[test]
fn neutralisation_keys_name_their_subject_and_back() {
    let p = plan();
    for s in [
        Subject::Objective(1),
        Subject::Phase(0, 1),
        Subject::Indicator(2, 0),
    ] {
        let key = s.key(&p).unwrap();
        assert_eq!(Subject::parse(&p, &key), Some(s), "{key}");
    }
    assert_eq!(Subject::Phase(0, 1).key(&p).as_deref(), Some("a/A/2"));
    assert_eq!(Subject::Indicator(0, 1).key(&p).as_deref(), Some("a/A/i2"));
    for wrong in ["a/Z", "a/A/9", "a/A/i3", "a/A/0", "a/Ax", "a/A/", "a/A/ix"] {
        assert_eq!(Subject::parse(&p, wrong), None, "{wrong}");
    }
}

#[test]
fn nothing_measurable_is_not_zero() {
    let p = plan();
    let n: BTreeSet<Subject> = (0..3).map(Subject::Objective).collect();
    let r = year_end(&p, &settings(json!({})), &[], Some(&n));
    assert_eq!(r.units[0].score, None);
    assert_eq!(r.administration, None);
}

proptest! {
    /// Whatever is done, and whenever, every score stays within 0-100.
    #[test]
    fn scores_stay_within_bounds(
        done_days in proptest::collection::vec(proptest::option::of(1u32..365), 6),
        method in 0usize..3,
        actual in proptest::option::of(-1000i64..1000),
    ) {
        let p = plan();
        let method = [json!({ "method": "all_or_nothing" }), json!({ "method": "weighted_on_time" }),
                      json!({ "method": "weighted_late_credit", "days": 90 })][method].clone();
        let s = Settings::parse(&json!({
            "phases": { "method": method, "empty_weights": "spread", "tolerance_days": 5 },
            "phases_weight": 50, "indicators_weight": 50,
            "indicators": [{ "objective": "a/A", "indicator": 1, "rule": {
                "conversion": "percent_of_target", "target": 100, "band": "clamp",
                "bands": [{ "from": 0, "thru": 100, "factor": 100 }] } }]
        }).to_string(), &p).unwrap();
        let on = |n: Option<u32>| n.map(|n| NaiveDate::from_yo_opt(2021, n).unwrap());
        let d: Vec<Vec<Option<NaiveDate>>> =
            done_days.chunks(2).map(|c| c.iter().map(|n| on(*n)).collect()).collect();
        let a = vec![vec![actual.map(Decimal::from)]];
        let r = score(&p, &s, &Facts { done: &d, actuals: &a, ..Facts::default() }, day(12, 31));
        let all = r.objectives.iter().map(|o| o.score)
            .chain(r.units.iter().map(|u| u.score))
            .chain([r.administration]);
        for v in all.flatten() {
            prop_assert!(v >= Decimal::ZERO && v <= Decimal::ONE_HUNDRED, "{v}");
        }
    }
}
