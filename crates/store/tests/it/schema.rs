//! The two sets of migrations (`migrations/sqlite`, `migrations/postgres`) must make the same
//! schema: the same tables, columns (kind and nullability), keys, references and unique
//! constraints. Their files are numbered apart (the PostgreSQL set has one migration more, an
//! early fix), so the schemas they make are what is compared.

#[tokio::test]
async fn both_backends_migrations_make_the_same_schema() {
    let mut schemas = Vec::new();
    for (db, store) in crate::each_store().await {
        let schema = store.schema().await.unwrap();
        assert!(
            schema.iter().any(|t| t.name == "plan")
                && schema.iter().any(|t| t.name == "audit_entry"),
            "{}: {schema:?}",
            db.backend
        );
        // Usernames are unique whatever their case, on both.
        let person = schema.iter().find(|t| t.name == "person").unwrap();
        assert!(
            person.unique.iter().any(|u| u == &["<expr>".to_string()]),
            "{}: {:?}",
            db.backend,
            person.unique
        );
        schemas.push((db.backend, schema));
    }
    if let [(_, sqlite), (_, postgres)] = &schemas[..] {
        let names =
            |s: &[store::backup::TableShape]| s.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(sqlite), names(postgres), "the same tables");
        let differ: Vec<String> = sqlite
            .iter()
            .zip(postgres)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| format!("{}:\n  SQLite     {a:?}\n  PostgreSQL {b:?}", a.name))
            .collect();
        assert!(
            differ.is_empty(),
            "tables that differ:\n{}",
            differ.join("\n")
        );
    }
}
