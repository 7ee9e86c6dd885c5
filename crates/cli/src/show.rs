//! `pegaso show`: the plan as a tree in the terminal, units → objectives → phases.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use domain::{Objective, Plan, Unit, messages as msg};

use crate::output;

/// Width of the lines, from `COLUMNS` when the shell exports it.
fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w >= 60)
        .unwrap_or(100)
}

pub fn run(file: &Path, unit: Option<&str>) -> Result<ExitCode> {
    let text = output::read_text(file)?;
    let plan: Plan = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} non è un piano pegaso.plan/1 leggibile (usare `pegaso check` per i dettagli)",
            file.display()
        )
    })?;
    let units: Vec<&Unit> = match unit {
        Some(id) => match plan.units.iter().find(|u| u.id.as_str() == id) {
            Some(u) => vec![u],
            None => {
                let ids: Vec<&str> = plan.units.iter().map(|u| u.id.as_str()).collect();
                bail!(
                    "l'unità «{id}» non è nel piano; unità presenti: {}",
                    ids.join(", ")
                );
            }
        },
        None => plan.units.iter().collect(),
    };
    output::stdout(&render(&plan, &units, width()))?;
    Ok(ExitCode::SUCCESS)
}

/// The tree as text, each line at most `width` characters.
pub fn render(plan: &Plan, units: &[&Unit], width: usize) -> String {
    let mut s = String::new();
    let mut line = |text: String| {
        s.push_str(&fit(&text, width));
        s.push('\n');
    };
    line(format!(
        "{} · {} · PEG {}",
        plan.entity.name, plan.title, plan.year
    ));
    line(format!(
        "{} unità · {} obiettivi · {} fasi",
        plan.units.len(),
        plan.objectives.len(),
        plan.phase_count()
    ));
    for unit in units {
        line(String::new());
        line(format!("{} [{}]", unit.name, unit.id));
        for head in &unit.heads {
            let mut period = String::new();
            if let Some(from) = head.from {
                period.push_str(&format!(" dal {}", msg::date(from)));
            }
            if let Some(until) = head.until {
                period.push_str(&format!(" al {}", msg::date(until)));
            }
            line(format!(
                "  {}: {}{period}",
                head.role.as_deref().unwrap_or("Responsabile"),
                head.name
            ));
        }
        for o in plan.objectives.iter().filter(|o| o.unit == unit.id) {
            objective(o, &mut line);
        }
    }
    s
}

fn objective(o: &Objective, line: &mut impl FnMut(String)) {
    line(format!("  ├─ {}  {}", o.label, o.title));
    for p in &o.phases {
        let weight = p
            .weight_pct
            .map_or("  —".to_string(), |w| format!("{w:>3}%"));
        line(format!(
            "  │    fase {:<4}{weight}  {:<22}  {}",
            p.label.as_str(),
            msg::deadline(&p.deadline),
            p.description
        ));
    }
    if let Some(y) = &o.year_deadline {
        line(format!(
            "  │    scadenza dell'annualità: {}",
            msg::deadline(y)
        ));
    }
    line(format!(
        "  │    scadenza finale: {}",
        msg::deadline(&o.final_deadline)
    ));
}

/// Cuts a line to `width` characters, marking the cut with an ellipsis.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}
