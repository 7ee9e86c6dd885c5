//! Deadlines as the cards write them: a date, a start, in-year, completed, relative to a phase
//! or an event, or none; any of them may be tentative ("presumibilmente").

use std::borrow::Cow;

use chrono::NaiveDate;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::values::PhaseLabel;

/// A deadline: what it is (`when`) and whether the document gives it as tentative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Deadline {
    #[serde(flatten)]
    pub when: When,
    /// True when the document adds "presumibilmente" (tentative). Absent means false.
    #[serde(default, skip_serializing_if = "is_false")]
    pub tentative: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The kinds of deadline of plan-format.md, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum When {
    /// Due on this date (`30/06/2021`).
    Date { date: NaiveDate },
    /// A service that starts on this date and runs on (`inizio servizio 01/02/2021`).
    Start { date: NaiveDate },
    /// Continuous, due by the end of the plan year (`in corso d'anno`).
    DuringYear,
    /// Done in an earlier year (`Conclusa`).
    Completed,
    /// Counted from the end of a phase or from an event (`2 mesi da fase 2)`).
    Relative(Relative),
    /// No deadline: an empty cell, or `Non prevedibile ...`.
    #[serde(rename = "none")]
    Unspecified,
}

impl Deadline {
    pub fn new(when: When) -> Self {
        Deadline {
            when,
            tentative: false,
        }
    }

    pub fn date(date: NaiveDate) -> Self {
        Deadline::new(When::Date { date })
    }

    pub fn unspecified() -> Self {
        Deadline::new(When::Unspecified)
    }

    /// The calendar date the deadline names directly, if any (dates and starts).
    pub fn fixed_date(&self) -> Option<NaiveDate> {
        match self.when {
            When::Date { date } | When::Start { date } => Some(date),
            _ => None,
        }
    }

    /// The phase this deadline counts from, if it is relative to a phase.
    pub fn after_phase(&self) -> Option<&PhaseLabel> {
        match &self.when {
            When::Relative(Relative {
                anchor: Anchor::Phase { phase, .. },
                ..
            }) => Some(phase),
            _ => None,
        }
    }
}

/// A deadline counted from something that has not a fixed date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RelativeRepr", into = "RelativeRepr")]
pub struct Relative {
    pub anchor: Anchor,
    pub offset: Offset,
}

/// What a relative deadline counts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// The conclusion of a phase; `point` when the card counts from a numbered point of it
    /// (`dalla conclusione del punto 03) della fase 1`).
    Phase {
        phase: PhaseLabel,
        point: Option<String>,
    },
    /// An event, in the document's words (`presentazione dell'istanza`).
    Event(String),
}

/// How long after the anchor the deadline falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offset {
    Days(u32),
    Months(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum AnchorKind {
    Phase,
    Event,
}

/// The JSON shape of a relative deadline; `Relative` is built from it only when coherent.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Relative")]
struct RelativeRepr {
    /// `phase` when counted from the conclusion of a phase, `event` when from an event.
    after: AnchorKind,
    /// The label of the phase counted from (when `after` is `phase`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phase: Option<PhaseLabel>,
    /// The numbered point of that phase counted from, when the card names one (`03`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    point: Option<String>,
    /// The event counted from, in the document's words (when `after` is `event`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    event: Option<String>,
    /// Days after the anchor (exactly one of `days` and `months`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    days: Option<u32>,
    /// Months after the anchor (exactly one of `days` and `months`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    months: Option<u32>,
}

impl TryFrom<RelativeRepr> for Relative {
    type Error = String;
    fn try_from(r: RelativeRepr) -> Result<Self, String> {
        let offset = match (r.days, r.months) {
            (Some(d), None) => Offset::Days(d),
            (None, Some(m)) => Offset::Months(m),
            _ => return Err("a relative deadline needs exactly one of days and months".into()),
        };
        let anchor = match (r.after, r.phase, r.event) {
            (AnchorKind::Phase, Some(phase), None) => Anchor::Phase {
                phase,
                point: r.point,
            },
            (AnchorKind::Event, None, Some(event)) if r.point.is_none() => Anchor::Event(event),
            (AnchorKind::Phase, ..) => {
                return Err("a deadline after a phase needs `phase` and no `event`".into());
            }
            (AnchorKind::Event, ..) => {
                return Err(
                    "a deadline after an event needs `event` and no `phase` or `point`".into(),
                );
            }
        };
        Ok(Relative { anchor, offset })
    }
}

impl From<Relative> for RelativeRepr {
    fn from(r: Relative) -> Self {
        let (days, months) = match r.offset {
            Offset::Days(d) => (Some(d), None),
            Offset::Months(m) => (None, Some(m)),
        };
        let (after, phase, point, event) = match r.anchor {
            Anchor::Phase { phase, point } => (AnchorKind::Phase, Some(phase), point, None),
            Anchor::Event(e) => (AnchorKind::Event, None, None, Some(e)),
        };
        RelativeRepr {
            after,
            phase,
            point,
            event,
            days,
            months,
        }
    }
}

impl JsonSchema for Relative {
    fn schema_name() -> Cow<'static, str> {
        RelativeRepr::schema_name()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        RelativeRepr::json_schema(generator)
    }
}

/// The kinds of deadline in the words people choose them by (forms, workbooks), in the order
/// they are offered.
pub mod kind_word {
    pub const DATE: &str = "data";
    pub const START: &str = "inizio";
    pub const DURING_YEAR: &str = "in corso d'anno";
    pub const COMPLETED: &str = "conclusa";
    pub const AFTER_PHASE: &str = "dopo una fase";
    pub const AFTER_EVENT: &str = "dopo un evento";
    pub const NONE: &str = "nessuna";
    pub const ALL: &[&str] = &[
        DATE,
        START,
        DURING_YEAR,
        COMPLETED,
        AFTER_PHASE,
        AFTER_EVENT,
        NONE,
    ];
}

/// A deadline as a form or a workbook row holds it: a kind among `kind_word::ALL` and the
/// parts each kind needs, every one optional until `Deadline::from_parts` checks them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parts {
    pub kind: &'static str,
    pub date: Option<NaiveDate>,
    pub phase: Option<PhaseLabel>,
    pub point: Option<String>,
    pub event: Option<String>,
    pub days: Option<u32>,
    pub months: Option<u32>,
    pub tentative: bool,
}

/// What a deadline's parts lack, by the part to point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PartsError {
    #[error("una scadenza «{0}» vuole la data.")]
    Date(&'static str),
    #[error("una scadenza «dopo una fase» vuole la fase.")]
    Phase,
    #[error("una scadenza «dopo un evento» vuole l'evento.")]
    Event,
    #[error("una scadenza «{0}» vuole i giorni oppure i mesi (uno dei due).")]
    Offset(&'static str),
}

impl Deadline {
    /// The deadline's parts, as a form or a workbook row shows them.
    pub fn parts(&self) -> Parts {
        let mut p = Parts {
            tentative: self.tentative,
            ..Parts::default()
        };
        p.kind = match &self.when {
            When::Date { date } => {
                p.date = Some(*date);
                kind_word::DATE
            }
            When::Start { date } => {
                p.date = Some(*date);
                kind_word::START
            }
            When::DuringYear => kind_word::DURING_YEAR,
            When::Completed => kind_word::COMPLETED,
            When::Unspecified => kind_word::NONE,
            When::Relative(r) => {
                match r.offset {
                    Offset::Days(d) => p.days = Some(d),
                    Offset::Months(m) => p.months = Some(m),
                }
                match &r.anchor {
                    Anchor::Phase { phase, point } => {
                        p.phase = Some(phase.clone());
                        p.point = point.clone();
                        kind_word::AFTER_PHASE
                    }
                    Anchor::Event(e) => {
                        p.event = Some(e.clone());
                        kind_word::AFTER_EVENT
                    }
                }
            }
        };
        p
    }

    /// The deadline the parts make, or every part it lacks (what a kind does not use is
    /// ignored; an unknown kind is none).
    pub fn from_parts(p: Parts) -> Result<Deadline, Vec<PartsError>> {
        let offset = || match (p.days, p.months) {
            (Some(d), None) => Ok(Offset::Days(d)),
            (None, Some(m)) => Ok(Offset::Months(m)),
            _ => Err(PartsError::Offset(p.kind)),
        };
        let when = match p.kind {
            kind_word::DATE => When::Date {
                date: p.date.ok_or(vec![PartsError::Date(p.kind)])?,
            },
            kind_word::START => When::Start {
                date: p.date.ok_or(vec![PartsError::Date(p.kind)])?,
            },
            kind_word::DURING_YEAR => When::DuringYear,
            kind_word::COMPLETED => When::Completed,
            kind_word::AFTER_PHASE | kind_word::AFTER_EVENT => {
                let anchor = if p.kind == kind_word::AFTER_PHASE {
                    p.phase
                        .clone()
                        .map(|phase| Anchor::Phase {
                            phase,
                            point: p.point.clone(),
                        })
                        .ok_or(PartsError::Phase)
                } else {
                    p.event.clone().map(Anchor::Event).ok_or(PartsError::Event)
                };
                match (anchor, offset()) {
                    (Ok(anchor), Ok(offset)) => When::Relative(Relative { anchor, offset }),
                    (a, o) => {
                        return Err([a.err(), o.err()].into_iter().flatten().collect());
                    }
                }
            }
            _ => When::Unspecified,
        };
        Ok(Deadline {
            when,
            tentative: p.tentative,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(v: serde_json::Value) -> Deadline {
        let d: Deadline = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&d).unwrap(), v);
        d
    }

    #[test]
    fn every_kind_round_trips() {
        let d = round_trip(json!({"kind": "date", "date": "2021-06-30"}));
        assert_eq!(d.fixed_date(), NaiveDate::from_ymd_opt(2021, 6, 30));
        round_trip(json!({"kind": "start", "date": "2021-02-01"}));
        round_trip(json!({"kind": "during_year"}));
        round_trip(json!({"kind": "completed"}));
        round_trip(json!({"kind": "none"}));
        round_trip(json!({"kind": "date", "date": "2021-11-30", "tentative": true}));
        let d =
            round_trip(json!({"kind": "relative", "after": "phase", "phase": "2", "months": 2}));
        assert_eq!(d.after_phase().map(|p| p.as_str()), Some("2"));
        round_trip(
            json!({"kind": "relative", "after": "phase", "phase": "1", "point": "03", "days": 60}),
        );
        round_trip(
            json!({"kind": "relative", "after": "event", "event": "presentazione dell'istanza", "days": 30}),
        );
    }

    #[test]
    fn parts_make_the_deadline_back_and_say_what_they_lack() {
        for v in [
            json!({"kind": "date", "date": "2021-06-30", "tentative": true}),
            json!({"kind": "start", "date": "2021-02-01"}),
            json!({"kind": "during_year"}),
            json!({"kind": "completed"}),
            json!({"kind": "none"}),
            json!({"kind": "relative", "after": "phase", "phase": "1", "point": "03", "days": 60}),
            json!({"kind": "relative", "after": "event", "event": "istanza", "months": 2}),
        ] {
            let d: Deadline = serde_json::from_value(v).unwrap();
            assert_eq!(Deadline::from_parts(d.parts()), Ok(d));
        }
        let lacking = |kind| Parts {
            kind,
            ..Parts::default()
        };
        assert_eq!(
            Deadline::from_parts(lacking(kind_word::AFTER_PHASE)),
            Err(vec![
                PartsError::Phase,
                PartsError::Offset(kind_word::AFTER_PHASE)
            ])
        );
        assert_eq!(
            Deadline::from_parts(lacking(kind_word::AFTER_EVENT)),
            Err(vec![
                PartsError::Event,
                PartsError::Offset(kind_word::AFTER_EVENT)
            ])
        );
        assert_eq!(
            Deadline::from_parts(lacking(kind_word::START)),
            Err(vec![PartsError::Date(kind_word::START)])
        );
        let both = Parts {
            days: Some(1),
            months: Some(1),
            event: Some("x".into()),
            ..lacking(kind_word::AFTER_EVENT)
        };
        assert_eq!(
            Deadline::from_parts(both),
            Err(vec![PartsError::Offset(kind_word::AFTER_EVENT)])
        );
        assert_eq!(
            Deadline::from_parts(lacking("")),
            Ok(Deadline::unspecified())
        );
    }

    #[test]
    fn incoherent_relatives_are_refused() {
        for bad in [
            json!({"kind": "relative", "after": "phase", "phase": "2"}),
            json!({"kind": "relative", "after": "phase", "phase": "2", "days": 1, "months": 1}),
            json!({"kind": "relative", "after": "phase", "days": 1}),
            json!({"kind": "relative", "after": "event", "phase": "1", "event": "x", "days": 1}),
            json!({"kind": "date"}),
            json!({"kind": "later"}),
        ] {
            assert!(
                serde_json::from_value::<Deadline>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }
}
