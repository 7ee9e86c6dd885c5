//! The PIAO's sheets back into the plan's `piao`: its one row (layout, registry, the sections'
//! paragraphs), public-value objectives, risks, measures and staff needs; and the places they
//! came from, to point the PIAO's own rules at their cells.

use domain::piao::{
    Layout, Measure, MeasureKind, Piao, Risk, RiskArea, RiskLevel, StaffRow, ValueObjective,
};
use domain::{Code, Diagnostic, ObjectiveId, UnitId};

use super::{Grids, Reading, RowRef, cell_place, field_of, row_has, sheet_rows};
use crate::layout::{self, piao_column as p};

/// Where the PIAO's parts came from: its row, and each item's row in its sheet.
#[derive(Debug, Default)]
pub(super) struct PiaoPlaces {
    row: Option<u32>,
    values: Vec<u32>,
    risks: Vec<u32>,
    measures: Vec<u32>,
    staff: Vec<u32>,
}

impl PiaoPlaces {
    /// The place of a path under `piao` (`path` whole, `rest` its parts after `piao`): an
    /// item's row in its sheet, a list as a whole its sheet, anything else the `PIAO` sheet's
    /// row and the column carrying it.
    pub(super) fn locate(&self, path: &str, rest: &[(&str, Option<usize>)]) -> String {
        let item = |sheet: &str, rows: &[u32], i: usize, tail: &[(&str, Option<usize>)]| {
            cell_place(sheet, rows.get(i).copied(), field_of(tail))
        };
        match rest {
            [("public_value", None), ("objectives", Some(i)), tail @ ..] => {
                item(layout::PUBLIC_VALUE, &self.values, *i, tail)
            }
            [("anticorruption", None), ("risks", Some(i)), tail @ ..] => {
                item(layout::RISKS, &self.risks, *i, tail)
            }
            [("anticorruption", None), ("measures", Some(i)), tail @ ..] => {
                item(layout::MEASURES, &self.measures, *i, tail)
            }
            [("organisation", None), ("staff", Some(i)), tail @ ..] => {
                item(layout::STAFF_NEEDS, &self.staff, *i, tail)
            }
            [("public_value", None)] | [("public_value", None), ("objectives", None)] => {
                cell_place(layout::PUBLIC_VALUE, None, "")
            }
            [("anticorruption", None)] | [("anticorruption", None), ("risks", None)] => {
                cell_place(layout::RISKS, None, "")
            }
            [("anticorruption", None), ("measures", None)] => {
                cell_place(layout::MEASURES, None, "")
            }
            [("organisation", None), ("staff", None)] => cell_place(layout::STAFF_NEEDS, None, ""),
            _ => {
                let field = path.strip_prefix("piao.").unwrap_or_default();
                cell_place(layout::PIAO, self.row, field)
            }
        }
    }
}

impl Reading {
    /// The PIAO of the workbook: `None` when none of its sheets has a row.
    pub(super) fn piao(&mut self, grids: &Grids) -> Option<Piao> {
        let filled = layout::PIAO_SHEETS
            .iter()
            .any(|name| sheet_rows(grids, name).next().is_some());
        if !filled {
            return None;
        }
        let mut piao = Piao::default();
        let mut head = sheet_rows(grids, layout::PIAO);
        if let Some(r) = head.next() {
            self.piao_row(&r, &mut piao);
            self.places.piao.row = Some(r.row);
        }
        for extra in head {
            self.out.push(Diagnostic::warning(
                Code::UnplacedLine,
                "",
                format!(
                    "Foglio «{}», riga {}: il PIAO ha una riga sola; questa è stata ignorata.",
                    layout::PIAO,
                    extra.row
                ),
            ));
        }

        for r in sheet_rows(grids, layout::PUBLIC_VALUE) {
            let Some(id) = self.code(&r) else {
                continue;
            };
            let objective = ValueObjective {
                id,
                title: self.filled_text(&r, "Titolo"),
                description: self.optional(&r, "Descrizione"),
                strategy: self.lines(&r, "Linee del DUP"),
                objectives: self.objective_ids(&r, "Obiettivi"),
            };
            piao.public_value.objectives.push(objective);
            self.places.piao.values.push(r.row);
        }

        for r in sheet_rows(grids, layout::RISKS) {
            let Some(id) = self.code(&r) else {
                continue;
            };
            let area = self.required_choice(&r, "Area", &layout::RISK_AREAS);
            let risk = Risk {
                id,
                area: area.map_or(RiskArea::Altro, |i| RiskArea::ALL[i]),
                process: self.filled_text(&r, "Processo"),
                description: self.optional(&r, "Descrizione"),
                level: self
                    .choice(&r, "Livello", &layout::RISK_LEVELS)
                    .map(|i| RiskLevel::ALL[i]),
            };
            piao.anticorruption.risks.push(risk);
            self.places.piao.risks.push(r.row);
        }

        for r in sheet_rows(grids, layout::MEASURES) {
            let Some(id) = self.code(&r) else {
                continue;
            };
            let kind = self.required_choice(&r, "Tipo", &layout::MEASURE_KINDS);
            let unit = match self.optional(&r, layout::UNIT_COLUMN) {
                None => None,
                Some(_) => self.label(&r, layout::UNIT_COLUMN, UnitId::parse),
            };
            let measure = Measure {
                id,
                kind: kind.map_or(MeasureKind::Prevenzione, |i| MeasureKind::ALL[i]),
                text: self.filled_text(&r, "Testo"),
                risks: self.lines(&r, "Rischi"),
                objectives: self.objective_ids(&r, "Obiettivi"),
                unit,
                deadline: self.date(&r, "Scadenza"),
                indicator: self.optional(&r, "Indicatore"),
            };
            piao.anticorruption.measures.push(measure);
            self.places.piao.measures.push(r.row);
        }

        for r in sheet_rows(grids, layout::STAFF_NEEDS) {
            let profile = self.filled_text(&r, "Profilo");
            let staff = self.bounded::<u32>(&r, "Dipendenti");
            // An unreadable number is said by `bounded`; an empty one here.
            if staff.is_none() && !row_has(&r, "Dipendenti") {
                self.problem(
                    &r,
                    "Dipendenti",
                    Code::MissingField,
                    "la cella è vuota.".into(),
                );
            }
            let hires = self.bounded::<u32>(&r, "Assunzioni").unwrap_or(0);
            let Some(staff) = staff else {
                continue;
            };
            piao.organisation.staff.push(StaffRow {
                profile,
                staff,
                hires,
            });
            self.places.piao.staff.push(r.row);
        }
        Some(piao)
    }

    /// The `PIAO` sheet's row: the layout (ordinary when empty), the registry and the
    /// sections' paragraphs.
    fn piao_row(&mut self, r: &RowRef<'_>, piao: &mut Piao) {
        piao.layout = self
            .choice(r, p::LAYOUT, &layout::LAYOUTS)
            .map_or_else(Layout::default, |i| Layout::ALL[i]);
        let registry = &mut piao.registry;
        registry.tax_code = self.optional(r, p::TAX_CODE);
        registry.address = self.optional(r, p::ADDRESS);
        registry.pec = self.optional(r, p::PEC);
        registry.website = self.optional(r, p::WEBSITE);
        registry.representative = self.optional(r, p::REPRESENTATIVE);
        registry.staff = self.bounded::<u32>(r, p::STAFF);
        let value = &mut piao.public_value;
        value.accessibility = self.optional(r, p::ACCESSIBILITY);
        value.simplification = self.optional(r, p::SIMPLIFICATION);
        let anticorruption = &mut piao.anticorruption;
        anticorruption.rpct = self.optional(r, p::RPCT);
        anticorruption.context = self.optional(r, p::CONTEXT);
        anticorruption.transparency = self.optional(r, p::TRANSPARENCY);
        let organisation = &mut piao.organisation;
        organisation.structure = self.optional(r, p::STRUCTURE);
        organisation.remote_work = self.optional(r, p::REMOTE_WORK);
        organisation.hiring = self.optional(r, p::HIRING);
        organisation.training = self.optional(r, p::TRAINING);
        piao.monitoring = self.optional(r, p::MONITORING);
    }

    /// The item's code in `Codice`: an empty one is a problem, and the row is left out.
    fn code(&mut self, r: &RowRef<'_>) -> Option<String> {
        self.label(r, "Codice", Ok::<String, domain::ValueError>)
    }

    /// A text the item cannot be without: an empty cell is a problem.
    fn filled_text(&mut self, r: &RowRef<'_>, header: &str) -> String {
        let t = self.text(r, header);
        if t.is_empty() {
            self.problem(r, header, Code::MissingField, "la cella è vuota.".into());
        }
        t
    }

    /// The plan's objective cards named one per line as `unità/obiettivo`; a line in another
    /// form is a problem and is left out (a card that is not in the plan is the plan's rules'
    /// to say).
    fn objective_ids(&mut self, r: &RowRef<'_>, header: &str) -> Vec<ObjectiveId> {
        let mut ids = Vec::new();
        for line in self.lines(r, header) {
            match ObjectiveId::parse(line.as_str()) {
                Ok(id) => ids.push(id),
                Err(_) => self.problem(
                    r,
                    header,
                    Code::CellUnreadable,
                    format!(
                        "«{line}» non è un obiettivo scritto come unità/obiettivo (ad esempio «servizi-sociali/A»)."
                    ),
                ),
            }
        }
        ids
    }
}
