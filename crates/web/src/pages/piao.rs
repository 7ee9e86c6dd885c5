//! The PIAO around the plan: which sections its layout requires and which the plan fills, then
//! each section — the administration's identity, public value tied to the DUP's lines and to
//! the cards, the risks of corruption with the measures and the cards that carry them, the
//! organisation and its staff, monitoring.

use domain::piao::{self, Piao, labels};
use domain::{ObjectiveId, messages};
use maud::{Markup, html};

use super::layout::{Page, Section, render};
use super::{PageResult, PlanPage};
use crate::cache::PlanView;
use crate::paths;

pub async fn page(
    PlanPage {
        viewer, v, actor, ..
    }: PlanPage<paths::Piao>,
) -> PageResult {
    let plan = &v.plan;
    let may_write = v.may_draft(actor.as_ref(), None).is_ok();
    let body = html! {
        p class="occhiello" { (plan.entity.name) " · anno " (plan.year) " · triennio " (plan.period.from) "–" (plan.period.to) }
        h1 { "Piano integrato di attività e organizzazione (PIAO)" }
        p { "Dal 2022 il piano della performance è la sezione 2.2 del PIAO (DL 80/2021, DM 132/2022). "
            "Questa pagina riporta le altre sezioni che accompagnano il piano." }
        @if may_write {
            p class="azione" { a href=(paths::DraftPiao { plan: v.id().clone() }) { "Scrivi le sezioni del PIAO" } }
        }
        @match &plan.piao {
            None => p { "Il piano non riporta le altre sezioni del PIAO." },
            Some(p) => (sections(&v, p)),
        }
    };
    Ok(render(Page::section(&viewer, &v, Section::Piao, body)))
}

fn yes_no(b: bool) -> &'static str {
    if b { "sì" } else { "no" }
}

/// A paragraph of the PIAO, or a dash when not written.
fn text(t: &Option<String>) -> Markup {
    html! {
        @match t.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(t) => p class="testo" { (t) },
            None => p { "Non compilato." },
        }
    }
}

/// Links to the plan's cards (an id the plan lacks is shown as written).
fn cards(v: &PlanView, ids: &[ObjectiveId]) -> Markup {
    html! {
        @if ids.is_empty() { "—" }
        @for (k, id) in ids.iter().enumerate() {
            @if k > 0 { ", " }
            @match v.plan.objectives.iter().find(|o| &o.id == id) {
                Some(o) => a href=(paths::objective(v.id(), o)) title=(o.title) { (o.id) },
                None => (id),
            }
        }
    }
}

fn sections(v: &PlanView, p: &Piao) -> Markup {
    let plan = &v.plan;
    let status = piao::sections(plan, p);
    let missing = status.iter().filter(|s| s.required && !s.filled).count();
    let r = &p.registry;
    let a = &p.anticorruption;
    let o = &p.organisation;
    let strategy = |id: &str| {
        plan.strategy.iter().find_map(|l| {
            if l.id == id {
                Some(l.title.clone())
            } else {
                l.axes.iter().find(|x| x.id == id).map(|x| x.text.clone())
            }
        })
    };
    let staff: u32 = o.staff.iter().map(|s| s.staff).sum();
    let hires: u32 = o.staff.iter().map(|s| s.hires).sum();
    html! {
        p { "Modello: " strong { (labels::layout(p.layout)) } ". "
            @if missing == 0 { "Tutte le sezioni richieste sono compilate." }
            @else { (missing) @if missing == 1 { " sezione richiesta è vuota." } @else { " sezioni richieste sono vuote." } } }
        table {
            caption { "Le sezioni del PIAO: quali il modello richiede e quali il piano compila" }
            thead { tr { th scope="col" { "Sezione" } th scope="col" { "Titolo" } th scope="col" { "Richiesta" } th scope="col" { "Compilata" } } }
            tbody {
                @for s in &status {
                    tr {
                        th scope="row" { (s.section.number()) }
                        td { (s.section.title()) }
                        td { (yes_no(s.required)) }
                        td {
                            @if s.filled { "sì" }
                            @else if s.required { span class="etichetta errore" { "manca" } }
                            @else { "no" }
                        }
                    }
                }
            }
        }

        h2 id="sezione-1" { "1. Scheda anagrafica" }
        dl {
            dt { "Amministrazione" } dd { (plan.entity.name) " (" (messages::entity_kind(plan.entity.kind)) ")" }
            dt { "Codice IPA" } dd { (plan.entity.code.as_deref().unwrap_or("—")) }
            @for (label, value) in [("Codice fiscale", &r.tax_code), ("Sede", &r.address),
                                    ("PEC", &r.pec), ("Sito istituzionale", &r.website), ("Rappresentante legale", &r.representative)] {
                dt { (label) } dd { (value.as_deref().unwrap_or("—")) }
            }
            dt { "Personale al 31 dicembre dell'anno precedente" }
            dd { @if let Some(n) = r.staff { (n) } @else { "—" } }
        }

        h2 id="sezione-2-1" { "2.1 Valore pubblico" }
        @if p.public_value.objectives.is_empty() { p { "Nessun obiettivo di valore pubblico." } }
        @for x in &p.public_value.objectives {
            h3 { (x.id) ". " (x.title) }
            @if let Some(d) = &x.description { p class="testo" { (d) } }
            dl {
                dt { "Linee del DUP" }
                dd {
                    @if x.strategy.is_empty() { "—" }
                    @for (k, s) in x.strategy.iter().enumerate() {
                        @if k > 0 { "; " }
                        (s) @if let Some(t) = strategy(s) { " — " (t) }
                    }
                }
                dt { "Obiettivi del piano che lo perseguono" }
                dd { (cards(v, &x.objectives)) }
            }
        }
        h3 { "Accessibilità" }
        (text(&p.public_value.accessibility))
        h3 { "Semplificazione e digitalizzazione delle procedure" }
        (text(&p.public_value.simplification))

        h2 id="sezione-2-2" { "2.2 Performance" }
        p { "Il piano della performance: " a href=(paths::plan(v.id())) { (plan.title) } ", con "
            (plan.objectives.len()) " obiettivi di " (plan.units.len()) " unità." }

        h2 id="sezione-2-3" { "2.3 Rischi corruttivi e trasparenza" }
        dl {
            dt { "Responsabile della prevenzione della corruzione e della trasparenza" }
            dd { (a.rpct.as_deref().unwrap_or("—")) }
        }
        h3 { "Il contesto" }
        (text(&a.context))
        h3 { "La mappatura dei rischi" }
        @if a.risks.is_empty() { p { "Nessun rischio mappato." } }
        @else {
            div class="scorre" role="region" aria-labelledby="rischi-titolo" tabindex="0" {
                table {
                    caption id="rischi-titolo" { "Processi a rischio, per area" }
                    thead { tr { th scope="col" { "Codice" } th scope="col" { "Area" } th scope="col" { "Processo" } th scope="col" { "Evento rischioso" } th scope="col" { "Livello" } } }
                    tbody {
                        @for x in &a.risks {
                            tr {
                                th scope="row" { (x.id) }
                                td { (labels::risk_area(x.area)) }
                                td { (x.process) }
                                td class="testo" { (x.description.as_deref().unwrap_or("—")) }
                                td { (x.level.map_or("non valutato", labels::risk_level)) }
                            }
                        }
                    }
                }
            }
        }
        h3 { "Le misure" }
        @if a.measures.is_empty() { p { "Nessuna misura." } }
        @else {
            div class="scorre" role="region" aria-labelledby="misure-titolo" tabindex="0" {
                table {
                    caption id="misure-titolo" { "Misure di prevenzione e di trasparenza, con gli obiettivi del piano che le portano" }
                    thead { tr {
                        th scope="col" { "Codice" } th scope="col" { "Tipo" } th scope="col" { "Misura" } th scope="col" { "Rischi" }
                        th scope="col" { "Obiettivi del piano" } th scope="col" { "Unità" } th scope="col" { "Scadenza" } th scope="col" { "Indicatore" }
                    } }
                    tbody {
                        @for m in &a.measures {
                            tr {
                                th scope="row" { (m.id) }
                                td { (labels::measure_kind(m.kind)) }
                                td class="testo" { (m.text) }
                                td { @if m.risks.is_empty() { "—" } @else { (m.risks.join(", ")) } }
                                td { (cards(v, &m.objectives)) }
                                td {
                                    @match m.unit.as_ref().map(|u| (u, plan.unit(u))) {
                                        Some((_, Some(u))) => a href=(paths::unit(v.id(), &u.id)) { (u.name) },
                                        Some((id, None)) => (id),
                                        None => "—",
                                    }
                                }
                                td { @if let Some(d) = m.deadline { (messages::date(d)) } @else { "—" } }
                                td { (m.indicator.as_deref().unwrap_or("—")) }
                            }
                        }
                    }
                }
            }
        }
        h3 { "La programmazione della trasparenza" }
        (text(&a.transparency))

        h2 id="sezione-3" { "3. Organizzazione e capitale umano" }
        h3 { "3.1 Struttura organizzativa" }
        (text(&o.structure))
        p { "Le unità del piano sono " (plan.units.len()) ": " a href=(paths::plan(v.id())) { "l'albero del piano" } " ne mostra l'organigramma." }
        h3 { "3.2 Organizzazione del lavoro agile" }
        (text(&o.remote_work))
        h3 { "3.3 Piano triennale dei fabbisogni di personale" }
        @if !o.staff.is_empty() {
            table {
                caption { "Personale per profilo e assunzioni previste nel triennio" }
                thead { tr { th scope="col" { "Profilo" } th scope="col" class="numero" { "Personale al 31/12" } th scope="col" class="numero" { "Assunzioni previste" } } }
                tbody {
                    @for s in &o.staff {
                        tr { th scope="row" { (s.profile) } td class="numero" { (s.staff) } td class="numero" { (s.hires) } }
                    }
                }
                tfoot { tr { th scope="row" { "Totale" } td class="numero" { (staff) } td class="numero" { (hires) } } }
            }
        }
        h4 { "Capacità assunzionale e copertura dei fabbisogni" }
        (text(&o.hiring))
        h4 { "Formazione del personale" }
        (text(&o.training))

        h2 id="sezione-4" { "4. Monitoraggio" }
        (text(&p.monitoring))
    }
}
