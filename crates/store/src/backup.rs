//! Backups: every table but runtime state, read in one snapshot and streamed to a portable
//! archive (`pegaso.backup/1`, see `archive.rs`), and restored into an empty database of either
//! backend — the whole archive checked first, then written in one transaction.

mod archive;
mod restore;
mod schema;

use std::io::Write;

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sqlx::any::{AnyRow, AnyTypeInfoKind};
use sqlx::{Row, TypeInfo, ValueRef};

use crate::audit::timestamp;
use crate::db::Backend;
use crate::error::Result;
use crate::{Store, StoreError};
use archive::{FORMAT, Header, TableHeader, Value, Writer};
use schema::{Kind, Table, quoted};

/// The tables a backup holds, in an order where each comes after the tables it references
/// (the order the migrations make them in). A new table goes here or in [`NOT_BACKED_UP`]: a
/// test reads the live schema and fails while a table is in neither.
pub const BACKED_UP: &[&str] = &[
    "entity",
    "plan",
    "strategy_line",
    "axis",
    "responsible",
    "unit",
    "unit_head",
    "unit_function",
    "deadline",
    "objective",
    "indicator",
    "phase",
    "phase_responsible",
    "survey_result",
    "import_diagnostic",
    "person",
    "person_unit",
    "api_token",
    "audit_entry",
    "audit_head",
    "monitoring_round",
    "evidence",
    "indicator_actual",
    "neutralisation",
    "event_date",
    "reminder_sent",
    "change_request",
    "plan_version",
    "calendar_feed",
];

/// Runtime state, left out of backups: a restored database starts with nobody signed in and
/// no failed logins counted (sessions would also let a copy of the archive sign in).
pub const NOT_BACKED_UP: &[&str] = &["session", "login_failure"];

/// sqlx's record of the migrations run: each database keeps its own.
pub const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// Rows of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCount {
    pub name: String,
    pub rows: u64,
}

/// What an archive holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contents {
    /// Every table of the archive, in its order, with its rows.
    pub tables: Vec<TableCount>,
    pub rows: u64,
    /// Binary values (evidence files) and their bytes.
    pub files: u64,
    pub file_bytes: u64,
}

impl Contents {
    fn count(&mut self, values: &[Value]) {
        self.rows += 1;
        for v in values {
            if let Value::Blob(b) = v {
                self.files += 1;
                self.file_bytes += b.len() as u64;
            }
        }
    }
}

/// A backup made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub contents: Contents,
    /// The archive's size, compressed.
    pub bytes: u64,
    /// The SHA-256 written in the archive's end line.
    pub sha256: String,
}

/// A backup restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    pub contents: Contents,
    /// When the backup was made, and on which backend (`sqlite`, `postgres`).
    pub created_at: String,
    pub backend: String,
    pub sha256: String,
}

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// Whether a value may go into a column of this kind (the same rule when a backup is made as
/// when it is restored, so that what is written can be read back).
pub(crate) fn fits(kind: Kind, value: &Value) -> bool {
    matches!(
        (kind, value),
        (_, Value::Null)
            | (Kind::Integer, Value::Integer(_))
            | (Kind::Real, Value::Integer(_) | Value::Float(_))
            | (Kind::Text, Value::Text(_))
            | (Kind::Blob, Value::Blob(_))
    )
}

/// The query that reads a table whole, by primary key. Text keys sort by bytes on both
/// backends (SQLite's BINARY, PostgreSQL's "C"), so both write the same rows in the same order.
fn select(table: &Table, backend: Backend) -> String {
    let columns: Vec<String> = table.columns.iter().map(|c| quoted(&c.name)).collect();
    let key: Vec<&str> = if table.key.is_empty() {
        table.columns.iter().map(|c| c.name.as_str()).collect()
    } else {
        table.key.iter().map(String::as_str).collect()
    };
    let order: Vec<String> = key
        .iter()
        .map(|k| {
            let text = table.column(k).is_some_and(|c| c.kind == Kind::Text);
            if text && backend == Backend::Postgres {
                format!("{} COLLATE \"C\"", quoted(k))
            } else {
                quoted(k)
            }
        })
        .collect();
    format!(
        "SELECT {} FROM {} ORDER BY {}",
        columns.join(", "),
        quoted(&table.name),
        order.join(", ")
    )
}

/// A row's values, each as the kind the Any driver gives it.
fn values(row: &AnyRow, table: &Table) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(table.columns.len());
    for (i, column) in table.columns.iter().enumerate() {
        let raw = row.try_get_raw(i)?;
        let value = if raw.is_null() {
            Value::Null
        } else {
            match raw.type_info().kind() {
                k if k.is_integer() => Value::Integer(row.try_get(i)?),
                AnyTypeInfoKind::Real | AnyTypeInfoKind::Double => Value::Float(row.try_get(i)?),
                AnyTypeInfoKind::Text => Value::Text(row.try_get(i)?),
                AnyTypeInfoKind::Blob => Value::Blob(row.try_get(i)?),
                AnyTypeInfoKind::Null => Value::Null,
                other => {
                    return Err(StoreError::Invalid(format!(
                        "{}.{} holds a value of type {}, which backups do not handle",
                        table.name,
                        column.name,
                        other_name(other)
                    )));
                }
            }
        };
        if !fits(column.kind, &value) {
            // SQLite keeps what it is given: a value of another kind would not restore.
            return Err(StoreError::Corrupt(format!(
                "{}.{} holds {value:?}, not a {:?}",
                table.name, column.name, column.kind
            )));
        }
        out.push(value);
    }
    Ok(out)
}

fn other_name(kind: AnyTypeInfoKind) -> String {
    sqlx::any::AnyTypeInfo { kind }.name().to_owned()
}

impl Store {
    /// Writes every table of [`BACKED_UP`] to `out` as a `pegaso.backup/1` archive, read in
    /// one snapshot while the application goes on (SQLite's WAL, PostgreSQL's repeatable
    /// read), one row at a time. `progress` hears of each table when it is done. A table in
    /// neither list is refused: a backup never leaves something out without saying so.
    pub async fn backup<W, P>(
        &self,
        out: W,
        created_at: DateTime<Utc>,
        mut progress: P,
    ) -> Result<BackupSummary>
    where
        W: Write + Send,
        P: FnMut(&TableCount) + Send,
    {
        let backend = self.backend();
        let mut tx = self.begin_read().await?;
        let live = schema::tables(&mut tx, backend).await?;
        if let Some(stray) = live.iter().find(|t| {
            !BACKED_UP.contains(&t.as_str())
                && !NOT_BACKED_UP.contains(&t.as_str())
                && t.as_str() != MIGRATIONS_TABLE
        }) {
            return Err(StoreError::Invalid(format!(
                "table {stray} is neither backed up nor left out on purpose"
            )));
        }
        let mut tables = Vec::with_capacity(BACKED_UP.len());
        for name in BACKED_UP {
            if !live.iter().any(|t| t == name) {
                return Err(StoreError::NotFound(format!("table {name}")));
            }
            tables.push(schema::table(&mut tx, backend, name).await?);
        }
        let header = Header {
            format: FORMAT.to_owned(),
            created_at: timestamp(created_at),
            backend: backend_name(backend).to_owned(),
            tables: tables
                .iter()
                .map(|t| TableHeader {
                    name: t.name.clone(),
                    columns: t.columns.iter().map(|c| c.name.clone()).collect(),
                })
                .collect(),
        };
        let mut writer = Writer::new(out, &header)?;
        let mut contents = Contents::default();
        for (index, table) in tables.iter().enumerate() {
            let before = contents.rows;
            let sql = select(table, backend);
            let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *tx);
            while let Some(row) = rows.try_next().await? {
                let values = values(&row, table)?;
                writer.row(index, &table.name, &values)?;
                contents.count(&values);
            }
            let count = TableCount {
                name: table.name.clone(),
                rows: contents.rows - before,
            };
            progress(&count);
            contents.tables.push(count);
        }
        let (bytes, sha256) = writer.finish()?;
        tx.rollback().await?;
        tracing::info!(rows = contents.rows, bytes, "backup written");
        Ok(BackupSummary {
            contents,
            bytes,
            sha256,
        })
    }
}
