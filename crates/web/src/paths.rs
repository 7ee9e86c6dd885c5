//! The addresses of the pages, in one place so that links and routes agree.

use domain::{Objective, UnitId};

pub fn plan(plan: &str) -> String {
    format!("/piani/{plan}")
}

pub fn unit(plan: &str, unit: &UnitId) -> String {
    format!("/piani/{plan}/unita/{unit}")
}

/// The unit's deadlines as an iCalendar feed.
pub fn unit_calendar(plan: &str, unit: &UnitId) -> String {
    format!("/piani/{plan}/calendari/{unit}.ics")
}

pub fn objective(plan: &str, o: &Objective) -> String {
    format!("/piani/{plan}/obiettivi/{}/{}", o.unit, o.label)
}

pub fn matrix(plan: &str) -> String {
    format!("/piani/{plan}/matrice")
}

pub fn search(plan: &str) -> String {
    format!("/piani/{plan}/cerca")
}

pub fn diagnostics(plan: &str) -> String {
    format!("/piani/{plan}/diagnostica")
}

pub fn scores(plan: &str) -> String {
    format!("/piani/{plan}/punteggi")
}

pub fn rounds(plan: &str) -> String {
    format!("/piani/{plan}/monitoraggi")
}

/// An evidence file of the phase at `phase_path`: its id, then its name as letters, digits and
/// `.-_` (the id finds it; the name tells browsers and people what it is).
pub fn evidence(phase_path: &str, id: i64, file_name: &str) -> String {
    let name: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{phase_path}/allegati/{id}-{name}")
}
