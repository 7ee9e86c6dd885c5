//! Opening a database: which backend a URL names, the pool, the pragmas, the migrations.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use domain::PlanId;
use domain::audit::AuditAction;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, ConnectOptions, Executor, Transaction};

use domain::facts::PlanSummary;

use crate::audit::Stamp;
use crate::error::{Result, StoreError};
use crate::watch::{ChangeMark, Watched};

/// The plans of one database, SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
    /// The SQLite file, when it is one (not in memory), and what sees it change.
    file: Option<Arc<Watched>>,
}

/// The databases we run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn of(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Url(url.to_owned()))
        }
    }
}

/// The URL a person's `--db` value names: a bare path as a SQLite file, other URLs as they
/// are. A SQLite file is created when missing, whether named by its path or by a `sqlite:` URL
/// (unless the URL chooses its own `mode`).
pub fn database_url(value: &str) -> String {
    if let Some(rest) = value.strip_prefix("sqlite:") {
        let memory = rest.starts_with(":memory:") || rest.contains("mode=memory");
        if memory || rest.contains("mode=") {
            value.to_owned()
        } else if rest.contains('?') {
            format!("{value}&mode=rwc")
        } else {
            format!("{value}?mode=rwc")
        }
    } else if value.contains("://") {
        value.to_owned()
    } else {
        format!("sqlite://{value}?mode=rwc")
    }
}

impl Store {
    /// Connects to `url` (see [`database_url`]) and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let url = database_url(url);
        let backend = Backend::of(&url)?;
        let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                // One writer at a time is SQLite's rule; a few readers beside it in WAL mode.
                Backend::Sqlite => 4,
                Backend::Postgres => 8,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        if backend == Backend::Sqlite {
            // WAL is a property of the file: set once, it stays.
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        let migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("migrations/postgres"),
        };
        migrator.run(&pool).await?;
        tracing::debug!(?backend, "database ready");
        let file = (backend == Backend::Sqlite)
            .then(|| sqlite_file(&url))
            .flatten()
            .map(|f| Arc::new(Watched::new(f)));
        Ok(Store {
            pool,
            backend,
            file,
        })
    }

    /// A transaction that will write: on SQLite it takes the write lock at once, so that a
    /// second writer waits (`busy_timeout`) instead of failing when it upgrades from reading.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// A transaction that reads a consistent snapshot across several queries (a plan being
    /// replaced meanwhile is read whole, before or after).
    pub(crate) async fn begin_read(&self) -> Result<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin().await?,
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool, waiting for the connections in use.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A SQLite pragma's value, for tests and diagnostics (`journal_mode`, `foreign_keys`).
    pub async fn sqlite_pragma(&self, name: &str) -> Result<String> {
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(StoreError::Invalid(format!("pragma name {name:?}")));
        }
        let sql = format!("SELECT CAST({name} AS TEXT) FROM pragma_{name}");
        let row: (String,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_one(&self.pool)
            .await?;
        Ok(row.0)
    }

    /// The plans in the database, by entity and year.
    pub async fn plans(&self) -> Result<Vec<PlanSummary>> {
        // By id (entity slug, then year): the same order on every backend and locale.
        let rows: Vec<(String, String, i64, String, i64, String)> = sqlx::query_as(
            "SELECT p.slug, e.name, p.year, p.title, p.revision, p.state \
             FROM plan p JOIN entity e ON e.id = p.entity_id ORDER BY p.slug",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, entity, year, title, revision, state)| {
                Ok(PlanSummary {
                    id: crate::text::plan_id(id)?,
                    entity,
                    year: crate::text::narrow("plan.year", year)?,
                    title,
                    revision,
                    state: crate::text::state(&state)?,
                })
            })
            .collect()
    }

    /// The slugs of the administrations that have plans here.
    pub async fn entities(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT slug FROM entity ORDER BY slug")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|(s,)| s).collect())
    }

    /// The name administration `slug` goes by, if it has plans here.
    pub async fn entity_name(&self, slug: &str) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT name FROM entity WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(n,)| n))
    }

    /// The revision of a plan: it grows each time the plan is replaced.
    pub async fn revision(&self, plan_id: &PlanId) -> Result<i64> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT revision FROM plan WHERE slug = $1")
            .bind(plan_id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.0)
            .ok_or_else(|| StoreError::NotFound(format!("plan {plan_id}")))
    }
}

/// The file a SQLite URL names (`sqlite://path?…`, `sqlite:path`); none in memory.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next()?;
    (!path.is_empty() && !path.starts_with(":memory:") && !url.contains("mode=memory"))
        .then(|| std::path::PathBuf::from(path))
}

impl Store {
    /// The mark of the database's files now, when it is a SQLite file: equal marks mean no
    /// commit, by any process, came between (no query; see [`ChangeMark`]). `None` on
    /// PostgreSQL: ask the database.
    pub fn change_mark(&self) -> Option<ChangeMark> {
        self.file.as_ref()?.mark()
    }

    /// Marks this database as a demonstration's: its data are not an administration's.
    pub async fn mark_demo(&self) -> Result<()> {
        sqlx::query(
            "INSERT INTO installation (key, value) VALUES ('demo', '1') \
             ON CONFLICT (key) DO UPDATE SET value = '1'",
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// An administration's setting (`{name}:{slug}` in `installation`), if it has one.
    async fn entity_setting(&self, name: &str, slug: &str) -> Result<Option<String>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT value FROM installation WHERE key = $1")
                .bind(format!("{name}:{slug}"))
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(v,)| v))
    }

    /// An administration's setting written (`None`: removed), with its audit entry: `shown`
    /// says what the entry keeps of a value (before and after).
    async fn set_entity_setting(
        &self,
        (name, action): (&str, AuditAction),
        slug: &str,
        value: Option<&str>,
        shown: impl Fn(&str) -> serde_json::Value,
        stamp: &Stamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let key = format!("{name}:{slug}");
        let before: Option<(String,)> =
            sqlx::query_as("SELECT value FROM installation WHERE key = $1")
                .bind(&key)
                .fetch_optional(&mut *tx)
                .await?;
        match value {
            Some(value) => {
                sqlx::query(
                    "INSERT INTO installation (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(&key)
                .bind(value)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM installation WHERE key = $1")
                    .bind(&key)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let change = crate::audit::Change::entity(action, slug)
            .before(before.map(|(v,)| shown(&v)))
            .after(value.map(&shown));
        self.audited(tx, stamp, change).await
    }

    /// The licence administration `slug` chose for its open data (its id), if it chose one.
    pub async fn entity_licence(&self, slug: &str) -> Result<Option<String>> {
        self.entity_setting("licence", slug).await
    }

    /// Administration `slug`'s open data under licence `licence` (an id), with its audit entry.
    pub async fn set_entity_licence(&self, slug: &str, licence: &str, stamp: &Stamp) -> Result<()> {
        let shown = |v: &str| serde_json::json!({ "licenza": v });
        let setting = ("licence", AuditAction::EntityLicence);
        self.set_entity_setting(setting, slug, Some(licence), shown, stamp)
            .await
    }

    /// Administration `slug`'s emblem (a PNG), if it uploaded one.
    pub async fn entity_emblem(&self, slug: &str) -> Result<Option<Vec<u8>>> {
        use base64::Engine;
        let kept = self.entity_setting("emblem", slug).await?;
        Ok(kept.and_then(|v| base64::engine::general_purpose::STANDARD.decode(v).ok()))
    }

    /// Administration `slug`'s emblem replaced by `png` (`None`: removed), with its audit entry
    /// (the picture's size and fingerprint, not the picture).
    pub async fn set_entity_emblem(
        &self,
        slug: &str,
        png: Option<&[u8]>,
        stamp: &Stamp,
    ) -> Result<()> {
        use base64::Engine;
        use sha2::{Digest, Sha256};
        let engine = base64::engine::general_purpose::STANDARD;
        let shown = |v: &str| {
            let png = engine.decode(v).unwrap_or_default();
            serde_json::json!({ "stemma": { "byte": png.len(), "sha256": hex::encode(Sha256::digest(&png)) } })
        };
        let value = png.map(|p| engine.encode(p));
        let setting = ("emblem", AuditAction::EntityEmblem);
        self.set_entity_setting(setting, slug, value.as_deref(), shown, stamp)
            .await
    }

    /// Whether this database holds a demonstration's data.
    pub async fn is_demo(&self) -> Result<bool> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT value FROM installation WHERE key = 'demo'")
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.is_some_and(|(v,)| v == "1"))
    }
}

#[cfg(test)]
mod tests {
    use super::{database_url, sqlite_file};

    #[test]
    fn sqlite_files_are_created_whichever_way_they_are_named() {
        let cases = [
            ("pegaso.db", "sqlite://pegaso.db?mode=rwc"),
            (
                "sqlite:///srv/pegaso.db",
                "sqlite:///srv/pegaso.db?mode=rwc",
            ),
            ("sqlite:pegaso.db", "sqlite:pegaso.db?mode=rwc"),
            (
                "sqlite://a.db?cache=shared",
                "sqlite://a.db?cache=shared&mode=rwc",
            ),
            ("sqlite://a.db?mode=ro", "sqlite://a.db?mode=ro"),
            ("sqlite::memory:", "sqlite::memory:"),
            ("postgres://u:p@h/db", "postgres://u:p@h/db"),
        ];
        for (value, url) in cases {
            assert_eq!(database_url(value), url, "{value}");
        }
    }

    #[test]
    fn the_file_of_a_sqlite_url() {
        let file = |u: &str| sqlite_file(u).map(|p| p.display().to_string());
        assert_eq!(
            file("sqlite:///srv/p.db?mode=rwc").as_deref(),
            Some("/srv/p.db")
        );
        assert_eq!(file("sqlite://p.db?mode=rwc").as_deref(), Some("p.db"));
        assert_eq!(file("sqlite:p.db").as_deref(), Some("p.db"));
        assert_eq!(file("sqlite::memory:"), None);
        assert_eq!(file("postgres://h/db"), None);
    }
}
