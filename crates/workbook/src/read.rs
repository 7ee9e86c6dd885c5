//! A workbook (XLSX or ODS) back into a plan: every sheet read by its headers, every cell
//! checked, every problem said with its sheet, row and column; then the plan's own rules,
//! pointed at the cells they concern.

use std::collections::HashMap;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::str::FromStr;

use calamine::{Data, Range, Reader};
use chrono::NaiveDate;
use domain::deadline::{Parts, PartsError};
use domain::{
    Axis, Code, Deadline, Diagnostic, Entity, EntityKind, Head, Objective, ObjectiveId,
    ObjectiveLabel, Percent, Period, Phase, PhaseLabel, Plan, Responsible, Severity, StrategyLine,
    SurveyResult, Unit, UnitId, When,
};
use rust_decimal::Decimal;

use crate::layout::{self, SHEETS, Sheet, deadline_header, deadline_kind, deadline_part};

mod piao;

/// What reading a workbook gave: the plan, when the workbook holds one, and every finding.
#[derive(Debug)]
pub struct Read {
    pub plan: Option<Plan>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a workbook's bytes (XLSX or ODS). Never panics: a file that is no workbook, or one
/// the reader chokes on, is a finding.
pub fn read(bytes: &[u8]) -> Read {
    if let Some(why) = crate::preflight::refusal(bytes) {
        return Read {
            plan: None,
            diagnostics: vec![unreadable(&why)],
        };
    }
    let grids = match catch_unwind(AssertUnwindSafe(|| open(bytes))) {
        Ok(Ok(grids)) => grids,
        Ok(Err(d)) => {
            return Read {
                plan: None,
                diagnostics: vec![d],
            };
        }
        Err(_) => {
            return Read {
                plan: None,
                diagnostics: vec![unreadable("il file è danneggiato")],
            };
        }
    };
    let mut reading = Reading::default();
    let plan = reading.plan(&grids);
    if let Some(plan) = &plan {
        for d in domain::validate(plan) {
            let d = reading.places.point(d);
            reading.out.push(d);
        }
    }
    Read {
        plan,
        diagnostics: reading.out,
    }
}

fn unreadable(why: &str) -> Diagnostic {
    Diagnostic::error(
        Code::WorkbookUnreadable,
        "",
        format!("Il file non si può leggere come foglio di calcolo XLSX o ODS: {why}."),
    )
}

/// A sheet's header and rows, with where each of the layout's columns is.
#[derive(Debug)]
struct Grid {
    sheet: &'static Sheet,
    /// For each of the layout's columns, its position in the sheet, when present.
    at: Vec<Option<usize>>,
    /// The rows under the header with their 1-based number as the spreadsheet shows it.
    rows: Vec<(u32, Vec<Data>)>,
}

/// The workbook's sheets that the layout knows, read; the rest become findings.
#[derive(Debug, Default)]
struct Grids {
    found: HashMap<&'static str, Grid>,
    findings: Vec<Diagnostic>,
}

fn open(bytes: &[u8]) -> Result<Grids, Diagnostic> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|_| unreadable("non è un file XLSX o ODS integro"))?;
    let mut grids = Grids::default();
    let names = book.sheet_names();
    for name in &names {
        let Some(sheet) = SHEETS.iter().find(|s| same(s.name, name)) else {
            grids.findings.push(Diagnostic::warning(
                Code::SheetMissing,
                "",
                format!(
                    "Il foglio «{name}» non è tra quelli del modello ({}): è stato ignorato.",
                    sheet_list()
                ),
            ));
            continue;
        };
        let range = book
            .worksheet_range(name)
            .map_err(|_| unreadable(&format!("il foglio «{}» è danneggiato", short(name))))?;
        grids
            .found
            .insert(sheet.name, grid(sheet, &range, &mut grids.findings));
    }
    for sheet in SHEETS.iter().filter(|s| s.required) {
        if !grids.found.contains_key(sheet.name) {
            grids.findings.push(Diagnostic::error(
                Code::SheetMissing,
                "",
                format!(
                    "Manca il foglio «{}»: il modello di Pegaso ha i fogli {}.",
                    sheet.name,
                    sheet_list()
                ),
            ));
        }
    }
    Ok(grids)
}

fn short(s: &str) -> String {
    s.chars().take(200).collect()
}

fn sheet_list() -> String {
    SHEETS
        .iter()
        .map(|s| format!("«{}»", s.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Names compared as people type them: case, accents and surrounding spaces ignored (`si` is
/// `sì`, `unita` is `Unità`).
fn same(a: &str, b: &str) -> bool {
    let fold = |s: &str| -> String {
        s.trim()
            .to_lowercase()
            .chars()
            .flat_map(domain::values::fold_accent)
            .collect()
    };
    fold(a) == fold(b)
}

fn grid(sheet: &'static Sheet, range: &Range<Data>, findings: &mut Vec<Diagnostic>) -> Grid {
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows();
    let header: Vec<String> = rows
        .next()
        .map(|r| r.iter().map(|c| text_of(c).unwrap_or_default()).collect())
        .unwrap_or_default();
    let header_row = top + 1;
    let at: Vec<Option<usize>> = sheet
        .columns
        .iter()
        .map(|c| header.iter().position(|h| same(h, &c.header)))
        .collect();
    for (column, at) in sheet.columns.iter().zip(&at) {
        if at.is_none() && column.required {
            findings.push(Diagnostic::error(
                Code::ColumnMissing,
                "",
                format!(
                    "Foglio «{}», riga {header_row}: manca la colonna «{}».",
                    sheet.name, column.header
                ),
            ));
        }
    }
    for (i, h) in header.iter().enumerate() {
        if !h.is_empty() && !sheet.columns.iter().any(|c| same(&c.header, h)) {
            findings.push(Diagnostic::warning(
                Code::ColumnMissing,
                "",
                format!(
                    "Foglio «{}», colonna {}: l'intestazione «{h}» non è del modello ed è stata ignorata.",
                    sheet.name,
                    column_letter(left as usize + i)
                ),
            ));
        }
    }
    let rows = rows
        .enumerate()
        .filter(|(_, r)| r.iter().any(|c| text_of(c).is_some_and(|t| !t.is_empty())))
        .map(|(i, r)| (header_row + 1 + i as u32, r.to_vec()))
        .collect();
    Grid { sheet, at, rows }
}

/// `A`, `B`, …, `Z`, `AA`: the letters of a column from its 0-based position.
fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

/// A cell's text as people see it: numbers without a needless `.0`, dates as `gg/mm/aaaa`;
/// `None` for an error cell.
pub(crate) fn text_of(c: &Data) -> Option<String> {
    Some(match c {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "VERO" } else { "FALSO" }.to_owned(),
        Data::DateTime(x) => match excel_day(x) {
            Some(d) => d.format("%d/%m/%Y").to_string(),
            None => number_text(x.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Error(_) => return None,
    })
}

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// The day of a spreadsheet date, when it is a plausible one (the library's own conversion
/// is asked only within a safe range of serial numbers).
fn excel_day(x: &calamine::ExcelDateTime) -> Option<NaiveDate> {
    let serial = x.as_f64();
    if !serial.is_finite() || !(0.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    x.as_datetime().map(|dt| dt.date())
}

/// Where each item of the plan came from, to point the plan's rules at their cells.
#[derive(Debug, Default)]
struct Places {
    plan: u32,
    strategy: Vec<(u32, Vec<u32>)>,
    responsibles: Vec<u32>,
    units: Vec<UnitPlaces>,
    objectives: Vec<ObjectivePlaces>,
    surveys: Vec<u32>,
    piao: piao::PiaoPlaces,
}

#[derive(Debug, Default)]
struct UnitPlaces {
    row: u32,
    heads: Vec<u32>,
    functions: Vec<u32>,
    staff: Option<u32>,
}

#[derive(Debug, Default)]
struct ObjectivePlaces {
    row: u32,
    phases: Vec<u32>,
    indicators: Vec<u32>,
}

impl Places {
    /// The diagnostic with its sheet, row and column in front of its message, when its path
    /// names an item read from a row.
    fn point(&self, mut d: Diagnostic) -> Diagnostic {
        if let Some(place) = self.locate(&d.location.path) {
            d.message = format!("{place}: {}", d.message);
        }
        d
    }

    fn locate(&self, path: &str) -> Option<String> {
        let mut parts = path.split('.').map(|p| match p.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (p, None),
        });
        let (first, index) = parts.next()?;
        let rest: Vec<(&str, Option<usize>)> = parts.collect();
        let (sheet, row, field) = match (first, index) {
            ("strategy", Some(i)) => {
                let (row, axes) = self.strategy.get(i)?;
                match rest.first() {
                    Some(("axes", Some(j))) => (layout::STRATEGY, *axes.get(*j)?, "text"),
                    _ => (layout::STRATEGY, *row, "text"),
                }
            }
            ("responsibles", Some(i)) => (
                layout::RESPONSIBLES,
                *self.responsibles.get(i)?,
                field_of(&rest),
            ),
            ("units", Some(i)) => {
                let u = self.units.get(i)?;
                match rest.first() {
                    Some(("heads", Some(j))) => {
                        (layout::HEADS, *u.heads.get(*j)?, field_of(&rest[1..]))
                    }
                    Some(("functions", Some(j))) => (layout::FUNCTIONS, *u.functions.get(*j)?, ""),
                    Some(("staff", None)) => (layout::STAFF, u.staff?, "staff"),
                    _ => (layout::UNITS, u.row, field_of(&rest)),
                }
            }
            ("objectives", Some(i)) => {
                let o = self.objectives.get(i)?;
                match rest.first() {
                    Some(("phases", Some(j))) => {
                        (layout::PHASES, *o.phases.get(*j)?, field_of(&rest[1..]))
                    }
                    Some(("indicators", Some(j))) => {
                        (layout::INDICATORS, *o.indicators.get(*j)?, "")
                    }
                    _ => (layout::OBJECTIVES, o.row, field_of(&rest)),
                }
            }
            ("customer_satisfaction", Some(i)) => {
                (layout::SURVEYS, *self.surveys.get(i)?, field_of(&rest))
            }
            ("piao", None) => return Some(self.piao.locate(path, &rest)),
            (field, None) => {
                let field = if field == "entity" { path } else { field };
                (layout::PLAN, self.plan, field)
            }
            _ => return None,
        };
        Some(cell_place(sheet, Some(row), field))
    }
}

/// `Foglio «…», riga …, colonna «…»`: the sheet, the row when the item has one, and the
/// column carrying the field when there is one.
fn cell_place(sheet: &str, row: Option<u32>, field: &str) -> String {
    let mut place = format!("Foglio «{sheet}»");
    if let Some(row) = row {
        place.push_str(&format!(", riga {row}"));
    }
    if let Some(column) = layout::sheet(sheet)
        .column_of_field(field)
        .filter(|_| !field.is_empty() || matches!(sheet, layout::FUNCTIONS | layout::INDICATORS))
    {
        place.push_str(&format!(", colonna «{}»", column.header));
    }
    place
}

fn field_of<'a>(rest: &[(&'a str, Option<usize>)]) -> &'a str {
    rest.first().map_or("", |(name, _)| name)
}

/// The reading of one workbook: findings so far and where items came from.
#[derive(Debug, Default)]
struct Reading {
    out: Vec<Diagnostic>,
    places: Places,
}

/// One row being read: its grid, its number and its cells.
struct RowRef<'g> {
    grid: &'g Grid,
    row: u32,
    cells: &'g [Data],
}

impl RowRef<'_> {
    fn cell(&self, header: &str) -> Option<&Data> {
        let at = self.grid.at[self.grid.sheet.column(header)]?;
        self.cells.get(at)
    }

    fn place(&self, header: &str) -> String {
        format!(
            "Foglio «{}», riga {}, colonna «{header}»",
            self.grid.sheet.name, self.row
        )
    }
}

impl Reading {
    fn problem(&mut self, row: &RowRef<'_>, header: &str, code: Code, message: String) {
        self.out.push(Diagnostic::error(
            code,
            "",
            format!("{}: {message}", row.place(header)),
        ));
    }

    /// The cell's text, "" when empty; an error cell is a finding.
    fn text(&mut self, row: &RowRef<'_>, header: &str) -> String {
        match row.cell(header) {
            None => String::new(),
            Some(c) => match text_of(c) {
                Some(t) => t,
                None => {
                    self.problem(
                        row,
                        header,
                        Code::CellUnreadable,
                        "la cella contiene un errore di formula.".into(),
                    );
                    String::new()
                }
            },
        }
    }

    fn optional(&mut self, row: &RowRef<'_>, header: &str) -> Option<String> {
        Some(self.text(row, header)).filter(|t| !t.is_empty())
    }

    fn lines(&mut self, row: &RowRef<'_>, header: &str) -> Vec<String> {
        self.text(row, header)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn integer(&mut self, row: &RowRef<'_>, header: &str) -> Option<i64> {
        let value = match row.cell(header)? {
            Data::Int(i) => Some(*i),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(*f as i64),
            Data::Empty => return None,
            other => {
                let t = text_of(other).unwrap_or_default();
                if t.is_empty() {
                    return None;
                }
                t.parse::<i64>().ok()
            }
        };
        if value.is_none() {
            let shown = self.text(row, header);
            self.problem(
                row,
                header,
                Code::CellUnreadable,
                format!("«{shown}» non è un numero intero."),
            );
        }
        value
    }

    fn bounded<T: TryFrom<i64>>(&mut self, row: &RowRef<'_>, header: &str) -> Option<T> {
        let n = self.integer(row, header)?;
        let value = T::try_from(n).ok();
        if value.is_none() {
            self.problem(
                row,
                header,
                Code::CellUnreadable,
                format!("{n} è fuori dall'intervallo ammesso."),
            );
        }
        value
    }

    fn percent(&mut self, row: &RowRef<'_>, header: &str) -> Option<Percent> {
        let text = match row.cell(header)? {
            Data::Float(f) => format!("{f}"),
            Data::Int(i) => i.to_string(),
            Data::Empty => return None,
            other => text_of(other)
                .unwrap_or_default()
                .trim_end_matches('%')
                .trim()
                .replace(',', "."),
        };
        if text.is_empty() {
            return None;
        }
        match Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .ok()
        {
            None => {
                let shown = self.text(row, header);
                self.problem(
                    row,
                    header,
                    Code::CellUnreadable,
                    format!("«{shown}» non è un numero."),
                );
                None
            }
            Some(d) => match Percent::new(d) {
                Ok(p) => Some(p),
                Err(_) => {
                    self.problem(
                        row,
                        header,
                        Code::CellUnreadable,
                        format!("{} non è una percentuale tra 0 e 100.", d.normalize()),
                    );
                    None
                }
            },
        }
    }

    fn date(&mut self, row: &RowRef<'_>, header: &str) -> Option<NaiveDate> {
        let value = match row.cell(header)? {
            Data::Empty => return None,
            Data::DateTime(x) => excel_day(x),
            Data::DateTimeIso(s) => s.get(..10).and_then(domain::limits::parse_date),
            other => {
                let t = text_of(other).unwrap_or_default();
                if t.is_empty() {
                    return None;
                }
                domain::limits::parse_date(&t)
            }
        };
        if value.is_none() {
            let shown = self.text(row, header);
            self.problem(
                row,
                header,
                Code::CellUnreadable,
                format!("«{shown}» non è una data (gg/mm/aaaa)."),
            );
        }
        value
    }

    /// One of a list's words (case ignored), as its position in the list.
    fn choice(&mut self, row: &RowRef<'_>, header: &str, words: &[&str]) -> Option<usize> {
        let t = self.text(row, header);
        if t.is_empty() {
            return None;
        }
        let found = words.iter().position(|w| same(w, &t));
        if found.is_none() {
            self.problem(
                row,
                header,
                Code::CellUnreadable,
                format!(
                    "«{t}» non è tra i valori ammessi ({}).",
                    words
                        .iter()
                        .map(|w| format!("«{w}»"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        found
    }

    /// `choice`, where an empty cell is a problem too.
    fn required_choice(&mut self, row: &RowRef<'_>, header: &str, words: &[&str]) -> Option<usize> {
        if self.text(row, header).is_empty() {
            self.problem(row, header, Code::MissingField, "la cella è vuota.".into());
            return None;
        }
        self.choice(row, header, words)
    }

    fn label<T>(
        &mut self,
        row: &RowRef<'_>,
        header: &str,
        parse: impl Fn(String) -> Result<T, domain::ValueError>,
    ) -> Option<T> {
        let t = self.text(row, header);
        if t.is_empty() {
            self.problem(row, header, Code::MissingField, "la cella è vuota.".into());
            return None;
        }
        match parse(t.clone()) {
            Ok(v) => Some(v),
            Err(_) => {
                self.problem(
                    row,
                    header,
                    Code::CellUnreadable,
                    format!("«{t}» non è un codice valido qui."),
                );
                None
            }
        }
    }

    /// The deadline in the nine columns named `name`; `None` when its kind is empty.
    fn deadline(&mut self, row: &RowRef<'_>, name: &str) -> Option<Deadline> {
        use deadline_part as p;
        let h = |part| deadline_header(name, part);
        let kind = deadline_kind::ALL[self.choice(row, &h(p::KIND), deadline_kind::ALL)?];
        let phase = match self.optional(row, &h(p::PHASE)) {
            Some(_) => self.label(row, &h(p::PHASE), PhaseLabel::parse),
            None => None,
        };
        let parts = Parts {
            kind,
            date: self.date(row, &h(p::DATE)),
            phase,
            point: self.optional(row, &h(p::POINT)),
            event: self.optional(row, &h(p::EVENT)),
            days: self.bounded::<u32>(row, &h(p::DAYS)),
            months: self.bounded::<u32>(row, &h(p::MONTHS)),
            tentative: self.choice(row, &h(p::TENTATIVE), layout::YES_NO) == Some(0),
        };
        let tentative = parts.tentative;
        match Deadline::from_parts(parts) {
            Ok(d) => Some(d),
            Err(lacks) => {
                for lack in lacks {
                    let part = match lack {
                        PartsError::Date(_) => p::DATE,
                        PartsError::Phase => p::PHASE,
                        PartsError::Event => p::EVENT,
                        PartsError::Offset(_) => p::DAYS,
                    };
                    self.problem(row, &h(part), Code::MissingField, lack.to_string());
                }
                Some(Deadline {
                    when: When::Unspecified,
                    tentative,
                })
            }
        }
    }

    fn plan(&mut self, grids: &Grids) -> Option<Plan> {
        self.out.extend(grids.findings.iter().cloned());
        let rows = |name: &str| sheet_rows(grids, name);
        let mut plan = self.header(rows(layout::PLAN).collect())?;

        let mut lines: Vec<StrategyLine> = Vec::new();
        let is_axis = |r: &RowRef<'_>| {
            r.cell("Asse")
                .and_then(text_of)
                .is_some_and(|a| !a.is_empty())
        };
        for r in rows(layout::STRATEGY).filter(|r| !is_axis(r)) {
            let id = self.text(&r, "Linea");
            let title = self.text(&r, "Testo");
            lines.push(StrategyLine {
                id,
                title,
                axes: Vec::new(),
            });
            self.places.strategy.push((r.row, Vec::new()));
        }
        for r in rows(layout::STRATEGY).filter(is_axis) {
            let line = self.text(&r, "Linea");
            let Some(i) = lines.iter().position(|l| l.id == line) else {
                self.problem(
                    &r,
                    "Linea",
                    Code::RowUnplaced,
                    format!("la linea «{line}» non ha una riga propria (con «Asse» vuoto)."),
                );
                continue;
            };
            let id = self.text(&r, "Asse");
            let text = self.text(&r, "Testo");
            lines[i].axes.push(Axis { id, text });
            self.places.strategy[i].1.push(r.row);
        }
        plan.strategy = lines;

        for r in rows(layout::RESPONSIBLES) {
            let code = self.text(&r, "Codice");
            let title = self.text(&r, "Ruolo");
            plan.responsibles.push(Responsible { code, title });
            self.places.responsibles.push(r.row);
        }

        for r in rows(layout::UNITS) {
            let Some(id) = self.label(&r, layout::UNIT_COLUMN, UnitId::parse) else {
                continue;
            };
            let kind = self.required_choice(&r, "Tipo", &layout::UNIT_KINDS);
            let kind = kind.map_or(domain::UnitKind::Settore, |i| domain::UnitKind::ALL[i]);
            let name = self.text(&r, "Nome");
            let parent = match self.optional(&r, "Area") {
                None => None,
                Some(_) => self.label(&r, "Area", UnitId::parse),
            };
            let responsible_code = self.optional(&r, "Codice responsabile");
            plan.units.push(Unit {
                id,
                kind,
                name,
                parent,
                heads: Vec::new(),
                responsible_code,
                functions: Vec::new(),
                staff: None,
            });
            self.places.units.push(UnitPlaces {
                row: r.row,
                ..UnitPlaces::default()
            });
        }
        let unit_index: HashMap<String, usize> = plan
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.as_str().to_owned(), i))
            .collect();
        let find_unit = |this: &mut Self, r: &RowRef<'_>| -> Option<usize> {
            let id = this.text(r, layout::UNIT_COLUMN);
            let found = unit_index.get(&id).copied();
            if found.is_none() {
                this.problem(
                    r,
                    layout::UNIT_COLUMN,
                    Code::RowUnplaced,
                    format!("l'unità «{id}» non è nel foglio «{}».", layout::UNITS),
                );
            }
            found
        };
        for r in rows(layout::HEADS) {
            let Some(u) = find_unit(self, &r) else {
                continue;
            };
            let head = Head {
                name: self.text(&r, "Nome"),
                role: self.optional(&r, "Ruolo"),
                from: self.date(&r, "Dal"),
                until: self.date(&r, "Al"),
            };
            plan.units[u].heads.push(head);
            self.places.units[u].heads.push(r.row);
        }
        for r in rows(layout::FUNCTIONS) {
            let Some(u) = find_unit(self, &r) else {
                continue;
            };
            let function = self.text(&r, "Funzione");
            plan.units[u].functions.push(function);
            self.places.units[u].functions.push(r.row);
        }
        for r in rows(layout::STAFF) {
            let Some(u) = find_unit(self, &r) else {
                continue;
            };
            if self.places.units[u].staff.is_some() {
                self.problem(
                    &r,
                    layout::UNIT_COLUMN,
                    Code::CellUnreadable,
                    "il personale di questa unità è già su un'altra riga.".into(),
                );
                continue;
            }
            plan.units[u].staff = self.bounded::<u32>(&r, "Addetti");
            self.places.units[u].staff = Some(r.row);
        }

        for r in rows(layout::OBJECTIVES) {
            let unit = self.label(&r, layout::UNIT_COLUMN, UnitId::parse);
            let label = self.label(&r, layout::OBJECTIVE_COLUMN, ObjectiveLabel::parse);
            let (Some(unit), Some(label)) = (unit, label) else {
                continue;
            };
            let final_deadline = self
                .deadline(&r, "Scadenza finale")
                .unwrap_or_else(Deadline::unspecified);
            let year_deadline = self.deadline(&r, "Scadenza annualità");
            let objective = Objective {
                id: ObjectiveId::new(&unit, &label),
                unit,
                label,
                title: self.text(&r, "Titolo"),
                strategic_purpose: self.optional(&r, "Finalità strategiche"),
                directives: self.optional(&r, "Direttive"),
                timing: self.optional(&r, "Tempistica"),
                phases: Vec::new(),
                final_deadline,
                final_deadline_text: self
                    .text(&r, &deadline_header("Scadenza finale", deadline_part::TEXT)),
                year_deadline,
                year_deadline_text: self.optional(
                    &r,
                    &deadline_header("Scadenza annualità", deadline_part::TEXT),
                ),
                expected_result: self.optional(&r, "Risultato atteso"),
                full_achievement: self.optional(&r, "Obiettivo raggiunto al 100%"),
                not_achieved: self.optional(&r, "Obiettivo non raggiunto"),
                indicators: Vec::new(),
                constraints: self.optional(&r, "Vincoli"),
                human_resources: self.optional(&r, "Risorse umane"),
                financial_resources: self.optional(&r, "Risorse finanziarie"),
            };
            plan.objectives.push(objective);
            self.places.objectives.push(ObjectivePlaces {
                row: r.row,
                ..ObjectivePlaces::default()
            });
        }
        let objective_index: HashMap<(String, String), usize> = plan
            .objectives
            .iter()
            .enumerate()
            .map(|(i, o)| ((o.unit.as_str().to_owned(), o.label.as_str().to_owned()), i))
            .collect();
        let find_objective = |this: &mut Self, r: &RowRef<'_>| -> Option<usize> {
            let unit = this.text(r, layout::UNIT_COLUMN);
            let label = this.text(r, layout::OBJECTIVE_COLUMN);
            let found = objective_index.get(&(unit.clone(), label.clone())).copied();
            if found.is_none() {
                this.problem(
                    r,
                    layout::OBJECTIVE_COLUMN,
                    Code::RowUnplaced,
                    format!(
                        "l'obiettivo «{label}» dell'unità «{unit}» non è nel foglio «{}».",
                        layout::OBJECTIVES
                    ),
                );
            }
            found
        };
        for r in rows(layout::PHASES) {
            let Some(o) = find_objective(self, &r) else {
                continue;
            };
            let Some(label) = self.label(&r, "Fase", PhaseLabel::parse) else {
                continue;
            };
            let phase = Phase {
                label,
                description: self.text(&r, "Descrizione"),
                weight_pct: self.percent(&r, "Incidenza %"),
                responsible: self.lines(&r, "Responsabili"),
                deadline: self
                    .deadline(&r, "Scadenza")
                    .unwrap_or_else(Deadline::unspecified),
                deadline_text: self.text(&r, &deadline_header("Scadenza", deadline_part::TEXT)),
            };
            plan.objectives[o].phases.push(phase);
            self.places.objectives[o].phases.push(r.row);
        }
        for r in rows(layout::INDICATORS) {
            let Some(o) = find_objective(self, &r) else {
                continue;
            };
            let text = self.text(&r, "Indicatore");
            plan.objectives[o].indicators.push(text);
            self.places.objectives[o].indicators.push(r.row);
        }
        for r in rows(layout::SURVEYS) {
            let service = self.text(&r, "Servizio");
            let year = self.bounded::<i32>(&r, "Anno");
            let shares = ["Positivi %", "Neutri %", "Negativi %"].map(|h| {
                let p = self.percent(&r, h);
                // An unreadable share is said by `percent`; an empty one here.
                if p.is_none() && !row_has(&r, h) {
                    self.problem(&r, h, Code::MissingField, "la cella è vuota.".into());
                }
                p
            });
            let [Some(positive_pct), Some(neutral_pct), Some(negative_pct)] = shares else {
                continue;
            };
            plan.customer_satisfaction.push(SurveyResult {
                service,
                year,
                positive_pct,
                neutral_pct,
                negative_pct,
            });
            self.places.surveys.push(r.row);
        }
        plan.piao = self.piao(grids);
        Some(plan)
    }

    /// The plan's own row: without the administration's name and the year there is no plan.
    fn header(&mut self, rows: Vec<RowRef<'_>>) -> Option<Plan> {
        let Some(r) = rows.first() else {
            if !self
                .out
                .iter()
                .any(|d| d.code == Code::SheetMissing && d.severity == Severity::Error)
            {
                self.out.push(Diagnostic::error(
                    Code::MissingField,
                    "",
                    format!(
                        "Il foglio «{}» non ha la riga del piano (ente, titolo, triennio, anno).",
                        layout::PLAN
                    ),
                ));
            }
            return None;
        };
        for extra in &rows[1..] {
            self.out.push(Diagnostic::warning(
                Code::UnplacedLine,
                "",
                format!(
                    "Foglio «{}», riga {}: un piano ha una riga sola; questa è stata ignorata.",
                    layout::PLAN,
                    extra.row
                ),
            ));
        }
        self.places.plan = r.row;
        let name = self.text(r, "Ente");
        let kind = self.required_choice(r, "Tipo di ente", &layout::ENTITY_KINDS);
        let kind = kind.map_or(EntityKind::Altro, |i| EntityKind::ALL[i]);
        let code = self.optional(r, "Codice IPA");
        let title = self.text(r, "Titolo");
        let from = self.bounded::<i32>(r, "Triennio dal");
        let to = self.bounded::<i32>(r, "Triennio al");
        let year = self.bounded::<i32>(r, "Anno");
        if year.is_none() && row_has(r, "Anno") {
            return None;
        }
        let Some(year) = year else {
            self.problem(
                r,
                "Anno",
                Code::MissingField,
                "manca l'anno del piano.".into(),
            );
            return None;
        };
        Some(Plan {
            format: domain::Format,
            entity: Entity { name, kind, code },
            title,
            period: Period {
                from: from.unwrap_or(year),
                to: to.unwrap_or(year),
            },
            year,
            strategy: Vec::new(),
            responsibles: Vec::new(),
            units: Vec::new(),
            objectives: Vec::new(),
            customer_satisfaction: Vec::new(),
            piao: None,
        })
    }
}

/// The rows of the sheet of this name, when the workbook has it.
fn sheet_rows<'g>(grids: &'g Grids, name: &str) -> impl Iterator<Item = RowRef<'g>> + use<'g> {
    grids.found.get(name).into_iter().flat_map(|g| {
        g.rows.iter().map(move |(row, cells)| RowRef {
            grid: g,
            row: *row,
            cells,
        })
    })
}

/// Whether the row has something in that column (to tell "empty" from "unreadable").
fn row_has(r: &RowRef<'_>, header: &str) -> bool {
    r.cell(header).is_some_and(|c| !matches!(c, Data::Empty))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_run_past_z() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn numbers_read_as_people_typed_them() {
        assert_eq!(number_text(2249.0), "2249");
        assert_eq!(number_text(33.5), "33.5");
        assert_eq!(text_of(&Data::Error(calamine::CellErrorType::NA)), None);
    }

    #[test]
    fn a_date_serial_out_of_range_is_no_date() {
        let x = calamine::ExcelDateTime::new(-1e300, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(excel_day(&x), None);
        let x = calamine::ExcelDateTime::new(44377.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(excel_day(&x), NaiveDate::from_ymd_opt(2021, 6, 30));
    }
}
