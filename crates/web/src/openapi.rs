//! The OpenAPI 3.1 document of `/api/v1`. Its schemas come from the same `schemars`
//! derivations as `docs/plan.schema.json`, so the API and the plan format cannot drift apart;
//! the paths are written here, beside the routes they describe.

use std::sync::OnceLock;

use domain::{Objective, Phase, Plan, Unit};
use schemars::generate::{Contract, SchemaSettings};
use serde_json::{Value, json};

use crate::api::write::{ActDone, ActRequest, PhaseConflict, PhaseEditRequest, PhaseRecordBody};
use crate::api::{Me, PlanItem};
use crate::error::ProblemBody;
use crate::paths::api::{self as a, documented};

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
    for operation in paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|i| i.values_mut())
    {
        let Some(params) = operation
            .get_mut("parameters")
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

/// The schemas of what the server writes (`Serialize`) or reads (`Deserialize`), under the
/// document's components.
fn schema_generator(contract: Contract) -> schemars::SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.contract = contract;
            s.meta_schema = None;
        })
        .into_generator()
}

fn build() -> Value {
    let mut generator = schema_generator(Contract::Serialize);
    let mut refs = serde_json::Map::new();
    for (name, schema) in [
        ("Plan", generator.subschema_for::<Plan>()),
        ("PlanItem", generator.subschema_for::<PlanItem>()),
        ("Unit", generator.subschema_for::<Unit>()),
        ("Objective", generator.subschema_for::<Objective>()),
        ("Phase", generator.subschema_for::<Phase>()),
        ("Problem", generator.subschema_for::<ProblemBody>()),
        ("Me", generator.subschema_for::<Me>()),
        (
            "AuditEntry",
            generator.subschema_for::<domain::audit::Entry>(),
        ),
        ("ActDone", generator.subschema_for::<ActDone>()),
        ("PhaseRecord", generator.subschema_for::<PhaseRecordBody>()),
        ("PhaseConflict", generator.subschema_for::<PhaseConflict>()),
        (
            "Scores",
            generator.subschema_for::<crate::api::scores::Scores>(),
        ),
    ] {
        refs.insert(name.to_owned(), schema.to_value());
    }
    let mut schemas = generator.take_definitions(true);
    // What a caller sends is read as the server deserialises it: a field it may leave out is
    // not required.
    let mut requests = schema_generator(Contract::Deserialize);
    for (name, schema) in [
        ("ActRequest", requests.subschema_for::<ActRequest>()),
        ("PhaseEdit", requests.subschema_for::<PhaseEditRequest>()),
    ] {
        refs.insert(name.to_owned(), schema.to_value());
    }
    for (name, schema) in requests.take_definitions(true) {
        schemas.entry(name).or_insert(schema);
    }
    // `$id` would change the base of the `$ref`s inside the plan's schema.
    if let Some(Value::Object(plan)) = schemas.get_mut("Plan") {
        plan.remove("$id");
    }
    let r = |name: &str| refs.get(name).cloned().unwrap_or(Value::Null);
    let list = |name: &str| json!({"type": "array", "items": r(name)});

    let plan_param = json!({
        "name": "plan", "in": "path", "required": true,
        "description": "The plan's id, as `GET /plans` lists it.",
        "schema": {"type": "string", "pattern": domain::PlanId::PATTERN}
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
    let unauthorized = problem("The bearer token is not valid (or one is required here).");
    let op = |id: &str, summary: &str, params: Vec<&Value>, body: Value| {
        json!({"get": {
            "operationId": id,
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": body,
                "400": problem("The address is malformed."),
                "401": unauthorized.clone(),
                "404": problem("No such plan, unit or objective, or not one this caller may read."),
            }
        }})
    };
    let n_param = json!({
        "name": "n", "in": "path", "required": true,
        "description": "The phase's position in its objective, from 1.",
        "schema": {"type": "integer", "minimum": 1}
    });
    let json_body = |name: &str| json!({"required": true, "content": {"application/json": {"schema": r(name)}}});
    let phase_params = vec![&plan_param, &unit_param, &label_param, &n_param];
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
            (documented::<a::OpenApi>()): {"get": {
                "operationId": "getOpenApi",
                "summary": "This document, with the examples of this database's first plan.",
                "responses": {
                    "200": ok("The OpenAPI 3.1 document.", json!({"type": "object"})),
                    "401": unauthorized.clone(),
                }
            }},
            (documented::<a::Plans>()): {"get": {
                "operationId": "listPlans",
                "summary": "The plans in this database: id, administration, year, title.",
                "responses": {
                    "200": ok("The plans this caller may read.", list("PlanItem")),
                    "401": unauthorized.clone(),
                }
            }},
            (documented::<a::Me>()): {"get": {
                "operationId": "getMe",
                "summary": "The person the bearer token belongs to.",
                "security": [{"bearer": []}],
                "responses": {
                    "200": ok("The caller.", r("Me")),
                    "401": unauthorized.clone(),
                }
            }},
            (documented::<a::Audit>()): {"get": {
                "operationId": "getAudit",
                "summary": "The audit log, in order, for the planning office, the Nucleo and auditors. \
                    Each entry carries the hash of the one before.",
                "security": [{"bearer": []}],
                "parameters": [{
                    "name": "plan", "in": "query", "required": false,
                    "description": "Only this plan's entries.",
                    "schema": {"type": "string"}
                }],
                "responses": {
                    "200": ok("The entries.", list("AuditEntry")),
                    "400": problem("The query is malformed."),
                    "401": unauthorized.clone(),
                    "403": problem("The caller's roles do not include reading the log."),
                }
            }},
            (documented::<a::Acts>()): {"post": {
                "operationId": "performAct",
                "summary": "Performs an act of the plan's lifecycle (validate, approve, start, close_measurement, \
                    validate_measurement, publish, send_back, reopen).",
                "security": [{"bearer": []}],
                "parameters": [&plan_param],
                "requestBody": json_body("ActRequest"),
                "responses": {
                    "200": ok("The act is recorded; the plan's new state.", r("ActDone")),
                    "400": problem("The address or the body is malformed."),
                    "401": unauthorized.clone(),
                    "403": problem("The act is not the caller's to perform."),
                    "404": problem("No such plan, or not one this caller may read."),
                    "408": problem("The body did not arrive in time."),
                    "409": problem("The act cannot be performed in the plan's state, or the state changed."),
                    "413": problem("The body is larger than 64 kB."),
                    "422": problem("A reason or the board's act is missing, or a value is not valid."),
                }
            }},
            (documented::<a::Phase>()): {
                "get": {
                    "operationId": "getPhaseRecord",
                    "summary": "A phase's editable fields with its version.",
                    "parameters": phase_params.clone(),
                    "responses": {
                        "200": ok("The phase.", r("PhaseRecord")),
                        "400": problem("The address is malformed."),
                        "401": unauthorized.clone(),
                        "404": problem("No such plan, objective or phase, or not one this caller may read."),
                    }
                },
                "put": {
                    "operationId": "editPhase",
                    "summary": "Edits a phase from the version the caller read: what it plans while drafting, \
                        what it achieved while running.",
                    "security": [{"bearer": []}],
                    "parameters": phase_params,
                    "requestBody": json_body("PhaseEdit"),
                    "responses": {
                        "200": ok("Saved; the phase at its new version.", r("PhaseRecord")),
                        "400": problem("The address or the body is malformed."),
                        "401": unauthorized.clone(),
                        "403": problem("The phase is not the caller's to edit."),
                        "408": problem("The body did not arrive in time."),
                        "404": problem("No such plan, objective or phase, or not one this caller may read."),
                        "409": {"description": "Another edit came first (the body says what the phase holds now), \
                            or the plan's state does not allow edits.",
                            "content": {"application/problem+json": {"schema": {"anyOf": [r("PhaseConflict"), r("Problem")]}}}},
                        "413": problem("The body is larger than 64 kB."),
                        "422": problem("A value is not valid."),
                    }
                }
            },
            (documented::<a::Scores>()): {"get": {
                "operationId": "getScores",
                "security": [{"bearer": []}, {}],
                "summary": "Every objective's, unit's and the administration's score, with what each was \
                    computed from: the plan's rule, each phase's and indicator's line, the weights.",
                "parameters": [&plan_param],
                "responses": {
                    "200": ok("The scores as of today.", r("Scores")),
                    "400": problem("The address is malformed."),
                    "401": problem("Results are not public yet: a bearer token is required."),
                    "403": problem("The caller may not read this plan's results."),
                    "404": problem("No such plan, or not one this caller may read."),
                }
            }},
            (documented::<a::Plan>()): op("getPlan", "One whole plan as a `pegaso.plan/1` document.",
                vec![&plan_param], ok("The plan.", r("Plan"))),
            (documented::<a::Workbook>()): op("getPlanWorkbook",
                "The whole plan as an XLSX workbook: one sheet per kind (units, strategy, objectives, \
                phases, indicators, staff…), one row per item, as `docs/xlsx.md` documents; \
                `pegaso import` reads it back.",
                vec![&plan_param], json!({"description": "The workbook.", "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                        {"schema": {"type": "string", "contentMediaType":
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}}}})),
            (documented::<a::Units>()): op("listUnits", "The units of a plan.",
                vec![&plan_param], ok("The units.", list("Unit"))),
            (documented::<a::Unit>()): op("getUnit", "One unit.",
                vec![&plan_param, &unit_param], ok("The unit.", r("Unit"))),
            (documented::<a::Objectives>()): op("listObjectives", "The objectives of a plan, or of one unit.",
                vec![&plan_param, &json!({
                    "name": "unit", "in": "query", "required": false,
                    "description": "Only the objectives of this unit.",
                    "schema": {"type": "string"}
                })], ok("The objectives.", list("Objective"))),
            (documented::<a::Objective>()): op("getObjective", "One objective card.",
                vec![&plan_param, &unit_param, &label_param], ok("The objective.", r("Objective"))),
            (documented::<a::Phases>()): op("listPhases",
                "The phases of an objective, in order.",
                vec![&plan_param, &unit_param, &label_param], ok("The phases.", list("Phase"))),
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "An API token (`pgs_…`) made on the account page or with `pegaso token add`."
            }}
        }
    })
}
