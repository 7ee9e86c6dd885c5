//! The audit log: entries appended in the transaction of the change they record, chained by
//! hash (`domain::audit`), and read back for histories, exports and verification.

use chrono::{DateTime, SecondsFormat, Utc};
use domain::audit::{AuditAction, Entry, GENESIS, chain};
use sqlx::any::AnyArguments;
use sqlx::query::QueryAs;
use sqlx::{Any, Transaction};

use crate::db::Backend;
use crate::error::Result;
use crate::{Store, StoreError};

/// Who acts, and when: every change carries one.
#[derive(Debug, Clone)]
pub struct Stamp {
    /// The username, or `cli` for the command line.
    pub actor: String,
    pub at: DateTime<Utc>,
}

impl Stamp {
    pub(crate) fn text(&self) -> String {
        timestamp(self.at)
    }
}

/// The one form of a timestamp in the database: UTC, seconds, `Z` (sorts as text).
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// What a change did, before it is chained.
#[derive(Debug)]
pub(crate) struct Change<'a> {
    pub action: AuditAction,
    pub subject: String,
    pub plan: Option<&'a str>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> Change<'a> {
    /// A change to something of plan `plan` (its subject says what), with neither a before
    /// nor an after until `before` and `after` give them.
    pub fn plan(action: AuditAction, plan: &'a str, subject: String) -> Self {
        Change {
            action,
            subject,
            plan: Some(plan),
            before: None,
            after: None,
        }
    }

    /// A change to an account (no plan): `person/{username}`, with neither a before nor an
    /// after until `before` and `after` give them.
    pub fn person(action: AuditAction, username: &str) -> Self {
        Change {
            action,
            subject: format!("person/{username}"),
            plan: None,
            before: None,
            after: None,
        }
    }

    /// A change to an administration's own settings: `ente/{slug}`.
    pub fn entity(action: AuditAction, slug: &str) -> Self {
        Change {
            action,
            subject: format!("ente/{slug}"),
            plan: None,
            before: None,
            after: None,
        }
    }

    /// The change, with what was there before it (if anything was).
    pub fn before(self, before: impl Into<Option<serde_json::Value>>) -> Self {
        Change {
            before: before.into(),
            ..self
        }
    }

    /// The change, with what is there after it (if anything is).
    pub fn after(self, after: impl Into<Option<serde_json::Value>>) -> Self {
        Change {
            after: after.into(),
            ..self
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    subject: String,
    plan: Option<String>,
    before: Option<String>,
    after: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<Row> for Entry {
    fn from(r: Row) -> Entry {
        Entry {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            subject: r.subject,
            plan: r.plan,
            before: r.before,
            after: r.after,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

const COLUMNS: &str = "seq, at, actor, action, subject, plan, before, after, prev_hash, hash";

/// Appends an entry in `tx`. Writers are serialised (SQLite's immediate transactions, a
/// table lock on PostgreSQL), so the chain has one order.
pub(crate) async fn append(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    stamp: &Stamp,
    change: Change<'_>,
) -> Result<Entry> {
    if backend == Backend::Postgres {
        sqlx::query("LOCK TABLE audit_head IN EXCLUSIVE MODE")
            .execute(&mut **tx)
            .await?;
    }
    let head: Option<(i64, String)> = sqlx::query_as("SELECT seq, hash FROM audit_head")
        .fetch_optional(&mut **tx)
        .await?;
    let (last, prev) = match head {
        Some(head) => head,
        None => match last_entry(tx).await? {
            // The log has entries but its head record is gone (removed behind our back): the
            // chain goes on from the last entry, and says so in an entry of its own.
            Some((seq, hash)) => {
                let anomaly = chain(
                    seq + 1,
                    &hash,
                    stamp.text(),
                    "system",
                    &AuditAction::AuditHeadMissing.code(),
                    "audit",
                    None,
                    None,
                    Some(serde_json::json!({ "last": seq }).to_string()),
                );
                insert(tx, &anomaly).await?;
                (anomaly.seq, anomaly.hash)
            }
            None => (0, GENESIS.to_string()),
        },
    };
    let json = |v: Option<serde_json::Value>| v.map(|v| v.to_string());
    let entry = chain(
        last + 1,
        &prev,
        stamp.text(),
        &stamp.actor,
        &change.action.code(),
        &change.subject,
        change.plan,
        json(change.before),
        json(change.after),
    );
    insert(tx, &entry).await?;
    let moved = sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(entry.seq)
        .bind(&entry.hash)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if moved == 0 {
        sqlx::query("INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)")
            .bind(entry.seq)
            .bind(&entry.hash)
            .execute(&mut **tx)
            .await?;
    }
    Ok(entry)
}

async fn last_entry(tx: &mut Transaction<'static, Any>) -> Result<Option<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?,
    )
}

async fn insert(tx: &mut Transaction<'static, Any>, entry: &Entry) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_entry (seq, at, actor, action, subject, plan, before, after, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(entry.seq)
    .bind(&entry.at)
    .bind(&entry.actor)
    .bind(&entry.action)
    .bind(&entry.subject)
    .bind(&entry.plan)
    .bind(&entry.before)
    .bind(&entry.after)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Which entries to read.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this plan's.
    pub plan: Option<String>,
    /// Only those whose subject starts with this (an objective's path, say).
    pub subject_prefix: Option<String>,
    /// Only those about exactly this subject (a plan's own acts).
    pub subject: Option<String>,
}

impl Store {
    /// The log in its order, filtered.
    pub async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<Entry>> {
        let mut conn = self.pool.acquire().await?;
        Self::read_log(&mut conn, filter).await
    }

    /// `audit_log`, as `conn` sees it.
    pub(crate) async fn read_log(
        conn: &mut sqlx::AnyConnection,
        filter: &AuditFilter,
    ) -> Result<Vec<Entry>> {
        let prefix = filter.subject_prefix.as_ref().map(|p| {
            format!(
                "{}%",
                p.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_entry \
             WHERE ($1 IS NULL OR plan = $1) AND ($2 IS NULL OR subject LIKE $2 ESCAPE '\\') \
             AND ($3 IS NULL OR subject = $3) ORDER BY seq"
        );
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&filter.plan)
            .bind(prefix)
            .bind(&filter.subject)
            .fetch_all(&mut *conn)
            .await?;
        Ok(rows.into_iter().map(Entry::from).collect())
    }

    /// The last position and hash recorded beside the log.
    pub async fn audit_head(&self) -> Result<Option<(i64, String)>> {
        Ok(sqlx::query_as("SELECT seq, hash FROM audit_head")
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Ends a write: its audit entry appended last, then everything committed together.
    pub(crate) async fn audited(
        &self,
        mut tx: Transaction<'static, Any>,
        stamp: &Stamp,
        change: Change<'_>,
    ) -> Result<()> {
        append(&mut tx, self.backend(), stamp, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends a write whose last statement, `insert`, makes a row stamped with `stamp` (its last
    /// two placeholders: when, by whom) and returns its id: the row made, its audit entry
    /// (`change`, told the id) appended, then everything committed. Returns the row's id.
    pub(crate) async fn inserted<'a>(
        &self,
        mut tx: Transaction<'static, Any>,
        stamp: &Stamp,
        insert: QueryAs<'_, Any, (i64,), AnyArguments>,
        change: impl FnOnce(i64) -> Result<Change<'a>>,
    ) -> Result<i64> {
        let (id,) = insert
            .bind(stamp.text())
            .bind(stamp.actor.clone())
            .fetch_one(&mut *tx)
            .await?;
        self.audited(tx, stamp, change(id)?).await?;
        Ok(id)
    }

    /// Records a change made outside the store's own operations (a command, an import).
    pub async fn record(
        &self,
        stamp: &Stamp,
        action: AuditAction,
        subject: &str,
        plan: Option<&str>,
        after: Option<serde_json::Value>,
    ) -> Result<Entry> {
        let mut tx = self.begin_write().await?;
        let entry = append(
            &mut tx,
            self.backend(),
            stamp,
            Change {
                action,
                subject: subject.to_string(),
                plan,
                before: None,
                after,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(entry)
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}
