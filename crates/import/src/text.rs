//! Text helpers shared by the readers: cleaning field text, comparison keys, bullets and cells.

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

patterns! {
    BULLET = r"^(?:[-–•▪◦]|\*\s)\s*";
    ENUMERATOR = r"^(?:[-–•▪◦]\s*)?(?:[0-9]{1,2}|[a-z])\)\s*";
}

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
        s = spans(&s, '<', tag, |_| " ".to_string());
    }
    if s.contains('$') {
        s = spans(&s, '$', math, tex);
    }
    if s.contains('*') {
        s = spans(&s, '*', emphasis, str::to_string);
    }
    collapse(&s)
}

// Tags, inline TeX and emphasis are scanned by hand rather than by regular expressions: their
// bounded repetitions (`[^*]{0,400}`) compiled into automata took more time at every start than
// the rest of an import.

/// `text` with every span that opens with `open` and that `span` accepts replaced by
/// `replace(inner)`, left to right (as `Regex::replace_all`). `span` gets the text from just
/// after `open` and gives the length in bytes of what follows it, and the inner part.
fn spans(
    text: &str,
    open: char,
    span: impl Fn(&str) -> Option<(usize, &str)>,
    replace: impl Fn(&str) -> String,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(open) {
        out.push_str(&rest[..at]);
        let after = &rest[at + open.len_utf8()..];
        match span(after) {
            Some((len, inner)) => {
                out.push_str(&replace(inner));
                rest = &after[len..];
            }
            None => {
                out.push(open);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// An HTML tag after its `<`: `/`?, a name of 1-10 ASCII letters and digits starting with a
/// letter, then `>`, `/>`, or a space and up to 200 characters other than `<` `>` before `>`.
fn tag(after: &str) -> Option<(usize, &str)> {
    let body = after.strip_prefix('/').unwrap_or(after);
    let name = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(body.len());
    if name == 0 || name > 10 || !body.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let start = after.len() - body.len() + name;
    let rest = &after[start..];
    if rest.starts_with('>') {
        return Some((start + 1, ""));
    }
    if rest.starts_with("/>") {
        return Some((start + 2, ""));
    }
    let first = rest.chars().next().filter(|c| c.is_whitespace())?;
    let attributes = &rest[first.len_utf8()..];
    let end = attributes.find(['<', '>'])?;
    let inside = &attributes[..end];
    let count = inside.chars().count();
    // Up to 200 characters, or 201 when the last is the `/` of `/>`.
    if !attributes[end..].starts_with('>')
        || (count > 200 && !(count == 201 && inside.ends_with('/')))
    {
        return None;
    }
    Some((start + first.len_utf8() + end + 1, ""))
}

/// Inline TeX after its `$`: 1-80 characters, none a `$` or a line break, then `$`.
fn math(after: &str) -> Option<(usize, &str)> {
    let end = after.find(['$', '\n'])?;
    let inner = &after[..end];
    let count = inner.chars().count();
    (after[end..].starts_with('$') && (1..=80).contains(&count)).then_some((end + 1, inner))
}

/// Emphasis after its `*`: up to 402 characters other than `*`, neither the first nor the last
/// a space, then `*`.
fn emphasis(after: &str) -> Option<(usize, &str)> {
    let end = after.find('*')?;
    let inner = &after[..end];
    let (first, last) = (inner.chars().next()?, inner.chars().next_back()?);
    let spaced = first.is_whitespace() || last.is_whitespace();
    (!spaced && inner.chars().count() <= 402).then_some((end + 1, inner))
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
    use std::sync::LazyLock;

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

    /// The regular expressions the scanners replaced: the scanners must find what they found.
    fn by_regex(pattern: &LazyLock<Regex>, text: &str, replace: impl Fn(&str) -> String) -> String {
        pattern
            .replace_all(text, |c: &regex::Captures| {
                replace(c.get(1).map_or("", |m| m.as_str()))
            })
            .into_owned()
    }

    use proptest::strategy::Strategy;

    static TAG: LazyLock<Regex> =
        LazyLock::new(|| re(r"</?[A-Za-z][A-Za-z0-9]{0,9}(?:\s[^<>]{0,200})?/?>"));
    static MATH: LazyLock<Regex> = LazyLock::new(|| re(r"\$([^$\n]{1,80})\$"));
    static EMPHASIS: LazyLock<Regex> = LazyLock::new(|| re(r"\*([^*\s](?:[^*]{0,400}[^*\s])?)\*"));

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn the_scanners_find_what_the_regular_expressions_found(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec!["<", ">", "/", "$", "*", " ", "\n", "\t", "a", "Z", "7", "è", "br", "p class=x", "\u{a0}"]).prop_map(String::from),
                    "[a-z ]{0,250}".prop_map(String::from),
                ],
                0..24,
            )
        ) {
            let text: String = parts.concat();
            proptest::prop_assert_eq!(
                spans(&text, '<', tag, |_| " ".to_string()),
                by_regex(&TAG, &text, |_| " ".to_string())
            );
            proptest::prop_assert_eq!(
                spans(&text, '$', math, tex),
                by_regex(&MATH, &text, tex)
            );
            proptest::prop_assert_eq!(
                spans(&text, '*', emphasis, str::to_string),
                by_regex(&EMPHASIS, &text, str::to_string)
            );
        }
    }

    #[test]
    fn long_spans_stay_as_they_are() {
        let long = "x".repeat(81);
        assert_eq!(clean(&format!("$a$ ${long}$ b")), format!("a ${long}$ b"));
        let attributes = "y".repeat(199);
        assert_eq!(clean(&format!("a<p {attributes}/>b")), "a b");
        assert_eq!(
            clean(&format!("a<p {attributes}yy>b")),
            format!("a<p {attributes}yy>b")
        );
        assert_eq!(clean("<abcdefghijk>x</abcdefghij>"), "<abcdefghijk>x");
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
