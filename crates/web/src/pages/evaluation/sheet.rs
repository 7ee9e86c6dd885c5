//! A person's scheda: who evaluates, where it stands and its history; the unit's objectives
//! from the plan with the unit's score (the organisational part); the individual objectives
//! and the behaviours with their descriptors; the score in force with each component, and the
//! versions before a revision; and the forms of the steps this person may take now — the
//! evaluator assigns and rates, the Giunta adopts a dirigente's, the evaluator or the personnel
//! office notifies, the person acknowledges and may appeal, the body decides. A scheda one may
//! not read does not exist for them (404).

use std::collections::BTreeMap;

use axum::response::Response;
use maud::{Markup, html};
use rust_decimal::Decimal;
use serde_json::Value;

use cycle::evaluation::{Evaluated, SheetStep};
use domain::evaluation::sheet::{Access, Objective, Outcome, Rated, Sheet, Stage, Version};
use domain::evaluation::staff::cluster_name;
use domain::evaluation::{Scale, Smvp};
use domain::messages;

use super::{field, page, score, stage_words, year_for};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::forms::Signed;
use crate::pages::layout::Column::{Number, Text};
use crate::pages::layout::{render, table};
use crate::pages::{PageResult, PlanPage, see_other};
use crate::paths;

/// How many rows the form of individual objectives offers beyond those set.
const BLANK_OBJECTIVES: usize = 3;

fn found<'a>(e: &'a Evaluated, matricola: &str) -> Result<(&'a Sheet, i64, Access), AppError> {
    e.evaluation
        .sheets
        .iter()
        .find(|(s, _)| s.matricola == matricola)
        .map(|(s, v)| (s, *v, e.access(s)))
        .filter(|(_, _, a)| a.read())
        .ok_or_else(|| cycle::Refusal::NotFound(format!("la scheda «{matricola}»")).into())
}

/// The catalogue's words for a behaviour: its name and descriptors by level.
fn behaviour_words(smvp_json: &Value, id: &str) -> (String, Vec<(String, String)>) {
    let b = smvp_json["catalogue"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|b| b["id"].as_str() == Some(id));
    let name = b.and_then(|b| b["name"].as_str()).unwrap_or(id).to_owned();
    let descriptors = b
        .and_then(|b| b["descriptors"].as_object())
        .map(|d| {
            d.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    (name, descriptors)
}

/// The ratings the scale offers, as (value, words).
fn choices(smvp: &Smvp) -> Vec<String> {
    match &smvp.scale {
        Scale::Numeric { min, max } => (*min..=*max).take(20).map(|n| n.to_string()).collect(),
        Scale::Levels(levels) => levels.iter().map(|(l, _)| l.clone()).collect(),
    }
}

pub async fn view(pg: PlanPage<paths::EvaluationSheet>) -> PageResult {
    let e = year_for(&pg).await?;
    let matricola = pg.at.matricola.clone();
    let (sheet, version, access) = found(&e, &matricola)?;
    Ok(render(body(&pg.viewer, &e, sheet, version, access)))
}

fn body<'a>(
    viewer: &'a Viewer,
    e: &'a Evaluated,
    sheet: &Sheet,
    version: i64,
    access: Access,
) -> crate::pages::layout::Page<'a> {
    let p = e.procedure();
    let plan = &e.view.plan;
    let member = e.member(&sheet.matricola);
    let name = member.map_or(sheet.matricola.as_str(), |m| m.name.as_str());
    let smvp = e.smvp();
    let smvp_json = e
        .evaluation
        .year
        .smvp
        .as_ref()
        .map(|a| a.smvp.clone())
        .unwrap_or(Value::Null);
    let stage = sheet.stage_on(e.today, &p);
    let unit = plan
        .unit(&sheet.unit)
        .map_or(sheet.unit.to_string(), |u| u.name.clone());
    let (unit_score, entity_score) = e.organisational(&sheet.unit);
    let here = paths::EvaluationSheet {
        plan: e.view.id().clone(),
        matricola: sheet.matricola.clone(),
    }
    .to_string();
    let markup = html! {
        p class="occhiello" { "Scheda di valutazione " (plan.year) " · " (cluster_name(&sheet.cluster)) " · " (unit) }
        h1 { "Scheda di " (name) " (" (sheet.matricola) ")" }
        p class="documenti" { (crate::pages::papers::links(e.view.id(), "la scheda", "scheda", &[("matricola", sheet.matricola.as_str())])) }
        p class="stato" { "Stato: " strong { (stage_words(stage)) }
            @if let Some(end) = sheet.window_end(&p).filter(|_| matches!(stage, Stage::Notificata | Stage::PresaVisione)) {
                " — la conciliazione si può chiedere fino al " (messages::date(end))
            }
            @if stage == Stage::InConciliazione {
                @if let Some(due) = sheet.decision_due(&p) { " — da decidere entro il " (messages::date(due)) }
            } }
        p { "Valutatore: " (sheet.evaluator)
            @if domain::evaluation::sheet::proposed_by_nucleo(&sheet.cluster) { " (proposta), adozione del Sindaco o della Giunta" }
            ". Sistema di misurazione: versione " (sheet.smvp_version) "." }
        h2 { "La parte organizzativa" }
        p { "Viene dal sistema di misurazione del piano: punteggio dell'unità "
            (unit_score.map_or_else(|| "non misurabile".to_string(), score))
            ", dell'ente " (entity_score.map_or_else(|| "non misurabile".to_string(), score)) ". "
            a href=(paths::scores(e.view.id())) { "Come si calcolano i punteggi" } }
        @if !sheet.unit_objectives.is_empty() {
            ul {
                @for id in &sheet.unit_objectives {
                    @if let Some(o) = plan.objectives.iter().find(|o| o.id.as_str() == id) {
                        li { a href=(paths::objective(e.view.id(), o)) { (o.id) } " " (o.title) }
                    }
                }
            }
        }
        @if let Some(v) = sheet.current() {
            h2 { "Il punteggio" }
            (scored(v, smvp.as_ref(), &sheet.cluster, &smvp_json))
            @if sheet.versions.len() > 1 {
                h3 { "Versioni precedenti" }
                ul { @for old in &sheet.versions[..sheet.versions.len() - 1] {
                    li { "Versione " (old.number) " del " (messages::date(old.on)) ": " (score(old.score)) " (" (old.by) ")" }
                } }
            }
        } @else {
            h2 { "Obiettivi individuali e comportamenti" }
            (planned(sheet, &smvp_json))
        }
        @if let Some(t) = &sheet.self_evaluation { h2 { "Autovalutazione" } p class="testo" { (t) } }
        @if let Some(o) = &sheet.observations { h2 { "Osservazioni della persona" } p class="testo" { (o) } }
        @if let Some(a) = &sheet.appeal { h2 { "Richiesta di conciliazione" }
            p { "Presentata il " (messages::date(a.filed_on)) "." } p class="testo" { (a.text) } }
        @if let Some(d) = &sheet.decision { h2 { "Decisione" }
            p { (if d.outcome == Outcome::Rivista { "Valutazione rivista" } else { "Valutazione confermata" })
                " il " (messages::date(d.on)) " da " (d.by) "." } p class="testo" { (d.reasons) } }
        h2 { "I passaggi" }
        ol { @for s in &sheet.steps {
            li { (stage_words(s.stage)) " — " (messages::date(s.on)) " (" (s.by) ")"
                @if let Some(n) = &s.note { ": " (n) } }
        } }
        @if let Some(smvp) = &smvp {
            (forms(viewer, e, sheet, version, access, stage, smvp, &smvp_json, &here))
        }
    };
    page(
        viewer,
        e,
        "Scheda di valutazione",
        Some(here.clone()),
        markup,
    )
}

fn planned(sheet: &Sheet, smvp_json: &Value) -> Markup {
    html! {
        @if sheet.objectives.is_empty() { p { "Nessun obiettivo individuale assegnato." } }
        @else {
            (table(html! { "Obiettivi individuali" }, &[Text("Codice"), Text("Obiettivo"), Number("Peso")], html! {
                @for o in &sheet.objectives { tr { th scope="row" { (o.id) } td { (o.title) } td class="numero" { (o.weight.normalize()) } } }
            }))
        }
        @if !sheet.behaviours.is_empty() {
            (table(html! { "Comportamenti da valutare" }, &[Text("Comportamento"), Number("Peso")], html! {
                @for b in &sheet.behaviours { tr { th scope="row" { (b.id) " " (behaviour_words(smvp_json, &b.id).0) } td class="numero" { (b.weight.normalize()) } } }
            }))
        }
    }
}

fn scored(v: &Version, smvp: Option<&Smvp>, cluster: &str, smvp_json: &Value) -> Markup {
    let components = smvp.and_then(|s| v.components(s, cluster).ok());
    html! {
        p class="punteggio" { "Punteggio finale: " strong { (score(v.score)) }
            @if v.negative { " — valutazione negativa (sotto la soglia)" } @else { " — valutazione positiva" }
            " (versione " (v.number) " del " (messages::date(v.on)) ")." }
        @if let Some(c) = components {
            (table(html! { "Le componenti del punteggio" }, &[Text("Componente"), Number("Peso"), Number("Punteggio"), Number("Punti")], html! {
                @for (name, part) in ["Organizzativa", "Obiettivi individuali", "Comportamenti"].iter().zip(c.components) {
                    @if let Some(part) = part {
                        tr { th scope="row" { (name) } td class="numero" { (part.weight.normalize()) } td class="numero" { (score(part.score)) } td class="numero" { (score(part.points)) } }
                    }
                }
            }))
            p class="nota" { "Il punteggio finale viene dalla somma esatta: i punti arrotondati possono differire di 0,01." }
        }
        @if !v.objectives.is_empty() {
            (table(html! { "Obiettivi individuali" }, &[Text("Obiettivo"), Number("Peso"), Number("Raggiungimento")], html! {
                @for o in &v.objectives { tr { th scope="row" { (o.id) " " (o.title) } td class="numero" { (o.weight.normalize()) }
                    td class="numero" { (o.achievement.map(|a| format!("{}%", a.normalize())).unwrap_or_default()) } } }
            }))
        }
        @if !v.behaviours.is_empty() {
            (table(html! { "Comportamenti" }, &[Text("Comportamento"), Number("Peso"), Text("Valutazione")], html! {
                @for b in &v.behaviours {
                    @let (name, descriptors) = behaviour_words(smvp_json, &b.id);
                    @let rating = b.rating.clone().unwrap_or_default();
                    tr { th scope="row" { (b.id) " " (name) } td class="numero" { (b.weight.normalize()) }
                        td { (rating) @if let Some((_, d)) = descriptors.iter().find(|(k, _)| *k == rating) { " — " (d) } } }
                }
            }))
        }
    }
}

/// The rating fields (achievements and behaviours), filled with `v` when given.
fn rating_fields(sheet: &Sheet, smvp: &Smvp, smvp_json: &Value, v: Option<&Version>) -> Markup {
    let options = choices(smvp);
    html! {
        @for (i, o) in sheet.objectives.iter().enumerate() {
            @let had = v.and_then(|v| v.objectives.iter().find(|x| x.id == o.id)).and_then(|x| x.achievement);
            p { label for=(format!("ragg-{i}")) { "Raggiungimento di " (o.id) " " (o.title) " (per cento)" } br;
                input id=(format!("ragg-{i}")) name=(format!("ragg_{}", o.id)) type="text" inputmode="decimal" size="6" required
                    value=(had.map(|a| a.normalize().to_string()).unwrap_or_default()); }
        }
        @for (i, b) in sheet.behaviours.iter().enumerate() {
            @let (name, descriptors) = behaviour_words(smvp_json, &b.id);
            @let had = v.and_then(|v| v.behaviours.iter().find(|x| x.id == b.id)).and_then(|x| x.rating.clone());
            fieldset {
                legend { (b.id) " " (name) " (peso " (b.weight.normalize()) ")" }
                @for (k, option) in options.iter().enumerate() {
                    @let id = format!("voto-{i}-{k}");
                    p { input id=(id) type="radio" name=(format!("voto_{}", b.id)) value=(option) required checked[had.as_deref() == Some(option.as_str())];
                        " " label for=(id) { (option)
                            @if let Some((_, d)) = descriptors.iter().find(|(l, _)| l == option) { " — " (d) } } }
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn forms(
    viewer: &Viewer,
    e: &Evaluated,
    sheet: &Sheet,
    version: i64,
    access: Access,
    stage: Stage,
    smvp: &Smvp,
    smvp_json: &Value,
    here: &str,
) -> Markup {
    let hidden = |step: &str| {
        html! {
            input type="hidden" name="csrf" value=(viewer.csrf());
            input type="hidden" name="seen" value=(version);
            input type="hidden" name="passo" value=(step);
        }
    };
    let row = smvp.clusters.get(&sheet.cluster);
    let weighs_objectives = row.is_some_and(|r| !r.individual.is_zero());
    html! {
        @if stage == Stage::Assegnata && access.may_rate() {
            h2 { "Assegna gli obiettivi individuali e i pesi" }
            form class="modulo" method="post" action=(here) {
                (hidden("assegna"))
                @if weighs_objectives {
                    p class="nota" { "I pesi degli obiettivi sommano a 100; una riga senza codice è ignorata." }
                    @for i in 0..(sheet.objectives.len() + BLANK_OBJECTIVES) {
                        @let o = sheet.objectives.get(i);
                        fieldset {
                            legend { "Obiettivo individuale " (i + 1) }
                            label for=(format!("ob-id-{i}")) { "Codice" } " "
                            input id=(format!("ob-id-{i}")) name=(format!("ob_id_{i}")) type="text" size="6" value=(o.map(|o| o.id.as_str()).unwrap_or_default());
                            " " label for=(format!("ob-titolo-{i}")) { "Obiettivo" } " "
                            input id=(format!("ob-titolo-{i}")) name=(format!("ob_titolo_{i}")) type="text" size="40" value=(o.map(|o| o.title.as_str()).unwrap_or_default());
                            " " label for=(format!("ob-peso-{i}")) { "Peso" } " "
                            input id=(format!("ob-peso-{i}")) name=(format!("ob_peso_{i}")) type="text" inputmode="decimal" size="4" value=(o.map(|o| o.weight.normalize().to_string()).unwrap_or_default());
                        }
                    }
                }
                @if !sheet.behaviours.is_empty() {
                    fieldset {
                        legend { "Pesi dei comportamenti (sommano a 100)" }
                        @for (i, b) in sheet.behaviours.iter().enumerate() {
                            p { label for=(format!("cp-{i}")) { (b.id) " " (behaviour_words(smvp_json, &b.id).0) } " "
                                input id=(format!("cp-{i}")) name=(format!("cp_{}", b.id)) type="text" inputmode="decimal" size="4" value=(b.weight.normalize()); }
                        }
                    }
                }
                p { button type="submit" { "Salva obiettivi e pesi" } }
            }
        }
        @if stage == Stage::Assegnata && access.may_answer() {
            h2 { "La tua autovalutazione (facoltativa)" }
            p { "Il valutatore la legge prima di valutare." }
            form class="modulo" method="post" action=(here) {
                (hidden("autovalutazione"))
                p { label for="autovalutazione" { "Autovalutazione" } br;
                    textarea id="autovalutazione" name="autovalutazione" rows="4" cols="80" { (sheet.self_evaluation.as_deref().unwrap_or_default()) } }
                p { button type="submit" { "Salva l'autovalutazione" } }
            }
        }
        @if matches!(stage, Stage::Assegnata | Stage::Proposta) && access.may_rate() {
            h2 { @if domain::evaluation::sheet::proposed_by_nucleo(&sheet.cluster) { "Proponi la valutazione" } @else { "Valuta" } }
            form class="modulo" method="post" action=(here) {
                (hidden("valuta"))
                (rating_fields(sheet, smvp, smvp_json, sheet.current()))
                p { button type="submit" { "Firma la valutazione" } }
            }
        }
        @if stage == Stage::Proposta && access.may_adopt() {
            h2 { "Adotta la valutazione proposta dal Nucleo" }
            form class="modulo" method="post" action=(here) {
                (hidden("adotta"))
                p { label for="atto" { "Atto del Sindaco o della Giunta" } br; input id="atto" name="atto" type="text" required size="50"; }
                p { button type="submit" { "Adotta" } }
            }
        }
        @if stage == Stage::Valutata && access.may_notify() {
            h2 { "Notifica" }
            p { "Con la notifica si apre il termine di " (e.procedure().appeal_days) " giorni per chiedere la conciliazione." }
            form class="modulo" method="post" action=(here) {
                (hidden("notifica"))
                p { button type="submit" { "Notifica la scheda alla persona" } }
            }
        }
        @if stage == Stage::Notificata && access.may_answer() {
            h2 { "Presa visione" }
            p { "Prendere visione non vuol dire essere d'accordo: il termine per la conciliazione resta aperto." }
            form class="modulo" method="post" action=(here) {
                (hidden("visione"))
                p { label for="osservazioni" { "Osservazioni (facoltative)" } br;
                    textarea id="osservazioni" name="osservazioni" rows="4" cols="80" {} }
                p { button type="submit" { "Dichiaro di aver preso visione" } }
            }
        }
        @if matches!(stage, Stage::Notificata | Stage::PresaVisione) && access.may_answer() {
            h2 { "Chiedi la conciliazione" }
            form class="modulo" method="post" action=(here) {
                (hidden("conciliazione"))
                p { label for="richiesta" { "Le ragioni della richiesta" } br;
                    textarea id="richiesta" name="richiesta" rows="4" cols="80" required {} }
                p { button type="submit" { "Chiedi la conciliazione a «" (e.procedure().body) "»" } }
            }
        }
        @if stage == Stage::InConciliazione && access.may_decide(sheet) {
            h2 { "Decidi la conciliazione" }
            form class="modulo" method="post" action=(here) {
                (hidden("decisione"))
                fieldset {
                    legend { "Esito" }
                    p { input id="esito-confermata" type="radio" name="esito" value="confermata" checked;
                        " " label for="esito-confermata" { "Valutazione confermata" } }
                    p { input id="esito-rivista" type="radio" name="esito" value="rivista";
                        " " label for="esito-rivista" { "Valutazione rivista (con le valutazioni qui sotto: la precedente resta agli atti)" } }
                }
                p { label for="motivazione" { "Motivazione" } br; textarea id="motivazione" name="motivazione" rows="4" cols="80" required {} }
                (rating_fields(sheet, smvp, smvp_json, sheet.current()))
                p { button type="submit" { "Registra la decisione" } }
            }
        }
    }
}

fn numbers_by(
    form: &[(String, String)],
    prefix: &str,
) -> Result<BTreeMap<String, Decimal>, String> {
    let mut out = BTreeMap::new();
    for (k, v) in form {
        if let Some(id) = k.strip_prefix(prefix) {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            let d = v
                .trim_end_matches('%')
                .trim()
                .replace(',', ".")
                .parse::<Decimal>()
                .map_err(|_| format!("«{v}» non è un numero."))?;
            out.insert(id.to_owned(), d);
        }
    }
    Ok(out)
}

fn texts_by(form: &[(String, String)], prefix: &str) -> BTreeMap<String, String> {
    form.iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(prefix)?.to_owned(), v.trim().to_owned())))
        .collect()
}

/// The step a form asks for.
fn step_of(form: &[(String, String)], sheet: &Sheet) -> Result<SheetStep, String> {
    Ok(match field(form, "passo") {
        "assegna" => {
            let mut objectives = Vec::new();
            for i in 0..(sheet.objectives.len() + BLANK_OBJECTIVES) {
                let id = field(form, &format!("ob_id_{i}"));
                if id.is_empty() {
                    continue;
                }
                let weight = field(form, &format!("ob_peso_{i}"));
                objectives.push(Objective {
                    id: id.to_owned(),
                    title: field(form, &format!("ob_titolo_{i}")).to_owned(),
                    weight: weight
                        .replace(',', ".")
                        .parse()
                        .map_err(|_| format!("Il peso dell'obiettivo {id} è un numero."))?,
                    achievement: None,
                });
            }
            let weights = numbers_by(form, "cp_")?;
            let behaviours = sheet
                .behaviours
                .iter()
                .map(|b| Rated {
                    id: b.id.clone(),
                    weight: weights.get(&b.id).copied().unwrap_or_default(),
                    rating: None,
                })
                .collect();
            SheetStep::Plan {
                objectives,
                behaviours,
            }
        }
        "autovalutazione" => SheetStep::SelfEvaluate {
            text: field(form, "autovalutazione").to_owned(),
        },
        "valuta" => SheetStep::Rate {
            achievements: numbers_by(form, "ragg_")?,
            ratings: texts_by(form, "voto_"),
        },
        "adotta" => SheetStep::Adopt {
            act: field(form, "atto").to_owned(),
        },
        "notifica" => SheetStep::Notify,
        "visione" => SheetStep::Acknowledge {
            observations: field(form, "osservazioni").to_owned(),
        },
        "conciliazione" => SheetStep::Appeal {
            text: field(form, "richiesta").to_owned(),
        },
        "decisione" => SheetStep::Decide {
            outcome: Outcome::parse(field(form, "esito")).ok_or("Scegliere l'esito.")?,
            reasons: field(form, "motivazione").to_owned(),
            achievements: numbers_by(form, "ragg_")?,
            ratings: texts_by(form, "voto_"),
        },
        other => return Err(format!("Passaggio sconosciuto: «{other}».")),
    })
}

pub async fn step(
    pg: PlanPage<paths::EvaluationSheet>,
    s: Signed<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let e = year_for(&pg).await?;
    let matricola = pg.at.matricola.clone();
    let (sheet, _, _) = found(&e, &matricola)?;
    let step = step_of(&s.form, sheet).map_err(AppError::Unprocessable)?;
    let seen = field(&s.form, "seen").parse().unwrap_or(-1);
    s.cycle()
        .sheet_step(e.view.id(), s.who(), &matricola, step, seen, &s.stamp())
        .await?;
    Ok(see_other(paths::EvaluationSheet {
        plan: e.view.id().clone(),
        matricola,
    }))
}
