//! The table of evaluations by category that the Relazione publishes (issue 15, points 5 and
//! 6): for each cluster, how many were evaluated, their mean score, how many negative and how
//! many in the top band — aggregated, never personal: a category of fewer than three people is
//! merged into «altre categorie», and any count of one or two is shown only as «meno di 3».

use rust_decimal::Decimal;

use super::CLUSTERS;

/// The smallest group a published number may describe.
pub const MIN_CELL: usize = 3;

/// One evaluated person, as the table counts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluated {
    pub cluster: String,
    pub score: Decimal,
    pub negative: bool,
    /// Whether the score is in the top band.
    pub top: bool,
}

/// A published count: the number, or «fewer than three» (never 1 or 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Exactly(usize),
    Few,
}

impl Count {
    fn of(n: usize) -> Count {
        if n == 0 || n >= MIN_CELL {
            Count::Exactly(n)
        } else {
            Count::Few
        }
    }
}

/// A row of the table: a cluster, or the categories merged for being small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The cluster's name, or none for «altre categorie».
    pub cluster: Option<String>,
    /// The clusters merged into this row (for «altre categorie»).
    pub merged: Vec<String>,
    pub people: Count,
    /// The mean score, when the row has at least three people.
    pub mean: Option<Decimal>,
    pub negative: Count,
    pub top: Count,
}

fn row(cluster: Option<String>, merged: Vec<String>, people: &[&Evaluated]) -> Row {
    let n = people.len();
    let mean =
        (n >= MIN_CELL).then(|| people.iter().map(|p| p.score).sum::<Decimal>() / Decimal::from(n));
    Row {
        cluster,
        merged,
        people: Count::of(n),
        mean,
        negative: Count::of(people.iter().filter(|p| p.negative).count()),
        top: Count::of(people.iter().filter(|p| p.top).count()),
    }
}

/// The table: one row per cluster with at least three people, in the clusters' order (an
/// unknown cluster after them), then «altre categorie» with the rest, when any.
pub fn by_category(people: &[Evaluated]) -> Vec<Row> {
    let mut names: Vec<&str> = CLUSTERS.to_vec();
    for p in people {
        if !names.contains(&p.cluster.as_str()) {
            names.push(&p.cluster);
        }
    }
    let mut rows = Vec::new();
    let mut small: Vec<&Evaluated> = Vec::new();
    let mut merged = Vec::new();
    for name in names {
        let of: Vec<&Evaluated> = people.iter().filter(|p| p.cluster == name).collect();
        if of.is_empty() {
            continue;
        }
        if of.len() >= MIN_CELL {
            rows.push(row(Some(name.to_owned()), Vec::new(), &of));
        } else {
            merged.push(name.to_owned());
            small.extend(of);
        }
    }
    if !small.is_empty() {
        rows.push(row(None, merged, &small));
    }
    rows
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn person(cluster: &str, score: &str) -> Evaluated {
        let score: Decimal = score.parse().unwrap();
        Evaluated {
            cluster: cluster.into(),
            score,
            negative: score < Decimal::from(60),
            top: score > Decimal::from(90),
        }
    }

    #[test]
    fn small_categories_are_merged_and_small_counts_never_shown() {
        let people = vec![
            person("istruttore", "95"),
            person("istruttore", "55"),
            person("istruttore", "75"),
            person("istruttore", "80"),
            person("dirigente", "92"),
            person("eq", "88"),
            person("eq", "91"),
            person("operatore", "70"),
        ];
        let table = by_category(&people);
        assert_eq!(table.len(), 2);
        let istruttori = &table[0];
        assert_eq!(istruttori.cluster.as_deref(), Some("istruttore"));
        assert_eq!(istruttori.people, Count::Exactly(4));
        assert_eq!(istruttori.mean, Some("76.25".parse().unwrap()));
        // One negative, one in the top band: too few to say.
        assert_eq!(
            (istruttori.negative, istruttori.top),
            (Count::Few, Count::Few)
        );
        let others = &table[1];
        assert_eq!(others.cluster, None);
        assert_eq!(others.merged, ["dirigente", "eq", "operatore"]);
        assert_eq!(others.people, Count::Exactly(4));
        assert_eq!(others.negative, Count::Exactly(0));
        assert_eq!(others.top, Count::Few);
    }

    #[test]
    fn a_merged_row_of_fewer_than_three_shows_no_mean() {
        let table = by_category(&[person("dirigente", "92"), person("eq", "70")]);
        assert_eq!(table.len(), 1);
        assert_eq!((table[0].people, table[0].mean), (Count::Few, None));
        assert!(by_category(&[]).is_empty());
    }
}
