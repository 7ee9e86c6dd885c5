//! Who comes first: the maggiorazione's recipients (evaluation.md §2.5) and the dirigenti's
//! top (§2.6) are the first positives by descending score, a tie at the cut-off broken by
//! the rules' `tie_break`.

use std::cmp::Reverse;

use rust_decimal::Decimal;

use super::input::Person;

/// Marks the first min(k, n) positives by descending score. When the k-th and the (k+1)-th
/// have the same score, the tied group is ordered by the `tie_break` keys (higher value wins,
/// read from each person's `tie_keys`); no list, a tied person lacking a key or a tie the
/// keys leave at the cut-off is an error. Ties away from the cut-off need no rule.
pub fn leaders(
    people: &[Person],
    positive: &[bool],
    k: usize,
    tie_break: Option<&[String]>,
    what: &str,
) -> Result<Vec<bool>, String> {
    let mut order: Vec<usize> = (0..people.len()).filter(|&i| positive[i]).collect();
    order.sort_by_key(|&i| Reverse(people[i].score));
    let mut chosen = vec![false; people.len()];
    if k == 0 {
        return Ok(chosen);
    }
    if k >= order.len() {
        order.iter().for_each(|&i| chosen[i] = true);
        return Ok(chosen);
    }
    let cut = people[order[k - 1]].score;
    if people[order[k]].score != cut {
        order[..k].iter().for_each(|&i| chosen[i] = true);
        return Ok(chosen);
    }
    let above: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| people[i].score > cut)
        .collect();
    let slots = k - above.len();
    let keys = tie_break
        .filter(|keys| !keys.is_empty())
        .ok_or_else(|| format!("{what}: a tie at the cut-off and no tie_break"))?;
    let mut tied = order
        .iter()
        .filter(|&&i| people[i].score == cut)
        .map(|&i| Ok((i, tie_keys(&people[i], keys)?)))
        .collect::<Result<Vec<_>, String>>()?;
    tied.sort_by(|x, y| y.1.cmp(&x.1));
    if tied[slots - 1].1 == tied[slots].1 {
        return Err(format!(
            "{what}: tie_break does not break the tie at the cut-off"
        ));
    }
    above
        .iter()
        .chain(tied[..slots].iter().map(|(i, _)| i))
        .for_each(|&i| chosen[i] = true);
    Ok(chosen)
}

fn tie_keys(person: &Person, keys: &[String]) -> Result<Vec<Decimal>, String> {
    keys.iter()
        .map(|key| {
            person
                .tie_keys
                .get(key)
                .and_then(crate::numbers::decimal)
                .ok_or_else(|| format!("{} has no tie key {key:?}", person.id))
        })
        .collect()
}
