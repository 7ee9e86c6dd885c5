//! Change requests and versions in the pages: on its card, the head of a unit asks to move a
//! deadline or change a weight, the target or an indicator, with a reason; on the requests
//! page the Nucleo gives its opinion and the Giunta decides with its act; an approval makes
//! a new version, and the versions page shows what changed between two.

use axum::response::Response;
use domain::access::{Action, decide};
use domain::change::{self, RequestState};
use domain::{Actor, Objective, messages};
use maud::{Markup, html};
use serde::Deserialize;

use super::forms::Signed;
use super::layout::Column::Text;
use super::layout::{Page, render, table};
use super::{PageResult, PlanPage, see_other};
use crate::cache::PlanView;
use crate::error::AppError;
use crate::paths;
use cycle::{DecisionRequest, OpinionRequest};

/// What a request form may change on `o`: its key and its name.
fn choices(o: &Objective) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in &o.phases {
        out.push((
            format!("scadenza-{}", p.label),
            format!("Scadenza della fase {}", p.label),
        ));
        out.push((
            format!("incidenza-{}", p.label),
            format!("Incidenza della fase {}", p.label),
        ));
    }
    out.push(("risultato".into(), "Risultato atteso (target)".into()));
    for i in 0..o.indicators.len() {
        out.push((
            format!("indicatore-{}", i + 1),
            format!("Indicatore {}", i + 1),
        ));
    }
    out
}

fn requests_path(v: &PlanView) -> String {
    paths::requests(v.id())
}

/// One request as a list item: what, why, where it is, the opinion and the decision.
fn item(v: &PlanView, r: &store::ChangeRequest) -> Markup {
    let o = v
        .plan
        .objectives
        .iter()
        .find(|o| o.id.as_str() == r.objective);
    html! {
        p {
            strong { "Richiesta n. " (r.id) } " · "
            @match o {
                Some(o) => { a href=(paths::objective(v.id(), o)) { "Obiettivo " (o.label) " — " (o.unit) } " · " (messages::proposal(&r.proposal, o)) }
                None => { (r.objective) }
            }
        }
        p { "Motivo: " (r.reason) " (" (r.requested_by) ", " (messages::date(r.requested_at.date_naive())) ")" }
        p { "Stato: " strong { (messages::request_state(r.state)) } }
        @if let Some(op) = &r.opinion {
            p { "Parere del Nucleo: " (if op.favourable { "favorevole" } else { "contrario" }) " — " (op.text)
                " (" (op.by) ", " (messages::date(op.at.date_naive())) ")" }
        }
        @if let Some(d) = &r.decision {
            p { "Decisione della Giunta: atto n. " (d.act_number) " del " (messages::date(d.act_date))
                @if let Some(n) = r.version { " · " a href=(paths::versions(v.id())) { "versione " (n) " del piano" } } }
        }
    }
}

/// The card's section: this objective's requests and, for its head, the form.
pub fn section(v: &PlanView, index: usize, actor: Option<&Actor>, csrf: &str) -> Markup {
    let Some(o) = v.plan.objectives.get(index) else {
        return html! {};
    };
    let mine: Vec<&store::ChangeRequest> = v
        .requests
        .iter()
        .filter(|r| r.objective == o.id.as_str())
        .collect();
    // A past day is read, not changed.
    let open = v.day.is_none()
        && decide(
            actor,
            Action::RequestChange {
                unit: &o.unit,
                day: Some(crate::today()),
            },
            v.summary.state,
        )
        .is_ok();
    html! {
        @if actor.is_some() && (open || !mine.is_empty()) {
            h2 id="richieste" { "Richieste di modifica" }
            @for r in &mine { div class="richiesta" { (item(v, r)) } }
            @if !mine.is_empty() { p { a href=(requests_path(v)) { "Tutte le richieste del piano" } } }
            @if open {
                form class="modulo" method="post" action=(paths::ObjectiveRequests::of(v.id(), o)) {
                    input type="hidden" name="csrf" value=(csrf);
                    p { label for="cosa" { "Che cosa cambiare" }
                        select id="cosa" name="what" {
                            @for (key, name) in choices(o) { option value=(key) { (name) } }
                        } }
                    p { label for="nuovo" { "Nuovo valore (una data GG/MM/AAAA, un'incidenza, un testo)" }
                        input id="nuovo" name="value" type="text"; }
                    p { label for="perche" { "Motivo (obbligatorio)" }
                        textarea id="perche" name="reason" rows="3" {} }
                    p { button type="submit" { "Chiedi la modifica" } }
                }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RequestForm {
    what: String,
    value: String,
    reason: String,
}

pub async fn ask(
    at: paths::ObjectiveRequests,
    s: Signed<RequestForm>,
) -> Result<Response, AppError> {
    let f = &s.form;
    s.cycle()
        .ask_change(
            &at.plan,
            s.who(),
            at.unit_label(),
            &f.what,
            &f.value,
            &f.reason,
            &s.stamp(),
        )
        .await?;
    Ok(see_other(at.objective().section("richieste")))
}

pub async fn list(page: PlanPage<paths::Requests>) -> PageResult {
    let PlanPage {
        viewer, v, actor, ..
    } = page.members_only("Le richieste")?;
    let opine = decide(actor.as_ref(), Action::GiveOpinion, v.summary.state).is_ok();
    let rule = decide(actor.as_ref(), Action::DecideChange, v.summary.state).is_ok();
    let base = requests_path(&v);
    let body = html! {
        h1 { "Richieste di modifica" }
        p { "Il responsabile chiede, il Nucleo di Valutazione dà il parere, la Giunta approva o respinge con "
            "un suo atto. Ogni richiesta approvata fa una nuova versione del piano: "
            a href=(paths::versions(v.id())) { "le versioni" } "." }
        @if v.requests.is_empty() { p { "Nessuna richiesta finora." } }
        @for r in v.requests.iter().rev() {
            section class="richiesta" aria-labelledby=(format!("richiesta-{}", r.id)) {
                h2 id=(format!("richiesta-{}", r.id)) { "Richiesta n. " (r.id) }
                (item(&v, r))
                @if opine && r.state == RequestState::Requested {
                    form class="modulo" method="post" action=(format!("{base}/{}/parere", r.id)) {
                        input type="hidden" name="csrf" value=(viewer.csrf());
                        fieldset {
                            legend { "Parere del Nucleo" }
                            p class="scelta" { input type="radio" id=(format!("favorevole-{}", r.id)) name="favourable" value="si" checked;
                                label for=(format!("favorevole-{}", r.id)) { "favorevole" } }
                            p class="scelta" { input type="radio" id=(format!("contrario-{}", r.id)) name="favourable" value="no";
                                label for=(format!("contrario-{}", r.id)) { "contrario" } }
                        }
                        p { label for=(format!("parere-{}", r.id)) { "Motivazione del parere" }
                            textarea id=(format!("parere-{}", r.id)) name="text" rows="3" {} }
                        p { button type="submit" { "Dai il parere sulla richiesta " (r.id) } }
                    }
                }
                @if rule && r.state == RequestState::Opined {
                    form class="modulo" method="post" action=(format!("{base}/{}/decisione", r.id)) {
                        input type="hidden" name="csrf" value=(viewer.csrf());
                        p { label for=(format!("numero-{}", r.id)) { "Numero della deliberazione" }
                            input id=(format!("numero-{}", r.id)) name="act_number" type="text" required; }
                        p { label for=(format!("data-{}", r.id)) { "Data della deliberazione" }
                            input id=(format!("data-{}", r.id)) name="act_date" type="date" required; }
                        p {
                            button type="submit" name="decision" value="approve" { "Approva la richiesta " (r.id) }
                            " "
                            button type="submit" name="decision" value="reject" { "Respingi la richiesta " (r.id) }
                        }
                    }
                }
            }
        }
    };
    Ok(render(Page::in_plan(
        &viewer,
        &v,
        "Richieste di modifica",
        vec![("Richieste di modifica".into(), base.clone())],
        body,
    )))
}

/// A choice between two values of a form's field: `yes`, `no`, or neither (which the use case
/// refuses).
fn either(value: &str, yes: &str, no: &str) -> Option<bool> {
    match value {
        v if v == yes => Some(true),
        v if v == no => Some(false),
        _ => None,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OpinionForm {
    favourable: String,
    text: String,
}

pub async fn opinion(
    paths::Opinion { plan: id, request }: paths::Opinion,
    s: Signed<OpinionForm>,
) -> Result<Response, AppError> {
    let opinion = OpinionRequest {
        favourable: either(&s.form.favourable, "si", "no"),
        text: &s.form.text,
    };
    let request = s
        .cycle()
        .give_opinion(&id, s.who(), &request, opinion, &s.stamp())
        .await?;
    Ok(see_other(format!(
        "{}/richieste#richiesta-{request}",
        paths::plan(&id)
    )))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
    act_number: String,
    act_date: String,
}

pub async fn decision(
    paths::Decision { plan: id, request }: paths::Decision,
    s: Signed<DecisionForm>,
) -> Result<Response, AppError> {
    let f = &s.form;
    let decision = DecisionRequest {
        approve: either(&f.decision, "approve", "reject"),
        act_number: &f.act_number,
        act_date: &f.act_date,
    };
    let (request, version) = s
        .cycle()
        .decide_change(&id, s.who(), &request, decision, &s.stamp())
        .await?;
    Ok(see_other(match version {
        Some(_) => paths::versions(&id),
        None => format!("{}#richiesta-{request}", paths::requests(&id)),
    }))
}

/// The versions of the plan and, between each one and the next, what changed.
pub async fn versions(
    PlanPage {
        state, viewer, v, ..
    }: PlanPage<paths::Versions>,
) -> PageResult {
    let mut plans = Vec::with_capacity(v.versions.len());
    for info in &v.versions {
        plans.push(state.store.version(v.id(), info.number).await?);
    }
    let body = html! {
        h1 { "Versioni del piano" }
        @if v.versions.is_empty() {
            p { "Il piano è ancora quello approvato: nessuna modifica approvata finora." }
        } @else {
            p { "La versione 1 è il piano come approvato; ogni versione successiva nasce da una "
                "richiesta di modifica approvata dalla Giunta." }
            @for (i, info) in v.versions.iter().enumerate() {
                section aria-labelledby=(format!("versione-{}", info.number)) {
                    h2 id=(format!("versione-{}", info.number)) { "Versione " (info.number) }
                    p { (messages::date(info.created_at.date_naive())) " · " (info.created_by)
                        @if let Some(r) = info.change_request {
                            " · " a href=(format!("{}#richiesta-{r}", requests_path(&v))) { "richiesta n. " (r) }
                        } }
                    @if i > 0 {
                        (differences(&v, &plans[i - 1], &plans[i], info.number))
                    }
                }
            }
        }
    };
    Ok(render(Page::in_plan(
        &viewer,
        &v,
        "Versioni del piano",
        vec![("Versioni".into(), paths::versions(v.id()))],
        body,
    )))
}

fn differences(v: &PlanView, old: &domain::Plan, new: &domain::Plan, number: i64) -> Markup {
    let diffs = change::diff(old, new);
    html! {
        (table(html! { "Che cosa cambia dalla versione " (number - 1) " alla " (number) },
            &[Text("Dove"), Text("Prima"), Text("Dopo")], html! {
            @for d in &diffs {
                @let o = new.objectives.iter().chain(&old.objectives).find(|o| o.id == d.objective);
                tr {
                    th scope="row" {
                        @match o {
                            Some(o) => { a href=(paths::objective(v.id(), o)) { "Obiettivo " (o.label) " (" (o.unit) ")" } " · " (messages::change_field(d.field, o)) }
                            None => { (d.objective) }
                        }
                    }
                    td class="testo" { (messages::change_value(d.before.as_ref())) }
                    td class="testo" { (messages::change_value(d.after.as_ref())) }
                }
            }
        }))
    }
}
