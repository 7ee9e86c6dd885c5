//! How domain values become column text and back: enums by their serde names, dates in ISO
//! form, percentages as their exact decimal.

use chrono::NaiveDate;
use domain::Percent;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Result, StoreError};

/// The serde name of a unit enum variant (`servizio_autonomo`).
pub(crate) fn name_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}

/// The enum variant a stored name stands for.
pub(crate) fn from_name<T: DeserializeOwned>(column: &str, name: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned()))
        .map_err(|_| StoreError::Corrupt(format!("{column} = {name:?}")))
}

/// A value parsed by its domain constructor.
pub(crate) fn parsed<'a, T, E>(
    column: &str,
    text: &'a str,
    parse: impl FnOnce(&'a str) -> Result<T, E>,
) -> Result<T> {
    parse(text).map_err(|_| StoreError::Corrupt(format!("{column} = {text:?}")))
}

pub(crate) fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub(crate) fn date(column: &str, text: &str) -> Result<NaiveDate> {
    parsed(column, text, |t| NaiveDate::parse_from_str(t, "%Y-%m-%d"))
}

pub(crate) fn percent(column: &str, text: &str) -> Result<Percent> {
    parsed(column, text, str::parse::<Percent>)
}

/// A nullable column's value read by `read` (`date`, `percent`), or none.
pub(crate) fn optional<T>(
    read: fn(&str, &str) -> Result<T>,
    column: &str,
    text: Option<&str>,
) -> Result<Option<T>> {
    text.map(|t| read(column, t)).transpose()
}

/// A count or year read from a BIGINT column into the narrower type the domain uses.
pub(crate) fn narrow<T: TryFrom<i64>>(column: &str, value: i64) -> Result<T> {
    T::try_from(value).map_err(|_| StoreError::Corrupt(format!("{column} = {value}")))
}

/// A plan's lifecycle state.
pub(crate) fn state(text: &str) -> Result<domain::PlanState> {
    domain::PlanState::parse(text)
        .ok_or_else(|| StoreError::Corrupt(format!("plan.state = {text:?}")))
}

/// A plan's id as stored (`plan.slug`).
pub(crate) fn plan_id(text: String) -> Result<domain::PlanId> {
    domain::PlanId::parse(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}
