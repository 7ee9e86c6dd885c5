//! Accounts and their ways in: adding a person, disabling or enabling one, API tokens and
//! calendar feeds. Secrets are made and hashed by the adapters (the pages' password pool, the
//! command line); what is decided here is who may, for whom, and with what.

use domain::access::{Action, decide};
use domain::limits::{self, Field, TextError};
use domain::{Actor, Email, PlanState, Role, UnitId, Username, messages};
use store::{NewPerson, Person, Stamp, StoreError};

use crate::{Cycle, Outcome, Refusal};

/// Minimum length of a password a person chooses.
pub const MIN_PASSWORD: usize = 12;

/// Which administration a new account belongs to. An administrator of one administration
/// always adds to their own, whatever is asked.
#[derive(Debug, Clone, Copy)]
pub enum EntityChoice<'a> {
    /// This one (it must have a plan in the database).
    Named(&'a str),
    /// Every administration (an installation-wide account).
    Every,
    /// The only one the database has (none while it has none).
    Sole,
}

/// An account as a form or a command asks for it, before anything is checked.
#[derive(Debug, Clone, Copy)]
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub name: &'a str,
    /// Role codes (`admin`, `evaluator`, `board`, `auditor`).
    pub roles: &'a [String],
    /// Codes of the units the person is a member of.
    pub units: &'a [String],
    pub entity: EntityChoice<'a>,
    pub password: &'a str,
    pub email: Option<&'a str>,
}

fn invalid(text: String) -> Refusal {
    Refusal::Invalid(text)
}

fn cleaned(field: Field, raw: &str) -> Outcome<String> {
    limits::clean(field, raw).map_err(|e| invalid(messages::text_error(&e)))
}

/// Whether `person` manages people (their roles say so, on any plan's state).
pub fn manager(person: &Person) -> Outcome<()> {
    let actor = Actor {
        name: person.name.clone(),
        roles: person.roles.clone(),
        units: vec![],
    };
    decide(Some(&actor), Action::ManagePeople, PlanState::Draft)?;
    Ok(())
}

/// Whether an administrator scoped to `scope` (none: every administration) may manage a person
/// of administration `other`.
pub fn within(scope: Option<&str>, other: Option<&str>) -> bool {
    scope.is_none_or(|e| other == Some(e))
}

/// An account's fields as the rules keep them.
#[derive(Debug)]
struct Checked {
    username: Username,
    name: String,
    roles: Vec<Role>,
    units: Vec<UnitId>,
    email: Option<Email>,
}

impl NewAccount<'_> {
    /// The account's fields as the rules keep them, or why not (in Italian).
    fn checked(&self) -> Outcome<Checked> {
        let roles = self
            .roles
            .iter()
            .map(|r| Role::parse(r).ok_or_else(|| invalid(format!("Ruolo sconosciuto: «{r}»."))))
            .collect::<Outcome<Vec<_>>>()?;
        let units = self
            .units
            .iter()
            .map(|u| u.trim())
            .filter(|u| !u.is_empty())
            .map(|u| UnitId::parse(u).map_err(|_| invalid(format!("Unità non valida: «{u}»."))))
            .collect::<Outcome<Vec<_>>>()?;
        let name = cleaned(Field::PersonName, self.name)?;
        let username = cleaned(Field::Username, self.username)?;
        let length = self.password.chars().count();
        if length < MIN_PASSWORD {
            return Err(invalid(format!(
                "La password deve avere almeno {MIN_PASSWORD} caratteri."
            )));
        }
        if length > Field::Password.max_chars() {
            return Err(invalid(messages::text_error(&TextError::TooLong {
                field: Field::Password,
                max: Field::Password.max_chars(),
            })));
        }
        if name.is_empty() {
            return Err(invalid("Indicare nome e cognome.".into()));
        }
        let username = Username::parse(username).map_err(|_| {
            invalid("Il nome utente può contenere lettere, cifre e . _ - @ (al massimo 64).".into())
        })?;
        let email = self
            .email
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| {
                Email::parse(e)
                    .map_err(|_| invalid(format!("Indirizzo di posta non valido: «{e}».")))
            })
            .transpose()?;
        Ok(Checked {
            username,
            name,
            roles,
            units,
            email,
        })
    }
}

impl Cycle {
    /// Adds an account. `by`: the administrator adding it (`None`: a command run on the
    /// installation itself); `hash` turns the password into what the database keeps, once every
    /// other rule has passed.
    pub async fn add_account<H>(
        &self,
        by: Option<&Person>,
        new: NewAccount<'_>,
        hash: H,
        stamp: &Stamp,
    ) -> Outcome<Person>
    where
        H: AsyncFnOnce(String) -> Outcome<String>,
    {
        if let Some(by) = by {
            manager(by)?;
        }
        let Checked {
            username,
            name,
            roles,
            units,
            email,
        } = new.checked()?;
        let entities = self.store.entities().await?;
        let known = |e: &str| entities.iter().any(|x| x == e);
        let entity = match (by.and_then(|p| p.entity.clone()), new.entity) {
            (Some(own), _) => Some(own),
            (None, EntityChoice::Named(e)) if known(e) => Some(e.to_string()),
            (None, EntityChoice::Named(e)) => {
                return Err(invalid(format!(
                    "Amministrazione sconosciuta: «{e}» (ci sono: {}).",
                    entities.join(", ")
                )));
            }
            (None, EntityChoice::Every) => None,
            (None, EntityChoice::Sole) if entities.len() <= 1 => entities.first().cloned(),
            (None, EntityChoice::Sole) => {
                return Err(invalid(format!(
                    "Indicare l'amministrazione della persona: {}.",
                    entities.join(", ")
                )));
            }
        };
        let password_hash = hash(new.password.to_string()).await?;
        let person = NewPerson {
            username,
            name,
            entity,
            roles,
            units,
            password_hash: Some(password_hash),
        };
        let added = self
            .store
            .add_person(&person, stamp)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => invalid("Questo nome utente è già in uso.".into()),
                e => e.into(),
            })?;
        if let Some(email) = email {
            self.store
                .set_email(added.username.as_str(), Some(&email), stamp)
                .await?;
        }
        Ok(added)
    }

    /// Disables or enables account `username` for administrator `by`, who may not disable
    /// their own; a person of another administration is not found.
    pub async fn set_account_disabled(
        &self,
        by: &Person,
        username: &str,
        disabled: bool,
        stamp: &Stamp,
    ) -> Outcome<()> {
        manager(by)?;
        if disabled && username.eq_ignore_ascii_case(by.username.as_str()) {
            return Err(invalid(
                "Non puoi disattivare il tuo stesso account.".into(),
            ));
        }
        let missing = || Refusal::NotFound(format!("la persona «{username}»"));
        let target = self.store.person(username).await.map_err(|_| missing())?;
        if !within(by.entity.as_deref(), target.entity.as_deref()) {
            return Err(missing());
        }
        self.store
            .set_disabled(username, disabled, stamp)
            .await
            .map_err(|e| match e {
                StoreError::NotFound(_) => missing(),
                e => e.into(),
            })
    }

    /// Gives `person` an API token named `name` (1-80 characters) whose secret hashes to
    /// `secret_hash`.
    pub async fn add_token(
        &self,
        person: &Person,
        name: &str,
        secret_hash: &str,
        stamp: &Stamp,
    ) -> Outcome<i64> {
        let name = cleaned(Field::TokenName, name)?;
        if name.is_empty() {
            return Err(invalid(
                "Dare alla chiave un nome di 1–80 caratteri.".into(),
            ));
        }
        Ok(self
            .store
            .add_token(person.username.as_str(), &name, secret_hash, stamp)
            .await?)
    }

    /// Revokes token `id` of `person`, which must be live.
    pub async fn revoke_token(&self, person: &Person, id: i64, stamp: &Stamp) -> Outcome<()> {
        self.store
            .revoke_token(person.username.as_str(), id, stamp)
            .await
            .map_err(|e| match e {
                StoreError::NotFound(_) => {
                    Refusal::NotFound("una chiave attiva con questo numero".into())
                }
                e => e.into(),
            })
    }

    /// Gives `person` a calendar feed whose secret hashes to `secret_hash` (replacing theirs),
    /// or (`None`) ends it; ending one there is not is no error.
    pub async fn set_feed(
        &self,
        person: &Person,
        secret_hash: Option<&str>,
        stamp: &Stamp,
    ) -> Outcome<()> {
        match self
            .store
            .set_calendar_feed(person.username.as_str(), secret_hash, stamp)
            .await
        {
            Ok(()) | Err(StoreError::Conflict(_)) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn administrators_manage_their_own_administration_only() {
        assert!(within(None, Some("roma")));
        assert!(within(Some("roma"), Some("roma")));
        assert!(!within(Some("roma"), None));
        assert!(!within(Some("roma"), Some("milano")));
    }

    fn account<'a>(password: &'a str, roles: &'a [String], units: &'a [String]) -> NewAccount<'a> {
        NewAccount {
            username: "mario.rossi",
            name: "Mario Rossi",
            roles,
            units,
            entity: EntityChoice::Every,
            password,
            email: None,
        }
    }

    #[test]
    fn a_new_account_is_checked_before_its_password_is_hashed() {
        let none: [String; 0] = [];
        let ok = account("dodici-caratteri", &none, &none).checked();
        assert!(ok.is_ok(), "{ok:?}");
        let short = account("undici-cara", &none, &none).checked();
        assert!(matches!(short, Err(Refusal::Invalid(m)) if m.contains("almeno 12")));
        let roles = ["giudice".to_string()];
        let role = account("dodici-caratteri", &roles, &none).checked();
        assert!(matches!(role, Err(Refusal::Invalid(m)) if m.contains("giudice")));
        let units = ["1 2".to_string(), " ".to_string()];
        let unit = account("dodici-caratteri", &none, &units).checked();
        assert!(matches!(unit, Err(Refusal::Invalid(m)) if m.contains("«1 2»")));
        let mut nameless = account("dodici-caratteri", &none, &none);
        nameless.name = "  ";
        assert!(
            matches!(nameless.checked(), Err(Refusal::Invalid(m)) if m.contains("nome e cognome"))
        );
        let mut bad = account("dodici-caratteri", &none, &none);
        bad.username = "mario rossi";
        assert!(matches!(bad.checked(), Err(Refusal::Invalid(m)) if m.contains("nome utente")));
        let mut mail = account("dodici-caratteri", &none, &none);
        mail.email = Some(" mario@comune.example.it ");
        let kept = mail.checked().unwrap().email.unwrap();
        assert_eq!(kept.as_str(), "mario@comune.example.it");
        mail.email = Some("mario@");
        assert!(matches!(mail.checked(), Err(Refusal::Invalid(m)) if m.contains("«mario@»")));
    }
}
