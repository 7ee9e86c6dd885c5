//! Text helpers shared by the readers: cleaning field text, comparison keys, bullets and cells.

use std::sync::LazyLock;

use domain::values::fold_accent;
use regex::Regex;

/// A line of the source with its 1-based number.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    pub no: usize,
    pub text: &'a str,
}

impl<'a> Line<'a> {
    pub fn trimmed(&self) -> &'a str {
        self.text.trim()
    }

    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// The tab-separated cells of the line, each trimmed.
    pub fn cells(&self) -> Vec<&'a str> {
        self.text.trim_end().split('\t').map(str::trim).collect()
    }
}

pub fn lines(text: &str) -> Vec<Line<'_>> {
    text.lines()
        .enumerate()
        .map(|(i, text)| Line { no: i + 1, text })
        .collect()
}

static TAG: LazyLock<Regex> =
    LazyLock::new(|| re(r"</?[A-Za-z][A-Za-z0-9]{0,9}(?:\s[^<>]{0,200})?/?>"));
static MATH: LazyLock<Regex> = LazyLock::new(|| re(r"\$([^$\n]{1,80})\$"));
static EMPHASIS: LazyLock<Regex> = LazyLock::new(|| re(r"\*([^*\s](?:[^*]{0,400}[^*\s])?)\*"));
static BULLET: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:[-–•▪◦]|\*\s)\s*"));
static ENUMERATOR: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:[-–•▪◦]\s*)?(?:\d{1,2}|[a-z])\)\s*"));

/// Compiles a pattern written in this crate; the patterns are constants checked by the tests.
pub fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("invalid built-in pattern {pattern}: {e}"))
}

/// Text of a field as plan-format.md wants it: the lines joined by single spaces, list
/// bullets, HTML tags, emphasis and TeX markup removed. `None` when nothing is left.
pub fn clean_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut joined = String::new();
    for line in lines {
        let line = strip_bullet(line.trim());
        if !line.is_empty() {
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(line);
        }
    }
    let text = clean(&joined);
    (!text.is_empty()).then_some(text)
}

/// Removes markup from one piece of text and collapses its whitespace.
pub fn clean(text: &str) -> String {
    let mut s = text.replace("**", "");
    if s.contains('<') {
        s = TAG.replace_all(&s, " ").into_owned();
    }
    if s.contains('$') {
        s = MATH
            .replace_all(&s, |c: &regex::Captures| {
                tex(c.get(1).map_or("", |m| m.as_str()))
            })
            .into_owned();
    }
    if s.contains('*') {
        s = EMPHASIS.replace_all(&s, "$1").into_owned();
    }
    collapse(&s)
}

/// Inline TeX as converters leave it (`$\geq 20\%$`) in plain characters (`≥ 20%`).
fn tex(math: &str) -> String {
    let mut s = math.to_string();
    for (from, to) in [
        ("\\geq", "≥"),
        ("\\ge", "≥"),
        ("\\leq", "≤"),
        ("\\le", "≤"),
        ("\\neq", "≠"),
        ("\\times", "×"),
        ("\\%", "%"),
        ("\\,", " "),
        ("\\ ", " "),
    ] {
        s = s.replace(from, to);
    }
    s.replace(['{', '}'], "")
}

/// Whitespace collapsed to single spaces, trimmed.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The line without a leading list bullet (`- `, `• `).
pub fn strip_bullet(line: &str) -> &str {
    match BULLET.find(line) {
        Some(m) => &line[m.end()..],
        None => line,
    }
}

/// The line without a leading bullet or enumerator (`- `, `1) `, `a) `).
pub fn strip_enumerator(line: &str) -> &str {
    match ENUMERATOR.find(line) {
        Some(m) => &line[m.end()..],
        None => strip_bullet(line),
    }
}

pub fn is_bullet(line: &str) -> bool {
    BULLET.is_match(line.trim_start())
}

/// A comparison key: lowercase, accents folded (also the typewriter `A'` for `À`), every
/// run of other characters a single space.
pub fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = if c.is_ascii() {
            c
        } else {
            fold_accent(c).unwrap_or(c)
        };
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            space = true;
        }
    }
    out
}

/// Whether `text` contains `word` in any case (ASCII words only), without allocating.
pub fn contains_word(text: &str, word: &str) -> bool {
    let (t, w) = (text.as_bytes(), word.as_bytes());
    !w.is_empty() && t.windows(w.len()).any(|win| win.eq_ignore_ascii_case(w))
}

/// Whether a line is written in capitals (has letters and no lowercase letter).
pub fn is_upper(s: &str) -> bool {
    s.chars().any(char::is_alphabetic) && !s.chars().any(char::is_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_removes_markup_and_collapses() {
        assert_eq!(clean("<p>a) uno.</p> <p>b) due</p>"), "a) uno. b) due");
        assert_eq!(
            clean("Riduzione ($\\geq 20\\%$ in meno)"),
            "Riduzione (≥ 20% in meno)"
        );
        assert_eq!(
            clean("tre componenti: *benessere organizzativo* (stato)"),
            "tre componenti: benessere organizzativo (stato)"
        );
        assert_eq!(clean("**SETTORE X**  e   Y"), "SETTORE X e Y");
        assert_eq!(clean("LL.PP. (*) e altro"), "LL.PP. (*) e altro");
        assert_eq!(
            clean_lines(["- uno;", "", "- 1) due"]).unwrap(),
            "uno; 1) due"
        );
        assert_eq!(clean_lines(["  ", ""]), None);
    }

    #[test]
    fn keys_fold_case_accents_and_punctuation() {
        assert_eq!(key("CITTA' DI ALESSANDRIA"), key("Città di Alessandria"));
        assert_eq!(key("  SANITA', Ambiente "), "sanita ambiente");
        assert!(is_upper("SETTORE LLPP, E-GOV"));
        assert!(!is_upper("Settore"));
        assert_eq!(strip_enumerator("2) Report"), "Report");
        assert_eq!(strip_enumerator("- n. Denunce"), "n. Denunce");
    }
}
