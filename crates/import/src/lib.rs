//! Reads the documents administrations already have into the plan model: the text of a PEG /
//! Piano della Performance as converted from its PDF, or the DOCX / ODT document itself (read
//! into the same lines). It always builds the best plan it can, reports what it could not place
//! with its line number, and never panics.

/// Declares statics holding this crate's patterns, each compiled by `text::re` on first use.
macro_rules! patterns {
    ($($(#[$attr:meta])* $vis:vis $name:ident = $pattern:expr;)*) => {
        $(
            $(#[$attr])*
            $vis static $name: std::sync::LazyLock<regex::Regex> =
                std::sync::LazyLock::new(|| $crate::text::re($pattern));
        )*
    };
}

mod card;
mod deadline;
mod meta;
mod names;
mod office;
mod org;
mod strategy;
mod survey;
mod table;
mod text;

use domain::{
    Code, Diagnostic, Entity, EntityKind, Format, Head, Objective, ObjectiveId, ObjectiveLabel,
    Period, Plan, UnitId, UnitKind, messages as msg, validate,
};

pub use crate::office::{MAX_BYTES, OfficeError, import_office, is_zip, office_text};

use crate::card::{CARD_START, parse_card, parse_header};
use crate::names::{best_pairs, core_words, kind_of, likeness, slug_for};
use crate::text::{Line, key};

/// The plan read from a document and everything worth telling about the reading.
#[derive(Debug)]
pub struct Import {
    pub plan: Plan,
    /// Findings of the reading and of the plan's rules, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

/// A unit as it takes shape while the document is read.
#[derive(Debug)]
struct Draft {
    id: UnitId,
    name: String,
    kind: UnitKind,
    core: Vec<String>,
    section_heads: Vec<Head>,
    card_heads: Vec<Head>,
    functions: Vec<String>,
    line: usize,
}

/// Lines of the source for places in the plan, to point validation findings at the document.
#[derive(Debug, Default)]
struct SourceMap {
    units: Vec<usize>,
    objectives: Vec<usize>,
    phases: Vec<Vec<usize>>,
}

/// Reads the text of a PEG document.
pub fn import_text(text: &str) -> Import {
    let lines = text::lines(text);
    let mut diags = Vec::new();
    let banner = meta::banner(&lines);

    let entity = meta::entity(&lines, &banner).unwrap_or_else(|| {
        diags.push(Diagnostic::warning(
            Code::MissingField,
            "entity",
            msg::missing_field("Il documento", "ente"),
        ));
        Entity {
            name: String::new(),
            kind: EntityKind::Altro,
            code: None,
        }
    });
    let year_found = meta::peg_year(&lines);
    let (title, period) = match meta::title_and_period(&lines) {
        Some((title, from, to)) => (title, Period { from, to }),
        None => {
            diags.push(Diagnostic::warning(
                Code::MissingField,
                "period",
                msg::missing_field("Il documento", "titolo e periodo del piano"),
            ));
            let y = year_found.unwrap_or(0);
            (String::new(), Period { from: y, to: y })
        }
    };
    let year = year_found.unwrap_or(period.from);
    let responsibles = org::codifica(&lines);
    let codifica_at = org::codifica_start(&lines).unwrap_or(lines.len());

    let mut drafts: Vec<Draft> = Vec::new();
    let mut objectives: Vec<Objective> = Vec::new();
    let mut map = SourceMap::default();
    let mut section_unit: Option<usize> = None;

    let sections: Vec<usize> = (0..codifica_at)
        .filter(|&i| org::is_section_start(&lines[i]))
        .collect();
    let cards: Vec<usize> = (0..codifica_at)
        .filter(|&i| CARD_START.is_match(lines[i].text))
        .collect();
    let is_banner = |l: &Line| {
        !banner.is_empty() && l.text.len() <= 2 * banner.len() + 8 && key(l.text) == banner
    };
    let banners: Vec<usize> = (0..lines.len()).filter(|&i| is_banner(&lines[i])).collect();
    // The lists are sorted: binary searches keep big inputs linear-logarithmic.
    let next_after =
        |list: &[usize], i: usize| list.get(list.partition_point(|&j| j <= i)).copied();
    let mut previous_card_end = 0;

    let mut events: Vec<(usize, bool)> = sections
        .iter()
        .map(|&i| (i, true))
        .chain(cards.iter().map(|&i| (i, false)))
        .collect();
    events.sort_unstable();
    for (at, is_section) in events {
        if is_section {
            let end = next_after(&sections, at).unwrap_or(codifica_at);
            let section = org::parse_section(&lines[at + 1..end], &banner);
            section_unit = section.unit_name.as_ref().map(|name| {
                let d = new_draft(&drafts, name, lines[at].no);
                drafts.push(d);
                drafts.len() - 1
            });
            if let Some(u) = section_unit {
                drafts[u].section_heads = section.heads;
                drafts[u].functions = section.functions;
            }
            continue;
        }
        let end = [
            next_after(&cards, at),
            next_after(&banners, at),
            next_after(&sections, at),
            Some(codifica_at),
        ]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(lines.len());
        let last_banner = banners[..banners.partition_point(|&b| b < at)]
            .last()
            .copied();
        let header_start = last_banner
            .filter(|&b| b >= previous_card_end)
            .map_or(at, |b| b + 1);
        previous_card_end = end;
        let header = parse_header(&lines[header_start..at]);
        let unit = resolve_unit(
            &mut drafts,
            header.unit_name.as_deref(),
            section_unit,
            lines[at].no,
        );
        for head in header.heads {
            if !drafts[unit].card_heads.iter().any(|h| h.name == head.name) {
                drafts[unit].card_heads.push(head);
            }
        }
        let label_text = CARD_START
            .captures(lines[at].text)
            .and_then(|c| c.get(1))
            .map_or("", |m| m.as_str());
        let Ok(label) = ObjectiveLabel::parse(label_text) else {
            continue;
        };
        let id = ObjectiveId::new(&drafts[unit].id, &label);
        let path = format!("objectives[{}]", objectives.len());
        let card = parse_card(&lines[at..end], id.as_str(), &path, &mut diags);
        map.objectives.push(lines[at].no);
        map.phases
            .push(card.phases.iter().map(|(_, line)| *line).collect());
        objectives.push(Objective {
            id,
            unit: drafts[unit].id.clone(),
            label,
            title: card.title,
            strategic_purpose: card.strategic_purpose,
            directives: card.directives,
            timing: card.timing,
            phases: card.phases.into_iter().map(|(p, _)| p).collect(),
            final_deadline: card.final_deadline,
            final_deadline_text: card.final_deadline_text,
            year_deadline: card.year_deadline,
            year_deadline_text: card.year_deadline_text,
            expected_result: card.expected_result,
            full_achievement: card.full_achievement,
            not_achieved: card.not_achieved,
            indicators: card.indicators,
            constraints: card.constraints,
            human_resources: card.human_resources,
            financial_resources: card.financial_resources,
        });
    }
    if objectives.is_empty() {
        diags.push(Diagnostic::error(
            Code::NoObjectives,
            "objectives",
            msg::no_objectives(),
        ));
    }

    let units = finish_units(drafts, &lines, &responsibles, &mut map, &mut diags);
    let plan = Plan {
        format: Format,
        entity,
        title,
        period,
        year,
        strategy: strategy::read(&lines, &banner),
        responsibles,
        units,
        objectives,
        customer_satisfaction: survey::read(&lines),
        piao: None,
    };
    for mut d in validate(&plan) {
        d.location.line = map.line_of(&d.location.path);
        diags.push(d);
    }
    diags.sort_by_key(|d| d.location.line.unwrap_or(usize::MAX));
    Import {
        plan,
        diagnostics: diags,
    }
}

fn new_draft(drafts: &[Draft], name: &str, line: usize) -> Draft {
    let kind = kind_of(name).unwrap_or(UnitKind::Settore);
    let base = slug_for(name, kind).unwrap_or_else(UnitId::unnamed);
    let mut id = base.clone();
    let mut n = 2;
    while drafts.iter().any(|d| d.id == id) {
        id = UnitId::slugify(&format!("{base}-{n}")).unwrap_or_else(|| base.clone());
        n += 1;
    }
    Draft {
        id,
        name: name.to_string(),
        kind,
        core: core_words(name),
        section_heads: Vec::new(),
        card_heads: Vec::new(),
        functions: Vec::new(),
        line,
    }
}

/// The unit a card belongs to: its section's when the card's header names it (or names
/// nothing), else another unit with that name, else a new unit (an azienda inside a
/// settore's section, or a document without sections).
fn resolve_unit(
    drafts: &mut Vec<Draft>,
    name: Option<&str>,
    section: Option<usize>,
    line: usize,
) -> usize {
    let Some(name) = name else {
        if let Some(s) = section {
            return s;
        }
        let d = new_draft(drafts, "Unità", line);
        drafts.push(d);
        return drafts.len() - 1;
    };
    let core = core_words(name);
    if let Some(s) = section
        && likeness(&core, &drafts[s].core) >= 0.5
    {
        return s;
    }
    let best = drafts
        .iter()
        .enumerate()
        .map(|(i, d)| (likeness(&core, &d.core), i))
        .filter(|(score, _)| *score >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, i)) = best {
        return i;
    }
    let d = new_draft(drafts, name, line);
    drafts.push(d);
    drafts.len() - 1
}

/// Units as the plan holds them: heads from the cards (else from the section page), parent
/// areas, headcount from the staff table, code from the codifica table.
fn finish_units(
    drafts: Vec<Draft>,
    lines: &[Line],
    responsibles: &[domain::Responsible],
    map: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Vec<domain::Unit> {
    let cores: Vec<&Vec<String>> = drafts.iter().map(|d| &d.core).collect();
    let mut parent: Vec<Option<UnitId>> = vec![None; drafts.len()];
    for (area, member) in org::area_members(lines) {
        let area_core = core_words(&area);
        let area_unit = drafts
            .iter()
            .find(|d| d.kind == UnitKind::Area && likeness(&area_core, &d.core) >= 0.75);
        let member_core = core_words(&member);
        let best = (0..drafts.len())
            .filter(|&i| drafts[i].kind != UnitKind::Area)
            .map(|i| (likeness(&member_core, cores[i]), i))
            .filter(|(s, _)| *s >= 0.6)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let (Some(area), Some((_, i))) = (area_unit, best) {
            parent[i] = Some(area.id.clone());
        }
    }

    let staff_rows = org::staff_table(lines);
    let staff_cores: Vec<Vec<String>> = staff_rows.iter().map(|r| core_words(&r.name)).collect();
    let mut staff: Vec<Option<u32>> = vec![None; drafts.len()];
    let pairs = best_pairs(
        staff_rows.len(),
        drafts.len(),
        |i, j| likeness(&staff_cores[i], cores[j]),
        0.6,
    );
    for (i, j) in &pairs {
        staff[*j] = Some(staff_rows[*i].count);
    }
    for (i, row) in staff_rows.iter().enumerate() {
        if !pairs.iter().any(|(r, _)| *r == i) {
            let d = Diagnostic::info(
                Code::UnmatchedRow,
                "units",
                msg::unmatched_row("Tabella del personale", &row.name),
            );
            diags.push(d.at_line(row.line));
        }
    }

    let code_cores: Vec<(Option<UnitKind>, Vec<String>)> = responsibles
        .iter()
        .map(|r| {
            let k = key(&r.title);
            let title = k.strip_prefix("responsabile ").unwrap_or(&k);
            (kind_of(title), core_words(title))
        })
        .collect();
    let mut codes: Vec<Option<String>> = vec![None; drafts.len()];
    let score = |i: usize, j: usize| {
        let (kind, core) = &code_cores[i];
        if kind.is_some_and(|k| k != drafts[j].kind) {
            0.0
        } else {
            likeness(core, cores[j])
        }
    };
    for (i, j) in best_pairs(responsibles.len(), drafts.len(), score, 0.6) {
        codes[j] = Some(responsibles[i].code.clone());
    }

    let mut units = Vec::new();
    for (i, d) in drafts.into_iter().enumerate() {
        map.units.push(d.line);
        units.push(domain::Unit {
            id: d.id,
            kind: d.kind,
            name: d.name,
            parent: parent[i].take(),
            heads: if d.card_heads.is_empty() {
                d.section_heads
            } else {
                d.card_heads
            },
            responsible_code: codes[i].take(),
            functions: d.functions,
            staff: staff[i],
        });
    }
    units
}

impl SourceMap {
    /// The source line of the deepest place named by a path like `objectives[3].phases[1].deadline`.
    fn line_of(&self, path: &str) -> Option<usize> {
        let index = |name: &str, text: &str| -> Option<usize> {
            let rest = text.strip_prefix(name)?.strip_prefix('[')?;
            rest.split(']').next()?.parse().ok()
        };
        if let Some(u) = index("units", path) {
            return self.units.get(u).copied();
        }
        let o = index("objectives", path)?;
        let phase = path.split('.').nth(1).and_then(|p| index("phases", p));
        match phase {
            Some(p) => self
                .phases
                .get(o)
                .and_then(|ps| ps.get(p))
                .copied()
                .or_else(|| self.objectives.get(o).copied()),
            None => self.objectives.get(o).copied(),
        }
    }
}
