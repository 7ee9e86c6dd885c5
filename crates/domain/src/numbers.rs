//! Exact numbers read from JSON, one way for every engine (the scoring rules, the evaluation
//! and rewards cases; evaluation.md, «Numbers»): values read into decimals, rounding half up
//! to 2 decimals where the rules say "round", and decimals written back as JSON numbers.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;

/// A JSON number (or numeric text) as the decimal its shortest text writes (`70.01` stays
/// `70.01`, `1e-3` is `0.001`); `None` for anything else. How the scoring rules read numbers.
pub fn exact(v: &Value) -> Option<Decimal> {
    let text = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_owned(),
        _ => return None,
    };
    text.parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()
}

/// A number of evaluation.md's cases: `exact`, rounded to 6 decimals as that document says
/// (inputs have at most 4: a double rounded to 6 recovers the one written).
pub fn decimal(v: &Value) -> Option<Decimal> {
    exact(v).map(|d| d.round_dp(6).normalize())
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

/// Serde for a decimal kept in a stored document as its exact text (`"85.05"`), read back
/// from text or a number: `#[serde(with = "crate::numbers::text")]`.
pub mod text {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.normalize().to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        super::exact(&v).ok_or_else(|| de::Error::custom("not a number"))
    }

    /// The same for an optional decimal (`null` when absent).
    pub mod option {
        use rust_decimal::Decimal;
        use serde::{Deserialize, Deserializer, Serializer, de};

        pub fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => super::serialize(d, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
            let v = serde_json::Value::deserialize(d)?;
            if v.is_null() {
                return Ok(None);
            }
            super::super::exact(&v)
                .map(Some)
                .ok_or_else(|| de::Error::custom("not a number"))
        }
    }
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
        assert_eq!(
            decimal(&j!(0.30000000000000004)).unwrap().to_string(),
            "0.3"
        );
        assert_eq!(exact(&j!(1e-3)).unwrap().to_string(), "0.001");
        assert_eq!(exact(&j!([1])), None);
        assert_eq!(round2("72.015".parse().unwrap()).to_string(), "72.02");
        assert_eq!(round2("59.994".parse().unwrap()).to_string(), "59.99");
        assert_eq!(json("72.02".parse().unwrap()), j!(72.02));
    }
}
