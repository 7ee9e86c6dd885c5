//! People: a person's own account (roles, the units they answer for, API tokens) and the
//! administrator's list, where accounts are created and disabled.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cycle::Refusal;
use cycle::accounts::{self, EntityChoice, NewAccount, within};
use domain::{Role, messages};
use maud::{Markup, html};
use serde::Deserialize;
use store::Person;

use super::forms::{Nothing, Signed};
use super::layout::{Page, render};
use super::{PageResult, see_other};
use crate::auth::{Viewer, new_token, secret_hash};
use crate::error::AppError;
use crate::{AppState, paths};

fn signed_in(viewer: &Viewer) -> Result<&Person, AppError> {
    viewer.person().ok_or(AppError::SignIn)
}

/// The administrator (of people): refused to everyone else, with the reason.
fn admin(viewer: &Viewer) -> Result<&Person, AppError> {
    let person = signed_in(viewer)?;
    accounts::manager(person)?;
    Ok(person)
}

pub async fn account(
    _: paths::Account,
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult {
    let person = signed_in(&viewer)?;
    let tokens = state.store.tokens(&person.username).await?;
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
    let has_feed = state.store.has_calendar_feed(&person.username).await?;
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
            table {
                caption { "Le tue chiavi" }
                thead { tr { th scope="col" { "Nome" } th scope="col" { "Creata" } th scope="col" { "Stato" } } }
                tbody {
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
                }
            }
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
        body,
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

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

pub async fn add_token(
    _: paths::AccountToken,
    State(state): State<AppState>,
    viewer: Viewer,
    Signed { session, form: f }: Signed<TokenForm>,
) -> PageResult {
    let person = &session.person;
    let token = new_token()?;
    let cycle = state.cycle();
    cycle
        .add_token(person, &f.name, &secret_hash(&token), &cycle.stamp(person))
        .await?;
    let tokens = state.store.tokens(&person.username).await?;
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
    let tokens = state.store.tokens(&person.username).await?;
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
    State(state): State<AppState>,
    Signed { session, .. }: Signed<Nothing>,
) -> Result<Response, AppError> {
    let person = &session.person;
    let cycle = state.cycle();
    cycle.set_feed(person, None, &cycle.stamp(person)).await?;
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
    State(state): State<AppState>,
    Signed { session, .. }: Signed<Nothing>,
) -> Result<Response, AppError> {
    let person = &session.person;
    let cycle = state.cycle();
    cycle.revoke_token(person, id, &cycle.stamp(person)).await?;
    Ok(see_other(paths::Account))
}

pub async fn list(_: paths::People, State(state): State<AppState>, viewer: Viewer) -> PageResult {
    admin(&viewer)?;
    people_page(&state, &viewer, StatusCode::OK, None)
        .await
        .map(|(_, m)| m)
}

async fn people_page(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    message: Option<String>,
) -> Result<(StatusCode, Markup), AppError> {
    let scope = viewer.person().and_then(|p| p.entity.clone());
    let people: Vec<Person> = state
        .store
        .people()
        .await?
        .into_iter()
        .filter(|p| within(scope.as_deref(), p.entity.as_deref()))
        .collect();
    let entities = state.store.entities().await?;
    let body = html! {
        h1 { "Persone" }
        @if let Some(m) = &message {
            div class="avviso" role="alert" { p { (m) } }
        }
        table {
            caption { "Gli account" }
            thead { tr {
                th scope="col" { "Nome utente" } th scope="col" { "Nome" } th scope="col" { "Ruoli" }
                th scope="col" { "Unità (componente)" } th scope="col" { "Stato" }
            } }
            tbody {
                @for p in &people {
                    tr {
                        td { (p.username) }
                        td { (p.name) }
                        td { (p.roles.iter().map(|r| messages::role(*r)).collect::<Vec<_>>().join(", ")) }
                        td { (p.units.iter().map(|u| u.as_str()).collect::<Vec<_>>().join(", ")) }
                        td {
                            form method="post" action=(paths::PersonState { username: p.username.clone() }) {
                                input type="hidden" name="csrf" value=(viewer.csrf());
                                @if p.disabled {
                                    "disattivato "
                                    input type="hidden" name="disabled" value="false";
                                    button type="submit" { "Riattiva " span class="nascosto" { (p.username) } }
                                } @else {
                                    "attivo "
                                    input type="hidden" name="disabled" value="true";
                                    button type="submit" { "Disattiva " span class="nascosto" { (p.username) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 id="nuova" { "Nuova persona" }
        form class="modulo" method="post" action="/persone" {
            input type="hidden" name="csrf" value=(viewer.csrf());
            p { label for="p-username" { "Nome utente" }
                input id="p-username" name="username" type="text" required maxlength="64" pattern="[A-Za-z0-9._@-]+"; }
            p { label for="p-name" { "Nome e cognome (come nel piano, per i responsabili)" }
                input id="p-name" name="name" type="text" required; }
            fieldset {
                legend { "Ruoli" }
                @for r in Role::ALL.iter().copied() {
                    p { input id=(format!("r-{}", r.as_str())) type="checkbox" name="roles" value=(r.as_str());
                        " " label for=(format!("r-{}", r.as_str())) { (messages::role(r)) } }
                }
            }
            @if scope.is_none() {
                p { label for="p-entity" { "Amministrazione" }
                    select id="p-entity" name="entity" {
                        @for e in &entities { option value=(e) { (e) } }
                        option value="" { "tutte (account dell'installazione)" }
                    }
                }
            }
            p { label for="p-units" { "Componente delle unità (identificativi separati da virgole)" }
                input id="p-units" name="units" type="text"; }
            p { label for="p-password" { "Password iniziale (almeno 12 caratteri)" }
                input id="p-password" name="password" type="password" autocomplete="new-password" required minlength="12"; }
            p { button type="submit" { "Crea l'account" } }
        }
    };
    Ok((
        status,
        render(Page {
            who: viewer,
            title: "Persone",
            crumbs: vec![("Persone".into(), "/persone".into())],
            plan: None,
            body,
        }),
    ))
}

/// The new-person form.
#[derive(Debug, Default)]
pub struct PersonForm {
    username: String,
    name: String,
    roles: Vec<String>,
    units: String,
    password: String,
    /// The administration of the new person (only installation-wide administrators choose).
    entity: String,
}

pub async fn add(
    _: paths::People,
    State(state): State<AppState>,
    viewer: Viewer,
    Signed { session, form }: Signed<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = PersonForm::from_pairs(form);
    let person = session.person;
    let units: Vec<String> = f.units.split(',').map(str::to_string).collect();
    let new = NewAccount {
        username: &f.username,
        name: &f.name,
        roles: &f.roles,
        units: &units,
        entity: match f.entity.trim() {
            "" => EntityChoice::Every,
            chosen => EntityChoice::Named(chosen),
        },
        password: &f.password,
        email: None,
    };
    let hasher = &state.hasher;
    let hash = async |password: String| match hasher.hash(&password).await {
        Ok(Some(hash)) => Ok(hash),
        Ok(None) => Err(Refusal::Failed("password hashing failed".into())),
        Err(_) => Err(Refusal::Busy),
    };
    let cycle = state.cycle();
    match cycle
        .add_account(Some(&person), new, hash, &cycle.stamp(&person))
        .await
    {
        Ok(_) => Ok(see_other(paths::People)),
        Err(Refusal::Invalid(problem)) => {
            let (status, page) = people_page(
                &state,
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(problem),
            )
            .await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

impl PersonForm {
    /// The new-person form from its fields in order: the repeated `roles` fields, which a
    /// form of one value a name would not keep, each a role.
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = PersonForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "username" => f.username = v,
                "name" => f.name = v,
                "roles" => f.roles.push(v),
                "units" => f.units = v,
                "password" => f.password = v,
                "entity" => f.entity = v,
                _ => {}
            }
        }
        f
    }
}

#[derive(Debug, Deserialize)]
pub struct StateForm {
    #[serde(default)]
    disabled: bool,
}

pub async fn set_state(
    paths::PersonState { username }: paths::PersonState,
    State(state): State<AppState>,
    Signed { session, form: f }: Signed<StateForm>,
) -> Result<Response, AppError> {
    let person = session.person;
    let cycle = state.cycle();
    state.sessions.forget_person(&username);
    cycle
        .set_account_disabled(&person, &username, f.disabled, &cycle.stamp(&person))
        .await?;
    // Also after: a request that read the session before the write committed kept it.
    state.sessions.forget_person(&username);
    Ok(see_other(paths::People))
}
