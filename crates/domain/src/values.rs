//! Domain values with rules: percentages, labels and identifiers that cannot hold invalid text.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a value was refused by its constructor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("percentage {0} is outside 0..=100")]
    PercentRange(String),
    #[error("phase label {0:?} is not digits optionally followed by one letter (1, 1a, 1A)")]
    PhaseLabel(String),
    #[error("objective label {0:?} is not 1-4 letters or digits (A, B, 1)")]
    ObjectiveLabel(String),
    #[error("unit id {0:?} is not a lowercase slug (a-z, 0-9 and single dashes)")]
    UnitId(String),
    #[error("objective id {0:?} is not unit-id/label")]
    ObjectiveId(String),
    #[error("plan id {0:?} is not an administration's slug, a dash and a year")]
    PlanId(String),
    #[error("format {0:?} is not pegaso.plan/1")]
    Format(String),
    #[error("username {0:?} is not 1-64 ASCII letters, digits and . - _ @")]
    Username(String),
    #[error("e-mail address {0:?} is not user@domain within 254 characters")]
    Email(String),
}

/// A percentage between 0 and 100 inclusive, kept as a decimal (Incidenza %, survey shares).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent(Decimal);

impl Percent {
    pub const HUNDRED: Percent = Percent(Decimal::ONE_HUNDRED);
    pub const ZERO: Percent = Percent(Decimal::ZERO);

    pub fn new(value: Decimal) -> Result<Self, ValueError> {
        if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
            return Err(ValueError::PercentRange(value.to_string()));
        }
        Ok(Percent(value.normalize()))
    }

    pub fn value(self) -> Decimal {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }
}

impl FromStr for Percent {
    type Err = ValueError;
    /// Reads `50`, `12,5`, `12.5` (with or without a trailing `%`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().trim_end_matches('%').trim().replace(',', ".");
        let d = Decimal::from_str(&t).map_err(|_| ValueError::PercentRange(s.to_string()))?;
        Percent::new(d)
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

impl Serialize for Percent {
    /// A JSON number: an integer when the value is whole (`50`), else a decimal (`12.5`).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0.normalize();
        match (d.fract().is_zero(), d.to_u64()) {
            (true, Some(n)) => s.serialize_u64(n),
            _ => s.serialize_f64(d.to_f64().unwrap_or(0.0)),
        }
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Percent;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number between 0 and 100")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Percent, E> {
                Percent::new(Decimal::from(v)).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Percent, E> {
                Percent::new(Decimal::from(v)).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Percent, E> {
                // The shortest text that reads back as `v` is the number the writer meant.
                let d = Decimal::from_str(&v.to_string())
                    .map_err(|_| E::custom(ValueError::PercentRange(v.to_string())))?;
                Percent::new(d).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Percent {
    fn schema_name() -> Cow<'static, str> {
        "Percent".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A percentage as a number: 50 for 50%.",
            "type": "number", "minimum": 0, "maximum": 100
        })
    }
}

/// A position in a list as people count it, from 1: phase 3 of an objective, its indicator 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Position(std::num::NonZeroUsize);

impl Position {
    /// The position of the item at `index` (from 0).
    pub fn of_index(index: usize) -> Position {
        Position(std::num::NonZeroUsize::MIN.saturating_add(index))
    }

    /// As people count: from 1.
    pub fn get(self) -> usize {
        self.0.get()
    }

    /// The index (from 0) of this position in a list of `count` items, if it has one.
    pub fn within(self, count: usize) -> Option<usize> {
        (self.get() <= count).then(|| self.get() - 1)
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for Position {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Position)
    }
}

/// Declares a string newtype whose constructor checks `$valid` (refusing with the
/// `ValueError` variant of the same name), with serde and schema support.
macro_rules! checked_string {
    ($(#[$doc:meta])* $name:ident, $valid:expr, $pattern:literal, $desc:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The regular expression every value matches, as the JSON schemas write it.
            pub const PATTERN: &'static str = $pattern;

            pub fn parse(s: impl Into<String>) -> Result<Self, ValueError> {
                let s = s.into();
                let valid: fn(&str) -> bool = $valid;
                if valid(&s) { Ok(Self(s)) } else { Err(ValueError::$name(s)) }
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValueError;
            fn try_from(s: String) -> Result<Self, ValueError> {
                Self::parse(s)
            }
        }

        impl FromStr for $name {
            type Err = ValueError;
            fn from_str(s: &str) -> Result<Self, ValueError> {
                Self::parse(s)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "description": $desc, "type": "string", "pattern": $pattern })
            }
        }
    };
}

fn is_phase_label(s: &str) -> bool {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &s.as_bytes()[digits..];
    (1..=3).contains(&digits)
        && (rest.is_empty() || (rest.len() == 1 && rest[0].is_ascii_alphabetic()))
}

fn is_objective_label(s: &str) -> bool {
    (1..=4).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn is_objective_id(s: &str) -> bool {
    match s.split_once('/') {
        Some((unit, label)) => is_slug(unit) && is_objective_label(label),
        None => false,
    }
}

checked_string!(
    /// The label of a phase as printed: `1`, `2`; sub-rows `1a`, `1b`; `fase 1-A` is `1A`.
    PhaseLabel, is_phase_label, "^[0-9]{1,3}[A-Za-z]?$",
    "Phase label as printed: 1, 2; sub-rows 1a, 1b; 'fase 1-A' becomes 1A."
);
checked_string!(
    /// The label of an objective card as printed: `A`, `B`, `1`, `2`.
    ObjectiveLabel, is_objective_label, "^[A-Za-z0-9]{1,4}$",
    "Objective label as printed: A, B, 1, 2."
);
checked_string!(
    /// A stable slug naming a unit: `gabinetto-del-sindaco`.
    UnitId, is_slug, "^[a-z0-9]+(-[a-z0-9]+)*$",
    "Stable slug of a unit: lowercase letters, digits and single dashes."
);
checked_string!(
    /// An objective's id: its unit's id, a slash, its label (`gabinetto-del-sindaco/A`).
    ObjectiveId, is_objective_id, "^[a-z0-9]+(-[a-z0-9]+)*/[A-Za-z0-9]{1,4}$",
    "Objective id: unit id + '/' + label."
);

fn is_plan_id(s: &str) -> bool {
    match s.rsplit_once('-') {
        Some((entity, year)) => {
            is_slug(entity) && year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

checked_string!(
    /// A plan's id in addresses and commands: its administration's slug, a dash, the year of
    /// its annual slice (`citta-di-alessandria-2021`). `Plan::id` makes it.
    PlanId, is_plan_id, "^[a-z0-9]+(-[a-z0-9]+)*-[0-9]{4}$",
    "Plan id: the administration's slug, a dash and the year."
);

impl PlanId {
    /// The administration's slug (`citta-di-alessandria`).
    pub fn entity(&self) -> &str {
        self.as_str()
            .rsplit_once('-')
            .map_or("", |(entity, _)| entity)
    }
}

checked_string!(
    /// An account's name: 1 to 64 ASCII letters, digits and `. - _ @`. One account whatever the
    /// case: the store finds accounts lower-cased.
    Username, crate::limits::username_ok, "^[A-Za-z0-9._@-]{1,64}$",
    "Account name: 1-64 ASCII letters, digits and . - _ @."
);

/// An e-mail address as mail servers read one (`user@domain`, by lettre's parser), within the
/// 254 characters an address may have.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(lettre::Address);

impl Email {
    /// The address in `s` (spaces around it do not count).
    pub fn parse(s: &str) -> Result<Email, ValueError> {
        let s = s.trim();
        s.parse::<lettre::Address>()
            .ok()
            .filter(|_| s.len() <= crate::limits::Field::Email.max_chars())
            .map(Email)
            .ok_or_else(|| ValueError::Email(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_ref()
    }

    /// The address, for a message's recipients.
    pub fn address(&self) -> &lettre::Address {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, ValueError> {
        Email::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.as_str().to_owned()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ObjectiveId {
    pub fn new(unit: &UnitId, label: &ObjectiveLabel) -> Self {
        ObjectiveId(format!("{unit}/{label}"))
    }
}

impl PhaseLabel {
    /// The phase number this label belongs to: `1` for `1`, `1a` and `1A`.
    pub fn number(&self) -> &str {
        self.0.trim_end_matches(|c: char| c.is_ascii_alphabetic())
    }
}

impl UnitId {
    /// The id of a unit whose name gives no slug.
    pub fn unnamed() -> Self {
        UnitId("unita".to_string())
    }

    /// Builds a slug from free text: lowercase ASCII words joined by dashes; accents dropped.
    /// Returns `None` when the text has no letter or digit.
    pub fn slugify(text: &str) -> Option<Self> {
        let mut out = String::new();
        for c in text.chars().flat_map(fold_accent) {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let trimmed: String = out.trim_matches('-').chars().take(80).collect();
        UnitId::parse(trimmed.trim_end_matches('-')).ok()
    }
}

/// Drops the accent of an Italian letter (`à` → `a`), leaving other characters as they are.
pub fn fold_accent(c: char) -> Option<char> {
    let folded = match c {
        'à' | 'á' | 'â' | 'ä' => 'a',
        'À' | 'Á' | 'Â' | 'Ä' => 'A',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'ò' | 'ó' | 'ô' | 'ö' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Ö' => 'O',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        other => other,
    };
    Some(folded)
}

/// The document format tag; only `pegaso.plan/1` is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Format;

impl Format {
    pub const V1: &'static str = "pegaso.plan/1";
}

impl TryFrom<String> for Format {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, ValueError> {
        if s == Format::V1 {
            Ok(Format)
        } else {
            Err(ValueError::Format(s))
        }
    }
}

impl From<Format> for String {
    fn from(_: Format) -> String {
        Format::V1.to_string()
    }
}

impl JsonSchema for Format {
    fn schema_name() -> Cow<'static, str> {
        "Format".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "description": "Format and version of the document.", "const": "pegaso.plan/1" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_ids_are_a_slug_and_a_year() {
        let id = PlanId::parse("citta-di-alessandria-2021").unwrap();
        assert_eq!(id.as_str(), "citta-di-alessandria-2021");
        assert_eq!(id.entity(), "citta-di-alessandria");
        for wrong in [
            "2021",
            "-2021",
            "citta-di-alessandria",
            "citta-di-alessandria-21",
            "Citta-2021",
            "citta--2021",
            "citta-2021/",
            "",
        ] {
            assert_eq!(
                PlanId::parse(wrong),
                Err(ValueError::PlanId(wrong.into())),
                "{wrong}"
            );
        }
    }

    #[test]
    fn usernames_and_email_addresses_are_checked_once() {
        assert!(Username::parse("mario.rossi@comune").is_ok());
        for bad in ["", "mario rossi", "màrio", &"a".repeat(65)] {
            assert!(Username::parse(bad).is_err(), "{bad:?}");
        }
        let e = Email::parse(" ada@comune.example.it ").unwrap();
        assert_eq!(e.to_string(), "ada@comune.example.it");
        assert_eq!(e.address().domain(), "comune.example.it");
        let long = format!("{}@example.it", "a".repeat(250));
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.it",
            "ada @example.it",
            "a@b@c",
            &long,
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn positions_count_from_one_and_find_their_item() {
        assert!("0".parse::<Position>().is_err());
        assert!("-1".parse::<Position>().is_err());
        assert!("due".parse::<Position>().is_err());
        let third: Position = "3".parse().unwrap();
        assert_eq!(third, Position::of_index(2));
        assert_eq!(third.to_string(), "3");
        assert_eq!(third.within(3), Some(2));
        assert_eq!(third.within(2), None);
        assert_eq!(Position::of_index(usize::MAX).get(), usize::MAX);
    }

    #[test]
    fn percent_accepts_the_range_and_refuses_outside() {
        assert_eq!("50%".parse::<Percent>().unwrap().to_string(), "50");
        assert_eq!("12,5".parse::<Percent>().unwrap().to_string(), "12.5");
        assert!("100.01".parse::<Percent>().is_err());
        assert!("-1".parse::<Percent>().is_err());
        assert!("abc".parse::<Percent>().is_err());
    }

    #[test]
    fn percent_serialises_whole_numbers_as_integers() {
        let p: Percent = "50.0".parse().unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "50");
        let p: Percent = "12.5".parse().unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "12.5");
        let back: Percent = serde_json::from_str("33.3").unwrap();
        assert_eq!(back.to_string(), "33.3");
        assert!(serde_json::from_str::<Percent>("101").is_err());
    }

    #[test]
    fn labels_follow_their_rules() {
        for ok in ["1", "10", "1a", "1A", "999"] {
            assert!(PhaseLabel::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a", "1ab", "1-A", "1000", " 1"] {
            assert!(PhaseLabel::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(PhaseLabel::parse("12b").unwrap().number(), "12");
        assert!(ObjectiveLabel::parse("A").is_ok());
        assert!(ObjectiveLabel::parse("A B").is_err());
        assert!(serde_json::from_str::<PhaseLabel>("\"x\"").is_err());
    }

    #[test]
    fn slugs_drop_accents_and_punctuation() {
        let s = UnitId::slugify("Sanità, Ambiente e dell'Ente").unwrap();
        assert_eq!(s.as_str(), "sanita-ambiente-e-dell-ente");
        assert_eq!(
            UnitId::slugify("  E-Government ").unwrap().as_str(),
            "e-government"
        );
        assert!(UnitId::slugify("—").is_none());
        assert!(UnitId::parse("Bad Slug").is_err());
        let id = ObjectiveId::new(
            &UnitId::parse("avvocatura").unwrap(),
            &ObjectiveLabel::parse("B").unwrap(),
        );
        assert_eq!(id.as_str(), "avvocatura/B");
        assert!(ObjectiveId::parse("avvocatura").is_err());
    }
}
