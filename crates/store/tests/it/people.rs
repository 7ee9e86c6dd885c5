//! Accounts: one account per username whatever its case, and a new password ends every way
//! in the old one opened (sessions, API tokens, trusted browsers).

use chrono::Duration;
use domain::Role;
use store::testing::stamp;
use store::{NewPerson, StoreError};

fn new(username: &str) -> NewPerson {
    NewPerson {
        username: domain::Username::parse(username).unwrap(),
        name: "Ada Rossi".into(),
        entity: None,
        roles: vec![Role::Admin],
        units: vec![],
        password_hash: Some("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA".into()),
    }
}

#[tokio::test]
async fn a_username_names_one_account_whatever_its_case() {
    for (db, store) in crate::each_store().await {
        let b = db.backend;
        store.add_person(&new("Ada"), &stamp("test")).await.unwrap();
        let again = store.add_person(&new("ADA"), &stamp("test")).await;
        assert!(
            matches!(again, Err(StoreError::Conflict(_))),
            "{b}: {again:?}"
        );
        assert_eq!(store.person("aDa").await.unwrap().username, "Ada", "{b}");
        assert_eq!(store.people().await.unwrap().len(), 1, "{b}");
        // The history names the account as stored, whatever case it was asked by.
        store
            .set_password("ADA", "$argon2id$x", &stamp("cli"))
            .await
            .unwrap();
        crate::set_email(&store, "aDA", "ada@comune.example.it").await;
        let log = store
            .audit_log(&store::AuditFilter::default())
            .await
            .unwrap();
        let subjects: Vec<&str> = log.iter().map(|e| e.subject.as_str()).collect();
        assert!(
            subjects.iter().all(|s| *s == "person/Ada"),
            "{b}: {subjects:?}"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn a_new_password_ends_sessions_tokens_and_trusted_browsers() {
    for (db, store) in crate::each_store().await {
        let b = db.backend;
        let ada = store.add_person(&new("ada"), &stamp("test")).await.unwrap();
        let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        store
            .open_session(
                &ada,
                "session-hash",
                "csrf",
                now + Duration::hours(1),
                &stamp("ada"),
            )
            .await
            .unwrap();
        store
            .add_token("ada", "cruscotto", "token-hash", &stamp("ada"))
            .await
            .unwrap();
        store
            .trust_device(&ada, "device-hash", now, now + Duration::days(30))
            .await
            .unwrap();
        assert!(
            store.token_person("token-hash").await.unwrap().is_some(),
            "{b}"
        );
        assert!(
            store
                .device_trusted("device-hash", "ADA", now)
                .await
                .unwrap(),
            "{b}"
        );

        store
            .set_password("ada", "$argon2id$new", &stamp("cli"))
            .await
            .unwrap();
        assert!(
            store.session("session-hash", now).await.unwrap().is_none(),
            "{b}"
        );
        assert!(
            store.token_person("token-hash").await.unwrap().is_none(),
            "{b}: token revoked"
        );
        assert!(
            !store
                .device_trusted("device-hash", "ada", now)
                .await
                .unwrap(),
            "{b}"
        );
        let tokens = store.tokens("ada").await.unwrap();
        assert!(tokens[0].revoked_at.is_some(), "{b}: listed as revoked");
        store.close().await;
    }
}
