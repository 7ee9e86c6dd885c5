//! The formulas of evaluation.md §2.3: each person's exact amount `a`, as fractions over one
//! common denominator so that each amount is one division.

use rust_decimal::Decimal;

use super::exact::{Dec, Fractions, Nat, integers, sum};
use super::input::{Class, Formula, Person, Steps};

/// The exact amounts of §2.3 and what the formula leaves unpaid.
#[derive(Debug, Clone)]
pub struct Amounts {
    /// Each person's a, in input order.
    pub a: Fractions,
    /// A − Σa over the same denominator: what a quota formula leaves unpaid (always zero for
    /// share formulas, which pay A or nothing).
    pub unpaid: Nat,
    /// Whether the formula is a quota (`threshold_step`) rather than a share.
    pub quota: bool,
}

/// The amounts of `formula` sharing `a_cents` (A) among `people`, whose b are `b` (each times
/// a factor common to the case, which every ratio here cancels).
pub fn amounts(
    formula: &Formula,
    people: &[Person],
    positive: &[bool],
    b: &[Dec],
    threshold: Decimal,
    a_cents: u128,
) -> Result<Amounts, String> {
    let score = |i: usize| {
        Dec::of(people[i].score).ok_or_else(|| format!("the score of {} is negative", people[i].id))
    };
    match formula {
        Formula::Proportional => {
            let w = (0..people.len())
                .map(|i| {
                    Ok(if positive[i] {
                        score(i)?.mul(&b[i])
                    } else {
                        Dec::default()
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(share(a_cents, &w))
        }
        Formula::Classes(classes) => {
            let w = (0..people.len())
                .map(|i| {
                    Ok(if positive[i] {
                        coefficient(classes, &people[i])?.mul(&b[i])
                    } else {
                        Dec::default()
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(share(a_cents, &w))
        }
        Formula::ThresholdStep(steps) => {
            let pct = (0..people.len())
                .map(|i| {
                    if positive[i] {
                        percent(steps, people[i].score, threshold)
                    } else {
                        Ok(Dec::default())
                    }
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(quota(a_cents, b, &pct))
        }
    }
}

/// Share formulas: a = A × w / Σw; nothing is paid when Σw = 0.
fn share(a_cents: u128, w: &[Dec]) -> Amounts {
    let (w, _) = integers(w);
    let total = sum(&w);
    let a = Nat::from_u128(a_cents);
    let fractions = if total.is_zero() {
        Fractions {
            numerators: vec![Nat::zero(); w.len()],
            denominator: Nat::from_u128(1),
        }
    } else {
        Fractions {
            numerators: w.iter().map(|w| a.mul(w)).collect(),
            denominator: total,
        }
    };
    Amounts {
        a: fractions,
        unpaid: Nat::zero(),
        quota: false,
    }
}

/// The class a score falls in: the first, in table order, with from ≤ score ≤ thru.
pub fn class_of(classes: &[Class], score: Decimal) -> Option<&Class> {
    classes.iter().find(|c| c.from <= score && score <= c.thru)
}

/// `classes`: the coefficient of the person's class; a positive in no class is an error.
fn coefficient(classes: &[Class], person: &Person) -> Result<Dec, String> {
    let class = class_of(classes, person.score)
        .ok_or_else(|| format!("{} (score {}) is in no class", person.id, person.score))?;
    Dec::of(class.coefficient).ok_or_else(|| "a class has a negative coefficient".to_string())
}

/// `threshold_step`: pct = 100 when `full_from` is set and score ≥ full_from, else
/// min(100, base_percent + step_percent × (score − threshold)) (for a positive). Exact in
/// `Decimal`: inputs have at most four decimals.
pub fn percent_of(steps: &Steps, score: Decimal, threshold: Decimal) -> Result<Decimal, String> {
    if steps.full_from.is_some_and(|f| score >= f) {
        return Ok(Decimal::ONE_HUNDRED);
    }
    if steps.base_percent < Decimal::ZERO {
        return Err("base_percent is negative".into());
    }
    if steps.step_percent < Decimal::ZERO {
        return Err("step_percent is negative".into());
    }
    if score < threshold {
        return Err("a positive's score is below the threshold".into());
    }
    let pct = steps
        .step_percent
        .checked_mul(score - threshold)
        .and_then(|x| x.checked_add(steps.base_percent))
        .ok_or("the percentage is out of range")?;
    Ok(pct.min(Decimal::ONE_HUNDRED))
}

fn percent(steps: &Steps, score: Decimal, threshold: Decimal) -> Result<Dec, String> {
    Dec::of(percent_of(steps, score, threshold)?).ok_or_else(|| "negative percentage".into())
}

/// The quota formula: a = A × b × pct / (100 × Σb), Σb over everyone listed; what the
/// percentages and the negatives leave unpaid is economie. Nothing is paid when Σb = 0.
fn quota(a_cents: u128, b: &[Dec], pct: &[Dec]) -> Amounts {
    let a = Nat::from_u128(a_cents);
    let products: Vec<Dec> = b.iter().zip(pct).map(|(b, p)| b.mul(p)).collect();
    let (products, product_scale) = integers(&products);
    let (b, b_scale) = integers(b);
    let total = sum(&b);
    if total.is_zero() {
        return Amounts {
            a: Fractions {
                numerators: vec![Nat::zero(); b.len()],
                denominator: Nat::from_u128(1),
            },
            unpaid: a,
            quota: true,
        };
    }
    // b × pct = products / 10^product_scale and Σb = total / 10^b_scale.
    let numerators: Vec<Nat> = products
        .iter()
        .map(|x| a.mul(x).mul(&Nat::pow10(b_scale)))
        .collect();
    let denominator = Nat::from_u128(100)
        .mul(&total)
        .mul(&Nat::pow10(product_scale));
    let unpaid = a
        .mul(&denominator)
        .sub(&sum(&numerators))
        .unwrap_or_default();
    Amounts {
        a: Fractions {
            numerators,
            denominator,
        },
        unpaid,
        quota: true,
    }
}
