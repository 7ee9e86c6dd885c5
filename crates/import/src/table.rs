//! The phases table of a card ("Fasi progettuali"): rows, sub-rows, totals and deadline rows.

use domain::{Code, Deadline, Diagnostic, Percent, Phase, PhaseLabel, messages as msg};

use crate::deadline;
use crate::text::{Line, clean, collapse, contains_word, key};

patterns! {
    PHASE_CELL = r"(?i)^(?:fase|fasi|step)?\s*([0-9]{1,3})\s*(?:[-–]?\s*([A-Za-z]))?\s*[:.)]?$";
    PHASE_LINE = r"(?i)^\s*fase\s*([0-9]{1,3})\s*(?:[-–]\s*([A-Za-z]))?\s*[:.]\s*(.+)$";
    MARKER = r"^([a-z])\)\s*(?:[-–]\s*)?";
    PERCENT = r"^[0-9]{1,3}(?:[.,][0-9]+)?\s*%$";
    FINAL_ROW = r"(?i)^scadenza\s+finale\b";
    YEAR_ROW = r"(?i)^scadenza\s+(?:di\s+)?raggiungimento\s+(?:dell['’]\s*)?obiettivo\s+annualit[àa]\b";
    TRAILING_WEIGHT = r"^(.*?)\s+([0-9]{1,3}(?:[.,][0-9]+)?)\s*%\s*(.*)$";
}

/// Column positions, read from the header row when it names them.
#[derive(Debug, Clone, Copy)]
pub struct Columns {
    desc: usize,
    weight: usize,
    resp: usize,
    due: usize,
}

impl Columns {
    /// `\tDescrizione\tIncidenza %\tCodifica Responsabili coinvolti\tScadenze previste`
    pub fn from_header(line: &Line) -> Option<Columns> {
        // Most lines are not headers: look for the word before splitting and folding cells.
        if !line.text.contains('\t') || !contains_word(line.text, "descrizione") {
            return None;
        }
        let cells: Vec<String> = line.cells().iter().map(|c| key(c)).collect();
        if cells.len() < 3 {
            return None;
        }
        let find = |word: &str| cells.iter().position(|c| c.contains(word));
        let desc = find("descrizione")?;
        let weight = find("incidenza").or_else(|| find("peso"))?;
        let resp = find("responsabil")
            .or_else(|| find("codifica"))
            .unwrap_or(weight + 1);
        let due = find("scadenz").unwrap_or(resp + 1);
        Some(Columns {
            desc,
            weight,
            resp,
            due,
        })
    }
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            desc: 1,
            weight: 2,
            resp: 3,
            due: 4,
        }
    }
}

#[derive(Debug)]
struct Row {
    line: usize,
    /// The number and letter of `fase 1-A`; `None` for a sub-row.
    label: Option<(String, Option<char>)>,
    desc: String,
    weight: String,
    resp: String,
    due: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Last {
    Row,
    Final,
    Year,
    Nothing,
}

/// Deadline text of a card and the line it came from.
#[derive(Debug, Clone)]
pub struct DeadlineCell {
    pub text: String,
    pub line: usize,
}

/// Collects the rows of one card's table, then builds its phases.
#[derive(Debug)]
pub struct Table {
    cols: Columns,
    rows: Vec<Row>,
    last: Last,
    pub final_deadline: Option<DeadlineCell>,
    pub year_deadline: Option<DeadlineCell>,
}

impl Table {
    pub fn new(cols: Columns) -> Self {
        Table {
            cols,
            rows: Vec::new(),
            last: Last::Nothing,
            final_deadline: None,
            year_deadline: None,
        }
    }

    /// Takes a line if it belongs to the table; returns false for the first line that does not.
    pub fn feed(&mut self, line: &Line) -> bool {
        if line.is_blank() {
            return true;
        }
        if self.deadline_row(line) {
            return true;
        }
        let cells = line.cells();
        let cell = |i: usize| cells.get(i).copied().unwrap_or("");
        if cells.len() > 1 {
            let first = cell(0).trim_start_matches('*');
            if let Some(c) = PHASE_CELL.captures(first).filter(|_| !first.is_empty()) {
                let number = c.get(1).map_or("", |m| m.as_str()).trim_start_matches('0');
                let letter = c.get(2).and_then(|m| m.as_str().chars().next());
                self.push(
                    line.no,
                    Some((
                        if number.is_empty() { "0" } else { number }.to_string(),
                        letter,
                    )),
                    &cells,
                );
                return true;
            }
            if first.is_empty() {
                let rest: Vec<&str> = cells
                    .iter()
                    .skip(1)
                    .copied()
                    .filter(|c| !c.is_empty())
                    .collect();
                if rest.is_empty() {
                    return true;
                }
                // The total row: only a percentage.
                if rest.len() == 1 && PERCENT.is_match(rest[0]) && cell(self.cols.desc).is_empty() {
                    return true;
                }
                // A cell that wraps onto the next line in the deadline column.
                if cells.len() > self.cols.due && (0..self.cols.due).all(|i| cell(i).is_empty()) {
                    self.continue_deadline(cell(self.cols.due));
                    return true;
                }
                self.push(line.no, None, &cells);
                return true;
            }
            return false;
        }
        // A row written without tabs: `fase 1: Descrizione 50% 30/06/2021`.
        if let Some(c) = PHASE_LINE.captures(line.text) {
            let number = c.get(1).map_or("0", |m| m.as_str()).to_string();
            let letter = c.get(2).and_then(|m| m.as_str().chars().next());
            let rest = c.get(3).map_or("", |m| m.as_str());
            let (desc, weight, due) = match TRAILING_WEIGHT.captures(rest) {
                Some(w) => (
                    w.get(1).map_or("", |m| m.as_str()),
                    w.get(2).map_or("", |m| m.as_str()),
                    w.get(3).map_or("", |m| m.as_str()),
                ),
                None => (rest, "", ""),
            };
            self.rows.push(Row {
                line: line.no,
                label: Some((number, letter)),
                desc: desc.to_string(),
                weight: weight.to_string(),
                resp: String::new(),
                due: due.to_string(),
            });
            self.last = Last::Row;
            return true;
        }
        false
    }

    fn push(&mut self, line: usize, label: Option<(String, Option<char>)>, cells: &[&str]) {
        let cell = |i: usize| cells.get(i).copied().unwrap_or("").to_string();
        self.rows.push(Row {
            line,
            label,
            desc: cell(self.cols.desc),
            weight: cell(self.cols.weight),
            resp: cell(self.cols.resp),
            due: cells
                .iter()
                .skip(self.cols.due)
                .copied()
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        });
        self.last = Last::Row;
    }

    fn continue_deadline(&mut self, more: &str) {
        let target = match self.last {
            Last::Row => self.rows.last_mut().map(|r| &mut r.due),
            Last::Final => self.final_deadline.as_mut().map(|d| &mut d.text),
            Last::Year => self.year_deadline.as_mut().map(|d| &mut d.text),
            Last::Nothing => None,
        };
        if let Some(text) = target {
            *text = collapse(&format!("{text} {more}"));
        }
    }

    /// `Scadenza finale per il raggiungimento dell'obiettivo: … 31/12/2021` and the year-slice row.
    pub fn deadline_row(&mut self, line: &Line) -> bool {
        let cells = line.cells();
        let Some(pos) = cells.iter().position(|c| !c.is_empty()) else {
            return false;
        };
        let head = cells[pos].trim_start_matches('*');
        let which = if FINAL_ROW.is_match(head) {
            Last::Final
        } else if YEAR_ROW.is_match(head) {
            Last::Year
        } else {
            return false;
        };
        let after_colon = head.split_once(':').map_or("", |(_, r)| r).trim();
        let text = if after_colon.is_empty() {
            let rest: Vec<&str> = cells
                .iter()
                .skip(pos + 1)
                .copied()
                .filter(|c| !c.is_empty() && !PERCENT.is_match(c))
                .collect();
            rest.join(" ")
        } else {
            after_colon.to_string()
        };
        let cell = DeadlineCell {
            text: collapse(&clean(&text)),
            line: line.no,
        };
        match which {
            Last::Final => self.final_deadline = Some(cell),
            _ => self.year_deadline = Some(cell),
        }
        self.last = which;
        true
    }

    /// The phases, with the line of each; `path` prefixes the diagnostics' locations.
    pub fn phases(
        self,
        objective: &str,
        path: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<(Phase, usize)> {
        let mut out: Vec<(Phase, usize)> = Vec::new();
        let mut number = String::new();
        let mut prev_letter: Option<char> = None;
        let mut group_deadline: Option<Deadline> = None;
        let rows = self.rows;
        for (i, row) in rows.iter().enumerate() {
            let next_is_sub = rows.get(i + 1).is_some_and(|r| r.label.is_none());
            let mut desc = row.desc.trim().to_string();
            let label = match &row.label {
                Some((n, letter)) => {
                    number.clone_from(n);
                    group_deadline = None;
                    prev_letter = *letter;
                    let marker = if next_is_sub && letter.is_none() {
                        take_marker(&mut desc)
                    } else {
                        None
                    };
                    if marker.is_some() {
                        prev_letter = marker;
                    }
                    format!(
                        "{n}{}",
                        letter.or(marker).map(String::from).unwrap_or_default()
                    )
                }
                None => {
                    if number.is_empty() {
                        number = (out.len() + 1).to_string();
                    }
                    let letter = take_marker(&mut desc).or_else(|| next_letter(prev_letter));
                    prev_letter = letter;
                    format!("{number}{}", letter.map(String::from).unwrap_or_default())
                }
            };
            let ppath = format!("{path}.phases[{}]", out.len());
            let Ok(label) = PhaseLabel::parse(label.clone()) else {
                diags.push(
                    Diagnostic::warning(Code::UnplacedLine, &ppath, msg::unplaced_line(&row.desc))
                        .at_line(row.line),
                );
                continue;
            };
            let place = msg::phase_place(objective, label.as_str());
            let weight_text = collapse(&row.weight);
            let weight_pct = if weight_text.is_empty() {
                None
            } else {
                match weight_text.parse::<Percent>() {
                    Ok(p) => Some(p),
                    Err(_) => {
                        diags.push(
                            Diagnostic::warning(
                                Code::WeightUnreadable,
                                format!("{ppath}.weight_pct"),
                                msg::weight_unreadable(&place, &weight_text),
                            )
                            .at_line(row.line),
                        );
                        None
                    }
                }
            };
            let deadline_text = collapse(&clean(&row.due));
            let deadline = if deadline_text.is_empty() && row.label.is_none() {
                // A sub-row with an empty cell takes the deadline of the row above.
                group_deadline.clone().unwrap_or_else(Deadline::unspecified)
            } else {
                read_deadline(
                    &deadline_text,
                    &place,
                    &format!("{ppath}.deadline"),
                    row.line,
                    diags,
                )
            };
            group_deadline = Some(deadline.clone());
            let phase = Phase {
                label,
                description: clean(&desc),
                weight_pct,
                responsible: split_responsible(&row.resp),
                deadline,
                deadline_text,
            };
            out.push((phase, row.line));
        }
        out
    }
}

/// Reads a deadline and reports words that were not understood.
pub fn read_deadline(
    text: &str,
    place: &str,
    path: &str,
    line: usize,
    diags: &mut Vec<Diagnostic>,
) -> Deadline {
    let reading = deadline::parse(text);
    if !reading.recognised {
        diags.push(
            Diagnostic::warning(
                Code::DeadlineUnrecognised,
                path,
                msg::deadline_unrecognised(place, text),
            )
            .at_line(line),
        );
    }
    reading.deadline
}

/// Removes a leading `a)` marker (and a dash after it) and returns its letter.
fn take_marker(desc: &mut String) -> Option<char> {
    let m = MARKER.captures(desc)?;
    let letter = m.get(1)?.as_str().chars().next()?;
    let end = m.get(0)?.end();
    *desc = desc.get(end..).unwrap_or("").trim().to_string();
    Some(letter)
}

fn next_letter(prev: Option<char>) -> Option<char> {
    match prev {
        Some(c) if c.is_ascii_lowercase() && c < 'z' => Some((c as u8 + 1) as char),
        Some(c) if c.is_ascii_uppercase() && c < 'Z' => Some((c as u8 + 1) as char),
        _ => Some('b'),
    }
}

/// `2269, 2249`, `2254-2255-2247`, `AMAG AMBIENTE SPA / 2251`: items split on , - / and trimmed.
pub fn split_responsible(cell: &str) -> Vec<String> {
    clean(cell)
        .split([',', '-', '–', '/'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
