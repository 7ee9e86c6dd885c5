//! Reading one case of `pegaso rewards distribute` (evaluation.md §3): the shapes of the
//! budget, its rules and its people, with the defaults of §2 for absent and null fields.
//! Only the shapes are checked here; the rules of §2 are checked where they apply.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::numbers::decimal;

/// The budgets of §2.1, never mixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    CompartoIndividual,
    CompartoOrganisational,
    EqRisultato,
    DirigentiRisultato,
}

impl Budget {
    fn named(name: &str) -> Option<Budget> {
        Some(match name {
            "comparto_individual" => Budget::CompartoIndividual,
            "comparto_organisational" => Budget::CompartoOrganisational,
            "eq_risultato" => Budget::EqRisultato,
            "dirigenti_risultato" => Budget::DirigentiRisultato,
            _ => return None,
        })
    }

    /// The clusters this budget pays (§2.1); the segretario is in none.
    pub fn clusters(self) -> &'static [&'static str] {
        match self {
            Budget::CompartoIndividual | Budget::CompartoOrganisational => &[
                "funzionario",
                "istruttore",
                "operatore_esperto",
                "operatore",
            ],
            Budget::EqRisultato => &["eq"],
            Budget::DirigentiRisultato => &["dirigente"],
        }
    }

    pub fn is_comparto(self) -> bool {
        matches!(
            self,
            Budget::CompartoIndividual | Budget::CompartoOrganisational
        )
    }
}

/// A class of the `classes` formula (§2.3).
#[derive(Debug, Clone)]
pub struct Class {
    pub from: Decimal,
    pub thru: Decimal,
    pub coefficient: Decimal,
}

/// The `threshold_step` percentages (§2.3).
#[derive(Debug, Clone)]
pub struct Steps {
    pub base_percent: Decimal,
    pub step_percent: Decimal,
    pub full_from: Option<Decimal>,
}

/// The formulas of §2.3.
#[derive(Debug, Clone)]
pub enum Formula {
    Proportional,
    Classes(Vec<Class>),
    ThresholdStep(Steps),
}

/// How the CCDI sets m (§2.5): exactly one of the two.
#[derive(Debug, Clone, Copy)]
pub enum Amount {
    Cents(i128),
    Percent(Decimal),
}

/// The art. 81 maggiorazione (§2.5).
#[derive(Debug, Clone, Copy)]
pub struct Maggiorazione {
    pub amount: Amount,
    pub k: usize,
}

/// Presence at payment (§2.2).
#[derive(Debug, Clone)]
pub struct Presence {
    pub apply: bool,
    pub days_in_year: Decimal,
    pub counted_as_present: Vec<String>,
}

/// The dirigenti's differentiation settings (§2.6).
#[derive(Debug, Clone, Copy)]
pub struct Dirigenti {
    pub percent: Option<Decimal>,
    pub top: Option<Decimal>,
    pub entity_objectives_clause: bool,
}

/// The rules of a distribution.
#[derive(Debug, Clone)]
pub struct Rules {
    pub formula: Formula,
    pub threshold: Decimal,
    pub parameters: Option<BTreeMap<String, Decimal>>,
    pub maggiorazione: Option<Maggiorazione>,
    pub tie_break: Option<Vec<String>>,
    pub presence: Presence,
    pub dirigenti: Dirigenti,
    pub payment_times_share_percent: Decimal,
}

/// A person in the budget.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    pub cluster: String,
    pub score: Decimal,
    pub status: Option<String>,
    pub days_employed: Option<Decimal>,
    pub part_time: Decimal,
    /// Kind and days of each absence.
    pub absences: Vec<(String, Decimal)>,
    pub parameter: Option<Decimal>,
    pub tie_keys: Map<String, Value>,
    pub responsabile_pagamenti: bool,
    pub payment_times_met: Option<bool>,
}

/// One case: one budget.
#[derive(Debug, Clone)]
pub struct Case {
    pub budget: Budget,
    pub budget_cents: i128,
    pub fund_variable_cents: Option<i128>,
    pub eq_posizione_cents: Option<i128>,
    pub rules: Rules,
    pub people: Vec<Person>,
}

/// The field `name` of `v`, `None` when absent or null.
fn field<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get(name).filter(|x| !x.is_null())
}

fn number(v: &Value, name: &str) -> Result<Option<Decimal>, String> {
    field(v, name)
        .map(|x| decimal(x).ok_or_else(|| format!("{name} is not a number")))
        .transpose()
}

fn required_number(v: &Value, name: &str) -> Result<Decimal, String> {
    number(v, name)?.ok_or_else(|| format!("{name} is missing"))
}

/// A whole, nonnegative number of cents.
fn cents(v: &Value, name: &str) -> Result<Option<i128>, String> {
    number(v, name)?
        .map(|d| {
            if d.is_sign_negative() && !d.is_zero() {
                return Err(format!("{name} is negative"));
            }
            if !d.fract().is_zero() {
                return Err(format!("{name} is not a whole number of cents"));
            }
            i128::try_from(d).map_err(|_| format!("{name} is too large"))
        })
        .transpose()
}

fn text(v: &Value, name: &str) -> Result<Option<String>, String> {
    match field(v, name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{name} is not a string")),
    }
}

fn flag(v: &Value, name: &str) -> Result<Option<bool>, String> {
    match field(v, name) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(format!("{name} is not true or false")),
    }
}

fn list<'a>(v: &'a Value, name: &str) -> Result<Option<&'a Vec<Value>>, String> {
    match field(v, name) {
        None => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a)),
        Some(_) => Err(format!("{name} is not a list")),
    }
}

fn object<'a>(v: &'a Value, name: &str) -> Result<Option<&'a Value>, String> {
    match field(v, name) {
        None => Ok(None),
        Some(o @ Value::Object(_)) => Ok(Some(o)),
        Some(_) => Err(format!("{name} is not an object")),
    }
}

fn texts(v: &Value, name: &str) -> Result<Option<Vec<String>>, String> {
    list(v, name)?
        .map(|items| {
            items
                .iter()
                .map(|x| match x {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(format!("{name} lists something that is not a string")),
                })
                .collect()
        })
        .transpose()
}

/// Reads a case (evaluation.md §3).
pub fn read(case: &Value) -> Result<Case, String> {
    if !case.is_object() {
        return Err("a case must be a JSON object".into());
    }
    let name = text(case, "budget")?.ok_or("budget is missing")?;
    let budget = Budget::named(&name).ok_or_else(|| format!("unknown budget {name:?}"))?;
    let budget_cents = cents(case, "budget_cents")?.ok_or("budget_cents is missing")?;
    let rules = match object(case, "rules")? {
        Some(r) => read_rules(r)?,
        None => return Err("rules are missing".into()),
    };
    let people = list(case, "people")?
        .ok_or("people is missing")?
        .iter()
        .map(read_person)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Case {
        budget,
        budget_cents,
        fund_variable_cents: cents(case, "fund_variable_cents")?,
        eq_posizione_cents: cents(case, "eq_posizione_cents")?,
        rules,
        people,
    })
}

fn read_rules(r: &Value) -> Result<Rules, String> {
    let formula = match text(r, "formula")?.as_deref() {
        Some("proportional") => Formula::Proportional,
        Some("classes") => Formula::Classes(read_classes(r)?),
        Some("threshold_step") => Formula::ThresholdStep(read_steps(r)?),
        Some(other) => return Err(format!("unknown formula {other:?}")),
        None => return Err("formula is missing".into()),
    };
    let parameters = match object(r, "parameters")? {
        None => None,
        Some(table) => {
            let mut out = BTreeMap::new();
            for (cluster, value) in table.as_object().into_iter().flatten() {
                if value.is_null() {
                    continue;
                }
                let p = decimal(value)
                    .ok_or_else(|| format!("the parameter of {cluster} is not a number"))?;
                out.insert(cluster.clone(), p);
            }
            Some(out)
        }
    };
    Ok(Rules {
        formula,
        threshold: number(r, "threshold")?.unwrap_or(Decimal::from(60)),
        parameters,
        maggiorazione: object(r, "maggiorazione")?
            .map(read_maggiorazione)
            .transpose()?,
        tie_break: texts(r, "tie_break")?,
        presence: read_presence(object(r, "presence")?)?,
        dirigenti: read_dirigenti(object(r, "dirigenti")?)?,
        payment_times_share_percent: number(r, "payment_times_share_percent")?
            .unwrap_or(Decimal::from(30)),
    })
}

fn read_classes(r: &Value) -> Result<Vec<Class>, String> {
    list(r, "classes")?
        .ok_or("the classes formula needs classes")?
        .iter()
        .map(|c| {
            Ok(Class {
                from: required_number(c, "from")?,
                thru: required_number(c, "thru")?,
                coefficient: required_number(c, "coefficient")?,
            })
        })
        .collect()
}

fn read_steps(r: &Value) -> Result<Steps, String> {
    let s = object(r, "steps")?.ok_or("the threshold_step formula needs steps")?;
    Ok(Steps {
        base_percent: required_number(s, "base_percent")?,
        step_percent: required_number(s, "step_percent")?,
        full_from: number(s, "full_from")?,
    })
}

/// §2.5: exactly one of m_cents and m_percent, an integer k ≥ 1, no score_threshold.
fn read_maggiorazione(m: &Value) -> Result<Maggiorazione, String> {
    if field(m, "score_threshold").is_some() {
        return Err(
            "the maggiorazione goes down the ranking, never by score_threshold \
                    (ARAN CFL126)"
                .into(),
        );
    }
    let amount = match (cents(m, "m_cents")?, number(m, "m_percent")?) {
        (Some(c), None) => Amount::Cents(c),
        (None, Some(p)) => Amount::Percent(p),
        (Some(_), Some(_)) => {
            return Err("the maggiorazione sets both m_cents and m_percent".into());
        }
        (None, None) => {
            return Err("the maggiorazione sets neither m_cents nor m_percent".into());
        }
    };
    let k = required_number(m, "k")?;
    if !k.fract().is_zero() || k < Decimal::ONE {
        return Err("the maggiorazione's k must be an integer of at least 1".into());
    }
    let k = usize::try_from(k).map_err(|_| "the maggiorazione's k is too large".to_string())?;
    Ok(Maggiorazione { amount, k })
}

fn read_presence(p: Option<&Value>) -> Result<Presence, String> {
    let default_kinds = || {
        ["maternity", "paternity", "parental"]
            .map(String::from)
            .to_vec()
    };
    let Some(p) = p else {
        return Ok(Presence {
            apply: true,
            days_in_year: Decimal::from(365),
            counted_as_present: default_kinds(),
        });
    };
    Ok(Presence {
        apply: flag(p, "apply")?.unwrap_or(true),
        days_in_year: number(p, "days_in_year")?.unwrap_or(Decimal::from(365)),
        counted_as_present: texts(p, "counted_as_present")?.unwrap_or_else(default_kinds),
    })
}

fn read_dirigenti(d: Option<&Value>) -> Result<Dirigenti, String> {
    let Some(d) = d else {
        return Ok(Dirigenti {
            percent: None,
            top: None,
            entity_objectives_clause: false,
        });
    };
    Ok(Dirigenti {
        percent: number(d, "percent")?,
        top: number(d, "top")?,
        entity_objectives_clause: flag(d, "entity_objectives_clause")?.unwrap_or(false),
    })
}

fn read_person(p: &Value) -> Result<Person, String> {
    if !p.is_object() {
        return Err("a person must be a JSON object".into());
    }
    let id = text(p, "id")?.ok_or("a person has no id")?;
    let absences = list(p, "absences")?
        .into_iter()
        .flatten()
        .map(|a| {
            Ok((
                text(a, "kind")?.ok_or_else(|| format!("an absence of {id} has no kind"))?,
                required_number(a, "days")?,
            ))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let tie_keys = match object(p, "tie_keys")? {
        Some(Value::Object(keys)) => keys.clone(),
        _ => Map::new(),
    };
    Ok(Person {
        cluster: text(p, "cluster")?.ok_or_else(|| format!("{id} has no cluster"))?,
        score: number(p, "score")?.ok_or_else(|| format!("{id} has no score"))?,
        status: text(p, "status")?,
        days_employed: number(p, "days_employed")?,
        part_time: number(p, "part_time")?.unwrap_or(Decimal::ONE_HUNDRED),
        absences,
        parameter: number(p, "parameter")?,
        tie_keys,
        responsabile_pagamenti: flag(p, "responsabile_pagamenti")?.unwrap_or(false),
        payment_times_met: flag(p, "payment_times_met")?,
        id,
    })
}
