//! The evaluation year of a plan (issue 15): where it stands (the SMVP adopted, the year
//! opened, the staff, the schede this person may read, appeals waiting past their days), and
//! the planning office's act that opens it. Its parts: `system` (the SMVP), `staff` (the people
//! evaluated), `sheet` (a scheda and its steps), `pool` (the result bonus and the
//! differentiation of scores). Personal data: each page shows only what `cycle::evaluation`
//! lets this person read; everyone else finds the page closed or counts of three or more.

pub mod pool;
pub mod sheet;
pub mod staff;
pub mod system;

use axum::response::Response;
use maud::{Markup, html};
use rust_decimal::Decimal;

use cycle::evaluation::Evaluated;
use domain::Role;
use domain::evaluation::sheet::Stage;
use domain::evaluation::staff::cluster_name;
use domain::messages;

use super::forms::Signed;
use super::layout::Column::{Number, Text};
use super::layout::{Page, Section, render, table};
use super::{PageResult, PlanPage, see_other};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::paths;

/// The evaluation year for the person reading `page`: signed in, of the plan's administration.
async fn year_for<P>(page: &PlanPage<P>) -> Result<Evaluated, AppError> {
    let person = page.viewer.person().ok_or(AppError::SignIn)?;
    Ok(page.state.cycle().evaluation(page.v.id(), person).await?)
}

/// A score as people read it: `72,02`.
pub fn score(d: Decimal) -> String {
    let d = domain::numbers::round2(d);
    format!("{d:.2}").replace('.', ",")
}

/// Cents as euros: `1.234,56 €`.
pub fn money(cents: i64) -> String {
    report::document::money(cents)
}

/// The page of part `title` of the evaluation year, below the year's page.
fn page<'a>(
    viewer: &'a Viewer,
    e: &'a Evaluated,
    title: &'a str,
    here: Option<String>,
    body: Markup,
) -> Page<'a> {
    let mut trail = vec![("Valutazione".to_string(), paths::evaluation(e.view.id()))];
    if let Some(here) = here {
        trail.push((title.to_string(), here));
    }
    Page::in_plan(viewer, &e.view, title, trail, body).at(Section::Evaluation)
}

/// The hidden fields every form of the year carries: the token and the revision seen.
fn seen(viewer: &Viewer, revision: i64) -> Markup {
    html! {
        input type="hidden" name="csrf" value=(viewer.csrf());
        input type="hidden" name="seen" value=(revision);
    }
}

/// The revision a form saw (absent or unreadable: none, which no revision matches).
fn seen_of(form: &[(String, String)]) -> i64 {
    field(form, "seen").parse().unwrap_or(-1)
}

/// A form's field, trimmed (empty when absent).
fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

pub async fn overview(page: PlanPage<paths::Evaluation>) -> PageResult {
    let e = year_for(&page).await?;
    let viewer = &page.viewer;
    let year = &e.evaluation.year;
    let p = e.procedure();
    let id = e.view.id().clone();
    let visible = e.visible();
    let overdue: Vec<_> = visible
        .iter()
        .filter(|(s, ..)| s.decision_overdue(e.today, &p))
        .collect();
    let deadline = p.assign_deadline(e.view.plan.year);
    let body = html! {
        p class="occhiello" { (e.view.plan.entity.name) " · anno " (e.view.plan.year) }
        h1 { "Valutazione individuale " (e.view.plan.year) }
        p { "La valutazione di ogni persona (D.Lgs. 150/2009, art. 9) secondo il sistema di misurazione e valutazione "
            "adottato per l'anno: la parte organizzativa viene dai punteggi del piano, il resto dagli obiettivi individuali "
            "e dai comportamenti. Le schede e i premi sono dati personali: ognuno vede la propria, il valutatore quelle "
            "che valuta, il Nucleo e l'ufficio del personale tutte." }
        h2 { "Il sistema di misurazione e valutazione" }
        @match &year.smvp {
            Some(a) => p {
                "Versione " (a.version) ", adottata con «" (a.act) "» dopo il parere vincolante del Nucleo del "
                (messages::date(a.opinion_on)) ". Conciliazione: entro " (p.appeal_days) " giorni dalla notifica, decisa da «"
                (p.body) "» entro " (p.decision_days) " giorni. "
                a href=(paths::EvaluationSystem { plan: id.clone() }) { "Il sistema in dettaglio" }
            },
            None => p {
                "Il sistema per quest'anno non è ancora stato adottato: senza, l'anno di valutazione non si apre. "
                @if e.has(Role::Admin) {
                    a href=(paths::EvaluationSystem { plan: id.clone() }) { "Registra il sistema adottato" }
                }
            },
        }
        h2 { "L'anno di valutazione" }
        @match year.opened_on {
            Some(d) => p { "Aperto il " (messages::date(d)) ": " (e.evaluation.sheets.len()) " schede assegnate." },
            None => {
                p { "Non ancora aperto. All'apertura ogni persona del personale riceve la sua scheda, con gli obiettivi "
                    "della sua unità nel piano e il suo valutatore."
                    @if let Some(d) = deadline { " Le schede si assegnano entro il " (messages::date(d)) "." } }
                @if e.has(Role::Admin) && year.smvp.is_some() {
                    form class="modulo" method="post" action=(paths::EvaluationOpen { plan: id.clone() }) {
                        (seen(viewer, e.evaluation.revision))
                        button type="submit" { "Apri l'anno di valutazione e assegna le schede" }
                    }
                }
            }
        }
        h2 { "Il personale valutato" }
        p {
            (e.evaluation.staff.len()) " persone nell'elenco dell'anno. "
            @if e.sees_staff() {
                a href=(paths::EvaluationStaff { plan: id.clone() }) {
                    @if e.has(Role::Personnel) { "Gestisci l'elenco" } @else { "Vedi l'elenco" }
                }
            }
        }
        @if !overdue.is_empty() && e.has(Role::Evaluator) {
            div class="avviso" role="alert" {
                h2 { "Conciliazioni oltre il termine" }
                ul {
                    @for (s, _, m, _) in &overdue {
                        li { a href=(sheet_path(&e, &s.matricola)) { (m.name) } " — richiesta del "
                            (s.appeal.as_ref().map(|a| messages::date(a.filed_on)).unwrap_or_default())
                            ", da decidere entro il " (s.decision_due(&p).map(messages::date).unwrap_or_default()) }
                    }
                }
            }
        }
        h2 { "Le schede" }
        @if visible.is_empty() {
            p { "Nessuna scheda da mostrare a chi legge." }
        } @else {
            (table(html! { "Schede che chi legge può vedere" },
                &[Text("Persona"), Text("Unità"), Text("Categoria"), Text("Valutatore"), Text("Stato"), Number("Punteggio")], html! {
                @for (s, _, m, _) in &visible {
                    tr {
                        th scope="row" { a href=(sheet_path(&e, &s.matricola)) { (m.name) } " (" (m.matricola) ")" }
                        td { (e.view.plan.unit(&s.unit).map_or(s.unit.as_str(), |u| u.name.as_str())) }
                        td { (cluster_name(&s.cluster)) }
                        td { (s.evaluator) }
                        td { (stage_words(s.stage_on(e.today, &p))) }
                        td class="numero" { @if let Some(v) = s.current() { (score(v.score)) @if v.negative { " (negativa)" } } @else { "—" } }
                    }
                }
            }))
        }
        h2 { "Differenziazione e premi" }
        ul {
            li { a href=(paths::EvaluationSpread { plan: id.clone() }) { "La differenziazione dei punteggi" } }
            li { a href=(paths::EvaluationPool { plan: id.clone() }) { "I fondi per la premialità e la loro ripartizione" } }
        }
    };
    Ok(render(
        Page::in_plan(
            viewer,
            &e.view,
            "Valutazione individuale",
            vec![("Valutazione".into(), paths::evaluation(&id))],
            body,
        )
        .at(Section::Evaluation),
    ))
}

/// A stage in words, capitalised for a table.
pub fn stage_words(stage: Stage) -> String {
    let w = stage.label();
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn sheet_path(e: &Evaluated, matricola: &str) -> String {
    paths::EvaluationSheet {
        plan: e.view.id().clone(),
        matricola: matricola.to_owned(),
    }
    .to_string()
}

/// The planning office opens the year.
pub async fn open(
    paths::EvaluationOpen { plan }: paths::EvaluationOpen,
    s: Signed<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.cycle()
        .open_evaluation(&plan, s.who(), seen_of(&s.form), &s.stamp())
        .await?;
    Ok(see_other(paths::evaluation(&plan)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn money_and_scores_read_the_italian_way() {
        assert_eq!(super::money(422_222), "4.222,22 €");
        assert_eq!(super::money(5), "0,05 €");
        assert_eq!(super::money(123_456_789), "1.234.567,89 €");
        assert_eq!(super::score("72.015".parse().unwrap()), "72,02");
        assert_eq!(super::score(60.into()), "60,00");
    }
}
