//! A plan into an XLSX workbook: one sheet per kind, a frozen header row, drop-down lists of
//! the allowed words, dates as dates.

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use domain::piao::Piao;
use domain::{Deadline, Plan};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use crate::layout::{self, Kind, SHEETS, Sheet, deadline_header, deadline_part};

/// A workbook could not be written (a text longer than a cell holds, or the library failed).
#[derive(Debug, thiserror::Error)]
#[error("writing the workbook: {0}")]
pub struct WriteError(#[from] XlsxError);

/// A value for one cell.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Empty,
    Text(String),
    Integer(i64),
    Number(Decimal),
    Date(NaiveDate),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        if s.is_empty() {
            Value::Empty
        } else {
            Value::Text(s.to_owned())
        }
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::from(s.as_str())
    }
}

impl From<&Option<String>> for Value {
    fn from(s: &Option<String>) -> Self {
        s.as_deref().map_or(Value::Empty, Value::from)
    }
}

impl From<Option<u32>> for Value {
    fn from(n: Option<u32>) -> Self {
        n.map_or(Value::Empty, |n| Value::Integer(n.into()))
    }
}

impl From<Option<NaiveDate>> for Value {
    fn from(d: Option<NaiveDate>) -> Self {
        d.map_or(Value::Empty, Value::Date)
    }
}

/// One row being filled, by header.
struct Row<'s> {
    sheet: &'s Sheet,
    cells: Vec<Value>,
}

impl<'s> Row<'s> {
    fn new(sheet: &'s Sheet) -> Self {
        Row {
            sheet,
            cells: vec![Value::Empty; sheet.columns.len()],
        }
    }

    fn set(&mut self, header: &str, value: impl Into<Value>) -> &mut Self {
        let at = self.sheet.column(header);
        self.cells[at] = value.into();
        self
    }

    fn deadline(&mut self, name: &str, deadline: &Deadline, text: Option<&str>) -> &mut Self {
        use deadline_part as p;
        let h = |part| deadline_header(name, part);
        let parts = deadline.parts();
        let number = |n: Option<u32>| n.map_or(Value::Empty, |n| Value::Integer(n.into()));
        self.set(&h(p::KIND), parts.kind)
            .set(&h(p::DATE), parts.date)
            .set(
                &h(p::PHASE),
                parts.phase.as_ref().map_or("", |l| l.as_str()),
            )
            .set(&h(p::POINT), &parts.point)
            .set(&h(p::EVENT), &parts.event)
            .set(&h(p::DAYS), number(parts.days))
            .set(&h(p::MONTHS), number(parts.months));
        if parts.tentative {
            self.set(&h(p::TENTATIVE), layout::YES);
        }
        if let Some(text) = text {
            self.set(&h(p::TEXT), text);
        }
        self
    }
}

/// The plan as an XLSX workbook.
pub fn write(plan: &Plan) -> Result<Vec<u8>, WriteError> {
    let rows = rows(plan);
    book(|name| rows.iter().filter(move |(s, _)| *s == name).map(|(_, r)| r))
}

/// A workbook with every sheet and header and no rows: the blank template.
pub fn template() -> Result<Vec<u8>, WriteError> {
    book(|_| std::iter::empty())
}

fn book<'a, I>(rows_of: impl Fn(&'static str) -> I) -> Result<Vec<u8>, WriteError>
where
    I: Iterator<Item = &'a Vec<Value>>,
{
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DCE6F0")
        .set_border_bottom(FormatBorder::Thin);
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let text = Format::new().set_num_format("@");
    for sheet in SHEETS.iter() {
        let ws = workbook.add_worksheet();
        ws.set_name(sheet.name)?;
        let mut last = 0u32;
        for (r, cells) in rows_of(sheet.name).enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            last = r;
            for (c, value) in cells.iter().enumerate() {
                write_cell(ws, r, col(c), value, &date, &text)?;
            }
        }
        for (c, column) in sheet.columns.iter().enumerate() {
            ws.write_string_with_format(0, col(c), &column.header, &header)?;
            ws.set_column_width(col(c), column.width)?;
            validate(ws, col(c), column.kind, last.max(1000))?;
        }
        ws.set_freeze_panes(1, 0)?;
        ws.set_row_height(0, 30)?;
    }
    Ok(workbook.save_to_buffer()?)
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    value: &Value,
    date: &Format,
    text: &Format,
) -> Result<(), XlsxError> {
    match value {
        Value::Empty => {}
        Value::Text(s) => {
            // Text stays text even when it looks like a number (codes, labels `1`).
            ws.write_string_with_format(r, c, s, text)?;
        }
        Value::Integer(n) => {
            ws.write_number(r, c, *n as f64)?;
        }
        Value::Number(d) => match exact_f64(*d) {
            Some(f) => {
                ws.write_number(r, c, f)?;
            }
            // A decimal no spreadsheet number holds exactly stays as its digits.
            None => {
                ws.write_string(r, c, d.to_string().replace('.', ","))?;
            }
        },
        Value::Date(d) => match excel_date(*d) {
            Some(x) => {
                ws.write_datetime_with_format(r, c, &x, date)?;
            }
            None => {
                ws.write_string(r, c, d.format("%d/%m/%Y").to_string())?;
            }
        },
    }
    Ok(())
}

/// The number a spreadsheet stores for this decimal, when it reads back as the same decimal.
fn exact_f64(d: Decimal) -> Option<f64> {
    let f = d.to_f64()?;
    (Decimal::from_str(&format!("{f}")).ok()? == d).then_some(f)
}

fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

/// The cell's drop-down list or check, on the rows people fill.
fn validate(ws: &mut Worksheet, c: u16, kind: Kind, last_row: u32) -> Result<(), XlsxError> {
    let rule = match kind {
        Kind::List(words) => DataValidation::new()
            .allow_list_strings(words)?
            .set_error_message("Scegliere una delle voci dell'elenco.")?,
        Kind::Percent => DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(0.0, 100.0))
            .set_error_message("Un numero tra 0 e 100.")?,
        Kind::Integer => DataValidation::new()
            .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
            .set_error_message("Un numero intero, 0 o più.")?,
        Kind::Date => DataValidation::new()
            .allow_date(DataValidationRule::GreaterThan(excel_epoch()))
            .set_error_message("Una data (gg/mm/aaaa).")?,
        Kind::Text | Kind::Lines => return Ok(()),
    };
    ws.add_data_validation(1, c, last_row, c, &rule)?;
    Ok(())
}

fn excel_epoch() -> ExcelDateTime {
    ExcelDateTime::from_ymd(1900, 1, 1)
        .unwrap_or_else(|_| ExcelDateTime::from_serial_datetime(1.0).unwrap_or_default())
}

/// Every row of the workbook, with the sheet it goes to, in the plan's order.
fn rows(plan: &Plan) -> Vec<(&'static str, Vec<Value>)> {
    let mut out = Vec::new();
    let mut push = |row: Row<'static>| out.push((row.sheet.name, row.cells));

    let mut r = Row::new(layout::sheet(layout::PLAN));
    r.set("Ente", &plan.entity.name)
        .set("Tipo di ente", plan.entity.kind.as_str())
        .set("Codice IPA", &plan.entity.code)
        .set("Titolo", &plan.title)
        .set("Triennio dal", Value::Integer(plan.period.from.into()))
        .set("Triennio al", Value::Integer(plan.period.to.into()))
        .set("Anno", Value::Integer(plan.year.into()));
    push(r);

    let sheet = layout::sheet(layout::STRATEGY);
    for line in &plan.strategy {
        let mut r = Row::new(sheet);
        r.set("Linea", &line.id).set("Testo", &line.title);
        push(r);
        for axis in &line.axes {
            let mut r = Row::new(sheet);
            r.set("Linea", &line.id)
                .set("Asse", &axis.id)
                .set("Testo", &axis.text);
            push(r);
        }
    }
    let sheet = layout::sheet(layout::RESPONSIBLES);
    for resp in &plan.responsibles {
        let mut r = Row::new(sheet);
        r.set("Codice", &resp.code).set("Ruolo", &resp.title);
        push(r);
    }
    for unit in &plan.units {
        let mut r = Row::new(layout::sheet(layout::UNITS));
        r.set(layout::UNIT_COLUMN, unit.id.as_str())
            .set("Tipo", unit.kind.as_str())
            .set("Nome", &unit.name)
            .set("Area", unit.parent.as_ref().map_or("", |p| p.as_str()))
            .set("Codice responsabile", &unit.responsible_code);
        push(r);
    }
    for unit in &plan.units {
        for head in &unit.heads {
            let mut r = Row::new(layout::sheet(layout::HEADS));
            r.set(layout::UNIT_COLUMN, unit.id.as_str())
                .set("Nome", &head.name)
                .set("Ruolo", &head.role)
                .set("Dal", head.from)
                .set("Al", head.until);
            push(r);
        }
    }
    for unit in &plan.units {
        for function in &unit.functions {
            let mut r = Row::new(layout::sheet(layout::FUNCTIONS));
            r.set(layout::UNIT_COLUMN, unit.id.as_str())
                .set("Funzione", function);
            push(r);
        }
    }
    for unit in &plan.units {
        if let Some(staff) = unit.staff {
            let mut r = Row::new(layout::sheet(layout::STAFF));
            r.set(layout::UNIT_COLUMN, unit.id.as_str())
                .set("Addetti", Value::Integer(staff.into()));
            push(r);
        }
    }
    for o in &plan.objectives {
        let mut r = Row::new(layout::sheet(layout::OBJECTIVES));
        r.set(layout::UNIT_COLUMN, o.unit.as_str())
            .set(layout::OBJECTIVE_COLUMN, o.label.as_str())
            .set("Titolo", &o.title)
            .set("Finalità strategiche", &o.strategic_purpose)
            .set("Direttive", &o.directives)
            .set("Tempistica", &o.timing)
            .deadline(
                "Scadenza finale",
                &o.final_deadline,
                Some(&o.final_deadline_text),
            );
        if let Some(d) = &o.year_deadline {
            r.deadline("Scadenza annualità", d, None);
        }
        r.set(
            &deadline_header("Scadenza annualità", deadline_part::TEXT),
            &o.year_deadline_text,
        )
        .set("Risultato atteso", &o.expected_result)
        .set("Obiettivo raggiunto al 100%", &o.full_achievement)
        .set("Obiettivo non raggiunto", &o.not_achieved)
        .set("Vincoli", &o.constraints)
        .set("Risorse umane", &o.human_resources)
        .set("Risorse finanziarie", &o.financial_resources);
        push(r);
    }
    for o in &plan.objectives {
        for phase in &o.phases {
            let mut r = Row::new(layout::sheet(layout::PHASES));
            r.set(layout::UNIT_COLUMN, o.unit.as_str())
                .set(layout::OBJECTIVE_COLUMN, o.label.as_str())
                .set("Fase", phase.label.as_str())
                .set("Descrizione", &phase.description)
                .set(
                    "Incidenza %",
                    phase
                        .weight_pct
                        .map_or(Value::Empty, |w| Value::Number(w.value())),
                )
                .set("Responsabili", &phase.responsible.join("\n"))
                .deadline("Scadenza", &phase.deadline, Some(&phase.deadline_text));
            push(r);
        }
    }
    for o in &plan.objectives {
        for indicator in &o.indicators {
            let mut r = Row::new(layout::sheet(layout::INDICATORS));
            r.set(layout::UNIT_COLUMN, o.unit.as_str())
                .set(layout::OBJECTIVE_COLUMN, o.label.as_str())
                .set("Indicatore", indicator);
            push(r);
        }
    }
    for s in &plan.customer_satisfaction {
        let mut r = Row::new(layout::sheet(layout::SURVEYS));
        r.set("Servizio", &s.service)
            .set(
                "Anno",
                s.year.map_or(Value::Empty, |y| Value::Integer(y.into())),
            )
            .set("Positivi %", Value::Number(s.positive_pct.value()))
            .set("Neutri %", Value::Number(s.neutral_pct.value()))
            .set("Negativi %", Value::Number(s.negative_pct.value()));
        push(r);
    }
    if let Some(piao) = &plan.piao {
        piao_rows(piao).into_iter().for_each(push);
    }
    out
}

/// The rows of the PIAO's sheets: its one row of layout, registry and paragraphs, then one
/// row per public-value objective, risk, measure and profile.
fn piao_rows(piao: &Piao) -> Vec<Row<'static>> {
    use layout::piao_column as p;
    let mut out = Vec::new();
    let (registry, value, anticorruption, organisation) = (
        &piao.registry,
        &piao.public_value,
        &piao.anticorruption,
        &piao.organisation,
    );
    let mut r = Row::new(layout::sheet(layout::PIAO));
    r.set(p::LAYOUT, piao.layout.as_str())
        .set(p::TAX_CODE, &registry.tax_code)
        .set(p::ADDRESS, &registry.address)
        .set(p::PEC, &registry.pec)
        .set(p::WEBSITE, &registry.website)
        .set(p::REPRESENTATIVE, &registry.representative)
        .set(p::STAFF, registry.staff)
        .set(p::ACCESSIBILITY, &value.accessibility)
        .set(p::SIMPLIFICATION, &value.simplification)
        .set(p::RPCT, &anticorruption.rpct)
        .set(p::CONTEXT, &anticorruption.context)
        .set(p::TRANSPARENCY, &anticorruption.transparency)
        .set(p::STRUCTURE, &organisation.structure)
        .set(p::REMOTE_WORK, &organisation.remote_work)
        .set(p::HIRING, &organisation.hiring)
        .set(p::TRAINING, &organisation.training)
        .set(p::MONITORING, &piao.monitoring);
    out.push(r);
    let ids = |ids: &[domain::ObjectiveId]| {
        ids.iter()
            .map(|id| id.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    for v in &value.objectives {
        let mut r = Row::new(layout::sheet(layout::PUBLIC_VALUE));
        r.set("Codice", &v.id)
            .set("Titolo", &v.title)
            .set("Descrizione", &v.description)
            .set("Linee del DUP", &v.strategy.join("\n"))
            .set("Obiettivi", &ids(&v.objectives));
        out.push(r);
    }
    for risk in &anticorruption.risks {
        let mut r = Row::new(layout::sheet(layout::RISKS));
        r.set("Codice", &risk.id)
            .set("Area", risk.area.as_str())
            .set("Processo", &risk.process)
            .set("Descrizione", &risk.description)
            .set("Livello", risk.level.map_or("", |l| l.as_str()));
        out.push(r);
    }
    for m in &anticorruption.measures {
        let mut r = Row::new(layout::sheet(layout::MEASURES));
        r.set("Codice", &m.id)
            .set("Tipo", m.kind.as_str())
            .set("Testo", &m.text)
            .set("Rischi", &m.risks.join("\n"))
            .set("Obiettivi", &ids(&m.objectives))
            .set(
                layout::UNIT_COLUMN,
                m.unit.as_ref().map_or("", |u| u.as_str()),
            )
            .set("Scadenza", m.deadline)
            .set("Indicatore", &m.indicator);
        out.push(r);
    }
    for s in &organisation.staff {
        let mut r = Row::new(layout::sheet(layout::STAFF_NEEDS));
        r.set("Profilo", &s.profile)
            .set("Dipendenti", Value::Integer(s.staff.into()))
            .set("Assunzioni", Value::Integer(s.hires.into()));
        out.push(r);
    }
    out
}
