//! People in a real headless Chromium (Debian's `chromium` and `chromium-driver`, driven over
//! WebDriver): a citizen opens an objective card; a head signs in, edits a phase of their unit
//! and is refused on another unit's. Screenshots go under `target/browser/`. Runs when
//! `PEGASO_BROWSER_TESTS` is set.

use std::process::{Child, Command, Stdio};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};

use crate::{PLAN, PLAN_ID, TestApp, demo, head_name, objective_of};

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

fn enabled() -> bool {
    if std::env::var_os("PEGASO_BROWSER_TESTS").is_none() {
        eprintln!(
            "SKIPPED browser test: set PEGASO_BROWSER_TESTS=1 (needs chromium and chromium-driver)"
        );
        return false;
    }
    true
}

/// A headless Chromium session, with the driver that must outlive it; none when browser
/// tests are not enabled.
async fn start_browser() -> Option<(Driver, Client)> {
    if !enabled() {
        return None;
    }
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
    Some((driver, browser))
}

fn screenshot(name: &str, png: &[u8]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

async fn text(browser: &Client, css: &str) -> String {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Signs in through the home page's link and the login form, as a person would.
async fn sign_in(browser: &Client, base: &str, username: &str, password: &str) {
    browser.goto(&format!("{base}/")).await.unwrap();
    click(browser, Locator::LinkText("Accedi")).await;
    for (id, value) in [("username", username), ("password", password)] {
        type_into(browser, Locator::Id(id), value).await;
    }
    click(browser, Locator::Css("form.modulo button")).await;
    // Signed in once the page that follows offers to sign out.
    wait_for(browser, Locator::Css("form.esci")).await;
}

async fn click(browser: &Client, locator: Locator<'_>) {
    browser.find(locator).await.unwrap().click().await.unwrap();
}

/// Types `keys` into the field `locator` finds.
async fn type_into(browser: &Client, locator: Locator<'_>, keys: &str) {
    let field = browser.find(locator).await.unwrap();
    field.send_keys(keys).await.unwrap();
}

/// Whether the page shows what `locator` finds.
async fn shown(browser: &Client, locator: Locator<'_>) -> bool {
    browser.find(locator).await.is_ok()
}

/// Waits until the page shows what `locator` finds.
async fn wait_for(browser: &Client, locator: Locator<'_>) {
    browser.wait().for_element(locator).await.unwrap();
}

/// Follows the card's link to the form of the phase `label`.
async fn edit_phase(browser: &Client, label: &str) {
    click(
        browser,
        Locator::LinkText(&format!("Modifica la fase {label}")),
    )
    .await;
}

/// Signs out through the home page's button.
async fn sign_out(browser: &Client, base: &str) {
    browser.goto(&format!("{base}/")).await.unwrap();
    click(browser, Locator::Css("form.esci button")).await;
    // The answer to the form, signed out, before the next address: otherwise its redirect
    // may land after it.
    wait_for(browser, Locator::Css("a[href=\"/accesso\"]")).await;
}

/// The address of an objective's card.
fn card_of(base: &str, o: &domain::Objective) -> String {
    format!("{base}/piani/{PLAN}/obiettivi/{}/{}", o.unit, o.label)
}

#[tokio::test]
async fn a_head_reports_a_phase_done_with_evidence_and_sees_light_and_score_change() {
    let Some((_driver, browser)) = start_browser().await else {
        return;
    };
    let plan = demo();
    // An objective with two dated phases, both weighted, of a unit with one head.
    let o = plan
        .objectives
        .iter()
        .find(|o| {
            o.phases.len() == 2
                && o.phases
                    .iter()
                    .all(|p| p.deadline.fixed_date().is_some() && p.weight_pct.is_some())
                && plan.unit(&o.unit).is_some_and(|u| u.heads.len() == 1)
        })
        .unwrap();
    let weight = o.phases[0].weight_pct.unwrap();
    let due = o.phases[0].deadline.fixed_date().unwrap();
    let name = head_name(plan.unit(&o.unit).unwrap());
    let evidence = std::env::temp_dir().join(format!("relazione-{}.pdf", std::process::id()));
    std::fs::write(&evidence, b"%PDF-1.4\n% relazione\n%%EOF\n").unwrap();
    for app in TestApp::each().await {
        let b = app.backend;
        // The plan measures phases by weight on time; it runs.
        app.store
            .set_scoring(
                &PLAN_ID,
                Some(r#"{"phases": {"method": {"method": "weighted_on_time"}, "empty_weights": "spread"}}"#),
                &store::testing::stamp("test"),
            )
            .await
            .unwrap();
        app.run_plan().await;
        let password = app.person("capo", &name, &[], &[]).await;
        sign_in(&browser, &app.base, "capo", &password).await;
        let card = card_of(&app.base, o);
        browser.goto(&card).await.unwrap();
        // Years past its deadline and not done: late, in red and in words; the score is 0.
        assert!(
            text(&browser, "#fase-1").await.contains("in ritardo"),
            "{b}"
        );
        assert!(
            shown(&browser, Locator::Css("#fase-1 .semaforo.rosso")).await,
            "{b}"
        );
        assert_eq!(
            text(&browser, "p.punteggio strong").await,
            "0,00 su 100",
            "{b}"
        );
        // The head reports phase 1 done on its deadline.
        edit_phase(&browser, o.phases[0].label.as_str()).await;
        click(&browser, Locator::Id("stato-done")).await;
        browser
            .execute(
                "document.getElementById('conclusa').value = arguments[0];",
                vec![serde_json::json!(due.to_string())],
            )
            .await
            .unwrap();
        type_into(
            &browser,
            Locator::Id("nota"),
            "Fase conclusa: relazione allegata",
        )
        .await;
        click(&browser, Locator::Css("form.modulo button")).await;
        wait_for(&browser, Locator::Css("#punteggio")).await;
        let url = browser.current_url().await.unwrap();
        assert!(url.as_str().starts_with(&card), "{b}: {url}");
        // Then attaches the evidence on the phase's page.
        edit_phase(&browser, o.phases[0].label.as_str()).await;
        type_into(
            &browser,
            Locator::Id("documento"),
            evidence.to_str().unwrap(),
        )
        .await;
        click(&browser, Locator::Css("form[enctype] button")).await;
        wait_for(&browser, Locator::Css("#allegati ~ ul")).await;
        let files = text(&browser, "#allegati ~ ul").await;
        assert!(files.contains("relazione-"), "{b}: {files}");
        // The card: done on time, in green; the score is the phase's weight; and how.
        browser.goto(&card).await.unwrap();
        let row = text(&browser, "#fase-1").await;
        assert!(
            row.contains("conclusa nei tempi") && row.contains("relazione-"),
            "{b}: {row}"
        );
        assert!(
            shown(&browser, Locator::Css("#fase-1 .semaforo.verde")).await,
            "{b}"
        );
        assert_eq!(
            text(&browser, "p.punteggio strong").await,
            format!("{} su 100", domain::messages::score(weight.value())),
            "{b}"
        );
        click(&browser, Locator::Css("#punteggio ~ details summary")).await;
        let how = text(&browser, "#punteggio ~ details").await;
        assert!(
            how.contains("conclusa in tempo") && how.contains("non conclusa"),
            "{b}: {how}"
        );
        screenshot(
            "head-reported-phase.png",
            &browser.screenshot().await.unwrap(),
        );
        sign_out(&browser, &app.base).await;
        app.stop().await;
    }
    std::fs::remove_file(&evidence).ok();
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_head_edits_a_phase_of_their_unit_and_is_refused_on_another() {
    let Some((_driver, browser)) = start_browser().await else {
        return;
    };
    let plan = demo();
    let own = objective_of(&plan, "avvocatura");
    let name = head_name(plan.unit(&own.unit).unwrap());
    let other = plan.objectives.iter().find(|o| o.unit != own.unit).unwrap();
    for app in TestApp::each().await {
        // The account carries the name the plan gives the head, without the title.
        let password = app.person("capo", &name, &[], &[]).await;
        sign_in(&browser, &app.base, "capo", &password).await;
        browser
            .goto(&format!("{}/account", app.base))
            .await
            .unwrap();
        assert_eq!(text(&browser, "h1").await, name, "{}", app.backend);
        // Their own objective: the phase is theirs to edit while the plan is a draft.
        let card = card_of(&app.base, own);
        browser.goto(&card).await.unwrap();
        edit_phase(&browser, own.phases[0].label.as_str()).await;
        let description = browser.find(Locator::Id("descrizione")).await.unwrap();
        description.clear().await.unwrap();
        description
            .send_keys("Ricognizione del contenzioso, aggiornata dal responsabile")
            .await
            .unwrap();
        click(&browser, Locator::Css("form.modulo button")).await;
        // The card, once it has loaded (the form's own address also starts with the card's).
        wait_for(
            &browser,
            Locator::XPath("//tbody/tr[contains(., 'aggiornata dal responsabile')]"),
        )
        .await;
        let url = browser.current_url().await.unwrap();
        assert!(
            url.as_str().starts_with(&card) && !url.as_str().contains("/fasi/"),
            "{url}"
        );
        let first_row = text(&browser, "tbody tr").await;
        assert!(
            first_row.contains("aggiornata dal responsabile"),
            "{first_row}"
        );
        let history = text(&browser, "table.storia tbody").await;
        assert!(
            history.contains("capo") && history.contains("fase modificata"),
            "{history}"
        );
        screenshot(
            "head-edited-phase.png",
            &browser.screenshot().await.unwrap(),
        );
        // Another unit's objective: no edit link, the reason instead; the address refused.
        browser.goto(&card_of(&app.base, other)).await.unwrap();
        assert!(
            browser
                .find(Locator::LinkText(&format!(
                    "Modifica la fase {}",
                    other.phases[0].label
                )))
                .await
                .is_err()
        );
        let progress = text(&browser, "#avanzamento ~ table tbody").await;
        assert!(progress.contains("Spetta al responsabile"), "{progress}");
        browser
            .goto(&format!("{}/fasi/1", card_of(&app.base, other)))
            .await
            .unwrap();
        assert_eq!(text(&browser, "h1").await, "Azione non consentita");
        screenshot("head-refused.png", &browser.screenshot().await.unwrap());
        // Signed out, the draft is not there for the public.
        sign_out(&browser, &app.base).await;
        browser.goto(&card).await.unwrap();
        assert_eq!(text(&browser, "h1").await, "Pagina non trovata");
        app.stop().await;
    }
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_person_opens_an_objective_card() {
    let Some((driver, browser)) = start_browser().await else {
        return;
    };
    let plan = demo();
    let o = plan
        .objectives
        .iter()
        .max_by_key(|o| o.phases.len())
        .unwrap();
    let app = TestApp::spawn(store::testing::fresh_sqlite()).await;
    app.approve_plan().await;
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
    let h1 = text(&browser, "h1").await;
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
    screenshot("objective-card.png", &browser.screenshot().await.unwrap());
    browser.close().await.unwrap();
    drop(driver);
    app.stop().await;
}

/// Sets a field's value as a person would have chosen it (dates and lists included).
async fn set(browser: &Client, id: &str, value: &str) {
    browser
        .execute(
            "const e = document.getElementById(arguments[0]); e.value = arguments[1]; return null;",
            vec![serde_json::json!(id), serde_json::json!(value)],
        )
        .await
        .unwrap_or_else(|e| panic!("field {id}: {e}"));
}

/// Clicks the submit button whose words are `words`, and waits for the page that answers.
async fn press(browser: &Client, words: &str) {
    browser
        .execute("window.pegasoBefore = true; return null;", vec![])
        .await
        .unwrap();
    click(
        browser,
        Locator::XPath(&format!("//button[normalize-space()=\"{words}\"]")),
    )
    .await;
    for _ in 0..200 {
        let gone = browser
            .execute("return window.pegasoBefore === undefined;", vec![])
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if gone {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no page answered «{words}»");
}

/// Waits until what `css` finds is there (`shown`) or gone.
async fn wait_until(browser: &Client, css: &str, shown: bool) {
    for _ in 0..200 {
        if browser.find(Locator::Css(css)).await.is_ok() == shown {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{css} never {}", if shown { "shown" } else { "gone" });
}

/// A phase row of a card: its label, its weight, and its deadline's fields by name.
type PhaseRow<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// A card to write: the link that opens its form, its label, its title and its phases.
type CardRows<'a> = (&'a str, &'a str, &'a str, &'a [PhaseRow<'a>]);

/// Fills the rows of a card's phases: label, weight, and the deadline's fields.
async fn phases(browser: &Client, rows: &[PhaseRow<'_>]) {
    for (j, (label, weight, deadline)) in rows.iter().enumerate() {
        type_into(browser, Locator::Id(&format!("fase-{j}-etichetta")), label).await;
        type_into(
            browser,
            Locator::Id(&format!("fase-{j}-descrizione")),
            &format!("Attività della fase {label}"),
        )
        .await;
        type_into(browser, Locator::Id(&format!("fase-{j}-incidenza")), weight).await;
        for (part, value) in *deadline {
            set(browser, &format!("fase-{j}-{part}"), value).await;
        }
    }
}

#[tokio::test]
async fn the_planning_office_writes_a_plan_from_nothing_and_takes_it_to_the_nucleo() {
    let Some((_driver, browser)) = start_browser().await else {
        return;
    };
    let plan = demo();
    for app in TestApp::each().await {
        let b = app.backend;
        let entity = plan.entity.name.clone();
        let admin = app.member(domain::Role::Admin).await;
        sign_in(&browser, &app.base, "ada", &admin).await;

        // A plan from nothing, for 2023.
        click(&browser, Locator::LinkText("Nuovo piano")).await;
        type_into(&browser, Locator::Id("ente"), &entity).await;
        for (id, value) in [("anno", "2023"), ("dal", "2023"), ("al", "2025")] {
            set(&browser, id, value).await;
        }
        press(&browser, "Crea la bozza del piano").await;
        let id = format!("{}-2023", plan.entity_slug());
        assert!(
            browser
                .current_url()
                .await
                .unwrap()
                .as_str()
                .ends_with(&format!("/piani/{id}")),
            "{b}"
        );
        click(&browser, Locator::LinkText("Scrivi il piano")).await;

        // Two units, each with its head.
        for (code, name, head) in [
            ("ragioneria", "Settore Ragioneria", "Dott.ssa Anna Conti"),
            ("tributi", "Servizio Tributi", "Dott. Bruno Serra"),
        ] {
            click(&browser, Locator::LinkText("Aggiungi un'unità")).await;
            type_into(&browser, Locator::Id("codice"), code).await;
            type_into(&browser, Locator::Id("nome"), name).await;
            type_into(&browser, Locator::Id("responsabile-0-nome"), head).await;
            type_into(&browser, Locator::Id("responsabile-0-ruolo"), "Dirigente").await;
            press(&browser, "Salva l'unità").await;
            click(&browser, Locator::LinkText("Scrivi il piano")).await;
        }

        // Three cards: phases of every kind of deadline, one indicator.
        let cards: [CardRows<'_>; 3] = [
            (
                "Nuova scheda per Settore Ragioneria",
                "A",
                "Pagamenti in trenta giorni",
                &[
                    ("1", "50", &[("tipo", "data"), ("data", "2023-06-30")]),
                    (
                        "2",
                        "30",
                        &[("tipo", "dopo una fase"), ("fase", "1"), ("giorni", "30")],
                    ),
                    // 110 in all: the page will say so.
                    (
                        "3",
                        "30",
                        &[
                            ("tipo", "dopo un evento"),
                            ("evento", "approvazione del rendiconto"),
                            ("mesi", "2"),
                        ],
                    ),
                ],
            ),
            (
                "Nuova scheda per Settore Ragioneria",
                "B",
                "Inventario dei beni",
                &[
                    ("1", "40", &[("tipo", "inizio"), ("data", "2023-02-01")]),
                    ("2", "60", &[("tipo", "in corso d'anno")]),
                    ("3", "", &[("tipo", "nessuna")]),
                ],
            ),
            (
                "Nuova scheda per Servizio Tributi",
                "A",
                "Recupero dell'evasione",
                &[
                    ("1", "0", &[("tipo", "conclusa")]),
                    (
                        "2",
                        "100",
                        &[
                            ("tipo", "data"),
                            ("data", "2023-11-30"),
                            ("testo", "presumibilmente 30/11/2023"),
                        ],
                    ),
                ],
            ),
        ];
        for (link, label, title, rows) in cards {
            click(&browser, Locator::LinkText(link)).await;
            type_into(&browser, Locator::Id("etichetta"), label).await;
            type_into(&browser, Locator::Id("titolo"), title).await;
            phases(&browser, rows).await;
            if label == "A" && title.starts_with("Pagamenti") {
                type_into(
                    &browser,
                    Locator::Id("indicatori"),
                    "giorni medi di pagamento",
                )
                .await;
            }
            if title.starts_with("Recupero") {
                click(&browser, Locator::Id("fase-1-presunta")).await;
            }
            press(&browser, "Salva la scheda").await;
            click(&browser, Locator::LinkText("Scrivi il piano")).await;
        }
        let stored = app
            .store
            .plan(&domain::PlanId::parse(id.clone()).unwrap())
            .await
            .unwrap();
        assert_eq!((stored.units.len(), stored.objectives.len()), (2, 3), "{b}");
        let kinds: std::collections::BTreeSet<&str> = stored
            .objectives
            .iter()
            .flat_map(|o| &o.phases)
            .map(|p| p.deadline.parts().kind)
            .collect();
        assert_eq!(
            kinds.len(),
            domain::deadline::kind_word::ALL.len(),
            "{b}: {kinds:?}"
        );

        // The hub counts the error; the card shows it beside its phases, and is mended.
        assert!(
            text(&browser, "#regole + p").await.starts_with("1 errori"),
            "{b}"
        );
        click(
            &browser,
            Locator::Css("a[href$='/bozza/obiettivi/ragioneria/A']"),
        )
        .await;
        let problem = text(&browser, "#fasi-insieme-problema").await;
        assert!(problem.contains("Errore"), "{b}: {problem}");
        screenshot("draft-card-error.png", &browser.screenshot().await.unwrap());
        // As one types, before saving: the finding goes once the weights sum to 100 and comes
        // back when they do not.
        let weight = browser.find(Locator::Id("fase-2-incidenza")).await.unwrap();
        for (value, shown) in [("20", false), ("25", true), ("20", false)] {
            weight.clear().await.unwrap();
            weight.send_keys(value).await.unwrap();
            wait_until(&browser, "#fasi-insieme-problema", shown).await;
        }
        press(&browser, "Salva la scheda").await;
        assert!(
            browser
                .find(Locator::Id("fasi-insieme-problema"))
                .await
                .is_err(),
            "{b}"
        );

        // The indicator's rule, in the plan's measurement system.
        browser
            .goto(&format!("{}/piani/{id}/punteggi", app.base))
            .await
            .unwrap();
        set(&browser, "regole-json", r#"{"indicators_weight": 30, "phases_weight": 70, "indicators": [{"objective": "ragioneria/A", "indicator": 1, "rule": {"conversion": "percent_of_target", "target": 100, "band": "direct", "bands": "achievement", "no_actual": "exclude"}}]}"#).await;
        press(&browser, "Salva le regole").await;
        sign_out(&browser, &app.base).await;

        // The head of Ragioneria writes one of their cards.
        let head = app.person("anna", "Anna Conti", &[], &[]).await;
        sign_in(&browser, &app.base, "anna", &head).await;
        browser
            .goto(&format!(
                "{}/piani/{id}/bozza/obiettivi/ragioneria/B",
                app.base
            ))
            .await
            .unwrap();
        set(&browser, "titolo", "Inventario e valorizzazione dei beni").await;
        press(&browser, "Salva la scheda").await;
        screenshot("draft-head-card.png", &browser.screenshot().await.unwrap());
        browser
            .goto(&format!(
                "{}/piani/{id}/bozza/obiettivi/tributi/A",
                app.base
            ))
            .await
            .unwrap();
        assert_eq!(text(&browser, "h1").await, "Azione non consentita", "{b}");
        sign_out(&browser, &app.base).await;

        // The Nucleo validates it.
        let nucleo = app.member(domain::Role::Evaluator).await;
        sign_in(&browser, &app.base, "nino", &nucleo).await;
        browser
            .goto(&format!("{}/piani/{id}", app.base))
            .await
            .unwrap();
        press(&browser, "Valida il piano").await;
        let plan_id = domain::PlanId::parse(id.clone()).unwrap();
        assert_eq!(
            app.store.plan_state(&plan_id).await.unwrap(),
            domain::PlanState::Validated,
            "{b}"
        );
        let stored = app.store.plan(&plan_id).await.unwrap();
        assert_eq!(
            stored.objectives[1].title, "Inventario e valorizzazione dei beni",
            "{b}"
        );
        sign_out(&browser, &app.base).await;
        app.stop().await;
    }
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_head_rates_a_member_who_appeals_the_nucleo_decides_and_the_pool_is_shared() {
    let Some((_driver, browser)) = start_browser().await else {
        return;
    };
    let plan = demo();
    let (unit, _) = crate::headed_unit(&plan);
    for app in TestApp::each().await {
        let b = app.backend;
        app.approve_plan().await;
        // The offices' setup through their forms (the integration test walks them): the SMVP
        // adopted, Mara entered in the unit, the year opened.
        let admin = app.signed_in_as(domain::Role::Admin).await;
        let mut form = crate::evaluation::smvp_form();
        form.push(("seen".into(), "0".into()));
        let base = format!("/piani/{PLAN}/valutazione");
        assert_eq!(
            admin
                .post(&format!("{base}/sistema"), &crate::evaluation::pairs(&form))
                .await
                .status(),
            303,
            "{b}"
        );
        let pia = app
            .person("pia", "Pia Gallo", &[domain::Role::Personnel], &[])
            .await;
        let personnel = app.login("pia", &pia).await;
        let r = personnel
            .post(
                &format!("{base}/personale"),
                &[
                    ("matricola", "M001"),
                    ("nome", "Mara Gialli"),
                    ("categoria", "istruttore"),
                    ("unita", unit.id.as_str()),
                    ("part_time", "100"),
                    ("utente", "mara"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303, "{b}");
        assert_eq!(
            admin
                .post(&format!("{base}/apertura"), &[("seen", "1")])
                .await
                .status(),
            303,
            "{b}"
        );
        let capo = app.person("capo", &head_name(unit), &[], &[]).await;
        let mara = app.person("mara", "Mara Gialli", &[], &[]).await;
        let nino = app
            .person("nino", "Nino Verdi", &[domain::Role::Evaluator], &[])
            .await;

        // The head finds Mara's scheda, assigns her objective and rates her, and notifies.
        sign_in(&browser, &app.base, "capo", &capo).await;
        browser.goto(&format!("{}{base}", app.base)).await.unwrap();
        click(&browser, Locator::LinkText("Mara Gialli")).await;
        let sheet = browser.current_url().await.unwrap().to_string();
        type_into(&browser, Locator::Id("ob-id-0"), "O1").await;
        type_into(
            &browser,
            Locator::Id("ob-titolo-0"),
            "Pratiche evase nei termini",
        )
        .await;
        type_into(&browser, Locator::Id("ob-peso-0"), "100").await;
        press(&browser, "Salva obiettivi e pesi").await;
        type_into(&browser, Locator::Id("ragg-0"), "90").await;
        // Collaboration 4, orientation 5 on the 1..5 scale, the descriptor beside each.
        click(&browser, Locator::Id("voto-0-4")).await;
        click(&browser, Locator::Id("voto-1-3")).await;
        press(&browser, "Firma la valutazione").await;
        // (30 × 90 + 70 × (50 × 100 + 50 × 75) / 100) / 100 = 27 + 61.25 = 88.25
        let score = text(&browser, "p.punteggio").await;
        assert!(
            score.contains("88,25") && score.contains("positiva"),
            "{b}: {score}"
        );
        press(&browser, "Notifica la scheda alla persona").await;
        assert!(
            text(&browser, "p.stato").await.contains("Notificata"),
            "{b}"
        );
        sign_out(&browser, &app.base).await;

        // Mara acknowledges with an observation (not agreement) and appeals within the window.
        sign_in(&browser, &app.base, "mara", &mara).await;
        browser.goto(&sheet).await.unwrap();
        type_into(
            &browser,
            Locator::Id("osservazioni"),
            "Il secondo semestre ho coperto anche lo sportello.",
        )
        .await;
        press(&browser, "Dichiaro di aver preso visione").await;
        assert!(
            text(&browser, "p.stato").await.contains("Presa visione"),
            "{b}"
        );
        type_into(
            &browser,
            Locator::Id("richiesta"),
            "Chiedo di considerare lo sportello coperto.",
        )
        .await;
        press(
            &browser,
            "Chiedi la conciliazione a «Nucleo di Valutazione»",
        )
        .await;
        assert!(
            text(&browser, "p.stato").await.contains("In conciliazione"),
            "{b}"
        );
        screenshot(
            "evaluation-appealed.png",
            &browser.screenshot().await.unwrap(),
        );
        sign_out(&browser, &app.base).await;

        // The Nucleo decides, with reasons: confirmed, the scheda definitive.
        sign_in(&browser, &app.base, "nino", &nino).await;
        browser.goto(&sheet).await.unwrap();
        type_into(
            &browser,
            Locator::Id("motivazione"),
            "Lo sportello rientra nell'obiettivo O1, già valutato.",
        )
        .await;
        press(&browser, "Registra la decisione").await;
        let stage = text(&browser, "p.stato").await;
        assert!(stage.contains("Definitiva"), "{b}: {stage}");
        sign_out(&browser, &app.base).await;

        // Once the measurement is validated, the personnel office sets the budget and shares it.
        app.act(
            domain::PlanState::Approved,
            "start",
            domain::PlanState::InExecution,
        )
        .await;
        app.act(
            domain::PlanState::InExecution,
            "close_measurement",
            domain::PlanState::Measured,
        )
        .await;
        app.act(
            domain::PlanState::Measured,
            "validate_measurement",
            domain::PlanState::MeasureValidated,
        )
        .await;
        app.validate_relazione().await;
        sign_in(&browser, &app.base, "pia", &pia).await;
        browser
            .goto(&format!("{}{base}/premi", app.base))
            .await
            .unwrap();
        type_into(
            &browser,
            Locator::Id("comparto_individual-importo"),
            "1.000,00",
        )
        .await;
        type_into(
            &browser,
            Locator::Id("comparto_individual-atto"),
            "Determina n. 5",
        )
        .await;
        type_into(
            &browser,
            Locator::Id("comparto_individual-variabile"),
            "3.000,00",
        )
        .await;
        press(&browser, "Salva il fondo").await;
        press(&browser, "Ripartisci i fondi").await;
        let payouts = text(&browser, "main").await;
        assert!(
            payouts.contains("Mara Gialli")
                && payouts.contains("1.000,00 €")
                && payouts.contains("punteggio 88,25"),
            "{b}: {payouts}"
        );
        screenshot(
            "evaluation-pool-shared.png",
            &browser.screenshot().await.unwrap(),
        );
        sign_out(&browser, &app.base).await;
        app.stop().await;
    }
    browser.close().await.unwrap();
}
