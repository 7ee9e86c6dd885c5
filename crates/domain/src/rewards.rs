//! The result bonus shared by the CCNL's rules (evaluation.md §2).
//!
//! `case` reads one case of `pegaso rewards distribute` (evaluation.md §3: one budget, its
//! rules and its people) and gives its result: the order of §2.4 is the order of the code —
//! the budget and its people checked (§2.1, §2.2), the maggiorazione's reserve set aside
//! (§2.5), the formula's exact amounts (§2.3), the dirigenti's raise (§2.6), the cents (§2.4),
//! then m on top and the payment-times quota withheld (§2.7), with the economie by part.
//! Exact arithmetic throughout (`exact`), money in integer cents.

mod cents;
mod dirigenti;
mod exact;
mod explain;
mod formulas;
mod input;
mod maggiorazione;
mod presence;
mod ranking;

#[cfg(test)]
mod tests;

use std::collections::HashSet;

use rust_decimal::Decimal;
use serde_json::{Value, json};

pub use self::explain::explain;
pub use self::input::{
    Amount, Budget, Case, Class, Dirigenti, Formula, Maggiorazione, Person, Presence, Rules, Steps,
};

use self::dirigenti::Differentiation;
use self::exact::{Dec, Nat};
use self::maggiorazione::Reserve;

/// One person's payout, in cents: paid = base + maggiorazione − withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payout {
    pub base: u128,
    pub maggiorazione: u128,
    pub withheld: u128,
}

impl Payout {
    pub fn paid(self) -> u128 {
        self.base + self.maggiorazione - self.withheld
    }
}

/// The typed entry: a case already read (a caller that holds its people as values, not as
/// JSON) shared by the same rules, its payouts in the people's order.
pub fn share(case: &Case) -> Result<Vec<Payout>, String> {
    distribute(case).map(|d| d.payouts)
}

/// A budget shared.
#[derive(Debug, Clone)]
struct Distribution {
    /// A: the budget less the maggiorazione's reserve.
    shared: u128,
    payouts: Vec<Payout>,
    maggiorazione: Option<Reserve>,
    differentiation: Option<Differentiation>,
}

/// One case in (evaluation.md §3), its result out; `Err` says why the case is invalid.
pub fn case(case: &Value) -> Result<Value, String> {
    let input = input::read(case)?;
    let distribution = distribute(&input)?;
    output(
        case.get("id").cloned().unwrap_or(Value::Null),
        &input,
        &distribution,
    )
}

/// Shares the budget of `case` (evaluation.md §2).
fn distribute(case: &Case) -> Result<Distribution, String> {
    check_people(case)?;
    check_budget(case)?;
    let share = payment_times_share(case)?;
    let threshold = case.rules.threshold;
    if threshold < Decimal::ZERO {
        return Err("the threshold is negative".into());
    }
    let positive: Vec<bool> = case.people.iter().map(|p| p.score >= threshold).collect();
    let b = case
        .people
        .iter()
        .map(|p| presence::weight(p, &case.rules))
        .collect::<Result<Vec<Dec>, String>>()?;
    let budget =
        u128::try_from(case.budget_cents).map_err(|_| "budget_cents is negative".to_string())?;
    let reserve = maggiorazione::set_aside(case, &positive, budget)?;
    let shared = budget - reserve.as_ref().map_or(0, |r| r.reserve_cents());
    let amounts = formulas::amounts(
        &case.rules.formula,
        &case.people,
        &positive,
        &b,
        threshold,
        shared,
    )?;
    let (amounts, differentiation) = dirigenti::differentiate(case, &positive, amounts, shared)?;
    let base = cents::cents(&amounts, &case.people)?;
    let payouts = case
        .people
        .iter()
        .zip(base)
        .enumerate()
        .map(|(i, (person, base))| {
            let maggiorazione = reserve
                .as_ref()
                .filter(|r| r.recipients[i])
                .map_or(0, |r| r.m_cents);
            Ok(Payout {
                base,
                maggiorazione,
                withheld: withheld(person, base, &share)?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Distribution {
        shared,
        payouts,
        maggiorazione: reserve,
        differentiation,
    })
}

/// §2.1–2.2 and §2.7 on each person: unique ids, a cluster the budget pays (the segretario in
/// none), a `definitiva` scheda (any other status blocks the whole distribution), the
/// `responsabile_pagamenti` flag only outside the comparto's budgets.
fn check_people(case: &Case) -> Result<(), String> {
    let mut ids = HashSet::new();
    for person in &case.people {
        let id = person.id.as_str();
        if !ids.insert(id) {
            return Err(format!("{id} is listed twice"));
        }
        if !case.budget.clusters().contains(&person.cluster.as_str()) {
            return Err(format!(
                "{id} (cluster {}) cannot be paid from this budget",
                person.cluster
            ));
        }
        if person.status.as_deref() != Some("definitiva") {
            return Err(format!(
                "the scheda of {id} is not definitiva: the distribution is blocked"
            ));
        }
        if person.responsabile_pagamenti && case.budget.is_comparto() {
            return Err(format!(
                "{id} is flagged responsabile_pagamenti in a comparto budget"
            ));
        }
    }
    Ok(())
}

/// §2.1's checks: `comparto_individual` ≥ 30% of the fund's variable part (100 × budget ≥
/// 30 × variable); `eq_risultato` R ≥ 15% of posizione + risultato (100 × R ≥ 15 × (P + R)).
fn check_budget(case: &Case) -> Result<(), String> {
    let budget = case.budget_cents;
    match case.budget {
        Budget::CompartoIndividual => {
            let variable = case
                .fund_variable_cents
                .ok_or("fund_variable_cents is required for comparto_individual")?;
            if 100 * budget < 30 * variable {
                return Err("comparto_individual is below 30% of the fund's variable part".into());
            }
        }
        Budget::EqRisultato => {
            let posizione = case
                .eq_posizione_cents
                .ok_or("eq_posizione_cents is required for eq_risultato")?;
            if 100 * budget < 15 * (posizione + budget) {
                return Err("eq_risultato is below 15% of the EQ's posizione and risultato".into());
            }
        }
        Budget::CompartoOrganisational | Budget::DirigentiRisultato => {}
    }
    Ok(())
}

/// §2.7's share: the rules' `payment_times_share_percent`, default 30, within 30..100.
fn payment_times_share(case: &Case) -> Result<Dec, String> {
    let share = case.rules.payment_times_share_percent;
    if share < Decimal::from(30) || share > Decimal::ONE_HUNDRED {
        return Err(format!(
            "payment_times_share_percent {share} is outside 30..100"
        ));
    }
    Dec::of(share).ok_or_else(|| "payment_times_share_percent is negative".into())
}

/// §2.7: for a person flagged `responsabile_pagamenti` whose payment times were missed,
/// paid = floor(base × (100 − share) / 100) cents, the rest withheld; met: nothing withheld;
/// not certified (null): error.
fn withheld(person: &Person, base: u128, share: &Dec) -> Result<u128, String> {
    if !person.responsabile_pagamenti {
        return Ok(0);
    }
    match person.payment_times_met {
        None => Err(format!(
            "the payment times of {} are not certified (payment_times_met is null)",
            person.id
        )),
        Some(true) => Ok(0),
        Some(false) => {
            let kept = Dec::int(100)
                .sub(share)
                .ok_or("payment_times_share_percent is above 100")?;
            let scale = kept.scale();
            let paid = kept
                .at_scale(scale)
                .mul(&Nat::from_u128(base))
                .div_rem(&Nat::from_u128(100).mul(&Nat::pow10(scale)))
                .and_then(|(q, _)| q.to_u128())
                .ok_or("the payment-times quota is out of range")?;
            Ok(base - paid.min(base))
        }
    }
}

fn cents_json(v: u128) -> Result<Value, String> {
    u64::try_from(v)
        .map(Value::from)
        .map_err(|_| "an amount is too large".to_string())
}

/// A decimal as JSON: an integer when it is one, else a number.
fn decimal_json(d: Decimal) -> Value {
    if d.fract().is_zero()
        && let Ok(i) = i64::try_from(d)
    {
        return Value::from(i);
    }
    crate::numbers::json(d)
}

/// The ids marked in `chosen`, in input order.
fn ids(people: &[Person], chosen: &[bool]) -> Value {
    people
        .iter()
        .zip(chosen)
        .filter(|(_, c)| **c)
        .map(|(p, _)| Value::from(p.id.clone()))
        .collect()
}

/// The result as evaluation.md §3 shows it, with the economie by part: `base` (A − Σ base),
/// `reserve` (the unused maggiorazione), `withheld` (§2.7); Σ paid + economie = budget.
fn output(id: Value, case: &Case, d: &Distribution) -> Result<Value, String> {
    let payouts = case
        .people
        .iter()
        .zip(&d.payouts)
        .map(|(person, p)| {
            Ok(json!({
                "id": person.id,
                "base_cents": cents_json(p.base)?,
                "maggiorazione_cents": cents_json(p.maggiorazione)?,
                "withheld_cents": cents_json(p.withheld)?,
                "paid_cents": cents_json(p.paid())?,
            }))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let base_total: u128 = d.payouts.iter().map(|p| p.base).sum();
    let paid_total: u128 = d.payouts.iter().map(|p| p.paid()).sum();
    let withheld: u128 = d.payouts.iter().map(|p| p.withheld).sum();
    let base_economie = d
        .shared
        .checked_sub(base_total)
        .ok_or("the payouts exceed the budget")?;
    let reserve_economie = d.maggiorazione.as_ref().map_or(0, Reserve::unused_cents);
    let maggiorazione = match &d.maggiorazione {
        None => Value::Null,
        Some(r) => json!({
            "m_cents": cents_json(r.m_cents)?,
            "reserve_cents": cents_json(r.reserve_cents())?,
            "recipients": ids(&case.people, &r.recipients),
        }),
    };
    let differentiation = match &d.differentiation {
        None => Value::Null,
        Some(x) => json!({
            "percent": decimal_json(x.percent),
            "floor_cents": cents_json(x.floor_cents)?,
            "top": ids(&case.people, &x.top),
        }),
    };
    Ok(json!({
        "id": id,
        "payouts": payouts,
        "maggiorazione": maggiorazione,
        "differentiation": differentiation,
        "paid_total_cents": cents_json(paid_total)?,
        "economie_cents": cents_json(base_economie + reserve_economie + withheld)?,
        "economie": {
            "base_cents": cents_json(base_economie)?,
            "reserve_cents": cents_json(reserve_economie)?,
            "withheld_cents": cents_json(withheld)?,
        },
    }))
}
