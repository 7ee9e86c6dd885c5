//! The one error type of the store, with variants chosen by what the caller does about them.

/// What can go wrong reading or writing plans.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No plan (or other row) with this id.
    #[error("not found: {0}")]
    NotFound(String),
    /// The plan exists already and the caller did not ask to replace it.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The plan cannot be stored as it is (a reference to a unit it does not have…).
    #[error("invalid plan: {0}")]
    Invalid(String),
    /// The database URL is not one we can use.
    #[error("unsupported database URL: {0}")]
    Url(String),
    /// A stored value does not read back as the domain type it should be.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// A restore was asked into a database that already holds something.
    #[error("the database is not empty: {0}")]
    NotEmpty(String),
    /// The archive is truncated, altered or not an archive at all.
    #[error("damaged archive: {0}")]
    Damaged(String),
    /// The archive is sound but holds tables or columns this database does not have (made by
    /// a newer version), or a format this version does not read.
    #[error("archive not for this database: {0}")]
    Incompatible(String),
    /// Writing an archive failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// `e` as a store error, or `duplicate` when it is a unique-key violation (a row that is
    /// there already: a conflict, or a plan that repeats an id).
    pub(crate) fn or_duplicate(e: sqlx::Error, duplicate: impl FnOnce() -> StoreError) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => duplicate(),
            _ => StoreError::Database(e),
        }
    }

    /// `Ok` when a statement changed a row (`done`), `none` when it changed none (what it
    /// was to change is not there, or no longer as it was).
    pub(crate) fn changed_or(
        done: sqlx::any::AnyQueryResult,
        none: impl FnOnce() -> StoreError,
    ) -> Result<()> {
        match done.rows_affected() {
            0 => Err(none()),
            _ => Ok(()),
        }
    }
}
