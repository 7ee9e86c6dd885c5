//! The words of "next year from this year": what the draft carries, moves and leaves behind,
//! and why one cannot be made.

use super::*;
use crate::rollover::{Carried, Moved, Offer, Part, RolloverError, UnitCarried};

/// Why the draft of the new year cannot be made.
pub fn rollover_error(e: &RolloverError) -> String {
    match e {
        RolloverError::NotAfter { from, year } => {
            format!("Il nuovo piano deve essere di un anno successivo al {from}, non del {year}.")
        }
        RolloverError::Implausible(year) => {
            format!("Il {year} non è un anno possibile per un piano.")
        }
        RolloverError::UnknownObjective(id) => {
            format!("Il piano non ha l'obiettivo «{id}».")
        }
    }
}

/// Which date of an objective moves.
pub fn rollover_part(part: &Part) -> String {
    match part {
        Part::Phase(label) => format!("fase {label}"),
        Part::YearDeadline => "scadenza dell'annualità".into(),
        Part::FinalDeadline => "scadenza finale".into(),
        Part::Timing => "tempistica".into(),
    }
}

/// A moved date: `fase 2: 30/06/2021 → 30/06/2022`.
pub fn rollover_moved(m: &Moved) -> String {
    format!(
        "{}: {} → {}",
        rollover_part(&m.what),
        date(m.from),
        date(m.to)
    )
}

/// Whether an objective continues or is finished, in a few words.
pub fn rollover_kind(o: &Offer) -> &'static str {
    if o.continues {
        "pluriennale: prosegue con l'annualità successiva"
    } else {
        "annuale: concluso"
    }
}

/// What happens to a continuing objective's phases, in one sentence (empty for others).
pub fn rollover_phases(o: &Offer) -> String {
    let list = |labels: &[crate::values::PhaseLabel]| {
        labels
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    if !o.concluded.is_empty() {
        parts.push(format!("fasi concluse: {}", list(&o.concluded)));
    }
    if !o.next.is_empty() {
        parts.push(format!("fasi del nuovo anno: {}", list(&o.next)));
    } else if o.continues {
        parts.push("nessuna fase per il nuovo anno: da pianificare".into());
    }
    if !o.weights_cleared.is_empty() {
        parts.push(format!(
            "incidenza da indicare per le fasi {}",
            list(&o.weights_cleared)
        ));
    }
    parts.join("; ")
}

/// What happens to a unit's heads (empty when every head is carried as is).
pub fn rollover_heads(u: &UnitCarried) -> String {
    let mut parts = Vec::new();
    if !u.cleared.is_empty() {
        parts.push(format!(
            "{} senza le date di incarico precedenti al nuovo anno",
            u.cleared.join(", ")
        ));
    }
    if !u.left.is_empty() {
        parts.push(format!(
            "{} non più responsabile (incarico concluso)",
            u.left.join(", ")
        ));
    }
    parts.join("; ")
}

/// The whole account, as lines of text for the command line.
pub fn rollover_report(c: &Carried) -> String {
    let mut s = format!(
        "Nuovo piano {} dal piano {}: «{}» (triennio {}–{}).\n",
        c.year, c.from_year, c.title.1, c.period.1.from, c.period.1.to
    );
    if c.title.0 == c.title.1 {
        s.push_str("Il titolo non riporta gli anni: resta com'era.\n");
    }
    s.push_str(&format!("\nUnità copiate: {}\n", c.units.len()));
    for u in &c.units {
        let heads = rollover_heads(u);
        if !heads.is_empty() {
            s.push_str(&format!("  {}: {heads}\n", u.unit));
        }
    }
    s.push_str(&format!("\nObiettivi riportati: {}\n", c.carried.len()));
    for o in &c.carried {
        s.push_str(&format!("  {} ({})\n", o.id, rollover_kind(o)));
        let phases = rollover_phases(o);
        if !phases.is_empty() {
            s.push_str(&format!("      {phases}\n"));
        }
        for m in &o.moved {
            s.push_str(&format!("      {}\n", rollover_moved(m)));
        }
    }
    s.push_str(&format!(
        "\nObiettivi lasciati indietro: {}\n",
        c.left_behind.len()
    ));
    for o in &c.left_behind {
        s.push_str(&format!("  {} ({})\n", o.id, rollover_kind(o)));
    }
    s.push_str(
        "\nNon si copiano i resoconti, i monitoraggi, i valori degli indicatori e i punteggi",
    );
    if c.surveys_dropped > 0 {
        s.push_str(&format!(
            ", né i {} risultati delle indagini di gradimento dell'anno",
            c.surveys_dropped
        ));
    }
    s.push_str(".\n");
    s
}
