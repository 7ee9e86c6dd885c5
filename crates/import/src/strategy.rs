//! The DUP's macro-directions (`Macro-direttrice "…"`) and their programmatic axes.

use domain::{Axis, StrategyLine};

use crate::text::{Line, clean, collapse, is_bullet, is_upper, key, strip_bullet};

patterns! {
    DIRECTION = r#"(?i)^\s*macro\s*[-–]?\s*direttrice\s*[:\-–]?\s*["“«'](.+?)["”»']\s*:?\s*$"#;
    AXES_INTRO = r"(?i)^\s*assi\s+programmatici\s*:?\s*$";
}

/// Reads every macro-direction and its axes. A paragraph without a bullet continues the
/// axis above when that axis has not ended its sentence (`,` `;` `:`), as when a page break
/// or a sub-list splits it; otherwise it is an axis of its own.
pub fn read(lines: &[Line], banner: &str) -> Vec<StrategyLine> {
    let mut out: Vec<StrategyLine> = Vec::new();
    let mut open = false;
    for line in lines {
        if let Some(title) = DIRECTION.captures(line.text).and_then(|c| c.get(1)) {
            out.push(StrategyLine {
                id: format!("s{}", out.len() + 1),
                title: clean(title.as_str()),
                axes: Vec::new(),
            });
            open = true;
            continue;
        }
        if !open || line.is_blank() || AXES_INTRO.is_match(line.text) {
            continue;
        }
        let text = line.trimmed();
        if key(text) == banner || is_upper(text) {
            open = false;
            continue;
        }
        let Some(current) = out.last_mut() else {
            continue;
        };
        let indented = line.text.starts_with([' ', '\t']);
        let item = collapse(&clean(strip_bullet(text)));
        let continues = match current.axes.last() {
            Some(axis) => {
                (is_bullet(text) && indented) || (!is_bullet(text) && !ends_sentence(&axis.text))
            }
            None => false,
        };
        if continues {
            if let Some(axis) = current.axes.last_mut() {
                axis.text = format!("{} {item}", axis.text);
            }
        } else if is_bullet(text) || !current.axes.is_empty() {
            let id = format!("{}.{}", current.id, current.axes.len() + 1);
            current.axes.push(Axis { id, text: item });
        }
    }
    out
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end().ends_with(['.', '!', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::lines;

    #[test]
    fn axes_with_continuations_and_sub_lists() {
        let src = "Macro-direttrice \"ripresa\"\n\nAssi programmatici:\n\n- uno, come segue:\n\nprogetto a;\n\nprogetto b.\n- due:\n - due bis.\n\ntre senza punto elenco.\n\nMacro-direttrice \"altro\"\n\nAssi programmatici:\n\n- quattro\n\nCITTÀ DI X\n- fuori\n";
        let got = read(&lines(src), "citta di x");
        assert_eq!(got.len(), 2);
        let texts: Vec<&str> = got[0].axes.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "uno, come segue: progetto a; progetto b.",
                "due: due bis.",
                "tre senza punto elenco."
            ]
        );
        assert_eq!(got[0].axes[2].id, "s1.3");
        assert_eq!(got[1].axes.len(), 1);
    }
}
