//! What the importer found in the document the plan came from, grouped by severity, with the
//! line of the document and the place in the plan.

use domain::{Severity, Tally, messages};
use maud::html;

use super::layout::{Page, Section, render};
use super::{PageResult, PlanPage};
use crate::paths;

pub async fn page(
    PlanPage {
        at,
        state,
        viewer,
        v,
        ..
    }: PlanPage<paths::Diagnostics>,
) -> PageResult {
    let diagnostics = state.store.diagnostics(&at.plan).await?;
    let tally = Tally::of(&diagnostics);
    let body = html! {
        h1 { "Diagnostica d'importazione" }
        @if diagnostics.is_empty() {
            p { "Nessuna segnalazione: il piano è stato caricato senza errori né avvisi, "
                "oppure non proviene dall'importazione di un documento." }
        } @else {
            p { "Che cosa l'importazione ha trovato nel documento del piano, con la riga del documento "
                "e il punto del piano a cui si riferisce." }
            ul class="cifre" {
                li { strong { (tally.errors) } " " (messages::severity_plural(Severity::Error)) }
                li { strong { (tally.warnings) } " " (messages::severity_plural(Severity::Warning)) }
                li { strong { (tally.infos) } " " (messages::severity_plural(Severity::Info)) }
            }
            div class="scorre" role="region" aria-labelledby="elenco" tabindex="0" {
                table {
                    caption id="elenco" { "Segnalazioni nell'ordine del documento" }
                    thead { tr {
                        th scope="col" { "Gravità" }
                        th scope="col" { "Riga" }
                        th scope="col" { "Segnalazione" }
                        th scope="col" { "Punto del piano" }
                    } }
                    tbody {
                        @for d in &diagnostics {
                            tr {
                                td { span class=(format!("etichetta {}", class(d.severity))) { (messages::severity(d.severity)) } }
                                td class="numero" { @match d.location.line { Some(l) => { (l) } None => { "—" } } }
                                td { (d.message) br; span class="nota" { code { (d.code.as_str()) } } }
                                td { code { (if d.location.path.is_empty() { "(intero piano)" } else { &d.location.path }) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(render(Page::section(
        &viewer,
        &v,
        Section::Diagnostics,
        body,
    )))
}

fn class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "errore",
        Severity::Warning => "avviso",
        Severity::Info => "nota",
    }
}
