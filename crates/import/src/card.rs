//! One objective card: its header (unit and head), its fields, its phases table.

use std::sync::LazyLock;

use domain::{Code, Deadline, Diagnostic, Head, Phase, messages as msg};
use regex::Regex;

use crate::table::{Columns, DeadlineCell, Table, read_deadline};
use crate::text::{Line, clean, clean_lines, collapse, is_bullet, key, re, strip_enumerator};

patterns! {
    /// `Obiettivo A: title` opens a card.
    pub CARD_START = r"^\s*(?:\*\*)?(?i:obiettivo)\s+([A-Z]{1,2}|\d{1,3})\s*:\s*(.*)$";

    TABLE_INTRO = r"(?i)^fasi\s+progettuali\b";
    PERSON_TITLE = r"^(?:Dott\.(?:ssa)?|Dott\b|Dr\.(?:ssa)?|Ing\.|Arch\.|Avv\.|Geom\.|Rag\.|Prof\.(?:ssa)?|Com\.|Sig\.(?:ra)?|Ispett\.|Comm\.)";
    HEAD_PERIOD = r"(?i)\(\s*(sino\s+al|fino\s+al|dal|a\s+partire\s+dal)\s+([^)]*?)(?:\s+al\s+([^)]*))?\s*\)";
}

static YEAR_PREFIX: &str = r"(?:annualit[àa]\s+\d{4}\s*[-–:]?\s*)?";
/// The headings that open a card's fields, tried in this order; the text after the colon is
/// the first group.
static HEADINGS: LazyLock<[(Regex, Field); 12]> = LazyLock::new(|| {
    [
        (
            re(r"(?i)^finalit[àa']?\s+strategic[ha]e?\s*:?\s*(.*)$"),
            Field::Purpose,
        ),
        (
            re(r"(?i)^direttive\s+specifiche\s*(?:[-–]\s*descrizione\s*:?|:|[-–])\s*(.*)$"),
            Field::Directives,
        ),
        (re(r"(?i)^tempistica\s*:?\s*(.*)$"), Field::Timing),
        (
            re(&format!(
                r"(?i)^{YEAR_PREFIX}risultat[oi]\s+attes[oi]\b[^:]*(?::\s*(.*))?$"
            )),
            Field::Expected,
        ),
        (
            re(&format!(
                r"(?i)^{YEAR_PREFIX}obiettivo\s+raggiunto\s+al\s+100\s*%[^:]*:?\s*(.*)$"
            )),
            Field::Full,
        ),
        (
            re(&format!(
                r"(?i)^{YEAR_PREFIX}obiettivo\s+non\s+raggiunto[^:]*:?\s*(.*)$"
            )),
            Field::NotAchieved,
        ),
        (
            re(r"(?i)^indicator[ei]\s+di\s+risultato\s*:?\s*(.*)$"),
            Field::Indicators,
        ),
        (re(r"(?i)^vincol[io]\s*:?\s*(.*)$"), Field::Constraints),
        (re(r"(?i)^risorse\s+umane\s*:?\s*(.*)$"), Field::Human),
        (
            re(r"(?i)^risorse\s+finanziarie\s*:?\s*(.*)$"),
            Field::Financial,
        ),
        (
            re(r"(?i)^(?:il|la)\s+(?:dirigente|responsabile|direttore|direttrice)\b"),
            Field::Signature,
        ),
        (re(r"(?i)^visto\s+di\s+validazione\b"), Field::Done),
    ]
});

/// Words that make up a role (`Responsabile in P.O. Comandante Vicario`); the name follows.
const ROLE_WORDS: &[&str] = &[
    "dirigente",
    "responsabile",
    "p.o.",
    "p.o",
    "po",
    "comandante",
    "vicario",
    "direttore",
    "direttrice",
    "segretario",
    "segretaria",
    "generale",
    "coordinatore",
    "coordinatrice",
    "funzionario",
    "funzionaria",
    "reggente",
    "interim",
    "vice",
    "f.f.",
    "titolare",
    "posizione",
    "organizzativa",
    "amministrativo",
    "tecnico",
    "ad",
];

/// Whether a line names a person: opens with a title (`Dott.`, `Ing.`) or a role word.
pub fn is_person_line(line: &str) -> bool {
    PERSON_TITLE.is_match(line) || starts_with_role(line)
}

fn starts_with_role(line: &str) -> bool {
    line.split_whitespace().next().is_some_and(|w| {
        let w = w.trim_end_matches(':').to_lowercase();
        w != "in" && w != "ad" && ROLE_WORDS.contains(&w.as_str())
    })
}

/// The unit and heads named above `Obiettivo A:`.
#[derive(Debug, Default)]
pub struct Header {
    pub unit_name: Option<String>,
    pub heads: Vec<Head>,
}

/// Reads the lines between a card's banner and its `Obiettivo` line.
pub fn parse_header(lines: &[Line]) -> Header {
    let texts: Vec<String> = lines
        .iter()
        .map(|l| {
            collapse(&clean(l.text))
                .trim_end_matches(':')
                .trim()
                .to_string()
        })
        .filter(|t| !t.is_empty())
        .collect();
    let role_at = texts
        .iter()
        .position(|t| starts_with_role(t) || PERSON_TITLE.is_match(t));
    let (unit_lines, head_lines) = match role_at {
        Some(i) => texts.split_at(i),
        None => (&texts[..], &[][..]),
    };
    let unit_name = (!unit_lines.is_empty()).then(|| collapse(&unit_lines.join(" ")));
    let mut heads = Vec::new();
    if let Some(first) = head_lines.first() {
        let (role, rest) = split_role(first);
        let names = if rest.is_empty() {
            head_lines.get(1).map_or("", String::as_str)
        } else {
            rest.as_str()
        };
        for part in names.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            heads.push(parse_head(part, role.clone()));
        }
    }
    Header { unit_name, heads }
}

/// `Responsabile in P.O. Comandante Vicario Alberto Bassani` → (role words, name).
fn split_role(line: &str) -> (Option<String>, String) {
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut n = 0;
    while let Some(w) = words.get(n) {
        let lw = w.trim_end_matches(':').to_lowercase();
        let connector = (*w == "in" || *w == "ad") && n > 0;
        if connector || (ROLE_WORDS.contains(&lw.as_str()) && lw != "ad") {
            n += 1;
            if w.ends_with(':') {
                break;
            }
        } else {
            break;
        }
    }
    let role = words[..n]
        .join(" ")
        .trim_end_matches(':')
        .trim()
        .to_string();
    let name = words[n..].join(" ");
    ((!role.is_empty()).then_some(role), name)
}

/// `Avv. Orietta Bocchio (sino al 31/03/2021)` → a head with the bounds of the mandate.
fn parse_head(text: &str, role: Option<String>) -> Head {
    let mut head = Head {
        name: text.to_string(),
        role,
        from: None,
        until: None,
    };
    if let Some(c) = HEAD_PERIOD.captures(text) {
        let word = c.get(1).map_or(String::new(), |m| key(m.as_str()));
        let first = c
            .get(2)
            .and_then(|m| crate::deadline::parse_date(m.as_str()));
        let second = c
            .get(3)
            .and_then(|m| crate::deadline::parse_date(m.as_str()));
        if word.ends_with("dal") {
            head.from = first;
            head.until = second;
        } else {
            head.until = first;
        }
        if let Some(m) = c.get(0) {
            head.name = collapse(&format!("{}{}", &text[..m.start()], &text[m.end()..]));
        }
    }
    head
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Purpose,
    Directives,
    Timing,
    Expected,
    Full,
    NotAchieved,
    Indicators,
    Constraints,
    Human,
    Financial,
    Signature,
    Done,
}

const TEXT_FIELDS: usize = 11;

/// What a card holds once read.
#[derive(Debug)]
pub struct Card {
    pub title: String,
    pub strategic_purpose: Option<String>,
    pub directives: Option<String>,
    pub timing: Option<String>,
    pub phases: Vec<(Phase, usize)>,
    pub final_deadline: Deadline,
    pub final_deadline_text: String,
    pub year_deadline: Option<Deadline>,
    pub year_deadline_text: Option<String>,
    pub expected_result: Option<String>,
    pub full_achievement: Option<String>,
    pub not_achieved: Option<String>,
    pub indicators: Vec<String>,
    pub constraints: Option<String>,
    pub human_resources: Option<String>,
    pub financial_resources: Option<String>,
}

/// Reads a card from its `Obiettivo` line to the end of its region. `id` names the
/// objective in messages, `path` is its place in the plan.
pub fn parse_card(lines: &[Line], id: &str, path: &str, diags: &mut Vec<Diagnostic>) -> Card {
    // Each field keeps its segments (one per heading met), each a list of lines.
    let mut fields: Vec<Vec<Vec<&str>>> = vec![Vec::new(); TEXT_FIELDS];
    let mut field = Field::Title;
    let mut table: Option<Table> = None;
    let mut tail = Table::new(Columns::default());
    let mut started = false;

    for line in lines {
        if let Some(t) = table.as_mut() {
            if t.feed(line) {
                continue;
            }
            tail = table
                .take()
                .unwrap_or_else(|| Table::new(Columns::default()));
        }
        let text = line.trimmed().trim_start_matches("**").trim();
        if !started && let Some(c) = CARD_START.captures(line.text) {
            started = true;
            fields[0].push(vec![c.get(2).map_or("", |m| m.as_str())]);
            continue;
        }
        if text.is_empty() {
            continue;
        }
        if let Some(cols) = Columns::from_header(line) {
            let mut t = Table::new(cols);
            t.final_deadline = tail.final_deadline.take();
            t.year_deadline = tail.year_deadline.take();
            table = Some(t);
            continue;
        }
        if tail.deadline_row(line) || TABLE_INTRO.is_match(text) {
            continue;
        }
        if let Some((f, rest)) = heading(text) {
            field = f;
            if let Some(i) = index(f) {
                fields[i].push(vec![rest]);
            }
            continue;
        }
        match index(field) {
            Some(i) => match fields[i].last_mut() {
                Some(seg) => seg.push(line.text),
                None => fields[i].push(vec![line.text]),
            },
            None => {
                let severity_info = field == Field::Signature;
                let d = Diagnostic::new(
                    Code::UnplacedLine,
                    if severity_info {
                        domain::Severity::Info
                    } else {
                        domain::Severity::Warning
                    },
                    path,
                    msg::unplaced_line(text),
                );
                diags.push(d.at_line(line.no));
            }
        }
    }
    if let Some(t) = table.take() {
        tail = t;
    }
    let text_of = |f: Field| -> Option<String> {
        let i = index(f)?;
        let parts: Vec<String> = fields[i]
            .iter()
            .filter_map(|seg| clean_lines(seg.iter().copied()))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    };

    let place = format!("Obiettivo {id}");
    let (final_deadline, final_deadline_text) = match tail.final_deadline.take() {
        Some(DeadlineCell { text, line }) => (
            read_deadline(
                &text,
                &place,
                &format!("{path}.final_deadline"),
                line,
                diags,
            ),
            text,
        ),
        None => {
            let d = Diagnostic::warning(
                Code::MissingField,
                format!("{path}.final_deadline"),
                msg::missing_field(&place, "Scadenza finale"),
            );
            diags.push(d.at_line(lines.first().map_or(0, |l| l.no)));
            (Deadline::unspecified(), String::new())
        }
    };
    let (year_deadline, year_deadline_text) = match tail.year_deadline.take() {
        Some(DeadlineCell { text, line }) => (
            Some(read_deadline(
                &text,
                &place,
                &format!("{path}.year_deadline"),
                line,
                diags,
            )),
            Some(text),
        ),
        None => (None, None),
    };
    let indicators = index(Field::Indicators)
        .map(|i| split_indicators(fields[i].iter().flatten().copied()))
        .unwrap_or_default();
    Card {
        title: text_of(Field::Title).unwrap_or_default(),
        strategic_purpose: text_of(Field::Purpose),
        directives: text_of(Field::Directives),
        timing: text_of(Field::Timing),
        phases: tail.phases(id, path, diags),
        final_deadline,
        final_deadline_text,
        year_deadline,
        year_deadline_text,
        expected_result: text_of(Field::Expected),
        full_achievement: text_of(Field::Full),
        not_achieved: text_of(Field::NotAchieved),
        indicators,
        constraints: text_of(Field::Constraints),
        human_resources: text_of(Field::Human),
        financial_resources: text_of(Field::Financial),
    }
}

fn index(f: Field) -> Option<usize> {
    match f {
        Field::Title => Some(0),
        Field::Purpose => Some(1),
        Field::Directives => Some(2),
        Field::Timing => Some(3),
        Field::Expected => Some(4),
        Field::Full => Some(5),
        Field::NotAchieved => Some(6),
        Field::Indicators => Some(7),
        Field::Constraints => Some(8),
        Field::Human => Some(9),
        Field::Financial => Some(10),
        Field::Signature | Field::Done => None,
    }
}

/// The heading a line opens with, and the text after its colon.
fn heading(text: &str) -> Option<(Field, &str)> {
    HEADINGS.iter().find_map(|(pattern, field)| {
        let c = pattern.captures(text)?;
        // Some cards double the colon (`Obiettivo non raggiunto: : mancato …`).
        let rest = c
            .get(1)
            .map_or("", |m| m.as_str())
            .trim_start_matches([':', ' ']);
        Some((*field, rest))
    })
}

/// Splits the indicators only on line breaks, semicolons and list bullets.
fn split_indicators<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut items = Vec::new();
    for line in lines {
        let line = line.trim();
        let line = if is_bullet(line) {
            strip_enumerator(line)
        } else {
            line
        };
        for part in line.split(';') {
            let item = clean(strip_enumerator(part.trim()));
            if !item.is_empty() {
                items.push(item);
            }
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::lines;

    #[test]
    fn headers_give_unit_and_heads() {
        let src = "SERVIZIO AUTONOMO\n\nRISORSE UMANE\n\nResponsabile in P.O.\n\nDott.ssa Cinzia Maria Ines Colla\n";
        let h = parse_header(&lines(src));
        assert_eq!(
            h.unit_name.as_deref(),
            Some("SERVIZIO AUTONOMO RISORSE UMANE")
        );
        assert_eq!(h.heads[0].name, "Dott.ssa Cinzia Maria Ines Colla");
        assert_eq!(h.heads[0].role.as_deref(), Some("Responsabile in P.O."));

        let h = parse_header(&lines(
            "SERVIZIO AUTONOMO POLIZIA LOCALE\n\nResponsabile in P.O. Comandante Vicario Alberto Fabrizio Bassani\n",
        ));
        assert_eq!(h.heads[0].name, "Alberto Fabrizio Bassani");
        assert_eq!(
            h.heads[0].role.as_deref(),
            Some("Responsabile in P.O. Comandante Vicario")
        );

        let h = parse_header(&lines(
            "Azienda Speciale X\t\t\nDirettore: Avv. Orietta Bocchio (sino al 31/03/2021); Dott. Cesare Torre (dal 01/04/2021)\t\n",
        ));
        assert_eq!(h.unit_name.as_deref(), Some("Azienda Speciale X"));
        assert_eq!(h.heads.len(), 2);
        assert_eq!(h.heads[0].name, "Avv. Orietta Bocchio");
        assert_eq!(
            h.heads[0].until.map(|d| d.to_string()).as_deref(),
            Some("2021-03-31")
        );
        assert_eq!(
            h.heads[1].from.map(|d| d.to_string()).as_deref(),
            Some("2021-04-01")
        );
        assert_eq!(h.heads[1].role.as_deref(), Some("Direttore"));
    }

    #[test]
    fn indicators_split_on_lines_semicolons_and_bullets() {
        let got =
            split_indicators(["1) uno; 2) due, e tre", "- quattro", "n. cinque / sei"].into_iter());
        assert_eq!(got, ["uno", "due, e tre", "quattro", "n. cinque / sei"]);
    }
}
