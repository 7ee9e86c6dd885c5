//! Amministrazione Trasparente, section «Performance» (issue 16, point 3): `/trasparenza`
//! lists each public plan's year with ANAC's sub-sections; `/trasparenza/{piano}/{codice}` is
//! the stable address of one item (06.01 the SMVP, 06.02 the plan and its PIAO, 06.03 the
//! Relazione, 06.04 the total premia, 06.05 the data on premia, 14.01 the Nucleo's validation)
//! that an administration's own site can link. Public and aggregated: `cycle::transparency`
//! gives nothing personal, and any group of fewer than three is merged or hidden.

use axum::extract::State;
use maud::{Markup, html};

use cycle::transparency::Section as Published;
use domain::evaluation::categories::{Count, MIN_CELL};
use domain::evaluation::staff::cluster_name;
use domain::evaluation::year::budget_name;
use domain::messages;

use super::PageResult;
use super::evaluation::{money, score};
use super::layout::Column::{Number, Text};
use super::layout::{Page, render, table};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::paths;

/// The sub-sections: code, name, what it holds.
pub const ITEMS: [(&str, &str); 6] = [
    (
        "06.01",
        "Sistema di misurazione e valutazione della Performance",
    ),
    ("06.02", "Piano della Performance"),
    ("06.03", "Relazione sulla Performance"),
    ("06.04", "Ammontare complessivo dei premi"),
    ("06.05", "Dati relativi ai premi"),
    ("14.01", "Controlli e rilievi: Nucleo di valutazione"),
];

fn count(c: Count) -> String {
    match c {
        Count::Exactly(n) => n.to_string(),
        Count::Few => format!("meno di {MIN_CELL}"),
    }
}

fn category(cluster: Option<&str>, merged: &[String]) -> String {
    match cluster {
        Some(c) => cluster_name(c).to_owned(),
        None if merged.is_empty() => "altre categorie".into(),
        None => format!(
            "altre categorie ({})",
            merged
                .iter()
                .map(|m| cluster_name(m))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The day an item was published, when it is.
fn published_on(s: &Published, code: &str) -> Option<chrono::NaiveDate> {
    match code {
        "06.01" => s.smvp.as_ref().map(|a| a.adopted_on),
        "06.02" => s.approved_on,
        "06.03" => s.relazione.as_ref().and_then(|r| r.published_on),
        "06.04" | "06.05" => s.shared_on,
        "14.01" => s
            .relazione
            .as_ref()
            .and_then(|r| r.validation.as_ref().map(|v| v.act.on)),
        _ => None,
    }
}

pub async fn index(
    _: paths::Transparency,
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult {
    let mut sections = Vec::new();
    for summary in state.store.plans().await? {
        match state.cycle().transparency(&summary.id).await {
            Ok(s) => sections.push(s),
            Err(cycle::Refusal::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let body = html! {
        h1 { "Amministrazione trasparente: Performance" }
        p { "I documenti e i dati della sezione «Performance» (D.Lgs. 33/2013, artt. 10 e 20; delibera ANAC 1310/2016), "
            "anno per anno. Ogni voce ha un indirizzo stabile da collegare dal sito dell'ente. I dati sui premi sono "
            "aggregati: nessuna persona è nominata e i gruppi di meno di " (MIN_CELL) " persone sono uniti o non mostrati." }
        @if sections.is_empty() { p { "Nessun piano ancora pubblico." } }
        @for s in &sections {
            @let plan = &s.view.plan;
            section aria-labelledby=(format!("at-{}", s.view.id())) {
                h2 id=(format!("at-{}", s.view.id())) { (plan.entity.name) ": anno " (plan.year) }
                (table(html! { "Sottosezioni e date di pubblicazione" }, &[Text("Codice"), Text("Sottosezione"), Text("Pubblicato il")], html! {
                    @for (code, name) in ITEMS {
                        tr { td { (code) } th scope="row" { a href=(paths::TransparencyItem { plan: s.view.id().clone(), code: code.into() }) { (name) } }
                            td { (published_on(s, code).map(messages::date).unwrap_or_else(|| "non ancora".into())) } }
                    }
                }))
            }
        }
    };
    Ok(render(Page {
        who: &viewer,
        title: "Amministrazione trasparente",
        crumbs: vec![(
            "Amministrazione trasparente".into(),
            paths::Transparency.to_string(),
        )],
        plan: None,
        body: body.into(),
    }))
}

/// The columns of the differentiation table: the category, each band, the deviation.
fn band_columns(names: &[String]) -> Vec<super::layout::Column<'_>> {
    let mut columns = vec![Text("Categoria")];
    columns.extend(names.iter().map(|n| Number(n.as_str())));
    columns.push(Number("Deviazione standard"));
    columns
}

fn not_yet(what: &str) -> Markup {
    html! { p { (what) " non è ancora pubblicato per quest'anno." } }
}

fn item_body(s: &Published, code: &str) -> Markup {
    let id = s.view.id();
    let plan = &s.view.plan;
    match code {
        "06.01" => match &s.smvp {
            Some(a) => html! {
                p { "Versione " (a.version) " adottata con «" (a.act) "», parere vincolante del Nucleo del " (messages::date(a.opinion_on)) "." }
                p { "Conciliazione entro " (a.procedure.appeal_days) " giorni dalla notifica della scheda, decisa da «" (a.procedure.body) "»." }
                (super::evaluation::system::rules_view(&a.smvp))
            },
            None => not_yet("Il sistema di misurazione e valutazione"),
        },
        "06.02" => html! {
            p { a href=(paths::plan(id)) { (plan.title) " " (plan.period.from) "–" (plan.period.to) } ", piano esecutivo dell'anno " (plan.year)
                ": " (plan.units.len()) " unità, " (plan.objectives.len()) " obiettivi, " (plan.phase_count()) " fasi." }
            @if plan.piao.is_some() {
                p { "Il piano è la sottosezione 2.2 del " a href=(paths::piao(id)) { "Piano integrato di attività e organizzazione (PIAO)" } "." }
            }
            p { "I dati del piano in formato aperto: " a href=(paths::OpenData) { "dati aperti" } "." }
        },
        "06.03" => match &s.relazione {
            Some(r) => html! {
                p { a href=(paths::Relazione { plan: id.clone() }) { "Relazione sulla performance " (plan.year) } }
                @if let Some(a) = &r.approval { p { "Approvata dalla Giunta con «" (a.act) "» del " (messages::date(a.on)) "." } }
                @if let Some(v) = &r.validation { p { "Validata dal Nucleo con «" (v.act.act) "» del " (messages::date(v.act.on)) "." } }
            },
            None => not_yet("La Relazione sulla performance"),
        },
        "06.04" => html! {
            @if s.premia.is_empty() { (not_yet("L'ammontare dei premi")) }
            @else {
                (table(html! { "Premi stanziati e distribuiti (D.Lgs. 33/2013, art. 20, c. 1)" },
                    &[Text("Fondo"), Text("Atto"), Number("Stanziati"), Number("Distribuiti")], html! {
                    @for p in &s.premia {
                        tr { th scope="row" { (budget_name(&p.kind)) } td { (p.act) } td class="numero" { (money(p.budgeted_cents)) }
                            td class="numero" { (p.paid_cents.map(money).unwrap_or_else(|| "non ancora".into())) } }
                    }
                }))
                @if !s.paid_by_category.is_empty() {
                    (table(html! { "Premi distribuiti per categoria" }, &[Text("Categoria"), Number("Persone premiate"), Number("Distribuiti")], html! {
                        @for r in &s.paid_by_category {
                            tr { th scope="row" { (category(r.cluster.as_deref(), &r.merged)) } td class="numero" { (count(r.people)) }
                                td class="numero" { (r.paid_cents.map(money).unwrap_or_else(|| "—".into())) } }
                        }
                    }))
                }
            }
        },
        "06.05" => {
            let names: Vec<String> = s
                .bands
                .iter()
                .map(|b| format!("{}–{}", score(b.from), score(b.thru)))
                .collect();
            html! {
            @match &s.smvp {
                Some(_) => p { "I criteri: " a href=(paths::TransparencyItem { plan: id.clone(), code: "06.01".into() }) { "il sistema di misurazione e valutazione" } " in vigore per l'anno." },
                None => p { "Il sistema di misurazione e valutazione dell'anno non è ancora pubblicato." },
            }
            @if s.by_category.is_empty() { p { "La distribuzione delle valutazioni si pubblica dopo la ripartizione dei premi." } }
            @else {
                (table(html! { "Distribuzione delle valutazioni per categoria" }, &[Text("Categoria"), Number("Persone"), Number("Media"), Number("Negative"), Number("Fascia più alta")], html! {
                    @for r in &s.by_category {
                        tr { th scope="row" { (category(r.cluster.as_deref(), &r.merged)) } td class="numero" { (count(r.people)) }
                            td class="numero" { (r.mean.map(score).unwrap_or_else(|| "—".into())) } td class="numero" { (count(r.negative)) } td class="numero" { (count(r.top)) } }
                    }
                }))
                (table(html! { "Grado di differenziazione: persone per fascia di punteggio" }, &band_columns(&names), html! {
                    @for r in &s.differentiation {
                        tr { th scope="row" { (category(r.cluster.as_deref(), &r.merged)) }
                            @for c in &r.bands { td class="numero" { (count(*c)) } }
                            td class="numero" { (r.std_dev.map(|d| format!("{d:.2}").replace('.', ",")).unwrap_or_else(|| "—".into())) } }
                    }
                }))
            }
            }
        }
        "14.01" => match s.relazione.as_ref().and_then(|r| r.validation.as_ref()) {
            Some(v) => html! {
                p { "Documento di validazione della Relazione sulla performance " (plan.year) ": «" (v.act.act) "» del " (messages::date(v.act.on)) ", "
                    @if v.validated { "validata" } @else { "non validata" } "." }
                @if !v.summary.is_empty() { p { (v.summary) } }
                (table(html! { "I criteri esaminati dal Nucleo" }, &[Text("Criterio"), Text("Risposta"), Text("Nota")], html! {
                    @for c in &v.criteria {
                        tr { th scope="row" { (domain::relazione::criterion_name(&c.key)) } td { (c.answer.name()) } td { (c.note) } }
                    }
                }))
            },
            None => not_yet("Il documento di validazione"),
        },
        _ => html! {},
    }
}

pub async fn item(
    at: paths::TransparencyItem,
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult {
    let (code, name) = ITEMS
        .iter()
        .find(|(c, _)| *c == at.code)
        .copied()
        .ok_or_else(|| AppError::NotFound(format!("la sottosezione «{}»", at.code)))?;
    let s = state.cycle().transparency(&at.plan).await?;
    let plan = &s.view.plan;
    let body = html! {
        p class="occhiello" { "Amministrazione trasparente · Performance · " (code) }
        h1 { (name) " " (plan.year) }
        p { (plan.entity.name) ". "
            @match published_on(&s, code) { Some(d) => { "Pubblicato il " (messages::date(d)) "." }, None => "Non ancora pubblicato." } }
        (item_body(&s, code))
    };
    let here = at.to_string();
    Ok(render(Page {
        who: &viewer,
        title: name,
        crumbs: vec![
            (
                "Amministrazione trasparente".into(),
                paths::Transparency.to_string(),
            ),
            (format!("{code} {}", plan.year), here),
        ],
        plan: None,
        body: body.into(),
    }))
}
