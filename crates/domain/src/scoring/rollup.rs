//! From parts to wholes (scoring.md, section 3): an objective from its phases and indicators,
//! a unit from its objectives, the administration from its units. Each is a weighted mean
//! whose weights are normalised by their sum; neutralised and unmeasurable parts leave it;
//! a whole with nothing measurable is "not measurable", never 0.

use rust_decimal::Decimal;

/// A part of a whole: its weight, its score (`None`: not measurable), whether neutralised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub weight: Decimal,
    pub score: Option<Decimal>,
    /// Neutralised by the evaluator (with a reason kept elsewhere): it leaves the mean and the
    /// other weights are renormalised. Shown, never hidden.
    pub neutralised: bool,
}

impl Part {
    pub fn new(weight: Decimal, score: Option<Decimal>) -> Part {
        Part {
            weight,
            score,
            neutralised: false,
        }
    }

    fn counts(&self) -> Option<Decimal> {
        if self.neutralised || self.weight <= Decimal::ZERO {
            None
        } else {
            self.score
        }
    }
}

/// The weighted mean of the parts that count, or `None` when none does.
pub fn weighted_mean(parts: &[Part]) -> Option<Decimal> {
    mean_of(parts.iter().cloned())
}

/// `weighted_mean` over parts as they come (nothing is collected).
pub fn mean_of(parts: impl IntoIterator<Item = Part>) -> Option<Decimal> {
    let (mut total, mut sum, mut any) = (Decimal::ZERO, Decimal::ZERO, false);
    for (w, s) in parts
        .into_iter()
        .filter_map(|p| p.counts().map(|s| (p.weight, s)))
    {
        total += w;
        sum += w * s;
        any = true;
    }
    if !any || total.is_zero() {
        return None;
    }
    Some(sum / total)
}

/// An objective's score from its phases' score and its indicators' weighted mean, with the
/// plan's weights for the two (e.g. 60/40; a zero weight leaves that side out). `blocked`:
/// an indicator waits for its actual, and the objective cannot be measured until it comes.
pub fn objective(
    phases: Option<Decimal>,
    phases_weight: Decimal,
    indicators: Option<Decimal>,
    indicators_weight: Decimal,
    blocked: bool,
) -> Option<Decimal> {
    if blocked && indicators_weight > Decimal::ZERO {
        return None;
    }
    mean_of([
        Part::new(phases_weight, phases),
        Part::new(indicators_weight, indicators),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    #[test]
    fn weights_are_normalised_and_neutralised_parts_leave() {
        let parts = [
            Part::new(d(2), Some(d(90))),
            Part::new(d(1), Some(d(60))),
            Part::new(d(1), None),
        ];
        assert_eq!(weighted_mean(&parts), Some(d(80)));
        let mut n = parts.to_vec();
        n[0].neutralised = true;
        assert_eq!(weighted_mean(&n), Some(d(60)));
        n[1].neutralised = true;
        assert_eq!(weighted_mean(&n), None, "nothing measurable is not 0");
    }

    #[test]
    fn an_objective_combines_phases_and_indicators_by_the_plan_weights() {
        let indicators = [Part::new(d(1), Some(d(100))), Part::new(d(1), Some(d(50)))];
        // 60/40: 0.6 × 80 + 0.4 × 75.
        assert_eq!(
            objective(Some(d(80)), d(60), weighted_mean(&indicators), d(40), false),
            Some(d(78))
        );
        // Phases alone.
        assert_eq!(
            objective(Some(d(80)), d(1), weighted_mean(&indicators), d(0), true),
            Some(d(80))
        );
        // An indicator waiting for its value blocks the objective.
        assert_eq!(
            objective(Some(d(80)), d(60), weighted_mean(&indicators), d(40), true),
            None
        );
        // No indicator measurable: the phases alone make the score.
        assert_eq!(
            objective(
                Some(d(80)),
                d(60),
                weighted_mean(&[Part::new(d(1), None)]),
                d(40),
                false
            ),
            Some(d(80))
        );
    }

    proptest! {
        /// Neutralising a failed objective (score 0) never lowers its unit.
        #[test]
        fn neutralising_a_failure_never_lowers_the_whole(
            scores in prop::collection::vec((1i64..5, 0i64..=100), 1..10),
            failed_weight in 1i64..5,
        ) {
            let mut parts: Vec<Part> = scores.iter().map(|(w, s)| Part::new(d(*w), Some(d(*s)))).collect();
            parts.push(Part::new(d(failed_weight), Some(d(0))));
            let before = weighted_mean(&parts).unwrap();
            parts.last_mut().unwrap().neutralised = true;
            let after = weighted_mean(&parts).unwrap();
            prop_assert!(after >= before);
            prop_assert!(after <= d(100) && before >= d(0));
        }
    }
}
