//! The PIAO around the plan (Piano Integrato di Attività e Organizzazione, DL 80/2021 art. 6,
//! DM 132/2022). Since 2022 the performance plan is the PIAO's section 2.2; a plan may carry
//! the PIAO's other parts as structured content: 1 the administration's identity, 2.1 public
//! value (objectives tied to the DUP's lines), 2.3 corruption risks and the measures that treat
//! them (each linked to the plan's objectives that carry it), 3 organisation and human capital,
//! 4 monitoring. Which sections are required depends on the layout: administrations with fewer
//! than 50 staff may use the simplified one, where only 1, 2.3 and all of 3 are.

use std::collections::HashSet;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic};
use crate::limits::{self, Field};
use crate::messages as msg;
use crate::plan::Plan;
use crate::values::{ObjectiveId, UnitId};

/// Staff below which an administration may adopt the simplified PIAO (DM 132/2022 art. 6).
pub const SIMPLIFIED_STAFF_LIMIT: u32 = 50;

/// The PIAO's parts other than the performance plan (section 2.2, which is the plan itself).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Piao {
    /// Ordinary, or simplified (fewer than 50 staff).
    #[serde(default)]
    pub layout: Layout,
    /// Section 1, Scheda anagrafica: the administration's identity.
    #[serde(default)]
    pub registry: Registry,
    /// Section 2.1, Valore pubblico.
    #[serde(default)]
    pub public_value: PublicValue,
    /// Section 2.3, Rischi corruttivi e trasparenza.
    #[serde(default)]
    pub anticorruption: Anticorruption,
    /// Section 3, Organizzazione e capitale umano.
    #[serde(default)]
    pub organisation: Organisation,
    /// Section 4, Monitoraggio: how each part is monitored, user-satisfaction surveys
    /// included.
    #[serde(default)]
    pub monitoring: Option<String>,
}

named_enum! { serde "snake_case";
    /// The PIAO's layouts.
    #[derive(Default, JsonSchema)]
    pub enum Layout {
        /// Every section (administrations with 50 staff or more).
        #[default]
        Ordinario,
        /// Under 50 staff: 1, 2.3 and 3 required, 2.1, 2.2 and 4 optional.
        Semplificato,
    }
}

/// Section 1: who the administration is (its name, kind and IPA code are the plan's entity).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Registry {
    /// Codice fiscale.
    #[serde(default)]
    pub tax_code: Option<String>,
    /// The seat's address.
    #[serde(default)]
    pub address: Option<String>,
    /// Certified e-mail (PEC).
    #[serde(default)]
    pub pec: Option<String>,
    /// The institutional website.
    #[serde(default)]
    pub website: Option<String>,
    /// The legal representative (`Il Sindaco, ...`).
    #[serde(default)]
    pub representative: Option<String>,
    /// Staff at 31 December of the year before: it decides whether the simplified layout may
    /// be used.
    #[serde(default)]
    pub staff: Option<u32>,
}

/// Section 2.1: the public value the administration pursues.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PublicValue {
    /// Public-value objectives, each tied to the DUP's lines and to the plan's cards.
    #[serde(default)]
    pub objectives: Vec<ValueObjective>,
    /// Physical and digital accessibility for citizens over 65 and people with disabilities.
    #[serde(default)]
    pub accessibility: Option<String>,
    /// Procedures to simplify and digitise.
    #[serde(default)]
    pub simplification: Option<String>,
}

/// A public-value objective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ValueObjective {
    /// `vp1`, `vp2`, … unique in the PIAO.
    pub id: String,
    /// What the administration means to achieve for its citizens.
    pub title: String,
    /// How, and how it is measured.
    #[serde(default)]
    pub description: Option<String>,
    /// The ids of the DUP's lines or axes it descends from (`s1`, `s2.3`).
    #[serde(default)]
    pub strategy: Vec<String>,
    /// The plan's objective cards that pursue it.
    #[serde(default)]
    pub objectives: Vec<ObjectiveId>,
}

/// Section 2.3: corruption risks and the measures that treat them, by the RPCT.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Anticorruption {
    /// The Responsabile della prevenzione della corruzione e della trasparenza.
    #[serde(default)]
    pub rpct: Option<String>,
    /// The internal and external context.
    #[serde(default)]
    pub context: Option<String>,
    /// The map of processes at risk.
    #[serde(default)]
    pub risks: Vec<Risk>,
    /// The measures, general and specific, and those of transparency.
    #[serde(default)]
    pub measures: Vec<Measure>,
    /// Transparency planning: who publishes what, and when.
    #[serde(default)]
    pub transparency: Option<String>,
}

/// A process at risk of corruption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Risk {
    /// `r1`, `r2`, … unique in the PIAO.
    pub id: String,
    /// The area of risk the process belongs to.
    pub area: RiskArea,
    /// The process (`Affidamenti diretti di lavori`).
    pub process: String,
    /// The risk event.
    #[serde(default)]
    pub description: Option<String>,
    /// Its assessed level, when assessed.
    #[serde(default)]
    pub level: Option<RiskLevel>,
}

named_enum! { serde "snake_case";
    /// Areas of risk: the four of law 190/2012 (art. 1 c. 16), and those the RPCT adds.
    #[derive(Hash, JsonSchema)]
    pub enum RiskArea {
        /// Authorisations and concessions.
        Autorizzazioni,
        /// Public contracts.
        Contratti,
        /// Grants, subsidies and economic advantages.
        Sovvenzioni,
        /// Competitions and selections of staff.
        Selezioni,
        /// Any other area the RPCT maps.
        Altro,
    }
}

impl RiskArea {
    /// The areas law 190/2012 names, which every map covers (the simplified one at least).
    pub const OF_LAW: [RiskArea; 4] = [
        RiskArea::Autorizzazioni,
        RiskArea::Contratti,
        RiskArea::Sovvenzioni,
        RiskArea::Selezioni,
    ];
}

named_enum! { serde "snake_case";
    /// Assessed levels of a risk.
    #[derive(PartialOrd, Ord, JsonSchema)]
    pub enum RiskLevel {
        Basso,
        Medio,
        Alto,
    }
}

/// A measure treating risks, or one of transparency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Measure {
    /// `m1`, `m2`, … unique in the PIAO.
    pub id: String,
    /// Prevention or transparency.
    pub kind: MeasureKind,
    /// What is done.
    pub text: String,
    /// The ids of the risks it treats.
    #[serde(default)]
    pub risks: Vec<String>,
    /// The plan's objective cards that carry it (the PTPCT's link to the performance plan).
    #[serde(default)]
    pub objectives: Vec<ObjectiveId>,
    /// The unit that carries it out.
    #[serde(default)]
    pub unit: Option<UnitId>,
    /// When it is due.
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
    /// How its carrying out is measured.
    #[serde(default)]
    pub indicator: Option<String>,
}

named_enum! { serde "snake_case";
    /// Kinds of measure.
    #[derive(JsonSchema)]
    pub enum MeasureKind {
        /// Prevention of corruption (general or specific).
        Prevenzione,
        /// Transparency.
        Trasparenza,
    }
}

/// Section 3: organisation and human capital.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Organisation {
    /// 3.1 Struttura organizzativa: the organigram's levels of responsibility (the units are
    /// the plan's own).
    #[serde(default)]
    pub structure: Option<String>,
    /// 3.2 Lavoro agile: strategy and objectives for remote work.
    #[serde(default)]
    pub remote_work: Option<String>,
    /// 3.3 Fabbisogni di personale: staff by profile.
    #[serde(default)]
    pub staff: Vec<StaffRow>,
    /// 3.3: the capacity to hire, and how the needs are met.
    #[serde(default)]
    pub hiring: Option<String>,
    /// 3.3: training of the staff.
    #[serde(default)]
    pub training: Option<String>,
}

/// Staff of one profile: at 31 December of the year before, and planned hires in the
/// triennium.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StaffRow {
    /// The profile or category (`Istruttore amministrativo (C)`).
    pub profile: String,
    /// Staff of the profile at 31 December of the year before.
    pub staff: u32,
    /// Hires planned in the triennium.
    #[serde(default)]
    pub hires: u32,
}

named_enum! { "kebab-case";
    /// The PIAO's sections, in order.
    #[derive(Hash, PartialOrd, Ord)]
    pub enum Section {
        Registry,
        PublicValue,
        Performance,
        Anticorruption,
        Structure,
        RemoteWork,
        StaffNeeds,
        Monitoring,
    }
}

impl Section {
    /// Its number in DM 132/2022.
    pub fn number(self) -> &'static str {
        match self {
            Section::Registry => "1",
            Section::PublicValue => "2.1",
            Section::Performance => "2.2",
            Section::Anticorruption => "2.3",
            Section::Structure => "3.1",
            Section::RemoteWork => "3.2",
            Section::StaffNeeds => "3.3",
            Section::Monitoring => "4",
        }
    }

    /// Its title, in Italian.
    pub fn title(self) -> &'static str {
        match self {
            Section::Registry => "Scheda anagrafica dell'amministrazione",
            Section::PublicValue => "Valore pubblico",
            Section::Performance => "Performance",
            Section::Anticorruption => "Rischi corruttivi e trasparenza",
            Section::Structure => "Struttura organizzativa",
            Section::RemoteWork => "Organizzazione del lavoro agile",
            Section::StaffNeeds => "Piano triennale dei fabbisogni di personale",
            Section::Monitoring => "Monitoraggio",
        }
    }

    /// Whether the layout requires it.
    pub fn required(self, layout: Layout) -> bool {
        match layout {
            Layout::Ordinario => true,
            Layout::Semplificato => !matches!(
                self,
                Section::PublicValue | Section::Performance | Section::Monitoring
            ),
        }
    }

    /// The path into the plan document of what the section holds.
    pub fn path(self) -> &'static str {
        match self {
            Section::Registry => "piao.registry",
            Section::PublicValue => "piao.public_value",
            Section::Performance => "objectives",
            Section::Anticorruption => "piao.anticorruption",
            Section::Structure => "piao.organisation.structure",
            Section::RemoteWork => "piao.organisation.remote_work",
            Section::StaffNeeds => "piao.organisation.staff",
            Section::Monitoring => "piao.monitoring",
        }
    }
}

/// A section of the PIAO as a plan holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionStatus {
    pub section: Section,
    pub required: bool,
    pub filled: bool,
}

/// Each section of the plan's PIAO: whether its layout requires it and whether the plan fills
/// it. The performance section is the plan's cards; the organigram is the plan's units with
/// the structure's description.
pub fn sections(plan: &Plan, piao: &Piao) -> Vec<SectionStatus> {
    let given = |s: &Option<String>| s.as_deref().is_some_and(|t| !t.trim().is_empty());
    let r = &piao.registry;
    let o = &piao.organisation;
    Section::ALL
        .iter()
        .map(|&section| {
            let filled = match section {
                Section::Registry => {
                    plan.entity.code.is_some()
                        || [
                            &r.tax_code,
                            &r.address,
                            &r.pec,
                            &r.website,
                            &r.representative,
                        ]
                        .into_iter()
                        .any(given)
                        || r.staff.is_some()
                }
                Section::PublicValue => !piao.public_value.objectives.is_empty(),
                Section::Performance => !plan.objectives.is_empty(),
                Section::Anticorruption => {
                    !piao.anticorruption.risks.is_empty()
                        || !piao.anticorruption.measures.is_empty()
                }
                Section::Structure => given(&o.structure) || !plan.units.is_empty(),
                Section::RemoteWork => given(&o.remote_work),
                Section::StaffNeeds => !o.staff.is_empty() || given(&o.hiring),
                Section::Monitoring => given(&piao.monitoring),
            };
            SectionStatus {
                section,
                required: section.required(piao.layout),
                filled,
            }
        })
        .collect()
}

impl Piao {
    /// Links to cards follow a card whose id changes (its unit's code or its label); links to
    /// a card that is gone are dropped, as the card is.
    pub(crate) fn follow_objective(&mut self, from: &ObjectiveId, to: Option<&ObjectiveId>) {
        let follow = |ids: &mut Vec<ObjectiveId>| match to {
            Some(to) => ids
                .iter_mut()
                .filter(|i| *i == from)
                .for_each(|i| *i = to.clone()),
            None => ids.retain(|i| i != from),
        };
        for v in &mut self.public_value.objectives {
            follow(&mut v.objectives);
        }
        for m in &mut self.anticorruption.measures {
            follow(&mut m.objectives);
        }
    }

    /// Measures follow a unit whose code changes.
    pub(crate) fn follow_unit(&mut self, from: &UnitId, to: &UnitId) {
        for m in &mut self.anticorruption.measures {
            if m.unit.as_ref() == Some(from) {
                m.unit = Some(to.clone());
            }
        }
    }
}

/// Italian names of the PIAO's lists.
pub mod labels {
    use super::{Layout, MeasureKind, RiskArea, RiskLevel};

    pub fn layout(l: Layout) -> &'static str {
        match l {
            Layout::Ordinario => "Ordinario",
            Layout::Semplificato => "Semplificato (meno di 50 dipendenti)",
        }
    }

    pub fn risk_area(a: RiskArea) -> &'static str {
        match a {
            RiskArea::Autorizzazioni => "Autorizzazioni e concessioni",
            RiskArea::Contratti => "Contratti pubblici",
            RiskArea::Sovvenzioni => "Sovvenzioni, contributi e vantaggi economici",
            RiskArea::Selezioni => "Concorsi e selezioni del personale",
            RiskArea::Altro => "Altra area",
        }
    }

    pub fn risk_level(l: RiskLevel) -> &'static str {
        match l {
            RiskLevel::Basso => "Basso",
            RiskLevel::Medio => "Medio",
            RiskLevel::Alto => "Alto",
        }
    }

    pub fn measure_kind(k: MeasureKind) -> &'static str {
        match k {
            MeasureKind::Prevenzione => "Prevenzione",
            MeasureKind::Trasparenza => "Trasparenza",
        }
    }
}

/// The PIAO's rules, added to the plan's (`validate`): links that point nowhere (a card, a DUP
/// line, a risk, a unit not in the plan) and ids used twice are errors; a required section
/// left empty, the simplified layout for 50 staff or more, and a map of risks that leaves out
/// an area of law 190/2012 are warnings, for the office to look at.
pub(crate) fn check(plan: &Plan, piao: &Piao, out: &mut Vec<Diagnostic>) {
    let cards: HashSet<&str> = plan.objectives.iter().map(|o| o.id.as_str()).collect();
    let units: HashSet<&str> = plan.units.iter().map(|u| u.id.as_str()).collect();
    let strategy: HashSet<&str> = plan
        .strategy
        .iter()
        .flat_map(|l| std::iter::once(l.id.as_str()).chain(l.axes.iter().map(|a| a.id.as_str())))
        .collect();
    let risks: HashSet<&str> = piao
        .anticorruption
        .risks
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    let links = |place: &str, path: &str, ids: &[ObjectiveId], out: &mut Vec<Diagnostic>| {
        for (k, id) in ids.iter().enumerate() {
            if !cards.contains(id.as_str()) {
                out.push(Diagnostic::error(
                    Code::UnknownObjective,
                    format!("{path}.objectives[{k}]"),
                    msg::unknown_objective(place, id.as_str()),
                ));
            }
        }
    };
    let mut seen = HashSet::new();
    for (i, v) in piao.public_value.objectives.iter().enumerate() {
        let path = format!("piao.public_value.objectives[{i}]");
        let place = format!("L'obiettivo di valore pubblico {}", v.id);
        unique(&mut seen, &v.id, "valore pubblico", &path, out);
        for (k, s) in v.strategy.iter().enumerate() {
            if !strategy.contains(s.as_str()) {
                out.push(Diagnostic::error(
                    Code::UnknownStrategy,
                    format!("{path}.strategy[{k}]"),
                    msg::unknown_strategy(&place, s),
                ));
            }
        }
        links(&place, &path, &v.objectives, out);
    }
    for (i, r) in piao.anticorruption.risks.iter().enumerate() {
        unique(
            &mut seen,
            &r.id,
            "rischi",
            &format!("piao.anticorruption.risks[{i}]"),
            out,
        );
    }
    for (i, m) in piao.anticorruption.measures.iter().enumerate() {
        let path = format!("piao.anticorruption.measures[{i}]");
        let place = format!("La misura {}", m.id);
        unique(&mut seen, &m.id, "misure", &path, out);
        for (k, r) in m.risks.iter().enumerate() {
            if !risks.contains(r.as_str()) {
                out.push(Diagnostic::error(
                    Code::UnknownRisk,
                    format!("{path}.risks[{k}]"),
                    msg::unknown_risk(&place, r),
                ));
            }
        }
        links(&place, &path, &m.objectives, out);
        if let Some(unit) = &m.unit
            && !units.contains(unit.as_str())
        {
            out.push(Diagnostic::error(
                Code::UnknownUnit,
                format!("{path}.unit"),
                msg::unknown_unit(&place, unit.as_str()),
            ));
        }
    }
    let layout = labels::layout(piao.layout).to_lowercase();
    for s in sections(plan, piao) {
        if s.required && !s.filled {
            out.push(Diagnostic::warning(
                Code::PiaoSectionMissing,
                s.section.path(),
                msg::piao_section_missing(s.section.number(), s.section.title(), &layout),
            ));
        }
    }
    if piao.layout == Layout::Semplificato
        && let Some(staff) = piao.registry.staff
        && staff >= SIMPLIFIED_STAFF_LIMIT
    {
        out.push(Diagnostic::warning(
            Code::PiaoLayout,
            "piao.layout",
            msg::piao_simplified_staff(staff, SIMPLIFIED_STAFF_LIMIT),
        ));
    }
    let risks = &piao.anticorruption.risks;
    if !risks.is_empty() {
        let missing: Vec<&str> = RiskArea::OF_LAW
            .iter()
            .filter(|a| !risks.iter().any(|r| r.area == **a))
            .map(|a| labels::risk_area(*a))
            .collect();
        if !missing.is_empty() {
            out.push(Diagnostic::warning(
                Code::PiaoRiskAreas,
                "piao.anticorruption.risks",
                msg::piao_risk_areas(&missing),
            ));
        }
    }
    check_texts(piao, out);
}

fn unique<'a>(
    seen: &mut HashSet<&'a str>,
    id: &'a str,
    what: &str,
    path: &str,
    out: &mut Vec<Diagnostic>,
) {
    if !seen.insert(id) {
        out.push(Diagnostic::error(
            Code::DuplicateId,
            path,
            msg::duplicate_id(what, id),
        ));
    }
}

/// Every text of the PIAO within its field's bounds.
fn check_texts<'a>(piao: &'a Piao, out: &mut Vec<Diagnostic>) {
    let mut texts: Vec<(Field, String, &'a str)> = Vec::new();
    let mut para = |path: &str, t: &'a Option<String>| {
        if let Some(t) = t {
            texts.push((Field::PiaoText, format!("piao.{path}"), t));
        }
    };
    let (r, v, a, o) = (
        &piao.registry,
        &piao.public_value,
        &piao.anticorruption,
        &piao.organisation,
    );
    para("public_value.accessibility", &v.accessibility);
    para("public_value.simplification", &v.simplification);
    para("anticorruption.context", &a.context);
    para("anticorruption.transparency", &a.transparency);
    para("organisation.structure", &o.structure);
    para("organisation.remote_work", &o.remote_work);
    para("organisation.hiring", &o.hiring);
    para("organisation.training", &o.training);
    para("monitoring", &piao.monitoring);
    let line = |path: String, t: &'a str| (Field::PiaoLine, path, t);
    for (name, t) in [
        ("tax_code", &r.tax_code),
        ("address", &r.address),
        ("pec", &r.pec),
        ("website", &r.website),
        ("representative", &r.representative),
    ] {
        if let Some(t) = t {
            texts.push(line(format!("piao.registry.{name}"), t));
        }
    }
    if let Some(t) = &a.rpct {
        texts.push(line("piao.anticorruption.rpct".into(), t));
    }
    for (i, x) in v.objectives.iter().enumerate() {
        let path = format!("piao.public_value.objectives[{i}]");
        texts.push(line(format!("{path}.title"), &x.title));
        if let Some(t) = &x.description {
            texts.push((Field::PiaoText, format!("{path}.description"), t));
        }
    }
    for (i, x) in a.risks.iter().enumerate() {
        let path = format!("piao.anticorruption.risks[{i}]");
        texts.push(line(format!("{path}.process"), &x.process));
        if let Some(t) = &x.description {
            texts.push(line(format!("{path}.description"), t));
        }
    }
    for (i, x) in a.measures.iter().enumerate() {
        let path = format!("piao.anticorruption.measures[{i}]");
        texts.push(line(format!("{path}.text"), &x.text));
        if let Some(t) = &x.indicator {
            texts.push(line(format!("{path}.indicator"), t));
        }
    }
    for (i, x) in o.staff.iter().enumerate() {
        texts.push(line(
            format!("piao.organisation.staff[{i}].profile"),
            &x.profile,
        ));
    }
    for (field, path, text) in texts {
        if let Err(e) = limits::fits(field, text) {
            out.push(Diagnostic::error(
                Code::TextTooLong,
                path,
                msg::text_error(&e),
            ));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::drafting::{Edit, apply};
    use crate::plan::Unit;
    use serde_json::{Value, json};

    /// A small plan with a whole PIAO that breaks none of its rules.
    fn base() -> Value {
        json!({
            "format": "pegaso.plan/1",
            "entity": {"name": "Comune di Prova", "kind": "comune"},
            "title": "Piano 2024-2026", "period": {"from": 2024, "to": 2026}, "year": 2024,
            "strategy": [{"id": "s1", "title": "Una città trasparente",
                          "axes": [{"id": "s1.1", "text": "Legalità"}]}],
            "units": [
                {"id": "segreteria", "kind": "settore", "name": "Segreteria", "parent": null},
                {"id": "lavori", "kind": "settore", "name": "Lavori pubblici", "parent": null}
            ],
            "objectives": [
                {"id": "segreteria/A", "unit": "segreteria", "label": "A", "title": "Trasparenza",
                 "phases": [{"label": "1", "description": "uno", "weight_pct": 100,
                             "deadline": {"kind": "date", "date": "2024-06-30"}}],
                 "final_deadline": {"kind": "date", "date": "2024-12-31"}},
                {"id": "lavori/A", "unit": "lavori", "label": "A", "title": "Appalti",
                 "phases": [{"label": "1", "description": "uno", "weight_pct": 100,
                             "deadline": {"kind": "date", "date": "2024-06-30"}}],
                 "final_deadline": {"kind": "date", "date": "2024-12-31"}}
            ],
            "piao": {
                "layout": "ordinario",
                "registry": {"tax_code": "00000000000", "representative": "Il Sindaco", "staff": 120},
                "public_value": {
                    "objectives": [{"id": "vp1", "title": "Fiducia nell'ente", "strategy": ["s1", "s1.1"],
                                    "objectives": ["segreteria/A"]}],
                    "accessibility": "Sportelli accessibili."
                },
                "anticorruption": {
                    "rpct": "Il Segretario generale",
                    "risks": [
                        {"id": "r1", "area": "contratti", "process": "Affidamenti diretti", "level": "alto"},
                        {"id": "r2", "area": "autorizzazioni", "process": "Permessi"},
                        {"id": "r3", "area": "sovvenzioni", "process": "Contributi"},
                        {"id": "r4", "area": "selezioni", "process": "Concorsi"}
                    ],
                    "measures": [
                        {"id": "m1", "kind": "prevenzione", "text": "Rotazione degli affidatari",
                         "risks": ["r1"], "objectives": ["lavori/A"], "unit": "lavori",
                         "deadline": "2024-09-30"},
                        {"id": "m2", "kind": "trasparenza", "text": "Pubblicazione tempestiva",
                         "objectives": ["segreteria/A"]}
                    ]
                },
                "organisation": {
                    "structure": "Due settori.", "remote_work": "Un giorno a settimana.",
                    "staff": [{"profile": "Istruttore (C)", "staff": 80, "hires": 4}]
                },
                "monitoring": "Ogni semestre."
            }
        })
    }

    fn plan(v: Value) -> Plan {
        serde_json::from_value(v).unwrap()
    }

    fn codes(v: Value) -> Vec<(Code, String)> {
        crate::validate(&plan(v))
            .into_iter()
            .map(|d| (d.code, d.location.path))
            .collect()
    }

    #[test]
    fn a_whole_piao_passes_and_a_plan_without_one_is_not_asked_for_it() {
        assert_eq!(codes(base()), vec![]);
        let mut v = base();
        v.as_object_mut().unwrap().remove("piao");
        assert_eq!(codes(v), vec![]);
    }

    #[test]
    fn links_that_point_nowhere_are_errors_at_their_place() {
        let mut v = base();
        v["piao"]["public_value"]["objectives"][0]["strategy"][1] = json!("s9");
        v["piao"]["public_value"]["objectives"][0]["objectives"][0] = json!("segreteria/Z");
        v["piao"]["anticorruption"]["measures"][0]["risks"] = json!(["r1", "r7"]);
        v["piao"]["anticorruption"]["measures"][0]["unit"] = json!("urbanistica");
        v["piao"]["anticorruption"]["measures"][1]["id"] = json!("m1");
        assert_eq!(
            codes(v),
            vec![
                (
                    Code::UnknownStrategy,
                    "piao.public_value.objectives[0].strategy[1]".into()
                ),
                (
                    Code::UnknownObjective,
                    "piao.public_value.objectives[0].objectives[0]".into()
                ),
                (
                    Code::UnknownRisk,
                    "piao.anticorruption.measures[0].risks[1]".into()
                ),
                (
                    Code::UnknownUnit,
                    "piao.anticorruption.measures[0].unit".into()
                ),
                (Code::DuplicateId, "piao.anticorruption.measures[1]".into()),
            ]
        );
    }

    #[test]
    fn the_layout_decides_which_empty_sections_are_missing() {
        let mut v = base();
        let p = v["piao"].as_object_mut().unwrap();
        p.remove("public_value");
        p.remove("monitoring");
        p["organisation"]
            .as_object_mut()
            .unwrap()
            .remove("remote_work");
        let missing = |v: &Value| -> Vec<String> {
            codes(v.clone())
                .into_iter()
                .filter(|(c, _)| *c == Code::PiaoSectionMissing)
                .map(|(_, p)| p)
                .collect()
        };
        assert_eq!(
            missing(&v),
            vec![
                "piao.public_value",
                "piao.organisation.remote_work",
                "piao.monitoring"
            ]
        );
        // Simplified: 2.1 and 4 are optional, all of 3 is not.
        v["piao"]["layout"] = json!("semplificato");
        assert_eq!(missing(&v), vec!["piao.organisation.remote_work"]);
        let sections = sections(&plan(v.clone()), plan(v).piao.as_ref().unwrap());
        let required: Vec<&str> = sections
            .iter()
            .filter(|s| s.required)
            .map(|s| s.section.number())
            .collect();
        assert_eq!(required, vec!["1", "2.3", "3.1", "3.2", "3.3"]);
    }

    #[test]
    fn the_simplified_layout_is_for_fewer_than_fifty_and_the_risk_map_covers_the_law() {
        let mut v = base();
        v["piao"]["layout"] = json!("semplificato");
        assert_eq!(
            codes(v.clone()),
            vec![(Code::PiaoLayout, "piao.layout".into())]
        );
        v["piao"]["registry"]["staff"] = json!(49);
        assert_eq!(codes(v.clone()), vec![]);
        v["piao"]["anticorruption"]["risks"][2]["area"] = json!("altro");
        let found = crate::validate(&plan(v));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, Code::PiaoRiskAreas);
        assert!(
            found[0].message.contains("Sovvenzioni"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn links_follow_a_card_or_unit_renamed_and_go_with_a_card_removed() {
        let p = plan(base());
        let mut unit: Unit = p.unit(&UnitId::parse("lavori").unwrap()).unwrap().clone();
        unit.id = UnitId::parse("opere").unwrap();
        let next = apply(
            &p,
            &Edit::Unit {
                at: Some(UnitId::parse("lavori").unwrap()),
                unit,
            },
        )
        .unwrap();
        let m = &next.piao.as_ref().unwrap().anticorruption.measures[0];
        assert_eq!(m.objectives[0].as_str(), "opere/A");
        assert_eq!(m.unit.as_ref().unwrap().as_str(), "opere");
        assert!(crate::validate(&next).is_empty());

        let mut card = p.objectives[0].clone();
        card.label = crate::values::ObjectiveLabel::parse("B").unwrap();
        let next = apply(
            &p,
            &Edit::Objective {
                at: Some(p.objectives[0].id.clone()),
                objective: Box::new(card),
            },
        )
        .unwrap();
        let piao = next.piao.as_ref().unwrap();
        assert_eq!(
            piao.public_value.objectives[0].objectives[0].as_str(),
            "segreteria/B"
        );
        assert_eq!(
            piao.anticorruption.measures[1].objectives[0].as_str(),
            "segreteria/B"
        );

        let next = apply(&p, &Edit::RemoveObjective(p.objectives[1].id.clone())).unwrap();
        assert!(
            next.piao.unwrap().anticorruption.measures[0]
                .objectives
                .is_empty()
        );
    }

    #[test]
    fn the_piao_is_set_and_taken_away_as_a_whole_and_survives_json() {
        let p = plan(base());
        let piao = p.piao.clone().unwrap();
        let text = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Plan>(&text).unwrap(), p);
        let without = apply(&p, &Edit::Piao(None)).unwrap();
        assert!(without.piao.is_none());
        // A plan without a PIAO writes no `piao` key: documents of before read and write the same.
        assert!(!serde_json::to_string(&without).unwrap().contains("piao"));
        let back = apply(&without, &Edit::Piao(Some(Box::new(piao.clone())))).unwrap();
        assert_eq!(back.piao, Some(piao));
    }

    #[test]
    fn the_next_year_keeps_the_piao_without_the_cards_left_behind() {
        let p = plan(base());
        let (draft, _) = crate::rollover::make(&p, 2025, &[p.objectives[0].id.clone()]).unwrap();
        let piao = draft.piao.unwrap();
        assert_eq!(piao.public_value.objectives[0].objectives.len(), 1);
        assert!(piao.anticorruption.measures[0].objectives.is_empty());
        assert_eq!(piao.anticorruption.measures[1].objectives.len(), 1);
    }
}
