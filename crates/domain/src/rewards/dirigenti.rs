//! Dirigenti's differentiation (evaluation.md §2.6, dirigenti_risultato only): the top
//! positives get at least F = ceil((100 + d) × A / (100 × n)) cents, funded first from what a
//! quota formula left unpaid, then by scaling everyone else down.

use rust_decimal::Decimal;

use super::exact::{Dec, Fractions, Nat, sum};
use super::formulas::Amounts;
use super::input::{Budget, Case};
use super::ranking::leaders;

/// The differentiation applied: d, F and who is in the top.
#[derive(Debug, Clone)]
pub struct Differentiation {
    pub percent: Decimal,
    pub floor_cents: u128,
    pub top: Vec<bool>,
}

/// Applies §2.6 to `amounts` (A = `a_cents`): the amounts after the raise and what was
/// applied, `None` outside dirigenti_risultato, with N ≤ 5 or with no positive.
pub fn differentiate(
    case: &Case,
    positive: &[bool],
    amounts: Amounts,
    a_cents: u128,
) -> Result<(Fractions, Option<Differentiation>), String> {
    let people = case.people.len();
    if case.budget != Budget::DirigentiRisultato || people <= 5 {
        return Ok((amounts.a, None));
    }
    let percent = percent(case, people)?;
    let n = positive.iter().filter(|&&p| p).count();
    if n == 0 {
        return Ok((amounts.a, None));
    }
    let top = top(case)?;
    let floor_cents = floor_cents(percent, a_cents, n)?;
    let chosen = leaders(
        &case.people,
        positive,
        top,
        case.rules.tie_break.as_deref(),
        "the dirigenti's top",
    )?;
    let raised = raise(&amounts, &chosen, floor_cents)?;
    let differentiation = Differentiation {
        percent,
        floor_cents,
        top: chosen,
    };
    Ok((raised, Some(differentiation)))
}

/// d: the rules' `percent`, never below the floor (30 when N > 10, 25 when N ≤ 10, 20 with
/// the entity_objectives_clause); absent, the floor.
fn percent(case: &Case, people: usize) -> Result<Decimal, String> {
    let rules = &case.rules.dirigenti;
    let floor = Decimal::from(if rules.entity_objectives_clause {
        20
    } else if people > 10 {
        30
    } else {
        25
    });
    match rules.percent {
        None => Ok(floor),
        Some(d) if d < floor => Err(format!(
            "the dirigenti's differentiation percent {d} is below the floor of {floor}"
        )),
        Some(d) => Ok(d),
    }
}

/// K = `top`, default 1, an integer ≥ 1.
fn top(case: &Case) -> Result<usize, String> {
    let Some(top) = case.rules.dirigenti.top else {
        return Ok(1);
    };
    if !top.fract().is_zero() || top < Decimal::ONE {
        return Err("the dirigenti's top must be an integer of at least 1".into());
    }
    usize::try_from(top).map_err(|_| "the dirigenti's top is too large".to_string())
}

/// F = ceil((100 + d) × A / (100 × n)) cents, one division.
fn floor_cents(percent: Decimal, a_cents: u128, n: usize) -> Result<u128, String> {
    let d = Dec::of(percent).ok_or("the differentiation percent is negative")?;
    let factor = Dec::int(100).add(&d);
    let numerator = factor
        .at_scale(factor.scale())
        .mul(&Nat::from_u128(a_cents));
    let denominator = Nat::from_u128(100)
        .mul(&Nat::from_u128(n as u128))
        .mul(&Nat::pow10(factor.scale()));
    numerator
        .div_ceil(&denominator)
        .and_then(|f| f.to_u128())
        .ok_or_else(|| "the differentiation floor is out of range".to_string())
}

/// Raises each top amount below F to F. The total raise R comes first from what the formula
/// left unpaid (u = min(R, A − Σa), quota formulas only), the rest R′ = R − u from everyone
/// outside the top, each amount scaled by (S − R′) / S, S = Σa of those; R′ > S is an error.
fn raise(amounts: &Amounts, top: &[bool], floor_cents: u128) -> Result<Fractions, String> {
    let a = &amounts.a;
    let floor = Nat::from_u128(floor_cents).mul(&a.denominator);
    let raise: Vec<Nat> = a
        .numerators
        .iter()
        .zip(top)
        .map(|(x, &t)| match floor.sub(x) {
            Some(gap) if t => gap,
            _ => Nat::zero(),
        })
        .collect();
    let total_raise = sum(&raise);
    if total_raise.is_zero() {
        return Ok(a.clone());
    }
    let from_unpaid = if amounts.quota {
        total_raise.clone().min(amounts.unpaid.clone())
    } else {
        Nat::zero()
    };
    let rest = total_raise.sub(&from_unpaid).unwrap_or_default();
    let others: Vec<Nat> = a
        .numerators
        .iter()
        .zip(top)
        .filter(|(_, t)| !**t)
        .map(|(x, _)| x.clone())
        .collect();
    let s = sum(&others);
    let kept = s.sub(&rest).ok_or_else(|| {
        "the dirigenti's differentiation needs more than the others are paid".to_string()
    })?;
    if rest.is_zero() {
        let numerators = a
            .numerators
            .iter()
            .zip(&raise)
            .map(|(x, r)| x.add(r))
            .collect();
        return Ok(Fractions {
            numerators,
            denominator: a.denominator.clone(),
        });
    }
    // Over the denominator × S: the top at max(a, F), the others at a × (S − R′).
    let numerators = a
        .numerators
        .iter()
        .zip(&raise)
        .zip(top)
        .map(
            |((x, r), &t)| {
                if t { x.add(r).mul(&s) } else { x.mul(&kept) }
            },
        )
        .collect();
    Ok(Fractions {
        numerators,
        denominator: a.denominator.mul(&s),
    })
}
