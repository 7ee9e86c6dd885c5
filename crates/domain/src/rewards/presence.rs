//! Presence and parameters at payment (evaluation.md §2.2): b = p × g.

use rust_decimal::Decimal;

use super::exact::Dec;
use super::input::{Person, Presence, Rules};

/// The person's b = p × g, times days_in_year × 100: g's denominator is the same for
/// everyone in a case, so every ratio of the formulas keeps it out of the one division.
pub fn weight(person: &Person, rules: &Rules) -> Result<Dec, String> {
    Ok(parameter(person, rules)?.mul(&presence(person, &rules.presence)?))
}

fn nonnegative(d: Decimal, what: &str, id: &str) -> Result<Dec, String> {
    Dec::of(d).ok_or_else(|| format!("{what} of {id} is negative"))
}

/// g × days_in_year × 100 = (days_employed − reducing days) × part_time, or
/// days_in_year × 100 when presence does not apply (g = 1). Errors: days_employed outside
/// 0..days_in_year, absence days of all kinds above days_employed, part_time outside
/// (0, 100]; absences of the kinds in `counted_as_present` count as presence.
fn presence(person: &Person, presence: &Presence) -> Result<Dec, String> {
    let id = person.id.as_str();
    let year = presence.days_in_year;
    if year <= Decimal::ZERO {
        return Err("days_in_year must be above 0".into());
    }
    let employed = person.days_employed.unwrap_or(year);
    if employed < Decimal::ZERO || employed > year {
        return Err(format!("days_employed of {id} is outside 0..{year}"));
    }
    if person.part_time <= Decimal::ZERO || person.part_time > Decimal::ONE_HUNDRED {
        return Err(format!("part_time of {id} is outside (0, 100]"));
    }
    let (mut absent, mut reducing) = (Dec::default(), Dec::default());
    for (kind, days) in &person.absences {
        let days = nonnegative(*days, "an absence's days", id)?;
        absent = absent.add(&days);
        if !presence.counted_as_present.iter().any(|k| k == kind) {
            reducing = reducing.add(&days);
        }
    }
    let employed = nonnegative(employed, "days_employed", id)?;
    if absent > employed {
        return Err(format!("the absences of {id} exceed days_employed"));
    }
    if !presence.apply {
        return Ok(nonnegative(year, "days_in_year", id)?.mul(&Dec::int(100)));
    }
    let present = employed
        .sub(&reducing)
        .ok_or_else(|| format!("the absences of {id} exceed days_employed"))?;
    Ok(present.mul(&nonnegative(person.part_time, "part_time", id)?))
}

/// p: the person's parameter, else the rules' per-cluster table (which must then list the
/// person's cluster), else 1.
fn parameter(person: &Person, rules: &Rules) -> Result<Dec, String> {
    nonnegative(parameter_value(person, rules)?, "the parameter", &person.id)
}

/// p as given.
fn parameter_value(person: &Person, rules: &Rules) -> Result<Decimal, String> {
    let id = person.id.as_str();
    let p = match (person.parameter, &rules.parameters) {
        (Some(p), _) => p,
        (None, Some(table)) => *table.get(&person.cluster).ok_or_else(|| {
            format!(
                "the parameters table has no row for cluster {} (of {id})",
                person.cluster
            )
        })?,
        (None, None) => Decimal::ONE,
    };
    Ok(p)
}

/// p and g as a person reads them in the explanation of their payout: p as given, g to four
/// decimals (rounded down; the amounts use g exactly).
pub fn shown(person: &Person, rules: &Rules) -> Result<(Decimal, Decimal), String> {
    let scaled = presence(person, &rules.presence)?;
    let denominator =
        nonnegative(rules.presence.days_in_year, "days_in_year", &person.id)?.mul(&Dec::int(100));
    let scale = scaled.scale().max(denominator.scale());
    let (q, _) = scaled
        .at_scale(scale)
        .mul(&super::exact::Nat::from_u128(10_000))
        .div_rem(&denominator.at_scale(scale))
        .ok_or("days_in_year is 0")?;
    let q = q
        .to_u128()
        .and_then(|q| i64::try_from(q).ok())
        .unwrap_or(i64::MAX);
    Ok((parameter_value(person, rules)?, Decimal::new(q, 4)))
}
