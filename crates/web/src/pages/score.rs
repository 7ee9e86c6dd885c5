//! An objective's score on its card, with "come è calcolato": the rule of the plan, each
//! phase's and indicator's line, the weights used and the sums, leaf to root.

use domain::messages;
use domain::scoring::engine::ObjectiveScore;
use domain::scoring::indicator::Outcome;
use domain::scoring::phases::PhaseScore;
use maud::{Markup, html};
use rust_decimal::Decimal;

use super::layout::Column::{Number, Text};
use super::layout::table;
use crate::cache::{Part, PlanView};

/// A score in words: `72,50 su 100`, or why there is none.
pub fn words(score: Option<Decimal>) -> String {
    match score {
        Some(s) => format!("{} su 100", messages::score(s)),
        None => "non misurabile".into(),
    }
}

/// The card's "Punteggio" section for objective `index` (by position).
pub fn section(v: &PlanView, index: usize) -> Markup {
    let today = v.situation_day(crate::today());
    let scores = v.scores(today);
    let Some(s) = scores.objectives.get(index) else {
        return html! {};
    };
    let neutralised = v
        .subject(index, Part::Whole)
        .and_then(|k| v.monitoring.neutralisation(&k).cloned());
    html! {
        h2 id="punteggio" { "Punteggio" }
        p class="punteggio" {
            "Punteggio dell'obiettivo al " (messages::date(today)) ": "
            strong { (words(s.score)) }
            @if s.blocked { " — un indicatore attende il suo valore" }
        }
        @if let Some(n) = &neutralised {
            p class="avviso" {
                "Neutralizzato dal Nucleo di Valutazione il " (messages::date(n.decided_at.date_naive()))
                " (" (n.decided_by) "): " (n.reason) ". Resta visibile, ma non conta nella media dell'unità."
            }
        }
        details {
            summary { "Come è calcolato" }
            (explanation(v, index, s))
        }
    }
}

fn explanation(v: &PlanView, index: usize, s: &ObjectiveScore) -> Markup {
    let o = &v.plan.objectives[index];
    let record = |i: usize| v.record(index, i);
    let other_year: Vec<&str> = o
        .phases
        .iter()
        .enumerate()
        .filter(|(i, _)| !s.in_slice.contains(i))
        .map(|(_, p)| p.label.as_str())
        .collect();
    let indicators_score = s.indicators_score();
    html! {
        h3 { "Fasi" }
        p { "Regola del piano: " (messages::phase_method(&v.settings.phases)) "." }
        @if !other_year.is_empty() {
            p { "Fasi di altri anni, escluse dalla misura del " (v.plan.year) ": " (other_year.join(", ")) "." }
        }
        @match &s.phases {
            PhaseScore::Scored { score, lines } => {
                div class="scorre" role="region" aria-label="Calcolo delle fasi" tabindex="0" {
                    (table("Ogni fase: incidenza usata, scadenza, conclusione, esito e peso guadagnato",
                        &[Text("Fase"), Number("Incidenza"), Text("Scadenza"), Text("Conclusa il"), Text("Esito"), Number("Vale")], html! {
                        @for (line, &i) in lines.iter().zip(&s.in_slice) {
                            tr {
                                th scope="row" { (o.phases[i].label) }
                                td class="numero" { (messages::number(line.weight)) }
                                td { (date_or_dash(s.due.get(i).copied().flatten())) }
                                td { (date_or_dash(record(i).and_then(|r| r.completed_on))) }
                                td { (messages::phase_status(line.status)) }
                                td class="numero" { (messages::figure(line.earned)) }
                            }
                        }
                    }))
                }
                @let total: Decimal = lines.iter().map(|l| l.weight).sum();
                @let earned: Decimal = lines.iter().map(|l| l.earned).sum();
                p {
                    "Punteggio delle fasi: " strong { (messages::score(*score)) }
                    @if matches!(v.settings.phases.method, domain::scoring::phases::PhaseMethod::AllOrNothing { .. }) {
                        " (tutto o niente)"
                    } @else {
                        " = " (messages::figure(earned)) " × 100 / " (messages::number(total))
                    }
                }
            }
            PhaseScore::NotMeasurable => { p { "Le fasi non si possono misurare: nessuna fase con peso resta da contare." } }
            PhaseScore::EmptyWeights => { p { "Le fasi non si possono misurare: alcune non hanno incidenza e il piano non la ripartisce." } }
        }
        h3 { "Indicatori" }
        @if s.indicators.is_empty() {
            p { "Il piano non misura gli indicatori di questo obiettivo: il punteggio viene dalle fasi." }
        } @else {
            div class="scorre" role="region" aria-label="Calcolo degli indicatori" tabindex="0" {
                (table("Ogni indicatore: valore effettivo, regola, valore convertito e punteggio",
                    &[Text("Indicatore"), Number("Peso"), Text("Valore effettivo"), Text("Regola"), Number("Valore"), Number("Punteggio")], html! {
                    @for i in &s.indicators {
                        @let rule = &v.settings.indicators[i.setting].rule;
                        tr {
                            th scope="row" class="testo" {
                                (i.position + 1) ". " (o.indicators.get(i.position).map_or("", String::as_str))
                                @if i.neutralised { br; span class="nota" { "neutralizzato" } }
                            }
                            td class="numero" { (messages::number(i.weight)) }
                            td { @match i.actual { Some(a) => { (messages::number(a)) } None => { "non comunicato" } } }
                            td class="testo" {
                                (messages::conversion(rule.conversion))
                                @if let Some(t) = rule.target { "; target " (messages::number(t)) }
                                @if let Some(p) = rule.prior_year { "; anno precedente " (messages::number(p)) }
                                "; " (messages::band_rule(rule.band))
                            }
                            @match &i.outcome {
                                Outcome::Scored { value, score } => {
                                    td class="numero" { @match value { Some(x) => { (messages::score(*x)) } None => { "—" } } }
                                    td class="numero" { (messages::score(*score)) }
                                }
                                Outcome::NotMeasurable(policy) => {
                                    td colspan="2" { (messages::no_actual(*policy)) }
                                }
                                Outcome::Invalid(e) => {
                                    td colspan="2" { "La regola non si può applicare: " (messages::score_error(e)) }
                                }
                            }
                        }
                    }
                }))
            }
            p { "Media pesata degli indicatori: " strong { (words(indicators_score)) } }
        }
        h3 { "Obiettivo" }
        p {
            "Pesi del piano: fasi " (messages::number(s.phases_weight))
            ", indicatori " (messages::number(s.indicators_weight))
            " (normalizzati sulla loro somma; una parte non misurabile esce dalla media)."
        }
        p { (sentence(s)) }
    }
}

/// How an objective's score comes from its parts, in one sentence (the card and the API).
pub fn sentence(s: &ObjectiveScore) -> String {
    if s.indicators_weight.is_zero() {
        format!(
            "Il punteggio dell'obiettivo è quello delle fasi: {}.",
            words(s.score)
        )
    } else if s.blocked {
        "Un indicatore attende il suo valore: l'obiettivo non si può ancora misurare.".into()
    } else {
        match (s.phases_score(), s.indicators_score()) {
            (Some(phases), Some(indicators)) => format!(
                "Punteggio dell'obiettivo = ({} × {} + {} × {}) / {} = {}.",
                messages::number(s.phases_weight),
                words(Some(phases)),
                messages::number(s.indicators_weight),
                words(Some(indicators)),
                messages::number(s.phases_weight + s.indicators_weight),
                words(s.score)
            ),
            (Some(_), None) => format!(
                "Gli indicatori non sono misurabili ed escono dalla media: il punteggio \
                 dell'obiettivo è quello delle fasi, {}.",
                words(s.score)
            ),
            (None, Some(_)) => format!(
                "Le fasi non sono misurabili ed escono dalla media: il punteggio dell'obiettivo \
                 è quello degli indicatori, {}.",
                words(s.score)
            ),
            (None, None) => format!(
                "Né le fasi né gli indicatori sono misurabili: punteggio {}.",
                words(s.score)
            ),
        }
    }
}

fn date_or_dash(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "—".into(), messages::date)
}
