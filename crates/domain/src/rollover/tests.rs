//! Tests of the draft of next year: small hand-made plans, one rule each, and the demo plan.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};

use super::*;
use crate::diagnostic::{Code, Severity};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn phase(label: &str, weight: Value, deadline: Value, text: &str) -> Value {
    json!({"label": label, "description": format!("fase {label}"), "weight_pct": weight,
           "responsible": [], "deadline": deadline, "deadline_text": text})
}

fn objective(label: &str, phases: Vec<Value>, final_deadline: Value, final_text: &str) -> Value {
    json!({
        "id": format!("settore-a/{label}"), "unit": "settore-a", "label": label, "title": format!("Obiettivo {label}"),
        "strategic_purpose": null, "directives": null, "phases": phases,
        "final_deadline": final_deadline, "final_deadline_text": final_text,
        "expected_result": null, "full_achievement": null, "not_achieved": null, "indicators": [],
        "constraints": null, "human_resources": null, "financial_resources": null
    })
}

fn date(s: &str) -> Value {
    json!({"kind": "date", "date": s})
}

fn plan(year: i32, objectives: Vec<Value>) -> Plan {
    serde_json::from_value(json!({
        "format": "pegaso.plan/1",
        "entity": {"name": "Comune di Prova", "kind": "comune"},
        "title": format!("Piano della Performance {}-{} / PEG {year}", year, year + 2),
        "period": {"from": year, "to": year + 2},
        "year": year,
        "strategy": [{"id": "s1", "title": "Strategia", "axes": [{"id": "s1.1", "text": "asse"}]}],
        "responsibles": [{"code": "100", "title": "RESPONSABILE SETTORE A"}],
        "units": [
            {"id": "settore-a", "kind": "settore", "name": "Settore A", "parent": null,
             "heads": [{"name": "Dott. X", "role": "Dirigente", "from": null, "until": null}],
             "responsible_code": "100", "functions": ["funzione"], "staff": 3}
        ],
        "objectives": objectives,
        "customer_satisfaction": [{"service": "URP", "year": year - 1, "positive_pct": 76, "neutral_pct": 17, "negative_pct": 7}]
    }))
    .expect("a well-formed plan")
}

fn id(s: &str) -> ObjectiveId {
    serde_json::from_value(json!(s)).unwrap()
}

fn codes(c: &Carried) -> Vec<Code> {
    c.diagnostics.iter().map(|d| d.code).collect()
}

/// A one-year objective with every kind of deadline.
fn every_kind() -> Value {
    objective(
        "A",
        vec![
            phase("1", json!(20), date("2021-06-30"), "30/06/2021"),
            phase(
                "2",
                json!(20),
                json!({"kind": "start", "date": "2021-02-01"}),
                "inizio servizio 01/02/2021",
            ),
            phase(
                "3",
                json!(10),
                json!({"kind": "during_year"}),
                "in corso d'anno",
            ),
            phase("4", json!(0), json!({"kind": "completed"}), "Conclusa"),
            phase(
                "5",
                json!(20),
                json!({"kind": "relative", "after": "phase", "phase": "1", "months": 2}),
                "2 mesi da fase 1)",
            ),
            phase("6", json!(10), json!({"kind": "none"}), ""),
            phase(
                "7",
                json!(10),
                json!({"kind": "date", "date": "2021-11-30", "tentative": true}),
                "presumibilmente 30/11/2021",
            ),
            phase(
                "8",
                json!(10),
                json!({"kind": "relative", "after": "event", "event": "riunione del 22/01/2021", "days": 30}),
                "30 giorni dalla riunione del 22/01/2021",
            ),
        ],
        date("2021-12-31"),
        "31/12/2021",
    )
}

#[test]
fn a_one_year_objective_is_offered_unticked_and_its_dates_move_when_kept() {
    let old = plan(2021, vec![every_kind()]);
    let preview = preview(&old, 2022);
    assert!(!preview.objectives[0].continues);
    assert!(!preview.objectives[0].ticked());
    assert!(ticked(&preview).is_empty());

    let (new, carried) = make(&old, 2022, &[id("settore-a/A")]).unwrap();
    let o = &new.objectives[0];
    let p = |i: usize| &o.phases[i];
    assert_eq!(p(0).deadline, Deadline::date(d(2022, 6, 30)));
    assert_eq!(p(0).deadline_text, "30/06/2022");
    assert_eq!(
        p(1).deadline.when,
        When::Start {
            date: d(2022, 2, 1)
        }
    );
    assert_eq!(p(1).deadline_text, "inizio servizio 01/02/2022");
    assert_eq!(p(6).deadline.fixed_date(), Some(d(2022, 11, 30)));
    assert!(p(6).deadline.tentative, "tentative stays tentative");
    assert_eq!(p(6).deadline_text, "presumibilmente 30/11/2022");
    // Kinds without a calendar date, and the words of an event, do not move.
    for i in [2, 3, 4, 5, 7] {
        assert_eq!(p(i), &old.objectives[0].phases[i], "phase {}", i + 1);
    }
    // A one-year objective kept repeats: its weights are as they were.
    let weights = |o: &Objective| o.phases.iter().map(|p| p.weight_pct).collect::<Vec<_>>();
    assert_eq!(weights(o), weights(&old.objectives[0]));
    assert_eq!(o.final_deadline, Deadline::date(d(2022, 12, 31)));
    assert_eq!(o.final_deadline_text, "31/12/2022");

    let offer = &carried.carried[0];
    let moved: Vec<(String, NaiveDate, NaiveDate)> = offer
        .moved
        .iter()
        .map(|m| (crate::messages::rollover_part(&m.what), m.from, m.to))
        .collect();
    assert_eq!(
        moved,
        vec![
            ("fase 1".into(), d(2021, 6, 30), d(2022, 6, 30)),
            ("fase 2".into(), d(2021, 2, 1), d(2022, 2, 1)),
            ("fase 7".into(), d(2021, 11, 30), d(2022, 11, 30)),
            ("scadenza finale".into(), d(2021, 12, 31), d(2022, 12, 31)),
        ]
    );
    assert!(offer.concluded.is_empty() && offer.next.is_empty());
    assert!(carried.left_behind.is_empty());
    assert!(codes(&carried).is_empty(), "{:?}", carried.diagnostics);
}

#[test]
fn the_plan_around_the_objectives_is_copied_and_scrolled() {
    let old = plan(2021, vec![every_kind()]);
    let (new, carried) = make(&old, 2022, &[]).unwrap();
    assert_eq!(new.year, 2022);
    assert_eq!(
        new.period,
        Period {
            from: 2022,
            to: 2024
        }
    );
    assert_eq!(new.title, "Piano della Performance 2022-2024 / PEG 2022");
    assert_eq!(new.id().unwrap().as_str(), "comune-di-prova-2022");
    assert_eq!(new.entity, old.entity);
    assert_eq!(new.strategy, old.strategy);
    assert_eq!(new.responsibles, old.responsibles);
    assert_eq!(new.units, old.units);
    assert!(new.objectives.is_empty());
    assert!(
        new.customer_satisfaction.is_empty(),
        "last year's surveys stay behind"
    );
    assert_eq!(carried.surveys_dropped, 1);
    assert_eq!(carried.left_behind.len(), 1);
    assert_eq!(carried.units[0].kept, vec!["Dott. X".to_string()]);
    // The account says all of it.
    let text = crate::messages::rollover_report(&carried);
    assert!(
        text.contains("Obiettivi lasciati indietro: 1\n  settore-a/A"),
        "{text}"
    );
    assert!(text.contains("indagini di gradimento"), "{text}");
}

#[test]
fn titles_change_only_where_they_write_the_years() {
    let title = |t: &str, year: i32| {
        let mut p = plan(2021, vec![]);
        p.title = t.into();
        make(&p, year, &[]).unwrap().0.title
    };
    assert_eq!(
        title("Piano della Performance", 2022),
        "Piano della Performance"
    );
    assert_eq!(
        title("PEG 2021 – triennio 2021 – 2023", 2022),
        "PEG 2022 – triennio 2022 – 2024"
    );
    assert_eq!(
        title("Piano 2021/2023, delibera n. 12345", 2022),
        "Piano 2022/2024, delibera n. 12345"
    );
    // 2023 alone is not the plan's year: it stays.
    assert_eq!(title("Obiettivi 2023", 2022), "Obiettivi 2023");
}

#[test]
fn a_multi_year_objective_continues_with_its_next_slice() {
    let multi = objective(
        "B",
        vec![
            phase("1", json!(0), json!({"kind": "completed"}), "Conclusa"),
            phase("2", json!(100), date("2021-12-31"), "31/12/2021"),
            phase("3", json!(0), date("2022-06-30"), "30/06/2022"),
            phase("4", json!(0), date("2023-03-31"), "31/03/2023"),
        ],
        date("2023-03-31"),
        "31/03/2023",
    );
    let old = plan(2021, vec![multi]);
    let preview = preview(&old, 2022);
    assert!(preview.objectives[0].continues);
    assert_eq!(ticked(&preview), vec![id("settore-a/B")]);

    let (new, carried) = make(&old, 2022, &ticked(&preview)).unwrap();
    let o = &new.objectives[0];
    // Done earlier, and done this year: both Conclusa, weight 0.
    for p in &o.phases[..2] {
        assert_eq!(p.deadline.when, When::Completed);
        assert_eq!(p.deadline_text, "Conclusa");
        assert_eq!(p.weight_pct, Some(Percent::ZERO));
        assert!(!o.in_year_slice(p));
    }
    // Phase 3 is the new year's: its date is of 2022 already, its 0% becomes to be set.
    assert_eq!(o.phases[2].deadline, Deadline::date(d(2022, 6, 30)));
    assert_eq!(o.phases[2].weight_pct, None);
    assert!(o.in_year_slice(&o.phases[2]));
    // Phase 4 is of the year after: as it was.
    assert_eq!(o.phases[3], old.objectives[0].phases[3]);
    assert_eq!(o.final_deadline, old.objectives[0].final_deadline);

    let offer = &carried.carried[0];
    let labels = |l: &[PhaseLabel]| l.iter().map(|p| p.as_str().to_owned()).collect::<Vec<_>>();
    assert_eq!(labels(&offer.concluded), ["2"]);
    assert_eq!(labels(&offer.next), ["3"]);
    assert_eq!(labels(&offer.weights_cleared), ["3"]);
    assert!(offer.moved.is_empty());
    assert_eq!(codes(&carried), vec![Code::WeightMissing]);
}

#[test]
fn a_year_slice_deadline_moves_and_the_next_slices_weights_stay() {
    let mut sliced = objective(
        "C",
        vec![
            phase("1", json!(40), date("2021-07-31"), "31/07/2021"),
            phase("2", json!(60), date("2021-12-31"), "31/12/2021"),
            phase("3", json!(85), date("2022-04-30"), "30/04/2022"),
            phase("4", json!(15), date("2022-12-31"), "31/12/2022"),
        ],
        date("2022-12-31"),
        "31/12/2022",
    );
    sliced["year_deadline"] = date("2021-12-31");
    sliced["year_deadline_text"] = json!("31/12/2021");
    // No year deadline: every phase weighs in one table; the new slice's no longer sum to 100.
    let spread = objective(
        "D",
        vec![
            phase("1", json!(70), date("2021-04-30"), "30/04/2021"),
            phase("2", json!(30), date("2022-01-31"), "31/01/2022"),
        ],
        date("2022-01-31"),
        "31/01/2022",
    );
    let old = plan(2021, vec![sliced, spread]);
    let keep = ticked(&preview(&old, 2022));
    assert_eq!(keep.len(), 2);
    let (new, carried) = make(&old, 2022, &keep).unwrap();
    let c = &new.objectives[0];
    assert_eq!(c.year_deadline, Some(Deadline::date(d(2022, 12, 31))));
    assert_eq!(c.year_deadline_text.as_deref(), Some("31/12/2022"));
    let slice: Vec<&str> = c
        .phases
        .iter()
        .filter(|p| c.in_year_slice(p))
        .map(|p| p.label.as_str())
        .collect();
    assert_eq!(slice, ["3", "4"]);
    assert_eq!(
        c.phases[2].weight_pct,
        old.objectives[0].phases[2].weight_pct
    );
    let dd = &new.objectives[1];
    assert_eq!(
        dd.phases[1].weight_pct,
        old.objectives[1].phases[1].weight_pct
    );
    // Validation says what the office must fix: only the spread objective's sum.
    let sums: Vec<&str> = carried
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::WeightsSum)
        .map(|d| d.location.path.as_str())
        .collect();
    assert_eq!(sums, ["objectives[1].phases"]);
}

#[test]
fn the_29th_of_february_becomes_the_28th() {
    let leap = objective(
        "A",
        vec![phase(
            "1",
            json!(100),
            date("2024-02-29"),
            "entro il 29/02/2024",
        )],
        date("2024-12-31"),
        "31/12/2024",
    );
    let (new, carried) = make(&plan(2024, vec![leap]), 2025, &[id("settore-a/A")]).unwrap();
    let p = &new.objectives[0].phases[0];
    assert_eq!(p.deadline, Deadline::date(d(2025, 2, 28)));
    assert_eq!(p.deadline_text, "entro il 28/02/2025");
    assert_eq!(carried.carried[0].moved[0].from, d(2024, 2, 29));
    // And four years on, it is the 29th again.
    assert_eq!(shift_date(d(2024, 2, 29), 4), d(2028, 2, 29));
}

#[test]
fn a_year_beyond_the_period_scrolls_it_and_moves_dates_by_the_years_between() {
    let mut one = every_kind();
    one["timing"] = json!("18/01/2021 – 31/10/2021");
    let old = plan(2021, vec![one]);
    let (new, carried) = make(&old, 2025, &[id("settore-a/A")]).unwrap();
    assert_eq!(
        new.period,
        Period {
            from: 2025,
            to: 2027
        }
    );
    assert_eq!(new.title, "Piano della Performance 2025-2027 / PEG 2025");
    let o = &new.objectives[0];
    assert_eq!(o.phases[0].deadline.fixed_date(), Some(d(2025, 6, 30)));
    assert_eq!(o.timing.as_deref(), Some("18/01/2025 – 31/10/2025"));
    assert!(
        carried.carried[0]
            .moved
            .iter()
            .any(|m| m.what == Part::Timing && m.to == d(2025, 10, 31))
    );
    assert!(!codes(&carried).contains(&Code::YearOutsidePeriod));
    assert!(!codes(&carried).contains(&Code::DeadlineOutsidePeriod));
}

#[test]
fn heads_whose_mandate_ended_are_left_unless_the_unit_would_have_none() {
    let mut old = plan(2021, vec![]);
    let head = |name: &str, from: Option<NaiveDate>, until: Option<NaiveDate>| Head {
        name: name.into(),
        role: Some("Direttore".into()),
        from,
        until,
    };
    old.units[0].heads = vec![
        head("Avv. Prima", None, Some(d(2021, 3, 31))),
        head("Dott. Secondo", Some(d(2021, 4, 1)), None),
        head("Ing. Terzo", Some(d(2022, 3, 1)), Some(d(2022, 9, 30))),
    ];
    let mut lone = old.units[0].clone();
    lone.id = UnitId::parse("azienda").unwrap();
    lone.responsible_code = None;
    lone.heads = vec![head(
        "Dott. Solo",
        Some(d(2021, 1, 1)),
        Some(d(2021, 6, 30)),
    )];
    old.units.push(lone);

    let (new, carried) = make(&old, 2022, &[]).unwrap();
    assert_eq!(
        new.units[0].heads,
        vec![
            head("Dott. Secondo", None, None),
            head("Ing. Terzo", Some(d(2022, 3, 1)), Some(d(2022, 9, 30))),
        ]
    );
    assert_eq!(carried.units[0].left, ["Avv. Prima"]);
    assert_eq!(carried.units[0].cleared, ["Dott. Secondo"]);
    assert_eq!(carried.units[0].kept, ["Ing. Terzo"]);
    assert_eq!(new.units[1].heads, vec![head("Dott. Solo", None, None)]);
    assert_eq!(carried.units[1].cleared, ["Dott. Solo"]);
    assert!(codes(&carried).is_empty(), "{:?}", carried.diagnostics);
}

#[test]
fn a_draft_is_refused_for_a_year_not_after_or_an_unknown_objective() {
    let old = plan(2021, vec![every_kind()]);
    assert_eq!(
        make(&old, 2021, &[]).unwrap_err(),
        RolloverError::NotAfter {
            from: 2021,
            year: 2021
        }
    );
    assert_eq!(
        make(&old, 2020, &[]).unwrap_err(),
        RolloverError::NotAfter {
            from: 2021,
            year: 2020
        }
    );
    assert_eq!(
        make(&old, 99999, &[]).unwrap_err(),
        RolloverError::Implausible(99999)
    );
    assert_eq!(
        make(&old, 2022, &[id("settore-a/Z")]).unwrap_err(),
        RolloverError::UnknownObjective(id("settore-a/Z"))
    );
}

fn demo() -> Plan {
    serde_json::from_str(include_str!(
        "../../../../data/demo/alessandria-2021.plan.json"
    ))
    .unwrap()
}

#[test]
fn the_demo_plan_rolls_over_to_the_next_year() {
    let old = demo();
    let next = old.year + 1;
    let preview = preview(&old, next);
    assert_eq!(preview.objectives.len(), old.objectives.len());
    // Continuing: work dated after the year, or a final deadline after it — read from the input.
    let after = |d: &Deadline| d.fixed_date().is_some_and(|d| d.year() > old.year);
    for (o, offer) in old.objectives.iter().zip(&preview.objectives) {
        let expected = after(&o.final_deadline)
            || o.phases.iter().any(|p| {
                after(&p.deadline)
                    || (!o.in_year_slice(p)
                        && p.deadline.fixed_date().is_none()
                        && p.deadline.when != When::Completed)
            });
        assert_eq!(offer.continues, expected, "{}", o.id);
    }
    let keep = ticked(&preview);
    assert!(!keep.is_empty() && keep.len() < old.objectives.len());

    let (new, carried) = make(&old, next, &keep).unwrap();
    assert_eq!(new.objectives.len(), keep.len());
    assert_eq!(
        carried.carried.len() + carried.left_behind.len(),
        old.objectives.len()
    );
    assert_eq!(new.units.len(), old.units.len());
    assert_eq!(new.period.from, next);
    assert_eq!(
        new.period.to - new.period.from,
        old.period.to - old.period.from
    );
    assert!(new.title.contains(&next.to_string()), "{}", new.title);
    assert!(new.customer_satisfaction.is_empty());
    assert_eq!(carried.surveys_dropped, old.customer_satisfaction.len());
    // No date of the old year is left on a carried objective.
    for o in &new.objectives {
        let dated = o
            .phases
            .iter()
            .map(|p| &p.deadline)
            .chain(std::iter::once(&o.final_deadline))
            .chain(o.year_deadline.as_ref());
        for d in dated {
            assert!(
                d.fixed_date().is_none_or(|d| d.year() != old.year),
                "{}: {d:?}",
                o.id
            );
        }
        // Each continuing objective's new slice holds the phases the report says.
        let offer = carried.carried.iter().find(|c| c.id == o.id).unwrap();
        let slice: Vec<&PhaseLabel> = o
            .phases
            .iter()
            .filter(|p| o.in_year_slice(p))
            .map(|p| &p.label)
            .collect();
        assert_eq!(slice, offer.next.iter().collect::<Vec<_>>(), "{}", o.id);
    }
    // A draft the store can take, and it reads back as the same plan; its only errors are the
    // weights of the slices that continue, which the planning office shares out again.
    let errors: Vec<_> = carried
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && d.code != Code::WeightsSum)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let text = serde_json::to_string(&new).unwrap();
    assert_eq!(serde_json::from_str::<Plan>(&text).unwrap(), new);

    // Keeping everything: every one-year objective repeats a year on.
    let all: Vec<ObjectiveId> = old.objectives.iter().map(|o| o.id.clone()).collect();
    let (every, carried) = make(&old, next, &all).unwrap();
    assert_eq!(every.objectives.len(), old.objectives.len());
    let moved: usize = carried.carried.iter().map(|c| c.moved.len()).sum();
    let old_dates = old
        .objectives
        .iter()
        .filter(|o| {
            !preview
                .objectives
                .iter()
                .any(|p| p.id == o.id && p.continues)
        })
        .flat_map(|o| {
            o.phases
                .iter()
                .map(|p| &p.deadline)
                .chain([&o.final_deadline])
                .chain(o.year_deadline.as_ref())
        })
        .filter(|d| d.fixed_date().is_some_and(|d| d.year() == old.year))
        .count();
    let timing_dates: usize = carried
        .carried
        .iter()
        .map(|c| c.moved.iter().filter(|m| m.what == Part::Timing).count())
        .sum();
    let continuing_moved: usize = carried
        .carried
        .iter()
        .filter(|c| c.continues)
        .map(|c| c.moved.iter().filter(|m| m.what != Part::Timing).count())
        .sum();
    assert_eq!(moved, old_dates + timing_dates + continuing_moved);
}
