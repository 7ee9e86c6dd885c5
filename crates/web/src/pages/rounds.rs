//! Monitoring rounds: the planning office opens a round (30/06, 30/09, the final one) and
//! closes it; the page shows, for the latest round, which units have not reported yet and
//! on how many phases and indicators.

use axum::response::Response;

use domain::access::{Action, decide};
use domain::{PlanId, messages};
use maud::html;
use serde::Deserialize;

use super::forms::{Nothing, Signed};
use super::layout::Column::{Number, Text};
use super::layout::{Page, Section, render, table};
use super::{PageResult, PlanPage, see_other};
use crate::error::AppError;
use crate::paths;

pub async fn page(page: PlanPage<paths::Rounds>) -> PageResult {
    let PlanPage {
        viewer, v, actor, ..
    } = page.members_only("I monitoraggi")?;
    let manage = decide(actor.as_ref(), Action::ManageRounds, v.summary.state);
    let latest = v.monitoring.rounds.last();
    let body = html! {
        h1 { "Monitoraggi" }
        p class="documenti" { (super::papers::links(v.id(), "la situazione di oggi", "monitoraggio", &[])) }
        p { "Ogni monitoraggio raccoglie, a una data, lo stato delle fasi e i valori degli indicatori. "
            "Una fase conclusa non va riferita di nuovo." }
        @if v.monitoring.rounds.is_empty() {
            p { "Nessun monitoraggio aperto finora." }
        } @else {
            (table("Monitoraggi del piano, dal primo",
                &[Text("Monitoraggio"), Text("Alla data"), Text("Aperto"), Text("Chiuso")], html! {
                @for r in &v.monitoring.rounds {
                    tr {
                        th scope="row" { (r.name) }
                        td { (messages::date(r.as_of)) }
                        td { (messages::date(r.opened_at.date_naive())) " (" (r.opened_by) ")" }
                        td {
                            @match (&r.closed_at, &r.closed_by) {
                                (Some(at), by) => { (messages::date(at.date_naive())) " (" (by.as_deref().unwrap_or("")) ")" }
                                _ => {
                                    "aperto"
                                    @if manage.is_ok() {
                                        form method="post" action=(paths::RoundClose { plan: v.id().clone(), round: r.id.to_string() }) {
                                            input type="hidden" name="csrf" value=(viewer.csrf());
                                            button type="submit" { "Chiudi «" (r.name) "»" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }))
        }
        @if let Some(r) = latest {
            h2 id="mancano" { "Chi non ha ancora riferito per «" (r.name) "»" }
            @let missing = v.pending(r.id);
            @if missing.is_empty() {
                p { "Tutte le unità hanno riferito." }
            } @else {
                (table("Unità con fasi o indicatori ancora da riferire",
                    &[Text("Unità"), Text("Responsabile"), Number("Fasi"), Number("Indicatori")], html! {
                    @for p in &missing {
                        @let u = &v.plan.units[p.unit];
                        tr {
                            th scope="row" { a href=(paths::unit(v.id(), &u.id)) { (u.name) } }
                            td { (u.heads.iter().map(|h| h.name.as_str()).collect::<Vec<_>>().join(", ")) }
                            td class="numero" { (p.phases) }
                            td class="numero" { (p.indicators) }
                        }
                    }
                }))
            }
        }
        @match manage {
            Ok(()) if v.monitoring.open_round().is_none() => {
                h2 { "Apri un monitoraggio" }
                form class="modulo" method="post" action=(paths::rounds(v.id())) {
                    input type="hidden" name="csrf" value=(viewer.csrf());
                    p { label for="nome" { "Nome (per esempio «Monitoraggio al 30/06»)" }
                        input id="nome" name="name" type="text" required; }
                    p { label for="data" { "Alla data" }
                        input id="data" name="as_of" type="date" required; }
                    p { button type="submit" { "Apri il monitoraggio" } }
                }
            }
            Ok(()) => { p class="nota" { "Per aprirne un altro, chiudere prima quello aperto." } }
            Err(r) => { p class="nota" { "Aprire e chiudere i monitoraggi: " (messages::refusal(&r)) } }
        }
    };
    Ok(render(Page::section(&viewer, &v, Section::Rounds, body)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OpenForm {
    name: String,
    as_of: String,
}

fn back(id: &PlanId) -> Response {
    see_other(paths::rounds(id))
}

pub async fn open(
    paths::Rounds { plan: id }: paths::Rounds,
    s: Signed<OpenForm>,
) -> Result<Response, AppError> {
    let (f, stamp) = (&s.form, s.stamp());
    s.cycle()
        .open_round(&id, s.who(), &f.name, &f.as_of, &stamp)
        .await?;
    Ok(back(&id))
}

pub async fn close(
    paths::RoundClose { plan: id, round }: paths::RoundClose,
    s: Signed<Nothing>,
) -> Result<Response, AppError> {
    s.cycle()
        .close_round(&id, s.who(), &round, &s.stamp())
        .await?;
    Ok(back(&id))
}
