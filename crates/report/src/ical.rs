//! Deadlines as an iCalendar feed (RFC 5545), for the calendars people already use: one
//! all-day event per deadline, with a stable UID so that a subscribed calendar updates its
//! events instead of duplicating them.

use chrono::{DateTime, NaiveDate, Utc};
use icalendar::{Calendar, Component, Event, EventLike};

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

/// The feed named `name` with these items, stamped `stamp` (when it was made).
pub fn feed(name: &str, items: &[Item], stamp: DateTime<Utc>) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for item in items {
        let mut event = Event::new();
        event
            .uid(&item.uid)
            .summary(&item.summary)
            .description(&item.description)
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
}
