//! Per-patient date shifting (the `--shifted-dates` form of the export) and age grouping.
//!
//! Every date and time of one patient moves by the same whole number of days, so every interval between that
//! patient's events is exactly preserved (durations, days to response, session lengths, time of day), while the
//! calendar dates are not the real ones. The offset comes from `HMAC-SHA256(key, "date-shift:patient:" + id)`:
//! stable for the same key and patient, unknowable without the key, and independent of the pseudonym because the
//! MAC input differs.
//!
//! The offset is uniform over the allowed offsets, never 0 (zero would publish the real dates). The allowed offsets
//! are −182..=−1 and +1..=min(182, room), where `room` is the number of days from the patient's last event to the
//! export date: no shifted date may pass the export date, because a shifted date after it bounds the offset (an
//! event shifted 6 days past the export date was shifted at least 6 days forward, so its real date lies within
//! 176 days before; one shifted exactly 182 days past gives the real dates outright). A patient whose last event is
//! 182 days or more before the export date gets the full ±182 range and the same offset in every export; a patient
//! with a more recent event gets fewer forward offsets, so that patient's offset may change between exports made on
//! different dates (see docs/research-export.md on repeated shifted exports). A patient with an event after the
//! export date (a course planned ahead) is shifted backwards by 1 to 182 days more than that event's distance.
//! Ages are computed from the REAL birth date and the REAL event date before anything is shifted, and only the
//! grouped age is exported; the birth date never is.

use time::{Date, Duration, OffsetDateTime, UtcOffset};

use super::key::ExportKey;

/// The largest shift in days, either way.
pub const MAX_SHIFT_DAYS: i64 = 182;

/// Ages at or above this are exported as one group, `90+` (45 CFR 164.514(b)(2)(i)(C)).
pub const AGE_TOP_CODE: i32 = 90;

/// One patient's date shift. It undoes that patient's de-identification, so its `Debug` is redacted like the
/// key's; only [`DateShift::days`] (for tests and the clinic's own tools) reveals it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DateShift {
    days: i64,
}

impl std::fmt::Debug for DateShift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DateShift(**redacted**)")
    }
}

impl DateShift {
    /// The shift of `patient_id` under `key` with the full range (±1..=182 days), for a patient whose events all
    /// lie 182 days or more before the export date.
    pub fn for_patient(key: &ExportKey, patient_id: &str) -> Self {
        Self::within(key, patient_id, MAX_SHIFT_DAYS)
    }

    /// The shift of `patient_id` under `key` when the patient's last event lies `room` days before the export date
    /// (negative when it lies after): uniform over −182..=−1 and +1..=min(182, room), so that no shifted date
    /// passes the export date; with `room` below 0, uniform over room−181..=room.
    pub fn within(key: &ExportKey, patient_id: &str, room: i64) -> Self {
        let mac = key.mac(format!("date-shift:patient:{patient_id}").as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&mac[..8]);
        let draw = u64::from_be_bytes(first);
        let forward = room.clamp(0, MAX_SHIFT_DAYS);
        // At most 2 × 182 = 364 possible offsets. The modulo bias of a 64-bit value over at most 364 is below
        // 1e-16: negligible. With the full range this is the same offset as before the export date bounded it.
        let days = if room < 0 {
            room - (draw % MAX_SHIFT_DAYS as u64) as i64
        } else {
            let index = (draw % (MAX_SHIFT_DAYS + forward) as u64) as i64;
            if index < MAX_SHIFT_DAYS { index - MAX_SHIFT_DAYS } else { index - MAX_SHIFT_DAYS + 1 }
        };
        Self { days }
    }

    /// The offset in days (negative moves dates earlier). Known only inside the clinic; never exported.
    pub fn days(self) -> i64 {
        self.days
    }

    /// A shifted calendar date. Dates outside `time`'s range saturate, which only an absurd input reaches.
    pub fn date(self, date: Date) -> Date {
        date.checked_add(Duration::days(self.days)).unwrap_or(date)
    }

    /// A shifted instant, expressed in UTC so that the clinic's UTC offset (a hint of its region) is not exported.
    pub fn instant(self, at: OffsetDateTime) -> OffsetDateTime {
        let utc = at.to_offset(UtcOffset::UTC);
        utc.checked_add(Duration::days(self.days)).unwrap_or(utc)
    }
}

/// Whole years of age on `on` for someone born on `birth`; negative when `on` is before the birth.
pub fn age_on(birth: Date, on: Date) -> i32 {
    let mut years = on.year() - birth.year();
    if (on.month() as u8, on.day()) < (birth.month() as u8, birth.day()) {
        years -= 1;
    }
    years
}

/// The exported form of an age: the number of years below 90, `90+` from 90 on, and `None` for an impossible
/// (negative) age, which is withheld rather than exported wrong.
pub fn age_group(age: i32) -> Option<String> {
    if age < 0 {
        None
    } else if age >= AGE_TOP_CODE {
        Some(format!("{AGE_TOP_CODE}+"))
    } else {
        Some(age.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn offsets_are_nonzero_bounded_and_vary() {
        let key = ExportKey::from_bytes(&[9; 32]).expect("32 bytes");
        let mut seen = std::collections::HashSet::new();
        for i in 0..2000 {
            let d = DateShift::for_patient(&key, &format!("patient-{i}")).days();
            assert!(d != 0 && (-MAX_SHIFT_DAYS..=MAX_SHIFT_DAYS).contains(&d), "offset {d}");
            seen.insert(d);
        }
        // 2000 draws over 364 values: all but a handful appear, and both signs do.
        assert!(seen.len() > 340, "only {} distinct offsets", seen.len());
        assert!(seen.contains(&-MAX_SHIFT_DAYS) || seen.contains(&MAX_SHIFT_DAYS));
    }

    #[test]
    fn a_bounded_shift_never_passes_the_room_and_keeps_the_full_range_when_it_can() {
        let key = ExportKey::from_bytes(&[3; 32]).expect("32 bytes");
        for room in [-400, -5, 0, 1, 6, 90, 181, 182, 500] {
            let mut seen = std::collections::HashSet::new();
            for i in 0..3000 {
                let id = format!("patient-{i}");
                let d = DateShift::within(&key, &id, room).days();
                assert!(d != 0 && d <= room.min(MAX_SHIFT_DAYS), "offset {d} with room {room}");
                assert!(d >= room.min(0) - MAX_SHIFT_DAYS, "offset {d} with room {room}");
                if room >= MAX_SHIFT_DAYS {
                    assert_eq!(d, DateShift::for_patient(&key, &id).days());
                }
                seen.insert(d);
            }
            // Every allowed offset is drawn: 182 backwards plus the forward room (or 182 below a negative room).
            let allowed = if room < 0 { MAX_SHIFT_DAYS } else { MAX_SHIFT_DAYS + room.min(MAX_SHIFT_DAYS) };
            assert!(seen.len() as i64 > allowed * 9 / 10, "room {room}: {} of {allowed} offsets", seen.len());
        }
    }

    #[test]
    fn shifting_keeps_intervals_and_moves_to_utc() {
        let shift = DateShift { days: -40 };
        let a = datetime!(2026-03-01 09:15 -5);
        let b = datetime!(2026-03-29 17:40 -4);
        assert_eq!(shift.instant(b) - shift.instant(a), b - a);
        assert_eq!(shift.instant(a), datetime!(2026-01-20 14:15 UTC));
        assert_eq!(shift.date(date!(2026 - 03 - 01)), date!(2026 - 01 - 20));
        assert_eq!(format!("{shift:?}"), "DateShift(**redacted**)");
    }

    #[test]
    fn ages_count_whole_years_and_top_code_at_90() {
        assert_eq!(age_on(date!(1933 - 06 - 15), date!(2026 - 06 - 14)), 92);
        assert_eq!(age_on(date!(1933 - 06 - 15), date!(2026 - 06 - 15)), 93);
        assert_eq!(age_on(date!(2000 - 02 - 29), date!(2026 - 02 - 28)), 25);
        assert_eq!(age_group(89).as_deref(), Some("89"));
        assert_eq!(age_group(90).as_deref(), Some("90+"));
        assert_eq!(age_group(93).as_deref(), Some("90+"));
        assert_eq!(age_group(-1), None);
    }
}
