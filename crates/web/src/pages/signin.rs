//! Signing in and out: the login form (with its own CSRF cookie, as there is no session yet),
//! the throttle of `domain::signin` (per address, account and trusted browser), the session
//! cookie and the trusted-browser cookie.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::{ConnectInfo, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::layout::{Page, render};
use domain::limits::{self, Field};
use domain::signin::{self, Client, Failures, Verdict};

use super::forms::{Fields, Nothing, Signed};
use super::see_other;
use crate::auth::{
    Attempt, LOGIN_COOKIE, LoginForm, SESSION_COOKIE, SignIn, Viewer, device_cookie, new_secret,
    same, secret_hash, set_cookie, stamp,
};
use crate::error::AppError;
use crate::paths;
use crate::{AppState, now};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Next {
    dopo: String,
}

/// Only paths of this site are followed after sign-in: a `/` and then the characters of a
/// plain path and query, nothing a browser could read as another host (`//`, `/\\`, tabs).
fn local(path: &str) -> &str {
    let plain = path.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, '/' | '-' | '_' | '.' | '~' | '%' | '?' | '=' | '&')
    });
    if plain && path.starts_with('/') && !path.starts_with("//") {
        path
    } else {
        "/"
    }
}

pub async fn form_page(
    _: paths::SignIn,
    State(state): State<AppState>,
    viewer: Viewer,
    q: Result<Query<Next>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let dopo = q.map(|Query(n)| n.dopo).unwrap_or_default();
    login_page(&state, &viewer, StatusCode::OK, local(&dopo), None)
}

/// The login form with a fresh double-submit token, and an optional message.
fn login_page(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    dopo: &str,
    message: Option<&str>,
) -> Result<Response, AppError> {
    let token = new_secret()?;
    let body = html! {
        h1 { "Accedi" }
        @if let Some(person) = viewer.person() {
            p { "Hai già effettuato l'accesso come " strong { (person.name) } "." }
        }
        @if let Some(message) = message {
            div class="avviso" role="alert" { p { (message) } }
        }
        form class="modulo" method="post" action="/accesso" {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="dopo" value=(dopo);
            p {
                label for="username" { "Nome utente" }
                input id="username" name="username" type="text" autocomplete="username" required;
            }
            p {
                label for="password" { "Password" }
                input id="password" name="password" type="password" autocomplete="current-password" required;
            }
            p { button type="submit" { "Accedi" } }
        }
        p class="nota" { "Gli account sono creati dall'ufficio Programmazione e Controllo." }
    };
    let page = render(Page {
        who: viewer,
        title: "Accedi",
        crumbs: vec![("Accedi".into(), "/accesso".into())],
        plan: None,
        body: body.into(),
    });
    let cookie = set_cookie(&state.settings, LOGIN_COOKIE, &token, "/accesso", 3600);
    Ok((status, [(SET_COOKIE, cookie)], page).into_response())
}

/// The address a request came from: the peer's, or behind a trusted proxy the last address
/// it added to `X-Forwarded-For` (the ones before it come from the client and prove nothing).
/// An IPv6 address counts by its /64 network: one machine gets a whole /64, and would
/// otherwise have a fresh address for each guess.
fn address(settings: &crate::auth::Settings, parts: &Parts) -> String {
    let forwarded = settings
        .behind_proxy
        .then(|| parts.headers.get_all("x-forwarded-for").iter().next_back())
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    let ip = match forwarded {
        Some(text) => match text.parse::<IpAddr>() {
            Ok(ip) => ip,
            // Not an address: counted as written, within a field's length.
            Err(_) => return text.chars().take(64).collect(),
        },
        None => match parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            Some(c) => c.0.ip(),
            None => return "unknown".to_string(),
        },
    };
    network(ip)
}

/// The network an address is counted by: itself for IPv4, its /64 for IPv6.
fn network(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let net = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{net}/64")
            }
        },
    }
}

/// The account a typed username names, as the throttle counts it: one key whatever the case,
/// and none for text no username can be (it is refused without a password check).
fn account_key(typed: &str) -> Option<String> {
    let name = limits::required(Field::Username, typed).ok()?;
    limits::username_ok(&name).then(|| name.to_ascii_lowercase())
}

/// Failures under `key` within the window, this attempt (already counted) left out.
async fn before(
    state: &AppState,
    key: &str,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<i64, AppError> {
    Ok((state.store.login_failures(key, since).await? - 1).max(0))
}

pub async fn sign_in(
    _: paths::SignIn,
    State(state): State<AppState>,
    viewer: Viewer,
    parts: Parts,
    Fields(mut f): Fields<LoginForm>,
) -> Result<Response, AppError> {
    let dopo = local(&f.dopo).to_string();
    let cookie = crate::auth::cookie(&parts, LOGIN_COOKIE).unwrap_or_default();
    if !same(cookie, &f.csrf) {
        return login_page(
            &state,
            &viewer,
            StatusCode::FORBIDDEN,
            &dopo,
            Some("Il modulo è scaduto: inserire di nuovo le credenziali."),
        );
    }
    let settings = &state.settings;
    let throttle = &settings.throttle;
    let at = now();
    let since = at - throttle.window;
    let address = address(settings, &parts);
    let account = account_key(&f.username);
    // What was typed goes to the log quoted (`?`: spaces and `=` cannot pose as other
    // fields) and escaped by the log itself: who tries what matters.
    let typed = f.username.clone();
    // A browser this account trusts answers for its own failures only.
    let cookie_name = account.as_deref().map(device_cookie);
    let secret = cookie_name
        .as_deref()
        .and_then(|name| crate::auth::cookie(&parts, name));
    let device = match (&account, secret) {
        (Some(a), Some(secret)) => {
            let hash = secret_hash(secret);
            state
                .store
                .device_trusted(&hash, a, at)
                .await?
                .then_some(hash)
        }
        _ => None,
    };
    let keys = match (&device, &account) {
        (Some(d), _) => Keys::Device(format!("device:{d}")),
        (None, Some(a)) => Keys::Stranger {
            pair: format!("pair:{a}|{address}"),
            address: format!("address:{address}"),
            account: format!("account:{a}"),
        },
        (None, None) => Keys::Nobody(format!("address:{address}")),
    };
    // The attempt is counted before it is checked, so that parallel guesses count each other.
    let attempt = state.store.login_attempt(&keys.all(), at, since).await?;
    let client = match &keys {
        Keys::Device(d) => Client::Trusted {
            failures: before(&state, d, since).await?,
        },
        Keys::Stranger {
            pair,
            address,
            account,
        } => Client::Stranger(Failures {
            pair: before(&state, pair, since).await?,
            address: before(&state, address, since).await?,
            account: before(&state, account, since).await?,
        }),
        Keys::Nobody(address) => Client::Stranger(Failures {
            address: before(&state, address, since).await?,
            ..Failures::default()
        }),
    };
    match signin::verdict(throttle, client) {
        Verdict::Check => {}
        Verdict::CheckAfter(wait) => {
            tracing::warn!(account = ?typed, address = %address, "login slowed: many failures on the account");
            tokio::time::sleep(wait.to_std().unwrap_or_default()).await;
        }
        Verdict::Refuse => {
            // Refused unchecked, it is no guess: counting it would let anyone keep an account
            // held back by knocking now and then.
            state.store.forget_login_attempt(&attempt).await?;
            if let Some(d) = &device {
                state.store.forget_device(d).await?;
            }
            tracing::warn!(account = ?typed, address = %address, trusted = device.is_some(), "login rate-limited");
            return Err(AppError::TooManyRequests {
                retry_after_secs: throttle.window.num_seconds(),
            });
        }
    }
    let outcome = match &account {
        Some(a) => {
            f.username = a.clone();
            let attempt = Attempt {
                store: &state.store,
                hasher: &state.hasher,
                trusted: device.is_some(),
            };
            state.provider.sign_in(attempt, &f).await
        }
        // No account can have this name: nothing to check.
        None => Ok(SignIn::Refused),
    };
    match outcome {
        Err(AppError::Busy) => {
            state.store.forget_login_attempt(&attempt).await?;
            tracing::warn!(address = %address, "login refused: password checks at their limit");
            Err(AppError::Busy)
        }
        Err(e) => Err(e),
        Ok(SignIn::Person(person)) => {
            let forget = keys.forgotten_on_success();
            let opened = open_session(&state, &person, &forget, &attempt, &dopo).await?;
            trusted(&state, &person, device.is_some(), opened).await
        }
        Ok(SignIn::Redirect(url)) => {
            state.store.forget_login_attempt(&attempt).await?;
            Ok(see_other(url))
        }
        Ok(SignIn::Refused) => {
            tracing::info!(account = ?typed, address = %address, provider = state.provider.name(), "login refused");
            login_page(
                &state,
                &viewer,
                StatusCode::UNAUTHORIZED,
                &dopo,
                Some("Nome utente o password non corretti, oppure account disattivato."),
            )
        }
    }
}

/// The keys an attempt is counted under.
enum Keys {
    /// Through a browser the account trusts.
    Device(String),
    /// From anyone else, for an account.
    Stranger {
        pair: String,
        address: String,
        account: String,
    },
    /// For text that names no account: only the address counts.
    Nobody(String),
}

impl Keys {
    fn all(&self) -> Vec<&str> {
        match self {
            Keys::Device(d) => vec![d],
            Keys::Stranger {
                pair,
                address,
                account,
            } => vec![pair, address, account],
            Keys::Nobody(a) => vec![a],
        }
    }

    /// What a success forgets: the failures of this account from this address or browser
    /// (not the address's failures on other accounts, nor the account's from elsewhere).
    fn forgotten_on_success(&self) -> Vec<&str> {
        match self {
            Keys::Device(d) => vec![d],
            Keys::Stranger { pair, .. } => vec![pair],
            Keys::Nobody(_) => vec![],
        }
    }
}

/// After a sign-in: a browser not yet trusted gets its cookie, so that next time strangers'
/// failures do not hold this person back.
async fn trusted(
    state: &AppState,
    person: &store::Person,
    already: bool,
    mut response: Response,
) -> Result<Response, AppError> {
    if already {
        return Ok(response);
    }
    let secret = new_secret()?;
    let at = now();
    state
        .store
        .trust_device(
            person,
            &secret_hash(&secret),
            at,
            at + state.settings.device_lifetime,
        )
        .await?;
    let cookie = set_cookie(
        &state.settings,
        &device_cookie(person.username.as_str()),
        &secret,
        "/accesso",
        state.settings.device_lifetime.num_seconds(),
    );
    if let Ok(v) = cookie.parse() {
        response.headers_mut().append(SET_COOKIE, v);
    }
    Ok(response)
}

/// Back from an outside sign-in service (the provider sees the whole request: its query and
/// the cookies that bind it to this browser).
pub async fn callback(
    _: paths::SignInReturn,
    State(state): State<AppState>,
    parts: Parts,
) -> Result<Response, AppError> {
    match state.provider.callback(&state.store, &parts).await? {
        SignIn::Person(person) => open_session(&state, &person, &[], &[], "/").await,
        SignIn::Redirect(url) => Ok(see_other(url)),
        SignIn::Refused => Err(AppError::SignIn),
    }
}

async fn open_session(
    state: &AppState,
    person: &store::Person,
    forget: &[&str],
    attempt: &[i64],
    dopo: &str,
) -> Result<Response, AppError> {
    let settings = &state.settings;
    let secret = new_secret()?;
    let csrf = new_secret()?;
    let stamp = stamp(person);
    let expires = stamp.at + settings.session_idle.min(settings.session_max);
    state
        .store
        .open_session(person, &secret_hash(&secret), &csrf, expires, &stamp)
        .await?;
    state.store.login_succeeded(forget, attempt).await?;
    tracing::info!(user = %person.username, provider = state.provider.name(), "signed in");
    let mut headers = HeaderMap::new();
    let max_age = settings.session_max.num_seconds();
    for cookie in [
        set_cookie(settings, SESSION_COOKIE, &secret, "/", max_age),
        set_cookie(settings, LOGIN_COOKIE, "", "/accesso", 0),
    ] {
        if let Ok(v) = cookie.parse() {
            headers.append(SET_COOKIE, v);
        }
    }
    Ok((headers, see_other(local(dopo)).into_response()).into_response())
}

pub async fn sign_out(
    _: paths::SignOut,
    State(state): State<AppState>,
    Signed { session, .. }: Signed<Nothing>,
) -> Result<Response, AppError> {
    state.sessions.forget(&session.token_hash);
    state
        .store
        .close_session(
            &session.person,
            &session.token_hash,
            &stamp(&session.person),
        )
        .await?;
    // Also after: a request that read the session before the write committed kept it.
    state.sessions.forget(&session.token_hash);
    let cookie = set_cookie(&state.settings, SESSION_COOKIE, "", "/", 0);
    Ok(([(SET_COOKIE, cookie)], see_other(paths::Home)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_count_by_their_network() {
        let ip = |t: &str| t.parse::<IpAddr>().unwrap();
        assert_eq!(network(ip("203.0.113.7")), "203.0.113.7");
        assert_eq!(
            network(ip("2001:db8:1:2:aaaa::1")),
            network(ip("2001:db8:1:2:bbbb::9")),
            "one /64, one count"
        );
        assert_eq!(network(ip("2001:db8:1:2::1")), "2001:db8:1:2::/64");
        assert_ne!(
            network(ip("2001:db8:1:3::1")),
            network(ip("2001:db8:1:2::1"))
        );
        assert_eq!(network(ip("::ffff:203.0.113.7")), "203.0.113.7");
        assert_eq!(account_key(" ADA "), Some("ada".into()));
        assert_eq!(account_key("ada\nfalso"), None);
        assert_eq!(account_key("ada rossi"), None);
    }
}
