//! A plan's facts as they stood at an instant, replayed from its audit log: the phases'
//! reports, indicator values, neutralisations and events recorded before it, the rounds opened
//! by then (and whether still open), the evidence uploaded, the requests as they stood. What
//! was recorded after the instant is left out, so a plan can be seen as it was on any day.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::{Actual, Facts, PhaseFields, PhaseRecord, Round};
use crate::Plan;
use crate::audit::{AuditAction, Entry};
use crate::change::RequestState;
use crate::workflow::ActKind;

/// How `facts` stood just before `at`, with `plan` the version in force then and `log` the
/// plan's audit entries (every one, oldest first). The plan's state and its settings are
/// those of now: who may read what follows the plan as it is.
pub fn as_of(facts: &Facts, log: &[Entry], at: DateTime<Utc>, plan: Plan) -> Facts {
    let cut = at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let before = |e: &&Entry| e.at < cut;
    let log: Vec<&Entry> = log.iter().filter(before).collect();
    let instant = |text: &str| {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|d| d.with_timezone(&Utc))
    };
    let started = log
        .iter()
        .find(|e| AuditAction::parse(&e.action) == Some(AuditAction::PlanAct(ActKind::Start)))
        .map(|e| e.at.clone());
    let rounds: Vec<Round> = facts
        .monitoring
        .rounds
        .iter()
        .filter(|r| r.opened_at < at)
        .map(|r| {
            let closed = r.closed_at.filter(|c| *c < at);
            Round {
                closed_at: closed,
                closed_by: closed.and(r.closed_by.clone()),
                ..r.clone()
            }
        })
        .collect();
    let round_at = |when: DateTime<Utc>| {
        rounds
            .iter()
            .rev()
            .find(|r| r.opened_at <= when && r.closed_at.is_none_or(|c| when < c))
            .map(|r| r.id)
    };
    let position = |unit: &str, label: &str| {
        plan.objectives
            .iter()
            .position(|o| o.unit.as_str() == unit && o.label.as_str() == label)
    };
    // Every phase as it was before its first report.
    let mut records: Vec<Vec<PhaseRecord>> = plan
        .objectives
        .iter()
        .enumerate()
        .map(|(oi, o)| {
            (0..o.phases.len())
                .map(|pi| PhaseRecord {
                    version: facts
                        .records
                        .get(oi)
                        .and_then(|r| r.get(pi))
                        .map_or(0, |r| r.version),
                    ..PhaseRecord::default()
                })
                .collect()
        })
        .collect();
    let mut actuals: Vec<Vec<Option<Actual>>> = plan
        .objectives
        .iter()
        .map(|o| vec![None; o.indicators.len()])
        .collect();
    let mut neutralised: BTreeMap<String, (String, DateTime<Utc>, String)> = BTreeMap::new();
    let mut events: BTreeMap<String, NaiveDate> = BTreeMap::new();
    let prefix = format!("{}/", facts.summary.id);
    for e in &log {
        let Some(kind) = AuditAction::parse(&e.action) else {
            continue;
        };
        let Some(when) = instant(&e.at) else {
            continue;
        };
        let after = e.after.as_deref();
        let path: Vec<&str> = e
            .subject
            .strip_prefix(&prefix)
            .unwrap_or("")
            .split('/')
            .collect();
        match kind {
            AuditAction::PhaseEdit => {
                let (Some(fields), [unit, label, n]) = (
                    after.and_then(|a| serde_json::from_str::<PhaseFields>(a).ok()),
                    &path[..],
                ) else {
                    continue;
                };
                let (Some(oi), Ok(n)) = (position(unit, label), n.parse::<usize>()) else {
                    continue;
                };
                let Some(record) = records[oi].get_mut(n.wrapping_sub(1)) else {
                    continue;
                };
                record.completed_on = fields.completed_on;
                record.note = fields.note;
                record.status = fields.status;
                // Once the plan runs, a save is a report.
                if started.as_deref().is_some_and(|s| s <= e.at.as_str()) {
                    record.reported_at = Some(when);
                    record.reported_by = Some(e.actor.clone());
                    record.reported_round = round_at(when).or(record.reported_round);
                }
            }
            AuditAction::IndicatorActual => {
                #[derive(Deserialize)]
                struct Value {
                    value: String,
                    measured_on: NaiveDate,
                    source: String,
                }
                let (Some(v), [unit, label, i]) = (
                    after.and_then(|a| serde_json::from_str::<Value>(a).ok()),
                    &path[..],
                ) else {
                    continue;
                };
                let n = i.strip_prefix('i').and_then(|n| n.parse::<usize>().ok());
                let (Some(oi), Some(n), Ok(value)) =
                    (position(unit, label), n, v.value.parse::<Decimal>())
                else {
                    continue;
                };
                if let Some(slot) = actuals[oi].get_mut(n.wrapping_sub(1)) {
                    *slot = Some(Actual {
                        value,
                        measured_on: v.measured_on,
                        source: v.source,
                        round: round_at(when),
                        reported_at: when,
                        reported_by: e.actor.clone(),
                    });
                }
            }
            AuditAction::Neutralise | AuditAction::NeutraliseLift => {
                let subject = e.subject.strip_prefix(&prefix).unwrap_or("").to_owned();
                let reason = after
                    .and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
                    .and_then(|v| v.get("reason")?.as_str().map(str::to_owned));
                match reason {
                    Some(r) => {
                        neutralised.insert(subject, (r, when, e.actor.clone()));
                    }
                    None => {
                        neutralised.remove(&subject);
                    }
                }
            }
            AuditAction::EventDate => {
                let read = |text: Option<&str>| {
                    text.and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
                };
                let (after, before) = (read(after), read(e.before.as_deref()));
                let name = after
                    .as_ref()
                    .or(before.as_ref())
                    .and_then(|v| v.get("event")?.as_str().map(str::to_owned));
                let day = after
                    .as_ref()
                    .and_then(|v| v.get("day")?.as_str()?.parse::<NaiveDate>().ok());
                match (name, day) {
                    (Some(n), Some(d)) => {
                        events.insert(n, d);
                    }
                    (Some(n), None) => {
                        events.remove(&n);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let mut monitoring = facts.monitoring.clone();
    monitoring.rounds = rounds;
    monitoring.actuals = actuals;
    monitoring.evidence = monitoring
        .evidence
        .iter()
        .map(|o| {
            o.iter()
                .map(|p| p.iter().filter(|f| f.uploaded_at < at).cloned().collect())
                .collect()
        })
        .collect();
    monitoring.neutralisations = neutralised
        .into_iter()
        .map(
            |(subject, (reason, decided_at, decided_by))| super::Neutralisation {
                subject,
                reason,
                decided_at,
                decided_by,
            },
        )
        .collect();
    monitoring.events = events.into_iter().collect();
    let requests = facts
        .requests
        .iter()
        .filter(|r| r.requested_at < at)
        .map(|r| {
            let opinion = r.opinion.clone().filter(|o| o.at < at);
            let decision = r.decision.clone().filter(|d| d.at < at);
            let state = match (&decision, &opinion) {
                (Some(_), _) => r.state,
                (None, Some(_)) => RequestState::Opined,
                (None, None) => RequestState::Requested,
            };
            super::ChangeRequest {
                opinion,
                version: decision.as_ref().and(r.version),
                decision,
                state,
                ..r.clone()
            }
        })
        .collect();
    let versions: Vec<_> = facts
        .versions
        .iter()
        .filter(|v| v.created_at < at)
        .cloned()
        .collect();
    Facts {
        summary: facts.summary.clone(),
        plan,
        records,
        history: facts
            .history
            .iter()
            .filter(|e| e.at < cut)
            .cloned()
            .collect(),
        log: log.iter().map(|e| (*e).clone()).collect(),
        monitoring,
        requests,
        original: facts.original.clone().filter(|_| !versions.is_empty()),
        versions,
    }
}

/// The number of the plan's version in force at `at`: the one the last change approved by
/// then made; `None` for the plan as approved (or when no change was ever approved).
pub fn version_at(facts: &Facts, at: DateTime<Utc>) -> Option<i64> {
    facts
        .versions
        .iter()
        .filter(|v| v.change_request.is_some() && v.created_at < at)
        .map(|v| v.number)
        .max()
}
