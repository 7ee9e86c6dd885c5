//! The individual evaluation (scheda di valutazione, D.Lgs. 150/2009 art. 9), as
//! evaluation.md §1 defines it: the SMVP's clusters and their component weights, checked as a
//! whole; the organisational component from the plan's scores, individual objectives and
//! behaviours rated on the catalogue's scale; the final score rounded half up to 2 decimals
//! and the threshold of a negative evaluation. Exact decimals throughout. Leave and absences
//! never change a score (they count only at payment, in `rewards`).
//!
//! `case` reads one case of `pegaso evaluate schede` (evaluation.md §3) and gives its result.

use std::collections::{BTreeMap, HashSet};

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::numbers::{decimal, json as number, round2};

pub mod categories;
pub mod differentiation;
pub mod sheet;
pub mod staff;
pub mod year;

/// The clusters a person may belong to (evaluation.md §1.1).
pub const CLUSTERS: [&str; 7] = [
    "dirigente",
    "eq",
    "funzionario",
    "istruttore",
    "operatore_esperto",
    "operatore",
    "segretario",
];

/// How prevalent the organisational weight must be for dirigenti and EQ (art. 9 c.1 a).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prevalence {
    /// `o` above `i` and above `b`.
    Relative,
    /// `o` above 50.
    Absolute,
}

/// Where the organisational component comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Unit,
    Entity,
}

/// A cluster's row of the SMVP: the three weights, summing to 100.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub organisational: Decimal,
    pub individual: Decimal,
    pub behaviours: Decimal,
    pub source: Source,
}

/// The rating scale of behaviours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scale {
    /// Integers from `min` to `max`.
    Numeric { min: i64, max: i64 },
    /// Labels, each with a factor in [0, 1].
    Levels(Vec<(String, Decimal)>),
}

/// A behaviour of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behaviour {
    pub id: String,
    /// The clusters it applies to; `None`: all.
    pub clusters: Option<Vec<String>>,
    /// Whether it is the "capacità di valutazione dei collaboratori" (art. 9 c.1 d).
    pub staff_evaluation: bool,
}

/// The measurement system's rules for schede.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Smvp {
    pub prevalence: Prevalence,
    pub threshold: Decimal,
    pub achievement_cap: Decimal,
    pub clusters: BTreeMap<String, Row>,
    pub scale: Scale,
    pub catalogue: Vec<Behaviour>,
}

/// A rating as given: an integer for a numeric scale, a label for levels.
#[derive(Debug, Clone, PartialEq)]
pub enum Rating {
    Number(Decimal),
    Label(String),
}

/// A scheda to score.
#[derive(Debug, Clone, PartialEq)]
pub struct Scheda {
    pub cluster: String,
    pub unit_score: Option<Decimal>,
    pub entity_score: Option<Decimal>,
    /// Individual objectives: id, weight, achievement.
    pub objectives: Vec<(String, Decimal, Option<Decimal>)>,
    /// Rated behaviours: id, weight, rating.
    pub behaviours: Vec<(String, Decimal, Rating)>,
}

/// One component as the scheda shows it: its weight, its score and its points (both rounded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Component {
    pub weight: Decimal,
    pub score: Decimal,
    pub points: Decimal,
}

/// A scored scheda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    pub score: Decimal,
    pub negative: bool,
    /// Organisational, individual, behaviours; `None` for a component of weight 0.
    pub components: [Option<Component>; 3],
}

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

impl Smvp {
    /// The SMVP checked as a whole (evaluation.md §1.1–1.2): every row's weights ≥ 0 summing
    /// to exactly 100, the organisational weight prevalent for dirigenti and EQ, a cap not
    /// below 100, a scale that can rate.
    pub fn check(&self) -> Result<(), String> {
        for (cluster, row) in &self.clusters {
            if !CLUSTERS.contains(&cluster.as_str()) {
                return Err(format!("SMVP: la categoria {cluster:?} non esiste"));
            }
            let weights = [row.organisational, row.individual, row.behaviours];
            if weights.iter().any(|w| w.is_sign_negative() && !w.is_zero()) {
                return Err(format!("SMVP: la categoria {cluster} ha un peso negativo"));
            }
            if weights.iter().sum::<Decimal>() != HUNDRED {
                return Err(format!(
                    "SMVP: i pesi della categoria {cluster} non sommano a 100"
                ));
            }
            if matches!(cluster.as_str(), "dirigente" | "eq") {
                let prevalent = match self.prevalence {
                    Prevalence::Relative => {
                        row.organisational > row.individual && row.organisational > row.behaviours
                    }
                    Prevalence::Absolute => row.organisational > Decimal::from(50),
                };
                if !prevalent {
                    return Err(format!(
                        "SMVP: per la categoria {cluster} il peso organizzativo non è prevalente (art. 9 c.1 a)"
                    ));
                }
            }
        }
        if self.achievement_cap < HUNDRED {
            return Err("SMVP: il tetto del raggiungimento non può essere sotto 100".into());
        }
        match &self.scale {
            Scale::Numeric { min, max } if min >= max => {
                Err("SMVP: il minimo della scala deve stare sotto il massimo".into())
            }
            Scale::Levels(levels) if levels.is_empty() => {
                Err("SMVP: la scala non ha livelli".into())
            }
            Scale::Levels(levels) => {
                let mut seen = HashSet::new();
                for (label, factor) in levels {
                    if !seen.insert(label.as_str()) {
                        return Err(format!("SMVP: il livello {label:?} compare due volte"));
                    }
                    if *factor < Decimal::ZERO || *factor > Decimal::ONE {
                        return Err(format!(
                            "SMVP: il fattore del livello {label:?} non sta tra 0 e 1"
                        ));
                    }
                }
                Ok(())
            }
            Scale::Numeric { .. } => Ok(()),
        }
    }

    /// A rating's value from 0 to 100 on the scale, or why it is not on it.
    fn value(&self, rating: &Rating) -> Result<Decimal, String> {
        match (&self.scale, rating) {
            (Scale::Numeric { min, max }, Rating::Number(r)) => {
                if !r.fract().is_zero() || *r < Decimal::from(*min) || *r > Decimal::from(*max) {
                    return Err(format!("rating {r} is not on the scale {min}..{max}"));
                }
                Ok((*r - Decimal::from(*min)) * HUNDRED / Decimal::from(max - min))
            }
            (Scale::Levels(levels), Rating::Label(label)) => levels
                .iter()
                .find(|(l, _)| l == label)
                .map(|(_, f)| *f * HUNDRED)
                .ok_or_else(|| format!("rating {label:?} is not a level of the scale")),
            (Scale::Numeric { .. }, Rating::Label(l)) => {
                Err(format!("rating {l:?} is not a number of the scale"))
            }
            (Scale::Levels(_), Rating::Number(r)) => {
                Err(format!("rating {r} is not a level of the scale"))
            }
        }
    }
}

fn clamp(v: Decimal, cap: Decimal) -> Decimal {
    v.max(Decimal::ZERO).min(cap)
}

fn component(weight: Decimal, score: Decimal) -> Component {
    Component {
        weight,
        score: round2(score),
        points: round2(weight * score / HUNDRED),
    }
}

/// Scores `scheda` under `smvp` (evaluation.md §1.2–1.3), or says why it cannot be scored.
pub fn score(smvp: &Smvp, scheda: &Scheda) -> Result<Scored, String> {
    smvp.check()?;
    let cluster = scheda.cluster.as_str();
    let row = smvp
        .clusters
        .get(cluster)
        .ok_or_else(|| format!("the SMVP has no row for cluster {cluster:?}"))?;
    let cap = smvp.achievement_cap;

    // Organisational.
    let organisational = if row.organisational.is_zero() {
        None
    } else {
        let (found, what) = match row.source {
            Source::Unit => (scheda.unit_score, "unit_score"),
            Source::Entity => (scheda.entity_score, "entity_score"),
        };
        let o = found.ok_or_else(|| format!("the organisational score ({what}) is missing"))?;
        Some(clamp(o, cap))
    };

    // Individual objectives.
    let individual = if row.individual.is_zero() {
        if !scheda.objectives.is_empty() {
            return Err("individual objectives are entered for a component of weight 0".into());
        }
        None
    } else {
        let mut ids = HashSet::new();
        let mut sum = Decimal::ZERO;
        let mut points = Decimal::ZERO;
        for (id, weight, achievement) in &scheda.objectives {
            if !ids.insert(id.as_str()) {
                return Err(format!("objective {id:?} is listed twice"));
            }
            if *weight < Decimal::ZERO {
                return Err(format!("objective {id:?} has a negative weight"));
            }
            let a = achievement.ok_or_else(|| format!("objective {id:?} has no achievement"))?;
            sum += weight;
            points += weight * clamp(a, cap);
        }
        if sum != HUNDRED {
            return Err(format!("the objectives' weights sum to {sum}, not 100"));
        }
        Some(points / HUNDRED)
    };

    // Behaviours.
    let mut rated = HashSet::new();
    let mut sum = Decimal::ZERO;
    let mut points = Decimal::ZERO;
    let mut staff_evaluation = false;
    for (id, weight, rating) in &scheda.behaviours {
        let b = smvp
            .catalogue
            .iter()
            .find(|b| &b.id == id)
            .ok_or_else(|| format!("behaviour {id:?} is not in the catalogue"))?;
        if b.clusters
            .as_ref()
            .is_some_and(|c| !c.iter().any(|c| c == cluster))
        {
            return Err(format!("behaviour {id:?} is not for cluster {cluster}"));
        }
        if !rated.insert(id.as_str()) {
            return Err(format!("behaviour {id:?} is rated twice"));
        }
        if *weight < Decimal::ZERO {
            return Err(format!("behaviour {id:?} has a negative weight"));
        }
        let value = smvp.value(rating)?;
        sum += weight;
        points += weight * value;
        staff_evaluation |= b.staff_evaluation && *weight > Decimal::ZERO;
    }
    if matches!(cluster, "dirigente" | "eq") && !staff_evaluation {
        return Err(format!(
            "a {cluster} scheda needs a staff_evaluation behaviour of positive weight"
        ));
    }
    let behaviours = if row.behaviours.is_zero() {
        if !scheda.behaviours.is_empty() {
            return Err("behaviours are rated for a component of weight 0".into());
        }
        None
    } else {
        if sum != HUNDRED {
            return Err(format!("the behaviours' weights sum to {sum}, not 100"));
        }
        Some(points / HUNDRED)
    };

    let weights = [row.organisational, row.individual, row.behaviours];
    let scores = [organisational, individual, behaviours];
    let total: Decimal = weights
        .iter()
        .zip(&scores)
        .map(|(w, s)| *w * s.unwrap_or_default())
        .sum();
    let score = round2(total / HUNDRED);
    Ok(Scored {
        score,
        negative: score < smvp.threshold,
        components: [0, 1, 2].map(|k| scores[k].map(|s| component(weights[k], s))),
    })
}

// ---- reading a case (evaluation.md §3) ----

/// The field `name` of `v`, `None` when absent or null.
fn field<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get(name).filter(|x| !x.is_null())
}

fn number_of(v: &Value, name: &str) -> Result<Option<Decimal>, String> {
    match field(v, name) {
        None => Ok(None),
        Some(x) => decimal(x)
            .map(Some)
            .ok_or_else(|| format!("{name} is not a number")),
    }
}

fn required_number(v: &Value, name: &str) -> Result<Decimal, String> {
    number_of(v, name)?.ok_or_else(|| format!("{name} is missing"))
}

fn text_of(v: &Value, name: &str) -> Result<Option<String>, String> {
    match field(v, name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{name} is not text")),
    }
}

fn id_of(v: &Value) -> Result<String, String> {
    match field(v, "id") {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err("an item has no id".into()),
    }
}

fn list<'a>(v: &'a Value, name: &str) -> Result<&'a [Value], String> {
    match field(v, name) {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("{name} is not a list")),
    }
}

fn integer(v: &Value, name: &str) -> Result<i64, String> {
    let d = required_number(v, name)?;
    if !d.fract().is_zero() {
        return Err(format!("{name} is not a whole number"));
    }
    i64::try_from(d).map_err(|_| format!("{name} is out of range"))
}

/// The SMVP of a case.
pub fn read_smvp(v: &Value) -> Result<Smvp, String> {
    let prevalence = match text_of(v, "prevalence")?.as_deref() {
        None | Some("relative") => Prevalence::Relative,
        Some("absolute") => Prevalence::Absolute,
        Some(other) => return Err(format!("unknown prevalence {other:?}")),
    };
    let mut clusters = BTreeMap::new();
    match field(v, "clusters") {
        None => {}
        Some(Value::Object(rows)) => {
            for (name, row) in rows {
                let weight = |k: &str| -> Result<Decimal, String> {
                    number_of(row, k)?.ok_or_else(|| format!("cluster {name}: {k} is missing"))
                };
                let source = match text_of(row, "organisational_source")?.as_deref() {
                    None | Some("unit") => Source::Unit,
                    Some("entity") => Source::Entity,
                    Some(other) => return Err(format!("unknown organisational_source {other:?}")),
                };
                clusters.insert(
                    name.clone(),
                    Row {
                        organisational: weight("organisational")?,
                        individual: weight("individual")?,
                        behaviours: weight("behaviours")?,
                        source,
                    },
                );
            }
        }
        Some(_) => return Err("smvp.clusters is not an object".into()),
    }
    let scale = match field(v, "scale") {
        None => return Err("smvp.scale is missing".into()),
        Some(s) => match text_of(s, "kind")?.as_deref() {
            Some("numeric") => Scale::Numeric {
                min: integer(s, "min")?,
                max: integer(s, "max")?,
            },
            Some("levels") => {
                let mut levels = Vec::new();
                for l in list(s, "levels")? {
                    let label = text_of(l, "label")?.ok_or("a level has no label")?;
                    levels.push((label, required_number(l, "factor")?));
                }
                Scale::Levels(levels)
            }
            other => return Err(format!("unknown scale kind {other:?}")),
        },
    };
    let mut catalogue = Vec::new();
    for b in list(v, "catalogue")? {
        let clusters = match field(b, "clusters") {
            None => None,
            Some(Value::Array(c)) => Some(
                c.iter()
                    .map(|x| x.as_str().map(str::to_owned).ok_or("a cluster is not text"))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Some(_) => return Err("a behaviour's clusters are not a list".into()),
        };
        let staff_evaluation = match field(b, "staff_evaluation") {
            None => false,
            Some(Value::Bool(x)) => *x,
            Some(_) => return Err("staff_evaluation is not true or false".into()),
        };
        catalogue.push(Behaviour {
            id: id_of(b)?,
            clusters,
            staff_evaluation,
        });
    }
    Ok(Smvp {
        prevalence,
        threshold: number_of(v, "threshold")?.unwrap_or(Decimal::from(60)),
        achievement_cap: number_of(v, "achievement_cap")?.unwrap_or(HUNDRED),
        clusters,
        scale,
        catalogue,
    })
}

/// The scheda of a case.
pub fn read_scheda(v: &Value) -> Result<Scheda, String> {
    let cluster = text_of(v, "cluster")?.ok_or("cluster is missing")?;
    let mut objectives = Vec::new();
    for o in list(v, "objectives")? {
        objectives.push((
            id_of(o)?,
            required_number(o, "weight")?,
            number_of(o, "achievement")?,
        ));
    }
    let mut behaviours = Vec::new();
    for b in list(v, "behaviours")? {
        let rating = match field(b, "rating") {
            Some(Value::String(s)) => Rating::Label(s.clone()),
            Some(x) => Rating::Number(decimal(x).ok_or("a rating is not a number or a label")?),
            None => return Err(format!("behaviour {:?} has no rating", id_of(b)?)),
        };
        behaviours.push((id_of(b)?, required_number(b, "weight")?, rating));
    }
    Ok(Scheda {
        cluster,
        unit_score: number_of(v, "unit_score")?,
        entity_score: number_of(v, "entity_score")?,
        objectives,
        behaviours,
    })
}

fn component_json(c: Option<Component>) -> Value {
    c.map_or(Value::Null, |c| {
        json!({ "weight": number(c.weight), "score": number(c.score), "points": number(c.points) })
    })
}

/// One case of `pegaso evaluate schede`: its result, or why it cannot be scored.
pub fn case(v: &Value) -> Result<Value, String> {
    if !v.is_object() {
        return Err("a case is not an object".into());
    }
    let smvp = read_smvp(field(v, "smvp").ok_or("smvp is missing")?)?;
    let scheda = read_scheda(v)?;
    let scored = score(&smvp, &scheda)?;
    let [o, i, b] = scored.components;
    Ok(json!({
        "id": v.get("id").cloned().unwrap_or(Value::Null),
        "score": number(scored.score),
        "negative": scored.negative,
        "components": {
            "organisational": component_json(o),
            "individual": component_json(i),
            "behaviours": component_json(b),
        }
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
