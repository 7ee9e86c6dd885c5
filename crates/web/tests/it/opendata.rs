//! Open data under `/dati`: only what the public may read (nothing of a draft; a plan once
//! approved; its results once published), each table as CSV and JSON with the same rows, the
//! Data Package describing every file's columns, and the DCAT-AP_IT catalogue listing them.

use domain::PlanState;

use crate::{TestApp, demo};

async fn csv_rows(app: &TestApp, name: &str) -> Vec<Vec<String>> {
    let r = app.get(&format!("/dati/{name}.csv")).await;
    assert_eq!(r.status(), 200, "{name}");
    assert!(
        crate::header(&r, "content-type").starts_with("text/csv"),
        "{name}"
    );
    let text = r.text().await.unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn open_data_holds_what_the_public_may_read_described_by_its_package() {
    let plan = demo();
    let phases: usize = plan.objectives.iter().map(|o| o.phases.len()).sum();
    for app in TestApp::each().await {
        let b = app.backend;
        // A draft is nobody's open data yet.
        assert_eq!(
            csv_rows(&app, "piani").await.len(),
            1,
            "{b}: the header only"
        );
        assert_eq!(csv_rows(&app, "obiettivi").await.len(), 1, "{b}");
        app.approve_plan().await;
        let plans = csv_rows(&app, "piani").await;
        assert_eq!(plans.len(), 2, "{b}");
        assert_eq!(plans[1][0], "citta-di-alessandria-2021", "{b}");
        assert_eq!(plans[1][7], "approved", "{b}");
        let objectives = csv_rows(&app, "obiettivi").await;
        assert_eq!(objectives.len(), plan.objectives.len() + 1, "{b}");
        let phase_rows = csv_rows(&app, "fasi").await;
        assert_eq!(phase_rows.len(), phases + 1, "{b}");
        // Results wait for publication: no completion date, no score.
        let done = phase_rows[0]
            .iter()
            .position(|c| c == "conclusa_il")
            .unwrap();
        assert!(phase_rows[1..].iter().all(|r| r[done].is_empty()), "{b}");
        // JSON has the same rows, typed.
        let json = app.json("/dati/obiettivi.json").await;
        assert_eq!(json.as_array().unwrap().len(), plan.objectives.len(), "{b}");
        assert_eq!(json[0]["piano"], "citta-di-alessandria-2021", "{b}");
        // The package describes each file: its columns as the CSV's header, its keys.
        let package = app.json("/dati/datapackage.json").await;
        assert_eq!(package["profile"], "tabular-data-package", "{b}");
        assert_eq!(package["licenses"][0]["name"], "CC-BY-4.0", "{b}");
        for resource in package["resources"].as_array().unwrap() {
            let name = resource["name"].as_str().unwrap();
            let header = csv_rows(&app, name).await.remove(0);
            let fields: Vec<&str> = resource["schema"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["name"].as_str().unwrap())
                .collect();
            assert_eq!(header, fields, "{b}: {name}");
            assert_eq!(resource["path"], format!("{name}.csv"), "{b}");
            assert!(
                resource["schema"]["primaryKey"]
                    .as_array()
                    .is_some_and(|k| !k.is_empty()),
                "{b}"
            );
        }
        let catalogue = app.json("/dati/catalogo-dcat.json").await;
        assert_eq!(
            catalogue["dcat:dataset"].as_array().unwrap().len(),
            package["resources"].as_array().unwrap().len(),
            "{b}"
        );
        assert_eq!(app.get("/dati/persone.csv").await.status(), 404, "{b}");
        let page = app.page("/dati").await;
        assert!(
            page.contains("datapackage.json") && page.contains("CC BY 4.0"),
            "{b}"
        );
        // Published: the results join.
        app.act(PlanState::Approved, "start", PlanState::InExecution)
            .await;
        app.act(
            PlanState::InExecution,
            "close_measurement",
            PlanState::Measured,
        )
        .await;
        app.act(
            PlanState::Measured,
            "validate_measurement",
            PlanState::MeasureValidated,
        )
        .await;
        app.act(PlanState::MeasureValidated, "publish", PlanState::Published)
            .await;
        let plans = csv_rows(&app, "piani").await;
        assert_eq!(plans[1][7], "published", "{b}");
        assert_eq!(plans[1][9], "CC-BY-4.0", "{b}: the default licence");

        // The administration's planning office chooses another licence: the plans' rows, the
        // package and the catalogue say it; nobody else may choose it.
        let office = app.planning_office().await;
        assert!(
            office
                .text("/dati")
                .await
                .contains("La licenza dei dati della tua amministrazione"),
            "{b}"
        );
        assert_eq!(
            office
                .post("/dati/licenza", &[("licenza", "GPL")])
                .await
                .status(),
            422,
            "{b}"
        );
        assert_eq!(
            office
                .post("/dati/licenza", &[("licenza", "IODL-2.0")])
                .await
                .status(),
            303,
            "{b}"
        );
        let board = app.signed_in_as(domain::Role::Board).await;
        assert_eq!(
            board
                .post("/dati/licenza", &[("licenza", "CC0-1.0")])
                .await
                .status(),
            403,
            "{b}"
        );
        assert_eq!(csv_rows(&app, "piani").await[1][9], "IODL-2.0", "{b}");
        let package = app.json("/dati/datapackage.json").await;
        assert_eq!(package["licenses"][0]["name"], "IODL-2.0", "{b}");
        let catalogue = app.json("/dati/catalogo-dcat.json").await;
        assert_eq!(
            catalogue["dcat:dataset"][0]["dcat:distribution"][0]["dct:license"]["@id"],
            "https://www.dati.gov.it/iodl/2.0/",
            "{b}"
        );
        app.assert_audited(&["entity.licence"]).await;
        app.stop().await;
    }
}
