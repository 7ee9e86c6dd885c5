//! The Relazione sulla Performance of a plan's year (issue 16, point 1): the tables of
//! year-end.md (T1 summary, T2/T3 objectives with target, actual and signed deviation, T4
//! scores, T5 evaluations by category, T7 gender balance), the changes of the year with their
//! acts, and the forms of whoever may act on it now: the planning office writes and explains
//! each shortfall, the Giunta approves, the Nucleo answers its checklist (the «documento di
//! validazione»), the planning office publishes. Everything here is aggregated: no person is
//! named. The public reads it once published.

use axum::response::Response;
use maud::{Markup, html};

use cycle::relazione::{RelazioneStep, Reported};
use domain::evaluation::categories::{Count, MIN_CELL};
use domain::evaluation::staff::cluster_name;
use domain::messages;
use domain::relazione::{Answer, CRITERIA, Cause, Criterion, Row, Summary};

use report::document::{measured, number, signed};

use super::evaluation::{money, score};
use super::forms::Signed;
use super::layout::Column::{Number, Text};
use super::layout::{Page, Section, render, table};
use super::{PageResult, PlanPage, see_other};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::paths;

fn count(c: Count) -> String {
    match c {
        Count::Exactly(n) => n.to_string(),
        Count::Few => format!("meno di {MIN_CELL}"),
    }
}

fn percent(s: &Summary, n: usize) -> String {
    s.percent(n)
        .map(|p| format!("{}%", number(p)))
        .unwrap_or_default()
}

fn summary_cells(s: &Summary) -> Markup {
    html! {
        td class="numero" { (s.objectives) }
        td class="numero" { (percent(s, s.fully)) }
        td class="numero" { (percent(s, s.partly)) }
        td class="numero" { (percent(s, s.not)) }
        td class="numero" { (s.unmeasured) }
        td class="numero" { (s.neutralised) }
    }
}

/// The objectives' table (T2 or T3): a row per measure, the objective's cells spanning them.
fn objectives_table(r: &Reported, caption: &str, rows: &[&Row]) -> Markup {
    let plan = &r.view.plan;
    let columns = [
        Text("Obiettivo"),
        Text("Misura"),
        Number("Base"),
        Number("Atteso"),
        Number("Raggiunto"),
        Number("Scostamento"),
        Number("Raggiungimento"),
        Text("Esito e motivazione"),
    ];
    html! {
        (table(html! { (caption) }, &columns, html! {
            @for row in rows {
                @let o = &plan.objectives[row.objective];
                @let span = row.measures.len().max(1);
                @let reason = r.relazione.reasons.get(&row.id);
                @let outcome = html! {
                    (row.reached.name())
                    @if let Some(why) = reason { ". Causa " (why.cause.name()) ": " (why.text) }
                    @else if row.shortfall { ". " strong { "Motivazione da scrivere." } }
                };
                @for (k, m) in row.measures.iter().enumerate() {
                    tr {
                        @if k == 0 {
                            th scope="row" rowspan=(span) { (o.id) " " (o.title) }
                        }
                        td { (m.name) @if m.neutralised { " (neutralizzato)" } }
                        td class="numero" { (m.baseline.map(|b| measured(Some(b), m.unit.as_deref(), number)).unwrap_or_default()) }
                        td class="numero" { (m.target.map(|t| measured(Some(t), m.unit.as_deref(), number)).unwrap_or_else(|| "—".into())) }
                        td class="numero" { (measured(m.actual, m.unit.as_deref(), number)) }
                        td class="numero" { (m.deviation.map(|d| measured(Some(d), m.unit.as_deref(), signed)).unwrap_or_else(|| "—".into())) }
                        @if k == 0 {
                            td class="numero" rowspan=(span) { (row.achievement.map(|a| format!("{}%", score(a))).unwrap_or_else(|| "non rilevato".into())) }
                            td rowspan=(span) { (outcome) }
                        }
                    }
                }
                @if row.measures.is_empty() {
                    tr {
                        th scope="row" { (o.id) " " (o.title) }
                        td { "—" } td class="numero" {} td class="numero" { "—" } td class="numero" { "non rilevato" } td class="numero" { "—" }
                        td class="numero" { (row.achievement.map(|a| format!("{}%", score(a))).unwrap_or_else(|| "non rilevato".into())) }
                        td { (outcome) }
                    }
                }
            }
        }))
    }
}

/// The forms of the planning office while it writes.
fn writing_forms(viewer: &Viewer, r: &Reported, here: &str) -> Markup {
    let hidden = |step: &str| {
        html! {
            input type="hidden" name="csrf" value=(viewer.csrf());
            input type="hidden" name="seen" value=(r.revision);
            input type="hidden" name="passo" value=(step);
        }
    };
    let plan = &r.view.plan;
    let shortfalls: Vec<&Row> = r.rows.iter().filter(|x| x.shortfall).collect();
    html! {
        h2 { "Scrivere la Relazione" }
        form class="modulo" method="post" action=(here) {
            (hidden("testo"))
            p { label for="introduzione" { "Introduzione: il contesto, le risorse, i risultati principali" } br;
                textarea id="introduzione" name="introduzione" rows="6" cols="80" { (r.relazione.introduction) } }
            p { label for="tolleranza" { "Tolleranza: punti di raggiungimento sotto il 100% che non chiedono motivazione" } br;
                input id="tolleranza" name="tolleranza" type="text" inputmode="decimal" required value=(number(r.relazione.tolerance)); }
            p { button type="submit" { "Salva il testo" } }
        }
        h3 { "Scostamenti da motivare" }
        @if shortfalls.is_empty() {
            p { "Nessun obiettivo è sotto la tolleranza." }
        }
        @for (i, row) in shortfalls.iter().enumerate() {
            @let o = &plan.objectives[row.objective];
            @let had = r.relazione.reasons.get(&row.id);
            form class="modulo" method="post" action=(here) {
                (hidden("motivazione"))
                input type="hidden" name="obiettivo" value=(row.id);
                fieldset {
                    legend { (o.id) " " (o.title) " — " (row.reached.name())
                        @if let Some(a) = row.achievement { " (" (score(a)) "%)" } }
                    p { label for=(format!("motivo-{i}")) { "Motivazione" } br;
                        textarea id=(format!("motivo-{i}")) name="testo" rows="3" cols="80" { (had.map(|h| h.text.as_str()).unwrap_or_default()) } }
                    p { label for=(format!("causa-{i}")) { "Causa" } br;
                        select id=(format!("causa-{i}")) name="causa" {
                            @for c in Cause::ALL {
                                option value=(c.as_str()) selected[had.is_some_and(|h| h.cause == *c)] { (c.name()) }
                            }
                        } }
                    p { button type="submit" { "Salva la motivazione" } }
                }
            }
        }
    }
}

/// The Nucleo's checklist.
fn validation_form(viewer: &Viewer, r: &Reported, here: &str) -> Markup {
    html! {
        h2 { "Validazione del Nucleo" }
        p { "Il Nucleo valida solo una Relazione sintetica, chiara e comprensibile ai cittadini, che dia conto degli "
            "scostamenti e abbia considerato le valutazioni dei cittadini e degli utenti (D.Lgs. 150/2009, art. 14, c. 4). "
            "Ogni criterio si risponde; dove non è «sì» va scritto perché. Con un «no» la Relazione non si valida." }
        form class="modulo" method="post" action=(here) {
            input type="hidden" name="csrf" value=(viewer.csrf());
            input type="hidden" name="seen" value=(r.revision);
            input type="hidden" name="passo" value="validazione";
            @for (i, (key, name)) in CRITERIA.iter().enumerate() {
                fieldset {
                    legend { (name) }
                    @for a in Answer::ALL {
                        @let id = format!("criterio-{i}-{}", a.as_str());
                        p { input id=(id) type="radio" name=(format!("criterio_{key}")) value=(a.as_str()) required;
                            " " label for=(id) { (a.name()) } }
                    }
                    p { label for=(format!("nota-{i}")) { "Nota" } br;
                        textarea id=(format!("nota-{i}")) name=(format!("nota_{key}")) rows="2" cols="80" {} }
                }
            }
            fieldset {
                legend { "Esito" }
                p { input id="esito-validata" type="radio" name="esito" value="validata" required;
                    " " label for="esito-validata" { "La Relazione è validata" } }
                p { input id="esito-non-validata" type="radio" name="esito" value="non_validata";
                    " " label for="esito-non-validata" { "La Relazione non è validata" } }
            }
            p { label for="conclusione" { "Conclusione del Nucleo" } br;
                textarea id="conclusione" name="conclusione" rows="3" cols="80" {} }
            p { label for="atto-nucleo" { "Atto del Nucleo (verbale, documento di validazione)" } br;
                input id="atto-nucleo" name="atto" type="text" size="60" required; }
            p { button type="submit" { "Registra la validazione" } }
        }
    }
}

/// The Nucleo's «documento di validazione», as recorded.
fn validation_document(v: &domain::relazione::Validation, heading: &str) -> Markup {
    html! {
        h3 { (heading) }
        p { strong { @if v.validated { "Validata" } @else { "Non validata" } } " con «" (v.act.act) "» del " (messages::date(v.act.on)) "."
            @if !v.summary.is_empty() { " " (v.summary) } }
        (table(html! { "I criteri esaminati dal Nucleo" }, &[Text("Criterio"), Text("Risposta"), Text("Nota")], html! {
            @for c in &v.criteria {
                tr { th scope="row" { (domain::relazione::criterion_name(&c.key)) } td { (c.answer.name()) } td { (c.note) } }
            }
        }))
    }
}

pub async fn page(pg: PlanPage<paths::Relazione>) -> PageResult {
    let r = pg
        .state
        .cycle()
        .relazione(pg.v.id(), pg.viewer.person())
        .await?;
    let viewer = &pg.viewer;
    let id = r.view.id().clone();
    let here = paths::Relazione { plan: id.clone() }.to_string();
    let plan = &r.view.plan;
    let rel = &r.relazione;
    let state = rel.state();
    let scores = r.view.scores(r.view.situation_day(r.today));
    let due = domain::relazione::due(plan.year);
    let annual: Vec<&Row> = r.rows.iter().filter(|x| !x.multi_year).collect();
    let multi: Vec<&Row> = r.rows.iter().filter(|x| x.multi_year).collect();
    let missing = rel.unexplained(&r.rows).len();
    let hidden = |step: &str| {
        html! {
            input type="hidden" name="csrf" value=(viewer.csrf());
            input type="hidden" name="seen" value=(r.revision);
            input type="hidden" name="passo" value=(step);
        }
    };
    let body = html! {
        p class="occhiello" { (plan.entity.name) " · anno " (plan.year) }
        h1 { "Relazione sulla performance " (plan.year) }
        p { "Stato: " strong { (state.name()) } "."
            @if let Some(d) = due { " Termine per l'approvazione e la validazione: " (messages::date(d)) " (D.Lgs. 150/2009, art. 10)." } }
        p class="documenti" { (super::papers::links(&id, "la Relazione", "relazione", &[])) }
        @if rel.validation.is_some() {
            p class="documenti" { (super::papers::links(&id, "il documento di validazione", "validazione", &[])) }
        }
        @if r.late() {
            div class="avviso" role="alert" { p { "La Relazione è in ritardo: il termine del "
                (due.map(messages::date).unwrap_or_default()) " è passato senza validazione. L'amministrazione ne comunica le ragioni al Dipartimento della Funzione Pubblica." } }
        }
        @if !rel.releases_premia() {
            p { "I premi dell'anno si pagano solo dopo la validazione del Nucleo (art. 14, c. 6)." }
        }
        h2 { "1. Introduzione" }
        @if rel.introduction.is_empty() { p { "Non ancora scritta." } }
        @for para in rel.introduction.split("\n").filter(|l| !l.trim().is_empty()) { p { (para) } }
        h2 { "2. I risultati" }
        (table(html! { "Sintesi dei risultati per unità (T1)" }, &[Text("Unità"), Number("Obiettivi"), Number("Raggiunti"), Number("In parte"), Number("Non raggiunti"), Number("Non rilevati"), Number("Neutralizzati")], html! {
            @for u in &plan.units {
                @let s = Summary::of(r.rows.iter().filter(|x| plan.objectives[x.objective].unit == u.id));
                @if s.objectives > 0 {
                    tr { th scope="row" { (u.name) } (summary_cells(&s)) }
                }
            }
            tr { th scope="row" { "Tutto l'ente" } (summary_cells(&Summary::of(&r.rows))) }
        }))
        p { "Tolleranza: " (number(rel.tolerance)) " punti. Lo scostamento è il valore raggiunto meno quello atteso, con il suo segno, nell'unità di misura dell'indicatore." }
        @if !multi.is_empty() {
            (objectives_table(&r, "Obiettivi pluriennali (T2)", &multi))
        }
        (objectives_table(&r, "Obiettivi annuali (T3)", &annual))
        h2 { "3. La performance organizzativa" }
        (table(html! { "Punteggi dell'ente e delle unità (T4)" }, &[Text("Unità"), Text("Responsabile"), Number("Punteggio")], html! {
            tr { th scope="row" { "Ente" } td {} td class="numero" { (scores.administration.map(score).unwrap_or_else(|| "non rilevato".into())) } }
            @for (i, u) in plan.units.iter().enumerate() {
                @if let Some(s) = scores.units.get(i).filter(|s| !s.objectives.is_empty()) {
                    tr { th scope="row" { (u.name) } td { (u.heads.last().map(|h| h.name.as_str()).unwrap_or_default()) }
                        td class="numero" { (s.score.map(score).unwrap_or_else(|| "non rilevato".into())) } }
                }
            }
        }))
        p { "Come si calcola ogni punteggio: " a href=(paths::scores(&id)) { "i punteggi spiegati" } "." }
        h2 { "4. Le modifiche durante l'anno" }
        @let changes = r.changes();
        @if changes.is_empty() { p { "Nessun obiettivo è stato modificato durante l'anno." } }
        @else {
            ul {
                @for c in &changes {
                    li { "Obiettivo " (c.objective) ": " (c.reason)
                        @if let Some(d) = &c.decision { " — approvata dalla Giunta con atto n. " (d.act_number) " del " (messages::date(d.act_date)) } "." }
                }
            }
        }
        h2 { "5. La valutazione individuale" }
        @if r.categories.is_empty() { p { "Nessuna scheda ancora valutata." } }
        @else {
            (table(html! { "Valutazioni per categoria (T5)" }, &[Text("Categoria"), Number("Persone"), Number("Media"), Number("Negative"), Number("Fascia più alta")], html! {
                @for c in &r.categories {
                    tr { th scope="row" { (c.cluster.as_deref().map_or_else(|| "altre categorie".to_string(), |x| cluster_name(x).to_owned())) }
                        td class="numero" { (count(c.people)) } td class="numero" { (c.mean.map(score).unwrap_or_else(|| "—".into())) }
                        td class="numero" { (count(c.negative)) } td class="numero" { (count(c.top)) } }
                }
            }))
            p { "Conciliazioni chieste: " (count(Count::of(r.appeals.0))) "; decise: " (count(Count::of(r.appeals.1))) "." }
        }
        @if !r.gender.is_empty() {
            (table(html! { "Bilancio di genere: personale valutato e premi per categoria (T7)" },
                &[Text("Categoria"), Number("Donne"), Number("Premi alle donne"), Number("Uomini"), Number("Premi agli uomini"), Number("Non indicato")], html! {
                @for g in &r.gender {
                    tr { th scope="row" { (g.cluster.as_deref().map_or_else(|| "altre categorie".to_string(), |x| cluster_name(x).to_owned())) }
                        @for (k, cell) in g.cells.iter().enumerate() {
                            td class="numero" { (count(cell.people)) }
                            @if k < 2 { td class="numero" { (cell.paid_cents.map(money).unwrap_or_else(|| "—".into())) } }
                        }
                    }
                }
            }))
            p { "I gruppi di meno di " (MIN_CELL) " persone sono uniti in «altre categorie» o non mostrati; i premi compaiono dopo la ripartizione." }
        }
        h2 { "6. Approvazione e validazione" }
        @match &rel.approval {
            Some(a) => p { "Approvata dalla Giunta con «" (a.act) "» del " (messages::date(a.on)) "." },
            None => p { "Non ancora approvata dalla Giunta." },
        }
        @for (i, v) in rel.refused.iter().enumerate() {
            (validation_document(v, &format!("Esame del Nucleo n. {} (non validata)", i + 1)))
        }
        @if let Some(v) = &rel.validation {
            (validation_document(v, "Documento di validazione"))
        }
        @if let Some(d) = rel.published_on { p { "Pubblicata il " (messages::date(d)) "." } }
        @if r.may_write() { (writing_forms(viewer, &r, &here)) }
        @if r.may_approve() {
            h2 { "Approvazione della Giunta" }
            @if missing > 0 {
                p { "Mancano " (missing) " motivazioni di scostamenti oltre la tolleranza: la Relazione non può ancora andare in Giunta." }
            }
            form class="modulo" method="post" action=(here) {
                (hidden("approvazione"))
                p { label for="atto-giunta" { "Atto della Giunta" } br;
                    input id="atto-giunta" name="atto" type="text" size="60" required placeholder="Delibera G.C. n. … del …"; }
                p { button type="submit" { "Approva la Relazione" } }
            }
        }
        @if r.may_validate() { (validation_form(viewer, &r, &here)) }
        @if r.may_publish() {
            h2 { "Pubblicazione" }
            form class="modulo" method="post" action=(here) {
                (hidden("pubblicazione"))
                p { button type="submit" { "Pubblica la Relazione in Amministrazione Trasparente" } }
            }
        }
    };
    Ok(render(
        Page::in_plan(
            viewer,
            &r.view,
            "Relazione sulla performance",
            vec![("Relazione".into(), here.clone())],
            body,
        )
        .at(Section::Relazione),
    ))
}

/// A form's field, trimmed (empty when absent).
fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

/// The step a form asks for, or why it cannot be read (in Italian).
fn step_of(form: &[(String, String)]) -> Result<RelazioneStep, String> {
    Ok(match field(form, "passo") {
        "testo" => RelazioneStep::Write {
            introduction: field(form, "introduzione").replace("\r\n", "\n"),
            tolerance: field(form, "tolleranza")
                .replace(',', ".")
                .parse()
                .map_err(|_| {
                    "La tolleranza va scritta come numero (per esempio 10).".to_string()
                })?,
        },
        "motivazione" => RelazioneStep::Explain {
            objective: field(form, "obiettivo").to_owned(),
            text: field(form, "testo").replace("\r\n", "\n"),
            cause: Cause::parse(field(form, "causa"))
                .ok_or_else(|| "La causa va scelta tra esogena ed endogena.".to_string())?,
        },
        "approvazione" => RelazioneStep::Approve {
            act: field(form, "atto").to_owned(),
        },
        "validazione" => RelazioneStep::Validate {
            criteria: CRITERIA
                .iter()
                .filter_map(|(key, _)| {
                    Some(Criterion {
                        key: (*key).to_owned(),
                        answer: Answer::parse(field(form, &format!("criterio_{key}")))?,
                        note: field(form, &format!("nota_{key}")).to_owned(),
                    })
                })
                .collect(),
            validated: match field(form, "esito") {
                "validata" => true,
                "non_validata" => false,
                _ => return Err("Va scelto l'esito: validata o non validata.".into()),
            },
            summary: field(form, "conclusione").to_owned(),
            act: field(form, "atto").to_owned(),
        },
        "pubblicazione" => RelazioneStep::Publish,
        _ => return Err("Passo della Relazione sconosciuto.".into()),
    })
}

pub async fn step(
    paths::Relazione { plan }: paths::Relazione,
    s: Signed<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    // Those who may not read it find nothing to act on, whatever they sent.
    s.cycle().relazione(&plan, Some(s.who())).await?;
    let step = step_of(&s.form).map_err(AppError::Unprocessable)?;
    let seen = field(&s.form, "seen").parse().unwrap_or(-1);
    s.cycle()
        .relazione_step(&plan, s.who(), seen, step, &s.stamp())
        .await?;
    Ok(see_other(paths::Relazione { plan }))
}
