//! People's contract: accounts added as asked (units in order, once each) and refused when
//! their username or name cannot be one; e-mail addresses; calendar feeds given, replaced
//! and taken away; sessions opened, moved on and closed; API tokens made and revoked, by
//! their owner only; disabling ends sessions and tokens and hides the feed until enabled
//! again; a new password ends sessions and tokens; the sign-in throttle's rows are not on the
//! record.

use chrono::Duration;
use domain::{Role, UnitId};
use serde_json::json;
use store::{NewPerson, Person};

use super::{Refused, Run, on_every_backend, text};

const HASH: &str = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
const NOBODY: &str = "nessuno";

pub fn new(username: &str, units: &[&str]) -> NewPerson {
    NewPerson {
        username: domain::Username::parse(username).unwrap(),
        name: format!("  {username} Rossi "),
        entity: Some("citta-di-alessandria".into()),
        roles: vec![Role::Admin, Role::Auditor],
        units: units.iter().map(|u| UnitId::parse(*u).unwrap()).collect(),
        password_hash: Some(HASH.into()),
    }
}

fn subject<T>(username: &str) -> impl FnOnce(&T) -> String {
    let subject = format!("person/{username}");
    move |_| subject
}

impl Run {
    async fn who(&self, username: &str) -> Person {
        self.store.person(username).await.unwrap()
    }

    /// Adds an account: as asked, its name trimmed, its units in order and once each.
    pub async fn person(&self, username: &str, units: &[&str]) -> Person {
        let new = new(username, units);
        let stamp = self.stamp("cli");
        let add = self.store.add_person(&new, &stamp);
        let person = self
            .write(
                "person.add",
                |p: &Person| format!("person/{}", p.username),
                add,
            )
            .await;
        let name = new.name.trim();
        let after = json!({
            "username": username, "name": name, "entity": new.entity, "roles": new.roles,
            "units": new.units,
        });
        self.entry_says(None, Some(after));
        let mut units = new.units.clone();
        units.sort();
        units.dedup();
        let expected = Person {
            id: person.id,
            username: domain::Username::parse(username).unwrap(),
            name: name.into(),
            entity: new.entity,
            roles: new.roles,
            units,
            disabled: false,
            password_hash: new.password_hash,
            email: None,
        };
        assert_eq!(
            (&person, self.who(username).await),
            (&expected, expected.clone()),
            "{}",
            self.backend
        );
        person
    }

    /// Sets or removes an account's e-mail address.
    pub async fn email(&self, username: &str, email: Option<&str>) {
        let old = self.who(username).await.email;
        let stamp = self.stamp("cli");
        let address = email.map(|e| domain::Email::parse(e).unwrap());
        let set = self.store.set_email(username, address.as_ref(), &stamp);
        self.write("person.email", subject(username), set).await;
        self.entry_says(
            Some(json!({ "email": old })),
            Some(json!({ "email": email })),
        );
        assert_eq!(
            self.who(username).await.email.as_ref().map(|e| e.as_str()),
            email,
            "{}",
            self.backend
        );
    }

    /// Gives an account the calendar feed whose secret hashes to `hash`, or takes it away.
    pub async fn feed(&self, username: &str, hash: Option<&str>) {
        let (s, b) = (&self.store, self.backend);
        let stamp = self.stamp(username);
        let set = s.set_calendar_feed(username, hash, &stamp);
        let action = if hash.is_some() {
            "person.calendar"
        } else {
            "person.calendar.revoke"
        };
        self.write(action, subject(username), set).await;
        self.entry_says(None, None);
        assert_eq!(
            s.has_calendar_feed(username).await.unwrap(),
            hash.is_some(),
            "{b}"
        );
        if let Some(hash) = hash {
            let found = s
                .calendar_feed_person(hash)
                .await
                .unwrap()
                .map(|p| p.username.to_string());
            assert_eq!(found.as_deref(), Some(username), "{b}");
        }
    }

    /// Opens a session an hour long; it is found until its deadline, with its person.
    pub async fn session(&self, username: &str, hash: &str) {
        let (s, b) = (&self.store, self.backend);
        let person = self.who(username).await;
        let stamp = self.stamp(username);
        let expires = stamp.at + Duration::hours(1);
        let open = s.open_session(&person, hash, "csrf", expires, &stamp);
        self.write("session.open", subject(username), open).await;
        let row = s.session(hash, stamp.at).await.unwrap().unwrap();
        let times = (row.created_at, row.last_seen, row.expires_at);
        assert_eq!(
            times,
            (text(stamp.at), text(stamp.at), text(expires)),
            "{b}"
        );
        assert_eq!((row.person, row.csrf.as_str()), (person, "csrf"), "{b}");
        assert!(
            s.session(hash, expires).await.unwrap().is_none(),
            "{b}: over at its deadline"
        );
    }

    /// Makes an API token; it is listed first, and names its person.
    pub async fn token(&self, username: &str, name: &str, hash: &str) -> i64 {
        let (s, b) = (&self.store, self.backend);
        let stamp = self.stamp(username);
        let add = s.add_token(username, name, hash, &stamp);
        let id = self.write("token.add", subject(username), add).await;
        self.entry_says(None, Some(json!({ "token": id, "name": name })));
        let listed = s.tokens(username).await.unwrap();
        let first = listed.first().map(|t| {
            (
                t.id,
                t.name.as_str(),
                t.created_at.clone(),
                t.revoked_at.clone(),
            )
        });
        assert_eq!(first, Some((id, name, text(stamp.at), None)), "{b}");
        assert_eq!(
            s.token_person(hash).await.unwrap(),
            Some(self.who(username).await),
            "{b}"
        );
        id
    }

    /// Closes a session (a sign-out): it is found no more.
    pub async fn close_session(&self, username: &str, hash: &str) {
        let person = self.who(username).await;
        let stamp = self.stamp(username);
        let close = self.store.close_session(&person, hash, &stamp);
        self.write("session.close", subject(username), close).await;
        self.entry_says(None, None);
        assert!(
            self.store
                .session(hash, self.now())
                .await
                .unwrap()
                .is_none(),
            "{}",
            self.backend
        );
    }

    /// Revokes token `id` of `username`: revoked now, naming its person no more.
    pub async fn revoke(&self, username: &str, id: i64, hash: &str) {
        let stamp = self.stamp(username);
        let revoke = self.store.revoke_token(username, id, &stamp);
        self.write("token.revoke", subject(username), revoke).await;
        self.entry_says(None, Some(json!({ "token": id })));
        let revoked = self
            .revoked(username)
            .await
            .into_iter()
            .find(|(t, _)| *t == id);
        assert_eq!(
            revoked,
            Some((id, Some(text(stamp.at)))),
            "{}",
            self.backend
        );
        assert_eq!(
            self.store.token_person(hash).await.unwrap(),
            None,
            "{}",
            self.backend
        );
    }

    /// Disables or enables an account; returns the instant.
    pub async fn disabled(&self, username: &str, disabled: bool) -> String {
        let stamp = self.stamp("cli");
        let action = if disabled {
            "person.disable"
        } else {
            "person.enable"
        };
        let set = self.store.set_disabled(username, disabled, &stamp);
        self.write(action, subject(username), set).await;
        self.entry_says(
            Some(json!({ "disabled": !disabled })),
            Some(json!({ "disabled": disabled })),
        );
        assert_eq!(
            self.who(username).await.disabled,
            disabled,
            "{}",
            self.backend
        );
        text(stamp.at)
    }

    /// Sets a new password hash; returns the instant.
    pub async fn reset(&self, username: &str, hash: &str) -> String {
        let stamp = self.stamp("cli");
        let reset = self.store.set_password(username, hash, &stamp);
        self.write("person.reset_password", subject(username), reset)
            .await;
        self.entry_says(None, None);
        let stored = self.who(username).await.password_hash;
        assert_eq!(stored.as_deref(), Some(hash), "{}", self.backend);
        text(stamp.at)
    }

    /// When each token of `username` was revoked.
    async fn revoked(&self, username: &str) -> Vec<(i64, Option<String>)> {
        let tokens = self.store.tokens(username).await.unwrap();
        tokens.into_iter().map(|t| (t.id, t.revoked_at)).collect()
    }
}

#[tokio::test]
async fn people_accounts_sessions_tokens_and_feeds_keep_their_contract() {
    on_every_backend(async |run: &Run| {
        let (s, b) = (&run.store, run.backend);
        run.person("ada", &["tributi", "avvocatura", "tributi"])
            .await;
        // A capital: both backends must list accounts in the same order whatever the
        // database's collation.
        run.person("Bruno", &[]).await;
        // A username with a space is not one (`NewPerson` holds a `Username`); a blank name is
        // refused.
        assert!(
            domain::Username::parse("ada rossi").is_err(),
            "{}",
            run.backend
        );
        let mut blank = new("eva", &[]);
        blank.name = " \n ".into();
        run.refuse(Refused::Invalid, s.add_person(&blank, &run.stamp("cli")))
            .await;
        run.refuse(Refused::NotFound, s.person(NOBODY)).await;

        run.email("ada", Some("ada@comune.example.it")).await;
        run.email("ada", None).await;
        run.refuse(
            Refused::NotFound,
            s.set_email(NOBODY, None, &run.stamp("cli")),
        )
        .await;

        // Calendar feeds: given, replaced, taken away once.
        run.feed("ada", Some("feed-1")).await;
        run.feed("ada", Some("feed-2")).await;
        assert_eq!(s.calendar_feed_person("feed-1").await.unwrap(), None, "{b}");
        run.feed("ada", None).await;
        assert_eq!(s.calendar_feed_person("feed-2").await.unwrap(), None, "{b}");
        run.refuse(
            Refused::Conflict,
            s.set_calendar_feed("ada", None, &run.stamp("ada")),
        )
        .await;
        run.refuse(
            Refused::NotFound,
            s.set_calendar_feed(NOBODY, Some("feed-9"), &run.stamp("cli")),
        )
        .await;

        // Sessions: moved on without a record, closed with one.
        run.session("ada", "sessione-1").await;
        let (later, until) = (
            run.now() + Duration::minutes(30),
            run.now() + Duration::hours(2),
        );
        run.quiet("touch", s.touch_session("sessione-1", later, until))
            .await;
        let row = s
            .session("sessione-1", until - Duration::seconds(1))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.last_seen, row.expires_at),
            (text(later), text(until)),
            "{b}"
        );
        run.close_session("ada", "sessione-1").await;
        assert!(
            s.session("sessione-1", later).await.unwrap().is_none(),
            "{b}"
        );

        // Tokens: newest first; revoked once, by their owner only.
        let first = run.token("ada", "cruscotto", "token-1").await;
        let second = run.token("ada", "script", "token-2").await;
        assert!(second > first, "{b}");
        run.refuse(
            Refused::NotFound,
            s.revoke_token("Bruno", second, &run.stamp("Bruno")),
        )
        .await;
        run.revoke("ada", first, "token-1").await;
        assert_eq!(run.revoked("ada").await[0], (second, None), "{b}");
        run.refuse(
            Refused::NotFound,
            s.revoke_token("ada", first, &run.stamp("ada")),
        )
        .await;
        run.refuse(
            Refused::NotFound,
            s.add_token(NOBODY, "x", "token-9", &run.stamp("cli")),
        )
        .await;

        // Disabled: sessions end, tokens are revoked, the feed hides until enabled again.
        run.feed("ada", Some("feed-3")).await;
        run.session("ada", "sessione-2").await;
        for disabled in [true, false] {
            let at = run.disabled("ada", disabled).await;
            assert!(
                s.session("sessione-2", run.now()).await.unwrap().is_none(),
                "{b}"
            );
            let feed = s
                .calendar_feed_person("feed-3")
                .await
                .unwrap()
                .map(|p| p.username);
            assert_eq!(feed.is_none(), disabled, "{b}");
            if disabled {
                assert_eq!(run.revoked("ada").await[0], (second, Some(at)), "{b}");
            }
        }
        assert_eq!(
            s.token_person("token-2").await.unwrap(),
            None,
            "{b}: still revoked"
        );
        run.refuse(
            Refused::NotFound,
            s.set_disabled(NOBODY, true, &run.stamp("cli")),
        )
        .await;

        // A new password ends sessions and tokens.
        run.session("ada", "sessione-3").await;
        let third = run.token("ada", "nuovo", "token-3").await;
        let at = run.reset("ada", "$argon2id$nuova").await;
        assert!(
            s.session("sessione-3", run.now()).await.unwrap().is_none(),
            "{b}"
        );
        assert_eq!(run.revoked("ada").await[0], (third, Some(at)), "{b}");
        run.see(
            "feed after a new password",
            &s.calendar_feed_person("feed-3").await.unwrap(),
        );
        run.refuse(
            Refused::NotFound,
            s.set_password(NOBODY, "x", &run.stamp("cli")),
        )
        .await;

        // The sign-in throttle's rows and trusted browsers: counted, forgotten, not on the
        // record.
        let (now, window) = (run.now(), Duration::minutes(15));
        let keys = ["account:ada", "address:10.0.0.1"];
        let attempt = run
            .quiet("attempt", s.login_attempt(&keys, now, now - window))
            .await;
        run.quiet("attempt", s.login_attempt(&keys, now, now - window))
            .await;
        let count = async |key| s.login_failures(key, now - window).await.unwrap();
        assert_eq!((count(keys[0]).await, count(keys[1]).await), (2, 2), "{b}");
        run.quiet("forget", s.forget_login_attempt(&attempt)).await;
        run.quiet("success", s.login_succeeded(&keys[..1], &[]))
            .await;
        assert_eq!((count(keys[0]).await, count(keys[1]).await), (0, 1), "{b}");
        let ada = run.who("ada").await;
        run.quiet(
            "trust",
            s.trust_device(&ada, "browser", now, now + Duration::days(30)),
        )
        .await;
        assert!(
            s.device_trusted("browser", "ADA", now).await.unwrap(),
            "{b}"
        );
        run.quiet("forget", s.forget_device("browser")).await;
        assert!(
            !s.device_trusted("browser", "ada", now).await.unwrap(),
            "{b}"
        );

        // Last, as a refused insert may use up an id on PostgreSQL: a username taken.
        run.refuse(
            Refused::Conflict,
            s.add_person(&new("ADA", &[]), &run.stamp("cli")),
        )
        .await;
        let mut people: Vec<String> = run
            .read("people", s.people())
            .await
            .into_iter()
            .map(|p| p.username.to_string())
            .collect();
        people.sort();
        assert_eq!(people, ["Bruno", "ada"], "{b}");
    })
    .await;
}
