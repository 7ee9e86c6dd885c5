//! Plans out of Pegaso: charts drawn on the server as SVG, so the same picture goes into pages
//! and, later, into PDF reports; the audit log as CSV; deadlines as iCalendar feeds; the
//! public plans as open data (CSV, JSON, a Frictionless Data Package, DCAT-AP_IT).

pub mod audit;
pub mod document;
pub mod emblem;
pub mod gantt;
pub mod histogram;
pub mod ical;
pub mod opendata;
pub mod papers;
