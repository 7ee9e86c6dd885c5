//! Names of units: their kind, their core words, how alike two names are, and their slugs.

use domain::{UnitId, UnitKind};

use crate::text::key;

/// Words that carry no meaning when comparing names.
const STOPWORDS: &[&str] = &[
    "e",
    "ed",
    "di",
    "del",
    "della",
    "dello",
    "dei",
    "degli",
    "delle",
    "il",
    "lo",
    "la",
    "i",
    "gli",
    "le",
    "a",
    "al",
    "alla",
    "ai",
    "agli",
    "alle",
    "per",
    "in",
    "con",
    "da",
    "dal",
    "dalla",
    "d",
    "l",
    "un",
    "una",
    "responsabile",
];

/// Standard abbreviations of the Italian public administration, spelled out for comparison.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("ll pp", "lavori pubblici"),
    ("llpp", "lavori pubblici"),
    ("oo pp", "opere pubbliche"),
    ("oopp", "opere pubbliche"),
    ("p m", "polizia municipale"),
    ("s a", "servizio autonomo"),
];

/// The kinds of unit and the words that open their names, longest first.
const KIND_PREFIXES: &[(&str, UnitKind)] = &[
    ("servizio autonomo", UnitKind::ServizioAutonomo),
    ("azienda speciale", UnitKind::Azienda),
    ("settore", UnitKind::Settore),
    ("area", UnitKind::Area),
    ("azienda", UnitKind::Azienda),
    ("ufficio", UnitKind::Ufficio),
    ("servizio", UnitKind::ServizioAutonomo),
];

/// The kind a unit's name declares by its first words, if any.
pub fn kind_of(name: &str) -> Option<UnitKind> {
    let k = key(name);
    KIND_PREFIXES
        .iter()
        .find(|(prefix, _)| k == *prefix || k.starts_with(&format!("{prefix} ")))
        .map(|(_, kind)| *kind)
}

/// Whether a line opens with the name of a unit (`Settore …`, `Servizio Autonomo …`).
pub fn opens_unit_name(line: &str) -> bool {
    kind_of(line).is_some()
}

/// The words that identify a unit, without its kind, stopwords and with abbreviations spelled.
pub fn core_words(name: &str) -> Vec<String> {
    let mut k = format!(" {} ", key(name));
    for (short, long) in ABBREVIATIONS {
        k = k.replace(&format!(" {short} "), &format!(" {long} "));
    }
    let k = k.trim();
    let rest = KIND_PREFIXES
        .iter()
        .find_map(|(prefix, _)| {
            k.strip_prefix(prefix)
                .filter(|r| r.is_empty() || r.starts_with(' '))
        })
        .unwrap_or(k);
    rest.split_whitespace()
        .filter(|w| !STOPWORDS.contains(w))
        .map(str::to_string)
        .collect()
}

/// How alike two names are, 0.0 to 1.0: the share of the shorter name's core words found
/// in the other, so that `Avvocatura` matches `Servizio Autonomo Avvocatura`.
pub fn likeness(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|w| b.contains(w)).count();
    let union = a.len() + b.len() - shared;
    // Ties on containment go to the closer overall match.
    shared as f64 / a.len().min(b.len()) as f64 + shared as f64 / union as f64 / 1000.0
}

/// Pairs `left` items with `right` items, best score first, each used once, keeping only
/// pairs scoring at least `threshold`. Returns (left index, right index) pairs.
pub fn best_pairs(
    left: usize,
    right: usize,
    score: impl Fn(usize, usize) -> f64,
    threshold: f64,
) -> Vec<(usize, usize)> {
    let mut scored = Vec::new();
    for i in 0..left {
        for j in 0..right {
            let s = score(i, j);
            if s >= threshold {
                scored.push((s, i, j));
            }
        }
    }
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut used_left = vec![false; left];
    let mut used_right = vec![false; right];
    let mut pairs = Vec::new();
    for (_, i, j) in scored {
        if !used_left[i] && !used_right[j] {
            used_left[i] = true;
            used_right[j] = true;
            pairs.push((i, j));
        }
    }
    pairs
}

/// A readable slug for a unit: its name without the kind words of settori and servizi,
/// up to the first comma (or further, until it has two words).
pub fn slug_for(name: &str, kind: UnitKind) -> Option<UnitId> {
    let strip_kind = matches!(
        kind,
        UnitKind::Settore | UnitKind::ServizioAutonomo | UnitKind::Ufficio
    );
    let mut words: Vec<String> = Vec::new();
    for (i, part) in name.split(',').enumerate() {
        let mut part_words: Vec<String> =
            key(part).split_whitespace().map(str::to_string).collect();
        if i == 0 && strip_kind {
            let prefix = KIND_PREFIXES
                .iter()
                .map(|(p, _)| p.split(' ').collect::<Vec<_>>())
                .find(|p| {
                    part_words.len() > p.len()
                        && part_words.iter().zip(p.iter()).all(|(w, q)| w == q)
                });
            if let Some(p) = prefix {
                part_words.drain(..p.len());
            }
        }
        words.extend(part_words);
        if words.len() >= 2 {
            break;
        }
    }
    UnitId::slugify(&words.join(" ")).or_else(|| UnitId::slugify(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_first_words() {
        assert_eq!(
            kind_of("SERVIZIO AUTONOMO RISORSE UMANE"),
            Some(UnitKind::ServizioAutonomo)
        );
        assert_eq!(
            kind_of("Azienda Speciale Multiservizi"),
            Some(UnitKind::Azienda)
        );
        assert_eq!(kind_of("AREA TECNICA"), Some(UnitKind::Area));
        assert_eq!(kind_of("Areale"), None);
        assert_eq!(kind_of("Dott. Rossi"), None);
    }

    #[test]
    fn likeness_finds_abbreviated_and_shortened_names() {
        let unit = core_words("Settore Lavori Pubblici, Infrastrutture e Smart City");
        assert_eq!(
            likeness(
                &core_words("LL.PP., Infrastrutture e Smart City (*)"),
                &unit
            )
            .floor(),
            1.0
        );
        assert_eq!(
            likeness(
                &core_words("SETTORE LLPP, INFRASTRUTTURE E SMART CITY"),
                &unit
            )
            .floor(),
            1.0
        );
        assert!(
            likeness(
                &core_words("Avvocatura"),
                &core_words("Servizio Autonomo Avvocatura")
            ) >= 1.0
        );
        assert!(likeness(&core_words("Staff Segretario Generale"), &unit) < 0.5);
    }

    #[test]
    fn slugs_are_short_and_readable() {
        let s = |n, k| slug_for(n, k).unwrap().to_string();
        assert_eq!(
            s(
                "Settore Gabinetto del Sindaco, Segreterie particolari",
                UnitKind::Settore
            ),
            "gabinetto-del-sindaco"
        );
        assert_eq!(
            s(
                "Servizio Autonomo Gare, Appalti e Contratti",
                UnitKind::ServizioAutonomo
            ),
            "gare-appalti-e-contratti"
        );
        assert_eq!(
            s("Servizio Autonomo Avvocatura", UnitKind::ServizioAutonomo),
            "avvocatura"
        );
        assert_eq!(s("Area Tecnica", UnitKind::Area), "area-tecnica");
        assert_eq!(
            s(
                "Settore Sviluppo Economico, Sanità, Ambiente",
                UnitKind::Settore
            ),
            "sviluppo-economico"
        );
    }
}
