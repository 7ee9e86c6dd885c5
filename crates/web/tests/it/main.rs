//! The real server on a random port against a fresh database: SQLite always, PostgreSQL when
//! `PEGASO_TEST_DATABASE_URL` is set; a real headless Chromium when `PEGASO_BROWSER_TESTS` is.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod api;
mod browser;
mod pages;

use domain::Plan;
use store::Store;
use store::testing::{TestDatabase, fresh_databases};
use tokio::sync::oneshot;

/// A running server and the database behind it.
#[allow(missing_debug_implementations)]
pub struct TestApp {
    pub base: String,
    pub backend: &'static str,
    pub store: Store,
    client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _db: TestDatabase,
}

impl TestApp {
    /// Starts the application on 127.0.0.1:0 with the demo plan loaded, as `pegaso serve` does.
    pub async fn spawn(db: TestDatabase) -> TestApp {
        let store = Store::open(&db.url).await.unwrap();
        web::load_demo_if_empty(&store)
            .await
            .unwrap()
            .expect("an empty database");
        // Bound before the server starts: requests wait in the backlog, nothing sleeps.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let state = web::AppState::new(store.clone());
        let task = tokio::spawn(web::serve(listener, state, async {
            stopped.await.ok();
        }));
        TestApp {
            base,
            backend: db.backend,
            store,
            client: reqwest::Client::new(),
            stop: Some(stop),
            task: Some(task),
            _db: db,
        }
    }

    /// One app per database the environment offers.
    pub async fn each() -> Vec<TestApp> {
        let mut apps = Vec::new();
        for db in fresh_databases().await {
            apps.push(TestApp::spawn(db).await);
        }
        apps
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// The body of a page that must answer 200 with HTML.
    pub async fn page(&self, path: &str) -> String {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "{} {path}", self.backend);
        let kind = r.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        r.text().await.unwrap()
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
        self.store.close().await;
    }
}

pub fn demo() -> Plan {
    serde_json::from_str(web::DEMO_PLAN).unwrap()
}

pub const PLAN: &str = "citta-di-alessandria-2021";

#[tokio::test]
async fn healthz_answers_and_the_server_stops_gracefully() {
    for app in TestApp::each().await {
        let r = app.get("/healthz").await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.text().await.unwrap(), r#"{"status":"ok"}"#);
        let base = app.base.clone();
        app.stop().await;
        assert!(
            reqwest::get(format!("{base}/healthz")).await.is_err(),
            "still answering after stop"
        );
    }
}
