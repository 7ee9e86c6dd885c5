//! Open data (issue 16, point 4): the public plans as tables — plans, units, objectives,
//! phases, indicators and, once results are published, what was achieved and the scores —
//! each written as CSV (UTF-8, comma) and as JSON records, described together by a
//! Frictionless Data Package (one Table Schema per file: fields, types, primary and foreign
//! keys) and by DCAT-AP_IT metadata (JSON-LD) that a national catalogue can harvest. The
//! caller decides what is public (a plan once approved; its results once published): here
//! only what it hands over is written, and never anything personal.

use chrono::NaiveDate;
use domain::facts::{Actual, PhaseRecord};
use domain::scoring::engine::PlanScores;
use domain::{Plan, PlanState};
use serde_json::{Map, Value, json};

/// The licences an administration may choose for its open data: id (SPDX where there is
/// one), name, address. The first is the default.
pub const LICENCES: [(&str, &str, &str); 3] = [
    (
        "CC-BY-4.0",
        "Creative Commons Attribuzione 4.0 (CC BY 4.0)",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    (
        "CC0-1.0",
        "Creative Commons Zero 1.0 (pubblico dominio)",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    (
        "IODL-2.0",
        "Italian Open Data License 2.0",
        "https://www.dati.gov.it/iodl/2.0/",
    ),
];

/// The licence of id `id` (one of `LICENCES`), or the default.
pub fn licence(id: Option<&str>) -> (&'static str, &'static str, &'static str) {
    LICENCES
        .iter()
        .copied()
        .find(|(l, _, _)| Some(*l) == id)
        .unwrap_or(LICENCES[0])
}

/// A public plan and, when its results are public, what it achieved.
#[derive(Debug, Clone, Copy)]
pub struct Public<'a> {
    pub plan: &'a Plan,
    pub state: PlanState,
    pub results: Option<Results<'a>>,
    /// The year's premia, aggregated (Amministrazione Trasparente 06.04).
    pub premia: &'a [Premium],
    /// The licence its administration chose (an id of `LICENCES`).
    pub licence: &'static str,
}

/// A line of the year's premia, aggregated: a budget (what was set aside and what was paid)
/// or a category (how many had a premium and how much was paid; both hidden under three).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Premium {
    /// `fondo` or `categoria`.
    pub line: &'static str,
    /// The budget's or the category's name.
    pub name: String,
    /// None: fewer than three (or not counted, for a budget).
    pub people: Option<usize>,
    pub budgeted_cents: Option<i64>,
    pub paid_cents: Option<i64>,
}

/// A published plan's results: each phase's record, each indicator's actual, the scores.
#[derive(Debug, Clone, Copy)]
pub struct Results<'a> {
    pub records: &'a [Vec<PhaseRecord>],
    pub actuals: &'a [Vec<Option<Actual>>],
    pub scores: &'a PlanScores,
}

/// A field's type, as Table Schema names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Date,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::Date => "date",
        }
    }
}

/// A column: its name, type, whether it is required, and what it holds.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub description: &'static str,
}

const fn field(name: &'static str, kind: Kind, required: bool, description: &'static str) -> Field {
    Field {
        name,
        kind,
        required,
        description,
    }
}

/// A table of the open data: its file name (without extension), title, columns, key and
/// references to other tables, and rows (empty cells are missing values).
#[derive(Debug, Clone)]
pub struct Table {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub fields: &'static [Field],
    pub key: &'static [&'static str],
    /// (columns here, table, columns there).
    pub references: &'static [(
        &'static [&'static str],
        &'static str,
        &'static [&'static str],
    )],
    pub rows: Vec<Vec<String>>,
}

const PLANS: &[Field] = &[
    field(
        "piano",
        Kind::String,
        true,
        "Codice del piano: amministrazione e anno",
    ),
    field("ente", Kind::String, true, "Amministrazione"),
    field(
        "codice_ipa",
        Kind::String,
        false,
        "Codice IPA dell'amministrazione",
    ),
    field("anno", Kind::Integer, true, "Anno del piano"),
    field("titolo", Kind::String, true, "Titolo del piano"),
    field(
        "triennio_da",
        Kind::Integer,
        true,
        "Primo anno del triennio",
    ),
    field(
        "triennio_a",
        Kind::Integer,
        true,
        "Ultimo anno del triennio",
    ),
    field(
        "stato",
        Kind::String,
        true,
        "Stato del piano nel ciclo della performance",
    ),
    field(
        "punteggio_ente",
        Kind::Number,
        false,
        "Punteggio dell'amministrazione (0-100), a risultati pubblicati",
    ),
    field(
        "licenza",
        Kind::String,
        true,
        "Licenza dei dati dell'amministrazione (identificativo SPDX)",
    ),
];

const UNITS: &[Field] = &[
    field("piano", Kind::String, true, "Codice del piano"),
    field(
        "unita",
        Kind::String,
        true,
        "Codice dell'unità organizzativa nel piano",
    ),
    field("nome", Kind::String, true, "Nome dell'unità"),
    field("tipo", Kind::String, true, "Tipo di unità"),
    field(
        "unita_superiore",
        Kind::String,
        false,
        "Codice dell'unità di cui fa parte",
    ),
    field(
        "responsabili",
        Kind::String,
        false,
        "Chi la dirige, come il piano lo scrive",
    ),
    field(
        "punteggio",
        Kind::Number,
        false,
        "Punteggio dell'unità (0-100), a risultati pubblicati",
    ),
];

const OBJECTIVES: &[Field] = &[
    field("piano", Kind::String, true, "Codice del piano"),
    field(
        "obiettivo",
        Kind::String,
        true,
        "Codice dell'obiettivo: unità/etichetta",
    ),
    field(
        "unita",
        Kind::String,
        true,
        "Codice dell'unità che ne risponde",
    ),
    field(
        "etichetta",
        Kind::String,
        true,
        "Etichetta dell'obiettivo nella sua unità",
    ),
    field("titolo", Kind::String, true, "Titolo dell'obiettivo"),
    field("risultato_atteso", Kind::String, false, "Risultato atteso"),
    field(
        "scadenza",
        Kind::String,
        false,
        "Scadenza finale, come il piano la scrive",
    ),
    field(
        "punteggio",
        Kind::Number,
        false,
        "Punteggio dell'obiettivo (0-100), a risultati pubblicati",
    ),
];

const PHASES: &[Field] = &[
    field("piano", Kind::String, true, "Codice del piano"),
    field("obiettivo", Kind::String, true, "Codice dell'obiettivo"),
    field(
        "fase",
        Kind::Integer,
        true,
        "Posizione della fase nell'obiettivo, da 1",
    ),
    field("etichetta", Kind::String, true, "Etichetta della fase"),
    field("descrizione", Kind::String, true, "Descrizione della fase"),
    field(
        "incidenza",
        Kind::Number,
        false,
        "Incidenza della fase sull'obiettivo, in percentuale",
    ),
    field(
        "scadenza",
        Kind::String,
        false,
        "Scadenza, come il piano la scrive",
    ),
    field(
        "scadenza_data",
        Kind::Date,
        false,
        "Scadenza come data, quando il piano la fissa",
    ),
    field(
        "conclusa_il",
        Kind::Date,
        false,
        "Data di conclusione, a risultati pubblicati",
    ),
];

const INDICATORS: &[Field] = &[
    field("piano", Kind::String, true, "Codice del piano"),
    field("obiettivo", Kind::String, true, "Codice dell'obiettivo"),
    field(
        "indicatore",
        Kind::Integer,
        true,
        "Posizione dell'indicatore nell'obiettivo, da 1",
    ),
    field(
        "descrizione",
        Kind::String,
        true,
        "L'indicatore come il piano lo scrive",
    ),
    field(
        "valore",
        Kind::Number,
        false,
        "Valore misurato, a risultati pubblicati",
    ),
    field("misurato_il", Kind::Date, false, "Data della misura"),
    field("fonte", Kind::String, false, "Fonte del valore"),
];

const PREMIA: &[Field] = &[
    field("piano", Kind::String, true, "Codice del piano"),
    field(
        "voce",
        Kind::String,
        true,
        "fondo (un fondo del salario accessorio) o categoria (di personale)",
    ),
    field("nome", Kind::String, true, "Il fondo o la categoria"),
    field(
        "persone",
        Kind::Integer,
        false,
        "Persone premiate della categoria (vuoto sotto le 3 persone)",
    ),
    field(
        "stanziato",
        Kind::Number,
        false,
        "Importo stanziato del fondo, in euro",
    ),
    field(
        "distribuito",
        Kind::Number,
        false,
        "Importo distribuito, in euro (vuoto prima della ripartizione o sotto le 3 persone)",
    ),
];

/// Cents as euros with a dot: `1234.56`.
fn euros(cents: i64) -> String {
    number(rust_decimal::Decimal::new(cents, 2))
}

/// Text of a decimal with a dot, as CSV readers expect.
fn number(d: rust_decimal::Decimal) -> String {
    d.normalize().to_string()
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The tables of `plans`, in the order the package lists them.
pub fn tables(plans: &[Public<'_>]) -> Vec<Table> {
    let mut p = Vec::new();
    let mut u = Vec::new();
    let mut o = Vec::new();
    let mut f = Vec::new();
    let mut i = Vec::new();
    let mut premia = Vec::new();
    for public in plans {
        let plan = public.plan;
        let id = plan.id().map(|id| id.to_string()).unwrap_or_default();
        let scores = public.results.map(|r| r.scores);
        for line in public.premia {
            premia.push(vec![
                id.clone(),
                line.line.to_owned(),
                line.name.clone(),
                line.people.map(|n| n.to_string()).unwrap_or_default(),
                line.budgeted_cents.map(euros).unwrap_or_default(),
                line.paid_cents.map(euros).unwrap_or_default(),
            ]);
        }
        p.push(vec![
            id.clone(),
            plan.entity.name.clone(),
            plan.entity.code.clone().unwrap_or_default(),
            plan.year.to_string(),
            plan.title.clone(),
            plan.period.from.to_string(),
            plan.period.to.to_string(),
            public.state.as_str().to_owned(),
            scores
                .and_then(|s| s.administration)
                .map(number)
                .unwrap_or_default(),
            public.licence.to_owned(),
        ]);
        for (ui, unit) in plan.units.iter().enumerate() {
            let heads: Vec<&str> = unit.heads.iter().map(|h| h.name.as_str()).collect();
            u.push(vec![
                id.clone(),
                unit.id.to_string(),
                unit.name.clone(),
                unit.kind.as_str().to_owned(),
                unit.parent
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                heads.join("; "),
                scores
                    .and_then(|s| s.units.get(ui))
                    .and_then(|s| s.score)
                    .map(number)
                    .unwrap_or_default(),
            ]);
        }
        for (oi, objective) in plan.objectives.iter().enumerate() {
            let key = objective.id.to_string();
            o.push(vec![
                id.clone(),
                key.clone(),
                objective.unit.to_string(),
                objective.label.to_string(),
                objective.title.clone(),
                objective.expected_result.clone().unwrap_or_default(),
                objective.final_deadline_text.clone(),
                scores
                    .and_then(|s| s.objectives.get(oi))
                    .and_then(|s| s.score)
                    .map(number)
                    .unwrap_or_default(),
            ]);
            let planned = domain::schedule::planned(objective, plan.year);
            for (pi, phase) in objective.phases.iter().enumerate() {
                let record = public
                    .results
                    .and_then(|r| r.records.get(oi))
                    .and_then(|r| r.get(pi));
                f.push(vec![
                    id.clone(),
                    key.clone(),
                    (pi + 1).to_string(),
                    phase.label.to_string(),
                    phase.description.clone(),
                    phase.weight_pct.map(|w| w.to_string()).unwrap_or_default(),
                    phase.deadline_text.clone(),
                    date(planned.get(pi).filter(|p| !p.derived).and_then(|p| p.due)),
                    date(record.and_then(|r| r.completed_on)),
                ]);
            }
            for (k, indicator) in objective.indicators.iter().enumerate() {
                let actual = public
                    .results
                    .and_then(|r| r.actuals.get(oi))
                    .and_then(|a| a.get(k))
                    .and_then(Option::as_ref);
                i.push(vec![
                    id.clone(),
                    key.clone(),
                    (k + 1).to_string(),
                    indicator.clone(),
                    actual.map(|a| number(a.value)).unwrap_or_default(),
                    date(actual.map(|a| a.measured_on)),
                    actual.map(|a| a.source.clone()).unwrap_or_default(),
                ]);
            }
        }
    }
    vec![
        Table {
            name: "piani",
            title: "Piani della performance",
            description: "I piani pubblici, uno per amministrazione e anno, con il punteggio dell'ente a risultati pubblicati.",
            fields: PLANS,
            key: &["piano"],
            references: &[],
            rows: p,
        },
        Table {
            name: "unita",
            title: "Unità organizzative",
            description: "Le unità di ogni piano, con chi le dirige e il loro punteggio a risultati pubblicati.",
            fields: UNITS,
            key: &["piano", "unita"],
            references: &[(&["piano"], "piani", &["piano"])],
            rows: u,
        },
        Table {
            name: "obiettivi",
            title: "Obiettivi",
            description: "Gli obiettivi di ogni piano, con la loro unità e il punteggio a risultati pubblicati.",
            fields: OBJECTIVES,
            key: &["piano", "obiettivo"],
            references: &[(&["piano", "unita"], "unita", &["piano", "unita"])],
            rows: o,
        },
        Table {
            name: "fasi",
            title: "Fasi degli obiettivi",
            description: "Le fasi di ogni obiettivo con incidenza e scadenza; la data di conclusione a risultati pubblicati.",
            fields: PHASES,
            key: &["piano", "obiettivo", "fase"],
            references: &[(
                &["piano", "obiettivo"],
                "obiettivi",
                &["piano", "obiettivo"],
            )],
            rows: f,
        },
        Table {
            name: "indicatori",
            title: "Indicatori",
            description: "Gli indicatori di ogni obiettivo; il valore misurato a risultati pubblicati.",
            fields: INDICATORS,
            key: &["piano", "obiettivo", "indicatore"],
            references: &[(
                &["piano", "obiettivo"],
                "obiettivi",
                &["piano", "obiettivo"],
            )],
            rows: i,
        },
        Table {
            name: "premi",
            title: "Premi di risultato, aggregati",
            description: "Per ogni piano, i fondi per la premialità (stanziato e distribuito) e i premi distribuiti per categoria di personale; mai una persona, nessun gruppo di meno di 3.",
            fields: PREMIA,
            key: &["piano", "voce", "nome"],
            references: &[(&["piano"], "piani", &["piano"])],
            rows: premia,
        },
    ]
}

/// The table as CSV: a header of the field names, then the rows (UTF-8, comma, quoted where
/// needed).
pub fn csv(table: &Table) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(table.fields.iter().map(|f| f.name));
    for row in &table.rows {
        let _ = w.write_record(row);
    }
    w.into_inner().unwrap_or_default()
}

/// The table as JSON: one object per row, numbers as numbers, empty cells as null.
pub fn json(table: &Table) -> Value {
    let rows: Vec<Value> = table
        .rows
        .iter()
        .map(|row| {
            let mut o = Map::new();
            for (f, cell) in table.fields.iter().zip(row) {
                let v = if cell.is_empty() {
                    Value::Null
                } else {
                    match f.kind {
                        Kind::Integer => cell
                            .parse::<i64>()
                            .map_or(Value::String(cell.clone()), Value::from),
                        Kind::Number => cell
                            .parse::<serde_json::Number>()
                            .map_or(Value::String(cell.clone()), Value::Number),
                        Kind::String | Kind::Date => Value::String(cell.clone()),
                    }
                };
                o.insert(f.name.to_owned(), v);
            }
            Value::Object(o)
        })
        .collect();
    Value::Array(rows)
}

/// Where the package is published.
#[derive(Debug, Clone, Copy)]
pub struct Publisher<'a> {
    /// The address the files are served under (`https://…/dati`).
    pub base: &'a str,
    /// The installation's name, the catalogue's publisher.
    pub name: &'a str,
    pub modified: NaiveDate,
}

/// The licences the plans in `tables` are under (each administration's choice, in the
/// `piani` table), each once; the default when there is no plan.
pub fn licences_of(tables: &[Table]) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut out: Vec<(&'static str, &'static str, &'static str)> = Vec::new();
    if let Some(plans) = tables.iter().find(|t| t.name == "piani") {
        let column = plans.fields.iter().position(|f| f.name == "licenza");
        for row in &plans.rows {
            let l = licence(column.and_then(|c| row.get(c)).map(String::as_str));
            if !out.contains(&l) {
                out.push(l);
            }
        }
    }
    if out.is_empty() {
        out.push(LICENCES[0]);
    }
    out
}

/// The Frictionless Data Package that describes `tables` (each a CSV resource with its Table
/// Schema).
pub fn datapackage(tables: &[Table], publisher: &Publisher<'_>) -> Value {
    let resources: Vec<Value> = tables
        .iter()
        .map(|t| {
            let fields: Vec<Value> = t
                .fields
                .iter()
                .map(|f| {
                    let mut v = json!({ "name": f.name, "type": f.kind.name(), "description": f.description });
                    if f.required {
                        v["constraints"] = json!({ "required": true });
                    }
                    v
                })
                .collect();
            let keys: Vec<Value> = t
                .references
                .iter()
                .map(|(here, table, there)| json!({ "fields": here, "reference": { "resource": table, "fields": there } }))
                .collect();
            let mut schema = json!({ "fields": fields, "primaryKey": t.key, "missingValues": [""] });
            if !keys.is_empty() {
                schema["foreignKeys"] = Value::Array(keys);
            }
            json!({
                "name": t.name,
                "path": format!("{}.csv", t.name),
                "title": t.title,
                "description": t.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": schema,
            })
        })
        .collect();
    json!({
        "profile": "tabular-data-package",
        "name": "pegaso-performance",
        "title": "Ciclo della performance: piani, obiettivi, fasi, indicatori e risultati",
        "description": "I dati pubblici dei piani della performance (D.Lgs. 150/2009) gestiti con Pegaso.",
        "homepage": publisher.base,
        "licenses": licences_of(tables)
            .iter()
            .map(|(id, name, url)| json!({ "name": id, "path": url, "title": name }))
            .collect::<Vec<_>>(),
        "created": format!("{}T00:00:00Z", publisher.modified),
        "resources": resources,
    })
}

/// DCAT-AP_IT metadata (JSON-LD): the catalogue, one dataset per table, each with its CSV and
/// JSON distributions.
pub fn dcat(tables: &[Table], publisher: &Publisher<'_>) -> Value {
    let licences: Vec<Value> = licences_of(tables)
        .iter()
        .map(|(_, _, url)| json!({ "@id": url }))
        .collect();
    let licence_ids = if licences.len() == 1 {
        licences[0].clone()
    } else {
        Value::Array(licences)
    };
    let agent = json!({ "@type": ["foaf:Agent", "dcatapit:Agent"], "foaf:name": publisher.name });
    let datasets: Vec<Value> = tables
        .iter()
        .map(|t| {
            let file = |ext: &str, format: &str, media: &str| {
                json!({
                    "@id": format!("{}/{}.{ext}", publisher.base, t.name),
                    "@type": "dcatapit:Distribution",
                    "dct:format": { "@id": format!("http://publications.europa.eu/resource/authority/file-type/{format}") },
                    "dcat:mediaType": media,
                    "dcat:accessURL": { "@id": format!("{}/{}.{ext}", publisher.base, t.name) },
                    "dct:license": licence_ids.clone(),
                })
            };
            json!({
                "@id": format!("{}#{}", publisher.base, t.name),
                "@type": ["dcat:Dataset", "dcatapit:Dataset"],
                "dct:identifier": format!("pegaso-{}", t.name),
                "dct:title": { "@language": "it", "@value": t.title },
                "dct:description": { "@language": "it", "@value": t.description },
                "dcat:theme": { "@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE" },
                "dct:accrualPeriodicity": { "@id": "http://publications.europa.eu/resource/authority/frequency/IRREG" },
                "dct:modified": { "@type": "xsd:date", "@value": publisher.modified.to_string() },
                "dct:publisher": agent,
                "dct:rightsHolder": agent,
                "dcat:distribution": [file("csv", "CSV", "text/csv"), file("json", "JSON", "application/json")],
            })
        })
        .collect();
    json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "dcatapit": "http://dati.gov.it/onto/dcatapit#",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": format!("{}/catalogo-dcat.json", publisher.base),
        "@type": ["dcat:Catalog", "dcatapit:Catalog"],
        "dct:title": { "@language": "it", "@value": "Dati aperti della performance" },
        "dct:description": { "@language": "it", "@value": "Piani, obiettivi, fasi, indicatori e risultati pubblici." },
        "dct:publisher": agent,
        "dct:modified": { "@type": "xsd:date", "@value": publisher.modified.to_string() },
        "foaf:homepage": { "@id": publisher.base },
        "dcat:dataset": datasets,
    })
}
