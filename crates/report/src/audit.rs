//! The audit log out of Pegaso: CSV for spreadsheets (one row per entry, the hashes included
//! so the chain can be checked elsewhere) and the words that say where a chain breaks.

use domain::audit::{Break, Entry};

/// The columns of the CSV, in order.
pub const HEADER: [&str; 10] = [
    "seq",
    "at",
    "actor",
    "action",
    "subject",
    "plan",
    "before",
    "after",
    "prev_hash",
    "hash",
];

/// The log as CSV (RFC 4180, UTF-8, a header row).
pub fn csv(entries: &[Entry]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER)?;
    for e in entries {
        let seq = e.seq.to_string();
        w.write_record([
            seq.as_str(),
            &e.at,
            &e.actor,
            &e.action,
            &e.subject,
            e.plan.as_deref().unwrap_or(""),
            e.before.as_deref().unwrap_or(""),
            e.after.as_deref().unwrap_or(""),
            &e.prev_hash,
            &e.hash,
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Where and how the chain breaks, in Italian.
pub fn describe(b: &Break) -> String {
    match b {
        Break::Altered { seq } => {
            format!("voce {seq}: il contenuto non corrisponde alla sua impronta (modificata)")
        }
        Break::Unlinked { seq, after } => format!(
            "voce {seq}: non segue la voce {after} (voci rimosse o spostate prima di questa)"
        ),
        Break::Numbering { seq, expected } => format!(
            "voce {seq}: attesa la voce {expected} (numerazione interrotta: voci rimosse, aggiunte o rinumerate)"
        ),
        Break::Truncated { last, recorded } => format!(
            "il registro finisce alla voce {last} ma ne risultavano {recorded} (voci finali rimosse)"
        ),
        Break::HeadMissing { last } => format!(
            "manca la registrazione dell'ultima voce (il registro arriva alla {last}): rimossa"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::audit::{GENESIS, chain};

    #[test]
    fn csv_quotes_what_needs_quoting_and_keeps_every_field() {
        let e = chain(
            1,
            GENESIS,
            "2021-04-01T08:00:00Z".into(),
            "admin",
            "phase.edit",
            "p/u/A/1",
            Some("p"),
            Some(r#"{"note":"a, b"}"#.into()),
            None,
        );
        let text = csv(std::slice::from_ref(&e)).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(HEADER.join(",").as_str()));
        let row = lines.next().unwrap();
        assert!(row.contains(r#""{""note"":""a, b""}""#), "{row}");
        assert!(row.ends_with(&e.hash));
    }
}
