//! Open data under `/dati` (issue 16, point 4): a page that lists the datasets, each table as
//! CSV and JSON, the Frictionless Data Package (`datapackage.json`) and the DCAT-AP_IT
//! catalogue (`catalogo-dcat.json`). What the public may read and nothing else: the plans once
//! approved, their results once published (`domain::access::decide` for the public, as every
//! page asks), the premia aggregated as Amministrazione Trasparente shows them. Licence CC BY
//! 4.0.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::html;

use domain::{Action, PlanState};
use report::opendata::{self, Premium, Public, Publisher, Results, Table};

use super::PageResult;
use super::layout::{Page, render};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::paths;

/// The public plans, as the public reads them, with the tables made from them.
async fn tables(state: &AppState) -> Result<Vec<Table>, AppError> {
    let today = crate::today();
    let mut views = Vec::new();
    for summary in state.store.plans().await? {
        if summary.state < PlanState::Approved {
            continue;
        }
        // Fresh: the store is asked for the revision, so a file never lags a change.
        match state.cycle().view(&summary.id, None, true).await {
            Ok((v, _)) => views.push(v),
            Err(cycle::Refusal::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    // The year's premia, aggregated as Amministrazione Trasparente publishes them, and the
    // licence each administration chose.
    let mut premia = Vec::new();
    let mut licences = Vec::new();
    for v in &views {
        let section = state.cycle().transparency(v.id()).await?;
        premia.push(premia_of(&section));
        licences.push(state.cycle().licence(&v.entity).await?);
    }
    let scores: Vec<_> = views
        .iter()
        .map(|v| {
            domain::access::decide(None, Action::ReadProgress, v.summary.state)
                .is_ok()
                .then(|| v.scores(v.situation_day(today)))
        })
        .collect();
    let public: Vec<Public<'_>> = views
        .iter()
        .zip(&scores)
        .zip(&premia)
        .zip(&licences)
        .map(|(((v, s), premia), licence)| Public {
            plan: &v.plan,
            state: v.summary.state,
            premia,
            licence,
            results: s.as_ref().map(|s| Results {
                records: &v.records,
                actuals: &v.monitoring.actuals,
                scores: s,
            }),
        })
        .collect();
    Ok(opendata::tables(&public))
}

/// The premia's lines of a year: each budget, then each category (merged and hidden under
/// three by `cycle::transparency`).
fn premia_of(s: &cycle::transparency::Section) -> Vec<Premium> {
    let budgets = s.premia.iter().map(|p| Premium {
        line: "fondo",
        name: domain::evaluation::year::budget_name(&p.kind).to_owned(),
        people: None,
        budgeted_cents: Some(p.budgeted_cents),
        paid_cents: p.paid_cents,
    });
    let categories = s.paid_by_category.iter().map(|r| Premium {
        line: "categoria",
        name: r.cluster.as_deref().map_or_else(
            || "altre categorie".to_owned(),
            |c| domain::evaluation::staff::cluster_name(c).to_owned(),
        ),
        people: match r.people {
            domain::evaluation::categories::Count::Exactly(n) => Some(n),
            domain::evaluation::categories::Count::Few => None,
        },
        budgeted_cents: None,
        paid_cents: r.paid_cents,
    });
    budgets.chain(categories).collect()
}

/// Where the data are published: the site's public address and `/dati`.
fn base(state: &AppState) -> String {
    format!("{}{}", state.public_url(), paths::OpenData)
}

fn publisher(base: &str) -> Publisher<'_> {
    Publisher {
        base,
        name: "Pegaso",
        modified: crate::today(),
    }
}

fn answer(bytes: Vec<u8>, content_type: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        bytes,
    )
        .into_response()
}

pub async fn page(_: paths::OpenData, State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let tables = tables(&state).await?;
    let licences = opendata::licences_of(&tables);
    // The planning office of an administration chooses its data's licence here.
    let chooser = match viewer.person() {
        Some(p) if p.roles.contains(&domain::Role::Admin) => match p.entity.as_deref() {
            Some(slug) => Some(state.cycle().licence(slug).await?),
            None => None,
        },
        _ => None,
    };
    let body = html! {
        h1 { "Dati aperti" }
        p { "I dati pubblici dei piani della performance: i piani approvati con le unità, gli obiettivi, le fasi e gli "
            "indicatori; i risultati (fasi concluse, valori misurati, punteggi) dei piani pubblicati; i premi di risultato "
            "aggregati per fondo e per categoria. Nessun dato personale, nessun gruppo di meno di 3 persone. "
            "Licenza: "
            @for (i, (_, name, url)) in licences.iter().enumerate() {
                @if i > 0 { ", " }
                a href=(url) { (name) }
            }
            @if licences.len() > 1 { " (ogni piano dice la sua nel file dei piani, colonna «licenza»)" }
            "." }
        p { "Descrizione dei file: " a href=(paths::OpenDataFile { file: "datapackage.json".into() }) { "Data Package (Frictionless)" }
            " · catalogo per il portale nazionale: " a href=(paths::OpenDataFile { file: "catalogo-dcat.json".into() }) { "DCAT-AP_IT (JSON-LD)" } "." }
        @if let Some(current) = chooser {
            form class="modulo" method="post" action=(paths::OpenDataLicence) {
                input type="hidden" name="csrf" value=(viewer.csrf());
                fieldset {
                    legend { "La licenza dei dati della tua amministrazione" }
                    @for (id, name, _) in opendata::LICENCES {
                        @let field = format!("licenza-{id}");
                        p { input id=(field) type="radio" name="licenza" value=(id) checked[id == current];
                            " " label for=(field) { (name) } }
                    }
                }
                p { button type="submit" { "Salva la licenza" } }
            }
        }
        table {
            caption { "I dataset" }
            thead { tr { th scope="col" { "Dataset" } th scope="col" { "Contenuto" } th scope="col" class="numero" { "Righe" } th scope="col" { "File" } } }
            tbody {
                @for t in &tables {
                    tr {
                        th scope="row" { (t.title) }
                        td { (t.description) }
                        td class="numero" { (t.rows.len()) }
                        td { a href=(paths::OpenDataFile { file: format!("{}.csv", t.name) }) { "CSV" }
                            " · " a href=(paths::OpenDataFile { file: format!("{}.json", t.name) }) { "JSON" } }
                    }
                }
            }
        }
    };
    Ok(render(Page {
        who: &viewer,
        title: "Dati aperti",
        crumbs: vec![("Dati aperti".into(), paths::OpenData.to_string())],
        plan: None,
        body: body.into(),
    }))
}

/// The planning office chooses its administration's licence.
pub async fn licence(
    _: paths::OpenDataLicence,
    s: crate::pages::forms::Signed<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let chosen = s
        .form
        .iter()
        .find(|(k, _)| k == "licenza")
        .map_or("", |(_, v)| v.as_str());
    s.cycle().set_licence(s.who(), chosen, &s.stamp()).await?;
    Ok(crate::pages::see_other(paths::OpenData))
}

pub async fn file(
    at: paths::OpenDataFile,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let tables = tables(&state).await?;
    let missing = || AppError::NotFound(format!("il file «{}» tra i dati aperti", at.file));
    let json = |v: serde_json::Value, kind: &str| -> Result<Response, AppError> {
        let bytes = serde_json::to_vec_pretty(&v).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(answer(bytes, kind))
    };
    match at.file.as_str() {
        "datapackage.json" => json(
            opendata::datapackage(&tables, &publisher(&base(&state))),
            "application/json",
        ),
        "catalogo-dcat.json" => json(
            opendata::dcat(&tables, &publisher(&base(&state))),
            "application/ld+json",
        ),
        name => {
            let (stem, ext) = name.rsplit_once('.').ok_or_else(missing)?;
            let table = tables.iter().find(|t| t.name == stem).ok_or_else(missing)?;
            match ext {
                "csv" => Ok(answer(opendata::csv(table), "text/csv; charset=utf-8")),
                "json" => json(opendata::json(table), "application/json"),
                _ => Err(missing()),
            }
        }
    }
}
