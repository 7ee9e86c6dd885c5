//! People: accounts with their roles, units and e-mail addresses (`sessions`: how they sign
//! in; `tokens`: API tokens and calendar feeds). Passwords arrive hashed.

mod sessions;
mod tokens;

use domain::limits::{self, Field};
use domain::{Email, Role, UnitId, Username};
use serde::Serialize;
use sqlx::{Any, Transaction};

use crate::audit::{Change, Stamp};
use crate::error::Result;
use crate::{Store, StoreError};
use domain::audit::AuditAction;

/// An account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    #[serde(skip)]
    pub id: i64,
    pub username: Username,
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
    pub email: Option<Email>,
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub username: Username,
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
                username: crate::text::parsed("person.username", &r.username, Username::parse)?,
                name: r.name,
                entity: r.entity_slug,
                roles,
                units,
                disabled: r.disabled != 0,
                password_hash: r.password_hash,
                email: r
                    .email
                    .map(|e| Email::parse(&e))
                    .transpose()
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            });
        }
        Ok(people)
    }

    /// Sets (or, with `None`, removes) the e-mail address reminders go to.
    pub async fn set_email(
        &self,
        username: &str,
        email: Option<&Email>,
        stamp: &Stamp,
    ) -> Result<()> {
        let email = email.map(Email::as_str);
        let mut tx = self.begin_write().await?;
        let (_, username, before) = account(&mut tx, username).await?;
        sqlx::query("UPDATE person SET email = $1 WHERE username = $2")
            .bind(email)
            .bind(&username)
            .execute(&mut *tx)
            .await?;
        let change = Change::person(AuditAction::PersonEmail, &username)
            .before(serde_json::json!({ "email": before }))
            .after(serde_json::json!({ "email": email }));
        self.audited(tx, stamp, change).await
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
        // Cleaned as every text is (the command line does not pass through the pages).
        let name = limits::required(Field::PersonName, &new.name)
            .map_err(|_| StoreError::Invalid("empty or overlong name".into()))?;
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO person (username, name, entity_slug, password_hash, roles, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(new.username.as_str())
        .bind(name.as_str())
        .bind(&new.entity)
        .bind(&new.password_hash)
        .bind(roles_text(&new.roles))
        .bind(stamp.text())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            StoreError::or_duplicate(e, || {
                StoreError::Conflict(format!("username {} in use", new.username))
            })
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
        let change = Change::person(AuditAction::PersonAdd, new.username.as_str()).after(after);
        self.audited(tx, stamp, change).await?;
        self.person(new.username.as_str()).await
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
        let action = if disabled {
            AuditAction::PersonDisable
        } else {
            AuditAction::PersonEnable
        };
        let change = Change::person(action, person.username.as_str())
            .before(serde_json::json!({ "disabled": person.disabled }))
            .after(serde_json::json!({ "disabled": disabled }));
        self.audited(tx, stamp, change).await
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
        let change = Change::person(AuditAction::PersonResetPassword, person.username.as_str());
        self.audited(tx, stamp, change).await
    }
}

/// Account `username`, read in `tx`: its id, its username as stored (the history names it so,
/// whatever case it was asked by) and its e-mail address.
async fn account(
    tx: &mut Transaction<'static, Any>,
    username: &str,
) -> Result<(i64, String, Option<String>)> {
    sqlx::query_as("SELECT id, username, email FROM person WHERE lower(username) = lower($1)")
        .bind(username)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("person {username}")))
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
