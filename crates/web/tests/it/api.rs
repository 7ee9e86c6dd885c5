//! `/api/v1` against its own OpenAPI document: every documented path is called and every
//! answer is validated against the schema the document declares for it.

use serde_json::{Value, json};

use crate::{PLAN, TestApp, demo};

/// A validator for the schema at `pointer` inside the OpenAPI document (its `$ref`s point
/// into the document's components).
fn validator(doc: &Value, schema: &Value) -> jsonschema::Validator {
    let mut root = doc.clone();
    let obj = root.as_object_mut().unwrap();
    obj.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    for (k, v) in schema.as_object().unwrap() {
        obj.insert(k.clone(), v.clone());
    }
    jsonschema::validator_for(&root).unwrap()
}

fn response_schema<'a>(doc: &'a Value, path: &str, status: &str, kind: &str) -> &'a Value {
    &doc["paths"][path]["get"]["responses"][status]["content"][kind]["schema"]
}

async fn check(app: &TestApp, doc: &Value, template: &str, concrete: &str, status: u16) -> Value {
    check_as(app, doc, template, concrete, status, None).await
}

async fn check_as(
    app: &TestApp,
    doc: &Value,
    template: &str,
    concrete: &str,
    status: u16,
    token: Option<&str>,
) -> Value {
    let mut request = app.client.get(format!("{}/api/v1{concrete}", app.base));
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    let r = request.send().await.unwrap();
    assert_eq!(r.status().as_u16(), status, "{} {concrete}", app.backend);
    // A download (the workbook) is what its document says, not JSON.
    let declared = &doc["paths"][template]["get"]["responses"]["200"]["content"];
    if status == 200
        && let Some(kinds) = declared.as_object()
        && !kinds.contains_key("application/json")
    {
        let kind = kinds.keys().next().unwrap();
        assert_eq!(r.headers()["content-type"], kind.as_str(), "{concrete}");
        assert!(!r.bytes().await.unwrap().is_empty(), "{concrete}");
        return Value::Null;
    }
    let kind = if status == 200 {
        "application/json"
    } else {
        "application/problem+json"
    };
    assert_eq!(r.headers()["content-type"], kind, "{concrete}");
    let body: Value = r.json().await.unwrap();
    let schema = response_schema(doc, template, &status.to_string(), kind);
    assert!(schema.is_object(), "{template} documents no {status}");
    let v = validator(doc, schema);
    let errors: Vec<String> = v
        .iter_errors(&body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{concrete}: {errors:?}");
    body
}

#[tokio::test]
async fn every_documented_path_answers_as_the_document_says() {
    let plan = demo();
    let objective = &plan.objectives[0];
    for app in TestApp::each_approved().await {
        let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        let fill = |template: &str, plan_id: &str, unit: &str, label: &str| {
            template
                .replace("{plan}", plan_id)
                .replace("{unit}", unit)
                .replace("{label}", label)
        };
        // An auditor reads everything there is to read.
        app.person("aldo", "Aldo Neri", &[domain::Role::Auditor], &[])
            .await;
        let token = app.token("aldo", "t").await;
        let paths: Vec<String> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, item)| item.get("get").is_some())
            .map(|(p, _)| p.clone())
            .collect();
        assert!(paths.len() >= 10, "{paths:?}");
        for template in &paths {
            let ok = fill(
                template,
                PLAN,
                objective.unit.as_str(),
                objective.label.as_str(),
            )
            .replace("{n}", "1");
            check_as(&app, &doc, template, &ok, 200, Some(&token)).await;
            if template.contains('{') {
                let missing = fill(template, "nessuno-1999", "nessuna", "ZZ").replace("{n}", "1");
                let problem = check(&app, &doc, template, &missing, 404).await;
                assert_eq!(problem["status"], 404);
            }
            // The public is told to sign in where a token is needed; a bad token always is.
            let needs_token = doc["paths"][template]["get"].get("security").is_some();
            let public = if needs_token { 401 } else { 200 };
            check(&app, &doc, template, &ok, public).await;
            check_as(&app, &doc, template, &ok, 401, Some("pgs_sbagliata")).await;
        }
        // The filter by unit, and an unknown unit in it.
        let list = check(
            &app,
            &doc,
            "/plans/{plan}/objectives",
            &format!("/plans/{PLAN}/objectives?unit={}", objective.unit),
            200,
        )
        .await;
        let expected = plan
            .objectives
            .iter()
            .filter(|o| o.unit == objective.unit)
            .count();
        assert_eq!(list.as_array().unwrap().len(), expected);
        check(
            &app,
            &doc,
            "/plans/{plan}/objectives",
            &format!("/plans/{PLAN}/objectives?unit=nessuna"),
            404,
        )
        .await;
        app.stop().await;
    }
}

#[tokio::test]
async fn the_plan_api_gives_back_the_imported_plan_as_export_writes_it() {
    for app in TestApp::each_approved().await {
        let list: Value = app.get("/api/v1/plans").await.json().await.unwrap();
        assert_eq!(
            list,
            json!([{"id": PLAN, "entity": "Città di Alessandria", "year": 2021, "title": "Piano della Performance 2021-2023", "state": "approved"}])
        );
        let text = app.text(&format!("/api/v1/plans/{PLAN}")).await;
        assert!(
            text == web::DEMO_PLAN,
            "{}: the API differs from the imported plan",
            app.backend
        );
        let units: Value = app
            .get(&format!("/api/v1/plans/{PLAN}/units"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(units, serde_json::to_value(&demo().units).unwrap());
        app.stop().await;
    }
}

#[tokio::test]
async fn errors_are_problem_documents() {
    for app in TestApp::each_approved().await {
        for (method, path, status) in [
            ("GET", "/api/v1/nulla", 404),
            ("POST", "/api/v1/plans", 405),
            ("DELETE", &format!("/api/v1/plans/{PLAN}") as &str, 405),
            ("GET", "/api/v1/plans/%FF", 400),
            // Not a plan id at all (an administration's slug and a year).
            ("GET", "/api/v1/plans/Roma", 400),
            (
                "GET",
                &format!("/api/v1/plans/{PLAN}/objectives?unit=a&unit=b") as &str,
                400,
            ),
        ] {
            let r = reqwest::Client::new()
                .request(method.parse().unwrap(), format!("{}{path}", app.base))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), status, "{method} {path}");
            assert_eq!(
                r.headers()["content-type"],
                "application/problem+json",
                "{method} {path}"
            );
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["status"], status);
            assert!(body["title"].as_str().unwrap().len() > 3);
        }
        app.stop().await;
    }
}
