//! Change requests and versions in the pages: on its card, the head of a unit asks to move a
//! deadline or change a weight, the target or an indicator, with a reason; on the requests
//! page the Nucleo gives its opinion and the Giunta decides with its act; an approval makes
//! a new version, and the versions page shows what changed between two.

use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use domain::access::{Action, decide};
use domain::change::{self, Proposal, RequestState};
use domain::limits::{self, Field};
use domain::{Actor, BoardAct, Objective, Percent, messages};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{Page, Section, render};
use super::{PageResult, form, members_only, path, plan_date, text};
use crate::auth::{Viewer, stamp};
use crate::cache::PlanView;
use crate::error::AppError;
use crate::{AppState, paths};

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

/// The proposal a form asks for, or why it cannot be read (in Italian).
fn proposal(o: &Objective, year: i32, what: &str, value: &str) -> Result<Proposal, AppError> {
    let bad = |m: &str| AppError::Unprocessable(m.into());
    let phase = |label: &str| {
        o.phases
            .iter()
            .position(|p| p.label.as_str() == label)
            .ok_or_else(|| bad("La fase scelta non c'è nell'obiettivo."))
    };
    let value = value.trim();
    if let Some(label) = what.strip_prefix("scadenza-") {
        let date = limits::parse_date(value)
            .ok_or_else(|| bad("La nuova scadenza è una data: GG/MM/AAAA."))?;
        let date = limits::plausible(date, year).map_err(|e| {
            AppError::Unprocessable(messages::date_out_of_range("La nuova scadenza", &e))
        })?;
        return Ok(Proposal::Deadline {
            phase: phase(label)?,
            date,
        });
    }
    if let Some(label) = what.strip_prefix("incidenza-") {
        let weight = match value {
            "" => None,
            v => Some(
                v.replace(',', ".")
                    .parse()
                    .ok()
                    .and_then(|d| Percent::new(d).ok())
                    .ok_or_else(|| bad("La nuova incidenza è un numero da 0 a 100."))?,
            ),
        };
        return Ok(Proposal::Weight {
            phase: phase(label)?,
            weight,
        });
    }
    if what == "risultato" {
        return Ok(Proposal::Target { text: value.into() });
    }
    if let Some(n) = what.strip_prefix("indicatore-") {
        let position = n
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .ok_or_else(|| bad("L'indicatore scelto non c'è nell'obiettivo."))?;
        return Ok(Proposal::Indicator {
            position,
            text: value.into(),
        });
    }
    Err(bad("Scegliere che cosa cambiare."))
}

fn requests_path(v: &PlanView) -> String {
    format!("{}/richieste", paths::plan(v.id()))
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
                @if let Some(n) = r.version { " · " a href=(format!("{}/versioni", paths::plan(v.id()))) { "versione " (n) " del piano" } } }
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
    let open = decide(
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
                form class="modulo" method="post" action=(format!("{}/richieste", paths::objective(v.id(), o))) {
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

#[derive(Debug, Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    what: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    reason: String,
}

pub async fn ask(
    State(state): State<AppState>,
    viewer: Viewer,
    p: Result<Path<(String, String, String)>, PathRejection>,
    f: Result<Form<RequestForm>, FormRejection>,
) -> Result<Response, AppError> {
    let (id, unit, label) = path(p)?;
    let f = form(f)?;
    let session = viewer.checked(&f.csrf)?;
    let (v, actor) = state.view_fresh(&id, viewer.person()).await?;
    let index = v
        .objective_index(&unit, &label)
        .ok_or_else(|| AppError::NotFound(format!("un obiettivo «{label}» dell'unità «{unit}»")))?;
    let o = &v.plan.objectives[index];
    decide(
        actor.as_ref(),
        Action::RequestChange {
            unit: &o.unit,
            day: Some(crate::today()),
        },
        v.summary.state,
    )
    .map_err(AppError::out_of_turn)?;
    let reason = text(Field::Reason, &f.reason)?;
    if reason.is_empty() {
        return Err(AppError::Unprocessable(
            "Il motivo della richiesta è obbligatorio.".into(),
        ));
    }
    let value = text(Field::ProposedValue, &f.value)?;
    let proposal = proposal(o, v.plan.year, &f.what, &value)?;
    change::apply(&v.plan, index, &proposal)
        .map_err(|e| AppError::Unprocessable(messages::change_error(&e)))?;
    state
        .store
        .request_change(
            v.id(),
            o.id.as_str(),
            &proposal,
            &reason,
            &stamp(&session.person),
        )
        .await?;
    state.plans.invalidate(v.id()).await;
    let to = format!("{}#richieste", paths::objective(v.id(), o));
    Ok((StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response())
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    p: Result<Path<String>, PathRejection>,
) -> PageResult {
    let id = path(p)?;
    let (v, actor) = state.view(&id, viewer.person()).await?;
    members_only(&viewer, actor.as_ref(), "Le richieste")?;
    let opine = decide(actor.as_ref(), Action::GiveOpinion, v.summary.state).is_ok();
    let rule = decide(actor.as_ref(), Action::DecideChange, v.summary.state).is_ok();
    let base = requests_path(&v);
    let body = html! {
        h1 { "Richieste di modifica" }
        p { "Il responsabile chiede, il Nucleo di Valutazione dà il parere, la Giunta approva o respinge con "
            "un suo atto. Ogni richiesta approvata fa una nuova versione del piano: "
            a href=(format!("{}/versioni", paths::plan(v.id()))) { "le versioni" } "." }
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
    Ok(render(Page {
        who: &viewer,
        title: "Richieste di modifica",
        crumbs: vec![
            (v.plan.title.clone(), paths::plan(v.id())),
            ("Richieste di modifica".into(), base.clone()),
        ],
        plan: Some((&v, Section::Other)),
        body,
    }))
}

#[derive(Debug, Deserialize)]
pub struct OpinionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    favourable: String,
    #[serde(default)]
    text: String,
}

fn request_id(v: &PlanView, id: &str) -> Result<i64, AppError> {
    id.parse::<i64>()
        .ok()
        .filter(|id| v.requests.iter().any(|r| r.id == *id))
        .ok_or_else(|| AppError::NotFound(format!("una richiesta n. «{id}» in questo piano")))
}

fn conflict(e: store::StoreError, what: &str) -> AppError {
    match e {
        store::StoreError::Conflict(m) if m.starts_with("plan changed") => AppError::Conflict(
            "Nel frattempo il piano è cambiato: ricaricare la pagina e decidere di nuovo.".into(),
        ),
        store::StoreError::Conflict(_) => AppError::Conflict(what.into()),
        other => other.into(),
    }
}

pub async fn opinion(
    State(state): State<AppState>,
    viewer: Viewer,
    p: Result<Path<(String, String)>, PathRejection>,
    f: Result<Form<OpinionForm>, FormRejection>,
) -> Result<Response, AppError> {
    let (id, request) = path(p)?;
    let f = form(f)?;
    let session = viewer.checked(&f.csrf)?;
    let (v, actor) = state.view_fresh(&id, viewer.person()).await?;
    decide(actor.as_ref(), Action::GiveOpinion, v.summary.state).map_err(AppError::out_of_turn)?;
    let request = request_id(&v, &request)?;
    let favourable = match f.favourable.as_str() {
        "si" => true,
        "no" => false,
        _ => {
            return Err(AppError::Unprocessable(
                "Scegliere parere favorevole o contrario.".into(),
            ));
        }
    };
    let text = text(Field::Opinion, &f.text)?;
    if text.is_empty() {
        return Err(AppError::Unprocessable(
            "La motivazione del parere è obbligatoria.".into(),
        ));
    }
    state
        .store
        .give_opinion(v.id(), request, favourable, &text, &stamp(&session.person))
        .await
        .map_err(|e| conflict(e, "La richiesta ha già il parere del Nucleo."))?;
    state.plans.invalidate(v.id()).await;
    let to = format!("{}#richiesta-{request}", requests_path(&v));
    Ok((StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response())
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    act_number: String,
    #[serde(default)]
    act_date: String,
}

pub async fn decision(
    State(state): State<AppState>,
    viewer: Viewer,
    p: Result<Path<(String, String)>, PathRejection>,
    f: Result<Form<DecisionForm>, FormRejection>,
) -> Result<Response, AppError> {
    let (id, request) = path(p)?;
    let f = form(f)?;
    let session = viewer.checked(&f.csrf)?;
    let (v, actor) = state.view_fresh(&id, viewer.person()).await?;
    decide(actor.as_ref(), Action::DecideChange, v.summary.state).map_err(AppError::out_of_turn)?;
    let request = request_id(&v, &request)?;
    let number = text(Field::BoardActNumber, &f.act_number)?;
    let date = match f.act_date.trim() {
        "" => None,
        d => Some(plan_date(d, v.plan.year, "La data della deliberazione")?),
    };
    let (false, Some(date)) = (number.is_empty(), date) else {
        return Err(AppError::Unprocessable(
            "Servono il numero e la data della deliberazione della Giunta.".into(),
        ));
    };
    let act = BoardAct {
        number: number.to_owned(),
        date,
    };
    let r = v
        .requests
        .iter()
        .find(|r| r.id == request)
        .ok_or_else(|| AppError::NotFound("questa richiesta".into()))?;
    let approve = match f.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => {
            return Err(AppError::BadRequest(
                "Scegliere «Approva» o «Respingi».".into(),
            ));
        }
    };
    let version = if approve {
        let index = v
            .plan
            .objectives
            .iter()
            .position(|o| o.id.as_str() == r.objective)
            .ok_or_else(|| AppError::Conflict("L'obiettivo non c'è più nel piano.".into()))?;
        let next = change::apply(&v.plan, index, &r.proposal)
            .map_err(|e| AppError::Conflict(messages::change_error(&e)))?;
        let current = std::str::from_utf8(&v.json)
            .map_err(|e| AppError::Internal(format!("plan JSON: {e}")))?;
        state
            .store
            .decide_change(
                v.id(),
                request,
                &act,
                Some((current, &next, &next.objectives[index])),
                v.summary.revision,
                &stamp(&session.person),
            )
            .await
    } else {
        state
            .store
            .decide_change(
                v.id(),
                request,
                &act,
                None,
                v.summary.revision,
                &stamp(&session.person),
            )
            .await
    }
    .map_err(|e| conflict(e, "La richiesta non attende la decisione della Giunta."))?;
    state.plans.invalidate(v.id()).await;
    let to = match version {
        Some(_) => format!("{}/versioni", paths::plan(v.id())),
        None => format!("{}#richiesta-{request}", requests_path(&v)),
    };
    Ok((StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response())
}

/// The versions of the plan and, between each one and the next, what changed.
pub async fn versions(
    State(state): State<AppState>,
    viewer: Viewer,
    p: Result<Path<String>, PathRejection>,
) -> PageResult {
    let id = path(p)?;
    let (v, _) = state.view(&id, viewer.person()).await?;
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
    Ok(render(Page {
        who: &viewer,
        title: "Versioni del piano",
        crumbs: vec![
            (v.plan.title.clone(), paths::plan(v.id())),
            (
                "Versioni".into(),
                format!("{}/versioni", paths::plan(v.id())),
            ),
        ],
        plan: Some((&v, Section::Other)),
        body,
    }))
}

fn differences(v: &PlanView, old: &domain::Plan, new: &domain::Plan, number: i64) -> Markup {
    let diffs = change::diff(old, new);
    html! {
        table {
            caption { "Che cosa cambia dalla versione " (number - 1) " alla " (number) }
            thead { tr { th scope="col" { "Dove" } th scope="col" { "Prima" } th scope="col" { "Dopo" } } }
            tbody {
                @for d in &diffs {
                    @let o = new.objectives.iter().chain(&old.objectives).find(|o| o.id.as_str() == d.objective);
                    tr {
                        th scope="row" {
                            @match o {
                                Some(o) => { a href=(paths::objective(v.id(), o)) { "Obiettivo " (o.label) " (" (o.unit) ")" } " · " (messages::change_field(d.field, o)) }
                                None => { (d.objective) }
                            }
                        }
                        td class="testo" { (d.before.as_deref().unwrap_or("—")) }
                        td class="testo" { (d.after.as_deref().unwrap_or("—")) }
                    }
                }
            }
        }
    }
}
