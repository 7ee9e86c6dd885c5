//! The Relazione sulla Performance of a plan's year (issue 16, point 1; year-end.md §1): what
//! it reports, made from the measured plan — every objective with its target, actual,
//! deviation (actual − target, signed, in the indicator's unit) and achievement, «non rilevato»
//! where an actual is missing —, which shortfalls need a written reason, and its life: draft →
//! approved by the Giunta (act) → validated or not validated by the Nucleo (act, with its
//! checklist) → published, due by 30 June of the next year. Premia of the year are released
//! only once it is validated. Stored whole as JSON; every change is a function from the
//! Relazione as it is to the one it becomes, or the reason (in Italian) why not.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::plan::Plan;
use crate::scoring::engine::PlanScores;
use crate::scoring::settings::Settings;

named_enum! { serde "snake_case";
    /// Where the Relazione stands.
    pub enum State {
        /// Written by the planning office.
        Draft,
        /// Approved by the Giunta with its act.
        Approved,
        /// The Nucleo did not validate it: the planning office revises it for a new approval.
        NotValidated,
        /// Validated by the Nucleo: the year's premia may be paid.
        Validated,
        /// Published in Amministrazione Trasparente.
        Published,
    }
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Draft => "in bozza",
            State::Approved => "approvata dalla Giunta",
            State::NotValidated => "non validata dal Nucleo",
            State::Validated => "validata dal Nucleo",
            State::Published => "pubblicata",
        }
    }
}

named_enum! { serde "snake_case";
    /// The cause of a deviation (DFP guidelines 2/2017).
    pub enum Cause {
        /// Outside the administration's control.
        Exogenous,
        /// Within it.
        Endogenous,
    }
}

impl Cause {
    pub fn name(self) -> &'static str {
        match self {
            Cause::Exogenous => "esogena",
            Cause::Endogenous => "endogena",
        }
    }
}

named_enum! { serde "snake_case";
    /// The Nucleo's answer to a criterion of its checklist.
    pub enum Answer {
        Si,
        InParte,
        No,
    }
}

impl Answer {
    pub fn name(self) -> &'static str {
        match self {
            Answer::Si => "sì",
            Answer::InParte => "in parte",
            Answer::No => "no",
        }
    }
}

/// The criteria the Nucleo checks before validating (art. 14 c.4 c and c.4-bis; what
/// practitioners check, year-end.md §1), by key, with their wording.
pub const CRITERIA: [(&str, &str); 8] = [
    (
        "coerenza_piano",
        "Coerenza dei contenuti con il Piano della performance",
    ),
    (
        "coerenza_valutazione",
        "Coerenza con la valutazione della performance organizzativa fatta dal Nucleo",
    ),
    (
        "scostamenti",
        "Ogni obiettivo e indicatore mostra il suo scostamento e la sua causa",
    ),
    ("attendibilita", "Attendibilità dei dati"),
    ("processo", "Adeguatezza del processo di misurazione"),
    ("conformita", "Conformità alle norme e alle linee guida"),
    (
        "chiarezza",
        "Sinteticità e chiarezza, immediatamente comprensibile ai cittadini",
    ),
    (
        "cittadini",
        "Considerate le valutazioni dei cittadini e degli utenti",
    ),
];

/// The wording of criterion `key`.
pub fn criterion_name(key: &str) -> &str {
    CRITERIA
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key, |(_, n)| n)
}

/// Why an objective fell short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub text: String,
    pub cause: Cause,
}

/// The Nucleo's answer to one criterion, with its note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub key: String,
    pub answer: Answer,
    #[serde(default)]
    pub note: String,
}

/// An act of the Giunta or of the Nucleo: its words («Delibera G.C. n. 80 del 20/06/2022»)
/// and its day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Act {
    pub act: String,
    pub on: NaiveDate,
}

/// The Nucleo's validation: its checklist, its outcome and its act (the «documento di
/// validazione»).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validation {
    pub validated: bool,
    pub criteria: Vec<Criterion>,
    /// The Nucleo's conclusion, in words.
    #[serde(default)]
    pub summary: String,
    pub act: Act,
}

/// The Relazione as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relazione {
    /// Points of achievement below 100 that need no reason (a shortfall beyond them does).
    #[serde(with = "crate::numbers::text")]
    pub tolerance: Decimal,
    /// The planning office's introduction (context, resources, main results).
    #[serde(default)]
    pub introduction: String,
    /// Reasons of shortfalls, by objective id (`unit/label`).
    #[serde(default)]
    pub reasons: BTreeMap<String, Reason>,
    #[serde(default)]
    pub approval: Option<Act>,
    #[serde(default)]
    pub validation: Option<Validation>,
    /// Validations that did not validate, oldest first (the Relazione was revised after each).
    #[serde(default)]
    pub refused: Vec<Validation>,
    #[serde(default)]
    pub published_on: Option<NaiveDate>,
}

impl Default for Relazione {
    fn default() -> Self {
        Relazione {
            tolerance: Decimal::from(10),
            introduction: String::new(),
            reasons: BTreeMap::new(),
            approval: None,
            validation: None,
            refused: Vec::new(),
            published_on: None,
        }
    }
}

/// The day the Relazione of `year` is due: 30 June of the next year.
pub fn due(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year.checked_add(1)?, 6, 30)
}

/// How one thing an objective is measured by stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    /// The indicator as the card lists it, or «Realizzazione delle fasi».
    pub name: String,
    /// What its values count (`%`, `giorni`), when known.
    pub unit: Option<String>,
    pub baseline: Option<Decimal>,
    pub target: Option<Decimal>,
    /// `None`: non rilevato.
    pub actual: Option<Decimal>,
    /// Actual − target, signed, when both are known.
    pub deviation: Option<Decimal>,
    pub neutralised: bool,
}

/// How far an objective was achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reached {
    Fully,
    Partly,
    Not,
    /// Its score could not be measured.
    Unmeasured,
    /// Taken out of the measurement, with its reason.
    Neutralised,
}

impl Reached {
    pub fn name(self) -> &'static str {
        match self {
            Reached::Fully => "raggiunto",
            Reached::Partly => "parzialmente raggiunto",
            Reached::Not => "non raggiunto",
            Reached::Unmeasured => "non rilevato",
            Reached::Neutralised => "neutralizzato",
        }
    }
}

/// An objective of the plan as the Relazione reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Its position in the plan.
    pub objective: usize,
    /// `unit/label`.
    pub id: String,
    /// Its final deadline falls after the plan's year (a three-year objective, table T2).
    pub multi_year: bool,
    pub measures: Vec<Measure>,
    /// The achievement (its score, 0-100 or more).
    pub achievement: Option<Decimal>,
    pub reached: Reached,
    /// It falls short beyond the tolerance (or was not measured): it needs a reason.
    pub shortfall: bool,
}

/// Every objective of `plan` as the Relazione reports it, from its `scores` under
/// `settings`, with `tolerance` points of achievement below 100 that need no reason.
pub fn rows(plan: &Plan, settings: &Settings, scores: &PlanScores, tolerance: Decimal) -> Vec<Row> {
    let hundred = Decimal::from(100);
    plan.objectives
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let s = scores.objectives.get(i);
            let mut measures = Vec::new();
            if let Some(s) = s {
                if !s.in_slice.is_empty() || !o.phases.is_empty() {
                    let actual = s.phases_score();
                    measures.push(Measure {
                        name: "Realizzazione delle fasi nei tempi".into(),
                        unit: Some("%".into()),
                        baseline: None,
                        target: Some(hundred),
                        actual,
                        deviation: actual.map(|a| a - hundred),
                        neutralised: false,
                    });
                }
                for ind in &s.indicators {
                    let setting = settings.indicators.get(ind.setting);
                    let rule = setting.map(|x| &x.rule);
                    let target = rule.and_then(|r| r.target);
                    measures.push(Measure {
                        name: o
                            .indicators
                            .get(ind.position)
                            .cloned()
                            .unwrap_or_else(|| format!("Indicatore {}", ind.position + 1)),
                        unit: setting.and_then(|x| x.unit.clone()),
                        baseline: rule.and_then(|r| r.prior_year),
                        target,
                        actual: ind.actual,
                        deviation: ind.actual.zip(target).map(|(a, t)| a - t),
                        neutralised: ind.neutralised,
                    });
                }
            }
            let achievement = s.and_then(|s| s.score);
            let reached = match (s.is_some_and(|s| s.neutralised), achievement) {
                (true, _) => Reached::Neutralised,
                (false, None) => Reached::Unmeasured,
                (false, Some(a)) if a >= hundred => Reached::Fully,
                (false, Some(a)) if a > Decimal::ZERO => Reached::Partly,
                (false, Some(_)) => Reached::Not,
            };
            let shortfall = match reached {
                Reached::Neutralised | Reached::Fully => false,
                Reached::Unmeasured => true,
                Reached::Partly | Reached::Not => {
                    achievement.is_some_and(|a| a < hundred - tolerance)
                }
            };
            let multi_year = o.year_deadline.is_some()
                || o.final_deadline
                    .fixed_date()
                    .is_some_and(|d| d.year() > plan.year);
            Row {
                objective: i,
                id: o.id.to_string(),
                multi_year,
                measures,
                achievement,
                reached,
                shortfall,
            }
        })
        .collect()
}

/// Table T1's line for a group of objectives: how many, and how many reached fully, partly,
/// not, not measured, neutralised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub objectives: usize,
    pub fully: usize,
    pub partly: usize,
    pub not: usize,
    pub unmeasured: usize,
    pub neutralised: usize,
}

impl Summary {
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a Row>) -> Summary {
        let mut s = Summary::default();
        for r in rows {
            s.objectives += 1;
            match r.reached {
                Reached::Fully => s.fully += 1,
                Reached::Partly => s.partly += 1,
                Reached::Not => s.not += 1,
                Reached::Unmeasured => s.unmeasured += 1,
                Reached::Neutralised => s.neutralised += 1,
            }
        }
        s
    }

    /// `n` as a percent of the objectives, rounded to one decimal.
    pub fn percent(&self, n: usize) -> Option<Decimal> {
        (self.objectives > 0).then(|| {
            (Decimal::from(n) * Decimal::from(100) / Decimal::from(self.objectives)).round_dp(1)
        })
    }
}

impl Relazione {
    pub fn state(&self) -> State {
        if self.published_on.is_some() {
            State::Published
        } else if let Some(v) = &self.validation {
            if v.validated {
                State::Validated
            } else {
                State::NotValidated
            }
        } else if self.approval.is_some() {
            State::Approved
        } else {
            State::Draft
        }
    }

    /// Whether the year's premia may be paid: the Nucleo validated the Relazione.
    pub fn releases_premia(&self) -> bool {
        matches!(self.state(), State::Validated | State::Published)
    }

    /// Whether the Relazione of `year` is late on `today`: past 30 June of the next year and
    /// not yet validated.
    pub fn late(&self, year: i32, today: NaiveDate) -> bool {
        !self.releases_premia() && due(year).is_some_and(|d| today > d)
    }

    fn editable(&self) -> Result<(), String> {
        match self.state() {
            State::Draft | State::NotValidated => Ok(()),
            _ => Err(format!(
                "La Relazione è {}: non si modifica più.",
                self.state().name()
            )),
        }
    }

    /// The Relazione with its introduction and tolerance as the planning office writes them.
    pub fn write(&self, introduction: &str, tolerance: Decimal) -> Result<Relazione, String> {
        self.editable()?;
        if tolerance < Decimal::ZERO || tolerance > Decimal::from(100) {
            return Err("La tolleranza va da 0 a 100 punti.".into());
        }
        if introduction.chars().count() > 20_000 {
            return Err("L'introduzione supera i 20.000 caratteri.".into());
        }
        Ok(Relazione {
            introduction: introduction.trim().to_owned(),
            tolerance,
            ..self.clone()
        })
    }

    /// The Relazione with the reason of objective `id`'s shortfall (an empty text takes it
    /// out).
    pub fn explain(&self, id: &str, text: &str, cause: Cause) -> Result<Relazione, String> {
        self.editable()?;
        let text = text.trim();
        if text.chars().count() > 5_000 {
            return Err("La motivazione supera i 5.000 caratteri.".into());
        }
        let mut next = self.clone();
        if text.is_empty() {
            next.reasons.remove(id);
        } else {
            next.reasons.insert(
                id.to_owned(),
                Reason {
                    text: text.to_owned(),
                    cause,
                },
            );
        }
        Ok(next)
    }

    /// The objectives among `rows` that fall short and have no reason yet.
    pub fn unexplained<'a>(&self, rows: &'a [Row]) -> Vec<&'a Row> {
        rows.iter()
            .filter(|r| r.shortfall && !self.reasons.contains_key(&r.id))
            .collect()
    }

    /// The Relazione approved by the Giunta's `act` on `on`: every shortfall among `rows`
    /// explained.
    pub fn approve(&self, rows: &[Row], act: &str, on: NaiveDate) -> Result<Relazione, String> {
        self.editable()?;
        let missing = self.unexplained(rows);
        if !missing.is_empty() {
            let ids: Vec<&str> = missing.iter().map(|r| r.id.as_str()).collect();
            return Err(format!(
                "Prima di andare in Giunta va motivato ogni scostamento oltre la tolleranza: manca la motivazione di {} (obiettivi {}).",
                if ids.len() == 1 {
                    "un obiettivo".to_owned()
                } else {
                    format!("{} obiettivi", ids.len())
                },
                ids.join(", ")
            ));
        }
        let act = act.trim();
        if act.is_empty() || act.chars().count() > 300 {
            return Err("Va indicato l'atto della Giunta che approva la Relazione.".into());
        }
        let mut next = self.clone();
        if let Some(v) = next.validation.take() {
            next.refused.push(v);
        }
        next.approval = Some(Act {
            act: act.to_owned(),
            on,
        });
        Ok(next)
    }

    /// The Relazione with the Nucleo's validation: every criterion answered (a note where the
    /// answer is not «sì»), no «no» when it validates, its act.
    pub fn validate(
        &self,
        criteria: Vec<Criterion>,
        validated: bool,
        summary: &str,
        act: &str,
        on: NaiveDate,
    ) -> Result<Relazione, String> {
        if self.state() != State::Approved {
            return Err(format!(
                "Il Nucleo valida una Relazione approvata dalla Giunta; questa è {}.",
                self.state().name()
            ));
        }
        let mut ordered = Vec::new();
        for (key, name) in CRITERIA {
            let Some(c) = criteria.iter().find(|c| c.key == key) else {
                return Err(format!("Manca la risposta al criterio «{name}»."));
            };
            if c.answer != Answer::Si && c.note.trim().is_empty() {
                return Err(format!(
                    "Il criterio «{name}» è «{}»: va scritto perché.",
                    c.answer.name()
                ));
            }
            if c.note.chars().count() > 5_000 {
                return Err(format!("La nota del criterio «{name}» è troppo lunga."));
            }
            if validated && c.answer == Answer::No {
                return Err(format!(
                    "Non si valida una Relazione che non soddisfa il criterio «{name}»."
                ));
            }
            ordered.push(Criterion {
                key: key.to_owned(),
                answer: c.answer,
                note: c.note.trim().to_owned(),
            });
        }
        if let Some(c) = criteria
            .iter()
            .find(|c| !CRITERIA.iter().any(|(k, _)| *k == c.key))
        {
            return Err(format!("Il criterio «{}» non esiste.", c.key));
        }
        let act = act.trim();
        if act.is_empty() || act.chars().count() > 300 {
            return Err("Va indicato l'atto del Nucleo (il documento di validazione).".into());
        }
        if self.approval.as_ref().is_some_and(|a| on < a.on) {
            return Err("La validazione non può precedere l'approvazione della Giunta.".into());
        }
        let mut next = self.clone();
        next.validation = Some(Validation {
            validated,
            criteria: ordered,
            summary: summary.trim().to_owned(),
            act: Act {
                act: act.to_owned(),
                on,
            },
        });
        Ok(next)
    }

    /// The Relazione published on `on` (validated first).
    pub fn publish(&self, on: NaiveDate) -> Result<Relazione, String> {
        if self.state() != State::Validated {
            return Err(format!(
                "Si pubblica una Relazione validata dal Nucleo; questa è {}.",
                self.state().name()
            ));
        }
        Ok(Relazione {
            published_on: Some(on),
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests;
