//! Search over the objectives and phases of a plan, in their words, ignoring case and accents.

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use domain::Objective;
use maud::html;
use serde::Deserialize;

use super::layout::{Page, Section, render};
use super::{PageResult, PlanPage};
use crate::paths;

const MAX_QUERY: usize = domain::limits::Field::SearchQuery.max_chars();
const MAX_RESULTS: usize = 100;

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

/// Lower case without accents, for comparing words as people type them.
fn key(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| domain::values::fold_accent(c).unwrap_or(c))
        .collect()
}

/// What matched in an objective: the objective itself, and the phases that match.
struct Hit<'a> {
    objective: &'a Objective,
    in_card: bool,
    phases: Vec<&'a domain::Phase>,
}

pub async fn page(
    PlanPage { viewer, v, .. }: PlanPage<paths::Search>,
    q: Result<Query<SearchQuery>, QueryRejection>,
) -> PageResult {
    let query: String = q
        .ok()
        .and_then(|Query(q)| q.q)
        .unwrap_or_default()
        .trim()
        .chars()
        .take(MAX_QUERY)
        .collect();
    let words: Vec<String> = key(&query).split_whitespace().map(str::to_owned).collect();
    let matches = |text: &str| {
        let k = key(text);
        words.iter().all(|w| k.contains(w.as_str()))
    };
    let hits: Vec<Hit> = if words.is_empty() {
        vec![]
    } else {
        v.plan
            .objectives
            .iter()
            .filter_map(|o| {
                let card = [
                    Some(o.title.as_str()),
                    o.strategic_purpose.as_deref(),
                    o.directives.as_deref(),
                    o.expected_result.as_deref(),
                ]
                .into_iter()
                .flatten()
                .chain(o.indicators.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(" ");
                let phases: Vec<_> = o
                    .phases
                    .iter()
                    .filter(|p| matches(&p.description))
                    .collect();
                let in_card = matches(&format!("{} {card}", o.id));
                (in_card || !phases.is_empty()).then_some(Hit {
                    objective: o,
                    in_card,
                    phases,
                })
            })
            .take(MAX_RESULTS)
            .collect()
    };
    let body = html! {
        h1 { "Cerca negli obiettivi e nelle fasi" }
        form class="cerca" role="search" method="get" action=(paths::search(v.id())) {
            label for="q" { "Parole da cercare" }
            input id="q" name="q" type="search" value=(query) maxlength=(MAX_QUERY) aria-describedby="q-aiuto";
            button type="submit" { "Cerca" }
            p id="q-aiuto" class="nota" { "Si cercano tutte le parole, senza distinguere maiuscole e accenti." }
        }
        @if !words.is_empty() {
            h2 id="risultati" {
                @match hits.len() {
                    0 => { "Nessun risultato per «" (query) "»" }
                    1 => { "1 obiettivo per «" (query) "»" }
                    n => { (n) " obiettivi per «" (query) "»" }
                }
            }
            ul class="schede" aria-labelledby="risultati" {
                @for hit in &hits {
                    li {
                        a href=(paths::objective(v.id(), hit.objective)) { (hit.objective.id) }
                        p { (hit.objective.title) }
                        @if !hit.in_card || !hit.phases.is_empty() {
                            ul {
                                @for p in &hit.phases { li { "Fase " (p.label) ": " (p.description) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(render(Page::section(&viewer, &v, Section::Search, body)))
}
