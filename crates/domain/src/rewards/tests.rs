//! The worked examples of evaluation.md §2, its error cases and the pool's invariants.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::case;

fn person(id: &str, cluster: &str, score: f64) -> Value {
    json!({ "id": id, "cluster": cluster, "score": score, "status": "definitiva" })
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

fn rules(formula: &str) -> Value {
    json!({ "formula": formula })
}

fn comparto(budget_cents: i64, rules: Value, people: Vec<Value>) -> Value {
    json!({ "id": "t", "budget": "comparto_individual", "budget_cents": budget_cents,
            "fund_variable_cents": budget_cents, "rules": rules, "people": people })
}

fn budget(kind: &str, budget_cents: i64, rules: Value, people: Vec<Value>) -> Value {
    json!({ "id": "t", "budget": kind, "budget_cents": budget_cents,
            "fund_variable_cents": budget_cents, "eq_posizione_cents": 0,
            "rules": rules, "people": people })
}

/// Each payout's (id, base, maggiorazione, withheld, paid).
fn payouts(result: &Value) -> Vec<(String, i64, i64, i64, i64)> {
    result["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_string(),
                p["base_cents"].as_i64().unwrap(),
                p["maggiorazione_cents"].as_i64().unwrap(),
                p["withheld_cents"].as_i64().unwrap(),
                p["paid_cents"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn paid(result: &Value) -> Vec<i64> {
    payouts(result).into_iter().map(|p| p.4).collect()
}

/// Σ paid + economie = budget, by part, to the cent.
fn balanced(case_: &Value, result: &Value) -> bool {
    let budget = case_["budget_cents"].as_i64().unwrap();
    let paid: i64 = paid(result).iter().sum();
    let e = &result["economie"];
    let parts = e["base_cents"].as_i64().unwrap()
        + e["reserve_cents"].as_i64().unwrap()
        + e["withheld_cents"].as_i64().unwrap();
    paid == result["paid_total_cents"].as_i64().unwrap()
        && parts == result["economie_cents"].as_i64().unwrap()
        && paid + parts == budget
}

fn section_2_4() -> Value {
    let mut r = rules("proportional");
    r["parameters"] = json!({ "operatore": 1.0, "operatore_esperto": 1.1, "istruttore": 1.2,
                              "funzionario": 1.3 });
    comparto(
        1_000_000,
        r,
        vec![
            person("A", "operatore", 95.0),
            person("B", "operatore_esperto", 80.0),
            with(person("C", "istruttore", 70.0), "part_time", json!(50)),
            person("D", "operatore", 55.0),
        ],
    )
}

#[test]
fn the_proportional_example_of_2_4_to_the_cent() {
    let c = section_2_4();
    let r = case(&c).unwrap();
    assert_eq!(paid(&r), vec![422_222, 391_111, 186_667, 0]);
    assert_eq!(r["paid_total_cents"], json!(1_000_000));
    assert_eq!(r["economie_cents"], json!(0));
    assert_eq!(r["maggiorazione"], Value::Null);
    assert_eq!(r["differentiation"], Value::Null);
    assert!(balanced(&c, &r));
    let expected = json!({ "id": "A", "base_cents": 422222, "maggiorazione_cents": 0,
                           "withheld_cents": 0, "paid_cents": 422222 });
    assert_eq!(r["payouts"][0], expected);
}

#[test]
fn the_result_has_the_shape_of_section_3() {
    let r = case(&section_2_4()).unwrap();
    let payout = |id: &str, cents: i64| {
        json!({ "id": id, "base_cents": cents, "maggiorazione_cents": 0, "withheld_cents": 0,
                "paid_cents": cents })
    };
    assert_eq!(
        r,
        json!({ "id": "t",
                "payouts": [payout("A", 422_222), payout("B", 391_111), payout("C", 186_667),
                            payout("D", 0)],
                "maggiorazione": null, "differentiation": null, "paid_total_cents": 1_000_000,
                "economie_cents": 0,
                "economie": { "base_cents": 0, "reserve_cents": 0, "withheld_cents": 0 } })
    );
}

/// Asserts that `c` is an error whose message says `why`.
fn fails(c: &Value, why: &str) {
    match case(c) {
        Ok(r) => panic!("expected an error ({why}), got {r}"),
        Err(e) => assert!(
            e.contains(why),
            "expected an error saying {why:?}, got {e:?}"
        ),
    }
}

fn cuneo() -> Value {
    json!({ "formula": "classes", "classes": [
        { "from": 80.01, "thru": 100, "coefficient": 200 },
        { "from": 70.01, "thru": 80, "coefficient": 150 },
        { "from": 60.01, "thru": 70, "coefficient": 100 },
        { "from": 0, "thru": 60, "coefficient": 0 } ] })
}

#[test]
fn the_maggiorazione_example_of_2_5() {
    for m in [
        json!({ "m_cents": 45000, "k": 2 }),
        json!({ "m_percent": 30, "k": 2 }),
    ] {
        let mut r = cuneo();
        r["maggiorazione"] = m;
        let people = (0..20)
            .map(|i| person(&format!("P{i:02}"), "istruttore", 81.0 + f64::from(i)))
            .collect();
        let c = comparto(3_000_000, r, people);
        let r = case(&c).unwrap();
        let p = payouts(&r);
        assert!(p[..18].iter().all(|p| p.1 == 145_500 && p.4 == 145_500));
        assert!(p[18..].iter().all(|p| p.2 == 45_000 && p.4 == 190_500));
        assert_eq!(
            r["maggiorazione"],
            json!({ "m_cents": 45000, "reserve_cents": 90000, "recipients": ["P18", "P19"] })
        );
        assert!(balanced(&c, &r));
    }
}

#[test]
fn the_cuneo_classes() {
    let people = vec![
        person("A", "funzionario", 85.0),
        person("B", "funzionario", 80.0),
        person("C", "funzionario", 70.01),
        person("D", "funzionario", 70.0),
        person("E", "funzionario", 60.0),
        person("F", "funzionario", 55.0),
    ];
    let c = comparto(600_000, cuneo(), people);
    let r = case(&c).unwrap();
    assert_eq!(paid(&r), vec![200_000, 150_000, 150_000, 100_000, 0, 0]);
    assert!(balanced(&c, &r));
}

#[test]
fn the_quassolo_threshold_step() {
    let r = json!({ "formula": "threshold_step", "threshold": 60,
                    "steps": { "base_percent": 60, "step_percent": 1, "full_from": 95 } });
    let people = vec![
        person("A", "operatore", 99.0),
        person("B", "operatore", 95.0),
        person("C", "operatore", 94.0),
        person("D", "operatore", 75.0),
        person("E", "operatore", 60.0),
        person("F", "operatore", 59.0),
    ];
    let c = comparto(600_000, r, people);
    let r = case(&c).unwrap();
    // Σb = 6: each b is worth 100,000 cents at 100%.
    assert_eq!(paid(&r), vec![100_000, 100_000, 94_000, 75_000, 60_000, 0]);
    assert_eq!(r["economie"]["base_cents"], json!(171_000));
    assert!(balanced(&c, &r));
}

#[test]
fn the_threshold_step_target_is_the_floor_of_t() {
    // A 100 cents, three people at 50%, 50%, 60%, b = 1: T = 100 × 1.6 / 3 = 53.33.
    let r = json!({ "formula": "threshold_step", "threshold": 60,
                    "steps": { "base_percent": 50, "step_percent": 1, "full_from": null } });
    let people = vec![
        person("A", "operatore", 60.0),
        person("B", "operatore", 60.0),
        person("C", "operatore", 70.0),
    ];
    let c = comparto(100, r, people);
    let r = case(&c).unwrap();
    // a = 16.67, 16.67, 20: floors 16 + 16 + 20 = 52, one cent to A (same remainder and
    // score as B, id first).
    assert_eq!(paid(&r), vec![17, 16, 20]);
    assert_eq!(r["economie"]["base_cents"], json!(47));
    assert!(balanced(&c, &r));
}

#[test]
fn presence_scales_the_base_but_not_m() {
    let mut r = rules("proportional");
    r["maggiorazione"] = json!({ "m_cents": 30000, "k": 1 });
    let people = vec![
        with(
            person("A", "operatore", 90.0),
            "absences",
            json!([{ "kind": "sickness", "days": 73 }, { "kind": "maternity", "days": 100 }]),
        ),
        person("B", "operatore", 90.0),
        with(
            person("C", "operatore", 90.0),
            "days_employed",
            json!(182.5),
        ),
    ];
    let mut c = comparto(100_000, r, people);
    c["people"][0]["tie_keys"] = json!({ "seniority_days": 10 });
    c["people"][1]["tie_keys"] = json!({ "seniority_days": 5 });
    c["people"][2]["tie_keys"] = json!({ "seniority_days": 50 });
    c["rules"]["tie_break"] = json!(["seniority_days"]);
    let r = case(&c).unwrap();
    // A = 70,000; g = 0.8, 1, 0.5: Σ 2.3; the tie at the cut-off goes to C (seniority).
    let p = payouts(&r);
    assert_eq!(
        p.iter().map(|p| p.1).collect::<Vec<_>>(),
        vec![24_348, 30_435, 15_217]
    );
    assert_eq!(p[2].2, 30_000);
    assert!(balanced(&c, &r));
    // With presence off, g = 1 for everyone.
    let mut off = c.clone();
    off["rules"]["presence"] = json!({ "apply": false });
    let r = case(&off).unwrap();
    assert_eq!(
        payouts(&r).iter().map(|p| p.1).collect::<Vec<_>>(),
        vec![23_334, 23_333, 23_333]
    );
}

fn dirigenti(scores: &[f64], formula: Value) -> Value {
    let people = scores
        .iter()
        .enumerate()
        .map(|(i, s)| person(&format!("D{i}"), "dirigente", *s))
        .collect();
    budget("dirigenti_risultato", 600_000, formula, people)
}

#[test]
fn the_dirigenti_top_is_raised_to_f() {
    let c = dirigenti(&[90.0, 80.0, 80.0, 70.0, 65.0, 60.0], rules("proportional"));
    let r = case(&c).unwrap();
    // N = 6, d = 25; F = ceil(125 × 600,000 / 600) = 125,000; D0 had 121,348.31.
    assert_eq!(
        r["differentiation"],
        json!({ "percent": 25, "floor_cents": 125_000, "top": ["D0"] })
    );
    let p = paid(&r);
    assert_eq!(p[0], 125_000);
    assert_eq!(p.iter().sum::<i64>(), 600_000);
    // The others scaled by (S − R′)/S = 475,000 / 478,651.69: 80 × 475,000 / 355 =
    // 107,042.25; the three cents left go to 93,661.97, 86,971.83 and 80,281.69.
    assert_eq!(p[1..], [107_042, 107_042, 93_662, 86_972, 80_282]);
    assert!(balanced(&c, &r));
    // Five or fewer: no rule.
    let c = dirigenti(&[90.0, 80.0, 80.0, 70.0, 65.0], rules("proportional"));
    assert_eq!(case(&c).unwrap()["differentiation"], Value::Null);
}

#[test]
fn a_quota_raise_comes_first_from_the_unpaid() {
    let r = json!({ "formula": "threshold_step", "threshold": 60,
                    "steps": { "base_percent": 60, "step_percent": 1, "full_from": null } });
    let c = dirigenti(&[90.0, 70.0, 70.0, 65.0, 60.0, 50.0], r);
    let r = case(&c).unwrap();
    // a = 100,000 × pct%: 90,000, 70,000, 70,000, 65,000, 60,000, 0; F = ceil(125 × 600,000
    // / 500) = 150,000: R = 60,000 from the 245,000 unpaid, the others untouched.
    assert_eq!(paid(&r), vec![150_000, 70_000, 70_000, 65_000, 60_000, 0]);
    assert_eq!(r["economie"]["base_cents"], json!(185_000));
    assert!(balanced(&c, &r));
}

#[test]
fn missed_payment_times_withhold_the_share() {
    let mut flagged = with(
        person("E1", "eq", 80.0),
        "responsabile_pagamenti",
        json!(true),
    );
    flagged["payment_times_met"] = json!(false);
    let mut met = with(
        person("E2", "eq", 80.0),
        "responsabile_pagamenti",
        json!(true),
    );
    met["payment_times_met"] = json!(true);
    let c = budget(
        "eq_risultato",
        100_001,
        rules("proportional"),
        vec![flagged, met],
    );
    let r = case(&c).unwrap();
    let p = payouts(&r);
    // Bases 50,001 (E1 by id) and 50,000; E1 paid floor(50,001 × 70 / 100) = 35,000.
    assert_eq!(p[0], ("E1".into(), 50_001, 0, 15_001, 35_000));
    assert_eq!(p[1], ("E2".into(), 50_000, 0, 0, 50_000));
    assert_eq!(r["economie"]["withheld_cents"], json!(15_001));
    assert!(balanced(&c, &r));
}

#[test]
fn the_budget_checks_pass_at_the_limit() {
    let mut c = comparto(3_000_000, rules("proportional"), vec![]);
    c["fund_variable_cents"] = json!(10_000_000);
    assert!(case(&c).is_ok());
    c["budget_cents"] = json!(2_999_999);
    assert!(case(&c).is_err());
    let mut c = budget("eq_risultato", 1_500_000, rules("proportional"), vec![]);
    c["eq_posizione_cents"] = json!(8_500_000);
    assert!(case(&c).is_ok());
    c["budget_cents"] = json!(1_499_999);
    assert!(case(&c).is_err());
}

#[test]
fn the_error_cases() {
    let ok = section_2_4();
    assert!(case(&ok).is_ok());
    let set = |path: &[&str], value: Value| {
        let mut c = ok.clone();
        let mut at = &mut c;
        for key in path {
            at = if let Ok(i) = key.parse::<usize>() {
                &mut at[i]
            } else {
                &mut at[*key]
            };
        }
        *at = value;
        c
    };
    let magg = |m: Value| set(&["rules", "maggiorazione"], m);
    let cases = [
        ("unknown budget", set(&["budget"], json!("premi"))),
        ("no budget_cents", set(&["budget_cents"], Value::Null)),
        (
            "no fund variable",
            set(&["fund_variable_cents"], Value::Null),
        ),
        ("below 30%", set(&["fund_variable_cents"], json!(3_333_334))),
        (
            "segretario",
            set(&["people", "0", "cluster"], json!("segretario")),
        ),
        (
            "eq in comparto",
            set(&["people", "0", "cluster"], json!("eq")),
        ),
        (
            "not definitiva",
            set(&["people", "1", "status"], json!("notificata")),
        ),
        ("no status", set(&["people", "1", "status"], Value::Null)),
        ("no formula", set(&["rules", "formula"], Value::Null)),
        (
            "days_employed > year",
            set(&["people", "0", "days_employed"], json!(366)),
        ),
        (
            "days_employed < 0",
            set(&["people", "0", "days_employed"], json!(-1)),
        ),
        ("part_time 0", set(&["people", "0", "part_time"], json!(0))),
        (
            "part_time > 100",
            set(&["people", "0", "part_time"], json!(100.5)),
        ),
        (
            "absences > employed",
            set(
                &["people", "0", "absences"],
                json!([{ "kind": "maternity", "days": 200 }, { "kind": "sickness", "days": 166 }]),
            ),
        ),
        (
            "cluster not in parameters",
            set(&["rules", "parameters", "operatore"], Value::Null),
        ),
        (
            "classes without a table",
            set(&["rules", "formula"], json!("classes")),
        ),
        (
            "both m",
            magg(json!({ "m_cents": 100_000, "m_percent": 30, "k": 1 })),
        ),
        ("neither m", magg(json!({ "k": 1 }))),
        ("m below 30%", magg(json!({ "m_cents": 99_999, "k": 1 }))),
        (
            "m_percent below 30",
            magg(json!({ "m_percent": 29.99, "k": 1 })),
        ),
        (
            "K × m > budget",
            magg(json!({ "m_cents": 100_000, "k": 11 })),
        ),
        ("k 0", magg(json!({ "m_cents": 100_000, "k": 0 }))),
        (
            "score_threshold",
            magg(json!({ "m_cents": 100_000, "k": 1, "score_threshold": 90 })),
        ),
        (
            "flag in comparto",
            set(&["people", "0", "responsabile_pagamenti"], json!(true)),
        ),
        (
            "share below 30",
            set(&["rules", "payment_times_share_percent"], json!(29)),
        ),
    ];
    for (what, c) in cases {
        let got = case(&c);
        assert!(got.is_err(), "{what} should be an error, not {got:?}");
    }
    // A positive in no class.
    let c = comparto(100, cuneo(), vec![person("A", "operatore", 60.005)]);
    fails(&c, "in no class");
    // The maggiorazione outside comparto_individual.
    let mut r = rules("proportional");
    r["maggiorazione"] = json!({ "m_cents": 100, "k": 1 });
    let c = budget(
        "comparto_organisational",
        1000,
        r,
        vec![person("A", "operatore", 90.0)],
    );
    fails(&c, "comparto_individual only");
    // Ties at the maggiorazione's cut-off.
    let mut r = rules("proportional");
    r["maggiorazione"] = json!({ "m_cents": 30_000, "k": 1 });
    let tied = vec![
        person("A", "operatore", 90.0),
        person("B", "operatore", 90.0),
    ];
    let c = comparto(100_000, r.clone(), tied.clone());
    fails(&c, "no tie_break");
    r["tie_break"] = json!(["behaviours"]);
    let c = comparto(100_000, r.clone(), tied.clone());
    fails(&c, "has no tie key");
    let keyed: Vec<Value> = tied
        .iter()
        .map(|p| with(p.clone(), "tie_keys", json!({ "behaviours": 70 })))
        .collect();
    let c = comparto(100_000, r.clone(), keyed.clone());
    fails(&c, "does not break");
    let mut broken = keyed;
    broken[1]["tie_keys"]["behaviours"] = json!(71);
    let c = comparto(100_000, r.clone(), broken);
    assert_eq!(
        case(&c).unwrap()["maggiorazione"]["recipients"],
        json!(["B"])
    );
    // A tie away from the cut-off needs no rule.
    r["tie_break"] = Value::Null;
    let c = comparto(
        100_000,
        r,
        vec![
            person("A", "operatore", 95.0),
            person("B", "operatore", 90.0),
            person("C", "operatore", 90.0),
        ],
    );
    assert!(case(&c).is_ok());
    // Dirigenti: percent below the floor, R′ > S, payment times not certified.
    let mut r = rules("proportional");
    r["dirigenti"] = json!({ "percent": 24, "top": 1 });
    fails(
        &dirigenti(&[90.0, 80.0, 70.0, 70.0, 65.0, 60.0], r.clone()),
        "below the floor",
    );
    r["dirigenti"] = json!({ "percent": 20, "entity_objectives_clause": true });
    assert!(case(&dirigenti(&[90.0, 80.0, 70.0, 70.0, 65.0, 60.0], r.clone())).is_ok());
    r["dirigenti"] = json!({ "percent": 500, "top": 6 });
    fails(
        &dirigenti(&[90.0, 80.0, 70.0, 70.0, 65.0, 60.0], r),
        "needs more",
    );
    let flagged = with(
        person("E", "eq", 80.0),
        "responsabile_pagamenti",
        json!(true),
    );
    let c = budget("eq_risultato", 1000, rules("proportional"), vec![flagged]);
    fails(&c, "not certified");
}

/// A comparto case from generated people: (cluster, score, part_time, sick days).
fn generated(budget_cents: i64, formula: Value, people: &[(usize, u32, u32, u32)]) -> Value {
    let clusters = [
        "funzionario",
        "istruttore",
        "operatore_esperto",
        "operatore",
    ];
    let people = people
        .iter()
        .enumerate()
        .map(|(i, &(c, score, part_time, sick))| {
            let mut p = person(&format!("P{i}"), clusters[c], f64::from(score) / 100.0);
            p["part_time"] = json!(part_time);
            p["absences"] = json!([{ "kind": "sickness", "days": sick }]);
            p
        })
        .collect();
    let mut formula = formula;
    formula["parameters"] = json!({ "funzionario": 1.3, "istruttore": 1.2,
                                    "operatore_esperto": 1.1, "operatore": 1 });
    comparto(budget_cents, formula, people)
}

fn formulas() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(rules("proportional")),
        Just(cuneo()),
        Just(json!({ "formula": "threshold_step",
                     "steps": { "base_percent": 60, "step_percent": 1.5, "full_from": 95 } })),
    ]
}

proptest! {
    #[test]
    fn the_pool_balances_and_ranks(
        budget_cents in 0i64..100_000_000,
        formula in formulas(),
        people in proptest::collection::vec((0usize..4, 4000u32..10000, 1u32..=100, 0u32..100), 0..25),
    ) {
        let c = generated(budget_cents, formula, &people);
        let r = case(&c).unwrap();
        prop_assert!(balanced(&c, &r));
        let p = payouts(&r);
        prop_assert!(p.iter().all(|p| p.1 >= 0 && p.4 >= 0 && p.4 == p.1 + p.2 - p.3));
        for (i, x) in people.iter().enumerate() {
            for (j, y) in people.iter().enumerate() {
                // Same cluster and presence, higher score: never less.
                if x.0 == y.0 && x.2 == y.2 && x.3 == y.3 && x.1 > y.1 {
                    prop_assert!(p[i].4 >= p[j].4, "{:?} vs {:?}", p[i], p[j]);
                }
            }
        }
    }

    #[test]
    fn the_maggiorazione_balances(
        budget_cents in 1000i64..100_000_000,
        formula in formulas(),
        k in 1usize..4,
        people in proptest::collection::vec((0usize..4, 4000u32..10000, 1u32..=100, 0u32..100), 0..25),
    ) {
        let mut c = generated(budget_cents, formula, &people);
        c["rules"]["maggiorazione"] = json!({ "m_percent": 30, "k": k });
        c["rules"]["tie_break"] = json!(["k"]);
        for (i, p) in c["people"].as_array_mut().unwrap().iter_mut().enumerate() {
            p["tie_keys"] = json!({ "k": i });
        }
        let r = case(&c).unwrap();
        prop_assert!(balanced(&c, &r));
        let recipients = r["maggiorazione"]["recipients"].as_array().unwrap().len();
        let positives = people.iter().filter(|p| p.1 >= 6000).count();
        prop_assert_eq!(recipients, k.min(positives));
    }

    #[test]
    fn dirigenti_balance(
        scores in proptest::collection::vec(4000u32..10000, 6..15),
        top in 1u32..3,
        quota in any::<bool>(),
    ) {
        let mut r = if quota {
            json!({ "formula": "threshold_step",
                    "steps": { "base_percent": 60, "step_percent": 1, "full_from": null } })
        } else {
            rules("proportional")
        };
        r["dirigenti"] = json!({ "top": top });
        let people = scores
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut p = person(&format!("D{i}"), "dirigente", f64::from(*s) / 100.0);
                p["tie_keys"] = json!({ "k": i });
                p
            })
            .collect();
        let mut r2 = r;
        r2["tie_break"] = json!(["k"]);
        let c = budget("dirigenti_risultato", 1_234_567, r2, people);
        match case(&c) {
            Ok(r) => {
                prop_assert!(balanced(&c, &r));
                if let Some(f) = r["differentiation"]["floor_cents"].as_i64() {
                    let p = payouts(&r);
                    for id in r["differentiation"]["top"].as_array().unwrap() {
                        let got = p.iter().find(|p| p.0 == id.as_str().unwrap()).unwrap();
                        prop_assert!(got.1 >= f);
                    }
                }
            }
            Err(e) => prop_assert!(e.contains("needs more"), "{}", e),
        }
    }
}
