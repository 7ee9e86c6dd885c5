//! The demonstration on a new installation: the demo plan (Città di Alessandria, PEG 2021,
//! built into the binary), its people (an account for each role and for every head the plan
//! names, with random passwords), and its year played through the use cases, so that the
//! first run shows results, traffic lights and scores.

use std::sync::Arc;

use chrono::NaiveDate;
use cycle::Cycle;
use cycle::demo::{Cast, Played};
use domain::access::person_key;
use domain::{Plan, Role, Username, messages};
use store::{NewPerson, Person, PlanSummary, Stamp, Store, StoreError};

use crate::auth::{hash_password, new_secret};
use crate::error::AppError;

/// The demo plan (Città di Alessandria, PEG 2021), built into the binary so that `serve`
/// works from any folder.
pub const DEMO_PLAN: &str = include_str!("../../../data/demo/alessandria-2021.plan.json");

/// An account the demonstration made, with its password (shown once).
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub name: String,
    /// What the account is for, in Italian.
    pub role: String,
    pub password: String,
}

/// The demonstration as loaded: the plan, the accounts to print, what its year recorded.
#[derive(Debug, Clone)]
pub struct DemoYear {
    pub plan: PlanSummary,
    pub accounts: Vec<DemoAccount>,
    pub played: Played,
}

fn demo_plan() -> Result<Plan, StoreError> {
    serde_json::from_str(DEMO_PLAN)
        .map_err(|e| StoreError::Invalid(format!("embedded demo plan: {e}")))
}

/// Saves the demo plan as a draft, with what the plan's rules find in it, when the database
/// has no plan at all; returns it when it did.
pub async fn load_demo_plan(store: &Store) -> Result<Option<PlanSummary>, StoreError> {
    if !store.plans().await?.is_empty() {
        return Ok(None);
    }
    let plan = demo_plan()?;
    let findings = domain::validate(&plan);
    let stamp = Stamp {
        actor: "system".into(),
        at: crate::now(),
    };
    store
        .save_plan(&plan, &findings, false, &stamp)
        .await
        .map(Some)
}

#[derive(Debug)]
struct FixedClock(chrono::DateTime<chrono::Utc>);

impl cycle::Clock for FixedClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.0
    }
    fn today(&self) -> NaiveDate {
        self.0.date_naive()
    }
}

/// `Mario Rossi` → `mario.rossi`: a username from a name (titles, accents and signs dropped).
fn username_of(name: &str) -> Option<Username> {
    let name = person_key(name)
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(".");
    Username::parse(name).ok()
}

fn password() -> Result<String, AppError> {
    Ok(new_secret()?.chars().take(16).collect())
}

/// On a database with neither plans nor people: the demo plan, its people and its year,
/// marked as a demonstration. `progress` hears each stage. `None` when the database had a plan
/// or an account (an installation being set up is never given demonstration data).
pub async fn load_demo_year(
    store: &Store,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Option<DemoYear>, AppError> {
    if !store.plans().await?.is_empty() || !store.people().await?.is_empty() {
        return Ok(None);
    }
    let plan = demo_plan()?;
    let year = plan.year;
    let entity = plan.entity_slug();
    let start = NaiveDate::from_ymd_opt(year, 1, 10)
        .unwrap_or_default()
        .and_hms_opt(9, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let system = Stamp {
        actor: "system".into(),
        at: start,
    };
    progress("piano dimostrativo e persone");
    let findings = domain::validate(&plan);
    let summary = store.save_plan(&plan, &findings, false, &system).await?;
    store.mark_demo().await?;

    let mut accounts = Vec::new();
    let add = |username: Username, name: String, roles: Vec<Role>, shown: Option<String>| {
        let entity = entity.clone();
        let system = system.clone();
        let store = store.clone();
        async move {
            let password = password()?;
            let person = store
                .add_person(
                    &NewPerson {
                        username,
                        name,
                        entity: Some(entity),
                        roles,
                        units: Vec::new(),
                        password_hash: Some(hash_password(&password)?),
                    },
                    &system,
                )
                .await?;
            Ok::<_, AppError>((person, shown.map(|role| (role, password))))
        }
    };
    let mut keep = |(person, shown): (Person, Option<(String, String)>)| {
        if let Some((role, password)) = shown {
            accounts.push(DemoAccount {
                username: person.username.to_string(),
                name: person.name.clone(),
                role,
                password,
            });
        }
        person
    };
    let roles = [
        (
            "programmazione",
            "Ufficio Programmazione e Controllo",
            Role::Admin,
        ),
        ("nucleo", "Nucleo di Valutazione", Role::Evaluator),
        ("giunta", "Giunta comunale", Role::Board),
        ("personale", "Ufficio del personale", Role::Personnel),
        ("revisore", "Revisore dei conti", Role::Revisor),
    ];
    let mut staff = Vec::new();
    for (username, name, role) in roles {
        let shown = messages::role(role).to_string();
        // The revisore also reads everything, as the auditors of accounts do.
        let held = if role == Role::Revisor {
            vec![Role::Auditor, Role::Revisor]
        } else {
            vec![role]
        };
        staff.push(keep(
            add(
                Username::parse(username).map_err(|e| AppError::Internal(e.to_string()))?,
                name.into(),
                held,
                Some(shown),
            )
            .await?,
        ));
    }
    // An employee of the first unit evaluated: their own scheda, their observations, their
    // appeal.
    let employee = keep(
        add(
            Username::parse("dipendente").map_err(|e| AppError::Internal(e.to_string()))?,
            "Giulia Ferrari".into(),
            Vec::new(),
            Some("dipendente valutata".into()),
        )
        .await?,
    );
    // Every head the plan names gets an account (they report on their units); two are shown.
    let mut heads: Vec<Person> = Vec::new();
    for unit in &plan.units {
        for head in &unit.heads {
            let Some(username) = username_of(&head.name) else {
                continue;
            };
            if heads.iter().any(|h| h.username == username) {
                continue;
            }
            let shown = (heads.len() < 2).then(|| format!("responsabile: {}", unit.name));
            heads.push(keep(
                add(username, head.name.clone(), Vec::new(), shown).await?,
            ));
        }
    }
    let [admin, evaluator, board, personnel, revisor] =
        <[Person; 5]>::try_from(staff).map_err(|_| AppError::Internal("demo staff".into()))?;
    let cast = Cast {
        admin,
        evaluator,
        board,
        personnel,
        revisor,
        heads,
        employee,
    };
    let cycle = Cycle::new(store.clone(), Arc::new(FixedClock(start)));
    let played = cycle.play_demo_year(&summary.id, &cast, progress).await?;
    let plan = store
        .plans()
        .await?
        .into_iter()
        .find(|p| p.id == summary.id)
        .unwrap_or(summary);
    Ok(Some(DemoYear {
        plan,
        accounts,
        played,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_come_from_names() {
        let of = |name| username_of(name).map(String::from);
        assert_eq!(of("Dott. Roberto Calcagni").unwrap(), "roberto.calcagni");
        assert_eq!(of("Mariagrazia D'Oca").unwrap(), "mariagrazia.doca");
        assert_eq!(of("Dott.ssa"), None);
    }
}
