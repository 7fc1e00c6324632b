//! Bounded dates: the plausible range of every date and time a person can enter, as newtypes built only through a
//! checked constructor that takes "now".
//!
//! A date outside these ranges (year 0, year -9999, a meal eaten in the year 1000) is never a fact about a
//! patient: it is a typing slip or an attack, and once stored it breaks every later read that formats or shifts
//! it. The web parsers build these types, and the store checks the same bounds again before it writes, so no path
//! can store such a value. The bounds are:
//!
//! - birth dates from 1900-01-01 to today;
//! - charted or recorded times (observations, doses, pre-checks, assessments, adverse events, discharges, early
//!   departures, alert acknowledgements, REMS form dates) from 1990-01-01 to now + 5 minutes (a clock a little
//!   ahead of the server's is not an error);
//! - planned dates (course starts, scheduled sessions) from 1990-01-01 to two years ahead;
//! - consent dates from 2000-01-01 to today.
//!
//! "Today" is the latest calendar date anywhere on Earth (UTC+14), so a clinic east of UTC can enter its own
//! today's date before UTC reaches it.

use time::{Date, Duration, Month, OffsetDateTime, Time, UtcOffset};

use crate::InvalidInput;

/// The kind of a date, which decides its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    /// A date of birth.
    Birth,
    /// A time at which something was charted or recorded.
    Charted,
    /// A planned date or time (course start, scheduled session).
    Planned,
    /// The date of a research consent decision.
    Consent,
}

/// How far ahead of the server's clock a charted time may be: clocks of tablets and laptops drift.
const CHARTED_SLACK: Duration = Duration::minutes(5);

/// How far ahead a plan may reach.
const PLANNED_YEARS_AHEAD: i32 = 2;

/// The most east-ward offset in use (Kiribati), which decides the latest "today".
const EARLIEST_ZONE_AHEAD_HOURS: i64 = 14;

impl DateKind {
    /// Every kind, for reports that list the bounds.
    pub const ALL: [DateKind; 4] = [DateKind::Birth, DateKind::Charted, DateKind::Planned, DateKind::Consent];

    /// The first allowed calendar date.
    pub fn earliest(self) -> Date {
        let year = match self {
            DateKind::Birth => 1900,
            DateKind::Charted | DateKind::Planned => 1990,
            DateKind::Consent => 2000,
        };
        // January 1st exists in every year, so the fallback is never taken.
        Date::from_calendar_date(year, Month::January, 1).unwrap_or(Date::MIN)
    }

    /// The first allowed instant (midnight UTC of [`Self::earliest`]).
    pub fn earliest_instant(self) -> OffsetDateTime {
        self.earliest().with_time(Time::MIDNIGHT).assume_offset(UtcOffset::UTC)
    }

    /// The last allowed instant, given the server's `now`.
    pub fn latest_instant(self, now: OffsetDateTime) -> OffsetDateTime {
        match self {
            DateKind::Charted => now.saturating_add(CHARTED_SLACK),
            DateKind::Planned => plus_years(now.date(), PLANNED_YEARS_AHEAD)
                .with_time(now.time())
                .assume_offset(now.offset())
                .saturating_add(Duration::hours(EARLIEST_ZONE_AHEAD_HOURS)),
            DateKind::Birth | DateKind::Consent => self.latest(now).with_time(Time::MAX).assume_offset(UtcOffset::UTC),
        }
    }

    /// The last allowed calendar date, given the server's `now`.
    pub fn latest(self, now: OffsetDateTime) -> Date {
        // A charted instant may be 5 minutes ahead of the server, but a charted calendar date is the local date of
        // the place it happened, which may be ahead of UTC's: every kind of date ends at the latest today on Earth.
        self.latest_on(latest_today(now))
    }

    /// The last allowed calendar date when the caller knows the local `today` (a clinic's own date).
    pub fn latest_on(self, today: Date) -> Date {
        match self {
            DateKind::Birth | DateKind::Consent | DateKind::Charted => today,
            DateKind::Planned => plus_years(today, PLANNED_YEARS_AHEAD),
        }
    }

    /// The range in words, for error messages.
    fn range_words(self) -> &'static str {
        match self {
            DateKind::Birth => "a birth date from 1900-01-01 to today",
            DateKind::Charted => "a time from 1990-01-01 to now (at most 5 minutes ahead)",
            DateKind::Planned => "a date from 1990-01-01 to two years ahead",
            DateKind::Consent => "a consent date from 2000-01-01 to today",
        }
    }

    /// Checks a calendar date; the error names `field`.
    pub fn check_date(self, field: &str, date: Date, now: OffsetDateTime) -> Result<Date, InvalidInput> {
        if date < self.earliest() || date > self.latest(now) {
            return Err(InvalidInput::new(field, format!("must be {}", self.range_words())));
        }
        Ok(date)
    }

    /// Checks a calendar date against a local `today` (the clinic's date, which may be behind the latest date on
    /// Earth); the error names `field`.
    pub fn check_date_on(self, field: &str, date: Date, today: Date) -> Result<Date, InvalidInput> {
        if date < self.earliest() || date > self.latest_on(today) {
            return Err(InvalidInput::new(field, format!("must be {}", self.range_words())));
        }
        Ok(date)
    }

    /// Checks an instant; the error names `field`.
    pub fn check_instant(
        self,
        field: &str,
        at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<OffsetDateTime, InvalidInput> {
        if at < self.earliest_instant() || at > self.latest_instant(now) {
            return Err(InvalidInput::new(field, format!("must be {}", self.range_words())));
        }
        Ok(at)
    }
}

/// The latest calendar date anywhere on Earth at `now`.
fn latest_today(now: OffsetDateTime) -> Date {
    now.to_offset(UtcOffset::UTC).saturating_add(Duration::hours(EARLIEST_ZONE_AHEAD_HOURS)).date()
}

/// The same day `years` later; February 29th becomes February 28th in a year without it.
fn plus_years(date: Date, years: i32) -> Date {
    let year = date.year().saturating_add(years);
    date.replace_year(year).or_else(|_| Date::from_calendar_date(year, date.month(), 28)).unwrap_or(Date::MAX)
}

/// Declares a value checked to lie within a [`DateKind`]'s range, made by `new` with the kind's `$check` against
/// `now`; a calendar date also gets `on`, checked against a local `today`. Each kind of value is checked by the one
/// rule of its kind, so no caller can hold an unchecked one.
macro_rules! checked {
    ($(#[$doc:meta])* $name:ident($inner:ty): $kind:ident.$check:ident $(, $on:ident)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        pub struct $name($inner);

        impl $name {
            pub fn new(field: &str, value: $inner, now: OffsetDateTime) -> Result<Self, InvalidInput> {
                DateKind::$kind.$check(field, value, now).map($name)
            }

            $(
                /// Checked against a local `today` (see [`DateKind::check_date_on`]).
                pub fn $on(field: &str, date: Date, today: Date) -> Result<Self, InvalidInput> {
                    DateKind::$kind.check_date_on(field, date, today).map($name)
                }
            )?

            pub fn get(self) -> $inner {
                self.0
            }
        }
    };
}

checked!(
    /// A charted or recorded time within [`DateKind::Charted`]'s range.
    ChartedAt(OffsetDateTime): Charted.check_instant
);
checked!(
    /// A birth date within [`DateKind::Birth`]'s range.
    BirthDate(Date): Birth.check_date, on
);
checked!(
    /// A planned calendar date (a course start) within [`DateKind::Planned`]'s range.
    PlannedDate(Date): Planned.check_date, on
);
checked!(
    /// A planned time (a scheduled session) within [`DateKind::Planned`]'s range.
    PlannedAt(OffsetDateTime): Planned.check_instant
);
checked!(
    /// A consent decision date within [`DateKind::Consent`]'s range.
    ConsentDate(Date): Consent.check_date, on
);

/// Serialises a date as `YYYY-MM-DD`, for `#[serde(serialize_with = ...)]`: the `time` crate's own serde form is a
/// `[year, ordinal]` tuple without its human-readable feature, and turning that feature on for the workspace would
/// change how every stored document reads its dates back.
pub fn serialize_iso_date<S: serde::Serializer>(date: &time::Date, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&format_args!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day()))
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-12-06 12:00 UTC);

    #[test]
    fn birth_dates_run_from_1900_to_today() {
        assert!(BirthDate::new("birth_date", date!(1900 - 01 - 01), NOW).is_ok());
        assert!(BirthDate::new("birth_date", date!(2026 - 12 - 06), NOW).is_ok());
        let err = BirthDate::new("birth_date", date!(1899 - 12 - 31), NOW).unwrap_err();
        assert_eq!(err.field, "birth_date");
        assert!(BirthDate::new("birth_date", date!(2026 - 12 - 08), NOW).is_err());
        assert!(BirthDate::new("birth_date", date!(0000 - 01 - 01), NOW).is_err());
        assert!(BirthDate::new("birth_date", date!(-9999 - 01 - 01), NOW).is_err());
    }

    #[test]
    fn today_is_the_latest_date_on_earth() {
        // At 12:00 UTC it is already the 7th in UTC+14, so a clinic there may enter the 7th.
        assert!(BirthDate::new("birth_date", date!(2026 - 12 - 07), NOW).is_ok());
        assert!(ConsentDate::new("decided_on", date!(2026 - 12 - 07), NOW).is_ok());
        assert!(ConsentDate::new("decided_on", date!(2026 - 12 - 08), NOW).is_err());
    }

    #[test]
    fn charted_times_run_from_1990_to_five_minutes_ahead() {
        assert!(ChartedAt::new("at", datetime!(1990-01-01 00:00 UTC), NOW).is_ok());
        assert!(ChartedAt::new("at", datetime!(1989-12-31 23:59:59 UTC), NOW).is_err());
        assert!(ChartedAt::new("at", NOW + Duration::minutes(5), NOW).is_ok());
        let err = ChartedAt::new("at", NOW + Duration::minutes(5) + Duration::SECOND, NOW).unwrap_err();
        assert_eq!(err.field, "at");
        assert!(ChartedAt::new("at", datetime!(0000-01-01 00:00 +01:00), NOW).is_err());
        // Offsets are compared as instants: 01:00+01:00 on 1990-01-01 is midnight UTC.
        assert!(ChartedAt::new("at", datetime!(1990-01-01 01:00 +01:00), NOW).is_ok());
        assert!(ChartedAt::new("at", datetime!(1990-01-01 00:59 +01:00), NOW).is_err());
    }

    #[test]
    fn planned_dates_run_from_1990_to_two_years_ahead() {
        assert!(PlannedDate::new("started_on", date!(1990 - 01 - 01), NOW).is_ok());
        assert!(PlannedDate::new("started_on", date!(1989 - 12 - 31), NOW).is_err());
        assert!(PlannedDate::new("started_on", date!(2028 - 12 - 07), NOW).is_ok());
        assert!(PlannedDate::new("started_on", date!(2028 - 12 - 08), NOW).is_err());
        assert!(PlannedAt::new("scheduled_at", datetime!(2028-12-06 12:00 UTC), NOW).is_ok());
        assert!(PlannedAt::new("scheduled_at", datetime!(2028-12-07 02:00:01 UTC), NOW).is_err());
        assert!(PlannedAt::new("scheduled_at", datetime!(1989-12-31 23:59 UTC), NOW).is_err());
    }

    #[test]
    fn consent_dates_run_from_2000_to_today() {
        assert!(ConsentDate::new("decided_on", date!(2000 - 01 - 01), NOW).is_ok());
        assert!(ConsentDate::new("decided_on", date!(1999 - 12 - 31), NOW).is_err());
        assert!(ConsentDate::new("decided_on", date!(2026 - 12 - 06), NOW).is_ok());
    }

    #[test]
    fn a_local_today_bounds_dates_the_same_way() {
        let today = date!(2026 - 12 - 05);
        assert!(BirthDate::on("birth_date", today, today).is_ok());
        assert!(BirthDate::on("birth_date", date!(2026 - 12 - 06), today).is_err());
        assert!(ConsentDate::on("date", date!(1999 - 12 - 31), today).is_err());
        assert!(PlannedDate::on("start_date", date!(2028 - 12 - 05), today).is_ok());
        assert!(PlannedDate::on("start_date", date!(2028 - 12 - 06), today).is_err());
    }

    #[test]
    fn a_leap_day_plan_reaches_the_28th() {
        let leap = datetime!(2028-02-29 09:00 UTC);
        assert_eq!(DateKind::Planned.latest(leap), date!(2030 - 02 - 28));
    }

    #[test]
    fn messages_say_the_range() {
        let err = ChartedAt::new("last_food_at", datetime!(1000-01-01 00:00 UTC), NOW).unwrap_err();
        assert_eq!(err.field, "last_food_at");
        assert!(err.message.contains("1990-01-01"), "{}", err.message);
    }
}
