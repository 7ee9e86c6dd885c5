//! Plans out of Pegaso: charts drawn on the server as SVG, so the same picture goes into pages
//! and, later, into PDF reports; the audit log as CSV; deadlines as iCalendar feeds.

pub mod audit;
pub mod gantt;
pub mod histogram;
pub mod ical;
