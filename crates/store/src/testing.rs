//! Fresh databases for tests: a SQLite file in a temporary folder always, and a new
//! PostgreSQL database when `PEGASO_TEST_DATABASE_URL` names a server (its role may create
//! databases).

use std::sync::atomic::{AtomicU32, Ordering};

use domain::PlanId;
use sqlx::Connection;

/// A database made for one test; the SQLite folder goes away with it.
#[derive(Debug)]
pub struct TestDatabase {
    /// `sqlite` or `postgres`, for messages.
    pub backend: &'static str,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// The environment variable that names the PostgreSQL server for tests.
pub const POSTGRES_ENV: &str = "PEGASO_TEST_DATABASE_URL";

/// A fresh SQLite database and, when the environment names one, a fresh PostgreSQL one.
///
/// # Panics
/// When a temporary folder or the PostgreSQL database cannot be made: the test cannot run.
#[allow(clippy::expect_used, clippy::print_stderr)]
pub async fn fresh_databases() -> Vec<TestDatabase> {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("pegaso.db").display()
    );
    let mut all = vec![TestDatabase {
        backend: "sqlite",
        url,
        _dir: Some(dir),
    }];
    match std::env::var(POSTGRES_ENV) {
        Ok(server) if !server.is_empty() => all.push(fresh_postgres(&server).await),
        _ => eprintln!("SKIPPED on PostgreSQL: set {POSTGRES_ENV} to run this test there too"),
    }
    all
}

/// A fresh SQLite database in its own temporary folder.
///
/// # Panics
/// When the temporary folder cannot be made.
#[allow(clippy::expect_used)]
pub fn fresh_sqlite() -> TestDatabase {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("pegaso.db").display()
    );
    TestDatabase {
        backend: "sqlite",
        url,
        _dir: Some(dir),
    }
}

#[allow(clippy::expect_used)]
async fn fresh_postgres(server: &str) -> TestDatabase {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "pegaso_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = sqlx::PgConnection::connect(server)
        .await
        .expect("connect to PEGASO_TEST_DATABASE_URL");
    // The databases of earlier test processes are dropped once, by the first test here: those
    // of processes that are gone (another test process running now keeps its own).
    static TIDIED: std::sync::Once = std::sync::Once::new();
    let mut tidy = false;
    TIDIED.call_once(|| tidy = true);
    if tidy {
        let mine = format!("pegaso\\_test\\_{}\\_%", std::process::id());
        let old: Vec<(String,)> = sqlx::query_as(
            "SELECT datname FROM pg_database WHERE datname LIKE 'pegaso\\_test\\_%' AND datname NOT LIKE $1",
        )
        .bind(mine)
        .fetch_all(&mut conn)
        .await
        .unwrap_or_default();
        let alive = |name: &str| {
            name.strip_prefix("pegaso_test_")
                .and_then(|rest| rest.split('_').next())
                .is_some_and(|pid| std::path::Path::new("/proc").join(pid).exists())
        };
        for (name,) in old.into_iter().filter(|(n,)| !alive(n)) {
            let sql = format!("DROP DATABASE IF EXISTS \"{name}\"");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut conn)
                .await
                .ok();
        }
    }
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
            .expect("create a test database");
    }
    let base = match server.rfind('/') {
        Some(i) if i > "postgres://".len() => &server[..i],
        _ => server,
    };
    TestDatabase {
        backend: "postgres",
        url: format!("{base}/{name}"),
        _dir: None,
    }
}

/// The stamp of a change made by `actor` at a fixed instant (tests do not read the clock).
pub fn stamp(actor: &str) -> crate::Stamp {
    crate::Stamp {
        actor: actor.into(),
        at: chrono::DateTime::from_timestamp(1_617_267_600, 0).unwrap_or_default(),
    }
}

/// An account with a username, a name and these roles: no administration, units or password.
#[allow(clippy::expect_used)]
pub fn person(username: &str, name: &str, roles: &[domain::Role]) -> crate::NewPerson {
    crate::NewPerson {
        username: domain::Username::parse(username).expect("a test's username"),
        name: name.into(),
        entity: None,
        roles: roles.to_vec(),
        units: vec![],
        password_hash: None,
    }
}

/// The whole audit log.
///
/// # Panics
/// When it cannot be read.
#[allow(clippy::expect_used)]
pub async fn audit_log(store: &crate::Store) -> Vec<domain::audit::Entry> {
    store
        .audit_log(&crate::AuditFilter::default())
        .await
        .expect("the audit log")
}

/// Records these acts on `plan` in turn, with no details, as `actor`.
///
/// # Panics
/// When one is refused.
#[allow(clippy::expect_used)]
pub async fn record_acts(
    store: &crate::Store,
    plan: &PlanId,
    acts: &[(domain::PlanState, &str, domain::PlanState)],
    actor: &str,
) {
    for &(from, kind, to) in acts {
        let kind = domain::ActKind::parse(kind).expect("an act's name");
        store
            .record_act(plan, kind, from, to, serde_json::json!({}), &stamp(actor))
            .await
            .expect("the act recorded");
    }
}

/// The string at `pointer` (`/code`, `/location/path`) in each item of the JSON array `list`.
///
/// # Panics
/// When `list` is not an array or an item has no string there.
#[allow(clippy::expect_used)]
pub fn strings<'a>(list: &'a serde_json::Value, pointer: &str) -> Vec<&'a str> {
    list.as_array()
        .expect("a JSON array")
        .iter()
        .map(|item| {
            item.pointer(pointer)
                .and_then(serde_json::Value::as_str)
                .expect("a string")
        })
        .collect()
}

impl crate::Store {
    /// Runs raw SQL against the database, as someone with direct access to it would: for
    /// tests that tamper with what the application protects.
    pub async fn execute_raw(&self, sql: &str) -> crate::error::Result<u64> {
        Ok(sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}
