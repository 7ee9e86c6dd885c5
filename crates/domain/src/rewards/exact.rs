//! Exact arithmetic for the pool (evaluation.md, «Numbers»: "compute exactly … a division
//! written here as one fraction is one division in the code"): nonnegative integers of any
//! size ([`Nat`], on `num-bigint`) and nonnegative decimals built on them ([`Dec`]). Products of scores,
//! parameters, part-time percentages and budgets outgrow `i128` and `Decimal` would round
//! them, so the engine never divides before the one division of each fraction.

use std::cmp::Ordering;

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};
use rust_decimal::Decimal;

/// A nonnegative integer of any size (`num_bigint::BigUint`), with the few operations the pool
/// needs; a subtraction or division that has no answer in it gives `None`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Nat(BigUint);

impl Nat {
    pub fn zero() -> Nat {
        Nat(BigUint::zero())
    }

    pub fn from_u128(v: u128) -> Nat {
        Nat(BigUint::from(v))
    }

    /// 10 to the power `e`.
    pub fn pow10(e: u32) -> Nat {
        Nat(BigUint::from(10u32).pow(e))
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// The value, when it fits in a `u128`.
    pub fn to_u128(&self) -> Option<u128> {
        self.0.to_u128()
    }

    pub fn add(&self, other: &Nat) -> Nat {
        Nat(&self.0 + &other.0)
    }

    /// `self − other`, `None` when it would be negative.
    pub fn sub(&self, other: &Nat) -> Option<Nat> {
        (self.0 >= other.0).then(|| Nat(&self.0 - &other.0))
    }

    pub fn mul(&self, other: &Nat) -> Nat {
        Nat(&self.0 * &other.0)
    }

    /// Quotient and remainder of `self / d`, `None` when `d` is zero.
    pub fn div_rem(&self, d: &Nat) -> Option<(Nat, Nat)> {
        if d.is_zero() {
            return None;
        }
        let (q, r) = self.0.div_rem(&d.0);
        Some((Nat(q), Nat(r)))
    }

    /// ⌈self / d⌉, `None` when `d` is zero.
    pub fn div_ceil(&self, d: &Nat) -> Option<Nat> {
        if d.is_zero() {
            return None;
        }
        Some(Nat(Integer::div_ceil(&self.0, &d.0)))
    }
}

/// A nonnegative decimal, exactly: `mantissa / 10^scale`.
#[derive(Debug, Clone, Default)]
pub struct Dec {
    mantissa: Nat,
    scale: u32,
}

impl Dec {
    /// A nonnegative `Decimal`; `None` for a negative one.
    pub fn of(d: Decimal) -> Option<Dec> {
        let mantissa = u128::try_from(d.mantissa()).ok()?;
        Some(Dec {
            mantissa: Nat::from_u128(mantissa),
            scale: d.scale(),
        })
    }

    pub fn int(v: u128) -> Dec {
        Dec {
            mantissa: Nat::from_u128(v),
            scale: 0,
        }
    }

    /// The value times 10^`scale` (an integer when `scale` is at least the value's own).
    pub fn at_scale(&self, scale: u32) -> Nat {
        self.mantissa
            .mul(&Nat::pow10(scale.saturating_sub(self.scale)))
    }

    pub fn scale(&self) -> u32 {
        self.scale
    }

    pub fn add(&self, other: &Dec) -> Dec {
        let scale = self.scale.max(other.scale);
        Dec {
            mantissa: self.at_scale(scale).add(&other.at_scale(scale)),
            scale,
        }
    }

    /// `self − other`, `None` when `other` is larger.
    pub fn sub(&self, other: &Dec) -> Option<Dec> {
        let scale = self.scale.max(other.scale);
        Some(Dec {
            mantissa: self.at_scale(scale).sub(&other.at_scale(scale))?,
            scale,
        })
    }

    pub fn mul(&self, other: &Dec) -> Dec {
        Dec {
            mantissa: self.mantissa.mul(&other.mantissa),
            scale: self.scale + other.scale,
        }
    }
}

impl PartialEq for Dec {
    fn eq(&self, other: &Dec) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Dec {}

impl Ord for Dec {
    fn cmp(&self, other: &Dec) -> Ordering {
        let scale = self.scale.max(other.scale);
        self.at_scale(scale).cmp(&other.at_scale(scale))
    }
}

impl PartialOrd for Dec {
    fn partial_cmp(&self, other: &Dec) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Values with a common denominator: each is `numerators[k] / denominator`.
#[derive(Debug, Clone)]
pub struct Fractions {
    pub numerators: Vec<Nat>,
    pub denominator: Nat,
}

/// Decimals as integers over one power of ten: the integers and that power's exponent.
pub fn integers(values: &[Dec]) -> (Vec<Nat>, u32) {
    let scale = values.iter().map(Dec::scale).max().unwrap_or(0);
    (values.iter().map(|v| v.at_scale(scale)).collect(), scale)
}

pub fn sum(values: &[Nat]) -> Nat {
    values.iter().fold(Nat::zero(), |acc, v| acc.add(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn arithmetic_on_small_and_large_numbers() {
        let a = Nat::from_u128(u128::MAX);
        let b = a.mul(&a);
        let (q, r) = b.div_rem(&a).unwrap();
        assert_eq!(q, a);
        assert!(r.is_zero());
        assert_eq!(
            b.add(&Nat::from_u128(5)).div_rem(&a).unwrap().1,
            Nat::from_u128(5)
        );
        assert_eq!(Nat::pow10(3).to_u128(), Some(1000));
        assert_eq!(
            Nat::from_u128(7).div_ceil(&Nat::from_u128(2)),
            Some(Nat::from_u128(4))
        );
        assert_eq!(Nat::from_u128(3).sub(&Nat::from_u128(4)), None);
        let x = Dec::of("1.10".parse().unwrap()).unwrap();
        assert_eq!(x, Dec::of("1.1".parse().unwrap()).unwrap());
        assert!(x < Dec::int(2));
        assert_eq!(
            x.mul(&Dec::int(2)),
            Dec::of("2.2".parse().unwrap()).unwrap()
        );
        assert_eq!(Dec::of("-1".parse().unwrap()), None);
    }

    proptest! {
        #[test]
        fn divides_large_numbers(x in any::<u128>(), y in 1u128.., r in any::<u128>()) {
            let (nx, ny) = (Nat::from_u128(x), Nat::from_u128(y));
            let nr = Nat::from_u128(r % y);
            let (q, rest) = nx.mul(&ny).add(&nr).div_rem(&ny).unwrap();
            prop_assert_eq!(q, nx);
            prop_assert_eq!(rest, nr);
        }

        #[test]
        fn matches_u128(a in 0u64.., b in 0u64.., c in 1u64..) {
            let (na, nb, nc) = (Nat::from_u128(a.into()), Nat::from_u128(b.into()), Nat::from_u128(c.into()));
            let p = u128::from(a) * u128::from(b);
            prop_assert_eq!(na.mul(&nb).to_u128(), Some(p));
            prop_assert_eq!(na.add(&nb).to_u128(), Some(u128::from(a) + u128::from(b)));
            let (q, r) = na.mul(&nb).div_rem(&nc).unwrap();
            prop_assert_eq!(q.to_u128(), Some(p / u128::from(c)));
            prop_assert_eq!(r.to_u128(), Some(p % u128::from(c)));
            prop_assert_eq!(na.cmp(&nb), a.cmp(&b));
            if a >= b {
                prop_assert_eq!(na.sub(&nb).unwrap().to_u128(), Some(u128::from(a - b)));
            }
        }
    }
}
