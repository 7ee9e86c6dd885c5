//! The plan model: one entity's performance plan for one year, as `pegaso.plan/1` defines it.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::deadline::Deadline;
use crate::values::{
    Format, ObjectiveId, ObjectiveLabel, Percent, PhaseLabel, PlanId, UnitId, ValueError,
};

/// One entity's performance plan (Piano della Performance / PEG) for one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "pegaso.plan/1", extend("$id" = "https://pegaso.example/schemas/plan-1.json"))]
pub struct Plan {
    /// Always `pegaso.plan/1`.
    pub format: Format,
    /// The administration whose plan this is.
    pub entity: Entity,
    /// The plan's title as the document gives it (`Piano della Performance 2021-2023`).
    pub title: String,
    /// The triennium the plan covers.
    pub period: Period,
    /// The year of the annual slice (PEG) this document holds.
    pub year: i32,
    /// The strategy the objectives descend from (DUP macro-directions and their axes).
    #[serde(default)]
    pub strategy: Vec<StrategyLine>,
    /// The table "codifica / Elenco Responsabili": code and the role it names.
    #[serde(default)]
    pub responsibles: Vec<Responsible>,
    /// Organisational units that own objectives, and the areas that group them.
    #[serde(default)]
    pub units: Vec<Unit>,
    /// The objective cards, in the order of the document.
    #[serde(default)]
    pub objectives: Vec<Objective>,
    /// Survey results published with the plan ("gli emoticon").
    #[serde(default)]
    pub customer_satisfaction: Vec<SurveyResult>,
    /// The PIAO's other parts around this plan (its section 2.2), when the plan carries them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub piao: Option<crate::piao::Piao>,
}

/// The administration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Entity {
    /// Its name (`Città di Alessandria`).
    pub name: String,
    /// What kind of administration it is.
    pub kind: EntityKind,
    /// Its code in the Indice dei domicili digitali della PA (IPA, `c_a182`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

impl Entity {
    /// Whether `code` reads as an IPA code: letters, digits and underscores, 2 to 20.
    pub fn code_fits(code: &str) -> bool {
        (2..=20).contains(&code.len())
            && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    }
}

named_enum! { serde "snake_case";
    /// Kinds of administration.
    #[derive(JsonSchema)]
    pub enum EntityKind {
        Comune,
        Provincia,
        CittaMetropolitana,
        Regione,
        UnioneDiComuni,
        Altro,
    }
}

/// A span of years, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Period {
    pub from: i32,
    pub to: i32,
}

impl Period {
    pub fn contains(&self, year: i32) -> bool {
        self.from <= year && year <= self.to
    }
}

/// A macro-direction of the DUP and its programmatic axes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StrategyLine {
    /// `s1`, `s2`, … in document order.
    pub id: String,
    /// The macro-direction's words.
    pub title: String,
    /// Its programmatic axes (assi programmatici).
    #[serde(default)]
    pub axes: Vec<Axis>,
}

/// A programmatic axis (asse programmatico) of a macro-direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Axis {
    /// `s1.1`, `s1.2`, … in document order.
    pub id: String,
    pub text: String,
}

/// A row of the codifica table: a code and the role it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Responsible {
    /// The code as printed (`2269`); a string, never a number.
    pub code: String,
    /// The role it names (`RESPONSABILE SETTORE ...`).
    pub title: String,
}

/// An organisational unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Unit {
    /// Stable slug, unique in the plan.
    pub id: UnitId,
    pub kind: UnitKind,
    /// Its full name as the document gives it.
    pub name: String,
    /// The id of the area it belongs to, when the document says so.
    pub parent: Option<UnitId>,
    /// Who leads it; usually one, an azienda can change head during the year.
    #[serde(default)]
    pub heads: Vec<Head>,
    /// Its code in `responsibles`, when one matches.
    pub responsible_code: Option<String>,
    /// Its MACROFUNZIONI, each item without its bullet.
    #[serde(default)]
    pub functions: Vec<String>,
    /// Headcount from the staff table, when given.
    pub staff: Option<u32>,
}

named_enum! { serde "snake_case";
    /// Kinds of organisational unit.
    #[derive(Hash, JsonSchema)]
    pub enum UnitKind {
        Settore,
        ServizioAutonomo,
        Area,
        Azienda,
        Ufficio,
    }
}

/// A person leading a unit, with the period of their mandate when the document bounds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Head {
    /// The person with their title as written (`Ing. Luca Galandra`).
    pub name: String,
    /// The words of the role (`Dirigente`, `Responsabile in P.O.`, `Direttore`).
    pub role: Option<String>,
    /// First day of the mandate, when the document gives it.
    pub from: Option<NaiveDate>,
    /// Last day of the mandate, when the document gives it.
    pub until: Option<NaiveDate>,
}

/// An objective card (scheda obiettivo).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Objective {
    /// Unit id + `/` + label.
    pub id: ObjectiveId,
    /// The id of the unit that owns it.
    pub unit: UnitId,
    /// The label as printed: `A`, `B`, `1`, `2`.
    pub label: ObjectiveLabel,
    /// The text after `Obiettivo X:`.
    pub title: String,
    /// Finalità Strategiche.
    pub strategic_purpose: Option<String>,
    /// Direttive specifiche - descrizione.
    pub directives: Option<String>,
    /// The text after `Tempistica:`, when the card fills it (`18/01/2021 – 31/10/2021`).
    #[serde(default)]
    pub timing: Option<String>,
    /// The rows of the phases table, in order; the total row is not a phase.
    #[serde(default)]
    pub phases: Vec<Phase>,
    /// Scadenza finale per il raggiungimento dell'obiettivo.
    pub final_deadline: Deadline,
    /// The final deadline as written; "" when empty.
    #[serde(default)]
    pub final_deadline_text: String,
    /// The deadline of this year's slice of a multi-year objective, when the card states it.
    #[serde(default)]
    pub year_deadline: Option<Deadline>,
    /// The year-slice deadline as written, when the card states it.
    #[serde(default)]
    pub year_deadline_text: Option<String>,
    /// Risultato atteso (all variants joined, in order).
    pub expected_result: Option<String>,
    /// Obiettivo raggiunto al 100%.
    pub full_achievement: Option<String>,
    /// Obiettivo non raggiunto.
    pub not_achieved: Option<String>,
    /// Indicatori di risultato, one item per listed indicator.
    #[serde(default)]
    pub indicators: Vec<String>,
    /// Vincoli.
    pub constraints: Option<String>,
    /// Risorse Umane.
    pub human_resources: Option<String>,
    /// Risorse Finanziarie.
    pub financial_resources: Option<String>,
}

/// A phase (fase) of an objective: one row of its table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Phase {
    /// `1`, `2`; sub-rows `1a`, `1b`; `fase 1-A` becomes `1A`.
    pub label: PhaseLabel,
    pub description: String,
    /// Incidenza %; null when the cell is empty.
    pub weight_pct: Option<Percent>,
    /// Codes or names in "Codifica Responsabili coinvolti", as written.
    #[serde(default)]
    pub responsible: Vec<String>,
    pub deadline: Deadline,
    /// The deadline cell as written; "" when empty.
    #[serde(default)]
    pub deadline_text: String,
}

/// A customer-satisfaction result: shares of positive, neutral and negative judgements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SurveyResult {
    pub service: String,
    /// The year of the survey, when the document says it.
    pub year: Option<i32>,
    pub positive_pct: Percent,
    pub neutral_pct: Percent,
    pub negative_pct: Percent,
}

impl Plan {
    /// The id under which the plan is found: its administration's slug and its year.
    pub fn id(&self) -> Result<PlanId, ValueError> {
        PlanId::parse(format!("{}-{}", self.entity_slug(), self.year))
    }

    /// The administration's slug: the first part of its plans' ids (`ente` for a name that
    /// gives none).
    pub fn entity_slug(&self) -> String {
        UnitId::slugify(&self.entity.name).map_or_else(|| "ente".to_owned(), String::from)
    }

    pub fn unit(&self, id: &UnitId) -> Option<&Unit> {
        self.units.iter().find(|u| &u.id == id)
    }

    pub fn phase_count(&self) -> usize {
        self.objectives.iter().map(|o| o.phases.len()).sum()
    }
}

impl Objective {
    /// Its unit's id and its label: how the use cases and addresses name it.
    pub fn key(&self) -> (&str, &str) {
        (self.unit.as_str(), self.label.as_str())
    }

    pub fn phase(&self, label: &PhaseLabel) -> Option<&Phase> {
        self.phases.iter().find(|p| &p.label == label)
    }

    /// Whether a phase belongs to the slice of `year`: phases weighted 0% or marked
    /// completed belong to other years, and so do those due after the card's own
    /// year-slice deadline.
    pub fn in_year_slice(&self, phase: &Phase) -> bool {
        if phase.weight_pct.is_some_and(Percent::is_zero) {
            return false;
        }
        if matches!(phase.deadline.when, crate::deadline::When::Completed) {
            return false;
        }
        match (
            self.year_deadline.as_ref().and_then(Deadline::fixed_date),
            phase.deadline.fixed_date(),
        ) {
            (Some(slice_end), Some(due)) => due <= slice_end,
            _ => true,
        }
    }
}
