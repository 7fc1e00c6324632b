//! The clinic-wide reads behind the portal's dashboard inside a [`ClinicScope`]: the sessions of a time range
//! (today's sessions, in one query instead of a walk over patients, courses and sessions) and the facts each
//! patient's status is decided from (`domain::PatientStatus`). One audit event per read.

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use time::OffsetDateTime;

use crate::audited::Audit;
use crate::clock::to_micros;
use crate::db::args;
use crate::domain::{CourseId, DaySession, OpenCourse, PatientCareFacts, PatientId};
use crate::error::{StoreError, StoreResult};
use crate::rows::parse_id;
use crate::rows::treatment::{SESSION_COLUMNS, SessionRow};
use crate::scope::ClinicScope;

/// The phase code of the schedule entry after `held` sessions, or of the last entry once the schedule is used up.
fn next_phase(schedule: Option<&str>, held: i64) -> StoreResult<Option<String>> {
    let Some(text) = schedule else { return Ok(None) };
    let document: Value =
        serde_json::from_str(text).map_err(|e| StoreError::corrupt("courses", format!("schedule: {e}")))?;
    let Some(entries) = document.as_array() else { return Ok(None) };
    let index = usize::try_from(held).unwrap_or(0);
    let entry = entries.get(index).or_else(|| entries.last());
    Ok(entry.and_then(|e| e.get("phase")).and_then(Value::as_str).map(str::to_owned))
}

/// Session rows with their course's treatment, from (course id, treatment) pairs read in the same transaction.
fn with_treatments(rows: Vec<SessionRow>, treatments: Vec<(String, String)>) -> StoreResult<Vec<DaySession>> {
    let treatments: HashMap<String, String> = treatments.into_iter().collect();
    rows.into_iter()
        .map(|row| {
            let session = row.into_domain()?;
            let treatment = treatments.get(&session.course_id.to_text()).cloned().unwrap_or_default();
            Ok(DaySession { session, treatment })
        })
        .collect()
}

impl ClinicScope {
    /// The clinic's sessions "in the chair": dosed and still open (not discharged, stopped or ended early),
    /// whatever day they started, oldest dose first, each with its course's treatment. A session left open from an
    /// earlier day stays here until someone closes it, so no dosed patient drops off the dashboard at midnight.
    pub async fn sessions_in_chair(&self) -> StoreResult<Vec<DaySession>> {
        let mut tx = self.begin_audited().await?;
        let rows: Vec<SessionRow> = tx
            .fetch_all(
                &format!(
                    "SELECT {SESSION_COLUMNS} FROM sessions WHERE clinic_id = $1 \
                     AND status NOT IN ('completed', 'aborted', 'ended_early') \
                     AND EXISTS (SELECT 1 FROM dose_records d WHERE d.clinic_id = $1 AND d.session_id = sessions.id) \
                     ORDER BY (SELECT MIN(d.given_at) FROM dose_records d WHERE d.clinic_id = $1 \
                       AND d.session_id = sessions.id), id"
                ),
                &args![self.clinic()],
            )
            .await?;
        let treatments: Vec<(String, String)> = tx
            .fetch_all(
                "SELECT id, treatment FROM courses WHERE clinic_id = $1 AND id IN ( \
                   SELECT course_id FROM sessions WHERE clinic_id = $1 \
                   AND status NOT IN ('completed', 'aborted', 'ended_early'))",
                &args![self.clinic()],
            )
            .await?;
        tx.commit_with(Audit::list("session", "in_chair".to_owned())).await?;
        with_treatments(rows, treatments)
    }

    /// The clinic's sessions whose start (or, before it starts, its scheduled time, or for a session opened
    /// without a schedule, its creation) falls in `[from, to)`, in time order, each with its course's treatment. A
    /// session opened at the chair but not yet dosed is part of its day too.
    pub async fn sessions_between(&self, from: OffsetDateTime, to: OffsetDateTime) -> StoreResult<Vec<DaySession>> {
        let mut tx = self.begin_audited().await?;
        let range = args![self.clinic(), to_micros(from), to_micros(to)];
        let rows: Vec<SessionRow> = tx
            .fetch_all(
                &format!(
                    "SELECT {SESSION_COLUMNS} FROM sessions WHERE clinic_id = $1 \
                     AND COALESCE(started_at, scheduled_at, created_at) >= $2 AND COALESCE(started_at, scheduled_at, created_at) < $3 \
                     ORDER BY COALESCE(started_at, scheduled_at, created_at), id"
                ),
                &range,
            )
            .await?;
        let treatments: Vec<(String, String)> = tx
            .fetch_all(
                "SELECT id, treatment FROM courses WHERE clinic_id = $1 AND id IN ( \
                   SELECT course_id FROM sessions WHERE clinic_id = $1 \
                   AND COALESCE(started_at, scheduled_at, created_at) >= $2 AND COALESCE(started_at, scheduled_at, created_at) < $3)",
                &range,
            )
            .await?;
        tx.commit_with(Audit::list("session", format!("between:{}..{}", to_micros(from), to_micros(to)))).await?;
        with_treatments(rows, treatments)
    }

    /// For every patient of the clinic (archived ones excluded), in the order of the patient list, whether an
    /// intake is recorded, the latest open course with where its schedule stands, and how many sessions were held.
    pub async fn patient_care_facts(&self) -> StoreResult<Vec<PatientCareFacts>> {
        let mut tx = self.begin_audited().await?;
        let clinic = args![self.clinic()];
        let patients: Vec<(String,)> = tx
            .fetch_all(
                "SELECT id FROM patients WHERE clinic_id = $1 AND archived_at IS NULL \
                 ORDER BY family_name, given_name, id",
                &clinic,
            )
            .await?;
        let intakes: Vec<(String,)> =
            tx.fetch_all("SELECT patient_id FROM patient_intakes WHERE clinic_id = $1", &clinic).await?;
        let courses: Vec<(String, String, String, Option<String>, i64)> = tx
            .fetch_all(
                "SELECT c.id, c.patient_id, c.treatment, c.schedule, ( \
                   SELECT COUNT(*) FROM sessions s WHERE s.clinic_id = c.clinic_id AND s.course_id = c.id \
                   AND s.started_at IS NOT NULL) AS held \
                 FROM courses c WHERE c.clinic_id = $1 AND c.status IN ('planned', 'active') \
                 ORDER BY c.created_at, c.id",
                &clinic,
            )
            .await?;
        let held: Vec<(String, i64)> = tx
            .fetch_all(
                "SELECT patient_id, COUNT(*) FROM sessions WHERE clinic_id = $1 AND started_at IS NOT NULL \
                 GROUP BY patient_id",
                &clinic,
            )
            .await?;
        tx.commit_with(Audit::list("patient", "status".to_owned())).await?;

        let intakes: HashSet<String> = intakes.into_iter().map(|(p,)| p).collect();
        let held: HashMap<String, i64> = held.into_iter().collect();
        // Oldest first, so the latest open course of a patient is the one kept.
        let mut open: HashMap<String, OpenCourse> = HashMap::new();
        for (id, patient, treatment, schedule, in_course) in courses {
            let course = OpenCourse {
                course_id: parse_id("courses", &id, CourseId)?,
                treatment,
                next_phase: next_phase(schedule.as_deref(), in_course)?,
            };
            open.insert(patient, course);
        }
        patients
            .into_iter()
            .map(|(id,)| {
                Ok(PatientCareFacts {
                    patient_id: parse_id("patients", &id, PatientId)?,
                    has_intake: intakes.contains(&id),
                    open_course: open.remove(&id),
                    sessions_held: held.get(&id).copied().unwrap_or(0),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::next_phase;

    #[test]
    fn the_next_phase_is_the_entry_after_the_sessions_held() {
        let schedule = r#"[{"phase": "induction"}, {"phase": "induction"}, {"phase": "maintenance"}]"#;
        assert_eq!(next_phase(Some(schedule), 0).unwrap().as_deref(), Some("induction"));
        assert_eq!(next_phase(Some(schedule), 2).unwrap().as_deref(), Some("maintenance"));
        assert_eq!(next_phase(Some(schedule), 7).unwrap().as_deref(), Some("maintenance"), "used up: the last");
        assert_eq!(next_phase(None, 0).unwrap(), None);
        assert!(next_phase(Some("not json"), 0).is_err());
    }
}
