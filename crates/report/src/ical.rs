//! Deadlines as an iCalendar feed (RFC 5545), for the calendars people already use: one
//! all-day event per deadline, with a stable UID so that a subscribed calendar updates its
//! events instead of duplicating them.

use chrono::{DateTime, NaiveDate, Utc};
use icalendar::{Calendar, Component, Event, EventLike, Property};

/// One deadline in a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Stable across fetches: the same deadline keeps its UID.
    pub uid: String,
    pub day: NaiveDate,
    pub summary: String,
    pub description: String,
    /// Where to read more (the objective card).
    pub url: Option<String>,
}

/// A TEXT value as RFC 5545 takes it before escaping: every line end (CR LF, a bare CR or
/// LF) one `\n`, which the library escapes, and no other control character but the tab
/// (the RFC allows none). A bare CR left in would end the line for some readers and not for
/// others, so that text could read as properties and events of its own.
fn text(value: &str) -> String {
    domain::limits::normalised(value)
}

/// `text`, escaped as RFC 5545 escapes TEXT, for the properties the library writes as they
/// are (the calendar's name).
fn escaped(value: &str) -> String {
    text(value)
        .replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
        .replace('\n', "\\n")
}

/// The feed named `name` with these items, stamped `stamp` (when it was made).
pub fn feed(name: &str, items: &[Item], stamp: DateTime<Utc>) -> String {
    let mut calendar = Calendar::new();
    // The library escapes X-WR-CALNAME as TEXT but writes NAME as it is.
    calendar.append_property(Property::new("NAME", escaped(name)));
    calendar.append_property(Property::new("X-WR-CALNAME", text(name)));
    for item in items {
        let mut event = Event::new();
        event
            .uid(&text(&item.uid))
            .summary(&text(&item.summary))
            .description(&text(&item.description))
            .all_day(item.day)
            .timestamp(stamp);
        if let Some(url) = &item.url {
            event.url(url);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_has_one_all_day_event_per_deadline_with_stable_uids() {
        let day = NaiveDate::from_ymd_opt(2021, 3, 31).unwrap();
        let stamp = DateTime::from_timestamp(1_617_000_000, 0).unwrap();
        let items = [Item {
            uid: "p-u-A-1@pegaso".into(),
            day,
            summary: "Fase 1, obiettivo A; con virgole".into(),
            description: "Riga uno\nriga due".into(),
            url: Some("https://example.org/piani/p/obiettivi/u/A".into()),
        }];
        let text = feed("Scadenze", &items, stamp);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
        assert!(text.contains("DTSTART;VALUE=DATE:20210331\r\n"), "{text}");
        assert!(text.contains("UID:p-u-A-1@pegaso\r\n"));
        // Commas, semicolons and newlines are escaped as RFC 5545 asks.
        assert!(
            text.contains("SUMMARY:Fase 1\\, obiettivo A\\; con virgole\r\n"),
            "{text}"
        );
        assert!(
            text.contains("DESCRIPTION:Riga uno\\nriga due\r\n"),
            "{text}"
        );
        assert_eq!(
            text,
            feed("Scadenze", &items, stamp),
            "the same input, the same feed"
        );
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 1);
    }

    #[test]
    fn carriage_returns_and_controls_cannot_break_a_line() {
        let day = NaiveDate::from_ymd_opt(2021, 3, 31).unwrap();
        let stamp = DateTime::from_timestamp(1_617_000_000, 0).unwrap();
        let hostile = "Fase\rEND:VEVENT\r\nBEGIN:VEVENT\rSUMMARY:falso\u{0}\u{7}";
        let items = [Item {
            uid: "p-u-A-1@pegaso".into(),
            day,
            summary: hostile.into(),
            description: hostile.into(),
            url: None,
        }];
        let ics = feed("Calendario\rX-INIETTATO:1", &items, stamp);
        // Every line ends with CR LF, and no CR or LF stands anywhere else.
        for line in ics.split("\r\n") {
            assert!(!line.contains('\r') && !line.contains('\n'), "{line:?}");
            assert!(
                !line.chars().any(|c| c.is_control() && c != '\t'),
                "{line:?}"
            );
        }
        assert_eq!(
            ics.split("\r\n").filter(|l| *l == "BEGIN:VEVENT").count(),
            1,
            "{ics}"
        );
        assert!(!ics.contains("\r\nX-INIETTATO"), "{ics}");
        assert!(
            ics.contains("\r\nNAME:Calendario\\nX-INIETTATO:1\r\n"),
            "{ics}"
        );
        assert!(
            ics.contains("\r\nX-WR-CALNAME:Calendario\\nX-INIETTATO:1\r\n"),
            "{ics}"
        );
        assert!(
            ics.contains("SUMMARY:Fase\\nEND:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:falso\r\n"),
            "{ics}"
        );
    }
}
