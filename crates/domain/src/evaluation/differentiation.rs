//! How differentiated an evaluator's (or a cluster's) scores are (issue 15, point 5): their
//! distribution over score bands, the mean, the standard deviation, the share in the top band
//! and whether it stays within a cap (the pending law speaks of 30%). Scores are the schede's
//! final scores; nothing here is personal once counted.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// A band of scores, both ends included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    pub from: Decimal,
    pub thru: Decimal,
}

/// The bands of the histogram unless the SMVP sets others: below 60 (negative), then 60 to 70,
/// 70 to 80, 80 to 90 and 90 to 100 (the top band); each starts just above the last.
pub fn default_bands() -> Vec<Band> {
    let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
    vec![
        Band {
            from: d("0"),
            thru: d("59.99"),
        },
        Band {
            from: d("60"),
            thru: d("70"),
        },
        Band {
            from: d("70.01"),
            thru: d("80"),
        },
        Band {
            from: d("80.01"),
            thru: d("90"),
        },
        Band {
            from: d("90.01"),
            thru: d("100"),
        },
    ]
}

/// The distribution of a set of scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    /// How many scores.
    pub count: usize,
    /// How many in each band, in the bands' order.
    pub counts: Vec<usize>,
    /// The mean, exactly; none without scores.
    pub mean: Option<Decimal>,
    /// The population standard deviation (a statistic to read, not an amount); none without
    /// scores.
    pub std_dev: Option<f64>,
    /// The share of scores in the top band (the last), in percent; none without scores.
    pub top_share: Option<Decimal>,
    /// Whether that share is above the cap.
    pub over_cap: bool,
}

/// The band of `score`: the first that holds it; below the first, the first; above the last
/// (over-achievement), the last.
fn band_of(bands: &[Band], score: Decimal) -> usize {
    if let Some(i) = bands
        .iter()
        .position(|b| b.from <= score && score <= b.thru)
    {
        return i;
    }
    if bands.first().is_some_and(|b| score < b.from) {
        return 0;
    }
    // Between two bands (a gap the SMVP left) or above the last: the band it passed.
    bands
        .iter()
        .rposition(|b| b.from <= score)
        .unwrap_or_default()
}

/// The distribution of `scores` over `bands` (none: the defaults), with the top band's share
/// checked against `cap_percent`.
pub fn distribution(scores: &[Decimal], bands: &[Band], cap_percent: Decimal) -> Distribution {
    let defaults;
    let bands = if bands.is_empty() {
        defaults = default_bands();
        &defaults
    } else {
        bands
    };
    let mut counts = vec![0; bands.len()];
    for s in scores {
        counts[band_of(bands, *s)] += 1;
    }
    let count = scores.len();
    if count == 0 {
        return Distribution {
            count,
            counts,
            mean: None,
            std_dev: None,
            top_share: None,
            over_cap: false,
        };
    }
    let n = Decimal::from(count);
    let mean = scores.iter().sum::<Decimal>() / n;
    let variance = scores
        .iter()
        .map(|s| (*s - mean) * (*s - mean))
        .sum::<Decimal>()
        / n;
    let top = Decimal::from(counts.last().copied().unwrap_or_default());
    let top_share = top * Decimal::ONE_HUNDRED / n;
    Distribution {
        count,
        counts,
        mean: Some(mean),
        std_dev: variance.to_f64().map(f64::sqrt),
        top_share: Some(top_share),
        over_cap: top_share > cap_percent,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn scores_fall_in_their_bands_and_the_top_share_is_checked() {
        let scores: Vec<Decimal> = [
            "55", "60", "70", "70.01", "85", "90.01", "95", "100", "120", "59.995",
        ]
        .iter()
        .map(|s| d(s))
        .collect();
        let r = distribution(&scores, &[], d("30"));
        // 55 and 59.995 (between 59.99 and 60) below 60; 60 and 70 in 60–70; 120 in the top.
        assert_eq!(r.counts, vec![2, 2, 1, 1, 4]);
        assert_eq!(r.count, 10);
        assert_eq!(r.top_share, Some(d("40")));
        assert!(r.over_cap);
        assert_eq!(r.mean, Some(d("80.5015")));
        let r = distribution(&scores[..8], &[], d("30"));
        assert_eq!(r.top_share, Some(d("37.5")));
        let r = distribution(&scores[..5], &[], d("30"));
        assert_eq!((r.top_share, r.over_cap), (Some(d("0")), false));
    }

    #[test]
    fn the_standard_deviation_is_the_populations_and_nothing_is_said_of_nobody() {
        let r = distribution(&[d("60"), d("80")], &[], d("30"));
        assert_eq!(r.mean, Some(d("70")));
        assert!((r.std_dev.unwrap() - 10.0).abs() < 1e-9);
        let none = distribution(&[], &[], d("30"));
        assert_eq!(
            (
                none.count,
                none.mean,
                none.std_dev,
                none.top_share,
                none.over_cap
            ),
            (0, None, None, None, false)
        );
        assert_eq!(none.counts, vec![0; 5]);
    }
}
