//! The OpenAPI 3.1 document of `/api/v1`. Its schemas come from the same `schemars`
//! derivations as `docs/plan.schema.json`, so the API and the plan format cannot drift apart;
//! the paths are written here, beside the routes they describe.

use std::sync::OnceLock;

use domain::{Objective, Phase, Plan, Unit};
use schemars::generate::{Contract, SchemaSettings};
use serde_json::{Value, json};

use crate::api::PlanItem;
use crate::error::ProblemBody;

/// The document, built once.
pub fn openapi() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(build)
}

/// Sets the `example` of every path parameter named in `examples`.
pub fn set_examples(doc: &mut Value, examples: &[(&str, Option<String>)]) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(params) = item
            .pointer_mut("/get/parameters")
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for param in params.iter_mut().filter(|p| p["in"] == "path") {
            let name = param["name"].as_str().unwrap_or_default().to_owned();
            if let Some((_, Some(example))) = examples.iter().find(|(n, _)| *n == name) {
                param["example"] = Value::String(example.clone());
            }
        }
    }
}

fn build() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.contract = Contract::Serialize;
            s.meta_schema = None;
        })
        .into_generator();
    let mut refs = serde_json::Map::new();
    for (name, schema) in [
        ("Plan", generator.subschema_for::<Plan>()),
        ("PlanItem", generator.subschema_for::<PlanItem>()),
        ("Unit", generator.subschema_for::<Unit>()),
        ("Objective", generator.subschema_for::<Objective>()),
        ("Phase", generator.subschema_for::<Phase>()),
        ("Problem", generator.subschema_for::<ProblemBody>()),
    ] {
        refs.insert(name.to_owned(), schema.to_value());
    }
    let mut schemas = generator.take_definitions(true);
    // `$id` would change the base of the `$ref`s inside the plan's schema.
    if let Some(Value::Object(plan)) = schemas.get_mut("Plan") {
        plan.remove("$id");
    }
    let r = |name: &str| refs.get(name).cloned().unwrap_or(Value::Null);
    let list = |name: &str| json!({"type": "array", "items": r(name)});

    let plan_param = json!({
        "name": "plan", "in": "path", "required": true,
        "description": "The plan's id, as `GET /plans` lists it.",
        "schema": {"type": "string"}
    });
    let unit_param = json!({
        "name": "unit", "in": "path", "required": true,
        "description": "The unit's id in the plan.",
        "schema": {"type": "string"}
    });
    let label_param = json!({
        "name": "label", "in": "path", "required": true,
        "description": "The objective's label in its unit (`A`, `1`).",
        "schema": {"type": "string"}
    });
    let problem = |description: &str| json!({"description": description, "content": {"application/problem+json": {"schema": r("Problem")}}});
    let ok = |description: &str, schema: Value| json!({"description": description, "content": {"application/json": {"schema": schema}}});
    let op = |id: &str, summary: &str, params: Vec<&Value>, body: Value| {
        json!({"get": {
            "operationId": id,
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": body,
                "400": problem("The address is malformed."),
                "404": problem("No such plan, unit or objective."),
            }
        }})
    };
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Pegaso API",
            "version": "1",
            "description": "The performance plans of public administrations (ciclo della performance, \
                D.Lgs. 150/2009) in the `pegaso.plan/1` format. Errors are `application/problem+json`."
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/plans": {"get": {
                "operationId": "listPlans",
                "summary": "The plans in this database: id, administration, year, title.",
                "responses": {"200": ok("The plans.", list("PlanItem"))}
            }},
            "/plans/{plan}": op("getPlan", "One whole plan as a `pegaso.plan/1` document.",
                vec![&plan_param], ok("The plan.", r("Plan"))),
            "/plans/{plan}/units": op("listUnits", "The units of a plan.",
                vec![&plan_param], ok("The units.", list("Unit"))),
            "/plans/{plan}/units/{unit}": op("getUnit", "One unit.",
                vec![&plan_param, &unit_param], ok("The unit.", r("Unit"))),
            "/plans/{plan}/objectives": op("listObjectives", "The objectives of a plan, or of one unit.",
                vec![&plan_param, &json!({
                    "name": "unit", "in": "query", "required": false,
                    "description": "Only the objectives of this unit.",
                    "schema": {"type": "string"}
                })], ok("The objectives.", list("Objective"))),
            "/plans/{plan}/units/{unit}/objectives/{label}": op("getObjective", "One objective card.",
                vec![&plan_param, &unit_param, &label_param], ok("The objective.", r("Objective"))),
            "/plans/{plan}/units/{unit}/objectives/{label}/phases": op("listPhases",
                "The phases of an objective, in order.",
                vec![&plan_param, &unit_param, &label_param], ok("The phases.", list("Phase"))),
        },
        "components": {"schemas": schemas}
    })
}
