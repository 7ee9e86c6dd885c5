//! «Nuovo piano dall'anno precedente»: the planning office sees what the draft of the next
//! year would carry, move and leave behind (`domain::rollover::preview`), ticks the objectives
//! to keep, one fieldset per unit, and makes the draft, which it is then sent to.

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use domain::messages;
use domain::rollover::Offer;

use super::forms::Signed;
use super::layout::Column::Text;
use super::layout::{Page, render, table};
use super::{PageResult, PlanPage, see_other};
use crate::error::AppError;
use crate::paths;

/// The year the preview is for: `?anno=`, or the plan's next.
#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    anno: Option<String>,
}

pub async fn page(
    page: PlanPage<paths::NewYear>,
    query: Result<Query<YearQuery>, QueryRejection>,
) -> PageResult {
    let PlanPage {
        viewer, v, state, ..
    } = page;
    let Some(person) = viewer.person() else {
        return Err(AppError::SignIn);
    };
    let asked =
        query.map_err(|_| AppError::BadRequest("L'indirizzo della pagina non è valido.".into()))?;
    let year = match asked
        .anno
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        None => v.plan.year + 1,
        Some(a) => a
            .parse()
            .ok()
            .filter(|y| domain::limits::PLAN_YEARS.contains(y) && *y > v.plan.year)
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "L'anno si scrive con quattro cifre e viene dopo il {} (per esempio {}).",
                    v.plan.year,
                    v.plan.year + 1
                ))
            })?,
    };
    let (_, preview) = state
        .cycle()
        .rollover_preview(v.id(), Some(person), year)
        .await?;
    let plan = &v.plan;
    let action = paths::new_year(v.id());
    let offers_of = |unit: &domain::UnitId| -> Vec<(usize, &Offer)> {
        preview
            .objectives
            .iter()
            .enumerate()
            .filter(|(_, o)| &o.unit == unit)
            .collect()
    };
    let moved: Vec<&Offer> = preview
        .objectives
        .iter()
        .filter(|o| !o.moved.is_empty())
        .collect();
    let heads: Vec<_> = preview
        .units
        .iter()
        .map(|u| (u, messages::rollover_heads(u)))
        .filter(|(_, h)| !h.is_empty())
        .collect();
    let body = html! {
        h1 { "Nuovo piano dall'anno precedente" }
        p {
            "Dal piano «" (plan.title) "» (anno " (plan.year) ") si prepara una bozza per l'anno scelto: "
            "struttura, unità, responsabili e strategia si copiano; degli obiettivi, quelli scelti qui sotto. "
            "I pluriennali proseguono con l'annualità successiva (le fasi dell'anno diventano «Conclusa»); "
            "gli annuali conclusi sono proposti ma non spuntati."
        }
        form class="modulo" method="get" action=(action) {
            p {
                label for="anno" { "Anno del nuovo piano" }
                " "
                input id="anno" name="anno" type="number" min=(plan.year + 1) value=(year) required;
                " "
                button type="submit" { "Mostra cosa si riporta" }
            }
        }
        h2 { "Il nuovo piano" }
        ul {
            li { "Titolo: «" (preview.title) "»"
                @if preview.title == plan.title { " (non riporta gli anni: resta com'era)" } }
            li { "Triennio " (preview.period.from) "–" (preview.period.to) " (era " (plan.period.from) "–" (plan.period.to) ")" }
            li { (preview.units.len()) " unità copiate con le loro funzioni e il personale" }
            @for (u, words) in &heads {
                li { (u.name) ": " (words) }
            }
            li { "Non si copiano resoconti, monitoraggi, valori degli indicatori, punteggi"
                @if !plan.customer_satisfaction.is_empty() { " né i risultati delle indagini di gradimento" } "." }
        }
        h2 { "Le date che passano al " (year) }
        @if moved.is_empty() {
            p { "Nessuna data dell'anno " (plan.year) " da spostare." }
        } @else {
            p { "Per gli obiettivi che si riportano, le date dell'anno " (plan.year)
                " passano al " (year) " con lo stesso giorno e mese." }
            (table(html! { "Date che cambiano, per obiettivo" },
                &[Text("Obiettivo"), Text("Data"), Text("Nel piano " ), Text("Nel nuovo piano")], html! {
                @for o in &moved {
                    @for (i, m) in o.moved.iter().enumerate() {
                        tr {
                            @if i == 0 {
                                th scope="row" rowspan=(o.moved.len()) { (o.id) }
                            }
                            td { (messages::rollover_part(&m.what)) }
                            td { (messages::date(m.from)) }
                            td { (messages::date(m.to)) }
                        }
                    }
                }
            }))
        }
        h2 { "Gli obiettivi da riportare" }
        form class="modulo" method="post" action=(action) {
            input type="hidden" name="csrf" value=(viewer.csrf());
            input type="hidden" name="year" value=(year);
            @for unit in &plan.units {
                @let offers = offers_of(&unit.id);
                @if !offers.is_empty() {
                    fieldset {
                        legend { (unit.name) }
                        @for (i, o) in offers {
                            @let id = format!("obiettivo-{i}");
                            p {
                                input id=(id) type="checkbox" name="keep" value=(o.id) checked[o.ticked()];
                                " "
                                label for=(id) {
                                    (o.title) " (" (o.id) ")"
                                }
                                br;
                                span class="nota" {
                                    (messages::rollover_kind(o))
                                    @let phases = messages::rollover_phases(o);
                                    @if !phases.is_empty() { "; " (phases) }
                                }
                            }
                        }
                    }
                }
            }
            p { button type="submit" { "Crea la bozza del piano " (year) } }
        }
    };
    Ok(render(Page::in_plan(
        &viewer,
        &v,
        "Nuovo piano dall'anno precedente",
        vec![("Nuovo piano dall'anno precedente".into(), action.clone())],
        body,
    )))
}

/// Makes the draft with the objectives ticked and goes to it.
pub async fn make(
    paths::NewYear { plan: id }: paths::NewYear,
    s: Signed<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let mut year = "";
    let mut keep: Vec<&str> = Vec::new();
    for (name, value) in &s.form {
        match name.as_str() {
            "year" => year = value,
            "keep" => keep.push(value),
            _ => {}
        }
    }
    let rolled = s
        .cycle()
        .rollover_typed(&id, s.who(), year, &keep, &s.stamp())
        .await?;
    match rolled.saved {
        Some(saved) => Ok(see_other(paths::plan(&saved.id))),
        None => Err(AppError::Internal("a rollover saved nothing".into())),
    }
}
