//! A person's scheda through its year (issue 15, point 3; evaluation.md §1.4): assigned with
//! the unit's objectives from the plan and any individual objectives and behaviours with their
//! weights (`assegnata`); rated by the evaluator — for a dirigente, proposed by the Nucleo
//! (`proposta`) and adopted by the Giunta's act — (`valutata`); notified, which opens the
//! appeal window (`notificata`); acknowledged with the person's observations, which is not
//! agreement (`presa_visione`); appealed within the window (`in_conciliazione`) and decided by
//! the body the SMVP names, never the evaluator alone, confirmed or revised with reasons — a
//! revised score is a new version, the old one kept —; `definitiva` once decided, or once the
//! window ends without an appeal. Every step is kept with its day and who took it.
//!
//! Each step is a function from the scheda as it is to the scheda it becomes, or the reason
//! (in Italian) why not; `access` says who may read it and take which step. Absences are not
//! an input: leave never changes a score.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::staff::Member;
use super::year::Procedure;
use super::{Rating, Scale, Scheda, Smvp, score};
use crate::access::{Actor, Role, person_key};
use crate::values::UnitId;

named_enum! { serde "snake_case";
    /// Where a scheda stands.
    #[derive(PartialOrd, Ord)]
    pub enum Stage {
        Assegnata,
        /// A dirigente's evaluation proposed by the Nucleo, waiting for the Giunta's act.
        Proposta,
        Valutata,
        Notificata,
        PresaVisione,
        InConciliazione,
        Definitiva,
    }
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Assegnata => "assegnata",
            Stage::Proposta => "proposta dal Nucleo",
            Stage::Valutata => "valutata",
            Stage::Notificata => "notificata",
            Stage::PresaVisione => "presa visione",
            Stage::InConciliazione => "in conciliazione",
            Stage::Definitiva => "definitiva",
        }
    }
}

named_enum! { serde "snake_case";
    /// How the body decides an appeal.
    pub enum Outcome {
        Confermata,
        Rivista,
    }
}

/// An individual objective of the scheda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objective {
    pub id: String,
    pub title: String,
    #[serde(with = "crate::numbers::text")]
    pub weight: Decimal,
    #[serde(default, with = "crate::numbers::text::option")]
    pub achievement: Option<Decimal>,
}

/// A behaviour of the catalogue on the scheda, its weight and (once rated) its rating as
/// written: a whole number on a numeric scale, a level's label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rated {
    pub id: String,
    #[serde(with = "crate::numbers::text")]
    pub weight: Decimal,
    #[serde(default)]
    pub rating: Option<String>,
}

/// One scoring of the scheda: what was rated and what it gave. A revision adds one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    pub number: u32,
    #[serde(with = "crate::numbers::text")]
    pub score: Decimal,
    pub negative: bool,
    /// The organisational score used (the unit's or the administration's), if weighed.
    #[serde(default, with = "crate::numbers::text::option")]
    pub organisational: Option<Decimal>,
    pub objectives: Vec<Objective>,
    pub behaviours: Vec<Rated>,
    pub on: NaiveDate,
    pub by: String,
}

impl Version {
    /// This scoring's components (weight, score, points) as evaluation.md §1.3 shows them,
    /// recomputed from what it recorded under `smvp`.
    pub fn components(&self, smvp: &Smvp, cluster: &str) -> Result<super::Scored, String> {
        let rated = self
            .behaviours
            .iter()
            .map(|b| {
                let r = b.rating.clone().unwrap_or_default();
                let rating = match &smvp.scale {
                    Scale::Numeric { .. } => Rating::Number(r.parse().unwrap_or_default()),
                    Scale::Levels(_) => Rating::Label(r),
                };
                (b.id.clone(), b.weight, rating)
            })
            .collect();
        score(
            smvp,
            &Scheda {
                cluster: cluster.to_owned(),
                unit_score: self.organisational,
                entity_score: self.organisational,
                objectives: self
                    .objectives
                    .iter()
                    .map(|o| (o.id.clone(), o.weight, o.achievement))
                    .collect(),
                behaviours: rated,
            },
        )
    }
}

/// A step taken, as the scheda's history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub stage: Stage,
    pub on: NaiveDate,
    pub by: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// The appeal (richiesta di conciliazione).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    pub filed_on: NaiveDate,
    pub text: String,
}

/// The body's decision on the appeal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub on: NaiveDate,
    pub outcome: Outcome,
    pub reasons: String,
    pub by: String,
}

/// A person's scheda for the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sheet {
    pub matricola: String,
    pub cluster: String,
    pub unit: UnitId,
    /// Who rates: the unit's head for the period, by name; for a dirigente, the Nucleo.
    pub evaluator: String,
    /// The SMVP's version it was assigned under.
    pub smvp_version: u32,
    pub stage: Stage,
    /// The unit's objectives in the plan (`unit/label`), whose score is the organisational
    /// part.
    #[serde(default)]
    pub unit_objectives: Vec<String>,
    #[serde(default)]
    pub objectives: Vec<Objective>,
    #[serde(default)]
    pub behaviours: Vec<Rated>,
    #[serde(default)]
    pub self_evaluation: Option<String>,
    /// Every scoring, the last in force; revisions keep the ones before.
    #[serde(default)]
    pub versions: Vec<Version>,
    #[serde(default)]
    pub adoption_act: Option<String>,
    #[serde(default)]
    pub notified_on: Option<NaiveDate>,
    #[serde(default)]
    pub observations: Option<String>,
    #[serde(default)]
    pub appeal: Option<Appeal>,
    #[serde(default)]
    pub decision: Option<Decision>,
    #[serde(default)]
    pub steps: Vec<Step>,
}

/// The words naming the Nucleo as a dirigente's evaluator.
pub const NUCLEO: &str = "Nucleo di Valutazione";

/// Whether a cluster's evaluation is proposed by the Nucleo and adopted by the Giunta.
pub fn proposed_by_nucleo(cluster: &str) -> bool {
    cluster == "dirigente"
}

/// Weights summing to exactly 100 over `n` items, whole numbers, the first ones larger by one
/// where 100 does not divide.
fn even_weights(n: usize) -> Vec<Decimal> {
    let Ok(count) = u32::try_from(n) else {
        return Vec::new();
    };
    if count == 0 {
        return Vec::new();
    }
    let (each, rest) = (100 / count, 100 % count);
    (0..count)
        .map(|i| Decimal::from(each + u32::from(i < rest)))
        .collect()
}

fn clean(text: &str, longest: usize, what: &str) -> Result<String, String> {
    let t = text.trim();
    if t.chars().count() > longest {
        return Err(format!("{what} supera i {longest} caratteri."));
    }
    Ok(t.to_owned())
}

impl Sheet {
    /// The scheda of `member` assigned on `day` under the SMVP `smvp` (version `version`):
    /// the unit's objectives, no individual objective yet, the catalogue's behaviours for
    /// the cluster with even weights (none when the cluster weighs no behaviour).
    pub fn assign(
        member: &Member,
        evaluator: &str,
        (smvp, version): (&Smvp, u32),
        unit_objectives: Vec<String>,
        day: NaiveDate,
        by: &str,
    ) -> Result<Sheet, String> {
        let row = smvp.clusters.get(&member.cluster).ok_or_else(|| {
            format!(
                "Il sistema di misurazione non dà i pesi della categoria «{}».",
                member.cluster
            )
        })?;
        let applicable: Vec<&str> = if row.behaviours.is_zero() {
            Vec::new()
        } else {
            smvp.catalogue
                .iter()
                .filter(|b| {
                    b.clusters
                        .as_ref()
                        .is_none_or(|c| c.contains(&member.cluster))
                })
                .map(|b| b.id.as_str())
                .collect()
        };
        let behaviours = applicable
            .iter()
            .zip(even_weights(applicable.len()))
            .map(|(id, weight)| Rated {
                id: (*id).to_owned(),
                weight,
                rating: None,
            })
            .collect();
        Ok(Sheet {
            matricola: member.matricola.clone(),
            cluster: member.cluster.clone(),
            unit: member.unit.clone(),
            evaluator: evaluator.to_owned(),
            smvp_version: version,
            stage: Stage::Assegnata,
            unit_objectives,
            objectives: Vec::new(),
            behaviours,
            self_evaluation: None,
            versions: Vec::new(),
            adoption_act: None,
            notified_on: None,
            observations: None,
            appeal: None,
            decision: None,
            steps: vec![Step {
                stage: Stage::Assegnata,
                on: day,
                by: by.to_owned(),
                note: None,
            }],
        })
    }

    /// The scoring in force.
    pub fn current(&self) -> Option<&Version> {
        self.versions.last()
    }

    /// Where the scheda stands on `day`: a notified one whose appeal window has ended without
    /// an appeal is definitive.
    pub fn stage_on(&self, day: NaiveDate, procedure: &Procedure) -> Stage {
        match self.stage {
            Stage::Notificata | Stage::PresaVisione
                if self.window_end(procedure).is_some_and(|end| day > end) =>
            {
                Stage::Definitiva
            }
            other => other,
        }
    }

    /// The last day to file an appeal.
    pub fn window_end(&self, procedure: &Procedure) -> Option<NaiveDate> {
        self.notified_on
            .and_then(|d| d.checked_add_days(chrono::Days::new(procedure.appeal_days.into())))
    }

    /// The last day the body has to decide a filed appeal.
    pub fn decision_due(&self, procedure: &Procedure) -> Option<NaiveDate> {
        self.appeal.as_ref().and_then(|a| {
            a.filed_on
                .checked_add_days(chrono::Days::new(procedure.decision_days.into()))
        })
    }

    /// Whether an appeal waits past the days the body has (the Nucleo is alerted).
    pub fn decision_overdue(&self, day: NaiveDate, procedure: &Procedure) -> bool {
        self.stage == Stage::InConciliazione
            && self.decision_due(procedure).is_some_and(|due| day > due)
    }

    fn expect(&self, stages: &[Stage], doing: &str) -> Result<(), String> {
        if stages.contains(&self.stage) {
            Ok(())
        } else {
            Err(format!(
                "La scheda è «{}»: ora non si può {doing}.",
                self.stage.label()
            ))
        }
    }

    fn stepped(mut self, stage: Stage, day: NaiveDate, by: &str, note: Option<String>) -> Sheet {
        self.stage = stage;
        self.steps.push(Step {
            stage,
            on: day,
            by: by.to_owned(),
            note,
        });
        self
    }

    /// The person's own self-evaluation, optional, written while the scheda is assigned (the
    /// evaluator reads it before rating); empty removes it.
    pub fn self_evaluate(&self, text: &str) -> Result<Sheet, String> {
        self.expect(&[Stage::Assegnata], "scrivere l'autovalutazione")?;
        let text = clean(text, 4000, "L'autovalutazione")?;
        Ok(Sheet {
            self_evaluation: Some(text).filter(|t| !t.is_empty()),
            ..self.clone()
        })
    }

    /// The individual objectives and the behaviours' weights set while assigned: ids unique,
    /// weights summing to exactly 100 (each list, when the cluster weighs it), behaviours of
    /// the catalogue for the cluster.
    pub fn plan(
        &self,
        smvp: &Smvp,
        objectives: Vec<Objective>,
        behaviours: Vec<Rated>,
    ) -> Result<Sheet, String> {
        self.expect(&[Stage::Assegnata], "cambiare gli obiettivi")?;
        let row = smvp
            .clusters
            .get(&self.cluster)
            .ok_or("Il sistema non dà i pesi di questa categoria.")?;
        let mut seen = HashSet::new();
        for o in &objectives {
            if o.id.trim().is_empty() || o.title.trim().is_empty() {
                return Err("Ogni obiettivo individuale ha un codice e un titolo.".into());
            }
            if !seen.insert(o.id.as_str()) {
                return Err(format!("L'obiettivo {} compare due volte.", o.id));
            }
            if o.weight < Decimal::ZERO {
                return Err(format!("Il peso dell'obiettivo {} è negativo.", o.id));
            }
        }
        if row.individual.is_zero() && !objectives.is_empty() {
            return Err(
                "Per questa categoria il sistema non prevede obiettivi individuali.".into(),
            );
        }
        let sum: Decimal = objectives.iter().map(|o| o.weight).sum();
        if !objectives.is_empty() && sum != Decimal::ONE_HUNDRED {
            return Err(format!(
                "I pesi degli obiettivi individuali sommano a {sum}, non a 100."
            ));
        }
        let mut seen = HashSet::new();
        for b in &behaviours {
            let known = smvp
                .catalogue
                .iter()
                .find(|c| c.id == b.id)
                .ok_or_else(|| format!("Il comportamento {} non è nel catalogo.", b.id))?;
            if known
                .clusters
                .as_ref()
                .is_some_and(|c| !c.contains(&self.cluster))
            {
                return Err(format!(
                    "Il comportamento {} non è previsto per questa categoria.",
                    b.id
                ));
            }
            if !seen.insert(b.id.as_str()) || b.weight < Decimal::ZERO {
                return Err(format!(
                    "Il comportamento {} è scritto due volte o ha un peso negativo.",
                    b.id
                ));
            }
        }
        let sum: Decimal = behaviours.iter().map(|b| b.weight).sum();
        if !behaviours.is_empty() && sum != Decimal::ONE_HUNDRED {
            return Err(format!(
                "I pesi dei comportamenti sommano a {sum}, non a 100."
            ));
        }
        Ok(Sheet {
            objectives,
            behaviours,
            ..self.clone()
        })
    }

    /// The scheda rated on `day`: each individual objective's achievement and each behaviour's
    /// rating (by id), the organisational score of the unit and of the administration from
    /// the plan's scoring; scored under `smvp` (evaluation.md §1.2–1.3). A dirigente's goes to
    /// `proposta`, waiting for the Giunta; the others' to `valutata`.
    pub fn rate(
        &self,
        smvp: &Smvp,
        (unit_score, entity_score): (Option<Decimal>, Option<Decimal>),
        achievements: &BTreeMap<String, Decimal>,
        ratings: &BTreeMap<String, String>,
        day: NaiveDate,
        by: &str,
    ) -> Result<Sheet, String> {
        self.expect(&[Stage::Assegnata, Stage::Proposta], "valutare")?;
        let version = self.scored(
            smvp,
            (unit_score, entity_score),
            achievements,
            ratings,
            day,
            by,
        )?;
        let mut next = self.clone();
        next.versions = vec![version];
        let stage = if proposed_by_nucleo(&self.cluster) {
            Stage::Proposta
        } else {
            Stage::Valutata
        };
        Ok(next.stepped(stage, day, by, None))
    }

    fn scored(
        &self,
        smvp: &Smvp,
        (unit_score, entity_score): (Option<Decimal>, Option<Decimal>),
        achievements: &BTreeMap<String, Decimal>,
        ratings: &BTreeMap<String, String>,
        day: NaiveDate,
        by: &str,
    ) -> Result<Version, String> {
        let objectives: Vec<Objective> = self
            .objectives
            .iter()
            .map(|o| Objective {
                achievement: achievements.get(&o.id).copied(),
                ..o.clone()
            })
            .collect();
        let behaviours: Vec<Rated> = self
            .behaviours
            .iter()
            .map(|b| Rated {
                rating: ratings
                    .get(&b.id)
                    .map(|r| r.trim().to_owned())
                    .filter(|r| !r.is_empty()),
                ..b.clone()
            })
            .collect();
        let row = smvp.clusters.get(&self.cluster);
        if row.is_some_and(|r| !r.individual.is_zero()) && objectives.is_empty() {
            return Err(
                "Per questa categoria il sistema pesa gli obiettivi individuali: vanno assegnati prima di valutare."
                    .into(),
            );
        }
        if let Some(o) = objectives.iter().find(|o| o.achievement.is_none()) {
            return Err(format!(
                "Manca il grado di raggiungimento dell'obiettivo {}.",
                o.id
            ));
        }
        let mut rated = Vec::new();
        for b in &behaviours {
            let Some(r) = &b.rating else {
                return Err(format!("Manca la valutazione del comportamento {}.", b.id));
            };
            let rating = match &smvp.scale {
                Scale::Numeric { .. } => Rating::Number(r.parse().map_err(|_| {
                    format!(
                        "La valutazione del comportamento {} è un numero della scala.",
                        b.id
                    )
                })?),
                Scale::Levels(_) => Rating::Label(r.clone()),
            };
            rated.push((b.id.clone(), b.weight, rating));
        }
        let scheda = Scheda {
            cluster: self.cluster.clone(),
            unit_score,
            entity_score,
            objectives: objectives
                .iter()
                .map(|o| (o.id.clone(), o.weight, o.achievement))
                .collect(),
            behaviours: rated,
        };
        let scored =
            score(smvp, &scheda).map_err(|e| format!("La scheda non si può calcolare: {e}."))?;
        let organisational =
            row.filter(|r| !r.organisational.is_zero())
                .and_then(|r| match r.source {
                    super::Source::Unit => unit_score,
                    super::Source::Entity => entity_score,
                });
        Ok(Version {
            number: u32::try_from(self.versions.len())
                .unwrap_or(u32::MAX)
                .saturating_add(1),
            score: scored.score,
            negative: scored.negative,
            organisational,
            objectives,
            behaviours,
            on: day,
            by: by.to_owned(),
        })
    }

    /// A dirigente's proposal adopted by the Giunta's `act`.
    pub fn adopt(&self, act: &str, day: NaiveDate, by: &str) -> Result<Sheet, String> {
        self.expect(&[Stage::Proposta], "adottare la valutazione")?;
        let act = clean(act, 200, "L'atto")?;
        if act.is_empty() {
            return Err(
                "Va indicato l'atto del Sindaco o della Giunta che adotta la valutazione.".into(),
            );
        }
        let next = Sheet {
            adoption_act: Some(act.clone()),
            ..self.clone()
        };
        Ok(next.stepped(Stage::Valutata, day, by, Some(act)))
    }

    /// Notified to the person on `day`: the appeal window opens.
    pub fn notify(&self, day: NaiveDate, by: &str) -> Result<Sheet, String> {
        self.expect(&[Stage::Valutata], "notificare")?;
        let next = Sheet {
            notified_on: Some(day),
            ..self.clone()
        };
        Ok(next.stepped(Stage::Notificata, day, by, None))
    }

    /// Acknowledged by the person, with their observations: not agreement; the window stays
    /// open.
    pub fn acknowledge(
        &self,
        observations: &str,
        day: NaiveDate,
        procedure: &Procedure,
        by: &str,
    ) -> Result<Sheet, String> {
        self.expect(&[Stage::Notificata], "prendere visione")?;
        if self.stage_on(day, procedure) == Stage::Definitiva {
            return Err("La scheda è già definitiva.".into());
        }
        let observations = clean(observations, 4000, "Le osservazioni")?;
        let observations = Some(observations).filter(|o| !o.is_empty());
        let next = Sheet {
            observations: observations.clone(),
            ..self.clone()
        };
        Ok(next.stepped(Stage::PresaVisione, day, by, observations))
    }

    /// The person's appeal, within the window (a late one is refused).
    pub fn appeal(
        &self,
        text: &str,
        day: NaiveDate,
        procedure: &Procedure,
        by: &str,
    ) -> Result<Sheet, String> {
        self.expect(
            &[Stage::Notificata, Stage::PresaVisione],
            "chiedere la conciliazione",
        )?;
        let end = self
            .window_end(procedure)
            .ok_or("La scheda non è stata notificata.")?;
        if day > end {
            return Err(format!(
                "Il termine per chiedere la conciliazione è scaduto il {}.",
                end.format("%d/%m/%Y")
            ));
        }
        let text = clean(text, 4000, "La richiesta")?;
        if text.is_empty() {
            return Err("La richiesta di conciliazione dice le sue ragioni.".into());
        }
        let next = Sheet {
            appeal: Some(Appeal {
                filed_on: day,
                text: text.clone(),
            }),
            ..self.clone()
        };
        Ok(next.stepped(Stage::InConciliazione, day, by, Some(text)))
    }

    /// The body's decision with its reasons: confirmed, or revised with the ratings given
    /// (a new version; the one before is kept). The scheda becomes definitive.
    #[allow(clippy::too_many_arguments)]
    pub fn decide(
        &self,
        outcome: Outcome,
        reasons: &str,
        revision: Option<Revision<'_>>,
        day: NaiveDate,
        by: &str,
    ) -> Result<Sheet, String> {
        self.expect(&[Stage::InConciliazione], "decidere la conciliazione")?;
        let reasons = clean(reasons, 4000, "La motivazione")?;
        if reasons.is_empty() {
            return Err("La decisione va motivata.".into());
        }
        let mut next = self.clone();
        if outcome == Outcome::Rivista {
            let (smvp, scores, achievements, ratings) =
                revision.ok_or("Una valutazione rivista dà le nuove valutazioni.")?;
            let version = self.scored(smvp, scores, achievements, ratings, day, by)?;
            next.versions.push(version);
        }
        next.decision = Some(Decision {
            on: day,
            outcome,
            reasons: reasons.clone(),
            by: by.to_owned(),
        });
        Ok(next.stepped(Stage::Definitiva, day, by, Some(reasons)))
    }
}

/// What a revision is scored with: the SMVP, the unit's and the administration's scores,
/// the achievements and the ratings by id.
pub type Revision<'a> = (
    &'a Smvp,
    (Option<Decimal>, Option<Decimal>),
    &'a BTreeMap<String, Decimal>,
    &'a BTreeMap<String, String>,
);

/// Who a person is to a scheda.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Access {
    /// The person evaluated.
    pub own: bool,
    /// Who rates it (the unit's head; the Nucleo for a dirigente).
    pub evaluator: bool,
    /// The Nucleo: reads every scheda and decides appeals (unless it rated it).
    pub nucleo: bool,
    /// The personnel office.
    pub personnel: bool,
    /// The Giunta, for a dirigente's scheda it adopts.
    pub board: bool,
}

impl Access {
    /// Whether they may read the scheda: the person, the evaluator, the Nucleo, the
    /// personnel office (and the Giunta a dirigente's); nobody else, never the public.
    pub fn read(self) -> bool {
        self.own || self.evaluator || self.nucleo || self.personnel || self.board
    }
}

/// Who `actor` (signed in as `username`) is to `sheet`, the scheda of `member`.
pub fn access(actor: &Actor, username: &str, member: &Member, sheet: &Sheet) -> Access {
    let dirigente = proposed_by_nucleo(&sheet.cluster);
    let nucleo = actor.has(Role::Evaluator);
    let named = |name: &str| {
        let key = person_key(name);
        !key.is_empty() && key == person_key(&actor.name)
    };
    Access {
        own: member.username.as_deref() == Some(username),
        evaluator: if dirigente {
            nucleo
        } else {
            named(&sheet.evaluator)
        },
        nucleo,
        personnel: actor.has(Role::Personnel),
        board: dirigente && actor.has(Role::Board),
    }
}

/// What `who` may do with a scheda now (the step functions check the stage).
impl Access {
    pub fn may_rate(self) -> bool {
        self.evaluator
    }
    pub fn may_notify(self) -> bool {
        self.evaluator || self.personnel
    }
    pub fn may_answer(self) -> bool {
        self.own
    }
    /// The body decides, never the evaluator alone.
    pub fn may_decide(self, sheet: &Sheet) -> bool {
        self.nucleo && (!self.evaluator || proposed_by_nucleo(&sheet.cluster))
    }
    pub fn may_adopt(self) -> bool {
        self.board
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
