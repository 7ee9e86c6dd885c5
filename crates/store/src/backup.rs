//! Backups: every table but runtime state, read in one snapshot and streamed to a portable
//! archive (`pegaso.backup/1`, see `archive.rs`), and restored into an empty database of either
//! backend — the whole archive checked first, then written in one transaction.

mod archive;
mod restore;
mod schema;

use std::io::Write;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sqlx::any::{AnyArguments, AnyRow, AnyTypeInfoKind};
use sqlx::{Any, Row, Transaction, TypeInfo, ValueRef};

use crate::audit::timestamp;
use crate::db::Backend;
use crate::error::Result;
use crate::{Store, StoreError};
use archive::{FORMAT, Header, TableHeader, Value, Writer};
pub use schema::TableShape;
use schema::{Column, Kind, Table, quoted};

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
    "installation",
    "evaluation_year",
    "staff_member",
    "scheda",
    "relazione",
];

/// Runtime state, left out of backups: a restored database starts with nobody signed in, no
/// browser trusted and no failed logins counted (sessions and trusted browsers would also let
/// whoever holds a copy of the archive and an old cookie in).
pub const NOT_BACKED_UP: &[&str] = &["session", "login_failure", "trusted_device"];

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

/// Binds `value` for a column of `kind`; a null carries the column's type, which PostgreSQL
/// needs.
pub(crate) fn bind<'q>(
    q: sqlx::query::Query<'q, Any, AnyArguments>,
    kind: Kind,
    value: Value,
) -> sqlx::query::Query<'q, Any, AnyArguments> {
    match (kind, value) {
        (Kind::Integer, Value::Null) => q.bind(None::<i64>),
        (Kind::Real, Value::Null) => q.bind(None::<f64>),
        (Kind::Text, Value::Null) => q.bind(None::<String>),
        (Kind::Blob, Value::Null) => q.bind(None::<Vec<u8>>),
        (Kind::Real, Value::Integer(i)) => q.bind(i as f64),
        (_, Value::Integer(i)) => q.bind(i),
        (_, Value::Float(f)) => q.bind(f),
        (_, Value::Text(t)) => q.bind(t),
        (_, Value::Blob(b)) => q.bind(b),
    }
}

fn list(columns: &[Column]) -> String {
    columns
        .iter()
        .map(|c| quoted(&c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The primary key's columns, or every column for a table without one.
fn key(table: &Table) -> Vec<Column> {
    let key: Vec<Column> = table
        .key
        .iter()
        .filter_map(|k| table.column(k).cloned())
        .collect();
    if key.is_empty() || key.len() != table.key.len() {
        table.columns.clone()
    } else {
        key
    }
}

/// `ORDER BY` the key. Text keys sort by bytes on both backends (SQLite's BINARY,
/// PostgreSQL's "C"), so both write the same rows in the same order.
fn order(key: &[Column], backend: Backend) -> String {
    let order: Vec<String> = key
        .iter()
        .map(|c| {
            if c.kind == Kind::Text && backend == Backend::Postgres {
                format!("{} COLLATE \"C\"", quoted(&c.name))
            } else {
                quoted(&c.name)
            }
        })
        .collect();
    format!("ORDER BY {}", order.join(", "))
}

/// A row's values, each as the kind the Any driver gives it.
fn values(row: &AnyRow, table: &str, columns: &[Column]) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(columns.len());
    for (i, column) in columns.iter().enumerate() {
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
                        "{table}.{} holds a value of type {}, which backups do not handle",
                        column.name,
                        other_name(other)
                    )));
                }
            }
        };
        if !fits(column.kind, &value) {
            // SQLite keeps what it is given: a value of another kind would not restore.
            return Err(StoreError::Corrupt(format!(
                "{table}.{} holds {value:?}, not a {:?}",
                column.name, column.kind
            )));
        }
        out.push(value);
    }
    Ok(out)
}

/// Writes one table's rows, by key. A table with binary columns is read one row at a time
/// (its keys first): SQLite's driver reads tens of rows ahead of the caller, which for
/// evidence files would be hundreds of megabytes at once.
async fn dump<W: Write>(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    table: &Table,
    index: usize,
    writer: &mut Writer<W>,
    contents: &mut Contents,
) -> Result<()> {
    let key = key(table);
    let all = format!(
        "SELECT {} FROM {} {}",
        list(&table.columns),
        quoted(&table.name),
        order(&key, backend)
    );
    let binary = table.columns.iter().any(|c| c.kind == Kind::Blob);
    if !binary || key.len() == table.columns.len() {
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(all)).fetch(&mut **tx);
        while let Some(row) = rows.try_next().await? {
            let values = values(&row, &table.name, &table.columns)?;
            writer.row(index, &table.name, &values)?;
            contents.count(&values);
        }
        return Ok(());
    }
    let keys = format!(
        "SELECT {} FROM {} {}",
        list(&key),
        quoted(&table.name),
        order(&key, backend)
    );
    let keys: Vec<AnyRow> = sqlx::query(sqlx::AssertSqlSafe(keys))
        .fetch_all(&mut **tx)
        .await?;
    let filter: Vec<String> = key
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} = ${}", quoted(&c.name), i + 1))
        .collect();
    let one: Arc<str> = format!(
        "SELECT {} FROM {} WHERE {}",
        list(&table.columns),
        quoted(&table.name),
        filter.join(" AND ")
    )
    .into();
    for k in &keys {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(one.clone()));
        for (c, v) in key.iter().zip(values(k, &table.name, &key)?) {
            q = bind(q, c.kind, v);
        }
        // The same snapshot: a key just listed is there.
        let row = q
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::Conflict(format!("a row of {} went away", table.name)))?;
        let values = values(&row, &table.name, &table.columns)?;
        writer.row(index, &table.name, &values)?;
        contents.count(&values);
    }
    Ok(())
}

fn other_name(kind: AnyTypeInfoKind) -> String {
    sqlx::any::AnyTypeInfo { kind }.name().to_owned()
}

impl Store {
    /// Every table of the live schema, as the migrations made it, in name order: for checking
    /// that both backends' migrations agree.
    pub async fn schema(&self) -> Result<Vec<TableShape>> {
        let mut conn = self.pool.acquire().await?;
        let mut names = schema::tables(&mut conn, self.backend()).await?;
        names.retain(|n| n != MIGRATIONS_TABLE);
        names.sort();
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let table = schema::table(&mut conn, self.backend(), &name).await?;
            let unique = schema::unique(&mut conn, self.backend(), &name).await?;
            out.push(table.shape(unique));
        }
        Ok(out)
    }

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
            dump(&mut tx, backend, table, index, &mut writer, &mut contents).await?;
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
