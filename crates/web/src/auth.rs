//! Who is asking: sessions for people (a cookie naming a server-side session), tokens for
//! machines (`Authorization: Bearer`), CSRF tokens for every form, and how a person becomes
//! the `domain::Actor` of a plan.

mod hasher;
mod provider;
mod secrets;

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use chrono::{DateTime, Duration};
use domain::Actor;
use store::{Person, Stamp};

pub use domain::signin::Throttle;
pub use hasher::{Busy, HashLimits, Hasher};
pub use provider::{Attempt, AuthProvider, BoxFuture, LoginForm, PasswordProvider, SignIn};
pub use secrets::{hash_password, new_secret, new_token, same, secret_hash, verify_password};

use crate::cache::PlanView;
use crate::error::{AppError, Problem};
use crate::{AppState, now};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "pegaso_session";
/// The login form's double-submit cookie (there is no session yet to hold its CSRF token).
pub const LOGIN_COOKIE: &str = "pegaso_login";
/// A browser the person signed in from before: it answers for its own failures only.
pub const DEVICE_COOKIE: &str = "pegaso_device";

/// The trusted-browser cookie's name for account `account` (lower-cased): one per account, so
/// that people sharing a browser each keep their own.
pub fn device_cookie(account: &str) -> String {
    let digest = secret_hash(&account.to_ascii_lowercase());
    format!("{DEVICE_COOKIE}_{}", &digest[..16])
}

/// How long sessions live, how hard sign-ins are held back, and where the site is reached.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Cookies carry `Secure` (the site is served over HTTPS).
    pub cookie_secure: bool,
    /// Requests come through a reverse proxy of ours: the client's address is the last one
    /// the proxy adds to `X-Forwarded-For`.
    pub behind_proxy: bool,
    /// A session ends after this long without a request…
    pub session_idle: Duration,
    /// …and this long after sign-in in any case.
    pub session_max: Duration,
    /// Failed sign-ins held back per account, address and trusted browser.
    pub throttle: Throttle,
    /// How long a browser stays trusted after a sign-in.
    pub device_lifetime: Duration,
    /// Password checks at once, and waiting.
    pub hashing: HashLimits,
    /// The address people reach the site at (`https://pegaso.comune.example.it`), for the
    /// links the site gives out, such as calendar feeds; never taken from a request's `Host`.
    pub public_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cookie_secure: true,
            behind_proxy: false,
            session_idle: Duration::minutes(30),
            session_max: Duration::hours(12),
            throttle: Throttle::default(),
            device_lifetime: Duration::days(365),
            hashing: HashLimits::default(),
            public_url: None,
        }
    }
}

/// A person's signed-in session, as a page sees it.
#[derive(Debug, Clone)]
pub struct Session {
    pub person: Person,
    /// The token every form of this session must carry.
    pub csrf: String,
    pub(crate) token_hash: String,
}

/// The person asking for a page, if signed in, and whether the site shows demonstration data
/// (every page says so).
#[derive(Debug, Clone, Default)]
pub struct Viewer(pub Option<Session>, pub Demo);

/// Whether the database holds a demonstration's data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Demo(pub bool);

impl Viewer {
    pub fn person(&self) -> Option<&Person> {
        self.0.as_ref().map(|s| &s.person)
    }

    /// The CSRF token for this viewer's forms (empty when not signed in: their forms are
    /// refused anyway).
    pub fn csrf(&self) -> &str {
        self.0.as_ref().map_or("", |s| s.csrf.as_str())
    }

    /// The signed-in session, whose form carried its CSRF token; otherwise the refusal.
    pub fn checked(&self, csrf: &str) -> Result<&Session, AppError> {
        let session = self.0.as_ref().ok_or(AppError::SignIn)?;
        if same(&session.csrf, csrf) {
            Ok(session)
        } else {
            Err(AppError::Forbidden(
                "Il modulo è scaduto o non viene da questo sito: ricaricare la pagina e riprovare."
                    .into(),
            ))
        }
    }
}

/// A person as the actor of a plan: none for a plan of another administration.
pub fn actor(person: &Person, view: &PlanView) -> Option<Actor> {
    cycle::actor(person, view)
}

/// The stamp of a change made by `person` now.
pub fn stamp(person: &Person) -> Stamp {
    Stamp {
        actor: person.username.to_string(),
        at: now(),
    }
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value with the flags every cookie of ours carries.
pub fn set_cookie(
    settings: &Settings,
    name: &str,
    value: &str,
    path: &str,
    max_age: i64,
) -> String {
    let secure = if settings.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(viewer) = parts.extensions.get::<Viewer>() {
            return Ok(viewer.clone());
        }
        let session = match cookie(parts, SESSION_COOKIE) {
            Some(secret) => session(state, secret).await?,
            None => None,
        };
        let viewer = Viewer(session, Demo(state.demo));
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

/// Sessions read lately, by their secret's hash: a signed-in page needs no query to know who
/// asks. An entry is trusted only while the database has not changed since it was read (on a
/// SQLite file, its `ChangeMark`: any commit by any process, the command line's disabling an
/// account included, moves it; on PostgreSQL nothing is cached), for `FRESH` at
/// most, and never past its own deadlines. A session ended here (sign-out, an account
/// disabled) leaves the cache at once too.
#[derive(Debug, Default)]
pub struct SessionCache {
    entries: std::sync::Mutex<std::collections::HashMap<String, Cached>>,
}

type Cached = (store::SessionRow, std::time::Instant, store::ChangeMark);

/// How long a session read from the store is trusted at most without asking again: where the
/// mark is the files' sizes and times (no kernel notice), times move in steps of a few
/// milliseconds and a reused write-ahead log keeps its size, so two commits in one step could
/// leave the mark as it was; this bounds that case.
const FRESH: std::time::Duration = std::time::Duration::from_secs(2);
/// Sessions kept at most (a burst of new ones empties the cache rather than grow it).
const CACHED: usize = 10_000;

impl SessionCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Cached>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, token_hash: &str, mark: Option<store::ChangeMark>) -> Option<store::SessionRow> {
        let mark = mark?;
        let entries = self.lock();
        let (row, read, seen) = entries.get(token_hash)?;
        (*seen == mark && read.elapsed() < FRESH).then(|| row.clone())
    }

    /// Keeps `row`, read when the database's files were at `mark` (none: not kept).
    fn put(&self, token_hash: &str, row: store::SessionRow, mark: Option<store::ChangeMark>) {
        let Some(mark) = mark else {
            return;
        };
        let mut entries = self.lock();
        if entries.len() >= CACHED {
            entries.clear();
        }
        entries.insert(
            token_hash.to_owned(),
            (row, std::time::Instant::now(), mark),
        );
    }

    /// Forgets one session (signed out).
    pub fn forget(&self, token_hash: &str) {
        self.lock().remove(token_hash);
    }

    /// Forgets every session of an account (disabled, its password reset).
    pub fn forget_person(&self, username: &str) {
        self.lock()
            .retain(|_, (row, _, _)| !row.person.username.as_str().eq_ignore_ascii_case(username));
    }
}

async fn session(state: &AppState, secret: &str) -> Result<Option<Session>, AppError> {
    let token_hash = secret_hash(secret);
    let now = now();
    let time = |t: &str| {
        DateTime::parse_from_rfc3339(t)
            .map(|d| d.to_utc())
            .unwrap_or(now)
    };
    // The mark is taken before the query: a commit landing meanwhile leaves the entry stale.
    let mark = state.store.change_mark();
    let row = match state.sessions.get(&token_hash, mark) {
        // Its deadlines are checked here as the query checks them.
        Some(row) if time(&row.expires_at) > now => Some(row),
        Some(_) => None,
        None => {
            let row = state.store.session(&token_hash, now).await?;
            match &row {
                Some(r) => state.sessions.put(&token_hash, r.clone(), mark),
                None => state.sessions.forget(&token_hash),
            }
            row
        }
    };
    let Some(row) = row else {
        return Ok(None);
    };
    let settings = &state.settings;
    // However active, a session ends `session_max` after sign-in.
    if now - time(&row.created_at) > settings.session_max {
        return Ok(None);
    }
    // Move the idle deadline on at most once a minute: one write per active minute, not per
    // request.
    if now - time(&row.last_seen) > Duration::minutes(1) {
        let until = (now + settings.session_idle).min(time(&row.created_at) + settings.session_max);
        state.store.touch_session(&token_hash, now, until).await?;
        // The write moved the mark: the next request reads the session again.
        state.sessions.forget(&token_hash);
    }
    Ok(Some(Session {
        person: row.person,
        csrf: row.csrf,
        token_hash,
    }))
}

/// The machine or person calling the API with a token, if any; a token that is not valid is
/// refused rather than ignored.
#[derive(Debug, Clone, Default)]
pub struct Caller(pub Option<Person>);

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let caller = token_caller(parts, state).await?;
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

async fn token_caller(parts: &Parts, state: &AppState) -> Result<Caller, Problem> {
    let Some(value) = parts.headers.get(AUTHORIZATION) else {
        return Ok(Caller(None));
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or(Problem(AppError::SignIn))?;
    match state.store.token_person(&secret_hash(token)).await? {
        Some(person) => Ok(Caller(Some(person))),
        None => Err(Problem(AppError::SignIn)),
    }
}

/// Whether plan `plan` (`entity-year`) belongs to administration `entity`.
pub fn plan_of(entity: &str, plan: &str) -> bool {
    plan.strip_prefix(entity)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|year| !year.is_empty() && year.chars().all(|c| c.is_ascii_digit()))
}

/// The audit entries a reader scoped to `scope` may see: their administration's plans and
/// people (`people`: the usernames of that administration); everything when unscoped.
pub fn visible_entries(
    scope: Option<&str>,
    people: &[store::Person],
    entries: Vec<domain::audit::Entry>,
) -> Vec<domain::audit::Entry> {
    let Some(entity) = scope else {
        return entries;
    };
    let ours = |subject: &str| {
        subject.strip_prefix("person/").is_some_and(|u| {
            people
                .iter()
                .any(|p| p.username == u && p.entity.as_deref() == Some(entity))
        })
    };
    entries
        .into_iter()
        .filter(|e| {
            e.plan
                .as_deref()
                .map_or_else(|| ours(&e.subject), |p| plan_of(entity, p))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_hold_their_own_administration_only() {
        assert!(plan_of("roma", "roma-2021"));
        assert!(!plan_of("roma", "roma-capitale-2021"));
        assert!(!plan_of("roma", "roma-"));
    }
}
