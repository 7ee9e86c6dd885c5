//! The table of evaluations by category that the Relazione publishes (issue 15, points 5 and
//! 6): for each cluster, how many were evaluated, their mean score, how many negative and how
//! many in the top band — aggregated, never personal: a category of fewer than three people is
//! merged into «altre categorie», and any count of one or two is shown only as «meno di 3».

use rust_decimal::Decimal;

use super::CLUSTERS;
use super::differentiation::{Band, distribution};
use super::staff::Gender;

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
    /// `n` as published: fewer than three (but some) is «few».
    pub fn of(n: usize) -> Count {
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

/// People grouped by cluster: one group per cluster with at least three people, in the
/// clusters' order (an unknown cluster after them), then the rest merged (no name, the names
/// merged), when any.
#[allow(clippy::type_complexity)]
fn groups<T>(
    people: &[T],
    cluster: impl Fn(&T) -> &str,
) -> Vec<(Option<String>, Vec<String>, Vec<&T>)> {
    let mut names: Vec<&str> = CLUSTERS.to_vec();
    for p in people {
        if !names.contains(&cluster(p)) {
            names.push(cluster(p));
        }
    }
    let mut out = Vec::new();
    let mut small: Vec<&T> = Vec::new();
    let mut merged = Vec::new();
    for name in names {
        let of: Vec<&T> = people.iter().filter(|p| cluster(p) == name).collect();
        if of.is_empty() {
            continue;
        }
        if of.len() >= MIN_CELL {
            out.push((Some(name.to_owned()), Vec::new(), of));
        } else {
            merged.push(name.to_owned());
            small.extend(of);
        }
    }
    if !small.is_empty() {
        out.push((None, merged, small));
    }
    out
}

/// The table: one row per cluster with at least three people, in the clusters' order (an
/// unknown cluster after them), then «altre categorie» with the rest, when any.
pub fn by_category(people: &[Evaluated]) -> Vec<Row> {
    groups(people, |p| &p.cluster)
        .into_iter()
        .map(|(cluster, merged, of)| row(cluster, merged, &of))
        .collect()
}

/// One person of the staff evaluated, as the gender balance counts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gendered {
    pub cluster: String,
    pub gender: Gender,
    /// Their premia of the year, once the pool is shared.
    pub paid_cents: Option<i64>,
}

/// A gender's cell of the balance: how many, and their premia (only for three or more).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenderCell {
    pub gender: Gender,
    pub people: Count,
    pub paid_cents: Option<i64>,
}

/// A row of the gender balance (table T7): a cluster, or the small ones merged; a cell per
/// gender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenderRow {
    pub cluster: Option<String>,
    pub merged: Vec<String>,
    pub cells: Vec<GenderCell>,
}

/// The gender balance of the staff evaluated and of their premia, by category (table T7),
/// merged and hidden as `by_category` is.
pub fn by_gender(people: &[Gendered]) -> Vec<GenderRow> {
    groups(people, |p| &p.cluster)
        .into_iter()
        .map(|(cluster, merged, of)| GenderRow {
            cluster,
            merged,
            cells: Gender::ALL
                .iter()
                .map(|&g| {
                    let these: Vec<&&Gendered> = of.iter().filter(|p| p.gender == g).collect();
                    let paid = these.iter().map(|p| p.paid_cents).sum::<Option<i64>>();
                    GenderCell {
                        gender: g,
                        people: Count::of(these.len()),
                        paid_cents: paid.filter(|_| these.len() >= MIN_CELL),
                    }
                })
                .collect(),
        })
        .collect()
}

/// A row of the premia by category (Amministrazione Trasparente 06.04): how many had a payout
/// and the total paid, for three or more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidRow {
    pub cluster: Option<String>,
    pub merged: Vec<String>,
    pub people: Count,
    pub paid_cents: Option<i64>,
}

/// The premia paid by category, merged and hidden as `by_category` is (people without a
/// payout yet are not counted).
pub fn paid_by_category(people: &[Gendered]) -> Vec<PaidRow> {
    let paid: Vec<&Gendered> = people.iter().filter(|p| p.paid_cents.is_some()).collect();
    groups(&paid, |p| &p.cluster)
        .into_iter()
        .map(|(cluster, merged, of)| PaidRow {
            cluster,
            merged,
            people: Count::of(of.len()),
            paid_cents: (of.len() >= MIN_CELL)
                .then(|| of.iter().filter_map(|p| p.paid_cents).sum()),
        })
        .collect()
}

/// A row of the degree of differentiation (06.05): the scores of a category over the bands,
/// each count published as `Count`, the standard deviation for three or more.
#[derive(Debug, Clone, PartialEq)]
pub struct BandRow {
    pub cluster: Option<String>,
    pub merged: Vec<String>,
    pub people: Count,
    pub bands: Vec<Count>,
    pub std_dev: Option<f64>,
}

/// The distribution of scores over `bands` by category, merged and hidden as `by_category`.
pub fn bands_by_category(people: &[Evaluated], bands: &[Band]) -> Vec<BandRow> {
    groups(people, |p| &p.cluster)
        .into_iter()
        .map(|(cluster, merged, of)| {
            let scores: Vec<Decimal> = of.iter().map(|p| p.score).collect();
            let d = distribution(&scores, bands, Decimal::ONE_HUNDRED);
            BandRow {
                cluster,
                merged,
                people: Count::of(of.len()),
                bands: d.counts.iter().map(|n| Count::of(*n)).collect(),
                std_dev: d.std_dev.filter(|_| of.len() >= MIN_CELL),
            }
        })
        .collect()
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
    fn the_gender_balance_hides_cells_under_three_and_their_premia() {
        let p = |cluster: &str, gender, paid| Gendered {
            cluster: cluster.into(),
            gender,
            paid_cents: paid,
        };
        let people = vec![
            p("istruttore", Gender::F, Some(100)),
            p("istruttore", Gender::F, Some(200)),
            p("istruttore", Gender::F, Some(300)),
            p("istruttore", Gender::M, Some(50)),
            p("dirigente", Gender::M, Some(1000)),
        ];
        let table = by_gender(&people);
        assert_eq!(table.len(), 2);
        let f = table[0].cells[0];
        assert_eq!(
            (f.gender, f.people, f.paid_cents),
            (Gender::F, Count::Exactly(3), Some(600))
        );
        let m = table[0].cells[1];
        assert_eq!((m.people, m.paid_cents), (Count::Few, None));
        assert_eq!(table[0].cells[2].people, Count::Exactly(0));
        assert_eq!(table[1].merged, ["dirigente"]);
        // Before the pool is shared there are no premia to add up.
        let unpaid: Vec<Gendered> = people
            .iter()
            .map(|x| Gendered {
                paid_cents: None,
                ..x.clone()
            })
            .collect();
        assert_eq!(by_gender(&unpaid)[0].cells[0].paid_cents, None);
    }

    #[test]
    fn premia_and_bands_by_category_hide_what_is_under_three() {
        let g = |cluster: &str, paid| Gendered {
            cluster: cluster.into(),
            gender: Gender::N,
            paid_cents: paid,
        };
        let paid = paid_by_category(&[
            g("istruttore", Some(100)),
            g("istruttore", Some(250)),
            g("istruttore", Some(50)),
            g("istruttore", None),
            g("eq", Some(900)),
        ]);
        assert_eq!(paid.len(), 2);
        assert_eq!(
            (paid[0].people, paid[0].paid_cents),
            (Count::Exactly(3), Some(400))
        );
        assert_eq!((paid[1].people, paid[1].paid_cents), (Count::Few, None));
        let people = [
            person("istruttore", "95"),
            person("istruttore", "55"),
            person("istruttore", "75"),
            person("istruttore", "78"),
            person("eq", "88"),
        ];
        let rows = bands_by_category(&people, &super::super::differentiation::default_bands());
        let first = &rows[0];
        assert_eq!(first.people, Count::Exactly(4));
        // One below 60, none 60-70, two 70-80, none 80-90, one above 90.
        assert_eq!(
            first.bands,
            [
                Count::Few,
                Count::Exactly(0),
                Count::Few,
                Count::Exactly(0),
                Count::Few
            ]
        );
        assert!(first.std_dev.is_some());
        assert_eq!(rows[1].std_dev, None);
    }

    #[test]
    fn a_merged_row_of_fewer_than_three_shows_no_mean() {
        let table = by_category(&[person("dirigente", "92"), person("eq", "70")]);
        assert_eq!(table.len(), 1);
        assert_eq!((table[0].people, table[0].mean), (Count::Few, None));
        assert!(by_category(&[]).is_empty());
    }
}
