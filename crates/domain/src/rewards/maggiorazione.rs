//! The art. 81 maggiorazione (evaluation.md §2.5, comparto_individual only): K × m set aside
//! first, m in full (not scaled by g) to the first min(K, n) positives by descending score.

use rust_decimal::Decimal;

use super::exact::{Dec, Nat};
use super::input::{Amount, Budget, Case};
use super::ranking::leaders;

/// The reserve set aside and who gets m.
#[derive(Debug, Clone)]
pub struct Reserve {
    pub m_cents: u128,
    pub k: usize,
    /// Recipients, by position in the input.
    pub recipients: Vec<bool>,
}

impl Reserve {
    /// K × m.
    pub fn reserve_cents(&self) -> u128 {
        self.k as u128 * self.m_cents
    }

    /// (K − recipients) × m: economie of the reserve.
    pub fn unused_cents(&self) -> u128 {
        let given = self.recipients.iter().filter(|&&r| r).count();
        self.k.saturating_sub(given) as u128 * self.m_cents
    }
}

/// The maggiorazione of `case`, if its rules set one. Errors: a budget other than
/// comparto_individual; m below 30% of M = budget / n (100 × m × n < 30 × budget, or
/// m_percent < 30); K × m > budget; a tie at the cut-off the rules cannot break.
pub fn set_aside(case: &Case, positive: &[bool], budget: u128) -> Result<Option<Reserve>, String> {
    let Some(rules) = case.rules.maggiorazione else {
        return Ok(None);
    };
    if case.budget != Budget::CompartoIndividual {
        return Err("the art. 81 maggiorazione is for comparto_individual only".into());
    }
    let n = positive.iter().filter(|&&p| p).count() as u128;
    let m_cents = match rules.amount {
        Amount::Cents(m) => {
            let m = u128::try_from(m).map_err(|_| "m_cents is negative".to_string())?;
            let too_large = || "m_cents is too large".to_string();
            let given = m
                .checked_mul(n)
                .and_then(|x| x.checked_mul(100))
                .ok_or_else(too_large)?;
            if given < 30 * budget {
                return Err("m is below 30% of M = budget / positives".into());
            }
            m
        }
        Amount::Percent(p) => {
            if p < Decimal::from(30) {
                return Err("m_percent is below 30".into());
            }
            m_of_percent(p, budget, n)?
        }
    };
    (rules.k as u128)
        .checked_mul(m_cents)
        .filter(|&r| r <= budget)
        .ok_or("K × m exceeds the budget")?;
    let recipients = leaders(
        &case.people,
        positive,
        rules.k,
        case.rules.tie_break.as_deref(),
        "the maggiorazione",
    )?;
    Ok(Some(Reserve {
        m_cents,
        k: rules.k,
        recipients,
    }))
}

/// m = ceil(budget × m_percent / (100 × n)) cents, one division; 0 when n = 0.
fn m_of_percent(percent: Decimal, budget: u128, n: u128) -> Result<u128, String> {
    if n == 0 {
        return Ok(0);
    }
    let p = Dec::of(percent).ok_or("m_percent is negative")?;
    let numerator = p.at_scale(p.scale()).mul(&Nat::from_u128(budget));
    let denominator = Nat::from_u128(100 * n).mul(&Nat::pow10(p.scale()));
    numerator
        .div_ceil(&denominator)
        .and_then(|m| m.to_u128())
        .ok_or_else(|| "m is out of range".to_string())
}
