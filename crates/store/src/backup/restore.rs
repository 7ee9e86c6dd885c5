//! Restoring an archive: a first pass checks all of it against the target's schema (format,
//! checksum, tables, columns, kinds, order) without writing; a second pass inserts every row
//! in one transaction into an empty database, then moves identity sequences past the ids.

use std::io::{BufReader, Read, Seek, SeekFrom};
use std::sync::Arc;

use sqlx::{Any, AnyConnection};

use super::archive::{Header, Reader, Value};
use super::schema::{self, Table, quoted};
use super::{BACKED_UP, Contents, RestoreSummary, TableCount, bind, fits};
use crate::db::Backend;
use crate::error::Result;
use crate::{Store, StoreError};

/// How one table of the archive goes into the target.
struct Plan {
    table: Table,
    /// The target's column for each of the archive's columns, in the archive's order.
    columns: Vec<usize>,
    insert: Arc<str>,
    /// Archive positions of references to the table itself, set once every row is in.
    deferred: Vec<usize>,
    /// Archive positions of the primary key, to find a row again for those references.
    key: Vec<usize>,
}

fn incompatible(what: String) -> StoreError {
    StoreError::Incompatible(what)
}

/// The target's tables that an archive may fill, read from its live schema.
async fn target(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<Table>> {
    let live = schema::tables(conn, backend).await?;
    let mut tables = Vec::new();
    for name in BACKED_UP {
        if live.iter().any(|t| t == name) {
            tables.push(schema::table(conn, backend, name).await?);
        }
    }
    Ok(tables)
}

/// Matches the archive's header with the target's schema, table by table.
fn plans(header: &Header, target: &[Table], backend: Backend) -> Result<Vec<Plan>> {
    let mut plans: Vec<Plan> = Vec::with_capacity(header.tables.len());
    for (index, t) in header.tables.iter().enumerate() {
        let Some(table) = target.iter().find(|x| x.name == t.name) else {
            return Err(incompatible(format!(
                "the archive has table {}, which this database does not restore",
                t.name
            )));
        };
        let mut columns = Vec::with_capacity(t.columns.len());
        for c in &t.columns {
            let Some(i) = table.columns.iter().position(|x| &x.name == c) else {
                return Err(incompatible(format!(
                    "the archive has column {}.{c}, which this database does not",
                    t.name
                )));
            };
            columns.push(i);
        }
        for (i, c) in table.columns.iter().enumerate() {
            if !columns.contains(&i) && !c.nullable && !c.has_default {
                return Err(incompatible(format!(
                    "column {}.{} needs a value and the archive has none",
                    t.name, c.name
                )));
            }
        }
        // Rows are inserted in the archive's order: whatever a table references comes first.
        if let Some(r) = table
            .references
            .iter()
            .find(|r| header.tables[index..].iter().any(|h| &h.name == *r))
        {
            return Err(StoreError::Damaged(format!(
                "table {} comes before {r}, which it references",
                t.name
            )));
        }
        let position = |name: &str| t.columns.iter().position(|c| c == name);
        let key: Vec<usize> = table.key.iter().filter_map(|k| position(k)).collect();
        let deferred = if key.len() == table.key.len() && !key.is_empty() {
            table
                .self_references
                .iter()
                .filter_map(|c| position(c))
                .filter(|&p| table.columns[columns[p]].nullable)
                .collect()
        } else {
            Vec::new()
        };
        let identity = columns.iter().any(|&i| table.columns[i].identity);
        let insert = format!(
            "INSERT INTO {} ({}){} VALUES ({})",
            quoted(&table.name),
            t.columns
                .iter()
                .map(|c| quoted(c))
                .collect::<Vec<_>>()
                .join(", "),
            if identity && backend == Backend::Postgres {
                " OVERRIDING SYSTEM VALUE"
            } else {
                ""
            },
            (1..=t.columns.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        plans.push(Plan {
            table: table.clone(),
            columns,
            insert: insert.into(),
            deferred,
            key,
        });
    }
    Ok(plans)
}

/// Checks a row's values against the target's columns.
fn check(plan: &Plan, values: &[Value], backend: Backend) -> Result<()> {
    for (value, &i) in values.iter().zip(&plan.columns) {
        let column = &plan.table.columns[i];
        // SQLite keeps a NUL character in a text, PostgreSQL refuses it: said before writing.
        if let (Backend::Postgres, Value::Text(t)) = (backend, value)
            && t.contains('\0')
        {
            return Err(StoreError::Incompatible(format!(
                "a text in {}.{} holds a NUL character, which PostgreSQL does not store",
                plan.table.name, column.name
            )));
        }
        let ok = if *value == Value::Null {
            column.nullable
        } else {
            fits(column.kind, value)
        };
        if !ok {
            return Err(StoreError::Damaged(format!(
                "a row of {} has {} for column {} ({:?}{})",
                plan.table.name,
                describe(value),
                column.name,
                column.kind,
                if column.nullable { "" } else { ", not null" }
            )));
        }
    }
    Ok(())
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Text(_) => "a text",
        Value::Blob(_) => "binary data",
    }
}

fn rewind<R: Seek>(input: &mut R) -> Result<()> {
    input
        .seek(SeekFrom::Start(0))
        .map_err(|e| StoreError::Damaged(format!("cannot read the archive again: {e}")))?;
    Ok(())
}

/// The first pass: every line read and checked, nothing written.
fn verify<R: Read + Seek>(
    input: &mut R,
    target: &[Table],
    backend: Backend,
) -> Result<(Header, Vec<Plan>, Contents, String)> {
    rewind(input)?;
    let mut reader = Reader::open(BufReader::new(input))?;
    let header = reader.header().clone();
    let plans = plans(&header, target, backend)?;
    let mut contents = Contents::default();
    while let Some((index, values)) = reader.next_row()? {
        check(&plans[index], &values, backend)?;
        contents.count(&values);
    }
    contents.tables = header
        .tables
        .iter()
        .zip(reader.counts())
        .map(|(t, &rows)| TableCount {
            name: t.name.clone(),
            rows,
        })
        .collect();
    let digest = reader.digest().unwrap_or_default().to_owned();
    Ok((header, plans, contents, digest))
}

impl Store {
    /// Loads a `pegaso.backup/1` archive into this database, which must be empty (no row in
    /// any table a backup fills: [`StoreError::NotEmpty`]). The whole archive is read and
    /// checked first ([`StoreError::Damaged`], [`StoreError::Incompatible`] for tables or
    /// columns this schema lacks); then every row goes in within one transaction, so that a
    /// failure anywhere leaves the database as it was. `progress` hears of each table done.
    pub async fn restore<R, P>(&self, mut input: R, mut progress: P) -> Result<RestoreSummary>
    where
        R: Read + Seek + Send,
        P: FnMut(&TableCount) + Send,
    {
        let backend = self.backend();
        let target = {
            let mut conn = self.pool.acquire().await?;
            let target = target(&mut conn, backend).await?;
            // Said at once, before a long archive is read; checked again below, in the
            // transaction that writes.
            not_empty(&mut conn, &target).await?;
            target
        };
        let (header, plans, contents, digest) = verify(&mut input, &target, backend)?;

        let mut tx = self.begin_write().await?;
        if backend == Backend::Postgres {
            // Changes wait for the restore, as they wait for each other's audit entries.
            sqlx::query("LOCK TABLE audit_head IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        not_empty(&mut tx, &target).await?;
        rewind(&mut input)?;
        let mut reader = Reader::open(BufReader::new(&mut input))?;
        if *reader.header() != header {
            return Err(changed());
        }
        // Tables before `done` have all their rows in.
        let mut done = 0;
        let mut later: Vec<Deferred> = Vec::new();
        while let Some((index, values)) = reader.next_row()? {
            while done < index {
                finish(&mut tx, backend, &plans[done], &mut later).await?;
                progress(&contents.tables[done]);
                done += 1;
            }
            let plan = &plans[index];
            check(plan, &values, backend)?;
            let mut q = sqlx::query(sqlx::AssertSqlSafe(plan.insert.clone()));
            let key: Vec<Value> = plan.key.iter().map(|&k| values[k].clone()).collect();
            for (position, value) in values.into_iter().enumerate() {
                let kind = plan.table.columns[plan.columns[position]].kind;
                if plan.deferred.contains(&position) && value != Value::Null {
                    later.push(Deferred {
                        key: key.clone(),
                        value,
                        position,
                    });
                    q = bind(q, kind, Value::Null);
                } else {
                    q = bind(q, kind, value);
                }
            }
            q.execute(&mut *tx).await?;
        }
        while done < plans.len() {
            finish(&mut tx, backend, &plans[done], &mut later).await?;
            progress(&contents.tables[done]);
            done += 1;
        }
        if reader.digest() != Some(digest.as_str()) {
            return Err(changed());
        }
        tx.commit().await?;
        tracing::info!(rows = contents.rows, "backup restored");
        Ok(RestoreSummary {
            contents,
            created_at: header.created_at,
            backend: header.backend,
            sha256: digest,
        })
    }
}

fn changed() -> StoreError {
    StoreError::Damaged("the archive changed while it was being restored".into())
}

/// Refuses a target that has a row in any table a backup fills.
async fn not_empty(conn: &mut AnyConnection, target: &[Table]) -> Result<()> {
    let mut filled = Vec::new();
    for table in target {
        let sql = format!("SELECT 1 FROM {} LIMIT 1", quoted(&table.name));
        let row: Option<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_optional(&mut *conn)
            .await?;
        if row.is_some() {
            filled.push(table.name.as_str());
        }
    }
    if filled.is_empty() {
        Ok(())
    } else {
        Err(StoreError::NotEmpty(format!(
            "rows in {}",
            filled.join(", ")
        )))
    }
}

/// A reference of a row to its own table, set once the table's rows are all in.
struct Deferred {
    /// The row's primary key.
    key: Vec<Value>,
    value: Value,
    /// The column's position in the archive.
    position: usize,
}

/// After a table's rows: the references to itself that waited, then (PostgreSQL) each
/// identity sequence moved past the largest id, so new rows do not collide.
async fn finish(
    tx: &mut sqlx::Transaction<'static, Any>,
    backend: Backend,
    plan: &Plan,
    later: &mut Vec<Deferred>,
) -> Result<()> {
    let table = &plan.table;
    let target = |position: usize| &table.columns[plan.columns[position]];
    for d in later.drain(..) {
        let column = target(d.position);
        let filter: Vec<String> = plan
            .key
            .iter()
            .enumerate()
            .map(|(i, &k)| format!("{} = ${}", quoted(&target(k).name), i + 2))
            .collect();
        let sql = format!(
            "UPDATE {} SET {} = $1 WHERE {}",
            quoted(&table.name),
            quoted(&column.name),
            filter.join(" AND ")
        );
        let mut q = bind(sqlx::query(sqlx::AssertSqlSafe(sql)), column.kind, d.value);
        for (value, &k) in d.key.into_iter().zip(&plan.key) {
            q = bind(q, target(k).kind, value);
        }
        q.execute(&mut **tx).await?;
    }
    if backend == Backend::Postgres {
        for column in table.columns.iter().filter(|c| c.identity) {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence($1, $2), max({c})) FROM {t} \
                 HAVING max({c}) IS NOT NULL",
                c = quoted(&column.name),
                t = quoted(&table.name)
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&table.name)
                .bind(&column.name)
                .fetch_optional(&mut **tx)
                .await?;
        }
    }
    Ok(())
}
