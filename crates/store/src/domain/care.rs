//! Treatment-workflow records beyond courses and sessions: the patient intake, a course's schedule and
//! contraindication override, prescriber overrides of session gates, clinic protocol settings, submitted
//! REMS Patient Monitoring Forms and their saved drafts.
//!
//! Clinical content (the intake's computed results, schedules, settings, the form) is a JSON document here:
//! `ketapath-clinical` owns its meaning and checks it before it is stored; the store keeps it whole.

use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

use super::{PatientId, SessionId, StaffId, code_enum, id_type};

id_type!(
    /// A patient intake's id.
    IntakeId
);
id_type!(
    /// A gate override's id.
    GateOverrideId
);
id_type!(
    /// A submitted REMS form's id.
    RemsFormId
);
id_type!(
    /// A saved REMS form draft's id.
    RemsFormDraftId
);

code_enum!(
    /// A step of the workflow that a rule may block until a prescriber overrides it with a reason.
    Gate {
        BpGate => "bp_gate",
        Discharge => "discharge",
        Contraindication => "contraindication",
    }
);

/// A patient's intake: the staff-entered answers and what the clinical rules computed from them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Intake {
    pub id: IntakeId,
    pub patient_id: PatientId,
    pub document: Value,
    /// The clinical catalog's `rules_version` the computed results were produced under.
    pub rules_version: String,
    pub updated_by: Option<StaffId>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// The plan of a course beyond its row: the generated (or prescriber-edited) schedule, the override of a
/// contraindication that let the course be planned, the indication it treats and its latest benefit review.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CoursePlan {
    pub schedule: Option<Value>,
    pub contraindication_override_reason: Option<String>,
    pub contraindication_override_by: Option<StaffId>,
    pub indication: super::CourseIndication,
    /// The latest benefit review; read only (recorded with `ClinicScope::record_benefit_review`).
    pub benefit_review: Option<super::BenefitReview>,
}

/// A gate override to record. The acting user is the prescriber; the store refuses other roles.
#[derive(Debug, Clone, PartialEq)]
pub struct NewGateOverride {
    pub session_id: SessionId,
    pub gate: Gate,
    pub reason: String,
    /// The overridden rules, as `id@version`.
    pub rules: Vec<String>,
    pub at: OffsetDateTime,
}

/// A recorded gate override.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct GateOverride {
    pub id: GateOverrideId,
    pub session_id: SessionId,
    pub patient_id: PatientId,
    pub gate: Gate,
    pub reason: String,
    pub rules: Vec<String>,
    pub overridden_by: StaffId,
    pub at: OffsetDateTime,
    pub created_at: OffsetDateTime,
}

/// A clinic's protocol settings document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProtocolSettingsDoc {
    pub document: Value,
    pub updated_by: Option<StaffId>,
    pub updated_at: OffsetDateTime,
}

/// A Patient Monitoring Form as it was submitted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemsFormRecord {
    pub id: RemsFormId,
    pub session_id: SessionId,
    pub patient_id: PatientId,
    pub form: Value,
    pub submitted_at: OffsetDateTime,
    pub submitted_by: Option<StaffId>,
    pub created_at: OffsetDateTime,
}

/// The saved draft of a session's REMS form: the staff answers only (`{"form": merge patch, "adverse_effects":
/// {code: bool}}`), applied over the form drafted from the chart each time it is shown, and who saved it when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemsFormDraft {
    pub id: RemsFormDraftId,
    pub session_id: SessionId,
    pub patient_id: PatientId,
    pub answers: Value,
    pub saved_at: OffsetDateTime,
    pub saved_by: Option<StaffId>,
}

/// A session of the clinic with a dose given, for the REMS form dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DosedSession {
    pub session_id: SessionId,
    pub patient_id: PatientId,
    /// The course's treatment code (`esketamine_nasal`, ...).
    pub treatment: String,
    pub first_dose_at: OffsetDateTime,
    pub form_submitted_at: Option<OffsetDateTime>,
}

/// What discharging a session records.
#[derive(Debug, Clone, PartialEq)]
pub struct Discharge {
    pub at: OffsetDateTime,
    /// The REMS evaluation answer, in minutes from the first administration.
    pub ready_to_leave_minutes: Option<i64>,
    /// The override of unmet discharge criteria, when a prescriber gave one.
    pub override_: Option<NewGateOverride>,
}
