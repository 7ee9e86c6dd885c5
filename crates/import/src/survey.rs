//! Customer-satisfaction results ("GLI EMOTICON"): service, then positive, neutral, negative %.

use domain::{Percent, SurveyResult};

use crate::text::{Line, collapse, key};

patterns! {
    ROW = r"^\s*([^\t]+?)\s*:?\s*\t\s*([0-9]{1,3}(?:[.,][0-9]+)?)\s*%\s*\t\s*([0-9]{1,3}(?:[.,][0-9]+)?)\s*%\s*\t\s*([0-9]{1,3}(?:[.,][0-9]+)?)\s*%\s*$";
    YEAR = r"\b(20[0-9]{2}|19[0-9]{2})\b";
}

/// The rows after the emoticon heading; the year is the last one named in the paragraphs
/// just before it ("indagini … effettuate nel corso del 2020").
pub fn read(lines: &[Line]) -> Vec<SurveyResult> {
    let Some(at) = lines.iter().position(|l| {
        if l.text.len() > 60 {
            return false;
        }
        let k = key(l.text);
        k == "gli emoticon" || k == "emoticon" || k.starts_with("customer satisfaction risultati")
    }) else {
        return Vec::new();
    };
    let year = lines[..at]
        .iter()
        .rev()
        .filter(|l| !l.is_blank())
        .take(4)
        .find_map(|l| {
            YEAR.captures_iter(l.text)
                .last()
                .and_then(|c| c.get(1)?.as_str().parse().ok())
        });
    let mut out = Vec::new();
    for line in &lines[at + 1..] {
        if line.is_blank() {
            continue;
        }
        let Some(c) = ROW.captures(line.text) else {
            if out.is_empty() {
                continue;
            }
            break;
        };
        let pct = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<Percent>().ok());
        if let (Some(service), Some(p), Some(n), Some(neg)) = (c.get(1), pct(2), pct(3), pct(4)) {
            out.push(SurveyResult {
                service: collapse(service.as_str().trim_end_matches(':')),
                year,
                positive_pct: p,
                neutral_pct: n,
                negative_pct: neg,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::lines;

    #[test]
    fn rows_and_year() {
        let src = "indagini effettuate nel corso del 2020.\n\nGLI EMOTICON\n\n(Giudizio)\n\nCentri Estivi:\t97%\t3%\t0%\nURP:\t76%\t17%\t7%\n\nNel corso del 2021 altro\n";
        let got = read(&lines(src));
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].service, "Centri Estivi");
        assert_eq!(got[0].year, Some(2020));
        assert_eq!(got[1].negative_pct.to_string(), "7");
    }
}
