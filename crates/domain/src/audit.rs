//! The audit log's chain: each entry carries the hash of the one before, so that an altered,
//! reordered or removed entry shows where the chain breaks.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

mod action;

pub use action::AuditAction;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One recorded change: who, when, what, before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Entry {
    /// Position in the log, from 1, without gaps.
    pub seq: i64,
    /// When, in UTC (RFC 3339).
    pub at: String,
    /// Who: the account's username, or `cli` and `system`.
    pub actor: String,
    /// What kind of change (`plan.act.approve`, `phase.edit`, `person.add`).
    pub action: String,
    /// What it changed: a plan id, `plan/unit/objective/phase`, a username.
    pub subject: String,
    /// The plan it belongs to, if any.
    pub plan: Option<String>,
    /// The state before, as JSON text; `None` for a creation.
    pub before: Option<String>,
    /// The state after, as JSON text; `None` for a removal.
    pub after: Option<String>,
    /// The hash of the previous entry ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// This entry's hash over all the fields above.
    pub hash: String,
}

impl Entry {
    /// The hash the entry should carry, computed from its fields and `prev_hash`.
    pub fn expected_hash(&self) -> String {
        let mut h = Sha256::new();
        let seq = self.seq.to_string();
        let fields = [
            Some(seq.as_str()),
            Some(self.at.as_str()),
            Some(self.actor.as_str()),
            Some(self.action.as_str()),
            Some(self.subject.as_str()),
            self.plan.as_deref(),
            self.before.as_deref(),
            self.after.as_deref(),
            Some(self.prev_hash.as_str()),
        ];
        // Length-prefixed, with absent fields marked, so no two entries hash the same bytes.
        for field in fields {
            match field {
                Some(text) => {
                    h.update((text.len() as u64).to_be_bytes());
                    h.update(text.as_bytes());
                }
                None => h.update(u64::MAX.to_be_bytes()),
            }
        }
        hex::encode(h.finalize())
    }
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Break {
    /// The entry's content no longer matches its hash: it was edited.
    Altered { seq: i64 },
    /// The entry does not follow the one before it: entries before it were removed or moved.
    Unlinked { seq: i64, after: i64 },
    /// Positions skip or repeat: entries were removed, added or renumbered.
    Numbering { seq: i64, expected: i64 },
    /// The log ends before the last entry the database recorded: its tail was removed.
    Truncated { last: i64, recorded: i64 },
    /// The log has entries but the record of its last one is gone.
    HeadMissing { last: i64 },
}

/// Checks a log read in its stored order against the last position and hash recorded
/// separately (`head`); an empty result means the chain holds.
pub fn verify(entries: &[Entry], head: Option<(i64, &str)>) -> Vec<Break> {
    let mut breaks = Vec::new();
    let mut prev_hash = GENESIS.to_string();
    let mut prev_seq = 0;
    for e in entries {
        if e.seq != prev_seq + 1 {
            breaks.push(Break::Numbering {
                seq: e.seq,
                expected: prev_seq + 1,
            });
        }
        if e.expected_hash() != e.hash {
            breaks.push(Break::Altered { seq: e.seq });
        } else if e.prev_hash != prev_hash {
            breaks.push(Break::Unlinked {
                seq: e.seq,
                after: prev_seq,
            });
        }
        prev_hash = e.hash.clone();
        prev_seq = e.seq;
    }
    match head {
        Some((recorded, hash)) if recorded != prev_seq || hash != prev_hash => {
            breaks.push(Break::Truncated {
                last: prev_seq,
                recorded,
            });
        }
        None if !entries.is_empty() => breaks.push(Break::HeadMissing { last: prev_seq }),
        _ => {}
    }
    breaks
}

/// Makes the next entry of a chain whose last hash is `prev_hash`.
#[allow(clippy::too_many_arguments)]
pub fn chain(
    seq: i64,
    prev_hash: &str,
    at: String,
    actor: &str,
    action: &str,
    subject: &str,
    plan: Option<&str>,
    before: Option<String>,
    after: Option<String>,
) -> Entry {
    let mut e = Entry {
        seq,
        at,
        actor: actor.into(),
        action: action.into(),
        subject: subject.into(),
        plan: plan.map(str::to_string),
        before,
        after,
        prev_hash: prev_hash.into(),
        hash: String::new(),
    };
    e.hash = e.expected_hash();
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(n: i64) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for seq in 1..=n {
            let prev = out.last().map_or(GENESIS.to_string(), |e| e.hash.clone());
            out.push(chain(
                seq,
                &prev,
                format!("2021-01-0{seq}T10:00:00Z"),
                "admin",
                "phase.edit",
                "p/u/1/1",
                Some("p"),
                Some(format!("{{\"n\":{}}}", seq - 1)),
                Some(format!("{{\"n\":{seq}}}")),
            ));
        }
        out
    }

    fn head(log: &[Entry]) -> Option<(i64, &str)> {
        log.last().map(|e| (e.seq, e.hash.as_str()))
    }

    #[test]
    fn an_intact_log_verifies() {
        let l = log(5);
        assert_eq!(verify(&l, head(&l)), vec![]);
        assert_eq!(verify(&[], None), vec![]);
    }

    #[test]
    fn edits_removals_and_reorders_are_found_where_they_are() {
        let mut edited = log(5);
        let h = edited[4].hash.clone();
        edited[2].after = Some("{\"n\":99}".into());
        assert_eq!(
            verify(&edited, Some((5, &h))),
            vec![Break::Altered { seq: 3 }]
        );

        let mut removed = log(5);
        removed.remove(1);
        assert_eq!(
            verify(&removed, Some((5, &h))),
            vec![
                Break::Numbering {
                    seq: 3,
                    expected: 2
                },
                Break::Unlinked { seq: 3, after: 1 }
            ]
        );

        let mut reordered = log(5);
        reordered.swap(1, 2);
        assert!(verify(&reordered, Some((5, &h))).contains(&Break::Unlinked { seq: 3, after: 1 }));

        assert_eq!(verify(&log(2), None), vec![Break::HeadMissing { last: 2 }]);

        let mut tail = log(5);
        tail.pop();
        assert_eq!(
            verify(&tail, Some((5, &h))),
            vec![Break::Truncated {
                last: 4,
                recorded: 5
            }]
        );
    }

    #[test]
    fn absent_and_empty_fields_hash_differently() {
        let mut a = log(1).remove(0);
        let before = a.expected_hash();
        a.before = Some(String::new());
        a.after = None;
        assert_ne!(a.expected_hash(), before);
    }
}
