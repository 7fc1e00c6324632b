//! Treatment courses, supervised sessions, doses, timed observations and adverse events.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::{PatientId, StaffId, code_enum, id_type};

id_type!(
    /// A treatment course's id.
    CourseId
);
id_type!(
    /// A session's id.
    SessionId
);
id_type!(
    /// A dose record's id.
    DoseId
);
id_type!(
    /// An observation's id.
    ObservationId
);
id_type!(
    /// An adverse event's id.
    AdverseEventId
);

code_enum!(
    /// Where a course stands.
    CourseStatus {
        Planned => "planned",
        Active => "active",
        Completed => "completed",
        Stopped => "stopped",
    }
);

code_enum!(
    /// Where a session stands.
    SessionStatus {
        Scheduled => "scheduled",
        InProgress => "in_progress",
        Completed => "completed",
        Aborted => "aborted",
        EndedEarly => "ended_early",
    }
);

impl SessionStatus {
    /// The status in words, as staff pages show it (the code stays in JSON and URLs).
    pub fn label(self) -> &'static str {
        match self {
            SessionStatus::Scheduled => "scheduled",
            SessionStatus::InProgress => "in progress",
            SessionStatus::Completed => "completed",
            SessionStatus::Aborted => "stopped before the end",
            SessionStatus::EndedEarly => "left early",
        }
    }

    /// Whether the session is over (discharged, stopped, or ended by an early departure): nothing more is charted.
    pub fn is_closed(self) -> bool {
        matches!(self, SessionStatus::Completed | SessionStatus::Aborted | SessionStatus::EndedEarly)
    }
}

code_enum!(
    /// How severe an adverse event was.
    AeSeverity {
        Mild => "mild",
        Moderate => "moderate",
        Severe => "severe",
        LifeThreatening => "life_threatening",
    }
);

/// A planned series of treatment sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Course {
    pub id: CourseId,
    pub patient_id: PatientId,
    /// An offer code (`esketamine_nasal`, `iv_ketamine`, …).
    pub treatment: String,
    pub status: CourseStatus,
    pub planned_sessions: Option<i64>,
    pub prescriber_id: Option<StaffId>,
    pub started_on: Option<Date>,
    pub ended_on: Option<Date>,
    pub end_reason: Option<String>,
    pub notes: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A course to plan.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCourse {
    pub patient_id: PatientId,
    pub treatment: String,
    pub planned_sessions: Option<i64>,
    pub prescriber_id: Option<StaffId>,
    pub started_on: Option<Date>,
    pub notes: Option<String>,
}

/// One supervised treatment session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreatmentSession {
    pub id: SessionId,
    pub patient_id: PatientId,
    pub course_id: super::CourseId,
    /// 1 for the first session of the course.
    pub number: i64,
    pub status: SessionStatus,
    pub scheduled_at: Option<OffsetDateTime>,
    pub started_at: Option<OffsetDateTime>,
    pub ended_at: Option<OffsetDateTime>,
    pub monitored_by: Option<StaffId>,
    /// The REMS evaluation question: minutes from administration until the patient would have been ready to leave.
    pub ready_to_leave_minutes: Option<i64>,
    pub discharged_at: Option<OffsetDateTime>,
    pub discharged_by: Option<StaffId>,
    /// The reason a prescriber gave to override a discharge gate.
    pub discharge_override_reason: Option<String>,
    /// Why the session ended early (`transferred_to_emergency`, `left_against_advice`, `other`), when it did.
    pub early_departure_reason: Option<String>,
    pub notes: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A session to schedule or start; the store numbers it within its course.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTreatmentSession {
    pub course_id: CourseId,
    pub scheduled_at: Option<OffsetDateTime>,
    pub monitored_by: Option<StaffId>,
}

/// The fields of a session that change as it runs; every field is replaced.
#[derive(Debug, Clone, PartialEq)]
pub struct TreatmentSessionUpdate {
    pub status: SessionStatus,
    pub started_at: Option<OffsetDateTime>,
    pub ended_at: Option<OffsetDateTime>,
    pub monitored_by: Option<StaffId>,
    pub ready_to_leave_minutes: Option<i64>,
    pub discharged_at: Option<OffsetDateTime>,
    pub discharged_by: Option<StaffId>,
    pub discharge_override_reason: Option<String>,
    pub notes: Option<String>,
}

/// A dose given during a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoseRecord {
    pub id: DoseId,
    pub session_id: SessionId,
    pub given_at: OffsetDateTime,
    pub drug: String,
    pub dose_mg: f64,
    /// `intranasal`, `iv`, `im`, `oral`.
    pub route: String,
    pub lot_number: Option<String>,
    pub given_by: Option<StaffId>,
    pub created_at: OffsetDateTime,
}

/// A dose to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDose {
    pub session_id: SessionId,
    pub given_at: OffsetDateTime,
    pub drug: String,
    pub dose_mg: f64,
    pub route: String,
    pub lot_number: Option<String>,
}

/// What was measured at one moment of a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measurement {
    BloodPressure {
        systolic: u16,
        diastolic: u16,
    },
    HeartRate {
        bpm: u16,
    },
    Spo2 {
        percent: u8,
    },
    RespiratoryRate {
        per_minute: u16,
    },
    /// MOAA/S score, 0 (unresponsive) to 5 (alert).
    Moaas {
        score: u8,
    },
    /// CADSS total.
    Cadss {
        total: u16,
    },
    Note {
        text: String,
    },
}

impl Measurement {
    /// The stored kind code (the JSON tag), kept in its own column for queries.
    pub fn kind(&self) -> &'static str {
        match self {
            Measurement::BloodPressure { .. } => "blood_pressure",
            Measurement::HeartRate { .. } => "heart_rate",
            Measurement::Spo2 { .. } => "spo2",
            Measurement::RespiratoryRate { .. } => "respiratory_rate",
            Measurement::Moaas { .. } => "moaas",
            Measurement::Cadss { .. } => "cadss",
            Measurement::Note { .. } => "note",
        }
    }
}

/// A timed observation during a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub id: ObservationId,
    pub session_id: SessionId,
    pub observed_at: OffsetDateTime,
    pub minutes_after_dose: Option<i64>,
    pub measurement: Measurement,
    pub recorded_by: Option<StaffId>,
    pub created_at: OffsetDateTime,
}

/// An observation to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewObservation {
    pub session_id: SessionId,
    pub observed_at: OffsetDateTime,
    pub minutes_after_dose: Option<i64>,
    pub measurement: Measurement,
}

/// An adverse event, during a session or between sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdverseEvent {
    pub id: AdverseEventId,
    pub patient_id: PatientId,
    pub session_id: Option<SessionId>,
    pub occurred_at: OffsetDateTime,
    /// A code such as `sedation`, `dissociation`, `hypertension`, `respiratory_depression`, `nausea`, `other`.
    pub kind: String,
    pub severity: AeSeverity,
    pub description: Option<String>,
    pub action_taken: Option<String>,
    /// Reported to the REMS or to FDA MedWatch.
    pub reported_externally: bool,
    pub recorded_by: Option<StaffId>,
    pub created_at: OffsetDateTime,
}

/// An adverse event to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAdverseEvent {
    pub patient_id: PatientId,
    pub session_id: Option<SessionId>,
    pub occurred_at: OffsetDateTime,
    pub kind: String,
    pub severity: AeSeverity,
    pub description: Option<String>,
    pub action_taken: Option<String>,
    pub reported_externally: bool,
}

/// A session with everything recorded during it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreatmentSessionDetail {
    pub session: TreatmentSession,
    pub doses: Vec<DoseRecord>,
    pub observations: Vec<Observation>,
    pub adverse_events: Vec<AdverseEvent>,
    /// The pre-dose checks as last recorded (answers and the rules' report), if any.
    pub pre_checks: Option<serde_json::Value>,
    /// Prescriber overrides of the session's gates, in time order.
    pub overrides: Vec<super::GateOverride>,
}
