//! What is recorded on a plan beyond its document, as the store reads it back: each phase's
//! record, monitoring (rounds, actuals, evidence, neutralisations, events), change requests
//! and versions, and all of it together (`Facts`), read in one snapshot.

use std::collections::BTreeSet;

mod history;

pub use history::{as_of, version_at};

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit::Entry;
use crate::change::{Proposal, RequestState};
use crate::monitoring::{Figure, ReportStatus};
use crate::scoring::engine::Subject;
use crate::{Percent, Plan, PlanId, PlanState};

/// A plan as listed: enough to choose one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanSummary {
    /// The plan's id in URLs and commands: the entity's slug and the year (`citta-di-alessandria-2021`).
    pub id: PlanId,
    /// The administration's name.
    pub entity: String,
    pub year: i32,
    pub title: String,
    /// Grows each time the plan is replaced, edited or moved by an act.
    #[serde(skip)]
    pub revision: i64,
    /// Where the plan is in its cycle.
    #[serde(skip)]
    pub state: PlanState,
}

/// What was recorded on a phase beyond the plan document: its version and what it achieved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct PhaseRecord {
    /// Grows with every edit; an edit names the version it started from.
    pub version: i64,
    pub completed_on: Option<NaiveDate>,
    pub note: Option<String>,
    /// As its unit last reported it.
    pub status: Option<ReportStatus>,
    /// When, by whom and in which round it was last reported.
    pub reported_at: Option<DateTime<Utc>>,
    pub reported_by: Option<String>,
    pub reported_round: Option<i64>,
}

impl PhaseRecord {
    /// A phase's record (or its absence) as a monitored figure.
    pub fn figure(record: Option<&PhaseRecord>) -> Figure {
        Figure {
            done: record.is_some_and(|r| r.completed_on.is_some()),
            round: record.and_then(|r| r.reported_round),
            updated: record.and_then(|r| r.reported_at),
        }
    }
}

/// The editable fields of a phase, as they are (for conflicts) or as wished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PhaseFields {
    pub description: String,
    pub weight_pct: Option<Percent>,
    pub completed_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub status: Option<ReportStatus>,
}

/// A monitoring round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Round {
    pub id: i64,
    pub name: String,
    /// The date the figures are reported as of.
    pub as_of: NaiveDate,
    pub opened_at: DateTime<Utc>,
    pub opened_by: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
}

impl Round {
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }
}

/// An evidence file as listed (its content is read on its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceInfo {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub round: Option<i64>,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by: String,
}

/// An indicator's last reported actual.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actual {
    pub value: Decimal,
    pub measured_on: NaiveDate,
    pub source: String,
    pub round: Option<i64>,
    pub reported_at: DateTime<Utc>,
    pub reported_by: String,
}

/// A neutralisation: what, why, when, by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Neutralisation {
    /// `unit/label` (objective), `unit/label/3` (phase), `unit/label/i2` (indicator).
    pub subject: String,
    pub reason: String,
    pub decided_at: DateTime<Utc>,
    pub decided_by: String,
}

/// Everything monitoring recorded on a plan, read with it.
#[derive(Debug, Clone, Default)]
pub struct Monitoring {
    /// The scoring settings as stored (JSON); `None`: the defaults.
    pub scoring: Option<String>,
    /// Oldest first.
    pub rounds: Vec<Round>,
    /// By objective position, then indicator position (from 0).
    pub actuals: Vec<Vec<Option<Actual>>>,
    /// By objective position, then phase position.
    pub evidence: Vec<Vec<Vec<EvidenceInfo>>>,
    pub neutralisations: Vec<Neutralisation>,
    /// The recorded dates of events.
    pub events: Vec<(String, NaiveDate)>,
}

impl Monitoring {
    /// The open round, if one is.
    pub fn open_round(&self) -> Option<&Round> {
        self.rounds.iter().rev().find(|r| r.is_open())
    }

    pub fn neutralisation(&self, subject: &str) -> Option<&Neutralisation> {
        self.neutralisations.iter().find(|n| n.subject == subject)
    }

    /// What is neutralised, as subjects of `plan` (keys that name nothing there are left out).
    pub fn neutralised(&self, plan: &Plan) -> BTreeSet<Subject> {
        self.neutralisations
            .iter()
            .filter_map(|n| Subject::parse(plan, &n.subject))
            .collect()
    }

    /// Each indicator's actual as a monitored figure, by objective and position.
    pub fn indicator_figures(&self) -> Vec<Vec<Figure>> {
        self.actuals
            .iter()
            .map(|o| o.iter().map(|a| Actual::figure(a.as_ref())).collect())
            .collect()
    }
}

impl Actual {
    /// An indicator's actual (or its absence) as a monitored figure.
    pub fn figure(actual: Option<&Actual>) -> Figure {
        Figure {
            done: false,
            round: actual.and_then(|a| a.round),
            updated: actual.map(|a| a.reported_at),
        }
    }
}

/// The Nucleo's opinion on a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Opinion {
    pub favourable: bool,
    pub text: String,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// The Giunta's decision on a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub act_number: String,
    pub act_date: NaiveDate,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// A change request as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRequest {
    pub id: i64,
    /// The objective's id (`unit/label`).
    pub objective: String,
    pub proposal: Proposal,
    pub reason: String,
    pub state: RequestState,
    pub requested_at: DateTime<Utc>,
    pub requested_by: String,
    pub opinion: Option<Opinion>,
    pub decision: Option<Decision>,
    /// The version its approval made.
    pub version: Option<i64>,
}

/// A version of a plan, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionInfo {
    pub number: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    /// The request whose approval made it (none for the plan as approved).
    pub change_request: Option<i64>,
}

/// Everything recorded on a plan, read in one snapshot: the document, each phase's record,
/// the plan's own history (its acts and imports), monitoring, change requests and versions.
#[derive(Debug, Clone)]
pub struct Facts {
    pub summary: PlanSummary,
    pub plan: Plan,
    /// By objective position, then phase position.
    pub records: Vec<Vec<PhaseRecord>>,
    /// The audit entries about the plan itself (acts, imports), oldest first.
    pub history: Vec<Entry>,
    /// Every audit entry of the plan (its objectives', phases', rounds'…), oldest first: the
    /// histories pages show, and what a past day is replayed from.
    pub log: Vec<Entry>,
    pub monitoring: Monitoring,
    /// Oldest first.
    pub requests: Vec<ChangeRequest>,
    /// None until a change is approved.
    pub versions: Vec<VersionInfo>,
    /// The plan as approved (version 1), once a change made another version.
    pub original: Option<Plan>,
}
