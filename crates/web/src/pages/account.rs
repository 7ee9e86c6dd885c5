//! A person's own account: their roles and the units they answer for, their API tokens and
//! their calendar feed (and the feed itself, read by its secret address).

use axum::extract::State;
use axum::response::Response;
use domain::messages;
use maud::html;
use serde::Deserialize;
use store::Person;

use super::forms::{Nothing, Signed};
use super::layout::Column::Text;
use super::layout::{Page, render, table};
use super::people::signed_in;
use super::{PageResult, see_other};
use crate::auth::{Viewer, new_token, secret_hash};
use crate::error::AppError;
use crate::{AppState, paths};

pub async fn account(
    _: paths::Account,
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult {
    let person = signed_in(&viewer)?;
    let tokens = state.store.tokens(person.username.as_str()).await?;
    account_page(&state, &viewer, person, &tokens, Fresh::Nothing).await
}

/// A secret made just now, shown once on the account page.
#[derive(Debug, Clone, Copy)]
enum Fresh<'a> {
    Nothing,
    Token(&'a str),
    /// The calendar feed's address.
    Feed(&'a str),
}

async fn account_page(
    state: &AppState,
    viewer: &Viewer,
    person: &Person,
    tokens: &[store::TokenInfo],
    fresh: Fresh<'_>,
) -> PageResult {
    let new_token = match fresh {
        Fresh::Token(t) => Some(t),
        _ => None,
    };
    let has_feed = state
        .store
        .has_calendar_feed(person.username.as_str())
        .await?;
    // The units this person answers for, plan by plan, with the period that is theirs.
    let mut units = Vec::new();
    for summary in state.store.plans().await? {
        let Ok((v, Some(actor))) = state.view(&summary.id, Some(person)).await else {
            continue;
        };
        for g in actor.units {
            let name = v
                .unit(g.unit.as_str())
                .map_or(g.unit.to_string(), |(_, u)| u.name.clone());
            units.push((v.clone(), g, name));
        }
    }
    let body = html! {
        h1 { (person.name) }
        dl class="campi" {
            dt { "Nome utente" } dd { (person.username) }
            dt { "Ruoli" }
            dd {
                @if person.roles.is_empty() { "Nessun ruolo generale." }
                @else { (person.roles.iter().map(|r| messages::role(*r)).collect::<Vec<_>>().join(", ")) }
            }
        }
        h2 { "Le unità di cui rispondi" }
        @if units.is_empty() {
            p { "Nessuna: i responsabili sono quelli che il piano indica, con il loro nome." }
        } @else {
            ul {
                @for (v, g, name) in &units {
                    li {
                        (messages::unit_role(g.role)) " di "
                        a href=(paths::unit(v.id(), &g.unit)) { (name) }
                        " (" (v.plan.title) ")"
                        @match (g.from, g.until) {
                            (Some(f), Some(u)) => { ", dal " (messages::date(f)) " al " (messages::date(u)) }
                            (Some(f), None) => { ", dal " (messages::date(f)) }
                            (None, Some(u)) => { ", fino al " (messages::date(u)) }
                            (None, None) => {}
                        }
                    }
                }
            }
        }
        h2 id="calendario" { "Il tuo calendario" }
        p { "Un indirizzo segreto da dare al tuo programma di calendario: riporta le scadenze delle fasi "
            "delle unità di cui rispondi, in ogni piano. Chi lo conosce le legge: se lo perdi, revocalo o "
            "creane uno nuovo (il precedente smette di funzionare)." }
        @if let Fresh::Feed(url) = fresh {
            div class="avviso" role="status" {
                p { "Indirizzo del tuo calendario, mostrato ora e mai più:" }
                p { code { (url) } }
            }
        }
        form class="modulo" method="post" action=(paths::AccountFeed) {
            input type="hidden" name="csrf" value=(viewer.csrf());
            p { button type="submit" {
                @if has_feed { "Crea un nuovo indirizzo (il precedente smette di funzionare)" } @else { "Crea l'indirizzo del calendario" }
            } }
        }
        @if has_feed {
            form method="post" action=(paths::AccountFeedRevoke) {
                input type="hidden" name="csrf" value=(viewer.csrf());
                p { button type="submit" { "Revoca l'indirizzo del calendario" } }
            }
        }
        h2 { "Chiavi per l'API" }
        p { "Una chiave permette a un programma di usare l'API a tuo nome (intestazione " code { "Authorization: Bearer …" } "). Si può revocare in ogni momento." }
        @if let Some(token) = new_token {
            div class="avviso" role="status" {
                p { "Nuova chiave, mostrata ora e mai più: copiala in un luogo sicuro." }
                p { code { (token) } }
            }
        }
        @if !tokens.is_empty() {
            (table("Le tue chiavi",
                &[Text("Nome"), Text("Creata"), Text("Stato")], html! {
                @for t in tokens {
                    tr {
                        td { (t.name) }
                        td { (moment(&t.created_at)) }
                        td {
                            @if let Some(r) = &t.revoked_at { "revocata il " (moment(r)) }
                            @else {
                                form method="post" action=(paths::AccountTokenRevoke { id: t.id }) {
                                    input type="hidden" name="csrf" value=(viewer.csrf());
                                    button type="submit" { "Revoca " span class="nascosto" { (t.name) } }
                                }
                            }
                        }
                    }
                }
            }))
        }
        form class="modulo" method="post" action=(paths::AccountToken) {
            input type="hidden" name="csrf" value=(viewer.csrf());
            p {
                label for="nome-chiave" { "Nome della nuova chiave" }
                input id="nome-chiave" name="name" type="text" required maxlength="80";
            }
            p { button type="submit" { "Crea una chiave" } }
        }
    };
    Ok(render(Page {
        who: viewer,
        title: "Il tuo account",
        crumbs: vec![("Account".into(), "/account".into())],
        plan: None,
        body: body.into(),
    }))
}

/// A stored instant (UTC) as a person reads it: `25/11/2026 16:48 UTC`.
fn moment(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at).map_or_else(
        |_| at.to_string(),
        |d| {
            format!(
                "{} {} UTC",
                messages::date(d.date_naive()),
                d.format("%H:%M")
            )
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    name: String,
}

pub async fn add_token(
    _: paths::AccountToken,
    State(state): State<AppState>,
    viewer: Viewer,
    Signed {
        session, form: f, ..
    }: Signed<TokenForm>,
) -> PageResult {
    let person = &session.person;
    let token = new_token()?;
    let cycle = state.cycle();
    cycle
        .add_token(person, &f.name, &secret_hash(&token), &cycle.stamp(person))
        .await?;
    let tokens = state.store.tokens(person.username.as_str()).await?;
    account_page(&state, &viewer, person, &tokens, Fresh::Token(&token)).await
}

pub async fn add_feed(
    _: paths::AccountFeed,
    State(state): State<AppState>,
    viewer: Viewer,
    Signed { session, .. }: Signed<Nothing>,
) -> PageResult {
    let person = &session.person;
    let secret = new_token()?;
    let cycle = state.cycle();
    cycle
        .set_feed(person, Some(&secret_hash(&secret)), &cycle.stamp(person))
        .await?;
    let tokens = state.store.tokens(person.username.as_str()).await?;
    // A calendar program needs the whole address: the site's, as configured (never the
    // request's `Host`, which the client chooses).
    let url = format!(
        "{}{}",
        state.public_url(),
        paths::Feed {
            feed: format!("{secret}.ics")
        }
    );
    account_page(&state, &viewer, person, &tokens, Fresh::Feed(&url)).await
}

pub async fn revoke_feed(
    _: paths::AccountFeedRevoke,
    s: Signed<Nothing>,
) -> Result<Response, AppError> {
    s.cycle().set_feed(s.who(), None, &s.stamp()).await?;
    Ok(see_other(format!("{}#calendario", paths::Account)))
}

/// A person's calendar feed, read by its secret address: the deadlines of the units they
/// answer for, in every plan they may read.
pub async fn feed(
    paths::Feed { feed: file }: paths::Feed,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let secret = file.strip_suffix(".ics").unwrap_or(&file);
    let missing = || AppError::NotFound("un calendario a questo indirizzo".into());
    let person = state
        .store
        .calendar_feed_person(&secret_hash(secret))
        .await?
        .ok_or_else(missing)?;
    let mut items = Vec::new();
    for summary in state.store.plans().await? {
        let Ok((v, Some(actor))) = state.view(&summary.id, Some(&person)).await else {
            continue;
        };
        let units: Vec<domain::UnitId> = actor.units.iter().map(|g| g.unit.clone()).collect();
        if !units.is_empty() {
            items.extend(super::unit::calendar_items(&v, &units));
        }
    }
    let name = format!("Scadenze di {}", person.name);
    Ok(super::unit::ics(&report::ical::feed(
        &name,
        &items,
        crate::now(),
    )))
}

pub async fn revoke_token(
    paths::AccountTokenRevoke { id }: paths::AccountTokenRevoke,
    s: Signed<Nothing>,
) -> Result<Response, AppError> {
    s.cycle().revoke_token(s.who(), id, &s.stamp()).await?;
    Ok(see_other(paths::Account))
}
