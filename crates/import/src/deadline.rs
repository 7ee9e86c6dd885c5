//! Reads a deadline cell (`30/06/2021`, `in corso d'anno`, `2 mesi da fase 2)`, …) into a `Deadline`.

use chrono::NaiveDate;
use domain::{Anchor, Deadline, Offset, PhaseLabel, Relative, When};

use crate::text::{collapse, key};

const MONTHS: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];

patterns! {
    TENTATIVE = r"(?i)\s*\(?\bpresumibil[a-z]*\)?\s*";
    NUMERIC_DATE = r"\b([0-9]{1,2})\s*[/.\-]\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{4}|[0-9]{2})\b";
    WORD_DATE = r"(?i)\b([0-9]{1,2})°?\s+(gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre)\s+([0-9]{4})\b";
    DATE_PREFIX = r"^(?:(?:entro(?:\s+e\s+non\s+oltre)?|scadenza|termine|data)\s*)?(?:il|al|del)?$";
    START = r"(?i)^(?:inizio\s+(?:del\s+)?servizio|avvio\s+(?:del\s+)?servizio|a\s+partire\s+dal|dal)\b";
    DURING_YEAR = r"(?i)^(?:in\s+corso\s+d\s*anno|nel\s+corso\s+dell\s*anno|durante\s+l\s*anno|tutto\s+l\s*anno|intero\s+anno|continuativ[a-z]*)$";
    COMPLETED = r"(?i)^(?:conclus[ao]|completat[ao]|realizzat[ao]|gi[aà]\s+conclus[ao])\b";
    UNFORESEEABLE = r"(?i)^(?:non\s+(?:prevedibile|definibile|determinabile|quantificabile)|da\s+definire|da\s+stabilire)\b";
    OFFSET = r"(?i)^(?:entro\s+(?:(?:i|il|le)\s+)?)?([0-9]{1,4})\s*(giorni|giorno|gg\.?|mesi|mese|settimane|settimana)\b\s*(.*)$";
    PHASE_REF = r"(?i)\bfase\s*([0-9]{1,3})\s*[-–]?\s*([a-z])?\b\)?";
    POINT_REF = r"(?i)\bpunt[oi]\s*([0-9]{1,3}|[a-z])\s*\.?\)?";
    FROM_WORD = r"(?i)^(?:(?:a\s+)?decorrer[ea]\s+|decorrenti\s+|successivi\s+)?(?:dall['’]|(?:dalla|dallo|dalle|dagli|dai|dal|da|dopo|di)\b)\s*(?:(?:il|lo|la|i|gli|le)\b\s*|l['’]\s*)?";
}

/// What a deadline cell says, and whether it could be understood.
#[derive(Debug)]
pub struct Reading {
    pub deadline: Deadline,
    pub recognised: bool,
}

/// Reads a deadline cell. Empty text is `none`; text that is not understood is also
/// `none`, with `recognised: false` so that the caller reports it.
pub fn parse(text: &str) -> Reading {
    let text = collapse(text);
    let tentative = TENTATIVE.is_match(&text);
    let core = collapse(&TENTATIVE.replace_all(&text, " "));
    let (when, recognised) = read_when(&core);
    Reading {
        deadline: Deadline { when, tentative },
        recognised,
    }
}

fn read_when(s: &str) -> (When, bool) {
    if s.is_empty() {
        return (When::Unspecified, true);
    }
    let k = key(s);
    if DURING_YEAR.is_match(&k) {
        return (When::DuringYear, true);
    }
    if COMPLETED.is_match(&k) {
        return (When::Completed, true);
    }
    if UNFORESEEABLE.is_match(&k) {
        return (When::Unspecified, true);
    }
    if let Some(rel) = relative(s) {
        return (When::Relative(rel), true);
    }
    if let Some((date, before)) = first_date(s) {
        let before = key(before);
        if START.is_match(&before) {
            return (When::Start { date }, true);
        }
        if DATE_PREFIX.is_match(&before) {
            return (When::Date { date }, true);
        }
    }
    (When::Unspecified, false)
}

/// The first date in the text and the words before it.
fn first_date(s: &str) -> Option<(NaiveDate, &str)> {
    let numeric = NUMERIC_DATE.captures(s).and_then(|c| {
        let whole = c.get(0)?;
        let day = c.get(1)?.as_str().parse().ok()?;
        let month = c.get(2)?.as_str().parse().ok()?;
        let year_text = c.get(3)?.as_str();
        let mut year: i32 = year_text.parse().ok()?;
        if year_text.len() == 2 {
            year += 2000;
        }
        Some((NaiveDate::from_ymd_opt(year, month, day)?, whole.start()))
    });
    let worded = WORD_DATE.captures(s).and_then(|c| {
        let whole = c.get(0)?;
        let day = c.get(1)?.as_str().parse().ok()?;
        let month_name = c.get(2)?.as_str().to_lowercase();
        let month = MONTHS.iter().position(|m| *m == month_name)? as u32 + 1;
        let year = c.get(3)?.as_str().parse().ok()?;
        Some((NaiveDate::from_ymd_opt(year, month, day)?, whole.start()))
    });
    let (date, start) = match (numeric, worded) {
        (Some(a), Some(b)) => {
            if a.1 <= b.1 {
                a
            } else {
                b
            }
        }
        (a, b) => a.or(b)?,
    };
    Some((date, s.get(..start).unwrap_or("")))
}

/// Parses a date written `30/06/2021` (or `30.06.2021`, `30 giugno 2021`) on its own.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    first_date(s).map(|(d, _)| d)
}

/// `2 mesi da fase 2)`, `90 giorni dalla conclusione della fase 1`,
/// `Entro 60 giorni dalla conclusione del punto 03) della fase 1`,
/// `Entro 30 giorni dalla presentazione dell'istanza`.
fn relative(s: &str) -> Option<Relative> {
    let c = OFFSET.captures(s)?;
    let n: u32 = c.get(1)?.as_str().parse().ok()?;
    let unit = c.get(2)?.as_str().to_lowercase();
    let rest = c.get(3).map_or("", |m| m.as_str()).trim();
    if rest.is_empty() {
        return None;
    }
    let offset = if unit.starts_with("mes") {
        Offset::Months(n)
    } else if unit.starts_with("settiman") {
        Offset::Days(n.saturating_mul(7))
    } else {
        Offset::Days(n)
    };
    let anchor = if let Some(p) = PHASE_REF.captures(rest) {
        let number = p.get(1)?.as_str().trim_start_matches('0');
        let number = if number.is_empty() { "0" } else { number };
        let letter = p.get(2).map_or(String::new(), |m| m.as_str().to_string());
        let phase = PhaseLabel::parse(format!("{number}{letter}")).ok()?;
        let point = POINT_REF
            .captures(rest)
            .and_then(|m| m.get(1))
            .map(|m| m.as_str().to_string());
        Anchor::Phase { phase, point }
    } else {
        let event = match FROM_WORD.find(rest) {
            Some(m) => rest.get(m.end()..).unwrap_or(rest),
            None => rest,
        };
        let event = collapse(event.trim_end_matches(['.', ';', ')']));
        if event.is_empty() {
            return None;
        }
        Anchor::Event(event)
    };
    Some(Relative { anchor, offset })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(text: &str, expect: serde_json::Value) {
        let r = parse(text);
        assert!(r.recognised, "{text:?} not recognised");
        assert_eq!(
            serde_json::to_value(&r.deadline).unwrap(),
            expect,
            "{text:?}"
        );
    }

    #[test]
    fn every_kind_of_the_seed() {
        for (text, expect) in [
            ("30/06/2021", json!({"kind": "date", "date": "2021-06-30"})),
            (
                "entro il 30/06/2021",
                json!({"kind": "date", "date": "2021-06-30"}),
            ),
            (
                "31 dicembre 2021",
                json!({"kind": "date", "date": "2021-12-31"}),
            ),
            (
                "30/11/2021 presumibilmente",
                json!({"kind": "date", "date": "2021-11-30", "tentative": true}),
            ),
            (
                "inizio servizio 01/02/2021",
                json!({"kind": "start", "date": "2021-02-01"}),
            ),
            ("in corso d'anno", json!({"kind": "during_year"})),
            ("In corso d’anno", json!({"kind": "during_year"})),
            ("Conclusa", json!({"kind": "completed"})),
            ("", json!({"kind": "none"})),
            (
                "Non prevedibile la data finale poiché dipende dall'esito",
                json!({"kind": "none"}),
            ),
            (
                "2 mesi da fase 2)",
                json!({"kind": "relative", "after": "phase", "phase": "2", "months": 2}),
            ),
            (
                "1 mese da fase 3)",
                json!({"kind": "relative", "after": "phase", "phase": "3", "months": 1}),
            ),
            (
                "90 giorni dalla conclusione della fase 1",
                json!({"kind": "relative", "after": "phase", "phase": "1", "days": 90}),
            ),
            (
                "Entro 90 giorni dal termine della fase 1",
                json!({"kind": "relative", "after": "phase", "phase": "1", "days": 90}),
            ),
            (
                "Entro 60 giorni dalla conclusione del punto 03) della fase 1",
                json!({"kind": "relative", "after": "phase", "phase": "1", "point": "03", "days": 60}),
            ),
            (
                "Entro 30 giorni dalla presentazione dell'istanza",
                json!({"kind": "relative", "after": "event", "event": "presentazione dell'istanza", "days": 30}),
            ),
            (
                "90 giorni dalla prima riunione per la valutazione da parte del Collegio Esperti del 22/01/2021",
                json!({"kind": "relative", "after": "event",
                   "event": "prima riunione per la valutazione da parte del Collegio Esperti del 22/01/2021", "days": 90}),
            ),
        ] {
            check(text, expect);
        }
    }

    #[test]
    fn words_not_understood_are_reported() {
        for text in [
            "quando possibile",
            "31/02/2021",
            "giorni",
            "entro 10 giorni",
            "fase 2",
        ] {
            let r = parse(text);
            assert!(!r.recognised, "{text:?}");
            assert_eq!(r.deadline.when, When::Unspecified);
        }
    }
}
