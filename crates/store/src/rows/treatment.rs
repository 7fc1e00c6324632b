//! The `courses`, `sessions`, `dose_records`, `observations` and `adverse_events` rows.

use super::{parse_code, parse_id, parse_id_opt};
use crate::clock::{date_from_text_opt, from_micros, from_micros_opt};
use crate::domain::{
    AdverseEvent, AdverseEventId, AeSeverity, Course, CourseId, CourseStatus, DoseId, DoseRecord, Measurement,
    Observation, ObservationId, PatientId, SessionId, SessionStatus, StaffId, TreatmentSession,
};
use crate::error::{StoreError, StoreResult};

pub(crate) const COURSE_COLUMNS: &str = "id, clinic_id, patient_id, treatment, status, planned_sessions, \
     prescriber_id, started_on, ended_on, end_reason, notes, created_at, updated_at";

#[derive(Debug, sqlx::FromRow, serde::Deserialize)]
pub(crate) struct CourseRow {
    pub id: String,
    pub patient_id: String,
    pub treatment: String,
    pub status: String,
    pub planned_sessions: Option<i64>,
    pub prescriber_id: Option<String>,
    pub started_on: Option<String>,
    pub ended_on: Option<String>,
    pub end_reason: Option<String>,
    pub notes: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl CourseRow {
    pub(crate) fn into_domain(self) -> StoreResult<Course> {
        const T: &str = "courses";
        Ok(Course {
            id: parse_id(T, &self.id, CourseId)?,
            patient_id: parse_id(T, &self.patient_id, PatientId)?,
            treatment: self.treatment,
            status: parse_code(T, &self.status, CourseStatus::parse)?,
            planned_sessions: self.planned_sessions,
            prescriber_id: parse_id_opt(T, self.prescriber_id.as_deref(), StaffId)?,
            started_on: date_from_text_opt(T, self.started_on.as_deref())?,
            ended_on: date_from_text_opt(T, self.ended_on.as_deref())?,
            end_reason: self.end_reason,
            notes: self.notes,
            created_at: from_micros(T, self.created_at)?,
            updated_at: from_micros(T, self.updated_at)?,
        })
    }
}

/// The columns a session is read with (version 8 added `early_departure_reason`).
pub(crate) const SESSION_COLUMNS: &str = "id, clinic_id, patient_id, course_id, number, status, scheduled_at, \
     started_at, ended_at, monitored_by, ready_to_leave_minutes, discharged_at, discharged_by, \
     discharge_override_reason, notes, created_at, updated_at, early_departure_reason";

#[derive(Debug, sqlx::FromRow, serde::Deserialize)]
pub(crate) struct SessionRow {
    pub id: String,
    pub patient_id: String,
    pub course_id: String,
    pub number: i64,
    pub status: String,
    pub scheduled_at: Option<i64>,
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub monitored_by: Option<String>,
    pub ready_to_leave_minutes: Option<i64>,
    pub discharged_at: Option<i64>,
    pub discharged_by: Option<String>,
    pub discharge_override_reason: Option<String>,
    pub notes: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub early_departure_reason: Option<String>,
}

impl SessionRow {
    pub(crate) fn into_domain(self) -> StoreResult<TreatmentSession> {
        const T: &str = "sessions";
        Ok(TreatmentSession {
            id: parse_id(T, &self.id, SessionId)?,
            patient_id: parse_id(T, &self.patient_id, PatientId)?,
            course_id: parse_id(T, &self.course_id, CourseId)?,
            number: self.number,
            status: parse_code(T, &self.status, SessionStatus::parse)?,
            scheduled_at: from_micros_opt(T, self.scheduled_at)?,
            started_at: from_micros_opt(T, self.started_at)?,
            ended_at: from_micros_opt(T, self.ended_at)?,
            monitored_by: parse_id_opt(T, self.monitored_by.as_deref(), StaffId)?,
            ready_to_leave_minutes: self.ready_to_leave_minutes,
            discharged_at: from_micros_opt(T, self.discharged_at)?,
            discharged_by: parse_id_opt(T, self.discharged_by.as_deref(), StaffId)?,
            discharge_override_reason: self.discharge_override_reason,
            early_departure_reason: self.early_departure_reason,
            notes: self.notes,
            created_at: from_micros(T, self.created_at)?,
            updated_at: from_micros(T, self.updated_at)?,
        })
    }
}

pub(crate) const DOSE_COLUMNS: &str =
    "id, clinic_id, patient_id, session_id, given_at, drug, dose_mg, route, lot_number, given_by, created_at";

#[derive(Debug, sqlx::FromRow, serde::Deserialize)]
pub(crate) struct DoseRow {
    pub id: String,
    pub session_id: String,
    pub given_at: i64,
    pub drug: String,
    pub dose_mg: f64,
    pub route: String,
    pub lot_number: Option<String>,
    pub given_by: Option<String>,
    pub created_at: i64,
}

impl DoseRow {
    pub(crate) fn into_domain(self) -> StoreResult<DoseRecord> {
        const T: &str = "dose_records";
        Ok(DoseRecord {
            id: parse_id(T, &self.id, DoseId)?,
            session_id: parse_id(T, &self.session_id, SessionId)?,
            given_at: from_micros(T, self.given_at)?,
            drug: self.drug,
            dose_mg: self.dose_mg,
            route: self.route,
            lot_number: self.lot_number,
            given_by: parse_id_opt(T, self.given_by.as_deref(), StaffId)?,
            created_at: from_micros(T, self.created_at)?,
        })
    }
}

pub(crate) const OBSERVATION_COLUMNS: &str =
    "id, clinic_id, patient_id, session_id, observed_at, minutes_after_dose, kind, data, recorded_by, created_at";

#[derive(Debug, sqlx::FromRow, serde::Deserialize)]
pub(crate) struct ObservationRow {
    pub id: String,
    pub session_id: String,
    pub observed_at: i64,
    pub minutes_after_dose: Option<i64>,
    pub kind: String,
    pub data: String,
    pub recorded_by: Option<String>,
    pub created_at: i64,
}

impl ObservationRow {
    pub(crate) fn into_domain(self) -> StoreResult<Observation> {
        const T: &str = "observations";
        let measurement: Measurement =
            serde_json::from_str(&self.data).map_err(|e| StoreError::corrupt(T, format!("data: {e}")))?;
        if measurement.kind() != self.kind {
            return Err(StoreError::corrupt(T, format!("kind {:?} disagrees with data", self.kind)));
        }
        Ok(Observation {
            id: parse_id(T, &self.id, ObservationId)?,
            session_id: parse_id(T, &self.session_id, SessionId)?,
            observed_at: from_micros(T, self.observed_at)?,
            minutes_after_dose: self.minutes_after_dose,
            measurement,
            recorded_by: parse_id_opt(T, self.recorded_by.as_deref(), StaffId)?,
            created_at: from_micros(T, self.created_at)?,
        })
    }
}

pub(crate) const ADVERSE_EVENT_COLUMNS: &str = "id, clinic_id, patient_id, session_id, occurred_at, kind, severity, \
     description, action_taken, reported_externally, recorded_by, created_at";

#[derive(Debug, sqlx::FromRow, serde::Deserialize)]
pub(crate) struct AdverseEventRow {
    pub id: String,
    pub patient_id: String,
    pub session_id: Option<String>,
    pub occurred_at: i64,
    pub kind: String,
    pub severity: String,
    pub description: Option<String>,
    pub action_taken: Option<String>,
    #[serde(deserialize_with = "super::bool_or_int")]
    pub reported_externally: bool,
    pub recorded_by: Option<String>,
    pub created_at: i64,
}

impl AdverseEventRow {
    pub(crate) fn into_domain(self) -> StoreResult<AdverseEvent> {
        const T: &str = "adverse_events";
        Ok(AdverseEvent {
            id: parse_id(T, &self.id, AdverseEventId)?,
            patient_id: parse_id(T, &self.patient_id, PatientId)?,
            session_id: parse_id_opt(T, self.session_id.as_deref(), SessionId)?,
            occurred_at: from_micros(T, self.occurred_at)?,
            kind: self.kind,
            severity: parse_code(T, &self.severity, AeSeverity::parse)?,
            description: self.description,
            action_taken: self.action_taken,
            reported_externally: self.reported_externally,
            recorded_by: parse_id_opt(T, self.recorded_by.as_deref(), StaffId)?,
            created_at: from_micros(T, self.created_at)?,
        })
    }
}
