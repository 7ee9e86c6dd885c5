//! Ways in for programs: API tokens and calendar feeds, each a secret kept as its SHA-256.

use super::{PERSON, PersonRow, TokenInfo, account};
use crate::audit::{Change, Stamp};
use crate::error::Result;
use crate::{Person, Store, StoreError};
use domain::audit::AuditAction;

impl Store {
    /// Gives `username` a calendar feed whose secret hashes to `hash` (replacing the one they
    /// had), or, with `None`, takes it away.
    pub async fn set_calendar_feed(
        &self,
        username: &str,
        hash: Option<&str>,
        stamp: &Stamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let (id, username, _) = account(&mut tx, username).await?;
        let removed = sqlx::query("DELETE FROM calendar_feed WHERE person_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if let Some(hash) = hash {
            sqlx::query(
                "INSERT INTO calendar_feed (person_id, token_hash, created_at) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(hash)
            .bind(stamp.text())
            .execute(&mut *tx)
            .await?;
        } else if removed == 0 {
            return Err(StoreError::Conflict(format!(
                "{username} has no calendar feed"
            )));
        }
        let action = if hash.is_some() {
            AuditAction::PersonCalendar
        } else {
            AuditAction::PersonCalendarRevoke
        };
        self.audited(tx, stamp, Change::person(action, &username))
            .await
    }

    /// Whether `username` has a calendar feed.
    pub async fn has_calendar_feed(&self, username: &str) -> Result<bool> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT f.person_id FROM calendar_feed f JOIN person p ON p.id = f.person_id \
             WHERE lower(p.username) = lower($1)",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// The enabled account whose calendar feed secret hashes to `hash`.
    pub async fn calendar_feed_person(&self, hash: &str) -> Result<Option<Person>> {
        let sql = format!(
            "SELECT {PERSON} FROM person p JOIN calendar_feed f ON f.person_id = p.id \
             WHERE f.token_hash = $1 AND p.disabled = 0"
        );
        let rows: Vec<PersonRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(hash)
            .fetch_all(&self.pool)
            .await?;
        Ok(self.finish(rows).await?.pop())
    }

    /// Makes an API token for `username`; the secret is stored only as its hash.
    pub async fn add_token(
        &self,
        username: &str,
        name: &str,
        token_hash: &str,
        stamp: &Stamp,
    ) -> Result<i64> {
        let person = self.person(username).await?;
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO api_token (person_id, name, token_hash, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(person.id)
        .bind(name)
        .bind(token_hash)
        .bind(stamp.text())
        .fetch_one(&mut *tx)
        .await?;
        let change = Change::person(AuditAction::TokenAdd, person.username.as_str())
            .after(serde_json::json!({ "token": id, "name": name }));
        self.audited(tx, stamp, change).await?;
        Ok(id)
    }

    /// Revokes a token of `username`.
    pub async fn revoke_token(&self, username: &str, id: i64, stamp: &Stamp) -> Result<()> {
        let person = self.person(username).await?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE api_token SET revoked_at = $1 WHERE id = $2 AND person_id = $3 AND revoked_at IS NULL",
        )
        .bind(stamp.text())
        .bind(id)
        .bind(person.id)
        .execute(&mut *tx)
        .await?;
        StoreError::changed_or(done, || {
            StoreError::NotFound(format!("live token {id} of {username}"))
        })?;
        let change = Change::person(AuditAction::TokenRevoke, person.username.as_str())
            .after(serde_json::json!({ "token": id }));
        self.audited(tx, stamp, change).await
    }

    /// The tokens of `username`, newest first.
    pub async fn tokens(&self, username: &str) -> Result<Vec<TokenInfo>> {
        let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
            "SELECT t.id, t.name, t.created_at, t.revoked_at FROM api_token t \
             JOIN person p ON p.id = t.person_id WHERE lower(p.username) = lower($1) ORDER BY t.id DESC",
        )
        .bind(username)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, created_at, revoked_at)| TokenInfo {
                id,
                name,
                created_at,
                revoked_at,
            })
            .collect())
    }

    /// The enabled person a live token belongs to.
    pub async fn token_person(&self, token_hash: &str) -> Result<Option<Person>> {
        let sql = format!(
            "SELECT {PERSON} FROM api_token t JOIN person p ON p.id = t.person_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND p.disabled = 0"
        );
        let rows: Vec<PersonRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .fetch_all(&self.pool)
            .await?;
        Ok(self.finish(rows).await?.pop())
    }
}
