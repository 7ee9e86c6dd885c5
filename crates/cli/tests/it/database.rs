//! The commands that use a database: `import --db`, `export`, `serve`; on a fresh SQLite file
//! and, when `PEGASO_TEST_DATABASE_URL` is set, on PostgreSQL.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use store::testing::fresh_databases;

use crate::commands::{
    ADD_ADA, address, assert_says, demo, pegaso, scratch, seed, serve_command, text,
};

#[tokio::test]
async fn import_into_a_database_then_export_gives_back_the_imported_plan() {
    let Some(seed) = seed() else { return };
    let dir = scratch("db-roundtrip");
    let seed = seed.to_str().unwrap().to_owned();
    let expected = std::fs::read_to_string(demo()).unwrap();
    for db in fresh_databases().await {
        let url = db.url.as_str();
        let run = pegaso(&["import", &seed, "--db", url]);
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}: {}",
            db.backend,
            text(&run.stderr)
        );
        let out = text(&run.stdout);
        assert!(
            out.contains("identificativo citta-di-alessandria-2021"),
            "{out}"
        );
        assert!(
            !out.contains("\"format\""),
            "the plan is not printed when it goes to the database"
        );

        let file = dir.join(format!("{}.json", db.backend));
        let run = pegaso(&[
            "export",
            "--db",
            url,
            "--plan",
            "citta-di-alessandria-2021",
            "-o",
            file.to_str().unwrap(),
        ]);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
        let exported = std::fs::read_to_string(&file).unwrap();
        assert!(
            exported == expected,
            "{}: export differs from the imported plan",
            db.backend
        );

        // The same plan again is refused, and replaced when asked.
        let run = pegaso(&["import", &seed, "--db", url]);
        assert_eq!(run.status.code(), Some(2));
        assert_says(&run.stderr, "--replace");
        let run = pegaso(&["import", &seed, "--db", url, "--replace"]);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));

        // An exported plan imports back as JSON.
        let run = pegaso(&["import", file.to_str().unwrap(), "--db", url, "--replace"]);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
        let run = pegaso(&["export", "--db", url]);
        assert!(
            text(&run.stdout) == expected,
            "{}: JSON import then export",
            db.backend
        );

        // As a workbook and back: the same plan (the format told by the file's name).
        let book = dir.join(format!("{}.xlsx", db.backend));
        let run = pegaso(&["export", "--db", url, "-o", book.to_str().unwrap()]);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
        assert!(std::fs::read(&book).unwrap().starts_with(b"PK"));
        let run = pegaso(&["import", book.to_str().unwrap(), "--db", url, "--replace"]);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
        let run = pegaso(&["export", "--db", url]);
        assert!(
            text(&run.stdout) == expected,
            "{}: workbook export then import",
            db.backend
        );
        // A workbook is written only to a file.
        let run = pegaso(&["export", "--db", url, "--format", "xlsx"]);
        assert_eq!(run.status.code(), Some(2));
        assert_says(&run.stderr, "indicare -o FILE.xlsx");

        let run = pegaso(&["export", "--db", url, "--plan", "nessuno-1999"]);
        assert_eq!(run.status.code(), Some(2));
        assert_says(&run.stderr, "ci sono: citta-di-alessandria-2021");
        // Not a plan id at all: refused before the database is read, in Italian.
        let run = pegaso(&["export", "--db", url, "--plan", "Roma"]);
        assert_eq!(run.status.code(), Some(2));
        assert_says(&run.stderr, "«Roma» non è l'identificativo di un piano");
    }
}

#[test]
fn a_sqlite_url_names_a_new_file_as_a_path_does() {
    let dir = scratch("sqlite-url");
    let file = dir.join("nuovo.db");
    let _ = std::fs::remove_file(&file);
    let url = format!("sqlite://{}", file.to_str().unwrap());
    let plan = demo();
    let run = pegaso(&["import", plan.to_str().unwrap(), "--db", &url]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert!(file.exists(), "{url} did not create its file");
    let run = pegaso(&["export", "--db", &url]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_says(&run.stdout, "pegaso.plan/1");
}

#[test]
fn a_database_url_that_cannot_be_used_is_explained() {
    let run = pegaso(&["export", "--db", "mysql://localhost/x"]);
    assert_eq!(run.status.code(), Some(2));
    assert_says(&run.stderr, "impossibile aprire il database");
}

/// A GET over a plain socket: status line and body.
fn get(addr: &str, path: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    let status = response.lines().next().unwrap_or("").to_owned();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (status, body)
}

/// `pegaso serve` with `extra` arguments on database `db`: the child and its standard output.
fn serve(
    db: &std::path::Path,
    extra: &[&str],
) -> (std::process::Child, impl Iterator<Item = String>) {
    let mut child = serve_command(db)
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok);
    (child, lines)
}

/// Stops `child` with SIGTERM; what it printed after.
fn stop(mut child: std::process::Child, lines: impl Iterator<Item = String>) -> Vec<String> {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    lines.collect()
}

#[test]
fn serve_plays_the_demo_year_prints_its_accounts_and_stops_on_sigterm() {
    let dir = scratch("serve");
    let db = dir.join("pegaso.db");
    let (child, mut lines) = serve(&db, &[]);
    let first = lines.next().unwrap();
    assert!(first.contains("caricata la dimostrazione"), "{first}");
    assert!(first.contains("risultati pubblicati"), "{first}");
    assert!(
        first.contains("-2022), con le sezioni del PIAO"),
        "the next year's draft is told: {first}"
    );
    let mut printed = vec![first];
    let ready = loop {
        let line = lines.next().unwrap();
        if line.contains("Pegaso è pronto") {
            break line;
        }
        printed.push(line);
    };
    let printed = printed.join("\n");
    for role in ["programmazione ", "nucleo ", "giunta ", "revisore "] {
        assert!(printed.contains(role), "no {role}account in {printed}");
    }
    assert_eq!(
        printed.matches("responsabile:").count(),
        2,
        "two heads are shown: {printed}"
    );
    assert!(printed.contains("pegaso serve --empty"), "{printed}");
    let addr = address(&ready);
    let (status, body) = get(&addr, "/healthz");
    assert!(status.contains("200"), "{status}");
    assert_eq!(body, r#"{"status":"ok"}"#);
    // The demo year is published: the public reads results, lights and scores, on pages that
    // say the data are a demonstration's.
    let (status, card) = get(
        &addr,
        "/piani/citta-di-alessandria-2021/obiettivi/avvocatura/A",
    );
    assert!(status.contains("200"), "{status}");
    assert!(card.contains("semaforo"), "no traffic light on the card");
    assert!(card.contains("Dati dimostrativi"), "{card}");
    let (_, home) = get(&addr, "/");
    assert!(home.contains("Punteggio organizzativo"), "{home}");
    let (status, _) = get(&addr, "/piani/citta-di-alessandria-2021/punteggi");
    assert!(status.contains("200"), "{status}");
    assert_eq!(stop(child, lines), ["Pegaso si è fermato."]);
    assert!(db.exists(), "the SQLite file is created where asked");
    // A second start finds the data and plays nothing again.
    let (child, mut lines) = serve(&db, &[]);
    let first = lines.next().unwrap();
    assert!(first.contains("Pegaso è pronto"), "{first}");
    stop(child, lines);
}

#[test]
fn serve_empty_starts_without_the_demonstration() {
    let dir = scratch("serve-empty");
    let db = dir.join("pegaso.db");
    let (child, mut lines) = serve(&db, &["--empty"]);
    let hint = lines.next().unwrap();
    assert!(hint.contains("pegaso user add"), "{hint}");
    let addr = address(&lines.next().unwrap());
    let (_, home) = get(&addr, "/");
    assert!(!home.contains("Dati dimostrativi"), "{home}");
    assert!(!home.contains("citta-di-alessandria"), "{home}");
    stop(child, lines);
    // A plan imported then is a draft: not public until the Giunta approves it.
    let plan = demo();
    let run = pegaso(&[
        "import",
        plan.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let (child, mut lines) = serve(&db, &["--empty"]);
    assert!(lines.next().unwrap().contains("pegaso user add"));
    let addr = address(&lines.next().unwrap());
    let (status, body) = get(
        &addr,
        "/piani/citta-di-alessandria-2021/obiettivi/avvocatura/A",
    );
    assert!(
        status.contains("404") && body.contains("Pagina non trovata"),
        "{status}"
    );
    let (_, home) = get(&addr, "/");
    assert!(home.contains("Piani in preparazione"), "{home}");
    assert_eq!(stop(child, lines), ["Pegaso si è fermato."]);
}

#[tokio::test]
async fn people_tokens_and_the_audit_log_from_the_command_line() {
    for db in fresh_databases().await {
        let url = db.url.as_str();
        let b = db.backend;
        let demo = demo();
        let run = pegaso(&["import", demo.to_str().unwrap(), "--db", url]);
        assert_eq!(run.status.code(), Some(0), "{b}: {}", text(&run.stderr));
        // An account with a generated password, shown once.
        let run = pegaso(&[&ADD_ADA[..], &["--db", url]].concat());
        assert_eq!(run.status.code(), Some(0), "{b}: {}", text(&run.stderr));
        let out = text(&run.stdout);
        let password = out
            .lines()
            .find_map(|l| l.split(": ").nth(1).filter(|_| l.contains("Password")))
            .unwrap();
        assert_eq!(password.len(), 20, "{out}");
        let run = pegaso(&["user", "add", "ada", "--name", "Altra", "--db", url]);
        assert_eq!(run.status.code(), Some(2));
        assert!(text(&run.stderr).contains("già in uso"));
        let run = pegaso(&[
            "user", "add", "x", "--name", "X", "--role", "king", "--db", url,
        ]);
        assert!(text(&run.stderr).contains("ruolo sconosciuto"));
        // Listed, disabled, reset, token made and revoked.
        let run = pegaso(&[
            "user",
            "add",
            "nino",
            "--name",
            "Nino Verdi",
            "--role",
            "evaluator",
            "--member",
            "avvocatura",
            "--db",
            url,
        ]);
        assert_eq!(run.status.code(), Some(0));
        let list = text(&pegaso(&["user", "list", "--db", url]).stdout);
        assert!(
            list.contains("ada\tAda Rossi\tProgrammazione e Controllo\t-\tattivo"),
            "{list}"
        );
        assert!(
            list.contains("nino\tNino Verdi\tNucleo di Valutazione\tavvocatura\tattivo"),
            "{list}"
        );
        let run = pegaso(&["token", "add", "nino", "--name", "cruscotto", "--db", url]);
        assert!(text(&run.stdout).contains("pgs_"), "{b}");
        assert_eq!(
            pegaso(&["user", "disable", "nino", "--db", url])
                .status
                .code(),
            Some(0)
        );
        let list = text(&pegaso(&["user", "list", "--db", url]).stdout);
        assert!(list.contains("avvocatura\tdisattivato"), "{list}");
        let run = pegaso(&["user", "reset-password", "ada", "--db", url]);
        assert!(text(&run.stdout).contains("Nuova password"), "{b}");
        let run = pegaso(&["user", "disable", "nessuno", "--db", url]);
        assert!(text(&run.stderr).contains("nessun account «nessuno»"));
        // Every one of those changes is in the log, stamped by the command line.
        let run = pegaso(&["audit", "verify", "--db", url]);
        assert_eq!(run.status.code(), Some(0), "{b}: {}", text(&run.stdout));
        assert!(
            text(&run.stdout).starts_with("Registro integro: 6 voci"),
            "{}",
            text(&run.stdout)
        );
        let csv = text(&pegaso(&["audit", "export", "--db", url]).stdout);
        let actions: Vec<&str> = csv
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').nth(3))
            .collect();
        assert_eq!(
            actions,
            [
                "plan.import",
                "person.add",
                "person.add",
                "token.add",
                "person.disable",
                "person.reset_password"
            ],
            "{b}: {csv}"
        );
        let json: serde_json::Value = serde_json::from_str(&text(
            &pegaso(&["audit", "export", "--format", "json", "--db", url]).stdout,
        ))
        .unwrap();
        assert_eq!(json.as_array().unwrap().len(), 6);
        // Someone edits an entry behind the application: verify says which, and fails.
        let store = store::Store::open(url).await.unwrap();
        let lift = match store.backend() {
            store::Backend::Sqlite => "DROP TRIGGER audit_entry_no_update",
            store::Backend::Postgres => {
                "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change"
            }
        };
        store.execute_raw(lift).await.unwrap();
        store
            .execute_raw("UPDATE audit_entry SET actor = 'mallory' WHERE seq = 3")
            .await
            .unwrap();
        store.close().await;
        let run = pegaso(&["audit", "verify", "--db", url]);
        assert_eq!(run.status.code(), Some(1), "{b}");
        let out = text(&run.stdout);
        assert!(
            out.contains("ALTERATO") && out.contains("voce 3: il contenuto non corrisponde"),
            "{out}"
        );
    }
}

#[tokio::test]
async fn plan_rollover_makes_next_years_draft_from_the_demo_plan() {
    let demo_path = demo();
    let demo_file = demo_path.to_str().unwrap();
    let old: domain::Plan =
        serde_json::from_str(&std::fs::read_to_string(&demo_path).unwrap()).unwrap();
    let next = old.year + 1;
    let (from, to) = (
        old.id().unwrap().to_string(),
        format!("{}-{next}", old.entity_slug()),
    );
    let ticked = domain::rollover::ticked(&domain::rollover::preview(&old, next));
    let year = next.to_string();
    for db in fresh_databases().await {
        let (url, b) = (db.url.as_str(), db.backend);
        let run = pegaso(&["import", demo_file, "--db", url]);
        assert_eq!(run.status.code(), Some(0), "{b}: {}", text(&run.stderr));
        let rollover = |more: &[&str]| {
            let mut args = vec![
                "plan", "rollover", "--from", &from, "--year", &year, "--db", url,
            ];
            args.extend_from_slice(more);
            pegaso(&args)
        };

        // A trial prints what would be carried and writes nothing.
        let run = rollover(&["--dry-run"]);
        assert_eq!(run.status.code(), Some(0), "{b}: {}", text(&run.stderr));
        let said = text(&run.stdout);
        assert!(
            said.contains(&format!("Obiettivi riportati: {}", ticked.len())),
            "{said}"
        );
        assert!(
            said.contains(&format!(
                "Obiettivi lasciati indietro: {}",
                old.objectives.len() - ticked.len()
            )),
            "{said}"
        );
        assert!(said.contains("nessun piano è stato creato"), "{said}");
        let run = pegaso(&["export", "--db", url, "--plan", &to]);
        assert_eq!(run.status.code(), Some(2), "{b}: the trial made no plan");

        // An objective the plan does not have, and one that is no objective id at all.
        let run = rollover(&["--keep", "nessuna-unita/Z"]);
        assert_eq!(run.status.code(), Some(2));
        assert_says(&run.stderr, "non ha l'obiettivo «nessuna-unita/Z»");
        let run = rollover(&["--keep", "avvocatura"]);
        assert_eq!(run.status.code(), Some(2));
        assert_says(&run.stderr, "non è l'identificativo di un obiettivo");

        // The draft, with the objectives the preview ticks.
        let run = rollover(&[]);
        assert_eq!(run.status.code(), Some(0), "{b}: {}", text(&run.stderr));
        assert_says(&run.stdout, &format!("identificativo {to}"));
        let run = pegaso(&["export", "--db", url, "--plan", &to]);
        assert_eq!(run.status.code(), Some(0), "{b}: {}", text(&run.stderr));
        let new: domain::Plan = serde_json::from_slice(&run.stdout).unwrap();
        assert_eq!(new.year, next);
        let kept: Vec<_> = new.objectives.iter().map(|o| o.id.clone()).collect();
        assert_eq!(kept, ticked, "{b}");

        // Not twice.
        let run = rollover(&["--keep-all"]);
        assert_eq!(run.status.code(), Some(2));
        assert_says(&run.stderr, "Esiste già il piano");
    }
}
