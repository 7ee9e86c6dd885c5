//! How people prove who they are. The routes talk to an `AuthProvider`; passwords are one
//! provider, and a provider that sends people to an outside service (OIDC: SPID/CIE gateways,
//! the administration's own directory) answers with a redirect and completes on the way back,
//! through the same two routes.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use axum::http::request::Parts;
use serde::Deserialize;
use store::{Person, Store, StoreError};

use super::hasher::Hasher;
use crate::error::AppError;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the login form sends.
#[derive(Debug, Clone, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub csrf: String,
    /// Where to go once signed in (a path of this site).
    #[serde(default)]
    pub dopo: String,
}

/// The outcome of a sign-in step.
#[derive(Debug)]
pub enum SignIn {
    /// This person, with an enabled account.
    Person(Box<Person>),
    /// Continue at this address (an outside service), then come back to `/accesso/ritorno`.
    Redirect(String),
    /// Not recognised (the same answer whether the account exists or not).
    Refused,
}

/// What a sign-in step may use besides the form: the store, the hashing queue, and whether
/// the browser is one the account trusts (it may then use the queue's reserved places).
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub store: &'a Store,
    pub hasher: &'a Hasher,
    pub trusted: bool,
}

/// A way of signing in.
pub trait AuthProvider: Send + Sync + fmt::Debug {
    /// Its name in logs and in the audit log.
    fn name(&self) -> &'static str;

    /// The login form was sent.
    fn sign_in<'a>(
        &'a self,
        attempt: Attempt<'a>,
        form: &'a LoginForm,
    ) -> BoxFuture<'a, Result<SignIn, AppError>>;

    /// The person came back from the outside service: `request` holds its query (code,
    /// state) and the cookies that tie it to the sign-in this browser started.
    fn callback<'a>(
        &'a self,
        _store: &'a Store,
        _request: &'a Parts,
    ) -> BoxFuture<'a, Result<SignIn, AppError>> {
        Box::pin(async {
            Err(AppError::NotFound(
                "un accesso in corso presso un servizio esterno".into(),
            ))
        })
    }
}

/// Usernames and Argon2 password hashes kept in our database.
#[derive(Debug, Default)]
pub struct PasswordProvider;

/// Checked when the account does not exist, so that a wrong username costs as long as a
/// wrong password and does not reveal which accounts exist.
const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0S9ZkZ9cKnKf9m4ZTgYx3u3Q0bGmG0lX3pDUX1oN9Pk";

impl AuthProvider for PasswordProvider {
    fn name(&self) -> &'static str {
        "password"
    }

    fn sign_in<'a>(
        &'a self,
        attempt: Attempt<'a>,
        form: &'a LoginForm,
    ) -> BoxFuture<'a, Result<SignIn, AppError>> {
        Box::pin(async move {
            let person = match attempt.store.person(form.username.trim()).await {
                Ok(p) => Some(p),
                Err(StoreError::NotFound(_)) => None,
                Err(e) => return Err(e.into()),
            };
            let phc = person
                .as_ref()
                .and_then(|p| p.password_hash.as_deref())
                .unwrap_or(DECOY);
            // Argon2 takes tens of milliseconds and 19 MiB: on the bounded hashing workers.
            let ok = attempt
                .hasher
                .verify(&form.password, phc, attempt.trusted)
                .await
                .map_err(|_| AppError::Busy)?;
            Ok(match person {
                Some(p) if ok && !p.disabled => SignIn::Person(Box::new(p)),
                _ => SignIn::Refused,
            })
        })
    }
}
