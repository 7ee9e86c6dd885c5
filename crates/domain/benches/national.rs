//! Benchmark: scoring a synthetic national load (issue 6): 8,000 administrations × 50
//! objectives × 6 phases, with two indicators per objective, each plan's own settings and the
//! facts reported, generated in memory from a seed. It times a plain pass over the same data
//! (the floor), then `engine::score` for every administration, in one thread and over all the
//! cores. Target: every administration scored in under 1 s.
//!
//! Run with `scripts/bench-national [ADMINISTRATIONS]`, or `cargo bench -p domain --bench
//! national -- [ADMINISTRATIONS]` (or `PEGASO_BENCH_ADMINISTRATIONS`). Without cargo bench's
//! `--bench` flag (`cargo test --benches`) it runs once on a few administrations, as a smoke test.

// A benchmark is a program: it reports on stdout.
#![allow(clippy::print_stdout)]

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use domain::scoring::engine::{
    self, Facts, IndicatorSetting, PlanScores, Settings, Subject, UnitWeighting, Weight,
};
use domain::scoring::indicator::{
    Band, BandRule, Bands, Conversion, Indicator, NoActual, Polarity, preset,
};
use domain::scoring::phases::{EmptyWeights, PhaseMethod, PhaseRules};
use domain::{
    Anchor, Deadline, Entity, EntityKind, Format, Objective, ObjectiveId, ObjectiveLabel, Offset,
    Percent, Period, Phase, PhaseLabel, Plan, Relative, Severity, Unit, UnitId, UnitKind, When,
};
use rust_decimal::Decimal;

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

type Res<T> = Result<T, Box<dyn Error>>;

const SEED: u64 = 0x5EED_2025_0006;
const ADMINISTRATIONS: usize = 8_000;
const UNITS: usize = 10;
const OBJECTIVES: usize = 50;
const PHASES: usize = 6;
const INDICATORS: usize = 2;
const YEAR: i32 = 2025;
const RUNS: usize = 7;
const TARGET: Duration = Duration::from_secs(1);
/// The event some deadlines count from.
const BUDGET: &str = "approvazione del bilancio di previsione";

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let benching = args.iter().any(|a| a == "--bench");
    let asked = args
        .iter()
        .find_map(|a| a.parse::<usize>().ok())
        .or_else(|| {
            std::env::var("PEGASO_BENCH_ADMINISTRATIONS")
                .ok()
                .and_then(|v| v.trim().parse().ok())
        });
    let (count, runs) = match (benching, asked) {
        (true, n) => (n.unwrap_or(ADMINISTRATIONS), RUNS),
        (false, n) => (n.unwrap_or(20), 1),
    };
    let threads = thread::available_parallelism().map_or(1, usize::from);
    let measured_on = day(YEAR + 1, 1, 31)?;

    let started = Instant::now();
    let admins = (0..count)
        .map(|i| administration(i, SEED))
        .collect::<Res<Vec<_>>>()?;
    let generated = started.elapsed();
    let findings = validate_sample(&admins);
    let data = Counts::of(&admins);

    println!(
        "pegaso national scoring benchmark: {count} administrations, seed {SEED:#x}, measured on {measured_on}, {threads} threads"
    );
    println!(
        "data: {} units, {} objectives, {} phases ({} done), {} indicators ({} actuals), {} neutralised subjects",
        data.units,
        data.objectives,
        data.phases,
        data.done,
        data.indicators,
        data.actuals,
        data.neutralised
    );
    println!(
        "generated in {:.0} ms; settings checked against every plan; the plan's rules on the first {}: {findings}",
        ms(generated),
        admins.len().min(SAMPLE)
    );
    println!("each timing: {runs} runs after one warm-up");

    let plain = time(runs, || plain_pass(black_box(&admins)));
    let sequential = time(runs, || {
        score_all(black_box(&admins), measured_on).checksum()
    });
    let parallel = time(runs, || {
        score_parallel(black_box(&admins), measured_on, threads).checksum()
    });
    let rows = [
        ("plain pass (floor)".to_string(), &plain),
        ("scoring, 1 thread".to_string(), &sequential),
        (format!("scoring, {threads} threads"), &parallel),
    ];
    for (name, t) in rows {
        println!(
            "{name:<22} median {:>9.1} ms   min {:>9.1} ms   {:>7.1}× plain",
            ms(t.median),
            ms(t.min),
            t.median.as_secs_f64() / plain.median.as_secs_f64().max(f64::MIN_POSITIVE)
        );
    }
    if count > 0 {
        let per_objective = parallel.median.as_secs_f64() * 1e9 / data.objectives.max(1) as f64;
        println!(
            "per objective: {:.0} ns in {threads} threads, {:.0} ns in 1",
            per_objective,
            sequential.median.as_secs_f64() * 1e9 / data.objectives.max(1) as f64
        );
    }

    let tally = score_all(&admins, measured_on);
    println!(
        "results: {} of {count} administrations scored (mean {}), {} of {} objectives scored, {} blocked by a missing actual",
        tally.administrations,
        tally
            .mean()
            .map_or("none".to_string(), |m| m.round_dp(2).to_string()),
        tally.objectives,
        data.objectives,
        tally.blocked
    );
    let verdict = if parallel.median < TARGET {
        "met"
    } else {
        "NOT met"
    };
    if count == ADMINISTRATIONS {
        println!(
            "target (8000 administrations under 1 s): {verdict} in {threads} threads ({:.0} ms); 1 thread takes {:.0} ms",
            ms(parallel.median),
            ms(sequential.median)
        );
    } else if count > 0 {
        let scaled = parallel.median.as_secs_f64() * ADMINISTRATIONS as f64 / count as f64;
        println!(
            "target (8000 administrations under 1 s): not measured at {count}; scaled linearly, {:.0} ms in {threads} threads",
            scaled * 1e3
        );
    }
    Ok(())
}

// --- The data -----------------------------------------------------------------------------

/// One administration: its plan, its settings and what was reported.
#[derive(Debug)]
struct Administration {
    plan: Plan,
    settings: Settings,
    done: Vec<Vec<Option<NaiveDate>>>,
    actuals: Vec<Vec<Option<Decimal>>>,
    events: Vec<(String, NaiveDate)>,
    neutralised: BTreeSet<Subject>,
}

impl Administration {
    fn facts(&self) -> Facts<'_> {
        Facts {
            done: &self.done,
            actuals: &self.actuals,
            events: &self.events,
            neutralised: (!self.neutralised.is_empty()).then_some(&self.neutralised),
        }
    }
}

fn day(year: i32, month: u32, day: u32) -> Res<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| "no such date".into())
}

/// Administration `index`: every one from its own stream, so that the first ones are the same
/// whatever the count.
fn administration(index: usize, seed: u64) -> Res<Administration> {
    let mut rng = Rng(seed ^ (index as u64).wrapping_mul(0xA24B_AED4_963E_E407));
    let jan1 = day(YEAR, 1, 1)?;
    let on = |d: i64| jan1 + Days::new(d.max(0) as u64);

    let units = (1..=UNITS)
        .map(|k| {
            Ok(Unit {
                id: UnitId::parse(format!("settore-{k}"))?,
                kind: UnitKind::Settore,
                name: format!("Settore {k}"),
                parent: None,
                heads: Vec::new(),
                responsible_code: None,
                functions: Vec::new(),
                staff: rng.chance(90).then(|| rng.range(3, 60) as u32),
            })
        })
        .collect::<Res<Vec<_>>>()?;
    let labels = (1..=PHASES)
        .map(|p| PhaseLabel::parse(p.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let budget = rng.chance(80).then(|| on(rng.range(30, 120)));

    let mut objectives = Vec::with_capacity(OBJECTIVES);
    let mut done = Vec::with_capacity(OBJECTIVES);
    let mut typical = Vec::with_capacity(OBJECTIVES);
    for oi in 0..OBJECTIVES {
        let unit = &units[oi * UNITS / OBJECTIVES].id;
        let label = ObjectiveLabel::parse(["A", "B", "C", "D", "E"][oi % 5])?;
        // One objective in ten runs over two years: its last phase is next year's slice.
        let multi_year = rng.chance(10);
        let this_year = if multi_year { PHASES - 1 } else { PHASES };
        let weights = weights(&mut rng, this_year)?;
        let empty = rng.chance(10);

        let mut phases = Vec::with_capacity(PHASES);
        let mut approx = Vec::with_capacity(PHASES);
        let mut at = rng.range(15, 75);
        for p in 0..PHASES {
            let step = rng.range(20, 55);
            let mut weight = weights.get(p).copied();
            let when = if p == 0 {
                When::Date { date: on(at) }
            } else if p >= this_year {
                at = 365 + rng.range(90, 180);
                weight = Some(Percent::HUNDRED);
                When::Date { date: on(at) }
            } else {
                at += step;
                match rng.below(100) {
                    0..50 => When::Date { date: on(at) },
                    50..72 => When::Relative(Relative {
                        anchor: Anchor::Phase {
                            phase: labels[p - 1].clone(),
                            point: None,
                        },
                        offset: if rng.chance(70) {
                            Offset::Days(step as u32)
                        } else {
                            Offset::Months(1 + (step / 40) as u32)
                        },
                    }),
                    72..82 => When::DuringYear,
                    82..88 => When::Start { date: on(at) },
                    88..94 => When::Relative(Relative {
                        anchor: Anchor::Event(BUDGET.to_string()),
                        offset: Offset::Days(step as u32),
                    }),
                    _ => When::Unspecified,
                }
            };
            if empty && p > 0 && p < this_year && rng.chance(30) {
                weight = None;
            }
            approx.push(at);
            phases.push(Phase {
                label: labels[p].clone(),
                description: String::new(),
                weight_pct: weight,
                responsible: Vec::new(),
                deadline: Deadline::new(when),
                deadline_text: String::new(),
            });
        }
        // About 70% of this year's phases are done, one in five of them late.
        done.push(
            approx
                .iter()
                .enumerate()
                .map(|(p, &at)| {
                    (p < this_year && rng.chance(70)).then(|| {
                        if rng.chance(80) {
                            on(at - rng.range(0, 25))
                        } else {
                            on(at + rng.range(1, 60))
                        }
                    })
                })
                .collect(),
        );
        let year_end = Deadline::date(day(YEAR, 12, 31)?);
        objectives.push(Objective {
            id: ObjectiveId::new(unit, &label),
            unit: unit.clone(),
            label,
            title: format!("Obiettivo sintetico {oi}"),
            strategic_purpose: None,
            directives: None,
            timing: None,
            phases,
            final_deadline: if multi_year {
                Deadline::date(day(YEAR + 1, 12, 31)?)
            } else {
                year_end.clone()
            },
            final_deadline_text: String::new(),
            year_deadline: multi_year.then_some(year_end),
            year_deadline_text: None,
            expected_result: None,
            full_achievement: None,
            not_achieved: None,
            indicators: (1..=INDICATORS)
                .map(|k| format!("Indicatore {k}"))
                .collect(),
            constraints: None,
            human_resources: None,
            financial_resources: None,
        });
        typical.push(Vec::with_capacity(INDICATORS));
    }

    let mut indicators = Vec::with_capacity(OBJECTIVES * INDICATORS);
    for (oi, o) in objectives.iter().enumerate() {
        for k in 1..=INDICATORS {
            let (rule, usual) = indicator_rule(&mut rng);
            typical[oi].push(usual);
            indicators.push(IndicatorSetting {
                objective: o.id.as_str().to_string(),
                indicator: k,
                weight: Decimal::from(rng.range(1, 2)),
                unit: None,
                rule,
            });
        }
    }
    // Most actuals are reported, around what the indicator usually measures.
    let actuals = typical
        .iter()
        .map(|row| {
            row.iter()
                .map(|&usual| {
                    rng.chance(88)
                        .then(|| Decimal::new(usual * rng.range(50, 130), 2))
                })
                .collect()
        })
        .collect();
    let mut objective_weights = Vec::new();
    for o in &objectives {
        if rng.chance(20) {
            objective_weights.push(Weight {
                objective: o.id.as_str().to_string(),
                weight: Decimal::from(rng.range(2, 3)),
            });
        }
    }
    let settings = Settings {
        phases: PhaseRules {
            method: match rng.below(3) {
                0 => PhaseMethod::AllOrNothing {
                    by_final: rng.chance(30),
                },
                1 => PhaseMethod::WeightedOnTime,
                _ => PhaseMethod::WeightedLateCredit {
                    days: if rng.chance(50) { 60 } else { 90 },
                },
            },
            tolerance_days: [0, 0, 5, 10][rng.below(4) as usize],
            empty_weights: if rng.chance(10) {
                EmptyWeights::Reject
            } else {
                EmptyWeights::Spread
            },
        },
        phases_weight: Decimal::from(60),
        indicators_weight: Decimal::from(40),
        max_score: if rng.chance(10) {
            Some(Decimal::from(120))
        } else {
            Some(Decimal::ONE_HUNDRED)
        },
        indicators,
        objective_weights,
        units: match rng.below(3) {
            0 => UnitWeighting::Equal,
            1 => UnitWeighting::Staff,
            _ => UnitWeighting::Set {
                weights: units
                    .iter()
                    .map(|u| Weight {
                        objective: u.id.as_str().to_string(),
                        weight: Decimal::from(rng.range(1, 5)),
                    })
                    .collect(),
            },
        },
        warn_days: 15,
    };
    // A few subjects neutralised by the evaluator.
    let neutralised = (0..rng.below(4))
        .map(|_| {
            let oi = rng.below(OBJECTIVES as u64) as usize;
            match rng.below(3) {
                0 => Subject::Objective(oi),
                1 => Subject::Phase(oi, rng.below(PHASES as u64) as usize),
                _ => Subject::Indicator(oi, rng.below(INDICATORS as u64) as usize),
            }
        })
        .collect();

    let plan = Plan {
        format: Format,
        entity: Entity {
            name: format!("Comune sintetico {index}"),
            kind: EntityKind::Comune,
            code: None,
        },
        title: format!("Piano della Performance {YEAR}-{}", YEAR + 2),
        period: Period {
            from: YEAR,
            to: YEAR + 2,
        },
        year: YEAR,
        strategy: Vec::new(),
        responsibles: Vec::new(),
        units,
        objectives,
        customer_satisfaction: Vec::new(),
        piao: None,
    };
    settings.check(&plan)?;
    Ok(Administration {
        plan,
        settings,
        done,
        actuals,
        events: budget
            .map(|d| (BUDGET.to_string(), d))
            .into_iter()
            .collect(),
        neutralised,
    })
}

/// `n` phase weights that sum to 100, whole or in tenths.
fn weights(rng: &mut Rng, n: usize) -> Res<Vec<Percent>> {
    let raw: Vec<i64> = (0..n).map(|_| rng.range(5, 30)).collect();
    let sum: i64 = raw.iter().sum();
    let (whole, scale) = if rng.chance(80) { (100, 0) } else { (1000, 1) };
    let mut parts: Vec<i64> = raw.iter().map(|r| r * whole / sum).collect();
    let rest = whole - parts.iter().sum::<i64>();
    if let Some(last) = parts.last_mut() {
        *last += rest;
    }
    Ok(parts
        .into_iter()
        .map(|p| Percent::new(Decimal::new(p, scale)))
        .collect::<Result<_, _>>()?)
}

/// An indicator's rule, with the size of the actual it usually measures.
fn indicator_rule(rng: &mut Rng) -> (Indicator, i64) {
    let target = rng.range(20, 500);
    let t = Decimal::from(target);
    let pct = |p: i64| Decimal::from(target * p) / Decimal::ONE_HUNDRED;
    let row = |from: i64, thru: i64, factor: i64, factor_min: Option<i64>| Band {
        from: Decimal::from(from),
        thru: Decimal::from(thru),
        factor: Decimal::from(factor),
        factor_min: factor_min.map(Decimal::from),
        prorate: factor_min.is_some(),
    };
    let blank = Indicator {
        conversion: Conversion::Value,
        polarity: Polarity::HigherIsBetter,
        actual: None,
        target: None,
        prior_year: None,
        limit_min: None,
        limit_max: None,
        limit_excellent: None,
        band: BandRule::None,
        bands: Bands::default(),
        no_actual: match rng.below(20) {
            0..8 => NoActual::TreatAsZero,
            8..13 => NoActual::ScoreZero,
            13..19 => NoActual::Exclude,
            _ => NoActual::Block,
        },
        allow_negative: false,
    };
    let kind = rng.below(10);
    let indicator = match kind {
        0 => Indicator {
            conversion: Conversion::Value,
            band: BandRule::Clamp,
            bands: Bands(vec![row(0, 100, 100, None)]),
            ..blank
        },
        1 => Indicator {
            conversion: Conversion::PercentOfTarget,
            target: Some(t),
            band: BandRule::Direct,
            bands: Bands(preset("achievement").unwrap_or_default()),
            ..blank
        },
        2 => Indicator {
            conversion: Conversion::PercentOfTarget,
            polarity: Polarity::LowerIsBetter,
            target: Some(t),
            ..blank
        },
        3 => Indicator {
            conversion: Conversion::RatioOfTarget,
            target: Some(t),
            ..blank
        },
        4 => Indicator {
            conversion: Conversion::ProgressFromPriorYear,
            target: Some(t),
            prior_year: Some(pct(80)),
            ..blank
        },
        5 => Indicator {
            conversion: Conversion::PercentOfPriorYear,
            prior_year: Some(t),
            band: BandRule::Prorate,
            bands: Bands(vec![row(0, 60, 60, Some(0)), row(60, 150, 100, Some(60))]),
            ..blank
        },
        6 => Indicator {
            conversion: Conversion::GapToPriorYear,
            prior_year: Some(t),
            allow_negative: rng.chance(50),
            ..blank
        },
        7 => Indicator {
            conversion: Conversion::Limits,
            target: Some(t),
            limit_min: Some(pct(80)),
            limit_max: Some(pct(120)),
            band: BandRule::Direct,
            bands: Bands(preset("limits_60_100").unwrap_or_default()),
            ..blank
        },
        // Limits in descending order: lower is better.
        8 => Indicator {
            conversion: Conversion::LimitsExcellence,
            target: Some(t),
            limit_min: Some(pct(120)),
            limit_max: Some(pct(80)),
            limit_excellent: Some(pct(60)),
            ..blank
        },
        _ => Indicator {
            conversion: if rng.chance(50) {
                Conversion::AbsoluteGap
            } else {
                Conversion::PercentGap
            },
            target: Some(t),
            band: BandRule::Clamp,
            bands: Bands(vec![row(-50, 50, 0, None)]),
            allow_negative: true,
            ..blank
        },
    };
    (indicator, if kind == 0 { 80 } else { target })
}

const SAMPLE: usize = 50;

/// The plan's own rules on the first plans: how many findings of each code and severity.
fn validate_sample(admins: &[Administration]) -> String {
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    for d in admins
        .iter()
        .take(SAMPLE)
        .flat_map(|a| domain::validate(&a.plan))
    {
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        *found
            .entry(format!("{severity} {}", d.code.as_str()))
            .or_default() += 1;
    }
    if found.is_empty() {
        return "nothing to report".to_string();
    }
    found
        .iter()
        .map(|(code, n)| format!("{n} {code}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug, Default)]
struct Counts {
    units: usize,
    objectives: usize,
    phases: usize,
    done: usize,
    indicators: usize,
    actuals: usize,
    neutralised: usize,
}

impl Counts {
    fn of(admins: &[Administration]) -> Counts {
        let mut c = Counts::default();
        for a in admins {
            c.units += a.plan.units.len();
            c.objectives += a.plan.objectives.len();
            c.phases += a.plan.phase_count();
            c.done += a.done.iter().flatten().flatten().count();
            c.indicators += a.settings.indicators.len();
            c.actuals += a.actuals.iter().flatten().flatten().count();
            c.neutralised += a.neutralised.len();
        }
        c
    }
}

// --- What is timed ------------------------------------------------------------------------

/// The floor: every phase and indicator visited once, with decimal sums of the weight done
/// and of the actuals.
fn plain_pass(admins: &[Administration]) -> u64 {
    let mut weight_done = Decimal::ZERO;
    let mut actuals = Decimal::ZERO;
    let mut visited = 0u64;
    for a in admins {
        for (o, done) in a.plan.objectives.iter().zip(&a.done) {
            for (p, done) in o.phases.iter().zip(done) {
                visited += 1;
                if let (Some(w), Some(_)) = (p.weight_pct, done) {
                    weight_done += w.value();
                }
            }
        }
        for actual in a.actuals.iter().flatten().flatten() {
            visited += 1;
            actuals += *actual;
        }
    }
    black_box((weight_done, actuals));
    visited
}

/// What the scores came to, so that nothing is thrown away unseen.
#[derive(Debug, Default)]
struct Tally {
    administrations: usize,
    sum: Decimal,
    objectives: usize,
    blocked: usize,
}

impl Tally {
    fn add(&mut self, s: &PlanScores) {
        if let Some(score) = s.administration {
            self.administrations += 1;
            self.sum += score;
        }
        self.objectives += s.objectives.iter().filter(|o| o.score.is_some()).count();
        self.blocked += s.objectives.iter().filter(|o| o.blocked).count();
    }

    fn merge(mut self, other: Tally) -> Tally {
        self.administrations += other.administrations;
        self.sum += other.sum;
        self.objectives += other.objectives;
        self.blocked += other.blocked;
        self
    }

    fn mean(&self) -> Option<Decimal> {
        (self.administrations > 0).then(|| self.sum / Decimal::from(self.administrations))
    }

    fn checksum(&self) -> u64 {
        (self.administrations + self.objectives) as u64
    }
}

fn score_all(admins: &[Administration], measured_on: NaiveDate) -> Tally {
    let mut tally = Tally::default();
    for a in admins {
        let scores = engine::score(&a.plan, &a.settings, &a.facts(), measured_on);
        tally.add(black_box(&scores));
    }
    tally
}

/// The administrations in as many contiguous shares as there are threads.
fn score_parallel(admins: &[Administration], measured_on: NaiveDate, threads: usize) -> Tally {
    let share = admins.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|scope| {
        let workers: Vec<_> = admins
            .chunks(share)
            .map(|chunk| scope.spawn(move || score_all(chunk, measured_on)))
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .fold(Tally::default(), Tally::merge)
    })
}

#[derive(Debug)]
struct Timing {
    median: Duration,
    min: Duration,
}

/// One warm-up, then `runs` timed runs.
fn time(runs: usize, mut f: impl FnMut() -> u64) -> Timing {
    black_box(f());
    let mut took: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect();
    took.sort();
    Timing {
        median: took[took.len() / 2],
        min: took[0],
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
