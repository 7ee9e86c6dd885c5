//! Scoring (`../shared/docs/scoring.md`): how objectives are measured. Pure functions over
//! decimals; rounding is for display only.

pub mod engine;
pub mod indicator;
pub mod phases;
pub mod rollup;
pub mod settings;
