//! How an indicator of a card is measured, written while drafting by the planning office (the
//! measurement system is theirs): whether it enters the score, its unit of measure, weight,
//! baseline (the year before), target, polarity, conversion, limits, bands and what happens
//! when no value comes. Saved into the plan's scoring settings over what they held for it, so
//! that what this form does not show (custom bands, negatives allowed) stays; the whole JSON
//! remains on the page «Punteggi».

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::access::{Action, decide};
use domain::scoring::indicator::{BandRule, Conversion, NoActual, Polarity, preset};
use domain::scoring::settings::IndicatorSetting;
use domain::{Objective, Position, messages};
use maud::{Markup, html};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};

use super::fields::{DECIMAL, Problems, Sent, TEXT, choices, input, select};
use super::{Form, hidden, sent};
use crate::auth::Viewer;
use crate::cache::PlanView;
use crate::error::AppError;
use crate::pages::layout::{Page, render};
use crate::pages::{PlanPage, see_other};
use crate::paths;

const CONVERSIONS: [Conversion; 10] = [
    Conversion::PercentOfTarget,
    Conversion::Value,
    Conversion::RatioOfTarget,
    Conversion::AbsoluteGap,
    Conversion::PercentGap,
    Conversion::ProgressFromPriorYear,
    Conversion::PercentOfPriorYear,
    Conversion::GapToPriorYear,
    Conversion::Limits,
    Conversion::LimitsExcellence,
];
const BANDS: [BandRule; 4] = [
    BandRule::None,
    BandRule::Direct,
    BandRule::Prorate,
    BandRule::Clamp,
];
const NO_ACTUAL: [NoActual; 4] = [
    NoActual::TreatAsZero,
    NoActual::ScoreZero,
    NoActual::Exclude,
    NoActual::Block,
];
/// The band tables offered by name (scoring.md's presets).
const PRESETS: [(&str, &str); 2] = [
    ("achievement", "grado di raggiungimento: fino a 70, 90, 100"),
    ("limits_60_100", "limiti: 60, 90, 100"),
];
/// A table of the settings that is no preset: kept as it is.
const OWN_TABLE: &str = "propria";

/// A value's name as the settings write it.
fn name<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn polarity(p: Polarity) -> &'static str {
    match p {
        Polarity::HigherIsBetter => "più alto è meglio",
        Polarity::LowerIsBetter => "più basso è meglio",
    }
}

fn path(v: &PlanView, o: &Objective, index: usize) -> paths::DraftIndicator {
    paths::DraftIndicator {
        plan: v.id().clone(),
        unit: o.unit.to_string(),
        label: o.label.to_string(),
        n: Position::of_index(index),
    }
}

/// The rule the settings hold for indicator `index` of `o`, if it is measured.
fn setting<'a>(v: &'a PlanView, o: &Objective, index: usize) -> Option<&'a IndicatorSetting> {
    v.settings
        .indicators
        .iter()
        .find(|s| s.objective == o.id.as_str() && s.indicator == index + 1)
}

/// The form's fields for the rule as the settings hold it.
fn rule_sent(s: Option<&IndicatorSetting>) -> Sent {
    let number = |d: Option<Decimal>| d.map(messages::number).unwrap_or_default();
    let Some(s) = s else {
        return Sent(vec![
            ("conversione".into(), name(Conversion::PercentOfTarget)),
            ("polarita".into(), name(Polarity::HigherIsBetter)),
            ("fasce".into(), name(BandRule::None)),
            ("senza-valore".into(), name(NoActual::TreatAsZero)),
        ]);
    };
    let r = &s.rule;
    let table = if r.bands.0.is_empty() {
        String::new()
    } else {
        PRESETS
            .iter()
            .find(|(p, _)| preset(p).as_ref() == Some(&r.bands.0))
            .map_or(OWN_TABLE.to_owned(), |(p, _)| (*p).to_owned())
    };
    Sent(vec![
        ("misurato".into(), "si".into()),
        ("unita-misura".into(), s.unit.clone().unwrap_or_default()),
        ("peso".into(), messages::number(s.weight)),
        ("conversione".into(), name(r.conversion)),
        ("polarita".into(), name(r.polarity)),
        ("baseline".into(), number(r.prior_year)),
        ("target".into(), number(r.target)),
        ("minimo".into(), number(r.limit_min)),
        ("massimo".into(), number(r.limit_max)),
        ("eccellenza".into(), number(r.limit_excellent)),
        ("fasce".into(), name(r.band)),
        ("tabella".into(), table),
        ("senza-valore".into(), name(r.no_actual)),
    ])
}

/// A decimal as typed (a comma for the decimals), as the settings keep it: its exact digits.
fn decimal(p: &mut Problems, id: &str, raw: &str) -> Value {
    p.parsed(id, raw, "non è un numero", |t| {
        // With a comma, dots group thousands (1.250,5); without, a dot is the decimal point.
        if t.contains(',') {
            t.replace('.', "").replace(',', ".").parse::<Decimal>()
        } else {
            t.parse::<Decimal>()
        }
    })
    .map_or(Value::Null, |d| Value::String(d.normalize().to_string()))
}

/// A word of one of the lists, as the settings write it.
fn word<T: Serialize + Copy>(p: &mut Problems, id: &str, raw: &str, all: &[T]) -> Value {
    match all.iter().find(|x| name(**x) == raw.trim()) {
        Some(x) => Value::String(name(*x)),
        None => {
            p.add(id, "Scegliere una voce dell'elenco.");
            Value::Null
        }
    }
}

/// What the form asks of the settings: the indicator's entry (its keys over the old ones; a
/// null takes one out), or not measured.
fn entry_of(sent: &Sent) -> Result<Option<Map<String, Value>>, Problems> {
    if !sent.ticked("misurato") {
        return Ok(None);
    }
    let mut p = Problems::default();
    let unit = p.optional(
        "unita-misura",
        domain::limits::Field::IndicatorSource,
        sent.get("unita-misura"),
    );
    let mut rule = Map::new();
    rule.insert(
        "conversion".into(),
        word(&mut p, "conversione", sent.get("conversione"), &CONVERSIONS),
    );
    let polarities = [Polarity::HigherIsBetter, Polarity::LowerIsBetter];
    rule.insert(
        "polarity".into(),
        word(&mut p, "polarita", sent.get("polarita"), &polarities),
    );
    for (key, id) in [
        ("prior_year", "baseline"),
        ("target", "target"),
        ("limit_min", "minimo"),
        ("limit_max", "massimo"),
        ("limit_excellent", "eccellenza"),
    ] {
        rule.insert(key.into(), decimal(&mut p, id, sent.get(id)));
    }
    rule.insert(
        "band".into(),
        word(&mut p, "fasce", sent.get("fasce"), &BANDS),
    );
    match sent.get("tabella").trim() {
        "" => {
            rule.insert("bands".into(), Value::Null);
        }
        OWN_TABLE => {}
        t => match PRESETS.iter().find(|(name, _)| *name == t) {
            Some((name, _)) => {
                rule.insert("bands".into(), Value::from(*name));
            }
            None => p.add("tabella", "Scegliere una voce dell'elenco."),
        },
    }
    rule.insert(
        "no_actual".into(),
        word(&mut p, "senza-valore", sent.get("senza-valore"), &NO_ACTUAL),
    );
    let mut entry = Map::new();
    entry.insert("weight".into(), decimal(&mut p, "peso", sent.get("peso")));
    entry.insert("unit".into(), unit.map_or(Value::Null, Value::String));
    entry.insert("rule".into(), Value::Object(rule));
    if p.is_empty() {
        Ok(Some(entry))
    } else {
        Err(p)
    }
}

#[allow(clippy::too_many_arguments)]
fn page(
    viewer: &Viewer,
    v: &PlanView,
    oi: usize,
    i: usize,
    typed: Option<&Sent>,
    problems: &Problems,
    notice: Option<Markup>,
    status: StatusCode,
) -> Response {
    let o = &v.plan.objectives[oi];
    let current = rule_sent(setting(v, o, i));
    let s = typed.unwrap_or(&current);
    let own_table = current.get("tabella") == OWN_TABLE;
    let mut tables = vec![(String::new(), "nessuna tabella".to_owned())];
    tables.extend(
        PRESETS
            .iter()
            .map(|(p, w)| ((*p).to_owned(), (*w).to_owned())),
    );
    if own_table {
        tables.push((
            OWN_TABLE.into(),
            "la tabella propria delle regole (invariata)".into(),
        ));
    }
    let title = format!(
        "Come si misura l'indicatore {} dell'obiettivo {}",
        i + 1,
        o.label
    );
    let weight = v.settings.indicators_weight;
    let body = html! {
        p class="occhiello" { a href=(paths::DraftCard::of(v.id(), o)) { "Obiettivo " (o.label) ": " (o.title) } }
        h1 { "Come si misura l'indicatore " (i + 1) }
        p class="testo" { (o.indicators[i]) }
        p {
            @if weight.is_zero() {
                "Nelle regole del piano gli indicatori non pesano ancora nel punteggio degli obiettivi: "
                "il loro peso si imposta nella pagina "
            } @else {
                "Nel punteggio di un obiettivo gli indicatori misurati pesano " (messages::number(weight))
                " e le fasi " (messages::number(v.settings.phases_weight)) " (pagina "
            }
            a href=(paths::scores(v.id())) { "Punteggi" }
            @if !weight.is_zero() { ")" }
            "."
        }
        @if let Some(n) = notice { (n) }
        @else if !problems.is_empty() { (super::fields::refused(problems)) }
        form class="modulo" method="post" action=(path(v, o, i)) {
            (hidden(viewer, v.summary.revision))
            p {
                input id="misurato" name="misurato" type="checkbox" value="si" checked[s.ticked("misurato")];
                " "
                label for="misurato" { "L'indicatore è misurato: entra nel punteggio dell'obiettivo" }
            }
            fieldset {
                legend { "Il valore" }
                (input(problems, "unita-misura", "Unità di misura (es. %, giorni, pratiche)", s.get("unita-misura"), TEXT))
                (input(problems, "baseline", "Valore dell'anno precedente (baseline)", s.get("baseline"), DECIMAL))
                (input(problems, "target", "Target", s.get("target"), DECIMAL))
                (select(problems, "polarita", "Polarità", s.get("polarita"),
                    &choices(&[Polarity::HigherIsBetter, Polarity::LowerIsBetter], name, polarity)))
                (input(problems, "peso", "Peso tra gli indicatori dell'obiettivo (vuoto: 1)", s.get("peso"), DECIMAL))
            }
            fieldset {
                legend { "Il punteggio" }
                (select(problems, "conversione", "Come il valore diventa punteggio", s.get("conversione"), &choices(&CONVERSIONS, name, messages::conversion)))
                (input(problems, "minimo", "Limite minimo (per i limiti)", s.get("minimo"), DECIMAL))
                (input(problems, "massimo", "Limite massimo (per i limiti)", s.get("massimo"), DECIMAL))
                (input(problems, "eccellenza", "Soglia di eccellenza", s.get("eccellenza"), DECIMAL))
                (select(problems, "fasce", "Fasce", s.get("fasce"), &choices(&BANDS, name, messages::band_rule)))
                (select(problems, "tabella", "Tabella delle fasce", s.get("tabella"), &tables))
                (select(problems, "senza-valore", "Se il valore non arriva", s.get("senza-valore"), &choices(&NO_ACTUAL, name, messages::no_actual)))
            }
            p { button type="submit" { "Salva come si misura" } }
        }
    };
    (
        status,
        render(Page::in_objective(
            viewer,
            v,
            o,
            &title,
            Some((format!("Indicatore {}", i + 1), path(v, o, i).to_string())),
            body,
        )),
    )
        .into_response()
}

pub async fn form_page(
    PlanPage {
        at,
        viewer,
        v,
        actor,
        ..
    }: PlanPage<paths::DraftIndicator>,
) -> Result<Response, AppError> {
    decide(actor.as_ref(), Action::ConfigureScoring, v.summary.state).map_err(AppError::refused)?;
    let (oi, i) = v.find_indicator(&at.unit, &at.label, at.n)?;
    Ok(page(
        &viewer,
        &v,
        oi,
        i,
        None,
        &Problems::default(),
        None,
        StatusCode::OK,
    ))
}

pub async fn save(p: paths::DraftIndicator, viewer: Viewer, s: Form) -> Result<Response, AppError> {
    let (v, actor) = s.cycle().view(&p.plan, Some(s.who()), true).await?;
    decide(actor.as_ref(), Action::ConfigureScoring, v.summary.state).map_err(AppError::refused)?;
    let (oi, i) = v.find_indicator(&p.unit, &p.label, p.n)?;
    let form = sent(&s);
    if form.version() != v.summary.revision {
        let notice = html! {
            div class="avviso" role="alert" {
                h2 { "Nel frattempo il piano è stato modificato" }
                p { "Nulla è stato salvato: il modulo riporta i tuoi valori; rivedili sul piano com'è ora e salva di nuovo." }
            }
        };
        return Ok(page(
            &viewer,
            &v,
            oi,
            i,
            Some(&form),
            &Problems::default(),
            Some(notice),
            StatusCode::CONFLICT,
        ));
    }
    let refused = |problems: &Problems| {
        page(
            &viewer,
            &v,
            oi,
            i,
            Some(&form),
            problems,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let entry = match entry_of(&form) {
        Ok(entry) => entry,
        Err(problems) => return Ok(refused(&problems)),
    };
    let saved = s
        .cycle()
        .set_indicator_rule(
            &p.plan,
            s.who(),
            (&p.unit, &p.label),
            p.n,
            entry,
            &s.stamp(),
        )
        .await;
    match saved {
        Ok(()) => Ok(see_other(
            paths::DraftCard {
                plan: p.plan.clone(),
                unit: p.unit.clone(),
                label: p.label.clone(),
            }
            .to_string()
                + "#misure-indicatori",
        )),
        // The rule cannot score (a target missing for its conversion, limits out of order):
        // said above the form, what was typed kept.
        Err(cycle::Refusal::Invalid(why)) => {
            let mut problems = Problems::default();
            problems.add("conversione", why);
            Ok(refused(&problems))
        }
        Err(e) => Err(e.into()),
    }
}
