//! Tables of the Relazione: what each objective reports (target, actual, signed deviation,
//! «non rilevato»), which shortfalls need a reason, and its life from draft to published.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::scoring::engine::{Facts, score};
use serde_json::json;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Unit `a` owns A (two phases, and an indicator «giorni di attesa», lower is better, target
/// 30), B (one phase) and C (three-year: its final deadline in 2023).
fn plan() -> Plan {
    let date = |d: &str| json!({ "kind": "date", "date": d });
    let objective = |label: &str, phases: serde_json::Value, last: &str| {
        json!({
            "id": format!("a/{label}"), "unit": "a", "label": label, "title": format!("Obiettivo {label}"),
            "strategic_purpose": null, "directives": null, "phases": phases,
            "final_deadline": date(last),
            "expected_result": null, "full_achievement": null, "not_achieved": null,
            "indicators": ["giorni di attesa"],
            "constraints": null, "human_resources": null, "financial_resources": null
        })
    };
    let phase = |label: &str, w: u32, d: &str| json!({ "label": label, "description": "fase", "weight_pct": w, "deadline": date(d) });
    serde_json::from_value(json!({
        "format": "pegaso.plan/1",
        "entity": { "name": "Comune di Prova", "kind": "comune" },
        "title": "Piano", "period": { "from": 2021, "to": 2023 }, "year": 2021,
        "units": [{ "id": "a", "kind": "settore", "name": "a", "parent": null, "responsible_code": null, "staff": 3 }],
        "objectives": [
            objective("A", json!([phase("1", 50, "2021-03-31"), phase("2", 50, "2021-06-30")]), "2021-12-31"),
            objective("B", json!([phase("1", 100, "2021-05-31")]), "2021-12-31"),
            objective("C", json!([phase("1", 100, "2021-09-30")]), "2023-12-31"),
        ]
    }))
    .unwrap()
}

fn measured() -> (Plan, Settings, PlanScores) {
    let p = plan();
    let s = Settings::parse(
        &json!({
            "phases": { "method": { "method": "weighted_on_time" }, "empty_weights": "spread" },
            "phases_weight": 50, "indicators_weight": 50,
            "indicators": [{ "objective": "a/A", "indicator": 1, "unit": "giorni",
                "rule": { "conversion": "percent_of_target", "polarity": "lower_is_better",
                          "target": 30, "prior_year": 40, "no_actual": "exclude" } }]
        })
        .to_string(),
        &p,
    )
    .unwrap();
    // A: both phases on time, 36 days of waiting against 30; B: its phase late; C: on time.
    let done = vec![
        vec![Some(day(2021, 3, 1)), Some(day(2021, 6, 1))],
        vec![None],
        vec![Some(day(2021, 9, 1))],
    ];
    let actuals = vec![vec![Some(dec("36"))], vec![None], vec![None]];
    let scores = scored(&p, &s, &done, &actuals);
    (p, s, scores)
}

/// The plan scored at the year's end with these phases done and these actuals.
fn scored(
    p: &Plan,
    s: &Settings,
    done: &[Vec<Option<NaiveDate>>],
    actuals: &[Vec<Option<Decimal>>],
) -> PlanScores {
    let facts = Facts {
        done,
        actuals,
        ..Facts::default()
    };
    score(p, s, &facts, day(2021, 12, 31))
}

#[test]
fn every_objective_reports_its_target_actual_and_signed_deviation() {
    let (p, s, scores) = measured();
    let rows = rows(&p, &s, &scores, dec("10"));
    assert_eq!(rows.len(), 3, "no objective is dropped");
    let a = &rows[0];
    assert_eq!(a.measures.len(), 2);
    let phases = &a.measures[0];
    assert_eq!(
        (phases.target, phases.actual, phases.deviation),
        (Some(dec("100")), Some(dec("100")), Some(dec("0")))
    );
    let waiting = &a.measures[1];
    assert_eq!(waiting.name, "giorni di attesa");
    assert_eq!(waiting.unit.as_deref(), Some("giorni"));
    assert_eq!(waiting.baseline, Some(dec("40")));
    // Actual − target, signed, in the indicator's unit (days), whatever the polarity.
    assert_eq!(waiting.deviation, Some(dec("6")));
    assert!(!rows[0].multi_year && rows[2].multi_year);
}

#[test]
fn a_missing_actual_is_non_rilevato_and_a_shortfall_beyond_tolerance_needs_a_reason() {
    let (p, s, scores) = measured();
    let rows = rows(&p, &s, &scores, dec("10"));
    // B's only phase was never done: 0, not reached, beyond any tolerance under 100.
    assert_eq!(rows[1].reached, Reached::Not);
    assert!(rows[1].shortfall);
    // C's phase was done on time: reached, nothing to explain.
    assert_eq!(rows[2].reached, Reached::Fully);
    assert!(!rows[2].shortfall);
    // With the indicator blocking, A's score waits for nothing; take the actual away and
    // the indicator says «non rilevato» (no actual, no deviation).
    let done = vec![vec![None, None], vec![None], vec![None]];
    let actuals = vec![vec![None], vec![None], vec![None]];
    let blank = scored(&p, &s, &done, &actuals);
    let r = super::rows(&p, &s, &blank, dec("10"));
    assert_eq!(r[0].measures[1].actual, None);
    assert_eq!(r[0].measures[1].deviation, None);
}

#[test]
fn the_tolerance_decides_which_partial_results_need_a_reason() {
    let (p, s, scores) = measured();
    let a = scores.objectives[0].score.unwrap();
    assert!(a < dec("100") && a > dec("0"), "A is partly reached: {a}");
    let shortfall = dec("100") - a;
    let lenient = rows(&p, &s, &scores, shortfall.ceil() + dec("1"));
    assert!(!lenient[0].shortfall);
    let strict = rows(&p, &s, &scores, dec("0"));
    assert!(strict[0].shortfall);
    assert_eq!(strict[0].reached, Reached::Partly);
}

fn checklist(answer: Answer) -> Vec<Criterion> {
    CRITERIA
        .iter()
        .map(|(k, _)| Criterion {
            key: (*k).into(),
            answer,
            note: String::new(),
        })
        .collect()
}

#[test]
fn the_giunta_cannot_approve_an_unexplained_shortfall() {
    let (p, s, scores) = measured();
    let rows = rows(&p, &s, &scores, dec("10"));
    let r = Relazione::default();
    let err = r
        .approve(&rows, "Delibera G.C. n. 80", day(2022, 6, 20))
        .unwrap_err();
    assert!(err.contains("a/B"), "{err}");
    let explained = r
        .explain("a/B", "Il fornitore non ha consegnato.", Cause::Exogenous)
        .unwrap()
        .explain(
            "a/A",
            "Tempi di attesa saliti per il personale in meno.",
            Cause::Endogenous,
        )
        .unwrap();
    assert!(explained.unexplained(&rows).is_empty());
    let approved = explained
        .approve(&rows, "Delibera G.C. n. 80", day(2022, 6, 20))
        .unwrap();
    assert_eq!(approved.state(), State::Approved);
    // Once approved, nothing is rewritten.
    assert!(approved.explain("a/B", "altro", Cause::Endogenous).is_err());
    assert!(approved.write("x", dec("5")).is_err());
    // An empty act is refused.
    assert!(explained.approve(&rows, "  ", day(2022, 6, 20)).is_err());
}

#[test]
fn the_nucleo_answers_every_criterion_and_only_then_premia_are_released() {
    let approved = Relazione::default()
        .approve(&[], "Delibera G.C. n. 80", day(2022, 6, 20))
        .unwrap();
    assert!(!approved.releases_premia());
    // A criterion missing.
    let mut few = checklist(Answer::Si);
    few.pop();
    assert!(
        approved
            .validate(few, true, "", "Verbale 3", day(2022, 6, 25))
            .is_err()
    );
    // «In parte» without a note.
    let mut partly = checklist(Answer::Si);
    partly[3].answer = Answer::InParte;
    assert!(
        approved
            .validate(partly.clone(), true, "", "Verbale 3", day(2022, 6, 25))
            .is_err()
    );
    partly[3].note = "Due fonti non documentate.".into();
    // Validated with a «no» is refused; not validated with it is the Nucleo's call.
    let mut no = checklist(Answer::Si);
    no[0] = Criterion {
        key: "coerenza_piano".into(),
        answer: Answer::No,
        note: "Mancano tre obiettivi.".into(),
    };
    assert!(
        approved
            .validate(no.clone(), true, "", "Verbale 3", day(2022, 6, 25))
            .is_err()
    );
    // Before the Giunta's approval: refused.
    assert!(
        approved
            .validate(partly.clone(), true, "", "Verbale 3", day(2022, 6, 1))
            .is_err()
    );
    let refused = approved
        .validate(no, false, "Da rivedere.", "Verbale 3", day(2022, 6, 25))
        .unwrap();
    assert_eq!(refused.state(), State::NotValidated);
    assert!(!refused.releases_premia());
    assert!(refused.publish(day(2022, 7, 1)).is_err());
    // Revised and approved again: the refusal is kept.
    let again = refused
        .write("Con i tre obiettivi.", dec("10"))
        .unwrap()
        .approve(&[], "Delibera G.C. n. 95", day(2022, 7, 10))
        .unwrap();
    assert_eq!((again.state(), again.refused.len()), (State::Approved, 1));
    let validated = again
        .validate(partly, true, "Validata.", "Verbale 4", day(2022, 7, 15))
        .unwrap();
    assert_eq!(validated.state(), State::Validated);
    assert!(validated.releases_premia());
    let published = validated.publish(day(2022, 7, 20)).unwrap();
    assert_eq!(published.state(), State::Published);
    assert!(published.releases_premia());
    // An unknown criterion is refused.
    let mut odd = checklist(Answer::Si);
    odd.push(Criterion {
        key: "altro".into(),
        answer: Answer::Si,
        note: String::new(),
    });
    assert!(
        again
            .validate(odd, true, "", "Verbale 4", day(2022, 7, 15))
            .is_err()
    );
}

#[test]
fn late_after_the_thirtieth_of_june_until_validated() {
    let r = Relazione::default();
    assert_eq!(due(2021), Some(day(2022, 6, 30)));
    assert!(!r.late(2021, day(2022, 6, 30)));
    assert!(r.late(2021, day(2022, 7, 1)));
    let validated = r
        .approve(&[], "Delibera", day(2022, 6, 1))
        .unwrap()
        .validate(checklist(Answer::Si), true, "", "Verbale", day(2022, 6, 2))
        .unwrap();
    assert!(!validated.late(2021, day(2023, 1, 1)));
}

#[test]
fn the_summary_counts_each_objective_once() {
    let (p, s, scores) = measured();
    let rows = rows(&p, &s, &scores, dec("10"));
    let sum = Summary::of(&rows);
    assert_eq!(sum.objectives, 3);
    assert_eq!(
        sum.fully + sum.partly + sum.not + sum.unmeasured + sum.neutralised,
        3
    );
    assert_eq!((sum.fully, sum.partly, sum.not), (1, 1, 1));
    assert_eq!(sum.percent(1), Some(dec("33.3")));
}

#[test]
fn the_kept_document_reads_back() {
    let r = Relazione::default()
        .explain("a/B", "motivo", Cause::Exogenous)
        .unwrap();
    let back: Relazione = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(back, r);
}
