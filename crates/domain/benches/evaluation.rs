//! Benchmark: individual evaluation and the result bonus (issue 15). A comune of 2,000 staff:
//! every scheda scored (`evaluation::score`) and the comparto's individual pool shared among
//! them (`rewards::case`, from the scores); then a national run, 8,000 administrations of 60
//! people (480,000), each scored and shared the same way; both beside a plain pass over the
//! same data (the floor), with the ratio; the national run also over all the cores (the
//! administrations are independent). Data generated in memory from a seed.
//! Targets: the comune under 50 ms, the national run under 2 s. The national run is also
//! timed through the typed entry (`rewards::share`), as a caller holding values would call it.
//!
//! Run with `cargo bench -p domain --bench evaluation`; without cargo bench's `--bench` flag
//! (`cargo test --benches`) it runs once on a small load, as a smoke test.

// A benchmark is a program: it reports on stdout.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use domain::evaluation::{self, Behaviour, Prevalence, Rating, Row, Scale, Scheda, Smvp, Source};
use rust_decimal::Decimal;
use serde_json::json;

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

const SEED: u64 = 0x5EED_2025_0015;
const COMUNE: usize = 2_000;
const ADMINISTRATIONS: usize = 8_000;
const PEOPLE: usize = 60;
const RUNS: usize = 7;
const BEHAVIOURS: usize = 4;
const COMPARTO: [&str; 4] = [
    "funzionario",
    "istruttore",
    "operatore_esperto",
    "operatore",
];

fn smvp() -> Smvp {
    let row = |o: i64, i: i64, b: i64| Row {
        organisational: Decimal::from(o),
        individual: Decimal::from(i),
        behaviours: Decimal::from(b),
        source: Source::Unit,
    };
    let mut clusters = BTreeMap::new();
    clusters.insert("funzionario".to_owned(), row(40, 10, 50));
    for c in ["istruttore", "operatore_esperto", "operatore"] {
        clusters.insert(c.to_owned(), row(30, 10, 60));
    }
    Smvp {
        prevalence: Prevalence::Relative,
        threshold: Decimal::from(60),
        achievement_cap: Decimal::ONE_HUNDRED,
        clusters,
        scale: Scale::Numeric { min: 1, max: 5 },
        catalogue: (1..=BEHAVIOURS)
            .map(|k| Behaviour {
                id: format!("C{k}"),
                clusters: None,
                staff_evaluation: false,
            })
            .collect(),
    }
}

/// An administration: its people's schede (all of the comparto), their presence.
struct Administration {
    schede: Vec<Scheda>,
    part_time: Vec<u64>,
    absences: Vec<u64>,
}

fn administration(rng: &mut Rng, people: usize) -> Administration {
    let unit_scores: Vec<Decimal> = (0..10)
        .map(|_| Decimal::new(5_000 + rng.below(5_000) as i64, 2))
        .collect();
    let mut schede = Vec::with_capacity(people);
    let (mut part_time, mut absences) = (Vec::new(), Vec::new());
    for _ in 0..people {
        let cluster = COMPARTO[rng.below(4) as usize].to_owned();
        let first = 20 + rng.below(61);
        schede.push(Scheda {
            cluster,
            unit_score: Some(unit_scores[rng.below(10) as usize]),
            entity_score: None,
            objectives: vec![
                (
                    "O1".into(),
                    Decimal::from(first),
                    Some(Decimal::from(rng.below(101))),
                ),
                (
                    "O2".into(),
                    Decimal::from(100 - first),
                    Some(Decimal::from(rng.below(101))),
                ),
            ],
            behaviours: (1..=BEHAVIOURS)
                .map(|k| {
                    (
                        format!("C{k}"),
                        Decimal::from(25),
                        Rating::Number(Decimal::from(1 + rng.below(5))),
                    )
                })
                .collect(),
        });
        part_time.push(if rng.below(10) == 0 { 50 } else { 100 });
        absences.push(if rng.below(5) == 0 { rng.below(60) } else { 0 });
    }
    Administration {
        schede,
        part_time,
        absences,
    }
}

/// Every scheda scored, then the pool shared by the scores: the paid total, as a checksum.
fn evaluate_and_share(smvp: &Smvp, a: &Administration) -> u64 {
    let mut people = Vec::with_capacity(a.schede.len());
    for (k, s) in a.schede.iter().enumerate() {
        let Ok(scored) = evaluation::score(smvp, s) else {
            return 0;
        };
        people.push(json!({
            "id": format!("p{k:05}"), "cluster": s.cluster, "score": domain::numbers::json(scored.score),
            "status": "definitiva", "part_time": a.part_time[k],
            "absences": [{ "kind": "sickness", "days": a.absences[k] }],
            "tie_keys": { "seniority": k },
        }));
    }
    let budget = 40_000 * a.schede.len() as u64;
    let case = json!({
        "id": "bench", "budget": "comparto_individual", "budget_cents": budget,
        "fund_variable_cents": budget * 3,
        "rules": { "formula": "proportional", "threshold": 60,
            "parameters": { "operatore": 1.0, "operatore_esperto": 1.1, "istruttore": 1.2, "funzionario": 1.3 },
            "maggiorazione": { "m_percent": 30, "k": 1 + a.schede.len() / 20 },
            "tie_break": ["seniority"] },
        "people": people,
    });
    domain::rewards::case(&case)
        .ok()
        .and_then(|r| r["paid_total_cents"].as_u64())
        .unwrap_or(0)
}

/// The same through the typed entry (`rewards::share`): the people handed over as values, not
/// written as JSON and read back.
fn evaluate_and_share_typed(smvp: &Smvp, a: &Administration) -> u64 {
    use domain::rewards::{
        Amount, Budget, Case, Dirigenti, Formula, Maggiorazione, Person, Presence, Rules,
    };
    let mut people = Vec::with_capacity(a.schede.len());
    for (k, s) in a.schede.iter().enumerate() {
        let Ok(scored) = evaluation::score(smvp, s) else {
            return 0;
        };
        let mut tie_keys = serde_json::Map::new();
        tie_keys.insert("seniority".into(), json!(k));
        people.push(Person {
            id: format!("p{k:05}"),
            cluster: s.cluster.clone(),
            score: scored.score,
            status: Some("definitiva".into()),
            days_employed: None,
            part_time: Decimal::from(a.part_time[k]),
            absences: vec![("sickness".into(), Decimal::from(a.absences[k]))],
            parameter: None,
            tie_keys,
            responsabile_pagamenti: false,
            payment_times_met: None,
        });
    }
    let budget = 40_000 * a.schede.len() as i128;
    let parameters = [
        ("operatore", "1.0"),
        ("operatore_esperto", "1.1"),
        ("istruttore", "1.2"),
        ("funzionario", "1.3"),
    ]
    .into_iter()
    .map(|(c, p)| (c.to_owned(), p.parse().unwrap_or_default()))
    .collect();
    let case = Case {
        budget: Budget::CompartoIndividual,
        budget_cents: budget,
        fund_variable_cents: Some(budget * 3),
        eq_posizione_cents: None,
        rules: Rules {
            formula: Formula::Proportional,
            threshold: Decimal::from(60),
            parameters: Some(parameters),
            maggiorazione: Some(Maggiorazione {
                amount: Amount::Percent(Decimal::from(30)),
                k: 1 + a.schede.len() / 20,
            }),
            tie_break: Some(vec!["seniority".into()]),
            presence: Presence {
                apply: true,
                days_in_year: Decimal::from(365),
                counted_as_present: vec!["maternity".into(), "paternity".into(), "parental".into()],
            },
            dirigenti: Dirigenti {
                percent: None,
                top: None,
                entity_objectives_clause: false,
            },
            payment_times_share_percent: Decimal::from(30),
        },
        people,
    };
    domain::rewards::share(&case)
        .map(|payouts| payouts.iter().map(|p| p.paid()).sum::<u128>())
        .ok()
        .and_then(|paid| u64::try_from(paid).ok())
        .unwrap_or(0)
}

/// The floor: the same data read once, its numbers summed.
fn plain(a: &Administration) -> u64 {
    let mut sum = Decimal::ZERO;
    for s in &a.schede {
        sum += s.unit_score.unwrap_or_default();
        for (_, w, x) in &s.objectives {
            sum += *w * x.unwrap_or_default();
        }
        for (_, w, r) in &s.behaviours {
            if let Rating::Number(n) = r {
                sum += *w * *n;
            }
        }
    }
    u64::try_from(sum.trunc()).unwrap_or(0)
}

fn median(runs: usize, mut f: impl FnMut() -> u64) -> (Duration, u64) {
    let check = f();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], check)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let (comune, administrations, runs) = if benching {
        (COMUNE, ADMINISTRATIONS, RUNS)
    } else {
        (200, 20, 1)
    };
    let smvp = smvp();
    let mut rng = Rng(SEED);
    let one = administration(&mut rng, comune);
    let all: Vec<Administration> = (0..administrations)
        .map(|_| administration(&mut rng, PEOPLE))
        .collect();
    println!(
        "pegaso evaluation and bonus-pool benchmark: a comune of {comune} staff; {administrations} administrations × {PEOPLE} people; seed {SEED:#x}; medians of {runs} runs after one warm-up"
    );
    let (floor, _) = median(runs, || plain(black_box(&one)));
    let (time, paid) = median(runs, || evaluate_and_share(&smvp, black_box(&one)));
    println!(
        "comune:   plain pass {:>9.2} ms   schede + pool {:>9.2} ms   {:>6.1}× plain   (paid {paid} cents; target 50 ms)",
        ms(floor),
        ms(time),
        ms(time) / ms(floor).max(1e-9)
    );
    let national_runs = runs.min(3);
    let (floor, _) = median(national_runs, || {
        all.iter().map(|a| plain(black_box(a))).sum()
    });
    let (time, paid) = median(national_runs, || {
        all.iter()
            .map(|a| evaluate_and_share(&smvp, black_box(a)))
            .sum()
    });
    println!(
        "national: plain pass {:>9.2} ms   schede + pool {:>9.2} ms   {:>6.1}× plain   (paid {paid} cents; target 2,000 ms)",
        ms(floor),
        ms(time),
        ms(time) / ms(floor).max(1e-9)
    );
    let (typed, paid_typed) = median(national_runs, || {
        all.iter()
            .map(|a| evaluate_and_share_typed(&smvp, black_box(a)))
            .sum()
    });
    println!(
        "national, typed entry:            schede + pool {:>9.2} ms   {:>6.1}× plain   (paid {paid_typed} cents, the same: {}; target 2,000 ms)",
        ms(typed),
        ms(typed) / ms(floor).max(1e-9),
        paid_typed == paid
    );
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let (time, paid_parallel) = median(national_runs, || {
        let chunk = all.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let smvp = &smvp;
            all.chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|a| evaluate_and_share(smvp, black_box(a)))
                            .sum::<u64>()
                    })
                })
                .collect::<Vec<_>>()
                .into_iter()
                .map(|h| h.join().unwrap_or(0))
                .sum()
        })
    });
    println!(
        "national, {threads} threads:       schede + pool {:>9.2} ms   {:>6.1}× plain   (paid {paid_parallel} cents, the same: {})",
        ms(time),
        ms(time) / ms(floor).max(1e-9),
        paid_parallel == paid
    );
    if paid == 0 {
        println!("warning: nothing was paid: the data or the rules are wrong");
    }
}
