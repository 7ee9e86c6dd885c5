//! Plans on a database: SQLite by default, PostgreSQL with the same code (sqlx's Any driver,
//! one set of migrations per backend), in a normalised schema where every row belongs to an
//! entity.

mod audit;
pub mod backup;
mod changes;
mod db;
mod error;
mod lifecycle;
mod load;
mod monitoring;
mod people;
mod save;
pub use save::{entity_slug, plan_id};
mod text;

pub use audit::{AuditFilter, Stamp};
pub use backup::{BackupSummary, Contents, RestoreSummary, TableCount};
pub use changes::{ChangeRequest, Decision, Opinion, VersionInfo};
pub use db::{Backend, Store, database_url};
pub use error::StoreError;
pub use lifecycle::{EditConflict, Edited, PhaseFields, PhaseKey, PhaseRecord};
pub use monitoring::{Actual, EvidenceInfo, Monitoring, Neutralisation, NewEvidence, Round};
pub use people::{NewPerson, Person, SessionRow, TokenInfo};

/// A plan as listed: enough to choose one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlanSummary {
    /// The plan's id in URLs and commands: the entity's slug and the year (`citta-di-alessandria-2021`).
    pub id: String,
    /// The administration's name.
    pub entity: String,
    pub year: i32,
    pub title: String,
    /// Grows each time the plan is replaced, edited or moved by an act.
    #[serde(skip)]
    pub revision: i64,
    /// Where the plan is in its cycle.
    #[serde(skip)]
    pub state: domain::PlanState,
}

#[cfg(feature = "testing")]
pub mod testing;
