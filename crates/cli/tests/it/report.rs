//! `pegaso report`: the plan's papers from a database, in the three formats, read back; what
//! is missing is said in Italian with exit 2.

use std::process::Command;

use crate::commands::{demo, pegaso, scratch, text};

/// The words of a PDF as `pdftotext` reads them, white space collapsed; `None` where poppler
/// is not installed (CI installs it).
fn pdftotext(file: &std::path::Path) -> Option<String> {
    let out = Command::new("pdftotext").arg(file).arg("-").output().ok()?;
    Some(
        text(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    )
}

#[test]
fn the_plan_its_cards_and_what_is_missing_from_the_command_line() {
    let dir = scratch("report");
    let db = dir.join("report.db");
    let db = db.to_str().unwrap();
    let _ = std::fs::remove_file(db);
    let run = pegaso(&["import", demo().to_str().unwrap(), "--db", db]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let plan: domain::Plan =
        serde_json::from_str(&std::fs::read_to_string(demo()).unwrap()).unwrap();
    let card = &plan.objectives[0];

    for ext in ["pdf", "docx", "xlsx"] {
        let file = dir.join(format!("scheda.{ext}"));
        let run = pegaso(&[
            "report",
            "card",
            "--objective",
            card.id.as_str(),
            "--db",
            db,
            "-o",
            file.to_str().unwrap(),
        ]);
        assert_eq!(run.status.code(), Some(0), "{ext}: {}", text(&run.stderr));
        let bytes = std::fs::read(&file).unwrap();
        let magic: &[u8] = if ext == "pdf" { b"%PDF-" } else { b"PK" };
        assert!(bytes.starts_with(magic), "{ext}");
    }
    if let Some(words) = pdftotext(&dir.join("scheda.pdf")) {
        let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words.contains(&squash(&card.title)), "{words}");
        for p in &card.phases {
            assert!(words.contains(&squash(&p.description)), "phase {}", p.label);
        }
    }

    // What a paper needs, asked for in Italian; an unknown unit or a Relazione not yet
    // examined by the Nucleo said so.
    let out = dir.join("x.pdf");
    let out = out.to_str().unwrap();
    for (args, says) in [
        (vec!["report", "unit", "--db", db, "-o", out], "--unit"),
        (
            vec!["report", "unit", "--unit", "nessuna", "--db", db, "-o", out],
            "l'unità «nessuna»",
        ),
        (vec!["report", "monitoring", "--db", db, "-o", out], "--day"),
        (
            vec!["report", "validazione", "--db", db, "-o", out],
            "documento di validazione",
        ),
        (
            vec!["report", "premi", "--db", db, "-o", out],
            "ripartizione dei premi",
        ),
        (
            vec!["report", "plan", "--db", db, "--format", "odt", "-o", out],
            "formato «odt»",
        ),
    ] {
        let run = pegaso(&args);
        assert_eq!(run.status.code(), Some(2), "{args:?}");
        assert!(
            text(&run.stderr).contains(says),
            "{args:?}: {}",
            text(&run.stderr)
        );
    }
}
