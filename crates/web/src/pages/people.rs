//! People: the administrator's list, where accounts are created, disabled and enabled.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cycle::Refusal;
use cycle::accounts::{self, EntityChoice, NewAccount, within};
use domain::{Role, messages};
use maud::{Markup, html};
use serde::Deserialize;
use store::Person;

use super::forms::Signed;
use super::layout::Column::Text;
use super::layout::{Page, render, table};
use super::{PageResult, see_other};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::{AppState, paths};

pub(super) fn signed_in(viewer: &Viewer) -> Result<&Person, AppError> {
    viewer.person().ok_or(AppError::SignIn)
}

/// The administrator (of people): refused to everyone else, with the reason.
fn admin(viewer: &Viewer) -> Result<&Person, AppError> {
    let person = signed_in(viewer)?;
    accounts::manager(person)?;
    Ok(person)
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
        (table("Gli account",
            &[Text("Nome utente"), Text("Nome"), Text("Ruoli"), Text("Unità (componente)"), Text("Stato")], html! {
            @for p in &people {
                tr {
                    td { (p.username) }
                    td { (p.name) }
                    td { (p.roles.iter().map(|r| messages::role(*r)).collect::<Vec<_>>().join(", ")) }
                    td { (p.units.iter().map(|u| u.as_str()).collect::<Vec<_>>().join(", ")) }
                    td {
                        form method="post" action=(paths::PersonState { username: p.username.to_string() }) {
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
        }))
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
            body: body.into(),
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
    Signed { session, form, .. }: Signed<Vec<(String, String)>>,
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

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StateForm {
    disabled: bool,
}

pub async fn set_state(
    paths::PersonState { username }: paths::PersonState,
    s: Signed<StateForm>,
) -> Result<Response, AppError> {
    let sessions = &s.state.sessions;
    sessions.forget_person(&username);
    s.cycle()
        .set_account_disabled(s.who(), &username, s.form.disabled, &s.stamp())
        .await?;
    // Also after: a request that read the session before the write committed kept it.
    sessions.forget_person(&username);
    Ok(see_other(paths::People))
}
