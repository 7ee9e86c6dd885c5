//! Builds again when a migration is added or changed: `sqlx::migrate!` embeds them at build
//! time, and cargo does not otherwise look at the migrations' folders.

// Cargo reads a build script's instructions from its standard output.
#[allow(clippy::print_stdout)]
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
