//! The commands as a person runs them: arguments, files, output and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::workspace_root;

pub fn pegaso(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pegaso"))
        .args(args)
        .env("COLUMNS", "100")
        .output()
        .unwrap()
}

/// The arguments that add Ada Rossi, an administrator (`--db` still to be named).
pub const ADD_ADA: [&str; 7] = [
    "user",
    "add",
    "ada",
    "--name",
    "Ada Rossi",
    "--role",
    "admin",
];

/// `pegaso serve` on database `db`, on a port of the system's choosing.
pub fn serve_command(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pegaso"));
    command.args([
        "serve",
        "--db",
        db.to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
    ]);
    command
}

/// The address a "ready" line names.
pub fn address(ready: &str) -> String {
    ready
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {ready:?}"))
        .to_owned()
}

/// Asserts that an output of the command says `wanted`; shows the whole of it when not.
#[track_caller]
pub fn assert_says(output: &[u8], wanted: &str) {
    let said = text(output);
    assert!(said.contains(wanted), "{said}");
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh directory under target/ for one test's files.
pub fn scratch(name: &str) -> PathBuf {
    let dir = workspace_root().join("target/test-scratch").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn demo() -> PathBuf {
    workspace_root().join("data/demo/alessandria-2021.plan.json")
}

pub fn seed() -> Option<PathBuf> {
    let dir = std::env::var_os("PEGASO_SEED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/seeds"));
    let path = dir.join("piano-performance-alessandria-2021.txt");
    if path.exists() {
        Some(path)
    } else if std::env::var_os("CI").is_some() {
        // On CI the seed is always beside the repository: missing, it is a failure.
        panic!("CI is set but the seed is not at {}", path.display())
    } else {
        eprintln!(
            "SKIPPED: the seed is not at {}; set PEGASO_SEED_DIR to run this test",
            path.display()
        );
        None
    }
}

/// `pegaso import doc -o out`, then `extra`.
fn import_to(doc: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["import", doc.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    pegaso(&args)
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn import_the_seed_writes_a_plan_that_check_accepts() {
    let Some(seed) = seed() else { return };
    let dir = scratch("import-seed");
    let out = dir.join("a.json");
    let run = import_to(&seed, &out, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    // The counts, the diagnostics and the line they stand at.
    for wanted in [
        "16 unità, 44 obiettivi, 181 fasi",
        "Diagnostica: 0 errori, 2 avvisi, 2 note",
        "riga 2813",
    ] {
        assert_says(&run.stdout, wanted);
    }
    // The file written is the demo plan, byte for byte.
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        std::fs::read_to_string(demo()).unwrap()
    );

    let check = pegaso(&["check", out.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    assert!(text(&check.stdout).contains("piano valido (0 errori, 2 avvisi, 0 note)"));
}

#[test]
fn import_without_output_prints_the_plan_and_reports_on_stderr() {
    let dir = scratch("import-stdout");
    let doc = write(
        &dir,
        "peg.txt",
        "COMUNE DI PROVA\n\nObiettivo A: Uno\n\n\tDescrizione\tIncidenza %\tCodifica\tScadenze\nfase 1:\tx\t100%\t\t31/12/2022\n\nScadenza finale per il raggiungimento dell'obiettivo:\t\t\t\t31/12/2022\n",
    );
    let run = pegaso(&["import", doc.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0));
    let plan: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(plan["format"], "pegaso.plan/1");
    assert_eq!(
        plan["objectives"][0]["phases"][0]["deadline"]["date"],
        "2022-12-31"
    );
    assert!(text(&run.stderr).contains("1 unità, 1 obiettivi, 1 fasi"));
}

#[test]
fn import_json_report_and_exit_1_on_errors() {
    let dir = scratch("import-json");
    let doc = write(&dir, "vuoto.txt", "nessuna scheda qui\n");
    let out = dir.join("p.json");
    let run = import_to(&doc, &out, &["--json"]);
    assert_eq!(run.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(report["objectives"], 0);
    assert_eq!(report["diagnostics_by_severity"]["errors"], 1);
    let codes = store::testing::strings(&report["diagnostics"], "/code");
    assert!(codes.contains(&"no-objectives"), "{codes:?}");
    assert!(
        out.exists(),
        "the best plan it could build is still written"
    );
}

/// A ZIP archive of the named files.
fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn import_reads_docx_and_odt_as_the_text_they_hold() {
    let dir = scratch("import-office");
    let lines = [
        "COMUNE DI PROVA",
        "",
        "Obiettivo A: Uno & due",
        "",
        "\tDescrizione\tIncidenza %\tCodifica\tScadenze",
        "fase 1:\tx\t100%\t\t31/12/2022",
        "",
        "Scadenza finale per il raggiungimento dell'obiettivo:\t\t\t\t31/12/2022",
    ];
    let doc = write(&dir, "peg.txt", &lines.join("\n"));
    let from_text = dir.join("testo.json");
    assert_eq!(import_to(&doc, &from_text, &[]).status.code(), Some(0));

    let escape = |l: &str| l.replace('&', "&amp;");
    let docx: String = lines
        .iter()
        .map(|l| {
            let runs: Vec<String> = l
                .split('\t')
                .map(|piece| format!("<w:r><w:t>{}</w:t></w:r>", escape(piece)))
                .collect();
            format!("<w:p>{}</w:p>", runs.join("<w:r><w:tab/></w:r>"))
        })
        .collect();
    let docx = zip_of(&[(
        "word/document.xml",
        &format!(
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{docx}</w:body></w:document>"#
        ),
    )]);
    let odt: String = lines
        .iter()
        .map(|l| {
            format!(
                "<text:p>{}</text:p>",
                escape(l).replace('\t', "<text:tab/>")
            )
        })
        .collect();
    let odt = zip_of(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        (
            "content.xml",
            &format!(
                r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>{odt}</office:text></office:body></office:document-content>"#
            ),
        ),
    ]);
    for (name, bytes) in [("peg.docx", docx), ("peg.odt", odt)] {
        let doc = dir.join(name);
        std::fs::write(&doc, bytes).unwrap();
        let out = dir.join(format!("{name}.json"));
        let run = import_to(&doc, &out, &[]);
        assert_eq!(run.status.code(), Some(0), "{name}: {}", text(&run.stderr));
        assert_says(&run.stdout, "1 unità, 1 obiettivi, 1 fasi");
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            std::fs::read_to_string(&from_text).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn an_archive_that_is_no_text_document_is_refused_in_italian() {
    let dir = scratch("import-zip");
    let doc = dir.join("archivio.zip");
    std::fs::write(&doc, zip_of(&[("dati/note.txt", "appunti")])).unwrap();
    let run = import_to(&doc, &dir.join("p.json"), &[]);
    assert_eq!(run.status.code(), Some(2));
    let said = text(&run.stderr);
    assert!(said.starts_with("errore: impossibile importare "), "{said}");
    assert!(
        said.contains("non un documento di testo DOCX o ODT"),
        "{said}"
    );
    assert!(!dir.join("p.json").exists());
}

#[test]
fn missing_files_are_explained_in_italian_with_exit_2() {
    let run = pegaso(&["import", "/nessuna/cartella/peg.txt"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        text(&run.stderr).starts_with("errore: impossibile leggere /nessuna/cartella/peg.txt"),
        "{}",
        text(&run.stderr)
    );
    let run = pegaso(&["check", "/nessuna/cartella/p.json"]);
    assert_eq!(run.status.code(), Some(2));
}

#[test]
fn check_reports_syntax_schema_and_rules() {
    let dir = scratch("check");
    let bad_json = write(&dir, "rotto.json", "{\n  \"format\": ");
    let run = pegaso(&["check", bad_json.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    assert_says(&run.stdout, "Il file non è un JSON valido: riga 2");

    let demo_text = std::fs::read_to_string(demo()).unwrap();
    let mut plan: serde_json::Value = serde_json::from_str(&demo_text).unwrap();
    plan["objectives"][0]["phases"][0]["label"] = serde_json::json!("fase uno");
    plan["objectives"][1]["phases"][0]["weight_pct"] = serde_json::json!(150);
    let schema_bad = write(&dir, "schema.json", &plan.to_string());
    let run = pegaso(&["check", schema_bad.to_str().unwrap(), "--json"]);
    assert_eq!(run.status.code(), Some(1));
    let diags: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let paths = store::testing::strings(&diags, "/location/path");
    for path in [
        "objectives[0].phases[0].label",
        "objectives[1].phases[0].weight_pct",
    ] {
        assert!(paths.contains(&path), "{paths:?}");
    }
    let codes = store::testing::strings(&diags, "/code");
    assert!(codes.iter().all(|c| *c == "schema"), "{codes:?}");

    let mut plan: serde_json::Value = serde_json::from_str(&demo_text).unwrap();
    plan["objectives"][0]["phases"][1]["label"] = serde_json::json!("1");
    let rule_bad = write(&dir, "rules.json", &plan.to_string());
    let run = pegaso(&["check", rule_bad.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    let out = text(&run.stdout);
    assert!(
        out.contains("Nell'obiettivo gabinetto-del-sindaco/A la fase 1 compare più di una volta."),
        "{out}"
    );
    assert!(out.contains("piano non valido (1 errori"), "{out}");
}

#[test]
fn show_prints_the_tree_and_filters_a_unit() {
    let run = pegaso(&[
        "show",
        demo().to_str().unwrap(),
        "--unit",
        "azienda-speciale-multiservizi-costruire-insieme",
    ]);
    assert_eq!(run.status.code(), Some(0));
    let out = text(&run.stdout);
    assert!(out.starts_with("Città di Alessandria · Piano della Performance 2021-2023 · PEG 2021\n16 unità · 44 obiettivi · 181 fasi\n"));
    for line in [
        "  Direttore: Avv. Orietta Bocchio al 31/03/2021\n",
        "  Direttore: Dott. Cesare Torre dal 01/04/2021\n",
        "  │    fase 1   45%  31/01/2021              Predisposizione bozza documento\n",
    ] {
        assert!(out.contains(line), "{out}");
    }
    assert!(out.lines().all(|l| l.chars().count() <= 100));
    assert!(!out.contains("Settore Gabinetto"));

    let all = text(&pegaso(&["show", demo().to_str().unwrap()]).stdout);
    assert!(
        all.contains("  │    fase 3   50%  2 mesi dopo la fase 2   effettuazione"),
        "relative deadlines in words"
    );
    assert!(all.contains("  │    scadenza finale: 30/11/2021 (presunta)"));

    let run = pegaso(&["show", demo().to_str().unwrap(), "--unit", "nessuna"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        text(&run.stderr)
            .contains("l'unità «nessuna» non è nel piano; unità presenti: gabinetto-del-sindaco")
    );
}

#[test]
fn schema_command_prints_the_committed_schema() {
    let run = pegaso(&["schema"]);
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(
        text(&run.stdout),
        std::fs::read_to_string(workspace_root().join("docs/plan.schema.json")).unwrap()
    );
}

#[test]
fn unusual_input_and_output_are_explained() {
    let dir = scratch("unusual");
    // A Latin-1 document (as old Word exports write it) is read, and the person is told.
    let latin1: Vec<u8> = b"COMUNE DI PROVA\n\nObiettivo A: Attivit\xe0 \n\n\tDescrizione\tIncidenza %\tCodifica\tScadenze\nfase 1:\tx\t100%\t\t31/12/2022\n".to_vec();
    let doc = dir.join("latin1.txt");
    std::fs::write(&doc, latin1).unwrap();
    let out = dir.join("p.json");
    let run = import_to(&doc, &out, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert!(
        text(&run.stderr)
            .contains("non è in UTF-8; i caratteri non leggibili sono stati sostituiti")
    );
    assert!(text(&run.stdout).contains("1 unità, 1 obiettivi, 1 fasi"));
    assert!(
        text(&run.stdout)
            .starts_with("Importato: Comune di Prova — titolo non trovato (anno non trovato)\n"),
        "{}",
        text(&run.stdout)
    );

    // An output folder that does not exist.
    let run = import_to(&doc, Path::new("/nessuna/cartella/p.json"), &[]);
    assert_eq!(run.status.code(), Some(2));
    assert_says(
        &run.stderr,
        "\nerrore: impossibile scrivere /nessuna/cartella/p.json",
    );

    // `show` on something that is not a plan points to `check`.
    let run = pegaso(&["show", doc.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        text(&run.stderr).contains(
            "non è un piano pegaso.plan/1 leggibile (usare `pegaso check` per i dettagli)"
        )
    );
}

#[test]
fn score_indicators_prints_a_result_per_case_in_order() {
    let dir = scratch("score-indicators");
    let cases = dir.join("cases.json");
    std::fs::write(
        &cases,
        r#"[
  {"id": "doc", "conversion": "percent_of_target", "polarity": "higher_is_better",
   "actual": 80, "target": 100, "prior_year": null, "limit_min": null, "limit_max": null,
   "limit_excellent": null, "band": "direct",
   "bands": [{"from": 0, "thru": 70, "factor": 70, "factor_min": null, "prorate": false},
             {"from": 70.01, "thru": 90, "factor": 90, "factor_min": null, "prorate": false}],
   "no_actual": "treat_as_zero", "allow_negative": false},
  {"id": 2, "conversion": "limits_excellence", "actual": 110, "target": 80, "limit_min": 50,
   "limit_max": 100, "limit_excellent": 120, "band": "direct", "bands": "limits_60_100"},
  {"id": "missing", "conversion": "value", "actual": null, "no_actual": "exclude"},
  {"id": "zero", "conversion": "value", "actual": null, "no_actual": "score_zero"},
  {"id": "order", "conversion": "limits", "actual": 1, "target": 5, "limit_min": 10, "limit_max": 20},
  {"id": "typo", "conversion": "value", "actul": 3}
]"#,
    )
    .unwrap();
    let run = pegaso(&["score", "indicators", cases.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let results: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(
        results,
        serde_json::json!([
            {"id": "doc", "value": 80.0, "score": 90.0},
            {"id": 2, "value": 250.0, "score": 250.0},
            {"id": "missing", "value": null, "score": null, "status": "not_measurable"},
            {"id": "zero", "value": null, "score": 0.0},
            {"id": "order", "value": null, "score": null,
             "error": "limits must be ordered min <= target <= max (<= excellent) or the reverse"},
            {"id": "typo", "value": null, "score": null, "error": "invalid case: unknown field `actul`"}
        ])
    );
    // Not an array: the command says so and fails.
    std::fs::write(&cases, r#"{"id": 1}"#).unwrap();
    let run = pegaso(&["score", "indicators", cases.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run.stderr).contains("array JSON"));
}

#[test]
fn evaluate_schede_scores_each_case_and_says_why_one_cannot_be() {
    let dir = scratch("evaluate-schede");
    let cases = dir.join("cases.json");
    std::fs::write(
        &cases,
        r#"[
  { "id": "istruttore-cuneo", "cluster": "istruttore",
    "smvp": { "prevalence": "relative", "threshold": 60, "achievement_cap": 100,
      "clusters": {
        "dirigente":  { "organisational": 70, "individual": 0,  "behaviours": 30, "organisational_source": "unit" },
        "istruttore": { "organisational": 30, "individual": 10, "behaviours": 60, "organisational_source": "unit" } },
      "scale": { "kind": "numeric", "min": 1, "max": 5, "levels": null },
      "catalogue": [ { "id": "C1", "name": "a", "clusters": ["istruttore"], "staff_evaluation": false },
                     { "id": "C2", "name": "b", "clusters": ["istruttore"], "staff_evaluation": false },
                     { "id": "C3", "name": "c", "clusters": ["istruttore"], "staff_evaluation": false },
                     { "id": "C4", "name": "d", "clusters": ["istruttore"], "staff_evaluation": false } ] },
    "unit_score": 85.05, "entity_score": 78.4,
    "objectives": [ { "id": "O1", "weight": 60, "achievement": 100 }, { "id": "O2", "weight": 40, "achievement": 75 } ],
    "behaviours": [ { "id": "C1", "weight": 25, "rating": 4 }, { "id": "C2", "weight": 25, "rating": 4 },
                    { "id": "C3", "weight": 25, "rating": 3 }, { "id": "C4", "weight": 25, "rating": 3 } ],
    "absences": [ { "kind": "parental", "days": 150 } ] },
  { "id": "no-row", "cluster": "operatore", "smvp": { "clusters": {}, "scale": { "kind": "numeric", "min": 1, "max": 5 } } }
]"#,
    )
    .unwrap();
    let run = pegaso(&["evaluate", "schede", cases.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let results: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(
        results[0],
        serde_json::json!({ "id": "istruttore-cuneo", "score": 72.02, "negative": false, "components": {
            "organisational": { "weight": 30.0, "score": 85.05, "points": 25.52 },
            "individual": { "weight": 10.0, "score": 90.0, "points": 9.0 },
            "behaviours": { "weight": 60.0, "score": 62.5, "points": 37.5 } } })
    );
    assert_eq!(results[1]["id"], "no-row");
    assert!(results[1]["error"].is_string(), "{}", results[1]);
}

#[test]
fn rewards_distribute_shares_each_budget_to_the_cent() {
    let dir = scratch("rewards-distribute");
    let cases = dir.join("cases.json");
    let person = |id: &str, cluster: &str, score: u32, part_time: u32| {
        serde_json::json!({ "id": id, "cluster": cluster, "score": score, "status": "definitiva",
                            "days_employed": 365, "part_time": part_time, "absences": [],
                            "parameter": null, "tie_keys": {}, "responsabile_pagamenti": false,
                            "payment_times_met": null })
    };
    let case = serde_json::json!({
        "id": "comparto-2024", "budget": "comparto_individual", "budget_cents": 1_000_000,
        "fund_variable_cents": 3_000_000, "eq_posizione_cents": null,
        "rules": { "formula": "proportional", "threshold": 60,
            "parameters": { "operatore": 1.0, "operatore_esperto": 1.1, "istruttore": 1.2, "funzionario": 1.3 },
            "classes": null, "steps": null, "maggiorazione": null, "tie_break": null,
            "presence": { "apply": true, "days_in_year": 365, "counted_as_present": ["maternity", "paternity", "parental"] },
            "dirigenti": null, "payment_times_share_percent": 30 },
        "people": [ person("A", "operatore", 95, 100), person("B", "operatore_esperto", 80, 100),
                    person("C", "istruttore", 70, 50), person("D", "operatore", 55, 100) ]
    });
    let mut blocked = case.clone();
    blocked["id"] = "blocked".into();
    blocked["people"][1]["status"] = "notificata".into();
    std::fs::write(&cases, serde_json::json!([case, blocked]).to_string()).unwrap();
    let run = pegaso(&["rewards", "distribute", cases.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let results: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let paid: Vec<u64> = results[0]["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["paid_cents"].as_u64().unwrap())
        .collect();
    // evaluation.md §2.4's worked example: the cent left over goes to C.
    assert_eq!(paid, [422_222, 391_111, 186_667, 0]);
    assert_eq!(results[0]["paid_total_cents"], 1_000_000);
    assert_eq!(results[0]["economie_cents"], 0);
    assert_eq!(results[1]["id"], "blocked");
    assert!(results[1]["error"].is_string(), "{}", results[1]);
}

#[test]
fn the_blank_workbook_is_written_and_a_workbook_without_a_plan_is_refused() {
    let dir = scratch("workbook-template");
    let file = dir.join("modello.xlsx");
    let run = pegaso(&["export", "--template", "-o", file.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_says(&run.stdout, "Modello vuoto scritto in");
    // Blank: every sheet and column is there, only the plan's row is missing.
    let run = pegaso(&["import", file.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    assert_says(
        &run.stderr,
        "il foglio di calcolo non contiene un piano leggibile",
    );
    assert_says(&run.stderr, "Il foglio «Piano» non ha la riga del piano");
    // A file named .xlsx that is none: said so, no panic.
    let fake = dir.join("finto.xlsx");
    std::fs::write(&fake, "Ente;Anno\nComune;2024\n").unwrap();
    let run = pegaso(&["import", fake.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    assert_says(
        &run.stderr,
        "Il file non si può leggere come foglio di calcolo",
    );
}
