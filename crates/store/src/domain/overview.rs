//! The clinic dashboard's view of its patients: where each one stands in care ([`PatientStatus`], defined once
//! here from [`PatientCareFacts`]) and a session of the clinic's day with its course's treatment ([`DaySession`]).

use super::{PatientId, TreatmentSession, code_enum};

code_enum!(
    /// Where a patient stands in the clinic's care, as the dashboard counts and the patient list filters.
    ///
    /// Decided by [`PatientStatus::of`], in this order: a patient with an open (planned or active) course is in
    /// induction or in maintenance, by the phase of the course's next planned session; otherwise a patient who
    /// has had a session is in follow-up; otherwise one with an intake is ready to plan a course; otherwise the
    /// patient is awaiting intake.
    PatientStatus {
        AwaitingIntake => "awaiting_intake",
        ReadyToPlan => "ready_to_plan",
        InInduction => "in_induction",
        InMaintenance => "in_maintenance",
        FollowUp => "follow_up",
    }
);

impl PatientStatus {
    /// The status as staff read it.
    pub fn label(self) -> &'static str {
        match self {
            PatientStatus::AwaitingIntake => "Awaiting intake",
            PatientStatus::ReadyToPlan => "Ready to plan a course",
            PatientStatus::InInduction => "In induction",
            PatientStatus::InMaintenance => "In maintenance",
            PatientStatus::FollowUp => "Follow-up",
        }
    }

    /// The status of a patient with these facts (see the type's documentation for the order of the rules).
    pub fn of(facts: &PatientCareFacts) -> Self {
        match &facts.open_course {
            // The schedule's phase codes are the clinical crate's `Phase`: only `maintenance` is the maintenance
            // phase; induction, the MDSI regimen and an IV series are all the acute phase, and so is a course
            // without a generated schedule (IM and oral ketamine).
            Some(course) if course.next_phase.as_deref() == Some("maintenance") => PatientStatus::InMaintenance,
            Some(_) => PatientStatus::InInduction,
            None if facts.sessions_held > 0 => PatientStatus::FollowUp,
            None if facts.has_intake => PatientStatus::ReadyToPlan,
            None => PatientStatus::AwaitingIntake,
        }
    }
}

/// The facts a patient's status is decided from, read in one pass over the clinic by
/// `ClinicScope::patient_care_facts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientCareFacts {
    pub patient_id: PatientId,
    pub has_intake: bool,
    /// The patient's latest planned or active course, if any.
    pub open_course: Option<OpenCourse>,
    /// Sessions of any course that were started (in progress or completed).
    pub sessions_held: i64,
}

impl PatientCareFacts {
    pub fn status(&self) -> PatientStatus {
        PatientStatus::of(self)
    }
}

/// A planned or active course, with where its schedule stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCourse {
    pub course_id: super::CourseId,
    pub treatment: String,
    /// The phase code (`induction`, `maintenance`, `mdsi`, `iv_series`) of the course's next planned session: the
    /// schedule entry after the sessions already held, or the last entry once the schedule is used up; `None`
    /// without a schedule.
    pub next_phase: Option<String>,
}

/// One session of the clinic's day, with the treatment of its course, for the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct DaySession {
    pub session: TreatmentSession,
    pub treatment: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CourseId;

    fn facts(has_intake: bool, phase: Option<Option<&str>>, sessions_held: i64) -> PatientCareFacts {
        let id = uuid::Uuid::nil();
        PatientCareFacts {
            patient_id: PatientId(id),
            has_intake,
            open_course: phase.map(|p| OpenCourse {
                course_id: CourseId(id),
                treatment: "esketamine_nasal".to_owned(),
                next_phase: p.map(str::to_owned),
            }),
            sessions_held,
        }
    }

    #[test]
    fn statuses_follow_the_documented_order() {
        assert_eq!(facts(false, None, 0).status(), PatientStatus::AwaitingIntake);
        assert_eq!(facts(true, None, 0).status(), PatientStatus::ReadyToPlan);
        assert_eq!(facts(true, Some(Some("induction")), 0).status(), PatientStatus::InInduction);
        assert_eq!(facts(false, Some(None), 3).status(), PatientStatus::InInduction, "no schedule: acute phase");
        assert_eq!(facts(true, Some(Some("iv_series")), 2).status(), PatientStatus::InInduction);
        assert_eq!(facts(true, Some(Some("maintenance")), 9).status(), PatientStatus::InMaintenance);
        assert_eq!(facts(true, None, 9).status(), PatientStatus::FollowUp);
        assert_eq!(facts(false, None, 1).status(), PatientStatus::FollowUp, "sessions outrank a missing intake");
    }
}
