//! What the draft's forms share: the fields as sent (repeated rows included), the problems
//! found in them by field, and the inputs that show a field's value and its problem beside it.

use std::collections::BTreeMap;

use domain::limits::{self, Field};
use domain::{Diagnostic, Severity, messages};
use maud::{Markup, html};

/// A form's fields as sent, in order; the same name may come more than once.
#[derive(Debug, Default)]
pub struct Sent(pub Vec<(String, String)>);

impl Sent {
    /// The first value of `name`, "" when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Whether a box `name` was ticked.
    pub fn ticked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// The version the form was made on; 0 (a version no plan has) when missing.
    pub fn version(&self) -> i64 {
        self.get("versione").trim().parse().unwrap_or(0)
    }
}

/// The problems of a form, by the id of the field they concern, in Italian.
#[derive(Debug, Default, Clone)]
pub struct Problems(pub BTreeMap<String, Vec<String>>);

impl Problems {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_default().push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn of(&self, field: &str) -> &[String] {
        self.0.get(field).map_or(&[], Vec::as_slice)
    }

    /// A text for `field`, cleaned within its limits; its problem noted under `id`.
    pub fn text(&mut self, id: &str, field: Field, raw: &str) -> String {
        match limits::clean(field, raw) {
            Ok(t) => t,
            Err(e) => {
                self.add(id, messages::text_error(&e));
                String::new()
            }
        }
    }

    /// `text`, `None` when empty.
    pub fn optional(&mut self, id: &str, field: Field, raw: &str) -> Option<String> {
        Some(self.text(id, field, raw)).filter(|t| !t.is_empty())
    }

    /// `text`, required.
    pub fn required(&mut self, id: &str, field: Field, raw: &str) -> String {
        match limits::required(field, raw) {
            Ok(t) => t,
            Err(e) => {
                self.add(id, messages::text_error(&e));
                String::new()
            }
        }
    }

    /// A whole number, `None` when empty.
    pub fn number<T: std::str::FromStr>(&mut self, id: &str, raw: &str) -> Option<T> {
        let t = raw.trim();
        if t.is_empty() {
            return None;
        }
        let n = t.parse().ok();
        if n.is_none() {
            self.add(id, format!("«{t}» non è un numero intero."));
        }
        n
    }

    /// A day (`AAAA-MM-GG` or `GG/MM/AAAA`), `None` when empty.
    pub fn date(&mut self, id: &str, raw: &str) -> Option<chrono::NaiveDate> {
        let t = raw.trim();
        if t.is_empty() {
            return None;
        }
        let d = limits::parse_date(t);
        if d.is_none() {
            self.add(id, format!("«{t}» non è una data (gg/mm/aaaa)."));
        }
        d
    }

    /// A value parsed by `parse`, with `what` saying what it should be; `None` when empty.
    pub fn parsed<T, E>(
        &mut self,
        id: &str,
        raw: &str,
        what: &str,
        parse: impl Fn(String) -> Result<T, E>,
    ) -> Option<T> {
        let t = raw.trim();
        if t.is_empty() {
            return None;
        }
        let v = parse(t.to_owned()).ok();
        if v.is_none() {
            self.add(id, format!("«{t}»: {what}."));
        }
        v
    }

    /// The plan's findings (`domain::validate`) whose path `field_of` places in this form.
    pub fn findings(
        &mut self,
        findings: &[Diagnostic],
        field_of: impl Fn(&str) -> Option<String>,
    ) -> Vec<Diagnostic> {
        let mut elsewhere = Vec::new();
        for d in findings {
            match field_of(&d.location.path) {
                Some(id) => {
                    let label = match d.severity {
                        Severity::Error => "Errore",
                        Severity::Warning => "Avviso",
                        Severity::Info => "Nota",
                    };
                    self.add(id, format!("{label}: {}", d.message));
                }
                None => elsewhere.push(d.clone()),
            }
        }
        elsewhere
    }
}

/// A field's problems, under an id its input names in `aria-describedby`.
pub fn problems_of(problems: &Problems, id: &str) -> Markup {
    let list = problems.of(id);
    html! {
        @if !list.is_empty() {
            span id=(format!("{id}-problema")) class="problema" {
                @for (i, p) in list.iter().enumerate() {
                    @if i > 0 { " " }
                    (p)
                }
            }
        }
    }
}

/// The `aria-describedby` of a field with problems.
pub fn described(problems: &Problems, id: &str) -> Option<String> {
    (!problems.of(id).is_empty()).then(|| format!("{id}-problema"))
}

/// A labelled one-line input.
pub fn input(problems: &Problems, id: &str, label: &str, value: &str, attrs: Attrs) -> Markup {
    let invalid = !problems.of(id).is_empty();
    html! {
        p {
            label for=(id) { (label) }
            input id=(id) name=(id) type=(attrs.kind) value=(value)
                inputmode=[attrs.inputmode] required[attrs.required]
                aria-invalid=[invalid.then_some("true")]
                aria-describedby=[described(problems, id)];
            (problems_of(problems, id))
        }
    }
}

/// A labelled text area.
pub fn area(problems: &Problems, id: &str, label: &str, value: &str, rows: u8) -> Markup {
    let invalid = !problems.of(id).is_empty();
    html! {
        p {
            label for=(id) { (label) }
            textarea id=(id) name=(id) rows=(rows)
                aria-invalid=[invalid.then_some("true")]
                aria-describedby=[described(problems, id)] { (value) }
            (problems_of(problems, id))
        }
    }
}

/// A labelled choice among `(value, words)`.
pub fn select(
    problems: &Problems,
    id: &str,
    label: &str,
    value: &str,
    options: &[(String, String)],
) -> Markup {
    html! {
        p {
            label for=(id) { (label) }
            select id=(id) name=(id) aria-describedby=[described(problems, id)] {
                @for (v, words) in options {
                    option value=(v) selected[v == value] { (words) }
                }
            }
            (problems_of(problems, id))
        }
    }
}

/// The options of a `select` over the items `all`: each one's value and words.
pub fn choices<T: Copy, V: Into<String>>(
    all: &[T],
    value: impl Fn(T) -> V,
    words: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|&x| (value(x).into(), words(x).to_owned()))
        .collect()
}

/// What an input is besides its label and value.
#[derive(Debug, Clone, Copy)]
pub struct Attrs {
    pub kind: &'static str,
    pub inputmode: Option<&'static str>,
    pub required: bool,
}

pub const TEXT: Attrs = Attrs {
    kind: "text",
    inputmode: None,
    required: false,
};
pub const REQUIRED: Attrs = Attrs {
    required: true,
    ..TEXT
};
pub const NUMBER: Attrs = Attrs {
    inputmode: Some("numeric"),
    ..TEXT
};
pub const DECIMAL: Attrs = Attrs {
    inputmode: Some("decimal"),
    ..TEXT
};
pub const DATE: Attrs = Attrs {
    kind: "date",
    ..TEXT
};

/// A date as a date input shows it.
pub fn date_value(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The notice at the top of a form sent with problems: how many, and that nothing was saved.
pub fn refused(problems: &Problems) -> Markup {
    let n: usize = problems.0.values().map(Vec::len).sum();
    html! {
        div class="avviso" role="alert" {
            h2 { "Il modulo ha " (n) @if n == 1 { " problema" } @else { " problemi" } }
            p { "Nulla è stato salvato: ogni problema è scritto accanto al suo campo." }
        }
    }
}
