//! The SMVP of the year: its rules shown to everyone of the administration, and the planning
//! office's form that records the version the Giunta adopted (weights per category, the scale,
//! the behaviours' catalogue with descriptors per level, the threshold, the procedure), refused
//! with its reason when it breaks a rule (evaluation.md §1.1).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde_json::{Value, json};

use domain::Role;
use domain::evaluation::CLUSTERS;
use domain::evaluation::staff::cluster_name;
use domain::evaluation::year::{Procedure, starting_smvp};
use domain::messages;

use super::{field, page, seen, seen_of, year_for};
use crate::error::AppError;
use crate::pages::forms::Signed;
use crate::pages::layout::Column::{Number, Text};
use crate::pages::layout::{render, table};
use crate::pages::{PageResult, PlanPage, see_other};
use crate::paths;

/// What the form shows: the rules, the procedure, the act and the opinion's day as typed.
struct Shown {
    smvp: Value,
    procedure: Procedure,
    act: String,
    opinion: String,
}

fn text(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string().replace('.', ","),
        Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// The catalogue as the form's lines: `id | name | categories | sì/no | level: descriptor; …`.
fn catalogue_lines(smvp: &Value) -> String {
    let mut out = Vec::new();
    for b in smvp["catalogue"].as_array().into_iter().flatten() {
        let clusters = match b["clusters"].as_array() {
            Some(c) => c
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            None => "tutte".into(),
        };
        let descriptors = b["descriptors"]
            .as_object()
            .map(|d| {
                d.iter()
                    .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        out.push(format!(
            "{} | {} | {} | {} | {}",
            b["id"].as_str().unwrap_or_default(),
            b["name"].as_str().unwrap_or_default(),
            clusters,
            if b["staff_evaluation"].as_bool() == Some(true) {
                "sì"
            } else {
                "no"
            },
            descriptors
        ));
    }
    out.join("\n")
}

fn levels_lines(smvp: &Value) -> String {
    smvp["scale"]["levels"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| {
            format!(
                "{}: {}",
                l["label"].as_str().unwrap_or_default(),
                text(&l["factor"])
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn number(t: &str) -> Value {
    let t = t.trim().replace(',', ".");
    if t.is_empty() {
        return Value::Null;
    }
    t.parse::<serde_json::Number>()
        .map(Value::Number)
        .unwrap_or(Value::String(t))
}

/// The rules a form typed.
fn from_form(form: &[(String, String)]) -> Result<(Value, Procedure), String> {
    let mut clusters = serde_json::Map::new();
    for c in CLUSTERS {
        let w = |k: &str| number(field(form, &format!("{k}_{c}")));
        if [w("o"), w("i"), w("b")].iter().all(Value::is_null) {
            continue;
        }
        let source = if field(form, &format!("fonte_{c}")) == "entity" {
            "entity"
        } else {
            "unit"
        };
        clusters.insert(
            c.to_owned(),
            json!({ "organisational": w("o"), "individual": w("i"), "behaviours": w("b"), "organisational_source": source }),
        );
    }
    let scale = if field(form, "scala") == "levels" {
        let mut levels = Vec::new();
        for line in field(form, "livelli")
            .lines()
            .filter(|l| !l.trim().is_empty())
        {
            let (label, factor) = line.rsplit_once(':').ok_or_else(|| {
                format!("Il livello «{}» si scrive «nome: fattore».", line.trim())
            })?;
            levels.push(json!({ "label": label.trim(), "factor": number(factor) }));
        }
        json!({ "kind": "levels", "min": null, "max": null, "levels": levels })
    } else {
        json!({ "kind": "numeric", "min": number(field(form, "min")), "max": number(field(form, "max")), "levels": null })
    };
    let mut catalogue = Vec::new();
    for line in field(form, "catalogo")
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let [id, name, rest @ ..] = parts.as_slice() else {
            return Err(format!(
                "Il comportamento «{}» si scrive «codice | nome | categorie | sì/no | descrittori».",
                line.trim()
            ));
        };
        let clusters = match rest.first().copied().unwrap_or("tutte") {
            "" | "tutte" => Value::Null,
            list => json!(
                list.split(',')
                    .map(|c| c.trim().replace(' ', "_").to_lowercase())
                    .collect::<Vec<_>>()
            ),
        };
        let staff = matches!(
            rest.get(1).copied().unwrap_or("no").to_lowercase().as_str(),
            "sì" | "si" | "s"
        );
        let mut descriptors = serde_json::Map::new();
        for d in rest
            .get(2)
            .copied()
            .unwrap_or("")
            .split(';')
            .filter(|d| !d.trim().is_empty())
        {
            let (level, words) = d.split_once(':').unwrap_or(("", d));
            descriptors.insert(level.trim().to_owned(), json!(words.trim()));
        }
        catalogue.push(json!({ "id": id, "name": name, "clusters": clusters, "staff_evaluation": staff, "descriptors": descriptors }));
    }
    let smvp = json!({
        "prevalence": if field(form, "prevalenza") == "absolute" { "absolute" } else { "relative" },
        "threshold": number(field(form, "soglia")),
        "achievement_cap": number(field(form, "tetto")),
        "clusters": clusters,
        "scale": scale,
        "catalogue": catalogue,
    });
    let days = |name: &str, what: &str| -> Result<u32, String> {
        field(form, name)
            .parse()
            .map_err(|_| format!("{what}: serve un numero di giorni."))
    };
    let assign_by = match field(form, "assegnazione") {
        "" => None,
        d => Some(
            domain::limits::parse_date(d).ok_or("La data di assegnazione si scrive gg/mm/aaaa.")?,
        ),
    };
    let procedure = Procedure {
        assign_by,
        appeal_days: days("conciliazione", "Giorni per chiedere la conciliazione")?,
        decision_days: days("decisione", "Giorni per decidere")?,
        body: field(form, "organo").to_owned(),
        top_band_cap: field(form, "tetto_fascia")
            .parse()
            .map_err(|_| "Il tetto della fascia più alta è un numero intero.".to_string())?,
    };
    Ok((smvp, procedure))
}

fn form(
    viewer: &crate::auth::Viewer,
    plan: &domain::PlanId,
    revision: i64,
    shown: &Shown,
) -> Markup {
    let smvp = &shown.smvp;
    let p = &shown.procedure;
    let numeric = smvp["scale"]["kind"].as_str() != Some("levels");
    html! {
        form class="modulo" method="post" action=(paths::EvaluationSystem { plan: plan.clone() }) {
            (seen(viewer, revision))
            fieldset {
                legend { "L'adozione" }
                p { label for="atto" { "Atto della Giunta che adotta il sistema" } br;
                    input id="atto" name="atto" type="text" required value=(shown.act) size="60"; }
                p { label for="parere" { "Data del parere vincolante del Nucleo" } br;
                    input id="parere" name="parere" type="date" required value=(shown.opinion); }
            }
            fieldset {
                legend { "I pesi per categoria (organizzativa, obiettivi individuali, comportamenti: sommano a 100)" }
                (table(html! { "Pesi delle componenti per categoria" },
                    &[Text("Categoria"), Number("Organizzativa"), Number("Obiettivi"), Number("Comportamenti"), Text("Punteggio organizzativo")], html! {
                    @for c in CLUSTERS {
                        @let row = &smvp["clusters"][c];
                        tr {
                            th scope="row" { (cluster_name(c)) }
                            @for (k, name) in [("o", "organisational"), ("i", "individual"), ("b", "behaviours")] {
                                td class="numero" { input name=(format!("{k}_{c}")) type="text" inputmode="decimal" size="4"
                                    aria-label=(format!("{} — {}", cluster_name(c), match k { "o" => "peso organizzativo", "i" => "peso obiettivi individuali", _ => "peso comportamenti" }))
                                    value=(text(&row[name])); }
                            }
                            td { select name=(format!("fonte_{c}")) aria-label=(format!("{} — da dove viene il punteggio organizzativo", cluster_name(c))) {
                                option value="unit" selected[row["organisational_source"].as_str() != Some("entity")] { "dell'unità" }
                                option value="entity" selected[row["organisational_source"].as_str() == Some("entity")] { "dell'ente" }
                            } }
                        }
                    }
                }))
                p { label for="prevalenza" { "Prevalenza della parte organizzativa per dirigenti ed EQ" } br;
                    select id="prevalenza" name="prevalenza" {
                        option value="relative" selected[smvp["prevalence"] != "absolute"] { "relativa (più di ciascuna delle altre)" }
                        option value="absolute" selected[smvp["prevalence"] == "absolute"] { "assoluta (più di 50)" }
                    } }
                p { label for="soglia" { "Soglia della valutazione negativa" } br;
                    input id="soglia" name="soglia" type="text" inputmode="decimal" size="6" value=(text(&smvp["threshold"])); }
                p { label for="tetto" { "Tetto del grado di raggiungimento (almeno 100)" } br;
                    input id="tetto" name="tetto" type="text" inputmode="decimal" size="6" value=(text(&smvp["achievement_cap"])); }
            }
            fieldset {
                legend { "La scala dei comportamenti" }
                p { input id="scala-numerica" name="scala" type="radio" value="numeric" checked[numeric];
                    " " label for="scala-numerica" { "Numerica" } " "
                    label for="min" { "da" } " " input id="min" name="min" type="text" inputmode="numeric" size="3" value=(text(&smvp["scale"]["min"]));
                    " " label for="max" { "a" } " " input id="max" name="max" type="text" inputmode="numeric" size="3" value=(text(&smvp["scale"]["max"])); }
                p { input id="scala-livelli" name="scala" type="radio" value="levels" checked[!numeric];
                    " " label for="scala-livelli" { "A livelli (uno per riga: «nome: fattore da 0 a 1»)" } br;
                    textarea id="livelli" name="livelli" rows="4" cols="40" aria-label="Livelli della scala" { (levels_lines(smvp)) } }
            }
            fieldset {
                legend { "Il catalogo dei comportamenti" }
                p class="nota" id="catalogo-aiuto" { "Uno per riga: codice | nome | categorie a cui si applica (separate da virgole, o «tutte») | "
                    "sì se è la capacità di valutare i collaboratori | i descrittori per livello («1: …; 2: …»)." }
                p { textarea id="catalogo" name="catalogo" rows="8" cols="100" aria-label="Catalogo dei comportamenti" aria-describedby="catalogo-aiuto" { (catalogue_lines(smvp)) } }
            }
            fieldset {
                legend { "La procedura" }
                p { label for="assegnazione" { "Schede assegnate entro (vuoto: fine febbraio)" } br;
                    input id="assegnazione" name="assegnazione" type="date" value=(p.assign_by.map(|d| d.to_string()).unwrap_or_default()); }
                p { label for="conciliazione" { "Giorni per chiedere la conciliazione dalla notifica" } br;
                    input id="conciliazione" name="conciliazione" type="number" min="1" max="90" value=(p.appeal_days); }
                p { label for="decisione" { "Giorni per decidere la conciliazione" } br;
                    input id="decisione" name="decisione" type="number" min="1" max="180" value=(p.decision_days); }
                p { label for="organo" { "Organo che decide le conciliazioni" } br;
                    input id="organo" name="organo" type="text" required value=(p.body) size="40"; }
                p { label for="tetto_fascia" { "Tetto della fascia più alta (per cento delle schede)" } br;
                    input id="tetto_fascia" name="tetto_fascia" type="number" min="1" max="100" value=(p.top_band_cap); }
            }
            p { button type="submit" { "Registra il sistema adottato" } }
        }
    }
}

pub(crate) fn rules_view(smvp: &Value) -> Markup {
    html! {
        (table(html! { "Pesi delle componenti per categoria" },
            &[Text("Categoria"), Number("Organizzativa"), Number("Obiettivi individuali"), Number("Comportamenti")], html! {
            @for c in CLUSTERS {
                @let row = &smvp["clusters"][c];
                @if row.is_object() {
                    tr { th scope="row" { (cluster_name(c)) }
                        td class="numero" { (text(&row["organisational"])) } td class="numero" { (text(&row["individual"])) } td class="numero" { (text(&row["behaviours"])) } }
                }
            }
        }))
        p { "Soglia della valutazione negativa: " (text(&smvp["threshold"])) "." }
        h2 { "I comportamenti" }
        ul {
            @for b in smvp["catalogue"].as_array().into_iter().flatten() {
                li { strong { (b["id"].as_str().unwrap_or_default()) } " " (b["name"].as_str().unwrap_or_default())
                    @if let Some(d) = b["descriptors"].as_object().filter(|d| !d.is_empty()) {
                        ul { @for (level, words) in d { li { (level) ": " (words.as_str().unwrap_or_default()) } } }
                    } }
            }
        }
    }
}

pub async fn page_of(pg: PlanPage<paths::EvaluationSystem>) -> PageResult {
    let e = year_for(&pg).await?;
    let shown = match &e.evaluation.year.smvp {
        Some(a) => Shown {
            smvp: a.smvp.clone(),
            procedure: a.procedure.clone(),
            act: a.act.clone(),
            opinion: a.opinion_on.to_string(),
        },
        None => Shown {
            smvp: starting_smvp(),
            procedure: Procedure::default(),
            act: String::new(),
            opinion: String::new(),
        },
    };
    Ok(render(body(&pg.viewer, &e, &shown, None)))
}

fn body<'a>(
    viewer: &'a crate::auth::Viewer,
    e: &'a cycle::evaluation::Evaluated,
    shown: &Shown,
    error: Option<&str>,
) -> crate::pages::layout::Page<'a> {
    let id = e.view.id();
    let writable = e.has(Role::Admin) && e.evaluation.year.opened_on.is_none();
    let markup = html! {
        h1 { "Il sistema di misurazione e valutazione" }
        @if let Some(a) = &e.evaluation.year.smvp {
            p { "Versione " (a.version) " adottata con «" (a.act) "», parere del Nucleo del " (messages::date(a.opinion_on))
                ", registrata il " (messages::date(a.adopted_on)) "." }
            (rules_view(&a.smvp))
        } @else {
            p { "Non ancora adottato per quest'anno." }
        }
        @if writable {
            h2 { "Registra la versione adottata" }
            p { "Il modulo parte dal sistema in vigore (o, la prima volta, da un esempio da adattare). "
                "Un sistema che viola una regola (pesi che non sommano a 100, parte organizzativa non prevalente per "
                "dirigenti ed EQ, scala senza livelli…) non si registra." }
            @if let Some(error) = error { p class="errore" role="alert" { (error) } }
            (form(viewer, id, e.evaluation.revision, shown))
        } @else if e.has(Role::Admin) {
            p { "L'anno è aperto: il sistema non si cambia più per quest'anno." }
        }
    };
    page(
        viewer,
        e,
        "Sistema di misurazione",
        Some(paths::EvaluationSystem { plan: id.clone() }.to_string()),
        markup,
    )
}

pub async fn save(
    pg: PlanPage<paths::EvaluationSystem>,
    s: Signed<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let plan = pg.v.id().clone();
    if !s.who().roles.contains(&Role::Admin) {
        return Err(cycle::Refusal::Denied(domain::Refusal::Role(&[Role::Admin])).into());
    }
    let (why, kept) = match from_form(&s.form) {
        Err(why) => (why, None),
        Ok((smvp, procedure)) => match domain::limits::parse_date(field(&s.form, "parere")) {
            None => (
                "La data del parere si scrive gg/mm/aaaa.".to_string(),
                Some((smvp, procedure)),
            ),
            Some(day) => {
                let adopted = s
                    .cycle()
                    .adopt_smvp(
                        &plan,
                        s.who(),
                        smvp.clone(),
                        procedure.clone(),
                        field(&s.form, "atto"),
                        day,
                        seen_of(&s.form),
                        &s.stamp(),
                    )
                    .await;
                match adopted {
                    Ok(()) => return Ok(see_other(paths::evaluation(&plan))),
                    Err(cycle::Refusal::Invalid(why) | cycle::Refusal::OutOfTurn(why)) => {
                        (why, Some((smvp, procedure)))
                    }
                    Err(other) => return Err(other.into()),
                }
            }
        },
    };
    let e = year_for(&pg).await?;
    let (smvp, procedure) = kept.unwrap_or_else(|| (starting_smvp(), Procedure::default()));
    let shown = Shown {
        smvp,
        procedure,
        act: field(&s.form, "atto").to_owned(),
        opinion: field(&s.form, "parere").to_owned(),
    };
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        render(body(&pg.viewer, &e, &shown, Some(&why))),
    )
        .into_response())
}
