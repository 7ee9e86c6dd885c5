//! Ways in for people: sessions, browsers trusted after a sign-in, and the failed sign-ins
//! that rate-limit them. Secrets arrive as SHA-256.

use chrono::{DateTime, Utc};
use sqlx::{Any, Transaction};

use super::{PERSON, SessionJoin, SessionRow};
use crate::audit::{Change, Stamp, timestamp};
use crate::error::Result;
use crate::{Person, Store};
use domain::audit::AuditAction;

impl Store {
    /// Opens a session for `person`; the cookie's secret is stored only as its hash.
    pub async fn open_session(
        &self,
        person: &Person,
        token_hash: &str,
        csrf: &str,
        expires_at: DateTime<Utc>,
        stamp: &Stamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let now = stamp.text();
        // Expired sessions go when someone signs in: no sweeper to run.
        sqlx::query("DELETE FROM session WHERE expires_at < $1")
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO session (token_hash, person_id, csrf, created_at, last_seen, expires_at) \
             VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(token_hash)
        .bind(person.id)
        .bind(csrf)
        .bind(&now)
        .bind(timestamp(expires_at))
        .execute(&mut *tx)
        .await?;
        let change = Change::person(AuditAction::SessionOpen, person.username.as_str());
        self.audited(tx, stamp, change).await
    }

    /// The live session with this secret hash, with its (enabled) person.
    pub async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRow>> {
        let sql = format!(
            "SELECT {PERSON}, s.csrf, s.created_at, s.last_seen, s.expires_at FROM session s \
             JOIN person p ON p.id = s.person_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND p.disabled = 0"
        );
        let row: Option<SessionJoin> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .bind(timestamp(now))
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let person = self.finish(vec![row.person]).await?.pop();
        Ok(person.map(|person| SessionRow {
            person,
            csrf: row.csrf,
            created_at: row.created_at,
            last_seen: row.last_seen,
            expires_at: row.expires_at,
        }))
    }

    /// Moves a session's idle deadline on.
    pub async fn touch_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query("UPDATE session SET last_seen = $1, expires_at = $2 WHERE token_hash = $3")
            .bind(timestamp(now))
            .bind(timestamp(expires_at))
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends a session (sign-out), on the record.
    pub async fn close_session(
        &self,
        person: &Person,
        token_hash: &str,
        stamp: &Stamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM session WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        let change = Change::person(AuditAction::SessionClose, person.username.as_str());
        self.audited(tx, stamp, change).await
    }

    /// Trusts the browser whose cookie secret hashes to `token_hash` for `person` until
    /// `expires_at` (expired ones go at the same time).
    pub async fn trust_device(
        &self,
        person: &Person,
        token_hash: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM trusted_device WHERE expires_at < $1")
            .bind(timestamp(at))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO trusted_device (token_hash, person_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (token_hash) DO NOTHING",
        )
        .bind(token_hash)
        .bind(person.id)
        .bind(timestamp(at))
        .bind(timestamp(expires_at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether the browser with this cookie hash is trusted for `username` at `at`.
    pub async fn device_trusted(
        &self,
        token_hash: &str,
        username: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT d.person_id FROM trusted_device d JOIN person p ON p.id = d.person_id \
             WHERE d.token_hash = $1 AND lower(p.username) = lower($2) AND d.expires_at > $3",
        )
        .bind(token_hash)
        .bind(username)
        .bind(timestamp(at))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// Stops trusting a browser (too many failures through it).
    pub async fn forget_device(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM trusted_device WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a login attempt under each key (account, address) before it is checked, so
    /// that parallel attempts count each other; a successful one is forgotten afterwards.
    /// Returns the rows made.
    pub async fn login_attempt(
        &self,
        keys: &[&str],
        at: DateTime<Utc>,
        stale: DateTime<Utc>,
    ) -> Result<Vec<i64>> {
        let mut tx = self.begin_write().await?;
        // Attempts older than the window count no more: the table holds one window at most.
        sqlx::query("DELETE FROM login_failure WHERE at < $1")
            .bind(timestamp(stale))
            .execute(&mut *tx)
            .await?;
        let mut ids = Vec::with_capacity(keys.len());
        for key in keys {
            let (id,): (i64,) =
                sqlx::query_as("INSERT INTO login_failure (key, at) VALUES ($1, $2) RETURNING id")
                    .bind(*key)
                    .bind(timestamp(at))
                    .fetch_one(&mut *tx)
                    .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Failed logins under `key` since `since`.
    pub async fn login_failures(&self, key: &str, since: DateTime<Utc>) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM login_failure WHERE key = $1 AND at > $2")
                .bind(key)
                .bind(timestamp(since))
                .fetch_one(&self.pool)
                .await?;
        Ok(n)
    }

    /// After a successful login: forgets the failures under `keys` (this account from this
    /// address or browser) and this attempt's rows.
    pub async fn login_succeeded(&self, keys: &[&str], attempt: &[i64]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for key in keys {
            sqlx::query("DELETE FROM login_failure WHERE key = $1")
                .bind(*key)
                .execute(&mut *tx)
                .await?;
        }
        forget(&mut tx, attempt).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets an attempt that was not a failed guess (refused for the limit, or sent on to an
    /// outside service), so that it does not extend a lock.
    pub async fn forget_login_attempt(&self, attempt: &[i64]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        forget(&mut tx, attempt).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Deletes the rows of a login attempt.
async fn forget(tx: &mut Transaction<'static, Any>, attempt: &[i64]) -> Result<()> {
    for id in attempt {
        sqlx::query("DELETE FROM login_failure WHERE id = $1")
            .bind(*id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
