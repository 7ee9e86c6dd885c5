//! «Scrivi il piano»: the draft written in the browser. The planning office sets the title and
//! triennium, the strategy, the table of codes, the units (with their heads, functions and
//! staff) and which cards the plan has and in what order; a unit's head writes their units'
//! cards. Every form names the version it was made on: a save that finds another shows both,
//! 409; the plan's rules are shown beside the field they concern; every save is audited.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cycle::DraftOutcome;
use domain::drafting::Edit;
use domain::limits::Field;
use domain::{
    Axis, Diagnostic, Head, ObjectiveId, ObjectiveLabel, Period, PlanId, Responsible, Severity,
    StrategyLine, Unit, UnitId, UnitKind, messages,
};
use maud::{Markup, html};

mod card;
mod fields;
pub mod measure;
pub mod piao;

use fields::{DATE, NUMBER, Problems, REQUIRED, Sent, TEXT, area, input, select};

use super::forms::Signed;
use super::layout::{Page, render};
use super::{PlanPage, see_other};
use crate::auth::Viewer;
use crate::cache::PlanView;
use crate::error::AppError;
use crate::paths;

type Form = Signed<Vec<(String, String)>>;

fn sent(s: &Form) -> Sent {
    Sent(s.form.clone())
}

/// Empty rows offered to add heads, strategy lines and codes.
const NEW_ROWS: usize = 2;

fn hidden(viewer: &Viewer, version: i64) -> Markup {
    html! {
        input type="hidden" name="csrf" value=(viewer.csrf());
        input type="hidden" name="versione" value=(version);
    }
}

/// The draft as a person may write it now, read fresh: the whole (`unit` none) or the cards of
/// `unit`.
async fn fresh(s: &Form, plan: &PlanId, unit: Option<&UnitId>) -> Result<Arc<PlanView>, AppError> {
    let (v, actor) = s.cycle().view(plan, Some(s.who()), true).await?;
    v.may_draft(actor.as_ref(), unit)
        .map_err(AppError::refused)?;
    Ok(v)
}

/// Saves `edit` on the version the form was made on: to `back` when saved, or the form again
/// (made by `again` from the plan as it is now) with what changed, 409.
async fn save(
    s: &Form,
    plan: &PlanId,
    edit: &Edit,
    back: impl FnOnce(&PlanId) -> String,
    again: impl FnOnce(&PlanView) -> Response,
) -> Result<Response, AppError> {
    match s
        .cycle()
        .edit_draft(plan, s.who(), sent(s).version(), edit, &s.stamp())
        .await?
    {
        DraftOutcome::Saved(_) => Ok(see_other(back(plan))),
        DraftOutcome::Stale(stale) => Ok(again(&stale.current)),
    }
}

/// What changed meanwhile: the fields whose value now differs from what this person wrote.
fn compare(now: &Sent, mine: &Sent) -> Markup {
    let mut keys: Vec<&str> = now.0.iter().map(|(k, _)| k.as_str()).collect();
    for (k, _) in &mine.0 {
        if !keys.contains(&k.as_str()) && k != "csrf" && k != "versione" {
            keys.push(k);
        }
    }
    let differing: Vec<&str> = keys
        .into_iter()
        .filter(|k| now.get(k).trim() != mine.get(k).trim())
        .collect();
    html! {
        div class="avviso" role="alert" {
            h2 { "Nel frattempo il piano è stato modificato" }
            p { "Le tue modifiche non sono state salvate. Il modulo riporta i tuoi valori: rivedili e salva di nuovo." }
            @if !differing.is_empty() {
                table {
                    caption { "Differenze tra il piano com'è ora e ciò che avevi scritto" }
                    thead { tr { th scope="col" { "Campo" } th scope="col" { "Ora" } th scope="col" { "Tuo valore" } } }
                    tbody {
                        @for k in differing {
                            tr { th scope="row" { (k) } td class="testo" { (now.get(k)) } td class="testo" { (mine.get(k)) } }
                        }
                    }
                }
            }
        }
    }
}

/// The findings of the plan's rules that no form of this page shows, as a list.
fn findings_list(findings: &[Diagnostic]) -> Markup {
    html! {
        @if !findings.is_empty() {
            ul class="diagnostica" {
                @for d in findings {
                    li {
                        span class={"etichetta " (if d.severity == Severity::Error { "errore" } else { "avviso" })} {
                            (messages::severity(d.severity))
                        }
                        " " (d.message)
                    }
                }
            }
        }
    }
}

// ---- the hub ----

pub async fn hub(
    PlanPage {
        viewer, v, actor, ..
    }: PlanPage<paths::Draft>,
) -> Result<Response, AppError> {
    let whole = v.may_draft(actor.as_ref(), None);
    let cards = v.draftable_units(actor.as_ref());
    if let Err(r) = &whole
        && cards.is_empty()
    {
        return Err(AppError::refused(r.clone()));
    }
    Ok(hub_page(
        &viewer,
        &v,
        whole.is_ok(),
        &cards,
        Typed::none(),
        StatusCode::OK,
    ))
}

/// What a form sent back holds: the values typed, their problems, and what changed meanwhile.
#[derive(Default)]
struct Typed<'a> {
    sent: Option<&'a Sent>,
    problems: Problems,
    notice: Option<Markup>,
}

impl<'a> Typed<'a> {
    fn none() -> Self {
        Typed::default()
    }

    fn problems(sent: &'a Sent, problems: Problems) -> Self {
        Typed {
            sent: Some(sent),
            problems,
            notice: None,
        }
    }

    fn stale(sent: &'a Sent, now: &Sent) -> Self {
        Typed {
            sent: Some(sent),
            problems: Problems::default(),
            notice: Some(compare(now, sent)),
        }
    }

    /// A move or removal asked on an older version: the plan as it is now, to ask again.
    fn moved() -> Self {
        Typed {
            notice: Some(html! {
                div class="avviso" role="alert" {
                    h2 { "Nel frattempo il piano è stato modificato" }
                    p { "Nulla è stato spostato né eliminato: ecco il piano com'è ora; ripetere la scelta se serve ancora." }
                }
            }),
            ..Typed::default()
        }
    }

    /// The notice above the form: what changed meanwhile, or the problems of the form.
    fn notice(&self) -> Markup {
        html! {
            @if let Some(n) = &self.notice { (n) }
            @else if !self.problems.is_empty() { (fields::refused(&self.problems)) }
        }
    }
}

fn header_sent(v: &PlanView) -> Sent {
    let p = &v.plan;
    Sent(vec![
        ("titolo".into(), p.title.clone()),
        ("codice".into(), p.entity.code.clone().unwrap_or_default()),
        ("dal".into(), p.period.from.to_string()),
        ("al".into(), p.period.to.to_string()),
    ])
}

fn hub_page(
    viewer: &Viewer,
    v: &PlanView,
    whole: bool,
    cards: &[&UnitId],
    typed: Typed<'_>,
    status: StatusCode,
) -> Response {
    let plan = &v.plan;
    let findings = domain::validate(plan);
    let tally = domain::Tally::of(&findings);
    let mut shown = typed.problems.clone();
    let elsewhere = shown.findings(&findings, |path| match path {
        "title" => Some("titolo".into()),
        "entity.code" => Some("codice".into()),
        "period" | "year" => Some("dal".into()),
        _ => None,
    });
    let current = header_sent(v);
    let header = typed.sent.unwrap_or(&current);
    let id = v.id();
    let body = html! {
        p class="occhiello" { "Bozza del piano " (plan.year) " · " (plan.entity.name) }
        h1 { "Scrivi il piano" }
        p { "Le modifiche si salvano una per volta e restano nel registro. "
            "Il piano va al Nucleo di valutazione quando non ha più errori." }
        h2 id="regole" { "Le regole del piano" }
        @if tally.errors == 0 && tally.warnings == 0 {
            p { "Il piano rispetta tutte le regole." }
        } @else {
            p { (tally.errors) " errori e " (tally.warnings) " avvisi. "
                "Ciascuno è mostrato anche accanto al campo che lo riguarda, nel modulo della scheda o dell'unità." }
            (findings_list(&elsewhere))
        }
        @if whole {
            h2 id="intestazione" { "Titolo e triennio" }
            (typed.notice())
            form class="modulo" method="post" action=(paths::DraftHeader { plan: id.clone() }) {
                (hidden(viewer, v.summary.revision))
                p { (messages::entity_kind(plan.entity.kind)) ": " strong { (plan.entity.name) } " · anno " (plan.year)
                    " (l'amministrazione e l'anno identificano il piano)." }
                (area(&shown, "titolo", "Titolo del piano", header.get("titolo"), 2))
                (input(&shown, "codice", "Codice IPA dell'amministrazione (facoltativo, vale per tutti i suoi piani)", header.get("codice"), TEXT))
                (input(&shown, "dal", "Triennio: dal", header.get("dal"), NUMBER))
                (input(&shown, "al", "al", header.get("al"), NUMBER))
                p { button type="submit" { "Salva titolo e triennio" } }
            }
            h2 id="strategia" { "Strategia, codifica e PIAO" }
            ul {
                li { a href=(paths::DraftStrategy { plan: id.clone() }) { "Le linee strategiche e i loro assi" } " (" (plan.strategy.len()) ")" }
                li { a href=(paths::DraftCodes { plan: id.clone() }) { "La tabella di codifica dei responsabili" } " (" (plan.responsibles.len()) ")" }
                li { a href=(paths::DraftPiao { plan: id.clone() }) { "Le sezioni del PIAO" } " (il piano ne è la sezione 2.2)"
                    @if plan.piao.is_none() { ": ancora da scrivere" } }
            }
            h2 id="unita" { "Le unità" }
            @if plan.units.is_empty() { p { "Il piano non ha ancora unità." } }
            @else {
                table {
                    caption { "Unità del piano, nell'ordine del documento" }
                    thead { tr { th scope="col" { "Unità" } th scope="col" { "Codice" } th scope="col" { "Tipo" } th scope="col" { "Posto" } } }
                    tbody {
                        @for u in &plan.units {
                            tr {
                                th scope="row" { a href=(paths::DraftUnit { plan: id.clone(), unit: u.id.to_string() }) { (u.name) } }
                                td { (u.id) }
                                td { (messages::unit_kind(u.kind)) }
                                td { (place_buttons(viewer, v, &paths::DraftUnitPlace { plan: id.clone(), unit: u.id.to_string() }.to_string(), &format!("l'unità {}", u.name))) }
                            }
                        }
                    }
                }
            }
            p { a href=(paths::DraftUnits { plan: id.clone() }) { "Aggiungi un'unità" } }
        }
        h2 id="obiettivi" { "Le schede degli obiettivi" }
        @for u in plan.units.iter().filter(|u| cards.contains(&&u.id)) {
            h3 { (u.name) }
            @let own: Vec<_> = plan.objectives.iter().filter(|o| o.unit == u.id).collect();
            @if own.is_empty() { p { "Nessuna scheda." } }
            @else {
                ul class="albero" {
                    @for o in own {
                        li {
                            a href=(paths::DraftCard::of(id, o)) { "Obiettivo " (o.label) ": " (if o.title.is_empty() { "(senza titolo)" } else { o.title.as_str() }) }
                            @if whole {
                                " " (place_buttons(viewer, v, &paths::DraftCardPlace::of(id, o).to_string(), &format!("l'obiettivo {} di {}", o.label, u.name)))
                            }
                        }
                    }
                }
            }
            @if whole {
                p { a href=(format!("{}?unita={}", paths::DraftCards { plan: id.clone() }, u.id)) { "Nuova scheda per " (u.name) } }
            }
        }
    };
    page(viewer, v, "Scrivi il piano", None, body, status)
}

/// A page of the draft titled `title`, below «Scrivi il piano» (and `trail`).
fn page(
    viewer: &Viewer,
    v: &PlanView,
    title: &str,
    trail: Option<(String, String)>,
    body: Markup,
    status: StatusCode,
) -> Response {
    let mut crumbs = vec![(
        "Scrivi il piano".to_owned(),
        paths::Draft {
            plan: v.id().clone(),
        }
        .to_string(),
    )];
    crumbs.extend(trail);
    (
        status,
        render(Page::in_plan(viewer, v, title, crumbs, body)),
    )
        .into_response()
}

/// A page of the draft with one form: its title, what comes before the form (what changed
/// meanwhile, the form's problems, findings), the form's fields and its button.
#[allow(clippy::too_many_arguments)]
fn form_page(
    viewer: &Viewer,
    v: &PlanView,
    title: &str,
    action: String,
    before: Markup,
    fields: Markup,
    button: &str,
    status: StatusCode,
    check: Option<String>,
) -> Response {
    let body = html! {
        h1 { (title) }
        (before)
        form class="modulo" method="post" action=(action) data-verifica=[check.as_ref()] {
            (hidden(viewer, v.summary.revision))
            (fields)
            @if check.is_some() {
                p id="verifica" class="nota" role="status" {}
            }
            p { button type="submit" { (button) } }
        }
        @if check.is_some() {
            script src=(paths::DraftScript.to_string()) defer {}
        }
    };
    page(
        viewer,
        v,
        title,
        Some((title.to_owned(), action)),
        body,
        status,
    )
}

/// The buttons that move an item up or down or remove it, in one form.
fn place_buttons(viewer: &Viewer, v: &PlanView, action: &str, name: &str) -> Markup {
    html! {
        form class="in-linea" method="post" action=(action) {
            (hidden(viewer, v.summary.revision))
            button type="submit" name="azione" value="su" aria-label=(format!("Sposta su {name}")) { "Su" }
            " "
            button type="submit" name="azione" value="giu" aria-label=(format!("Sposta giù {name}")) { "Giù" }
            " "
            button type="submit" name="azione" value="elimina" aria-label=(format!("Elimina {name}")) { "Elimina" }
        }
    }
}

pub async fn header(p: paths::DraftHeader, viewer: Viewer, s: Form) -> Result<Response, AppError> {
    let v = fresh(&s, &p.plan, None).await?;
    let form = sent(&s);
    let all: Vec<&UnitId> = v.plan.units.iter().map(|u| &u.id).collect();
    if form.version() != v.summary.revision {
        let typed = Typed::stale(&form, &header_sent(&v));
        return Ok(hub_page(
            &viewer,
            &v,
            true,
            &all,
            typed,
            StatusCode::CONFLICT,
        ));
    }
    let mut problems = Problems::default();
    let title = problems.required("titolo", Field::PlanTitle, form.get("titolo"));
    let code = Some(form.get("codice").trim().to_owned()).filter(|c| !c.is_empty());
    if let Some(c) = code.as_deref().filter(|c| !domain::Entity::code_fits(c)) {
        problems.add("codice", messages::entity_code(c));
    }
    let from = problems.number::<i32>("dal", form.get("dal"));
    let to = problems.number::<i32>("al", form.get("al"));
    if from.is_none() || to.is_none() {
        problems.add("dal", "Indicare gli anni del triennio.");
    }
    if let (Some(from), Some(to)) = (from, to)
        && (from > to || !(from..=to).contains(&v.plan.year) || to - from > 10)
    {
        problems.add(
            "dal",
            format!(
                "Il triennio va dal primo all'ultimo anno e comprende il {}.",
                v.plan.year
            ),
        );
    }
    let (Some(from), Some(to), true) = (from, to, problems.is_empty()) else {
        let typed = Typed::problems(&form, problems);
        return Ok(hub_page(
            &viewer,
            &v,
            true,
            &all,
            typed,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    let edit = Edit::Header {
        title,
        period: Period { from, to },
        code,
    };
    save(
        &s,
        &p.plan,
        &edit,
        |plan| format!("{}#intestazione", paths::Draft { plan: plan.clone() }),
        |now| {
            let all: Vec<&UnitId> = now.plan.units.iter().map(|u| &u.id).collect();
            let typed = Typed::stale(&form, &header_sent(now));
            hub_page(&viewer, now, true, &all, typed, StatusCode::CONFLICT)
        },
    )
    .await
}

// ---- strategy and codes: rows of a list ----

fn strategy_sent(lines: &[StrategyLine]) -> Sent {
    let mut s = vec![("righe".to_owned(), lines.len().to_string())];
    for (i, l) in lines.iter().enumerate() {
        s.push((format!("linea-{i}-codice"), l.id.clone()));
        s.push((format!("linea-{i}-titolo"), l.title.clone()));
        let axes: Vec<&str> = l.axes.iter().map(|a| a.text.as_str()).collect();
        s.push((format!("linea-{i}-assi"), axes.join("\n")));
    }
    Sent(s)
}

fn codes_sent(rows: &[Responsible]) -> Sent {
    let mut s = vec![("righe".to_owned(), rows.len().to_string())];
    for (i, r) in rows.iter().enumerate() {
        s.push((format!("codice-{i}-codice"), r.code.clone()));
        s.push((format!("codice-{i}-ruolo"), r.title.clone()));
    }
    Sent(s)
}

fn row_count(sent: &Sent) -> usize {
    sent.get("righe")
        .trim()
        .parse::<usize>()
        .unwrap_or(0)
        .min(500)
        + NEW_ROWS
}

/// The strategy the form describes, in the order written: each line keeps its code (what the
/// PIAO's public value names), a new one takes the next free `sN`; the axes are numbered
/// under their line (`s1.1`…); a line without a title is left out.
fn strategy_of(sent: &Sent) -> Result<Vec<StrategyLine>, Problems> {
    let mut p = Problems::default();
    let mut lines = Vec::new();
    let kept: Vec<String> = (0..row_count(sent))
        .map(|i| sent.get(&format!("linea-{i}-codice")).trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    let mut taken: Vec<String> = Vec::new();
    for i in 0..row_count(sent) {
        let title = p.text(
            &format!("linea-{i}-titolo"),
            Field::StrategyTitle,
            sent.get(&format!("linea-{i}-titolo")),
        );
        if title.is_empty() {
            continue;
        }
        let given = sent.get(&format!("linea-{i}-codice")).trim();
        let is_code = given.len() > 1
            && given.starts_with('s')
            && given[1..].bytes().all(|b| b.is_ascii_digit());
        let id = if is_code && !taken.iter().any(|t| t == given) {
            given.to_owned()
        } else {
            (1..)
                .map(|n| format!("s{n}"))
                .find(|c| !kept.contains(c) && !taken.contains(c))
                .unwrap_or_default()
        };
        taken.push(id.clone());
        let mut axes = Vec::new();
        for text in sent.get(&format!("linea-{i}-assi")).lines() {
            if let Some(text) = p.optional(&format!("linea-{i}-assi"), Field::AxisText, text) {
                axes.push(Axis {
                    id: format!("{id}.{}", axes.len() + 1),
                    text,
                });
            }
        }
        lines.push(StrategyLine { id, title, axes });
    }
    if p.is_empty() { Ok(lines) } else { Err(p) }
}

fn codes_of(sent: &Sent) -> Result<Vec<Responsible>, Problems> {
    let mut p = Problems::default();
    let mut rows = Vec::new();
    for i in 0..row_count(sent) {
        let code = p.text(
            &format!("codice-{i}-codice"),
            Field::ResponsibleTitle,
            sent.get(&format!("codice-{i}-codice")),
        );
        let title = p.text(
            &format!("codice-{i}-ruolo"),
            Field::ResponsibleTitle,
            sent.get(&format!("codice-{i}-ruolo")),
        );
        if code.is_empty() && title.is_empty() {
            continue;
        }
        if code.is_empty() {
            p.add(format!("codice-{i}-codice"), "Indicare il codice.");
        }
        rows.push(Responsible { code, title });
    }
    if p.is_empty() { Ok(rows) } else { Err(p) }
}

/// Which list page: the strategy or the codes.
#[derive(Clone, Copy)]
enum List {
    Strategy,
    Codes,
}

fn list_page(
    viewer: &Viewer,
    v: &PlanView,
    list: List,
    typed: Typed<'_>,
    status: StatusCode,
) -> Response {
    let current = match list {
        List::Strategy => strategy_sent(&v.plan.strategy),
        List::Codes => codes_sent(&v.plan.responsibles),
    };
    let sent = typed.sent.unwrap_or(&current);
    let mut shown = typed.problems.clone();
    let findings = domain::validate(&v.plan);
    let (title, action, prefix) = match list {
        List::Strategy => (
            "Le linee strategiche",
            paths::DraftStrategy {
                plan: v.id().clone(),
            }
            .to_string(),
            "strategy[",
        ),
        List::Codes => (
            "La tabella di codifica",
            paths::DraftCodes {
                plan: v.id().clone(),
            }
            .to_string(),
            "responsibles[",
        ),
    };
    let elsewhere: Vec<Diagnostic> = shown
        .findings(&findings, |path| {
            let rest = path.strip_prefix(prefix)?;
            let (i, _) = rest.split_once(']')?;
            Some(match list {
                List::Strategy => format!("linea-{i}-titolo"),
                List::Codes => format!("codice-{i}-codice"),
            })
        })
        .into_iter()
        .filter(|d| d.location.path.starts_with(prefix))
        .collect();
    let fields = html! {
        input type="hidden" name="righe" value=(row_count(sent) - NEW_ROWS);
        @match list {
            List::Strategy => {
                p class="nota" { "Una riga vuota in fondo aggiunge una linea; una linea senza titolo viene tolta. "
                    "Ogni linea tiene il suo codice (lo usano le sezioni del PIAO); gli assi, uno per riga, si numerano sotto la loro linea." }
                @for i in 0..row_count(sent) {
                    fieldset {
                        @let code = sent.get(&format!("linea-{i}-codice"));
                        legend { "Linea " (i + 1) @if !code.is_empty() { " (" (code) ")" } }
                        input type="hidden" name=(format!("linea-{i}-codice")) value=(code);
                        (area(&shown, &format!("linea-{i}-titolo"), "Titolo della linea", sent.get(&format!("linea-{i}-titolo")), 2))
                        (area(&shown, &format!("linea-{i}-assi"), "Assi programmatici (uno per riga)", sent.get(&format!("linea-{i}-assi")), 4))
                    }
                }
            }
            List::Codes => {
                p class="nota" { "Una riga vuota in fondo aggiunge un codice; una riga svuotata lo toglie." }
                @for i in 0..row_count(sent) {
                    fieldset {
                        legend { "Riga " (i + 1) }
                        (input(&shown, &format!("codice-{i}-codice"), "Codice", sent.get(&format!("codice-{i}-codice")), TEXT))
                        (area(&shown, &format!("codice-{i}-ruolo"), "Ruolo", sent.get(&format!("codice-{i}-ruolo")), 2))
                    }
                }
            }
        }
    };
    let before = html! { (typed.notice()) (findings_list(&elsewhere)) };
    form_page(
        viewer, v, title, action, before, fields, "Salva", status, None,
    )
}

pub async fn strategy_page(
    PlanPage {
        viewer, v, actor, ..
    }: PlanPage<paths::DraftStrategy>,
) -> Result<Response, AppError> {
    v.may_draft(actor.as_ref(), None)
        .map_err(AppError::refused)?;
    Ok(list_page(
        &viewer,
        &v,
        List::Strategy,
        Typed::none(),
        StatusCode::OK,
    ))
}

pub async fn codes_page(
    PlanPage {
        viewer, v, actor, ..
    }: PlanPage<paths::DraftCodes>,
) -> Result<Response, AppError> {
    v.may_draft(actor.as_ref(), None)
        .map_err(AppError::refused)?;
    Ok(list_page(
        &viewer,
        &v,
        List::Codes,
        Typed::none(),
        StatusCode::OK,
    ))
}

async fn save_list(
    plan: &PlanId,
    viewer: Viewer,
    s: Form,
    list: List,
) -> Result<Response, AppError> {
    let v = fresh(&s, plan, None).await?;
    let form = sent(&s);
    let now = |v: &PlanView| match list {
        List::Strategy => strategy_sent(&v.plan.strategy),
        List::Codes => codes_sent(&v.plan.responsibles),
    };
    if form.version() != v.summary.revision {
        let typed = Typed::stale(&form, &now(&v));
        return Ok(list_page(&viewer, &v, list, typed, StatusCode::CONFLICT));
    }
    let edit = match list {
        List::Strategy => strategy_of(&form).map(Edit::Strategy),
        List::Codes => codes_of(&form).map(Edit::Responsibles),
    };
    let edit = match edit {
        Ok(edit) => edit,
        Err(problems) => {
            let typed = Typed::problems(&form, problems);
            return Ok(list_page(
                &viewer,
                &v,
                list,
                typed,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let back = match list {
        List::Strategy => paths::DraftStrategy { plan: plan.clone() }.to_string(),
        List::Codes => paths::DraftCodes { plan: plan.clone() }.to_string(),
    };
    save(
        &s,
        plan,
        &edit,
        |_| back,
        |current| {
            list_page(
                &viewer,
                current,
                list,
                Typed::stale(&form, &now(current)),
                StatusCode::CONFLICT,
            )
        },
    )
    .await
}

pub async fn strategy(
    p: paths::DraftStrategy,
    viewer: Viewer,
    s: Form,
) -> Result<Response, AppError> {
    save_list(&p.plan, viewer, s, List::Strategy).await
}

pub async fn codes(p: paths::DraftCodes, viewer: Viewer, s: Form) -> Result<Response, AppError> {
    save_list(&p.plan, viewer, s, List::Codes).await
}

// ---- units ----

fn unit_sent(u: &Unit) -> Sent {
    let mut s = vec![
        ("codice".to_owned(), u.id.to_string()),
        ("tipo".into(), u.kind.as_str().to_owned()),
        ("nome".into(), u.name.clone()),
        (
            "area".into(),
            u.parent
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ),
        (
            "codice-responsabile".into(),
            u.responsible_code.clone().unwrap_or_default(),
        ),
        (
            "addetti".into(),
            u.staff.map(|n| n.to_string()).unwrap_or_default(),
        ),
        ("funzioni".into(), u.functions.join("\n")),
        ("righe".into(), u.heads.len().to_string()),
    ];
    for (h, head) in u.heads.iter().enumerate() {
        s.push((format!("responsabile-{h}-nome"), head.name.clone()));
        s.push((
            format!("responsabile-{h}-ruolo"),
            head.role.clone().unwrap_or_default(),
        ));
        s.push((
            format!("responsabile-{h}-dal"),
            fields::date_value(head.from),
        ));
        s.push((
            format!("responsabile-{h}-al"),
            fields::date_value(head.until),
        ));
    }
    Sent(s)
}

fn unit_of(sent: &Sent) -> Result<Unit, Problems> {
    let mut p = Problems::default();
    let id = p.parsed(
        "codice",
        sent.get("codice"),
        "il codice dell'unità ha lettere minuscole, cifre e trattini (servizi-sociali)",
        UnitId::parse,
    );
    if sent.get("codice").trim().is_empty() {
        p.add("codice", "Indicare il codice dell'unità (servizi-sociali).");
    }
    let kind = UnitKind::parse(sent.get("tipo"));
    if kind.is_none() {
        p.add("tipo", "Scegliere il tipo di unità dall'elenco.");
    }
    let name = p.required("nome", Field::UnitName, sent.get("nome"));
    let parent = p.parsed(
        "area",
        sent.get("area"),
        "non è il codice di un'unità",
        UnitId::parse,
    );
    let responsible_code = p.optional(
        "codice-responsabile",
        Field::ResponsibleTitle,
        sent.get("codice-responsabile"),
    );
    let staff = p.number::<u32>("addetti", sent.get("addetti"));
    let mut functions = Vec::new();
    for line in sent.get("funzioni").lines() {
        if let Some(f) = p.optional("funzioni", Field::UnitFunction, line) {
            functions.push(f);
        }
    }
    let mut heads = Vec::new();
    for h in 0..row_count(sent) {
        let f = |n: &str| format!("responsabile-{h}-{n}");
        let name = p.text(&f("nome"), Field::HeadName, sent.get(&f("nome")));
        if name.is_empty() || sent.ticked(&f("elimina")) {
            continue;
        }
        heads.push(Head {
            name,
            role: p.optional(&f("ruolo"), Field::HeadRole, sent.get(&f("ruolo"))),
            from: p.date(&f("dal"), sent.get(&f("dal"))),
            until: p.date(&f("al"), sent.get(&f("al"))),
        });
    }
    match (id, kind, p.is_empty()) {
        (Some(id), Some(kind), true) => Ok(Unit {
            id,
            kind,
            name,
            parent,
            heads,
            responsible_code,
            functions,
            staff,
        }),
        _ => Err(p),
    }
}

/// Where a finding about unit `index` goes in its form.
fn unit_field(index: usize, path: &str) -> Option<String> {
    let rest = path.strip_prefix(&format!("units[{index}]"))?;
    let rest = rest.trim_start_matches('.');
    if let Some(head) = rest.strip_prefix("heads[") {
        let (h, field) = head.split_once(']')?;
        let id = match field.trim_start_matches('.') {
            "role" => "ruolo",
            "from" => "dal",
            "until" => "al",
            _ => "nome",
        };
        return Some(format!("responsabile-{h}-{id}"));
    }
    Some(
        match rest {
            "parent" => "area",
            "responsible_code" => "codice-responsabile",
            "staff" => "addetti",
            r if r.starts_with("functions") => "funzioni",
            "name" => "nome",
            _ => "codice",
        }
        .to_owned(),
    )
}

/// The unit form: a new unit (`at` none) or unit `at`.
fn unit_page(
    viewer: &Viewer,
    v: &PlanView,
    at: Option<&Unit>,
    typed: Typed<'_>,
    status: StatusCode,
) -> Response {
    let blank = Sent(vec![("tipo".into(), UnitKind::Settore.as_str().to_owned())]);
    let current = at.map(unit_sent);
    let sent = typed.sent.or(current.as_ref()).unwrap_or(&blank);
    let mut shown = typed.problems.clone();
    let index = at.and_then(|u| v.plan.units.iter().position(|x| x.id == u.id));
    if let Some(i) = index {
        shown.findings(&domain::validate(&v.plan), |path| unit_field(i, path));
    }
    let kinds: Vec<(String, String)> = UnitKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), messages::unit_kind(*k).to_owned()))
        .collect();
    let mut parents = vec![(String::new(), "nessuna".to_owned())];
    parents.extend(
        v.plan
            .units
            .iter()
            .filter(|u| at.is_none_or(|a| a.id != u.id))
            .map(|u| (u.id.to_string(), u.name.clone())),
    );
    let (title, action) = match at {
        Some(u) => (
            format!("Unità: {}", u.name),
            paths::DraftUnit {
                plan: v.id().clone(),
                unit: u.id.to_string(),
            }
            .to_string(),
        ),
        None => (
            "Nuova unità".to_owned(),
            paths::DraftUnits {
                plan: v.id().clone(),
            }
            .to_string(),
        ),
    };
    let fields = html! {
        (input(&shown, "codice", "Codice dell'unità (lettere minuscole, cifre e trattini: servizi-sociali)", sent.get("codice"), REQUIRED))
        (select(&shown, "tipo", "Tipo", sent.get("tipo"), &kinds))
        (area(&shown, "nome", "Nome", sent.get("nome"), 2))
        (select(&shown, "area", "Area a cui appartiene", sent.get("area"), &parents))
        (input(&shown, "codice-responsabile", "Codice nella tabella di codifica", sent.get("codice-responsabile"), TEXT))
        (input(&shown, "addetti", "Personale (numero di addetti)", sent.get("addetti"), NUMBER))
        (area(&shown, "funzioni", "Funzioni (una per riga)", sent.get("funzioni"), 5))
        input type="hidden" name="righe" value=(row_count(sent) - NEW_ROWS);
        @for h in 0..row_count(sent) {
            @let f = |n: &str| format!("responsabile-{h}-{n}");
            fieldset {
                legend { "Responsabile " (h + 1) }
                (input(&shown, &f("nome"), "Nome, con il titolo (Ing. Luca Galandra)", sent.get(&f("nome")), TEXT))
                (input(&shown, &f("ruolo"), "Ruolo (Dirigente)", sent.get(&f("ruolo")), TEXT))
                (input(&shown, &f("dal"), "Dal (se l'incarico ha un inizio nell'anno)", sent.get(&f("dal")), DATE))
                (input(&shown, &f("al"), "Al (se l'incarico finisce nell'anno)", sent.get(&f("al")), DATE))
            }
        }
    };
    form_page(
        viewer,
        v,
        &title,
        action,
        typed.notice(),
        fields,
        "Salva l'unità",
        status,
        None,
    )
}

pub async fn new_unit_page(
    PlanPage {
        viewer, v, actor, ..
    }: PlanPage<paths::DraftUnits>,
) -> Result<Response, AppError> {
    v.may_draft(actor.as_ref(), None)
        .map_err(AppError::refused)?;
    Ok(unit_page(&viewer, &v, None, Typed::none(), StatusCode::OK))
}

pub async fn unit_form(
    PlanPage {
        at,
        viewer,
        v,
        actor,
        ..
    }: PlanPage<paths::DraftUnit>,
) -> Result<Response, AppError> {
    v.may_draft(actor.as_ref(), None)
        .map_err(AppError::refused)?;
    let unit = v
        .plan
        .units
        .iter()
        .find(|u| u.id.as_str() == at.unit)
        .ok_or_else(|| AppError::NotFound(format!("un'unità «{}» in questo piano", at.unit)))?;
    Ok(unit_page(
        &viewer,
        &v,
        Some(unit),
        Typed::none(),
        StatusCode::OK,
    ))
}

async fn save_unit(
    plan: &PlanId,
    at: Option<&str>,
    viewer: Viewer,
    s: Form,
) -> Result<Response, AppError> {
    let v = fresh(&s, plan, None).await?;
    let form = sent(&s);
    let old = match at {
        Some(code) => Some(
            v.plan
                .units
                .iter()
                .find(|u| u.id.as_str() == code)
                .ok_or_else(|| AppError::NotFound(format!("un'unità «{code}» in questo piano")))?
                .clone(),
        ),
        None => None,
    };
    if form.version() != v.summary.revision {
        let now = old.as_ref().map(unit_sent).unwrap_or_default();
        return Ok(unit_page(
            &viewer,
            &v,
            old.as_ref(),
            Typed::stale(&form, &now),
            StatusCode::CONFLICT,
        ));
    }
    let unit = match unit_of(&form) {
        Ok(u) => u,
        Err(problems) => {
            let typed = Typed::problems(&form, problems);
            return Ok(unit_page(
                &viewer,
                &v,
                old.as_ref(),
                typed,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let edit = Edit::Unit {
        at: old.as_ref().map(|u| u.id.clone()),
        unit: unit.clone(),
    };
    save(
        &s,
        plan,
        &edit,
        |plan| {
            paths::DraftUnit {
                plan: plan.clone(),
                unit: unit.id.to_string(),
            }
            .to_string()
        },
        |now| {
            let current = old
                .as_ref()
                .and_then(|o| now.plan.units.iter().find(|u| u.id == o.id));
            let now_sent = current.map(unit_sent).unwrap_or_default();
            unit_page(
                &viewer,
                now,
                current,
                Typed::stale(&form, &now_sent),
                StatusCode::CONFLICT,
            )
        },
    )
    .await
}

pub async fn add_unit(p: paths::DraftUnits, viewer: Viewer, s: Form) -> Result<Response, AppError> {
    save_unit(&p.plan, None, viewer, s).await
}

pub async fn edit_unit(p: paths::DraftUnit, viewer: Viewer, s: Form) -> Result<Response, AppError> {
    save_unit(&p.plan, Some(&p.unit), viewer, s).await
}

/// Up, down or away: what a place form asks.
fn place_of(sent: &Sent) -> Result<Option<bool>, AppError> {
    match sent.get("azione") {
        "su" => Ok(Some(true)),
        "giu" => Ok(Some(false)),
        "elimina" => Ok(None),
        _ => Err(AppError::BadRequest(
            "Azione sconosciuta: ricaricare la pagina.".into(),
        )),
    }
}

/// A move or removal: saved, or refused as the plan changed meanwhile (409, the hub again).
/// `edit` makes the edit from what the form asks: up, down (`Some`), or away.
async fn place(
    s: &Form,
    viewer: &Viewer,
    plan: &PlanId,
    edit: impl FnOnce(Option<bool>) -> Edit,
) -> Result<Response, AppError> {
    let v = fresh(s, plan, None).await?;
    let form = sent(s);
    let all: Vec<&UnitId> = v.plan.units.iter().map(|u| &u.id).collect();
    if form.version() != v.summary.revision {
        return Ok(hub_page(
            viewer,
            &v,
            true,
            &all,
            Typed::moved(),
            StatusCode::CONFLICT,
        ));
    }
    let edit = edit(place_of(&form)?);
    save(
        s,
        plan,
        &edit,
        |plan| format!("{}#unita", paths::Draft { plan: plan.clone() }),
        |now| {
            let all: Vec<&UnitId> = now.plan.units.iter().map(|u| &u.id).collect();
            hub_page(
                viewer,
                now,
                true,
                &all,
                Typed::moved(),
                StatusCode::CONFLICT,
            )
        },
    )
    .await
}

pub async fn unit_place(
    p: paths::DraftUnitPlace,
    viewer: Viewer,
    s: Form,
) -> Result<Response, AppError> {
    let unit = UnitId::parse(p.unit.clone())
        .map_err(|_| AppError::NotFound(format!("un'unità «{}» in questo piano", p.unit)))?;
    place(&s, &viewer, &p.plan, |up| match up {
        Some(up) => Edit::MoveUnit { unit, up },
        None => Edit::RemoveUnit(unit),
    })
    .await
}

pub async fn card_place(
    p: paths::DraftCardPlace,
    viewer: Viewer,
    s: Form,
) -> Result<Response, AppError> {
    let id = objective_id(&p.unit, &p.label)?;
    place(&s, &viewer, &p.plan, |up| match up {
        Some(up) => Edit::MoveObjective { objective: id, up },
        None => Edit::RemoveObjective(id),
    })
    .await
}

fn objective_id(unit: &str, label: &str) -> Result<ObjectiveId, AppError> {
    let missing = || AppError::NotFound(format!("un obiettivo «{unit}/{label}» in questo piano"));
    let unit = UnitId::parse(unit.to_owned()).map_err(|_| missing())?;
    let label = ObjectiveLabel::parse(label.to_owned()).map_err(|_| missing())?;
    Ok(ObjectiveId::new(&unit, &label))
}

// ---- cards ----

/// The card form: a new card (`at` none) or card `at` of the plan.
fn card_page(
    viewer: &Viewer,
    v: &PlanView,
    units: &[&UnitId],
    at: Option<usize>,
    typed: Typed<'_>,
    status: StatusCode,
    measures: bool,
) -> Response {
    let o = at.and_then(|i| v.plan.objectives.get(i));
    let current = o.map(card::sent_of);
    let blank = Sent::default();
    let sent = typed.sent.or(current.as_ref()).unwrap_or(&blank);
    let mut shown = typed.problems.clone();
    if let Some(i) = at {
        shown.findings(&domain::validate(&v.plan), |path| card::field_of(i, path));
    }
    let options: Vec<(String, String)> = v
        .plan
        .units
        .iter()
        .filter(|u| units.contains(&&u.id))
        .map(|u| (u.id.to_string(), u.name.clone()))
        .collect();
    let (title, action) = match o {
        Some(o) => (
            format!("Scheda dell'obiettivo {} · {}", o.label, o.unit),
            paths::DraftCard::of(v.id(), o).to_string(),
        ),
        None => (
            "Nuova scheda".to_owned(),
            paths::DraftCards {
                plan: v.id().clone(),
            }
            .to_string(),
        ),
    };
    let fields = card::form_fields(sent, &shown, &options);
    let check = paths::DraftCheck {
        plan: v.id().clone(),
    }
    .to_string();
    let check = match o {
        Some(o) => format!("{check}?scheda={}/{}", o.unit, o.label),
        None => check,
    };
    let before = html! {
        (typed.notice())
        @if let Some(o) = o.filter(|o| measures && !o.indicators.is_empty()) {
            h2 id="misure-indicatori" { "Come si misurano gli indicatori" }
            ul {
                @for (n, text) in o.indicators.iter().enumerate() {
                    li {
                        a href=(paths::DraftIndicator { plan: v.id().clone(), unit: o.unit.to_string(), label: o.label.to_string(), n: domain::Position::of_index(n) }) {
                            "Indicatore " (n + 1) ": " (text)
                        }
                        @if v.settings.indicators.iter().any(|s| s.objective == o.id.as_str() && s.indicator == n + 1) {
                            " — misurato"
                        } @else { " — non misurato" }
                    }
                }
            }
        }
    };
    form_page(
        viewer,
        v,
        &title,
        action,
        before,
        fields,
        "Salva la scheda",
        status,
        Some(check),
    )
}

/// Which card a check is of: `unit/label`, or none for a new one.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CheckOf {
    #[serde(default)]
    scheda: String,
}

/// A card's form checked as one types: its problems, and what the plan's rules would say of the
/// plan with it, by field id; nothing saved.
pub async fn check(
    p: paths::DraftCheck,
    query: Result<axum::extract::Query<CheckOf>, axum::extract::rejection::QueryRejection>,
    s: Form,
) -> Result<Response, AppError> {
    let of = query.map(|q| q.0.scheda).unwrap_or_default();
    let (v, actor) = s.cycle().view(&p.plan, Some(s.who()), true).await?;
    let index = match of.split_once('/') {
        Some((unit, label)) => Some(v.find_objective(unit, label)?),
        None => None,
    };
    let unit = index.map(|i| &v.plan.objectives[i].unit);
    v.may_draft(actor.as_ref(), unit)
        .map_err(AppError::refused)?;
    let units = if index.is_some() {
        v.draftable_units(actor.as_ref())
    } else {
        v.plan.units.iter().map(|u| &u.id).collect()
    };
    let form = sent(&s);
    let problems = match card::card_of(&form, &units) {
        Err(problems) => problems,
        Ok(objective) => {
            let id = objective.id.clone();
            let edit = Edit::Objective {
                at: index.map(|i| v.plan.objectives[i].id.clone()),
                objective: Box::new(objective),
            };
            let mut problems = Problems::default();
            match domain::drafting::apply(&v.plan, &edit) {
                Err(e) => problems.add("etichetta", e.to_string()),
                Ok(next) => {
                    if let Some(at) = next.objectives.iter().position(|o| o.id == id) {
                        problems
                            .findings(&domain::validate(&next), |path| card::field_of(at, path));
                    }
                }
            }
            problems
        }
    };
    Ok(axum::Json(serde_json::json!({ "problems": problems.0 })).into_response())
}

#[derive(Debug, serde::Deserialize)]
pub struct NewCard {
    #[serde(default)]
    unita: String,
}

pub async fn new_card_page(
    PlanPage {
        viewer, v, actor, ..
    }: PlanPage<paths::DraftCards>,
    query: Result<axum::extract::Query<NewCard>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    v.may_draft(actor.as_ref(), None)
        .map_err(AppError::refused)?;
    let all: Vec<&UnitId> = v.plan.units.iter().map(|u| &u.id).collect();
    let unit = query.map(|q| q.0.unita).unwrap_or_default();
    let start = Sent(vec![("unita".into(), unit)]);
    let typed = Typed {
        sent: Some(&start),
        ..Typed::none()
    };
    Ok(card_page(
        &viewer,
        &v,
        &all,
        None,
        typed,
        StatusCode::OK,
        false,
    ))
}

pub async fn card_form(
    PlanPage {
        at,
        viewer,
        v,
        actor,
        ..
    }: PlanPage<paths::DraftCard>,
) -> Result<Response, AppError> {
    let i = v.find_objective(&at.unit, &at.label)?;
    v.may_draft(actor.as_ref(), Some(&v.plan.objectives[i].unit))
        .map_err(AppError::refused)?;
    let units = v.draftable_units(actor.as_ref());
    let measures = measures_open(&v, actor.as_ref());
    Ok(card_page(
        &viewer,
        &v,
        &units,
        Some(i),
        Typed::none(),
        StatusCode::OK,
        measures,
    ))
}

async fn save_card(
    plan: &PlanId,
    at: Option<(&str, &str)>,
    viewer: Viewer,
    s: Form,
) -> Result<Response, AppError> {
    let (v, actor) = s.cycle().view(plan, Some(s.who()), true).await?;
    let index = match at {
        Some((unit, label)) => Some(v.find_objective(unit, label)?),
        None => None,
    };
    let unit = index.map(|i| &v.plan.objectives[i].unit);
    v.may_draft(actor.as_ref(), unit)
        .map_err(AppError::refused)?;
    let units = if index.is_some() {
        v.draftable_units(actor.as_ref())
    } else {
        v.plan.units.iter().map(|u| &u.id).collect()
    };
    let form = sent(&s);
    let measures = measures_open(&v, actor.as_ref());
    if form.version() != v.summary.revision {
        let now = index
            .map(|i| card::sent_of(&v.plan.objectives[i]))
            .unwrap_or_default();
        return Ok(card_page(
            &viewer,
            &v,
            &units,
            index,
            Typed::stale(&form, &now),
            StatusCode::CONFLICT,
            measures,
        ));
    }
    let objective = match card::card_of(&form, &units) {
        Ok(o) => o,
        Err(problems) => {
            let typed = Typed::problems(&form, problems);
            return Ok(card_page(
                &viewer,
                &v,
                &units,
                index,
                typed,
                StatusCode::UNPROCESSABLE_ENTITY,
                measures,
            ));
        }
    };
    let old = index.map(|i| v.plan.objectives[i].id.clone());
    let edit = Edit::Objective {
        at: old.clone(),
        objective: Box::new(objective.clone()),
    };
    save(
        &s,
        plan,
        &edit,
        |plan| {
            paths::DraftCard {
                plan: plan.clone(),
                unit: objective.unit.to_string(),
                label: objective.label.to_string(),
            }
            .to_string()
        },
        |now| {
            let i = old
                .as_ref()
                .and_then(|id| now.plan.objectives.iter().position(|o| &o.id == id));
            let now_sent = i
                .map(|i| card::sent_of(&now.plan.objectives[i]))
                .unwrap_or_default();
            card_page(
                &viewer,
                now,
                &units_of(now, &units),
                i,
                Typed::stale(&form, &now_sent),
                StatusCode::CONFLICT,
                measures,
            )
        },
    )
    .await
}

/// Whether `actor` sets how indicators are measured (the measurement system), so that the
/// card's form links each indicator's rule.
fn measures_open(v: &PlanView, actor: Option<&domain::Actor>) -> bool {
    domain::access::decide(actor, domain::Action::ConfigureScoring, v.summary.state).is_ok()
}

/// `units` as they are in `v` (the plan read again).
fn units_of<'a>(v: &'a PlanView, units: &[&UnitId]) -> Vec<&'a UnitId> {
    v.plan
        .units
        .iter()
        .map(|u| &u.id)
        .filter(|u| units.contains(u))
        .collect()
}

pub async fn add_card(p: paths::DraftCards, viewer: Viewer, s: Form) -> Result<Response, AppError> {
    save_card(&p.plan, None, viewer, s).await
}

pub async fn edit_card(p: paths::DraftCard, viewer: Viewer, s: Form) -> Result<Response, AppError> {
    save_card(&p.plan, Some((&p.unit, &p.label)), viewer, s).await
}
