//! The Gantt chart of an objective: one row per phase against the months of the plan year.

use chrono::{Datelike, NaiveDate};
use domain::schedule::planned;
use domain::{Objective, messages};
use maud::{Markup, html};

const LABEL_W: f64 = 70.0;
const CHART_W: f64 = 600.0;
const ROW_H: i32 = 28;
const HEAD_H: i32 = 24;
const MONTHS: [&str; 12] = [
    "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic",
];

/// Where a phase's bar lies on the year, in days from 1 January, and how to draw it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Bar {
    /// From `from` to `to` (days), `open_end` when the deadline falls after the year.
    Span {
        from: f64,
        to: f64,
        open_end: bool,
        derived: bool,
    },
    /// Due before the plan year.
    Before,
    /// No date the plan fixes (an event, none, completed).
    Unplaced,
}

/// The SVG of `objective`'s phases against `year`. `id` makes its title and description
/// referable by `aria-labelledby` when several charts share a page.
pub fn svg(objective: &Objective, year: i32, id: &str) -> Markup {
    let rows = bars(objective, year);
    let height = HEAD_H + ROW_H * i32::try_from(rows.len().max(1)).unwrap_or(i32::MAX / 64) + 4;
    let width = (LABEL_W + CHART_W) as i32;
    let days = days_in(year);
    // Whole units of the 670-wide view box: finer is invisible, and integers print fast.
    let x = |day: f64| (LABEL_W + CHART_W * day / days).round() as i32;
    let title_id = format!("{id}-titolo");
    let desc_id = format!("{id}-descrizione");
    html! {
        svg class="gantt" xmlns="http://www.w3.org/2000/svg" role="img"
            viewBox=(format!("0 0 {width} {height}")) aria-labelledby=(title_id) aria-describedby=(desc_id) {
            title id=(title_id) { "Diagramma delle fasi dell'obiettivo " (objective.label) " nell'anno " (year) }
            desc id=(desc_id) { (description(objective, year)) }
            @for (m, name) in MONTHS.iter().enumerate() {
                @let start = month_start(year, m);
                rect class="gantt-month" x=(x(start)) y="0" width=(x(month_start(year, m + 1)) - x(start)) height=(height)
                    fill=(if m % 2 == 0 { "#f2f5f8" } else { "#ffffff" }) {}
                text class="gantt-month-name" x=(x(start) + 4) y="16" font-size="11" fill="#33485c" { (name) }
            }
            @for (i, (label, bar)) in rows.iter().enumerate() {
                @let y = HEAD_H + ROW_H * i32::try_from(i).unwrap_or(0);
                text x="4" y=(y + 18) font-size="12" fill="#1a1a1a" { "Fase " (label) }
                @match bar {
                    Bar::Span { from, to, open_end, derived } => {
                        rect x=(x(*from)) y=(y + 6) width=((x(*to) - x(*from)).max(3)) height=(ROW_H - 12) rx="3"
                            fill=(if *derived { "#ffffff" } else { "#0066cc" }) stroke="#0066cc" stroke-width="2"
                            stroke-dasharray=(if *derived { "4 3" } else { "none" }) {}
                        @if *open_end {
                            path d=(format!("M{} {} l6 8 l-6 8", x(*to) - 6, y + 6)) fill="none" stroke="#1a1a1a" stroke-width="2" {}
                        }
                    }
                    Bar::Before => {
                        text x=(LABEL_W as i32 + 6) y=(y + 18) font-size="11" fill="#5c6f82" { "prima del " (year) }
                    }
                    Bar::Unplaced => {
                        text x=(LABEL_W as i32 + 6) y=(y + 18) font-size="11" fill="#5c6f82" { "senza data nel piano" }
                    }
                }
            }
        }
    }
}

/// The chart in words, for those who do not see it.
fn description(objective: &Objective, year: i32) -> String {
    let planned = planned(objective, year);
    let parts: Vec<String> = objective
        .phases
        .iter()
        .zip(&planned)
        .map(|(phase, p)| match p.due {
            Some(due) => format!("fase {} entro il {}", phase.label, messages::date(due)),
            None => format!(
                "fase {}: {}",
                phase.label,
                messages::deadline(&phase.deadline)
            ),
        })
        .collect();
    if parts.is_empty() {
        "Nessuna fase.".to_owned()
    } else {
        format!("{}.", parts.join("; "))
    }
}

/// Each phase's bar: from the start it has (or the end of the phase before it, or 1 January)
/// to its due date, clipped to the year.
fn bars(objective: &Objective, year: i32) -> Vec<(String, Bar)> {
    let planned = planned(objective, year);
    let days = days_in(year);
    let mut previous_end: Option<NaiveDate> = None;
    objective
        .phases
        .iter()
        .zip(&planned)
        .map(|(phase, p)| {
            let bar = match p.due {
                Some(due) if due.year() >= year => {
                    let start = p
                        .start
                        .or(previous_end.filter(|e| *e < due))
                        .filter(|s| s.year() == year);
                    let from = start.map_or(0.0, |s| f64::from(s.ordinal0()));
                    let (to, open_end) = if due.year() > year {
                        (days, true)
                    } else {
                        (f64::from(due.ordinal()), false)
                    };
                    previous_end = Some(due);
                    Bar::Span {
                        from,
                        to,
                        open_end,
                        derived: p.derived,
                    }
                }
                Some(_) => Bar::Before,
                None => Bar::Unplaced,
            };
            (phase.label.to_string(), bar)
        })
        .collect()
}

fn days_in(year: i32) -> f64 {
    if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366.0
    } else {
        365.0
    }
}

/// Days from 1 January to the first day of month `m` (0-based; 12 is the year's end).
fn month_start(year: i32, m: usize) -> f64 {
    let month = u32::try_from(m + 1).unwrap_or(13);
    NaiveDate::from_ymd_opt(year, month, 1).map_or(days_in(year), |d| f64::from(d.ordinal0()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn objective(phases: &str) -> Objective {
        let json = format!(
            r#"{{"id": "u/A", "unit": "u", "label": "A", "title": "T", "strategic_purpose": null,
            "directives": null, "expected_result": null, "full_achievement": null,
            "not_achieved": null, "constraints": null, "human_resources": null,
            "financial_resources": null, "final_deadline": {{"kind": "none"}}, "phases": [{phases}]}}"#
        );
        serde_json::from_str(&json).unwrap()
    }

    fn phase(label: &str, deadline: &str) -> String {
        format!(
            r#"{{"label": "{label}", "description": "d", "weight_pct": 50, "deadline": {deadline}}}"#
        )
    }

    #[test]
    fn bars_follow_the_phases_through_the_year() {
        let o = objective(
            &[
                phase("1", r#"{"kind": "date", "date": "2021-03-31"}"#),
                phase(
                    "2",
                    r#"{"kind": "relative", "after": "phase", "phase": "1", "months": 2}"#,
                ),
                phase("3", r#"{"kind": "date", "date": "2022-06-30"}"#),
                phase("4", r#"{"kind": "start", "date": "2021-02-01"}"#),
                phase(
                    "5",
                    r#"{"kind": "relative", "after": "event", "event": "la firma", "days": 30}"#,
                ),
                phase("6", r#"{"kind": "date", "date": "2020-12-31"}"#),
            ]
            .join(","),
        );
        let rows: Vec<String> = bars(&o, 2021)
            .iter()
            .map(|(l, b)| format!("{l}: {b:?}"))
            .collect();
        expect![[r#"
            1: Span { from: 0.0, to: 90.0, open_end: false, derived: false }
            2: Span { from: 89.0, to: 151.0, open_end: false, derived: true }
            3: Span { from: 150.0, to: 365.0, open_end: true, derived: false }
            4: Span { from: 31.0, to: 365.0, open_end: false, derived: false }
            5: Unplaced
            6: Before"#]]
        .assert_eq(&rows.join("\n"));
    }

    #[test]
    fn the_chart_says_in_words_what_it_draws() {
        let o = objective(
            &[
                phase("1", r#"{"kind": "date", "date": "2021-03-31"}"#),
                phase("2", r#"{"kind": "none"}"#),
            ]
            .join(","),
        );
        let svg = svg(&o, 2021, "g").into_string();
        assert!(
            svg.contains(r#"aria-labelledby="g-titolo" aria-describedby="g-descrizione""#),
            "{svg}"
        );
        assert!(
            svg.contains("fase 1 entro il 31/03/2021; fase 2: nessuna."),
            "{svg}"
        );
        assert_eq!(
            svg.matches("<rect").count(),
            12 + 1,
            "twelve months and one bar"
        );
    }
}
