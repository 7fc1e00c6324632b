//! The store's second check of date bounds: every write method refuses a date or time outside the range of its
//! kind (see `ketapath_clinical::dates`), whatever path it came from, and `verify()` lists rows already outside.
//!
//! The web parsers check the same bounds first, with the request's field names; this check exists so that no
//! caller (the CLI, an import, a future handler) can store a year-0 date that would break later reads.

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use ketapath_clinical::dates::DateKind;

use crate::clock::{date_to_text, to_micros};
use crate::db::{Tx, args};
use crate::error::{StoreError, StoreResult};

/// Checks an instant; the error names `field` (the column) and says the range.
pub(crate) fn instant(kind: DateKind, field: &str, at: OffsetDateTime, now: OffsetDateTime) -> StoreResult<()> {
    kind.check_instant(field, at, now).map(|_| ()).map_err(|e| StoreError::invalid(e.field, e.message))
}

/// Checks an optional instant.
pub(crate) fn instant_opt(
    kind: DateKind,
    field: &str,
    at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    at.map_or(Ok(()), |at| instant(kind, field, at, now))
}

/// Checks a calendar date; the error names `field` (the column) and says the range.
pub(crate) fn date(kind: DateKind, field: &str, date: Date, now: OffsetDateTime) -> StoreResult<()> {
    kind.check_date(field, date, now).map(|_| ()).map_err(|e| StoreError::invalid(e.field, e.message))
}

/// Checks every date and time inside a JSON document (pre-checks and REMS forms with `dates` charted, course
/// schedules with `dates` planned): an RFC 3339 time as a charted time, a `YYYY-MM-DD` date as a date of kind
/// `dates`, or as a birth date under a `birthdate` key. These documents carry answers such as `last_food_at`, and a
/// year-1000 answer must not be stored any more than a year-0 observation. The error names the document's field and
/// the key path inside it.
pub(crate) fn document_times(field: &str, document: &Value, dates: DateKind, now: OffsetDateTime) -> StoreResult<()> {
    match document {
        Value::String(s) => {
            if let Ok(at) = OffsetDateTime::parse(s, &Rfc3339) {
                return instant(DateKind::Charted, field, at, now);
            }
            match Date::parse(s, DATE_TEXT) {
                Ok(day) if field.ends_with("birthdate") => date(DateKind::Birth, field, day, now),
                Ok(day) => date(dates, field, day, now),
                Err(_) => Ok(()),
            }
        }
        Value::Array(items) => {
            items.iter().enumerate().try_for_each(|(i, v)| document_times(&format!("{field}[{i}]"), v, dates, now))
        }
        Value::Object(map) => map.iter().try_for_each(|(k, v)| document_times(&format!("{field}.{k}"), v, dates, now)),
        _ => Ok(()),
    }
}

/// A calendar date as documents write it.
const DATE_TEXT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// How a column stores its value.
#[derive(Clone, Copy)]
enum Stored {
    /// INTEGER microseconds since the epoch.
    Micros,
    /// `YYYY-MM-DD` text.
    Text,
}

/// A column whose values must stay within the bounds of `kind`.
struct BoundedColumn {
    table: &'static str,
    column: &'static str,
    kind: DateKind,
    stored: Stored,
}

const fn c(table: &'static str, column: &'static str, kind: DateKind, stored: Stored) -> BoundedColumn {
    BoundedColumn { table, column, kind, stored }
}

/// Every column a person enters a date or time into (directly, or as the instant of an act they chart).
const BOUNDED_COLUMNS: &[BoundedColumn] = &[
    c("patients", "birth_date", DateKind::Birth, Stored::Text),
    c("courses", "started_on", DateKind::Planned, Stored::Text),
    c("sessions", "scheduled_at", DateKind::Planned, Stored::Micros),
    c("sessions", "started_at", DateKind::Charted, Stored::Micros),
    c("sessions", "ended_at", DateKind::Charted, Stored::Micros),
    c("sessions", "discharged_at", DateKind::Charted, Stored::Micros),
    c("dose_records", "given_at", DateKind::Charted, Stored::Micros),
    c("observations", "observed_at", DateKind::Charted, Stored::Micros),
    c("adverse_events", "occurred_at", DateKind::Charted, Stored::Micros),
    c("assessments", "administered_at", DateKind::Charted, Stored::Micros),
    c("gate_overrides", "at", DateKind::Charted, Stored::Micros),
    c("rems_forms", "submitted_at", DateKind::Charted, Stored::Micros),
    c("session_alerts", "at", DateKind::Charted, Stored::Micros),
    c("session_alerts", "acknowledged_at", DateKind::Charted, Stored::Micros),
    c("research_consents", "decided_on", DateKind::Consent, Stored::Text),
];

/// At most this many row ids are named per column; the count is always complete.
const IDS_SHOWN: usize = 10;

/// One problem line per column holding values outside its bounds: table, column, count and row ids, never a value.
pub(crate) async fn out_of_bounds(tx: &mut Tx, now: OffsetDateTime) -> StoreResult<Vec<String>> {
    let mut problems = Vec::new();
    for col in BOUNDED_COLUMNS {
        let sql = format!(
            "SELECT id FROM {t} WHERE {c} IS NOT NULL AND ({c} < $1 OR {c} > $2) ORDER BY id",
            t = col.table,
            c = col.column
        );
        let rows: Vec<(String,)> = match col.stored {
            Stored::Micros => {
                let lo = to_micros(col.kind.earliest_instant());
                let hi = to_micros(col.kind.latest_instant(now));
                tx.fetch_all(&sql, &args![lo, hi]).await?
            }
            Stored::Text => {
                let lo = date_to_text(col.kind.earliest());
                let hi = date_to_text(col.kind.latest(now));
                tx.fetch_all(&sql, &args![lo, hi]).await?
            }
        };
        if rows.is_empty() {
            continue;
        }
        let ids: Vec<&str> = rows.iter().take(IDS_SHOWN).map(|(id,)| id.as_str()).collect();
        let more = if rows.len() > IDS_SHOWN { format!(" and {} more", rows.len() - IDS_SHOWN) } else { String::new() };
        problems.push(format!(
            "{n} {t} rows have {c} outside its bounds (rows {ids}{more})",
            n = rows.len(),
            t = col.table,
            c = col.column,
            ids = ids.join(", "),
        ));
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-12-06 12:00 UTC);

    #[test]
    fn document_times_name_the_key_at_fault() {
        let ok = json!({"last_food_at": "2026-12-06T07:00:00Z", "note": "1000-01-01 is not a time",
            "patient": {"birthdate": "1950-02-03"}, "session": {"treatment_date": "2026-12-06"}});
        assert!(document_times("pre_checks", &ok, DateKind::Charted, NOW).is_ok());
        let bad = json!({"answers": [{"last_food_at": "1000-01-01T00:00:00Z"}]});
        match document_times("pre_checks", &bad, DateKind::Charted, NOW) {
            Err(StoreError::Invalid { field, .. }) => assert_eq!(field, "pre_checks.answers[0].last_food_at"),
            other => panic!("expected an invalid field, got {other:?}"),
        }
        let day = json!({"session": {"treatment_date": "0000-01-01"}});
        assert!(document_times("form", &day, DateKind::Charted, NOW).is_err());
        // A schedule's dates are plans: next year is fine, three years ahead is not.
        let plan = json!([{"date": "2027-06-01"}]);
        assert!(document_times("schedule", &plan, DateKind::Planned, NOW).is_ok());
        let far = json!([{"date": "2029-12-07"}]);
        assert!(document_times("schedule", &far, DateKind::Planned, NOW).is_err());
    }
}
