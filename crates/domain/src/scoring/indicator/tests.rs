//! One row per rule variant: the case as `pegaso score indicators` reads it, and the value and
//! score (or the outcome) it must give.

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

use super::*;

fn case(fields: serde_json::Value) -> Indicator {
    serde_json::from_value(fields).unwrap()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Checks `(case, value, score)` rows; `value`/`score` as decimal text, `-` for none.
fn check(rows: &[(serde_json::Value, &str, &str)]) {
    for (fields, value, score_text) in rows {
        let outcome = score(&case(fields.clone()));
        let Outcome::Scored { value: v, score: s } = outcome.clone() else {
            panic!("{fields}: {outcome:?}");
        };
        let shown = v.map_or("-".to_string(), |v| v.normalize().to_string());
        assert_eq!(shown, *value, "value of {fields}");
        assert_eq!(s.normalize().to_string(), *score_text, "score of {fields}");
    }
}

/// The two polarities, as the plan writes them.
const HIGHER: &str = "higher_is_better";
const LOWER: &str = "lower_is_better";

#[test]
fn conversions_against_target() {
    let t = |conversion: &str, polarity: &str, actual: f64, target: f64| json!({"conversion": conversion, "polarity": polarity, "actual": actual, "target": target});
    check(&[
        (t("value", HIGHER, 80.0, 100.0), "80", "80"),
        (t("absolute_gap", HIGHER, 80.0, 100.0), "-20", "0"),
        (t("percent_gap", HIGHER, 120.0, 100.0), "20", "20"),
        (t("percent_of_target", HIGHER, 80.0, 100.0), "80", "80"),
        (t("percent_of_target", LOWER, 80.0, 100.0), "120", "120"),
        (t("percent_of_target", LOWER, 130.0, 100.0), "70", "70"),
        (t("ratio_of_target", HIGHER, 80.0, 100.0), "0.8", "0.8"),
        // A target of zero: 100 on the good side of zero, else 0.
        (t("percent_of_target", HIGHER, 5.0, 0.0), "100", "100"),
        (t("percent_of_target", HIGHER, -5.0, 0.0), "0", "0"),
        (t("percent_gap", LOWER, 3.0, 0.0), "0", "0"),
        (t("percent_gap", LOWER, 0.0, 0.0), "100", "100"),
        // A ratio with a zero divisor gives the same 100 or 0, not a hundredth of it.
        (t("ratio_of_target", HIGHER, 5.0, 0.0), "100", "100"),
        (t("ratio_of_target", LOWER, 5.0, 0.0), "0", "0"),
    ]);
}

#[test]
fn conversions_against_the_prior_year() {
    let p = |conversion: &str, polarity: &str, actual: f64, target: f64, prior: f64| {
        json!({"conversion": conversion, "polarity": polarity, "actual": actual,
               "target": target, "prior_year": prior})
    };
    let (progress, percent) = ("progress_from_prior_year", "percent_of_prior_year");
    check(&[
        (p(progress, HIGHER, 110.0, 120.0, 100.0), "50", "50"),
        (p(progress, HIGHER, 125.0, 120.0, 100.0), "100", "100"),
        (p(progress, HIGHER, 90.0, 120.0, 100.0), "0", "0"),
        (p(progress, LOWER, 35.0, 30.0, 40.0), "50", "50"),
        (p(progress, LOWER, 45.0, 30.0, 40.0), "0", "0"),
        (p(percent, HIGHER, 110.0, 0.0, 100.0), "110", "110"),
        (p(percent, LOWER, 80.0, 0.0, 100.0), "120", "120"),
        (p("gap_to_prior_year", HIGHER, 90.0, 0.0, 120.0), "-25", "0"),
    ]);
}

#[test]
fn limits_in_both_directions_and_excellence() {
    let l = |actual: f64, min: f64, t: f64, max: f64| {
        json!({"conversion": "limits", "actual": actual, "target": t,
               "limit_min": min, "limit_max": max, "allow_negative": true})
    };
    check(&[
        (l(40.0, 50.0, 80.0, 100.0), "-1", "-1"),
        (l(50.0, 50.0, 80.0, 100.0), "0", "0"),
        (l(65.0, 50.0, 80.0, 100.0), "50", "50"),
        (l(80.0, 50.0, 80.0, 100.0), "100", "100"),
        (l(90.0, 50.0, 80.0, 100.0), "150", "150"),
        (l(100.0, 50.0, 80.0, 100.0), "201", "201"),
        // Lower is better: the order of the limits says so, every comparison mirrored.
        (l(12.0, 10.0, 6.0, 4.0), "-1", "-1"),
        (l(8.0, 10.0, 6.0, 4.0), "50", "50"),
        (l(5.0, 10.0, 6.0, 4.0), "150", "150"),
        (l(4.0, 10.0, 6.0, 4.0), "201", "201"),
        (l(3.0, 10.0, 6.0, 4.0), "201", "201"),
        // Limits that meet: at them is "at or past Lmax".
        (l(7.0, 7.0, 7.0, 7.0), "201", "201"),
        (l(8.0, 7.0, 7.0, 7.0), "201", "201"),
        (l(6.0, 7.0, 7.0, 7.0), "-1", "-1"),
        // The target at the maximum: reaching it is reaching the maximum.
        (l(100.0, 50.0, 100.0, 100.0), "201", "201"),
        (l(75.0, 50.0, 100.0, 100.0), "50", "50"),
        // The target at the minimum: the minimum is the target reached.
        (l(50.0, 50.0, 50.0, 100.0), "100", "100"),
    ]);
    let e = |actual: f64| {
        json!({"conversion": "limits_excellence", "actual": actual, "target": 80,
               "limit_min": 50, "limit_max": 100, "limit_excellent": 120})
    };
    check(&[
        (e(100.0), "200", "200"),
        (e(110.0), "250", "250"),
        (e(120.0), "301", "301"),
        (e(90.0), "150", "150"),
    ]);
    let met = |actual: f64, exc: f64| {
        json!({"conversion": "limits_excellence", "actual": actual, "target": 7,
               "limit_min": 7, "limit_max": 7, "limit_excellent": exc})
    };
    check(&[
        (met(7.0, 9.0), "200", "200"),
        (met(8.0, 9.0), "250", "250"),
        (met(7.0, 7.0), "301", "301"),
    ]);
    // Limits that fit neither direction are an error of the plan, not a score.
    let bad = case(
        json!({"conversion": "limits", "actual": 1, "target": 5, "limit_min": 10, "limit_max": 20}),
    );
    assert_eq!(score(&bad), Outcome::Invalid(ScoreError::LimitsOrder));
    let missing = case(json!({"conversion": "percent_of_target", "actual": 1}));
    assert_eq!(
        score(&missing),
        Outcome::Invalid(ScoreError::Missing("target"))
    );
}

#[test]
fn bands_direct_prorate_clamp_and_presets() {
    let b = |band: &str, v: f64, bands: serde_json::Value| json!({"conversion": "value", "actual": v, "band": band, "bands": bands});
    let rows = json!([
        {"from": 0, "thru": 70, "factor": 70},
        {"from": 70.01, "thru": 90, "factor": 90, "factor_min": 80, "prorate": true},
        {"from": 90.01, "thru": 100, "factor": 100}
    ]);
    check(&[
        (b("direct", 65.0, rows.clone()), "65", "70"),
        (b("direct", 70.005, rows.clone()), "70.005", "70.005"),
        (b("direct", 95.0, rows.clone()), "95", "100"),
        (b("prorate", 65.0, rows.clone()), "65", "70"),
        (b("prorate", 80.005, rows.clone()), "80.005", "85"),
        (b("prorate", 120.0, rows.clone()), "120", "0"),
        (b("clamp", 120.0, rows.clone()), "120", "100"),
        (b("clamp", -3.0, rows.clone()), "-3", "0"),
        (b("direct", 85.0, json!("achievement")), "85", "90"),
        (b("direct", 150.0, json!("limits_60_100")), "150", "90"),
        (b("direct", 201.0, json!("limits_60_100")), "201", "100"),
    ]);
}

#[test]
fn no_actual_follows_its_policy() {
    let n = |policy: &str| {
        case(
            json!({"conversion": "percent_of_target", "actual": null, "target": 50,
                    "band": "direct", "bands": "achievement", "no_actual": policy}),
        )
    };
    assert_eq!(
        score(&n("treat_as_zero")),
        Outcome::Scored {
            value: Some(d("0")),
            score: d("70")
        }
    );
    assert_eq!(
        score(&n("score_zero")),
        Outcome::Scored {
            value: None,
            score: d("0")
        }
    );
    assert_eq!(
        score(&n("exclude")),
        Outcome::NotMeasurable(NoActual::Exclude)
    );
    assert_eq!(score(&n("block")), Outcome::NotMeasurable(NoActual::Block));
}

#[test]
fn decimals_stay_exact() {
    // 1/3 of the way, in decimal: no float on the way.
    let c = case(json!({"conversion": "percent_of_target", "actual": "1", "target": "3"}));
    let Outcome::Scored { score: s, .. } = score(&c) else {
        panic!()
    };
    assert_eq!(s.round_dp(10), d("33.3333333333"));
}

proptest! {
    /// Floored and banded by the achievement table, a score stays within 0..=100.
    #[test]
    fn banded_scores_stay_in_bounds(a in -1000i64..1000, t in 1i64..500) {
        let c = case(json!({"conversion": "percent_of_target", "actual": a, "target": t,
                            "band": "clamp", "bands": "achievement"}));
        let Outcome::Scored { score: s, .. } = score(&c) else { panic!() };
        prop_assert!(s >= Decimal::ZERO && s <= Decimal::ONE_HUNDRED);
    }

    /// More of a higher-is-better actual never lowers its score, whatever the rule.
    #[test]
    fn more_actual_never_scores_less(a in 0i64..400, extra in 0i64..100, t in 1i64..300,
                                     conversion in prop::sample::select(vec![
                                         "value", "absolute_gap", "percent_gap", "percent_of_target",
                                         "ratio_of_target", "progress_from_prior_year",
                                         "percent_of_prior_year", "gap_to_prior_year"])) {
        let at = |actual: i64| {
            let c = case(json!({"conversion": conversion, "actual": actual, "target": t,
                                "prior_year": t / 2, "band": "direct", "bands": "achievement"}));
            match score(&c) { Outcome::Scored { score, .. } => score, other => panic!("{other:?}") }
        };
        prop_assert!(at(a + extra) >= at(a));
    }
}
