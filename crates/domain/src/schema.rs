//! The JSON Schema of `pegaso.plan/1`, generated from the types so that the two cannot drift.

use crate::plan::Plan;

/// The schema as a JSON value, in a stable form (keys sorted by serde_json's map).
pub fn plan_schema() -> serde_json::Value {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<Plan>();
    schema.to_value()
}

/// The schema as the text committed in `docs/plan.schema.json`.
pub fn plan_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&plan_schema()).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// The committed schema is the generated one. To refresh it after changing the model:
    /// `UPDATE_EXPECT=1 cargo test -p domain schema`.
    #[test]
    fn committed_schema_matches_the_types() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/plan.schema.json");
        let generated = plan_schema_text();
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "docs/plan.schema.json differs from the types; run UPDATE_EXPECT=1 cargo test -p domain schema"
        );
    }

    #[test]
    fn schema_describes_every_field() {
        let schema = plan_schema();
        let defs = schema["$defs"].as_object().unwrap();
        for (name, def) in defs {
            for (field, prop) in def["properties"].as_object().into_iter().flatten() {
                let described = prop.get("description").is_some()
                    || prop.get("$ref").is_some_and(|r| {
                        defs[r.as_str().unwrap().trim_start_matches("#/$defs/")]
                            .get("description")
                            .is_some()
                    })
                    || [
                        "kind",
                        "from",
                        "to",
                        "name",
                        "code",
                        "title",
                        "id",
                        "text",
                        "description",
                        "service",
                    ]
                    .contains(&field.as_str());
                assert!(described, "{name}.{field} has no description");
            }
        }
    }
}
