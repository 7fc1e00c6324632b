//! The clinic's own calendar and clock: every date and time the portal and the REMS form show or take goes
//! through [`ClinicTime`], so a nurse in Austin charts 14:05 as 14:05 Central, "today" starts at the clinic's
//! midnight and the REMS 7-day deadline counts the clinic's calendar days.
//!
//! The zone is the clinic's setting (`ClinicScope::time_zone`), or, until a clinic chooses one, the primary zone
//! of its listing's US state ([`state_zone`], an unverified default), or UTC. The IANA database is embedded in the
//! binary (jiff's bundled tzdb), so no zoneinfo file is read at run time. Instants come in (the store clock);
//! nothing here reads the system clock.

use jiff::Timestamp;
use jiff::civil;
use jiff::tz::{AmbiguousOffset, TimeZone};
use ketapath_clinical::InvalidInput;
use ketapath_store::ClinicScope;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::treatment::TreatmentResult;

/// The setting's name, as messages and the settings form name it.
pub const SETTING: &str = "time_zone";

/// Where the clinic's zone came from, for the settings page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneSource {
    /// A clinic admin or prescriber chose it.
    Chosen,
    /// Derived from the listing's US state: an unverified default.
    FromState,
    /// Nothing to go on (no setting, a state outside the table).
    Utc,
}

/// A clinic's time zone and the conversions every page uses.
#[derive(Debug, Clone)]
pub struct ClinicTime {
    zone: TimeZone,
    name: String,
    source: ZoneSource,
}

/// The primary IANA zone of a US state, district or territory (two-letter postal code). A state split between
/// zones takes the zone where most of its people live (Florida, Indiana, Kentucky, Michigan and Tennessee's
/// larger part; Idaho's south; Kansas, Nebraska, the Dakotas and Texas Central). A default to be checked, not a fact
/// about the clinic.
pub fn state_zone(state: &str) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("AK", "America/Anchorage"),
        ("AL", "America/Chicago"),
        ("AR", "America/Chicago"),
        ("AS", "Pacific/Pago_Pago"),
        ("AZ", "America/Phoenix"),
        ("CA", "America/Los_Angeles"),
        ("CO", "America/Denver"),
        ("CT", "America/New_York"),
        ("DC", "America/New_York"),
        ("DE", "America/New_York"),
        ("FL", "America/New_York"),
        ("GA", "America/New_York"),
        ("GU", "Pacific/Guam"),
        ("HI", "Pacific/Honolulu"),
        ("IA", "America/Chicago"),
        ("ID", "America/Boise"),
        ("IL", "America/Chicago"),
        ("IN", "America/Indiana/Indianapolis"),
        ("KS", "America/Chicago"),
        ("KY", "America/New_York"),
        ("LA", "America/Chicago"),
        ("MA", "America/New_York"),
        ("MD", "America/New_York"),
        ("ME", "America/New_York"),
        ("MI", "America/Detroit"),
        ("MN", "America/Chicago"),
        ("MO", "America/Chicago"),
        ("MP", "Pacific/Saipan"),
        ("MS", "America/Chicago"),
        ("MT", "America/Denver"),
        ("NC", "America/New_York"),
        ("ND", "America/Chicago"),
        ("NE", "America/Chicago"),
        ("NH", "America/New_York"),
        ("NJ", "America/New_York"),
        ("NM", "America/Denver"),
        ("NV", "America/Los_Angeles"),
        ("NY", "America/New_York"),
        ("OH", "America/New_York"),
        ("OK", "America/Chicago"),
        ("OR", "America/Los_Angeles"),
        ("PA", "America/New_York"),
        ("PR", "America/Puerto_Rico"),
        ("RI", "America/New_York"),
        ("SC", "America/New_York"),
        ("SD", "America/Chicago"),
        ("TN", "America/Chicago"),
        ("TX", "America/Chicago"),
        ("UT", "America/Denver"),
        ("VA", "America/New_York"),
        ("VI", "America/St_Thomas"),
        ("VT", "America/New_York"),
        ("WA", "America/Los_Angeles"),
        ("WI", "America/Chicago"),
        ("WV", "America/New_York"),
        ("WY", "America/Denver"),
    ];
    let state = state.trim().to_ascii_uppercase();
    TABLE.iter().find(|(code, _)| *code == state).map(|(_, zone)| *zone)
}

/// A calendar date as every portal page shows it: `6 Dec 2026` (day, the month's first three letters, year), one
/// format in place of the ISO dates and long month names the pages used to mix. Written by hand because the
/// format is three fields and the `time` crate's month names are English already.
pub fn date_text(date: Date) -> String {
    let month = date.month().to_string();
    format!("{} {} {}", date.day(), month.get(..3).unwrap_or(&month), date.year())
}

/// An instant as jiff's timestamp; instants outside jiff's range (years beyond ±9999) are refused by the caller.
fn timestamp(at: OffsetDateTime) -> Option<Timestamp> {
    Timestamp::from_nanosecond(at.unix_timestamp_nanos()).ok()
}

fn instant(ts: Timestamp, offset_seconds: i32) -> Option<OffsetDateTime> {
    let at = OffsetDateTime::from_unix_timestamp_nanos(ts.as_nanosecond()).ok()?;
    Some(at.to_offset(UtcOffset::from_whole_seconds(offset_seconds).ok()?))
}

fn civil_of_date(date: Date) -> Option<civil::Date> {
    civil::Date::new(
        i16::try_from(date.year()).ok()?,
        i8::try_from(u8::from(date.month())).ok()?,
        i8::try_from(date.day()).ok()?,
    )
    .ok()
}

/// A wall-clock time resolved in the clinic's zone.
enum Resolved {
    At(OffsetDateTime),
    Gap,
    OutOfRange,
}

impl ClinicTime {
    /// UTC, for a clinic with nothing to go on.
    pub fn utc() -> Self {
        Self { zone: TimeZone::UTC, name: "UTC".to_owned(), source: ZoneSource::Utc }
    }

    /// A zone by its IANA name, checked against the embedded database; errors name the setting.
    pub fn named(name: &str) -> Result<Self, InvalidInput> {
        let name = name.trim();
        if name.is_empty() || name.len() > 64 {
            return Err(InvalidInput::new(SETTING, "must be a time zone name such as America/Chicago"));
        }
        let zone = TimeZone::get(name).map_err(|_| {
            InvalidInput::new(SETTING, format!("{name:?} is not a known time zone (for example America/Chicago)"))
        })?;
        // The database's spelling, so that "america/chicago" is stored and shown as America/Chicago.
        let name = zone.iana_name().unwrap_or(name).to_owned();
        Ok(Self { zone, name, source: ZoneSource::Chosen })
    }

    /// The default of a clinic that has not chosen a zone: its state's primary zone, or UTC.
    pub fn for_state(state: &str) -> Self {
        match state_zone(state).and_then(|name| Self::named(name).ok()) {
            Some(zone) => Self { source: ZoneSource::FromState, ..zone },
            None => Self::utc(),
        }
    }

    /// The zone of the clinic of `scope`: its setting, else its listing's state, else UTC. A stored name the
    /// database no longer knows falls back the same way rather than failing every page.
    pub async fn of(scope: &ClinicScope) -> TreatmentResult<Self> {
        if let Some(chosen) = scope.time_zone().await?.and_then(|name| Self::named(&name).ok()) {
            return Ok(chosen);
        }
        Ok(match scope.clinic_listing().await {
            Ok(listing) => Self::for_state(&listing.address.state),
            Err(_) => Self::utc(),
        })
    }

    /// The IANA name (`UTC` for UTC).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn source(&self) -> ZoneSource {
        self.source
    }

    /// The same instant with the clinic's UTC offset at that instant, so `date()`, `hour()` and RFC 3339 text
    /// are the clinic's.
    pub fn local(&self, at: OffsetDateTime) -> OffsetDateTime {
        timestamp(at).and_then(|ts| instant(ts, self.zone.to_offset(ts).seconds())).unwrap_or(at)
    }

    /// The clinic's calendar date of an instant.
    pub fn date_of(&self, at: OffsetDateTime) -> Date {
        self.local(at).date()
    }

    /// The zone's abbreviation at an instant (`CST`, `CDT`, `UTC`), or the offset (`-06:00`) where the database
    /// has no letters for it.
    pub fn abbreviation(&self, at: OffsetDateTime) -> String {
        let Some(ts) = timestamp(at) else { return "UTC".to_owned() };
        let info = self.zone.to_offset_info(ts);
        let letters = info.abbreviation();
        if letters.chars().any(|c| c.is_ascii_alphabetic()) {
            letters.to_owned()
        } else {
            let local = self.local(at).offset();
            let (h, m, _) = local.as_hms();
            let sign = if local.is_negative() { '-' } else { '+' };
            format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
        }
    }

    /// A clock time as staff read it: `14:05 CST`.
    pub fn clock(&self, at: OffsetDateTime) -> String {
        let local = self.local(at);
        format!("{:02}:{:02} {}", local.hour(), local.minute(), self.abbreviation(at))
    }

    /// A date and time as staff read it: `3 Nov 2026, 14:05 CST` (the portal's one format, [`date_text`] then
    /// [`ClinicTime::clock`]).
    pub fn show(&self, at: OffsetDateTime) -> String {
        format!("{}, {}", date_text(self.date_of(at)), self.clock(at))
    }

    /// The clinic calendar date of an instant as staff read it: `3 Nov 2026`.
    pub fn day_text(&self, at: OffsetDateTime) -> String {
        date_text(self.date_of(at))
    }

    /// The value of a `datetime-local` input for an instant: `2026-11-03T14:05`, clinic-local.
    pub fn input_value(&self, at: OffsetDateTime) -> String {
        let local = self.local(at);
        format!("{}T{:02}:{:02}", local.date(), local.hour(), local.minute())
    }

    /// Reads a `datetime-local` value (`YYYY-MM-DDTHH:MM`, seconds optional) as the clinic's wall-clock time.
    /// A time that does not exist (skipped by the spring-forward change) is refused with a message naming
    /// `field`. A time that happens twice (the repeated hour when clocks fall back) is taken as the earlier of the
    /// two instants: the first pass through that hour is when a session under way is most likely to be charted
    /// live, and the page shows the offset so a later correction can be typed as RFC 3339 through the API.
    pub fn parse_input(&self, field: &str, raw: &str) -> Result<OffsetDateTime, InvalidInput> {
        let raw = raw.trim();
        let well_formed = matches!(raw.len(), 16 | 19) && raw.as_bytes().get(10) == Some(&b'T');
        let civil: civil::DateTime = well_formed
            .then(|| raw.parse().ok())
            .flatten()
            .ok_or_else(|| InvalidInput::new(field, "must be a date and time (YYYY-MM-DDTHH:MM)"))?;
        match self.resolve(civil) {
            Resolved::At(at) => Ok(at),
            Resolved::Gap => Err(InvalidInput::new(
                field,
                format!(
                    "{raw} does not exist in {} (the clocks skip that hour when daylight saving time starts); \
                     type the time as the clock shows it now",
                    self.name
                ),
            )),
            Resolved::OutOfRange => Err(InvalidInput::new(field, "is out of range")),
        }
    }

    /// The instant of a wall-clock time on a clinic calendar day (`None` in a spring-forward gap), for code that
    /// places events at a local hour (the demo clinic's treatment slots).
    pub fn at(&self, date: Date, time: time::Time) -> Option<OffsetDateTime> {
        let date = civil_of_date(date)?;
        let time = civil::Time::new(
            i8::try_from(time.hour()).ok()?,
            i8::try_from(time.minute()).ok()?,
            i8::try_from(time.second()).ok()?,
            0,
        )
        .ok()?;
        match self.resolve(date.to_datetime(time)) {
            Resolved::At(at) => Some(at),
            Resolved::Gap | Resolved::OutOfRange => None,
        }
    }

    /// A wall-clock time as an instant. In the repeated hour when clocks fall back the earlier instant is taken
    /// (see [`ClinicTime::parse_input`]).
    fn resolve(&self, civil: civil::DateTime) -> Resolved {
        let offset = match self.zone.to_ambiguous_timestamp(civil).offset() {
            AmbiguousOffset::Unambiguous { offset } => offset,
            AmbiguousOffset::Fold { before, .. } => before,
            AmbiguousOffset::Gap { .. } => return Resolved::Gap,
        };
        match offset.to_timestamp(civil).ok().and_then(|ts| instant(ts, offset.seconds())) {
            Some(at) => Resolved::At(at),
            None => Resolved::OutOfRange,
        }
    }

    /// The instants [start, end) of a clinic calendar day: from its first moment to the next day's first moment
    /// (23 or 25 hours long on the days the clocks change).
    pub fn day(&self, date: Date) -> Option<(OffsetDateTime, OffsetDateTime)> {
        let civil = civil_of_date(date)?;
        let start = civil.to_zoned(self.zone.clone()).ok()?;
        let end = civil.tomorrow().ok()?.to_zoned(self.zone.clone()).ok()?;
        Some((instant(start.timestamp(), start.offset().seconds())?, instant(end.timestamp(), end.offset().seconds())?))
    }

    /// Today in the clinic at `now` (the store clock's instant): its date and its [start, end) instants.
    pub fn today(&self, now: OffsetDateTime) -> (Date, OffsetDateTime, OffsetDateTime) {
        let date = self.date_of(now);
        let (start, end) = self.day(date).unwrap_or_else(|| {
            let midnight = date.midnight().assume_utc();
            (midnight, midnight + time::Duration::days(1))
        });
        (date, start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ketapath_clinical::rems::{FormDue, FormStatus, SettingType, dashboard};
    use time::macros::{date, datetime};

    fn chicago() -> ClinicTime {
        ClinicTime::named("America/Chicago").unwrap()
    }

    #[test]
    fn a_late_evening_dose_keeps_its_local_date_and_the_deadline_counts_local_days() {
        let zone = chicago();
        // 23:30 on 3 November in Chicago (CST, -06:00) is 05:30 UTC on the 4th.
        let dose = zone.parse_input("at", "2026-11-03T23:30").unwrap();
        assert_eq!(dose, datetime!(2026-11-04 05:30 UTC));
        assert_eq!(dose.offset(), time::macros::offset!(-6), "parsed instants carry the clinic's offset");
        assert_eq!(dose.to_offset(UtcOffset::UTC).date(), date!(2026 - 11 - 04), "the UTC date is the next day");
        assert_eq!(zone.date_of(dose), date!(2026 - 11 - 03));
        assert_eq!(zone.show(dose), "3 Nov 2026, 23:30 CST");
        assert_eq!(zone.day_text(dose), "3 Nov 2026", "the clinic's date, not UTC's 4 Nov");
        assert_eq!(date_text(date!(2026 - 09 - 30)), "30 Sep 2026");
        assert_eq!(zone.input_value(dose), "2026-11-03T23:30");
        let due = FormDue {
            key: "s".to_owned(),
            setting_type: SettingType::Outpatient,
            dose_date: zone.date_of(dose),
            submitted_on: None,
        };
        let entry = dashboard(&[due], zone.date_of(datetime!(2026-11-11 03:00 UTC))).remove(0);
        assert_eq!(entry.due_on, date!(2026 - 11 - 10), "seven local days after the 3rd");
        assert!(matches!(entry.status, FormStatus::Due { .. }), "still the 10th in Chicago: {:?}", entry.status);
    }

    #[test]
    fn a_time_skipped_by_spring_forward_is_refused_naming_the_field() {
        let error = chicago().parse_input("observed_at", "2026-03-08T02:30").unwrap_err();
        assert_eq!(error.field, "observed_at");
        assert!(error.message.contains("does not exist"), "{}", error.message);
        assert_eq!(chicago().parse_input("at", "2026-03-08T03:30").unwrap(), datetime!(2026-03-08 08:30 UTC));
    }

    #[test]
    fn the_repeated_fall_back_hour_takes_the_earlier_instant() {
        let at = chicago().parse_input("at", "2026-11-01T01:30").unwrap();
        assert_eq!(at, datetime!(2026-11-01 06:30 UTC), "01:30 CDT, not 01:30 CST (07:30 UTC)");
        assert_eq!(chicago().clock(at), "01:30 CDT");
        assert_eq!(chicago().clock(datetime!(2026-11-01 07:30 UTC)), "01:30 CST");
    }

    #[test]
    fn today_has_local_bounds_and_is_23_or_25_hours_on_change_days() {
        let zone = chicago();
        let (date, start, end) = zone.today(datetime!(2026-03-08 12:00 UTC));
        assert_eq!(date, date!(2026 - 03 - 08));
        assert_eq!((start, end), (datetime!(2026-03-08 06:00 UTC), datetime!(2026-03-09 05:00 UTC)));
        assert_eq!(end - start, time::Duration::hours(23));
        let (date, start, end) = zone.today(datetime!(2026-11-02 04:00 UTC));
        assert_eq!(date, date!(2026 - 11 - 01), "22:00 CST on the 1st");
        assert_eq!((start, end), (datetime!(2026-11-01 05:00 UTC), datetime!(2026-11-02 06:00 UTC)));
        assert_eq!(end - start, time::Duration::hours(25));
    }

    #[test]
    fn bad_input_and_unknown_zones_are_refused() {
        for raw in ["", "14:05", "2026-11-03", "2026-11-03T25:00", "2026-11-03T14:05Z", "tomorrow"] {
            assert!(chicago().parse_input("at", raw).is_err(), "{raw}");
        }
        assert_eq!(chicago().parse_input("at", "2026-11-03T14:05:30").unwrap(), datetime!(2026-11-03 20:05:30 UTC));
        assert_eq!(ClinicTime::named(" america/chicago ").unwrap().name(), "America/Chicago");
        let error = ClinicTime::named("America/Austin").unwrap_err();
        assert_eq!(error.field, SETTING);
        assert!(error.message.contains("America/Austin"));
    }

    #[test]
    fn the_default_comes_from_the_state_then_utc() {
        let texas = ClinicTime::for_state("tx");
        assert_eq!((texas.name(), texas.source()), ("America/Chicago", ZoneSource::FromState));
        assert_eq!(ClinicTime::for_state("ZZ").source(), ZoneSource::Utc);
        assert_eq!(ClinicTime::utc().clock(datetime!(2026-11-03 14:05 UTC)), "14:05 UTC");
    }

    #[test]
    fn every_state_default_is_a_known_zone() {
        let states = "AK AL AR AZ CA CO CT DC DE FL GA HI IA ID IL IN KS KY LA MA MD ME MI MN MO MS MT NC ND NE NH NJ NM \
                      NV NY OH OK OR PA RI SC SD TN TX UT VA VT WA WI WV WY PR GU VI AS MP";
        for state in states.split_whitespace() {
            let zone = state_zone(state).unwrap_or_else(|| panic!("{state} has no zone"));
            assert!(ClinicTime::named(zone).is_ok(), "{state}: {zone}");
        }
    }
}
