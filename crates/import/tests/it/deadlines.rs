//! Every deadline of the seed resolved against facts: dates stay, in-year ones fall on 31/12
//! of the plan year, starts count from their date, "none" and "completed" give no date;
//! deadlines relative to a phase move with its actual completion, those relative to an event
//! wait for its recorded date; phases after a multi-year card's year deadline leave the
//! year's slice (and its score).

use chrono::{Days, Months, NaiveDate};
use domain::schedule::{Facts, Standing, planned, resolved, standing};
use domain::scoring::engine::{self, Settings};
use domain::{Anchor, Offset, When};

use crate::seed_import;

fn add(day: NaiveDate, offset: Offset) -> NaiveDate {
    match offset {
        Offset::Days(n) => day + Days::new(u64::from(n)),
        Offset::Months(n) => day + Months::new(n),
    }
}

#[test]
fn every_deadline_of_the_seed_resolves_against_facts() {
    let Some(import) = seed_import() else { return };
    let plan = &import.plan;
    let year_end = NaiveDate::from_ymd_opt(plan.year, 12, 31).unwrap();
    let event_day = NaiveDate::from_ymd_opt(plan.year, 3, 1).unwrap();
    let (mut dates, mut in_year, mut starts, mut after_phase, mut after_event, mut none) =
        (0, 0, 0, 0, 0, 0);
    for o in &plan.objectives {
        let plain = planned(o, plan.year);
        // Every phase done five days after its planned date (or on 10/05 when it has none).
        let done: Vec<Option<NaiveDate>> = plain
            .iter()
            .map(|p| {
                Some(
                    p.due
                        .map_or(NaiveDate::from_ymd_opt(plan.year, 5, 10).unwrap(), |d| {
                            d + Days::new(5)
                        }),
                )
            })
            .collect();
        let events: Vec<(String, NaiveDate)> = o
            .phases
            .iter()
            .filter_map(|p| match &p.deadline.when {
                When::Relative(r) => match &r.anchor {
                    Anchor::Event(words) => Some((words.clone(), event_day)),
                    Anchor::Phase { .. } => None,
                },
                _ => None,
            })
            .collect();
        let facts = Facts {
            done: &done,
            events: &events,
        };
        let real = resolved(o, plan.year, &facts);
        for (i, p) in o.phases.iter().enumerate() {
            let place = format!("{} fase {}", o.id, p.label);
            match &p.deadline.when {
                When::Date { date } => {
                    dates += 1;
                    assert_eq!(real[i].due, Some(*date), "{place}");
                }
                When::DuringYear => {
                    in_year += 1;
                    assert_eq!(real[i].due, Some(year_end), "{place}");
                }
                When::Start { date } => {
                    starts += 1;
                    assert_eq!(real[i].start, Some(*date), "{place}");
                    assert_eq!(real[i].due, Some(year_end), "{place}");
                }
                When::Completed | When::Unspecified => {
                    none += 1;
                    assert_eq!(real[i].due, None, "{place}");
                    assert_eq!(
                        standing(None, None, year_end, 15),
                        Standing::NoDeadline,
                        "{place}"
                    );
                }
                When::Relative(r) => match &r.anchor {
                    Anchor::Phase { phase, .. } => {
                        after_phase += 1;
                        let j = o.phases.iter().position(|x| &x.label == phase).unwrap();
                        // From the other phase's actual completion, not its planned date.
                        assert_eq!(
                            real[i].due,
                            Some(add(done[j].unwrap(), r.offset)),
                            "{place}"
                        );
                        assert_eq!(
                            plain[i].due,
                            plain[j].due.map(|d| add(d, r.offset)),
                            "{place}: planned from the planned date"
                        );
                    }
                    Anchor::Event(_) => {
                        after_event += 1;
                        assert_eq!(plain[i].due, None, "{place}: no date until the event");
                        assert_eq!(real[i].due, Some(add(event_day, r.offset)), "{place}");
                    }
                },
            }
        }
    }
    eprintln!(
        "seed deadlines: {dates} dates, {in_year} in-year, {starts} starts, {after_phase} after a phase, \
         {after_event} after an event, {none} none or completed"
    );
    for (kind, n) in [
        ("dates", dates),
        ("in-year", in_year),
        ("after a phase", after_phase),
        ("after an event", after_event),
        ("none or completed", none),
    ] {
        assert!(n > 0, "the seed has deadlines {kind}");
    }
}

#[test]
fn multi_year_cards_measure_the_year_slice_only() {
    let Some(import) = seed_import() else { return };
    let plan = &import.plan;
    let settings = Settings::default();
    let scores = engine::score(
        plan,
        &settings,
        &engine::Facts::default(),
        NaiveDate::from_ymd_opt(plan.year, 12, 31).unwrap(),
    );
    let mut sliced = 0;
    for (oi, o) in plan.objectives.iter().enumerate() {
        let Some(end) = o.year_deadline.as_ref().and_then(|d| d.fixed_date()) else {
            continue;
        };
        for (i, p) in o.phases.iter().enumerate() {
            let later = p.deadline.fixed_date().is_some_and(|d| d > end);
            let elsewhere = later
                || matches!(p.deadline.when, When::Completed)
                || p.weight_pct.is_some_and(|w| w.is_zero());
            assert_eq!(o.in_year_slice(p), !elsewhere, "{} fase {}", o.id, p.label);
            assert_eq!(
                scores.objectives[oi].in_slice.contains(&i),
                !elsewhere,
                "{} fase {}: scored only in its year",
                o.id,
                p.label
            );
            sliced += usize::from(later);
        }
    }
    assert!(
        sliced > 0,
        "the seed has multi-year cards with phases of later years"
    );
}
