//! Cents (evaluation.md §2.4): each person gets floor(a) cents; the cents the target leaves go
//! one each to the largest fractional remainders, ties by higher score, then by id (ascending,
//! by code point). Nobody gets more than ceil(a).

use super::exact::{Fractions, Nat, sum};
use super::input::Person;

/// Each person's base cents from the exact amounts `a` (after §2.6's raise). The target is
/// floor(Σa): A for share formulas (Σa = A, or 0 when Σw = 0), floor(T + u) for quota ones.
pub fn cents(a: &Fractions, people: &[Person]) -> Result<Vec<u128>, String> {
    let too_large = || "an amount is too large".to_string();
    let split = a
        .numerators
        .iter()
        .map(|x| x.div_rem(&a.denominator).ok_or_else(too_large))
        .collect::<Result<Vec<(Nat, Nat)>, String>>()?;
    let (target, _) = sum(&a.numerators)
        .div_rem(&a.denominator)
        .ok_or_else(too_large)?;
    let floors = split
        .iter()
        .map(|(q, _)| q.to_u128().ok_or_else(too_large))
        .collect::<Result<Vec<u128>, String>>()?;
    let target = target.to_u128().ok_or_else(too_large)?;
    let left = target.saturating_sub(floors.iter().sum());
    let mut order: Vec<usize> = (0..people.len())
        .filter(|&i| !split[i].1.is_zero())
        .collect();
    order.sort_by(|&i, &j| {
        split[j]
            .1
            .cmp(&split[i].1)
            .then_with(|| people[j].score.cmp(&people[i].score))
            .then_with(|| people[i].id.cmp(&people[j].id))
    });
    let mut base = floors;
    for &i in order
        .iter()
        .take(usize::try_from(left).unwrap_or(usize::MAX))
    {
        base[i] += 1;
    }
    Ok(base)
}
