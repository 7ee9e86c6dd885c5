//! Exact numbers for the evaluation and rewards engines (evaluation.md, «Numbers»): values
//! read from JSON into decimals (an input has at most 4 decimals: a double rounded to 6
//! recovers it), rounding half up to 2 decimals where the rules say "round", and decimals
//! written back as JSON numbers.

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;

/// A JSON number (or numeric text) as the decimal it was written as; `None` for anything else.
pub fn decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                return Some(Decimal::from(i));
            }
            if let Some(u) = n.as_u64() {
                return Decimal::from_u64(u);
            }
            let f = n.as_f64()?;
            if !f.is_finite() {
                return None;
            }
            format!("{f:.6}")
                .parse::<Decimal>()
                .ok()
                .map(|d| d.normalize())
        }
        Value::String(s) => s.trim().parse::<Decimal>().ok().map(|d| d.normalize()),
        _ => None,
    }
}

/// Half up to 2 decimals (72.015 → 72.02; 59.994 → 59.99).
pub fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A decimal as a JSON number (the nearest double).
pub fn json(d: Decimal) -> Value {
    d.to_f64()
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json as j;

    #[test]
    fn numbers_read_as_written_and_round_half_up() {
        assert_eq!(decimal(&j!(85.05)).unwrap().to_string(), "85.05");
        assert_eq!(decimal(&j!(0.1)).unwrap().to_string(), "0.1");
        assert_eq!(decimal(&j!(72.0125)).unwrap().to_string(), "72.0125");
        assert_eq!(decimal(&j!(3)).unwrap(), Decimal::from(3));
        assert_eq!(decimal(&j!("1.25")).unwrap().to_string(), "1.25");
        assert_eq!(decimal(&j!(null)), None);
        assert_eq!(round2("72.015".parse().unwrap()).to_string(), "72.02");
        assert_eq!(round2("59.994".parse().unwrap()).to_string(), "59.99");
        assert_eq!(json("72.02".parse().unwrap()), j!(72.02));
    }
}
