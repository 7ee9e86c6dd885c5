//! A person opens an objective card in a real headless Chromium (Debian's `chromium` and
//! `chromium-driver`, driven over WebDriver) and sees the card; a screenshot goes under
//! `target/browser/`. Runs when `PEGASO_BROWSER_TESTS` is set.

use std::process::{Child, Command, Stdio};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{ClientBuilder, Locator};

use crate::{PLAN, TestApp, demo};

/// chromedriver on a free port, killed when dropped.
struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_driver() -> Driver {
    let port = free_port();
    let driver = Driver(
        Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian package chromium-driver)"),
        port,
    );
    // Wait for it to listen: connect until it accepts, a bounded number of times.
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return driver;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

#[tokio::test]
async fn a_person_opens_an_objective_card() {
    if std::env::var_os("PEGASO_BROWSER_TESTS").is_none() {
        eprintln!(
            "SKIPPED browser test: set PEGASO_BROWSER_TESTS=1 (needs chromium and chromium-driver)"
        );
        return;
    }
    let plan = demo();
    let o = plan
        .objectives
        .iter()
        .max_by_key(|o| o.phases.len())
        .unwrap();
    let app = TestApp::spawn(store::testing::fresh_sqlite()).await;
    let driver = start_driver().await;
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"args": ["--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--disable-background-networking", "--window-size=1280,2000"]}),
    );
    let browser = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.1))
        .await
        .expect("a WebDriver session");
    // From the plan tree, the person follows the link to the card.
    browser
        .goto(&format!("{}/piani/{PLAN}", app.base))
        .await
        .unwrap();
    let link = browser
        .find(Locator::Css(&format!(
            "a[href='/piani/{PLAN}/obiettivi/{}/{}']",
            o.unit, o.label
        )))
        .await
        .unwrap();
    link.click().await.unwrap();
    let h1 = browser
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        h1,
        format!(
            "Obiettivo {}: {}",
            o.label,
            o.title.split_whitespace().collect::<Vec<_>>().join(" ")
        )
    );
    let rows = browser.find_all(Locator::Css("tbody tr")).await.unwrap();
    assert_eq!(rows.len(), o.phases.len());
    let first = rows[0].text().await.unwrap();
    assert!(first.starts_with(o.phases[0].label.as_str()), "{first}");
    let gantt = browser.find(Locator::Css("svg.gantt")).await.unwrap();
    let label = gantt.attr("aria-labelledby").await.unwrap().unwrap();
    assert_eq!(label, "gantt-titolo");
    // The skip link is the first thing the keyboard reaches, and it leads to the content.
    let tab: char = Key::Tab.into();
    let enter: char = Key::Enter.into();
    let press = |key: char| {
        KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key })
    };
    browser.perform_actions(press(tab)).await.unwrap();
    let focused = browser.active_element().await.unwrap();
    assert_eq!(focused.text().await.unwrap(), "Vai al contenuto");
    browser.perform_actions(press(enter)).await.unwrap();
    let focused = browser.active_element().await.unwrap();
    assert_eq!(
        focused.attr("id").await.unwrap().as_deref(),
        Some("contenuto")
    );
    let png = browser.screenshot().await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("objective-card.png"), png).unwrap();
    browser.close().await.unwrap();
    app.stop().await;
}
