//! Writing a plan while it is a draft: each edit a person makes in the browser (the title and
//! triennium, the strategy, the table of codes, a unit, an objective card with its phases and
//! indicators; adding, replacing, moving and removing them) applied to the plan as it stands,
//! giving the next plan or saying in Italian why not. The plan's own rules (`validate`) then
//! say what the new plan still lacks; an edit is refused here only when the plan could not
//! hold it (two units or cards under one code, a card of a unit that is not there).

use crate::piao::Piao;
use crate::plan::{Objective, Period, Plan, Responsible, StrategyLine, Unit};
use crate::values::{ObjectiveId, UnitId};

/// One edit of a draft.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// The plan's title and triennium, and the administration's IPA code (its name and kind,
    /// shared by its plans, and the year make the plan's id, which a draft keeps).
    Header {
        title: String,
        period: Period,
        code: Option<String>,
    },
    /// The strategy as a whole: the DUP's lines and their axes.
    Strategy(Vec<StrategyLine>),
    /// The table of codes as a whole.
    Responsibles(Vec<Responsible>),
    /// A unit: a new one at the end (`at` none), or the one `at` replaced — when its code
    /// changes, its cards, its sub-units and the cards' ids follow.
    Unit { at: Option<UnitId>, unit: Unit },
    /// Removes a unit that has neither cards nor sub-units.
    RemoveUnit(UnitId),
    /// Moves a unit one place up or down among all units.
    MoveUnit { unit: UnitId, up: bool },
    /// An objective card: a new one after the last card of its unit (`at` none), or the one
    /// `at` replaced (its unit or label may change: its id follows).
    Objective {
        at: Option<ObjectiveId>,
        objective: Box<Objective>,
    },
    /// Removes a card.
    RemoveObjective(ObjectiveId),
    /// Moves a card one place up or down among the cards of its unit.
    MoveObjective { objective: ObjectiveId, up: bool },
    /// The PIAO's other parts as a whole; none takes them away.
    Piao(Option<Box<Piao>>),
}

/// Why an edit cannot be applied, in Italian.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    #[error("Nel piano non c'è l'unità «{0}»: forse è stata appena modificata.")]
    NoUnit(String),
    #[error("Nel piano non c'è l'obiettivo «{0}»: forse è stato appena modificato.")]
    NoObjective(String),
    #[error("Il piano ha già un'unità con il codice «{0}».")]
    UnitExists(String),
    #[error("L'unità {unit} ha già un obiettivo «{label}».")]
    ObjectiveExists { unit: String, label: String },
    #[error(
        "L'unità «{0}» ha ancora obiettivi o unità al suo interno: spostarli o eliminarli prima."
    )]
    UnitNotEmpty(String),
    #[error("«{0}» è già al suo posto.")]
    CannotMove(String),
    #[error(
        "L'unità «{0}» non può stare dentro sé stessa, né dentro un'unità che sta dentro di lei."
    )]
    ParentCycle(String),
}

/// The plan after `edit`, or why the edit cannot be made.
pub fn apply(plan: &Plan, edit: &Edit) -> Result<Plan, DraftError> {
    let mut next = plan.clone();
    match edit {
        Edit::Header {
            title,
            period,
            code,
        } => {
            next.title = title.clone();
            next.period = *period;
            next.entity.code = code.clone();
        }
        Edit::Strategy(lines) => next.strategy = lines.clone(),
        Edit::Responsibles(rows) => next.responsibles = rows.clone(),
        Edit::Unit { at: None, unit } => {
            if next.unit(&unit.id).is_some() {
                return Err(DraftError::UnitExists(unit.id.to_string()));
            }
            next.units.push(unit.clone());
        }
        Edit::Unit { at: Some(at), unit } => {
            let i = unit_index(&next, at)?;
            if &unit.id != at {
                if next.unit(&unit.id).is_some() {
                    return Err(DraftError::UnitExists(unit.id.to_string()));
                }
                for o in next.objectives.iter_mut().filter(|o| &o.unit == at) {
                    o.unit = unit.id.clone();
                    let id = ObjectiveId::new(&o.unit, &o.label);
                    if let Some(piao) = &mut next.piao {
                        piao.follow_objective(&o.id, Some(&id));
                    }
                    o.id = id;
                }
                if let Some(piao) = &mut next.piao {
                    piao.follow_unit(at, &unit.id);
                }
                for u in next.units.iter_mut() {
                    if u.parent.as_ref() == Some(at) {
                        u.parent = Some(unit.id.clone());
                    }
                }
            }
            next.units[i] = unit.clone();
        }
        Edit::RemoveUnit(id) => {
            let i = unit_index(&next, id)?;
            let busy = next.objectives.iter().any(|o| &o.unit == id)
                || next.units.iter().any(|u| u.parent.as_ref() == Some(id));
            if busy {
                return Err(DraftError::UnitNotEmpty(id.to_string()));
            }
            next.units.remove(i);
        }
        Edit::MoveUnit { unit, up } => {
            let i = unit_index(&next, unit)?;
            let j = neighbour(i, next.units.len(), *up)
                .ok_or_else(|| DraftError::CannotMove(unit.to_string()))?;
            next.units.swap(i, j);
        }
        Edit::Objective {
            at: None,
            objective,
        } => {
            let objective = keyed(objective);
            unit_index(&next, &objective.unit)?;
            refuse_taken(&next, &objective, None)?;
            // After the last card of its unit, or at the end.
            let at = next
                .objectives
                .iter()
                .rposition(|o| o.unit == objective.unit)
                .map_or(next.objectives.len(), |i| i + 1);
            next.objectives.insert(at, objective);
        }
        Edit::Objective {
            at: Some(at),
            objective,
        } => {
            let objective = keyed(objective);
            let i = objective_index(&next, at)?;
            unit_index(&next, &objective.unit)?;
            refuse_taken(&next, &objective, Some(i))?;
            if let Some(piao) = &mut next.piao {
                piao.follow_objective(at, Some(&objective.id));
            }
            next.objectives[i] = objective;
        }
        Edit::RemoveObjective(id) => {
            let i = objective_index(&next, id)?;
            next.objectives.remove(i);
            if let Some(piao) = &mut next.piao {
                piao.follow_objective(id, None);
            }
        }
        Edit::MoveObjective { objective, up } => {
            let i = objective_index(&next, objective)?;
            let unit = next.objectives[i].unit.clone();
            let same: Vec<usize> = (0..next.objectives.len())
                .filter(|&k| next.objectives[k].unit == unit)
                .collect();
            let at = same.iter().position(|&k| k == i).unwrap_or_default();
            let j = neighbour(at, same.len(), *up)
                .and_then(|j| same.get(j).copied())
                .ok_or_else(|| DraftError::CannotMove(objective.to_string()))?;
            next.objectives.swap(i, j);
        }
        Edit::Piao(piao) => next.piao = piao.as_deref().cloned(),
    }
    if let Edit::Unit { unit, .. } = edit
        && within_itself(&next, &unit.id)
    {
        return Err(DraftError::ParentCycle(unit.name.clone()));
    }
    Ok(next)
}

/// Whether following the areas up from unit `id` comes back to it.
fn within_itself(plan: &Plan, id: &UnitId) -> bool {
    let mut at = plan.unit(id).and_then(|u| u.parent.as_ref());
    for _ in 0..=plan.units.len() {
        match at {
            None => return false,
            Some(p) if p == id => return true,
            Some(p) => at = plan.unit(p).and_then(|u| u.parent.as_ref()),
        }
    }
    true
}

/// The card with its id made from its unit and label, as every card's is.
fn keyed(objective: &Objective) -> Objective {
    let mut o = objective.clone();
    o.id = ObjectiveId::new(&o.unit, &o.label);
    o
}

fn refuse_taken(plan: &Plan, o: &Objective, except: Option<usize>) -> Result<(), DraftError> {
    let taken = plan
        .objectives
        .iter()
        .enumerate()
        .any(|(k, other)| Some(k) != except && other.id == o.id);
    if taken {
        return Err(DraftError::ObjectiveExists {
            unit: o.unit.to_string(),
            label: o.label.to_string(),
        });
    }
    Ok(())
}

fn unit_index(plan: &Plan, id: &UnitId) -> Result<usize, DraftError> {
    plan.units
        .iter()
        .position(|u| &u.id == id)
        .ok_or_else(|| DraftError::NoUnit(id.to_string()))
}

fn objective_index(plan: &Plan, id: &ObjectiveId) -> Result<usize, DraftError> {
    plan.objectives
        .iter()
        .position(|o| &o.id == id)
        .ok_or_else(|| DraftError::NoObjective(id.to_string()))
}

/// The place one up or down from `i` among `len`, if there is one.
fn neighbour(i: usize, len: usize, up: bool) -> Option<usize> {
    if up {
        i.checked_sub(1)
    } else {
        Some(i + 1).filter(|&j| j < len)
    }
}

/// An empty card of `unit` labelled `label`: what a new card starts from.
pub fn blank_objective(unit: &UnitId, label: crate::values::ObjectiveLabel) -> Objective {
    Objective {
        id: ObjectiveId::new(unit, &label),
        unit: unit.clone(),
        label,
        title: String::new(),
        strategic_purpose: None,
        directives: None,
        timing: None,
        phases: Vec::new(),
        final_deadline: crate::deadline::Deadline::unspecified(),
        final_deadline_text: String::new(),
        year_deadline: None,
        year_deadline_text: None,
        expected_result: None,
        full_achievement: None,
        not_achieved: None,
        indicators: Vec::new(),
        constraints: None,
        human_resources: None,
        financial_resources: None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::plan::{Entity, EntityKind, UnitKind};
    use crate::values::{Format, ObjectiveLabel};

    fn unit(id: &str, parent: Option<&str>) -> Unit {
        Unit {
            id: UnitId::parse(id).unwrap(),
            kind: UnitKind::Settore,
            name: format!("Settore {id}"),
            parent: parent.map(|p| UnitId::parse(p).unwrap()),
            heads: vec![],
            responsible_code: None,
            functions: vec![],
            staff: None,
        }
    }

    fn card(unit: &str, label: &str) -> Objective {
        let mut o = blank_objective(
            &UnitId::parse(unit).unwrap(),
            ObjectiveLabel::parse(label).unwrap(),
        );
        o.title = format!("Obiettivo {label}");
        o
    }

    fn plan() -> Plan {
        Plan {
            format: Format,
            entity: Entity {
                name: "Comune di Prova".into(),
                kind: EntityKind::Comune,
                code: None,
            },
            title: "Piano 2024-2026".into(),
            period: Period {
                from: 2024,
                to: 2026,
            },
            year: 2024,
            strategy: vec![],
            responsibles: vec![],
            units: vec![
                unit("area", None),
                unit("ragioneria", Some("area")),
                unit("tributi", None),
            ],
            objectives: vec![
                card("ragioneria", "A"),
                card("tributi", "A"),
                card("ragioneria", "B"),
            ],
            customer_satisfaction: vec![],
            piao: None,
        }
    }

    fn ids(p: &Plan) -> Vec<String> {
        p.objectives.iter().map(|o| o.id.to_string()).collect()
    }

    fn oid(s: &str) -> ObjectiveId {
        ObjectiveId::parse(s).unwrap()
    }

    fn uid(s: &str) -> UnitId {
        UnitId::parse(s).unwrap()
    }

    #[test]
    fn a_new_card_goes_after_the_last_of_its_unit_and_takes_its_id_from_unit_and_label() {
        let mut o = card("tributi", "B");
        o.id = oid("altro/Z");
        let next = apply(
            &plan(),
            &Edit::Objective {
                at: None,
                objective: Box::new(o),
            },
        )
        .unwrap();
        assert_eq!(
            ids(&next),
            ["ragioneria/A", "tributi/A", "tributi/B", "ragioneria/B"]
        );
        let taken = apply(
            &next,
            &Edit::Objective {
                at: None,
                objective: Box::new(card("tributi", "B")),
            },
        );
        assert_eq!(
            taken.unwrap_err(),
            DraftError::ObjectiveExists {
                unit: "tributi".into(),
                label: "B".into()
            }
        );
        let nowhere = apply(
            &next,
            &Edit::Objective {
                at: None,
                objective: Box::new(card("nessuna", "A")),
            },
        );
        assert_eq!(nowhere.unwrap_err(), DraftError::NoUnit("nessuna".into()));
    }

    #[test]
    fn a_card_replaced_may_change_label_but_not_onto_another() {
        let p = plan();
        let mut o = card("ragioneria", "C");
        o.title = "Nuovo titolo".into();
        let next = apply(
            &p,
            &Edit::Objective {
                at: Some(oid("ragioneria/A")),
                objective: Box::new(o),
            },
        )
        .unwrap();
        assert_eq!(ids(&next), ["ragioneria/C", "tributi/A", "ragioneria/B"]);
        assert_eq!(next.objectives[0].title, "Nuovo titolo");
        let onto = apply(
            &p,
            &Edit::Objective {
                at: Some(oid("ragioneria/A")),
                objective: Box::new(card("ragioneria", "B")),
            },
        );
        assert!(matches!(onto, Err(DraftError::ObjectiveExists { .. })));
        // Keeping its own label is no clash.
        assert!(
            apply(
                &p,
                &Edit::Objective {
                    at: Some(oid("ragioneria/A")),
                    objective: Box::new(card("ragioneria", "A"))
                }
            )
            .is_ok()
        );
    }

    #[test]
    fn cards_move_among_their_unit_only() {
        let p = plan();
        let down = apply(
            &p,
            &Edit::MoveObjective {
                objective: oid("ragioneria/A"),
                up: false,
            },
        )
        .unwrap();
        assert_eq!(ids(&down), ["ragioneria/B", "tributi/A", "ragioneria/A"]);
        let up = apply(
            &down,
            &Edit::MoveObjective {
                objective: oid("ragioneria/A"),
                up: true,
            },
        )
        .unwrap();
        assert_eq!(ids(&up), ids(&p));
        assert_eq!(
            apply(
                &p,
                &Edit::MoveObjective {
                    objective: oid("tributi/A"),
                    up: true
                }
            )
            .unwrap_err(),
            DraftError::CannotMove("tributi/A".into())
        );
    }

    #[test]
    fn a_unit_renamed_takes_its_cards_and_sub_units_along() {
        let p = plan();
        let mut u = unit("contabilita", None);
        u.name = "Contabilità".into();
        let next = apply(
            &p,
            &Edit::Unit {
                at: Some(uid("area")),
                unit: u,
            },
        )
        .unwrap();
        assert_eq!(next.units[0].id.as_str(), "contabilita");
        assert_eq!(
            next.units[1].parent.as_ref().map(UnitId::as_str),
            Some("contabilita")
        );
        let next = apply(
            &next,
            &Edit::Unit {
                at: Some(uid("ragioneria")),
                unit: unit("bilancio", Some("contabilita")),
            },
        )
        .unwrap();
        assert_eq!(ids(&next), ["bilancio/A", "tributi/A", "bilancio/B"]);
        assert!(
            crate::validate(&next)
                .iter()
                .all(|d| d.severity != crate::Severity::Error)
        );
        let clash = apply(
            &next,
            &Edit::Unit {
                at: Some(uid("bilancio")),
                unit: unit("tributi", None),
            },
        );
        assert_eq!(clash.unwrap_err(), DraftError::UnitExists("tributi".into()));
    }

    #[test]
    fn only_an_empty_unit_is_removed_and_units_move_by_one() {
        let p = plan();
        for busy in ["area", "ragioneria"] {
            assert_eq!(
                apply(&p, &Edit::RemoveUnit(uid(busy))).unwrap_err(),
                DraftError::UnitNotEmpty(busy.into())
            );
        }
        let next = apply(
            &p,
            &Edit::Unit {
                at: None,
                unit: unit("nuova", None),
            },
        )
        .unwrap();
        assert_eq!(
            apply(
                &next,
                &Edit::Unit {
                    at: None,
                    unit: unit("nuova", None)
                }
            )
            .unwrap_err(),
            DraftError::UnitExists("nuova".into())
        );
        let moved = apply(
            &next,
            &Edit::MoveUnit {
                unit: uid("nuova"),
                up: true,
            },
        )
        .unwrap();
        assert_eq!(moved.units[2].id.as_str(), "nuova");
        let gone = apply(&moved, &Edit::RemoveUnit(uid("nuova"))).unwrap();
        assert_eq!(gone.units, p.units);
        assert_eq!(
            apply(
                &p,
                &Edit::MoveUnit {
                    unit: uid("tributi"),
                    up: false
                }
            )
            .unwrap_err(),
            DraftError::CannotMove("tributi".into())
        );
    }

    #[test]
    fn a_unit_cannot_be_within_itself() {
        let p = plan();
        let itself = apply(
            &p,
            &Edit::Unit {
                at: Some(uid("area")),
                unit: unit("area", Some("area")),
            },
        );
        assert!(matches!(itself, Err(DraftError::ParentCycle(_))));
        // area ← ragioneria: area inside ragioneria closes the circle.
        let circle = apply(
            &p,
            &Edit::Unit {
                at: Some(uid("area")),
                unit: unit("area", Some("ragioneria")),
            },
        );
        assert!(matches!(circle, Err(DraftError::ParentCycle(_))));
        assert!(
            apply(
                &p,
                &Edit::Unit {
                    at: Some(uid("area")),
                    unit: unit("area", Some("tributi"))
                }
            )
            .is_ok()
        );
    }

    #[test]
    fn the_header_keeps_the_plans_id() {
        let p = plan();
        let next = apply(
            &p,
            &Edit::Header {
                title: "Piano nuovo".into(),
                period: Period {
                    from: 2023,
                    to: 2025,
                },
                code: Some("c_x000".into()),
            },
        )
        .unwrap();
        assert_eq!(next.entity.code.as_deref(), Some("c_x000"));
        assert_eq!(next.id().unwrap(), p.id().unwrap());
        assert_eq!(
            (next.title.as_str(), next.period.from),
            ("Piano nuovo", 2023)
        );
    }
}
