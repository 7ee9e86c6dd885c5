//! Why a use case did not do what was asked: typed by what the person can do about it. The
//! pages and the API turn each into the same status (`web`'s one mapping).

use store::StoreError;

/// A use case's refusal. Messages are Italian, for the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Nothing of that name here: the text names what was looked for (`il piano «x»`).
    #[error("not found: {0}")]
    NotFound(String),
    /// The rules say no: sign in first, not theirs, not in this state, a reason or an act
    /// missing (`domain::access::decide`, `domain::workflow`).
    #[error("refused: {0}")]
    Denied(domain::Refusal),
    /// Out of turn for everyone: the plan or the item has moved on (already open, already
    /// decided, changed meanwhile).
    #[error("out of turn: {0}")]
    OutOfTurn(String),
    /// Well-formed but not acceptable (a date out of range, a text too long, a choice that is
    /// not offered).
    #[error("not acceptable: {0}")]
    Invalid(String),
    /// Not a request this could answer (an unknown choice of a form's buttons).
    #[error("malformed: {0}")]
    Malformed(String),
    /// The server is at its limit for this kind of work (password checks): try again shortly.
    #[error("busy")]
    Busy,
    /// Something beneath failed (the detail is for the log).
    #[error("failed: {0}")]
    Failed(String),
    /// The store failed (not found and conflicts included, as the store says them).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<domain::Refusal> for Refusal {
    fn from(r: domain::Refusal) -> Self {
        Refusal::Denied(r)
    }
}

/// A use case's answer.
pub type Outcome<T> = Result<T, Refusal>;
