//! The result bonus and the differentiation of scores. The pool page: the budgets of the year
//! kept apart, each with its act and rules (the personnel office sets them), the revisore's
//! certification of payment times, whether the pool may be shared now and why not, the
//! sharing, and the payouts each explained — the whole list to the personnel office and the
//! Nucleo, to an evaluator their people's rows, to each person their own — with the payroll
//! office's list as CSV and workbook. The differentiation page: per evaluator and per category,
//! the distribution of scores as a histogram with its numbers in a table, mean, standard
//! deviation, the top band's share against its cap; and the Relazione's table by category.
//! Groups of fewer than three are shown only to those who may read every scheda.

use axum::response::Response;
use maud::{Markup, html};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use cycle::evaluation::Evaluated;
use domain::Role;
use domain::evaluation::categories::{self, Count, MIN_CELL};
use domain::evaluation::differentiation::{self, default_bands};
use domain::evaluation::sheet::Stage;
use domain::evaluation::staff::cluster_name;
use domain::evaluation::year::{BUDGETS, Budget, budget_name};

use super::{field, money, page, score, seen, seen_of, year_for};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::forms::Signed;
use crate::pages::layout::Column::{Number, Text};
use crate::pages::layout::{render, table};
use crate::pages::workbook::{CSV, XLSX, attachment};
use crate::pages::{PageResult, PlanPage, see_other};
use crate::paths;

/// Whether this person reads every payout (the personnel office, the Nucleo).
fn reads_all(e: &Evaluated) -> bool {
    e.has(Role::Personnel) || e.has(Role::Evaluator)
}

/// One payout as a row: the person, the score, the amounts and why.
struct Payout {
    matricola: String,
    name: String,
    kind: String,
    cluster: String,
    score: Option<Decimal>,
    base: i64,
    maggiorazione: i64,
    withheld: i64,
    paid: i64,
    why: String,
}

fn cents(v: &Value) -> i64 {
    v.as_i64().unwrap_or_default()
}

/// The payouts of the pool as shared, those this person may read.
fn payouts(e: &Evaluated) -> Vec<Payout> {
    let Some(shared) = &e.evaluation.year.shared else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for b in &shared.budgets {
        let why = domain::rewards::explain(&b.case).unwrap_or_default();
        let people = b.case["people"].as_array().cloned().unwrap_or_default();
        for (i, p) in b.result["payouts"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let matricola = p["id"].as_str().unwrap_or_default().to_owned();
            let visible = reads_all(e)
                || e.evaluation.sheets.iter().any(|(s, _)| {
                    s.matricola == matricola && {
                        let a = e.access(s);
                        a.own || a.evaluator
                    }
                });
            if !visible {
                continue;
            }
            let member = e.member(&matricola);
            out.push(Payout {
                name: member.map(|m| m.name.clone()).unwrap_or_default(),
                cluster: member.map(|m| m.cluster.clone()).unwrap_or_default(),
                score: people
                    .get(i)
                    .and_then(|x| domain::numbers::exact(&x["score"])),
                kind: b.kind.clone(),
                base: cents(&p["base_cents"]),
                maggiorazione: cents(&p["maggiorazione_cents"]),
                withheld: cents(&p["withheld_cents"]),
                paid: cents(&p["paid_cents"]),
                why: why.get(i).cloned().unwrap_or_default(),
                matricola,
            });
        }
    }
    out
}

fn budget_form(viewer: &Viewer, e: &Evaluated, kind: &str, name: &str) -> Markup {
    let b = e.evaluation.year.budgets.iter().find(|b| b.kind == kind);
    let rules = b.map_or(Value::Null, |b| b.rules.clone());
    let euros = |c: Option<i64>| {
        c.map(|c| format!("{},{:02}", c / 100, c % 100))
            .unwrap_or_default()
    };
    let id = |f: &str| format!("{kind}-{f}");
    let formula = rules["formula"].as_str().unwrap_or("proportional");
    let m_percent = rules["maggiorazione"]["m_percent"]
        .as_f64()
        .map(|x| x.to_string())
        .unwrap_or_default();
    let k = rules["maggiorazione"]["k"]
        .as_u64()
        .map(|x| x.to_string())
        .unwrap_or_default();
    html! {
        form class="modulo" method="post" action=(paths::EvaluationPool { plan: e.view.id().clone() }) {
            (seen(viewer, e.evaluation.revision))
            input type="hidden" name="fondo" value=(kind);
            fieldset {
                legend { (name) }
                p { label for=(id("importo")) { "Importo (euro)" } br;
                    input id=(id("importo")) name="importo" type="text" inputmode="decimal" required size="12" value=(euros(b.map(|b| b.cents))); }
                p { label for=(id("atto")) { "Atto che lo costituisce" } br;
                    input id=(id("atto")) name="atto" type="text" required size="50" value=(b.map(|b| b.act.as_str()).unwrap_or_default()); }
                @if kind == "comparto_individual" {
                    p { label for=(id("variabile")) { "Parte variabile del fondo (euro; questo fondo ne è almeno il 30%)" } br;
                        input id=(id("variabile")) name="variabile" type="text" inputmode="decimal" required size="12" value=(euros(b.and_then(|b| b.fund_variable_cents))); }
                }
                @if kind == "eq_risultato" {
                    p { label for=(id("posizione")) { "Retribuzione di posizione delle EQ (euro; il risultato ne è almeno il 15% del totale)" } br;
                        input id=(id("posizione")) name="posizione" type="text" inputmode="decimal" required size="12" value=(euros(b.and_then(|b| b.eq_posizione_cents))); }
                }
                p { label for=(id("formula")) { "Formula di ripartizione" } br;
                    select id=(id("formula")) name="formula" {
                        option value="proportional" selected[formula == "proportional"] { "in proporzione al punteggio" }
                        option value="threshold_step" selected[formula == "threshold_step"] { "a quota: 60% alla soglia, +1% per punto, pieno da 95" }
                    } }
                @if kind == "comparto_individual" {
                    p { label for=(id("m")) { "Maggiorazione art. 81: per cento del premio medio (almeno 30; vuoto: nessuna)" } br;
                        input id=(id("m")) name="m_percent" type="text" inputmode="decimal" size="5" value=(m_percent);
                        " " label for=(id("k")) { "a quante persone al massimo" } " "
                        input id=(id("k")) name="k" type="number" min="1" value=(k); }
                }
                p { button type="submit" { "Salva il fondo" } }
            }
        }
    }
}

/// A distribution formula in words.
fn formula_name(formula: &str) -> &str {
    match formula {
        "proportional" => "in proporzione al punteggio",
        "classes" => "per fasce di punteggio",
        "threshold_step" => "a quota, dalla soglia in su",
        other => other,
    }
}

fn euros_to_cents(text: &str) -> Option<i64> {
    let d: Decimal = text
        .trim()
        .replace('.', "")
        .replace(',', ".")
        .parse()
        .ok()?;
    let c = d * Decimal::ONE_HUNDRED;
    c.fract().is_zero().then(|| i64::try_from(c).ok()).flatten()
}

pub async fn view(pg: PlanPage<paths::EvaluationPool>) -> PageResult {
    let e = year_for(&pg).await?;
    let viewer = &pg.viewer;
    let id = e.view.id().clone();
    let year = &e.evaluation.year;
    let gate = e.pool_gate();
    let rows = payouts(&e);
    let responsible: Vec<_> = e
        .evaluation
        .staff
        .iter()
        .filter(|m| m.responsabile_pagamenti)
        .collect();
    let markup = html! {
        h1 { "I premi di risultato " (e.view.plan.year) }
        @if year.shared.is_some() && (e.has(Role::Personnel) || e.has(Role::Evaluator)) {
            p class="documenti" { (crate::pages::papers::links(e.view.id(), "l'elenco dei premi", "premi", &[])) }
        }
        p { "I fondi restano separati, ognuno con il suo atto e le sue regole (CCNL Funzioni Locali 2022, art. 80-81; "
            "DL 13/2023 per i tempi di pagamento). Si ripartiscono al centesimo solo su schede definitive e dopo la "
            "validazione della misurazione; ogni importo dice come è stato calcolato." }
        h2 { "I fondi" }
        @if year.budgets.is_empty() { p { "Nessun fondo impostato." } }
        @else {
            (table(html! { "Fondi dell'anno" }, &[Text("Fondo"), Number("Importo"), Text("Atto"), Text("Formula")], html! {
                @for b in &year.budgets {
                    tr { th scope="row" { (budget_name(&b.kind)) } td class="numero" { (money(b.cents)) } td { (b.act) }
                        td { (formula_name(b.rules["formula"].as_str().unwrap_or("proportional"))) } }
                }
            }))
        }
        @if e.has(Role::Personnel) && year.shared.is_none() {
            h2 { "Imposta i fondi" }
            @for (kind, name) in BUDGETS { (budget_form(viewer, &e, kind, name)) }
        }
        @if !responsible.is_empty() && (e.has(Role::Revisor) || reads_all(&e)) {
            h2 { "Tempi di pagamento (DL 13/2023)" }
            p { "Per i responsabili dei pagamenti una quota del risultato dipende dal rispetto dei tempi di pagamento, "
                "che certifica il revisore dei conti." }
            (table(html! { "Responsabili dei pagamenti" }, &[Text("Persona"), Text("Certificazione"), Text("")], html! {
                @for m in &responsible {
                    tr { th scope="row" { (m.name) " (" (m.matricola) ")" }
                        td { (match m.payment_times_met { Some(true) => "rispettati", Some(false) => "non rispettati", None => "non ancora certificati" }) }
                        td { @if e.has(Role::Revisor) && year.shared.is_none() {
                            form class="in-riga" method="post" action=(paths::EvaluationPaymentTimes { plan: id.clone() }) {
                                input type="hidden" name="csrf" value=(viewer.csrf());
                                input type="hidden" name="matricola" value=(m.matricola);
                                button type="submit" name="esito" value="si" { "Rispettati" } " "
                                button type="submit" name="esito" value="no" { "Non rispettati" }
                            }
                        } }
                    }
                }
            }))
        }
        h2 { "La ripartizione" }
        @match &year.shared {
            Some(shared) => {
                p { "Ripartito il " (domain::messages::date(shared.on)) "." }
                @if reads_all(&e) {
                    (table(html! { "Totali per fondo" }, &[Text("Fondo"), Number("Pagato"), Number("Economie"), Text("Di cui")], html! {
                        @for b in &shared.budgets {
                            tr { th scope="row" { (budget_name(&b.kind)) } td class="numero" { (money(cents(&b.result["paid_total_cents"]))) }
                                td class="numero" { (money(cents(&b.result["economie_cents"]))) }
                                td { "base " (money(cents(&b.result["economie"]["base_cents"]))) ", riserva " (money(cents(&b.result["economie"]["reserve_cents"])))
                                    ", trattenute " (money(cents(&b.result["economie"]["withheld_cents"]))) } }
                        }
                    }))
                    p { a href=(paths::EvaluationPayroll { plan: id.clone(), file: "cedolini.csv".into() }) { "Elenco per gli stipendi (CSV)" }
                        " · " a href=(paths::EvaluationPayroll { plan: id.clone(), file: "cedolini.xlsx".into() }) { "Elenco per gli stipendi (XLSX)" } }
                }
                @if rows.is_empty() { p { "Nessun premio da mostrare a chi legge." } }
                @else {
                    (table(html! { "Premi" }, &[Text("Persona"), Text("Fondo"), Number("Punteggio"), Number("Base"), Number("Maggiorazione"), Number("Trattenuto"), Number("Pagato"), Text("Come")], html! {
                        @for r in &rows {
                            tr { th scope="row" { (r.name) " (" (r.matricola) ")" } td { (budget_name(&r.kind)) }
                                td class="numero" { (r.score.map(score).unwrap_or_default()) } td class="numero" { (money(r.base)) } td class="numero" { (money(r.maggiorazione)) }
                                td class="numero" { (money(r.withheld)) } td class="numero" { (money(r.paid)) } td { (r.why) } }
                        }
                    }))
                }
            }
            None => {
                @match &gate {
                    Ok(()) => p { "Tutte le schede sono definitive e la misurazione è validata: il fondo si può ripartire." },
                    Err(why) => p { (why) },
                }
                @if e.has(Role::Personnel) && gate.is_ok() && !year.budgets.is_empty() {
                    form class="modulo" method="post" action=(paths::EvaluationShare { plan: id.clone() }) {
                        (seen(viewer, e.evaluation.revision))
                        button type="submit" { "Ripartisci i fondi" }
                    }
                }
            }
        }
    };
    Ok(render(page(
        viewer,
        &e,
        "Premi di risultato",
        Some(paths::EvaluationPool { plan: id.clone() }.to_string()),
        markup,
    )))
}

pub async fn save_budget(
    pg: PlanPage<paths::EvaluationPool>,
    s: Signed<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let plan = pg.v.id().clone();
    if !s.who().roles.contains(&Role::Personnel) {
        return Err(cycle::Refusal::Denied(domain::Refusal::Role(&[Role::Personnel])).into());
    }
    let f = &s.form;
    let bad = |what: &str| {
        AppError::Unprocessable(format!(
            "{what}: scrivere l'importo in euro, con al più due decimali."
        ))
    };
    let kind = field(f, "fondo").to_owned();
    let optional = |name: &str, what: &str| -> Result<Option<i64>, AppError> {
        match field(f, name) {
            "" => Ok(None),
            t => euros_to_cents(t).map(Some).ok_or_else(|| bad(what)),
        }
    };
    let mut rules = json!({ "formula": field(f, "formula"), "threshold": null });
    if rules["formula"] == "threshold_step" {
        rules["steps"] = json!({ "base_percent": 60, "step_percent": 1, "full_from": 95 });
    }
    if let Some(threshold) = e_threshold(&pg).await? {
        rules["threshold"] = threshold;
    }
    let m = field(f, "m_percent");
    if !m.is_empty() {
        let percent: Decimal = m
            .replace(',', ".")
            .parse()
            .map_err(|_| AppError::Unprocessable("La maggiorazione è una percentuale.".into()))?;
        let k: u32 = field(f, "k").parse().map_err(|_| {
            AppError::Unprocessable(
                "Indicare a quante persone al massimo va la maggiorazione.".into(),
            )
        })?;
        rules["maggiorazione"] = json!({ "m_cents": null, "m_percent": domain::numbers::json(percent), "k": k, "score_threshold": null });
        rules["tie_break"] = json!(["behaviours"]);
    }
    let budget = Budget {
        kind,
        cents: euros_to_cents(field(f, "importo")).ok_or_else(|| bad("Importo"))?,
        act: field(f, "atto").to_owned(),
        rules,
        fund_variable_cents: optional("variabile", "Parte variabile")?,
        eq_posizione_cents: optional("posizione", "Retribuzione di posizione")?,
    };
    s.cycle()
        .set_budget(&plan, s.who(), budget, seen_of(f), &s.stamp())
        .await?;
    Ok(see_other(paths::EvaluationPool { plan }))
}

/// The threshold of the SMVP in force, for the budgets' rules.
async fn e_threshold(pg: &PlanPage<paths::EvaluationPool>) -> Result<Option<Value>, AppError> {
    let e = year_for(pg).await?;
    Ok(e.smvp().map(|s| domain::numbers::json(s.threshold)))
}

pub async fn share(
    at: paths::EvaluationShare,
    s: Signed<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.cycle()
        .share_pool(&at.plan, s.who(), seen_of(&s.form), &s.stamp())
        .await?;
    Ok(see_other(paths::EvaluationPool { plan: at.plan }))
}

pub async fn payment_times(
    at: paths::EvaluationPaymentTimes,
    s: Signed<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    if !s.who().roles.contains(&Role::Revisor) {
        return Err(cycle::Refusal::Denied(domain::Refusal::Role(&[Role::Revisor])).into());
    }
    let met = match field(&s.form, "esito") {
        "si" => true,
        "no" => false,
        _ => {
            return Err(AppError::Unprocessable(
                "Scegliere se i tempi sono stati rispettati.".into(),
            ));
        }
    };
    s.cycle()
        .certify_payment_times(
            &at.plan,
            s.who(),
            field(&s.form, "matricola"),
            met,
            &s.stamp(),
        )
        .await?;
    Ok(see_other(paths::EvaluationPool { plan: at.plan }))
}

/// The payroll office's list: every payout of the pool shared.
pub async fn payroll(pg: PlanPage<paths::EvaluationPayroll>) -> Result<Response, AppError> {
    let e = year_for(&pg).await?;
    if !reads_all(&e) {
        return Err(cycle::Refusal::Denied(domain::Refusal::Role(&[
            Role::Personnel,
            Role::Evaluator,
        ]))
        .into());
    }
    if e.evaluation.year.shared.is_none() {
        return Err(AppError::NotFound(
            "ancora la ripartizione dei premi".into(),
        ));
    }
    let header = [
        "matricola",
        "nome",
        "categoria",
        "fondo",
        "punteggio",
        "base",
        "maggiorazione",
        "trattenuto",
        "pagato",
        "come",
    ];
    let rows: Vec<Vec<workbook::staff::Cell>> = payouts(&e)
        .into_iter()
        .map(|r| {
            use workbook::staff::Cell;
            vec![
                Cell::Text(r.matricola),
                Cell::Text(r.name),
                Cell::Text(r.cluster),
                Cell::Text(r.kind),
                r.score.map_or(Cell::Text(String::new()), Cell::Number),
                Cell::Cents(r.base),
                Cell::Cents(r.maggiorazione),
                Cell::Cents(r.withheld),
                Cell::Cents(r.paid),
                Cell::Text(r.why),
            ]
        })
        .collect();
    let name = format!("premi-{}", e.view.id());
    match pg.at.file.as_str() {
        "cedolini.csv" => Ok(attachment(
            workbook::staff::table_csv(&header, &rows),
            &format!("{name}.csv"),
            CSV,
        )),
        "cedolini.xlsx" => {
            let bytes = workbook::staff::table_xlsx("Premi", &header, &rows)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(attachment(bytes, &format!("{name}.xlsx"), XLSX))
        }
        _ => Err(AppError::NotFound(
            "questo file (ci sono cedolini.csv e cedolini.xlsx)".into(),
        )),
    }
}

/// A group of scores drawn: its histogram and its numbers.
fn group(title: &str, id: &str, scores: &[Decimal], cap: Decimal) -> Markup {
    let bands = default_bands();
    let d = differentiation::distribution(scores, &bands, cap);
    let labels: Vec<String> = bands
        .iter()
        .map(|b| format!("{}–{}", score(b.from), score(b.thru)))
        .collect();
    html! {
        h3 { (title) }
        (report::histogram::svg(title, &labels, &d.counts, Some(labels.len() - 1), id))
        (table(html! { "Distribuzione: " (title) }, &[Text("Fascia"), Number("Schede")], html! {
            @for (l, n) in labels.iter().zip(&d.counts) { tr { th scope="row" { (l) } td class="numero" { (n) } } }
        }))
        p { (d.count) " schede; media " (d.mean.map(score).unwrap_or_default())
            "; deviazione standard " (d.std_dev.map(|s| format!("{s:.2}").replace('.', ",")).unwrap_or_default())
            "; nella fascia più alta " (d.top_share.map(score).unwrap_or_default()) "%"
            @if d.over_cap { strong { " — oltre il tetto del " (cap) "%" } } "." }
    }
}

pub async fn spread(pg: PlanPage<paths::EvaluationSpread>) -> PageResult {
    let e = year_for(&pg).await?;
    let p = e.procedure();
    let cap = Decimal::from(p.top_band_cap);
    let everything = reads_all(&e);
    let overview = everything || e.has(Role::Admin) || e.has(Role::Board);
    // Scores in force of the schede rated, with their evaluator and category.
    let rated: Vec<(&str, &str, Decimal, bool)> = e
        .evaluation
        .sheets
        .iter()
        .filter(|(s, _)| s.stage_on(e.today, &p) >= Stage::Valutata)
        .filter_map(|(s, _)| {
            let v = s.current()?;
            let mine = e.access(s).evaluator;
            Some((s.evaluator.as_str(), s.cluster.as_str(), v.score, mine))
        })
        .collect();
    let mut evaluators: Vec<&str> = rated.iter().map(|r| r.0).collect();
    evaluators.sort_unstable();
    evaluators.dedup();
    let top = default_bands().last().map(|b| b.from).unwrap_or_default();
    let threshold = e.smvp().map(|s| s.threshold).unwrap_or(Decimal::from(60));
    let people = cycle::relazione::rated(&e.evaluation, e.today, threshold, top);
    let count = |c: Count| match c {
        Count::Exactly(n) => n.to_string(),
        Count::Few => format!("meno di {MIN_CELL}"),
    };
    let markup = html! {
        h1 { "La differenziazione dei punteggi" }
        p { "Come si distribuiscono i punteggi delle schede valutate, per valutatore e per categoria: un sistema che "
            "premia tutti allo stesso modo non differenzia. Il tetto della fascia più alta è il " (cap) "% delle schede." }
        @if !overview && !rated.iter().any(|r| r.3) {
            p { "Nessun gruppo di schede da mostrare a chi legge." }
        }
        @if overview {
            h2 { "Per categoria (la tabella della Relazione)" }
            (table(html! { "Valutazioni per categoria" }, &[Text("Categoria"), Number("Persone"), Number("Media"), Number("Negative"), Number("Fascia più alta")], html! {
                @for r in categories::by_category(&people) {
                    tr { th scope="row" { (r.cluster.as_deref().map_or_else(|| "altre categorie".to_string(), |c| cluster_name(c).to_owned())) }
                        td class="numero" { (count(r.people)) } td class="numero" { (r.mean.map(score).unwrap_or_else(|| "—".into())) }
                        td class="numero" { (count(r.negative)) } td class="numero" { (count(r.top)) } }
                }
            }))
        }
        h2 { "Per valutatore" }
        @for (i, ev) in evaluators.iter().enumerate() {
            @let scores: Vec<Decimal> = rated.iter().filter(|r| r.0 == *ev).map(|r| r.2).collect();
            @let mine = rated.iter().any(|r| r.0 == *ev && r.3);
            @if everything || mine || (overview && scores.len() >= MIN_CELL) {
                (group(&format!("Valutatore: {ev}"), &format!("valutatore-{i}"), &scores, cap))
            }
        }
        @if everything {
            h2 { "Per categoria" }
            @for (i, c) in domain::evaluation::CLUSTERS.iter().enumerate() {
                @let scores: Vec<Decimal> = rated.iter().filter(|r| r.1 == *c).map(|r| r.2).collect();
                @if !scores.is_empty() { (group(&format!("Categoria: {}", cluster_name(c)), &format!("categoria-{i}"), &scores, cap)) }
            }
        }
    };
    Ok(render(page(
        &pg.viewer,
        &e,
        "Differenziazione",
        Some(
            paths::EvaluationSpread {
                plan: e.view.id().clone(),
            }
            .to_string(),
        ),
        markup,
    )))
}
