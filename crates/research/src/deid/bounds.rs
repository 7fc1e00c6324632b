//! Which patients the export must leave out because a stored date is outside the plausible bounds or out of order.
//!
//! The write path refuses such dates (`ketapath_clinical::dates`), but a database written by an older version
//! may hold a year-0 assessment; shifting it would leave the calendar `time` can write and fail the whole export
//! for every clinic. A patient with such a date is left out whole (a partial record would mislead) and counted,
//! and `ketapath audit verify` names the row so that the clinic can correct it.

use time::{Date, Month, OffsetDateTime};

use ketapath_clinical::dates::DateKind;

use crate::model::ResearchPatient;

/// The latest year accepted in an export: far beyond any real record, and far enough below `time`'s limit that
/// the date shift (at most half a year) cannot overflow. The export date may lie in the past, so the upper
/// bounds of the write path (relative to "now") are not applied here.
const LATEST_YEAR: i32 = 9000;

/// True when every date of the patient's records is within the lower bound of its kind and before [`LATEST_YEAR`],
/// and no course ends before it starts (a version before 2026-12-07 let a benefit review stop a course planned
/// for a later day; the one such row must not fail every clinic's export).
pub fn dates_in_bounds(patient: &ResearchPatient) -> bool {
    let latest = Date::from_calendar_date(LATEST_YEAR, Month::January, 1).unwrap_or(Date::MAX);
    let date_ok = |kind: DateKind, d: Date| d >= kind.earliest() && d < latest;
    let instant_ok =
        |at: OffsetDateTime| date_ok(DateKind::Charted, at.date()) && at >= DateKind::Charted.earliest_instant();
    date_ok(DateKind::Birth, patient.birth_date)
        && patient.courses.iter().all(|c| {
            date_ok(DateKind::Planned, c.started_on)
                && c.ended_on.is_none_or(|d| date_ok(DateKind::Charted, d) && d >= c.started_on)
        })
        && patient.assessments.iter().all(|a| instant_ok(a.taken_at))
        && patient.sessions.iter().all(|s| {
            instant_ok(s.started_at)
                && s.ended_at.is_none_or(instant_ok)
                && s.observations.iter().all(|o| instant_ok(o.at))
        })
        && patient.adverse_events.iter().all(|e| instant_ok(e.occurred_at))
}
