//! Time for the store: a [`Clock`] injected at construction, and the one portable representation of instants.
//!
//! Instants are stored as INTEGER microseconds since the Unix epoch in UTC on both backends: sortable, exact,
//! and free of time-zone and text-format differences between SQLite and PostgreSQL.

use std::sync::Mutex;

use time::{Duration, OffsetDateTime, UtcOffset};

use crate::error::{StoreError, StoreResult};

/// Where the store gets "now" from. Logic never reads the system clock directly, so tests can fix time.
pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    fn now(&self) -> OffsetDateTime;
}

/// The real clock, for servers and the CLI.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that starts at a fixed instant and moves forward by a fixed step on every reading, for tests.
#[derive(Debug)]
pub struct SteppingClock {
    next: Mutex<OffsetDateTime>,
    step: Duration,
}

impl SteppingClock {
    pub fn new(start: OffsetDateTime, step: Duration) -> Self {
        SteppingClock { next: Mutex::new(start), step }
    }
}

impl Clock for SteppingClock {
    fn now(&self) -> OffsetDateTime {
        // A poisoned lock only means another test thread panicked; the instant inside is still valid.
        let mut next = self.next.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = *next;
        *next = now + self.step;
        now
    }
}

/// A clock that stands still until told to move, for tests of timeouts and lock-outs (idle sessions, locked
/// accounts, TOTP steps). Clones share the same instant.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: std::sync::Arc<Mutex<OffsetDateTime>>,
}

impl ManualClock {
    pub fn new(start: OffsetDateTime) -> Self {
        ManualClock { now: std::sync::Arc::new(Mutex::new(start)) }
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *now += by;
    }

    /// Sets the clock to an instant.
    pub fn set(&self, to: OffsetDateTime) {
        *self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Converts an instant to stored microseconds since the epoch (UTC).
pub(crate) fn to_micros(t: OffsetDateTime) -> i64 {
    // i64 microseconds cover ±292,000 years; instants outside that are not produced by any clock.
    i64::try_from(t.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
}

/// The earliest instant a read hands out: a day after the start of year 0, so that the instant stays within
/// RFC 3339's years (0000 to 9999) in every time zone a page may show it in.
const READ_FIRST: OffsetDateTime = time::macros::datetime!(0000-01-02 00:00 UTC);

/// The latest instant a read hands out, a day before the end of year 9999 for the same reason.
const READ_LAST: OffsetDateTime = time::macros::datetime!(9999-12-30 23:59:59.999999 UTC);

/// Converts stored microseconds back to a UTC instant.
///
/// Writes are bounded (`bounds.rs`), but a database written by an older version may hold a year-0 or year-(-1)
/// instant, which no API or page can write out; such an instant reads as the nearest writable one, so that one bad
/// row cannot make a session, an assessment list or an export fail. `verify()` names the row for correction.
pub(crate) fn from_micros(table: &'static str, micros: i64) -> StoreResult<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .map(|t| t.to_offset(UtcOffset::UTC).clamp(READ_FIRST, READ_LAST))
        .map_err(|e| StoreError::corrupt(table, format!("timestamp {micros}: {e}")))
}

pub(crate) fn from_micros_opt(table: &'static str, micros: Option<i64>) -> StoreResult<Option<OffsetDateTime>> {
    micros.map(|m| from_micros(table, m)).transpose()
}

/// Truncates an instant to the stored precision, so values read back compare equal to values written.
pub fn truncate_to_micros(t: OffsetDateTime) -> OffsetDateTime {
    let nanos = t.nanosecond();
    t.replace_nanosecond(nanos - nanos % 1_000).unwrap_or(t).to_offset(UtcOffset::UTC)
}

const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Calendar dates are stored as `YYYY-MM-DD` text on both backends.
pub(crate) fn date_to_text(d: time::Date) -> String {
    d.format(DATE_FORMAT).unwrap_or_else(|_| d.to_string())
}

pub(crate) fn date_from_text(table: &'static str, s: &str) -> StoreResult<time::Date> {
    time::Date::parse(s, DATE_FORMAT).map_err(|e| StoreError::corrupt(table, format!("date {s:?}: {e}")))
}

pub(crate) fn date_from_text_opt(table: &'static str, s: Option<&str>) -> StoreResult<Option<time::Date>> {
    s.map(|s| date_from_text(table, s)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micros_round_trip_in_utc() {
        let t = time::macros::datetime!(2026-11-27 10:15:30.123456 +02:00);
        let back = from_micros("t", to_micros(t)).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.offset(), UtcOffset::UTC);
    }

    #[test]
    fn instants_no_page_can_write_read_as_the_nearest_writable_one() {
        let year_minus_one = to_micros(time::macros::datetime!(-0001-12-31 23:00 UTC));
        assert_eq!(from_micros("t", year_minus_one).unwrap(), READ_FIRST);
        assert!(
            READ_FIRST
                .to_offset(time::macros::offset!(-12:00))
                .format(&time::format_description::well_known::Rfc3339)
                .is_ok()
        );
    }

    #[test]
    fn dates_round_trip() {
        let d = time::macros::date!(2026 - 01 - 05);
        assert_eq!(date_to_text(d), "2026-01-05");
        assert_eq!(date_from_text("t", "2026-01-05").unwrap(), d);
        assert!(date_from_text("t", "2026-13-01").is_err());
    }
}
