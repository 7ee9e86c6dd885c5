//! Tables for every rule of evaluation.md §1, its worked example, and properties.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::case;

/// The worked example of §1.3 (istruttore 30/10/60, unit 85.05, objectives 60 at 100 and 40
/// at 75, four behaviours rated 4, 4, 3, 3 on 1..5), with `change` applied.
fn example(change: impl FnOnce(&mut Value)) -> Value {
    let mut v = json!({
        "id": "istruttore-cuneo", "cluster": "istruttore",
        "smvp": { "prevalence": "relative", "threshold": 60, "achievement_cap": 100,
            "clusters": {
                "dirigente":  { "organisational": 70, "individual": 0,  "behaviours": 30, "organisational_source": "unit" },
                "eq":         { "organisational": 60, "individual": 0,  "behaviours": 40 },
                "istruttore": { "organisational": 30, "individual": 10, "behaviours": 60, "organisational_source": "unit" } },
            "scale": { "kind": "numeric", "min": 1, "max": 5, "levels": null },
            "catalogue": [
                { "id": "C1", "name": "Orientamento all'utenza", "clusters": ["istruttore"], "staff_evaluation": false },
                { "id": "C2", "name": "Collaborazione", "clusters": ["istruttore", "dirigente"], "staff_evaluation": false },
                { "id": "C3", "name": "Precisione", "clusters": ["istruttore"], "staff_evaluation": false },
                { "id": "C4", "name": "Iniziativa", "clusters": null, "staff_evaluation": false },
                { "id": "V1", "name": "Valutazione dei collaboratori", "clusters": ["dirigente", "eq"], "staff_evaluation": true } ] },
        "unit_score": 85.05, "entity_score": 78.4,
        "objectives": [ { "id": "O1", "weight": 60, "achievement": 100 }, { "id": "O2", "weight": 40, "achievement": 75 } ],
        "behaviours": [ { "id": "C1", "weight": 25, "rating": 4 }, { "id": "C2", "weight": 25, "rating": 4 },
                        { "id": "C3", "weight": 25, "rating": 3 }, { "id": "C4", "weight": 25, "rating": 3 } ],
        "absences": [ { "kind": "parental", "days": 150 } ]
    });
    change(&mut v);
    v
}

fn score_of(v: &Value) -> f64 {
    case(v).unwrap()["score"].as_f64().unwrap()
}

fn fails(v: &Value) -> String {
    match case(v) {
        Err(e) => e,
        Ok(r) => panic!("expected an error, got {r}"),
    }
}

#[test]
fn the_worked_example_scores_72_02() {
    let r = case(&example(|_| {})).unwrap();
    assert_eq!(
        r,
        json!({ "id": "istruttore-cuneo", "score": 72.02, "negative": false, "components": {
            "organisational": { "weight": 30.0, "score": 85.05, "points": 25.52 },
            "individual": { "weight": 10.0, "score": 90.0, "points": 9.0 },
            "behaviours": { "weight": 60.0, "score": 62.5, "points": 37.5 } } })
    );
}

#[test]
fn prevalence_is_relative_or_absolute_for_dirigenti_and_eq_only() {
    let with = |prevalence: &str, o: i64, i: i64, b: i64| {
        example(|v| {
            v["smvp"]["prevalence"] = json!(prevalence);
            v["smvp"]["clusters"]["eq"] =
                json!({ "organisational": o, "individual": i, "behaviours": b });
        })
    };
    for (prevalence, o, i, b, ok) in [
        ("relative", 40, 30, 30, true),
        ("relative", 30, 40, 30, false),
        ("relative", 40, 40, 20, false),
        ("absolute", 55, 15, 30, true),
        ("absolute", 50, 20, 30, false),
        ("absolute", 40, 30, 30, false),
    ] {
        // The istruttore's scheda fails with an invalid row of another cluster: the SMVP is
        // checked as a whole.
        assert_eq!(
            case(&with(prevalence, o, i, b)).is_ok(),
            ok,
            "{prevalence} {o}/{i}/{b}"
        );
    }
    // Other clusters need no prevalence.
    let v = example(|v| {
        v["smvp"]["clusters"]["istruttore"] =
            json!({ "organisational": 20, "individual": 10, "behaviours": 70 });
    });
    assert!(case(&v).is_ok());
}

#[test]
fn every_row_sums_to_100_with_no_negative_weight_and_every_person_has_a_row() {
    fails(&example(|v| {
        v["smvp"]["clusters"]["dirigente"]["behaviours"] = json!(29)
    }));
    fails(&example(|v| {
        v["smvp"]["clusters"]["istruttore"] =
            json!({ "organisational": 110, "individual": -10, "behaviours": 0 });
    }));
    fails(&example(|v| v["cluster"] = json!("operatore")));
    fails(&example(|v| v["smvp"]["achievement_cap"] = json!(90)));
}

#[test]
fn the_threshold_parts_positive_from_negative() {
    // Behaviours alone, rated so that the score lands on the threshold and just below it.
    let only_b = |unit: f64| {
        example(|v| {
            v["smvp"]["clusters"]["istruttore"] =
                json!({ "organisational": 50, "individual": 0, "behaviours": 50 });
            v["objectives"] = json!([]);
            v["unit_score"] = json!(unit);
            v["behaviours"] = json!([{ "id": "C1", "weight": 100, "rating": 3 }]);
        })
    };
    // (50 × 70 + 50 × 50) / 100 = 60 exactly; with 69.98: 59.99.
    let r = case(&only_b(70.0)).unwrap();
    assert_eq!(
        (r["score"].as_f64(), r["negative"].as_bool()),
        (Some(60.0), Some(false))
    );
    let r = case(&only_b(69.98)).unwrap();
    assert_eq!(
        (r["score"].as_f64(), r["negative"].as_bool()),
        (Some(59.99), Some(true))
    );
    assert!(
        r["components"]["individual"].is_null(),
        "a component of weight 0 shows as null"
    );
}

#[test]
fn achievements_and_the_organisational_score_are_clamped_to_the_cap() {
    let over = example(|v| {
        v["unit_score"] = json!(130);
        v["objectives"][1]["achievement"] = json!(150);
    });
    let r = case(&over).unwrap();
    assert_eq!(r["components"]["organisational"]["score"], json!(100.0));
    assert_eq!(r["components"]["individual"]["score"], json!(100.0));
    let capped = example(|v| {
        v["smvp"]["achievement_cap"] = json!(120);
        v["unit_score"] = json!(130);
        v["objectives"][1]["achievement"] = json!(-5);
    });
    let r = case(&capped).unwrap();
    assert_eq!(r["components"]["organisational"]["score"], json!(120.0));
    assert_eq!(r["components"]["individual"]["score"], json!(60.0));
}

#[test]
fn the_organisational_source_may_be_the_whole_administration() {
    let v = example(|v| {
        v["smvp"]["clusters"]["istruttore"]["organisational_source"] = json!("entity");
        v["unit_score"] = Value::Null;
    });
    let r = case(&v).unwrap();
    assert_eq!(r["components"]["organisational"]["score"], json!(78.4));
    fails(&example(|v| v["unit_score"] = Value::Null));
}

#[test]
fn a_levels_scale_rates_by_label() {
    let v = example(|v| {
        v["smvp"]["scale"] = json!({ "kind": "levels", "min": null, "max": null, "levels": [
            { "label": "eccellente", "factor": 1 }, { "label": "buono", "factor": 0.7 },
            { "label": "sufficiente", "factor": 0.5 }, { "label": "insufficiente", "factor": 0.2 } ] });
        for (k, label) in ["eccellente", "buono", "sufficiente", "insufficiente"]
            .iter()
            .enumerate()
        {
            v["behaviours"][k]["rating"] = json!(label);
        }
    });
    // B = (100 + 70 + 50 + 20) / 4 = 60.
    let r = case(&v).unwrap();
    assert_eq!(r["components"]["behaviours"]["score"], json!(60.0));
    fails(&example(|v| v["behaviours"][0]["rating"] = json!("buono")));
}

#[test]
fn errors_of_a_scheda_are_said() {
    let cases: Vec<(&str, Value)> = vec![
        (
            "rating off the scale",
            example(|v| v["behaviours"][0]["rating"] = json!(6)),
        ),
        (
            "rating not whole",
            example(|v| v["behaviours"][0]["rating"] = json!(3.5)),
        ),
        (
            "behaviour not in the catalogue",
            example(|v| v["behaviours"][0]["id"] = json!("X9")),
        ),
        (
            "behaviour of another cluster",
            example(|v| v["behaviours"][0]["id"] = json!("V1")),
        ),
        (
            "behaviour rated twice",
            example(|v| v["behaviours"][1]["id"] = json!("C1")),
        ),
        (
            "behaviours not summing to 100",
            example(|v| v["behaviours"][0]["weight"] = json!(20)),
        ),
        (
            "objectives not summing to 100",
            example(|v| v["objectives"][0]["weight"] = json!(50)),
        ),
        (
            "an objective twice",
            example(|v| v["objectives"][1]["id"] = json!("O1")),
        ),
        (
            "an achievement missing",
            example(|v| v["objectives"][1]["achievement"] = Value::Null),
        ),
        (
            "a negative weight",
            example(|v| {
                v["objectives"][0]["weight"] = json!(110);
                v["objectives"][1]["weight"] = json!(-10);
            }),
        ),
        (
            "objectives for a component of weight 0",
            example(|v| {
                v["smvp"]["clusters"]["istruttore"] =
                    json!({ "organisational": 40, "individual": 0, "behaviours": 60 });
            }),
        ),
        (
            "an unknown scale",
            example(|v| v["smvp"]["scale"]["kind"] = json!("stars")),
        ),
        (
            "a scale without room",
            example(|v| v["smvp"]["scale"]["max"] = json!(1)),
        ),
    ];
    for (what, v) in cases {
        assert!(case(&v).is_err(), "{what}: {:?}", case(&v));
    }
}

#[test]
fn dirigenti_and_eq_are_rated_on_evaluating_their_staff() {
    let dirigente = |behaviours: Value| {
        example(|v| {
            v["cluster"] = json!("dirigente");
            v["objectives"] = json!([]);
            v["behaviours"] = behaviours;
        })
    };
    let r = case(&dirigente(json!([{ "id": "C2", "weight": 50, "rating": 5 }, { "id": "V1", "weight": 50, "rating": 3 }]))).unwrap();
    // (70 × 85.05 + 30 × 75) / 100 = (5953.5 + 2250) / 100 = 82.035 → 82.04.
    assert_eq!(r["score"], json!(82.04));
    fails(&dirigente(
        json!([{ "id": "C2", "weight": 100, "rating": 5 }]),
    ));
    fails(&dirigente(
        json!([{ "id": "C2", "weight": 100, "rating": 5 }, { "id": "V1", "weight": 0, "rating": 3 }]),
    ));
}

#[test]
fn an_invalid_case_does_not_panic() {
    for v in [
        json!(null),
        json!([]),
        json!({}),
        json!({"smvp": 3}),
        json!({"smvp": {}, "cluster": 1}),
    ] {
        assert!(case(&v).is_err());
    }
}

proptest! {
    /// Leave never changes a score; a higher rating never lowers it; a score is within
    /// [0, cap].
    #[test]
    fn leave_never_lowers_and_ratings_raise(
        days in 0u32..366, kind in "(maternity|paternity|parental|sickness)",
        ratings in proptest::collection::vec(1i64..=5, 4), which in 0usize..4,
        unit in 0u32..=10_000, achievement in 0u32..=10_000,
    ) {
        let base = example(|v| {
            v["unit_score"] = json!(f64::from(unit) / 100.0);
            v["objectives"][1]["achievement"] = json!(f64::from(achievement) / 100.0);
            for (k, r) in ratings.iter().enumerate() {
                v["behaviours"][k]["rating"] = json!(r);
            }
        });
        let s = score_of(&base);
        prop_assert!((0.0..=100.0).contains(&s));
        let mut away = base.clone();
        away["absences"] = json!([{ "kind": kind, "days": days }]);
        prop_assert_eq!(case(&away).unwrap(), case(&base).unwrap());
        if ratings[which] < 5 {
            let mut better = base.clone();
            better["behaviours"][which]["rating"] = json!(ratings[which] + 1);
            prop_assert!(score_of(&better) >= s);
        }
    }
}
