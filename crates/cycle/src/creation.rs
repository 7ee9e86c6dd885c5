//! «Nuovo piano»: the planning office starts a plan, from nothing (an administration, a title,
//! a year and its triennium: an empty draft) or from a document (`documents::read`). Either
//! is saved as a new draft (`Store::save_new`), never replacing a plan of that administration
//! and year.

use domain::access::{Action, Grants};
use domain::facts::PlanSummary;
use domain::limits::{self, Field, PLAN_YEARS};
use domain::{Diagnostic, Entity, EntityKind, Format, Period, Plan, PlanState, messages};
use store::{Person, Stamp, StoreError};

use crate::{Cycle, Outcome, Refusal};

/// The title a plan of `year` is given unless told otherwise.
pub fn default_title(year: i32) -> String {
    format!("Piano della Performance {year}-{}", year.saturating_add(2))
}

/// A plan from nothing, as a form types it.
#[derive(Debug, Clone, Default)]
pub struct Blank {
    pub entity: String,
    pub kind: String,
    /// The administration's IPA code; may be empty.
    pub code: String,
    pub title: String,
    pub year: String,
    pub from: String,
    pub to: String,
}

/// The field of [`Blank`] a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlankField {
    Entity,
    Kind,
    Code,
    Title,
    Year,
    From,
    To,
}

/// Why a field of [`Blank`] is not acceptable, in Italian.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: BlankField,
    pub message: String,
}

/// The empty draft `blank` describes (no units, no objectives), or every problem of its fields.
/// An empty title is the default one; an empty triennium starts at the year.
pub fn blank(b: &Blank) -> Result<Plan, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut problem = |field, message: String| problems.push(Problem { field, message });
    let entity = match limits::clean(Field::EntityName, &b.entity) {
        Ok(name) if name.is_empty() => {
            problem(
                BlankField::Entity,
                "Il nome dell'amministrazione: campo obbligatorio.".into(),
            );
            String::new()
        }
        Ok(name) => name,
        Err(e) => {
            problem(BlankField::Entity, messages::text_error(&e));
            String::new()
        }
    };
    let kind = EntityKind::ALL
        .iter()
        .copied()
        .find(|k| k.as_str() == b.kind.trim());
    if kind.is_none() {
        problem(
            BlankField::Kind,
            "Scegliere il tipo di amministrazione.".into(),
        );
    }
    let code = Some(b.code.trim()).filter(|c| !c.is_empty());
    if let Some(c) = code
        && !Entity::code_fits(c)
    {
        problem(BlankField::Code, messages::entity_code(c));
    }
    let code = code.map(str::to_owned);
    let year_of = |text: &str| {
        text.trim()
            .parse::<i32>()
            .ok()
            .filter(|y| PLAN_YEARS.contains(y))
    };
    let year = year_of(&b.year);
    if year.is_none() {
        problem(
            BlankField::Year,
            format!(
                "L'anno del piano si scrive con quattro cifre, tra il {} e il {}.",
                PLAN_YEARS.start(),
                PLAN_YEARS.end()
            ),
        );
    }
    let mut end = |field, text: &str, default: Option<i32>, what: &str| -> Option<i32> {
        if text.trim().is_empty() {
            return default;
        }
        let found = year_of(text);
        if found.is_none() {
            problem(
                field,
                format!("{what} del triennio si scrive con quattro cifre (per esempio 2024)."),
            );
        }
        found
    };
    let from = end(BlankField::From, &b.from, year, "Il primo anno");
    let to = end(
        BlankField::To,
        &b.to,
        from.map(|f| f.saturating_add(2)),
        "L'ultimo anno",
    );
    if let (Some(y), Some(f), Some(t)) = (year, from, to) {
        if t != f.saturating_add(2) {
            problem(
                BlankField::To,
                format!(
                    "Il triennio è di tre anni: dal {f} al {}.",
                    f.saturating_add(2)
                ),
            );
        } else if !(f..=t).contains(&y) {
            problem(
                BlankField::From,
                format!("Il triennio deve comprendere l'anno del piano ({y})."),
            );
        }
    }
    let title = match limits::clean(Field::PlanTitle, &b.title) {
        Ok(t) if t.is_empty() => year.map(default_title).unwrap_or_default(),
        Ok(t) => t,
        Err(e) => {
            problem(BlankField::Title, messages::text_error(&e));
            String::new()
        }
    };
    match (kind, year, from, to) {
        (Some(kind), Some(year), Some(from), Some(to)) if problems.is_empty() => Ok(Plan {
            format: Format,
            entity: Entity {
                name: entity,
                kind,
                code,
            },
            title,
            period: Period { from, to },
            year,
            strategy: Vec::new(),
            responsibles: Vec::new(),
            units: Vec::new(),
            objectives: Vec::new(),
            customer_satisfaction: Vec::new(),
            piao: None,
        }),
        _ => Err(problems),
    }
}

/// Whether `person` may start a plan: the planning office's (of their administration, or of
/// any for an installation's operators).
pub fn may_create_plan(person: &Person) -> Outcome<()> {
    let entity = person.entity.as_deref().unwrap_or_default();
    let actor = actor_for(&Grants::default(), entity, person);
    domain::access::decide(actor.as_ref(), Action::CreatePlan, PlanState::Draft)?;
    Ok(())
}

fn actor_for(grants: &Grants, entity: &str, person: &Person) -> Option<domain::Actor> {
    domain::access::actor(
        grants,
        entity,
        person.entity.as_deref(),
        &person.name,
        &person.roles,
        &person.units,
    )
}

impl Cycle {
    /// Saves `plan` as a new draft made by `person` (the planning office), with the
    /// diagnostics of making it: from nothing (`document: None`) or from the document named.
    /// Refused to anyone else, for another administration than the person's, for a plan that
    /// does not say its administration or a plausible year (invalid), and when the
    /// administration has a plan for that year already (out of turn: it is never replaced).
    pub async fn create_plan(
        &self,
        person: &Person,
        plan: &Plan,
        diagnostics: &[Diagnostic],
        document: Option<&str>,
        stamp: &Stamp,
    ) -> Outcome<PlanSummary> {
        may_create_plan(person)?;
        if plan.entity.name.trim().is_empty() {
            return Err(Refusal::Invalid(
                "Il documento non dice di quale amministrazione è il piano: il piano non è stato creato."
                    .into(),
            ));
        }
        if !PLAN_YEARS.contains(&plan.year) {
            return Err(Refusal::Invalid(
                "Il documento non dice l'anno del piano (o non è plausibile): il piano non è stato creato."
                    .into(),
            ));
        }
        let id = plan
            .id()
            .map_err(|e| Refusal::Invalid(format!("Identificativo del piano non valido: {e}.")))?;
        let grants = Grants::of_plan(plan);
        if actor_for(&grants, &plan.entity_slug(), person).is_none() {
            return Err(Refusal::Denied(domain::Refusal::OtherAdministration));
        }
        let exists = || {
            Refusal::OutOfTurn(format!(
                "Esiste già il piano {} di {} («{id}»): il nuovo piano non è stato creato.",
                plan.year, plan.entity.name
            ))
        };
        match self.store.revision(&id).await {
            Ok(_) => return Err(exists()),
            Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
        let saved = match self
            .store
            .save_new(plan, diagnostics, document, stamp)
            .await
        {
            Ok(saved) => saved,
            // Another save of that year got there first.
            Err(StoreError::Conflict(_)) => return Err(exists()),
            Err(e) => return Err(e.into()),
        };
        self.changed(&saved.id).await;
        Ok(saved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(entity: &str, year: &str) -> Blank {
        Blank {
            entity: entity.into(),
            kind: "comune".into(),
            year: year.into(),
            ..Blank::default()
        }
    }

    #[test]
    fn an_administration_code_is_kept_when_it_reads_as_one() {
        let mut f = form("Comune di Prova", "2024");
        f.code = " c_a182 ".into();
        assert_eq!(blank(&f).unwrap().entity.code.as_deref(), Some("c_a182"));
        f.code = "c a182!".into();
        let problems = blank(&f).unwrap_err();
        assert_eq!(problems[0].field, BlankField::Code);
        assert!(
            problems[0].message.contains("c_a182"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn a_blank_plan_takes_defaults_and_says_each_problem_by_field() {
        let plan = blank(&form("  Comune di Prova ", "2024")).unwrap();
        assert_eq!(plan.entity.name, "Comune di Prova");
        assert_eq!(plan.title, "Piano della Performance 2024-2026");
        assert_eq!(
            (plan.period.from, plan.period.to, plan.year),
            (2024, 2026, 2024)
        );
        assert!(plan.units.is_empty() && plan.objectives.is_empty());

        let fields = |b: &Blank| -> Vec<BlankField> {
            blank(b).unwrap_err().iter().map(|p| p.field).collect()
        };
        assert_eq!(fields(&form("", "2024")), [BlankField::Entity]);
        assert_eq!(fields(&form("Comune", "24")), [BlankField::Year]);
        let mut b = form(&"x".repeat(5000), "2024");
        b.kind = "repubblica".into();
        assert_eq!(fields(&b), [BlankField::Entity, BlankField::Kind]);
        let mut b = form("Comune", "2024");
        (b.from, b.to) = ("2023".into(), "2026".into());
        assert_eq!(fields(&b), [BlankField::To]);
        (b.from, b.to) = ("2025".into(), "2027".into());
        assert_eq!(fields(&b), [BlankField::From]);
        b.title = "x".repeat(100_000);
        b.from = "due".into();
        assert_eq!(fields(&b), [BlankField::From, BlankField::Title]);
        assert_eq!(
            EntityKind::CittaMetropolitana.as_str().to_owned(),
            "citta_metropolitana"
        );
    }
}
