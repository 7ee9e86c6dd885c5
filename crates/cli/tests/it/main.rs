//! Integration tests of the `pegaso` binary and of the project's structure rules.

// Test helpers panic as assertions do, and tell on stderr when they skip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod backup;
mod commands;
mod database;
mod logs;
mod remind;
mod report;
mod tidy;

use std::path::PathBuf;

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}
