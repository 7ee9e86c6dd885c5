//! Structure rules of the workspace, checked like any behaviour: dependencies point one way,
//! every crate has its section in ARCHITECTURE.md, every source file says what it is.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use crate::workspace_root;

/// Which crates of ours each crate may depend on:
/// `cli → web → cycle → {store, report, import, workbook} → domain`, and `documents → report`
/// for `web` and `cli` only (Typst is heavy: nothing else rebuilds with it).
fn allowed(krate: &str) -> &'static [&'static str] {
    match krate {
        "domain" => &[],
        "import" | "store" | "report" | "workbook" => &["domain"],
        "cycle" => &["domain", "import", "store", "report", "workbook"],
        "documents" => &["domain", "report"],
        "web" => &[
            "domain",
            "import",
            "store",
            "report",
            "workbook",
            "cycle",
            "documents",
        ],
        "cli" => &[
            "domain",
            "import",
            "store",
            "report",
            "workbook",
            "cycle",
            "web",
            "documents",
        ],
        _ => &["domain"],
    }
}

/// Crates that would bring I/O, async or HTTP into the pure core.
const NOT_IN_DOMAIN: &[&str] = &[
    "sqlx", "axum", "tokio", "hyper", "reqwest", "tower", "std-fs",
];

fn metadata() -> serde_json::Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(workspace_root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn dependencies_point_one_way() {
    let meta = metadata();
    let members: BTreeSet<String> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["source"].is_null())
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    let mut edges: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for p in meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["source"].is_null())
    {
        let name = p["name"].as_str().unwrap().to_string();
        for d in p["dependencies"].as_array().unwrap() {
            let kind = d["kind"].as_str().unwrap_or("normal").to_string();
            edges
                .entry(name.clone())
                .or_default()
                .push((d["name"].as_str().unwrap().to_string(), kind));
        }
    }
    for (krate, deps) in &edges {
        for (dep, kind) in deps {
            // A crate may name itself among its dev-dependencies to turn on a feature for its tests.
            if members.contains(dep) && !(dep == krate && kind == "dev") {
                assert!(
                    allowed(krate).contains(&dep.as_str()),
                    "{krate} must not depend on {dep} ({kind})"
                );
            }
            if krate == "domain" && kind == "normal" {
                assert!(
                    !NOT_IN_DOMAIN.contains(&dep.as_str()),
                    "domain must not depend on {dep}: it does no I/O"
                );
            }
        }
    }
    assert!(members.contains("domain") && members.contains("import") && members.contains("cli"));
}

#[test]
fn every_crate_has_its_section_in_architecture() {
    let root = workspace_root();
    let arch = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    for entry in std::fs::read_dir(root.join("crates")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            arch.contains(&format!("### `{name}`")),
            "ARCHITECTURE.md has no section \"### `{name}`\""
        );
    }
}

#[test]
fn every_source_file_opens_with_what_it_is() {
    fn walk(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                if !text.starts_with("//!") {
                    found.push(path.display().to_string());
                }
                for banned in ["#[ignore]", "#[should_panic]", "dbg!("] {
                    if text.contains(banned) && !path.ends_with("tidy.rs") {
                        found.push(format!("{} uses {banned}", path.display()));
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(&workspace_root().join("crates"), &mut found);
    assert!(found.is_empty(), "files that break the rules: {found:#?}");
}
