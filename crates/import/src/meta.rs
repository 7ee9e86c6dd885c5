//! The plan's identity: the administration, the title, the triennium and the PEG year.

use domain::{Entity, EntityKind};

use crate::text::{Line, collapse, is_upper, key};

patterns! {
    TITLE = r"(?i)\b(piano\s+della\s+performance|piano\s+integrato\s+di\s+attivit[àa]\s+e\s+organizzazione|piano\s+esecutivo\s+di\s+gestione|piao|peg)\b\s*(?:([0-9]{4})\s*[-–/]\s*([0-9]{4}))?";
    YEARS = r"^\s*([0-9]{4})\s*[-–/]\s*([0-9]{4})\s*$";
    PEG_YEAR = r"(?i)\(\s*(?:obiettivi\s+)?(?:p\.?\s*e\.?\s*g\.?\s+|peg\s+)?([0-9]{4})\s*\)|\bp\.?e\.?g\.?\s+([0-9]{4})\b";
}

/// Small words that stay lowercase when a name written in capitals is given back its case.
const LOWER: &[&str] = &[
    "di", "del", "della", "dei", "degli", "delle", "e", "ed", "in", "sul", "sulla",
];

/// Words that open the name of an administration.
const ENTITY_WORDS: &[&str] = &[
    "citta",
    "comune",
    "provincia",
    "regione",
    "unione",
    "ente",
    "consorzio",
    "azienda",
];

/// The banner that opens the document and its pages (`CITTÀ DI ALESSANDRIA`), as a key;
/// empty when the first line does not name an administration.
pub fn banner(lines: &[Line]) -> String {
    let first = lines
        .iter()
        .find(|l| !l.is_blank())
        .map(|l| key(l.text))
        .unwrap_or_default();
    let names_entity = first
        .split(' ')
        .next()
        .is_some_and(|w| ENTITY_WORDS.contains(&w))
        && first.split(' ').count() <= 8;
    if names_entity { first } else { String::new() }
}

/// The administration: the banner's name, in the document's own mixed case when it has one.
pub fn entity(lines: &[Line], banner: &str) -> Option<Entity> {
    if banner.is_empty() {
        return None;
    }
    let first = lines.iter().find(|l| !l.is_blank())?.trimmed();
    let name = lines
        .iter()
        .map(|l| l.trimmed())
        .find(|t| t.len() <= 2 * banner.len() + 8 && key(t) == banner && !is_upper(t))
        .map(collapse)
        .unwrap_or_else(|| title_case(first));
    let kind = match banner {
        b if b.starts_with("citta metropolitana") => EntityKind::CittaMetropolitana,
        b if b.starts_with("citta") || b.starts_with("comune") => EntityKind::Comune,
        b if b.starts_with("provincia") => EntityKind::Provincia,
        b if b.starts_with("regione") => EntityKind::Regione,
        b if b.starts_with("unione") => EntityKind::UnioneDiComuni,
        _ => EntityKind::Altro,
    };
    Some(Entity {
        name,
        kind,
        code: None,
    })
}

/// `CITTÀ DI ALESSANDRIA` → `Città di Alessandria`.
fn title_case(s: &str) -> String {
    collapse(s)
        .split(' ')
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            if i > 0 && LOWER.contains(&lower.as_str()) {
                return lower;
            }
            let mut c = lower.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// The title and triennium: `Il Piano della Performance 2021 - 2023` (or the words on one
/// line and the years on the next), preferring text in mixed case.
pub fn title_and_period(lines: &[Line]) -> Option<(String, i32, i32)> {
    let mut best: Option<(String, i32, i32, bool)> = None;
    for (i, line) in lines.iter().enumerate() {
        let Some(c) = TITLE.captures(line.text) else {
            continue;
        };
        let Some(words) = c.get(1) else { continue };
        let years = match (c.get(2), c.get(3)) {
            (Some(a), Some(b)) => Some((a.as_str().to_string(), b.as_str().to_string())),
            _ => lines[i + 1..]
                .iter()
                .find(|l| !l.is_blank())
                .and_then(|l| YEARS.captures(l.text))
                .and_then(|y| {
                    Some((
                        y.get(1)?.as_str().to_string(),
                        y.get(2)?.as_str().to_string(),
                    ))
                }),
        };
        let Some((from, to)) = years else { continue };
        let (Ok(from), Ok(to)) = (from.parse::<i32>(), to.parse::<i32>()) else {
            continue;
        };
        let mixed = !is_upper(words.as_str());
        let words = if mixed {
            collapse(words.as_str())
        } else {
            title_case(words.as_str())
        };
        if best.as_ref().is_none_or(|b| mixed && !b.3) {
            best = Some((format!("{words} {from}-{to}"), from, to, mixed));
        }
        if mixed {
            break;
        }
    }
    best.map(|(t, f, to, _)| (t, f, to))
}

/// The PEG year: `(P.E.G. 2021)`, `(OBIETTIVI 2021)`, `PEG 2021`.
pub fn peg_year(lines: &[Line]) -> Option<i32> {
    lines.iter().find_map(|l| {
        let c = PEG_YEAR.captures(l.text)?;
        c.get(1).or_else(|| c.get(2))?.as_str().parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::lines;

    #[test]
    fn identity_of_the_plan() {
        let src = "\nCITTÀ DI ALESSANDRIA\n\nPIANO DELLA PERFORMANCE\n\n2021 – 2023\n\n(P.E.G. 2021)\n\nIl Piano della Performance 2021 - 2023\nCittà di Alessandria\n";
        let ls = lines(src);
        let b = banner(&ls);
        let e = entity(&ls, &b).unwrap();
        assert_eq!(
            (e.name.as_str(), e.kind),
            ("Città di Alessandria", EntityKind::Comune)
        );
        assert_eq!(
            title_and_period(&ls),
            Some(("Piano della Performance 2021-2023".to_string(), 2021, 2023))
        );
        assert_eq!(peg_year(&ls), Some(2021));
        let upper = lines("COMUNE DI ASTI\n\nPIANO DELLA PERFORMANCE\n\n2022 - 2024\n");
        assert_eq!(
            entity(&upper, &banner(&upper)).unwrap().name,
            "Comune di Asti"
        );
        assert_eq!(
            title_and_period(&upper),
            Some(("Piano della Performance 2022-2024".to_string(), 2022, 2024))
        );
    }
}
