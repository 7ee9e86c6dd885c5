//! The one place that bounds what people type and what documents bring: every text field's
//! longest length and whether it may span lines, how text is cleaned (line ends, invisible
//! controls), and the range of dates that a plan of a given year can plausibly mention.
//! Pages, the API and the importer all ask here, so they cannot disagree.

use chrono::{Datelike, NaiveDate};

/// A text field of the plan or of the records made on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::VariantArray)]
pub enum Field {
    // Written on the plan (by the importer, or while drafting).
    PlanTitle,
    EntityName,
    StrategyTitle,
    AxisText,
    ResponsibleTitle,
    UnitName,
    HeadName,
    HeadRole,
    UnitFunction,
    ObjectiveTitle,
    /// Finalità, direttive, risultato atteso, vincoli, risorse: the card's paragraphs.
    ObjectiveText,
    DeadlineText,
    PhaseDescription,
    IndicatorText,
    ServiceName,
    /// A paragraph of the PIAO (context, structure, remote work, monitoring, …).
    PiaoText,
    /// A line of the PIAO (a code, an address, a profile, a process, a risk or a measure).
    PiaoLine,
    // Written while the plan runs.
    PhaseNote,
    /// The reason of a change request, a neutralisation or an act that sends back or reopens.
    Reason,
    Opinion,
    ProposedValue,
    BoardActNumber,
    RoundName,
    IndicatorSource,
    ScoringRules,
    // People and their access.
    Username,
    PersonName,
    Email,
    Password,
    TokenName,
    FileName,
    SearchQuery,
}

impl Field {
    /// The longest text the field takes, in characters.
    pub const fn max_chars(self) -> usize {
        match self {
            Field::AxisText | Field::ObjectiveText | Field::PiaoText => 20_000,
            Field::PhaseDescription | Field::UnitFunction => 5_000,
            Field::ObjectiveTitle
            | Field::IndicatorText
            | Field::PhaseNote
            | Field::Reason
            | Field::Opinion
            | Field::ProposedValue
            | Field::PiaoLine => 2_000,
            Field::PlanTitle | Field::StrategyTitle | Field::ResponsibleTitle => 1_000,
            Field::DeadlineText | Field::IndicatorSource => 500,
            Field::EntityName
            | Field::UnitName
            | Field::HeadName
            | Field::HeadRole
            | Field::ServiceName
            | Field::RoundName
            | Field::FileName
            | Field::SearchQuery => 200,
            Field::PersonName | Field::TokenName => 80,
            Field::Username => 64,
            Field::BoardActNumber => 50,
            Field::Email => 254,
            Field::Password => 1_024,
            Field::ScoringRules => 100_000,
        }
    }

    /// Whether the field may hold line breaks (paragraphs do; names and codes do not).
    pub const fn multiline(self) -> bool {
        matches!(
            self,
            Field::AxisText
                | Field::ObjectiveText
                | Field::PiaoText
                | Field::PiaoLine
                | Field::ObjectiveTitle
                | Field::PhaseDescription
                | Field::UnitFunction
                | Field::IndicatorText
                | Field::PhaseNote
                | Field::Reason
                | Field::Opinion
                | Field::ProposedValue
                | Field::DeadlineText
                | Field::PlanTitle
                | Field::StrategyTitle
                | Field::ResponsibleTitle
                | Field::ScoringRules
        )
    }
}

/// Why a text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    /// Longer than the field takes.
    TooLong { field: Field, max: usize },
    /// A line break in a field of one line.
    LineBreak { field: Field },
    /// Nothing left once cleaned, where something is required.
    Empty { field: Field },
}

/// Characters that change the direction text is shown in without being seen (the "Trojan
/// Source" controls): they can make a file name or a note read other than what it is.
pub fn bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

/// Characters some readers take as the end of a line and others do not: CR, LF, and
/// Unicode's line and paragraph separators.
pub fn line_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{2028}' | '\u{2029}')
}

/// `raw` with every line end (CR LF, a bare CR, LF, Unicode's line and paragraph separators)
/// one `\n`, and control and direction-override characters removed, tabs kept: text that
/// every reader splits into the same lines and shows as it is.
pub fn normalised(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            c if line_break(c) => out.push('\n'),
            '\t' => out.push(c),
            c if c.is_control() || bidi_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// `raw` as the field keeps it: [`normalised`], spaces trimmed at both ends; refused when too
/// long or, for a field of one line, when it breaks a line. Empty text is returned empty: see
/// [`required`].
pub fn clean(field: Field, raw: &str) -> Result<String, TextError> {
    let text = normalised(raw);
    let trimmed = text.trim();
    if !field.multiline() && trimmed.contains('\n') {
        return Err(TextError::LineBreak { field });
    }
    if trimmed.chars().count() > field.max_chars() {
        return Err(TextError::TooLong {
            field,
            max: field.max_chars(),
        });
    }
    Ok(trimmed.to_owned())
}

/// As [`clean`], refusing text that is empty once cleaned.
pub fn required(field: Field, raw: &str) -> Result<String, TextError> {
    let text = clean(field, raw)?;
    if text.is_empty() {
        Err(TextError::Empty { field })
    } else {
        Ok(text)
    }
}

/// As [`clean`], with empty text as `None`.
pub fn optional(field: Field, raw: &str) -> Result<Option<String>, TextError> {
    clean(field, raw).map(|t| Some(t).filter(|t| !t.is_empty()))
}

/// The length of `text` when it does not fit `field`: for text that is kept as written
/// (documents), checked rather than cleaned.
pub fn fits(field: Field, text: &str) -> Result<(), TextError> {
    if text.chars().count() > field.max_chars() {
        Err(TextError::TooLong {
            field,
            max: field.max_chars(),
        })
    } else {
        Ok(())
    }
}

/// Whether `name` can be a username: 1 to 64 ASCII letters, digits and `. - _ @` (one
/// account whatever the case: compare them lower-cased).
pub fn username_ok(name: &str) -> bool {
    (1..=Field::Username.max_chars()).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'))
}

/// The years a plan may be for.
pub const PLAN_YEARS: std::ops::RangeInclusive<i32> = 1990..=2199;

/// How far from its year a plan's dates may lie: deadlines, completions, measurements,
/// rounds, events and acts of the plan of year N fall within N−5 … N+5.
pub const YEARS_AROUND: i32 = 5;

/// The first and last day a plan of `year` can plausibly mention (for a year no plan can
/// have, such as the importer's unknown 0, any day of the years plans may be for).
pub fn date_range(year: i32) -> (NaiveDate, NaiveDate) {
    if !PLAN_YEARS.contains(&year) {
        let first = NaiveDate::from_ymd_opt(*PLAN_YEARS.start(), 1, 1).unwrap_or(NaiveDate::MIN);
        let last = NaiveDate::from_ymd_opt(*PLAN_YEARS.end(), 12, 31).unwrap_or(NaiveDate::MAX);
        return (first, last);
    }
    let first =
        NaiveDate::from_ymd_opt(year.saturating_sub(YEARS_AROUND), 1, 1).unwrap_or(NaiveDate::MIN);
    let last = NaiveDate::from_ymd_opt(year.saturating_add(YEARS_AROUND), 12, 31)
        .unwrap_or(NaiveDate::MAX);
    (first, last)
}

/// A date outside the range a plan of `year` can mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateOutOfRange {
    pub date: NaiveDate,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// `date` when a plan of `year` can plausibly mention it.
pub fn plausible(date: NaiveDate, year: i32) -> Result<NaiveDate, DateOutOfRange> {
    let (first, last) = date_range(year);
    if (first..=last).contains(&date) {
        Ok(date)
    } else {
        Err(DateOutOfRange { date, first, last })
    }
}

/// A date typed as `AAAA-MM-GG` (what a date field sends) or `GG/MM/AAAA` (what people
/// write), with a four-digit year: `+262142-01-01` and `-0001-01-01` are not dates here.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let (y, m, d) = if let Some((y, rest)) = t.split_once('-') {
        let (m, d) = rest.split_once('-')?;
        (y, m, d)
    } else {
        let mut parts = t.split('/');
        let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        (y, m, d)
    };
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(y, 4..=4) && digits(m, 1..=2) && digits(d, 1..=2)) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    (date.year() >= 1000).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cleaned_and_bounded() {
        assert_eq!(
            clean(Field::PhaseNote, "  a\r\nb\rc\n "),
            Ok("a\nb\nc".into())
        );
        assert_eq!(
            clean(Field::FileName, "fattura\u{202E}fdp.exe"),
            Ok("fatturafdp.exe".into())
        );
        assert_eq!(
            clean(Field::PhaseNote, "a\u{0}b\u{7}c\td"),
            Ok("abc\td".into())
        );
        assert_eq!(
            clean(Field::RoundName, "primo\rsecondo"),
            Err(TextError::LineBreak {
                field: Field::RoundName
            })
        );
        let max = Field::PhaseNote.max_chars();
        assert!(clean(Field::PhaseNote, &"è".repeat(max)).is_ok());
        assert_eq!(
            clean(Field::PhaseNote, &"è".repeat(max + 1)),
            Err(TextError::TooLong {
                field: Field::PhaseNote,
                max
            })
        );
        assert!(clean(Field::PhaseNote, &"x".repeat(2_000_000)).is_err());
        // Trailing spaces beyond the limit do not count.
        assert!(
            clean(
                Field::PhaseNote,
                &format!("{}{}", "x".repeat(max), " ".repeat(50))
            )
            .is_ok()
        );
        assert_eq!(
            required(Field::Reason, " \u{202E} "),
            Err(TextError::Empty {
                field: Field::Reason
            })
        );
        assert_eq!(optional(Field::PhaseNote, "   "), Ok(None));
    }

    #[test]
    fn every_field_has_a_sensible_limit() {
        for &f in <Field as strum::VariantArray>::VARIANTS {
            assert!((50..=100_000).contains(&f.max_chars()), "{f:?}");
        }
    }

    #[test]
    fn dates_stay_near_the_plan_year() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert!(plausible(d(2021, 6, 30), 2021).is_ok());
        assert!(plausible(d(2016, 1, 1), 2021).is_ok());
        assert!(plausible(d(2026, 12, 31), 2021).is_ok());
        assert!(plausible(d(2015, 12, 31), 2021).is_err());
        assert!(plausible(d(2027, 1, 1), 2021).is_err());
        assert!(plausible(d(-1, 1, 1), 2021).is_err());
        assert!(plausible(d(0, 1, 1), 2021).is_err());
        assert!(plausible(NaiveDate::MAX, 2021).is_err());
        // A year no plan can have does not make every date impossible.
        assert!(plausible(d(2021, 6, 30), 0).is_ok());
        assert!(plausible(d(2300, 1, 1), 0).is_err());
        assert_eq!(date_range(i32::MAX).0, d(1990, 1, 1));
    }

    #[test]
    fn dates_are_read_with_four_digit_years() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(parse_date("2021-06-30"), d(2021, 6, 30));
        assert_eq!(parse_date(" 30/06/2021 "), d(2021, 6, 30));
        assert_eq!(parse_date("2021-6-3"), d(2021, 6, 3));
        for bad in [
            "-0001-01-01",
            "+262142-01-01",
            "0000-01-01",
            "262142-01-01",
            "2021-02-30",
            "2021-06",
            "30/06/21",
            "1/2/3/4",
            "",
            "oggi",
            "0999-01-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
