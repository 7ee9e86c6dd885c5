//! Plans on a database: SQLite by default, PostgreSQL with the same code (sqlx's Any driver,
//! one set of migrations per backend), in a normalised schema where every row belongs to an
//! entity.

mod db;
mod error;
mod load;
mod save;
pub use save::plan_id;
mod text;

pub use db::{Backend, Store, database_url};
pub use error::StoreError;

/// A plan as listed: enough to choose one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlanSummary {
    /// The plan's id in URLs and commands: the entity's slug and the year (`citta-di-alessandria-2021`).
    pub id: String,
    /// The administration's name.
    pub entity: String,
    pub year: i32,
    pub title: String,
    /// Grows each time the plan is replaced.
    #[serde(skip)]
    pub revision: i64,
}

#[cfg(feature = "testing")]
pub mod testing;
