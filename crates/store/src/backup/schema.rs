//! The live schema of a database, read from its catalogue (`sqlite_master` and its pragmas on
//! SQLite, `information_schema` and `pg_constraint` on PostgreSQL): tables, their columns with
//! the kind of value each holds, their primary keys and the tables they reference.

use sqlx::AnyConnection;

use crate::StoreError;
use crate::db::Backend;
use crate::error::Result;

/// The kinds of value a column holds, as the Any driver reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Integer,
    Real,
    Text,
    Blob,
}

#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub name: String,
    pub kind: Kind,
    pub nullable: bool,
    /// Whether an insert may leave it out (a default, an identity, SQLite's row id).
    pub has_default: bool,
    /// A PostgreSQL identity: inserted with `OVERRIDING SYSTEM VALUE`, its sequence moved on.
    pub identity: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// The primary key's columns, in the key's order.
    pub key: Vec<String>,
    /// The other tables its foreign keys reference.
    pub references: Vec<String>,
    /// Its columns that are a foreign key to the table itself, alone (`unit.parent_id`).
    pub self_references: Vec<String>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// A table as both backends must make it: what the migrations of each must agree on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableShape {
    pub name: String,
    /// Each column: name, kind (`integer`, `real`, `text`, `blob`), whether it may be null.
    pub columns: Vec<(String, &'static str, bool)>,
    /// The primary key's columns.
    pub key: Vec<String>,
    /// The tables its foreign keys reference, sorted, and its references to itself.
    pub references: Vec<String>,
    pub self_references: Vec<String>,
    /// Its unique indexes and constraints besides the primary key, each as its columns
    /// (`<expr>` for an expression such as `lower(username)`), sorted.
    pub unique: Vec<Vec<String>>,
}

impl Table {
    pub(crate) fn shape(&self, unique: Vec<Vec<String>>) -> TableShape {
        let mut references = self.references.clone();
        references.sort();
        let mut unique = unique;
        unique.sort();
        TableShape {
            name: self.name.clone(),
            columns: self
                .columns
                .iter()
                .map(|c| {
                    let kind = match c.kind {
                        Kind::Integer => "integer",
                        Kind::Real => "real",
                        Kind::Text => "text",
                        Kind::Blob => "blob",
                    };
                    (c.name.clone(), kind, c.nullable)
                })
                .collect(),
            key: self.key.clone(),
            references,
            self_references: self.self_references.clone(),
            unique,
        }
    }
}

/// The unique indexes of table `name` other than its primary key, each as its columns.
pub(crate) async fn unique(
    conn: &mut AnyConnection,
    backend: Backend,
    name: &str,
) -> Result<Vec<Vec<String>>> {
    let rows: Vec<(String, i64, Option<String>)> = match backend {
        Backend::Sqlite => {
            sqlx::query_as(
                "SELECT il.name, ii.seqno, ii.name FROM pragma_index_list($1) il \
                 JOIN pragma_index_info(il.name) ii WHERE il.\"unique\" = 1 AND il.origin != 'pk' \
                 ORDER BY il.name, ii.seqno",
            )
            .bind(name)
            .fetch_all(&mut *conn)
            .await?
        }
        Backend::Postgres => {
            sqlx::query_as(
                "SELECT i.relname::text, k.position::bigint, a.attname::text \
                 FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
                 JOIN pg_class t ON t.oid = x.indrelid \
                 JOIN pg_namespace n ON n.oid = t.relnamespace \
                 CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, position) \
                 LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
                 WHERE x.indisunique AND NOT x.indisprimary AND n.nspname = current_schema() \
                 AND t.relname::text = $1 ORDER BY i.relname, k.position",
            )
            .bind(name)
            .fetch_all(&mut *conn)
            .await?
        }
    };
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for (index, _, column) in rows {
        let column = column.unwrap_or_else(|| "<expr>".into());
        match out.last_mut() {
            Some((i, columns)) if *i == index => columns.push(column),
            _ => out.push((index, vec![column])),
        }
    }
    Ok(out.into_iter().map(|(_, c)| c).collect())
}

/// Names go into SQL between double quotes: only plain ones are taken.
fn plain(name: &str) -> Result<&str> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        Ok(name)
    } else {
        Err(StoreError::Invalid(format!(
            "name {name:?} in the schema is not one backups handle"
        )))
    }
}

/// `"name"`, for SQL.
pub(crate) fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

/// Every table of the database, by name (SQLite's own tables left out).
pub(crate) async fn tables(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<String>> {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
        }
    };
    let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}

/// One table's columns, key and references.
pub(crate) async fn table(conn: &mut AnyConnection, backend: Backend, name: &str) -> Result<Table> {
    let name = plain(name)?;
    let table = match backend {
        Backend::Sqlite => sqlite_table(conn, name).await?,
        Backend::Postgres => postgres_table(conn, name).await?,
    };
    if table.columns.is_empty() {
        return Err(StoreError::NotFound(format!("table {name}")));
    }
    for c in &table.columns {
        plain(&c.name)?;
    }
    Ok(table)
}

fn unknown_type(table: &str, column: &str, ty: &str) -> StoreError {
    StoreError::Invalid(format!(
        "column {table}.{column} has type {ty:?}, which backups do not handle"
    ))
}

/// SQLite's rules for a declared type's affinity.
fn sqlite_kind(table: &str, column: &str, ty: &str) -> Result<Kind> {
    let up = ty.to_ascii_uppercase();
    Ok(if up.contains("INT") {
        Kind::Integer
    } else if up.contains("CHAR") || up.contains("CLOB") || up.contains("TEXT") {
        Kind::Text
    } else if up.contains("BLOB") || up.is_empty() {
        Kind::Blob
    } else if up.contains("REAL") || up.contains("FLOA") || up.contains("DOUB") {
        Kind::Real
    } else {
        return Err(unknown_type(table, column, ty));
    })
}

async fn sqlite_table(conn: &mut AnyConnection, name: &str) -> Result<Table> {
    let rows: Vec<(String, String, i64, Option<String>, i64)> = sqlx::query_as(
        "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) ORDER BY cid",
    )
    .bind(name)
    .fetch_all(&mut *conn)
    .await?;
    let mut key: Vec<(i64, String)> = rows
        .iter()
        .filter(|r| r.4 > 0)
        .map(|r| (r.4, r.0.clone()))
        .collect();
    key.sort();
    let key: Vec<String> = key.into_iter().map(|(_, c)| c).collect();
    let mut columns = Vec::with_capacity(rows.len());
    for (column, ty, not_null, default, _) in rows {
        let kind = sqlite_kind(name, &column, &ty)?;
        // An INTEGER PRIMARY KEY is the row id: SQLite gives it a value when left out.
        let row_id = key.len() == 1 && key[0] == column && ty.eq_ignore_ascii_case("INTEGER");
        columns.push(Column {
            kind,
            nullable: not_null == 0 && !row_id,
            has_default: default.is_some() || row_id,
            identity: false,
            name: column,
        });
    }
    let foreign: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, \"table\", \"from\" FROM pragma_foreign_key_list($1) ORDER BY id, seq",
    )
    .bind(name)
    .fetch_all(&mut *conn)
    .await?;
    Ok(finish(name, columns, key, foreign))
}

async fn postgres_table(conn: &mut AnyConnection, name: &str) -> Result<Table> {
    let rows: Vec<(String, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text, is_nullable::text, column_default::text, \
         is_identity::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name::text = $1 ORDER BY ordinal_position",
    )
    .bind(name)
    .fetch_all(&mut *conn)
    .await?;
    let mut columns = Vec::with_capacity(rows.len());
    for (column, ty, nullable, default, identity) in rows {
        let kind = match ty.as_str() {
            "bigint" | "integer" | "smallint" => Kind::Integer,
            "real" | "double precision" => Kind::Real,
            "text" | "character varying" | "character" => Kind::Text,
            "bytea" => Kind::Blob,
            _ => return Err(unknown_type(name, &column, &ty)),
        };
        let identity = identity == "YES";
        columns.push(Column {
            kind,
            nullable: nullable == "YES",
            has_default: default.is_some() || identity,
            identity,
            name: column,
        });
    }
    let key: Vec<(String,)> = sqlx::query_as(
        "SELECT kcu.column_name::text FROM information_schema.table_constraints tc \
         JOIN information_schema.key_column_usage kcu \
         ON kcu.constraint_schema = tc.constraint_schema \
         AND kcu.constraint_name = tc.constraint_name \
         WHERE tc.table_schema = current_schema() AND tc.table_name::text = $1 \
         AND tc.constraint_type = 'PRIMARY KEY' ORDER BY kcu.ordinal_position",
    )
    .bind(name)
    .fetch_all(&mut *conn)
    .await?;
    let foreign: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.conname::text, target.relname::text, a.attname::text \
         FROM pg_constraint c \
         JOIN pg_class own ON own.oid = c.conrelid \
         JOIN pg_namespace n ON n.oid = own.relnamespace \
         JOIN pg_class target ON target.oid = c.confrelid \
         CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, position) \
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum \
         WHERE c.contype = 'f' AND n.nspname = current_schema() AND own.relname::text = $1 \
         ORDER BY c.conname, k.position",
    )
    .bind(name)
    .fetch_all(&mut *conn)
    .await?;
    Ok(finish(
        name,
        columns,
        key.into_iter().map(|(c,)| c).collect(),
        foreign,
    ))
}

/// Groups foreign-key rows (constraint, referenced table, column) into what a table needs.
fn finish<K: PartialEq>(
    name: &str,
    columns: Vec<Column>,
    key: Vec<String>,
    foreign: Vec<(K, String, String)>,
) -> Table {
    let mut references: Vec<String> = Vec::new();
    let mut self_references = Vec::new();
    let mut i = 0;
    while i < foreign.len() {
        let mut j = i + 1;
        while j < foreign.len() && foreign[j].0 == foreign[i].0 {
            j += 1;
        }
        let target = &foreign[i].1;
        if target == name {
            // Only a one-column reference to the table itself can wait for its row.
            if j - i == 1 {
                self_references.push(foreign[i].2.clone());
            }
        } else if !references.contains(target) {
            references.push(target.clone());
        }
        i = j;
    }
    Table {
        name: name.to_owned(),
        columns,
        key,
        references,
        self_references,
    }
}
