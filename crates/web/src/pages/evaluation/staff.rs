//! The people evaluated in the year (personal data: the personnel office keeps the list, the
//! Nucleo reads it): the list, a person added or changed by hand, the list from a CSV file or a
//! workbook (every problem said with its row and column, nothing kept unless all rows read),
//! and the list as CSV (with nobody yet: the template to fill).

use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use rust_decimal::Decimal;

use cycle::evaluation::Evaluated;
use domain::evaluation::staff::{ABSENCES, Absence, CLUSTER_NAMES, Gender, Member, cluster_name};
use domain::values::UnitId;
use domain::{PlanId, Role};

use super::{field, page, year_for};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::forms::Signed;
use crate::pages::layout::Column::{Number, Text};
use crate::pages::layout::{render, table};
use crate::pages::workbook::{CSV, attachment};
use crate::pages::{PageResult, PlanPage, see_other};
use crate::paths;

/// The list is personal data: the personnel office and the Nucleo only.
fn readers_only(e: &Evaluated) -> Result<(), AppError> {
    if e.sees_staff() {
        Ok(())
    } else {
        Err(
            cycle::Refusal::Denied(domain::Refusal::Role(&[Role::Personnel, Role::Evaluator]))
                .into(),
        )
    }
}

pub async fn list(pg: PlanPage<paths::EvaluationStaff>) -> PageResult {
    let e = year_for(&pg).await?;
    readers_only(&e)?;
    Ok(render(body(&pg.viewer, &e, None, &[])))
}

fn body<'a>(
    viewer: &'a Viewer,
    e: &'a Evaluated,
    error: Option<&str>,
    problems: &[String],
) -> crate::pages::layout::Page<'a> {
    let id = e.view.id();
    let plan = &e.view.plan;
    let unit_name = |u: &UnitId| plan.unit(u).map_or(u.to_string(), |x| x.name.clone());
    let markup = html! {
        h1 { "Il personale valutato nel " (plan.year) }
        p { "Chi è valutato quest'anno, con la categoria, l'unità e il periodo, il part-time, i giorni di servizio e le "
            "assenze (che non cambiano mai il punteggio: contano solo al pagamento, e maternità, paternità e congedo "
            "parentale valgono come presenza). Dati personali: li vedono solo l'ufficio del personale e il Nucleo." }
        @if let Some(error) = error {
            div class="errore" role="alert" {
                p { (error) }
                @if !problems.is_empty() { ul { @for p in problems { li { (p) } } } }
            }
        }
        @if e.evaluation.staff.is_empty() {
            p { "L'elenco è vuoto." }
        } @else {
            (table(html! { "Persone valutate" },
                &[Text("Matricola"), Text("Nome"), Text("Genere"), Text("Categoria"), Text("Unità"), Number("Part-time"), Number("Giorni di servizio"), Text("Assenze"), Text("Utente")], html! {
                @for m in &e.evaluation.staff {
                    tr {
                        th scope="row" { (m.matricola) }
                        td { (m.name) }
                        td { (m.gender.label()) }
                        td { (cluster_name(&m.cluster)) }
                        td { (unit_name(&m.unit))
                            @if m.from.is_some() || m.until.is_some() {
                                " (" (m.from.map(domain::messages::date).unwrap_or_else(|| "inizio anno".into())) "–"
                                (m.until.map(domain::messages::date).unwrap_or_else(|| "fine anno".into())) ")"
                            } }
                        td class="numero" { (m.part_time.normalize()) "%" }
                        td class="numero" { (m.days_employed.map_or_else(|| "tutto l'anno".to_string(), |d| d.to_string())) }
                        td { (absences(m)) }
                        td { (m.username.as_deref().unwrap_or("—")) }
                    }
                }
            }))
        }
        p { a href=(paths::EvaluationStaffCsv { plan: id.clone() }) {
            @if e.evaluation.staff.is_empty() { "Scarica il modello da compilare (CSV)" } @else { "Scarica l'elenco (CSV)" } } }
        @if e.has(Role::Personnel) {
            h2 { "Carica l'elenco da un file" }
            p { "Un file CSV (separato da punto e virgola, virgola o tabulazione, UTF-8) o una cartella di lavoro "
                "(XLSX o ODS, il primo foglio), con le colonne del modello: matricola, nome, genere, categoria, unità "
                "(il codice dell'unità nel piano), dal, al, part-time, giorni di servizio, maternità, paternità, "
                "congedo parentale, malattia, aspettativa non retribuita, altre assenze (in giorni), utente, "
                "responsabile pagamenti. Chi è già nell'elenco viene aggiornato." }
            form class="modulo" method="post" enctype="multipart/form-data"
                action=(format!("{}?csrf={}", paths::EvaluationStaffFile { plan: id.clone() }, viewer.csrf())) {
                p { label for="file" { "File dell'elenco (al massimo 8 MB)" } br;
                    input id="file" name="file" type="file" required accept=".csv,.txt,.xlsx,.ods"; }
                p { button type="submit" { "Carica l'elenco" } }
            }
            h2 { "Aggiungi o correggi una persona" }
            (person_form(viewer, id, e))
        }
    };
    page(
        viewer,
        e,
        "Personale valutato",
        Some(paths::EvaluationStaff { plan: id.clone() }.to_string()),
        markup,
    )
}

fn absences(m: &Member) -> String {
    let words: Vec<String> = m
        .absences
        .iter()
        .map(|a| {
            let kind = ABSENCES
                .iter()
                .find(|(k, _)| *k == a.kind)
                .map_or(a.kind.as_str(), |(_, w)| w);
            format!("{kind} {} gg", a.days)
        })
        .collect();
    if words.is_empty() {
        "—".into()
    } else {
        words.join(", ")
    }
}

fn person_form(viewer: &Viewer, plan: &PlanId, e: &Evaluated) -> Markup {
    html! {
        form class="modulo" method="post" action=(paths::EvaluationStaff { plan: plan.clone() }) {
            input type="hidden" name="csrf" value=(viewer.csrf());
            p { label for="matricola" { "Matricola" } br; input id="matricola" name="matricola" type="text" required size="12"; }
            p { label for="nome" { "Nome e cognome" } br; input id="nome" name="nome" type="text" required size="40"; }
            p { label for="genere" { "Genere" } br;
                select id="genere" name="genere" { option value="" { "non indicato" } option value="F" { "donna" } option value="M" { "uomo" } } }
            p { label for="categoria" { "Categoria" } br;
                select id="categoria" name="categoria" { @for (k, name) in CLUSTER_NAMES { option value=(k) { (name) } } } }
            p { label for="unita" { "Unità" } br;
                select id="unita" name="unita" { @for u in &e.view.plan.units { option value=(u.id) { (u.name) } } } }
            p { label for="dal" { "Nell'unità dal (vuoto: inizio anno)" } br; input id="dal" name="dal" type="date"; }
            p { label for="al" { "al (vuoto: fine anno)" } br; input id="al" name="al" type="date"; }
            p { label for="part_time" { "Part-time (per cento del tempo pieno)" } br;
                input id="part_time" name="part_time" type="text" inputmode="decimal" value="100" size="5"; }
            p { label for="giorni" { "Giorni di servizio nell'anno (vuoto: tutto l'anno)" } br;
                input id="giorni" name="giorni" type="number" min="0" max="366"; }
            fieldset {
                legend { "Assenze (giorni)" }
                @for (k, name) in ABSENCES {
                    p { label for=(format!("assenza-{k}")) { (name) } " "
                        input id=(format!("assenza-{k}")) name=(format!("assenza_{k}")) type="number" min="0" max="366"; }
                }
            }
            p { label for="utente" { "Utente con cui accede (facoltativo)" } br; input id="utente" name="utente" type="text" size="20"; }
            p { input id="pagamenti" name="pagamenti" type="checkbox" value="1";
                " " label for="pagamenti" { "Responsabile dei tempi di pagamento (DL 13/2023; dirigenti ed EQ)" } }
            p { button type="submit" { "Salva la persona" } }
        }
    }
}

/// A person typed in the form.
fn typed(form: &[(String, String)]) -> Result<Member, String> {
    let date = |name: &str| match field(form, name) {
        "" => Ok(None),
        d => domain::limits::parse_date(d)
            .map(Some)
            .ok_or_else(|| "Le date si scrivono gg/mm/aaaa.".to_string()),
    };
    let days = |name: &str| match field(form, name) {
        "" => Ok(None),
        d => d
            .parse::<u32>()
            .map(Some)
            .map_err(|_| "I giorni sono numeri interi.".to_string()),
    };
    let mut absences = Vec::new();
    for (k, _) in ABSENCES {
        if let Some(d) = days(&format!("assenza_{k}"))?.filter(|d| *d > 0) {
            absences.push(Absence {
                kind: k.to_owned(),
                days: d,
            });
        }
    }
    Ok(Member {
        matricola: field(form, "matricola").to_owned(),
        name: field(form, "nome").to_owned(),
        gender: Gender::read(field(form, "genere")).unwrap_or(Gender::N),
        cluster: field(form, "categoria").to_owned(),
        unit: UnitId::parse(field(form, "unita")).map_err(|_| "Scegliere l'unità.".to_string())?,
        from: date("dal")?,
        until: date("al")?,
        part_time: field(form, "part_time")
            .replace(',', ".")
            .parse::<Decimal>()
            .map_err(|_| "Il part-time è una percentuale (100, 50…).".to_string())?,
        days_employed: days("giorni")?,
        absences,
        username: Some(field(form, "utente").to_owned()).filter(|u| !u.is_empty()),
        responsabile_pagamenti: field(form, "pagamenti") == "1",
        payment_times_met: None,
    })
}

async fn saved(
    pg: &PlanPage<paths::EvaluationStaff>,
    state: &AppState,
    viewer: &Viewer,
    members: Result<Vec<Member>, Vec<String>>,
) -> Result<Response, AppError> {
    let person = viewer.person().ok_or(AppError::SignIn)?;
    let id = pg.v.id();
    let stamp = state.cycle().stamp(person);
    let refused = match members {
        Ok(members) => match state.cycle().save_staff(id, person, members, &stamp).await {
            Ok(_) => return Ok(see_other(paths::EvaluationStaff { plan: id.clone() })),
            Err(cycle::Refusal::Invalid(why) | cycle::Refusal::OutOfTurn(why)) => (
                "Nessuna persona è stata salvata:".to_string(),
                why.trim_end_matches('.')
                    .split("; ")
                    .map(str::to_owned)
                    .collect(),
            ),
            Err(other) => return Err(other.into()),
        },
        Err(problems) => (
            "L'elenco non si legge, nessuna persona è stata salvata:".to_string(),
            problems,
        ),
    };
    let e = year_for(pg).await?;
    readers_only(&e)?;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        render(body(viewer, &e, Some(&refused.0), &refused.1)),
    )
        .into_response())
}

/// A person added or changed by hand.
pub async fn save(
    pg: PlanPage<paths::EvaluationStaff>,
    s: Signed<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    if !s.who().roles.contains(&Role::Personnel) {
        return Err(cycle::Refusal::Denied(domain::Refusal::Role(&[Role::Personnel])).into());
    }
    let member = typed(&s.form).map(|m| vec![m]).map_err(|e| vec![e]);
    let viewer = pg.viewer.clone();
    saved(&pg, &s.state, &viewer, member).await
}

/// The list from a file (the token in the address, checked by the guard before the body).
pub async fn upload(
    at: paths::EvaluationStaffFile,
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let person = viewer.person().ok_or(AppError::SignIn)?.clone();
    if !person.roles.contains(&Role::Personnel) {
        return Err(cycle::Refusal::Denied(domain::Refusal::Role(&[Role::Personnel])).into());
    }
    let file = crate::pages::upload::receive(&state, multipart, workbook::staff::MAX_BYTES).await?;
    let bytes = file.bytes;
    let members = if bytes.is_empty() {
        Err(vec!["Scegliere il file dell'elenco.".to_string()])
    } else {
        tokio::task::spawn_blocking(move || workbook::staff::read_staff(&bytes))
            .await
            .map_err(|e| AppError::Internal(format!("reading a staff list failed: {e}")))?
    };
    let (v, _) = state.cycle().view(&at.plan, Some(&person), false).await?;
    let pg = PlanPage {
        at: paths::EvaluationStaff {
            plan: at.plan.clone(),
        },
        state: state.clone(),
        viewer: viewer.clone(),
        v,
        actor: None,
    };
    saved(&pg, &state, &viewer, members).await
}

/// The list as CSV; with nobody in it, the template.
pub async fn csv(pg: PlanPage<paths::EvaluationStaffCsv>) -> Result<Response, AppError> {
    let e = year_for(&pg).await?;
    readers_only(&e)?;
    let name = format!("personale-{}.csv", e.view.id());
    Ok(attachment(
        workbook::staff::staff_csv(&e.evaluation.staff),
        &name,
        CSV,
    ))
}
