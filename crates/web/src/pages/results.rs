//! The plan's scores: its measurement rules in words, the administration's score, each
//! unit's and each objective's, with a link to the card that explains it; while drafting,
//! the planning office sets the rules here.

use axum::response::Response;
use domain::access::{Action, decide};
use domain::messages;
use maud::html;
use serde::Deserialize;

use super::forms::Signed;
use super::layout::Column::{Number, Text};
use super::layout::{Page, Section, render, table};
use super::score::words;
use super::{PageResult, Situated, see_other, situation};
use crate::error::AppError;
use crate::paths;

pub async fn page(
    Situated {
        viewer, v, actor, ..
    }: Situated<paths::Scores>,
) -> PageResult {
    let readable = decide(actor.as_ref(), Action::ReadProgress, v.summary.state);
    let configure = decide(actor.as_ref(), Action::ConfigureScoring, v.summary.state);
    if let Err(r) = &readable
        && configure.is_err()
    {
        return Err(AppError::refused(r.clone()));
    }
    let today = v.situation_day(crate::today());
    let s = v.scores(today);
    let settings = &v.settings;
    let body = html! {
        h1 { "Punteggi" }
        @if readable.is_ok() {
            (situation(&paths::scores(v.id()), &v))
        }
        h2 { "Regole di misurazione del piano" }
        ul {
            li { "Fasi: " (messages::phase_method(&settings.phases)) "." }
            li { "Peso delle fasi " (messages::number(settings.phases_weight))
                 ", degli indicatori " (messages::number(settings.indicators_weight))
                 " (un obiettivo senza indicatori misurati si misura sulle fasi)." }
            li { "Indicatori misurati: " (settings.indicators.len()) "." }
            li { "Unità nel punteggio dell'ente: "
                 (match settings.units {
                     domain::scoring::engine::UnitWeighting::Equal => "peso uguale",
                     domain::scoring::engine::UnitWeighting::Staff => "pesate per personale",
                     domain::scoring::engine::UnitWeighting::Set { .. } => "pesi stabiliti dal piano",
                 }) "." }
            li { "Una fase non conclusa è «a rischio» negli ultimi " (settings.warn_days) " giorni prima della scadenza." }
        }
        @if let Some(e) = &v.settings_error {
            p class="avviso" role="alert" { "Le regole salvate non valgono più per questo piano, e si usano quelle predefinite: " (e) }
        }
        @if readable.is_ok() {
            p class="punteggio" { "Punteggio organizzativo dell'ente al " (messages::date(today)) ": "
                strong { (words(s.administration)) } }
            (table("Punteggio di ciascuna unità e dei suoi obiettivi",
                &[Text("Unità e obiettivi"), Number("Punteggio")], html! {
                @for (u, us) in v.plan.units.iter().zip(&s.units) {
                    @if !us.objectives.is_empty() {
                        tr {
                            th scope="row" { a href=(paths::unit(v.id(), &u.id)) { (u.name) } }
                            td class="numero" { strong { (words(us.score)) } }
                        }
                        @for &oi in &us.objectives {
                            @let o = &v.plan.objectives[oi];
                            @let os = &s.objectives[oi];
                            tr {
                                td { a href=(format!("{}#punteggio", paths::objective(v.id(), o))) { "Obiettivo " (o.label) ": " (o.title) }
                                     @if os.neutralised { " (neutralizzato)" } }
                                td class="numero" { (words(os.score)) }
                            }
                        }
                    }
                }
            }))
        }
        // A past day is read, not changed.
        @if configure.is_ok() && v.day.is_none() {
            h2 id="regole" { "Cambia le regole" }
            p { "Le regole si scrivono in JSON, come descrive docs/scoring.md: "
                code { "phases" } " (metodo, tolleranza, incidenze vuote), " code { "phases_weight" } ", "
                code { "indicators_weight" } ", " code { "indicators" } " (per obiettivo e posizione: conversione, "
                "target, fasce, valore mancante), " code { "objective_weights" } ", " code { "units" } ", "
                code { "warn_days" } ". Un oggetto vuoto ripristina le regole predefinite." }
            form class="modulo" method="post" action=(paths::scores(v.id())) {
                input type="hidden" name="csrf" value=(viewer.csrf());
                p { label for="regole-json" { "Regole (JSON)" }
                    textarea id="regole-json" name="settings" rows="16" { (v.monitoring.scoring.as_deref().unwrap_or("{}")) } }
                p { button type="submit" { "Salva le regole" } }
            }
        }
    };
    Ok(render(Page::section(&viewer, &v, Section::Scores, body)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    settings: String,
}

pub async fn save(
    paths::Scores { plan: id }: paths::Scores,
    s: Signed<SettingsForm>,
) -> Result<Response, AppError> {
    s.cycle()
        .set_scoring(&id, s.who(), &s.form.settings, &s.stamp())
        .await?;
    Ok(see_other(paths::scores(&id)))
}
