//! Plans on a database: SQLite by default, PostgreSQL with the same code (sqlx's Any driver,
//! one set of migrations per backend), in a normalised schema where every row belongs to an
//! entity.

mod audit;
pub mod backup;
mod changes;
mod db;
mod error;
mod evaluation;
mod facts;
mod lifecycle;
mod load;
mod monitoring;
mod people;
mod save;
mod text;
mod watch;

pub use audit::{AuditFilter, Stamp};
pub use backup::{BackupSummary, Contents, RestoreSummary, TableCount};
pub use db::{Backend, Store, database_url};
pub use domain::facts::{
    Actual, ChangeRequest, Decision, EvidenceInfo, Facts, Monitoring, Neutralisation, Opinion,
    PhaseFields, PhaseRecord, PlanSummary, Round, VersionInfo,
};
pub use error::StoreError;
pub use evaluation::{Evaluation, EvaluationWrite};
pub use lifecycle::{EditConflict, Edited, PhaseKey};
pub use monitoring::NewEvidence;
pub use people::{NewPerson, Person, SessionRow, TokenInfo};
pub use watch::ChangeMark;

#[cfg(feature = "testing")]
pub mod testing;
