//! The server's log as an operator reads it: one line per event, whatever a stranger types.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use crate::commands::{address, scratch, serve_command};

/// One request on its own connection; the whole answer.
fn exchange(addr: &str, request: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    response
}

/// `text` percent-encoded for a form.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn a_username_with_a_line_break_cannot_forge_a_log_line() {
    let dir = scratch("log-forging");
    let db = dir.join("pegaso.db");
    let log = dir.join("serve.log");
    let mut child = serve_command(&db)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = lines
        .map_while(Result::ok)
        .find(|l| l.contains("http://"))
        .unwrap();
    let addr = address(&ready);
    // The login form, for its double-submit token.
    let form = exchange(
        &addr,
        &format!("GET /accesso HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    let cookie = form
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: pegaso_login="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned();
    let marker = "name=\"csrf\" value=\"";
    let start = form.find(marker).unwrap() + marker.len();
    let csrf = &form[start..start + 64];
    let forged = "intruso\n2026-12-02T10:00:00.000000Z  INFO request: signed in user=ada";
    let body = format!("username={}&password=x&csrf={csrf}", encode(forged));
    let answer = exchange(
        &addr,
        &format!(
            "POST /accesso HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
             Cookie: pegaso_login={cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        !text.lines().any(|l| l.starts_with("2026-12-02T10:00:00")),
        "a forged line: {text}"
    );
    let refused = text
        .lines()
        .find(|l| l.contains("login refused"))
        .unwrap_or_else(|| panic!("no refusal logged: {text}"));
    assert!(
        refused.contains("intruso\\n2026-12-02T10:00:00"),
        "{refused}"
    );
}
