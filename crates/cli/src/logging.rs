//! The server's log: one line per event, whatever its fields hold. Fields can carry what a
//! stranger typed (a username at sign-in, an address), so every field's value is written with
//! line breaks and other control characters escaped: text cannot end a line and forge the
//! next one, nor steer a terminal. (Text a stranger typed is logged with `?`, quoted, so that
//! it cannot pose as other fields of the same line either.)

use std::fmt::Write as _;

use domain::limits;
use tracing_subscriber::field::MakeExt;

/// `text` with line breaks, control characters and direction overrides written as escapes
/// (`\n`, `\r`, `\t`, `\u{1b}`), everything else as it is.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || limits::bidi_control(c) || limits::line_break(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Installs the log for `pegaso serve`: to standard error, filtered by `RUST_LOG` (default
/// `info,sqlx=warn`), each field's value escaped.
pub fn init() {
    tracing_subscriber::fmt()
        .with_env_filter(filter())
        .fmt_fields(fields())
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

fn filter() -> tracing_subscriber::EnvFilter {
    tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn".into())
}

/// The fields of an event or span: the message as it is, the others as `name=value`, every
/// value escaped.
fn fields() -> impl for<'w> tracing_subscriber::fmt::FormatFields<'w> + Send + Sync + 'static {
    tracing_subscriber::fmt::format::debug_fn(|w, field, value| {
        let text = escape(&format!("{value:?}"));
        if field.name() == "message" {
            write!(w, "{text}")
        } else {
            write!(w, "{}={text}", field.name())
        }
    })
    .delimited(" ")
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_field_cannot_forge_a_line() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .fmt_fields(fields())
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let typed = "ada\n2026-12-02T00:00:00Z  INFO signed in user=admin\r\u{1b}[2J";
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(account = %typed, address = "127.0.0.1", "login refused");
            tracing::warn!("second {}", "event");
        });
        let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(lines.len(), 2, "{log}");
        assert!(lines[0].contains("login refused"), "{log}");
        assert!(
            lines[0].contains(
                "account=ada\\n2026-12-02T00:00:00Z  INFO signed in user=admin\\r\\u{1b}[2J"
            ),
            "{log}"
        );
        assert!(lines[1].ends_with("second event"), "{log}");
        assert!(!log.contains('\r') && !log.contains('\u{1b}'), "{log:?}");
    }

    #[test]
    fn plain_text_is_left_as_it_is() {
        assert_eq!(
            escape("Città di Alessandria, 2021"),
            "Città di Alessandria, 2021"
        );
        assert_eq!(escape("a\u{202E}b"), "a\\u{202e}b");
    }
}
