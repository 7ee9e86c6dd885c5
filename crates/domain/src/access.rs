//! Who may do what: the roles of a person, the unit roles that follow the plan's heads, and
//! the one function that decides every action outside the lifecycle's acts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::plan::Plan;
use crate::values::{UnitId, fold_accent};
use crate::workflow::PlanState;

named_enum! { serde "snake_case";
    /// A role held across the whole administration.
    #[derive(Hash, PartialOrd, Ord, schemars::JsonSchema)]
    pub enum Role {
        /// Programmazione e Controllo: builds the plan, manages people.
        Admin,
        /// Nucleo di Valutazione.
        Evaluator,
        /// Giunta.
        Board,
        /// Reads everything, the audit log included, and changes nothing (personal data
        /// excepted: schede and payouts are not theirs to read).
        Auditor,
        /// Ufficio del personale: keeps the staff evaluated, notifies schede, keeps the bonus
        /// pool's budgets and shares them; reads schede and payouts.
        Personnel,
        /// Revisore dei conti: certifies whether payment times were met (DL 13/2023).
        Revisor,
    }
}

/// How a person belongs to a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitRole {
    Head,
    Member,
}

/// A unit role, for the days it holds (both ends included; `None` is open).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnitGrant {
    pub unit: UnitId,
    pub role: UnitRole,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl UnitGrant {
    /// True when the grant holds on `day`; a thing with no day falls in every period.
    pub fn covers(&self, day: Option<NaiveDate>) -> bool {
        day.is_none_or(|d| self.from.is_none_or(|f| f <= d) && self.until.is_none_or(|u| d <= u))
    }
}

/// A signed-in person, as the rules see them in one plan.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Actor {
    pub name: String,
    pub roles: Vec<Role>,
    pub units: Vec<UnitGrant>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The grants this person holds on `unit` that cover `day`.
    fn holds(&self, unit: &UnitId, roles: &[UnitRole], day: Option<NaiveDate>) -> bool {
        self.units
            .iter()
            .any(|g| &g.unit == unit && roles.contains(&g.role) && g.covers(day))
    }
}

/// Who a person is in a plan of administration `plan_entity`: their roles and unit grants;
/// none for a person of another administration (they read the plan as the public does).
/// `person_entity` `None` is an account of the whole installation.
pub fn actor(
    plan: &Grants,
    plan_entity: &str,
    person_entity: Option<&str>,
    name: &str,
    roles: &[Role],
    member_of: &[UnitId],
) -> Option<Actor> {
    if person_entity.is_some_and(|e| e != plan_entity) {
        return None;
    }
    Some(Actor {
        name: name.to_owned(),
        roles: roles.to_vec(),
        units: plan.of(name, member_of),
    })
}

/// Who holds which unit of a plan: the heads it names, by their name's key, and its units.
/// Made once per plan; each person's grants are then a lookup.
#[derive(Debug, Clone, Default)]
pub struct Grants {
    heads: std::collections::HashMap<String, Vec<UnitGrant>>,
    units: std::collections::HashSet<UnitId>,
}

impl Grants {
    pub fn of_plan(plan: &Plan) -> Grants {
        let mut heads: std::collections::HashMap<String, Vec<UnitGrant>> = Default::default();
        for unit in &plan.units {
            for head in &unit.heads {
                let key = person_key(&head.name);
                if !key.is_empty() {
                    heads.entry(key).or_default().push(UnitGrant {
                        unit: unit.id.clone(),
                        role: UnitRole::Head,
                        from: head.from,
                        until: head.until,
                    });
                }
            }
        }
        Grants {
            heads,
            units: plan.units.iter().map(|u| u.id.clone()).collect(),
        }
    }

    /// The unit roles of `person`: head wherever the plan names them head (for the period the
    /// plan gives), member of the units an administrator assigned them to.
    pub fn of(&self, person: &str, member_of: &[UnitId]) -> Vec<UnitGrant> {
        let mut grants = self
            .heads
            .get(&person_key(person))
            .cloned()
            .unwrap_or_default();
        grants.extend(
            member_of
                .iter()
                .filter(|u| self.units.contains(*u))
                .map(|unit| UnitGrant {
                    unit: unit.clone(),
                    role: UnitRole::Member,
                    from: None,
                    until: None,
                }),
        );
        grants
    }
}

/// The unit roles of a person in a plan (`Grants::of`, for one question).
pub fn unit_grants(plan: &Plan, person: &str, member_of: &[UnitId]) -> Vec<UnitGrant> {
    Grants::of_plan(plan).of(person, member_of)
}

/// A person's name without titles (`Dott.ssa`, `Ing.`: words with a full stop), case and
/// accents, so that an account matches the name the plan writes.
pub fn person_key(name: &str) -> String {
    name.split_whitespace()
        .filter(|w| !w.contains('.'))
        .map(|w| {
            w.chars()
                .flat_map(fold_accent)
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a person may ask for, besides the lifecycle's acts.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// Read the plan: objectives, phases, deadlines.
    ReadPlan,
    /// Read the measured figures (completion of phases).
    ReadProgress,
    /// Change what an objective card of `unit` plans (its fields, phases, weights,
    /// deadlines, indicators): drafting; the planning office and the unit's head.
    EditCard {
        unit: &'a UnitId,
        day: Option<NaiveDate>,
    },
    /// Record what a phase achieved (completion date, note): measuring.
    ReportPhase {
        unit: &'a UnitId,
        involved: &'a [UnitId],
        day: Option<NaiveDate>,
    },
    /// Read the audit log and every history.
    ReadAudit,
    /// Create, disable and reset accounts.
    ManagePeople,
    /// Make a new plan (the draft of next year from this one): the planning office, whatever
    /// the state of the plan it starts from.
    CreatePlan,
    /// Set the plan's scoring rules (its measurement system): while drafting.
    ConfigureScoring,
    /// Change the plan's structure while drafting: its title and triennium, strategy, table
    /// of codes, units, and which objectives it has and in what order; the planning office.
    EditPlan,
    /// Open and close monitoring rounds: while the plan runs or is measured.
    ManageRounds,
    /// Take an objective, phase or indicator out of the measurement, with a reason.
    Neutralise,
    /// Ask to change an approved plan's objective of `unit` (deadline, weight, target,
    /// indicator).
    RequestChange {
        unit: &'a UnitId,
        /// The day of the request: a head asks in their own period.
        day: Option<NaiveDate>,
    },
    /// Give the Nucleo's opinion on a change request.
    GiveOpinion,
    /// Approve or reject a change request with the Giunta's act.
    DecideChange,
}

/// Why an action is not open to this person now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("sign-in required")]
    SignInRequired,
    #[error("role not allowed")]
    Role(&'static [Role]),
    #[error("not the head of the unit for that period")]
    NotYourUnit,
    #[error("not allowed in state {0:?}")]
    State(PlanState),
    #[error("measured figures locked")]
    Locked,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("the board's act is required")]
    ActRequired,
    #[error("the plan belongs to another administration")]
    OtherAdministration,
    /// The plan is shown as it stood on a past day: read, not changed.
    #[error("a past day is shown")]
    PastDay,
}

/// Decides whether `actor` (`None`: the public) may do `action` on a plan in `state`.
pub fn decide(actor: Option<&Actor>, action: Action<'_>, state: PlanState) -> Result<(), Refusal> {
    let public_ok = match action {
        Action::ReadPlan => state >= PlanState::Approved,
        Action::ReadProgress => state == PlanState::Published,
        _ => false,
    };
    if public_ok {
        return Ok(());
    }
    let Some(actor) = actor else {
        return Err(Refusal::SignInRequired);
    };
    match action {
        Action::ReadPlan | Action::ReadProgress => Ok(()),
        Action::ReadAudit => any_of(actor, &[Role::Admin, Role::Evaluator, Role::Auditor]),
        Action::ManagePeople | Action::CreatePlan => any_of(actor, &[Role::Admin]),
        Action::ConfigureScoring => match state {
            PlanState::Draft => any_of(actor, &[Role::Admin]),
            other => Err(Refusal::State(other)),
        },
        Action::ManageRounds => match state {
            PlanState::InExecution | PlanState::Measured => any_of(actor, &[Role::Admin]),
            other => Err(Refusal::State(other)),
        },
        Action::RequestChange { unit, day } => match state {
            PlanState::Approved | PlanState::InExecution => {
                if actor.holds(unit, &[UnitRole::Head], day) {
                    Ok(())
                } else {
                    Err(Refusal::NotYourUnit)
                }
            }
            other => Err(Refusal::State(other)),
        },
        Action::GiveOpinion => match state {
            PlanState::Approved | PlanState::InExecution => any_of(actor, &[Role::Evaluator]),
            other => Err(Refusal::State(other)),
        },
        Action::DecideChange => match state {
            PlanState::Approved | PlanState::InExecution => any_of(actor, &[Role::Board]),
            other => Err(Refusal::State(other)),
        },
        Action::Neutralise => match state {
            PlanState::InExecution | PlanState::Measured => any_of(actor, &[Role::Evaluator]),
            PlanState::MeasureValidated | PlanState::Published => Err(Refusal::Locked),
            other => Err(Refusal::State(other)),
        },
        Action::EditPlan => match state {
            PlanState::Draft => any_of(actor, &[Role::Admin]),
            other => Err(Refusal::State(other)),
        },
        Action::EditCard { unit, day } => {
            if state != PlanState::Draft {
                return Err(Refusal::State(state));
            }
            if actor.has(Role::Admin) || actor.holds(unit, &[UnitRole::Head], day) {
                Ok(())
            } else {
                Err(Refusal::NotYourUnit)
            }
        }
        Action::ReportPhase {
            unit,
            involved,
            day,
        } => match state {
            PlanState::InExecution => {
                let own = actor.holds(unit, &[UnitRole::Head, UnitRole::Member], day);
                let shared = involved
                    .iter()
                    .any(|u| actor.holds(u, &[UnitRole::Head, UnitRole::Member], day));
                if actor.has(Role::Admin) || own || shared {
                    Ok(())
                } else {
                    Err(Refusal::NotYourUnit)
                }
            }
            // Corrections after the measurement closed are the planning office's.
            PlanState::Measured => any_of(actor, &[Role::Admin]),
            PlanState::MeasureValidated | PlanState::Published => Err(Refusal::Locked),
            other => Err(Refusal::State(other)),
        },
    }
}

fn any_of(actor: &Actor, roles: &'static [Role]) -> Result<(), Refusal> {
    if roles.iter().any(|r| actor.has(*r)) {
        Ok(())
    } else {
        Err(Refusal::Role(roles))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_key_drops_titles_case_and_accents() {
        assert_eq!(
            person_key("Dott.ssa Mariagrazia D'Oca"),
            "mariagrazia d'oca"
        );
        assert_eq!(person_key("  ING.  Nicolò   Rossi "), "nicolo rossi");
        assert_eq!(person_key("Dott. "), "");
    }

    #[test]
    fn grants_cover_their_period_only() {
        let grant = UnitGrant {
            unit: UnitId::parse("azienda").unwrap(),
            role: UnitRole::Head,
            from: NaiveDate::from_ymd_opt(2021, 4, 1),
            until: None,
        };
        assert!(!grant.covers(NaiveDate::from_ymd_opt(2021, 3, 31)));
        assert!(grant.covers(NaiveDate::from_ymd_opt(2021, 4, 1)));
        assert!(grant.covers(None));
    }

    #[test]
    fn the_public_reads_approved_plans_and_published_results_only() {
        for state in PlanState::ALL.iter().copied() {
            assert_eq!(
                decide(None, Action::ReadPlan, state).is_ok(),
                state >= PlanState::Approved
            );
            assert_eq!(
                decide(None, Action::ReadProgress, state).is_ok(),
                state == PlanState::Published
            );
            assert_eq!(
                decide(None, Action::ReadAudit, state),
                Err(Refusal::SignInRequired)
            );
        }
    }
}
