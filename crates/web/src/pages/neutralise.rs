//! Neutralisation by the Nucleo di Valutazione: an objective, one of its phases or indicators
//! taken out of the measurement, always with a reason, and shown where it applies; lifted the
//! same way.

use axum::response::Response;
use domain::access::{Action, decide};
use domain::{Actor, messages};
use maud::{Markup, html};
use serde::Deserialize;

use super::forms::Signed;
use super::see_other;
use crate::cache::{Part, PlanView};
use crate::error::AppError;
use crate::paths;
use cycle::Neutralising;

/// Every part of objective `index` the evaluator may neutralise: its key in forms and its name.
fn parts(v: &PlanView, index: usize) -> Vec<(Part, String)> {
    let Some(o) = v.plan.objectives.get(index) else {
        return Vec::new();
    };
    let mut out = vec![(Part::Whole, format!("L'obiettivo {} intero", o.label))];
    out.extend(
        o.phases
            .iter()
            .enumerate()
            .map(|(i, p)| (Part::Phase(i), format!("Fase {}", p.label))),
    );
    out.extend(
        o.indicators
            .iter()
            .enumerate()
            .map(|(i, t)| (Part::Indicator(i), format!("Indicatore {}: {t}", i + 1))),
    );
    out
}

fn form_key(p: Part) -> String {
    match p {
        Part::Whole => "obiettivo".into(),
        Part::Phase(i) => format!("fase-{}", i + 1),
        Part::Indicator(i) => format!("indicatore-{}", i + 1),
    }
}

/// The card's neutralisation section: what is neutralised (to everyone who reads results) and,
/// for the Nucleo while the plan is measured, the form.
pub fn section(v: &PlanView, index: usize, actor: Option<&Actor>, csrf: &str) -> Markup {
    let Some(o) = v.plan.objectives.get(index) else {
        return html! {};
    };
    let current: Vec<(String, &store::Neutralisation)> = parts(v, index)
        .into_iter()
        .filter_map(|(p, name)| {
            let key = v.subject(index, p)?;
            Some((name, v.monitoring.neutralisation(&key)?))
        })
        .collect();
    // A past day is read, not changed.
    let open = v.day.is_none() && decide(actor, Action::Neutralise, v.summary.state).is_ok();
    // Neutralisations are part of the results: not shown before they may be read.
    if decide(actor, Action::ReadProgress, v.summary.state).is_err() {
        return html! {};
    }
    let action = paths::ObjectiveNeutralise::of(v.id(), o);
    html! {
        @if !current.is_empty() || open {
            h2 id="neutralizzazioni" { "Neutralizzazioni" }
        }
        @if !current.is_empty() {
            ul {
                @for (name, n) in &current {
                    li {
                        strong { (name) } ": " (n.reason)
                        " (" (n.decided_by) ", " (messages::date(n.decided_at.date_naive())) ")"
                    }
                }
            }
        }
        @if open {
            form method="post" action=(action) {
                input type="hidden" name="csrf" value=(csrf);
                p class="nota" {
                    "Ciò che si neutralizza esce da ogni media e gli altri pesi si ripartiscono; "
                    "resta visibile con il motivo. Per revocare, si sceglie la stessa parte e «Revoca»."
                }
                p {
                    label for="parte" { "Parte" }
                    select id="parte" name="part" {
                        @for (p, name) in parts(v, index) { option value=(form_key(p)) { (name) } }
                    }
                }
                p {
                    label for="motivo" { "Motivo (obbligatorio)" }
                    textarea id="motivo" name="reason" rows="3" {}
                }
                p {
                    button type="submit" name="decision" value="neutralise" { "Neutralizza" }
                    " "
                    button type="submit" name="decision" value="lift" { "Revoca" }
                }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NeutraliseForm {
    part: String,
    reason: String,
    decision: String,
}

pub async fn save(
    at: paths::ObjectiveNeutralise,
    s: Signed<NeutraliseForm>,
) -> Result<Response, AppError> {
    let (cycle, who, f) = (s.cycle(), s.who(), &s.form);
    let (v, _) = cycle.view(&at.plan, Some(who), true).await?;
    let index = v.find_objective(&at.unit, &at.label)?;
    let part = parts(&v, index)
        .into_iter()
        .map(|(p, _)| p)
        .find(|p| form_key(*p) == f.part);
    let decision = match f.decision.as_str() {
        "neutralise" => Neutralising::Neutralise(&f.reason),
        "lift" => Neutralising::Lift,
        _ => Neutralising::Unknown,
    };
    cycle
        .neutralise(&at.plan, who, at.unit_label(), part, decision, &s.stamp())
        .await?;
    Ok(see_other(at.objective().section("punteggio")))
}
