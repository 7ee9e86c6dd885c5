//! Integration tests of the importer: the seed card by card, small cards, office documents,
//! and hostile input.

// Test helpers panic as assertions do, and tell on stderr when they skip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod cards;
mod deadlines;
mod office;
mod props;
mod seed;
mod seed_cards;

use std::path::PathBuf;
use std::sync::OnceLock;

use domain::Plan;

/// The seed's text, from `PEGASO_SEED_DIR` or `../shared/seeds` beside the repository;
/// `None` (said loudly) when it is not on this machine.
pub fn seed_text() -> Option<&'static str> {
    static TEXT: OnceLock<Option<String>> = OnceLock::new();
    TEXT.get_or_init(|| {
        let dir = std::env::var_os("PEGASO_SEED_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds")
            });
        let path = dir.join("piano-performance-alessandria-2021.txt");
        match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            // On CI the seed is always beside the repository: missing, it is a failure.
            Err(e) if std::env::var_os("CI").is_some() => {
                panic!("CI is set but the seed is not at {} ({e})", path.display())
            }
            Err(e) => {
                eprintln!(
                    "SKIPPED: the seed is not at {} ({e}); set PEGASO_SEED_DIR to run these tests",
                    path.display()
                );
                None
            }
        }
    })
    .as_deref()
}

/// The seed imported once for all tests.
pub fn seed_import() -> Option<&'static import::Import> {
    static IMPORT: OnceLock<Option<import::Import>> = OnceLock::new();
    IMPORT
        .get_or_init(|| seed_text().map(import::import_text))
        .as_ref()
}

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn objective<'a>(plan: &'a Plan, id: &str) -> &'a domain::Objective {
    plan.objectives
        .iter()
        .find(|o| o.id.as_str() == id)
        .unwrap_or_else(|| panic!("no objective {id}"))
}
