//! People: accounts with their roles and units, their sessions, their API tokens and the
//! failed logins that rate-limit them. Passwords arrive hashed; secrets arrive as SHA-256.

use chrono::{DateTime, Utc};
use domain::limits::{self, Field};
use domain::{Role, UnitId};
use serde::Serialize;
use sqlx::{Any, Transaction};

use crate::audit::{Change, Stamp, timestamp};
use crate::error::Result;
use crate::{Store, StoreError};
use domain::audit::AuditAction;

/// An account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    #[serde(skip)]
    pub id: i64,
    pub username: String,
    /// Full name, as the plan writes heads (titles do not matter).
    pub name: String,
    /// The administration (entity slug) the person works for; `None`: every one.
    pub entity: Option<String>,
    pub roles: Vec<Role>,
    /// Units the person is a member of.
    pub units: Vec<UnitId>,
    pub disabled: bool,
    /// Whether a password is set (people of another provider have none).
    #[serde(skip)]
    pub password_hash: Option<String>,
    /// Where reminders go, when set.
    pub email: Option<String>,
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub username: String,
    pub name: String,
    pub entity: Option<String>,
    pub roles: Vec<Role>,
    pub units: Vec<UnitId>,
    pub password_hash: Option<String>,
}

/// A session found by its secret.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub person: Person,
    pub csrf: String,
    pub created_at: String,
    pub last_seen: String,
    /// When it ends unless moved on (its idle deadline).
    pub expires_at: String,
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: i64,
    username: String,
    name: String,
    entity_slug: Option<String>,
    password_hash: Option<String>,
    roles: String,
    disabled: i64,
    email: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SessionJoin {
    #[sqlx(flatten)]
    person: PersonRow,
    csrf: String,
    created_at: String,
    last_seen: String,
    expires_at: String,
}

const PERSON: &str =
    "p.id, p.username, p.name, p.entity_slug, p.password_hash, p.roles, p.disabled, p.email";

fn roles_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An address that can take mail: one `@`, something on each side, no spaces or controls.
fn email_ok(e: &str) -> bool {
    let mut parts = e.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    e.len() <= Field::Email.max_chars()
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
}

impl Store {
    async fn finish(&self, rows: Vec<PersonRow>) -> Result<Vec<Person>> {
        let mut people = Vec::with_capacity(rows.len());
        for r in rows {
            let roles = r
                .roles
                .split_whitespace()
                .map(|s| Role::parse(s).ok_or_else(|| StoreError::Corrupt(format!("role {s:?}"))))
                .collect::<Result<Vec<_>>>()?;
            let units: Vec<(String,)> = sqlx::query_as(
                "SELECT unit_slug FROM person_unit WHERE person_id = $1 ORDER BY unit_slug",
            )
            .bind(r.id)
            .fetch_all(&self.pool)
            .await?;
            let units = units
                .into_iter()
                .map(|(u,)| {
                    UnitId::parse(&u).map_err(|_| StoreError::Corrupt(format!("unit {u:?}")))
                })
                .collect::<Result<Vec<_>>>()?;
            people.push(Person {
                id: r.id,
                username: r.username,
                name: r.name,
                entity: r.entity_slug,
                roles,
                units,
                disabled: r.disabled != 0,
                password_hash: r.password_hash,
                email: r.email,
            });
        }
        Ok(people)
    }

    /// Sets (or, with `None`, removes) the e-mail address reminders go to.
    pub async fn set_email(
        &self,
        username: &str,
        email: Option<&str>,
        stamp: &Stamp,
    ) -> Result<()> {
        if let Some(e) = email
            && !email_ok(e)
        {
            return Err(StoreError::Invalid(format!("e-mail address {e:?}")));
        }
        let mut tx = self.begin_write().await?;
        let before: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT username, email FROM person WHERE lower(username) = lower($1)")
                .bind(username)
                .fetch_optional(&mut *tx)
                .await?;
        // The history names the account as stored, whatever case it was asked by.
        let (username, before) =
            before.ok_or_else(|| StoreError::NotFound(format!("person {username}")))?;
        sqlx::query("UPDATE person SET email = $1 WHERE username = $2")
            .bind(email)
            .bind(&username)
            .execute(&mut *tx)
            .await?;
        self.audited(
            tx,
            stamp,
            Change::person(
                AuditAction::PersonEmail,
                &username,
                Some(serde_json::json!({ "email": before })),
                Some(serde_json::json!({ "email": email })),
            ),
        )
        .await
    }

    /// Gives `username` a calendar feed whose secret hashes to `hash` (replacing the one they
    /// had), or, with `None`, takes it away.
    pub async fn set_calendar_feed(
        &self,
        username: &str,
        hash: Option<&str>,
        stamp: &Stamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let person: Option<(i64, String)> =
            sqlx::query_as("SELECT id, username FROM person WHERE lower(username) = lower($1)")
                .bind(username)
                .fetch_optional(&mut *tx)
                .await?;
        let (id, username) =
            person.ok_or_else(|| StoreError::NotFound(format!("person {username}")))?;
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
        self.audited(
            tx,
            stamp,
            Change::person(
                if hash.is_some() {
                    AuditAction::PersonCalendar
                } else {
                    AuditAction::PersonCalendarRevoke
                },
                &username,
                None,
                None,
            ),
        )
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

    /// Every account, by username.
    pub async fn people(&self) -> Result<Vec<Person>> {
        let sql = format!("SELECT {PERSON} FROM person p ORDER BY p.username");
        let rows: Vec<PersonRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        self.finish(rows).await
    }

    /// The account with this username.
    pub async fn person(&self, username: &str) -> Result<Person> {
        let sql = format!("SELECT {PERSON} FROM person p WHERE lower(p.username) = lower($1)");
        let rows: Vec<PersonRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(username)
            .fetch_all(&self.pool)
            .await?;
        self.finish(rows)
            .await?
            .pop()
            .ok_or_else(|| StoreError::NotFound(format!("person {username}")))
    }

    /// Creates an account; a username in use is a conflict.
    pub async fn add_person(&self, new: &NewPerson, stamp: &Stamp) -> Result<Person> {
        if !limits::username_ok(&new.username) {
            return Err(StoreError::Invalid(format!("username {:?}", new.username)));
        }
        // Cleaned as every text is (the command line does not pass through the pages).
        let name = limits::required(Field::PersonName, &new.name)
            .map_err(|_| StoreError::Invalid("empty or overlong name".into()))?;
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO person (username, name, entity_slug, password_hash, roles, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&new.username)
        .bind(name.as_str())
        .bind(&new.entity)
        .bind(&new.password_hash)
        .bind(roles_text(&new.roles))
        .bind(stamp.text())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(format!("username {} in use", new.username))
            }
            _ => StoreError::Database(e),
        })?;
        for unit in &new.units {
            sqlx::query(
                "INSERT INTO person_unit (person_id, unit_slug) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(unit.as_str())
            .execute(&mut *tx)
            .await?;
        }
        let after = serde_json::json!({
            "username": new.username, "name": name.as_str(), "entity": new.entity,
            "roles": new.roles, "units": new.units,
        });
        self.audited(
            tx,
            stamp,
            Change::person(AuditAction::PersonAdd, &new.username, None, Some(after)),
        )
        .await?;
        self.person(&new.username).await
    }

    /// Disables or enables an account; disabling ends its sessions and revokes its tokens.
    pub async fn set_disabled(&self, username: &str, disabled: bool, stamp: &Stamp) -> Result<()> {
        let person = self.person(username).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE person SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(person.id)
            .execute(&mut *tx)
            .await?;
        if disabled {
            end_access(&mut tx, person.id, stamp).await?;
        }
        self.audited(
            tx,
            stamp,
            Change::person(
                if disabled {
                    AuditAction::PersonDisable
                } else {
                    AuditAction::PersonEnable
                },
                &person.username,
                Some(serde_json::json!({ "disabled": person.disabled })),
                Some(serde_json::json!({ "disabled": disabled })),
            ),
        )
        .await
    }

    /// Sets a new password hash and ends the account's sessions, API tokens and trusted
    /// browsers.
    pub async fn set_password(&self, username: &str, hash: &str, stamp: &Stamp) -> Result<()> {
        let person = self.person(username).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE person SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(person.id)
            .execute(&mut *tx)
            .await?;
        // A new password ends every way in the old one opened: sessions, tokens, trust.
        end_access(&mut tx, person.id, stamp).await?;
        self.audited(
            tx,
            stamp,
            Change::person(
                AuditAction::PersonResetPassword,
                &person.username,
                None,
                None,
            ),
        )
        .await
    }

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
        self.audited(
            tx,
            stamp,
            Change::person(AuditAction::SessionOpen, &person.username, None, None),
        )
        .await
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
        self.audited(
            tx,
            stamp,
            Change::person(AuditAction::SessionClose, &person.username, None, None),
        )
        .await
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
        self.audited(
            tx,
            stamp,
            Change::person(
                AuditAction::TokenAdd,
                &person.username,
                None,
                Some(serde_json::json!({ "token": id, "name": name })),
            ),
        )
        .await?;
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
        .await?
        .rows_affected();
        if done == 0 {
            return Err(StoreError::NotFound(format!(
                "live token {id} of {username}"
            )));
        }
        self.audited(
            tx,
            stamp,
            Change::person(
                AuditAction::TokenRevoke,
                &person.username,
                None,
                Some(serde_json::json!({ "token": id })),
            ),
        )
        .await
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

    /// Forgets an attempt that was not a failed guess (refused for the limit, or sent on to an
    /// outside service), so that it does not extend a lock.
    pub async fn forget_login_attempt(&self, attempt: &[i64]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for id in attempt {
            sqlx::query("DELETE FROM login_failure WHERE id = $1")
                .bind(*id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
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
        for id in attempt {
            sqlx::query("DELETE FROM login_failure WHERE id = $1")
                .bind(*id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Ends every session, token and trusted browser of a person.
async fn end_access(tx: &mut Transaction<'static, Any>, person: i64, stamp: &Stamp) -> Result<()> {
    for table in ["session", "trusted_device"] {
        let sql = format!("DELETE FROM {table} WHERE person_id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(person)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("UPDATE api_token SET revoked_at = $1 WHERE person_id = $2 AND revoked_at IS NULL")
        .bind(stamp.text())
        .bind(person)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
